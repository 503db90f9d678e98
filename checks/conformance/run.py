#!/usr/bin/env python3
"""Runs the HTTP/1.1 conformance corpus (cases.json) against a running server. Standard library only.

Each case gets a fresh TCP connection: its bytes are sent (with the pauses it asks for), the responses are read
and their status lines checked in order, then either the server must close the connection without sending more,
or the connection must still be usable (a probe GET /healthz answered 200 on it).

    python3 checks/conformance/run.py --port 18555 [--host 127.0.0.1] [--only ID ...] [-v]

The last line printed is always `N passed, N failed`; the exit status is non-zero when any case failed.
"""
import argparse
import json
import os
import re
import select
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = b"GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n"


class CaseFailure(Exception):
    pass


class Connection:
    """A raw socket plus everything received on it so far."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.received = bytearray()
        self.eof = False
        self.reset = False

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:  # the server may close early (e.g. 414 before the line ends); what it said is still read
            self.reset = True

    def pump(self, seconds):
        """Collects whatever arrives during `seconds` (stops early at EOF)."""
        deadline = time.monotonic() + seconds
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                self._recv()

    def _recv(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            self.eof = self.reset = True
            return
        if chunk:
            self.received += chunk
        else:
            self.eof = True

    def read_until(self, predicate, timeout):
        """Reads until predicate(received) is not None; returns it, or None at EOF/timeout."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self.received)
            if result is not None or self.eof:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                self._recv()

    def close(self):
        self.sock.close()


def request_bytes(spec):
    """Turns a case's `request` into a list of ('send', bytes) and ('pause', spec) steps."""
    items = spec if isinstance(spec, list) else [spec]
    steps, pending = [], bytearray()
    for item in items:
        if isinstance(item, str):
            pending += item.encode("latin-1")
        elif "repeat" in item:
            pending += item["repeat"].encode("latin-1") * item["times"]
        elif "pause" in item:
            if pending:
                steps.append(("send", bytes(pending)))
                pending = bytearray()
            steps.append(("pause", item["pause"]))
        else:
            raise ValueError(f"unknown request item {item!r}")
    if pending:
        steps.append(("send", bytes(pending)))
    return steps


def pause_seconds(value, options):
    """A pause: milliseconds, or `header-timeout`, `body-timeout` (timeout + 500 ms), or `header-timeout/N`."""
    if isinstance(value, (int, float)):
        return value / 1000
    name, _, divisor = value.partition("/")
    base = {"header-timeout": options.header_timeout_ms, "body-timeout": options.body_timeout_ms}[name]
    return base / int(divisor) / 1000 if divisor else (base + 500) / 1000


def parse_response(buffer, is_head):
    """Returns (status, status_line, headers, total_length) when one full response is buffered, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    match = re.match(r"^HTTP/\d\.\d (\d{3})( |$)", lines[0])
    if not match:
        raise CaseFailure(f"malformed status line {lines[0]!r}")
    status = int(match.group(1))
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise CaseFailure(f"malformed response field line {line!r}")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = 0
    if not (is_head or status < 200 or status in (204, 304)):
        if "transfer-encoding" in headers:
            raise CaseFailure("chunked responses are not expected from this server")
        values = headers.get("content-length")
        if not values or len(values) != 1 or not values[0].isdigit():
            raise CaseFailure(f"response {status} without a single valid Content-Length: {values}")
        length = int(values[0])
    total = end + 4 + length
    if len(buffer) < total:
        return None
    return status, lines[0], headers, total


def read_responses(conn, case, options):
    """Reads one response per expected status (the interim 100 counts as one)."""
    responses = []
    for index, expected in enumerate(case["expect"]):
        parsed = conn.read_until(lambda b: parse_response(b, case.get("head", False)), options.timeout)
        if parsed is None:
            state = "closed" if conn.eof else "silent"
            got = bytes(conn.received[:120])
            raise CaseFailure(f"response #{index + 1}: expected {expected}, connection {state}; received {got!r}")
        status, status_line, headers, total = parsed
        del conn.received[:total]
        allowed = expected if isinstance(expected, list) else [expected]
        if status not in allowed:
            raise CaseFailure(f"response #{index + 1}: expected {expected}, got {status_line!r}")
        if not status_line.startswith("HTTP/1.1 "):
            raise CaseFailure(f"response #{index + 1}: not answered as HTTP/1.1: {status_line!r}")
        responses.append((status_line, headers))
    return responses


def check_headers(case, responses):
    for index, name, pattern in case.get("headers", []):
        status_line, headers = responses[index]
        values = [status_line] if name == "status-line" else headers.get(name.lower(), [])
        if pattern is None:
            if values:
                raise CaseFailure(f"response #{index + 1}: {name} must be absent, got {values}")
        elif not any(re.search(pattern, value) for value in values):
            raise CaseFailure(f"response #{index + 1}: {name} {values} does not match /{pattern}/")


def check_close(conn, case, options):
    if case["close"]:
        wait = max(options.timeout, 2 * options.header_timeout_ms / 1000 + 2)
        conn.read_until(lambda b: b"" if b else None, wait)
        if conn.received:
            raise CaseFailure(f"unexpected bytes after the last response: {bytes(conn.received[:120])!r}")
        if not conn.eof:
            raise CaseFailure(f"connection still open {wait:.1f}s after the last response (must close)")
        return
    if conn.eof:
        raise CaseFailure("server closed a connection that must persist")
    if conn.received:
        raise CaseFailure(f"unexpected bytes after the last response: {bytes(conn.received[:120])!r}")
    conn.send(PROBE)
    read_responses(conn, {"expect": [200]}, options)


def run_case(case, options):
    conn = Connection(options.host, options.port, options.timeout)
    try:
        for kind, value in request_bytes(case["request"]):
            if kind == "send":
                conn.send(value)
            else:
                conn.pump(pause_seconds(value, options))
        responses = read_responses(conn, case, options)
        check_headers(case, responses)
        check_close(conn, case, options)
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cases", default=os.path.join(HERE, "cases.json"))
    parser.add_argument("--header-timeout-ms", type=int, default=1000, help="the server's HEADER_READ_TIMEOUT_MS")
    parser.add_argument("--body-timeout-ms", type=int, default=1000, help="the server's BODY_READ_TIMEOUT_MS")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for each response")
    parser.add_argument("--only", nargs="*", default=None, help="case ids to run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case, not only failures")
    options = parser.parse_args()

    with open(options.cases, encoding="utf-8") as file:
        cases = json.load(file)["cases"]
    if options.only:
        cases = [case for case in cases if case["id"] in options.only]
    passed = failed = 0
    for case in cases:
        started = time.monotonic()
        try:
            run_case(case, options)
            passed += 1
            if options.verbose:
                print(f"ok    {case['id']} ({time.monotonic() - started:.2f}s)")
        except (CaseFailure, OSError) as error:
            failed += 1
            print(f"FAIL  {case['id']} [{case['rfc']}] {case['rule']}\n      {error}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

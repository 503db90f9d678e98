#!/usr/bin/env python3
"""Slow clients: keeps N connections trickling request-head bytes (one byte every --interval seconds; a client
cut off by the server's header timeout is replaced at once) while timing GET /healthz on fresh connections.
Prints p50/p99 of /healthz without and with the trickling clients and checks the difference is bounded.

  slowloris.py --port P [--clients 1000] [--samples 400] [--interval 0.5] [--loaded-seconds 14]
"""
import argparse
import http.client
import selectors
import socket
import sys
import threading
import time

HEAD = b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Padding: " + b"a" * 4000


def time_healthz(port, count, seconds=0.0):
    """Times `count` requests, continuing until `seconds` have passed too."""
    latencies, failures = [], 0
    deadline = time.monotonic() + seconds
    while len(latencies) < count or time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                failures += 1
        except (OSError, http.client.HTTPException):
            failures += 1
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.005)
    latencies.sort()
    return latencies, failures


def pct(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))]


class Trickler:
    """Holds `clients` connections open, each sending one more head byte every `interval` seconds."""

    def __init__(self, port, clients, interval):
        self.port, self.clients, self.interval = port, clients, interval
        self.selector = selectors.DefaultSelector()
        self.sockets = {}  # socket -> bytes sent
        self.stop = threading.Event()
        self.opened = self.cut_off = self.refused = 0

    def open_one(self):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            sock.connect_ex(("127.0.0.1", self.port))
        except OSError:
            self.refused += 1
            sock.close()
            return
        self.sockets[sock] = 0
        self.selector.register(sock, selectors.EVENT_READ)
        self.opened += 1

    def drop(self, sock):
        self.selector.unregister(sock)
        del self.sockets[sock]
        sock.close()

    def run(self):
        while len(self.sockets) < self.clients:
            self.open_one()
        next_tick = time.monotonic()
        while not self.stop.is_set():
            for key, _ in self.selector.select(timeout=0.05):  # the server answered (408) or closed
                try:
                    key.fileobj.recv(65536)
                except OSError:
                    pass
                self.cut_off += 1
                self.drop(key.fileobj)
            if time.monotonic() >= next_tick:
                next_tick += self.interval
                for sock, sent in list(self.sockets.items()):
                    try:
                        sock.send(HEAD[sent % len(HEAD):sent % len(HEAD) + 1])
                        self.sockets[sock] = sent + 1
                    except OSError:
                        self.cut_off += 1
                        self.drop(sock)
            while len(self.sockets) < self.clients:
                self.open_one()
        for sock in list(self.sockets):
            self.drop(sock)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--loaded-seconds", type=float, default=14.0,
                        help="measure at least this long with slow clients (beyond the 10 s header timeout, so "
                             "the server cuts them off with 408 and they are replaced during the measurement)")
    parser.add_argument("--max-p99-ms", type=float, default=None,
                        help="fail when p99 with trickling exceeds this (default: max(10 x baseline p99, 50 ms))")
    options = parser.parse_args()

    time_healthz(options.port, 20)  # warm up
    baseline, baseline_failures = time_healthz(options.port, options.samples)
    trickler = Trickler(options.port, options.clients, options.interval)
    thread = threading.Thread(target=trickler.run)
    thread.start()
    time.sleep(3)  # let every slow client connect and start trickling
    held = len(trickler.sockets)
    loaded, loaded_failures = time_healthz(options.port, options.samples, options.loaded_seconds)
    trickler.stop.set()
    thread.join()

    print(f"/healthz alone:                 p50 {pct(baseline, 0.5):6.2f} ms  p99 {pct(baseline, 0.99):6.2f} ms  "
          f"max {baseline[-1]:6.2f} ms  ({baseline_failures} failed)")
    print(f"/healthz with {held:4d} slow clients: p50 {pct(loaded, 0.5):6.2f} ms  p99 {pct(loaded, 0.99):6.2f} ms  "
          f"max {loaded[-1]:6.2f} ms  ({loaded_failures} failed)")
    print(f"slow clients: {trickler.opened} opened, {trickler.cut_off} cut off by the server (408/close), "
          f"{trickler.refused} refused")
    limit = options.max_p99_ms or max(10 * pct(baseline, 0.99), 50.0)
    failures = []
    if held < options.clients * 0.95:
        failures.append(f"only {held} of {options.clients} slow clients were connected")
    if baseline_failures or loaded_failures:
        failures.append(f"{baseline_failures + loaded_failures} /healthz requests failed")
    if pct(loaded, 0.99) > limit:
        failures.append(f"p99 with slow clients {pct(loaded, 0.99):.2f} ms exceeds {limit:.2f} ms")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("slow clients: " + ("FAILED" if failures else "passed"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

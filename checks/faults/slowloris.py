#!/usr/bin/env python3
"""Slow clients: keeps N connections trickling bytes, one every --interval seconds, from a process of their own
(so the measuring client never waits for Python's GIL behind them). Half trickle a request head (cut off by the
server's header timeout, then replaced at once); the other half send an authenticated CreateEndUser head at
once and then trickle its body. Meanwhile a normal client times GET /healthz and GetEndUser on fresh
connections. Prints p50/p99/max of both without and with the slow clients, and each p99's ratio to its unloaded
figure against the 2x target.

A benchmark, not a timing assertion: it fails only on a gross violation (a loaded p99 beyond
max(10 x unloaded, 50 ms)), on any failed request, or when the slow clients could not be held.

  slowloris.py --port P --api-key K --hub H --user EXTERNAL_ID [--clients 1000] [--body-share 0.5]
               [--samples 300] [--interval 0.5] [--loaded-seconds 14]
"""
import argparse
import http.client
import multiprocessing
import selectors
import socket
import sys
import time

HEAD = b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Padding: " + b"a" * 4000
# Within CreateEndUser's own body limit (16 KiB, RouteBodyLimits): a larger one is refused on its head (413) and
# its connection closed, which would measure reconnection churn instead of slow clients.
BODY = b'{"externalId": "' + b"s" * 15_000


def body_head(api_key, hub):
    return (f"POST /hubs/{hub}/users HTTP/1.1\r\nHost: slow\r\nAuthorization: Bearer {api_key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(BODY) + 2}\r\n\r\n").encode()


def time_requests(port, targets, count, seconds=0.0):
    """Sends each (name, path, headers) of `targets` in turn, `count` rounds and for at least `seconds`; returns
    {name: sorted latencies in ms} and the number of requests that failed (no answer or not 200)."""
    latencies = {name: [] for name, _, _ in targets}
    failures = 0
    deadline = time.monotonic() + seconds
    rounds = 0
    while rounds < count or time.monotonic() < deadline:
        for name, path, headers in targets:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    failures += 1
            except (OSError, http.client.HTTPException):
                failures += 1
            latencies[name].append((time.perf_counter() - started) * 1000)
        rounds += 1
        time.sleep(0.005)
    return {name: sorted(values) for name, values in latencies.items()}, failures


def pct(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))]


class Trickler:
    """Holds `clients` connections open, each sending one more byte every `interval` seconds: of its head, or,
    for the first `body_clients`, of its body after a complete head."""

    def __init__(self, port, clients, body_clients, interval, body_head):
        self.port, self.clients, self.body_clients, self.interval = port, clients, body_clients, interval
        self.body_head = body_head
        self.selector = selectors.DefaultSelector()
        self.sockets = {}  # socket -> [bytes sent, trickles a body]
        self.opened = self.cut_off = self.refused = 0

    def bodies_held(self):
        return sum(1 for _, body in self.sockets.values() if body)

    def open_one(self):
        body = self.bodies_held() < self.body_clients
        sock = socket.socket()
        try:
            sock.settimeout(5)
            sock.connect(("127.0.0.1", self.port))
            if body:
                sock.sendall(self.body_head)
            sock.setblocking(False)
        except OSError:
            self.refused += 1
            sock.close()
            time.sleep(0.01)
            return
        self.sockets[sock] = [0, body]
        self.selector.register(sock, selectors.EVENT_READ)
        self.opened += 1

    def drop(self, sock):
        self.selector.unregister(sock)
        del self.sockets[sock]
        sock.close()

    def send_next_bytes(self):
        for sock, state in list(self.sockets.items()):
            sent, body = state
            data = BODY if body else HEAD
            try:
                sock.send(data[sent % len(data):sent % len(data) + 1])
                state[0] = sent + 1
            except OSError:
                self.cut_off += 1
                self.drop(sock)

    def run(self, stop, held, bodies, counts):
        while len(self.sockets) < self.clients and not stop.is_set():
            self.open_one()
        next_tick = time.monotonic()
        while not stop.is_set():
            for key, _ in self.selector.select(timeout=0.05):  # the server answered (408) or closed
                try:
                    key.fileobj.recv(65536)
                except OSError:
                    pass
                self.cut_off += 1
                self.drop(key.fileobj)
            if time.monotonic() >= next_tick:
                next_tick += self.interval
                self.send_next_bytes()
            while len(self.sockets) < self.clients and not stop.is_set():
                self.open_one()
            held.value, bodies.value = len(self.sockets), self.bodies_held()
            counts[:] = [self.opened, self.cut_off, self.refused]
        for sock in list(self.sockets):
            self.drop(sock)


def trickle(options, stop, held, bodies, counts):
    body_clients = int(options.clients * options.body_share)
    trickler = Trickler(options.port, options.clients, body_clients, options.interval,
                        body_head(options.api_key, options.hub))
    trickler.run(stop, held, bodies, counts)


def report(label, latencies):
    for name, values in latencies.items():
        print(f"{name:10s} {label:28s} p50 {pct(values, 0.5):7.2f} ms  p99 {pct(values, 0.99):7.2f} ms  "
              f"max {values[-1]:7.2f} ms  ({len(values)} requests)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--hub", required=True)
    parser.add_argument("--user", required=True, help="an end user's externalId, read by GetEndUser")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--body-share", type=float, default=0.5, help="fraction of slow clients trickling a body")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--loaded-seconds", type=float, default=14.0,
                        help="measure at least this long with slow clients (beyond the 10 s header timeout, so "
                             "the server cuts the head tricklers off with 408 and they are replaced meanwhile)")
    options = parser.parse_args()

    targets = [
        ("/healthz", "/healthz", {}),
        ("GetEndUser", f"/hubs/{options.hub}/users/{options.user}", {"Authorization": f"Bearer {options.api_key}"}),
    ]
    time_requests(options.port, targets, 20)  # warm up
    baseline, baseline_failures = time_requests(options.port, targets, options.samples)

    stop = multiprocessing.Event()
    held, bodies = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    counts = multiprocessing.Array("i", 3)
    process = multiprocessing.Process(target=trickle, args=(options, stop, held, bodies, counts))
    process.start()
    for _ in range(300):  # up to 30 s for every slow client to connect
        if held.value >= options.clients:
            break
        time.sleep(0.1)
    time.sleep(1)
    held_at_start, bodies_at_start = held.value, bodies.value
    loaded, loaded_failures = time_requests(options.port, targets, options.samples, options.loaded_seconds)
    held_at_end = held.value
    stop.set()
    process.join()

    report("alone", baseline)
    report(f"with {held_at_start} slow clients", loaded)
    opened, cut_off, refused = counts[:]
    print(f"slow clients: {held_at_start} held at the start ({bodies_at_start} trickling bodies), {held_at_end} at "
          f"the end; {opened} opened, {cut_off} cut off by the server (408/close), {refused} refused")
    failures = []
    for name in baseline:
        unloaded, under_load = pct(baseline[name], 0.99), pct(loaded[name], 0.99)
        ratio = under_load / unloaded if unloaded else float("inf")
        print(f"{name}: p99 {under_load:.2f} ms with slow clients = {ratio:.2f} x unloaded "
              f"({'within' if ratio <= 2 else 'beyond'} the 2 x target)")
        limit = max(10 * unloaded, 50.0)
        if under_load > limit:
            failures.append(f"{name} p99 with slow clients {under_load:.2f} ms exceeds {limit:.2f} ms")
    if held_at_start < options.clients * 0.95:
        failures.append(f"only {held_at_start} of {options.clients} slow clients were connected")
    if baseline_failures or loaded_failures:
        failures.append(f"{baseline_failures + loaded_failures} requests of the normal client failed")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("slow clients: " + ("FAILED" if failures else "passed"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

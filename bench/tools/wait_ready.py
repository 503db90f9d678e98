#!/usr/bin/env python3
"""Wait until GET /readyz answers 200 and print the milliseconds since START_NS (a `date +%s%N` taken just
before the server was started).

Usage: wait_ready.py PORT START_NS
Polls every millisecond with a raw socket, so no client start-up cost lands in the figure. Exits 1 after 30 s.
"""
import socket
import sys
import time


def ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def main() -> int:
    port, start_ns = int(sys.argv[1]), int(sys.argv[2])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ready(port):
            print(f"{(time.time_ns() - start_ns) / 1e6:.0f}")
            return 0
        time.sleep(0.001)
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Start the server and measure the milliseconds from exec until GET /readyz answers 200.

Usage: wait_ready.py PORT COMMAND...
Prints "PID MILLISECONDS" and leaves the server running (its output goes to this script's stderr). The clock
starts just before the exec, so this interpreter's own start-up is not in the figure; polls every half
millisecond with a raw socket. Exits 1 (and kills the server) after 30 s without an answer.
"""
import socket
import subprocess
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
    port = int(sys.argv[1])
    start = time.monotonic()
    server = subprocess.Popen(sys.argv[2:], stdout=sys.stderr)  # stdout carries only our answer
    while time.monotonic() - start < 30:
        if ready(port):
            print(server.pid, f"{(time.monotonic() - start) * 1000:.0f}")
            return 0
        if server.poll() is not None:
            return 1
        time.sleep(0.0005)
    server.kill()
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Open N keep-alive connections, make one request on each, then hold them idle.

Usage: idle_connections.py HOST PORT N [--hold SECONDS]
Prints how many connections were opened and answered; exits non-zero if any failed.
"""
import argparse
import resource
import socket
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--hold", type=float, default=5.0)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.count + 100)), hard))
    request = f"GET /healthz HTTP/1.1\r\nHost: {args.host}\r\n\r\n".encode()
    sockets, answered = [], 0
    for _ in range(args.count):
        s = socket.create_connection((args.host, args.port), timeout=5)
        s.sendall(request)
        sockets.append(s)
    for s in sockets:
        data = s.recv(4096)
        if data.startswith(b"HTTP/1.1 200"):
            answered += 1
    print(f"opened {len(sockets)}, answered {answered}", file=sys.stderr)
    time.sleep(args.hold)
    for s in sockets:
        s.close()
    return 0 if answered == args.count else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Opens N keep-alive connections, sends one request on each, keeps them idle, and prints the server's RSS."""
import socket, sys, time

port, count, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

before = rss_kib()
sockets = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    sockets.append(s)
for s in sockets:
    s.recv(4096)
time.sleep(1)
after = rss_kib()
print(f"RSS before {before} KiB, with {count} idle keep-alive connections {after} KiB "
      f"(+{(after - before) / count:.1f} KiB per connection)")

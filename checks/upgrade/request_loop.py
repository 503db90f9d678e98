#!/usr/bin/env python3
"""A small create-then-read loop for checks/upgrade/rolling.sh (standard library only).

  request_loop.py run --port P --stop-file F --out FILE --api-key K --hub H --user U --connector C [--workers N]
      Until F exists, each worker creates a connection (CreateEndUserConnection, the fault scripts' body), reads it
      back (GetEndUserConnection) and lists the end user's connections (ListEndUserConnections); one JSON line per
      request: {"t", "op", "status" (0 = no answer), "error"}.
  request_loop.py report FILE [--from T --to T]
      Fails unless some requests ran and every one succeeded; with --from and --to, some also ran before the
      first, between the two and after the second.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "faults"))
from load import create_body  # noqa: E402  (the fault scripts' CreateEndUserConnection body)


def call(port, method, path, headers, body=None):
    sample = {"t": time.time(), "op": f"{method} {path.split('?')[0]}", "status": 0, "error": None, "json": None}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        sample["status"] = response.status
        if 200 <= response.status < 300:
            sample["json"] = json.loads(data)
        else:
            sample["error"] = " ".join(data[:300].decode("utf-8", "replace").split())  # error bodies hold no secret
        conn.close()
    except (OSError, http.client.HTTPException, ValueError) as error:
        sample["error"] = type(error).__name__
    return sample


def run(options):
    base = f"/hubs/{options.hub}/users/{options.user}/connections"
    headers = {"Authorization": f"Bearer {options.api_key}", "Content-Type": "application/json"}
    lock = threading.Lock()
    out = open(options.out, "a")

    def record(sample):
        sample.pop("json", None)
        with lock:
            out.write(json.dumps(sample) + "\n")
            out.flush()

    def worker(index):
        turn = 0
        while not os.path.exists(options.stop_file):
            turn += 1
            name = f"rolling-{index}-{turn}-{time.time_ns()}"
            created = call(options.port, "POST", base + "?identifier_type=internal", headers,
                           create_body(name, options.connector))
            connection_id = (created["json"] or {}).get("id") if created["status"] == 201 else None
            if created["status"] != 201:
                created["error"] = created["error"] or f"status {created['status']}"
            record(created)
            if connection_id:
                read = call(options.port, "GET", f"{base}/{connection_id}?identifier_type=internal", headers)
                if read["status"] == 200 and (read["json"] or {}).get("name") != name:
                    read["status"], read["error"] = 0, "read back another connection"
                record(read)
            record(call(options.port, "GET", base + "?identifier_type=internal", headers))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(options.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(options):
    samples = [json.loads(line) for line in open(options.file)]
    failed = [s for s in samples if not 200 <= s["status"] < 300]
    for sample in failed[:5]:
        print(f"  {sample['op']}: {sample['status']} {sample['error']}")
    if options.start is None or options.end is None:
        print(f"{len(samples)} requests, {len(failed)} failed")
        return 0 if samples and not failed else 1
    before = sum(1 for s in samples if s["t"] < options.start)
    during = sum(1 for s in samples if options.start <= s["t"] <= options.end)
    after = sum(1 for s in samples if s["t"] > options.end)
    print(f"{len(samples)} requests: {before} before the migration, {during} during it, {after} after; "
          f"{len(failed)} failed")
    return 0 if not failed and before and during and after else 1


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("run")
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--stop-file", required=True)
    command.add_argument("--out", required=True)
    command.add_argument("--workers", type=int, default=2)
    for name in ("--api-key", "--hub", "--user", "--connector"):
        command.add_argument(name, required=True)
    command = commands.add_parser("report")
    command.add_argument("file")
    command.add_argument("--from", dest="start", type=float)
    command.add_argument("--to", dest="end", type=float)
    options = parser.parse_args()
    if options.command == "run":
        run(options)
        return 0
    return report(options)


if __name__ == "__main__":
    sys.exit(main())

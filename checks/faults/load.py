#!/usr/bin/env python3
"""Load generator and reports for the fault scripts (standard library only).

  load.py hammer --port P --duration S --workers N --out FILE [--header 'K: V'] --path /readyz [--path ...]
      Each worker loops over the paths (GET, fresh connection each time, 30 s client timeout) and appends one JSON
      line per request to FILE: {"t": start, "latency": s, "path", "status" (0 = no answer), "retry_after", "error"}.
  load.py create --port P --duration S --workers N --out FILE --api-key K --hub H --user U --connector C
      Each worker POSTs CreateEndUserConnection with a unique name (two new action credentials, one new trigger
      credential) in a loop and appends {"t", "latency", "status", "id", "name", "error"} per request to FILE.
  load.py outage-report FILE --stopping T --down T --starting T --up T --limit S
      Checks a database outage run (see db-outage.sh) and prints what happened in each phase.
  load.py percentiles FILE
      Prints count, p50, p99 and max latency of the samples in FILE.
"""
import argparse
import http.client
import json
import sys
import threading
import time


def get(port, path, headers, timeout=30.0):
    started = time.time()
    sample = {"t": started, "path": path, "status": 0, "retry_after": None, "error": None}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers=dict(headers, Connection="close"))
        response = conn.getresponse()
        response.read()
        sample["status"] = response.status
        sample["retry_after"] = response.getheader("Retry-After")
        conn.close()
    except (OSError, http.client.HTTPException) as error:
        sample["error"] = type(error).__name__
    sample["latency"] = time.time() - started
    return sample


def run_workers(options, request):
    """Runs options.workers threads until options.duration has passed; each calls request(worker, turn) in a
    loop and appends the sample it returns to options.out as one JSON line."""
    deadline = time.time() + options.duration
    lock = threading.Lock()
    out = open(options.out, "a", encoding="utf-8")

    def worker(index):
        turn = 0
        while time.time() < deadline:
            sample = request(index, turn)
            turn += 1
            with lock:
                out.write(json.dumps(sample) + "\n")
                out.flush()
            if sample["status"] == 0:
                time.sleep(0.05)  # the server is restarting: do not spin

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(options.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.close()


def hammer(options):
    headers = dict(h.split(": ", 1) for h in options.header)
    run_workers(options, lambda index, turn: get(options.port, options.path[(index + turn) % len(options.path)], headers))


def create_body(name, connector):
    scheme = {"id": "key-header", "description": "API key", "schemeType": "api-key", "name": "X-API-Key", "in": "header"}

    def entry(secret):  # scheme ids are unique within a list
        return {"authSchemeConfig": dict(scheme, id=f"key-{secret}"),
                "credential": {"name": f"{name}-{secret}", "type": "string", "data": {"value": f"secret-{name}-{secret}"}}}

    return json.dumps({"connectorId": connector, "connection": {
        "name": name, "variables": [{"name": "region", "value": "eu"}],
        "credentials": {"action": [entry("a1"), entry("a2")], "trigger": [entry("t1")]}}})


def create(options):
    path = f"/hubs/{options.hub}/users/{options.user}/connections?identifier_type=internal"
    headers = {"Authorization": f"Bearer {options.api_key}", "Content-Type": "application/json", "Connection": "close"}

    def request(index, turn):
        name = f"kill-{index}-{turn}-{time.time_ns()}"
        sample = {"t": time.time(), "name": name, "status": 0, "id": None, "error": None}
        try:
            conn = http.client.HTTPConnection("127.0.0.1", options.port, timeout=30)
            conn.request("POST", path, body=create_body(name, options.connector), headers=headers)
            response = conn.getresponse()
            body = response.read()
            sample["status"] = response.status
            if response.status == 201:
                sample["id"] = json.loads(body)["id"]
            else:
                sample["error"] = " ".join(body[:400].decode("utf-8", "replace").split())  # never a secret
            conn.close()
        except (OSError, http.client.HTTPException, ValueError) as error:
            sample["error"] = type(error).__name__
        sample["latency"] = time.time() - sample["t"]
        return sample

    run_workers(options, request)


def load(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def describe(samples):
    statuses = {}
    for sample in samples:
        statuses[sample["status"]] = statuses.get(sample["status"], 0) + 1
    latencies = [s["latency"] for s in samples]
    return (f"{len(samples)} requests, statuses {dict(sorted(statuses.items()))}, "
            f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, max {max(latencies, default=0) * 1000:.0f} ms")


def outage_report(options):
    samples = load(options.file)
    failures = []
    before = [s for s in samples if s["t"] + s["latency"] < options.stopping]
    during = [s for s in samples if s["t"] > options.down and s["t"] + s["latency"] < options.starting]
    after = [s for s in samples if s["t"] > options.up]
    print(f"before the outage: {describe(before)}")
    print(f"during the outage: {describe(during)}")
    for path in sorted({s["path"] for s in during}):
        print(f"    {path}: {describe([s for s in during if s['path'] == path])}")
    print(f"after the restart: {describe(after)}")
    if any(s["status"] != 200 for s in before):
        failures.append("requests failed before the database went down")
    hung = [s for s in samples if s["latency"] > options.limit or s["status"] == 0]
    if hung:
        failures.append(f"{len(hung)} requests took longer than {options.limit}s or got no answer, e.g. {hung[0]}")
    if not during:
        failures.append("no request completed during the outage")
    for sample in during:
        if sample["path"] == "/healthz":
            if sample["status"] != 200:
                failures.append(f"/healthz answered {sample['status']} during the outage (it needs no database)")
                break
        elif sample["status"] != 503 or not sample["retry_after"]:
            failures.append(f"{sample['path']} answered {sample['status']} (Retry-After {sample['retry_after']!r}) "
                            f"{sample['t'] - options.down:.2f}s into the outage; expected 503 with Retry-After")
            break
    recovered = next((s["t"] for s in after if s["status"] == 200 and s["path"] != "/healthz"), None)
    if recovered is None:
        failures.append("the service did not recover after the database came back")
    else:
        print(f"first database-backed 200 after the restart: {recovered - options.up:.2f}s")
        settled = [s for s in after if s["t"] > recovered + 2]
        bad = [s for s in settled if s["status"] != 200]
        if bad:
            failures.append(f"{len(bad)} requests still failing 2s after recovery, e.g. {bad[0]}")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("outage: " + ("FAILED" if failures else "passed"))
    sys.exit(1 if failures else 0)


def percentiles(options):
    samples = load(options.file)
    bad = [s for s in samples if s["status"] != 200]
    latencies = [s["latency"] * 1000 for s in samples]
    print(f"{len(samples)} requests, {len(bad)} not 200, p50 {percentile(latencies, 0.5):.2f} ms, "
          f"p99 {percentile(latencies, 0.99):.2f} ms, max {max(latencies, default=0):.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("hammer")
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--duration", type=float, required=True)
    command.add_argument("--workers", type=int, default=8)
    command.add_argument("--out", required=True)
    command.add_argument("--header", action="append", default=[])
    command.add_argument("--path", action="append", required=True)
    command = commands.add_parser("create")
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--duration", type=float, required=True)
    command.add_argument("--workers", type=int, default=8)
    command.add_argument("--out", required=True)
    for name in ("--api-key", "--hub", "--user", "--connector"):
        command.add_argument(name, required=True)
    command = commands.add_parser("outage-report")
    command.add_argument("file")
    command.add_argument("--stopping", type=float, required=True, help="epoch seconds: database stop begins")
    command.add_argument("--down", type=float, required=True, help="epoch seconds: the database has stopped")
    command.add_argument("--starting", type=float, required=True, help="epoch seconds: database start begins")
    command.add_argument("--up", type=float, required=True, help="epoch seconds: the database accepts connections")
    command.add_argument("--limit", type=float, required=True, help="longest acceptable request, seconds")
    command = commands.add_parser("percentiles")
    command.add_argument("file")
    options = parser.parse_args()
    {"hammer": hammer, "create": create, "outage-report": outage_report, "percentiles": percentiles}[options.command](options)


if __name__ == "__main__":
    main()

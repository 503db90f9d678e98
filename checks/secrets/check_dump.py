#!/usr/bin/env python3
"""Searches a pg_dump of the whole test database for every secret the test suite sent to the server.

Usage: check_dump.py LEDGER DUMP
LEDGER holds one base64 line per secret fragment (TestSupport's TestSecretsLedger, via TEST_SECRETS_FILE); DUMP is
`pg_dump --data-only` text. Each fragment must appear neither as text nor as the hex of its bytes (a bytea column
holding it unsealed). Exits 1 when one does, or when the ledger is empty (the check would prove nothing). Found
secrets are named by table and a masked prefix, never printed whole.
"""
import base64
import sys


def tables_of(dump: str):
    """(table name, its COPY data) for every table in the dump."""
    table, rows = None, []
    for line in dump.splitlines():
        if line.startswith("COPY "):
            table, rows = line.split()[1], []
        elif line == "\\." and table:
            yield table, "\n".join(rows)
            table = None
        elif table:
            rows.append(line)


def main() -> int:
    ledger_path, dump_path = sys.argv[1], sys.argv[2]
    with open(ledger_path, encoding="ascii") as ledger:
        fragments = {base64.b64decode(line.strip()).decode("utf-8") for line in ledger if line.strip()}
    with open(dump_path, encoding="utf-8", errors="replace") as dump_file:
        tables = list(tables_of(dump_file.read()))
    if not fragments:
        print("secrets-at-rest: the ledger is empty; the suite recorded no secrets, so the dump proves nothing")
        return 1
    if not tables:
        print("secrets-at-rest: the dump holds no table data")
        return 1
    found = []
    for fragment in sorted(fragments):
        needles = (fragment, fragment.encode("utf-8").hex())
        for table, data in tables:
            if any(needle in data for needle in needles):
                found.append((table, fragment[:3] + "…" + f"({len(fragment)} chars)"))
    rows = sum(data.count("\n") + 1 for _, data in tables if data)
    print(f"secrets-at-rest: {len(fragments)} secret fragments searched for in {len(tables)} tables ({rows} rows)")
    for table, masked in found:
        print(f"secrets-at-rest: FOUND in clear in {table}: {masked}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Turn the statements the server sent for one request into a pgbench script that sends the same SQL.

Usage: pgbench_script.py LOG OFFSET CAPTURED_USER [KNOWN_ID...] > script.sql
LOG is the PostgreSQL log (log_statement = all, log_line_prefix = '@@@ %p '), OFFSET the byte offset where the
request's statements start. Every bound parameter is written back in place of its `$n` as a literal cast to
the type PostgreSQL inferred for it when the statement was prepared (asked with PREPARE through psql), so
the plans match the server's. Values that must vary per transaction become pgbench expressions:
  - the bench end user CAPTURED_USER (external id `user-NNNNN`, id `01JBENCH` + 18 digits) -> random :u,
  - ULIDs the server made during the request (new rows) -> unique per client and transaction,
  - the connection name `bench-capture` -> unique per client and transaction,
  - the user's seeded connection (`01JBENCC` + 18 digits) -> the same :u's, and the activations section's
    integration and template 2 (`01JBENCG`/`01JBENCT` + 18 digits) -> :i, which such a script sets itself.
Anything else (organisation, hub, connector, key hash, sealed secret blob, timestamps) is kept as sent.
Session setup (`SET …`, sent once by each newly opened pool connection) is left out.
"""
import re
import subprocess
import sys

ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')", re.S)


def read_entries(path: str, offset: int):
    """Yields (kind, text) for each log entry after offset; kind is 'execute', 'statement' or 'detail'."""
    with open(path, "rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", "replace")
    entries, current = [], None
    for line in text.split("\n"):
        if line.startswith("@@@ "):
            if current:
                entries.append(current)
            body = line.split(" ", 2)[2]
            current = body
        elif current is not None:
            current += "\n" + line
    if current:
        entries.append(current)
    statements = []
    for entry in entries:
        if m := re.match(r"LOG:  execute [^:]*: (.*)", entry, re.S):
            statements.append([m.group(1).strip(), {}])
        elif m := re.match(r"LOG:  statement: (.*)", entry, re.S):
            statements.append([m.group(1).strip(), {}])
        elif m := re.match(r"DETAIL:  parameters: (.*)", entry, re.S):
            statements[-1][1] = {int(n): (None if v == "NULL" else v[1:-1].replace("''", "'"))
                                 for n, v in PARAM.findall(m.group(1))}
    return statements


def parameter_types(sql: str, count: int) -> list:
    if count == 0:
        return []
    query = (f"PREPARE bench_probe AS {sql};\n"
             "SELECT array_to_string(parameter_types, '|') FROM pg_prepared_statements WHERE name = 'bench_probe';\n")
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=query,
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()
    return out[-1].split("|")


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> int:
    path, offset, user = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # A pool connection opened during the request sends its session setup (SET …) first: that is per
    # connection, not per request, so it stays out of the per-transaction script.
    statements = [(sql, params) for sql, params in read_entries(path, offset) if not sql.upper().startswith("SET ")]
    varying = {
        f"user-{user:05d}": "'user-' || lpad(:u::text, 5, '0')",
        f"01JBENCH{user:018d}": "'01JBENCH' || lpad(:u::text, 18, '0')",
        "bench-capture": "'c-' || :client_id::text || '-' || :n::text",
        # The user's seeded primary connection, and the integration and template an activation was captured
        # for (bench/sections/activations.sh: integration 2), which the script picks as :i.
        f"01JBENCC{user:018d}": "'01JBENCC' || lpad(:u::text, 18, '0')",
        f"01JBENCG{2:018d}": "'01JBENCG' || lpad(:i::text, 18, '0')",
        f"01JBENCT{2:018d}": "'01JBENCT' || lpad(:i::text, 18, '0')",
    }
    # ULIDs that existed before the request (organisation, hub, …) stay; the bench's seeded rows start 01JBENC.
    known = set(sys.argv[4:])
    made = []
    for sql, params in statements:
        for value in params.values():
            for token in ULID.findall(value or ""):
                if not token.startswith("01JBENC") and token not in known and token not in made:
                    made.append(token)
    letters = "ABCDEFGHJKMNPQRSTVWXYZ"
    for index, token in enumerate(made):
        varying[token] = f"'0K{letters[index % len(letters)]}' || lpad(:client_id::text, 3, '0') || lpad(:n::text, 20, '0')"
    pattern = re.compile("|".join(re.escape(k) for k in sorted(varying, key=len, reverse=True)))

    def render(value):
        if value is None:
            return "NULL"
        pieces, last = [], 0
        for m in pattern.finditer(value):
            if m.start() > last:
                pieces.append(quote(value[last:m.start()]))
            pieces.append("(" + varying[m.group(0)] + ")")
            last = m.end()
        if last < len(value) or not pieces:
            pieces.append(quote(value[last:]))
        return " || ".join(pieces)

    print("-- Generated by bench/tools/pgbench_script.py from the statements the server sent for one request.")
    print("\\set u random(1, :users)")
    print("\\set n random(1, 99999999999999999)")
    for sql, params in statements:
        types = parameter_types(sql, len(params))
        rewritten = re.sub(r"\$(\d+)\b",
                           lambda m: "(" + render(params[int(m.group(1))]) + ")::" + types[int(m.group(1)) - 1],
                           sql)
        print(rewritten.rstrip().rstrip(";") + ";")
    return 0


if __name__ == "__main__":
    sys.exit(main())

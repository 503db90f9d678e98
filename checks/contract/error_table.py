#!/usr/bin/env python3
"""The error-code table, kept in one place: `x-error-codes` in openapi/openapi.yaml.

    error_table.py            print the markdown table (the body of docs/errors.md)
    error_table.py --write    regenerate docs/errors.md and the table inside the Error schema's description
    error_table.py --check    fail if either is stale, or if the codes differ from Sources/App/Core/ErrorCode.swift
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "openapi.yaml"
DOC = ROOT / "docs" / "errors.md"
SWIFT = ROOT / "Sources" / "App" / "Core" / "ErrorCode.swift"

# The table sits in a literal block of the Error schema, indented this much.
INDENT = " " * 8
PLACEHOLDER = INDENT + "ERROR-TABLE"


def load_codes(spec_text):
    return yaml.safe_load(spec_text)["x-error-codes"]


def markdown_rows(codes):
    rows = ["| code | HTTP status | name | cause |", "|---|---|---|---|"]
    for entry in codes:
        cause = entry["cause"].replace("|", "\\|")
        rows.append(f"| `{entry['code']}` | {entry['status']} | {entry['name']} | {cause} |")
    return rows


def document(codes):
    intro = [
        "# Error codes",
        "",
        "Every error answer has the body `{\"code\", \"message\", \"fields\"?, \"details\"?}`. `code` is six digits:",
        "the HTTP status times 1000 plus a number naming the cause. Match on `code`, not on `message`.",
        "`fields[].field` is a path from the body's root such as",
        "`connection.credentials.action[0].credential.data.value`, or a query parameter's or header's name.",
        "",
        "Generated from `x-error-codes` in `openapi/openapi.yaml` by `checks/contract/error_table.py --write`.",
        "",
    ]
    return "\n".join(intro + markdown_rows(codes)) + "\n"


def spec_with_table(spec_text, codes):
    """Replaces the placeholder, or the table already there, with the current table."""
    table = "\n".join(INDENT + row for row in markdown_rows(codes))
    if PLACEHOLDER in spec_text:
        return spec_text.replace(PLACEHOLDER, table, 1)
    pattern = re.compile(r"^" + INDENT + r"\| code \|.*?(?=^(?!" + INDENT + r"\|))", re.M | re.S)
    if not pattern.search(spec_text):
        raise SystemExit("error_table: no table or placeholder in the Error schema description")
    return pattern.sub(lambda _: table + "\n", spec_text, count=1)


def swift_codes(swift_text):
    return {name: value for name, value in re.findall(r"case\s+(\w+)\s*=\s*(\d{6})", swift_text)}


def problems(spec_text, doc_text, swift_text):
    codes = load_codes(spec_text)
    found = []
    if spec_with_table(spec_text, codes) != spec_text:
        found.append("the table in the Error schema description is stale (run --write)")
    if doc_text != document(codes):
        found.append("docs/errors.md is stale (run --write)")
    for entry in codes:
        if int(entry["code"]) // 1000 != entry["status"]:
            found.append(f"{entry['code']}: status {entry['status']} does not match the code")
    if swift_text is not None:
        in_spec = {e["name"]: e["code"] for e in codes}
        in_swift = swift_codes(swift_text)
        for name in sorted(in_swift.keys() - in_spec.keys()):
            found.append(f"{name} ({in_swift[name]}) is in ErrorCode.swift but not in x-error-codes")
        for name in sorted(in_spec.keys() - in_swift.keys()):
            found.append(f"{name} ({in_spec[name]}) is in x-error-codes but not in ErrorCode.swift")
        for name in sorted(in_spec.keys() & in_swift.keys()):
            if in_spec[name] != in_swift[name]:
                found.append(f"{name}: {in_spec[name]} in the spec, {in_swift[name]} in ErrorCode.swift")
    return found


def main(argv):
    spec_text = SPEC.read_text()
    codes = load_codes(spec_text)
    if "--write" in argv:
        SPEC.write_text(spec_with_table(spec_text, codes))
        DOC.write_text(document(codes))
        return 0
    if "--check" in argv:
        doc_text = DOC.read_text() if DOC.exists() else ""
        swift_text = SWIFT.read_text() if SWIFT.exists() else None
        found = problems(spec_text, doc_text, swift_text)
        for problem in found:
            print(f"error_table: {problem}", file=sys.stderr)
        return 1 if found else 0
    sys.stdout.write(document(codes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

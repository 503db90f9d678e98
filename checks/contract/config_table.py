#!/usr/bin/env python3
"""The configuration table, kept in one place: the table in docs/configuration.md.

    config_table.py            print the variables the table names and those Sources/ reads
    config_table.py --write    regenerate README.md's copy (between its config-table markers) and the list in
                               the "## Configuration" section of openapi/openapi.yaml's info description
    config_table.py --check    fail if either copy is stale, or if the table and the variables read in Sources/
                               differ (names, and the ranges the code enforces)

After adding, changing or removing a variable: edit the row in docs/configuration.md, then run --write.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
README = ROOT / "README.md"
SPEC = ROOT / "openapi" / "openapi.yaml"
SOURCES = ROOT / "Sources"
# The test harness's own variables (DATABASE_URL for tests, TEST_SECRETS_FILE) are not the server's settings.
EXCLUDED_SOURCES = ("TestSupport",)
ENVIRONMENT_READER = SOURCES / "App" / "Core" / "EnvironmentReader.swift"

README_START = "<!-- config-table:start -->"
README_END = "<!-- config-table:end -->"
HEADER = "| variable | meaning | range | default |"
SPEC_INDENT = " " * 4
SPEC_HEADING = SPEC_INDENT + "## Configuration\n"
SPEC_INTRO = [
    "The server reads these environment variables at start and refuses to start, naming each bad variable, when",
    "one is missing or out of range (generated from docs/configuration.md, which says more):",
]

# `reader.integer("PORT", in: 0...65535)`, `reader.required(\n "CREDENTIAL_KEYS"`, `reader.boolean("X")`.
READER_CALL = re.compile(r'reader\.(\w+)\(\s*"([A-Z][A-Z0-9_]*)"(?:\s*,\s*in:\s*([\d_]+)\s*\.\.\.\s*([\d_]+))?')
ENVIRONMENT_READ = re.compile(r'(?:\benvironment|\benv)\[\s*"([A-Z][A-Z0-9_]*)"\s*\]|\bgetenv\(\s*"([A-Z][A-Z0-9_]*)"')
MILLISECONDS_RANGE = re.compile(r"func milliseconds\(.*?integer\(name, in:\s*([\d_]+)\s*\.\.\.\s*([\d_]+)\)", re.S)
BOOLEAN_RANGE = "`true`/`false`"


class Row:
    def __init__(self, line, names, meaning, value_range, default):
        self.line = line
        self.names = names
        self.meaning = meaning
        self.range = value_range
        self.default = default


def table_lines(doc_text):
    """The table's lines, header and separator included; the first table under HEADER."""
    lines = doc_text.splitlines()
    if HEADER not in lines:
        raise SystemExit(f"config_table: no table with the header {HEADER!r} in docs/configuration.md")
    start = lines.index(HEADER)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return lines[start:end]


def split_cells(line):
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [cell.strip() for cell in cells]


def rows(doc_text):
    found = []
    for line in table_lines(doc_text)[2:]:
        cells = split_cells(line)
        if len(cells) != 4:
            raise SystemExit(f"config_table: a row without four cells: {line}")
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        if not names:
            raise SystemExit(f"config_table: a row without a `VARIABLE` in its first cell: {line}")
        found.append(Row(line, names, cells[1], cells[2], cells[3]))
    return found


def readme_with_table(readme_text, doc_text):
    start, end = readme_text.find(README_START), readme_text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"config_table: README.md lacks the {README_START} … {README_END} markers")
    table = "\n".join(table_lines(doc_text))
    return readme_text[:start + len(README_START)] + "\n" + table + "\n" + readme_text[end:]


def spec_entry(row):
    names = ", ".join(f"`{name}`" for name in row.names)
    facts = []
    if row.default == "required":
        facts.append("required")
    elif row.default:
        facts.append(f"default {row.default}")
    if row.range and row.range != BOOLEAN_RANGE:
        facts.append(row.range)
    suffix = f" ({'; '.join(facts)})" if facts else ""
    return f"- {names}{suffix}: {row.meaning.replace(chr(92) + '|', '|')}"


def spec_section(doc_text):
    return "".join(SPEC_INDENT + line + "\n" for line in SPEC_INTRO + [spec_entry(row) for row in rows(doc_text)])


def spec_with_list(spec_text, doc_text):
    """Replaces the body of the description's "## Configuration" section, up to the next heading or key."""
    pattern = re.compile(
        r"^" + re.escape(SPEC_HEADING) + r"(?P<body>.*?)(?=^" + SPEC_INDENT + r"## |^ {0,3}\S)", re.M | re.S)
    match = pattern.search(spec_text)
    if not match:
        raise SystemExit("config_table: no '## Configuration' section in openapi.yaml's info description")
    body = match.group("body")
    trailing = body[len(body.rstrip("\n")):]
    blank_lines = trailing[1:] if trailing else ""
    replacement = spec_section(doc_text) + blank_lines
    return spec_text[:match.start("body")] + replacement + spec_text[match.end("body"):]


def source_texts():
    texts = {}
    for path in sorted(SOURCES.rglob("*.swift")):
        relative = path.relative_to(SOURCES)
        if relative.parts[0] in EXCLUDED_SOURCES:
            continue
        texts[str(Path("Sources") / relative)] = path.read_text()
    return texts


def variables_read(texts):
    """Every variable the sources read, with the reader kinds and ranges of each read."""
    found = {}
    for text in texts.values():
        # `reader` is an `EnvironmentReader` only where the file names the type (Domain has readers of its own).
        calls = READER_CALL.findall(text) if "EnvironmentReader" in text else []
        for kind, name, low, high in calls:
            value_range = (int(low.replace("_", "")), int(high.replace("_", ""))) if low else None
            found.setdefault(name, []).append((kind, value_range))
        for name, other in ENVIRONMENT_READ.findall(text):
            found.setdefault(name or other, []).append(("environment", None))
    return found


def milliseconds_range(reader_text):
    match = MILLISECONDS_RANGE.search(reader_text or "")
    return (int(match.group(1).replace("_", "")), int(match.group(2).replace("_", ""))) if match else None


def expected_range(kind, value_range, ms_range):
    if kind == "integer" and value_range:
        return f"{value_range[0]}–{value_range[1]}"
    if kind == "milliseconds" and ms_range:
        return f"{ms_range[0]}–{ms_range[1]}"
    if kind == "boolean":
        return BOOLEAN_RANGE
    return None


def problems(doc_text, readme_text, spec_text, texts, reader_text):
    found = []
    if readme_with_table(readme_text, doc_text) != readme_text:
        found.append("README.md's configuration table is stale (run checks/contract/config_table.py --write)")
    if spec_with_list(spec_text, doc_text) != spec_text:
        found.append("openapi/openapi.yaml's configuration list is stale (run checks/contract/config_table.py --write)")
    table = {}
    for row in rows(doc_text):
        for name in row.names:
            if name in table:
                found.append(f"{name} has two rows in docs/configuration.md")
            table[name] = row
    read = variables_read(texts)
    for name in sorted(read.keys() - table.keys()):
        found.append(f"{name} is read in Sources/ but has no row in docs/configuration.md")
    for name in sorted(table.keys() - read.keys()):
        found.append(f"{name} has a row in docs/configuration.md but nothing in Sources/ reads it")
    ms_range = milliseconds_range(reader_text)
    for name in sorted(read.keys() & table.keys()):
        for kind, value_range in read[name]:
            expected = expected_range(kind, value_range, ms_range)
            if expected and table[name].range != expected:
                found.append(f"{name}: the code accepts {expected}, docs/configuration.md says {table[name].range!r}")
    return found


def main(argv):
    doc_text, readme_text, spec_text = DOC.read_text(), README.read_text(), SPEC.read_text()
    if "--write" in argv:
        README.write_text(readme_with_table(readme_text, doc_text))
        SPEC.write_text(spec_with_list(spec_text, doc_text))
        return 0
    texts = source_texts()
    if "--check" in argv:
        reader_text = ENVIRONMENT_READER.read_text() if ENVIRONMENT_READER.exists() else None
        found = problems(doc_text, readme_text, spec_text, texts, reader_text)
        for problem in found:
            print(f"config_table: {problem}", file=sys.stderr)
        return 1 if found else 0
    documented = sorted(name for row in rows(doc_text) for name in row.names)
    print("documented:", " ".join(documented))
    print("read:      ", " ".join(sorted(variables_read(texts))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Checks that openapi/openapi.yaml and the server's route table describe the same routes.

    route_coverage.py ROUTES [--spec openapi/openapi.yaml]

ROUTES is a file (or `-` for stdin) with one route a line, `METHOD /path/:param`, as the server prints its table.
Blank lines and lines starting with `#` are skipped; anything after the path is ignored. A spec path's `{param}`
is the same as the table's `:param`. Exits 0 when both sides match, 1 listing every route missing on either side,
2 on unreadable input.
"""
import re
import sys
from pathlib import Path

import yaml

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


class RouteTableError(ValueError):
    pass


def normalise(path):
    """`/hubs/{hub_id}` and `/hubs/:hub_id` both become `/hubs/:hub_id`; a rest-of-path `/*path` is `/:path`."""
    return re.sub(r"\{([^}/]+)\}", r":\1", path).replace("/*", "/:")


def spec_routes(spec):
    routes = set()
    for path, item in (spec.get("paths") or {}).items():
        for key in item or {}:
            if key.upper() in METHODS:
                routes.add((key.upper(), normalise(path)))
    return routes


def table_routes(lines):
    routes = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 2 or parts[0].upper() not in METHODS or not parts[1].startswith("/"):
            raise RouteTableError(f"line {number}: expected `METHOD /path`, got {line!r}")
        routes.add((parts[0].upper(), normalise(parts[1])))
    return routes


def compare(spec, lines):
    """Returns (in the server but not the spec, in the spec but not the server), each sorted."""
    documented, served = spec_routes(spec), table_routes(lines)
    order = lambda route: (route[1], route[0])
    return sorted(served - documented, key=order), sorted(documented - served, key=order)


def report(undocumented, unserved, out):
    for method, path in undocumented:
        print(f"not in the spec:   {method} {path}", file=out)
    for method, path in unserved:
        print(f"not in the server: {method} {path}", file=out)


def main(argv, stdin=sys.stdin, out=sys.stdout, err=sys.stderr):
    args = list(argv)
    spec_path = DEFAULT_SPEC
    if "--spec" in args:
        index = args.index("--spec")
        if index + 1 >= len(args):
            print("route_coverage: --spec needs a path", file=err)
            return 2
        spec_path = Path(args[index + 1])
        del args[index:index + 2]
    if len(args) != 1:
        print(__doc__.strip(), file=err)
        return 2
    try:
        spec = yaml.safe_load(Path(spec_path).read_text())
        lines = stdin.read().splitlines() if args[0] == "-" else Path(args[0]).read_text().splitlines()
        undocumented, unserved = compare(spec, lines)
    except (OSError, yaml.YAMLError, RouteTableError) as error:
        print(f"route_coverage: {error}", file=err)
        return 2
    if undocumented or unserved:
        report(undocumented, unserved, err)
        return 1
    print(f"route_coverage: {len(spec_routes(spec))} routes, spec and server agree", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

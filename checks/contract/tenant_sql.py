#!/usr/bin/env python3
"""Keeps the Citus plan of docs/scaling.md possible: tenant tables carry organisation_id, and SQL filters by it.

    tenant_sql.py     print every violation (exit 1 when there is one) and every allow-list entry in use

Two rules, read from the sources rather than a database:
  1. Every table Migrations/*.sql creates belongs to an organisation and has an `organisation_id` column, except
     the GLOBAL_TABLES and the TABLES_WITHOUT_ORGANISATION below.
  2. SQL in Sources/App that names a tenant table (after FROM, JOIN, UPDATE, INTO, DELETE FROM or USING) filters by
     organisation_id: `organisation_id =`, `= x.organisation_id`, `organisation_id IN`, or `organisation_id` in an
     INSERT's column list (the row is written to its organisation's shard). Statements are written as Swift
     string literals (`connection.query` with a multi-line literal, `SQL(unsafe: "…")`, fragments joined with
     `SQL.joining`), and one function often composes a statement from several, so the unit checked is a
     function: the literals of one `func`/`init` body together (`x IS NULL OR organisation_id = x` does not
     count); a literal outside any function (a `static let` fragment) is a unit of its own,
     named by its declaration. Units that break rule 2 for a reason are listed, with the reason, in ALLOWED_UNITS;
     an entry that no longer matches a violating unit is reported too, so the list stays exact.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "Migrations"
SOURCES = ROOT / "Sources" / "App"

# Not owned by one organisation: the tenants themselves (the distribution key's own table).
GLOBAL_TABLES = {"organisations", "schema_migrations"}

# Tenant tables reached only through a parent that carries organisation_id. The Citus plan (docs/scaling.md) adds
# the column to each, filled from the parent, before distribution.
TABLES_WITHOUT_ORGANISATION = {
    "connection_credentials": "a connection's bindings, reached through connections (connection_id)",
    "oauth2_refresh_backoff": "a credential's refresh back-off, reached through credentials (credential_id)",
}

# (file under Sources/App, unit) -> why its SQL may touch tenant tables without an organisation filter.
# Each one is multi-shard under Citus unless it gains the filter; docs/scaling.md groups them.
ALLOWED_UNITS = {
    # Before the organisation is known: the credential presented names it.
    ("Auth/DatabaseAuthenticator.swift", "func organisation"): "API key by its hash: the key names the organisation",
    ("Auth/DatabaseAuthenticator.swift", "func endUser"): "end-user token's signing key by id (kid): names the organisation",
    ("OAuth/OAuth2StateStore.swift", "func claim"): "OAuth 2.0 callback: the state's hash is all the provider returns",
    # Background workers that serve every organisation: claims and sweeps across tenants.
    ("OAuth/OAuthTokenRefresher.swift", "func measureOverdue"): "refresher: oldest overdue token, all organisations (a gauge)",
    ("OAuth/OAuthTokenRefresher.swift", "func claimQuery"): "refresher: claims due oauth2-token credentials of every organisation (or one)",
    ("OAuth/OAuthTokenRefresher.swift", "func refresh"): "refresher: stores a renewal of the credential it claimed, by id",
    ("OAuth/OAuthTokenRefresher.swift", "func backOff"): "refresher: back-off row of a credential it claimed (keyed by credential_id)",
    ("OAuth/OAuthTokenRefresher.swift", "func markRefused"): "refresher: marks a claimed credential refused, by id",
    ("OAuth/CredentialEvents.swift", "func appendRefreshFailed"): "refresher: the event of a claimed credential, by id",
    ("Webhooks/WebhookDeliveryQueue.swift", "func claim"): "webhook worker: claims due deliveries of every organisation (SKIP LOCKED)",
    ("Webhooks/WebhookDeliveryQueue.swift", "func record"): "webhook worker: outcome of a delivery it claimed, by (webhook_id, event_id)",
    ("Webhooks/WebhookDeliveryQueue.swift", "func prune"): "webhook worker: deletes settled events of every organisation after WEBHOOK_RETAIN_HOURS",
    ("Webhooks/WebhookDeliveryQueue.swift", "func oldestPendingAge"): "webhook worker: oldest pending delivery, all organisations (a gauge)",
    ("Operator/OperatorCommands.swift", "func revokeAPIKey"): "operator's `api-keys revoke`: by key id, for any organisation",
    # Rows already proven to be the caller's: the statement goes on by the id of a row an organisation-filtered
    # statement found (same transaction or request). Single-shard under Citus once organisation_id is added.
    ("Activations/ActivationEvents.swift", "static joins"): "fragment: joined to activations found by organisation",
    ("Activations/ActivationSubject.swift", "static joinTemplates"): "fragment: joined to the integration the statement finds by organisation",
    ("Activations/ActivationSubject.swift", "static selectAndJoinEndUser"): "fragment: its statement adds the integration's organisation filter",
    ("Activations/ActivationRecord.swift", "static select"): "fragment: its statements add the organisation filter (ActivationRecord.scope)",
    ("Activations/ActivationRecord.swift", "func primaryConnection"): "end user found by organisation first; by end_user_id",
    ("Activations/ActivationRecord.swift", "func primaryConnectionID"): "fragment: the primary connection of an end user found by organisation",
    ("Activations/ActivationRecord.swift", "func replaceVariables"): "activation found by organisation first; by id",
    ("Activations/ActivationRecord.swift", "func delete"): "activation found by organisation first; by id",
    ("Activations/TemplateRecord.swift", "func all"): "integration found by organisation first; by integration_id",
    ("Activations/TemplateRecord.swift", "static connectorJoin"): "fragment: joined to templates of an integration found by organisation",
    ("Activations/ActivationInOneStatement.swift", "func primaryConnection"): "end user found by organisation first; by end_user_id",
    ("Connections/ConnectionEvents.swift", "func created"): "connection just created in the organisation; joins by id",
    ("Connections/ConnectionReadRoutes.swift", "func handle"): "end user found by organisation first; by end_user_id",
    ("Connections/PrimaryConnectionGuard.swift", "func checkDeletable"): "connection found by organisation first; by id",
    ("Connections/StoredConnection.swift", "static bindingJoins"): "fragment: joined to connections found by organisation",
    ("Embed/EmbedRoutes.swift", "func handle"): "hub found by organisation first; by hub_id",
    ("EndUsers/EndUserReadRoutes.swift", "func handle"): "hub found by organisation first; by hub_id",
    ("EndUsers/EndUserRecord.swift", "func read"): "composes with EndUserRecord's organisation-filtered source",
    ("EndUsers/EndUserRecord.swift", "static primaryConnection"): "fragment: joined to end users found by organisation",
    ("OAuth/OAuth2ConnectionBinding.swift", "func bind"): "connection found by organisation first; by connection_id",
    ("OAuth/OAuth2ConnectionBinding.swift", "func schemeConfig"): "connector found by organisation first; by id",
    ("OAuth/OAuthTokenRefresher.swift", "static clientColumn"): "fragment: a subquery on the bindings of a credential found by organisation",
    ("Tenancy/HubStore.swift", "static select"): "fragment: its statements add the organisation filter",
    ("Webhooks/WebhookStore.swift", "static select"): "fragment: its statements add the organisation filter",
    ("Tenancy/ConnectorStore.swift", "func list"): "KeysetPage statement: the filter passed in holds the organisation",
    ("Tenancy/SigningKeyStore.swift", "static select"): "fragment: its statements filter by organisation",
    ("Tenancy/SigningKeyStore.swift", "func find"): "public-key lookup by id for token verification (kid names the organisation)",
    ("Vault/CredentialCleanup.swift", "func deleteUnbound"): "credentials of connections the caller's organisation owns, by id",
    ("Vault/CredentialCleanup.swift", "func boundCredentialIDs"): "connections found by organisation first; by id",
}

TABLE_POSITION = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO|DELETE\s+FROM|USING)\s+(\w+)")
ORGANISATION_FILTER = re.compile(
    r"(?:\w+\.)?organisation_id\s*(?:=|\bIN\b)|=\s*(?:\w+\.)?organisation_id\b"
    r"|\bINSERT\s+INTO\s+\w+\s*\([^)]*\borganisation_id\b")
CREATE_TABLE = re.compile(r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(", re.I)
# A Swift string literal (multi-line or single-line) or a line comment, which is skipped.
LITERAL = re.compile(r'"""(.*?)"""|"((?:[^"\\\n]|\\.)*)"|//[^\n]*', re.S)
FUNCTION = re.compile(r"\b(func\s+\w+|init\??)\s*(?:<[^>]*>)?\s*\(")
# `x IS NULL OR organisation_id = x`: a filter the caller may leave out, so no filter.
OPTIONAL_FILTER = re.compile(r"\bIS\s+NULL\s+OR\s+(?:\w+\.)?organisation_id\b")


def tenant_tables(migration_texts):
    """{table: has organisation_id} for every table the migrations create, GLOBAL_TABLES left out."""
    tables = {}
    for text in migration_texts:
        text = re.sub(r"--[^\n]*", "", text)
        for match in CREATE_TABLE.finditer(text):
            name, body = match.group(1), _parenthesised(text, match.end())
            if name not in GLOBAL_TABLES:
                tables[name] = re.search(r"(?:^|[(,])\s*organisation_id\s", body) is not None
        for match in re.finditer(r"\bALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+organisation_id\b", text, re.I):
            if match.group(1) in tables:
                tables[match.group(1)] = True
    return tables


def _parenthesised(text, start):
    """The text from `start` to the parenthesis that closes the one just before it."""
    depth, end = 1, start
    while end < len(text) and depth:
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    return text[start:end - 1]


def table_problems(tables):
    problems = []
    for name, has_column in sorted(tables.items()):
        if not has_column and name not in TABLES_WITHOUT_ORGANISATION:
            problems.append(f"table {name} belongs to an organisation but has no organisation_id column")
        if has_column and name in TABLES_WITHOUT_ORGANISATION:
            problems.append(f"table {name} has organisation_id now: take it off TABLES_WITHOUT_ORGANISATION")
    return problems


def _masked(text):
    """The text with literals and comments blanked (newlines kept), and the literals as (start, end, content)."""
    chars, literals = list(text), []
    for match in LITERAL.finditer(text):
        if not match.group(0).startswith("//"):
            literals.append((match.start(), match.end(), match.group(1) if match.group(1) is not None else match.group(2)))
        for index in range(match.start(), match.end()):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars), literals


def _functions(masked):
    """(start, end, name) of every function or initialiser body."""
    found = []
    for match in FUNCTION.finditer(masked):
        index, depth = match.end(), 1
        while index < len(masked) and depth:
            depth += {"(": 1, ")": -1}.get(masked[index], 0)
            index += 1
        brace = masked.find("{", index)
        if brace < 0 or "\n\n" in masked[index:brace]:
            continue
        end, depth = brace + 1, 1
        while end < len(masked) and depth:
            depth += {"{": 1, "}": -1}.get(masked[end], 0)
            end += 1
        found.append((match.start(), end, " ".join(match.group(1).split())))
    return found


def _declaration_name(masked, position):
    """`static NAME` of the declaration above a literal outside functions (within four lines; a `static` one first)."""
    lines = masked[:position].split("\n")[-4:]
    for pattern in (r"\bstatic\s+(?:let|var)\s+(\w+)", r"\b(?:let|var)\s+(\w+)"):
        for line in reversed(lines):
            match = re.search(pattern, line)
            if match:
                return "static " + match.group(1)
    return "literal"


def sql_units(swift_text):
    """{unit name: the SQL of its literals joined}, per function (or declaration outside functions)."""
    masked, literals = _masked(swift_text)
    functions = _functions(masked)
    units = {}
    for start, end, content in literals:
        enclosing = [f for f in functions if f[0] <= start and end <= f[1]]
        if enclosing:
            name = min(enclosing, key=lambda f: f[1] - f[0])[2]
        else:
            name = _declaration_name(masked, start)
        units.setdefault(name, []).append(content)
    return {name: "\n".join(parts) for name, parts in units.items()}


def unit_violations(relative_path, swift_text, tables):
    """(file, unit, tables touched) for each unit naming a tenant table without an organisation filter."""
    violations = []
    for name, sql in sql_units(swift_text).items():
        touched = sorted({m.group(1) for m in TABLE_POSITION.finditer(sql) if m.group(1) in tables})
        if touched and not ORGANISATION_FILTER.search(OPTIONAL_FILTER.sub("IS NULL OR optional", sql)):
            violations.append((relative_path, name, touched))
    return violations


def source_texts():
    return {str(path.relative_to(SOURCES)): path.read_text() for path in sorted(SOURCES.rglob("*.swift"))}


def migration_texts():
    return [path.read_text() for path in sorted(MIGRATIONS.glob("*.sql"))]


def problems(migrations, sources, allowed=None):
    """Every broken rule and every stale allow-list entry, as sentences."""
    allowed = ALLOWED_UNITS if allowed is None else allowed
    tables = tenant_tables(migrations)
    found = table_problems(tables)
    seen = set()
    for path, unit, touched in (v for path, text in sources.items() for v in unit_violations(path, text, tables)):
        seen.add((path, unit))
        if (path, unit) not in allowed:
            found.append(f"Sources/App/{path} ({unit}) touches {', '.join(touched)} without filtering by "
                         "organisation_id: filter by it, or add the unit to ALLOWED_UNITS with the reason")
    for path, unit in sorted(set(allowed) - seen):
        found.append(f"ALLOWED_UNITS entry ({path}, {unit}) matches no unfiltered SQL: remove it")
    return found


def main():
    found = problems(migration_texts(), source_texts())
    for line in found:
        print(line)
    print(f"{len(found)} problems; {len(ALLOWED_UNITS)} units allowed without an organisation filter")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

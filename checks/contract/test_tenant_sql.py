"""Tenant tables carry organisation_id and the SQL in Sources/App filters by it (the Citus plan of docs/scaling.md).
Run: python3 -m unittest discover -s checks/contract -v"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tenant_sql  # noqa: E402

MIGRATION = """
CREATE TABLE organisations (id text PRIMARY KEY);
CREATE TABLE connectors (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id)
);
CREATE TABLE connections (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL,
    connector_id     text NOT NULL
);
"""

FILTERED = '''
struct ConnectionStore {
    func find(id: String, organisationID: String) async throws -> Row? {
        try await database.withConnection { connection in
            try await connection.query("""
                SELECT id FROM connections WHERE id = \\(id) AND organisation_id = \\(organisationID)
                """).rows.first
        }
    }
}
'''


class TenantSQLTests(unittest.TestCase):
    def test_the_sources_and_migrations_keep_both_rules(self):
        self.assertEqual(tenant_sql.problems(tenant_sql.migration_texts(), tenant_sql.source_texts()), [])

    def test_the_real_tables_are_found_and_only_the_listed_ones_lack_the_column(self):
        tables = tenant_sql.tenant_tables(tenant_sql.migration_texts())
        for name in ("connections", "credentials", "end_users", "hubs", "webhook_deliveries", "activations"):
            self.assertTrue(tables[name], name)
        self.assertNotIn("organisations", tables)
        self.assertEqual({name for name, has in tables.items() if not has}, set(tenant_sql.TABLES_WITHOUT_ORGANISATION))

    def test_a_filtered_query_passes(self):
        self.assertEqual(tenant_sql.problems([MIGRATION], {"Connections/Store.swift": FILTERED}, allowed={}), [])

    def test_a_new_query_without_the_filter_fails(self):
        unfiltered = FILTERED.replace(" AND organisation_id = \\(organisationID)", "")
        self.assertNotEqual(unfiltered, FILTERED)
        found = tenant_sql.problems([MIGRATION], {"Connections/Store.swift": unfiltered}, allowed={})
        self.assertEqual(len(found), 1, found)
        self.assertIn("Sources/App/Connections/Store.swift (func find) touches connections", found[0])

    def test_single_line_literals_updates_deletes_and_joins_are_read(self):
        for statement in ("UPDATE connections SET name = \\(name) WHERE id = \\(id)",
                          "DELETE FROM connections WHERE id = \\(id)",
                          "SELECT c.id FROM hubs h JOIN connectors c ON c.id = h.connector_id"):
            source = 'func change() async throws { _ = try await connection.query("%s") }' % statement
            found = tenant_sql.problems([MIGRATION], {"X.swift": source}, allowed={})
            self.assertEqual(len(found), 1, (statement, found))

    def test_selecting_the_column_or_an_optional_filter_is_not_filtering(self):
        for statement in ("SELECT organisation_id FROM connections WHERE id = \\(id)",
                          "SELECT id FROM connections WHERE \\(org)::text IS NULL OR organisation_id = \\(org)"):
            source = 'func look() async throws { _ = try await connection.query("%s") }' % statement
            self.assertEqual(len(tenant_sql.problems([MIGRATION], {"X.swift": source}, allowed={})), 1, statement)

    def test_an_insert_naming_the_column_and_a_join_on_it_filter(self):
        for statement in ("INSERT INTO connections (id, organisation_id, connector_id) VALUES (\\(a), \\(b), \\(c))",
                          "SELECT c.id FROM connectors k JOIN connections c ON c.organisation_id = k.organisation_id"):
            source = 'func write() async throws { _ = try await connection.query("%s") }' % statement
            self.assertEqual(tenant_sql.problems([MIGRATION], {"X.swift": source}, allowed={}), [], statement)

    def test_an_allowed_unit_passes_only_where_it_is_listed_and_a_stale_entry_fails(self):
        unfiltered = FILTERED.replace(" AND organisation_id = \\(organisationID)", "")
        allowed = {("Connections/Store.swift", "func find"): "a reason"}
        self.assertEqual(tenant_sql.problems([MIGRATION], {"Connections/Store.swift": unfiltered}, allowed), [])
        self.assertEqual(len(tenant_sql.problems([MIGRATION], {"Connections/Other.swift": unfiltered}, allowed)), 2)
        stale = tenant_sql.problems([MIGRATION], {"Connections/Store.swift": FILTERED}, allowed)
        self.assertEqual(len(stale), 1)
        self.assertIn("matches no unfiltered SQL", stale[0])

    def test_a_tenant_table_without_the_column_fails(self):
        migration = MIGRATION + "CREATE TABLE connection_notes (\n    connection_id text NOT NULL,\n    note text\n);\n"
        found = tenant_sql.problems([migration], {}, allowed={})
        self.assertEqual(found, ["table connection_notes belongs to an organisation but has no organisation_id column"])

    def test_a_commented_out_statement_is_not_sql(self):
        source = "// SELECT id FROM connections WHERE id = x\nfunc name() -> String { \"connections\" }\n"
        self.assertEqual(tenant_sql.problems([MIGRATION], {"X.swift": source}, allowed={}), [])

if __name__ == "__main__":
    unittest.main()

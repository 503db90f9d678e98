"""The configuration table has one source, docs/configuration.md, and matches what the code reads.
Run: python3 -m unittest discover -s checks/contract -v"""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import config_table  # noqa: E402


def current():
    """The real files: the table, its two copies, the sources and the environment reader."""
    return (config_table.DOC.read_text(), config_table.README.read_text(), config_table.SPEC.read_text(),
            config_table.source_texts(), config_table.ENVIRONMENT_READER.read_text())


class ConfigTableTests(unittest.TestCase):
    def test_copies_are_current_and_the_table_matches_the_code(self):
        self.assertEqual(config_table.problems(*current()), [])

    def test_every_variable_of_the_configuration_is_found_in_the_sources(self):
        read = config_table.variables_read(config_table.source_texts())
        for name in ("DATABASE_URL", "CREDENTIAL_KEYS", "PORT", "DATABASE_STATEMENT_TIMEOUT_MS", "EMBEDDED_API_HOME"):
            self.assertIn(name, read)

    def test_a_changed_row_makes_both_copies_stale_until_written(self):
        doc, readme, spec, texts, reader = current()
        changed = doc.replace("| `PORT` | port to listen on |", "| `PORT` | TCP port to listen on |")
        self.assertNotEqual(changed, doc)
        found = config_table.problems(changed, readme, spec, texts, reader)
        self.assertEqual(len(found), 2, found)
        self.assertIn("README.md", found[0])
        self.assertIn("openapi", found[1])
        readme = config_table.readme_with_table(readme, changed)
        spec = config_table.spec_with_list(spec, changed)
        self.assertIn("- `PORT` (default `8080`; 0–65535): TCP port to listen on", spec)
        self.assertEqual(config_table.problems(changed, readme, spec, texts, reader), [])

    def test_a_variable_read_without_a_row_is_reported(self):
        doc, readme, spec, texts, reader = current()
        texts = dict(texts)
        texts["Sources/App/Core/New.swift"] = (
            'func read(_ reader: inout EnvironmentReader) { _ = reader.integer(\n "EXAMPLE_UNDOCUMENTED_LIMIT", in: 1...10) }')
        found = config_table.problems(doc, readme, spec, texts, reader)
        self.assertEqual(found, ["EXAMPLE_UNDOCUMENTED_LIMIT is read in Sources/ but has no row in docs/configuration.md"])

    def test_an_environment_read_without_a_row_is_reported(self):
        doc, readme, spec, texts, reader = current()
        texts = dict(texts)
        texts["Sources/App/Core/New.swift"] = 'let x = ProcessInfo.processInfo.environment["SOME_HOME"]'
        found = config_table.problems(doc, readme, spec, texts, reader)
        self.assertEqual(found, ["SOME_HOME is read in Sources/ but has no row in docs/configuration.md"])

    def test_a_row_nothing_reads_is_reported(self):
        doc, readme, spec, texts, reader = current()
        row = "| `UNUSED_SETTING` | read by nothing | | `1` |\n"
        doc = doc.replace("| `HOST` |", row + "| `HOST` |", 1)
        readme = config_table.readme_with_table(readme, doc)
        spec = config_table.spec_with_list(spec, doc)
        found = config_table.problems(doc, readme, spec, texts, reader)
        self.assertEqual(found, ["UNUSED_SETTING has a row in docs/configuration.md but nothing in Sources/ reads it"])

    def test_a_range_the_code_does_not_enforce_is_reported(self):
        doc, readme, spec, texts, reader = current()
        doc = doc.replace("| 0–65535 | `8080` |", "| 1–65535 | `8080` |")
        readme = config_table.readme_with_table(readme, doc)
        spec = config_table.spec_with_list(spec, doc)
        found = config_table.problems(doc, readme, spec, texts, reader)
        self.assertEqual(found, ["PORT: the code accepts 0–65535, docs/configuration.md says '1–65535'"])

    def test_readers_of_other_kinds_are_not_configuration(self):
        texts = {"Sources/Domain/Parsing.swift": 'reader.skip("T"); reader.skip("Z")'}
        self.assertEqual(config_table.variables_read(texts), {})


if __name__ == "__main__":
    unittest.main()

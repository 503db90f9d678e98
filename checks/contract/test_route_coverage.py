"""Unit checks of route_coverage.py. Run: python3 -m unittest discover -s checks/contract -v"""
import io
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import route_coverage  # noqa: E402

HERE = Path(__file__).resolve().parent
SPEC = {
    "paths": {
        "/hubs/{hub_id}": {"parameters": [], "get": {}, "delete": {}},
        "/healthz": {"get": {}, "summary": "not a method"},
    }
}


def run(table, spec=SPEC):
    with tempfile.TemporaryDirectory() as directory:
        spec_file = Path(directory, "spec.yaml")
        spec_file.write_text(route_coverage.yaml.safe_dump(spec))
        out, err = io.StringIO(), io.StringIO()
        status = route_coverage.main(["-", "--spec", str(spec_file)], stdin=io.StringIO(table), out=out, err=err)
        return status, err.getvalue()


class RouteCoverageTests(unittest.TestCase):
    def test_matching_tables_pass_with_colon_and_brace_forms_equal(self):
        status, err = run("GET /hubs/:hub_id\nDELETE /hubs/:hub_id\n\n# comment\nget /healthz extra words\n")
        self.assertEqual((status, err), (0, ""))

    def test_route_missing_from_the_server_is_listed(self):
        status, err = run("GET /hubs/:hub_id\nGET /healthz\n")
        self.assertEqual(status, 1)
        self.assertIn("not in the server: DELETE /hubs/:hub_id", err)

    def test_route_missing_from_the_spec_is_listed(self):
        status, err = run("GET /hubs/:hub_id\nDELETE /hubs/:hub_id\nGET /healthz\nPOST /hubs\n")
        self.assertEqual(status, 1)
        self.assertIn("not in the spec:   POST /hubs", err)
        self.assertNotIn("not in the server", err)

    def test_parameter_names_must_agree(self):
        status, err = run("GET /hubs/:hub\nDELETE /hubs/:hub_id\nGET /healthz\n")
        self.assertEqual(status, 1)
        self.assertIn("not in the spec:   GET /hubs/:hub", err)
        self.assertIn("not in the server: GET /hubs/:hub_id", err)

    def test_malformed_line_is_an_input_error(self):
        status, err = run("GET hubs\n")
        self.assertEqual(status, 2)
        self.assertIn("line 1", err)

    def test_real_spec_matches_the_hand_written_server_table(self):
        table = (HERE / "fixtures" / "server-routes.txt").read_text()
        out, err = io.StringIO(), io.StringIO()
        status = route_coverage.main(["-"], stdin=io.StringIO(table), out=out, err=err)
        self.assertEqual(status, 0, err.getvalue())


if __name__ == "__main__":
    unittest.main()

"""Checks of openapi/openapi.yaml against the reference files, the contract and itself.
Run: python3 -m unittest discover -s checks/contract -v"""
import re
import subprocess
import sys
import unittest
from pathlib import Path

import yaml
from openapi_spec_validator import validate

sys.path.insert(0, str(Path(__file__).resolve().parent))
import error_table  # noqa: E402
import spec_schemas  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# The reference files, vendored untouched (openapi/reference/versori/README.md).
REFERENCE = ROOT / "openapi" / "reference" / "versori"
METHODS = {"get", "put", "post", "delete", "patch"}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def reference_operations():
    found = {}
    for name in ("embedded-api-v1.yaml", "organisations-api-v1.yaml", "connect-api-v1.yaml"):
        file = REFERENCE / name
        if file.exists():
            for path, method, operation in operations(yaml.safe_load(file.read_text())):
                found[(method, path)] = operation
    return found


def descriptions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                yield value
            else:
                yield from descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from descriptions(value)


class SpecTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = spec_schemas.load_spec()

    def test_is_valid_openapi_3_1(self):
        validate(self.spec)
        self.assertEqual(self.spec["openapi"], "3.1.0")

    def test_operation_ids_are_unique(self):
        ids = [operation["operationId"] for _, _, operation in operations(self.spec)]
        self.assertEqual(len(ids), len(set(ids)))

    def test_shared_operations_keep_the_reference_operation_ids(self):
        reference = reference_operations()
        shared = 0
        for path, method, operation in operations(self.spec):
            if (method, path) in reference:
                shared += 1
                self.assertEqual(operation["operationId"], reference[(method, path)]["operationId"], f"{method} {path}")
        self.assertGreater(shared, 40)

    def test_no_content_answers_have_no_body(self):
        for path, method, operation in operations(self.spec):
            for status, response in operation["responses"].items():
                if status == "204":
                    self.assertNotIn("content", response, f"{method} {path}")

    def test_every_operation_is_implemented(self):
        marked = [op["operationId"] for _, _, op in operations(self.spec) if op.get("x-not-implemented")]
        self.assertEqual(marked, [])

    def test_every_code_the_text_mentions_is_in_the_catalogue(self):
        known = {entry["code"] for entry in self.spec["x-error-codes"]}
        text = (ROOT / "openapi" / "openapi.yaml").read_text()
        mentioned = set(re.findall(r"`([1-5]\d{5})`", text))
        self.assertLessEqual(mentioned, known)

    def test_error_table_is_current_and_matches_the_swift_catalogue(self):
        status = subprocess.run([sys.executable, str(ROOT / "checks/contract/error_table.py"), "--check"],
                                capture_output=True, text=True)
        self.assertEqual(status.returncode, 0, status.stderr)

    def test_authenticated_and_body_taking_operations_list_their_failures(self):
        for path, method, operation in operations(self.spec):
            responses = operation["responses"]
            if operation.get("security", self.spec["security"]):
                self.assertTrue({"401", "503"} <= responses.keys(), f"{method} {path}")
            if "requestBody" in operation:
                self.assertTrue({"400", "413", "415"} <= responses.keys(), f"{method} {path}")

    def test_header_carrying_responses(self):
        responses = self.spec["components"]["responses"]
        self.assertIn("WWW-Authenticate", responses["Unauthorized"]["headers"])
        self.assertIn("Retry-After", responses["ServiceUnavailable"]["headers"])
        self.assertIn("Allow", responses["MethodNotAllowed"]["headers"])

    def test_contract_secret_fields_are_marked(self):
        schemas = self.spec["components"]["schemas"]
        secrets = {
            "CredentialDataString": {"value"}, "CredentialDataBinary": {"valueBase64"},
            "CredentialDataBasicAuth": {"password"}, "CredentialDataOAuth2Client": {"clientSecret"},
            "CredentialDataOAuth2Password": {"password"},
            "CredentialDataOAuth2Token": {"refreshToken", "accessToken"}, "CredentialDataCertificate": {"key"},
            "CredentialDataJWTBearer": {"secret"}, "CredentialDataCustomFunction": {"data"},
        }
        for name, expected in secrets.items():
            marked = {key for key, value in schemas[name]["properties"].items() if value.get("x-secret")}
            self.assertEqual(marked, expected, name)

    def test_enums_match_the_reference(self):
        reference = yaml.safe_load((REFERENCE / "embedded-api-v1.yaml").read_text())["components"]["schemas"]
        ours = self.spec["components"]["schemas"]
        for name in ("CredentialType", "MessageSeverity", "AuthSchemeConfigAPIKeyIn", "AuthSchemeConfigHMACIn"):
            self.assertEqual(ours[name]["enum"], reference[name]["enum"], name)
        self.assertEqual(set(ours["AuthSchemeConfig"]["discriminator"]["mapping"]),
                         set(reference["AuthSchemeConfig"]["discriminator"]["mapping"]) | {"jwt-bearer", "custom-function"})

    def test_prose_is_not_copied_from_the_reference(self):
        def shingles(text, size=7):
            words = re.findall(r"[a-z0-9]+", text.lower())
            return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
        theirs = set()
        for name in ("embedded-api-v1.yaml", "organisations-api-v1.yaml", "connect-api-v1.yaml"):
            for text in descriptions(yaml.safe_load((REFERENCE / name).read_text())):
                theirs |= shingles(text)
        copied = {s for text in descriptions(self.spec) for s in shingles(text)} & theirs
        self.assertEqual(copied, set())


class SchemaExampleTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = spec_schemas.load_spec()

    def body_example(self):
        path = self.spec["paths"]["/hubs/{hub_id}/users/{user_id}/connections"]["post"]
        return path["requestBody"]["content"]["application/json"]["example"]

    def test_every_example_matches_its_schema(self):
        checked = 0
        for path, method, operation in operations(self.spec):
            bodies = [operation.get("requestBody", {})] + list(operation["responses"].values())
            for body in bodies:
                for media in body.get("content", {}).values():
                    ref = media.get("schema", {}).get("$ref", "")
                    if "example" in media and ref.startswith("#/components/schemas/"):
                        checked += 1
                        name = ref.rsplit("/", 1)[1]
                        self.assertEqual(spec_schemas.errors(self.spec, name, media["example"]), [], f"{method} {path}")
        self.assertGreaterEqual(checked, 3)

    def test_request_example_is_valid(self):
        self.assertEqual(spec_schemas.errors(self.spec, "EndUserConnectionCreate", self.body_example()), [])

    def test_unknown_fields_and_mismatched_data_are_rejected(self):
        body = self.body_example()
        body["connection"]["extra"] = 1
        self.assertNotEqual(spec_schemas.errors(self.spec, "EndUserConnectionCreate", body), [])
        body = self.body_example()
        body["connection"]["credentials"]["action"][0]["credential"]["data"] = {"username": "u", "password": "p"}
        self.assertNotEqual(spec_schemas.errors(self.spec, "EndUserConnectionCreate", body), [])

    def test_reference_and_validation_messages_are_accepted(self):
        body = self.body_example()
        entry = body["connection"]["credentials"]["action"][0]
        entry["credential"] = {"id": "01JDQ3W5Z8M4N6P7Q8R9S0T1V2"}
        entry["authSchemeConfig"]["validationMessages"] = [{"text": "x", "severity": "info"}]
        self.assertEqual(spec_schemas.errors(self.spec, "EndUserConnectionCreate", body), [])

    def test_a_created_connection_answer_is_valid(self):
        answer = {
            "id": "01JDQ3W5Z8M4N6P7Q8R9S0T1V3", "name": "acme-production",
            "variables": [{"name": "region", "value": "eu-west-1"}],
            "credentials": {"action": [{
                "id": "01JDQ3W5Z8M4N6P7Q8R9S0T1V4",
                "authSchemeConfig": {"id": "key-header", "description": "", "schemeType": "api-key",
                                     "name": "X-API-Key", "in": "header", "validationMessages": []},
                "credential": {"id": "01JDQ3W5Z8M4N6P7Q8R9S0T1V5", "organisationId": "01JDQ3W5Z8M4N6P7Q8R9S0T1V6",
                               "name": "acme api key", "type": "string", "data": {"value": ""}, "errors": []},
            }], "trigger": []},
            "createdAt": "2026-11-29T03:35:06.123456Z", "updatedAt": "2026-11-29T03:35:06.123456Z",
        }
        self.assertEqual(spec_schemas.errors(self.spec, "Connection", answer), [])

    def test_oauth2_scheme_with_each_grant(self):
        for grant in ({"grantType": "authorization_code", "clientId": "c", "clientSecret": ""},
                      {"grantType": "client_credentials"}, {"grantType": "password"}):
            config = {"id": "o", "description": "", "schemeType": "oauth2", "authorizeUrl": "",
                      "tokenUrl": "https://id.example.com/token", "scopes": [{"name": "read"}],
                      "defaultScopes": ["read"], "grant": grant}
            self.assertEqual(spec_schemas.errors(self.spec, "AuthSchemeConfig", config), [], grant)
        config["grant"] = {"grantType": "implicit"}
        self.assertNotEqual(spec_schemas.errors(self.spec, "AuthSchemeConfig", config), [])


if __name__ == "__main__":
    unittest.main()

"""Fidelity of openapi/openapi.yaml to the reference files it re-implements (openapi/reference/versori/): for
every operation this server implements, the same path, method, operation id, parameters (name, in, required)
and success status, and every field the reference's success answer requires (through $ref, allOf, arrays and
discriminated variants) present and required in ours. Where ours differs on purpose, the allow-lists below say
why, each with the CONTRACT.md or docs/api-decisions.md decision behind it.
Run: python3 -m unittest checks/contract/test_reference_fidelity.py -v"""
import copy
import sys
import unittest
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_schemas  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[2] / "openapi" / "reference" / "versori"
REFERENCE_FILES = ("embedded-api-v1.yaml", "organisations-api-v1.yaml", "connect-api-v1.yaml")
METHODS = ("get", "put", "post", "delete", "patch")

# Operations of ours the reference does not have.
EXTENSION_OPERATIONS = {
    "ReadinessCheck": "operations endpoint for orchestrators (README, Operating)",
    "GetMetrics": "Prometheus metrics (README, Operating)",
    "GetOpenAPIDocument": "serves openapi/openapi.yaml (README, Operating)",
    "GetEndUserConnectionByID": "CONTRACT, Around it: GET of one connection, beyond the reference",
    "DeleteEndUserConnection": "CONTRACT, Around it: DELETE of one connection, beyond the reference",
    "GetPlaceholderImage": "CONTRACT, Decided details: the placeholder image the server serves for imageUrl",
    "CompleteOAuth2Connection": "CONTRACT, OAuth 2.0 connections: the callback the initialise's redirect_uri names",
    "GetConnectionAccess": "CONTRACT, Using stored credentials: beyond the reference",
    "ListAuditEvents": "CONTRACT, Using stored credentials: beyond the reference",
    "ProxyGet": "CONTRACT, Using stored credentials: beyond the reference",
    "ProxyPut": "CONTRACT, Using stored credentials: beyond the reference",
    "ProxyPost": "CONTRACT, Using stored credentials: beyond the reference",
    "ProxyDelete": "CONTRACT, Using stored credentials: beyond the reference",
    "ProxyPatch": "CONTRACT, Using stored credentials: beyond the reference",
    "CreateWebhook": "CONTRACT, Events: beyond the reference",
    "ListWebhooks": "CONTRACT, Events: beyond the reference",
    "DeleteWebhook": "CONTRACT, Events: beyond the reference",
    "ListWebhookDeliveries": "CONTRACT, Events: beyond the reference",
}

# operationId -> (our success status, why it is not the reference's).
STATUS_DIFFERENCES = {
    "CreateSigningKey": ("201", "the reference's 204 carries a body (CONTRACT, Sources: reference bugs)"),
    "ListSigningKeys": ("200", "the reference's 204 carries a body (CONTRACT, Sources: reference bugs)"),
}

# (operationId, name, in) -> why ours has a parameter the reference lacks.
EXTRA_PARAMETERS = {
    ("ListHubs", "first", "query"): "CONTRACT, Around it: ListHubs pages when `first` is given",
    ("ListHubs", "before", "query"): "CONTRACT, Around it: ListHubs pages when `first` is given",
    ("ListHubs", "after", "query"): "CONTRACT, Around it: ListHubs pages when `first` is given",
    ("ListSigningKeys", "first", "query"): "CONTRACT, Around it: lists page with first/before/after",
    ("ListSigningKeys", "before", "query"): "CONTRACT, Around it: lists page with first/before/after",
    ("ListSigningKeys", "after", "query"): "CONTRACT, Around it: lists page with first/before/after",
    ("CreateEndUserConnection", "Idempotency-Key", "header"): "CONTRACT, core operation: beyond the reference",
    ("ActivateIntegration", "identifier_type", "query"): "CONTRACT, Decided details: like the other operations",
    ("GetEndUserConnection", "identifier_type", "query"): "CONTRACT, Activation: userId resolved as elsewhere",
    ("ListEndUserActivations", "identifier_type", "query"): "CONTRACT, Activation: userId resolved as elsewhere",
    ("InitialiseOAuth2EmbeddedConnection", "identifier_type", "query"):
        "CONTRACT, OAuth Decided details: with an API key, userId resolved by identifier_type",
    ("ListEndUserIntegrations", "first", "query"): "CONTRACT, Around it: lists page with first/before/after",
    ("ListEndUserIntegrations", "before", "query"): "CONTRACT, Around it: lists page with first/before/after",
    ("ListEndUserIntegrations", "after", "query"): "CONTRACT, Around it: lists page with first/before/after",
}

# (operationId, field path) -> why a field the reference's answer requires is not required in ours.
FIELD_DIFFERENCES = {
    ("CreateHubConnectionTemplate", ".connectionTemplates"):
        "the reference's HubConnectionTemplate requires it but defines no such property (a reference bug)",
    ("ListIntegrationConnectionTemplates", ".connectionTemplates[].connectionTemplates"):
        "the reference's HubConnectionTemplate requires it but defines no such property (a reference bug)",
    ("GetEmbeddedIntegration", ".connectionTemplates[].connectionTemplates"):
        "the reference's HubConnectionTemplate requires it but defines no such property (a reference bug)",
    ("GetEmbeddedIntegration", ".connectionTemplates[].variables"):
        "the reference's HubConnectionTemplate requires it but defines no such property (a reference bug)",
}


def load(path):
    # libyaml's loader where there is one: the pure-Python one takes seconds over the 10,000 reference lines.
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item, item[method]


def deref(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def object_shape(spec, schema):
    """The properties and required names of an object schema, merged through $ref and allOf."""
    schema = deref(spec, schema)
    properties = dict(schema.get("properties", {}))
    required = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        more, needed = object_shape(spec, part)
        properties.update(more)
        required |= needed
    return properties, required


def discriminated(spec, schema):
    """(property name, {value: variant}) when the schema is a discriminated oneOf, else None."""
    schema = deref(spec, schema)
    discriminator = schema.get("discriminator")
    if not discriminator or "mapping" not in discriminator:
        return None
    return discriminator["propertyName"], {key: {"$ref": ref} for key, ref in discriminator["mapping"].items()}


def constant(spec, schema, name):
    properties, _ = object_shape(spec, schema)
    return deref(spec, properties.get(name, {})).get("const")


def missing_fields(reference, theirs, spec, ours, where="", depth=0):
    """Field paths the reference's schema `theirs` requires that ours lacks or leaves optional, recursively."""
    if depth > 12:
        return []
    theirs, ours = deref(reference, theirs), deref(spec, ours)
    variants = discriminated(reference, theirs)
    if variants:
        name, their_variants = variants
        our_variants = discriminated(spec, ours)
        if our_variants:
            pairs = [(key, their_variants[key], our_variants[1].get(key)) for key in their_variants]
        else:
            # Ours answers one variant only (e.g. HTTP connectors): compare with the reference's same variant.
            key = constant(spec, ours, name)
            pairs = [(key, their_variants[key], ours)] if key in their_variants else [(key, None, ours)]
        found = []
        for key, their_variant, our_variant in pairs:
            if their_variant is None or our_variant is None:
                found.append(f"{where}<{name}={key}>: variant missing")
            else:
                found += missing_fields(reference, their_variant, spec, our_variant, f"{where}<{key}>", depth + 1)
        return found
    their_properties, their_required = object_shape(reference, theirs)
    our_properties, our_required = object_shape(spec, ours)
    found = []
    for name in sorted(their_required):
        path = f"{where}.{name}"
        if name not in our_properties:
            found.append(f"{path}: missing")
            continue
        if name not in our_required:
            found.append(f"{path}: optional in ours")
        their_field = deref(reference, their_properties.get(name, {}))
        our_field = deref(spec, our_properties[name])
        if "items" in their_field:
            # An array ours always answers empty carries no items whose fields could be missing.
            if our_field.get("maxItems") != 0 and "items" in our_field:
                found += missing_fields(reference, their_field["items"], spec, our_field["items"], path + "[]", depth + 1)
        else:
            found += missing_fields(reference, their_properties.get(name, {}), spec, our_properties[name], path, depth + 1)
    return found


def parameters(spec, item, operation):
    found = {}
    for parameter in item.get("parameters", []) + operation.get("parameters", []):
        parameter = deref(spec, parameter)
        found[(parameter["name"], parameter["in"])] = bool(parameter.get("required", False))
    return found


def success_status(operation):
    return min((str(code) for code in operation["responses"] if str(code).startswith("2")), default=None)


def success_schema(spec, operation):
    response = deref(spec, operation["responses"].get(success_status(operation), {}))
    return response.get("content", {}).get("application/json", {}).get("schema")


def reference_operations():
    found = {}
    for name in REFERENCE_FILES:
        reference = load(REFERENCE / name)
        for path, method, item, operation in operations(reference):
            found[operation["operationId"]] = (reference, path, method, item, operation)
    return found


def differences(spec, references):
    """Every way an implemented operation of `spec` departs from the reference, less the allow-lists."""
    found = []
    for path, method, item, operation in operations(spec):
        if operation.get("x-not-implemented"):
            continue
        op_id = operation["operationId"]
        if op_id not in references:
            if op_id not in EXTENSION_OPERATIONS:
                found.append(f"{op_id}: not in the reference and not listed as an extension")
            continue
        reference, their_path, their_method, their_item, theirs = references[op_id]
        if (their_method, their_path) != (method, path):
            found.append(f"{op_id}: {method.upper()} {path}, the reference has {their_method.upper()} {their_path}")
        ours_params, their_params = parameters(spec, item, operation), parameters(reference, their_item, theirs)
        for key, required in their_params.items():
            if key not in ours_params:
                found.append(f"{op_id}: parameter {key[0]} ({key[1]}) missing")
            elif ours_params[key] != required:
                found.append(f"{op_id}: parameter {key[0]} ({key[1]}) required={ours_params[key]}, reference {required}")
        for key in ours_params.keys() - their_params.keys():
            if (op_id, *key) not in EXTRA_PARAMETERS:
                found.append(f"{op_id}: parameter {key[0]} ({key[1]}) not in the reference")
        status, their_status = success_status(operation), success_status(theirs)
        if status != their_status and STATUS_DIFFERENCES.get(op_id, (None,))[0] != status:
            found.append(f"{op_id}: success status {status}, the reference's {their_status}")
        their_schema, our_schema = success_schema(reference, theirs), success_schema(spec, operation)
        if their_schema and not our_schema:
            found.append(f"{op_id}: the reference answers a body, ours none")
        elif their_schema:
            for field in missing_fields(reference, their_schema, spec, our_schema):
                if (op_id, field.split(":")[0]) not in FIELD_DIFFERENCES:
                    found.append(f"{op_id}: {field}")
    return found


class ReferenceFidelityTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = spec_schemas.load_spec()
        cls.references = reference_operations()

    def implemented(self):
        return [op for _, _, _, op in operations(self.spec) if not op.get("x-not-implemented")]

    def test_implemented_operations_match_the_reference(self):
        self.assertEqual(differences(self.spec, self.references), [])
        self.assertGreater(len(self.implemented()), 20)

    def test_every_embedded_api_operation_is_described(self):
        ours = {op["operationId"] for _, _, _, op in operations(self.spec)}
        embedded = {op_id for op_id, (reference, *_) in self.references.items()
                    if reference is self.references["CreateEndUser"][0]}
        self.assertEqual(embedded - ours, set())

    def test_allow_lists_name_real_operations_and_each_says_why(self):
        ours = {op["operationId"]: op for _, _, _, op in operations(self.spec)}
        for op_id in EXTENSION_OPERATIONS:
            self.assertIn(op_id, ours)
            self.assertNotIn(op_id, self.references)
        for op_id, (status, reason) in STATUS_DIFFERENCES.items():
            self.assertIn(status, ours[op_id]["responses"], op_id)
            self.assertTrue(reason)
        for (op_id, name, where), reason in EXTRA_PARAMETERS.items():
            self.assertIn(op_id, ours)
            self.assertTrue(reason)

    # The check itself: each kind of departure, made in a copy of our spec, is reported.

    def mutated(self, change):
        spec = copy.deepcopy(self.spec)
        change(spec)
        return differences(spec, self.references)

    def test_reports_a_required_answer_field_that_is_optional_or_missing(self):
        def optional(spec):
            spec["components"]["schemas"]["EndUser"]["allOf"][1]["required"].remove("primaryConnection")
        self.assertIn("GetEndUser: .primaryConnection: optional in ours", self.mutated(optional))

        def nested(spec):
            hub = spec["components"]["schemas"]["Hub"]
            del deref(spec, hub["properties"]["primaryConnector"])["properties"]["connectorId"]
        self.assertIn("GetHub: .primaryConnector.connectorId: missing", self.mutated(nested))

        def in_a_variant(spec):
            deref(spec, {"$ref": "#/components/schemas/AuthSchemeConfigAPIKey"})["allOf"][1]["required"].remove("in")
        self.assertTrue(any(".authSchemeConfig<api-key>.in: optional in ours" in found for found in self.mutated(in_a_variant)))

    def test_reports_status_path_and_parameter_departures(self):
        def status(spec):
            responses = spec["paths"]["/hubs"]["post"]["responses"]
            responses["200"] = responses.pop("201")
        self.assertIn("CreateHub: success status 200, the reference's 201", self.mutated(status))

        def required_parameter(spec):
            spec["paths"]["/hubs/{hub_id}/users"]["get"]["parameters"].append(
                {"name": "search", "in": "query", "required": True, "schema": {"type": "string"}})
        found = self.mutated(required_parameter)
        self.assertTrue(any(f.startswith("ListEndUsers: parameter search (query) required=True") for f in found), found)

        def extra_parameter(spec):
            spec["paths"]["/hubs/{hub_id}"]["get"]["parameters"] = [{"name": "expand", "in": "query", "schema": {}}]
        self.assertIn("GetHub: parameter expand (query) not in the reference", self.mutated(extra_parameter))

        def moved(spec):
            spec["paths"]["/hub/{hub_id}"] = spec["paths"].pop("/hubs/{hub_id}")
        self.assertIn("GetHub: GET /hub/{hub_id}, the reference has GET /hubs/{hub_id}", self.mutated(moved))

    def test_reports_an_unknown_operation(self):
        def renamed(spec):
            spec["paths"]["/hubs/{hub_id}"]["get"]["operationId"] = "FetchHub"
        self.assertIn("FetchHub: not in the reference and not listed as an extension", self.mutated(renamed))


if __name__ == "__main__":
    unittest.main()

"""Validates JSON values against a component schema of openapi/openapi.yaml (JSON Schema 2020-12 as OpenAPI 3.1
uses it), so tests can check examples and sample answers."""
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
SPEC_URI = "urn:embedded-api:openapi"


def load_spec():
    return yaml.safe_load(SPEC_PATH.read_text())


def validator(spec, schema_name):
    """A validator for `#/components/schemas/<schema_name>`; `$ref`s resolve inside the spec."""
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=_dialect()))
    schema = {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(spec, schema_name, value):
    return sorted(str(error.message) for error in validator(spec, schema_name).iter_errors(value))


def _dialect():
    from referencing.jsonschema import DRAFT202012
    return DRAFT202012

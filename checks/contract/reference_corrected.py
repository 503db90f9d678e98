"""Writes the reference's OpenAPI file with its schema bugs corrected, for a Schemathesis run driven by it.

Two kinds of bug in the reference keep it from being used as is, each corrected by a rule, not by hand:
- a schema that `required`s a name it never defines (HubConnectionTemplate requires `connectionTemplates` and
  `variables`; IntegrationCreate's and ActivationCreate's lists name fields they spell otherwise): the name
  leaves `required`;
- a schema `examples` that is not an array (OpenAPI 3.1 takes JSON Schema's list): its values become the list.
checks/contract/test_reference_fidelity.py lists the same undefined requirements as reference bugs.
    reference_corrected.py IN OUT
"""
import sys

import yaml


def correct(node):
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(node.get("required"), list) and isinstance(properties, dict) and "allOf" not in node:
            node["required"] = [name for name in node["required"] if name in properties]
        if isinstance(node.get("examples"), dict) and ("type" in node or "properties" in node):
            node["examples"] = list(node["examples"].values())
        for value in node.values():
            correct(value)
    elif isinstance(node, list):
        for value in node:
            correct(value)
    return node


def main(argv):
    source, target = argv
    with open(source) as f:
        spec = yaml.safe_load(f)
    with open(target, "w") as f:
        yaml.safe_dump(correct(spec), f, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1:])

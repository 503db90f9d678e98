#!/usr/bin/env bash
# Generates a Python client from openapi/openapi.yaml with openapi-python-client (into a temporary directory:
# never committed, never edited) and runs Clients/Python/walkthrough.py with it against the real binary and a
# throwaway database. Fails if the generator warns about anything but the one answer it cannot express
# (Clients/Python/generator-config.yaml says which), or if the walk-through deviates.
# Usage: checks/clients/python.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# Before lib-server.sh: from there on the script may run where only loopback is reachable.
python3 -c "import openapi_python_client" 2>/dev/null || python3 -m pip install -q "openapi-python-client==0.29.1" >&2

source checks/clients/lib-clients.sh

# The module, not the console script: a fresh pip install may not have put the script on PATH yet.
note "openapi-python-client $(python3 -m openapi_python_client --version | awk '{print $NF}')"
generated="$ROBUST_WORK/python"
started=$SECONDS
python3 -m openapi_python_client generate --path openapi/openapi.yaml --config Clients/Python/generator-config.yaml \
    --meta none --output-path "$generated/embedded_api_client" >"$ROBUST_WORK/generate.log" 2>&1 \
    || { cat "$ROBUST_WORK/generate.log" >&2; echo "python client: generation FAILED" >&2; exit 1; }
note "generated in $((SECONDS - started)) s"
# Each problem the generator reports starts a line with WARNING or "Unable to process".
warnings=$(grep -E '^(WARNING|Unable to process)' "$ROBUST_WORK/generate.log" || true)
expected="WARNING parsing GET /openapi.yaml within miscellaneous."
if [ "$warnings" != "$expected" ] || ! grep -q "Unsupported content_type application/yaml" "$ROBUST_WORK/generate.log"; then
    cat "$ROBUST_WORK/generate.log" >&2
    echo "python client: the generator warns about more than GetOpenAPIDocument's YAML answer" >&2
    exit 1
fi

client_server 18630 "Python client"
PYTHONPATH="$generated" python3 Clients/Python/walkthrough.py

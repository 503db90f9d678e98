#!/usr/bin/env bash
# Builds Clients/Swift, whose client swift-openapi-generator generates at build time from openapi/openapi.yaml,
# and runs its walkthrough executable against the real binary and a throwaway database. Fails if the generator
# cannot read the spec, if the generated code does not compile, or if the walk-through deviates.
# Its packages resolve from the machine's local copies (git reads github.com from /opt/swift-packages), so this
# needs no network, like everything after lib-server.sh. A build from empty takes minutes (README, Test).
# Usage: checks/clients/swift.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

source checks/clients/lib-clients.sh

# The generator reads the spec through a symlink: a copy in its place could drift from openapi/openapi.yaml.
[ Clients/Swift/Sources/EmbeddedAPIClient/openapi.yaml -ef openapi/openapi.yaml ] \
    || { echo "swift client: Sources/EmbeddedAPIClient/openapi.yaml is not a link to openapi/openapi.yaml" >&2; exit 1; }
note "swift build (Clients/Swift)"
started=$SECONDS
swift build --package-path Clients/Swift --product walkthrough >&2
note "Clients/Swift built in $((SECONDS - started)) s"

client_server 18640 "Swift client"
"$(swift build --package-path Clients/Swift --show-bin-path)/walkthrough"

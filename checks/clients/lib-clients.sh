# Shared by checks/clients/*.sh (sourced, not run): a throwaway database, the real server, and an organisation
# made with the operator command, for a walk-through through a generated client. Source it after installing
# anything that needs the network (lib-server.sh may re-run the script where only loopback is reachable).

unset DATABASE_URL CREDENTIAL_KEYS
source checks/lib-server.sh

# client_server PORT NAME: starts the server and exports BASE, API_KEY and ORG (an organisation named NAME), the
# names README's walk-through uses.
client_server() {
    local created
    server_build
    server_database
    server_start "$1"
    created="$("$BINARY" organisations create --name "$2")"
    API_KEY=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")
    ORG=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")
    BASE="http://127.0.0.1:$SERVER_PORT"
    export BASE API_KEY ORG
}

# Keeps every server a test or benchmark starts from reaching beyond this machine. Sourced, not run.
# Two protections, the second where the machine allows it:
#   1. OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8,::1/128 for every server: the server's own egress allow-list.
#   2. egress_isolate: re-runs the calling script inside a network namespace that has only loopback (root and
#      `unshare` needed), so even a fault in the allow-list sends nothing out. Everything that needs the network
#      (apt-get, pip) must be installed before it is called; PostgreSQL is reached through its Unix socket.

EGRESS_LOOPBACK="127.0.0.0/8,::1/128"
export OUTBOUND_ALLOWED_NETWORKS="$EGRESS_LOOPBACK"

# egress_isolate "$0" "$@": exec's the script again inside a loopback-only network namespace, unless it already
# runs in one, or EGRESS_ISOLATION=0, or the machine cannot (then it says why and returns).
egress_isolate() {
    [[ "${EGRESS_NETNS:-0}" == 1 || "${EGRESS_ISOLATION:-1}" == 0 ]] && return 0
    local why=""
    if [[ "$(id -u)" -ne 0 ]]; then
        why="not root"
    elif ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
        why="unshare or ip (iproute2) is missing"
    elif ! unshare -n true 2>/dev/null; then
        why="this machine refuses new network namespaces"
    elif [[ ! -f "$1" ]]; then
        why="cannot find $1 again from $PWD"
    fi
    if [[ -n "$why" ]]; then
        EGRESS_NETNS_UNAVAILABLE="$why"
        return 0
    fi
    exec unshare -n -- env EGRESS_NETNS=1 bash -c 'ip link set lo up && exec bash "$@"' egress "$@"
}

# egress_report: one line saying which protections this run has.
egress_report() {
    local line="egress: OUTBOUND_ALLOWED_NETWORKS=$OUTBOUND_ALLOWED_NETWORKS"
    if [[ "${EGRESS_NETNS:-0}" == 1 ]]; then
        line+=" + a network namespace with only loopback ($(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ' | sed 's/ $//'))"
    else
        line+=" only; no network namespace (${EGRESS_NETNS_UNAVAILABLE:-EGRESS_ISOLATION=0})"
    fi
    printf '%s\n' "$line"
}

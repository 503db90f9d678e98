#!/usr/bin/env bash
# Rolling upgrade, expand then contract: the newest migrations are applied, with this tree's `embedded-api
# migrate`, under an instance of the previous release while it serves a create-and-read loop. Passes when
#   - the previous release's binary builds and serves on a database migrated to its own migrations,
#   - this tree's `migrate` applies the rest (each once, recorded in schema_migrations),
#   - every request of the loop succeeds, before, during and after the migration,
#   - the previous release still serves afterwards, and comes back after a restart (MIGRATE_ON_START=false, as a
#     rolling deploy runs it), its creates readable by this tree's binary.
# The previous release is the newest commit on this branch's first-parent line whose Migrations/ is a proper
# subset of this tree's (same files, same contents): the commit before the newest migrations arrived. Its binary
# is built once (debug, `--product embedded-api`, from a git worktree in a temporary directory, with this tree's
# resolved dependencies so that nothing is fetched) and kept in .build-previous/<commit>/, so a second run only
# starts it.
#   checks/upgrade/rolling.sh   Env: PREVIOUS_COMMIT (a commit to use instead), SKIP_BUILD=1 (this tree's binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
unset DATABASE_URL  # a PostgreSQL of its own: the database starts at the previous release's migrations
source checks/lib-server.sh

CURRENT_BINARY="$BINARY"

# The migrations of this tree, then of a commit, as sorted "file blob" lines.
tree_migrations() { for file in Migrations/*.sql; do echo "$(basename "$file") $(git hash-object "$file")"; done | sort; }
commit_migrations() { git ls-tree "$1" Migrations/ | awk '$4 ~ /\.sql$/ { sub("Migrations/", "", $4); print $4, $3 }' | sort; }

previous_release() {
    local current candidate theirs
    current="$(tree_migrations)"
    for candidate in HEAD $(git rev-list --first-parent HEAD -- Migrations/ | sed 's/$/^1/'); do
        git rev-parse -q --verify "$candidate^{commit}" >/dev/null || continue
        theirs="$(commit_migrations "$candidate")"
        [[ -n "$theirs" && "$theirs" != "$current" ]] || continue
        # A proper subset: every file of theirs is here with the same contents.
        if [[ -z "$(comm -23 <(echo "$theirs") <(echo "$current"))" ]]; then git rev-parse "$candidate"; return 0; fi
    done
    return 1
}

# build_previous COMMIT: leaves the previous release in .build-previous/COMMIT/ (bin/, Migrations/, openapi/).
build_previous() {
    local commit="$1" home=".build-previous/$1" source
    if [[ -x "$home/bin/embedded-api" ]]; then note "reusing $home/bin/embedded-api"; return 0; fi
    source="$ROBUST_WORK/previous-source"
    git worktree prune  # registrations left by a run that was killed
    git worktree add --detach --quiet "$source" "$commit"
    # Offline: this tree's pins and checkouts (the same Package.swift dependencies), so nothing is fetched.
    [[ -f Package.resolved ]] && cp Package.resolved "$source/"
    mkdir -p "$source/.build"
    cp -R .build/repositories .build/checkouts .build/workspace-state.json "$source/.build/" 2>/dev/null || true
    note "swift build of the previous release $commit (debug, embedded-api only)"
    local started=$SECONDS status=0
    (cd "$source" && swift build --product embedded-api >&2) || status=$?
    if [[ $status == 0 ]]; then
        mkdir -p "$home/bin" "$home/openapi"
        cp "$(cd "$source" && swift build --show-bin-path)/embedded-api" "$home/bin/"
        cp -R "$source/Migrations" "$home/"
        cp "$source/openapi/openapi.yaml" "$home/openapi/"
        note "built in $((SECONDS - started)) s"
    fi
    git worktree remove --force "$source"
    return $status
}

server_build
if ! commit="${PREVIOUS_COMMIT:-$(previous_release)}"; then
    # A shallow clone (or a tree outside git) holds no earlier release to build; scripts/test.sh deepens a
    # shallow clone first when it can reach its origin.
    if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null || echo none)" != false ]]; then
        echo "rolling upgrade: SKIPPED: no git history here (a shallow clone, or none) holds an earlier release" >&2
        exit 0
    fi
    echo "no earlier commit has a subset of these migrations" >&2
    exit 1
fi
commit="$(git rev-parse "$commit")"
newest="$(comm -13 <(commit_migrations "$commit") <(tree_migrations) | awk '{print $1}' | tr '\n' ' ')"
note "previous release: $(git log -1 --format='%h %s' "$commit" | cut -c1-100)"
note "migrations it lacks: $newest"
build_previous "$commit"
PREVIOUS_BINARY="$PWD/.build-previous/$commit/bin/embedded-api"

BINARY="$PREVIOUS_BINARY"
server_database
sql() { psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
failures=0
ok() { echo "ok    $1"; }
fail() { echo "FAIL  $1"; failures=$((failures + 1)); }

# The previous release finds its own Migrations/ beside its binary.
(cd "$(dirname "$PREVIOUS_BINARY")/.." && EMBEDDED_API_HOME="$PWD" "$PREVIOUS_BINARY" migrate >&2)
export EMBEDDED_API_HOME="$PWD/.build-previous/$commit" MIGRATE_ON_START=false
server_start 18571
previous_pid="$SERVER_PID"
make_tenant rolling rolling-user
# Every create then writes an event: the previous release with its delivery, this tree's for the worker to fan out.
webhook="$(server_post "/o/$organisation/webhooks" '{"url":"https://hooks.rolling.invalid/events","events":["connection.created"]}')"
before_versions="$(sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")"
note "database at versions $before_versions, served by the previous release (pid $previous_pid)"

stop_file="$ROBUST_WORK/stop"
samples="$ROBUST_WORK/requests.jsonl"
python3 checks/upgrade/request_loop.py run --port "$SERVER_PORT" --stop-file "$stop_file" --out "$samples" \
    --api-key "$api_key" --hub "$hub" --user "$user" --connector "$connector" &
loop_pid=$!
sleep 2
migrate_from="$(date +%s.%N)"
applied="$(env -u EMBEDDED_API_HOME "$CURRENT_BINARY" migrate)" || { echo "$applied"; fail "this tree's migrate failed"; }
migrate_to="$(date +%s.%N)"
note "$(echo "$applied" | tr '\n' ' ')"
sleep 2
touch "$stop_file"
wait "$loop_pid"

expected="$(ls Migrations/*.sql | sed 's|Migrations/0*||; s|_.*||' | sort -n | paste -sd,)"
after_versions="$(sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")"
[[ "$after_versions" == "$expected" ]] && ok "schema_migrations holds every migration once ($after_versions)" \
    || fail "schema_migrations: $after_versions, expected $expected"
[[ "$(echo "$applied" | grep -c '^applied ')" == "$(echo "$newest" | wc -w)" ]] \
    && ok "this tree's migrate applied exactly the migrations the previous release lacks ($newest)" \
    || fail "applied: $applied; expected: $newest"
if python3 checks/upgrade/request_loop.py report "$samples" --from "$migrate_from" --to "$migrate_to"; then
    ok "the previous release answered every create and read, before, during and after the migration"
else
    fail "the previous release failed requests around the migration"
fi
if [[ "$SERVER_PID" == "$previous_pid" ]] && kill -0 "$previous_pid" 2>/dev/null; then
    ok "the same previous-release process still runs"
else
    fail "the previous-release process is gone"
fi

# Mid-roll, an old instance may restart: it must come back on the expanded schema.
server_stop
server_start "$SERVER_PORT" exact
rm -f "$stop_file"
after_samples="$ROBUST_WORK/after.jsonl"
python3 checks/upgrade/request_loop.py run --port "$SERVER_PORT" --stop-file "$stop_file" --out "$after_samples" \
    --workers 1 --api-key "$api_key" --hub "$hub" --user "$user" --connector "$connector" &
loop_pid=$!
sleep 1
touch "$stop_file"
wait "$loop_pid"
if python3 checks/upgrade/request_loop.py report "$after_samples"; then
    ok "the previous release, restarted on the migrated database (MIGRATE_ON_START=false), serves again"
else
    fail "the restarted previous release failed requests"
fi

# And this tree's binary reads what the previous release wrote.
server_stop
BINARY="$CURRENT_BINARY"
unset EMBEDDED_API_HOME
server_start "$SERVER_PORT" exact
listed="$(curl -sS -H "Authorization: Bearer $api_key" \
    "http://127.0.0.1:$SERVER_PORT/hubs/$hub/users/$user/connections?identifier_type=internal" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin).get("totalCount", -1))')"
stored="$(sql "SELECT count(*) FROM connections WHERE end_user_id = '$user'")"
[[ "$listed" == "$stored" && "$stored" -gt 1 ]] && ok "this tree's binary lists the $stored connections the previous release made" \
    || fail "this tree's binary lists $listed of $stored connections"

# Events of both releases side by side: the previous release's (fanned_out by default, with their deliveries) are
# left alone, this tree's are fanned out once; the listing shows one delivery per event, none twice or missing.
server_post "/hubs/$hub/users/$user/connections?identifier_type=internal" \
    "$(cd checks/faults && python3 -c 'import sys; from load import create_body; print(create_body("after-the-roll", sys.argv[1]))' "$connector")" >/dev/null
deliveries="$(curl -sS -H "Authorization: Bearer $api_key" \
    "http://127.0.0.1:$SERVER_PORT/o/$organisation/webhooks/$webhook/deliveries" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin).get("totalCount", -1))')"
events="$(sql "SELECT count(*) FROM webhook_events WHERE organisation_id = '$organisation'")"
unfanned="$(sql "SELECT count(*) FROM webhook_events WHERE organisation_id = '$organisation' AND NOT fanned_out")"
[[ "$deliveries" == "$events" && "$events" -gt 2 && "$unfanned" == 0 ]] \
    && ok "one delivery for each of the $events events written by either release" \
    || fail "$deliveries deliveries listed for $events events ($unfanned not fanned out)"

echo "rolling upgrade: $([[ $failures == 0 ]] && echo passed || echo "FAILED ($failures)")"
[[ $failures == 0 ]]

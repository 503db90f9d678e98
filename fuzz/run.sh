#!/usr/bin/env bash
# Builds (fuzz/build.sh) and runs each libFuzzer target for a bounded time.
#   fuzz/run.sh [target ...]          default: request_parser chunked_decoder connection_body gzip_inflate
# Env: FUZZ_SECONDS (per target, default 60), FUZZ_JOBS (parallel workers per target, default 1),
#      SKIP_BUILD=1 to reuse fuzz/.build.
# New interesting inputs accumulate in fuzz-artifacts/corpus/<target> (git-ignored; the committed seeds in
# fuzz/corpus/<target> are only read). A crash is saved as fuzz-artifacts/<target>/crash-<sha1>; reproduce it
# with `fuzz/.build/<target> fuzz-artifacts/<target>/crash-…`. Exits non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_JOBS:-1}"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(request_parser chunked_decoder connection_body gzip_inflate)
[[ "${SKIP_BUILD:-0}" == 1 ]] || fuzz/build.sh "${targets[@]}"

export SWIFT_BACKTRACE=enable=no
# Swift's runtime keeps metadata caches for the life of the process: leak reports there are noise.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
failed=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz-artifacts/$target" "fuzz-artifacts/corpus/$target"
    echo "== $target: ${seconds}s" >&2
    log="fuzz-artifacts/$target.log"
    parallel=()  # with -jobs libFuzzer writes fuzz-N.log files into the working directory
    [[ "$jobs" -gt 1 ]] && parallel=(-jobs="$jobs" -workers="$jobs")
    if ! "fuzz/.build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        "${parallel[@]}" -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$target/" \
        "fuzz-artifacts/corpus/$target" "fuzz/corpus/$target" >"$log" 2>&1; then
        failed+=("$target")
        grep -E "ERROR|Fatal error|Precondition failed|fuzz check failed|SUMMARY|Test unit written" "$log" | head -8 >&2 || true
        # The input itself, so a CI log alone is enough to reproduce (inputs are at most 8 KiB).
        for crash in $(ls "fuzz-artifacts/$target"/crash-* "fuzz-artifacts/$target"/timeout-* "fuzz-artifacts/$target"/oom-* 2>/dev/null | head -3); do
            echo "$crash (base64): $(base64 -w0 "$crash")" >&2
        done
    fi
    grep -E "stat::number_of_executed_units|cov: .*ft:" "$log" | tail -2 >&2 || true
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "crashes in: ${failed[*]} (see fuzz-artifacts/)" >&2
    exit 1
fi
echo "no crash in ${targets[*]} (${seconds}s each)" >&2

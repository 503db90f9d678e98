#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer, straight from the sources (Package.swift is untouched):
#   request_parser   Sources/HTTP1 + fuzz/request_parser.swift   (head parser, body framing, chunked bodies)
#   chunked_decoder  Sources/HTTP1 + fuzz/chunked_decoder.swift
#   connection_body  Sources/JSON (as module JSON) + Sources/Domain + fuzz/connection_body.swift
#   gzip_inflate     Sources/HTTPServer/Gzip.swift + zlib + fuzz/gzip_inflate.swift
# Output: fuzz/.build/<target>. Usage: fuzz/build.sh [target ...] (default: all). OPT=-Onone for debugging.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz/.build"
mkdir -p "$out/modules"
cd "$out"  # swiftc leaves module files for the debugger in the working directory
flags=(-swift-version 6 -package-name embedded_api -enable-upcoming-feature ExistentialAny
       -enable-upcoming-feature MemberImportVisibility -parse-as-library "${OPT:--O}" -g
       -sanitize=fuzzer,address -wmo -use-ld=lld)

build_http1_target() {  # $1 = target name
    swiftc "${flags[@]}" -module-name HTTP1 "$root"/Sources/HTTP1/*.swift "$root/fuzz/check.swift" "$root/fuzz/$1.swift" -o "$out/$1"
}

build_connection_body() {
    swiftc "${flags[@]}" -module-name JSON -emit-module -emit-module-path "$out/modules/JSON.swiftmodule" \
        -c "$root"/Sources/JSON/*.swift -o "$out/JSON.o"
    # Domain's sources include subfolders (JSONSchema/).
    local domain
    mapfile -t domain < <(find "$root/Sources/Domain" -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name Domain -I "$out/modules" "${domain[@]}" "$root/fuzz/check.swift" \
        "$root/fuzz/connection_body.swift" \
        "$out/JSON.o" -o "$out/connection_body"
}

build_gzip_inflate() {
    swiftc "${flags[@]}" -module-name HTTPServer -I "$root/Sources/CZlib" "$root/Sources/HTTPServer/Gzip.swift" \
        "$root/fuzz/check.swift" "$root/fuzz/gzip_inflate.swift" -o "$out/gzip_inflate"
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(request_parser chunked_decoder connection_body gzip_inflate)
for target in "${targets[@]}"; do
    echo "building $target" >&2
    case "$target" in
        request_parser | chunked_decoder) build_http1_target "$target" ;;
        connection_body) build_connection_body ;;
        gzip_inflate) build_gzip_inflate ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done

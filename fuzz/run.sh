#!/bin/sh
# Builds the SyncScript libFuzzer target and runs it.
#
#   fuzz/run.sh [seconds]     (default 300)
#
# The target is compiled by swiftc directly (a SwiftPM executable built with
# -sanitize=fuzzer does not link; see the toolchain notes), with AddressSanitizer.
# The seed corpus is every .sync file under Tests/SyncScriptTests/Fixtures,
# copied into fuzz/out/corpus, where libFuzzer also keeps what it finds.
# Crash inputs land in fuzz/out/ as crash-* files; rerun one with
#   fuzz/out/fuzz-script fuzz/out/crash-…
# Leak detection stays on: a run must free everything, cycles included (see
# Interpreter+Release.swift).
set -eu
seconds="${1:-300}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz/out"
mkdir -p "$out/corpus"
find "$root/Tests/SyncScriptTests/Fixtures" -name '*.sync' -exec cp {} "$out/corpus/" \;

# TandemJSON is its own module (SyncScript imports it), so it is built first.
nice swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name TandemJSON -emit-module -emit-module-path "$out/TandemJSON.swiftmodule" \
    -emit-library -static "$root"/Sources/TandemJSON/*.swift -o "$out/libTandemJSON.a"
nice swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name ScriptFuzz -I "$out" -L "$out" -lTandemJSON \
    "$root"/Sources/SyncScript/*.swift "$root/fuzz/ScriptFuzzEntry.swift" \
    -o "$out/fuzz-script"

cd "$out"
exec nice ./fuzz-script -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus

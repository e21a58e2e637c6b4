#!/usr/bin/env bash
# Runs every test and keeps a passing run quiet: the whole output goes to
# .build/test-output.log, the output of each failing test case is printed,
# and the run ends with one line "N passed, N failed". Exit status: 0 only
# when every test passed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build
log=.build/test-output.log
swift test "$@" > "$log" 2>&1
status=$?
awk -v status="$status" '
    /^Test Case .* started/ { buffer = ""; inside = 1; next }
    /^Test Case .* passed/  { passed++; inside = 0; next }
    /^Test Case .* failed/  {
        failed++; inside = 0
        printf "%s%s\n\n", buffer, $0
        next
    }
    inside { buffer = buffer $0 "\n" }
    END {
        if (status != 0 && failed == 0) {
            print "swift test exited with status " status " before any test failed; its output ends with:"
            system("tail -n 40 '"$log"'")
        }
        printf "%d passed, %d failed\n", passed, failed
    }
' "$log"
[ "$status" -eq 0 ] || echo "full output: $log"
exit "$status"

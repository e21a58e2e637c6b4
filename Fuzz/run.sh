#!/bin/sh
# Builds and runs the libFuzzer targets under Fuzz/.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]    (default 60 s each, every target;
#                                         0: build only)
#   make fuzz FUZZ_SECONDS=300           (the same, from the package root)
#
# One convention for every target: a folder Fuzz/<Target>/ holding
#   Entry.swift  the `LLVMFuzzerTestOneInput` entry,
#   target.sh    `modules` (package modules it imports, dependencies first) and
#                `sources` (single files compiled into the entry's own module,
#                for parsers inside a module too large to build here whole),
#                and optionally `seed_files` (test fixtures to start from),
#   seeds/       seed inputs and every crash input once fixed (regressions).
# Output goes to .build/fuzz/<Target>/: the binary, the working corpus and
# crash-*/leak-*/timeout-* files; rerun one with
#   .build/fuzz/<Target>/fuzz <that file>
#
# Everything is compiled by swiftc directly with -sanitize=fuzzer,address (a
# SwiftPM executable built with -sanitize=fuzzer does not link: the package
# manager renames `main` and the fuzzer runtime brings its own). Modules are
# built with -enable-testing so entries reach internal parsers through
# `@testable import`. Leak detection stays on: a run must free everything.
set -eu
seconds="${1:-60}"
[ $# -gt 0 ] && shift
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/fuzz"
mods="$out/modules"
mkdir -p "$mods"
flags="-sanitize=fuzzer,address -parse-as-library -O -g -enable-testing -I $mods -I $root/Sources/PluginAPI/include"

if [ $# -eq 0 ]; then
    set -- $(cd "$root/Fuzz" && for d in */; do [ -f "$d/Entry.swift" ] && echo "${d%/}"; done)
fi

# The Swift files of a package module, found where Package.swift puts them.
module_files() {
    if [ -d "$root/Sources/$1" ]; then find "$root/Sources/$1" -name '*.swift' | sort
    else find "$root/Plugins/$1" -name '*.swift' | sort; fi
}

built=" "
build_module() {
    case "$built" in *" $1 "*) return 0 ;; esac
    # Reuse a module built by an earlier run when it is newer than its sources,
    # and the modules listed before it (its dependencies).
    if [ -f "$mods/lib$1.a" ] \
       && [ -z "$(find $(module_files "$1") -newer "$mods/lib$1.a")" ] \
       && [ -z "$(for dep in $earlier; do [ "$mods/lib$dep.a" -nt "$mods/lib$1.a" ] && echo "$dep"; done)" ]; then
        return 0
    fi
    echo "fuzz: building module $1"
    # shellcheck disable=SC2046
    nice swiftc $flags -module-name "$1" -emit-module -emit-module-path "$mods/$1.swiftmodule" \
        -emit-library -static -o "$mods/lib$1.a" $(module_files "$1")
    built="$built$1 "
}

status=0
for target in "$@"; do
    dir="$root/Fuzz/$target"
    [ -f "$dir/Entry.swift" ] || { echo "fuzz: no target Fuzz/$target (expected Fuzz/$target/Entry.swift)" >&2; exit 2; }
    modules="" sources="" system_libs="" seed_files="" max_len=4096
    . "$dir/target.sh"
    libs=""
    earlier=""
    # Dependents before their dependencies: the linker reads static libraries once, in order.
    for module in $modules; do build_module "$module"; libs="-l$module $libs"; earlier="$earlier $module"; done
    for lib in $system_libs; do libs="$libs -l$lib"; done
    work="$out/$target"
    mkdir -p "$work/corpus"
    [ -d "$dir/seeds" ] && cp "$dir/seeds/"* "$work/corpus/"
    for seed in $seed_files; do cp "$seed" "$work/corpus/"; done
    files=""
    for source in $sources; do files="$files $root/$source"; done
    # shellcheck disable=SC2086
    if [ ! -f "$work/fuzz" ] || [ -n "$(find "$dir" $files "$mods" -newer "$work/fuzz" | head -1)" ]; then
        echo "fuzz: building $target"
        nice swiftc $flags -module-name "${target}Fuzz" -L "$mods" $libs $files "$dir/Entry.swift" -o "$work/fuzz"
    fi
    [ "$seconds" -gt 0 ] || continue
    echo "fuzz: running $target for $seconds s"
    (cd "$work" && nice ./fuzz -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" corpus) || status=1
done
exit $status

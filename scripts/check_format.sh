#!/usr/bin/env bash
# Fails when a C++ source is not formatted as .clang-format says: runs
# `clang-format --dry-run --Werror` over the tracked *.cpp and *.hpp files, or over the files
# given as arguments, and lists the files that would change. Fix them with
#   clang-format-14 -i FILE...
# clang-format 14 (Debian 12's `clang-format` package) is required: other versions format some
# constructs differently, so their verdict would not be the one CI gives. CLANG_FORMAT overrides
# the program to run. Installs the package when CI=true and no clang-format 14 is found.
set -euo pipefail
cd "$(dirname "$0")/.."

find_clang_format() {
    local candidate
    for candidate in ${CLANG_FORMAT:-} clang-format-14 clang-format; do
        if command -v "$candidate" >/dev/null &&
            "$candidate" --version | grep -q -E 'clang-format version 14\.'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! clang_format=$(find_clang_format); then
    if [ "${CI:-}" = true ]; then
        bash scripts/deps.sh clang-format
    fi
    clang_format=$(find_clang_format) || {
        echo "check_format.sh: clang-format 14 not found (Debian 12: apt-get install clang-format)" >&2
        exit 1
    }
fi

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
fi
[ ${#files[@]} -gt 0 ] || { echo "check_format.sh: no files to check" >&2; exit 1; }

# One file at a time, so that the summary can name each one; three diagnostics per file are
# enough to show what is wrong without burying the list.
unformatted=()
for f in "${files[@]}"; do
    "$clang_format" --style=file --dry-run --Werror --ferror-limit=3 "$f" ||
        unformatted+=("$f")
done

if [ ${#unformatted[@]} -gt 0 ]; then
    echo "check_format.sh: ${#unformatted[@]} of ${#files[@]} files are not formatted" \
        "($("$clang_format" --version)):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    echo "fix with: $clang_format -i ${unformatted[*]}" >&2
    exit 1
fi
echo "check_format.sh: ${#files[@]} files formatted ($("$clang_format" --version))"

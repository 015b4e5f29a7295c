#!/usr/bin/env bash
# Opens an HTML page in headless Chromium the way a person would open a report, and fails when
# that person would see something wrong:
#   - the page logs an error: an uncaught exception or promise rejection, a console.error(), or
#     an image, script or stylesheet that does not load (remote hosts do not resolve: a report
#     must open offline);
#   - the screenshot is blank: fewer than --min-colours distinct colours (png_colours decodes it);
#   - with --max-load-ms, the page's load event ends later than that after navigation starts.
# It prints the load time either way, and the wall time of the whole Chromium run (start-up,
# load, timers run on virtual time, screenshot).
#
#   browser_check.sh [--png-colours EXE] [--min-colours N] [--max-load-ms MS] [--timeout S]
#                    [--window-size W,H] [--screenshot OUT.png] PAGE.html
#
# Exit codes: 0 passed; 1 the page logged errors; 2 the screenshot is blank; 3 the page loaded
# too slowly or never fired its load event; 4 the check could not run (bad arguments, Chromium
# failed or ran past --timeout, no screenshot); 77 skipped: no Chromium (ctest SKIP_RETURN_CODE).
# With CI=true a missing Chromium exits 4 instead: in CI these checks must run, not skip.
#
# How errors are seen: Chromium logs every console message at INFO level (--enable-logging=stderr)
# whatever its level, so console.error cannot be told from console.log there; only uncaught
# exceptions are recognisable ("Uncaught ..."). So the check loads a copy of the page with a small
# script inserted first (after the doctype, with a <base> pointing at the page's directory so
# relative links still resolve) that prefixes console.error's messages with a marker, turns failed
# resource loads into such errors, and logs the load time. --virtual-time-budget lets timers the
# page sets run (up to 5 s of page time) before the screenshot, so late errors are seen too.
#
# CHROMIUM names the browser to run; otherwise the first of chromium, chromium-browser,
# google-chrome found. Runs as root (--no-sandbox), with a fresh profile each time.
set -euo pipefail

png_colours=${PNG_COLOURS:-}
min_colours=16
max_load_ms=
timeout_s=60
window_size=1280,2000
screenshot=
page=

usage() {
    echo "usage:" >&2
    sed -n '/^#   browser_check.sh/,/^#  *\[--window-size/p' "$0" | sed 's/^# *//' >&2
    exit 4
}
while [ $# -gt 0 ]; do
    case "$1" in
        --png-colours) png_colours=${2:?}; shift 2 ;;
        --min-colours) min_colours=${2:?}; shift 2 ;;
        --max-load-ms) max_load_ms=${2:?}; shift 2 ;;
        --timeout) timeout_s=${2:?}; shift 2 ;;
        --window-size) window_size=${2:?}; shift 2 ;;
        --screenshot) screenshot=${2:?}; shift 2 ;;
        -*) usage ;;
        *) [ -z "$page" ] || usage; page=$1; shift ;;
    esac
done
[ -n "$page" ] || usage
[ -f "$page" ] || { echo "browser_check: $page: no such file" >&2; exit 4; }
if [ -z "$png_colours" ]; then
    png_colours=$(command -v png_colours ||
        echo "$(dirname "$0")/../../build/tests/report/png_colours")
fi
[ -x "$png_colours" ] || {
    echo "browser_check: png_colours not found at $png_colours (build it: target png_colours;" \
        "or pass --png-colours EXE)" >&2
    exit 4
}

chromium=
for candidate in ${CHROMIUM:-} chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null; then
        chromium=$candidate
        break
    fi
done
if [ -z "$chromium" ]; then
    if [ "${CI:-}" = true ]; then
        echo "browser_check: chromium not found, and CI=true: in CI the browser checks must run" \
            "(.ci/run installs chromium; apt-get install chromium)" >&2
        exit 4
    fi
    echo "skipped: chromium not found (apt-get install chromium)"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/browser_check.XXXXXX")
# shellcheck disable=SC2317  # run by the trap
cleanup() {
    # After a timeout, Chromium's helpers (its crash handler runs in a session of its own, out of
    # timeout's reach) may write into the profile for a few seconds more.
    local tries=10
    until rm -rf "$work" 2>/dev/null && [ ! -e "$work" ]; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || { echo "browser_check: could not remove $work" >&2; return 0; }
        sleep 1
    done
}
trap cleanup EXIT

# A file: URL for an absolute path: every byte outside the unreserved set percent-encoded.
file_url() {
    local LC_ALL=C path=$1 url=file:// i c
    for ((i = 0; i < ${#path}; i++)); do
        c=${path:i:1}
        case "$c" in
            [A-Za-z0-9/._~-]) url+=$c ;;
            *) url+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    echo "$url"
}

page_abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
marker='browser_check:'
# Kept on one line, so that it adds no line to the line numbers Chromium reports for the page's
# own scripts after it, except for the doctype's line.
hook="<base href=\"$(file_url "$(dirname "$page_abs")")/\"><script>(function () {\
var error = console.error, log = console.log;\
console.error = function () {\
var args = Array.prototype.slice.call(arguments); args.unshift('$marker console.error:');\
return error.apply(console, args); };\
addEventListener('error', function (e) { var t = e.target; if (t && t !== window)\
console.error('failed to load <' + t.tagName.toLowerCase() + '> ' + (t.src || t.href || '')); },\
true);\
addEventListener('load', function () { setTimeout(function () {\
var n = performance.getEntriesByType('navigation')[0];\
log.call(console, '$marker loaded in ' + Math.round(n ? n.loadEventEnd : performance.now()) +\
' ms'); }, 0); });\
})();</script>"

# The hook goes right after the doctype: before it, the page would be rendered in quirks mode.
copy=$work/page.html
doctype=$(LC_ALL=C grep -m1 -boi '<!doctype[^>]*>' "$page" | head -n1 || true)
offset=${doctype%%:*}
if [ -n "$doctype" ] && [ "$offset" -lt 1024 ]; then
    match=${doctype#*:}
    end=$((offset + ${#match}))
    { head -c "$end" "$page"; printf '%s' "$hook"; tail -c +$((end + 1)) "$page"; } >"$copy"
else
    { printf '%s' "$hook"; cat "$page"; } >"$copy"
fi

shot=${screenshot:-$work/screenshot.png}
rm -f "$shot"
log=$work/chromium.log
flags=(
    --headless --no-sandbox --disable-gpu --disable-dev-shm-usage
    --user-data-dir="$work/profile" --no-first-run --no-default-browser-check
    --disable-background-networking --disable-component-update --disable-sync --mute-audio
    --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE localhost'
    --enable-logging=stderr --v=0
    --hide-scrollbars --force-device-scale-factor=1 --window-size="$window_size"
    --virtual-time-budget=5000 --screenshot="$shot"
)
start=$(date +%s%N)
status=0
timeout -k 5 "$timeout_s" "$chromium" "${flags[@]}" "$(file_url "$copy")" >"$log" 2>&1 || status=$?
wall_ms=$((($(date +%s%N) - start) / 1000000))

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "browser_check: $page: Chromium ran past --timeout ${timeout_s}s" >&2
    exit 4
fi
if [ "$status" -ne 0 ] || [ ! -s "$shot" ]; then
    echo "browser_check: $page: $chromium exited with $status and no screenshot; its log ends:" >&2
    tail -n 20 "$log" >&2
    exit 4
fi

# Console lines look like `[pid:tid:time:INFO:CONSOLE:12] "message", source: URL (12)`, or
# `...:INFO:CONSOLE(12)] ...` in older versions. A message may span lines; the first is enough.
console_re=':CONSOLE[:(][0-9]*\)?\] "'
errors=$(grep -E "$console_re(Uncaught|$marker console\.error:)" "$log" |
    sed -E "s/^.*$console_re/  /; s/$marker console\.error: //; s/\", source: (.*) \(([0-9]+)\)\$/  (\1:\2)/" |
    sed "s|$(file_url "$copy")|$(printf '%s' "$page" | sed 's/[&|\\]/\\&/g')|g" || true)
load_ms=$(grep -E "$console_re$marker loaded in [0-9]+ ms\"" "$log" |
    sed -E 's/.* loaded in ([0-9]+) ms".*/\1/' | head -n1 || true)

verdict=0
if [ -n "$errors" ]; then
    echo "browser_check: $page: the page logged errors:"
    echo "$errors"
    verdict=1
fi
colours_status=0
"$png_colours" --min "$min_colours" "$shot" || colours_status=$?
if [ "$colours_status" -eq 1 ]; then
    echo "browser_check: $page: the screenshot is blank (fewer than $min_colours colours)"
    [ "$verdict" -ne 0 ] || verdict=2
elif [ "$colours_status" -ne 0 ]; then
    exit 4
fi
if [ -z "$load_ms" ]; then
    echo "browser_check: $page: no load event within 5 s of page time (wall ${wall_ms} ms)"
    [ "$verdict" -ne 0 ] || verdict=3
else
    echo "browser_check: $page: loaded in ${load_ms} ms; Chromium run ${wall_ms} ms in all"
    if [ -n "$max_load_ms" ] && [ "$load_ms" -gt "$max_load_ms" ]; then
        echo "browser_check: $page: slower than --max-load-ms $max_load_ms"
        [ "$verdict" -ne 0 ] || verdict=3
    fi
fi
[ "$verdict" -ne 0 ] || echo "browser_check: $page: passed"
exit "$verdict"

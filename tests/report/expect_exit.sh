#!/usr/bin/env bash
# Runs a check that must fail, and fail for the right reason: passes only when the command exits
# with the given code, so that a negative test cannot pass because the check broke some other way
# (a crash, a timeout, a typo in its arguments). Exit code 77 (skipped) is passed through.
#
#   expect_exit.sh CODE COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: expect_exit.sh CODE COMMAND [ARGS...]" >&2; exit 2; }
expected=$1
shift
status=0
"$@" || status=$?
if [ "$status" -eq 77 ]; then
    exit 77
elif [ "$status" -eq "$expected" ]; then
    echo "expect_exit: exit code $status, as expected"
else
    echo "expect_exit: expected exit code $expected, got $status from: $*" >&2
    exit 1
fi

#!/usr/bin/env bash
# Installs the Debian 12 packages allocopt builds with, skipping what is already there.
# Non-interactive: runs as root (CI, containers: no sudo needed) or through sudo, with no TTY or
# stdin; apt-get waits for a dpkg lock held by a boot-time upgrade instead of failing.
# Arguments name further packages to install with those, e.g. the CI-only tools (.ci/run:
# clang-format, clang-14 and libomp-14-dev), which the README's commands do not need.
set -euo pipefail
packages=(cmake make g++ libeigen3-dev libyaml-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
          libgtest-dev libbenchmark-dev zlib1g-dev libopenmpi-dev openmpi-bin coinor-libclp-dev libpagmo-dev "$@")
missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}" >&2

# sudo resets the environment, so DEBIAN_FRONTEND goes through env.
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: run as root or install sudo" >&2; exit 1; }
    as_root=(sudo "${as_root[@]}")
fi
apt=(apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600)

# A fresh machine has empty package lists; a mirror hiccup is retried rather than failing CI.
for attempt in 1 2 3; do
    "${as_root[@]}" "${apt[@]}" update </dev/null &&
        "${as_root[@]}" "${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null &&
        exit 0
    echo "deps.sh: apt-get failed (attempt $attempt of 3)" >&2
    sleep $((attempt * 10))
done
exit 1

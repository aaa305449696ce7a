#!/usr/bin/env bash
# Install the Debian libraries that Qt (PySide6) needs, where they are missing.
# Runs as part of `make run` / `make test`; needs root (as on CI) or prints the command to run.
set -euo pipefail
command -v dpkg >/dev/null 2>&1 || exit 0
pkgs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
((${#missing[@]})) || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Qt's system libraries: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Qt needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
fi

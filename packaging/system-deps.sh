#!/usr/bin/env bash
# Install the Debian packages the window needs, found from what Qt's xcb platform plugin links.
#
#   packaging/system-deps.sh [--test] [PYTHON]     install what is missing (as root), else say what to run
#   packaging/system-deps.sh --package-for SONAME  the Debian package of a library (libxcb-icccm.so.4 -> libxcb-icccm4)
#
# PYTHON is the interpreter whose PySide6 is checked (default .venv/bin/python). `ldd` of the
# xcb platform plugin, its GL integrations, the compose input context and the Qt libraries
# PySide6 loads lists every library they link, directly or not; each one reported "not found"
# is turned into its Debian package by Debian's library naming (libfoo.so.N -> libfooN,
# libfoo2.so.N -> libfoo2-N, a few exceptions below) and installed. Qt also dlopens a few
# libraries it does not link (DLOPENED); those are looked up in the linker cache.
# --test adds Xvfb and xdotool, for the real-X test of `make test`.
#
# `make run` and `make test` run this every time: when nothing is missing it only runs ldd.
# SYSTEM_DEPS_DRY_RUN=1 prints what would be installed and installs nothing.
set -euo pipefail

package_for() {
  local soname=$1 base version
  base=${soname%%.so*}
  version=${soname#*.so.}
  version=${version%%.*}
  case $base in
  libglib-2.0 | libgobject-2.0 | libgio-2.0 | libgthread-2.0 | libgmodule-2.0) echo libglib2.0-0 ;;
  libGLdispatch) echo libglvnd0 ;;
  libbrotlidec | libbrotlicommon) echo libbrotli1 ;;
  libz) echo zlib1g ;;
  libc | libm | libdl | libpthread | librt) echo libc6 ;;
  libgcc_s) echo libgcc-s1 ;;
  *)
    base=${base,,}
    if [[ $base =~ [0-9]$ ]]; then echo "$base-$version"; else echo "$base$version"; fi
    ;;
  esac
}

if [ "${1:-}" = --package-for ]; then
  package_for "$2"
  exit 0
fi

with_test_tools=0
python=.venv/bin/python
for arg in "$@"; do
  case $arg in
  --test) with_test_tools=1 ;;
  *) python=$arg ;;
  esac
done

[ "$(uname -s)" = Linux ] || exit 0
command -v dpkg >/dev/null 2>&1 || {
  echo "system-deps: not a Debian system; install Qt's xcb libraries with your package manager" >&2
  exit 0
}

qt=$("$python" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))')
objects=(
  "$qt"/plugins/platforms/libqxcb.so
  "$qt"/plugins/xcbglintegrations/*.so
  "$qt"/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so
  "$qt"/lib/libQt6Widgets.so.6
  "$qt"/lib/libQt6Svg.so.6
)
# Libraries Qt opens at run time without linking them (cursor themes, OpenGL through libglvnd).
DLOPENED=(libxcb-cursor.so.0 libEGL.so.1 libGL.so.1)

missing=()
add() { [[ " ${missing[*]} " == *" $1 "* ]] || missing+=("$1"); }

for soname in $(ldd "${objects[@]}" 2>/dev/null | awk '/=> not found/ {print $1}' | sort -u); do
  add "$(package_for "$soname")"
done
cache=$(ldconfig -p 2>/dev/null || true)
for soname in "${DLOPENED[@]}"; do
  grep -q "^[[:space:]]*$soname " <<<"$cache" || add "$(package_for "$soname")"
done
# Qt draws no text without a font fontconfig can find.
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then add fonts-dejavu-core; fi
if ((with_test_tools)); then
  command -v Xvfb >/dev/null 2>&1 || add xvfb
  command -v xdotool >/dev/null 2>&1 || add xdotool
fi

((${#missing[@]})) || exit 0
if [ -n "${SYSTEM_DEPS_DRY_RUN:-}" ]; then
  echo "would install: ${missing[*]}"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: the window needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing the libraries Qt's xcb platform needs: ${missing[*]}"
apt-get update -qq
resolved=()
for pkg in "${missing[@]}"; do
  # Debian 13 renamed some libraries for the 64-bit time_t transition (libfoo1 -> libfoo1t64)
  if ! apt-cache show "$pkg" >/dev/null 2>&1 && apt-cache show "${pkg}t64" >/dev/null 2>&1; then pkg=${pkg}t64; fi
  resolved+=("$pkg")
done
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null

#!/usr/bin/env bash
# Install the packaged app for the current user (no root): the folder, a command, the menu entry and icon.
#   dist/annotator/install-linux.sh             (the copy the build puts next to the app)
#   packaging/install-linux.sh [DIST_FOLDER]    (from the source tree; default: dist/annotator)
# Undo with: install-linux.sh --uninstall (projects, settings and logs are left alone).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
app_dir="$HOME/.local/opt/annotator"
bin_dir="$HOME/.local/bin"
desktop="$data/applications/annotator.desktop"
icon="$data/icons/hicolor/256x256/apps/annotator.png"
svg="$data/icons/hicolor/scalable/apps/annotator.svg"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app_dir" "$desktop" "$icon" "$svg"
  [ -L "$bin_dir/annotator" ] && rm "$bin_dir/annotator"
  echo "removed the app; your projects, settings and logs were left where they are"
  exit 0
fi

if [ -n "${1:-}" ]; then src="$1"; elif [ -x "$here/annotator" ]; then src="$here"; else src="$here/../dist/annotator"; fi
src="$(cd "$src" && pwd)"
[ -x "$src/annotator" ] || { echo "no packaged app in $src: run 'make package' first" >&2; exit 1; }
if [ "$src" != "$app_dir" ]; then rm -rf "$app_dir" && mkdir -p "$(dirname "$app_dir")" && cp -a "$src" "$app_dir"; fi
mkdir -p "$bin_dir" "$(dirname "$desktop")" "$(dirname "$icon")" "$(dirname "$svg")"
ln -sfn "$app_dir/annotator" "$bin_dir/annotator"
cp "$app_dir/_internal/resources/icons/annotator.png" "$icon"
cp "$app_dir/_internal/resources/icons/annotator.svg" "$svg"
# an absolute Exec: ~/.local/bin is not on every desktop session's PATH
sed -e "s|^Exec=annotator|Exec=$app_dir/annotator|" -e "s|^TryExec=annotator|TryExec=$app_dir/annotator|" \
  "$here/annotator.desktop" >"$desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$(dirname "$desktop")" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "installed $app_dir; start it from the menu (Annotator) or run: $bin_dir/annotator"

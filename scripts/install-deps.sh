#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/deps.txt that are not yet
# installed. A warm machine pays one dpkg query per package and nothing else.
# A line "PACKAGE COMMAND" also counts as installed when COMMAND is on PATH
# (node and npm from another source, for example).
set -euo pipefail
list="${1:-$(dirname "$0")/deps.txt}"
missing=()
while read -r line; do
  line="${line%%#*}"
  read -r pkg cmd _ <<<"$line" || true
  [ -z "${pkg:-}" ] && continue
  [ -n "${cmd:-}" ] && command -v "$cmd" >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < "$list"
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all packages from $list are installed"
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

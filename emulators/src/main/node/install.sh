#!/bin/sh
# npm ci of this folder's package into $1 (dynalite and its launcher); node_modules is reused while
# the lock file is unchanged. Run by the emulators build (tests) and the local build (bakery-local's lib/).
set -e
command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js 20 or newer with npm (e.g. apt-get install nodejs npm)." >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1" && cp "$here/package.json" "$here/package-lock.json" "$here/dynalite-child.js" "$1"/ && cd "$1"
if cmp -s package-lock.json node_modules/.bakery-package-lock.json; then exit 0; fi
npm ci --omit=dev --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.bakery-package-lock.json

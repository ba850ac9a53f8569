#!/bin/sh
# Trims a production node_modules for a runtime image: better-sqlite3's compiler output and
# sources (only the addon is loaded), and type declarations, source maps and docs nothing
# runs. Each removal is a path no require() reaches at run time.
set -eu
cd "${1:-.}"

addon=node_modules/better-sqlite3
if [ -f "$addon/build/Release/better_sqlite3.node" ]; then
  mv "$addon/build/Release/better_sqlite3.node" /tmp/better_sqlite3.node
  rm -rf "$addon/build" "$addon/deps" "$addon/src" "$addon/binding.gyp"
  mkdir -p "$addon/build/Release"
  mv /tmp/better_sqlite3.node "$addon/build/Release/better_sqlite3.node"
fi

find . -path '*/node_modules/*' -type f \
  \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
     -o -name '*.md' -o -name '*.markdown' -o -name 'CHANGELOG*' \) -delete
find . -path '*/node_modules/@types' -type d -prune -exec rm -rf {} +

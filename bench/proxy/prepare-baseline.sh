#!/bin/sh
# Exports the proxy code of another commit into DIR, with this tree's bench/proxy child
# scripts and node_modules, so run-proxy-bench.ts measures both in the same run:
#   sh bench/proxy/prepare-baseline.sh 9d12307 /tmp/proxy-baseline
#   BASELINE_DIR=/tmp/proxy-baseline/bench/proxy npx node bench/proxy/run-proxy-bench.ts
set -eu
rev=$1
dir=$2
root=$(git rev-parse --show-toplevel)
rm -rf "$dir"
mkdir -p "$dir/node_modules/@meson"
git -C "$root" archive "$rev" apps packages tsconfig.json package.json | tar -x -C "$dir"
mkdir -p "$dir/bench/proxy"
cp "$root"/bench/proxy/*.ts "$dir/bench/proxy/"
# Third-party packages are shared; the workspace packages must resolve to the baseline's sources.
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = "@meson" ] || ln -s "$entry" "$dir/node_modules/$name"
done
for link in "$root"/node_modules/@meson/*; do
  ln -s "$(readlink "$link")" "$dir/node_modules/@meson/$(basename "$link")"
done

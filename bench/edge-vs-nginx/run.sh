#!/usr/bin/env bash
# Runs the edge-vs-nginx benchmark with the repository's Node 24 (see bench/README.md).
# Settings come from the environment: DURATION=10s CONNECTIONS=50 ROUNDS=2 SIDES=nginx,node ...
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node_bin="$repo_root/node_modules/.bin/node"
if [[ ! -x "$node_bin" ]]; then
  echo "bench: $node_bin not found; run 'npm install' in $repo_root first." >&2
  exit 1
fi
# exec: the TypeScript runner is the process that receives Ctrl-C and stops its children.
exec "$node_bin" "$repo_root/bench/edge-vs-nginx/run.ts" "$@"

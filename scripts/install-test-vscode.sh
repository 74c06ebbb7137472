#!/usr/bin/env bash
# Installs what the VS Code integration and UI tests need, idempotently:
#   - Debian chromium (the browser) and libkrb5-dev (code-server's kerberos addon needs GSSAPI headers)
#   - Node 24 from the npm registry (code-server's postinstall refuses any other major), by scripts/install-node.sh
#   - code-server (bundles the VS Code under test), built against Node 24's headers
# Everything lands in a cache folder outside the clone, keyed by version, so a second clone reuses it.
# Prints the code-server directory on its last line.
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
NODE24_VERSION="24.21.0"
CACHE="${AGENT_OS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-os-personas}"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { printf '[install-test-vscode] %s\n' "$*" >&2; }

# Run from `npm test`, this script inherits npm's npm_* variables (npm_config_user_agent names
# Node 20, and code-server's postinstall refuses it); the installs below must see only their own.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
unset NODE

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

mkdir -p "$CACHE"
# The same cached Node the test harness runs the suites on (scripts/test.mjs).
NODE24_BIN="$(bash "$(dirname "${BASH_SOURCE[0]}")/install-node.sh" "$NODE24_VERSION" | tail -n 1)"
NODE24_HOME="$(dirname "$(dirname "$NODE24_BIN")")"

if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about 3 minutes on 2 cores)"
  # Installed in place (not moved afterwards: native addons may record their build path);
  # the .complete marker is what makes a half-finished install count as absent.
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    npm init -y >/dev/null
    PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
      npm install --no-save --no-audit --no-fund --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2
  )
  touch "$CS_DIR/.complete"
fi

printf 'NODE24=%s\nCODE_SERVER=%s\n' "$NODE24_HOME/bin/node" "$CS_DIR/node_modules/code-server" > "$CACHE/paths.env"
echo "$CS_DIR/node_modules/code-server"

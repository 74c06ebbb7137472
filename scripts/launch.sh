#!/usr/bin/env bash
# Opens VS Code with Agent OS Personas and sample-workspace/, installing what is needed first.
#   - desktop `code` on PATH: an Extension Development Host window
#   - otherwise: the code-server that the tests use (cached outside the clone), on 127.0.0.1,
#     with the URL printed; Ctrl+C stops it.
# Without ANTHROPIC_API_KEY (or a key set with "Personas: Set Anthropic API Key") persona jobs
# are answered by the built-in offline demo model, labelled "demo model" in the UI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${AGENT_OS_LAUNCH_PORT:-8080}"

say() { printf '[launch] %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
say "building the extension"
npm run --silent build

if [ -z "${ANTHROPIC_API_KEY:-}" ]; then
  say "ANTHROPIC_API_KEY is not set: persona jobs use the offline demo model (labelled \"demo model\")."
fi

if command -v code >/dev/null 2>&1 && [ -z "${AGENT_OS_LAUNCH_WEB:-}" ]; then
  say "opening desktop VS Code with the extension in development mode"
  exec code --extensionDevelopmentPath="$ROOT" "$ROOT/sample-workspace"
fi

say "no desktop 'code' found: using code-server (installs once, about 3 minutes)"
CS_DIR="$(bash scripts/install-test-vscode.sh | tail -n 1)"
# shellcheck disable=SC1091
. "${AGENT_OS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-os-personas}/paths.env"
STATE="${AGENT_OS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-os-personas}/launch"
UD="$STATE/user-data"
mkdir -p "$UD/User" "$UD/extensions"
EXT_NAME="agent-os.agent-os-personas-$(node -p "require('./package.json').version")"
ln -sfn "$ROOT" "$UD/extensions/$EXT_NAME"
if [ ! -f "$UD/User/settings.json" ]; then
  cat > "$UD/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON
fi
# Our own config file, so code-server does not write one into ~/.config.
[ -f "$STATE/config.yaml" ] || printf 'auth: none\n' > "$STATE/config.yaml"
URL="http://127.0.0.1:$PORT/?folder=$ROOT/sample-workspace"
say "VS Code (code-server) on 127.0.0.1 only; open this in a browser:"
say "  $URL"
exec "$NODE24" "$CS_DIR/out/node/entry.js" --config "$STATE/config.yaml" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$UD" --extensions-dir "$UD/extensions" \
  "$ROOT/sample-workspace"

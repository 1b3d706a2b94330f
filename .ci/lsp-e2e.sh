#!/usr/bin/env bash
# The language server end to end, and the VS Code extension:
#
#   1. pytest + pytest-lsp (a real LSP client) drive the built `engc lsp` binary
#      (tests/e2e), with the capabilities VS Code and Neovim send;
#   2. the extension's TextMate grammar tests (vscode-tmgrammar-test);
#   3. the extension packages with `npx @vscode/vsce package`.
#
# Needs only the Rust toolchain, python3 with pip, and node with npm. Python packages
# go to a virtual environment under the user's cache (reused between runs); npm
# packages to editors/vscode/node_modules, from its package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
root=$PWD

echo "== engc binary"
cargo build --release --locked --bin engc
export ENGC_BIN="$release/engc"

echo "== Python client (pytest-lsp)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/engc-lsp-e2e"
req="$root/tests/e2e/requirements.txt"
stamp="$cache/requirements.txt"
python=""
if python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  python="$cache/venv/bin/python"
  fresh_venv() { rm -rf "$cache/venv" "$stamp" && python3 -m venv "$cache/venv"; }
  # A venv left half-made by an interrupted run is made again.
  "$python" -m pip --version >/dev/null 2>&1 || fresh_venv
  if ! cmp -s "$req" "$stamp"; then
    pip_install() { "$python" -m pip install --quiet --disable-pip-version-check -r "$req"; }
    pip_install || { fresh_venv && pip_install; }
    mkdir -p "$cache" && cp "$req" "$stamp"
  fi
else
  # No venv module (Debian without python3-venv): install into a folder of our own,
  # never into the system's Python.
  echo "python3 -m venv is not available; installing into $cache/site instead"
  if ! cmp -s "$req" "$stamp.site"; then
    python3 -m pip install --quiet --disable-pip-version-check --upgrade \
      --target "$cache/site" -r "$req"
    mkdir -p "$cache" && cp "$req" "$stamp.site"
  fi
  export PYTHONPATH="$cache/site${PYTHONPATH:+:$PYTHONPATH}"
  python=python3
fi
(cd tests/e2e && "$python" -m pytest -q -p no:cacheprovider)

echo "== VS Code extension"
cd "$root/editors/vscode"
npm ci --no-audit --no-fund --loglevel=error
npm test
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx --no-install @vscode/vsce package --allow-missing-repository --out "$out/engc.vsix"
# The package holds the client, the grammar and the language client library, and
# nothing else: no logs, tests or development tools.
listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out/engc.vsix")
for f in extension/extension.js extension/package.json extension/syntaxes/eng.tmLanguage.json \
         extension/language-configuration.json extension/node_modules/vscode-languageclient/node.js; do
  grep -qx "$f" <<<"$listing" || { echo "missing from the package: $f"; exit 1; }
done
own=$(grep -v '^extension/node_modules/' <<<"$listing" | sort | tr '\n' ' ')
want='[Content_Types].xml extension.vsixmanifest extension/LICENSE.txt extension/changelog.md extension/extension.js extension/language-configuration.json extension/package.json extension/readme.md extension/syntaxes/eng.tmLanguage.json '
[ "$own" = "$want" ] || { echo "the package holds other files: $own"; exit 1; }
if grep -E '\.log$|/test/|@vscode/vsce|vscode-tmgrammar-test|code-server|playwright' <<<"$listing"; then
  echo "the package holds files it must not"; exit 1
fi
echo "lsp-e2e: all passed"

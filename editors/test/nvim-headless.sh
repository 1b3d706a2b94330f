#!/usr/bin/env bash
# The Neovim configurations in editors/README.md, run as written: headless Neovim
# opens a copy of examples/quickstart.eng with a mistake, and nvim-check.lua asserts
# on what the engc server sends (diagnostics, hover, the K key, completion, an edit
# that clears the error).
#
# Usage: editors/test/nvim-headless.sh [NVIM...]    (default: nvim on PATH)
# The engc binary: $ENGC_BIN, else the release build's (under $CARGO_TARGET_DIR, else
# target/, in the host tuple's folder: see .cargo/config.toml).
# Every Neovim runs the 0.7-0.9 block; 0.10 and later run the 0.10 block too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
engc=${ENGC_BIN:-${CARGO_TARGET_DIR:-$root/target}/$(rustc -vV | sed -n 's/^host: //p')/release/engc}
[ -x "$engc" ] || { echo "nvim-headless: no engc binary at $engc (cargo build --release)" >&2; exit 2; }
[ $# -gt 0 ] || set -- nvim

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The snippets run `engc` from PATH, as a user's would.
mkdir -p "$work/bin" "$work/project"
ln -s "$engc" "$work/bin/engc"
# Non-ASCII before the mistake on its line: the columns must agree on the encoding.
sed 's|write store data|/* données → */ write store dta|' "$root/examples/quickstart.eng" > "$work/project/quickstart.eng"
grep -q 'write store dta' "$work/project/quickstart.eng"

passed=0
failed=0
for nvim in "$@"; do
  version=$("$nvim" --version | sed -n '1s/^NVIM v\([0-9]*\.[0-9]*\).*/\1/p')
  blocks=(nvim-0.7)
  if [ "$(printf '%s\n0.10\n' "$version" | sort -V | head -1)" = "0.10" ]; then
    blocks+=(nvim-0.10)
  fi
  for block in "${blocks[@]}"; do
    echo "== Neovim $version ($nvim), the README's $block block"
    python3 "$here/snippet.py" "$block" > "$work/init.lua"
    # Nothing of the user's: no config, no shada, logs in the scratch folder.
    if (cd "$work/project" && PATH="$work/bin:$PATH" XDG_CONFIG_HOME="$work/config" \
        XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" \
        timeout 120 "$nvim" --headless -n -i NONE -u "$work/init.lua" quickstart.eng \
          -c "luafile $here/nvim-check.lua" </dev/null 2>&1); then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "Neovim $version, $block: FAILED" >&2
    fi
  done
done
echo "nvim-headless: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The Emacs configuration in editors/README.md (eglot + eng-mode), run as written in
# `emacs --batch' on a copy of examples/quickstart.eng with a mistake; emacs-check.el
# asserts on what eglot gets from engc. Needs Emacs 29+, or 26.3-28 with eglot
# installed (Debian 12: apt-get install emacs-nox elpa-eglot).
#
# Usage: editors/test/emacs-batch.sh [EMACS]    (default: emacs on PATH)
# The engc binary: $ENGC_BIN, else the release build's (under $CARGO_TARGET_DIR, else
# target/, in the host tuple's folder: see .cargo/config.toml).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
engc=${ENGC_BIN:-${CARGO_TARGET_DIR:-$root/target}/$(rustc -vV | sed -n 's/^host: //p')/release/engc}
[ -x "$engc" ] || { echo "emacs-batch: no engc binary at $engc (cargo build --release)" >&2; exit 2; }
emacs=${1:-emacs}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project" "$work/home"
ln -s "$engc" "$work/bin/engc"
# Non-ASCII before the mistake on its line: the columns must agree on the encoding.
sed 's|write store data|/* données → */ write store dta|' "$root/examples/quickstart.eng" > "$work/project/quickstart.eng"
grep -q 'write store dta' "$work/project/quickstart.eng"
python3 "$here/snippet.py" emacs > "$work/init.el"

echo "== $("$emacs" --version | head -1), the README's emacs block"
# --batch reads no init file; HOME is a scratch folder so nothing of the user's loads.
if (cd "$work/project" && PATH="$work/bin:$PATH" HOME="$work/home" \
    timeout 120 "$emacs" --batch -l "$work/init.el" -l "$here/emacs-check.el" </dev/null 2>&1); then
  echo "emacs-batch: 1 passed, 0 failed"
else
  echo "emacs-batch: 0 passed, 1 failed"
  exit 1
fi

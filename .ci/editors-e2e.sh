#!/usr/bin/env bash
# The editor configurations in editors/README.md, run as written against the built
# engc binary: Debian's Neovim (0.7.2 on Debian 12) in headless mode and Emacs in
# batch mode with eglot (Debian's emacs-nox and elpa-eglot), each opening a file with
# a mistake and asserting on diagnostics, hover and completion; the Helix block is
# checked as TOML only (Helix is not packaged for Debian 12).
#
# Needs the Rust toolchain, python3 and apt-get (as root or with sudo). Honours
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
root=$PWD

need_apt=()
command -v nvim >/dev/null || need_apt+=(neovim)
command -v emacs >/dev/null || need_apt+=(emacs-nox)
# eglot: built into Emacs 29+, Debian's elpa-eglot before that.
if ! emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; then need_apt+=(elpa-eglot); fi
apt_install --no-install-recommends "${need_apt[@]}"

echo "== engc binary"
cargo build --release --locked --bin engc
export ENGC_BIN="$release/engc"

bash editors/test/nvim-headless.sh nvim
bash editors/test/emacs-batch.sh emacs
python3 editors/test/helix-toml.py
echo "editors-e2e: all passed"

# Sourced by the CI scripts, from the repository's root (they `cd` there first):
#   $target                  the cargo target folder (honours CARGO_TARGET_DIR)
#   $release                 where the release binaries are: .cargo/config.toml builds
#                            for the host's tuple by name, so target/<host tuple>/release
#   fail MESSAGE             prints `error: SCRIPT: MESSAGE` and exits 2
#   disk                     prints the free space where the target folder is (a CI run
#                            that fills the disk fails far from the cause)
#   apt_install [OPTIONS] PACKAGE...
#                            installs Debian packages (as root, or through sudo); with
#                            no package it does nothing
target="${CARGO_TARGET_DIR:-$PWD/target}"
release="$target/$(rustc -vV | sed -n 's/^host: //p')/release"

fail() {
  echo "error: $(basename "$0" .sh): $*" >&2
  exit 2
}

disk() {
  local at="$target"
  [ -d "$at" ] || at=.
  echo "== disk: $(df -Ph "$at" | awk 'NR == 2 { print $4 }') free"
}

apt_install() {
  local pkgs=0 a
  for a in "$@"; do [[ $a == -* ]] || pkgs=$((pkgs + 1)); done
  [ "$pkgs" -gt 0 ] || return 0
  echo "== apt-get install $*"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

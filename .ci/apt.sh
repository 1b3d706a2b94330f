# Sourced by the CI scripts: `apt_install [APT-OPTIONS] PACKAGE...` installs Debian
# packages (as root, or through sudo); with no package it does nothing.
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

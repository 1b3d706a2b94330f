#!/usr/bin/env bash
# Fuzzes engc with cargo-fuzz (libFuzzer, on the nightly toolchain):
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds each, all targets
#
# Targets (fuzz/fuzz_targets/): compile (parser -> checker -> backends -> rendering),
# ide (editor features), fmt (the formatter: idempotent, every token kept, the same
# build), fastparse (the hand-written parser gives pest's tree, AST and diagnostics
# wherever it accepts), catalog (--catalog parsing). The corpus starts
# from the examples, the test cases and the standard library (and, for catalog, the
# test catalogs), in target/fuzz-corpus/TARGET, and grows there between runs. A crash
# is saved in fuzz/artifacts/TARGET/ and the script fails; make it a regression test.
# Prints the number of executions of each target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compile ide fmt fastparse catalog)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup run nightly rustc --version >/dev/null 2>&1 || {
  echo "error: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
}

for t in "${targets[@]}"; do
  corpus="${CARGO_TARGET_DIR:-$root/target}/fuzz-corpus/$t"
  mkdir -p "$corpus"
  if [ "$t" = catalog ]; then
    cp tests/fixtures/*.json "$corpus/" 2>/dev/null || true
  else
    for f in examples/*.eng tests/cases/*.eng tests/seeds/*.eng stdlib/*.eng; do
      cp "$f" "$corpus/$(echo "$f" | tr / _)"
    done
  fi
  log=$(mktemp)
  # -rss_limit_mb: a check that allocates without bound is a finding too.
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$corpus" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $t found a crash (see fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
  echo "fuzz: $t: $runs executions in ${seconds}s, no crash"
  rm -f "$log"
done

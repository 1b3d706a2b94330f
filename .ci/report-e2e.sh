#!/usr/bin/env bash
# `engc report` in a real browser: each example's page loaded by Debian's Chromium
# (headless), screenshotted, its DOM checked (tests/e2e/report/check_page.py: headings,
# captioned tables, header cells with a scope, no script, nothing that leaves the
# page, and the text: each principal, a known action, the acknowledged codes, each
# network block), and its network log checked for requests (the page is loaded without
# its Content-Security-Policy there, so that the markup alone must load nothing; a
# control page with an external image proves the check sees requests). Then hostile
# input: a source full of markup renders as text, and broken sources write nothing.
#
# Needs: python3 (standard library only) and Debian's chromium (installed with apt-get
# when missing). Screenshots go to $E2E_ARTIFACTS (default: target/report-e2e).
# Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
artifacts="${E2E_ARTIFACTS:-$target/report-e2e}"

command -v python3 >/dev/null || fail "needs python3"
command -v chromium >/dev/null || apt_install chromium

cargo build --release --locked --quiet --bin engc
engc="$release/engc"
check="python3 tests/e2e/report/check_page.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

# One profile per run, no sync, no extensions: only the page's own requests matter.
browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --user-data-dir="$work/profile" \
    "$@" 2>>"$work/chromium.log"
}

# A known action of each example (from its access levels).
declare -A action=(
  [aichor]="iam:CreateRole"
  [chalk]="iam:PassRole"
  [iomete]="s3:GetObject"
  [lakeside]="s3:GetObject"
  [quickstart]="s3:GetObject"
)

# The control: a page with an external image is caught.
printf '<!DOCTYPE html><html><body><img src="https://example.com/x.png"></body></html>\n' >"$work/control.html"
browse --log-net-log="$work/control.netlog" --dump-dom "file://$work/control.html" >/dev/null
if $check netlog "$work/control.netlog" 2>/dev/null; then
  fail "the network check did not see the control page's request"
fi

pages=0
for f in examples/*.eng; do
  name=$(basename "$f" .eng)
  page="$work/$name.html"
  "$engc" report "$f" -o "$page" 2>"$work/stderr" || { cat "$work/stderr" >&2; fail "engc report $f"; }
  grep -q 'http-equiv="Content-Security-Policy"' "$page" || fail "$name: no Content-Security-Policy"
  if grep -Eq '(src|href)="(https?:)?//' "$page"; then fail "$name: an external src or href"; fi

  args=(--text "Access report: deployment" --text "Findings" --text "Acknowledgements" --text "Network plan")
  [ -n "${action[$name]:-}" ] || fail "no known action for $name"
  args+=(--text "${action[$name]}")
  while read -r p; do args+=(--text "Principal $p"); done < <(sed -nE 's/^principal ([A-Za-z0-9_]+).*/\1/p' "$f")
  while read -r c; do args+=(--text "$c"); done < <(sed -nE 's/^ *cidr ([0-9.:a-fA-F]+\/[0-9]+).*/\1/p' "$f")
  while read -r c; do args+=(--text "$c"); done < <(sed -nE 's/^ *ack ([EW][0-9]{4}) .*/\1/p' "$f" | sort -u)

  browse --dump-dom "file://$page" >"$work/$name.dom.html"
  $check dom "$work/$name.dom.html" "${args[@]}"

  # Without its Content-Security-Policy, the markup alone must fetch nothing.
  sed 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' "$page" >"$work/$name.nocsp.html"
  browse --log-net-log="$work/$name.netlog" --dump-dom "file://$work/$name.nocsp.html" >/dev/null
  $check netlog "$work/$name.netlog"

  browse --screenshot="$artifacts/$name.png" --window-size=1280,2000 "file://$page" >/dev/null
  [ "$(stat -c %s "$artifacts/$name.png")" -gt 20000 ] || fail "$name: the screenshot is (nearly) empty"
  pages=$((pages + 1))
done

# Hostile input: markup in every string the page shows stays text; nothing runs.
cp tests/e2e/report/hostile.eng "$work/evil.eng"
"$engc" report "$work/evil.eng" -o "$work/evil.html" 2>"$work/stderr" || { cat "$work/stderr" >&2; fail "engc report evil.eng"; }
browse --dump-dom "file://$work/evil.html" >"$work/evil.dom.html"
$check dom "$work/evil.dom.html" \
  --text "<script>document.title='pwned'</script> & 'quotes'" \
  --text "<img src=x onerror=" --text "arn:aws:s3:::<b>x</b>/*" --text "<u>ops</u>" --text "<i>z</i>" \
  --no-text "pwned</title>"
grep -q '<title>Access report: evil</title>' "$work/evil.dom.html" || fail "the hostile page changed its title"

# Broken sources: exit 1, nothing on stdout, the -o file not created.
: >"$work/empty.eng"
printf 'deployment d {\n  clouds aws\n}\naccess a for {\n' >"$work/broken.eng"
for f in "$work/empty.eng" "$work/broken.eng"; do
  set +e
  "$engc" report "$f" -o "$work/never.html" >"$work/out" 2>/dev/null
  code=$?
  set -e
  [ "$code" = 1 ] && [ ! -s "$work/out" ] && [ ! -e "$work/never.html" ] \
    || fail "engc report $(basename "$f"): exit $code or a page written"
done
echo "report-e2e: $pages pages rendered in Chromium (screenshots in $artifacts), no requests, hostile input kept as text"

#!/usr/bin/env bash
# engc's outputs applied with the real tools (tests/e2e/outputs/check_outputs.py): each
# example, tests/e2e/outputs/everything.eng and tests/fixtures/resource_policies.eng
# is built, then
#   terraform/aws      terraform init (local provider mirror), validate, apply against
#                      moto_server; roles, policies and SCPs read back with boto3 equal
#                      engc's JSON documents, security group rules the network plans
#   cloudformation     cfn-lint, create_stack in moto, the same comparison (security
#                      groups in the template: moto keeps only their IPv4 ingress)
#   aws/*.bucket-policy.json, *.key-policy.json   put_bucket_policy / put_key_policy
#                      in moto (which validates them), read back; Terraform and
#                      CloudFormation attach them to buckets and keys made beforehand
#   aws/*.role.json    applied with boto3 (create_policy, create_role with its
#                      boundary, attach_role_policy, put_role_policy,
#                      create_instance_profile, add_role_to_instance_profile), the same
#                      comparison
#   terraform/gcp|azure|k8s   every resource type, attribute and block checked against
#                      the provider schemas of the @cdktf/provider-* npm packages
#   *.sh               run with stand-ins for az and gcloud that record their arguments
#   manifest.json      validated against docs/manifest.schema.json
#
# Needs: terraform 1.5+ on PATH and the hashicorp/aws provider in a filesystem mirror
# (ENGC_TF_MIRROR, default /opt/tf-plugins), python3 with venv, Node.js with npm.
# Python packages go to a virtual environment and npm packages to a folder under
# ~/.cache/engc-outputs-e2e. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
cache="${XDG_CACHE_HOME:-$HOME/.cache}/engc-outputs-e2e"
mirror="${ENGC_TF_MIRROR:-/opt/tf-plugins}"

command -v terraform >/dev/null || fail "needs \`terraform\` (1.5 or later) on PATH"
command -v python3 >/dev/null || fail "needs python3 with the venv module"
command -v npm >/dev/null || fail "needs Node.js with npm"
[ -d "$mirror/registry.terraform.io/hashicorp/aws" ] ||
  fail "needs the hashicorp/aws provider in a filesystem mirror at $mirror (set ENGC_TF_MIRROR)"

# Python: moto (its server), boto3, cfn-lint, jsonschema, in a venv of our own.
venv="$cache/venv"
if ! "$venv/bin/python" -c 'import moto, boto3, cfnlint, jsonschema, flask' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'moto[server]==5.2.1' 'boto3>=1.34' 'cfn-lint==1.51.0' 'jsonschema>=4'
fi

# npm: the provider schemas, pinned.
npm_dir="$cache/npm"
cdktf="$npm_dir/node_modules/@cdktf"
pkgs=(@cdktf/provider-google@16.12.1 @cdktf/provider-azurerm@14.23.1 @cdktf/provider-kubernetes@12.1.1)
for p in "${pkgs[@]}"; do
  name="${p%@*}"
  want="${p##*@}"
  have=$(node -p "require('$npm_dir/node_modules/$name/package.json').version" 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    mkdir -p "$npm_dir"
    npm install --prefix "$npm_dir" --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
      --loglevel=error "${pkgs[@]}"
    break
  fi
done

cargo build --release --locked --quiet
engc="$release/engc"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Terraform reads the provider from the mirror only (TF_CLI_CONFIG_FILE may name a
# missing file on this machine).
cat >"$work/terraform.rc" <<TF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
TF
outs=()
for f in examples/*.eng tests/e2e/outputs/everything.eng tests/fixtures/resource_policies.eng \
  tests/fixtures/network_rules.eng tests/fixtures/roles.eng; do
  out="$work/$(basename "$f" .eng)"
  "$engc" build "$f" -o "$out" --color never 2>"$work/build.log" ||
    { cat "$work/build.log" >&2; fail "engc build $f failed"; }
  outs+=("$out")
done
"$venv/bin/python" tests/e2e/outputs/check_outputs.py \
  --cdktf "$cdktf" --tf-config "$work/terraform.rc" "${outs[@]}"

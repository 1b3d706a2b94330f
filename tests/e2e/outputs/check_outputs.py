#!/usr/bin/env python3
"""Applies engc's outputs with the real tools and reads back what they made.

For each output folder (one `engc build` each):
- terraform/aws: `terraform init` from a local provider mirror, `validate`, `apply`
  against moto_server, then the roles, policies and SCPs read back with boto3 must
  equal engc's JSON documents (placeholders and external references filled with the
  values given as -var), and each security group's rules the firewall rules of engc's
  network plan;
- cloudformation/aws.template.json: cfn-lint, then `create_stack` in moto, and the
  same comparison;
- aws/*.bucket-policy.json, aws/*.key-policy.json: each validated with moto's IAM
  policy validator plus the rules S3 and KMS add (a principal in every statement, the
  bucket's own ARNs or `*`, the service's actions), since moto's `put_bucket_policy`
  and `put_key_policy` accept any text; then applied with them and read back;
  Terraform and CloudFormation attach them to buckets and keys made beforehand, and
  what they attached must equal the files;
- terraform/gcp|azure|k8s: every resource type, attribute and block name checked
  against the provider schemas of the @cdktf/provider-* npm packages (the providers
  themselves cannot be downloaded here);
- the shell scripts: run with stand-ins for `az` and `gcloud` that record their
  arguments, which must equal the documents (placeholders filled from the
  environment);
- manifest.json: validated against docs/manifest.schema.json; Terraform and
  CloudFormation outputs hold no engc placeholder.

Usage: check_outputs.py --cdktf DIR --tf-config FILE OUT...
"""

import argparse
import ast
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import boto3
import jsonschema

ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_-]*)\}")
# A declared external reference (`${var.x}`, `${aws_kms_key.k.arn}`): a variable of the
# Terraform module, a parameter of the CloudFormation template.
EXTERNAL = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)\}")


def external_variable(path):
    """The variable engc makes of an external reference (docs/language.md)."""
    return (path[4:] if path.startswith("var.") else path).replace(".", "_")

checks = 0


def ok(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


def pascal(name):
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", name) if w)


def test_value(name):
    """A value for each parameter, valid where engc's formats apply."""
    if name == "region":
        return REGION
    if name == "account_id":
        return ACCOUNT
    if "account" in name:
        return "210987654321"
    if name in ("subscription_id", "client_id") or name.endswith("client_id"):
        return "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
    if name == "project_id" or name.endswith("project_id"):
        return "e2e-project"
    if name == "namespace":
        return "e2e"
    if name == "external_id":
        return "e2e-external-id-0001"
    if name.endswith("_arn"):
        return "arn:aws:s3:::e2e-" + name[: -len("_arn")].replace("_", "-")
    return "e2e-" + name.replace("_", "-")


def fill(text, values):
    """engc's placeholders and external references in `text` filled with `values`
    (IAM's `${aws:...}` kept)."""
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), test_value(m.group(1))), text)
    var = lambda m: external_variable(m.group(1))
    return EXTERNAL.sub(lambda m: values.get(var(m), test_value(var(m))), text)


def read(out, path):
    with open(os.path.join(out, path)) as f:
        return f.read()


def canon(doc):
    return json.dumps(doc, sort_keys=True)


# ---------------------------------------------------------------------------------
# moto


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto(venv_bin):
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [os.path.join(venv_bin, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        # AWS managed policies (ReadOnlyAccess...) exist only when asked for.
        env=dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true"),
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def client(endpoint, service):
    """A boto3 client of moto's `service` at `endpoint`, with moto's test credentials."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def clients(endpoint):
    return tuple(client(endpoint, s) for s in ("iam", "organizations", "cloudformation"))


def store_clients(endpoint):
    return client(endpoint, "s3"), client(endpoint, "kms")


def resource_policy_files(manifest):
    return [f for f in manifest["files"] if f["kind"] in ("bucket-policy", "key-policy")]


TF_REF = re.compile(r"\$\{(var\.[A-Za-z0-9_-]+|data\.aws_caller_identity\.current\.account_id|data\.aws_region\.current\.name)\}")


def tf_resolve(text, values):
    """A Terraform string's variables and the provider's account and region, filled."""
    def one(m):
        ref = m.group(1)
        if ref.startswith("var."):
            return values.setdefault(ref[4:], test_value(ref[4:]))
        return ACCOUNT if "caller_identity" in ref else REGION
    return TF_REF.sub(one, text)


def stores_read_back(s3, kms, manifest, out, values, targets):
    """The bucket and key policies attached in moto equal engc's files. `targets`: store
    -> (kind, bucket name or key id)."""
    n = 0
    for f in resource_policy_files(manifest):
        kind, target = targets[f["store"]]
        want = canon(json.loads(fill(read(out, f["path"]), values)))
        if kind == "bucket-policy":
            got = s3.get_bucket_policy(Bucket=target)["Policy"]
        else:
            got = kms.get_key_policy(KeyId=target, PolicyName="default")["Policy"]
        ok(canon(json.loads(got)) == want, f"{out}: the {kind} of {f['store']} in AWS is not {f['path']}")
        n += 1
    return n


def validate_resource_policy(where, text, kind, bucket=None):
    """What S3 and KMS check of a policy: moto's IAM validator (grammar, version, ARN
    formats, action prefixes, condition syntax), plus a principal in every statement,
    the service's own actions and resources (the bucket and its objects; `*`)."""
    from moto.iam.policy_validation import IAMPolicyDocumentValidator

    try:
        IAMPolicyDocumentValidator(text).validate()
    except Exception as e:
        raise AssertionError(f"{where}: moto's policy validator: {e}")
    service = "s3" if kind == "bucket-policy" else "kms"
    as_list = lambda v: v if isinstance(v, list) else [v]
    for st in json.loads(text)["Statement"]:
        ok("Principal" in st, f"{where}: a statement without Principal")
        p = st["Principal"]
        ok(p == "*" or (isinstance(p, dict) and set(p) <= {"AWS", "Service"}), f"{where}: Principal {p}")
        for a in as_list(st.get("Action", [])):
            ok(a.split(":")[0].lower() == service, f"{where}: action {a} is not {service}")
        for r in as_list(st.get("Resource", [])) + as_list(st.get("NotResource", [])):
            if kind == "bucket-policy":
                own = r == f"arn:aws:s3:::{bucket}" or r.startswith(f"arn:aws:s3:::{bucket}/")
            else:
                own = r == "*"
            ok(own, f"{where}: resource {r} is not the {service} resource's own")


def resource_policies(out, manifest, venv_bin, summary):
    """Each bucket and key policy file, filled, applied as it is with boto3."""
    files = resource_policy_files(manifest)
    if not files:
        return
    with moto(venv_bin) as endpoint:
        s3, kms = store_clients(endpoint)
        values = {}
        targets = {}
        for f in files:
            doc = fill(read(out, f["path"]), values)
            where = f"{out}/{f['path']}"
            if f["kind"] == "bucket-policy":
                # The bucket the policy names (every statement is on it or its objects).
                st = json.loads(doc)["Statement"][0]
                arn = (st.get("Resource") or st.get("NotResource"))
                arn = arn if isinstance(arn, str) else arn[0]
                bucket = arn[len("arn:aws:s3:::"):].split("/")[0]
                validate_resource_policy(where, doc, f["kind"], bucket)
                s3.create_bucket(Bucket=bucket)
                s3.put_bucket_policy(Bucket=bucket, Policy=doc)
                targets[f["store"]] = ("bucket-policy", bucket)
            else:
                validate_resource_policy(where, doc, f["kind"])
                key = kms.create_key()["KeyMetadata"]["KeyId"]
                kms.put_key_policy(KeyId=key, PolicyName="default", Policy=doc)
                targets[f["store"]] = ("key-policy", key)
        n = stores_read_back(s3, kms, manifest, out, values, targets)
    summary.append(f"{os.path.basename(out)}: {n} resource policies valid, applied with put_bucket_policy / "
                   f"put_key_policy; documents equal")


def prepare_stores(endpoint, module, values):
    """The buckets and keys a Terraform module attaches policies to, made in moto; the
    key ids become the values of the variables that name them. Returns store -> (kind,
    target)."""
    s3, kms = store_clients(endpoint)
    targets = {}
    resources = module.get("resource", {})
    for store, r in sorted(resources.get("aws_kms_key_policy", {}).items()):
        m = re.fullmatch(r"\$\{var\.([A-Za-z0-9_-]+)\}", r["key_id"])
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        if m:
            values[m.group(1)] = key
        targets[store] = ("key-policy", key)
    for store, r in sorted(resources.get("aws_s3_bucket_policy", {}).items()):
        bucket = tf_resolve(r["bucket"], values)
        s3.create_bucket(Bucket=bucket)
        targets[store] = ("bucket-policy", bucket)
    return targets


def ec2_client(endpoint):
    return boto3.client("ec2", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def vpcs_for(ec2, parameters, values):
    """A VPC in moto for each network whose security group takes one (`vpc_id_NAME`)."""
    for p in parameters:
        if p.startswith("vpc_id_"):
            values[p] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


SG_PROTOCOL = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1"}


def planned_rules(out, manifest):
    """network name -> the (direction, protocol, ports, block) entries its plan's firewall
    rules make in a security group, for the networks with rules."""
    plans = {}
    for f in manifest["files"]:
        if f["kind"] != "network-plan":
            continue
        plan = json.loads(read(out, f["path"]))
        if not plan.get("firewall_rules"):
            continue
        want = set()
        for r in plan["firewall_rules"]:
            proto = SG_PROTOCOL[r["protocol"]]
            spans = [tuple(int(x) for x in (p.split("-") * 2)[:2]) for p in r.get("ports", [])]
            if r["protocol"] == "icmp":
                spans = [(-1, -1)]
            for span in spans or [None]:
                for peer in r["peers"]:
                    if "cidr_block" in peer:  # tags are GCP's and Azure's
                        want.add((r["direction"], proto, span, peer["cidr_block"]))
        plans[f["path"][len("network/"):-len(".json")]] = want
    return plans


def entries(direction, perms):
    """IpPermissions (EC2's or CloudFormation's) as (direction, protocol, ports, block)."""
    got = set()
    for p in perms:
        span = (p["FromPort"], p["ToPort"]) if "FromPort" in p else None
        cidrs = [x["CidrIp"] for x in p.get("IpRanges", [])] + [x["CidrIpv6"] for x in p.get("Ipv6Ranges", [])]
        cidrs += [p[k] for k in ("CidrIp", "CidrIpv6") if k in p]
        for c in cidrs:
            got.add((direction, p["IpProtocol"], span, c))
    return got


def compare_rules(out, name, got, want):
    # CloudFormation's stand-in for "no egress" (docs/language.md).
    if not any(w[0] == "egress" for w in want):
        got.discard(("egress", "-1", None, "127.0.0.1/32"))
    ok(got == want, f"{out}: network {name}: security group rules {sorted(got, key=str)} "
                    f"!= the plan's {sorted(want, key=str)}")


def security_groups(ec2, out, manifest, values):
    """The security group rules in moto equal the firewall rules of engc's network plans:
    each (direction, protocol, ports, block), nothing more. Returns the rules compared."""
    n = 0
    for name, want in planned_rules(out, manifest).items():
        vpc = values.get(f"vpc_id_{name}")
        if vpc is None:
            continue
        groups = [g for g in ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"] if g["GroupName"] != "default"]
        ok(len(groups) == 1, f"{out}: network {name}: {len(groups)} security groups in its VPC")
        got = entries("ingress", groups[0]["IpPermissions"]) | entries("egress", groups[0]["IpPermissionsEgress"])
        compare_rules(out, name, got, want)
        n += len(want)
    return n


def template_security_groups(template, out, manifest):
    """moto's CloudFormation keeps only a group's IPv4 ingress: the template's groups
    are compared with the plans instead (the stack is still created in moto)."""
    n, seen = 0, set()
    plans = planned_rules(out, manifest)
    for r in template["Resources"].values():
        if r["Type"] != "AWS::EC2::SecurityGroup":
            continue
        vpc = r["Properties"]["VpcId"]["Ref"]
        name = next((k for k in plans if pascal("vpc_id_" + k) == vpc), None)
        ok(name is not None, f"{out}: CloudFormation: security group on {vpc} has no network plan")
        got = entries("ingress", r["Properties"].get("SecurityGroupIngress", [])) | entries(
            "egress", r["Properties"].get("SecurityGroupEgress", []))
        compare_rules(out, name, got, plans[name])
        seen.add(name)
        n += len(plans[name])
    expected = {k for k in plans if pascal("vpc_id_" + k) in template.get("Parameters", {})}
    ok(seen == expected, f"{out}: CloudFormation: security groups for {sorted(seen)}, expected {sorted(expected)}")
    return n


def organization(org):
    """An organization with one OU, for the SCPs' targets."""
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    return org.create_organizational_unit(ParentId=root, Name="e2e")["OrganizationalUnit"]["Id"]


def read_back(iam, org, manifest, out, values, role_names, scps_in_aws=True, managed_of=None):
    """The roles, policies and SCPs in moto equal engc's documents."""
    files = manifest["files"]
    local = {}
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for p in page["Policies"]:
            v = iam.get_policy_version(PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"])
            local[p["Arn"]] = (p, v["PolicyVersion"]["Document"])
    expected = sorted(
        canon(json.loads(fill(read(out, f["path"]), values)))
        for f in files
        if f["kind"] == "policy"
    )
    ok(
        sorted(canon(d) for _, d in local.values()) == expected,
        f"{out}: the policies in AWS are not engc's policy files",
    )
    for f in files:
        if f["kind"] != "trust-policy":
            continue
        principal = f["principal"]
        role = iam.get_role(RoleName=role_names[principal])["Role"]
        ok(
            canon(role["AssumeRolePolicyDocument"])
            == canon(json.loads(fill(read(out, f["path"]), values))),
            f"{out}: the trust policy of {principal} differs",
        )
        attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
        got_local = sorted(canon(local[a["PolicyArn"]][1]) for a in attached if a["PolicyArn"] in local)
        got_managed = sorted(a["PolicyArn"] for a in attached if a["PolicyArn"] not in local)
        if managed_of is not None:
            got_managed = sorted(managed_of[principal])
        want_local = sorted(
            canon(json.loads(fill(read(out, g["path"]), values)))
            for g in files
            if g["kind"] == "policy" and g.get("principal") == principal
        )
        want_managed = sorted(
            arn
            for g in files
            if g["kind"] == "managed-policies" and g.get("principal") == principal
            for arn in json.loads(read(out, g["path"]))["ManagedPolicyArns"]
        )
        ok(got_local == want_local, f"{out}: policies attached to {principal} differ")
        ok(got_managed == want_managed, f"{out}: AWS managed policies of {principal}: {got_managed} != {want_managed}")
        role_file(iam, out, files, principal, role, local, values)
    scps = [f for f in files if f["kind"] == "scp"]
    if scps and scps_in_aws:
        got = {}
        for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]:
            if p["AwsManaged"]:
                continue
            d = org.describe_policy(PolicyId=p["Id"])["Policy"]
            targets = org.list_targets_for_policy(PolicyId=p["Id"])["Targets"]
            got[canon(json.loads(d["Content"]))] = sorted(t["TargetId"] for t in targets)
        for f in scps:
            want = canon(json.loads(fill(read(out, f["path"]), values)))
            ok(want in got, f"{out}: SCP {f['path']} is not in AWS (Terraform)")
            ok(got[want] == [fill(f["ou"], values)], f"{out}: SCP {f['path']} is not attached to its OU")
    return len(local)


def as_document(d):
    """A policy document as boto3 gives it: a dict, or (moto, for a policy a
    CloudFormation stack put inline) the text of one, JSON or a Python literal."""
    if isinstance(d, str):
        try:
            return json.loads(d)
        except ValueError:
            return ast.literal_eval(d)
    return d


def role_file(iam, out, files, principal, role, local, values):
    """The role in AWS is what aws/PRINCIPAL.role.json says: its inline policies, its
    permissions boundary and its instance profile."""
    entry = next((f for f in files if f["kind"] == "role" and f.get("principal") == principal), None)
    ok(entry is not None, f"{out}: no role file for {principal}")
    spec = json.loads(read(out, entry["path"]))
    name = role["RoleName"]
    doc = lambda path: canon(json.loads(fill(read(out, path), values)))
    want_inline = sorted((p["PolicyName"], doc(p["PolicyDocument"])) for p in spec.get("InlinePolicies", []))
    got_inline = sorted(
        (n, canon(as_document(iam.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"])))
        for n in iam.list_role_policies(RoleName=name)["PolicyNames"]
    )
    ok(got_inline == want_inline, f"{out}: inline policies of {principal}: {got_inline} != {want_inline}")
    ok(
        sorted(p["PolicyDocument"] for p in spec.get("InlinePolicies", []))
        == sorted(f["path"] for f in files if f["kind"] == "inline-policy" and f.get("principal") == principal),
        f"{out}: the role file of {principal} does not list its inline policies",
    )
    boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    want = spec.get("PermissionsBoundary")
    if want is None:
        ok(boundary is None, f"{out}: {principal} has a boundary the role file does not name")
    else:
        ok(boundary in local, f"{out}: the boundary of {principal} is not a policy engc wrote: {boundary}")
        ok(canon(local[boundary][1]) == doc(want["PolicyDocument"]), f"{out}: the boundary of {principal} differs")
        ok(local[boundary][0]["PolicyName"] == want["PolicyName"], f"{out}: the boundary's name differs")
    profiles = [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]]
    want_profiles = [fill(spec["InstanceProfileName"], values)] if "InstanceProfileName" in spec else []
    ok(profiles == want_profiles, f"{out}: instance profiles of {principal}: {profiles} != {want_profiles}")


# ---------------------------------------------------------------------------------
# The role files applied with boto3 calls, as a script of the customer's would


def role_files(out, manifest, venv_bin, summary):
    """For each aws/PRINCIPAL.role.json: create_policy for every policy it names (the
    boundary included), create_role with its trust policy and boundary,
    attach_role_policy, put_role_policy, create_instance_profile and
    add_role_to_instance_profile; then the same read-back as for Terraform."""
    specs = [f for f in manifest["files"] if f["kind"] == "role"]
    if not specs:
        return
    with moto(venv_bin) as endpoint:
        iam, org, _ = clients(endpoint)
        values = {p: test_value(p) for p in manifest["placeholders"]}
        values.update(region=REGION, account_id=ACCOUNT)
        doc = lambda path: fill(read(out, path), values)
        arns = {}

        def policy(ref):
            if ref["PolicyDocument"] not in arns:
                arns[ref["PolicyDocument"]] = iam.create_policy(
                    PolicyName=ref["PolicyName"], PolicyDocument=doc(ref["PolicyDocument"])
                )["Policy"]["Arn"]
            return arns[ref["PolicyDocument"]]

        role_names, calls = {}, 0
        for f in specs:
            spec = json.loads(read(out, f["path"]))
            name = fill(spec["RoleName"], values)
            kw = dict(RoleName=name, Description=spec["Description"],
                      AssumeRolePolicyDocument=doc(spec["AssumeRolePolicyDocument"]))
            if "PermissionsBoundary" in spec:
                kw["PermissionsBoundary"] = policy(spec["PermissionsBoundary"])
            iam.create_role(**kw)
            for ref in spec.get("ManagedPolicies", []):
                iam.attach_role_policy(RoleName=name, PolicyArn=policy(ref))
            for arn in spec.get("AwsManagedPolicyArns", []):
                iam.attach_role_policy(RoleName=name, PolicyArn=fill(arn, values))
            for ref in spec.get("InlinePolicies", []):
                iam.put_role_policy(RoleName=name, PolicyName=ref["PolicyName"],
                                    PolicyDocument=doc(ref["PolicyDocument"]))
            if "InstanceProfileName" in spec:
                profile = fill(spec["InstanceProfileName"], values)
                iam.create_instance_profile(InstanceProfileName=profile)
                iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
            role_names[f["principal"]] = name
            calls += 1
        # Every policy file engc wrote for AWS is named by a role file (or is an SCP's).
        for f in manifest["files"]:
            if f["kind"] == "policy" and f["path"] not in arns:
                policy({"PolicyName": os.path.basename(f["path"]).split(".")[0] + "-unattached",
                        "PolicyDocument": f["path"]})
                ok(f.get("principal") is None, f"{out}: {f['path']} is for a principal but no role file names it")
        n = read_back(iam, org, manifest, out, values, role_names, scps_in_aws=False)
        summary.append(f"{os.path.basename(out)}: role files applied with boto3: {calls} roles, {n} policies; documents equal")


# ---------------------------------------------------------------------------------
# Terraform, AWS


def terraform_aws(out, manifest, venv_bin, tf_config, summary):
    module = next((f for f in manifest["files"] if f["path"] == "terraform/aws/main.tf.json"), None)
    if module is None:
        return
    with moto(venv_bin) as endpoint, tempfile.TemporaryDirectory() as work:
        iam, org, _ = clients(endpoint)
        values = {}
        if any(f["kind"] == "scp" for f in manifest["files"]):
            values["ou_id"] = organization(org)
        shutil.copy(os.path.join(out, module["path"]), work)
        with open(os.path.join(work, "override.tf.json"), "w") as f:
            json.dump(
                {
                    "provider": {
                        "aws": {
                            "region": REGION,
                            "access_key": "testing",
                            "secret_key": "testing",
                            "skip_credentials_validation": True,
                            "skip_requesting_account_id": True,
                            "skip_metadata_api_check": True,
                            "s3_use_path_style": True,
                            "endpoints": [
                                {"iam": endpoint, "sts": endpoint, "organizations": endpoint,
                                 "s3": endpoint, "kms": endpoint, "ec2": endpoint}
                            ],
                        }
                    }
                },
                f,
            )
        with open(os.path.join(out, module["path"])) as f:
            stores = prepare_stores(endpoint, json.load(f), values)
        env = dict(os.environ, TF_CLI_CONFIG_FILE=tf_config, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
        args = []
        ec2 = ec2_client(endpoint)
        vpcs_for(ec2, module.get("parameters", []), values)
        for p in module.get("parameters", []):
            values.setdefault(p, test_value(p))
            args += ["-var", f"{p}={values[p]}"]
        run = lambda *cmd: subprocess.run(
            ["terraform", *cmd, "-no-color", "-input=false"], cwd=work, env=env, check=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            run("init")
            subprocess.run(["terraform", "validate", "-no-color"], cwd=work, env=env, check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            applied = run("apply", "-auto-approve", *args)
        except subprocess.CalledProcessError as e:
            raise AssertionError(f"{out}: terraform {e.cmd[1]} failed:\n{e.stdout}")
        outputs = json.loads(
            subprocess.run(["terraform", "output", "-json"], cwd=work, env=env, check=True,
                           stdout=subprocess.PIPE, text=True).stdout
        )
        role_names = {k[len("role_name_"):]: v["value"] for k, v in outputs.items() if k.startswith("role_name_")}
        n = read_back(iam, org, manifest, out, values, role_names)
        s3, kms = store_clients(endpoint)
        k = stores_read_back(s3, kms, manifest, out, values, stores)
        sg = security_groups(ec2, out, manifest, values)
        # Text a template engine would evaluate reached IAM as text (everything.eng).
        descriptions = [p.get("Description", "") for page in iam.get_paginator("list_policies").paginate(Scope="Local")
                        for p in page["Policies"] for p in [iam.get_policy(PolicyArn=p["Arn"])["Policy"]]]
        if os.path.basename(out) == "everything":
            ok(any('${file("/etc/passwd")} and %{ if true }' in d for d in descriptions),
               f"{out}: the description was evaluated: {descriptions}")
        added = re.search(r"Resources: (\d+) added", applied.stdout).group(1)
        summary.append(f"{os.path.basename(out)}: terraform apply created {added} resources "
                       f"({len(role_names)} roles, {n} policies, {k} resource policies, "
                       f"{sg} security group rules); documents equal")


# ---------------------------------------------------------------------------------
# CloudFormation


def cloudformation(out, manifest, venv_bin, summary):
    path = "cloudformation/aws.template.json"
    entry = next((f for f in manifest["files"] if f["path"] == path), None)
    if entry is None:
        return
    # W3037: cfn-lint's list of IAM actions lags behind the catalog engc embeds.
    lint = subprocess.run(
        [os.path.join(venv_bin, "cfn-lint"), "--ignore-checks", "W3037", "--", os.path.join(out, path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    ok(lint.returncode == 0, f"{out}: cfn-lint:\n{lint.stdout}")
    body = read(out, path)
    template = json.loads(body)
    with moto(venv_bin) as endpoint:
        iam, org, cfn = clients(endpoint)
        values = {}
        if any(f["kind"] == "scp" for f in manifest["files"]):
            values["ou_id"] = organization(org)
        params = []
        ec2 = ec2_client(endpoint)
        vpcs_for(ec2, entry.get("parameters", []), values)
        for p in entry.get("parameters", []):
            values.setdefault(p, test_value(p))
            params.append({"ParameterKey": pascal(p), "ParameterValue": values[p]})
        # The buckets the template's bucket policies attach to (it creates none).
        s3, _ = store_clients(endpoint)
        buckets = {}
        for logical, r in template["Resources"].items():
            if r["Type"] == "AWS::S3::BucketPolicy":
                bucket = resolve(r["Properties"]["Bucket"], values)
                s3.create_bucket(Bucket=bucket)
                buckets[logical] = bucket
        cfn.create_stack(
            StackName="e2e", TemplateBody=body, Parameters=params,
            Capabilities=["CAPABILITY_NAMED_IAM"],
        )
        stack = cfn.describe_stacks(StackName="e2e")["Stacks"][0]
        ok(stack["StackStatus"] == "CREATE_COMPLETE", f"{out}: stack {stack['StackStatus']}")
        role_names = {}
        for f in manifest["files"]:
            if f["kind"] == "trust-policy":
                logical = pascal(f["principal"]) + "Role"
                role_names[f["principal"]] = template["Parameters"][logical + "Name"]["Default"]
        # moto's CloudFormation skips AWS::Organizations::Policy: the SCPs are checked
        # in the template, their `Fn::Sub` resolved here.
        # ... and ignores a role's ManagedPolicyArns: those are read in the template.
        managed = {
            f["principal"]: resolve(
                template["Resources"][pascal(f["principal"]) + "Role"]["Properties"].get("ManagedPolicyArns", []),
                values,
            )
            for f in manifest["files"]
            if f["kind"] == "trust-policy"
        }
        n = read_back(iam, org, manifest, out, values, role_names, scps_in_aws=False, managed_of=managed)
        sg = template_security_groups(template, out, manifest)
        scps = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Organizations::Policy"]
        for f in (f for f in manifest["files"] if f["kind"] == "scp"):
            want = canon(json.loads(fill(read(out, f["path"]), values)))
            got = [canon(resolve(p["Content"], values)) for p in scps]
            ok(want in got, f"{out}: CloudFormation: SCP {f['path']} is not in the template")
        # moto's CloudFormation skips AWS::S3::BucketPolicy too: each resolved document
        # of the template is put on its bucket here, and read back.
        for f in resource_policy_files(manifest):
            if f["kind"] != "bucket-policy":
                continue  # the template creates no key, so it holds no key policy
            logical = pascal(f["store"]) + "BucketPolicy"
            bucket = buckets[logical]
            doc = resolve(template["Resources"][logical]["Properties"]["PolicyDocument"], values)
            if isinstance(doc, str):
                doc = json.loads(doc)
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
            got = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
            want = json.loads(fill(read(out, f["path"]), values))
            ok(canon(got) == canon(want), f"{out}: CloudFormation: the bucket policy of {f['store']} differs")
        summary.append(f"{os.path.basename(out)}: CloudFormation stack created "
                       f"{len(template['Resources'])} resources ({len(role_names)} roles, {n} policies, "
                       f"{len(buckets)} bucket policies, {sg} security group rules); documents equal")


def resolve(v, values):
    """`v` with CloudFormation's `Fn::Sub` resolved the way CloudFormation does."""
    if isinstance(v, dict) and list(v) == ["Fn::Sub"]:
        text = v["Fn::Sub"]
        if not isinstance(text, str):
            raise AssertionError(f"Fn::Sub of {text!r}")
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
        params = {pascal(k): val for k, val in values.items()}

        def one(m):
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            return pseudo.get(name) or params[name]

        text = re.sub(r"\$\{([^}]*)\}", one, text)
        try:
            return json.loads(text) if text.startswith("{") else text
        except ValueError:
            return text
    if isinstance(v, dict):
        return {k: resolve(x, values) for k, x in v.items()}
    if isinstance(v, list):
        return [resolve(x, values) for x in v]
    return v


# ---------------------------------------------------------------------------------
# Provider schemas from @cdktf/provider-* (google, azurerm, kubernetes)

STRUCT = re.compile(r"^function (\w+)ToTerraform\(struct\) \{(.*?)^\}", re.M | re.S)
RETURN = re.compile(r"return \{(.*?)\n\s*\};", re.S)
ENTRY = re.compile(r"^\s*(\w+): (.*),$", re.M)
NESTED = re.compile(r"(?<![\w.])(\w+)ToTerraform\b")


def parse_attrs(body, structs):
    """{attribute: None | nested struct name} from a `return {...}` body."""
    m = RETURN.search(body)
    attrs = {}
    for name, expr in ENTRY.findall(m.group(1) if m else ""):
        nested = [n for n in NESTED.findall(expr) if n in structs]
        attrs[name] = nested[0] if nested else None
    return attrs


def provider_schemas(cdktf_dir):
    """{resource type: {attribute: None | nested schema}} and the providers' own."""
    resources, providers = {}, {}
    for pkg in sorted(os.listdir(cdktf_dir)):
        lib = os.path.join(cdktf_dir, pkg, "lib")
        for d in sorted(os.listdir(lib)):
            index = os.path.join(lib, d, "index.js")
            if not os.path.isfile(index):
                continue
            with open(index) as f:
                js = f.read()
            m = re.search(r'\.tfResourceType = "([\w-]+)";', js)
            synth = re.search(r"synthesizeAttributes\(\) \{(.*?)\n    \}", js, re.S)
            if not m or not synth:
                continue
            structs = {}
            bodies = {name: body for name, body in STRUCT.findall(js)}
            for name in bodies:
                structs[name] = None
            resolved = {}

            def schema(name, depth=0):
                if name in resolved:
                    return resolved[name]
                attrs = parse_attrs(bodies[name], structs)
                resolved[name] = {k: (schema(v, depth + 1) if v and depth < 8 else None) for k, v in attrs.items()}
                return resolved[name]

            top = {k: (schema(v) if v else None) for k, v in parse_attrs("return {" + synth.group(1).split("return {", 1)[1], structs).items()}
            target = providers if d == "provider" else resources
            target[m.group(1)] = top
    return resources, providers


def check_block(path, value, schema, errors):
    if isinstance(value, list):
        for i, v in enumerate(value):
            check_block(f"{path}[{i}]", v, schema, errors)
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: a block must be an object")
        return
    for key, v in value.items():
        if key not in schema:
            errors.append(f"{path}.{key}: no such attribute or block (has: {', '.join(sorted(schema))})")
        elif schema[key] is not None:
            check_block(f"{path}.{key}", v, schema[key], errors)


def terraform_schemas(out, manifest, schemas, summary):
    resources, providers = schemas
    for cloud in ("gcp", "azure", "k8s"):
        path = f"terraform/{cloud}/main.tf.json"
        if not any(f["path"] == path for f in manifest["files"]):
            continue
        module = json.loads(read(out, path))
        errors = []
        n = 0
        for ty, instances in module["resource"].items():
            if ty not in resources:
                errors.append(f"{ty}: no such resource type")
                continue
            for name, body in instances.items():
                n += 1
                check_block(f"{ty}.{name}", body, resources[ty], errors)
        for name, body in module.get("provider", {}).items():
            check_block(f"provider.{name}", body, providers.get(name, {}), errors)
        ok(not errors, f"{out}/{path}:\n" + "\n".join(errors))
        summary.append(f"{os.path.basename(out)}: {path}: {n} resources match the provider schema")


# ---------------------------------------------------------------------------------
# Scripts, with stand-ins for az and gcloud

STAND_IN = """#!/usr/bin/env python3
import json, os, sys
stdin = sys.stdin.read() if any(a == "--file=/dev/stdin" for a in sys.argv) else None
with open(os.environ["E2E_LOG"], "a") as f:
    f.write(json.dumps({"argv": sys.argv[1:], "stdin": stdin}) + "\\n")
"""


def scripts(out, manifest, summary):
    with tempfile.TemporaryDirectory() as bin_dir:
        for tool in ("az", "gcloud"):
            p = os.path.join(bin_dir, tool)
            with open(p, "w") as f:
                f.write(STAND_IN)
            os.chmod(p, 0o755)
        for f in manifest["files"]:
            if f["kind"] != "script":
                continue
            log = os.path.join(bin_dir, "log.jsonl")
            values = {p: test_value(p) for p in f.get("placeholders", [])}
            env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], E2E_LOG=log)
            env.update({k.replace("-", "_"): v for k, v in values.items()})
            # `set -u`: a parameter left unset stops the script.
            if values:
                missing = dict(env)
                missing.pop(next(iter(values)).replace("-", "_"))
                r = subprocess.run(["sh", os.path.join(out, f["path"])], env=missing,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                ok(r.returncode != 0, f"{f['path']} ran with a parameter unset")
                if os.path.exists(log):
                    os.remove(log)
            r = subprocess.run(["sh", os.path.join(out, f["path"])], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            ok(r.returncode == 0, f"{f['path']}: {r.stdout}")
            with open(log) as lf:
                calls = [json.loads(line) for line in lf]
            os.remove(log)
            if f["path"].startswith("azure/"):
                check_az(out, f, calls, values)
            else:
                check_gcloud(out, f, calls, values)
            summary.append(f"{os.path.basename(out)}: {f['path']}: {len(calls)} commands as the documents say")


def flags(argv):
    d, pos, i = {}, [], 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--") and "=" in a:
            k, v = a[2:].split("=", 1)
            d.setdefault(k, []).append(v)
        elif a.startswith("--") and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            d.setdefault(a[2:], []).append(argv[i + 1])
            i += 1
        elif a.startswith("--"):
            d.setdefault(a[2:], []).append("")
        else:
            pos.append(a)
        i += 1
    return pos, d


def check_az(out, f, calls, values):
    access = f["access"]
    role = json.loads(fill(read(out, f"azure/{access}.role.json"), values))
    pos, d = flags(calls[0]["argv"])
    ok(pos == ["role", "definition", "create"], f"{f['path']}: first command {pos}")
    arg = d["role-definition"][0]
    given = json.loads(read(out, arg) if arg.endswith(".json") else arg)
    ok(canon(given) == canon(role), f"{f['path']}: the role definition differs")
    # Built-in roles assigned by `azure assign` (azure/ACCESS.builtin-assignments.json),
    # each to every principal named, by the role's id.
    builtin_path = f"azure/{access}.builtin-assignments.json"
    builtin = []
    if os.path.exists(os.path.join(out, builtin_path)):
        doc = json.loads(fill(read(out, builtin_path), values))
        builtin = sorted((a["roleDefinitionId"], a["scope"], p)
                         for a in doc["assignments"] for p in a["principalIds"])
    scopes, got_builtin = [], []
    for c in calls[1:]:
        pos, d = flags(c["argv"])
        ok(pos == ["role", "assignment", "create"], f"{f['path']}: {pos}")
        if d["role"] == [role["Name"]]:
            ok(d["assignee-principal-type"] == ["ServicePrincipal"], f"{f['path']}: principal type")
            scopes += d["scope"]
        else:
            got_builtin.append((d["role"][0], d["scope"][0], d["assignee-object-id"][0]))
    ok(scopes == role["AssignableScopes"], f"{f['path']}: scopes {scopes}")
    ok(sorted(got_builtin) == builtin, f"{f['path']}: built-in assignments {got_builtin} != {builtin}")


def check_gcloud(out, f, calls, values):
    access = f["access"]
    bindings = json.loads(fill(read(out, f"gcp/{access}.bindings.json"), values))
    want = sorted((m, b["role"]) for b in bindings["bindings"] for m in b["members"])
    got, imp = [], []
    for c in calls:
        pos, d = flags(c["argv"])
        if pos[:3] == ["iam", "roles", "create"]:
            role = json.loads(fill(read(out, f"gcp/{access}.role.json"), values))
            src = d["file"][0]
            given = json.loads(c["stdin"] if src == "/dev/stdin" else read(out, src))
            ok(canon(given) == canon(role), f"{f['path']}: the custom role differs")
        elif pos[:2] == ["projects", "add-iam-policy-binding"]:
            ok(d["condition"] == ["None"], f"{f['path']}: --condition")
            got.append((d["member"][0], d["role"][0]))
        elif pos[:3] == ["iam", "service-accounts", "add-iam-policy-binding"]:
            imp.append((d["member"][0], d["role"][0]))
    ok(sorted(got) == want, f"{f['path']}: bindings {got} != {want}")
    path = f"gcp/{access}.impersonation.json"
    if os.path.exists(os.path.join(out, path)):
        doc = json.loads(fill(read(out, path), values))
        ok(sorted(imp) == sorted((m, b["role"]) for b in doc["bindings"] for m in b["members"]),
           f"{f['path']}: impersonation")


# ---------------------------------------------------------------------------------


def manifest_checks(out, manifest, schema, summary):
    jsonschema.validate(manifest, schema)
    for f in manifest["files"]:
        if f["path"].startswith(("terraform/", "cloudformation/")):
            text = read(out, f["path"])
            names = set(PLACEHOLDER.findall(text))
            # In CloudFormation `${Name}` is a parameter: engc's names are never left.
            engc = {p for p in names if p not in {pascal(q) for q in f.get("parameters", [])} and p != "!"}
            ok(not engc, f"{out}/{f['path']} keeps engc placeholders {sorted(engc)}")
            ok("placeholders" not in f, f"{f['path']}: a module lists placeholders")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cdktf", required=True)
    ap.add_argument("--tf-config", required=True)
    ap.add_argument("outs", nargs="+")
    a = ap.parse_args()
    venv_bin = os.path.dirname(sys.executable)
    schemas = provider_schemas(a.cdktf)
    with open(os.path.join(ROOT, "docs", "manifest.schema.json")) as f:
        schema = json.load(f)
    summary = []
    for out in a.outs:
        manifest = json.loads(read(out, "manifest.json"))
        manifest_checks(out, manifest, schema, summary)
        role_files(out, manifest, venv_bin, summary)
        terraform_aws(out, manifest, venv_bin, a.tf_config, summary)
        cloudformation(out, manifest, venv_bin, summary)
        resource_policies(out, manifest, venv_bin, summary)
        terraform_schemas(out, manifest, schemas, summary)
        scripts(out, manifest, summary)
    for line in summary:
        print(line)
    print(f"outputs-e2e: {checks} passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"error: {e}", file=sys.stderr)
        print(f"outputs-e2e: {checks - 1} passed, 1 failed")
        sys.exit(1)

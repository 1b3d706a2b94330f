//! The risk corpus (`tests/risk/`): every risky access level is reported with the
//! capabilities it gives, and every least-privilege look-alike stays clean. See
//! `tests/risk/README.md` for the format.

use engc::{compile_str, Options};
use std::collections::BTreeSet;
use std::path::Path;

struct Case {
    file: String,
    name: String,
    expect: BTreeSet<String>,
    body: String,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/risk");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eng") && !p.ends_with("header.eng"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        for chunk in text.split("// case ").skip(1) {
            let (head, body) = chunk.split_once('\n').unwrap();
            let (name, expect) = head
                .split_once(": expect ")
                .unwrap_or_else(|| panic!("{file}: bad case line `{head}`"));
            let expect: BTreeSet<String> = if expect.trim() == "none" {
                BTreeSet::new()
            } else {
                expect.split(',').map(|s| s.trim().to_string()).collect()
            };
            out.push(Case {
                file: file.clone(),
                name: name.trim().to_string(),
                expect,
                body: body.to_string(),
            });
        }
    }
    out
}

/// The capability ids a compilation's W0411 findings name.
fn found(src: &str) -> (BTreeSet<String>, Vec<String>) {
    let c = compile_str("case.eng", src, &Options::default());
    let mut ids = BTreeSet::new();
    let mut errors = Vec::new();
    for d in &c.diagnostics {
        if d.code == engc::diag::Code::W0411 {
            for n in &d.notes {
                if let Some(id) = n
                    .split_once(" (")
                    .and_then(|(_, r)| r.split_once("):"))
                    .map(|(id, _)| id)
                {
                    ids.insert(id.to_string());
                }
            }
        } else if d.is_error() {
            errors.push(format!("{} {}", d.code, d.message));
        }
    }
    (ids, errors)
}

#[test]
fn the_corpus_is_reported_and_the_look_alikes_stay_clean() {
    let header = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/risk/header.eng"),
    )
    .unwrap();
    let cases = cases();
    let mut failures = Vec::new();
    let (mut risky, mut safe) = (0, 0);
    let mut capabilities = BTreeSet::new();
    for case in &cases {
        // A case with a deployment of its own (an AWS-only store kind) needs no header.
        let src = if case.body.contains("\ndeployment ") || case.body.starts_with("deployment ") {
            case.body.clone()
        } else {
            format!("{header}\n{}", case.body)
        };
        let (ids, errors) = found(&src);
        if !errors.is_empty() {
            failures.push(format!(
                "{}/{}: errors other than W0411: {errors:?}",
                case.file, case.name
            ));
            continue;
        }
        if case.expect.is_empty() {
            safe += 1;
            if !ids.is_empty() {
                failures.push(format!(
                    "{}/{}: a look-alike reports {ids:?}",
                    case.file, case.name
                ));
            }
        } else {
            risky += 1;
            capabilities.extend(case.expect.iter().cloned());
            let missing: Vec<_> = case.expect.difference(&ids).collect();
            if !missing.is_empty() {
                failures.push(format!(
                    "{}/{}: missing {missing:?} (found {ids:?})",
                    case.file, case.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{risky} risky cases and {safe} look-alikes, {} capabilities",
        capabilities.len()
    );
    // README states these counts.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let claim = format!("{risky} risky access levels and {safe} look-alikes");
    assert!(readme.contains(&claim), "README should say `{claim}`");
    // Every capability of the table has a case.
    for c in engc::access::capabilities::CAPABILITIES {
        assert!(capabilities.contains(c.id), "no case for `{}`", c.id);
    }
}

//! A test for every diagnostic code. For each code in `codes::ALL`:
//!
//! - `tests/cases/<CODE>.eng` is a small realistic input that must report the code
//!   (and, unless listed in `ALSO_REPORTED`, nothing else);
//! - `tests/cases/<CODE>.ok.eng` is the fixed input: it must not report the code, nor
//!   anything else;
//! - the trigger's source followed by its rendered diagnostics is pinned in
//!   `snapshots/diagnostics/<CODE>.snap`, so a reviewer reads each message next to
//!   the input that produces it.
//!
//! A code added to the registry without both files fails `every_code_has_cases`.
//! Inputs are compiled from their path, so `use` resolves relative to the case file
//! (`E0002.ok.eng` uses `support/shared.eng`), as it does on the command line.

use engc::diag::codes;
use engc::loader::DiskLoader;
use engc::render::plain;
use engc::{compile, Compilation, Input, Options};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Codes that do not behave yet, with what is wrong; remove an entry with its fix.
/// The fixed input of every code is checked regardless.
const KNOWN_GAPS: &[(&str, Gap)] = &[];

// `NotReported` has no entry while every registered code fires.
#[allow(dead_code)]
enum Gap {
    /// The trigger does not report the code: nothing about it is asserted, and the
    /// suite fails once it is reported, so that the entry is removed.
    NotReported(&'static str),
    /// The code is reported but rendered wrongly: it is asserted, not snapshotted, so
    /// the wrong rendering is not blessed.
    BadRendering(&'static str),
}

/// Codes whose trigger cannot avoid reporting another code as well.
const ALSO_REPORTED: &[(&str, &[&str])] = &[
    // Acknowledging an error only makes sense where that error is reported.
    ("E0602", &["E0301"]),
    // An external id short enough for STS (E0116) keeps a trust policy under the
    // default limit; the limit is still checked, for the documents that reach it.
    ("E0802", &["E0116"]),
    // AWS managed policies are read for what they grant: those the cases attach let a
    // role change EC2 instances and read SSM parameters (W0411).
    ("E0801", &["W0411"]),
    ("W0405", &["W0411"]),
];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cases")
}

/// Compiles one case file from its path; returns the compilation and the file's text
/// as the source map holds it (lossily decoded when it is not UTF-8).
fn compile_case(file: &str) -> (Compilation, String) {
    let path = cases_dir().join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if let Some(doc) = String::from_utf8_lossy(&bytes).strip_prefix("// import: ") {
        return import_case(doc.trim());
    }
    let name = format!("tests/cases/{file}");
    let options = case_options(&bytes);
    let c = compile(
        vec![Input {
            name: name.clone(),
            path: Some(path),
            bytes,
        }],
        &DiskLoader,
        &options,
    );
    let text = c
        .sources
        .files()
        .find(|(_, f)| f.name == name)
        .map(|(_, f)| f.text.clone())
        .expect("the input is in the source map");
    (c, text)
}

/// The command a case stands for: `engc check tests/cases/CODE.eng`, or for an import
/// case `engc import DOCUMENT`.
fn command_of(code: &str) -> String {
    let case = format!("tests/cases/{code}.eng");
    let text = std::fs::read_to_string(cases_dir().join(format!("{code}.eng"))).unwrap_or_default();
    match text.strip_prefix("// import: ") {
        Some(doc) => format!("engc import {}", doc.trim()),
        None => format!("engc check {case}"),
    }
}

/// The codes of `engc import` (E1001...) concern JSON and YAML documents: their case
/// is one line, `// import: PATH`, and the document at PATH is imported.
fn import_case(doc: &str) -> (Compilation, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let i = engc::import::import(
        vec![engc::import::ImportInput {
            name: doc.to_string(),
            bytes,
        }],
        &engc::import::ImportOptions::default(),
    );
    let c = Compilation {
        sources: i.sources,
        diagnostics: i.diagnostics,
        model: None,
        outputs: Vec::new(),
        files: Vec::new(),
        stdlib: Vec::new(),
    };
    (c, text)
}

fn reported(c: &Compilation) -> BTreeSet<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn gap(code: &str) -> Option<&'static Gap> {
    KNOWN_GAPS.iter().find(|(c, _)| *c == code).map(|(_, g)| g)
}

fn also_reported(code: &str) -> &'static [&'static str] {
    ALSO_REPORTED
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, also)| *also)
        .unwrap_or(&[])
}

#[test]
fn every_code_has_cases() {
    let dir = cases_dir();
    let mut missing = Vec::new();
    for c in codes::ALL {
        for file in [format!("{}.eng", c.code), format!("{}.ok.eng", c.code)] {
            if !dir.join(&file).is_file() {
                missing.push(format!("tests/cases/{file}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "every diagnostic code needs a trigger and a fixed input; missing:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn case_files_and_lists_name_known_codes() {
    let known: BTreeSet<&str> = codes::ALL.iter().map(|c| c.name).collect();
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(cases_dir()).expect("tests/cases exists") {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            continue; // support files
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let code = name
            .strip_suffix(".ok.eng")
            .or_else(|| name.strip_suffix(".eng"));
        if !code.is_some_and(|c| known.contains(c)) {
            stray.push(name);
        }
    }
    assert!(
        stray.is_empty(),
        "files in tests/cases must be `<CODE>.eng` or `<CODE>.ok.eng` for a registered code \
         (put shared inputs in tests/cases/support/): {stray:?}"
    );
    for (code, gap) in KNOWN_GAPS {
        assert!(known.contains(code), "KNOWN_GAPS names unknown code {code}");
        let (Gap::NotReported(why) | Gap::BadRendering(why)) = gap;
        assert!(!why.is_empty(), "KNOWN_GAPS: say what is wrong with {code}");
    }
    for (code, also) in ALSO_REPORTED {
        assert!(
            known.contains(code),
            "ALSO_REPORTED names unknown code {code}"
        );
        for a in *also {
            assert!(known.contains(a), "ALSO_REPORTED names unknown code {a}");
        }
    }
}

/// The checks of one code; returns problems (snapshot mismatches panic).
fn check_code(code: &'static str, summary: &str) -> Vec<String> {
    let mut problems = Vec::new();

    let (c, source) = compile_case(&format!("{code}.eng"));
    let rendered = plain(&c.sources, &c.diagnostics);
    let got = reported(&c);
    if let Some(Gap::NotReported(why)) = gap(code) {
        if got.contains(code) {
            problems.push(format!(
                "{code} is in KNOWN_GAPS ({why}) but its trigger now reports it: \
                 remove the entry and review the new snapshot"
            ));
        }
    } else {
        if !got.contains(code) {
            problems.push(format!(
                "tests/cases/{code}.eng does not report {code}; it reports {got:?}:\n{rendered}"
            ));
        }
        let allowed: BTreeSet<&str> = std::iter::once(code)
            .chain(also_reported(code).iter().copied())
            .collect();
        let unexpected: Vec<&str> = got.difference(&allowed).copied().collect();
        if !unexpected.is_empty() {
            problems.push(format!(
                "tests/cases/{code}.eng also reports {unexpected:?} (list them in \
                 ALSO_REPORTED if the trigger cannot avoid them):\n{rendered}"
            ));
        }
        if gap(code).is_none() {
            let text = format!("{source}\n=== {} ===\n{rendered}", command_of(code));
            insta::with_settings!({
                snapshot_path => "snapshots/diagnostics",
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("{code}: {summary}"),
            }, {
                insta::assert_snapshot!(code, text);
            });
        }
    }

    let (ok, _) = compile_case(&format!("{code}.ok.eng"));
    if !ok.diagnostics.is_empty() {
        let what = if reported(&ok).contains(code) {
            "still reports its code"
        } else {
            "is not clean"
        };
        problems.push(format!(
            "tests/cases/{code}.ok.eng {what}:\n{}",
            plain(&ok.sources, &ok.diagnostics)
        ));
    }
    problems
}

#[test]
fn every_code_is_triggered_and_fixed() {
    let mut failures = Vec::new();
    for c in codes::ALL {
        if !cases_dir().join(format!("{}.eng", c.code)).is_file()
            || !cases_dir().join(format!("{}.ok.eng", c.code)).is_file()
        {
            continue; // reported by `every_code_has_cases`
        }
        match catch_unwind(AssertUnwindSafe(|| check_code(c.name, c.summary))) {
            Ok(problems) => failures.extend(problems),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {msg}", c.code));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A case may ask for a full catalog on its first line, as the CLI's `--catalog` does:
/// `// catalog: tests/fixtures/gcp-testable-permissions.json`.
///
/// `// build: the documents` asks for the documents, as `engc check` and `engc build`
/// do (the editor does not), so that what is found in them is reported too.
fn case_options(bytes: &[u8]) -> Options {
    let mut options = Options::default();
    let text = String::from_utf8_lossy(bytes);
    if text.starts_with("// build:") {
        options.outputs = Some(engc::backend::Target::ALL.into_iter().collect());
        return options;
    }
    let Some(path) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// catalog: "))
    else {
        return options;
    };
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path.trim());
    let json = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    if let Ok(c) = engc::catalog::gcp::Catalog::parse(&json) {
        if !c.is_empty() {
            options.gcp_catalog = Some(std::sync::Arc::new(c));
            return options;
        }
    }
    let c = engc::catalog::azure::Catalog::parse(&json).expect("a GCP or Azure catalog");
    options.azure_catalog = Some(std::sync::Arc::new(c));
    options
}

//! Every example compiles without errors, and every file it emits for every target
//! is pinned in a snapshot. Rebuilding gives byte-identical output.

use engc::backend::{emit, Target};
use engc::{compile, Input, Options};
use std::collections::BTreeSet;
use std::path::Path;

/// Every `examples/*.eng`, by name: a new example is covered without listing it here.
fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            if p.extension()? != "eng" {
                return None;
            }
            Some(p.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    names
}

fn build(name: &str) -> Vec<engc::backend::OutputFile> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.eng"));
    let bytes = std::fs::read(&path).expect("example exists");
    let c = compile(
        vec![Input {
            name: format!("examples/{name}.eng"),
            path: Some(path),
            bytes,
        }],
        &engc::loader::DiskLoader,
        &Options::default(),
    );
    let rendered = engc::render::plain(&c.sources, &c.diagnostics);
    assert!(
        c.diagnostics.is_empty(),
        "{name} has diagnostics:\n{rendered}"
    );
    let model = c.model.expect("no errors, so a model");
    emit(&model, &Target::ALL.into_iter().collect::<BTreeSet<_>>())
}

#[test]
fn examples_compile_and_match_snapshots() {
    for name in &examples() {
        let files = build(name);
        assert!(files.iter().any(|f| f.path == "manifest.json"));
        for f in &files {
            assert!(
                f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
                "{}: one trailing newline",
                f.path
            );
            let snap = format!("{name}__{}", f.path.replace('/', "__"));
            insta::with_settings!({ snapshot_path => "snapshots/examples", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(snap, f.contents);
            });
        }
    }
}

/// One snapshot per stage, as PRQL and Gleam keep them: the syntax tree and the lowered
/// model of each example, so that a change shows where in the pipeline it landed.
#[test]
fn each_stage_of_each_example() {
    for name in &examples() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(format!("{name}.eng"));
        let c = compile(
            vec![Input {
                name: format!("examples/{name}.eng"),
                path: Some(path.clone()),
                bytes: std::fs::read(&path).unwrap(),
            }],
            &engc::loader::DiskLoader,
            &Options::default(),
        );
        let syntax = format!("{:#?}", c.files[0].1);
        let model = format!("{:#?}", c.model.expect("no errors"));
        insta::with_settings!({ snapshot_path => "snapshots/stages", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{name}__1_syntax"), syntax);
            insta::assert_snapshot!(format!("{name}__2_model"), model);
        });
    }
}

#[test]
fn rebuilds_are_byte_identical() {
    for name in &examples() {
        let a = build(name);
        let b = build(name);
        assert_eq!(a, b, "{name} differs between two builds");
    }
}

#[test]
fn every_example_emits_what_its_clouds_need() {
    let paths = |name: &str| {
        build(name)
            .into_iter()
            .map(|f| f.path)
            .collect::<BTreeSet<_>>()
    };
    let chalk = paths("chalk");
    for p in [
        "aws/chalk_api.trust.json",
        "aws/setup.policy.json",
        "aws/ongoing.policy.json",
        "k8s/management.rbac.yaml",
        "network/main.json",
    ] {
        assert!(chalk.contains(p), "chalk lacks {p}");
    }
    let aichor = paths("aichor");
    for p in [
        "aws/aws_annex.policy.json",
        "gcp/gcp_create.role.json",
        "gcp/gcp_import.bindings.json",
        "azure/azure_create.role.yaml",
    ] {
        assert!(aichor.contains(p), "aichor lacks {p}");
    }
    let iomete = paths("iomete");
    assert!(iomete.contains("aws/tag_based_control.scp.json"));
    assert!(iomete.contains("aws/dataplane.managed.json"));
    let quick = paths("quickstart");
    for t in ["aws/", "gcp/", "azure/", "k8s/"] {
        assert!(
            quick.iter().any(|p| p.starts_with(t)),
            "quickstart emits nothing under {t}"
        );
    }
}

//! `engc build FILE --customers FILE -o DIR`: the source checked once, each customer's
//! values checked where they land and its documents written to DIR/<customer>/. Each
//! customer's folder is byte for byte what a single build with its values writes.

use crate::common;

use common::{engc, example, stderr, write};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file below `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::tree(dir)
        .into_iter()
        .map(|(path, bytes)| (path.display().to_string(), bytes))
        .collect()
}

/// `engc build` of the Chalk example for the customers of `customers` into `out`.
fn build_chalk(customers: &str, out: &Path, more: &[&str]) -> std::process::Output {
    let chalk = example("chalk");
    let out = out.to_str().unwrap();
    let mut args = vec!["build", &chalk, "--customers", customers, "-o", out];
    args.extend_from_slice(more);
    engc(&args)
}

const CUSTOMERS: &str = r#"{
  "acme": {"external_id": "acme-0001", "namespace": "acme", "log_group": "/acme/engine",
           "region": "eu-west-1", "account_id": "012345678901"},
  "initech": {"external_id": "initech-3"}
}"#;

#[test]
fn each_customer_gets_what_a_single_build_with_its_values_writes() {
    let dir = tempfile::tempdir().unwrap();
    let customers = write(dir.path(), "customers.json", CUSTOMERS.as_bytes());
    let out = dir.path().join("out");
    let o = build_chalk(&customers, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("build `acme`: no problems; wrote"), "{err}");
    // initech leaves parameters unset: W0117, reported for it alone.
    assert!(err.contains("build `initech`: 4 warnings"), "{err}");
    assert!(err.contains("build: 2 of 2 customers written"), "{err}");

    for (name, values) in [
        (
            "acme",
            vec![
                "external_id=acme-0001",
                "namespace=acme",
                "log_group=/acme/engine",
                "region=eu-west-1",
                "account_id=012345678901",
            ],
        ),
        ("initech", vec!["external_id=initech-3"]),
    ] {
        let single = dir.path().join(format!("single-{name}"));
        let mut args = vec![
            "build".to_string(),
            example("chalk"),
            "-o".into(),
            single.display().to_string(),
        ];
        for v in values {
            args.push("--set".into());
            args.push(v.into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = engc(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let batch = tree(&out.join(name));
        assert!(batch.len() > 5);
        assert_eq!(batch, tree(&single), "{name} differs from its single build");
    }
    let trust = std::fs::read_to_string(out.join("acme/aws/chalk_api.trust.json")).unwrap();
    assert!(trust.contains("acme-0001"));
    // A default a customer overrides is not baked into the shared model.
    let rbac = std::fs::read_to_string(out.join("acme/k8s/job_reader.rbac.yaml")).unwrap();
    assert!(rbac.contains("namespace: acme"), "{rbac}");
}

#[test]
fn a_customer_whose_values_fail_writes_nothing_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let customers = write(
        dir.path(),
        "c.yaml",
        b"good:\n  external_id: good-0001\nbad:\n  namespace: Not A Label\n",
    );
    let out = dir.path().join("out");
    let o = build_chalk(&customers, &out, &["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("customer `bad`:"), "{err}");
    assert!(
        err.contains("`Not A Label` is not a valid Kubernetes namespace"),
        "{err}"
    );
    // --strict: the good customer's placeholders are errors too.
    assert!(err.contains("error[W0117]"), "{err}");
    assert!(!out.join("bad").exists());

    let o = build_chalk(&customers, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.join("good/manifest.json").exists());
    assert!(!out.join("bad").exists());
}

#[test]
fn customer_files_that_cannot_be_used_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (text, says) in [
        ("{\"../evil\": {}}", "cannot be a customer's name"),
        ("{\"a/b\": {}}", "cannot be a customer's name"),
        ("{\"..\": {}}", "cannot be a customer's name"),
        ("{}", "names no customer"),
        ("[1, 2]", "is not a JSON or YAML map"),
        ("{\"a\": {\"external_id\": \"${x}\"}}", "values cannot hold"),
        ("{\"a\": {\"external_id\": 12}}", "is not a string"),
        (
            "{\"a\": {\"nope\": \"x\"}}",
            "no parameter of deployment `chalk`",
        ),
    ] {
        let f = write(dir.path(), "c.json", text.as_bytes());
        let o = build_chalk(&f, &out, &[]);
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{text}: {}", stderr(&o));
        assert!(!out.exists(), "{text}: nothing is written");
    }
}

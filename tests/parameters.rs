//! Parameters as a customer's build fills them: every check holds after substitution
//! and points at where the value came from; values reach every generated name; a
//! placeholder left in a written document is never silent; `--set`, `--set-file` and
//! `--strict` behave as README says.

use crate::common;

use common::{engc, exits, stderr};
use std::path::Path;
use std::process::Output;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The diagnostics as a snapshot shows them: the temporary folder replaced.
fn shown(o: &Output, dir: &Path) -> String {
    stderr(o).replace(&dir.display().to_string(), "TMP")
}

const AZURE: &str = r#"deployment acme {
  clouds azure
  param client_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  param root = "/"
}

principal vendor {
  azure service_principal "${client_id}"
}

access operate for vendor scoped {
  azure actions ["Microsoft.Resources/subscriptions/read"]
  azure scope "${root}"
}
"#;

#[test]
fn a_scope_from_a_parameter_default_is_checked_and_points_at_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "azure.eng", AZURE);
    let out = dir.path().join("out");
    let o = engc(&["build", &f, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "a failed build writes nothing");
    insta::assert_snapshot!(shown(&o, dir.path()));
}

#[test]
fn a_scope_from_set_is_checked_and_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "azure.eng",
        &AZURE.replace("  param root = \"/\"\n", "  param root\n"),
    );
    let o = engc(&["check", &f, "--set", "root=/"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(shown(&o, dir.path()));
    // An empty scope is no scope either.
    let f = write(
        dir.path(),
        "empty.eng",
        &AZURE.replace("\"${root}\"", "\"\""),
    );
    let err = exits(&["check", &f], 1);
    assert!(
        err.contains("error[E0116]: `` is not an Azure assignable scope"),
        "{}",
        err
    );
    // A proper scope from --set builds.
    exits(
        &[
            "check",
            &f.replace("empty", "azure"),
            "--set",
            "root=/subscriptions/00000000-0000-0000-0000-000000000000",
        ],
        0,
    );
}

#[test]
fn a_namespace_from_set_must_be_a_dns_label() {
    let dir = tempfile::tempdir().unwrap();
    let chalk = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chalk.eng");
    let o = engc(&["check", chalk, "--set", "namespace=x\"; kind: ClusterRole"]);
    assert_eq!(o.status.code(), Some(1));
    let err = shown(&o, dir.path());
    assert!(
        err.contains(
            "error[E0115]: `x\\\"; kind: ClusterRole` is not a valid Kubernetes namespace"
        ),
        "{err}"
    );
    assert!(
        err.contains("`namespace` is `x\\\"; kind: ClusterRole`, from `--set namespace=...`"),
        "{err}"
    );
    // Every place the namespace lands is reported.
    assert!(err.matches("error[E0115]").count() >= 3, "{err}");
    let err = exits(&["check", chalk, "--set", "external_id=has space"], 1);
    assert!(err.contains("is not a valid external id"));
}

#[test]
fn parameters_reach_generated_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let quickstart = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart.eng");
    exits(
        &[
            "build",
            quickstart,
            "-o",
            out.to_str().unwrap(),
            "--set",
            "project_id=acme-prod",
        ],
        0,
    );
    let bindings = std::fs::read_to_string(out.join("gcp/operate.bindings.json")).unwrap();
    assert!(
        bindings.contains("projects/acme-prod/roles/shop_operate"),
        "{bindings}"
    );
    assert!(!bindings.contains("${project_id}"), "{bindings}");
}

#[test]
fn placeholders_are_never_silent() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let chalk = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chalk.eng");
    let err = exits(&["build", chalk, "-o", out.to_str().unwrap()], 0);
    assert!(err.contains("warning[W0117]: parameter `external_id` has no value: 1 document keeps `${external_id}`"), "{err}");
    assert!(err.contains("in `aws/chalk_api.trust.json`"), "{err}");
    assert!(err.contains("build: 5 warnings"), "{err}");
    // The manifest lists them, per document and in all.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["placeholders"],
        serde_json::json!([
            "account_id",
            "external_id",
            "log_group",
            "namespace",
            "region"
        ])
    );
    let trust = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "aws/chalk_api.trust.json")
        .unwrap();
    assert_eq!(trust["placeholders"], serde_json::json!(["external_id"]));

    // --strict: an error, and nothing is written (the folder stays as it was).
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    let err = exits(
        &[
            "build",
            chalk,
            "-o",
            out.to_str().unwrap(),
            "--strict",
            "--set",
            "region=us-east-1",
        ],
        1,
    );
    assert!(err.contains("error[W0117]"), "{}", err);
    assert!(err.contains("an error because of `--strict`"));
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), before);

    // Every value given: no warning, even with --strict, and no `${` left anywhere but
    // in Terraform's references between its own resources and its role name variables.
    let values = write(
        dir.path(),
        "acme.yaml",
        "external_id: \"acme-0001\"\nnamespace: chalk\nlog_group: /chalk/engine\nregion: us-east-1\naccount_id: \"012345678901\"\n",
    );
    let o = engc(&[
        "build",
        chalk,
        "-o",
        out.to_str().unwrap(),
        "--strict",
        "--set-file",
        &values,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("build: no problems"));
    for e in walk(&out) {
        let text = std::fs::read_to_string(&e).unwrap();
        let text = if e.starts_with(out.join("terraform")) {
            text.replace("${var.role_name_", "")
                .replace("${aws_", "")
                .replace("${kubernetes_", "")
        } else {
            text
        };
        assert!(!text.contains("${"), "{} keeps a placeholder", e.display());
    }
    let trust = std::fs::read_to_string(out.join("aws/chalk_api.trust.json")).unwrap();
    assert!(trust.contains("acme-0001"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn set_and_set_file() {
    let dir = tempfile::tempdir().unwrap();
    let chalk = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chalk.eng");
    // An empty value is refused: leaving a parameter unset is done by leaving it out.
    let err = exits(&["check", chalk, "--set", "external_id="], 2);
    assert!(err.contains("`external_id` is given an empty value"));
    // An unknown name, with "did you mean".
    let err = exits(&["check", chalk, "--set", "externl_id=x"], 2);
    assert!(err.contains("did you mean `external_id`?"), "{}", err);
    // JSON, and --set overrides the file.
    let json = write(
        dir.path(),
        "acme.json",
        r#"{"external_id": "from-file", "namespace": "chalk"}"#,
    );
    let out = dir.path().join("out");
    exits(
        &[
            "build",
            chalk,
            "-o",
            out.to_str().unwrap(),
            "--set-file",
            &json,
            "--set",
            "external_id=from-flag",
        ],
        0,
    );
    let trust = std::fs::read_to_string(out.join("aws/chalk_api.trust.json")).unwrap();
    assert!(trust.contains("from-flag") && !trust.contains("from-file"));
    // A number is refused (an account id could lose a leading zero on the way), as are
    // an unknown name in the file, a list and a missing file.
    let bad = write(dir.path(), "n.yaml", "account_id: 123456789012\n");
    let err = exits(&["check", chalk, "--set-file", &bad], 2);
    assert!(err.contains("is not a string; quote it"), "{}", err);
    let bad = write(dir.path(), "u.json", r#"{"regoin": "us-east-1"}"#);
    let err = exits(&["check", chalk, "--set-file", &bad], 2);
    assert!(err.contains("u.json` names `regoin`"), "{}", err);
    assert!(err.contains("did you mean `region`?"), "{}", err);
    let bad = write(dir.path(), "l.yaml", "- a\n- b\n");
    exits(&["check", chalk, "--set-file", &bad], 2);
    let err = exits(&["check", chalk, "--set-file", "/no/such/file.json"], 2);
    assert!(err.contains("no such file"));
}

/// The implicit parameters land in generated names (every ARN holds `region` and
/// `account_id`), where no source string shows them: their values are checked too.
#[test]
fn implicit_parameters_are_checked_for_the_names_they_land_in() {
    let quickstart = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart.eng");
    let err = exits(
        &[
            "check",
            quickstart,
            "--set",
            "region=us-east-1\"}",
            "--set",
            "account_id=12345",
            "--set",
            "project_id=My Project",
            "--set",
            "subscription_id=prod",
        ],
        1,
    );
    for what in [
        "is not an AWS region",
        "is not an AWS account id",
        "is not a GCP project id",
        "is not an Azure subscription id",
    ] {
        assert!(err.contains(what), "{what}: {err}");
    }
    assert!(err.contains("from `--set region=...`"), "{err}");
    exits(
        &[
            "check",
            quickstart,
            "--set",
            "region=eu-central-2",
            "--set",
            "account_id=012345678901",
            "--set",
            "project_id=acme-prod-1",
            "--set",
            "subscription_id=00000000-1111-2222-3333-444444444444",
        ],
        0,
    );
}

/// Values never hold `${` or `%{`: they would be read as a placeholder by engc, or as
/// an interpolation or template by Terraform, CloudFormation and the shell. A default
/// is E0116 at the default; `--set` and `--set-file` are usage errors.
#[test]
fn values_with_template_syntax_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = AZURE.replace(
        "  param root = \"/\"\n",
        "  param rg = \"${file(\\\"/etc/passwd\\\")}\"\n",
    );
    let src = src.replace(
        "\"${root}\"",
        "\"/subscriptions/${subscription_id}/resourceGroups/${rg}\"",
    );
    let f = write(dir.path(), "t.eng", &src);
    let err = exits(&["check", &f], 1);
    assert!(
        err.contains("error[E0116]: the value of `rg` holds `${`"),
        "{err}"
    );
    assert!(err.contains("t.eng:4:14"), "at the default: {err}");

    let plain = write(
        dir.path(),
        "p.eng",
        &src.replace("param rg = \"${file(\\\"/etc/passwd\\\")}\"", "param rg"),
    );
    for v in ["rg=${x}", "rg=a%{ if true }b"] {
        let err = exits(&["check", &plain, "--set", v], 2);
        assert!(err.contains("values cannot hold"), "{v}: {err}");
    }
    let file = write(dir.path(), "v.yaml", "rg: \"${aws:username}\"\n");
    let err = exits(&["check", &plain, "--set-file", &file], 2);
    assert!(err.contains("the value of `rg` holds `${`"), "{err}");
    // `$` and `{` apart are fine.
    let o = engc(&["check", &plain, "--set", "rg=a$b{c}"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

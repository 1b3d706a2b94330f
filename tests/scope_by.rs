//! `scope by` (tests/fixtures/scope_by/vendor.eng): a store's over a level's over the
//! deployment's, in the policy and in the Terraform and CloudFormation documents that
//! carry it; a source without `scope by` is unchanged. The general rules (the union of
//! grants, `tag and name` as `name` with the tag) are properties in tests/properties.rs.

use engc::backend::Target;
use engc::model::AwsStatement;
use engc::{compile_str, Options};
use std::collections::BTreeSet;

const FIXTURE: &str = include_str!("fixtures/scope_by/vendor.eng");

fn build(src: &str) -> engc::Compilation {
    let c = compile_str(
        "vendor.eng",
        src,
        &Options {
            outputs: Some(BTreeSet::from([
                Target::Aws,
                Target::Terraform,
                Target::CloudFormation,
            ])),
            ..Options::default()
        },
    );
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c
}

fn file<'c>(c: &'c engc::Compilation, path: &str) -> &'c str {
    &c.output(path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn statements<'c>(c: &'c engc::Compilation, access: &str) -> &'c [AwsStatement] {
    &c.model
        .as_ref()
        .unwrap()
        .accesses
        .iter()
        .find(|a| a.name == access)
        .unwrap()
        .aws
}

/// The statements that grant `action`: (resources, whether under a tag condition).
fn placed(c: &engc::Compilation, access: &str, action: &str) -> Vec<(Vec<String>, bool)> {
    statements(c, access)
        .iter()
        .filter(|s| s.actions.iter().any(|a| a == action))
        .map(|s| (s.resources.clone(), !s.conditions.is_empty()))
        .collect()
}

#[test]
fn the_nearest_scope_by_wins() {
    let c = build(FIXTURE);
    let arn = |name: &str| format!("arn:aws:sqs:eu-west-1:111122223333:{name}");
    let table = "arn:aws:dynamodb:eu-west-1:111122223333:table/acme*";
    // worker: the deployment's `name`; `jobs` its own `tag and name`.
    assert_eq!(
        placed(&c, "worker", "sqs:DeleteQueue"),
        vec![
            (vec![arn("acme*")], true),
            (vec![arn("acme-events-*")], false)
        ]
    );
    let get = placed(&c, "worker", "dynamodb:GetItem");
    assert_eq!(get.len(), 1);
    assert!(
        get[0].0.contains(&table.to_string()) && !get[0].1,
        "{get:?}"
    );
    // auditor: the level's `tag` (`*` names; `events` keeps its written name);
    // `jobs` its own `tag and name`.
    let receive = placed(&c, "auditor", "sqs:ReceiveMessage");
    assert!(receive.iter().all(|(_, tagged)| *tagged), "{receive:?}");
    let resources: BTreeSet<&str> = receive
        .iter()
        .flat_map(|(r, _)| r.iter().map(String::as_str))
        .collect();
    assert_eq!(
        resources,
        BTreeSet::from([arn("acme*").as_str(), arn("acme-events-*").as_str()])
    );
    let get = placed(&c, "auditor", "dynamodb:GetItem");
    assert!(get.iter().all(|(r, tagged)| *tagged
        && r.contains(&"arn:aws:dynamodb:eu-west-1:111122223333:table/*".to_string())));
}

#[test]
fn the_documents_carry_it() {
    let c = build(FIXTURE);
    insta::assert_snapshot!("worker_policy", file(&c, "aws/worker.policy.json"));
    insta::assert_snapshot!("auditor_policy", file(&c, "aws/auditor.policy.json"));
    // Terraform and CloudFormation write the same statements.
    let policy: serde_json::Value =
        serde_json::from_str(file(&c, "aws/auditor.policy.json")).unwrap();
    let tf: serde_json::Value =
        serde_json::from_str(file(&c, "terraform/aws/main.tf.json")).unwrap();
    let tf_policy = tf["resource"]["aws_iam_policy"]["auditor"]["policy"]
        .as_str()
        .unwrap();
    let tf_policy: serde_json::Value = serde_json::from_str(tf_policy).unwrap();
    assert_eq!(tf_policy["Statement"], policy["Statement"]);
    let cfn = file(&c, "cloudformation/aws.template.json");
    assert!(cfn.contains("AuditorTagged"), "{cfn}");
}

#[test]
fn without_scope_by_nothing_changes() {
    // Removing every `scope by` gives what the default placement gives, and the levels
    // that no `scope by` reaches are the same either way.
    let plain = FIXTURE
        .lines()
        .filter(|l| !l.trim_start().starts_with("scope by") && !l.starts_with("//"))
        .map(|l| l.replace(" { scope by tag and name }", ""))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!plain.contains("scope by"));
    let with_one = plain.replace(
        "store tables: dynamodb",
        "store tables: dynamodb\nstore other: queue { scope by name }",
    );
    let (a, b) = (build(&plain), build(&with_one));
    for f in ["aws/worker.policy.json", "aws/auditor.policy.json"] {
        assert_eq!(file(&a, f), file(&b, f), "{f}");
    }
}

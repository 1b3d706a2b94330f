//! Dead grants judged against each statement's own resources (W0408, W0409, W0418,
//! W0419, W0420): each situation the checks must report, and the look-alikes they must
//! leave alone (negated operators, parent resources, actions granted on `*` elsewhere).

use engc::{compile_str, Options};
use std::collections::BTreeSet;

const HEADER: &str = r#"
deployment acme {
  clouds      aws
  managed_tag "acme.io/managed" = "true"
  param external_id = "acme-0001", region = "us-east-1", account_id = "111122223333"
}
principal vendor {
  aws role "arn:aws:iam::111122223333:role/acme-control-plane" external_id "${external_id}"
}
"#;

const DEAD: &[&str] = &["W0408", "W0409", "W0418", "W0419", "W0420"];

/// The dead-grant codes a level reports, and their messages and notes.
fn dead(level: &str) -> (BTreeSet<String>, String) {
    let src = format!("{HEADER}\naccess l for vendor unscoped \"test\" {{\n{level}\n}}\n");
    let c = compile_str("case.eng", &src, &Options::default());
    let mut codes = BTreeSet::new();
    let mut text = String::new();
    for d in &c.diagnostics {
        if DEAD.contains(&d.code.as_str()) {
            codes.insert(d.code.to_string());
            text.push_str(&format!(
                "{}: {} | {}\n",
                d.code,
                d.message,
                d.notes.join(" | ")
            ));
        }
    }
    (codes, text)
}

fn expect(level: &str, codes: &[&str], says: &[&str]) {
    let (got, text) = dead(level);
    let want: BTreeSet<String> = codes.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want, "{level}\n{text}");
    for s in says {
        assert!(text.contains(s), "expected `{s}` in:\n{text}");
    }
}

#[test]
fn request_tags_only_where_the_action_takes_them() {
    expect(
        r#"aws allow "ec2:StartInstances" on "arn:aws:ec2:*:*:instance/*"
             when StringEquals "aws:RequestTag/team" = "a""#,
        &["W0408"],
        &["never carries `aws:RequestTag/team` for `ec2:StartInstances`"],
    );
    expect(
        r#"aws allow "ec2:RunInstances" on "arn:aws:ec2:*:*:instance/*"
             when StringEquals "aws:RequestTag/team" = "a""#,
        &[],
        &[],
    );
}

#[test]
fn resource_tags_of_the_resources_granted() {
    // The statement names volumes, which CreateVolume creates: no tag yet.
    expect(
        r#"aws allow "ec2:CreateVolume" on "arn:aws:ec2:*:*:volume/*" when tag"#,
        &["W0409"],
        &["cannot match when creating: `ec2:CreateVolume`"],
    );
    // Authorized on the parent, which exists and carries its tags.
    expect(
        r#"aws allow "elasticloadbalancing:CreateRule"
             on "arn:aws:elasticloadbalancing:*:*:listener/app/*" when tag"#,
        &[],
        &[],
    );
    expect(
        r#"aws allow "eks:CreateNodegroup" on "arn:aws:eks:*:*:cluster/*" when tag"#,
        &[],
        &[],
    );
}

#[test]
fn an_absent_key_makes_negated_operators_true() {
    for op in [
        "StringNotEquals",
        "Null",
        "StringEqualsIfExists",
        "ForAllValues:StringEquals",
        "ArnNotLike",
    ] {
        expect(
            &format!(r#"aws allow "sqs:ListQueues" when {op} "aws:ResourceTag/team" = "a""#),
            &[],
            &[],
        );
    }
    expect(
        r#"aws allow "sqs:ListQueues" when StringEquals "aws:ResourceTag/team" = "a""#,
        &["W0408"],
        &[],
    );
    // A Deny whose condition is never true never applies: said so.
    let (_, text) = dead(
        r#"aws allow "sqs:*" on "*"
           aws deny "sqs:ListQueues" when StringEquals "aws:ResourceTag/team" = "a""#,
    );
    assert!(text.contains("W0408"), "{text}");
}

#[test]
fn partly_dead_wildcards_are_named_with_counts() {
    let (codes, text) = dead(r#"aws allow "sqs:*" on "*" when tag"#);
    assert!(codes.contains("W0408"), "{text}");
    assert!(text.contains("`sqs:*` ("), "{text}");
    assert!(text.contains(" of "), "{text}");
}

#[test]
fn actions_that_never_take_the_statements_resources() {
    expect(
        r#"aws allow "sqs:ListQueues" on "arn:aws:sqs:*:*:acme-*""#,
        &["W0418"],
        &["`sqs:ListQueues` takes no resource"],
    );
    expect(
        r#"aws allow "s3:GetObject" on "arn:aws:s3:::acme-data""#,
        &["W0418"],
        &[
            "`s3:GetObject` never acts on the resources",
            "`object` (arn:${Partition}:s3:::${BucketName}/${ObjectName})",
        ],
    );
    // A Deny aimed at the bucket never stops object reads.
    let (codes, text) = dead(
        r#"aws allow "s3:GetObject" on "arn:aws:s3:::acme-data/*"
           aws deny "s3:GetObject" on "arn:aws:s3:::acme-data""#,
    );
    assert!(codes.contains("W0418"), "{text}");
    // Granted on `*` unconditioned elsewhere in the level: not dead.
    expect(
        r#"aws allow ["sqs:ListQueues", "sqs:SendMessage"] on "arn:aws:sqs:*:*:acme-*"
           aws allow "sqs:ListQueues""#,
        &[],
        &[],
    );
}

#[test]
fn malformed_arns_per_the_catalog_formats() {
    expect(
        r#"aws allow "kms:DescribeKey" on "arn:aws:kms:us-east-1:111122223333:1234abcd""#,
        &["W0419"],
        &["`key` (arn:${Partition}:kms:${Region}:${Account}:key/${KeyId})"],
    );
    expect(
        r#"aws allow "ec2:DescribeImageAttribute" on "arn:aws:ec2:us-east-1:111122223333:image/ami-1""#,
        &["W0419"],
        &["an account id where the format has none"],
    );
    // A well-formed ARN of a type that no action of the statement takes.
    expect(
        r#"aws allow "s3:GetObject" on ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"]"#,
        &["W0419"],
        &["`arn:aws:s3:::acme-data` is a `bucket`, which no action of this statement takes"],
    );
    // Qualified Lambda ARNs, `arn:aws:ecr:*` and parameters are well formed.
    expect(
        r#"aws allow "lambda:InvokeFunction" on "arn:aws:lambda:*:*:function:acme-fn:*"
           aws allow "ecr:BatchGetImage" on "arn:aws:ecr:*"
           aws allow "sqs:SendMessage" on "arn:aws:sqs:${region}:${account_id}:acme-*""#,
        &[],
        &[],
    );
}

#[test]
fn repeated_statements() {
    expect(
        r#"aws allow ["sqs:SendMessage", "sqs:DeleteMessage"] on "arn:aws:sqs:*:*:a"
           aws allow ["sqs:deletemessage", "sqs:SendMessage"] on "arn:aws:sqs:*:*:a""#,
        &["W0420"],
        &[],
    );
    expect(
        r#"aws allow "sqs:SendMessage" on "arn:aws:sqs:*:*:a"
           aws deny "sqs:SendMessage" on "arn:aws:sqs:*:*:a"
           aws allow "sqs:SendMessage" on "arn:aws:sqs:*:*:b""#,
        &[],
        &[],
    );
}

/// A level of thousands of statements: an action granted on `*` (in any case, or by a
/// pattern) keeps every statement that also names it on a resource alive, and each
/// repeat is still reported. (The lookup of "granted on `*` elsewhere" scanned every
/// such statement for every action: quadratic in the level's size.)
#[test]
fn a_huge_level_is_judged_per_statement() {
    let n = 3000;
    let mut level = String::new();
    for i in 0..n {
        level.push_str(&format!(
            "aws allow \"sqs:listqueues\" on \"arn:aws:sqs:*:*:acme-{i}\"\naws allow \"SQS:ListQueues\"\n"
        ));
    }
    let (codes, text) = dead(&level);
    assert_eq!(
        codes,
        BTreeSet::from(["W0420".to_string()]),
        "{}",
        &text[..500]
    );
    assert_eq!(text.matches("W0420").count(), n - 1);
    let (codes, _) = dead(&format!("{level}aws allow \"sqs:List*\""));
    assert_eq!(codes, BTreeSet::from(["W0420".to_string()]));
    // Without the grant on `*`, every statement on a resource is dead.
    let resourced: String = level.lines().step_by(2).map(|l| format!("{l}\n")).collect();
    let (codes, text) = dead(&resourced);
    assert_eq!(codes, BTreeSet::from(["W0418".to_string()]));
    assert_eq!(text.matches("W0418").count(), n);
}

/// `*` under a condition, on `*`: judged over every action of the catalog (made one at a
/// time, never held), less what another statement grants on `*` unconditioned.
#[test]
fn star_under_a_condition_counts_the_whole_catalog() {
    let every = engc_core::catalog::aws::catalog().matching("*").len();
    let counts = |level: &str| -> (usize, usize) {
        let (codes, text) = dead(level);
        assert!(codes.contains("W0408"), "{text}");
        let note = text
            .split(" | ")
            .find(|n| n.contains("actions this statement grants"))
            .unwrap_or_else(|| panic!("{text}"));
        let n: Vec<usize> = note.split(' ').filter_map(|w| w.parse().ok()).collect();
        (n[0], n[1])
    };
    let (dead, total) = counts(r#"aws allow "*" on "*" when tag"#);
    assert_eq!(total, every);
    assert!(dead > 0 && dead < total, "{dead} of {total}");
    let sqs = engc_core::catalog::aws::catalog().matching("sqs:*").len();
    let (dead_less, total_again) = counts(
        r#"aws allow "*" on "*" when tag
           aws allow "sqs:*" on "*""#,
    );
    assert_eq!(total_again, every);
    assert!(
        dead_less < dead && dead - dead_less <= sqs,
        "{dead_less} {dead} {sqs}"
    );
}

/// An acknowledged W0408 is settled by the first dead action (the warning is removed
/// whatever it says), but the names written without a wildcard after it are still
/// judged: a create among them is a W0409, which the ack does not cover.
#[test]
fn an_acknowledged_tag_condition_still_finds_creates() {
    let statement =
        r#"aws allow ["ec2:*", "ec2:CreateVolume"] on "arn:aws:ec2:*:*:volume/*" when tag"#;
    // Unacknowledged: `ec2:*` has dead actions, and the create is named on its own.
    expect(
        statement,
        &["W0408", "W0409", "W0418"],
        &["`ec2:CreateVolume`"],
    );
    let src = format!(
        "{HEADER}\naccess l for vendor unscoped \"test\" {{\nack W0408 \"kept\"\n{statement}\n}}\n"
    );
    let c = compile_str("case.eng", &src, &Options::default());
    let codes: BTreeSet<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains("W0409"), "{codes:?}");
    // The ack is used (no W0601) and removes the W0408.
    assert!(
        !codes.contains("W0408") && !codes.contains("W0601"),
        "{codes:?}"
    );
}

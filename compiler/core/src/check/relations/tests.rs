//! Unit tests of `within`: the glob covering, and each cloud's gaps compiled from
//! small deployments.

use super::azure::scope_within;
use super::sets::{covers, disjoint};
use super::*;
use crate::{compile_str, Options};

/// The E07xx diagnostics of `src`, which must have no other error.
fn errors(src: &str) -> Vec<String> {
    let other = others(src);
    assert!(other.is_empty(), "{other:?}\n{src}");
    let c = compile_str("test.eng", src, &Options::default());
    c.diagnostics
        .iter()
        .filter(|d| d.code.as_str().starts_with("E07"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn others(src: &str) -> Vec<String> {
    let c = compile_str("test.eng", src, &Options::default());
    c.diagnostics
        .iter()
        .filter(|d| d.is_error() && !d.code.as_str().starts_with("E07"))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// Two levels on AWS: `outer` holds `outer_body`, `inner` holds `inner_body`.
fn aws(outer_body: &str, inner_body: &str) -> String {
    format!(
        r#"deployment shop {{
  clouds aws
  managed_tag "shop.example/managed" = "true"
}}
access setup unscoped "creates things" {{
{outer_body}
}}
access ongoing unscoped "reads things" {{
  within setup
{inner_body}
}}
"#
    )
}

#[test]
fn pattern_cover() {
    assert!(covers(
        "arn:aws:s3:::shop*",
        "arn:aws:s3:::shop-data*",
        false
    ));
    assert!(covers("*", "anything*", false));
    assert!(!covers(
        "arn:aws:s3:::shop-data*",
        "arn:aws:s3:::shop*",
        false
    ));
    assert!(!covers("arn:aws:s3:::SHOP*", "arn:aws:s3:::shop", false));
    assert!(covers("S3:get*", "s3:GetObject", true));
    // `?` matches one character, never a run.
    assert!(!covers("s3:Get?", "s3:Get*", true));
    assert!(covers("s3:Get?", "s3:Get?", true));
    assert!(covers("s3:Get*", "s3:Get?bject", true));
    assert!(!covers("s3:GetObject", "s3:Get*", true));
}

#[test]
fn pattern_disjoint() {
    assert!(disjoint("s3:Put*", "s3:Get*", true));
    assert!(!disjoint("s3:*", "s3:Get*", true));
    assert!(disjoint("arn:aws:s3:::a*", "arn:aws:s3:::b*", false));
    assert!(!disjoint("*-logs", "shop-*", false));
    assert!(disjoint("*.log", "*.txt", false));
    assert!(disjoint("s3:PutObject", "s3:Get*", true));
}

#[test]
fn wildcard_actions_are_expanded() {
    let src = aws(
        r#"  aws allow ["s3:Get*", "s3:List*"] on "*""#,
        r#"  aws allow ["s3:GetObject", "s3:Put*"] on "arn:aws:s3:::shop-data/*""#,
    );
    let e = errors(&src);
    assert!(!e.iter().any(|m| m.contains("s3:GetObject")), "{e:?}");
    // `s3:Put*` has no action `setup` grants: reported as the wildcard.
    assert!(
        e.contains(
            &"E0701: `s3:Put*` on `arn:aws:s3:::shop-data/*` is not granted by `setup`".to_string()
        ),
        "{e:?}"
    );

    // Partly covered: the rest is named action by action.
    let src = aws(
        r#"  aws allow ["s3:PutObject"] on "*""#,
        r#"  aws allow ["s3:PutObject*"] on "*""#,
    );
    let e = errors(&src);
    assert!(!e.iter().any(|m| m.contains("`s3:PutObject` (")), "{e:?}");
    assert!(
        e.contains(
            &"E0701: `s3:PutObjectAcl` (from `s3:PutObject*`) on `*` is not granted by `setup`"
                .to_string()
        ),
        "{e:?}"
    );
    // A wildcard covered as a whole needs no expansion.
    assert!(errors(&aws(
        r#"  aws allow ["*"] on "*""#,
        r#"  aws allow ["ec2:*"] on "*""#
    ))
    .is_empty());
}

#[test]
fn resource_coverage() {
    let outer = r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop*""#;
    assert!(errors(&aws(
        outer,
        r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop-data*""#
    ))
    .is_empty());
    let e = errors(&aws(
        outer,
        r#"  aws allow ["s3:GetObject"] on ["arn:aws:s3:::shop-data*", "arn:aws:s3:::other"]"#,
    ));
    assert_eq!(
        e,
        ["E0701: `s3:GetObject` on `arn:aws:s3:::other` is not granted by `setup`"]
    );
    // Resource `*` is covered only by `*`.
    let e = errors(&aws(outer, r#"  aws allow ["s3:GetObject"] on "*""#));
    assert_eq!(e.len(), 1, "{e:?}");
    // NotResource on the outer side: covers what is clearly outside the exclusion.
    let outer = r#"  aws allow ["s3:GetObject"] on not "arn:aws:s3:::secret*""#;
    assert!(errors(&aws(
        outer,
        r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop*""#
    ))
    .is_empty());
    assert_eq!(
        errors(&aws(
            outer,
            r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::*""#
        ))
        .len(),
        1
    );
}

#[test]
fn conditions_must_be_implied() {
    let tagged = r#"  aws allow ["sqs:SendMessage"] on "*" when tag"#;
    let plain = r#"  aws allow ["sqs:SendMessage"] on "*""#;
    // Fewer conditions are broader.
    assert!(errors(&aws(plain, tagged)).is_empty());
    assert!(errors(&aws(tagged, tagged)).is_empty());
    let e = errors(&aws(tagged, plain));
    assert_eq!(
        e,
        ["E0701: `sqs:SendMessage` on `*` is not granted by `setup`"]
    );
    // Fewer values of `StringEquals` are narrower; more of `StringNotEquals` are.
    let eq = |vals: &str| {
        format!(
            r#"  aws allow ["sqs:SendMessage"] on "*" when StringEquals "aws:RequestedRegion" = {vals}"#
        )
    };
    assert!(errors(&aws(
        &eq(r#"["eu-west-1", "eu-central-1"]"#),
        &eq(r#""eu-west-1""#)
    ))
    .is_empty());
    assert_eq!(
        errors(&aws(
            &eq(r#""eu-west-1""#),
            &eq(r#"["eu-west-1", "eu-central-1"]"#)
        ))
        .len(),
        1
    );
    let ne = |vals: &str| {
        format!(
            r#"  aws allow ["sqs:SendMessage"] on "*" when StringNotEquals "aws:RequestedRegion" = {vals}"#
        )
    };
    assert!(errors(&aws(
        &ne(r#""us-east-1""#),
        &ne(r#"["us-east-1", "us-west-2"]"#)
    ))
    .is_empty());
    assert_eq!(
        errors(&aws(
            &ne(r#"["us-east-1", "us-west-2"]"#),
            &ne(r#""us-east-1""#)
        ))
        .len(),
        1
    );
    // IfExists on the outer side is broader than the same operator without it.
    let ie = r#"  aws allow ["sqs:SendMessage"] on "*" when StringEqualsIfExists "aws:RequestedRegion" = "eu-west-1""#;
    assert!(errors(&aws(ie, &eq(r#""eu-west-1""#))).is_empty());
}

#[test]
fn outer_denies_break_unless_disjoint_or_denied_inside() {
    let outer = r#"  aws allow ["s3:*"] on "*"
  aws deny ["s3:DeleteBucket"] on "*""#;
    assert!(errors(&aws(outer, r#"  aws allow ["s3:GetObject"] on "*""#)).is_empty());
    let e = errors(&aws(outer, r#"  aws allow ["s3:Delete*"] on "*""#));
    assert!(
        e.contains(
            &"E0701: `s3:DeleteBucket` (from `s3:Delete*`) on `*` may be denied by `setup`"
                .to_string()
        ),
        "{e:?}"
    );
    // The inner level denies the same: nothing is lost.
    let inner = r#"  aws allow ["s3:Delete*"] on "*"
  aws deny ["s3:DeleteBucket"] on "*""#;
    assert!(errors(&aws(outer, inner)).is_empty());
}

#[test]
fn managed_policies() {
    let e = errors(&aws(
        r#"  aws managed_policy "ReadOnlyAccess""#,
        r#"  aws managed_policy "ReadOnlyAccess", "AmazonS3FullAccess""#,
    ));
    assert_eq!(
        e,
        ["E0701: AWS managed policy `arn:aws:iam::aws:policy/AmazonS3FullAccess` is not attached by `setup`"]
    );
    assert!(errors(&aws(
        r#"  aws managed_policy "AdministratorAccess""#,
        r#"  aws allow ["iam:PassRole"] on "*"
  aws managed_policy "AmazonS3FullAccess""#,
    ))
    .is_empty());
}

fn cloud(clouds: &str, outer_body: &str, inner_body: &str) -> String {
    format!(
        r#"deployment shop {{
  clouds {clouds}
}}
access setup unscoped "sets up" {{
{outer_body}
}}
access ongoing unscoped "runs" {{
  within setup
{inner_body}
}}
"#
    )
}

#[test]
fn gcp_sets() {
    let src = cloud(
        "gcp",
        r#"  gcp permissions ["storage.buckets.get", "storage.objects.get"]
  gcp role "roles/container.viewer""#,
        r#"  gcp permissions ["storage.objects.get", "storage.objects.delete"]
  gcp role "roles/container.admin""#,
    );
    assert_eq!(
        errors(&src),
        [
            "E0701: GCP permission `storage.objects.delete` is not granted by `setup`",
            "E0701: GCP role `roles/container.admin` is not bound by `setup`",
        ]
    );
}

#[test]
fn azure_actions_and_scopes() {
    let src = cloud(
        "azure",
        r#"  azure actions ["Microsoft.Storage/storageAccounts/*"]
  azure not_actions ["Microsoft.Storage/storageAccounts/delete"]
  azure scope "/subscriptions/${subscription_id}/resourceGroups/shop""#,
        r#"  azure actions ["microsoft.storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/*", "Microsoft.Compute/virtualMachines/read"]
  azure scope "/subscriptions/${subscription_id}/resourceGroups/shop/providers/Microsoft.Storage/storageAccounts/data", "/subscriptions/${subscription_id}""#,
    );
    let e = errors(&src);
    assert_eq!(
        e,
        [
            "E0701: Azure action `Microsoft.Storage/storageAccounts/*` is not wholly granted by `setup`",
            "E0701: Azure action `Microsoft.Compute/virtualMachines/read` is not granted by `setup`",
            "E0701: Azure scope `/subscriptions/${subscription_id}` is not within an assignable scope of `setup`",
        ],
        "{:?}",
        others(&src)
    );
    assert!(scope_within(
        "/subscriptions/a/resourceGroups/b",
        "/subscriptions/a"
    ));
    assert!(!scope_within("/subscriptions/ab", "/subscriptions/a"));
}

#[test]
fn k8s_namespaces() {
    let outer = r#"  k8s role "shop-jobs" in "shop" {
    rule groups ["batch"] resources ["jobs"] verbs ["get", "list", "watch", "create"]
  }
  k8s cluster_role "shop-view" {
    rule groups [""] resources ["configmaps"] names ["shop-config"] verbs ["get"]
    rule groups ["apps"] resources ["*"] verbs ["*"]
  }"#;
    // Same namespace: covered; ClusterRoles cover every namespace.
    let ok = r#"  k8s role "shop-jobs-ro" in "shop" {
    rule groups ["batch"] resources ["jobs"] verbs ["get", "list"]
    rule groups ["apps"] resources ["deployments", "deployments/scale"] verbs ["patch"]
    rule groups [""] resources ["configmaps"] names ["shop-config"] verbs ["get"]
  }"#;
    let src = cloud("aws", outer, ok);
    assert!(errors(&src).is_empty(), "{:?}", errors(&src));
    // Another namespace is not covered by a Role; no name is not covered by names.
    let bad = r#"  k8s role "other-jobs" in "other" {
    rule groups ["batch"] resources ["jobs"] verbs ["get"]
    rule groups [""] resources ["configmaps"] verbs ["get"]
  }
  k8s cluster_role "jobs-everywhere" {
    rule groups ["batch"] resources ["jobs"] verbs ["list"]
  }"#;
    assert_eq!(
        errors(&cloud("aws", outer, bad)),
        [
            "E0701: `get` on `batch/jobs` in namespace `other` is not granted by `setup`",
            "E0701: `get` on `configmaps` in namespace `other` is not granted by `setup`",
            "E0701: `list` on `batch/jobs` in every namespace is not granted by `setup`",
        ]
    );
}

#[test]
fn within_itself_and_capping() {
    let src = r#"deployment shop {
  clouds gcp
}
access setup scoped {
  within setup
  gcp permissions ["storage.buckets.get"]
}
"#;
    assert_eq!(
        errors(src),
        ["E0702: access level `setup` is declared within itself"]
    );
    let perms: Vec<String> = (0..25)
        .map(|i| format!("\"storage.objects{i}.get\""))
        .collect();
    let src = cloud(
        "gcp",
        r#"  gcp permissions ["storage.buckets.get"]"#,
        &format!("  gcp permissions [{}]", perms.join(", ")),
    );
    let c = compile_str("test.eng", &src, &Options::default());
    let e: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::diag::Code::E0701)
        .collect();
    assert_eq!(e.len(), MAX_REPORTED);
    assert!(e.iter().any(|d| d
        .notes
        .iter()
        .any(|n| n.contains("15 more") && n.contains("25 in all"))));
}

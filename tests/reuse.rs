//! `grants` groups, `include` and `if` (tests/fixtures/reuse/vendor.eng): the variants
//! a parameter picks, what the manifest records, and where diagnostics on included
//! lines point. The equivalence of an include with its lines written inline is a
//! property in tests/properties.rs.

use engc::backend::Target;
use engc::render::plain;
use engc::{compile_str, Options};
use std::collections::BTreeSet;

const FIXTURE: &str = include_str!("fixtures/reuse/vendor.eng");

fn build(src: &str, set: &[(&str, &str)]) -> engc::Compilation {
    compile_str(
        "vendor.eng",
        src,
        &Options {
            set: set
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            outputs: Some(BTreeSet::from([Target::Aws])),
            ..Options::default()
        },
    )
}

fn file<'c>(c: &'c engc::Compilation, path: &str) -> &'c str {
    &c.output(path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn actions(c: &engc::Compilation, access: &str) -> BTreeSet<String> {
    let m = c.model.as_ref().expect("no errors");
    m.accesses
        .iter()
        .find(|a| a.name == access)
        .unwrap()
        .aws
        .iter()
        .flat_map(|s| s.actions.clone())
        .collect()
}

#[test]
fn the_mode_picks_the_variant_and_the_manifest_records_it() {
    let default = build(FIXTURE, &[]);
    assert!(!default.has_errors(), "{:?}", default.diagnostics);
    let setup = actions(&default, "setup");
    assert!(setup.contains("ec2:CreateVpc") && !setup.contains("ec2:DescribeVpcs"));
    assert!(!setup.contains("ec2:CreateVpcEndpoint"));
    let manifest: serde_json::Value =
        serde_json::from_str(file(&default, "manifest.json")).unwrap();
    assert_eq!(
        manifest["modes"],
        serde_json::json!({"private_link": "off", "vpc": "create"})
    );

    let other = build(FIXTURE, &[("vpc", "import"), ("private_link", "on")]);
    assert!(!other.has_errors(), "{:?}", other.diagnostics);
    let setup = actions(&other, "setup");
    assert!(!setup.contains("ec2:CreateVpc") && setup.contains("ec2:DescribeVpcs"));
    // Through `include network` then `include private_link`.
    assert!(setup.contains("ec2:CreateVpcEndpoint"));
    let manifest: serde_json::Value = serde_json::from_str(file(&other, "manifest.json")).unwrap();
    assert_eq!(
        manifest["modes"],
        serde_json::json!({"private_link": "on", "vpc": "import"})
    );
    assert_ne!(
        file(&default, "aws/setup.policy.json"),
        file(&other, "aws/setup.policy.json")
    );
    // The level that includes only `observe` is the same in both.
    assert_eq!(
        file(&default, "aws/ongoing.policy.json"),
        file(&other, "aws/ongoing.policy.json")
    );
}

#[test]
fn both_levels_get_the_groups_lines_as_if_written_inline() {
    let c = build(FIXTURE, &[]);
    let inline = FIXTURE.replace(
        "access ongoing for control scoped {\n  include observe\n}",
        "access ongoing for control scoped {\n  read store data, jobs\n  aws allow [\"logs:GetLogEvents\", \"logs:FilterLogEvents\"]\n    on \"arn:aws:logs:${region}:${account_id}:log-group:/vendor/*\"\n}",
    );
    assert_ne!(inline, FIXTURE);
    let i = build(&inline, &[]);
    assert_eq!(
        file(&c, "aws/ongoing.policy.json"),
        file(&i, "aws/ongoing.policy.json")
    );
}

const WARNED: &str = r#"
deployment d {
  clouds aws
  managed_tag "d.example/managed" = "true"
}

grants wide {
  aws allow ["sqs:SendMessage"] on "*"
}

access one scoped {
  include wide
}

access two scoped {
  include wide
  ack W0410 "reviewed for this level"
}
"#;

#[test]
fn a_diagnostic_on_an_included_line_names_the_level_and_an_ack_there_covers_it() {
    let c = compile_str("d.eng", WARNED, &Options::default());
    let w: Vec<_> = c.diagnostics.iter().filter(|d| d.code == "W0410").collect();
    // Included by two levels, acknowledged in one.
    assert_eq!(w.len(), 1, "{:?}", c.diagnostics);
    let text = plain(&c.sources, &c.diagnostics);
    let line = WARNED
        .lines()
        .position(|l| l.contains("sqs:SendMessage"))
        .unwrap()
        + 1;
    assert!(text.contains(&format!("d.eng:{line}:")), "{text}");
    assert!(
        text.contains("included into access level `one` here"),
        "{text}"
    );
    assert!(
        text.contains("in access level `one`, through `include wide`"),
        "{text}"
    );
    assert!(!text.contains("W0601"), "the ack is used: {text}");
}

#[test]
fn a_guard_cannot_depend_on_a_value_set_per_customer() {
    let c = compile_str(
        "vendor.eng",
        FIXTURE,
        &Options {
            unset: BTreeSet::from(["vpc".to_string()]),
            ..Options::default()
        },
    );
    assert!(
        c.diagnostics.iter().any(|d| d.code == "E0129"),
        "{:?}",
        c.diagnostics
    );
}

/// Where no level includes or tests anything, the expanded files are the parsed files
/// themselves (not a copy); with an `include`, a copy with the group's lines in place.
#[test]
fn a_file_without_include_or_if_is_expanded_without_a_copy() {
    use std::borrow::Cow;
    let plain = "deployment d { clouds aws }\nprincipal p { aws role \"arn:aws:iam::111122223333:role/p\" }\nstore s: bucket\naccess a for p scoped { read store s }\n";
    let c = build(plain, &[]);
    let x = c.expanded(&Options::default());
    assert!(matches!(x.files, Cow::Borrowed(_)));
    assert_eq!(format!("{:?}", x.files), format!("{:?}", c.files));
    let c = build(FIXTURE, &[]);
    let x = c.expanded(&Options::default());
    assert!(matches!(x.files, Cow::Owned(_)));
    assert_ne!(format!("{:?}", x.files), format!("{:?}", c.files));
}

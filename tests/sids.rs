//! Sids of the statements abstract grants generate: the level's name by default, a
//! grant's `as "SID"` instead, none with `as ""`; naming never changes what is granted,
//! and a generated Sid that another statement of the level uses is E0114.

use engc::backend::Target;
use engc::model::AwsStatement;
use engc::{compile_str, Compilation, Options};
use std::collections::BTreeSet;

const HEAD: &str = r#"
deployment shop {
  clouds aws
  managed_tag "shop.example/managed" = "true"
  name_prefix "shop"
  param account_id = "111122223333", region = "eu-west-1"
}
principal vendor {
  aws role "arn:aws:iam::111122223333:role/x" external_id "abc"
}
store data: s3 { name "shop-data" }
store q: queue
store logs: logs
"#;

fn compile(level: &str) -> Compilation {
    let options = Options {
        outputs: Some(BTreeSet::from([Target::Aws])),
        ..Options::default()
    };
    compile_str("shop.eng", &format!("{HEAD}{level}"), &options)
}

fn statements(c: &Compilation) -> &[AwsStatement] {
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    &c.model.as_ref().unwrap().accesses[0].aws
}

fn sids(c: &Compilation) -> Vec<Option<String>> {
    statements(c).iter().map(|s| s.sid.clone()).collect()
}

/// Every (action, resource, conditions) triple the level grants.
fn grants(c: &Compilation) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for st in statements(c) {
        for a in &st.actions {
            for r in &st.resources {
                out.insert((a.clone(), r.clone(), format!("{:?}", st.conditions)));
            }
        }
    }
    out
}

fn some(names: &[&str]) -> Vec<Option<String>> {
    names.iter().map(|s| Some(s.to_string())).collect()
}

#[test]
fn the_level_name_is_the_default_base() {
    let c = compile("access ops for vendor scoped {\n  read store data\n}\n");
    assert_eq!(sids(&c), some(&["OpsTagged", "OpsGlobal"]));
}

#[test]
fn as_names_the_statements_of_its_grant() {
    let c = compile(
        "access ops for vendor scoped {\n  read store data as \"DataRead\"\n  write store q\n  permissions store data as \"Perms\"\n}\n",
    );
    // Several statements: BASE + how each is scoped; a single one: exactly BASE.
    assert_eq!(
        sids(&c),
        some(&[
            "OpsTagged",
            "OpsTagOnCreate",
            "DataReadTagged",
            "DataReadGlobal",
            "Perms"
        ])
    );
}

#[test]
fn an_empty_as_leaves_the_sid_out() {
    let c = compile("access ops for vendor scoped {\n  read store data as \"\"\n}\n");
    assert_eq!(sids(&c), vec![None, None]);
    let json = &c.output("aws/ops.policy.json").unwrap().contents;
    assert!(!json.contains("\"Sid\""), "{json}");
}

#[test]
fn naming_never_changes_what_is_granted() {
    let plain = compile("access ops for vendor scoped {\n  read store data, q\n  write store q\n  list store logs\n}\n");
    for named in [
        "access ops for vendor scoped {\n  read store data, q as \"R\"\n  write store q as \"\"\n  list store logs as \"L\"\n}\n",
        "access ops for vendor scoped {\n  read store data, q as \"A\"\n  write store q as \"A\"\n  list store logs as \"A\"\n}\n",
    ] {
        assert_eq!(grants(&plain), grants(&compile(named)), "{named}");
    }
}

#[test]
fn grants_included_from_a_group_keep_their_sid() {
    let c = compile(
        "grants reading {\n  read store data as \"Reading\"\n}\naccess ops for vendor scoped {\n  include reading\n}\n",
    );
    assert_eq!(sids(&c), some(&["ReadingTagged", "ReadingGlobal"]));
}

#[test]
fn a_generated_sid_used_again_is_e0114_at_both_names() {
    let src = "access ops for vendor scoped {\n  permissions store data as \"Perms\"\n  aws allow [\"s3:GetBucketPolicy\"] as \"Perms\"\n}\n";
    let c = compile(src);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E0114")
        .unwrap_or_else(|| panic!("no E0114: {:#?}", c.diagnostics));
    let text = format!("{HEAD}{src}");
    let at = |span: engc::source::Span| &text[span.start as usize..span.end as usize];
    assert_eq!(at(d.span), "\"Perms\"");
    assert!(d.message.contains("`Perms` is used twice"), "{}", d.message);
    // The other name is the grant's `as`, before it.
    let other = d.secondary.first().expect("the first use is shown").span;
    assert!(other.start < d.span.start);
    assert_eq!(at(other), "\"Perms\"");
}

//! Writes a [`Desc`] as `.eng` text: the deployment (clouds, the managed tag when
//! every tag condition names the same one, parameters and external references found
//! in the text), the principals, then the access levels. The command line runs the
//! result through the formatter.

use super::{Access, Desc, K8sRole, Principal, Statement};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Parameters every deployment has without declaring them.
const IMPLICIT: &[&str] = &[
    "account_id",
    "project_id",
    "region",
    "subscription_id",
    "prefix",
];

/// A `.eng` string literal.
pub fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {} // not expressible; the importer refuses such values
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `"a"` for one string, `["a", "b"]` for several, one per line when long.
pub fn strings<S: AsRef<str>>(list: &[S]) -> String {
    if list.len() == 1 {
        return q(list[0].as_ref());
    }
    let items: Vec<String> = list.iter().map(|s| q(s.as_ref())).collect();
    let flat = format!("[{}]", items.join(", "));
    if flat.len() <= 60 {
        return flat;
    }
    let mut out = String::from("[\n");
    for i in items {
        let _ = writeln!(out, "  {i},");
    }
    out.push(']');
    out
}

/// ` when OP "KEY" = VALUES and ...` (empty without conditions); `tag` names the
/// managed tag, written `tag` / `request_tag`.
pub fn when(conds: &[(String, String, Vec<String>)], tag: Option<&(String, String)>) -> String {
    let mut parts = Vec::new();
    for (op, key, values) in conds {
        if let Some((k, v)) = tag {
            if op == "StringEquals" && values.len() == 1 && values[0] == *v {
                if key.strip_prefix("aws:ResourceTag/") == Some(k) {
                    parts.push("tag".to_string());
                    continue;
                }
                if key.strip_prefix("aws:RequestTag/") == Some(k) {
                    parts.push("request_tag".to_string());
                    continue;
                }
            }
        }
        parts.push(format!("{op} {} = {}", q(key), strings(values)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" when {}", parts.join(" and "))
    }
}

/// The one managed tag all tag conditions of the statements test, if there is one.
pub(super) fn managed_tag(desc: &Desc) -> Option<(String, String)> {
    let mut tags = BTreeSet::new();
    for a in desc.accesses.values() {
        for s in &a.aws {
            for (op, key, values) in &s.conditions {
                let k = key
                    .strip_prefix("aws:ResourceTag/")
                    .or_else(|| key.strip_prefix("aws:RequestTag/"));
                if let (Some(k), "StringEquals", [v]) = (k, op.as_str(), values.as_slice()) {
                    tags.insert((k.to_string(), v.clone()));
                }
            }
        }
    }
    (tags.len() == 1).then(|| tags.into_iter().next().expect("one"))
}

pub fn eng(desc: &Desc) -> String {
    let deployment = desc
        .deployment
        .clone()
        .unwrap_or_else(|| "imported".to_string());
    let tag = desc.managed_tag.clone();
    let mut body = String::new();
    for (name, p) in &desc.principals {
        principal(&mut body, name, p);
    }
    for (name, a) in &desc.accesses {
        access(&mut body, &deployment, name, a, tag.as_ref());
    }
    for decl in desc
        .accesses
        .values()
        .flat_map(|a| &a.abstract_decls)
        .collect::<BTreeSet<_>>()
    {
        let _ = writeln!(body, "{decl}\n");
    }

    let mut clouds = Vec::new();
    let aws = desc
        .principals
        .values()
        .any(|p| p.aws_role.is_some() || !p.trusts.is_empty())
        || desc
            .accesses
            .values()
            .any(|a| !a.aws.is_empty() || !a.managed.is_empty());
    let gcp = desc.accesses.values().any(|a| {
        !a.gcp_permissions.is_empty() || !a.gcp_roles.is_empty() || !a.gcp_binds.is_empty()
    });
    let azure = desc
        .accesses
        .values()
        .any(|a| a.azure.iter().any(|l| !l.is_empty()) || !a.azure_assigns.is_empty());
    if aws || !(gcp || azure) {
        clouds.push("aws");
    }
    if gcp {
        clouds.push("gcp");
    }
    if azure {
        clouds.push("azure");
    }
    let (params, externals) = placeholders(&body);
    let mut out = String::from(
        "// Written by `engc import`. Review it with `engc check`, which reports what the\n\
         // documents grant that a reviewer should see.\n\n",
    );
    let _ = writeln!(out, "deployment {} {{", super::ident(&deployment));
    let _ = writeln!(out, "  clouds {}", clouds.join(", "));
    if let Some((k, v)) = &tag {
        let _ = writeln!(out, "  managed_tag {} = {}", q(k), q(v));
    }
    if let Some(p) = &desc.name_prefix {
        let _ = writeln!(out, "  name_prefix {}", q(p));
    }
    if !params.is_empty() {
        let _ = writeln!(
            out,
            "  param {}",
            params.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    if !externals.is_empty() {
        let _ = writeln!(
            out,
            "  external {}",
            externals.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    out.push_str("}\n\n");
    out.push_str(&body);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The `${name}` parameters (not the implicit ones) and `${a.b}` references in `text`.
fn placeholders(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut params = BTreeSet::new();
    let mut externals = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find('}') else { break };
        let inner = &rest[..end];
        let plain = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if plain(inner) {
            if !IMPLICIT.contains(&inner) {
                params.insert(inner.to_string());
            }
        } else if inner.contains('.')
            && inner.split('.').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
            && plain(inner.split('.').next().unwrap_or(""))
        {
            externals.insert(inner.to_string());
        }
        rest = &rest[end..];
    }
    (params, externals)
}

fn principal(out: &mut String, name: &str, p: &Principal) {
    let _ = writeln!(out, "principal {name} {{");
    if let Some((arn, ext)) = &p.aws_role {
        let _ = write!(out, "  aws role {}", q(arn));
        if let Some(ext) = ext {
            let _ = write!(out, " external_id {}", q(ext));
        }
        out.push('\n');
    }
    for t in &p.trusts {
        let _ = writeln!(out, "  aws trust {t}");
    }
    match &p.instance_profile {
        Some(Some(n)) => {
            let _ = writeln!(out, "  aws instance_profile {}", q(n));
        }
        Some(None) => out.push_str("  aws instance_profile\n"),
        None => {}
    }
    if let Some(b) = &p.boundary {
        let _ = writeln!(out, "  aws boundary {b}");
    }
    if let Some(sa) = &p.gcp_service_account {
        let _ = write!(out, "  gcp service_account {}", q(sa));
        if !p.impersonated_by.is_empty() {
            let _ = write!(out, " impersonated_by {}", strings(&p.impersonated_by));
        }
        out.push('\n');
    }
    if let Some(id) = &p.azure_service_principal {
        let _ = writeln!(out, "  azure service_principal {}", q(id));
    }
    if let Some((sa, ns)) = &p.k8s_service_account {
        let _ = writeln!(out, "  k8s service_account {} in {}", q(sa), q(ns));
    }
    out.push_str("}\n\n");
}

fn access(
    out: &mut String,
    deployment: &str,
    name: &str,
    a: &Access,
    tag: Option<&(String, String)>,
) {
    let _ = write!(out, "access {name}");
    if let Some(p) = &a.principal {
        let _ = write!(out, " for {p}");
    }
    match &a.unscoped {
        Some(reason) => {
            let _ = writeln!(out, " unscoped {} {{", q(reason));
        }
        None => out.push_str(" scoped {\n"),
    }
    if let Some(t) = a.title.as_ref().filter(|t| *t != name) {
        let _ = writeln!(out, "  title {}", q(t));
    }
    let default_description = format!("engc: {deployment} access level {name}");
    if let Some(d) = a
        .description
        .as_ref()
        .filter(|d| **d != default_description)
    {
        let _ = writeln!(out, "  description {}", q(d));
    }
    let default_id = format!("{deployment}_{name}").replace('-', "_");
    if let Some(id) = a
        .gcp_role_id
        .as_ref()
        .filter(|id| **id != default_id && !a.gcp_permissions.is_empty())
    {
        let _ = writeln!(out, "  gcp role_id {}", q(id));
    }
    if a.aws_inline {
        out.push_str("  aws inline\n");
    }
    for l in &a.abstract_lines {
        let _ = writeln!(out, "  {l}");
    }
    for s in &a.aws {
        let _ = writeln!(out, "  {}", statement(s, tag));
    }
    if !a.managed.is_empty() {
        let _ = writeln!(out, "  aws managed_policy {}", strings(&a.managed));
    }
    if !a.gcp_permissions.is_empty() {
        let _ = writeln!(out, "  gcp permissions {}", strings(&a.gcp_permissions));
    }
    if !a.gcp_roles.is_empty() {
        let _ = writeln!(out, "  gcp role {}", strings(&a.gcp_roles));
    }
    for (word, list) in ["actions", "not_actions", "data_actions", "not_data_actions"]
        .iter()
        .zip(&a.azure)
    {
        if !list.is_empty() {
            let _ = writeln!(out, "  azure {word} {}", strings(list));
        }
    }
    if !a.azure_scopes.is_empty() {
        let _ = writeln!(out, "  azure scope {}", strings(&a.azure_scopes));
    }
    for r in &a.k8s {
        k8s_role(out, r);
    }
    for b in &a.gcp_binds {
        let _ = writeln!(out, "  gcp bind {b}");
    }
    for b in &a.azure_assigns {
        let _ = writeln!(out, "  azure assign {b}");
    }
    for b in &a.k8s_binds {
        let _ = writeln!(out, "  k8s bind {b}");
    }
    out.push_str("}\n\n");
}

/// One `aws allow|deny` line.
pub fn statement(s: &Statement, tag: Option<&(String, String)>) -> String {
    let mut line = String::from(if s.allow { "aws allow " } else { "aws deny " });
    if s.not_action {
        line.push_str("not ");
    }
    line.push_str(&strings(&s.actions));
    if let Some(r) = &s.resources {
        line.push_str(" on ");
        if s.not_resource {
            line.push_str("not ");
        }
        line.push_str(&strings(r));
    }
    line.push_str(&when(&s.conditions, tag));
    if let Some(sid) = &s.sid {
        let _ = write!(line, " as {}", q(sid));
    }
    line
}

fn k8s_role(out: &mut String, r: &K8sRole) {
    if r.cluster {
        let _ = writeln!(out, "  k8s cluster_role {} {{", q(&r.name));
    } else {
        let ns = r.namespace.as_deref().unwrap_or_default();
        let _ = writeln!(out, "  k8s role {} in {} {{", q(&r.name), q(ns));
    }
    for rule in &r.rules {
        let mut line = String::from("    rule");
        for (word, list) in [
            ("groups", &rule.groups),
            ("resources", &rule.resources),
            ("verbs", &Some(rule.verbs.clone())),
            ("names", &rule.names),
            ("urls", &rule.urls),
        ] {
            if let Some(list) = list {
                let _ = write!(line, " {word} {}", flat(list));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    out.push_str("  }\n");
}

/// A bracketed list on one line (rules read best so).
fn flat(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|s| q(s)).collect();
    format!("[{}]", items.join(", "))
}

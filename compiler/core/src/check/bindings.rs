//! `gcp bind`, `azure assign`, `k8s bind` and aggregated ClusterRoles: role names, IAM
//! conditions, subjects, selectors, and who the binding reaches. Values that land in a
//! slot (members, scopes, bucket names, namespaces) are checked by `values.rs` once
//! parameters are filled; this checks what has a meaning beyond its shape.

use crate::catalog::azure_roles;
use crate::check::cloud_names::gcp_role_name;
use crate::diag::{Code, Diagnostic};
use crate::lower::bindings::{azure_role, k8s_subject};
use crate::resolve::decls::Decls;
use crate::resolve::params::Params;

const BASIC_ROLES: &[&str] = &["roles/owner", "roles/editor", "roles/viewer"];
const PUBLIC: &[&str] = &["allUsers", "allAuthenticatedUsers"];

pub fn check(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        let principal = a
            .principal
            .as_ref()
            .and_then(|p| decls.principals.get(p.node.as_str()));
        for b in &a.gcp_binds {
            for r in &b.roles {
                gcp_role_name(r, "roles/storage.objectViewer", diags);
            }
            if let Some((when, expr, title)) = &b.condition {
                if expr.node.trim().is_empty() {
                    diags.push(
                        Diagnostic::new(Code::E0901, expr.span, "the IAM condition is empty")
                            .label("expected a CEL expression")
                            .help("write the condition, such as `resource.name.startsWith(\"projects/_/buckets/data/objects/in/\")`"),
                    );
                }
                match title {
                    None => diags.push(
                        Diagnostic::new(Code::E0901, *when, "the IAM condition has no title")
                            .label("GCP requires a title for every condition")
                            .help("add `as \"TITLE\"` after the expression"),
                    ),
                    Some(t) if t.node.trim().is_empty() => diags.push(
                        Diagnostic::new(Code::E0901, t.span, "the IAM condition's title is empty")
                            .label("GCP requires a title for every condition")
                            .help("say in a few words what the condition allows"),
                    ),
                    Some(_) => {}
                }
                for r in b
                    .roles
                    .iter()
                    .filter(|r| BASIC_ROLES.contains(&r.node.as_str()))
                {
                    diags.push(
                        Diagnostic::new(
                            Code::E0909,
                            r.span,
                            format!("GCP refuses a condition on the basic role `{}`", r.node),
                        )
                        .with_secondary(*when, "the condition")
                        .help("bind a predefined role instead, or drop the condition"),
                    );
                }
                for m in b
                    .members
                    .iter()
                    .filter(|m| PUBLIC.contains(&m.node.as_str()))
                {
                    diags.push(
                        Diagnostic::new(
                            Code::E0909,
                            m.span,
                            format!("GCP refuses a condition for the public member `{}`", m.node),
                        )
                        .with_secondary(*when, "the condition")
                        .help("name the members, or drop the condition"),
                    );
                }
            }
            if b.members.is_empty()
                && principal
                    .and_then(|p| p.gcp_service_account.as_ref())
                    .is_none()
            {
                diags.push(no_members(
                    b.span,
                    a.principal.is_some(),
                    "gcp service_account",
                    "\"serviceAccount:EMAIL\"",
                ));
            }
        }
        for z in &a.azure_assigns {
            for r in &z.roles {
                let name = params.render(&r.node);
                if azure_role(&name).is_some() {
                    continue;
                }
                let mut d = Diagnostic::new(
                    Code::E0903,
                    r.span,
                    format!("`{name}` is not an Azure built-in role engc knows"),
                )
                .label("expected a built-in role's name, or a role definition id (a GUID)");
                d = match azure_roles::suggest(&name) {
                    Some(s) => d.suggest(r.span, format!("\"{s}\""), format!("did you mean `{s}`?")),
                    None => d.help("write the role definition's id: `az role definition list --name \"NAME\" --query [].name`"),
                };
                diags.push(d);
            }
            if z.principals.is_empty()
                && principal.and_then(|p| p.azure_principal.as_ref()).is_none()
            {
                diags.push(no_members(
                    z.span,
                    a.principal.is_some(),
                    "azure service_principal",
                    "\"OBJECT_ID\"",
                ));
            }
        }
        for k in &a.k8s_binds {
            if !k.cluster_role && k.namespace.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::E0905,
                        k.role.span,
                        format!("the Role `{}` is bound without a namespace", k.role.node),
                    )
                    .label("a Role lives in a namespace; its RoleBinding must be there too")
                    .help("add `in \"NAMESPACE\"`, or bind a `cluster_role`"),
                );
            }
            for s in &k.subjects {
                if k8s_subject(&params.render(&s.node)).is_none() {
                    diags.push(
                        Diagnostic::new(
                            Code::E0904,
                            s.span,
                            format!("`{}` is not a Kubernetes subject", s.node),
                        )
                        .label(
                            "expected `user:NAME`, `group:NAME` or `serviceaccount:NAMESPACE/NAME`",
                        )
                        .help("write the subject's kind first, such as `group:shop-operators`"),
                    );
                }
            }
            if k.subjects.is_empty()
                && principal
                    .and_then(|p| p.k8s_service_account.as_ref())
                    .is_none()
            {
                diags.push(no_members(
                    k.span,
                    a.principal.is_some(),
                    "k8s service_account",
                    "\"user:NAME\"",
                ));
            }
        }
        for r in &a.k8s {
            for s in r.aggregate.iter().chain(&r.labels) {
                let v = params.render(&s.node);
                if let Some(why) = bad_labels(&v) {
                    diags.push(
                        Diagnostic::new(Code::E0906, s.span, format!("`{v}` is not a label selector"))
                            .label(why)
                            .help("write `KEY=VALUE`, such as `shop.example/aggregate-to-view=true`; several as `a=b,c=d`"),
                    );
                }
            }
            if !r.aggregate.is_empty() {
                if let Some(rule) = r.rules.first() {
                    diags.push(
                        Diagnostic::new(
                            Code::W0907,
                            rule.span,
                            "an aggregated ClusterRole's rules are replaced by those of the roles it selects",
                        )
                        .label("this rule is overwritten by the controller")
                        .help("move the rules to a ClusterRole with the selected `labels`"),
                    );
                }
            }
        }
    }
}

fn no_members(
    span: crate::source::Span,
    has_principal: bool,
    identity: &str,
    example: &str,
) -> Diagnostic {
    let d = Diagnostic::new(Code::E0908, span, "this binding has no member")
        .label("no `to`, and nothing to bind by default");
    if has_principal {
        d.help(format!(
            "give the principal a `{identity}`, or add `to {example}`"
        ))
    } else {
        d.help(format!(
            "add `to {example}`, or `for PRINCIPAL` to the access level"
        ))
    }
}

/// Why `a=b,c=d` is not a selector: label keys are `[prefix/]name`, names and values
/// up to 63 characters of letters, digits, `-`, `_` and `.`.
fn bad_labels(v: &str) -> Option<&'static str> {
    if v.contains("${") {
        return None;
    }
    let name = |s: &str, empty_ok: bool| {
        (empty_ok && s.is_empty())
            || (!s.is_empty()
                && s.len() <= 63
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                && s.starts_with(|c: char| c.is_ascii_alphanumeric())
                && s.ends_with(|c: char| c.is_ascii_alphanumeric()))
    };
    for pair in v.split(',') {
        let Some((k, val)) = pair.split_once('=') else {
            return Some("expected `KEY=VALUE`");
        };
        let key_name = match k.rsplit_once('/') {
            Some((prefix, n)) => {
                if prefix.is_empty()
                    || prefix.len() > 253
                    || !prefix
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
                {
                    return Some("the key's prefix must be a DNS subdomain");
                }
                n
            }
            None => k,
        };
        if !name(key_name, false) {
            return Some("label names are up to 63 letters, digits, `-`, `_` and `.`");
        }
        if !name(val, true) {
            return Some("label values are up to 63 letters, digits, `-`, `_` and `.`");
        }
    }
    None
}

//! Catalog entries: AWS actions, resource types and condition keys, GCP permissions,
//! Azure operations, Kubernetes resources and API groups (built in or declared).

use super::{short_list, LIST_MAX};
use crate::Analysis;
use engc_core::catalog;
use engc_core::syntax::ast::{self, Item};
use std::fmt::Write as _;

/// A name or pattern of a name catalog, answered by the catalogs' one query: an
/// entry (`one`), the first matches of a pattern (`item` each), or what is wrong.
fn names_hover<'c, C: catalog::Names>(
    c: &'c C,
    v: &str,
    one: impl Fn(C::Entry<'c>) -> String,
    item: impl Fn(C::Entry<'c>) -> String,
) -> String {
    match catalog::query(c, v) {
        catalog::Query::Entry(e) => one(e),
        catalog::Query::Matches { pattern, hits } => {
            let mut md = format!(
                "`{pattern}` matches **{}** {} {}s",
                hits.len(),
                C::CLOUD,
                C::WHAT
            );
            if c.partial() {
                md.push_str(" of engc's built-in list");
            }
            md.push_str(":\n\n");
            for e in hits.iter().take(LIST_MAX) {
                let _ = writeln!(md, "- {}", item(*e));
            }
            if hits.len() > LIST_MAX {
                let _ = writeln!(md, "- and {} more", hits.len() - LIST_MAX);
            }
            md
        }
        catalog::Query::Unknown(u) => {
            let mut md = u.message::<C>();
            if let Some(s) = &u.suggestion {
                let _ = write!(md, "; did you mean `{s}`?");
            }
            if let Some(note) = catalog::Unknown::partial_note(c) {
                let _ = write!(md, "\n\n_{note}_");
            }
            md
        }
    }
}

pub(super) fn aws_action(v: &str) -> String {
    let cat = catalog::aws::catalog();
    names_hover(
        cat,
        v,
        |(svc, act)| aws_action_details(cat, svc, act),
        |(svc, act)| format!("`{}:{}` ({})", svc.prefix, act.name, act.access_level),
    )
}

fn aws_action_details(
    cat: &catalog::aws::Catalog,
    svc: &catalog::aws::Service,
    act: &catalog::aws::Action,
) -> String {
    let mut md = format!(
        "**{}:{}** ({})\n\naccess level: **{}**\n\n",
        svc.prefix, act.name, svc.name, act.access_level
    );
    if act.resource_types.is_empty() {
        md.push_str("resources: only `*` (the action names no resource type)\n\n");
    } else {
        md.push_str("resource types:\n");
        for r in act.resource_types {
            let arn = svc
                .resource_type(&r.name)
                .map(|t| format!(" `{}`", t.arn))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- `{}`{}{arn}",
                r.name,
                if r.required { " (required)" } else { "" }
            );
        }
        md.push('\n');
    }
    let keys = act.all_condition_keys();
    if !keys.is_empty() {
        let _ = writeln!(md, "condition keys: {}\n", short_list(keys.iter().copied()));
    }
    let deps = act.all_dependent_actions();
    if !deps.is_empty() {
        let _ = writeln!(md, "also needs: {}\n", short_list(deps.iter().copied()));
    }
    let _ = write!(md, "_{}_", cat.source());
    md
}

pub(super) fn aws_resource_type(services: &[ast::Str], v: &str) -> Option<String> {
    let cat = catalog::aws::catalog();
    for s in services {
        let Some(svc) = cat.service(&s.node) else {
            continue;
        };
        if let Some(t) = svc.resource_type(v) {
            let mut md = format!(
                "**{}** (resource type of {})

ARN `{}`",
                t.name, svc.name, t.arn
            );
            if !t.condition_keys.is_empty() {
                let _ = write!(
                    md,
                    "\n\ncondition keys: {}",
                    short_list(t.condition_keys.strs())
                );
            }
            let actions = svc
                .actions
                .iter()
                .filter(|a| a.resource_types.iter().any(|r| r.name == t.name))
                .count();
            let _ = write!(md, "\n\n{actions} actions of `{}` act on it", svc.prefix);
            return Some(md);
        }
    }
    Some(format!("`{v}` is not a resource type of these services"))
}

pub(super) fn aws_condition_key(key: &str, actions: &[ast::Str]) -> Option<String> {
    let cat = catalog::aws::catalog();
    if let Some(t) = cat.condition_key_type(key) {
        return Some(format!("AWS condition key `{key}` ({t})"));
    }
    for a in actions {
        let Some((prefix, _)) = a.node.split_once(':') else {
            continue;
        };
        if let Some(t) = cat
            .service(prefix)
            .and_then(|svc| svc.condition_key_type(key))
        {
            return Some(format!("AWS condition key `{key}` ({t})"));
        }
    }
    Some(format!("`{key}` is not a known AWS condition key"))
}

pub(super) fn gcp_permission(v: &str) -> String {
    let cat = catalog::gcp::Catalog::builtin();
    names_hover(
        cat,
        v,
        |p| {
            let mut md = format!("**{}** (GCP permission)\n\n", p.name);
            if !p.title.is_empty() {
                let _ = write!(md, "{}\n\n", p.title);
            }
            if !p.description.is_empty() {
                let _ = write!(md, "{}\n\n", p.description);
            }
            let _ = writeln!(md, "- service: `{}`", p.service());
            let _ = writeln!(
                md,
                "- in custom roles: {}",
                match p.custom_roles {
                    catalog::gcp::Support::Supported => "supported",
                    catalog::gcp::Support::Testing => "testing",
                    catalog::gcp::Support::NotSupported => "**not supported**",
                }
            );
            if !p.stage.is_empty() {
                let _ = writeln!(md, "- stage: {}", p.stage);
            }
            md
        },
        |p| format!("`{}`", p.name),
    )
}

pub(super) fn azure_operation(v: &str, data: Option<bool>) -> String {
    let cat = catalog::azure::Catalog::builtin();
    names_hover(
        cat,
        v,
        |o| {
            let mut md = format!("**{}** (Azure operation)\n\n", o.name);
            if !o.display.is_empty() {
                let _ = write!(md, "{}\n\n", o.display);
            }
            if !o.description.is_empty() {
                let _ = write!(md, "{}\n\n", o.description);
            }
            let provider = cat
                .provider(o.provider())
                .map(|(n, d)| {
                    if d.is_empty() {
                        n.to_string()
                    } else {
                        format!("{n} ({d})")
                    }
                })
                .unwrap_or_else(|| o.provider().to_string());
            let _ = writeln!(md, "- provider: {provider}");
            let _ = writeln!(
                md,
                "- {}",
                if o.is_data_action {
                    "a data action: it belongs in `data_actions`"
                } else {
                    "a control-plane action: it belongs in `actions`"
                }
            );
            if data == Some(!o.is_data_action) {
                md.push_str("\n**in the wrong list here**\n");
            }
            md
        },
        |o| {
            let wrong = data == Some(!o.is_data_action);
            format!(
                "`{}`{}",
                o.name,
                if wrong {
                    " (in the wrong list here)"
                } else {
                    ""
                }
            )
        },
    )
}

/// Custom resources declared by components and `crd`: (group, resource, namespaced, by).
fn custom_resources(a: &Analysis) -> Vec<(String, String, bool, String)> {
    let mut out = Vec::new();
    for (_, f) in a.all_files() {
        for i in &f.items {
            match i {
                Item::Component(c) => {
                    for r in &c.resources {
                        out.push((
                            r.group.node.clone(),
                            r.resource.node.clone(),
                            r.namespaced,
                            format!("component `{}`", c.name.node),
                        ));
                    }
                }
                Item::Crd(c) => out.push((
                    c.group.node.clone(),
                    c.resource.node.clone(),
                    c.namespaced,
                    "a `crd` declaration".into(),
                )),
                _ => {}
            }
        }
    }
    out
}

pub(super) fn k8s_resource(a: &Analysis, groups: &[ast::Str], v: &str) -> String {
    let mut groups: Vec<&str> = groups.iter().map(|g| g.node.as_str()).collect();
    if groups.is_empty() {
        groups.push("");
    }
    if v == "*" {
        return "`*`: every resource of the rule's groups".into();
    }
    let mut md = String::new();
    let custom = custom_resources(a);
    for g in &groups {
        let gname = if g.is_empty() { "core" } else { g };
        if let Some(r) = catalog::k8s::lookup(g, v) {
            let _ = write!(md, "**{}** (`{}`", r.resource, r.api_version());
            if !r.kind.is_empty() {
                let _ = write!(md, ", kind `{}`", r.kind);
            }
            let _ = write!(
                md,
                ")\n\n- {}\n- verbs: {}\n",
                if r.namespaced {
                    "namespaced: a Role can grant it"
                } else {
                    "cluster-scoped: only a ClusterRole grants it"
                },
                r.verbs.join(", ")
            );
            if r.is_subresource() {
                let _ = writeln!(md, "- a subresource of `{}`", r.parent());
            }
            md.push('\n');
        } else if let Some((_, _, ns, by)) = custom.iter().find(|c| c.0 == *g && c.1 == v) {
            let _ = write!(
                md,
                "**{v}** (group `{gname}`, declared by {by})\n\n- {}\n\n",
                if *ns {
                    "namespaced"
                } else {
                    "cluster-scoped: only a ClusterRole grants it"
                }
            );
        } else if groups.len() == 1 {
            let _ = write!(md, "`{v}` is not a known resource of group `{gname}`");
            if let Some(s) = catalog::k8s::suggest_resource(g, v) {
                let _ = write!(md, "; did you mean `{s}`?");
            }
        }
    }
    if md.is_empty() {
        md = format!("`{v}` is not a known resource of these groups");
    }
    md.trim_end().to_string()
}

pub(super) fn k8s_group(a: &Analysis, g: &str) -> String {
    let gname = if g.is_empty() { "core" } else { g };
    let builtin = catalog::k8s::resources_in_group(g);
    if !builtin.is_empty() {
        let mut names: Vec<&str> = builtin
            .iter()
            .filter(|r| !r.is_subresource())
            .map(|r| r.resource)
            .collect();
        names.dedup();
        return format!(
            "API group `{gname}` (built in): {}",
            short_list(names.into_iter())
        );
    }
    let custom: Vec<(String, String, bool, String)> = custom_resources(a)
        .into_iter()
        .filter(|c| c.0 == g)
        .collect();
    if !custom.is_empty() {
        return format!(
            "API group `{gname}` (declared by {}): {}",
            custom[0].3,
            short_list(custom.iter().map(|c| c.1.as_str()))
        );
    }
    let mut md = format!("`{gname}` is neither a built-in API group nor a declared one");
    if let Some(s) = catalog::k8s::suggest_group(g) {
        let _ = write!(md, "; did you mean `{s}`?");
    }
    md
}

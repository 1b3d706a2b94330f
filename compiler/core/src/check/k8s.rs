//! Kubernetes RBAC checks on the source: cluster-scoped resources in a namespaced
//! Role, unknown verbs, and rules that repeat what the same role already grants.

use crate::diag::{closest, Code, Diagnostic};
use crate::fast_hash::Fast;
use crate::resolve::decls::Decls;
use crate::syntax::ast;
use crate::vocab::k8s_verbs;
use std::collections::HashMap;

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        for role in &a.k8s {
            check_role(decls, role, diags);
        }
    }
}

fn check_role(decls: &Decls, role: &ast::K8sRole, diags: &mut Vec<Diagnostic>) {
    // (group, resource, verb) -> the rule that first granted it. Hashed with a word
    // hasher: a role of many resources and verbs makes hundreds of keys.
    let mut granted: HashMap<(&str, &str, &str), &ast::K8sRule, Fast> = HashMap::default();
    for rule in &role.rules {
        verbs(rule, diags);
        names(decls, rule, diags);
        shape(role, rule, diags);
        if role.namespace.is_some() {
            cluster_scoped_in_role(decls, role, rule, diags);
        }
        let mut repeated: Vec<&str> = Vec::new();
        let mut earlier: Option<&ast::K8sRule> = None;
        for g in &rule.groups {
            for r in &rule.resources {
                for v in &rule.verbs {
                    let key = (g.node.as_str(), r.node.as_str(), v.node.as_str());
                    match granted.get(&key) {
                        Some(first) if !std::ptr::eq(*first, rule) => {
                            if !repeated.contains(&key.1) {
                                repeated.push(key.1);
                            }
                            earlier.get_or_insert(first);
                        }
                        Some(_) => {}
                        None => {
                            granted.insert(key, rule);
                        }
                    }
                }
            }
        }
        if let Some(first) = earlier {
            diags.push(
                Diagnostic::new(
                    Code::W0302,
                    rule.span,
                    format!(
                        "this rule repeats verbs on `{}` that an earlier rule of the role already grants",
                        repeated.join("`, `")
                    ),
                )
                .label("partly or wholly a duplicate")
                .with_secondary(first.span, "already granted here")
                .help("merge the two rules into one"),
            );
        }
    }
}

fn verbs(rule: &ast::K8sRule, diags: &mut Vec<Diagnostic>) {
    let mut seen: Vec<&str> = Vec::new();
    for v in &rule.verbs {
        if k8s_verbs::get(&v.node).is_none() {
            let mut d = Diagnostic::new(
                Code::E0303,
                v.span,
                format!("unknown Kubernetes verb `{}`", v.node),
            )
            .label("not an RBAC verb");
            if let Some(best) = closest(&v.node, k8s_verbs::names()) {
                d = d.suggest(
                    v.span,
                    format!("\"{best}\""),
                    format!("did you mean `{best}`?"),
                );
            } else {
                d = d.help(format!(
                    "RBAC verbs are {}",
                    k8s_verbs::names().collect::<Vec<_>>().join(", ")
                ));
            }
            diags.push(d);
        }
        if seen.contains(&v.node.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::W0302,
                    v.span,
                    format!("verb `{}` is listed twice", v.node),
                )
                .label("duplicate")
                .suggest(v.span, "", "remove the duplicate"),
            );
        }
        seen.push(&v.node);
    }
}

fn cluster_scoped_in_role(
    decls: &Decls,
    role: &ast::K8sRole,
    rule: &ast::K8sRule,
    diags: &mut Vec<Diagnostic>,
) {
    for r in &rule.resources {
        let cluster_group = rule
            .groups
            .iter()
            .find(|g| decls.k8s_namespaced(&g.node, &r.node) == Some(false));
        if let Some(g) = cluster_group {
            let group = if g.node.is_empty() {
                "core"
            } else {
                g.node.as_str()
            };
            let ns = role
                .namespace
                .as_ref()
                .map(|n| n.node.as_str())
                .unwrap_or("");
            diags.push(
                Diagnostic::new(
                    Code::E0301,
                    r.span,
                    format!(
                        "`{}` ({group}) is cluster-scoped and cannot be granted by a Role",
                        r.node
                    ),
                )
                .label(format!("a Role in `{ns}` grants nothing on it"))
                .with_secondary(role.span, "this Role is namespaced")
                .help(format!(
                    "grant `{}` in a `k8s cluster_role` instead",
                    r.node
                )),
            );
        }
    }
}

/// E0304 unknown resource of a built-in group, W0305 a resource its group no longer
/// serves (with where it is served now), W0306 a group that is neither built in nor
/// declared as a custom resource.
fn names(decls: &Decls, rule: &ast::K8sRule, diags: &mut Vec<Diagnostic>) {
    use crate::catalog::k8s;
    let builtin_groups = k8s::groups();
    for g in &rule.groups {
        let group = g.node.as_str();
        let custom = decls.custom_resources.keys().any(|(cg, _)| *cg == group);
        let builtin = k8s::is_group(group);
        if group == "*" || (!builtin && custom) {
            continue;
        }
        if !builtin {
            // `extensions` and friends: retired groups the catalog no longer lists.
            let served_elsewhere: Vec<&str> = rule
                .resources
                .iter()
                .filter(|r| {
                    builtin_groups
                        .iter()
                        .any(|bg| k8s::lookup(bg, &r.node).is_some())
                })
                .map(|r| r.node.as_str())
                .collect();
            if !served_elsewhere.is_empty() {
                retired(g, &served_elsewhere, diags);
                continue;
            }
            let mut d =
                Diagnostic::new(Code::W0306, g.span, format!("unknown API group `{group}`"))
                    .label("not a built-in group nor a declared custom resource");
            if let Some(best) = k8s::suggest_group(group) {
                d = d.suggest(
                    g.span,
                    format!("\"{best}\""),
                    format!("did you mean `{best}`?"),
                );
            } else {
                d = d.help(format!(
                    "declare its resources: `crd \"{group}\" \"PLURAL\" namespaced`"
                ));
            }
            diags.push(d);
            continue;
        }
        for r in &rule.resources {
            if r.node == "*"
                || k8s::lookup(group, &r.node).is_some()
                || decls
                    .custom_resources
                    .contains_key(&(group, r.node.as_str()))
            {
                continue;
            }
            // Only complain when no other group of the rule serves it either.
            if rule.groups.iter().any(|og| {
                k8s::lookup(&og.node, &r.node).is_some()
                    || decls
                        .custom_resources
                        .contains_key(&(og.node.as_str(), r.node.as_str()))
            }) {
                continue;
            }
            let shown = if group.is_empty() { "core" } else { group };
            let mut d = Diagnostic::new(
                Code::E0304,
                r.span,
                format!("`{shown}` has no resource `{}`", r.node),
            )
            .label("unknown resource");
            let elsewhere = builtin_groups
                .iter()
                .find(|bg| k8s::lookup(bg, &r.node).is_some());
            if let Some(bg) = elsewhere {
                let bg = if bg.is_empty() { "\"\" (core)" } else { bg };
                d = d.help(format!("`{}` is served by the `{bg}` group", r.node));
            } else if let Some(best) = k8s::suggest_resource(group, &r.node) {
                d = d.suggest(
                    r.span,
                    format!("\"{best}\""),
                    format!("did you mean `{best}`?"),
                );
            }
            diags.push(d);
        }
    }
}

fn retired(g: &ast::Str, resources: &[&str], diags: &mut Vec<Diagnostic>) {
    use crate::catalog::k8s;
    let group = if g.node.is_empty() {
        "core"
    } else {
        g.node.as_str()
    };
    let now: Vec<String> = resources
        .iter()
        .filter_map(|r| {
            k8s::groups()
                .iter()
                .copied()
                .find(|bg| k8s::lookup(bg, r).is_some())
                .map(|bg| format!("`{r}` by `{}`", if bg.is_empty() { "core" } else { bg }))
        })
        .collect();
    diags.push(
        Diagnostic::new(
            Code::W0305,
            g.span,
            format!("`{group}` no longer serves `{}`", resources.join("`, `")),
        )
        .label("nothing is granted through this group")
        .help(format!(
            "it is served as {}; use that group instead of `{group}`",
            now.join(", ")
        ))
        .note("Kubernetes 1.22 removed the `extensions` beta APIs"),
    );
}

/// E0307 and E0007: what the API server rejects or what grants nothing.
fn shape(role: &ast::K8sRole, rule: &ast::K8sRule, diags: &mut Vec<Diagnostic>) {
    if !rule.urls.is_empty() && (!rule.resources.is_empty() || !rule.groups.is_empty()) {
        diags.push(
            Diagnostic::new(
                Code::E0307,
                rule.span,
                "a rule cannot grant `urls` and `resources` together",
            )
            .label("nonResourceURLs and resources in one rule")
            .help("split it into a rule with `urls` and a rule with `groups` and `resources`"),
        );
    } else if !rule.urls.is_empty() && role.namespace.is_some() {
        diags.push(
            Diagnostic::new(
                Code::E0307,
                rule.span,
                "a namespaced Role cannot grant `urls`",
            )
            .label("nonResourceURLs are cluster-wide")
            .with_secondary(role.span, "this Role is namespaced")
            .help("grant them in a `k8s cluster_role`"),
        );
    }
    if rule.verbs.is_empty() {
        diags.push(
            Diagnostic::new(Code::E0007, rule.span, "the rule grants no verb")
                .label("no `verbs`")
                .help("add `verbs [\"get\", \"list\", \"watch\"]` or the verbs it needs"),
        );
    }
    if rule.urls.is_empty() && rule.resources.is_empty() {
        diags.push(
            Diagnostic::new(Code::E0007, rule.span, "the rule names no resource")
                .label("no `resources` (nor `urls`)")
                .help("add `groups [\"\"] resources [\"pods\"]`, or `urls [\"/healthz\"]` in a cluster role"),
        );
    } else if rule.urls.is_empty() && rule.groups.is_empty() {
        diags.push(
            Diagnostic::new(Code::E0007, rule.span, "the rule names no API group")
                .label("no `groups`")
                .help("add `groups [\"\"]` for the core group, or the resources' group"),
        );
    }
}

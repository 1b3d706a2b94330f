//! Kubernetes: each (namespace, group, resource, verb, name) of an inner rule against
//! the outer ClusterRoles and the outer Roles of the same namespace.

use super::{Ctx, Gap};
use crate::model::K8sRule;
use std::collections::BTreeMap;

/// (namespace: None for a ClusterRole, API group, resource) -> the outer rules naming them.
type K8sIndex<'m> = BTreeMap<(Option<&'m str>, &'m str, &'m str), Vec<&'m K8sRule>>;

pub(super) fn k8s_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
    let outer_name = ctx.outer_name();
    let mut index: K8sIndex = BTreeMap::new();
    let mut url_rules: Vec<&K8sRule> = Vec::new();
    for role in &ctx.outer.k8s {
        let ns = role.namespace.as_deref();
        for rule in &role.rules {
            if !rule.non_resource_urls.is_empty() {
                if ns.is_none() {
                    url_rules.push(rule);
                }
                continue;
            }
            for g in &rule.api_groups {
                for r in &rule.resources {
                    index.entry((ns, g, r)).or_default().push(rule);
                }
            }
        }
    }
    let verb_ok = |rule: &K8sRule, verb: &str| rule.verbs.iter().any(|v| v == verb || v == "*");

    for (ri, role) in ctx.inner.k8s.iter().enumerate() {
        let ns = role.namespace.as_deref();
        let ast_role = ctx.ast.k8s.get(ri);
        let place = match ns {
            Some(n) => format!("in namespace `{n}`"),
            None => "in every namespace".to_string(),
        };
        for (ji, rule) in role.rules.iter().enumerate() {
            let span = ast_role.and_then(|r| r.rules.get(ji)).map(|r| r.span);
            let mut push = |message: String| {
                out.push(Gap {
                    span,
                    message,
                    note: None,
                    deny: None,
                })
            };
            if !rule.non_resource_urls.is_empty() {
                if ns.is_some() {
                    continue; // a Role grants no non-resource URL
                }
                for url in &rule.non_resource_urls {
                    for verb in &rule.verbs {
                        let ok = url_rules.iter().any(|o| {
                            verb_ok(o, verb)
                                && o.non_resource_urls.iter().any(|u| {
                                    u == url
                                        || u.strip_suffix('*').is_some_and(|p| url.starts_with(p))
                                })
                        });
                        if !ok {
                            push(format!(
                                "`{verb}` on the URL `{url}` is not granted by `{outer_name}`"
                            ));
                        }
                    }
                }
                continue;
            }
            let names: Vec<Option<&str>> = if rule.resource_names.is_empty() {
                vec![None]
            } else {
                rule.resource_names
                    .iter()
                    .map(|n| Some(n.as_str()))
                    .collect()
            };
            for g in &rule.api_groups {
                for r in &rule.resources {
                    let mut resources = vec![r.as_str(), "*"];
                    let sub = r.split_once('/').map(|(_, s)| format!("*/{s}"));
                    if let Some(sub) = &sub {
                        resources.push(sub);
                    }
                    let scopes: Vec<Option<&str>> = match ns {
                        Some(n) => vec![None, Some(n)],
                        None => vec![None],
                    };
                    let mut rules: Vec<&K8sRule> = Vec::new();
                    for s in &scopes {
                        for gg in [g.as_str(), "*"] {
                            for rr in &resources {
                                if let Some(found) = index.get(&(*s, gg, *rr)) {
                                    rules.extend(found.iter().copied());
                                }
                            }
                        }
                    }
                    let shown = if g.is_empty() {
                        r.clone()
                    } else {
                        format!("{g}/{r}")
                    };
                    for verb in &rule.verbs {
                        for name in &names {
                            let ok = rules.iter().any(|o| {
                                verb_ok(o, verb)
                                    && (o.resource_names.is_empty()
                                        || name.is_some_and(|n| {
                                            o.resource_names.iter().any(|x| x == n)
                                        }))
                            });
                            if !ok {
                                let named =
                                    name.map(|n| format!(" named `{n}`")).unwrap_or_default();
                                push(format!(
                                    "`{verb}` on `{shown}`{named} {place} is not granted by `{outer_name}`"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}

//! Kubernetes built-in resources: a resource's versions, scope, verbs and RBAC rule,
//! a pattern's table, and why a name the catalog lacks is missing.

use super::{count_line, did_you_mean_line, table, Entry, Fields, Found, Output};
use engc_core::catalog::{is_pattern, k8s};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct K8sJson<'a> {
    group: &'a str,
    version: &'a str,
    versions: Vec<&'a str>,
    api_version: String,
    resource: &'a str,
    kind: &'a str,
    namespaced: bool,
    verbs: &'a [&'a str],
    subresources: Vec<&'a str>,
}

fn k8s_json(r: &'static k8s::Resource) -> K8sJson<'static> {
    K8sJson {
        group: r.group,
        version: r.version,
        versions: k8s::versions(r.group, r.resource)
            .iter()
            .map(|v| v.version)
            .collect(),
        api_version: r.api_version(),
        resource: r.resource,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs,
        subresources: subresources_of(r),
    }
}

fn subresources_of(r: &'static k8s::Resource) -> Vec<&'static str> {
    if r.is_subresource() {
        return Vec::new();
    }
    k8s::resources_in_group(r.group)
        .into_iter()
        .filter(|s| s.is_subresource() && s.parent() == r.resource)
        .map(|s| s.resource)
        .collect()
}

/// "group `apps`", or "the core group".
fn group_phrase(group: &str) -> String {
    if group.is_empty() {
        "the core group".to_owned()
    } else {
        format!("group `{group}`")
    }
}

fn group_label(group: &str) -> String {
    if group.is_empty() {
        "core (\"\")".to_owned()
    } else {
        group.to_owned()
    }
}

fn k8s_human(r: &'static k8s::Resource) -> String {
    let mut f = Fields::new();
    f.one("resource", r.resource);
    f.one("group", group_label(r.group));
    let others: Vec<&str> = k8s::versions(r.group, r.resource)
        .iter()
        .map(|v| v.version)
        .filter(|v| *v != r.version)
        .collect();
    if others.is_empty() {
        f.one(
            "version",
            format!("{} (apiVersion {})", r.version, r.api_version()),
        );
    } else {
        f.one(
            "version",
            format!(
                "{} (apiVersion {}; also served: {})",
                r.version,
                r.api_version(),
                others.join(", ")
            ),
        );
    }
    if let Some(sub) = r.subresource() {
        f.one("subresource", format!("`{sub}` of {}", r.parent()));
    }
    f.unless_empty("kind", r.kind);
    f.one(
        "scope",
        if r.namespaced {
            "namespaced (a Role or a ClusterRole can grant it)"
        } else {
            "cluster (only a ClusterRole can grant it)"
        },
    );
    f.one("verbs", r.verbs.join(", "));
    let subs = subresources_of(r);
    if !r.is_subresource() {
        f.list("subresources", subs.iter().map(|s| s.to_string()));
    }
    f.one(
        "rbac rule",
        format!(
            "apiGroups: [\"{}\"], resources: [\"{}\"]",
            r.group, r.resource
        ),
    );
    f.out
}

/// One entry per (group, resource) in its preferred version, in catalog order.
pub(super) fn lookup_k8s(name: &str) -> Found<'static> {
    let catalog_source = format!("built-in: {}", k8s::source());
    if is_pattern(name) {
        let hits = k8s::matching(name);
        if hits.is_empty() {
            return Found::Nothing(vec![
                format!("error: no built-in Kubernetes resource matches `{name}`"),
                "note: patterns match `RESOURCE` (`pods/*`) or `GROUP/RESOURCE` (`apps/*`, `core/*`)"
                    .to_owned(),
            ]);
        }
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|r| {
                let scope = if r.namespaced {
                    "namespaced"
                } else {
                    "cluster"
                };
                vec![r.api_version(), r.resource.to_owned(), scope.to_owned()]
            })
            .collect();
        let human = table(
            &rows,
            count_line(hits.len(), "resource", "resources", "", name),
        );
        return Found::Entries(Output {
            human,
            json: hits.iter().map(|r| Entry::K8s(k8s_json(r))).collect(),
            pattern: true,
            catalog: catalog_source,
        });
    }
    let n = k8s::parse_name(name);
    let hits = k8s::find(&n);
    if !hits.is_empty() {
        let human = hits
            .iter()
            .map(|r| k8s_human(r))
            .collect::<Vec<_>>()
            .join("\n");
        return Found::Entries(Output {
            human,
            json: hits.iter().map(|r| Entry::K8s(k8s_json(r))).collect(),
            pattern: false,
            catalog: catalog_source,
        });
    }
    Found::Nothing(k8s_not_found(name, &n))
}

/// The lines for a name the catalog lacks, from [`k8s::missing`].
fn k8s_not_found(name: &str, n: &k8s::Name) -> Vec<String> {
    let resource = &n.resource;
    let (why, elsewhere) = k8s::missing(n);
    let mut lines = Vec::new();
    match why {
        k8s::Missing::Group { group, suggestion } => {
            lines.push(format!(
                "error: `{group}` is not a built-in Kubernetes API group (in `{name}`)"
            ));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
        }
        k8s::Missing::Version {
            group,
            version,
            served,
        } => {
            lines.push(format!(
                "error: `{resource}` of {} is not served in version {version}",
                group_phrase(&group)
            ));
            lines.push(format!("note: it is served in {}", served.join(", ")));
            return lines;
        }
        k8s::Missing::Resource { group, suggestion } => {
            let v = n
                .version
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            lines.push(format!(
                "error: {}{v} has no resource `{resource}`",
                group_phrase(&group)
            ));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
        }
        k8s::Missing::Anywhere { suggestion } => {
            lines.push(format!("error: no built-in Kubernetes resource `{name}`"));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
            lines.push(
                "note: write `GROUP/RESOURCE` (`apps/deployments`) or `RESOURCE/SUBRESOURCE` \
                 (`pods/exec`); custom resources are not in the catalog"
                    .to_owned(),
            );
        }
    }
    if !elsewhere.is_empty() {
        lines.push(format!(
            "note: `{resource}` is served by {}",
            elsewhere.join(" and ")
        ));
    }
    lines
}

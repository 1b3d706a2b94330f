//! The built-in Kubernetes resources (and subresources), embedded and parsed once on first use.
//!
//! One entry per (group, version, resource); `resource` is the plural as RBAC names it,
//! with subresources as `pods/log`. The core group is `""`. Data from `data/k8s.catalog`
//! (see `scripts/gen_catalogs.py`).

use std::sync::OnceLock;

use super::did_you_mean;

static DATA: &str = include_str!("data/k8s.catalog");
const MAGIC: &str = "engc-k8s-catalog 1";

/// One built-in resource or subresource in one API version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// API group; `""` for the core group.
    pub group: String,
    /// e.g. `v1`, `v1beta1`.
    pub version: String,
    /// Plural resource name, `plural/subresource` for subresources (`pods/log`).
    pub resource: String,
    /// Namespaced (served under `/namespaces/{namespace}/`) or cluster-scoped.
    pub namespaced: bool,
    /// Verbs the API serves for it, sorted (`create delete deletecollection get list patch update watch`,
    /// plus `head`/`options` for proxies).
    pub verbs: Vec<String>,
    /// The object kind behind it (`Deployment`; `Scale` for `deployments/scale`), empty when
    /// the API returns no object (`pods/log`, `pods/exec`, proxies).
    pub kind: String,
}

impl Resource {
    /// Whether this is a subresource such as `pods/log`.
    pub fn is_subresource(&self) -> bool {
        self.resource.contains('/')
    }

    /// The plural of the parent resource (`pods` for `pods/log`, itself otherwise).
    pub fn parent(&self) -> &str {
        self.resource.split('/').next().unwrap_or(&self.resource)
    }

    /// The subresource part (`log` for `pods/log`), None for a plain resource.
    pub fn subresource(&self) -> Option<&str> {
        self.resource.split_once('/').map(|(_, s)| s)
    }

    /// Whether the API serves this verb (`"*"` is always true).
    pub fn has_verb(&self, verb: &str) -> bool {
        verb == "*" || self.verbs.iter().any(|v| v == verb)
    }

    /// `apiVersion` as manifests spell it: `v1` for core, `apps/v1` otherwise.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// Every built-in resource, sorted by group, then resource, then version preference
/// (GA before beta before alpha, newest first). Parsed once, lazily.
pub fn builtin() -> &'static [Resource] {
    static RESOURCES: OnceLock<Vec<Resource>> = OnceLock::new();
    RESOURCES.get_or_init(|| parse(DATA))
}

/// Where the data comes from, e.g. `PyPI kubernetes 37.0.2, licence Apache-2.0; ...`.
pub fn source() -> &'static str {
    DATA.lines()
        .find_map(|l| l.strip_prefix("# Source: "))
        .unwrap_or("")
}

fn parse(data: &str) -> Vec<Resource> {
    let mut lines = data.lines();
    assert_eq!(
        lines.next(),
        Some(MAGIC),
        "embedded k8s catalog: bad magic; regenerate with scripts/gen_catalogs.py"
    );
    let mut out: Vec<Resource> = lines
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(
                f.len() == 6 && (f[3] == "N" || f[3] == "C"),
                "embedded k8s catalog is corrupt: {line:?}; regenerate with scripts/gen_catalogs.py"
            );
            Resource {
                group: f[0].to_owned(),
                version: f[1].to_owned(),
                resource: f[2].to_owned(),
                namespaced: f[3] == "N",
                verbs: f[4]
                    .split(' ')
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect(),
                kind: f[5].to_owned(),
            }
        })
        .collect();
    // Written in this order; sorting again (stable, O(n) on sorted input) keeps lookups correct.
    out.sort_by(|a, b| {
        (a.group.as_str(), a.resource.as_str())
            .cmp(&(b.group.as_str(), b.resource.as_str()))
            .then_with(|| version_rank(&a.version).cmp(&version_rank(&b.version)))
    });
    out
}

/// Kubernetes version priority as a sort key, most preferred first:
/// v2 < v1 < v1beta2 < v1beta1 < v1alpha1 < anything else.
pub fn version_rank(v: &str) -> (u8, std::cmp::Reverse<u32>, std::cmp::Reverse<u32>) {
    use std::cmp::Reverse;
    let Some(rest) = v.strip_prefix('v') else {
        return (3, Reverse(0), Reverse(0));
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(major) = rest[..digits].parse::<u32>() else {
        return (3, Reverse(0), Reverse(0));
    };
    let tail = &rest[digits..];
    let (stage, minor) = if tail.is_empty() {
        (0, "0")
    } else if let Some(m) = tail.strip_prefix("beta") {
        (1, m)
    } else if let Some(m) = tail.strip_prefix("alpha") {
        (2, m)
    } else {
        return (3, Reverse(0), Reverse(0));
    };
    match minor.parse::<u32>() {
        Ok(minor) => (stage, Reverse(major), Reverse(minor)),
        Err(_) => (3, Reverse(0), Reverse(0)),
    }
}

/// All versions of one resource, preferred first.
pub fn versions(group: &str, resource: &str) -> &'static [Resource] {
    let all = builtin();
    let start =
        all.partition_point(|r| (r.group.as_str(), r.resource.as_str()) < (group, resource));
    let len = all[start..]
        .iter()
        .take_while(|r| r.group == group && r.resource == resource)
        .count();
    &all[start..start + len]
}

/// A built-in resource in its preferred version; `group` `""` is the core group and
/// subresources are named `pods/log`. Exact (Kubernetes names are case-sensitive).
pub fn lookup(group: &str, resource: &str) -> Option<&'static Resource> {
    versions(group, resource).first().or_else(|| {
        // `userextras/scopes`: impersonating a user's extra field, by the field's name.
        let (parent, _) = resource.split_once('/')?;
        (group == "authentication.k8s.io" && parent == "userextras")
            .then(|| versions(group, parent).first())
            .flatten()
    })
}

/// A built-in resource in one specific version.
pub fn lookup_version(group: &str, version: &str, resource: &str) -> Option<&'static Resource> {
    versions(group, resource)
        .iter()
        .find(|r| r.version == version)
}

/// The resources (and subresources) of a group, each once in its preferred version,
/// sorted by resource name. Empty for an unknown group.
pub fn resources_in_group(group: &str) -> Vec<&'static Resource> {
    let mut out: Vec<&'static Resource> = Vec::new();
    for r in builtin().iter().filter(|r| r.group == group) {
        if out.last().is_none_or(|l| l.resource != r.resource) {
            out.push(r);
        }
    }
    out
}

/// All API groups, sorted; the core group `""` comes first.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = builtin().iter().map(|r| r.group.as_str()).collect();
    out.dedup();
    out
}

/// The plain (non-sub) resource of a kind in a group, preferred version
/// (`by_kind("apps", "Deployment")` -> `deployments`).
pub fn by_kind(group: &str, kind: &str) -> Option<&'static Resource> {
    builtin()
        .iter()
        .find(|r| r.group == group && !r.is_subresource() && r.kind == kind)
}

/// "Did you mean" for an unknown group name.
pub fn suggest_group(group: &str) -> Option<&'static str> {
    if groups().contains(&group) {
        return None;
    }
    did_you_mean(group, groups().into_iter().filter(|g| !g.is_empty()))
}

/// "Did you mean" for an unknown resource of a known group (`"pod"` -> `"pods"`,
/// `"pods/logs"` -> `"pods/log"`). None when the resource exists or nothing is close.
pub fn suggest_resource(group: &str, resource: &str) -> Option<&'static str> {
    if lookup(group, resource).is_some() {
        return None;
    }
    did_you_mean(
        resource,
        resources_in_group(group)
            .into_iter()
            .map(|r| r.resource.as_str()),
    )
}

// ------------------------------------------------------------------- name queries
//
// The one reading of a Kubernetes name that `engc catalog k8s`, hover and the checks
// share: `pods`, `pods/exec`, `apps/deployments`, `deployments.apps`, `core/pods`,
// `autoscaling/v1/horizontalpodautoscalers`, and patterns over `RESOURCE` or
// `GROUP/RESOURCE`.

/// A resource name as written, split: group None is any group; version None is the
/// preferred one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub group: Option<String>,
    pub version: Option<String>,
    pub resource: String,
}

/// The preferred version of every resource (each group/resource once).
pub fn preferred() -> Vec<&'static Resource> {
    let mut out: Vec<&'static Resource> = Vec::new();
    for r in builtin() {
        if out
            .last()
            .is_none_or(|l| l.group != r.group || l.resource != r.resource)
        {
            out.push(r);
        }
    }
    out
}

/// Where a resource name is served: `networking.k8s.io/v1`, `the core group (v1)`.
pub fn served_in(resource: &str) -> Vec<String> {
    preferred()
        .into_iter()
        .filter(|r| r.resource == resource)
        .map(|r| {
            if r.group.is_empty() {
                format!("the core group ({})", r.version)
            } else {
                r.api_version()
            }
        })
        .collect()
}

/// Splits a name into its group, version and resource.
pub fn parse_name(name: &str) -> Name {
    let split = |g: Option<&str>, v: Option<&str>, r: &str| Name {
        group: g.map(str::to_owned),
        version: v.map(str::to_owned),
        resource: r.to_owned(),
    };
    let is_resource_word = |w: &str| preferred().iter().any(|r| r.parent() == w);
    if let Some((first, rest)) = name.split_once('/') {
        if is_resource_word(first) {
            return split(None, None, name);
        }
        let group = if first == "core" { "" } else { first };
        if let Some((v, res)) = rest.split_once('/') {
            if version_rank(v).0 < 3 {
                return split(Some(group), Some(v), res);
            }
        }
        return split(Some(group), None, rest);
    }
    if let Some((res, group)) = name.split_once('.') {
        return split(Some(group), None, res);
    }
    split(None, None, name)
}

/// The resources a pattern matches, by `RESOURCE` or `GROUP/RESOURCE` (`core/...` for
/// the core group).
pub fn matching(pattern: &str) -> Vec<&'static Resource> {
    preferred()
        .into_iter()
        .filter(|r| {
            let group = if r.group.is_empty() { "core" } else { &r.group };
            super::glob_match(pattern, &r.resource)
                || super::glob_match(pattern, &format!("{group}/{}", r.resource))
        })
        .collect()
}

/// The resources a name stands for (several when it names no group).
pub fn find(n: &Name) -> Vec<&'static Resource> {
    match (&n.group, &n.version) {
        (Some(g), Some(v)) => lookup_version(g, v, &n.resource).into_iter().collect(),
        (Some(g), None) => lookup(g, &n.resource).into_iter().collect(),
        (None, _) => preferred()
            .into_iter()
            .filter(|r| r.resource == n.resource)
            .collect(),
    }
}

/// Why [`find`] found nothing, with what is close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The group is not a built-in one; the suggestion is `GROUP/RESOURCE`.
    Group {
        group: String,
        suggestion: Option<String>,
    },
    /// The group serves the resource, but not in this version.
    Version {
        group: String,
        version: String,
        served: Vec<String>,
    },
    /// The group has no such resource; the suggestion is `GROUP/RESOURCE`.
    Resource {
        group: String,
        suggestion: Option<String>,
    },
    /// No group has it.
    Anywhere { suggestion: Option<String> },
}

/// Why `n` names nothing, and where its resource is served, if anywhere.
pub fn missing(n: &Name) -> (Missing, Vec<String>) {
    let elsewhere = served_in(&n.resource);
    let all_names = || {
        let mut names: Vec<&'static str> = preferred()
            .into_iter()
            .map(|r| r.resource.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let resource = &n.resource;
    let why = match &n.group {
        Some(g) if !groups().contains(&g.as_str()) => {
            let suggestion = if !elsewhere.is_empty() {
                None
            } else if let Some(s) = suggest_group(g) {
                Some(format!("{s}/{resource}"))
            } else {
                let whole = format!("{g}/{resource}");
                super::did_you_mean(&whole, all_names()).map(str::to_owned)
            };
            Missing::Group {
                group: g.clone(),
                suggestion,
            }
        }
        Some(g) => match &n.version {
            Some(v) if lookup(g, resource).is_some() => Missing::Version {
                group: g.clone(),
                version: v.clone(),
                served: versions(g, resource)
                    .iter()
                    .map(|r| r.version.clone())
                    .collect(),
            },
            _ => {
                let prefix = if g.is_empty() { "core" } else { g };
                let suggestion = if !elsewhere.is_empty() {
                    None
                } else if let Some(s) = suggest_resource(g, resource) {
                    Some(format!("{prefix}/{s}"))
                } else {
                    super::did_you_mean(resource, all_names())
                        .and_then(|s| preferred().into_iter().find(|r| r.resource == s))
                        .map(|r| {
                            let other = if r.group.is_empty() { "core" } else { &r.group };
                            format!("{other}/{}", r.resource)
                        })
                };
                Missing::Resource {
                    group: g.clone(),
                    suggestion,
                }
            }
        },
        None => Missing::Anywhere {
            suggestion: super::did_you_mean(resource, all_names()).map(str::to_owned),
        },
    };
    (why, elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_order() {
        let all = builtin();
        // 162 from the client package, 5 authorization-only (users, groups, uids, userextras, signers).
        assert_eq!(all.len(), 167);
        assert!(source().contains("kubernetes 37.0.2"));
        let g = groups();
        assert_eq!(g[0], "");
        assert!(g.windows(2).all(|w| w[0] < w[1]));
        assert!(g.contains(&"apps") && g.contains(&"rbac.authorization.k8s.io"));
        assert!(!g.contains(&"extensions"));
    }

    #[test]
    fn scopes() {
        let nodes = lookup("", "nodes").unwrap();
        assert!(!nodes.namespaced);
        assert_eq!(nodes.kind, "Node");
        assert!(
            !lookup("networking.k8s.io", "ingressclasses")
                .unwrap()
                .namespaced
        );
        assert!(lookup("networking.k8s.io", "ingresses").unwrap().namespaced);
        assert!(!lookup("", "namespaces").unwrap().namespaced);
        assert!(
            !lookup("rbac.authorization.k8s.io", "clusterroles")
                .unwrap()
                .namespaced
        );
        assert!(
            lookup("rbac.authorization.k8s.io", "roles")
                .unwrap()
                .namespaced
        );
        assert!(
            !lookup("storage.k8s.io", "storageclasses")
                .unwrap()
                .namespaced
        );
        assert!(lookup("", "secrets").unwrap().namespaced);
    }

    #[test]
    fn subresources() {
        let exec = lookup("", "pods/exec").unwrap();
        assert!(exec.namespaced && exec.is_subresource());
        assert_eq!(exec.parent(), "pods");
        assert_eq!(exec.subresource(), Some("exec"));
        assert_eq!(exec.verbs, ["create", "get"]);
        assert_eq!(lookup("", "pods/log").unwrap().verbs, ["get"]);
        assert_eq!(lookup("", "pods/eviction").unwrap().kind, "Eviction");
        assert_eq!(
            lookup("", "serviceaccounts/token").unwrap().verbs,
            ["create"]
        );
        assert_eq!(lookup("apps", "deployments/scale").unwrap().kind, "Scale");
        assert!(lookup("", "nodes/proxy").unwrap().has_verb("head"));
        assert!(!lookup("", "pods").unwrap().is_subresource());
    }

    #[test]
    fn verbs() {
        let pods = lookup("", "pods").unwrap();
        assert_eq!(
            pods.verbs,
            [
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch"
            ]
        );
        assert!(pods.has_verb("watch") && pods.has_verb("*") && !pods.has_verb("escalate"));
        // Namespaces cannot be deleted as a collection.
        assert!(!lookup("", "namespaces")
            .unwrap()
            .has_verb("deletecollection"));
        assert_eq!(
            lookup("authorization.k8s.io", "selfsubjectaccessreviews")
                .unwrap()
                .verbs,
            ["create"]
        );
    }

    #[test]
    fn no_longer_served() {
        assert!(lookup("extensions", "ingresses").is_none());
        assert!(lookup("apps", "pods").is_none());
        assert!(lookup("", "deployments").is_none());
        assert!(lookup("", "Pods").is_none());
    }

    #[test]
    fn preferred_versions() {
        let hpa = lookup("autoscaling", "horizontalpodautoscalers").unwrap();
        assert_eq!(hpa.version, "v2");
        assert_eq!(versions("autoscaling", "horizontalpodautoscalers").len(), 2);
        let map = lookup("admissionregistration.k8s.io", "mutatingadmissionpolicies").unwrap();
        assert_eq!(map.version, "v1");
        let vs: Vec<&str> = versions("admissionregistration.k8s.io", "mutatingadmissionpolicies")
            .iter()
            .map(|r| r.version.as_str())
            .collect();
        assert_eq!(vs, ["v1", "v1beta1", "v1alpha1"]);
        assert_eq!(
            lookup_version("autoscaling", "v1", "horizontalpodautoscalers")
                .unwrap()
                .version,
            "v1"
        );
        assert!(lookup_version("autoscaling", "v3", "horizontalpodautoscalers").is_none());
        assert!(version_rank("v1") < version_rank("v1beta2"));
        assert!(version_rank("v2") < version_rank("v1"));
        assert!(version_rank("v1beta2") < version_rank("v1beta1"));
        assert!(version_rank("v1beta1") < version_rank("v2alpha1"));
        assert!(version_rank("v1alpha1") < version_rank("bogus"));
        assert_eq!(
            lookup("apps", "deployments").unwrap().api_version(),
            "apps/v1"
        );
        assert_eq!(lookup("", "pods").unwrap().api_version(), "v1");
    }

    #[test]
    fn groups_and_kinds() {
        let apps = resources_in_group("apps");
        let names: Vec<&str> = apps.iter().map(|r| r.resource.as_str()).collect();
        assert!(names.contains(&"deployments") && names.contains(&"statefulsets/scale"));
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(apps.iter().all(|r| r.group == "apps"));
        let autoscaling = resources_in_group("autoscaling");
        assert_eq!(autoscaling.len(), 2); // horizontalpodautoscalers(+/status), once each
        assert!(resources_in_group("extensions").is_empty());
        assert_eq!(
            by_kind("apps", "Deployment").unwrap().resource,
            "deployments"
        );
        assert_eq!(by_kind("", "ConfigMap").unwrap().resource, "configmaps");
        assert!(by_kind("", "Deployment").is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_resource("", "pod"), Some("pods"));
        assert_eq!(suggest_resource("", "pods/logs"), Some("pods/log"));
        assert_eq!(suggest_resource("apps", "deployment"), Some("deployments"));
        assert_eq!(suggest_resource("", "pods"), None);
        assert_eq!(suggest_resource("", "zzzzzzzzzz"), None);
        assert_eq!(
            suggest_group("rbac.authorisation.k8s.io"),
            Some("rbac.authorization.k8s.io")
        );
        assert_eq!(suggest_group("app"), Some("apps"));
        assert_eq!(suggest_group("apps"), None);
    }
}

//! `engc diff`: what access two versions of a deployment gain and lose, per principal
//! and cloud, from the same model the backends and the risk analysis read. A pure
//! function of two [`Facts`]; the command line renders the [`Diff`].
//!
//! A grant is the same in both versions only when everything that decides what it
//! allows is the same: for AWS the effect, the action (wildcards expanded against the
//! catalog), one resource and the statement's conditions; for Kubernetes the namespace,
//! API group, resource, name and verb; for GCP the permission, or the role with where it
//! is bound; for Azure the operation and scope, or the role and scope; for trust the
//! party, action and conditions. Each change also says whether the other version held
//! it through a wider grant (`covered`), and whether it widens access (`widens`): a
//! gain nothing covered, or a Deny or exclusion lost.

pub mod aws;
pub mod facts;

pub use facts::Facts;
use facts::{AwsEntry, AwsKey, AzureItem, GcpItem, K8sItem, Levels, PrincipalFacts, TrustItem};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Diff {
    /// Whether any change widens access (`--exit-code` exits 1).
    pub grows: bool,
    /// Principals with changes, by name.
    pub principals: Vec<PrincipalDiff>,
    /// Risk findings new in the second version, then those gone from it.
    pub findings: Vec<FindingChange>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Gained,
    Lost,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only the second version has the principal.
    Added,
    /// Only the first version has it.
    Removed,
    Changed,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PrincipalDiff {
    pub name: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aws: Vec<AwsChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gcp: Vec<ItemChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub azure: Vec<ItemChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub k8s: Vec<K8sChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trust: Vec<ItemChange>,
}

/// AWS actions gained or lost on the same terms (effect, conditions), on resources.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AwsChange {
    pub change: Change,
    pub widens: bool,
    pub covered: bool,
    pub effect: &'static str,
    /// The actions, `s3:*` for every action of a service and `*` for all of them.
    pub actions: Vec<String>,
    /// How many catalog actions `actions` stands for.
    pub action_count: usize,
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_resource: bool,
    pub conditions: Vec<String>,
    pub levels: Vec<String>,
}

/// A GCP, Azure or trust item gained or lost.
#[skip_serializing_none]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ItemChange {
    pub change: Change,
    pub widens: bool,
    pub covered: bool,
    /// `permission`, `role`, `action`, `data action`, `not action`, `not data action`,
    /// `assume`, `identity`.
    pub kind: &'static str,
    /// The permission, role, operation, trusted party or identity.
    pub name: String,
    /// Where: the role's binding (`project`, `bucket NAME`), the Azure scope, the
    /// trust action.
    pub on: Option<String>,
    pub conditions: Vec<String>,
    pub levels: Vec<String>,
}

/// Kubernetes verbs gained or lost on one resource.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct K8sChange {
    pub change: Change,
    pub widens: bool,
    pub covered: bool,
    /// None: cluster-wide (a ClusterRole).
    pub namespace: Option<String>,
    pub group: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub verbs: Vec<String>,
    pub levels: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FindingChange {
    pub change: Change,
    pub code: String,
    pub message: String,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.principals.is_empty() && self.findings.is_empty()
    }

    /// How many changes gained and lost (findings included).
    pub fn counts(&self) -> (usize, usize) {
        let mut n = [0usize; 2];
        let mut add = |c: Change| n[(c == Change::Lost) as usize] += 1;
        for p in &self.principals {
            p.aws.iter().for_each(|c| add(c.change));
            p.gcp.iter().for_each(|c| add(c.change));
            p.azure.iter().for_each(|c| add(c.change));
            p.k8s.iter().for_each(|c| add(c.change));
            p.trust.iter().for_each(|c| add(c.change));
        }
        self.findings.iter().for_each(|c| add(c.change));
        (n[0], n[1])
    }
}

/// What `new` grants that `old` does not, and the reverse.
pub fn diff(old: &Facts, new: &Facts) -> Diff {
    let empty = PrincipalFacts::default();
    let names: BTreeSet<&String> = old.principals.keys().chain(new.principals.keys()).collect();
    let mut principals = Vec::new();
    for name in names {
        let (o, n) = (old.principals.get(name), new.principals.get(name));
        let status = match (o, n) {
            (None, _) => Status::Added,
            (_, None) => Status::Removed,
            _ => Status::Changed,
        };
        let (o, n) = (o.unwrap_or(&empty), n.unwrap_or(&empty));
        let p = PrincipalDiff {
            name: name.clone(),
            status,
            aws: aws_changes(&o.aws, &n.aws),
            gcp: items(&o.gcp, &n.gcp, gcp_item),
            azure: items(&o.azure, &n.azure, azure_item),
            k8s: k8s_changes(&o.k8s, &n.k8s),
            trust: items(&o.trust, &n.trust, trust_item),
        };
        if !(p.aws.is_empty()
            && p.gcp.is_empty()
            && p.azure.is_empty()
            && p.k8s.is_empty()
            && p.trust.is_empty())
        {
            principals.push(p);
        }
    }
    let mut findings: Vec<FindingChange> = Vec::new();
    for (change, from, other) in [
        (Change::Gained, &new.findings, &old.findings),
        (Change::Lost, &old.findings, &new.findings),
    ] {
        for (code, message) in from.difference(other) {
            findings.push(FindingChange {
                change,
                code: code.clone(),
                message: message.clone(),
            });
        }
    }
    let grows = findings.iter().any(|f| f.change == Change::Gained)
        || principals.iter().any(|p| {
            p.aws.iter().any(|c| c.widens)
                || p.gcp.iter().any(|c| c.widens)
                || p.azure.iter().any(|c| c.widens)
                || p.k8s.iter().any(|c| c.widens)
                || p.trust.iter().any(|c| c.widens)
        });
    Diff {
        grows,
        principals,
        findings,
    }
}

fn list(levels: &Levels) -> Vec<String> {
    levels.iter().cloned().collect()
}

fn aws_changes(
    old: &BTreeMap<AwsKey, AwsEntry>,
    new: &BTreeMap<AwsKey, AwsEntry>,
) -> Vec<AwsChange> {
    let keys: BTreeSet<&AwsKey> = old.keys().chain(new.keys()).collect();
    let mut out: Vec<AwsChange> = Vec::new();
    for key in keys {
        let (o, n) = (old.get(key), new.get(key));
        if let (Some(o), Some(n)) = (o, n) {
            if o.patterns.keys().eq(n.patterns.keys())
                && o.not_actions.keys().eq(n.not_actions.keys())
            {
                continue; // the same patterns: the same actions
            }
        }
        let os = o.map(aws::expand).unwrap_or_default();
        let ns = n.map(aws::expand).unwrap_or_default();
        for (change, this, gone, other) in [
            (Change::Gained, n, ns.difference(&os), old),
            (Change::Lost, o, os.difference(&ns), new),
        ] {
            let Some(entry) = this else { continue };
            // Split by whether the other version holds the action through a wider key
            // (the keys that cover this one found once, not once per action).
            let wider: Vec<&AwsEntry> = other
                .iter()
                .filter(|(k, _)| *k != key && aws::covers(k, key))
                .map(|(_, e)| e)
                .collect();
            let (mut covered, mut open) = (BTreeSet::new(), BTreeSet::new());
            for a in gone {
                let held = wider.iter().any(|e| aws::holds(e, a));
                match held {
                    true => covered.insert(a.clone()),
                    false => open.insert(a.clone()),
                };
            }
            for (is_covered, acts) in [(false, open), (true, covered)] {
                if acts.is_empty() {
                    continue;
                }
                let (actions, action_count) = aws::compress(&acts, entry.patterns.keys());
                // A gained Allow, or a lost Deny, that nothing covers.
                let widens = !is_covered && (change == Change::Gained) == key.allow;
                out.push(AwsChange {
                    change,
                    widens,
                    covered: is_covered,
                    effect: if key.allow { "Allow" } else { "Deny" },
                    actions,
                    action_count,
                    resources: vec![key.resource.clone()],
                    not_resource: key.not_resource,
                    conditions: key.conditions.clone(),
                    levels: list(&aws::levels_of(entry, &acts)),
                });
            }
        }
    }
    merge_resources(out)
}

/// One change for the resources that gained or lost the same actions on the same terms.
fn merge_resources(changes: Vec<AwsChange>) -> Vec<AwsChange> {
    let mut out: Vec<AwsChange> = Vec::new();
    for c in changes {
        let same = out.iter_mut().find(|m| {
            (
                m.change,
                m.widens,
                m.covered,
                m.effect,
                &m.actions,
                m.not_resource,
                &m.conditions,
                &m.levels,
            ) == (
                c.change,
                c.widens,
                c.covered,
                c.effect,
                &c.actions,
                c.not_resource,
                &c.conditions,
                &c.levels,
            )
        });
        match same {
            Some(m) => m.resources.extend(c.resources),
            None => out.push(c),
        }
    }
    for c in &mut out {
        c.resources.sort();
    }
    out.sort_by(|a, b| {
        (a.change, !a.widens, a.effect, &a.resources, &a.actions).cmp(&(
            b.change,
            !b.widens,
            b.effect,
            &b.resources,
            &b.actions,
        ))
    });
    out
}

/// What an item of one version means for the diff: (kind, name, on, conditions),
/// whether gaining it widens access, and whether `wide` covers it.
struct Shape {
    kind: &'static str,
    name: String,
    on: Option<String>,
    conditions: Vec<String>,
    /// Gaining it widens access (an exclusion, gained, narrows it).
    grants: bool,
}

/// Whether the first item holds every request the second one does.
type Covers<K> = fn(&K, &K) -> bool;

fn items<K: Ord>(
    old: &BTreeMap<K, Levels>,
    new: &BTreeMap<K, Levels>,
    shape: fn(&K) -> (Shape, Option<Covers<K>>),
) -> Vec<ItemChange> {
    let mut out = Vec::new();
    for (change, from, other) in [(Change::Gained, new, old), (Change::Lost, old, new)] {
        for (item, levels) in from.iter().filter(|(k, _)| !other.contains_key(k)) {
            let (s, covers) = shape(item);
            let covered = match covers {
                // Only itself covers it, and it is not in the other version.
                None => false,
                Some(covers) => other.keys().any(|k| covers(k, item)),
            };
            out.push(ItemChange {
                change,
                widens: !covered && (change == Change::Gained) == s.grants,
                covered,
                kind: s.kind,
                name: s.name,
                on: s.on,
                conditions: s.conditions,
                levels: list(levels),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.change, !a.widens, a.kind, &a.name, &a.on)
            .cmp(&(b.change, !b.widens, b.kind, &b.name, &b.on))
    });
    out
}

fn gcp_item(item: &GcpItem) -> (Shape, Option<Covers<GcpItem>>) {
    let shape = match item {
        GcpItem::Permission(p) => Shape {
            kind: "permission",
            name: p.clone(),
            on: None,
            conditions: Vec::new(),
            grants: true,
        },
        GcpItem::Role {
            role,
            on,
            condition,
        } => Shape {
            kind: "role",
            name: role.clone(),
            on: Some(on.clone()),
            conditions: condition.iter().cloned().collect(),
            grants: true,
        },
    };
    (shape, None)
}

fn azure_item(item: &AzureItem) -> (Shape, Option<Covers<AzureItem>>) {
    let shape = match item {
        AzureItem::Operation {
            operation,
            data,
            not,
            scope,
        } => Shape {
            kind: match (data, not) {
                (false, false) => "action",
                (true, false) => "data action",
                (false, true) => "not action",
                (true, true) => "not data action",
            },
            name: operation.clone(),
            on: Some(scope.clone()),
            conditions: Vec::new(),
            grants: !not,
        },
        AzureItem::Role { role, scope } => Shape {
            kind: "role",
            name: role.clone(),
            on: Some(scope.clone()),
            conditions: Vec::new(),
            grants: true,
        },
    };
    (shape, Some(azure_covers))
}

/// An operation pattern (Azure compares without case) at a scope or one above it.
fn azure_covers(wide: &AzureItem, narrow: &AzureItem) -> bool {
    let scope_covers = |w: &str, n: &str| {
        let (w, n) = (w.to_ascii_lowercase(), n.to_ascii_lowercase());
        n == w || n.starts_with(&format!("{}/", w.trim_end_matches('/')))
    };
    match (wide, narrow) {
        (
            AzureItem::Operation {
                operation: wo,
                data: wd,
                not: wn,
                scope: ws,
            },
            AzureItem::Operation {
                operation: no,
                data: nd,
                not: nn,
                scope: ns,
            },
        ) => {
            wd == nd
                && wn == nn
                && crate::catalog::glob_match(wo, no)
                && match wn {
                    // An exclusion covers a narrower one when it is at least as wide.
                    false => scope_covers(ws, ns),
                    true => scope_covers(ns, ws),
                }
        }
        (
            AzureItem::Role {
                role: wr,
                scope: ws,
            },
            AzureItem::Role {
                role: nr,
                scope: ns,
            },
        ) => wr == nr && scope_covers(ws, ns),
        _ => false,
    }
}

fn trust_item(item: &TrustItem) -> (Shape, Option<Covers<TrustItem>>) {
    let shape = match item {
        TrustItem::Assume {
            cloud,
            who,
            action,
            conditions,
        } => Shape {
            kind: "assume",
            name: match *cloud {
                "aws" => who.clone(),
                _ => format!("{cloud} member {who}"),
            },
            on: Some(action.clone()),
            conditions: conditions.clone(),
            grants: true,
        },
        TrustItem::Identity(id) => Shape {
            kind: "identity",
            name: id.clone(),
            on: None,
            conditions: Vec::new(),
            grants: true,
        },
    };
    (shape, Some(trust_covers))
}

/// The same party (or any, `*`) and action, on fewer conditions.
fn trust_covers(wide: &TrustItem, narrow: &TrustItem) -> bool {
    match (wide, narrow) {
        (
            TrustItem::Assume {
                cloud: wc,
                who: ww,
                action: wa,
                conditions: wcs,
            },
            TrustItem::Assume {
                cloud: nc,
                who: nw,
                action: na,
                conditions: ncs,
            },
        ) => {
            let any = ww.ends_with(" *") || ww == "*";
            wc == nc
                && (ww == nw || any)
                && (wa == na || wa == "*")
                && wcs.iter().all(|c| ncs.contains(c))
        }
        (w, n) => w == n,
    }
}

/// Whether `other` holds an item at least as wide as `narrow`: cluster-wide or the same
/// namespace, `*` or the same group, resource and verb, every object or the same name.
/// Looked up (32 shapes), not scanned: rule lists multiply into many items.
fn k8s_covered(other: &BTreeMap<K8sItem, Levels>, narrow: &K8sItem) -> bool {
    let star = "*".to_string();
    let namespaces = [narrow.namespace.clone(), None];
    let groups = [&narrow.group, &star];
    let resources = [&narrow.resource, &star];
    let verbs = [&narrow.verb, &star];
    let names = [narrow.name.clone(), None];
    for namespace in &namespaces {
        for group in groups {
            for resource in resources {
                for verb in verbs {
                    for name in &names {
                        let wide = K8sItem {
                            namespace: namespace.clone(),
                            group: group.clone(),
                            resource: resource.clone(),
                            name: name.clone(),
                            verb: verb.clone(),
                        };
                        if wide != *narrow && other.contains_key(&wide) {
                            return true;
                        }
                    }
                }
            }
        }
    }
    false
}

/// Verbs gained or lost, one change per (namespace, group, resource, name) and whether
/// they widen.
fn k8s_changes(old: &BTreeMap<K8sItem, Levels>, new: &BTreeMap<K8sItem, Levels>) -> Vec<K8sChange> {
    type Key = (
        Change,
        bool,
        bool,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let mut grouped: BTreeMap<Key, (BTreeSet<String>, Levels)> = BTreeMap::new();
    for (change, from, other) in [(Change::Gained, new, old), (Change::Lost, old, new)] {
        for (item, levels) in from.iter().filter(|(k, _)| !other.contains_key(k)) {
            let covered = k8s_covered(other, item);
            let widens = !covered && change == Change::Gained;
            let key = (
                change,
                !widens,
                covered,
                item.namespace.clone(),
                item.group.clone(),
                item.resource.clone(),
                item.name.clone(),
            );
            let g = grouped.entry(key).or_default();
            g.0.insert(item.verb.clone());
            g.1.extend(levels.iter().cloned());
        }
    }
    grouped
        .into_iter()
        .map(
            |((change, not_widens, covered, namespace, group, resource, name), (verbs, levels))| {
                K8sChange {
                    change,
                    widens: !not_widens,
                    covered,
                    namespace,
                    group,
                    resource,
                    name,
                    verbs: verbs.into_iter().collect(),
                    levels: list(&levels),
                }
            },
        )
        .collect()
}

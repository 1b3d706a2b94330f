//! What one compiled version grants, in the form the diff compares: per principal and
//! cloud, sets of grants keyed by everything that makes two grants the same (action,
//! resource, condition; verb, resource, namespace; operation, scope; trusted party,
//! action, condition), each with the access levels it came from.

use crate::access::{self, Principal as Effective};
use crate::catalog::managed;
use crate::model::{self, Model};
use crate::syntax::ast;
use crate::{Compilation, Options};
use std::collections::{BTreeMap, BTreeSet};

/// The access levels a grant came from.
pub type Levels = BTreeSet<String>;

/// Everything one version grants, and its risk findings.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub principals: BTreeMap<String, PrincipalFacts>,
    /// (code, message) of the risk findings the compilation reported.
    pub findings: BTreeSet<(String, String)>,
    /// Why the facts are incomplete: Kubernetes rules whose lists multiply into more
    /// than [`MAX_K8S_ITEMS`] items (the diff refuses them rather than run for hours).
    pub too_large: Option<String>,
}

/// The most (namespace, group, resource, name, verb) items one version may expand to.
pub const MAX_K8S_ITEMS: usize = 1 << 17;

#[derive(Clone, Debug, Default)]
pub struct PrincipalFacts {
    pub aws: BTreeMap<AwsKey, AwsEntry>,
    pub gcp: BTreeMap<GcpItem, Levels>,
    pub azure: BTreeMap<AzureItem, Levels>,
    pub k8s: BTreeMap<K8sItem, Levels>,
    pub trust: BTreeMap<TrustItem, Levels>,
}

/// What makes AWS statements grant on the same terms: the effect, one resource and the
/// statement's conditions.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AwsKey {
    pub allow: bool,
    pub resource: String,
    pub not_resource: bool,
    /// One entry per (operator, key, values), sorted: all must hold.
    pub conditions: Vec<String>,
}

/// The actions granted (or denied) on one [`AwsKey`]: the patterns of `Action`
/// statements, and the excluded patterns of each `NotAction` statement (every action
/// but those), each with its levels.
#[derive(Clone, Debug, Default)]
pub struct AwsEntry {
    pub patterns: BTreeMap<String, Levels>,
    pub not_actions: BTreeMap<Vec<String>, Levels>,
}

/// A GCP permission of a custom role, or a role bound (predefined or basic).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GcpItem {
    Permission(String),
    /// (role, where it is bound: `project`, `bucket NAME`..., the condition's title).
    Role {
        role: String,
        on: String,
        condition: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AzureItem {
    /// An operation of a custom role: `data` for a data action, `not` for the
    /// NotActions / NotDataActions.
    Operation {
        operation: String,
        data: bool,
        not: bool,
        scope: String,
    },
    /// A built-in role assigned at a scope.
    Role { role: String, scope: String },
}

/// One verb on one resource of one API group, cluster-wide (`namespace` None) or in a
/// namespace, on every object or one name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct K8sItem {
    pub namespace: Option<String>,
    pub group: String,
    pub resource: String,
    pub name: Option<String>,
    pub verb: String,
}

/// Who may act as the principal: an AWS trust statement's principal and action, a GCP
/// impersonator, or the identity itself (role, service account, service principal).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrustItem {
    Assume {
        cloud: &'static str,
        who: String,
        action: String,
        conditions: Vec<String>,
    },
    Identity(String),
}

/// The risk findings: the codes of trust and escalation warnings (knowledge, here as
/// one list: the diff reports those that are new).
pub const RISK_CODES: &[&str] = &[
    "W0211", "W0401", "W0404", "W0411", "W0424", "W0427", "W0446", "W0447", "W0448",
];

impl Facts {
    /// The facts of a compilation without errors (`None` when it has them). `options`
    /// must be the ones it was compiled with: the source is expanded again with them.
    pub fn of(c: &Compilation, options: &Options) -> Option<Facts> {
        let model = c.model.as_ref()?;
        // As the checks saw it: `include` and `if` expanded.
        let expanded = c.expanded(options);
        let decls = expanded.decls(&c.stdlib);
        let effective = access::effective(&decls, model);
        let mut facts = Facts::from_model(model, &effective);
        facts.findings = c
            .diagnostics
            .iter()
            .filter(|d| RISK_CODES.contains(&d.code.as_str()))
            .map(|d| (d.code.as_str().to_string(), d.message.clone()))
            .collect();
        Some(facts)
    }

    /// The grants of `model`; `effective` is its effective access (for the GCP
    /// permissions, Azure operations and Kubernetes rules, bindings included).
    pub fn from_model(model: &Model, effective: &[Effective]) -> Facts {
        let mut facts = Facts::default();
        for a in &model.accesses {
            let holder = holder_of(a);
            let p = facts.principals.entry(holder.clone()).or_default();
            aws(a, p);
            for role in &a.gcp.roles {
                level(&mut p.gcp, gcp_role(role, "project", None), &a.name);
            }
            for b in &a.bindings.gcp {
                let on = match b.target {
                    model::GcpTarget::Project => "project".to_string(),
                    t => format!("{} {}", t.as_str(), b.resource),
                };
                let cond = b.condition.as_ref().map(|(t, _)| t.clone());
                for m in &b.members {
                    let who = if b.own { holder.clone() } else { m.clone() };
                    let p = facts.principals.entry(who).or_default();
                    level(&mut p.gcp, gcp_role(&b.role, &on, cond.clone()), &a.name);
                }
            }
            for z in &a.bindings.azure {
                for id in &z.principals {
                    let who = if z.own { holder.clone() } else { id.clone() };
                    let item = AzureItem::Role {
                        role: z.role_name.clone(),
                        scope: z.scope.clone(),
                    };
                    level(
                        &mut facts.principals.entry(who).or_default().azure,
                        item,
                        &a.name,
                    );
                }
            }
        }
        let mut k8s_items = 0usize;
        for e in effective {
            let p = facts.principals.entry(e.name.clone()).or_default();
            for g in &e.gcp {
                if g.via_role.is_none() && !g.name.contains('/') {
                    level(
                        &mut p.gcp,
                        GcpItem::Permission(g.name.clone()),
                        &g.origin.level,
                    );
                }
            }
            for z in e.azure.iter().filter(|z| z.via_role.is_none()) {
                for scope in &z.scopes {
                    let item = AzureItem::Operation {
                        operation: z.operation.clone(),
                        data: z.data,
                        not: z.not,
                        scope: scope.clone(),
                    };
                    level(&mut p.azure, item, &z.origin.level);
                }
            }
            for k in &e.k8s {
                let names = k.names.len().max(1);
                let n = [k.groups.len(), k.resources.len(), names, k.verbs.len()]
                    .iter()
                    .fold(1usize, |a, b| a.saturating_mul(*b));
                k8s_items = k8s_items.saturating_add(n);
                if k8s_items > MAX_K8S_ITEMS {
                    facts.too_large = Some(format!(
                        "the Kubernetes rules of `{}` multiply into more than {MAX_K8S_ITEMS} (verb, resource, name) items",
                        e.name
                    ));
                    break;
                }
                k8s(k, &mut p.k8s);
            }
        }
        for pr in &model.principals {
            trust(pr, facts.principals.entry(pr.name.clone()).or_default());
        }
        facts.principals.retain(|_, p| !p.is_empty());
        facts
    }
}

impl PrincipalFacts {
    pub fn is_empty(&self) -> bool {
        self.aws.is_empty()
            && self.gcp.is_empty()
            && self.azure.is_empty()
            && self.k8s.is_empty()
            && self.trust.is_empty()
    }
}

/// Who holds a level's grants: its principal, else the level itself (as
/// [`access::effective`] names it).
fn holder_of(a: &model::Access) -> String {
    a.principal
        .clone()
        .unwrap_or_else(|| format!("access level `{}`", a.name))
}

fn level<K: Ord>(map: &mut BTreeMap<K, Levels>, key: K, level: &str) {
    map.entry(key).or_default().insert(level.to_string());
}

fn gcp_role(role: &str, on: &str, condition: Option<String>) -> GcpItem {
    GcpItem::Role {
        role: role.to_string(),
        on: on.to_string(),
        condition,
    }
}

/// The level's own statements (with their conditions' values) and the statements of
/// the AWS managed policies it attaches (whose conditions are known by key only).
fn aws(a: &model::Access, p: &mut PrincipalFacts) {
    for st in &a.aws {
        let conditions = model::condition_lines(&st.conditions, " | ");
        let statement = managed::Statement {
            allow: st.effect == ast::Effect::Allow,
            actions: st.actions.clone(),
            not_action: st.not_action,
            resources: st.resources.clone(),
            not_resource: st.not_resource,
            condition_keys: Vec::new(),
        };
        add_statement(p, &statement, conditions, &a.name);
    }
    for arn in &a.aws_managed {
        let Some(policy) = managed::policy(arn) else {
            continue;
        };
        let from = format!("{} (managed policy {})", a.name, policy.name);
        for st in &policy.statements {
            let conditions = st
                .condition_keys
                .iter()
                .map(|k| format!("a condition on {k}"))
                .collect();
            add_statement(p, st, conditions, &from);
        }
    }
}

fn add_statement(
    p: &mut PrincipalFacts,
    st: &managed::Statement,
    mut conditions: Vec<String>,
    from: &str,
) {
    conditions.sort();
    conditions.dedup();
    let mut actions = st.actions.clone();
    actions.sort();
    actions.dedup();
    for resource in &st.resources {
        let key = AwsKey {
            allow: st.allow,
            resource: resource.clone(),
            not_resource: st.not_resource,
            conditions: conditions.clone(),
        };
        let entry = p.aws.entry(key).or_default();
        if st.not_action {
            level(&mut entry.not_actions, actions.clone(), from);
        } else {
            for pattern in &actions {
                level(&mut entry.patterns, pattern.clone(), from);
            }
        }
    }
}

fn k8s(k: &access::K8sGrant, out: &mut BTreeMap<K8sItem, Levels>) {
    let names: Vec<Option<String>> = match k.names.is_empty() {
        true => vec![None],
        false => k.names.iter().cloned().map(Some).collect(),
    };
    let from = match k.bound {
        true => format!("{} (bound role {})", k.origin.level, k.role),
        false => k.origin.level.clone(),
    };
    for group in &k.groups {
        for resource in &k.resources {
            for name in &names {
                for verb in &k.verbs {
                    let item = K8sItem {
                        namespace: k.namespace.clone(),
                        group: group.clone(),
                        resource: resource.clone(),
                        name: name.clone(),
                        verb: verb.clone(),
                    };
                    level(out, item, &from);
                }
            }
        }
    }
}

fn trust(p: &model::Principal, out: &mut PrincipalFacts) {
    for st in crate::backend::aws::trust_statements(p) {
        let mut conditions = model::condition_lines(&st.conditions, " | ");
        conditions.sort();
        for who in &st.principals {
            for action in &st.actions {
                let item = TrustItem::Assume {
                    cloud: "aws",
                    who: format!("{} {who}", st.principal_key),
                    action: action.clone(),
                    conditions: conditions.clone(),
                };
                out.trust.entry(item).or_default();
            }
        }
    }
    if let Some(sa) = &p.gcp_service_account {
        let item = TrustItem::Identity(format!("gcp service account {}", sa.account));
        out.trust.entry(item).or_default();
        for m in &sa.impersonated_by {
            let item = TrustItem::Assume {
                cloud: "gcp",
                who: m.clone(),
                action: "impersonate".to_string(),
                conditions: Vec::new(),
            };
            out.trust.entry(item).or_default();
        }
    }
    if let Some(id) = &p.azure_principal {
        let item = TrustItem::Identity(format!("azure service principal {id}"));
        out.trust.entry(item).or_default();
    }
    if let Some(sa) = &p.k8s_service_account {
        let item = TrustItem::Identity(format!("k8s service account {}/{}", sa.namespace, sa.name));
        out.trust.entry(item).or_default();
    }
}

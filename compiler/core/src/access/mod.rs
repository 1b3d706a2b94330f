//! Effective access: what each principal can do on each cloud, from everything its
//! access levels emit — abstract grants after expansion, literal statements, AWS managed
//! policies (from their documents), GCP predefined roles (their permissions), Azure
//! operations and Kubernetes rules — each grant with the source span it came from.
//!
//! The risk analysis ([`risk`]) reads it; so can any question of the form "can this
//! principal do X on Y?" ([`Principal::aws_can`] and friends).

pub mod capabilities;
pub mod diff;
pub mod risk;

mod action_index;
mod one_by_one;
use action_index::ActionIndex;
pub use one_by_one::each_effective;

use crate::catalog::{glob_match, glob_match_by, managed};
use crate::model::{self, Model};
use crate::resolve::decls::Decls;
use crate::source::Span;
use crate::syntax::ast::{self, Effect, Scope};
use std::collections::BTreeMap;

/// Where a grant came from: the access level, whether it is scoped, and the span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub level: String,
    pub scoped: bool,
    pub span: Span,
}

/// One AWS statement as the principal holds it: the statement (one type with the
/// managed policies' statements, [`managed::Statement`]) and where it came from.
#[derive(Clone, Debug)]
pub struct AwsGrant {
    pub statement: managed::Statement,
    /// `managed_policy "NAME"` when it came from one.
    pub managed: Option<String>,
    /// The action names as written, with their spans (explicit statements only).
    pub written: Vec<(String, Span)>,
    /// The whole condition block, operator -> key -> values, of the level's own
    /// statements (a managed policy's statements keep only their keys). Two statements
    /// one abstract grant generates share a span, so this is how to tell them apart.
    pub conditions: crate::model::Conditions,
    pub origin: Origin,
    /// The statement's actions indexed for [`AwsGrant::covers_action`], built on first
    /// use: a generated statement names hundreds of actions, and the risk model asks
    /// about each capability's actions of every statement.
    index: std::sync::OnceLock<ActionIndex>,
}

impl std::ops::Deref for AwsGrant {
    type Target = managed::Statement;
    fn deref(&self) -> &managed::Statement {
        &self.statement
    }
}

impl AwsGrant {
    /// Where `action` is written in the statement: the name or wildcard that covers it,
    /// else the statement.
    pub fn span_of(&self, action: &str) -> Span {
        self.written
            .iter()
            .find(|(w, _)| glob_match(w, action))
            .map(|(_, s)| *s)
            .unwrap_or(self.origin.span)
    }
}

impl AwsGrant {
    /// Whether the statement names `action` (IAM compares actions without case).
    pub fn covers_action(&self, action: &str) -> bool {
        let index = self.index.get_or_init(|| ActionIndex::new(&self.actions));
        index.names(action) != self.not_action
    }

    /// Whether the statement reaches a resource of `service` whose ARN ends in
    /// `resource`, in any region and account (`*` reaches everything). Resource parts
    /// of ARNs compare with case.
    pub fn reaches(&self, service: &str, resource: &str) -> bool {
        let any = self.resources.iter().any(|p| reaches(p, service, resource));
        any != self.not_resource
    }

    /// Whether some resource pattern names no resource in particular: `*`, or a
    /// type with only wildcards for the name (`instance/*`, `role/*`).
    pub fn reaches_unnamed(&self) -> bool {
        if self.not_resource {
            return true;
        }
        self.resources.iter().any(|r| {
            let resource = r.splitn(6, ':').nth(5).unwrap_or(r);
            let name = resource
                .split_once(['/', ':'])
                .map(|(_, n)| n)
                .unwrap_or(resource);
            name.chars().all(|c| c == '*' || c == '?' || c == '/')
        })
    }

    /// Whether the conditions leave the grant's reach as it is: no condition, or only
    /// keys that do not narrow which resources it reaches.
    pub fn unbounded(&self) -> bool {
        self.condition_keys.iter().all(|k| {
            capabilities::UNBOUNDING_KEYS
                .iter()
                .any(|u| u.eq_ignore_ascii_case(k))
        })
    }
}

/// Whether an ARN pattern reaches a resource of `service` named `resource`, whatever its
/// partition, region and account.
fn reaches(pattern: &str, service: &str, resource: &str) -> bool {
    if pattern == "*" || service == "*" {
        return true;
    }
    let exact = |p: char, t: char| p == '?' || p == t;
    // Split without allocating when all six fields are written (nearly always).
    if let Some(f) = crate::catalog::arn::Split::new(pattern).fields() {
        return f[0] == "arn" && glob_match(f[2], service) && glob_match_by(f[5], resource, exact);
    }
    // `arn:aws:*` and the like, with fewer fields: a wildcard stands for those after it.
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    fields.first() == Some(&"arn")
        && fields.last().is_some_and(|f| f.ends_with('*'))
        && glob_match(&fields[2..].join(":"), &format!("{service}:x:x:{resource}"))
}

/// One GCP permission or predefined role the principal holds.
#[derive(Clone, Debug)]
pub struct GcpGrant {
    /// A permission (`iam.serviceAccounts.actAs`) or a role (`roles/editor`).
    pub name: String,
    /// For a permission inside a predefined role: the role.
    pub via_role: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct AzureGrant {
    /// An operation or a pattern (`Microsoft.Compute/*`).
    pub operation: String,
    pub data: bool,
    pub not: bool,
    /// The assignable scopes.
    pub scopes: Vec<String>,
    /// For an operation inside a built-in role: the role.
    pub via_role: Option<String>,
    pub origin: Origin,
}

/// One rule of a Kubernetes Role or ClusterRole.
#[derive(Clone, Debug)]
pub struct K8sGrant {
    pub role: String,
    /// None: a ClusterRole (every namespace).
    pub namespace: Option<String>,
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub names: Vec<String>,
    /// Bound with `k8s bind` to a role the cluster has, not written by the source.
    pub bound: bool,
    pub origin: Origin,
}

/// Everything one principal holds (or, for levels without a principal, one level).
#[derive(Clone, Debug, Default)]
pub struct Principal {
    pub name: String,
    pub aws: Vec<AwsGrant>,
    pub gcp: Vec<GcpGrant>,
    /// Members that may impersonate the principal's GCP service account.
    pub impersonators: Vec<(String, Span)>,
    pub azure: Vec<AzureGrant>,
    pub k8s: Vec<K8sGrant>,
    /// Public members (`allUsers`) a `gcp bind` names, with the binding's span.
    pub public_members: Vec<(String, Origin)>,
    /// Roles of the cluster bound with `k8s bind` (`cluster-admin`), with the origin.
    pub k8s_bound: Vec<(String, Origin)>,
}

impl Principal {
    /// The Allow statements that let the principal do `action` on a resource of
    /// `service` named `resource`; none when an unconditioned Deny takes it away.
    /// `unbounded`: only statements whose conditions do not narrow their reach.
    pub fn aws_can(
        &self,
        action: &str,
        service: &str,
        resource: &str,
        unbounded: bool,
    ) -> Vec<&AwsGrant> {
        let denied = self.aws.iter().any(|g| {
            !g.allow
                && g.condition_keys.is_empty()
                && g.covers_action(action)
                && g.reaches(service, resource)
        });
        if denied {
            return Vec::new();
        }
        self.aws
            .iter()
            .filter(|g| {
                g.allow
                    && g.covers_action(action)
                    && g.reaches(service, resource)
                    && (!unbounded || g.unbounded())
            })
            .collect()
    }
}

/// The effective access of every principal of the model.
pub fn effective(decls: &Decls, model: &Model) -> Vec<Principal> {
    effective_of(decls, model, &|_| true)
}

/// [`effective`], with the grants of levels `for` a principal `wanted` refuses left
/// out (bindings still counted): the language server needs only the principals whose
/// risk findings it did not keep. The wanted principals are as [`effective`] gives.
pub fn effective_of(decls: &Decls, model: &Model, wanted: &dyn Fn(&str) -> bool) -> Vec<Principal> {
    let mut by_principal: BTreeMap<String, Principal> = BTreeMap::new();
    gather(
        decls,
        model.accesses.iter().map(|a| &**a),
        wanted,
        &mut by_principal,
    );
    impersonators(decls, model.principals.iter(), &mut by_principal);
    by_principal.into_values().collect()
}

/// The principal (or level) that holds what `access` grants itself.
fn key_of(access: &model::Access) -> String {
    access
        .principal
        .clone()
        .unwrap_or_else(|| format!("access level `{}`", access.name))
}

/// What `accesses` grant, added to `by_principal` in their order.
fn gather<'m>(
    decls: &Decls,
    accesses: impl Iterator<Item = &'m model::Access>,
    wanted: &dyn Fn(&str) -> bool,
    by_principal: &mut BTreeMap<String, Principal>,
) {
    for access in accesses {
        let Some(src) = decls.accesses.get(access.name.as_str()) else {
            continue;
        };
        let key = key_of(access);
        let p = by_principal
            .entry(key.clone())
            .or_insert_with(|| Principal {
                name: key.clone(),
                ..Principal::default()
            });
        let origin = |span: Span| Origin {
            level: access.name.clone(),
            scoped: matches!(src.scope.node, Scope::Scoped),
            span,
        };
        if !wanted(&key) {
            bindings(access, &origin, by_principal, &key);
            continue;
        }
        aws(access, src, &origin, p);
        gcp(access, src, &origin, p);
        azure(access, src, &origin, p);
        for role in &access.k8s {
            for (i, rule) in role.rules.iter().enumerate() {
                p.k8s.push(K8sGrant {
                    role: role.name.clone(),
                    namespace: role.namespace.clone(),
                    groups: rule.api_groups.clone(),
                    resources: rule.resources.clone(),
                    verbs: rule.verbs.clone(),
                    names: rule.resource_names.clone(),
                    bound: false,
                    origin: origin(role.rule_spans.get(i).copied().unwrap_or(role.span)),
                });
            }
        }
        bindings(access, &origin, by_principal, &key);
    }
}

/// The members that may impersonate each of `principals` already in `by_principal`.
fn impersonators<'m>(
    decls: &Decls,
    principals: impl Iterator<Item = &'m model::Principal>,
    by_principal: &mut BTreeMap<String, Principal>,
) {
    for p in principals {
        let Some(entry) = by_principal.get_mut(&p.name) else {
            continue;
        };
        if let (Some(sa), Some(decl)) = (
            &p.gcp_service_account,
            decls.principals.get(p.name.as_str()),
        ) {
            let spans = decl
                .gcp_service_account
                .as_ref()
                .map(|g| g.impersonated_by.iter().map(|s| s.span).collect::<Vec<_>>())
                .unwrap_or_default();
            for (i, m) in sa.impersonated_by.iter().enumerate() {
                let span = spans.get(i).copied().unwrap_or(decl.span);
                entry.impersonators.push((m.clone(), span));
            }
        }
    }
}

fn aws(
    access: &model::Access,
    src: &ast::Access,
    origin: &dyn Fn(Span) -> Origin,
    p: &mut Principal,
) {
    // The written statement of each span (the first, as a search would find it), found
    // once: a search per statement made a level of thousands of statements quadratic.
    let mut by_span = std::collections::HashMap::with_capacity(src.aws.len());
    for s in &src.aws {
        by_span.entry(s.span).or_insert(s);
    }
    for st in &access.aws {
        let written = by_span
            .get(&st.span)
            .map(|s| s.actions.iter().map(|a| (a.node.clone(), a.span)).collect())
            .unwrap_or_default();
        p.aws.push(AwsGrant {
            written,
            statement: managed::Statement {
                allow: st.effect == Effect::Allow,
                actions: st.actions.clone(),
                not_action: st.not_action,
                resources: st.resources.clone(),
                not_resource: st.not_resource,
                condition_keys: st
                    .conditions
                    .values()
                    .flat_map(|k| k.keys().cloned())
                    .collect(),
            },
            managed: None,
            conditions: st.conditions.clone(),
            origin: origin(st.span),
            index: Default::default(),
        });
    }
    for arn in &access.aws_managed {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        let span = src
            .aws_managed
            .iter()
            .find(|s| s.node.ends_with(name))
            .map(|s| s.span)
            .unwrap_or(src.name.span);
        let Some(policy) = managed::policy(arn) else {
            continue;
        };
        for statement in policy.statements {
            p.aws.push(AwsGrant {
                statement,
                managed: Some(policy.name.to_string()),
                written: Vec::new(),
                conditions: Default::default(),
                origin: origin(span),
                index: Default::default(),
            });
        }
    }
}

/// The span of a name the level lists explicitly, else of the abstract grant that gave
/// it, else of the level's name.
fn span_of(
    src: &ast::Access,
    explicit: &[&ast::Str],
    generated: &BTreeMap<String, Span>,
    name: &str,
) -> Span {
    explicit
        .iter()
        .find(|s| s.node == name)
        .map(|s| s.span)
        .or_else(|| generated.get(name).copied())
        .unwrap_or(src.name.span)
}

fn gcp(
    access: &model::Access,
    src: &ast::Access,
    origin: &dyn Fn(Span) -> Origin,
    p: &mut Principal,
) {
    let explicit: Vec<&ast::Str> = src.gcp_permissions.iter().collect();
    let roles: Vec<&ast::Str> = src.gcp_roles.iter().collect();
    // Permissions and roles, each as written; then what each predefined role holds.
    let written = (access.gcp.permissions.iter().map(|n| (n, &explicit)))
        .chain(access.gcp.roles.iter().map(|n| (n, &roles)));
    for (name, lines) in written {
        p.gcp.push(GcpGrant {
            name: name.clone(),
            via_role: None,
            origin: origin(span_of(src, lines, &access.origins, name)),
        });
    }
    for role in &access.gcp.roles {
        let span = span_of(src, &roles, &access.origins, role);
        for perm in crate::catalog::gcp_roles::permissions(role) {
            p.gcp.push(GcpGrant {
                name: perm.to_string(),
                via_role: Some(role.clone()),
                origin: origin(span),
            });
        }
    }
}

fn azure(
    access: &model::Access,
    src: &ast::Access,
    origin: &dyn Fn(Span) -> Origin,
    p: &mut Principal,
) {
    let lists = [
        (&access.azure.actions, &src.azure.actions, false, false),
        (
            &access.azure.not_actions,
            &src.azure.not_actions,
            false,
            true,
        ),
        (
            &access.azure.data_actions,
            &src.azure.data_actions,
            true,
            false,
        ),
        (
            &access.azure.not_data_actions,
            &src.azure.not_data_actions,
            true,
            true,
        ),
    ];
    for (ops, written, data, not) in lists {
        let explicit: Vec<&ast::Str> = written.iter().collect();
        for op in ops {
            let span = span_of(src, &explicit, &access.origins, op);
            p.azure.push(AzureGrant {
                operation: op.clone(),
                data,
                not,
                scopes: access.azure.scopes.clone(),
                via_role: None,
                origin: origin(span),
            });
        }
    }
}

/// `gcp bind`, `azure assign` and `k8s bind`: to the level's principal when the binding
/// names no member (its own identity), else to each member named, who then holds it as
/// a principal of its own. A GCP role bound on one bucket or service account reaches
/// only that resource, so only project-wide bindings add the role's permissions.
fn bindings(
    access: &model::Access,
    origin: &dyn Fn(Span) -> Origin,
    all: &mut BTreeMap<String, Principal>,
    own: &str,
) {
    fn holder<'p>(
        all: &'p mut BTreeMap<String, Principal>,
        own: &str,
        own_identity: bool,
        member: &str,
    ) -> &'p mut Principal {
        let name = match own_identity {
            true => own.to_string(),
            false => member.to_string(),
        };
        all.entry(name.clone()).or_insert_with(|| Principal {
            name,
            ..Principal::default()
        })
    }
    for b in &access.bindings.gcp {
        for m in &b.members {
            let p = holder(all, own, b.own, m);
            if PUBLIC_MEMBERS.contains(&m.as_str()) {
                p.public_members.push((m.clone(), origin(b.span)));
            }
            if !b.target.project_wide() {
                continue;
            }
            p.gcp.push(GcpGrant {
                name: b.role.clone(),
                via_role: None,
                origin: origin(b.span),
            });
            for perm in crate::catalog::gcp_roles::permissions(&b.role) {
                p.gcp.push(GcpGrant {
                    name: perm.to_string(),
                    via_role: Some(b.role.clone()),
                    origin: origin(b.span),
                });
            }
        }
    }
    for z in &access.bindings.azure {
        let Some(role) = crate::catalog::azure_roles::find(&z.role_id) else {
            continue;
        };
        for id in &z.principals {
            let p = holder(all, own, z.own, id);
            for (ops, data) in [(&role.actions, false), (&role.data_actions, true)] {
                for op in ops.iter() {
                    p.azure.push(AzureGrant {
                        operation: op.to_string(),
                        data,
                        not: false,
                        scopes: vec![z.scope.clone()],
                        via_role: Some(role.name.to_string()),
                        origin: origin(z.span),
                    });
                }
            }
        }
    }
    for k in &access.bindings.k8s {
        let rules = match k.cluster_role {
            true => crate::catalog::k8s_roles::rules(&k.role).unwrap_or(&[]),
            false => &[],
        };
        for s in &k.subjects {
            let member = match &s.namespace {
                Some(ns) => format!("{}:{ns}/{}", s.kind, s.name),
                None => format!("{}:{}", s.kind, s.name),
            };
            let p = holder(all, own, k.own, &member);
            p.k8s_bound.push((k.role.clone(), origin(k.span)));
            for (group, resources, verbs) in rules.iter() {
                p.k8s.push(K8sGrant {
                    role: k.role.clone(),
                    namespace: k.namespace.clone(),
                    groups: vec![group.to_string()],
                    resources: resources.iter().map(|r| r.to_string()).collect(),
                    verbs: verbs.iter().map(|v| v.to_string()).collect(),
                    names: Vec::new(),
                    bound: true,
                    origin: origin(k.span),
                });
            }
        }
    }
}

const PUBLIC_MEMBERS: &[&str] = &["allUsers", "allAuthenticatedUsers"];

//! Lowering: the checked syntax tree to the [`Model`]. Abstract grants (`read store
//! datasets`) become each target's permissions through the standard library kinds;
//! explicit grants are carried over with parameters filled in.

pub mod bindings;
mod grants;
use grants::{generated_sids, sid_collisions, Generated, GeneratedRule, GeneratedStatement};
pub mod minimize;
pub mod scoping;

use crate::catalog::aws::{self as cat, Action, Service};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::model::{self, Model};
use crate::resolve::decls::Decls;
use crate::resolve::params::Params;
use crate::source::Span;
use crate::syntax::ast::{self, Cloud, Condition, Effect, EngineMode, Level, Scope, TargetKind};
use crate::vocab::resource_policies::{principal_form, Kind, PrincipalForm};
use scoping::Scoping;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const VERB_ORDER: &[&str] = &[
    "get", "list", "watch", "create", "update", "patch", "delete",
];

/// Kubernetes verbs each base level grants on a component's resources.
fn k8s_verbs(level: Level) -> &'static [&'static str] {
    match level {
        Level::List => &["list", "watch"],
        Level::Read => &["get", "list", "watch"],
        Level::Write => &["create", "update", "patch", "delete"],
        Level::Tag | Level::Permissions | Level::Manage => &[],
    }
}

pub fn lower(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) -> Model {
    lower_with(decls, params, diags, None)
}

/// [`lower`], reusing the levels `memo` kept from an earlier compilation and keeping
/// the others.
pub fn lower_with(
    decls: &Decls,
    params: &Params,
    diags: &mut Vec<Diagnostic>,
    memo: Option<&crate::memo::Context>,
) -> Model {
    let mut m = Model::default();
    if let Some(d) = decls.deployment {
        m.deployment = model::DeploymentInfo {
            name: d.name.node.clone(),
            clouds: decls.clouds(),
            managed_tag: d
                .managed_tag
                .as_ref()
                .map(|(k, v)| (params.render(&k.node), params.render(&v.node))),
            name_prefix: d.name_prefix.as_ref().map(|p| params.render(&p.node)),
            project_id: params.render("${project_id}"),
            modes: BTreeMap::new(),
        };
    }
    let l = Lowerer {
        decls,
        params,
        placements: Default::default(),
    };
    m.principals = decls.principals.values().map(|p| l.principal(p)).collect();
    m.networks = decls
        .network_inputs()
        .iter()
        .map(|n| l.network(n.network, &n.clouds))
        .collect();
    m.accesses = decls
        .accesses
        .values()
        .map(|a| {
            let Some((memo, frame)) = memo.and_then(|c| Some((c, c.frame(a.span)?))) else {
                return l.access(a, diags).into();
            };
            if let Some((access, kept)) = memo.get(&frame) {
                diags.extend(kept);
                return access;
            }
            let first = diags.len();
            let access = model::Shared::new(l.access(a, diags));
            memo.put(&frame, &access, &diags[first..]);
            access
        })
        .collect();
    m.scps = decls
        .scps
        .values()
        .map(|s| model::Scp {
            name: s.name.node.clone(),
            ou: params.render(&s.ou.node),
            statements: s.statements.iter().map(|st| l.statement(st)).collect(),
        })
        .collect();
    if decls.targets(Cloud::Aws) {
        m.resource_policies = decls
            .stores
            .values()
            .filter_map(|s| l.resource_policy(s))
            .collect();
    }
    m
}

struct Lowerer<'a, 'd> {
    decls: &'d Decls<'a>,
    params: &'d Params,
    /// Where each action went, per placement context: many levels grant the same kinds
    /// under the same scope, and placing an action builds its ARNs.
    placements: std::cell::RefCell<HashMap<PlaceKey, Placements>>,
}

/// What [`scoping::place`] reads besides the action: scoped, the `scope by` mode, the
/// tag key, the name pattern, the written name, the kind's resource types.
type PlaceKey = (
    bool,
    Option<ast::ScopeMode>,
    Option<String>,
    String,
    Option<String>,
    Vec<String>,
);

/// (service prefix, action name) -> where it goes, in one context.
type Placements =
    HashMap<(&'static str, &'static str), Result<Option<scoping::Placement>, scoping::NoTag>>;

impl Lowerer<'_, '_> {
    fn fill(&self, s: &ast::Str) -> String {
        self.params.render(&s.node)
    }

    fn list(&self, l: &[ast::Str]) -> Vec<String> {
        l.iter().map(|s| self.fill(s)).collect()
    }

    fn principal(&self, p: &ast::Principal) -> model::Principal {
        model::Principal {
            name: p.name.node.clone(),
            aws_role: p.aws_role.as_ref().map(|r| model::AwsRole {
                arn: self.fill(&r.arn),
                external_id: r.external_id.as_ref().map(|e| self.fill(e)),
            }),
            aws_trust: p.aws_trust.iter().map(|t| self.trust(t)).collect(),
            aws_instance_profile: p.aws_instance_profile.as_ref().map(|i| match &i.node {
                Some(name) => self.fill(name),
                None => self.role_name(&p.name.node),
            }),
            aws_boundary: p.aws_boundary.as_ref().map(|b| b.node.clone()),
            gcp_service_account: p
                .gcp_service_account
                .as_ref()
                .map(|g| model::GcpServiceAccount {
                    account: self.fill(&g.account),
                    impersonated_by: self.list(&g.impersonated_by),
                }),
            azure_principal: p.azure_principal.as_ref().map(|a| self.fill(a)),
            k8s_service_account: p
                .k8s_service_account
                .as_ref()
                .map(|k| model::K8sServiceAccount {
                    name: self.fill(&k.name),
                    namespace: self.fill(&k.namespace),
                }),
        }
    }

    fn network(&self, n: &ast::Network, clouds: &[Cloud]) -> model::Network {
        let block = |name: &str| {
            n.subnets
                .iter()
                .find(|s| s.name.node == name)
                .map(|s| s.cidr.node.clone())
                .unwrap_or_default()
        };
        let mut connects: Vec<String> = n.connects.iter().map(|c| c.node.clone()).collect();
        connects.sort();
        connects.dedup();
        model::Network {
            name: n.name.node.clone(),
            clouds: clouds.to_vec(),
            cidr: n.cidr.as_ref().map(|c| c.node.clone()),
            subnets: n
                .subnets
                .iter()
                .map(|s| model::Subnet {
                    name: s.name.node.clone(),
                    cidr: s.cidr.node.clone(),
                    zone: s.zone.as_ref().map(|z| self.fill(z)),
                    public: s.public.as_ref().map(|p| p.node.clone()),
                    secondary: s
                        .secondary
                        .iter()
                        .map(|(n, c)| (n.node.clone(), c.node.clone()))
                        .collect(),
                })
                .collect(),
            pods: n.pods.as_ref().map(|c| c.node.clone()),
            services: n.services.as_ref().map(|c| c.node.clone()),
            psc: n.psc.as_ref().map(|c| c.node.clone()),
            master: n.master.as_ref().map(|c| c.node.clone()),
            rules: n
                .rules
                .iter()
                .map(|r| {
                    let mut ports: Vec<(u16, u16)> = r
                        .ports
                        .iter()
                        .filter_map(|p| crate::check::netrules::port_range(&p.node))
                        .collect();
                    if ports.is_empty()
                        && matches!(r.protocol.node, ast::Protocol::Tcp | ast::Protocol::Udp)
                    {
                        ports.push((1, 65535));
                    }
                    model::NetRule {
                        name: r.name.node.clone(),
                        direction: r.direction.node,
                        protocol: r.protocol.node,
                        ports,
                        peers: r
                            .peers
                            .iter()
                            .map(|p| match p {
                                ast::Peer::Cidr(c) => model::Peer::Cidr(c.node.clone()),
                                ast::Peer::Subnet(s) => model::Peer::Subnet {
                                    name: s.node.clone(),
                                    cidr: block(&s.node),
                                },
                                ast::Peer::Tag(t) => model::Peer::Tag(self.fill(t)),
                            })
                            .collect(),
                    }
                })
                .collect(),
            connects,
        }
    }

    fn managed_tag(&self) -> Option<(String, String)> {
        self.decls
            .deployment
            .and_then(|d| d.managed_tag.as_ref())
            .map(|(k, v)| (self.fill(k), self.fill(v)))
    }

    /// The role's default name, as the Terraform and CloudFormation backends name it.
    fn role_name(&self, principal: &str) -> String {
        format!(
            "{}-{}",
            self.base_name(),
            principal.to_lowercase().replace('_', "-")
        )
    }

    fn base_name(&self) -> String {
        self.deployment_info().base_name()
    }

    fn deployment_info(&self) -> model::DeploymentInfo {
        let d = self.decls.deployment;
        model::DeploymentInfo {
            name: d.map(|d| d.name.node.clone()).unwrap_or_default(),
            name_prefix: d.and_then(|d| d.name_prefix.as_ref()).map(|p| self.fill(p)),
            ..Default::default()
        }
    }

    /// One trust statement: the kind's principal key and default action, an OIDC
    /// issuer as its provider's ARN with the `aud` (and `sub`) it requires.
    fn trust(&self, t: &ast::AwsTrust) -> model::TrustStatement {
        use crate::syntax::ast::TrustKind;
        use crate::vocab::iam_roles;
        let kind = t.kind.node;
        let mut conditions = self.conditions(&t.conditions);
        let given = self.list(&t.principals);
        let principals: Vec<String> = match kind {
            TrustKind::Account => given
                .into_iter()
                .map(|a| {
                    if a.starts_with("arn:") || a == "*" {
                        a
                    } else {
                        format!("arn:aws:iam::{a}:root")
                    }
                })
                .collect(),
            TrustKind::Oidc => given
                .iter()
                .map(|issuer| {
                    let issuer = oidc_issuer(issuer);
                    let eq = conditions.entry("StringEquals".to_string()).or_default();
                    eq.entry(format!("{issuer}:aud"))
                        .or_default()
                        .push(iam_roles::STS_AUDIENCE.to_string());
                    if let Some((sa, ns)) = &t.service_account {
                        let sub =
                            format!("system:serviceaccount:{}:{}", self.fill(ns), self.fill(sa));
                        let op = if sub.contains('*') || sub.contains('?') {
                            "StringLike"
                        } else {
                            "StringEquals"
                        };
                        conditions
                            .entry(op.to_string())
                            .or_default()
                            .entry(format!("{issuer}:sub"))
                            .or_default()
                            .push(sub);
                    }
                    format!("arn:aws:iam::${{account_id}}:oidc-provider/{issuer}")
                })
                .collect(),
            _ => given,
        };
        for keys in conditions.values_mut() {
            for v in keys.values_mut() {
                v.sort();
                v.dedup();
            }
        }
        let actions = match &t.actions {
            Some(a) => sorted_unique_ci(self.list(a)),
            None => vec![iam_roles::default_action(kind, &principals).to_string()],
        };
        model::TrustStatement {
            sid: t.sid.as_ref().map(|s| s.node.clone()),
            principal_key: iam_roles::principal_key(kind),
            principals: sorted_unique(principals),
            actions,
            conditions,
            span: t.span,
        }
    }

    /// `when` conditions as operator -> key -> values (sorted, unique).
    fn conditions(&self, list: &[Condition]) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
        let mut conditions: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        let tag = self.managed_tag();
        for c in list {
            let (op, key, values) = match c {
                Condition::Tag(_) | Condition::RequestTag(_) => {
                    let Some((k, v)) = &tag else { continue };
                    let prefix = if matches!(c, Condition::Tag(_)) {
                        "aws:ResourceTag"
                    } else {
                        "aws:RequestTag"
                    };
                    (
                        "StringEquals".to_string(),
                        format!("{prefix}/{k}"),
                        vec![v.clone()],
                    )
                }
                Condition::Explicit {
                    operator,
                    key,
                    values,
                    ..
                } => (operator.node.clone(), self.fill(key), self.list(values)),
            };
            let slot = conditions.entry(op).or_default().entry(key).or_default();
            slot.extend(values);
            slot.sort();
            slot.dedup();
        }
        conditions
    }

    fn statement(&self, st: &ast::AwsStatement) -> model::AwsStatement {
        let conditions = self.conditions(&st.conditions);
        model::AwsStatement {
            sid: st.sid.as_ref().map(|s| s.node.clone()),
            effect: st.effect.node,
            not_action: st.not_action,
            actions: sorted_unique_ci(self.list(&st.actions)),
            not_resource: st.not_resource,
            resources: match &st.resources {
                Some(r) => sorted_unique(self.list(r)),
                None => vec!["*".to_string()],
            },
            conditions,
            span: st.span,
        }
    }

    /// A store's resource policy; statements for an unknown principal are left out
    /// (their errors stop the build anyway).
    fn resource_policy(&self, s: &ast::Store) -> Option<model::ResourcePolicy> {
        if s.policy.is_empty() {
            return None;
        }
        let info = self.decls.store_policy(s)?;
        let target = s
            .resource_name
            .as_ref()
            .map(|n| self.fill(n))
            .unwrap_or_default();
        let own = match info.kind {
            Kind::Bucket => vec![
                format!("arn:aws:s3:::{target}"),
                format!("arn:aws:s3:::{target}/*"),
            ],
            Kind::Key => vec!["*".to_string()],
        };
        let statements = s
            .policy
            .iter()
            .map(|p| {
                let mut principal = model::PolicyPrincipal::default();
                for x in &p.principals {
                    let written = match x {
                        ast::PolicyPrincipal::Literal(l) => self.fill(l),
                        ast::PolicyPrincipal::Declared(n) => {
                            match self
                                .decls
                                .principals
                                .get(n.node.as_str())
                                .and_then(|d| d.aws_role.as_ref())
                            {
                                Some(role) => self.fill(&role.arn),
                                None => continue,
                            }
                        }
                    };
                    match principal_form(&written) {
                        PrincipalForm::Any => principal.any = true,
                        PrincipalForm::Service => principal.service.push(written),
                        _ => principal.aws.push(written),
                    }
                }
                // `*` with other principals is written among the AWS ones.
                if principal.any && !(principal.aws.is_empty() && principal.service.is_empty()) {
                    principal.any = false;
                    principal.aws.push("*".to_string());
                }
                principal.aws = sorted_unique(std::mem::take(&mut principal.aws));
                principal.service = sorted_unique(std::mem::take(&mut principal.service));
                let mut statement = self.statement(&p.statement);
                if p.statement.resources.is_none() {
                    statement.resources = own.clone();
                }
                model::ResourceStatement {
                    principal,
                    statement,
                }
            })
            .collect();
        Some(model::ResourcePolicy {
            store: s.name.node.clone(),
            kind: info.kind,
            target,
            statements,
        })
    }

    /// `aws roles under BOUNDARY [on ROLES]`: the guarded grant and the two denies that
    /// keep the boundary on the roles and the boundary policy as it is.
    fn roles_under(&self, r: &ast::RolesUnder, suffix: &str) -> Vec<model::AwsStatement> {
        use crate::vocab::iam_roles::{BOUNDARY_KEY, GUARDED, KEEP_BOUNDARY, PROTECT_BOUNDARY};
        let info = self.deployment_info();
        let arn = info.boundary_policy_arn(&r.boundary.node);
        let roles = match &r.roles {
            Some(list) => sorted_unique(self.list(list)),
            None => vec![format!(
                "arn:aws:iam::${{account_id}}:role/{}-*",
                info.base_name()
            )],
        };
        let word = camel(&r.boundary.node);
        let st = |sid: String, effect, actions: &[&str], resources: Vec<String>, guarded| {
            let mut conditions = BTreeMap::new();
            if guarded {
                conditions.insert(
                    "StringEquals".to_string(),
                    BTreeMap::from([(BOUNDARY_KEY.to_string(), vec![arn.clone()])]),
                );
            }
            model::AwsStatement {
                sid: Some(sid),
                effect,
                not_action: false,
                actions: actions.iter().map(|a| a.to_string()).collect(),
                not_resource: false,
                resources,
                conditions,
                span: r.span,
            }
        };
        vec![
            st(
                format!("RolesUnder{word}{suffix}"),
                Effect::Allow,
                GUARDED,
                roles.clone(),
                true,
            ),
            st(
                format!("KeepBoundary{word}{suffix}"),
                Effect::Deny,
                KEEP_BOUNDARY,
                roles,
                false,
            ),
            st(
                format!("ProtectBoundary{word}{suffix}"),
                Effect::Deny,
                PROTECT_BOUNDARY,
                vec![arn.clone()],
                false,
            ),
        ]
    }

    fn default_name(&self, access: &str) -> String {
        let base = self
            .decls
            .deployment
            .map(|d| {
                d.name_prefix
                    .as_ref()
                    .map(|p| self.fill(p))
                    .unwrap_or_else(|| d.name.node.clone())
            })
            .unwrap_or_default();
        format!("{base}-{access}")
            .replace('_', "-")
            .to_ascii_lowercase()
    }

    fn access(&self, a: &ast::Access, diags: &mut Vec<Diagnostic>) -> model::Access {
        let scoped = matches!(a.scope.node, Scope::Scoped);
        let mut out = model::Access {
            name: a.name.node.clone(),
            principal: a.principal.as_ref().map(|p| p.node.clone()),
            unscoped_reason: match &a.scope.node {
                Scope::Scoped => None,
                Scope::Unscoped(r) => Some(r.node.clone()),
            },
            title: a.title.as_ref().map(|t| self.fill(t)),
            description: a.description.as_ref().map(|t| self.fill(t)),
            span: a.span,
            aws: Vec::new(),
            aws_managed: Vec::new(),
            aws_inline: a.aws_inline.is_some(),
            gcp: model::GcpRole::default(),
            azure: model::AzureRole::default(),
            k8s: Vec::new(),
            bindings: model::Bindings::default(),
            origins: BTreeMap::new(),
        };
        let mut gen = Generated::default();
        for g in &a.grants {
            let level_scope = a
                .scope_by
                .or_else(|| self.decls.deployment.and_then(|d| d.scope_by));
            self.abstract_grant(g, scoped, level_scope, &mut gen, diags);
        }
        // Statements from abstract grants first, grouped by how they are scoped. Each
        // group is (scoping, service, actions) x resources: grants are merged only where
        // the union of their (action, resource, condition) triples stays exact.
        let access_camel = camel(&a.name.node);
        let groups = gen.aws_statements();
        let sids = generated_sids(&access_camel, &groups);
        for (g, sid) in groups.into_iter().zip(sids) {
            let GeneratedStatement {
                scoping,
                actions,
                resources,
                span,
                ..
            } = g;
            let mut conditions = BTreeMap::new();
            let tag_condition = match scoping {
                Scoping::Tagged => Some("aws:ResourceTag"),
                Scoping::TagOnCreate => Some("aws:RequestTag"),
                _ => None,
            };
            if let (Some(prefix), Some((k, v))) = (tag_condition, self.managed_tag()) {
                conditions.insert(
                    "StringEquals".to_string(),
                    BTreeMap::from([(format!("{prefix}/{k}"), vec![v])]),
                );
            }
            out.aws.push(model::AwsStatement {
                sid,
                effect: Effect::Allow,
                not_action: false,
                actions: sorted_unique_ci(actions.into_iter().collect()),
                not_resource: false,
                resources: resources.into_iter().collect(),
                conditions,
                span,
            });
        }
        // Explicit statements and `roles under` guards, in source order.
        let mut explicit: Vec<model::AwsStatement> =
            a.aws.iter().map(|st| self.statement(st)).collect();
        let n = a.aws_roles_under.len();
        for (i, r) in a.aws_roles_under.iter().enumerate() {
            let suffix = if n > 1 {
                (i + 1).to_string()
            } else {
                String::new()
            };
            explicit.extend(self.roles_under(r, &suffix));
        }
        explicit.sort_by_key(|st| st.span);
        let generated = out.aws.len();
        out.aws.extend(explicit);
        sid_collisions(&out.aws, generated, a, diags);
        out.aws_managed = sorted_unique(
            a.aws_managed
                .iter()
                .map(|m| managed_arn(&self.fill(m)))
                .collect(),
        );

        let mut perms: Vec<String> = self.list(&a.gcp_permissions);
        perms.extend(gen.gcp.keys().cloned());
        out.gcp = model::GcpRole {
            role_id: a
                .gcp_role_id
                .as_ref()
                .map(|i| self.fill(i))
                .unwrap_or_else(|| default_role_id(self.decls, &a.name.node)),
            permissions: sorted_unique(perms),
            roles: sorted_unique(self.list(&a.gcp_roles)),
        };

        let mut actions = self.list(&a.azure.actions);
        actions.extend(gen.azure_actions.keys().cloned());
        let mut data = self.list(&a.azure.data_actions);
        data.extend(gen.azure_data.keys().cloned());
        out.azure = model::AzureRole {
            actions: unique_in_order(actions),
            not_actions: unique_in_order(self.list(&a.azure.not_actions)),
            data_actions: unique_in_order(data),
            not_data_actions: unique_in_order(self.list(&a.azure.not_data_actions)),
            scopes: unique_in_order(self.list(&a.azure_scopes)),
        };

        if !out.azure.is_empty() && out.azure.scopes.is_empty() && self.decls.targets(Cloud::Azure)
        {
            diags.push(
                Diagnostic::new(
                    Code::E0501,
                    a.name.span,
                    format!(
                        "access level `{}` has Azure grants but no assignable scope",
                        a.name.node
                    ),
                )
                .label("the role definition needs AssignableScopes")
                .help("add `azure scope \"/subscriptions/${subscription_id}\"`"),
            );
        }
        for (name, span) in gen
            .gcp
            .iter()
            .chain(&gen.azure_actions)
            .chain(&gen.azure_data)
        {
            out.origins.entry(name.clone()).or_insert(*span);
        }
        out.k8s = self.k8s_roles(a, gen.k8s);
        out.bindings = self.bindings(a);
        self.check_targets(a, &out, diags);
        out
    }

    fn k8s_roles(&self, a: &ast::Access, generated: Vec<GeneratedRule>) -> Vec<model::K8sRole> {
        let mut roles: Vec<model::K8sRole> = Vec::new();
        let has_both = a.k8s.iter().any(|r| r.namespace.is_none())
            && a.k8s.iter().any(|r| r.namespace.is_some())
            || !generated.is_empty();
        for r in &a.k8s {
            let name = match &r.name {
                Some(n) => self.fill(n),
                None if r.namespace.is_none() && has_both => {
                    format!("{}-cluster", self.default_name(&a.name.node))
                }
                None => self.default_name(&a.name.node),
            };
            roles.push(model::K8sRole {
                name,
                namespace: r.namespace.as_ref().map(|n| self.fill(n)),
                rules: r
                    .rules
                    .iter()
                    .map(|rule| model::K8sRule {
                        api_groups: unique_in_order(self.list(&rule.groups)),
                        resources: unique_in_order(self.list(&rule.resources)),
                        verbs: unique_in_order(self.list(&rule.verbs)),
                        resource_names: unique_in_order(self.list(&rule.names)),
                        non_resource_urls: unique_in_order(self.list(&rule.urls)),
                    })
                    .collect(),
                span: r.span,
                rule_spans: r.rules.iter().map(|rule| rule.span).collect(),
                aggregate: r.aggregate.iter().map(|s| labels(&self.fill(s))).collect(),
                labels: r
                    .labels
                    .iter()
                    .flat_map(|s| labels(&self.fill(s)))
                    .collect(),
            });
        }
        // Rules from abstract grants: one generated role per namespace (None: cluster).
        let mut by_ns: BTreeMap<Option<String>, (Vec<model::K8sRule>, Vec<Span>)> = BTreeMap::new();
        for g in generated {
            let rule = model::K8sRule {
                api_groups: vec![g.group],
                resources: vec![g.resource],
                verbs: g.verbs,
                ..Default::default()
            };
            let (rules, spans) = by_ns.entry(g.namespace).or_default();
            match rules
                .iter_mut()
                .find(|r| r.api_groups == rule.api_groups && r.verbs == rule.verbs)
            {
                Some(r) if !r.resources.contains(&rule.resources[0]) => {
                    r.resources.push(rule.resources[0].clone())
                }
                Some(_) => {}
                None => {
                    rules.push(rule);
                    spans.push(g.span);
                }
            }
        }
        for (ns, (rules, rule_spans)) in by_ns {
            let base = self.default_name(&a.name.node);
            let mut name = if ns.is_none() {
                format!("{base}-cluster")
            } else {
                base
            };
            // Explicit roles keep their names; a generated one steps aside.
            if roles.iter().any(|r| r.name == name && r.namespace == ns) {
                name.push_str("-components");
            }
            roles.push(model::K8sRole {
                name,
                namespace: ns,
                rules,
                span: rule_spans[0],
                rule_spans,
                aggregate: Vec::new(),
                labels: Vec::new(),
            });
        }
        roles
    }

    /// E0108 (the principal has no identity where the grants are) and W0109 (grants
    /// for a cloud the deployment does not target).
    fn check_targets(&self, a: &ast::Access, out: &model::Access, diags: &mut Vec<Diagnostic>) {
        let principal = a
            .principal
            .as_ref()
            .and_then(|p| self.decls.principals.get(p.node.as_str()));
        let first_span =
            |spans: &mut dyn Iterator<Item = Span>| spans.next().unwrap_or(a.name.span);
        let uses = [
            (
                "aws",
                Some(Cloud::Aws),
                !out.aws.is_empty() || !out.aws_managed.is_empty(),
                principal.map(|p| p.has_aws_role()),
                first_span(
                    &mut a
                        .aws
                        .iter()
                        .map(|s| s.span)
                        .chain(a.aws_managed.iter().map(|s| s.span)),
                ),
                "aws role \"arn:aws:iam::ACCOUNT:role/NAME\" external_id \"${external_id}\"",
            ),
            (
                "gcp",
                Some(Cloud::Gcp),
                !out.gcp.permissions.is_empty() || !out.gcp.roles.is_empty(),
                principal.map(|p| p.gcp_service_account.is_some()),
                first_span(
                    &mut a
                        .gcp_permissions
                        .iter()
                        .chain(a.gcp_roles.iter())
                        .map(|s| s.span),
                ),
                "gcp service_account \"NAME@${project_id}.iam.gserviceaccount.com\"",
            ),
            (
                "azure",
                Some(Cloud::Azure),
                !out.azure.is_empty(),
                principal.map(|p| p.azure_principal.is_some()),
                first_span(
                    &mut a
                        .azure
                        .actions
                        .iter()
                        .chain(a.azure.data_actions.iter())
                        .map(|s| s.span),
                ),
                "azure service_principal \"${client_id}\"",
            ),
            (
                "k8s",
                None,
                !out.k8s.is_empty(),
                principal.map(|p| p.k8s_service_account.is_some()),
                first_span(&mut a.k8s.iter().map(|r| r.span)),
                "k8s service_account \"NAME\" in \"${namespace}\"",
            ),
        ];
        for (what, cloud, used, has_identity, span, example) in uses {
            if !used {
                continue;
            }
            if let Some(c) = cloud {
                if !self.decls.targets(c)
                    && (what != "aws" || !a.aws.is_empty() || !a.aws_managed.is_empty())
                {
                    diags.push(
                        Diagnostic::new(
                            Code::W0109,
                            span,
                            format!("{what} grants, but the deployment does not target {what}"),
                        )
                        .label("nothing is emitted for these")
                        .help(format!(
                            "add `{what}` to the deployment's `clouds`, or remove these grants"
                        )),
                    );
                    continue;
                }
            }
            if has_identity == Some(false) {
                let p = a.principal.as_ref().unwrap();
                diags.push(
                    Diagnostic::new(
                        Code::E0108,
                        span,
                        format!(
                            "principal `{}` has no {what} identity for these grants",
                            p.node
                        ),
                    )
                    .label(format!("{what} grants"))
                    .with_secondary(p.span, "granted to this principal")
                    .help(format!("give the principal one: `{example}`")),
                );
            }
        }
    }
}

/// An OIDC issuer as IAM names its provider: without `https://` and a trailing `/`.
pub fn oidc_issuer(issuer: &str) -> &str {
    issuer
        .strip_prefix("https://")
        .unwrap_or(issuer)
        .trim_end_matches('/')
}

fn managed_arn(name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_string()
    } else if name.starts_with("AWSServiceRoleFor") {
        format!("arn:aws:iam::aws:policy/aws-service-role/{name}")
    } else {
        format!("arn:aws:iam::aws:policy/{name}")
    }
}

fn default_role_id(decls: &Decls, access: &str) -> String {
    let dep = decls
        .deployment
        .map(|d| d.name.node.as_str())
        .unwrap_or("engc");
    format!("{dep}_{access}").replace('-', "_")
}

/// `read_logs` -> `ReadLogs`.
pub fn camel(s: &str) -> String {
    s.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `a=b,c=d` as label pairs (the shape was checked: malformed parts are left out).
pub fn labels(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn sorted_unique(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Sorted; duplicates differing only in case (IAM action names) kept once.
fn sorted_unique_ci(mut v: Vec<String>) -> Vec<String> {
    // As by (lower-cased, as written), without making those keys for every comparison.
    v.sort_by(|a, b| crate::catalog::cmp_ignore_ascii_case(a, b).then_with(|| a.cmp(b)));
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}

fn unique_in_order(v: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    v.into_iter()
        .filter(|x| seen.insert(x.to_ascii_lowercase()))
        .collect()
}

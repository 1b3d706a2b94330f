//! The rule functions of access levels (abstract grants, AWS statements and their
//! conditions, GCP and Azure grants, Kubernetes roles), `scp`, `kind`, `component` and
//! `crd`. As in `decls`, a part the grammar requires that is missing all the same
//! (never, for a file pest accepted) leaves its statement out.

use super::decls::{kids, note_repeat, string_parts};
use super::{Ctx, Rule, N};
use crate::source::Spanned;
use crate::syntax::ast::*;

impl Ctx {
    pub(super) fn access(&self, n: N) -> Option<Access> {
        // The level's name, then the principal after `for`.
        let mut idents = kids(n, Rule::ident);
        let name = self.name(idents.next()?);
        let scope = self.access_scope(n.child(Rule::access_scope)?)?;
        let mut a = Access::empty(name, scope, self.span(n));
        a.principal = idents.next().map(|i| self.name(i));
        for s in n.children() {
            self.access_stmt(s, &mut a);
        }
        Some(a)
    }

    /// One line of an access level, a `grants` group or an `if` block (other nodes,
    /// the keyword and the name, are passed over).
    fn access_stmt(&self, s: N, a: &mut Access) {
        let sspan = self.span(s);
        let Some(rule) = s.rule() else {
            return;
        };
        match rule {
            Rule::title_stmt => {
                let Some(v) = s.child(Rule::string) else {
                    return;
                };
                note_repeat(
                    &mut a.repeated,
                    a.title.as_ref().map(|t| t.span),
                    sspan,
                    "title",
                );
                a.title = Some(self.string(v));
            }
            Rule::description_stmt => {
                let Some(v) = s.child(Rule::string) else {
                    return;
                };
                note_repeat(
                    &mut a.repeated,
                    a.description.as_ref().map(|t| t.span),
                    sspan,
                    "description",
                );
                a.description = Some(self.string(v));
            }
            Rule::scope_by => {
                note_repeat(
                    &mut a.repeated,
                    a.scope_by.map(|b| b.span),
                    sspan,
                    "scope by",
                );
                a.scope_by = Some(self.scope_by(s));
            }
            Rule::within_stmt => a.within.extend(s.child(Rule::ident).map(|i| self.name(i))),
            Rule::abstract_grant => a.grants.extend(self.abstract_grant(s)),
            Rule::aws_statement => a.aws.push(self.aws_statement(s)),
            Rule::aws_managed_policy => a.aws_managed.extend(self.all_strings(s)),
            Rule::gcp_permissions => a.gcp_permissions.extend(self.all_strings(s)),
            Rule::gcp_role => a.gcp_roles.extend(self.all_strings(s)),
            Rule::gcp_role_id => {
                let Some(v) = s.child(Rule::string) else {
                    return;
                };
                note_repeat(
                    &mut a.repeated,
                    a.gcp_role_id.as_ref().map(|t| t.span),
                    sspan,
                    "gcp role_id",
                );
                a.gcp_role_id = Some(self.string(v))
            }
            Rule::azure_list => self.azure_list(s, &mut a.azure),
            Rule::azure_scope => a.azure_scopes.extend(self.all_strings(s)),
            Rule::k8s_role => a.k8s.extend(self.k8s_role(s)),
            Rule::gcp_bind => a.gcp_binds.extend(self.gcp_bind(s)),
            Rule::azure_assign => a.azure_assigns.extend(self.azure_assign(s)),
            Rule::k8s_bind => a.k8s_binds.extend(self.k8s_bind(s)),
            Rule::ack => a.acks.extend(self.ack(s)),
            Rule::aws_inline => {
                note_repeat(&mut a.repeated, a.aws_inline, sspan, "aws inline");
                a.aws_inline = Some(sspan);
            }
            Rule::aws_roles_under => a.aws_roles_under.extend(self.roles_under(s)),
            Rule::include_stmt => {
                let Some(name) = s.child(Rule::ident) else {
                    return;
                };
                let at = a.pos();
                a.pieces.push(Piece::Include {
                    name: self.name(name),
                    span: sspan,
                    at,
                });
            }
            Rule::if_block => {
                let Some(g) = s.child(Rule::guard) else {
                    return;
                };
                let (Some(param), Some(op), Some(value)) = (
                    g.child(Rule::ident),
                    g.child(Rule::guard_op),
                    g.child(Rule::string),
                ) else {
                    return;
                };
                let at = a.pos();
                let param = self.name(param);
                let negated = op.text() == "!=";
                let value = self.string(value);
                let mut body = Access::empty(param.clone(), a.scope.clone(), sspan);
                for x in s.children() {
                    self.access_stmt(x, &mut body);
                }
                a.pieces.push(Piece::If(Box::new(Guarded {
                    param,
                    negated,
                    value,
                    body,
                    span: sspan,
                    at,
                })));
            }
            _ => {}
        }
    }

    pub(super) fn grants_decl(&self, n: N) -> Option<Grants> {
        let name = self.name(n.child(Rule::ident)?);
        let scope = Spanned::new(Scope::Scoped, name.span);
        let span = self.span(n);
        let mut body = Access::empty(name.clone(), scope, span);
        for s in n.children() {
            self.access_stmt(s, &mut body);
        }
        Some(Grants { name, body, span })
    }

    fn roles_under(&self, n: N) -> Option<RolesUnder> {
        Some(RolesUnder {
            boundary: self.name(n.child(Rule::ident)?),
            roles: string_parts(n).next().map(|r| self.strings(r)),
            span: self.span(n),
        })
    }

    fn access_scope(&self, n: N) -> Option<Spanned<Scope>> {
        let span = self.span(n);
        let inner = n.children().next()?;
        Some(match inner.rule()? {
            Rule::scoped => Spanned::new(Scope::Scoped, span),
            _ => Spanned::new(
                Scope::Unscoped(self.string(inner.child(Rule::string)?)),
                span,
            ),
        })
    }

    /// `engine` or `store`, the kind of declaration a grant or a kind is for.
    fn target_kind(&self, t: N) -> Spanned<TargetKind> {
        let kind = if t.text() == "engine" {
            TargetKind::Engine
        } else {
            TargetKind::Store
        };
        Spanned::new(kind, self.span(t))
    }

    fn abstract_grant(&self, n: N) -> Option<AbstractGrant> {
        Some(AbstractGrant {
            level: self.level(n.child(Rule::level)?)?,
            target: self.target_kind(n.child(Rule::target_kind)?),
            names: self.names(n.child(Rule::names)?),
            // `as` is an atomic keyword pair: the string follows it.
            sid: n.child(Rule::string).map(|s| self.string(s)),
            span: self.span(n),
        })
    }

    fn level(&self, n: N) -> Option<Spanned<Level>> {
        Some(Spanned::new(Level::parse(n.text())?, self.span(n)))
    }

    /// `policy_statement`: an AWS statement with `for PRINCIPALS`.
    pub(super) fn policy_statement(&self, n: N) -> PolicyStatement {
        let mut principals = Vec::new();
        let statement = self.statement_parts(n, &mut principals);
        PolicyStatement {
            principals,
            statement,
        }
    }

    fn aws_statement(&self, n: N) -> AwsStatement {
        self.statement_parts(n, &mut Vec::new())
    }

    /// The parts of `aws_statement` and `policy_statement`; the principals of the
    /// latter go to `principals`.
    fn statement_parts(&self, n: N, principals: &mut Vec<PolicyPrincipal>) -> AwsStatement {
        let span = self.span(n);
        let mut st = AwsStatement {
            effect: Spanned::new(Effect::Allow, span),
            not_action: false,
            actions: Vec::new(),
            not_resource: false,
            resources: None,
            conditions: Vec::new(),
            sid: None,
            span,
        };
        let mut after_as = false;
        for s in n.children() {
            match s.rule() {
                Some(Rule::effect) => {
                    let e = if s.text() == "allow" {
                        Effect::Allow
                    } else {
                        Effect::Deny
                    };
                    st.effect = Spanned::new(e, self.span(s));
                }
                Some(Rule::action_list) => {
                    let (not, list) = self.negatable_list(s);
                    st.not_action = not;
                    st.actions = list;
                }
                Some(Rule::resource_list) => {
                    let (not, list) = self.negatable_list(s);
                    st.not_resource = not;
                    st.resources = Some(list);
                }
                Some(Rule::condition) => st.conditions.extend(self.condition(s)),
                Some(Rule::principal_list) => {
                    for x in s.children() {
                        match x.rule() {
                            Some(Rule::ident) => {
                                principals.push(PolicyPrincipal::Declared(self.name(x)))
                            }
                            Some(Rule::string | Rule::string_list) => principals
                                .extend(self.strings(x).into_iter().map(PolicyPrincipal::Literal)),
                            _ => {}
                        }
                    }
                }
                Some(Rule::kw_as) => after_as = true,
                Some(Rule::string) if after_as => st.sid = Some(self.string(s)),
                _ => {}
            }
        }
        st
    }

    /// `action_list` / `resource_list`: an optional `not` and strings.
    fn negatable_list(&self, n: N) -> (bool, Vec<Str>) {
        (n.child(Rule::kw_not).is_some(), self.all_strings(n))
    }

    pub(super) fn condition(&self, n: N) -> Option<Condition> {
        let inner = n.children().next()?;
        let span = self.span(inner);
        Some(match inner.rule()? {
            Rule::tag_condition => Condition::Tag(span),
            Rule::request_tag_condition => Condition::RequestTag(span),
            _ => {
                // The key, then the values after `=`.
                let mut parts = string_parts(inner);
                Condition::Explicit {
                    operator: self.name(inner.child(Rule::operator)?),
                    key: self.string(parts.next()?),
                    values: parts.flat_map(|s| self.strings(s)).collect(),
                    span,
                }
            }
        })
    }

    fn azure_list(&self, n: N, lists: &mut AzureLists) {
        let Some(field) = n.child(Rule::azure_field) else {
            return;
        };
        let target = match field.text() {
            "actions" => &mut lists.actions,
            "not_actions" => &mut lists.not_actions,
            "data_actions" => &mut lists.data_actions,
            _ => &mut lists.not_data_actions,
        };
        target.extend(self.all_strings(n));
    }

    fn k8s_role(&self, n: N) -> Option<K8sRole> {
        let (mut aggregate, mut labels) = (Vec::new(), Vec::new());
        let (name, namespace) = if let Some(header) = n.child(Rule::cluster_role) {
            let name = header.child(Rule::string).map(|s| self.string(s));
            if let Some(a) = header.child(Rule::role_aggregate) {
                aggregate = self.all_strings(a);
            }
            if let Some(l) = header.child(Rule::role_labels) {
                labels = self.all_strings(l);
            }
            (name, None)
        } else {
            // `role "name" in "ns"`, or `role in "ns"`.
            let header = n.child(Rule::namespaced_role)?;
            let parts: Vec<N> = kids(header, Rule::string).collect();
            match parts.as_slice() {
                [name, ns] => (Some(self.string(*name)), Some(self.string(*ns))),
                [ns] => (None, Some(self.string(*ns))),
                _ => return None,
            }
        };
        Some(K8sRole {
            namespace,
            name,
            rules: kids(n, Rule::k8s_rule).map(|r| self.k8s_rule(r)).collect(),
            aggregate,
            labels,
            span: self.span(n),
        })
    }

    fn gcp_bind(&self, n: N) -> Option<GcpBind> {
        // The roles, then the resource after the target's kind.
        let mut parts = string_parts(n);
        let roles = self.strings(parts.next()?);
        let target = n.child(Rule::gcp_bind_target)?;
        let target = Spanned::new(target.text().to_string(), self.span(target));
        let resource = self.string(parts.next()?);
        let condition = match n.child(Rule::iam_condition) {
            Some(c) => {
                // The expression, then the title after `as`.
                let mut strings = kids(c, Rule::string);
                let when = self.span(c.child(Rule::kw_when)?);
                let expr = self.string(strings.next()?);
                Some((when, expr, strings.next().map(|t| self.string(t))))
            }
            None => None,
        };
        Some(GcpBind {
            roles,
            target,
            resource,
            members: n
                .child(Rule::bind_members)
                .map(|m| self.members(m))
                .unwrap_or_default(),
            condition,
            span: self.span(n),
        })
    }

    fn members(&self, n: N) -> Vec<Str> {
        self.all_strings(n)
    }

    fn azure_assign(&self, n: N) -> Option<AzureAssign> {
        // The roles, then the scopes after `on`.
        let mut parts = string_parts(n);
        Some(AzureAssign {
            roles: self.strings(parts.next()?),
            scopes: self.strings(parts.next()?),
            principals: n
                .child(Rule::bind_members)
                .map(|m| self.members(m))
                .unwrap_or_default(),
            span: self.span(n),
        })
    }

    fn k8s_bind(&self, n: N) -> Option<K8sBind> {
        // The role, then the namespace after `in`.
        let mut strings = kids(n, Rule::string);
        Some(K8sBind {
            cluster_role: n.child(Rule::bind_role_kind)?.text() == "cluster_role",
            role: self.string(strings.next()?),
            namespace: strings.next().map(|s| self.string(s)),
            subjects: n
                .child(Rule::bind_members)
                .map(|m| self.members(m))
                .unwrap_or_default(),
            span: self.span(n),
        })
    }

    fn k8s_rule(&self, n: N) -> K8sRule {
        let mut rule = K8sRule {
            span: self.span(n),
            ..K8sRule::default()
        };
        for part in kids(n, Rule::rule_part) {
            let Some(field) = part.child(Rule::rule_field) else {
                continue;
            };
            let values = self.all_strings(part);
            match field.text() {
                "groups" => rule.groups.extend(values),
                "resources" => rule.resources.extend(values),
                "verbs" => rule.verbs.extend(values),
                "names" => rule.names.extend(values),
                _ => rule.urls.extend(values),
            }
        }
        rule
    }

    pub(super) fn scp(&self, n: N) -> Option<Scp> {
        let mut scp = Scp {
            name: self.name(n.child(Rule::ident)?),
            ou: self.string(n.child(Rule::string)?),
            statements: Vec::new(),
            acks: Vec::new(),
            span: self.span(n),
        };
        for s in n.children() {
            match s.rule() {
                Some(Rule::aws_statement) => scp.statements.push(self.aws_statement(s)),
                Some(Rule::ack) => scp.acks.extend(self.ack(s)),
                _ => {}
            }
        }
        Some(scp)
    }

    pub(super) fn kind_decl(&self, n: N) -> Option<KindDecl> {
        Some(KindDecl {
            target: self.target_kind(n.child(Rule::target_kind)?),
            name: self.name(n.child(Rule::ident)?),
            doc: n.child(Rule::string).map(|s| self.string(s)),
            clouds: kids(n, Rule::kind_cloud)
                .filter_map(|c| self.kind_cloud(c))
                .collect(),
            span: self.span(n),
        })
    }

    fn kind_cloud(&self, n: N) -> Option<KindCloud> {
        let c = n.child(Rule::cloud_or_k8s)?;
        let mut kc = KindCloud {
            cloud: Spanned::new(Cloud::parse(c.text())?, self.span(c)),
            services: Vec::new(),
            resources: Vec::new(),
            levels: Vec::new(),
            data_levels: Vec::new(),
            create: Vec::new(),
            span: self.span(n),
        };
        for s in n.children() {
            match s.rule() {
                Some(Rule::kind_service) => kc.services.extend(self.all_strings(s)),
                Some(Rule::kind_resources) => kc.resources.extend(self.all_strings(s)),
                Some(Rule::kind_level) => {
                    if let Some(level) = s.child(Rule::level).and_then(|l| self.level(l)) {
                        kc.levels.push((level, self.all_strings(s)));
                    }
                }
                Some(Rule::kind_data_level) => {
                    if let Some(level) = s.child(Rule::level).and_then(|l| self.level(l)) {
                        kc.data_levels.push((level, self.all_strings(s)));
                    }
                }
                Some(Rule::kind_create) => kc.create.extend(self.all_strings(s)),
                _ => {}
            }
        }
        Some(kc)
    }

    pub(super) fn component_decl(&self, n: N) -> Option<ComponentDecl> {
        let mut c = ComponentDecl {
            name: self.name(n.child(Rule::ident)?),
            doc: n.child(Rule::string).map(|s| self.string(s)),
            engine_kinds: n
                .child(Rule::names)
                .map(|k| self.names(k))
                .unwrap_or_default(),
            resources: Vec::new(),
            clouds: Vec::new(),
            span: self.span(n),
        };
        for s in n.children() {
            match s.rule() {
                Some(Rule::component_resource) => c.resources.extend(self.component_resource(s)),
                Some(Rule::kind_cloud) => c.clouds.extend(self.kind_cloud(s)),
                _ => {}
            }
        }
        Some(c)
    }

    fn component_resource(&self, n: N) -> Option<ComponentResource> {
        // The API group, the resource, then the verbs after the scope.
        let mut parts = string_parts(n);
        Some(ComponentResource {
            group: self.string(parts.next()?),
            resource: self.string(parts.next()?),
            namespaced: n.child(Rule::resource_scope)?.text() == "namespaced",
            verbs: parts.flat_map(|s| self.strings(s)).collect(),
            span: self.span(n),
        })
    }

    pub(super) fn crd_decl(&self, n: N) -> Option<Crd> {
        // The API group and the resource.
        let mut strings = kids(n, Rule::string);
        Some(Crd {
            group: self.string(strings.next()?),
            resource: self.string(strings.next()?),
            namespaced: n.child(Rule::resource_scope)?.text() == "namespaced",
            span: self.span(n),
        })
    }
}

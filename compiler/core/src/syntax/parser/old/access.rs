//! The rule functions of access levels (abstract grants, AWS statements and their
//! conditions, GCP and Azure grants, Kubernetes roles), `scp`, `kind`, `component` and
//! `crd`.

use super::decls::note_repeat;
use super::{Ctx, P};
use crate::syntax::parser::Rule;
use crate::source::Spanned;
use crate::syntax::ast::*;

impl Ctx {
    pub(super) fn access(&self, p: P) -> Access {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let name = self.name(it.next().unwrap());
        let mut principal = None;
        if it.peek().map(|p| p.as_rule()) == Some(Rule::kw_for) {
            it.next();
            principal = Some(self.name(it.next().unwrap()));
        }
        let scope = self.access_scope(it.next().unwrap());
        let mut a = Access::empty(name, scope, span);
        a.principal = principal;
        for s in it {
            self.access_stmt(s, &mut a);
        }
        a
    }

    /// One line of an access level, a `grants` group or an `if` block.
    fn access_stmt(&self, s: P, a: &mut Access) {
        let sspan = self.span(&s);
        match s.as_rule() {
            Rule::title_stmt => {
                note_repeat(
                    &mut a.repeated,
                    a.title.as_ref().map(|t| t.span),
                    sspan,
                    "title",
                );
                a.title = Some(self.string(s.into_inner().next().unwrap()));
            }
            Rule::description_stmt => {
                note_repeat(
                    &mut a.repeated,
                    a.description.as_ref().map(|t| t.span),
                    sspan,
                    "description",
                );
                a.description = Some(self.string(s.into_inner().next().unwrap()));
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
            Rule::within_stmt => a.within.push(self.name(s.into_inner().next().unwrap())),
            Rule::abstract_grant => a.grants.push(self.abstract_grant(s)),
            Rule::aws_statement => a.aws.push(self.aws_statement(s)),
            Rule::aws_managed_policy => a
                .aws_managed
                .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
            Rule::gcp_permissions => a
                .gcp_permissions
                .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
            Rule::gcp_role => a
                .gcp_roles
                .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
            Rule::gcp_role_id => {
                note_repeat(
                    &mut a.repeated,
                    a.gcp_role_id.as_ref().map(|t| t.span),
                    sspan,
                    "gcp role_id",
                );
                a.gcp_role_id = Some(self.string(s.into_inner().nth(1).unwrap()))
            }
            Rule::azure_list => self.azure_list(s, &mut a.azure),
            Rule::azure_scope => a
                .azure_scopes
                .extend(s.into_inner().skip(1).flat_map(|x| self.strings(x))),
            Rule::k8s_role => a.k8s.push(self.k8s_role(s)),
            Rule::gcp_bind => a.gcp_binds.push(self.gcp_bind(s)),
            Rule::azure_assign => a.azure_assigns.push(self.azure_assign(s)),
            Rule::k8s_bind => a.k8s_binds.push(self.k8s_bind(s)),
            Rule::ack => a.acks.push(self.ack(s)),
            Rule::aws_inline => {
                note_repeat(&mut a.repeated, a.aws_inline, sspan, "aws inline");
                a.aws_inline = Some(sspan);
            }
            Rule::aws_roles_under => a.aws_roles_under.push(self.roles_under(s)),
            Rule::include_stmt => {
                let at = a.pos();
                a.pieces.push(Piece::Include {
                    name: self.name(s.into_inner().nth(1).unwrap()),
                    span: sspan,
                    at,
                });
            }
            Rule::if_block => {
                let at = a.pos();
                let mut it = s.into_inner().skip(1);
                let mut g = it.next().unwrap().into_inner();
                let param = self.name(g.next().unwrap());
                let negated = g.next().unwrap().as_str() == "!=";
                let value = self.string(g.next().unwrap());
                let mut body = Access::empty(param.clone(), a.scope.clone(), sspan);
                for x in it {
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
            r => unreachable!("access: {r:?}"),
        }
    }

    pub(super) fn grants_decl(&self, p: P) -> Grants {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = self.name(it.next().unwrap());
        let scope = Spanned::new(Scope::Scoped, name.span);
        let mut body = Access::empty(name.clone(), scope, span);
        for s in it {
            self.access_stmt(s, &mut body);
        }
        Grants { name, body, span }
    }

    fn roles_under(&self, p: P) -> RolesUnder {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let boundary = self.name(it.next().unwrap());
        let roles = it.nth(1).map(|r| self.strings(r));
        RolesUnder {
            boundary,
            roles,
            span,
        }
    }

    fn access_scope(&self, p: P) -> Spanned<Scope> {
        let span = self.span(&p);
        let inner = p.into_inner().next().unwrap();
        match inner.as_rule() {
            Rule::scoped => Spanned::new(Scope::Scoped, span),
            _ => Spanned::new(
                Scope::Unscoped(self.string(inner.into_inner().next().unwrap())),
                span,
            ),
        }
    }

    /// `engine` or `store`, the kind of declaration a grant or a kind is for.
    fn target_kind(&self, t: P) -> Spanned<TargetKind> {
        let kind = if t.as_str() == "engine" {
            TargetKind::Engine
        } else {
            TargetKind::Store
        };
        Spanned::new(kind, self.span(&t))
    }

    fn abstract_grant(&self, p: P) -> AbstractGrant {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let level = self.level(it.next().unwrap());
        let t = it.next().unwrap();
        let target = self.target_kind(t);
        let names = self.names(it.next().unwrap());
        // `as` is an atomic keyword pair: the string follows it.
        let sid = it
            .find(|s| s.as_rule() == Rule::string)
            .map(|s| self.string(s));
        AbstractGrant {
            level,
            target,
            names,
            sid,
            span,
        }
    }

    fn level(&self, p: P) -> Spanned<Level> {
        Spanned::new(Level::parse(p.as_str()).expect("grammar"), self.span(&p))
    }

    /// `policy_statement`: an AWS statement with `for PRINCIPALS`.
    pub(super) fn policy_statement(&self, p: P) -> PolicyStatement {
        let mut principals = Vec::new();
        let statement = self.statement_parts(p, &mut principals);
        PolicyStatement {
            principals,
            statement,
        }
    }

    fn aws_statement(&self, p: P) -> AwsStatement {
        self.statement_parts(p, &mut Vec::new())
    }

    /// The parts of `aws_statement` and `policy_statement`; the principals of the
    /// latter go to `principals`.
    fn statement_parts(&self, p: P, principals: &mut Vec<PolicyPrincipal>) -> AwsStatement {
        let span = self.span(&p);
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
        for s in p.into_inner() {
            match s.as_rule() {
                Rule::kw_aws | Rule::kw_when | Rule::kw_and => {}
                Rule::effect => {
                    let e = if s.as_str() == "allow" {
                        Effect::Allow
                    } else {
                        Effect::Deny
                    };
                    st.effect = Spanned::new(e, self.span(&s));
                }
                Rule::action_list => {
                    let (not, list) = self.negatable_list(s);
                    st.not_action = not;
                    st.actions = list;
                }
                Rule::resource_list => {
                    let (not, list) = self.negatable_list(s);
                    st.not_resource = not;
                    st.resources = Some(list);
                }
                Rule::condition => st.conditions.push(self.condition(s)),
                Rule::principal_list => {
                    for x in s.into_inner() {
                        match x.as_rule() {
                            Rule::kw_for => {}
                            Rule::ident => principals.push(PolicyPrincipal::Declared(self.name(x))),
                            _ => principals
                                .extend(self.strings(x).into_iter().map(PolicyPrincipal::Literal)),
                        }
                    }
                }
                Rule::kw_as => after_as = true,
                Rule::string if after_as => st.sid = Some(self.string(s)),
                r => unreachable!("aws statement: {r:?}"),
            }
        }
        st
    }

    /// `action_list` / `resource_list`: an optional `not` and strings.
    fn negatable_list(&self, p: P) -> (bool, Vec<Str>) {
        let mut not = false;
        let mut list = Vec::new();
        for s in p.into_inner() {
            match s.as_rule() {
                Rule::kw_not => not = true,
                Rule::kw_on => {}
                _ => list.extend(self.strings(s)),
            }
        }
        (not, list)
    }

    pub(super) fn condition(&self, p: P) -> Condition {
        let inner = p.into_inner().next().unwrap();
        let span = self.span(&inner);
        match inner.as_rule() {
            Rule::tag_condition => Condition::Tag(span),
            Rule::request_tag_condition => Condition::RequestTag(span),
            _ => {
                let mut it = inner.into_inner();
                let operator = self.name(it.next().unwrap());
                let key = self.string(it.next().unwrap());
                let values = it.flat_map(|s| self.strings(s)).collect();
                Condition::Explicit {
                    operator,
                    key,
                    values,
                    span,
                }
            }
        }
    }

    fn azure_list(&self, p: P, lists: &mut AzureLists) {
        let mut it = p.into_inner().skip(1);
        let field = it.next().unwrap();
        let values: Vec<Str> = it.flat_map(|s| self.strings(s)).collect();
        let target = match field.as_str() {
            "actions" => &mut lists.actions,
            "not_actions" => &mut lists.not_actions,
            "data_actions" => &mut lists.data_actions,
            _ => &mut lists.not_data_actions,
        };
        target.extend(values);
    }

    fn k8s_role(&self, p: P) -> K8sRole {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let header = it.next().unwrap();
        let (mut aggregate, mut labels) = (Vec::new(), Vec::new());
        let (name, namespace) = match header.as_rule() {
            Rule::cluster_role => {
                let mut name = None;
                for part in header.into_inner() {
                    match part.as_rule() {
                        Rule::string => name = Some(self.string(part)),
                        Rule::role_aggregate => {
                            aggregate.extend(part.into_inner().flat_map(|x| self.strings(x)))
                        }
                        _ => labels.extend(part.into_inner().flat_map(|x| self.strings(x))),
                    }
                }
                (name, None)
            }
            _ => {
                let parts: Vec<P> = header
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::string)
                    .collect();
                match parts.len() {
                    2 => (
                        Some(self.string(parts[0].clone())),
                        Some(self.string(parts[1].clone())),
                    ),
                    _ => (None, Some(self.string(parts[0].clone()))),
                }
            }
        };
        K8sRole {
            namespace,
            name,
            rules: it.map(|r| self.k8s_rule(r)).collect(),
            aggregate,
            labels,
            span,
        }
    }

    fn gcp_bind(&self, p: P) -> GcpBind {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1); // gcp
        let roles = self.strings(it.next().unwrap());
        it.next(); // on
        let target = it.next().unwrap();
        let target = Spanned::new(target.as_str().to_string(), self.span(&target));
        let resource = self.string(it.next().unwrap());
        let mut b = GcpBind {
            roles,
            target,
            resource,
            members: Vec::new(),
            condition: None,
            span,
        };
        for part in it {
            match part.as_rule() {
                Rule::bind_members => b.members = self.members(part),
                _ => {
                    let mut c = part.into_inner();
                    let when = self.span(&c.next().unwrap());
                    let expr = self.string(c.next().unwrap());
                    let title = c.nth(1).map(|t| self.string(t));
                    b.condition = Some((when, expr, title));
                }
            }
        }
        b
    }

    fn members(&self, p: P) -> Vec<Str> {
        p.into_inner().flat_map(|x| self.strings(x)).collect()
    }

    fn azure_assign(&self, p: P) -> AzureAssign {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1); // azure
        let roles = self.strings(it.next().unwrap());
        it.next(); // on
        let scopes = self.strings(it.next().unwrap());
        let principals = it.next().map(|m| self.members(m)).unwrap_or_default();
        AzureAssign {
            roles,
            scopes,
            principals,
            span,
        }
    }

    fn k8s_bind(&self, p: P) -> K8sBind {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable(); // k8s
        let cluster_role = it.next().unwrap().as_str() == "cluster_role";
        let role = self.string(it.next().unwrap());
        let mut namespace = None;
        let mut subjects = Vec::new();
        for part in it {
            match part.as_rule() {
                Rule::kw_in => {}
                Rule::string => namespace = Some(self.string(part)),
                _ => subjects = self.members(part),
            }
        }
        K8sBind {
            cluster_role,
            role,
            namespace,
            subjects,
            span,
        }
    }

    fn k8s_rule(&self, p: P) -> K8sRule {
        let mut rule = K8sRule {
            span: self.span(&p),
            ..K8sRule::default()
        };
        for part in p.into_inner() {
            let mut it = part.into_inner();
            let field = it.next().unwrap();
            let values: Vec<Str> = it.flat_map(|s| self.strings(s)).collect();
            match field.as_str() {
                "groups" => rule.groups.extend(values),
                "resources" => rule.resources.extend(values),
                "verbs" => rule.verbs.extend(values),
                "names" => rule.names.extend(values),
                _ => rule.urls.extend(values),
            }
        }
        rule
    }

    pub(super) fn scp(&self, p: P) -> Scp {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = self.name(it.next().unwrap());
        it.next(); // for
        let ou = self.string(it.next().unwrap());
        let mut scp = Scp {
            name,
            ou,
            statements: Vec::new(),
            acks: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::aws_statement => scp.statements.push(self.aws_statement(s)),
                Rule::ack => scp.acks.push(self.ack(s)),
                r => unreachable!("scp: {r:?}"),
            }
        }
        scp
    }

    pub(super) fn kind_decl(&self, p: P) -> KindDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let t = it.next().unwrap();
        let target = self.target_kind(t);
        let name = self.name(it.next().unwrap());
        let doc = if it.peek().map(|p| p.as_rule()) == Some(Rule::string) {
            Some(self.string(it.next().unwrap()))
        } else {
            None
        };
        KindDecl {
            target,
            name,
            doc,
            clouds: it.map(|c| self.kind_cloud(c)).collect(),
            span,
        }
    }

    fn kind_cloud(&self, p: P) -> KindCloud {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let c = it.next().unwrap();
        let mut kc = KindCloud {
            cloud: Spanned::new(Cloud::parse(c.as_str()).expect("grammar"), self.span(&c)),
            services: Vec::new(),
            resources: Vec::new(),
            levels: Vec::new(),
            data_levels: Vec::new(),
            create: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::kind_service => kc
                    .services
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                Rule::kind_resources => kc
                    .resources
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                Rule::kind_level => {
                    let mut i = s.into_inner();
                    let level = self.level(i.next().unwrap());
                    kc.levels
                        .push((level, i.flat_map(|x| self.strings(x)).collect()));
                }
                Rule::kind_data_level => {
                    let mut i = s.into_inner();
                    let level = self.level(i.next().unwrap());
                    kc.data_levels
                        .push((level, i.flat_map(|x| self.strings(x)).collect()));
                }
                Rule::kind_create => kc
                    .create
                    .extend(s.into_inner().flat_map(|x| self.strings(x))),
                r => unreachable!("kind cloud: {r:?}"),
            }
        }
        kc
    }

    pub(super) fn component_decl(&self, p: P) -> ComponentDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1).peekable();
        let name = self.name(it.next().unwrap());
        let mut c = ComponentDecl {
            name,
            doc: None,
            engine_kinds: Vec::new(),
            resources: Vec::new(),
            clouds: Vec::new(),
            span,
        };
        for s in it {
            match s.as_rule() {
                Rule::string => c.doc = Some(self.string(s)),
                Rule::kw_for => {}
                Rule::names => c.engine_kinds = self.names(s),
                Rule::component_resource => c.resources.push(self.component_resource(s)),
                Rule::kind_cloud => c.clouds.push(self.kind_cloud(s)),
                r => unreachable!("component: {r:?}"),
            }
        }
        c
    }

    fn component_resource(&self, p: P) -> ComponentResource {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let group = self.string(it.next().unwrap());
        let resource = self.string(it.next().unwrap());
        let namespaced = it.next().unwrap().as_str() == "namespaced";
        ComponentResource {
            group,
            resource,
            namespaced,
            verbs: it.flat_map(|s| self.strings(s)).collect(),
            span,
        }
    }

    pub(super) fn crd_decl(&self, p: P) -> Crd {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        Crd {
            group: self.string(it.next().unwrap()),
            resource: self.string(it.next().unwrap()),
            namespaced: it.next().unwrap().as_str() == "namespaced",
            span,
        }
    }
}

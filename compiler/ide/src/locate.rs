//! What is at a byte offset of a parsed file: a string and what it means there (an AWS
//! action, a Kubernetes resource, ...), an address block, an abstract grant, an `ack`,
//! a `scope by` line.

use crate::within;
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Cloud, Item};

/// What a string literal is, from where it stands.
#[derive(Clone, Copy, Debug)]
pub enum StrCtx<'a> {
    AwsAction,
    AwsResource,
    /// A catalog resource type of a kind's AWS services.
    AwsResourceType(&'a [ast::Str]),
    /// A condition key, with the statement's actions (their services' keys apply).
    AwsConditionKey(&'a [ast::Str]),
    AwsManagedPolicy,
    /// A principal of an `aws trust` statement of this kind.
    TrustPrincipal(ast::TrustKind),
    /// An action of an `aws trust` statement.
    TrustAction,
    GcpPermission,
    GcpRole,
    /// An Azure operation; `data` for `data_actions` lists.
    AzureOperation {
        data: bool,
    },
    /// A permission in a kind's or component's section for this cloud.
    KindPermission(Cloud),
    K8sGroup,
    /// A Kubernetes resource, with the API groups of its rule.
    K8sResource(&'a [ast::Str]),
    K8sVerb,
    /// A principal of a store's resource policy (`for "*"`).
    PolicyPrincipal,
    Use,
    Other,
}

#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Str(&'a ast::Str, StrCtx<'a>),
    /// An address block.
    Cidr(&'a ast::CidrText),
    /// An abstract grant (the cursor on its level or target keyword), in its access.
    Grant(&'a ast::AbstractGrant, &'a ast::Access),
    Ack(&'a ast::Ack),
    /// An `include NAME` line (the cursor on `include`).
    Include(&'a ast::Name, Span),
    /// A `scope by ...` line, and where it stands.
    ScopeBy(&'a ast::ScopeBy, ScopeOwner<'a>),
}

/// What a `scope by` line belongs to.
#[derive(Clone, Copy, Debug)]
pub enum ScopeOwner<'a> {
    Deployment,
    Store(&'a ast::Store),
    Access(&'a ast::Access),
}

/// The span of a top-level item (one definition, in the core's span mover).
pub use engc_core::syntax::shift::item_span;

/// The item whose span holds `offset`.
pub fn item_at(file: &ast::File, offset: usize) -> Option<&Item> {
    file.items.iter().find(|i| within(item_span(i), offset))
}

/// The innermost string, address block, grant or `ack` at `offset`.
pub fn node_at(file: &ast::File, offset: usize) -> Option<Node<'_>> {
    let item = item_at(file, offset)?;
    let mut l = Locator {
        offset,
        found: None,
    };
    l.item(item);
    l.found
}

struct Locator<'a> {
    offset: usize,
    found: Option<Node<'a>>,
}

impl<'a> Locator<'a> {
    fn hit(&self, span: Span) -> bool {
        self.found.is_none() && within(span, self.offset)
    }

    fn s(&mut self, s: &'a ast::Str, ctx: StrCtx<'a>) {
        if self.hit(s.span) {
            self.found = Some(Node::Str(s, ctx));
        }
    }

    fn list(&mut self, l: &'a [ast::Str], ctx: StrCtx<'a>) {
        for s in l {
            self.s(s, ctx);
        }
    }

    fn scope_by(&mut self, by: &'a Option<ast::ScopeBy>, owner: ScopeOwner<'a>) {
        if let Some(b) = by {
            if self.hit(b.span) {
                self.found = Some(Node::ScopeBy(b, owner));
            }
        }
    }

    fn cidr(&mut self, c: &'a ast::CidrText) {
        if self.hit(c.span) {
            self.found = Some(Node::Cidr(c));
        }
    }

    fn acks(&mut self, acks: &'a [ast::Ack]) {
        for a in acks {
            if self.hit(a.span) {
                self.found = Some(Node::Ack(a));
            }
        }
    }

    fn statement(&mut self, st: &'a ast::AwsStatement) {
        self.list(&st.actions, StrCtx::AwsAction);
        if let Some(r) = &st.resources {
            self.list(r, StrCtx::AwsResource);
        }
        for c in &st.conditions {
            if let ast::Condition::Explicit { key, values, .. } = c {
                self.s(key, StrCtx::AwsConditionKey(&st.actions));
                self.list(values, StrCtx::Other);
            }
        }
        if let Some(sid) = &st.sid {
            self.s(sid, StrCtx::Other);
        }
    }

    fn kind_cloud(&mut self, k: &'a ast::KindCloud) {
        let ctx = StrCtx::KindPermission(k.cloud.node);
        for (_, list) in k.levels.iter().chain(k.data_levels.iter()) {
            self.list(list, ctx);
        }
        self.list(&k.create, ctx);
        self.list(&k.services, StrCtx::Other);
        self.list(&k.resources, StrCtx::AwsResourceType(&k.services));
    }

    fn access_body(&mut self, a: &'a ast::Access) {
        self.acks(&a.acks);
        for g in &a.grants {
            if self.hit(g.level.span) || self.hit(g.target.span) {
                self.found = Some(Node::Grant(g, a));
            }
        }
        for st in &a.aws {
            self.statement(st);
        }
        self.list(&a.aws_managed, StrCtx::AwsManagedPolicy);
        self.list(&a.gcp_permissions, StrCtx::GcpPermission);
        self.list(&a.gcp_roles, StrCtx::GcpRole);
        self.list(&a.azure.actions, StrCtx::AzureOperation { data: false });
        self.list(&a.azure.not_actions, StrCtx::AzureOperation { data: false });
        self.list(&a.azure.data_actions, StrCtx::AzureOperation { data: true });
        self.list(
            &a.azure.not_data_actions,
            StrCtx::AzureOperation { data: true },
        );
        for r in &a.k8s {
            for rule in &r.rules {
                self.list(&rule.groups, StrCtx::K8sGroup);
                self.list(&rule.resources, StrCtx::K8sResource(&rule.groups));
                self.list(&rule.verbs, StrCtx::K8sVerb);
            }
        }
        for p in &a.pieces {
            match p {
                ast::Piece::If(g) => self.access_body(&g.body),
                ast::Piece::Include { name, span, .. } => {
                    if self.hit(*span) {
                        self.found = Some(Node::Include(name, *span));
                    }
                }
            }
        }
    }

    fn item(&mut self, item: &'a Item) {
        match item {
            Item::Use(s) => self.s(s, StrCtx::Use),
            Item::Ack(a) => self.acks(std::slice::from_ref(a)),
            Item::Deployment(d) => {
                self.acks(&d.acks);
                self.scope_by(&d.scope_by, ScopeOwner::Deployment);
                if let Some((k, v)) = &d.managed_tag {
                    self.s(k, StrCtx::Other);
                    self.s(v, StrCtx::Other);
                }
                for p in &d.params {
                    if let Some(s) = &p.default {
                        self.s(s, StrCtx::Other);
                    }
                }
            }
            Item::Principal(p) => {
                self.acks(&p.acks);
                if let Some(r) = &p.aws_role {
                    self.s(&r.arn, StrCtx::Other);
                }
                for t in &p.aws_trust {
                    self.list(&t.principals, StrCtx::TrustPrincipal(t.kind.node));
                    if let Some(actions) = &t.actions {
                        self.list(actions, StrCtx::TrustAction);
                        for c in &t.conditions {
                            if let ast::Condition::Explicit { key, values, .. } = c {
                                self.s(key, StrCtx::AwsConditionKey(actions));
                                self.list(values, StrCtx::Other);
                            }
                        }
                    }
                }
            }
            Item::Network(n) => {
                self.acks(&n.acks);
                for c in [&n.cidr, &n.pods, &n.services, &n.psc, &n.master]
                    .into_iter()
                    .flatten()
                {
                    self.cidr(c);
                }
                for s in &n.subnets {
                    self.cidr(&s.cidr);
                    if let Some(p) = &s.public {
                        self.cidr(p);
                    }
                    for (_, c) in &s.secondary {
                        self.cidr(c);
                    }
                }
                for r in &n.rules {
                    for p in &r.peers {
                        match p {
                            ast::Peer::Cidr(c) => self.cidr(c),
                            ast::Peer::Tag(t) => self.s(t, StrCtx::Other),
                            ast::Peer::Subnet(_) => {}
                        }
                    }
                }
            }
            Item::Engine(e) => self.acks(&e.acks),
            Item::Store(s) => {
                self.acks(&s.acks);
                if let Some(n) = &s.resource_name {
                    self.s(n, StrCtx::Other);
                }
                for p in &s.policy {
                    for x in &p.principals {
                        if let ast::PolicyPrincipal::Literal(l) = x {
                            self.s(l, StrCtx::PolicyPrincipal);
                        }
                    }
                    self.statement(&p.statement);
                }
                self.scope_by(&s.scope_by, ScopeOwner::Store(s));
            }
            Item::Access(a) => {
                self.scope_by(&a.scope_by, ScopeOwner::Access(a));
                self.access_body(a)
            }
            Item::Grants(g) => self.access_body(&g.body),
            Item::Scp(s) => {
                self.acks(&s.acks);
                for st in &s.statements {
                    self.statement(st);
                }
            }
            Item::Kind(k) => {
                for c in &k.clouds {
                    self.kind_cloud(c);
                }
            }
            Item::Component(c) => {
                for r in &c.resources {
                    self.s(&r.group, StrCtx::K8sGroup);
                    self.s(
                        &r.resource,
                        StrCtx::K8sResource(std::slice::from_ref(&r.group)),
                    );
                    self.list(&r.verbs, StrCtx::K8sVerb);
                }
                for k in &c.clouds {
                    self.kind_cloud(k);
                }
            }
            Item::Crd(c) => {
                self.s(&c.group, StrCtx::K8sGroup);
                self.s(&c.resource, StrCtx::Other);
            }
        }
    }
}

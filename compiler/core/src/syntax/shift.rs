//! Every span of an AST item, to move it: a declaration re-parsed on its own (see
//! [`reparse`](super::reparse)) has spans from 0, and those after an edit move by the
//! length the edit added. Structs are listed field by field (a destructuring `let`), so
//! a new field fails to compile until it is listed here.

use super::ast::*;
use crate::diag::{Diagnostic, Label};
use crate::source::{Span, Spanned};

/// Calls `f` on every span of a value.
pub trait Spans {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span));
}

/// Moves every span of `v` by `by` bytes (forward when positive).
pub fn shift(v: &mut impl Spans, by: isize) {
    if by != 0 {
        v.spans(&mut |s| {
            s.start = (s.start as isize + by) as u32;
            s.end = (s.end as isize + by) as u32;
        });
    }
}

impl Spans for Span {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self)
    }
}

impl<T: Spans> Spans for Spanned<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.node.spans(f);
        f(&mut self.span);
    }
}

impl<T: Spans> Spans for Vec<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.iter_mut().for_each(|v| v.spans(f));
    }
}

impl<T: Spans> Spans for Option<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(v) = self {
            v.spans(f);
        }
    }
}

impl<T: Spans> Spans for Box<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        (**self).spans(f);
    }
}

impl<A: Spans, B: Spans> Spans for (A, B) {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.0.spans(f);
        self.1.spans(f);
    }
}

impl<A: Spans, B: Spans, C: Spans> Spans for (A, B, C) {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.0.spans(f);
        self.1.spans(f);
        self.2.spans(f);
    }
}

/// Values without a span.
macro_rules! no_spans {
    ($($t:ty),* $(,)?) => {$(
        impl Spans for $t {
            fn spans(&mut self, _: &mut dyn FnMut(&mut Span)) {}
        }
    )*};
}

no_spans!(
    bool,
    String,
    &'static str,
    Pos,
    Cloud,
    TrustKind,
    Direction,
    Protocol,
    EngineMode,
    Level,
    TargetKind,
    ScopeMode,
    Effect,
);

/// Structs, each field listed.
macro_rules! fields {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Spans for $t {
            fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
                let $t { $($f),* } = self;
                $($f.spans(f);)*
            }
        }
    )*};
}

fields! {
    Ack { code, reason, span }
    Deployment { name, span, clouds, clouds_span, managed_tag, name_prefix, scope_by, params, externals, acks, repeated }
    Param { name, default }
    Principal { name, span, aws_role, aws_trust, aws_instance_profile, aws_boundary, gcp_service_account, azure_principal, k8s_service_account, acks, repeated }
    AwsRole { arn, external_id, span }
    AwsTrust { kind, principals, service_account, actions, conditions, sid, span }
    GcpServiceAccount { account, impersonated_by, span }
    K8sServiceAccount { name, namespace, span }
    Network { name, span, cloud, cidr, subnets, pods, services, psc, master, rules, connects, acks, repeated }
    Subnet { name, cidr, zone, public, secondary, span }
    NetRule { direction, name, protocol, ports, peers, span }
    Engine { name, kind, mode, network, namespaces, components, acks, span }
    Store { name, kind, resource_name, scope_by, policy, acks, span, repeated }
    PolicyStatement { principals, statement }
    ScopeBy { mode, span }
    Access { name, principal, scope, scope_by, title, description, within, grants, aws, aws_managed, aws_inline, aws_roles_under, gcp_permissions, gcp_roles, gcp_role_id, azure, azure_scopes, k8s, gcp_binds, azure_assigns, k8s_binds, acks, span, repeated, pieces }
    Guarded { param, negated, value, body, span, at }
    Grants { name, body, span }
    GcpBind { roles, target, resource, members, condition, span }
    AzureAssign { roles, scopes, principals, span }
    K8sBind { cluster_role, role, namespace, subjects, span }
    RolesUnder { boundary, roles, span }
    AbstractGrant { level, target, names, sid, span }
    AwsStatement { effect, not_action, actions, not_resource, resources, conditions, sid, span }
    AzureLists { actions, not_actions, data_actions, not_data_actions }
    K8sRole { namespace, name, rules, aggregate, labels, span }
    K8sRule { groups, resources, verbs, names, urls, span }
    Scp { name, ou, statements, acks, span }
    KindDecl { target, name, doc, clouds, span }
    KindCloud { cloud, services, resources, levels, data_levels, create, span }
    ComponentDecl { name, doc, engine_kinds, resources, clouds, span }
    ComponentResource { group, resource, namespaced, verbs, span }
    Crd { group, resource, namespaced, span }
}

impl Spans for Item {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Item::Use(s) => s.spans(f),
            Item::Deployment(d) => d.spans(f),
            Item::Principal(p) => p.spans(f),
            Item::Network(n) => n.spans(f),
            Item::Engine(e) => e.spans(f),
            Item::Store(s) => s.spans(f),
            Item::Access(a) => a.spans(f),
            Item::Grants(g) => g.spans(f),
            Item::Scp(s) => s.spans(f),
            Item::Kind(k) => k.spans(f),
            Item::Component(c) => c.spans(f),
            Item::Crd(c) => c.spans(f),
            Item::Ack(a) => a.spans(f),
        }
    }
}

impl Spans for Scope {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Scope::Scoped => {}
            Scope::Unscoped(s) => s.spans(f),
        }
    }
}

impl Spans for Peer {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Peer::Cidr(s) | Peer::Subnet(s) | Peer::Tag(s) => s.spans(f),
        }
    }
}

impl Spans for PolicyPrincipal {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            PolicyPrincipal::Literal(s) | PolicyPrincipal::Declared(s) => s.spans(f),
        }
    }
}

impl Spans for Piece {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Piece::Include { name, span, at } => {
                name.spans(f);
                span.spans(f);
                at.spans(f);
            }
            Piece::If(g) => g.spans(f),
        }
    }
}

impl Spans for Condition {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Condition::Tag(s) | Condition::RequestTag(s) => s.spans(f),
            Condition::Explicit {
                operator,
                key,
                values,
                span,
            } => {
                operator.spans(f);
                key.spans(f);
                values.spans(f);
                span.spans(f);
            }
        }
    }
}

impl Spans for Diagnostic {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
        self.secondary
            .iter_mut()
            .for_each(|Label { span, .. }| f(span));
        if let Some(s) = &mut self.suggestion {
            f(&mut s.span);
        }
    }
}

/// An item's whole span.
pub fn item_span(item: &Item) -> Span {
    match item {
        Item::Use(s) => s.span,
        Item::Deployment(d) => d.span,
        Item::Principal(p) => p.span,
        Item::Network(n) => n.span,
        Item::Engine(e) => e.span,
        Item::Store(s) => s.span,
        Item::Access(a) => a.span,
        Item::Grants(g) => g.span,
        Item::Scp(s) => s.span,
        Item::Kind(k) => k.span,
        Item::Component(c) => c.span,
        Item::Crd(c) => c.span,
        Item::Ack(a) => a.span,
    }
}

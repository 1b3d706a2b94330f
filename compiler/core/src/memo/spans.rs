//! What the memo reads off items and results: the words that may name a declaration,
//! an item's kind, span and name, and every span of a kept result (to move it).

use crate::diag::{Diagnostic, Label};
use crate::model;
use crate::source::Span;
use crate::syntax::ast::{self, Item};

/// The words of a text that may name a declaration.
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

pub(super) fn item_kind(item: &Item) -> u8 {
    match item {
        Item::Use(_) => 0,
        Item::Deployment(_) => 1,
        Item::Principal(_) => 2,
        Item::Network(_) => 3,
        Item::Engine(_) => 4,
        Item::Store(_) => 5,
        Item::Access(_) => 6,
        Item::Grants(_) => 7,
        Item::Scp(_) => 8,
        Item::Kind(_) => 9,
        Item::Component(_) => 10,
        Item::Crd(_) => 11,
        Item::Ack(_) => 12,
    }
}

/// An item's whole span, and its name when others can refer to it by one.
pub(super) fn span_and_name(item: &Item) -> (Span, Option<&str>) {
    fn named(span: Span, name: &ast::Name) -> (Span, Option<&str>) {
        (span, Some(name.node.as_str()))
    }
    match item {
        Item::Use(s) => (s.span, None),
        Item::Deployment(d) => (d.span, None),
        Item::Principal(p) => named(p.span, &p.name),
        Item::Network(n) => named(n.span, &n.name),
        Item::Engine(e) => named(e.span, &e.name),
        Item::Store(s) => named(s.span, &s.name),
        Item::Access(a) => named(a.span, &a.name),
        Item::Grants(g) => named(g.span, &g.name),
        Item::Scp(s) => named(s.span, &s.name),
        Item::Kind(k) => named(k.span, &k.name),
        Item::Component(c) => named(c.span, &c.name),
        Item::Crd(c) => (c.span, None),
        Item::Ack(a) => (a.span, None),
    }
}

/// Every span of a lowered level.
/// Every field is named, so that a new one is considered here.
pub(super) fn access_spans(a: &mut model::Access, f: &mut impl FnMut(&mut Span)) {
    let model::Access {
        name: _,
        principal: _,
        unscoped_reason: _,
        title: _,
        description: _,
        span,
        aws,
        aws_managed: _,
        aws_inline: _,
        gcp: _,
        azure: _,
        k8s,
        bindings,
        origins,
    } = a;
    f(span);
    aws.iter_mut().for_each(|s| f(&mut s.span));
    for r in k8s {
        f(&mut r.span);
        r.rule_spans.iter_mut().for_each(&mut *f);
    }
    let model::Bindings { gcp, azure, k8s } = bindings;
    gcp.iter_mut().for_each(|b| f(&mut b.span));
    azure.iter_mut().for_each(|b| f(&mut b.span));
    k8s.iter_mut().for_each(|b| f(&mut b.span));
    origins.values_mut().for_each(f);
}

/// Every span of a diagnostic.
pub(super) fn diagnostic_spans(d: &mut Diagnostic, f: &mut impl FnMut(&mut Span)) {
    f(&mut d.span);
    d.secondary
        .iter_mut()
        .for_each(|Label { span, .. }| f(span));
    if let Some(s) = &mut d.suggestion {
        f(&mut s.span);
    }
}

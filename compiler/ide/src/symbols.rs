//! The outline of a file: its declarations, with their parts as children.

use crate::Analysis;
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Item};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Deployment,
    Param,
    Principal,
    Network,
    Subnet,
    Engine,
    Store,
    Access,
    Group,
    Grant,
    Role,
    Scp,
    Kind,
    Component,
    Crd,
    Use,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// Its name.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

fn sym(name: &ast::Name, kind: SymbolKind, span: Span, detail: Option<String>) -> Symbol {
    Symbol {
        name: name.node.clone(),
        detail,
        kind,
        span: span.to(name.span),
        selection: name.span,
        children: Vec::new(),
    }
}

pub fn symbols(_a: &Analysis, file: &ast::File) -> Vec<Symbol> {
    let mut out = Vec::new();
    for item in &file.items {
        let s = match item {
            Item::Use(s) => Symbol {
                name: format!("use \"{}\"", s.node),
                detail: None,
                kind: SymbolKind::Use,
                span: s.span,
                selection: s.span,
                children: Vec::new(),
            },
            Item::Deployment(d) => {
                let clouds: Vec<&str> = d.clouds.iter().map(|c| c.node.as_str()).collect();
                let mut s = sym(
                    &d.name,
                    SymbolKind::Deployment,
                    d.span,
                    Some(clouds.join(", ")),
                );
                s.children = d
                    .params
                    .iter()
                    .map(|p| {
                        let span = match &p.default {
                            Some(v) => p.name.span.to(v.span),
                            None => p.name.span,
                        };
                        sym(
                            &p.name,
                            SymbolKind::Param,
                            span,
                            p.default.as_ref().map(|v| format!("= \"{}\"", v.node)),
                        )
                    })
                    .collect();
                s
            }
            Item::Principal(p) => {
                let mut ids = Vec::new();
                if p.has_aws_role() {
                    ids.push("aws");
                }
                if p.gcp_service_account.is_some() {
                    ids.push("gcp");
                }
                if p.azure_principal.is_some() {
                    ids.push("azure");
                }
                if p.k8s_service_account.is_some() {
                    ids.push("k8s");
                }
                sym(&p.name, SymbolKind::Principal, p.span, Some(ids.join(", ")))
            }
            Item::Network(n) => {
                let mut s = sym(
                    &n.name,
                    SymbolKind::Network,
                    n.span,
                    n.cidr.as_ref().map(|c| c.node.clone()),
                );
                s.children = n
                    .subnets
                    .iter()
                    .map(|sub| {
                        sym(
                            &sub.name,
                            SymbolKind::Subnet,
                            sub.span,
                            Some(sub.cidr.node.clone()),
                        )
                    })
                    .collect();
                s
            }
            Item::Engine(e) => sym(
                &e.name,
                SymbolKind::Engine,
                e.span,
                Some(e.kind.node.clone()),
            ),
            Item::Store(st) => sym(
                &st.name,
                SymbolKind::Store,
                st.span,
                Some(st.kind.node.clone()),
            ),
            Item::Access(a) => {
                let detail = a.principal.as_ref().map(|p| format!("for {}", p.node));
                let mut s = sym(&a.name, SymbolKind::Access, a.span, detail);
                for g in &a.grants {
                    let names: Vec<&str> = g.names.iter().map(|n| n.node.as_str()).collect();
                    s.children.push(Symbol {
                        name: format!(
                            "{} {} {}",
                            g.level.node.as_str(),
                            g.target.node.as_str(),
                            names.join(", ")
                        ),
                        detail: None,
                        kind: SymbolKind::Grant,
                        span: g.span,
                        selection: g.level.span,
                        children: Vec::new(),
                    });
                }
                for r in &a.k8s {
                    let (name, detail) = match (&r.name, &r.namespace) {
                        (Some(n), Some(ns)) => (n.node.clone(), format!("Role in {}", ns.node)),
                        (Some(n), None) => (n.node.clone(), "ClusterRole".to_string()),
                        (None, Some(ns)) => ("role".to_string(), format!("Role in {}", ns.node)),
                        (None, None) => ("cluster_role".to_string(), "ClusterRole".to_string()),
                    };
                    s.children.push(Symbol {
                        name,
                        detail: Some(detail),
                        kind: SymbolKind::Role,
                        span: r.span,
                        selection: r.name.as_ref().map_or(r.span, |n| n.span),
                        children: Vec::new(),
                    });
                }
                s
            }
            Item::Scp(sc) => sym(
                &sc.name,
                SymbolKind::Scp,
                sc.span,
                Some(format!("for ou {}", sc.ou.node)),
            ),
            Item::Kind(k) => sym(
                &k.name,
                SymbolKind::Kind,
                k.span,
                Some(format!("{} kind", k.target.node.as_str())),
            ),
            Item::Component(c) => sym(
                &c.name,
                SymbolKind::Component,
                c.span,
                c.doc.as_ref().map(|d| d.node.clone()),
            ),
            Item::Crd(c) => Symbol {
                name: format!("{}/{}", c.group.node, c.resource.node),
                detail: Some(if c.namespaced {
                    "namespaced".into()
                } else {
                    "cluster".into()
                }),
                kind: SymbolKind::Crd,
                span: c.span,
                selection: c.resource.span,
                children: Vec::new(),
            },
            Item::Grants(g) => sym(
                &g.name,
                SymbolKind::Group,
                g.span,
                Some("grants".to_string()),
            ),
            Item::Ack(_) => continue,
        };
        out.push(s);
    }
    out
}

//! Every name in a compilation and where it is declared and used: the table behind go
//! to definition, find references, rename, highlights and hover on names.

use engc_core::resolve::decls::for_each_string;
use engc_core::source::{FileId, SourceMap, Span};
use engc_core::syntax::ast::{self, Item, TargetKind};

/// What a name refers to. User declarations share one namespace (as in the checker);
/// kinds, components and parameters each have their own.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sym {
    /// A principal, network, engine, store, access level or scp.
    Decl(String),
    EngineKind(String),
    StoreKind(String),
    Component(String),
    /// A `grants` group (`grants x { ... }` and `include x`).
    Group(String),
    /// A deployment parameter (`param x` and `${x}`).
    Param(String),
    /// The deployment's own name (declared once, never referenced).
    Deployment(String),
    /// A subnet of a network (declared, referenced by firewall rules).
    Subnet(String, String),
    /// Another tool's reference (`external var.x` and `${var.x}`).
    External(String),
}

impl Sym {
    /// The same kind of symbol with another name.
    pub fn with_name(&self, new: &str) -> Sym {
        let n = new.to_string();
        match self {
            Sym::Decl(_) => Sym::Decl(n),
            Sym::EngineKind(_) => Sym::EngineKind(n),
            Sym::StoreKind(_) => Sym::StoreKind(n),
            Sym::Component(_) => Sym::Component(n),
            Sym::Group(_) => Sym::Group(n),
            Sym::Param(_) => Sym::Param(n),
            Sym::Deployment(_) => Sym::Deployment(n),
            Sym::Subnet(net, _) => Sym::Subnet(net.clone(), n),
            Sym::External(_) => Sym::External(n),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Sym::Decl(n)
            | Sym::EngineKind(n)
            | Sym::StoreKind(n)
            | Sym::Component(n)
            | Sym::Group(n)
            | Sym::Param(n)
            | Sym::Deployment(n)
            | Sym::External(n)
            | Sym::Subnet(_, n) => n,
        }
    }
}

/// What a reference expects there, for hover and completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Principal,
    Network,
    Engine,
    Store,
    Access,
    Any,
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub sym: Sym,
    /// A declaration (not a use).
    pub def: bool,
    pub expect: Expect,
}

#[derive(Default)]
pub struct Index {
    /// Sorted by (file, start).
    pub occurrences: Vec<Occurrence>,
}

/// The names `${...}` refers to that need no declaration.
pub const BUILTIN_PARAMS: &[(&str, &str)] = &[
    (
        "region",
        "the customer's cloud region (AWS region, GCP region, Azure location)",
    ),
    ("account_id", "the customer's AWS account id"),
    ("project_id", "the customer's GCP project id"),
    ("subscription_id", "the customer's Azure subscription id"),
    (
        "prefix",
        "the deployment's `name_prefix` (names of resources without tag support)",
    ),
];

impl Index {
    pub fn build<'a>(
        sources: &SourceMap,
        files: impl IntoIterator<Item = &'a (FileId, ast::File)>,
    ) -> Index {
        let mut b = Builder {
            out: Vec::new(),
            sources,
        };
        for (file, ast) in files {
            for item in &ast.items {
                b.item(*file, item);
            }
        }
        b.out
            .sort_by_key(|o| (o.span.file, o.span.start, o.span.end));
        Index { occurrences: b.out }
    }

    /// The occurrence at `offset` (the end of a name counts, so a cursor just after
    /// it finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        let i = self
            .occurrences
            .partition_point(|o| (o.span.file, o.span.end) < (file, offset));
        self.occurrences[i..]
            .iter()
            .take_while(|o| o.span.file == file && o.span.start <= offset)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    pub fn definitions<'s>(&'s self, sym: &'s Sym) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.def && &o.sym == sym)
    }

    pub fn all<'s>(&'s self, sym: &'s Sym) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences.iter().filter(move |o| &o.sym == sym)
    }
}

struct Builder<'s> {
    out: Vec<Occurrence>,
    sources: &'s SourceMap,
}

impl Builder<'_> {
    fn push(&mut self, name: &ast::Name, sym: Sym, def: bool, expect: Expect) {
        if name.span.start == name.span.end {
            return;
        }
        self.out.push(Occurrence {
            span: name.span,
            sym,
            def,
            expect,
        });
    }

    fn decl(&mut self, name: &ast::Name) {
        self.push(name, Sym::Decl(name.node.clone()), true, Expect::Any);
    }

    fn reference(&mut self, name: &ast::Name, expect: Expect) {
        self.push(name, Sym::Decl(name.node.clone()), false, expect);
    }

    /// The names in grant lines, `include` and `if` lines of a level or a group.
    fn grant_lines(&mut self, a: &ast::Access) {
        for g in &a.grants {
            let expect = match g.target.node {
                TargetKind::Engine => Expect::Engine,
                TargetKind::Store => Expect::Store,
            };
            for n in &g.names {
                self.reference(n, expect);
            }
        }
        for p in &a.pieces {
            match p {
                ast::Piece::Include { name, .. } => {
                    self.push(name, Sym::Group(name.node.clone()), false, Expect::Any)
                }
                ast::Piece::If(g) => {
                    self.push(
                        &g.param,
                        Sym::Param(g.param.node.clone()),
                        false,
                        Expect::Any,
                    );
                    self.grant_lines(&g.body);
                }
            }
        }
    }

    fn item(&mut self, file: FileId, item: &Item) {
        match item {
            Item::Deployment(d) => {
                self.push(
                    &d.name,
                    Sym::Deployment(d.name.node.clone()),
                    true,
                    Expect::Any,
                );
                for p in &d.params {
                    self.push(&p.name, Sym::Param(p.name.node.clone()), true, Expect::Any);
                }
                for e in &d.externals {
                    self.push(e, Sym::External(e.node.clone()), true, Expect::Any);
                }
            }
            Item::Principal(p) => {
                self.decl(&p.name);
                if let Some(b) = &p.aws_boundary {
                    self.reference(b, Expect::Access);
                }
            }
            Item::Network(n) => {
                self.decl(&n.name);
                for s in &n.subnets {
                    let sym = Sym::Subnet(n.name.node.clone(), s.name.node.clone());
                    self.push(&s.name, sym, true, Expect::Any);
                }
                // `from subnet NAME` in a rule: a reference to the subnet.
                for r in &n.rules {
                    for p in &r.peers {
                        if let ast::Peer::Subnet(s) = p {
                            let sym = Sym::Subnet(n.name.node.clone(), s.node.clone());
                            self.push(s, sym, false, Expect::Any);
                        }
                    }
                }
                for c in &n.connects {
                    self.reference(c, Expect::Network);
                }
            }
            Item::Engine(e) => {
                self.decl(&e.name);
                self.push(
                    &e.kind,
                    Sym::EngineKind(e.kind.node.clone()),
                    false,
                    Expect::Any,
                );
                if let Some(n) = &e.network {
                    self.reference(n, Expect::Network);
                }
                for c in &e.components {
                    self.push(c, Sym::Component(c.node.clone()), false, Expect::Any);
                }
            }
            Item::Store(s) => {
                self.decl(&s.name);
                self.push(
                    &s.kind,
                    Sym::StoreKind(s.kind.node.clone()),
                    false,
                    Expect::Any,
                );
                for p in &s.policy {
                    for x in &p.principals {
                        if let ast::PolicyPrincipal::Declared(n) = x {
                            self.reference(n, Expect::Principal);
                        }
                    }
                }
            }
            Item::Access(a) => {
                self.decl(&a.name);
                if let Some(p) = &a.principal {
                    self.reference(p, Expect::Principal);
                }
                for w in &a.within {
                    self.reference(w, Expect::Access);
                }
                for r in &a.aws_roles_under {
                    self.reference(&r.boundary, Expect::Access);
                }
                self.grant_lines(a);
            }
            Item::Grants(g) => {
                self.push(&g.name, Sym::Group(g.name.node.clone()), true, Expect::Any);
                self.grant_lines(&g.body);
            }
            Item::Scp(s) => self.decl(&s.name),
            Item::Kind(k) => {
                let sym = match k.target.node {
                    TargetKind::Engine => Sym::EngineKind(k.name.node.clone()),
                    TargetKind::Store => Sym::StoreKind(k.name.node.clone()),
                };
                self.push(&k.name, sym, true, Expect::Any);
            }
            Item::Component(c) => {
                self.push(
                    &c.name,
                    Sym::Component(c.name.node.clone()),
                    true,
                    Expect::Any,
                );
                for k in &c.engine_kinds {
                    self.push(k, Sym::EngineKind(k.node.clone()), false, Expect::Any);
                }
            }
            Item::Use(_) | Item::Crd(_) | Item::Ack(_) => {}
        }
        // `${name}` inside strings.
        let text = &self.sources.get(file).text;
        let mut found = Vec::new();
        for_each_string(item, &mut |s| {
            for (at, name) in param_refs(text, s.span) {
                found.push((
                    false,
                    ast::Name::new(name.to_string(), Span::new(file, at, at + name.len())),
                ));
            }
            for (at, path) in external_refs(text, s.span) {
                found.push((
                    true,
                    ast::Name::new(path.to_string(), Span::new(file, at, at + path.len())),
                ));
            }
        });
        for (external, n) in found {
            let sym = if external {
                Sym::External(n.node.clone())
            } else {
                Sym::Param(n.node.clone())
            };
            self.push(&n, sym, false, Expect::Any);
        }
    }
}

/// The `${name}` references in the source text of a string literal: (offset of the
/// name, name). Read from the source so that the offsets are exact.
pub fn param_refs(text: &str, span: Span) -> Vec<(usize, &str)> {
    let Some(raw) = text.get(span.range()) else {
        return Vec::new();
    };
    engc_core::resolve::params::references(raw)
        .into_iter()
        .map(|(name, range)| (span.start as usize + range.start + 2, name))
        .collect()
}

/// The `${a.b}` external references in the source text of a string literal: (offset
/// of the path, path).
pub fn external_refs(text: &str, span: Span) -> Vec<(usize, &str)> {
    let Some(raw) = text.get(span.range()) else {
        return Vec::new();
    };
    engc_core::resolve::params::external_references(raw)
        .into_iter()
        .map(|(path, range)| (span.start as usize + range.start + 2, path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_in_string_source() {
        let text = r#"x "a${b}c${ d}${e_1}${aws:x}${}""#;
        let span = Span::new(FileId(0), 2, text.len());
        let refs = param_refs(text, span);
        assert_eq!(refs, vec![(6, "b"), (16, "e_1")]);
    }
}

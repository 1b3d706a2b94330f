//! Typed views of the lossless tree's nodes: each wraps a [`SyntaxNode`] of one rule,
//! and its accessors return `Option` (a part that is missing from the tree is `None`,
//! never a panic), so the editor can read what a file has while it is being typed.

use super::parser::Rule;
use super::tokens::Tok;
use super::tree::{NodeKind, SyntaxNode, SyntaxToken, TokenKind};

/// A typed view of one kind of node.
pub trait AstNode<'t>: Sized {
    fn can_cast(n: &SyntaxNode<'t>) -> bool;
    fn cast(n: SyntaxNode<'t>) -> Option<Self>;
    fn syntax(&self) -> SyntaxNode<'t>;
}

macro_rules! node {
    ($(#[$doc:meta])* $name:ident, $($rule:ident)|+) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'t>(SyntaxNode<'t>);

        impl<'t> AstNode<'t> for $name<'t> {
            fn can_cast(n: &SyntaxNode<'t>) -> bool {
                matches!(n.rule(), $(Some(Rule::$rule))|+)
            }
            fn cast(n: SyntaxNode<'t>) -> Option<Self> {
                Self::can_cast(&n).then_some($name(n))
            }
            fn syntax(&self) -> SyntaxNode<'t> {
                self.0
            }
        }
    };
}

node!(
    /// `use "FILE"`.
    Use, use_decl
);
node!(Deployment, deployment);
node!(Principal, principal);
node!(Network, network);
node!(Engine, engine);
node!(Store, store);
node!(Access, access);
node!(Grants, grants_decl);
node!(Scp, scp);
node!(Kind, kind_decl);
node!(Component, component_decl);
node!(Crd, crd_decl);
node!(
    /// `ack CODE "reason"`, at the top level or in a block.
    Ack, ack
);
node!(
    /// A string literal.
    StringLit, string
);

/// The file.
#[derive(Clone, Copy, Debug)]
pub struct Root<'t>(SyntaxNode<'t>);

impl<'t> Root<'t> {
    pub fn cast(n: SyntaxNode<'t>) -> Option<Root<'t>> {
        (n.kind() == NodeKind::Root).then_some(Root(n))
    }

    pub fn syntax(&self) -> SyntaxNode<'t> {
        self.0
    }

    /// The declarations pest parsed.
    pub fn declarations(&self) -> impl Iterator<Item = Declaration<'t>> + 't {
        self.0.children().filter_map(Declaration::cast)
    }

    /// The stretches of text pest could not parse, one per broken declaration.
    pub fn errors(&self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        self.0.children().filter(|n| n.kind() == NodeKind::Error)
    }
}

/// Any top-level declaration: what all of them have (a keyword, most a name and a
/// block).
#[derive(Clone, Copy, Debug)]
pub struct Declaration<'t>(SyntaxNode<'t>);

impl<'t> Declaration<'t> {
    pub fn cast(n: SyntaxNode<'t>) -> Option<Declaration<'t>> {
        use Rule::*;
        matches!(
            n.rule(),
            Some(
                use_decl
                    | deployment
                    | principal
                    | network
                    | engine
                    | store
                    | access
                    | grants_decl
                    | scp
                    | kind_decl
                    | component_decl
                    | crd_decl
                    | ack
            )
        )
        .then_some(Declaration(n))
    }

    pub fn syntax(&self) -> SyntaxNode<'t> {
        self.0
    }

    /// The typed view of this declaration's kind (`None` when it is another kind).
    pub fn to<T: AstNode<'t>>(&self) -> Option<T> {
        T::cast(self.0)
    }

    pub fn rule(&self) -> Rule {
        self.0.rule().expect("a declaration is a rule")
    }

    /// The first word: `deployment`, `store`, ...
    pub fn keyword(&self) -> Option<SyntaxToken<'t>> {
        self.0
            .significant_tokens()
            .next()
            .filter(|t| t.kind() == TokenKind::Tok(Tok::Ident))
    }

    /// The declared name (`chalk` of `deployment chalk`), where the declaration has one.
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        ident(self.0.child(Rule::ident)?)
    }

    /// The block's statements (each a node; `;` and comments between them aside).
    pub fn statements(&self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        let open = self.l_brace().map_or(usize::MAX, |t| t.end());
        self.0.children().filter(move |c| c.start() >= open)
    }

    pub fn l_brace(&self) -> Option<SyntaxToken<'t>> {
        punct(self.0, '{')
    }

    pub fn r_brace(&self) -> Option<SyntaxToken<'t>> {
        self.0
            .child_tokens()
            .filter(|t| t.kind() == TokenKind::Tok(Tok::Punct('}')))
            .last()
    }
}

/// The token of an `ident` node.
fn ident(n: SyntaxNode) -> Option<SyntaxToken> {
    n.significant_tokens()
        .find(|t| t.kind() == TokenKind::Tok(Tok::Ident))
}

/// The first `c` directly under `n`.
fn punct(n: SyntaxNode, c: char) -> Option<SyntaxToken> {
    n.child_tokens()
        .find(|t| t.kind() == TokenKind::Tok(Tok::Punct(c)))
}

/// The `ident` children of `n`, in order.
fn idents<'t>(n: SyntaxNode<'t>) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
    n.children()
        .filter(|c| c.rule() == Some(Rule::ident))
        .filter_map(ident)
}

impl<'t> Use<'t> {
    pub fn path(&self) -> Option<StringLit<'t>> {
        self.0.child(Rule::string).and_then(StringLit::cast)
    }
}

impl<'t> Deployment<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }

    /// The clouds of its `clouds` statements.
    pub fn clouds(&self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.0
            .children()
            .filter(|c| c.rule() == Some(Rule::clouds_stmt))
            .flat_map(|s| s.children().filter(|c| c.rule() == Some(Rule::cloud)))
            .filter_map(|c| c.significant_tokens().next())
    }

    /// The names of its parameters.
    pub fn params(&self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.0
            .children()
            .filter(|c| c.rule() == Some(Rule::param_stmt))
            .flat_map(|s| s.children().filter(|c| c.rule() == Some(Rule::param_def)))
            .filter_map(|d| d.child(Rule::ident).and_then(ident))
    }
}

impl<'t> Principal<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Network<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Engine<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).next()
    }

    /// The kind after the `:` (`eks`).
    pub fn kind(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).nth(1)
    }

    /// The network after `on`.
    pub fn network(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).nth(2)
    }
}

impl<'t> Store<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).next()
    }

    /// The kind after the `:` (`s3`).
    pub fn kind(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).nth(1)
    }
}

impl<'t> Access<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).next()
    }

    /// The principal after `for`, if the level names one.
    pub fn principal(&self) -> Option<SyntaxToken<'t>> {
        idents(self.0).nth(1)
    }

    /// `scoped` or `unscoped "reason"`.
    pub fn scope(&self) -> Option<SyntaxNode<'t>> {
        self.0.child(Rule::access_scope)
    }
}

impl<'t> Grants<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Scp<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Kind<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Component<'t> {
    pub fn name(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::ident).and_then(ident)
    }
}

impl<'t> Crd<'t> {
    /// The API group and the resource.
    pub fn strings(&self) -> impl Iterator<Item = StringLit<'t>> + 't {
        self.0.children().filter_map(StringLit::cast)
    }
}

impl<'t> Ack<'t> {
    pub fn code(&self) -> Option<SyntaxToken<'t>> {
        self.0.child(Rule::code)?.significant_tokens().next()
    }

    pub fn reason(&self) -> Option<StringLit<'t>> {
        self.0.child(Rule::string).and_then(StringLit::cast)
    }
}

impl<'t> StringLit<'t> {
    pub fn token(&self) -> Option<SyntaxToken<'t>> {
        self.0
            .significant_tokens()
            .find(|t| matches!(t.kind(), TokenKind::Tok(Tok::Str { .. })))
    }

    /// The value, escapes read (`\n`, `\t`, `\"`, `\\`), as the AST has it.
    pub fn value(&self) -> Option<String> {
        let t = self.token()?.text();
        let inner = t.strip_prefix('"')?.strip_suffix('"')?;
        Some(super::unescape(inner))
    }
}

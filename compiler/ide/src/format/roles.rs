//! What the syntax tree says about each token, for the layout: whether it starts a
//! statement (or a declaration), or lies inside one. Tokens of text that pest could
//! not parse, and those between statements (braces, `;`, comments between lines),
//! have no role: the formatter then reads the keywords of the block, as completion
//! does.

use engc_core::syntax::tokens::Tok;
use engc_core::syntax::tree::{Element, SyntaxNode, SyntaxTree, TokenKind};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// The first token of a top-level declaration: it starts at the margin, whatever
    /// braces the broken text before it left open (pest resumed there).
    Declares,
    /// The first token of a statement of a block.
    Starts,
    /// A later token of one (comments between its tokens included).
    Inside,
}

/// Per token of the text (white space aside, comments included), in order: its
/// role. Formatting keeps every token in order, so the roles read from the tree of the
/// input hold for each pass's text too, and the input is parsed once.
pub(super) fn roles(tree: &SyntaxTree) -> Vec<Option<Role>> {
    let mut map = HashMap::new();
    for d in tree.root().children().filter(|n| n.rule().is_some()) {
        unit(d, &mut map);
        if let Some(t) = d.significant_tokens().next() {
            map.insert(t.start(), Role::Declares);
        }
    }
    tree.root()
        .tokens()
        .filter(|t| t.kind() != TokenKind::White)
        .map(|t| map.get(&t.start()).copied())
        .collect()
}

/// A declaration or a statement: its first token starts it; the other tokens before
/// its `{` (all of them, when it has no block) are inside it; each node after the `{`
/// is a statement, a unit of its own (`k8s role "r" { rule ... }`, `aws { ... }` and
/// `if` blocks are statements with blocks of their own).
fn unit(n: SyntaxNode, map: &mut HashMap<usize, Role>) {
    let mut in_block = false;
    let mut header = Vec::new();
    for c in n.children_with_tokens() {
        match c {
            Element::Token(t) if t.kind() == TokenKind::Tok(Tok::Punct('{')) => in_block = true,
            Element::Token(t) if !in_block && t.kind() != TokenKind::White => {
                header.push(t.start())
            }
            Element::Token(_) => {}
            Element::Node(c) if in_block => unit(c, map),
            Element::Node(c) => header.extend(
                c.tokens()
                    .filter(|t| t.kind() != TokenKind::White)
                    .map(|t| t.start()),
            ),
        }
    }
    for (i, s) in header.into_iter().enumerate() {
        map.insert(s, if i == 0 { Role::Starts } else { Role::Inside });
    }
}

//! The lossless syntax tree: every byte of a file, in order, in a token of a node.
//!
//! Nodes are the grammar's rules (a pest pair each: `deployment`, `clouds_stmt`,
//! `string`...), under one [`NodeKind::Root`]; tokens are those of
//! [`tokens`](super::tokens), the one tokenizer, plus the runs of white space between
//! them. Where pest failed, an [`NodeKind::Error`] node holds the tokens up to where
//! parsing resumed, so the tree of a broken file is as complete as that of a good one.
//! Comments and white space sit in the smallest node that spans them: between two
//! statements of a block in the block's node, between declarations in the root.
//!
//! Built once per parse and never changed (shared as `Arc<SyntaxTree>` by the
//! language server's cache); [`SyntaxNode`] and [`SyntaxToken`] are cursors into it
//! that know the text. Typed accessors over it are in [`nodes`](super::nodes). The
//! compiler reads every file's AST from its tree, so the tree is flat (two vectors:
//! the tokens in order, the nodes in pre-order, each a range of both) rather than a
//! vector of children per node.

use super::parser::Rule;
use super::tokens::{Tok, Tokens};
use std::fmt::Write as _;

#[path = "tree_splice.rs"]
mod splice;

/// What a node is: a grammar rule, the file, or text pest could not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Root,
    Error,
    Rule(Rule),
}

/// What a token is: one of the tokenizer's, or white space between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    White,
    Tok(Tok),
}

impl TokenKind {
    /// White space or a comment: what pest skips.
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::White | TokenKind::Tok(Tok::Comment { .. }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Leaf {
    kind: TokenKind,
    start: usize,
    end: usize,
}

/// A node: a range of the tokens and, in pre-order, of the nodes (itself and those
/// under it).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    kind: NodeKind,
    start: usize,
    end: usize,
    /// Where pest ended the rule: past `end` by the white space and comments that its
    /// skipping took after an optional part that did not match.
    rule_end: usize,
    /// The node's tokens: `leaves[first..last]`.
    first: u32,
    last: u32,
    /// The index after the last node under this one.
    after: u32,
}

/// A file's tree and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxTree {
    text: String,
    leaves: Vec<Leaf>,
    /// Root first, then every node in pre-order.
    nodes: Vec<Node>,
}

impl SyntaxTree {
    pub fn root(&self) -> SyntaxNode<'_> {
        SyntaxNode { tree: self, i: 0 }
    }

    /// The source text (what the tokens add up to).
    pub fn source(&self) -> &str {
        &self.text
    }

    /// The tokens' texts, concatenated in tree order: the input, byte for byte.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for t in self.root().tokens() {
            out.push_str(t.text());
        }
        out
    }

    /// rust-analyzer's kind of dump: each node and token with its byte range, one a
    /// line, indented by depth; tokens with their text.
    pub fn debug_dump(&self) -> String {
        let mut out = String::new();
        dump(self.root(), 0, &mut out);
        out
    }
}

fn dump(n: SyntaxNode, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(out, "{pad}{}@{}..{}", n.kind_name(), n.start(), n.end());
    for c in n.children_with_tokens() {
        match c {
            Element::Node(c) => dump(c, depth + 1, out),
            Element::Token(t) => {
                let _ = writeln!(
                    out,
                    "{pad}  {}@{}..{} {:?}",
                    t.kind_name(),
                    t.start(),
                    t.end(),
                    t.text()
                );
            }
        }
    }
}

/// A node of a tree, with access to the text.
#[derive(Clone, Copy)]
pub struct SyntaxNode<'t> {
    tree: &'t SyntaxTree,
    i: u32,
}

/// A token of a tree, with access to the text.
#[derive(Clone, Copy)]
pub struct SyntaxToken<'t> {
    tree: &'t SyntaxTree,
    leaf: &'t Leaf,
}

/// A child: a node or a token.
#[derive(Clone, Copy, Debug)]
pub enum Element<'t> {
    Node(SyntaxNode<'t>),
    Token(SyntaxToken<'t>),
}

impl std::fmt::Debug for SyntaxNode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}..{}", self.kind_name(), self.start(), self.end())
    }
}

impl std::fmt::Debug for SyntaxToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@{}..{} {:?}",
            self.kind_name(),
            self.start(),
            self.end(),
            self.text()
        )
    }
}

impl PartialEq for SyntaxNode<'_> {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.tree, o.tree) && self.i == o.i
    }
}

impl<'t> SyntaxNode<'t> {
    fn data(&self) -> &'t Node {
        &self.tree.nodes[self.i as usize]
    }

    pub fn kind(&self) -> NodeKind {
        self.data().kind
    }

    /// The grammar rule, if the node is one.
    pub fn rule(&self) -> Option<Rule> {
        match self.data().kind {
            NodeKind::Rule(r) => Some(r),
            _ => None,
        }
    }

    fn kind_name(&self) -> String {
        match self.data().kind {
            NodeKind::Root => "ROOT".into(),
            NodeKind::Error => "ERROR".into(),
            NodeKind::Rule(r) => format!("{r:?}"),
        }
    }

    pub fn start(&self) -> usize {
        self.data().start
    }

    pub fn end(&self) -> usize {
        self.data().end
    }

    /// The text pest matched for the rule: the node's, and the trivia its skipping took
    /// after an optional part that did not match (which spans trim, but not all of).
    pub fn rule_text(&self) -> &'t str {
        let n = self.data();
        &self.tree.text[n.start..n.rule_end.max(n.end)]
    }

    /// Whether the node's last token is neither white space nor a comment.
    pub fn ends_at_token(&self) -> bool {
        let n = self.data();
        n.last > n.first && !self.tree.leaves[n.last as usize - 1].kind.is_trivia()
    }

    /// The node's text (its tokens', trivia inside it included).
    pub fn text(&self) -> &'t str {
        let n = self.data();
        &self.tree.text[n.start..n.end]
    }

    pub fn children_with_tokens(&self) -> impl Iterator<Item = Element<'t>> + 't {
        let tree = self.tree;
        let n = self.data();
        let (mut leaf, mut child) = (n.first, self.i + 1);
        std::iter::from_fn(move || {
            if child < n.after && tree.nodes[child as usize].first == leaf {
                let c = &tree.nodes[child as usize];
                let e = Element::Node(SyntaxNode { tree, i: child });
                leaf = c.last;
                child = c.after;
                return Some(e);
            }
            if leaf < n.last {
                leaf += 1;
                return Some(Element::Token(SyntaxToken {
                    tree,
                    leaf: &tree.leaves[leaf as usize - 1],
                }));
            }
            None
        })
    }

    /// The child nodes.
    pub fn children(&self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        let tree = self.tree;
        let after = self.data().after;
        let mut child = self.i + 1;
        std::iter::from_fn(move || {
            (child < after).then(|| {
                let c = SyntaxNode { tree, i: child };
                child = tree.nodes[child as usize].after;
                c
            })
        })
    }

    /// The tokens directly under this node (not those of its child nodes).
    pub fn child_tokens(&self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.children_with_tokens().filter_map(|e| match e {
            Element::Token(t) => Some(t),
            Element::Node(_) => None,
        })
    }

    /// The first child node of rule `r`.
    pub fn child(&self, r: Rule) -> Option<SyntaxNode<'t>> {
        self.children().find(|c| c.rule() == Some(r))
    }

    /// Every token under this node, in order.
    pub fn tokens(&self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        let tree = self.tree;
        let n = self.data();
        tree.leaves[n.first as usize..n.last as usize]
            .iter()
            .map(move |leaf| SyntaxToken { tree, leaf })
    }

    /// The tokens under this node that are not white space or comments.
    pub fn significant_tokens(&self) -> impl Iterator<Item = SyntaxToken<'t>> + 't {
        self.tokens().filter(|t| !t.kind().is_trivia())
    }

    /// The node and every node under it, depth first, in order.
    pub fn descendants(&self) -> impl Iterator<Item = SyntaxNode<'t>> + 't {
        let tree = self.tree;
        (self.i..self.data().after).map(move |i| SyntaxNode { tree, i })
    }

    /// The innermost nodes that contain `offset` (or end at it), outermost first.
    pub fn ancestors_at(&self, offset: usize) -> Vec<SyntaxNode<'t>> {
        let mut out = vec![*self];
        let mut n = *self;
        while let Some(c) = n
            .children()
            .find(|c| c.start() <= offset && offset <= c.end() && c.start() < c.end())
        {
            out.push(c);
            n = c;
        }
        out
    }
}

impl<'t> SyntaxToken<'t> {
    pub fn kind(&self) -> TokenKind {
        self.leaf.kind
    }

    fn kind_name(&self) -> String {
        match self.leaf.kind {
            TokenKind::White => "White".into(),
            TokenKind::Tok(Tok::Punct(c)) => format!("Punct({c:?})"),
            TokenKind::Tok(t) => format!("{t:?}"),
        }
    }

    pub fn start(&self) -> usize {
        self.leaf.start
    }

    pub fn end(&self) -> usize {
        self.leaf.end
    }

    pub fn text(&self) -> &'t str {
        &self.tree.text[self.leaf.start..self.leaf.end]
    }

    /// As the tokenizer's token (white space has none).
    pub fn token(&self) -> Option<super::tokens::Token> {
        match self.leaf.kind {
            TokenKind::Tok(kind) => Some(super::tokens::Token {
                kind,
                start: self.leaf.start,
                end: self.leaf.end,
            }),
            TokenKind::White => None,
        }
    }
}

/// A rule a parser matched (pest's pair, or the fast parser's): its byte range in the
/// file, where the range ends as pest ends it (after the white space and comments its
/// skipping took after an optional part that did not match). A declaration's matches
/// are in pre-order; `after` is the index past those inside this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) rule: Rule,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) after: u32,
}

/// Builds the tree while the parser goes over the file: the tokens come from the
/// tokenizer, the nodes from pest's pairs. A token belongs to the innermost pair in
/// which it starts; white space and comments at a pair's end belong to the pair
/// around it (pest's spans take in the skipping after an optional part that did not
/// match). Since each token is taken exactly once, in order, the tree holds the text
/// byte for byte whatever pest did.
pub(crate) struct Builder<'s> {
    text: &'s str,
    leaves: Vec<Leaf>,
    /// The next token to take.
    i: usize,
    nodes: Vec<Node>,
}

impl<'s> Builder<'s> {
    pub(crate) fn new(text: &'s str) -> Builder<'s> {
        let mut leaves = Vec::with_capacity(text.len() / 3);
        push_leaves(&mut leaves, text, 0, |_| false);
        let root = Node {
            kind: NodeKind::Root,
            start: 0,
            end: text.len(),
            rule_end: text.len(),
            first: 0,
            last: 0,
            after: 0,
        };
        let mut nodes = Vec::with_capacity(leaves.len() / 2 + 1);
        nodes.push(root);
        Builder {
            text,
            leaves,
            i: 0,
            nodes,
        }
    }

    /// Cuts the token `k` at `at` (inside it), where pest sees a boundary the tokenizer
    /// does not: a rule that ends inside a word (`10.0.0.0/8ingress` is an address and
    /// a keyword to pest), or parsing resumed after an error inside a comment that
    /// runs over lines. The tokens from `at` are read again, up to where they meet
    /// the old ones.
    fn split(&mut self, k: usize, at: usize) {
        let tail = self.leaves.split_off(k + 1);
        self.leaves[k].end = at;
        let mut j = 0;
        let meets = |start: usize| {
            while tail.get(j).is_some_and(|l| l.start < start) {
                j += 1;
            }
            tail.get(j)
                .is_some_and(|l| l.start == start && l.kind != TokenKind::White)
        };
        if push_leaves(&mut self.leaves, self.text, at, meets) {
            let end = self.leaves.last().map_or(at, |l| l.end);
            let from = tail.partition_point(|l| l.start < end);
            self.leaves.extend_from_slice(&tail[from..]);
        }
    }

    /// Takes the tokens that start before `end` (cutting one that runs past it).
    fn take(&mut self, end: usize) {
        while let Some(l) = self.leaves.get(self.i).filter(|l| l.start < end) {
            if l.end > end {
                self.split(self.i, end);
            }
            self.i += 1;
        }
    }

    /// The end of the last token that starts before `end` and is not trivia (not
    /// before the next token to take).
    fn trimmed(&self, end: usize) -> usize {
        let mut k = self.i + gallop(&self.leaves[self.i..], end);
        while k > self.i && self.leaves[k - 1].kind.is_trivia() {
            k -= 1;
        }
        if k > self.i {
            self.leaves[k - 1].end.min(end)
        } else {
            self.leaves.get(self.i).map_or(self.text.len(), |l| l.start)
        }
    }

    /// A declaration's matches (see [`Match`]); none for the end of the input.
    pub(crate) fn item(&mut self, matches: &[Match]) {
        if let Some(decl) = matches.first() {
            self.take(decl.start);
            self.node(matches, 0);
        }
    }

    /// The node of match `k` and those of the matches inside it; none when it holds
    /// no token (a match inside a token).
    fn node(&mut self, m: &[Match], k: usize) {
        let p = m[k];
        let first = self.i;
        let index = self.nodes.len();
        let end = self.trimmed(p.end);
        self.nodes.push(Node {
            kind: NodeKind::Rule(p.rule),
            start: 0,
            end: 0,
            rule_end: p.end,
            first: 0,
            last: 0,
            after: 0,
        });
        // A string's contents are inside its token: no node of their own.
        if p.rule != Rule::string {
            let mut c = k + 1;
            while c < p.after as usize {
                self.take(m[c].start);
                self.node(m, c);
                c = m[c].after as usize;
            }
        }
        self.take(end);
        if self.i == first {
            self.nodes.truncate(index);
            return;
        }
        self.close(index, first);
    }

    /// Fills in node `index`, whose tokens start at `first` and end at the next to
    /// take, and which the nodes pushed after it are under.
    fn close(&mut self, index: usize, first: usize) {
        let after = self.nodes.len() as u32;
        let (start, end) = (self.leaves[first].start, self.leaves[self.i - 1].end);
        let n = &mut self.nodes[index];
        n.start = start;
        n.end = end;
        n.rule_end = n.rule_end.max(end);
        n.first = first as u32;
        n.last = self.i as u32;
        n.after = after;
    }

    /// Text pest could not parse, up to `end` (where parsing resumes): an error node
    /// from its first token that is not trivia to its last.
    pub(crate) fn error(&mut self, end: usize) {
        let first = self.leaves[self.i..]
            .iter()
            .find(|l| !l.kind.is_trivia())
            .map(|l| l.start);
        if let Some(first) = first.filter(|&f| f < end) {
            self.take(first);
            let stop = self.trimmed(end);
            let (index, from) = (self.nodes.len(), self.i);
            self.nodes.push(Node {
                kind: NodeKind::Error,
                start: 0,
                end: 0,
                rule_end: 0,
                first: 0,
                last: 0,
                after: 0,
            });
            self.take(stop);
            if self.i == from {
                self.nodes.truncate(index);
            } else {
                self.close(index, from);
            }
        }
        self.take(end);
    }

    pub(crate) fn finish(mut self) -> SyntaxTree {
        self.take(usize::MAX);
        let after = self.nodes.len() as u32;
        let root = &mut self.nodes[0];
        root.last = self.leaves.len() as u32;
        root.after = after;
        SyntaxTree {
            text: self.text.to_string(),
            leaves: self.leaves,
            nodes: self.nodes,
        }
    }
}

/// How many of `leaves` (sorted) start before `end`, searched from the front: a
/// node's end is mostly a few tokens ahead, while a binary search of the whole file's
/// tokens would take ~20 steps for each node.
fn gallop(leaves: &[Leaf], end: usize) -> usize {
    let mut hi = 1;
    while hi < leaves.len() && leaves[hi - 1].start < end {
        hi *= 2;
    }
    let lo = hi / 2;
    let hi = hi.min(leaves.len());
    lo + leaves[lo..hi].partition_point(|l| l.start < end)
}

/// Reads the tokens of `text` from `at` into `leaves`, white space between them
/// included, until one starts where `stop` says (then returns true, and the white
/// space before that token is the last leaf).
fn push_leaves(
    leaves: &mut Vec<Leaf>,
    text: &str,
    at: usize,
    mut stop: impl FnMut(usize) -> bool,
) -> bool {
    let mut at = at;
    for t in Tokens::at(text, at) {
        if t.start > at {
            leaves.push(Leaf {
                kind: TokenKind::White,
                start: at,
                end: t.start,
            });
        }
        if stop(t.start) {
            return true;
        }
        leaves.push(Leaf {
            kind: TokenKind::Tok(t.kind),
            start: t.start,
            end: t.end,
        });
        at = t.end;
    }
    if text.len() > at {
        leaves.push(Leaf {
            kind: TokenKind::White,
            start: at,
            end: text.len(),
        });
    }
    false
}

#[cfg(test)]
#[test]
fn gallop_finds_what_a_binary_search_finds() {
    let leaves: Vec<Leaf> = [0, 2, 3, 7, 7, 9, 20, 21, 40]
        .iter()
        .map(|&start| Leaf {
            kind: TokenKind::White,
            start,
            end: start + 1,
        })
        .collect();
    for n in 0..=leaves.len() {
        for end in 0..45 {
            let l = &leaves[..n];
            assert_eq!(gallop(l, end), l.partition_point(|l| l.start < end));
        }
    }
}

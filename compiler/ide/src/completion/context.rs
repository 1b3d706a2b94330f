//! Reading the context of the cursor from the tokens of the file's lossless tree: the
//! blocks open there (`Frame`) and the words of the statement being written.

use super::CLOUDS;
use crate::lexer::{Tok, Token};
use engc_core::syntax::nodes::Declaration;
use engc_core::syntax::tree::{Element, SyntaxNode, SyntaxToken, SyntaxTree};

/// Where a block's statements are: what the `{` belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    Deployment,
    Principal,
    Network,
    Engine { kind: Option<String> },
    Store,
    Access { name: Option<String> },
    Scp,
    Kind,
    Component,
    KindCloud(String),
    K8sRole,
    Unknown,
}

impl Frame {
    pub(crate) fn keywords(&self) -> &'static [&'static str] {
        match self {
            Frame::Deployment => &[
                "clouds",
                "managed_tag",
                "name_prefix",
                "scope",
                "param",
                "external",
                "ack",
            ],
            Frame::Principal => &["aws", "gcp", "azure", "k8s", "ack"],
            Frame::Network => &[
                "cidr", "subnet", "pods", "services", "psc", "master", "ingress", "egress",
                "connect", "ack",
            ],
            Frame::Engine { .. } => &["namespace", "components", "ack"],
            Frame::Store => &["name", "scope", "aws", "ack"],
            Frame::Access { .. } => &[
                "read",
                "write",
                "list",
                "tag",
                "permissions",
                "manage",
                "aws",
                "gcp",
                "azure",
                "k8s",
                "title",
                "description",
                "within",
                "scope",
                "include",
                "if",
                "ack",
            ],
            Frame::Scp => &["aws", "ack"],
            Frame::Kind => &["aws", "gcp", "azure"],
            Frame::Component => &["resource", "aws", "gcp", "azure"],
            Frame::KindCloud(_) => &[
                "services",
                "resources",
                "list",
                "read",
                "write",
                "tag",
                "permissions",
                "data",
                "create",
            ],
            Frame::K8sRole => &["rule"],
            Frame::Unknown => &[],
        }
    }
}

/// The words of tokens, for matching statement shapes: strings read `"`, blocks `C`.
pub(super) fn word<'t>(t: &Token, text: &'t str) -> &'t str {
    match t.kind {
        Tok::Str { .. } => "\"",
        Tok::Cidr => "C",
        _ => t.text(text),
    }
}

pub(super) fn first_on_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].trim().is_empty()
}

/// The block a `{` opens, from the enclosing block and the statement before it.
fn frame_for(parent: Option<&Frame>, stmt: &[&str]) -> Frame {
    match (parent, stmt.first().copied()) {
        (None, Some("deployment")) => Frame::Deployment,
        (None, Some("principal")) => Frame::Principal,
        (None, Some("network")) => Frame::Network,
        (None, Some("engine")) => Frame::Engine {
            kind: stmt.get(3).map(|s| s.to_string()),
        },
        (None, Some("store")) => Frame::Store,
        (None, Some("access")) => Frame::Access {
            name: stmt.get(1).map(|s| s.to_string()),
        },
        // A group's and an `if` block's lines are an access level's grant lines.
        (None, Some("grants")) | (Some(Frame::Access { .. }), Some("if")) => {
            Frame::Access { name: None }
        }
        (None, Some("scp")) => Frame::Scp,
        (None, Some("kind")) => Frame::Kind,
        (None, Some("component")) => Frame::Component,
        (Some(Frame::Access { .. }), Some("k8s")) => Frame::K8sRole,
        (Some(Frame::Kind | Frame::Component), Some(c)) if CLOUDS.contains(&c) => {
            Frame::KindCloud(c.to_string())
        }
        _ => Frame::Unknown,
    }
}

/// The block a `{` opens when only the first word of its statement is known.
pub(crate) fn frame_after_brace(parent: Option<&Frame>, first_word: &str) -> Frame {
    frame_for(parent, &[first_word])
}

/// The tokens completion reads at `offset`, from the tree: comments included, white
/// space not, up to the last one that starts at or before `offset`. They start at the
/// top-level declaration the cursor is in (or the last before it) when pest parsed it
/// and every declaration before it: no block is open there (a parsed declaration's
/// braces pair up) and its keyword starts a statement, so the tokens before it cannot
/// change what [`frames`] reads. From the first stretch pest could not parse (an
/// `ERROR` node, which may leave a block open) on, every token is read.
pub(super) fn tokens_to(tree: &SyntaxTree, offset: usize) -> Vec<Token> {
    let root = tree.root();
    let mut from = 0;
    for (i, e) in root.children_with_tokens().enumerate() {
        match e {
            Element::Token(t) if t.kind().is_trivia() => {}
            Element::Node(n) if n.start() < offset && parsed_declaration(n) => from = i,
            _ => break,
        }
    }
    let mut out = Vec::new();
    for e in root.children_with_tokens().skip(from) {
        let toks: Box<dyn Iterator<Item = SyntaxToken>> = match e {
            Element::Node(n) => Box::new(n.tokens()),
            Element::Token(t) => Box::new(std::iter::once(t)),
        };
        for t in toks {
            if t.start() > offset {
                return out;
            }
            out.extend(t.token());
        }
    }
    out
}

/// A declaration pest parsed, starting with its keyword.
fn parsed_declaration(n: SyntaxNode) -> bool {
    Declaration::cast(n)
        .and_then(|d| d.keyword())
        .is_some_and(|k| crate::DECLARATION_KEYWORDS.contains(&k.text()))
}

/// The frames open at the end of `toks`, and where the current statement starts.
pub(super) fn frames(toks: &[Token], text: &str) -> (Vec<Frame>, usize) {
    let mut stack: Vec<Frame> = Vec::new();
    let mut stmt_start = 0;
    for (i, t) in toks.iter().enumerate() {
        let w = word(t, text);
        match t.kind {
            Tok::Punct('{') => {
                let stmt: Vec<&str> = toks[stmt_start..i].iter().map(|t| word(t, text)).collect();
                let frame = frame_for(stack.last(), &stmt);
                stack.push(frame);
                stmt_start = i + 1;
            }
            Tok::Punct('}') => {
                stack.pop();
                stmt_start = i + 1;
            }
            // `;` may end a statement.
            Tok::Punct(';') => stmt_start = i + 1,
            Tok::Ident => {
                let starts = match stack.last() {
                    None => crate::DECLARATION_KEYWORDS.contains(&w),
                    Some(f) => {
                        f.keywords().contains(&w)
                            && first_on_line(text, t.start)
                            && !continues(toks[..i].last(), text)
                    }
                };
                if starts {
                    stmt_start = i;
                }
            }
            _ => {}
        }
    }
    (stack, stmt_start)
}

/// Whether the token before a line leaves the statement open (`,`, `[`, `=`, `:`).
pub(super) fn continues(prev: Option<&Token>, text: &str) -> bool {
    prev.is_some_and(|t| matches!(t.text(text), "," | "[" | "=" | ":"))
}

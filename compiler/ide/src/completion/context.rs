//! Reading the context of the cursor from the tolerant tokens: the blocks open there
//! (`Frame`) and the words of the statement being written.

use super::CLOUDS;
use crate::lexer::{Tok, Token};

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
            Frame::Store => &["name", "aws", "ack"],
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

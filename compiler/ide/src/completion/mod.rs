//! Completion: keywords where they fit, declared names of the kind a position expects,
//! standard library kinds and components, and catalog names inside strings (`s3:Get`
//! lists the S3 actions that start so).
//!
//! Completion runs on text being typed, which is often not valid. It reads the file's
//! lossless syntax tree (kept by the language server's parse cache, see
//! [`Analysis::tree`]): the tokens of the top-level declaration the cursor is in, or
//! from the first stretch pest could not parse (an `ERROR` node, whose tokens the tree
//! holds too) on. From them it finds the block the cursor is in and the statement it is
//! writing, as the tokens before the cursor show it, so a half-typed statement
//! completes as a whole one does.
//!
//! This file holds the entry [`complete`] and the completions' types; `context` reads
//! the tokens from the tree and the open blocks and the current statement from the
//! tokens, `keywords` completes keywords and declared names, `strings` names inside
//! strings (catalogs, parameters, files).

mod context;
mod keywords;
mod strings;

pub(crate) use context::{frame_after_brace, Frame};

use crate::lexer::{self, Tok, Token};
use crate::Analysis;
use context::{continues, first_on_line, frames, tokens_to, word};
use engc_core::source::{FileId, Span};
use keywords::{in_block, top_level};
use strings::string_completion;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Principal,
    Network,
    Engine,
    Store,
    Access,
    Kind,
    Component,
    Param,
    Cloud,
    Service,
    Action,
    Permission,
    Operation,
    Group,
    Resource,
    Verb,
    Code,
    File,
    ConditionKey,
    Operator,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What replaces `replace`.
    pub insert: String,
    /// The same as a snippet (`$1` tab stops), for clients that take snippets.
    pub snippet: Option<String>,
    /// The text already typed that the completion replaces (may be empty).
    pub replace: Span,
}

const LEVELS: &[&str] = &["list", "read", "write", "tag", "permissions", "manage"];
const CLOUDS: &[&str] = &["aws", "gcp", "azure"];

struct Ctx<'a> {
    a: &'a Analysis,
    file: FileId,
    text: &'a str,
    out: Vec<Completion>,
    replace: Span,
    prefix: String,
}

impl Ctx<'_> {
    fn push(&mut self, label: &str, kind: CompletionKind, detail: Option<String>) {
        self.out.push(Completion {
            label: label.to_string(),
            kind,
            detail,
            documentation: None,
            insert: label.to_string(),
            snippet: None,
            replace: self.replace,
        });
    }
}

pub fn complete(a: &Analysis, file: FileId, offset: usize) -> Vec<Completion> {
    let tree = a.tree(file);
    complete_in(a, file, offset, &tokens_to(&tree, offset))
}

/// Completion at `offset` from `all`, tokens of the file in order (comments, no white
/// space): from the file's start, or from a declaration pest parsed with only parsed
/// declarations before it, through every token that starts at or before `offset`.
fn complete_in(a: &Analysis, file: FileId, offset: usize, all: &[Token]) -> Vec<Completion> {
    let text = a.text(file);
    let mut ctx = Ctx {
        a,
        file,
        text,
        out: Vec::new(),
        replace: Span::new(file, offset, offset),
        prefix: String::new(),
    };
    let mut before_end = offset;
    if let Some(i) = lexer::token_at(all, offset) {
        let t = all[i];
        match t.kind {
            Tok::Comment { .. } if offset > t.start => return Vec::new(),
            Tok::Str { closed } if offset > t.start && (offset < t.end || !closed) => {
                let toks: Vec<Token> = all[..i]
                    .iter()
                    .filter(|t| !t.is_comment())
                    .copied()
                    .collect();
                string_completion(&mut ctx, &toks, t, offset);
                return ctx.out;
            }
            Tok::Ident if offset > t.start => {
                before_end = t.start;
                ctx.prefix = text[t.start..offset].to_string();
                ctx.replace = Span::new(file, t.start, offset);
            }
            Tok::Cidr if offset > t.start => return Vec::new(),
            _ => {}
        }
    }
    let toks: Vec<Token> = all
        .iter()
        .filter(|t| !t.is_comment() && t.end <= before_end)
        .copied()
        .collect();
    let (stack, stmt_start) = frames(&toks, text);
    let stmt: Vec<&str> = toks[stmt_start..].iter().map(|t| word(t, text)).collect();
    let new_line = first_on_line(text, before_end) && !continues(toks.last(), text);
    match stack.last() {
        None => top_level(&mut ctx, &stmt, new_line),
        Some(frame) => {
            let frame = frame.clone();
            if stmt.is_empty() || new_line {
                ctx.keywords(frame.keywords());
            }
            if !stmt.is_empty() {
                in_block(&mut ctx, &frame, &stmt);
            }
        }
    }
    // Nothing typed yet and nothing fits: no list rather than every keyword.
    let prefix = ctx.prefix.clone();
    ctx.out.retain(|c| {
        prefix.is_empty()
            || c.label
                .to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
            || c.insert.starts_with(&prefix)
    });
    ctx.out
}

#[cfg(test)]
mod tests;

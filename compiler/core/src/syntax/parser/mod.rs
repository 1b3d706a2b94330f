//! Source text to the lossless tree, and the tree to the typed AST. pest (the grammar,
//! `grammar/eng.pest`) validates each top-level declaration and drives the tree's
//! [`Builder`]; the AST is then read from the tree alone, by one function per grammar
//! rule that finds the parts of its node by their rule (`Option`s, no positions). Each
//! declaration is parsed on its own so that parsing resumes after a syntax error at the
//! next line that starts a declaration.
//!
//! This file holds the entries [`parse`] and [`parse_full`], the windows a declaration
//! is parsed from and the recovery after a syntax error; `errors` words the error's
//! message and help; `decls` and `access` hold the rule functions.

mod access;
mod decls;
mod errors;
mod fast;
#[cfg(test)]
mod tests;

use super::ast::*;
use super::tokens::{Tok, Tokens};
use super::tree::{Builder, Match, SyntaxNode, SyntaxTree};
use crate::diag::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;
use std::sync::Arc;

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/eng.pest"]
struct EngParser;

type N<'t> = SyntaxNode<'t>;

/// Words that start a top-level declaration: where parsing resumes after an error.
pub const DECLARATION_KEYWORDS: &[&str] = &[
    "use",
    "deployment",
    "principal",
    "network",
    "engine",
    "store",
    "access",
    "grants",
    "scp",
    "kind",
    "component",
    "crd",
    "ack",
];

/// Words the grammar reserves everywhere (besides the declaration keywords): never a
/// name, and never "a misspelling" of another keyword.
pub const RESERVED_WORDS: &[&str] = &[
    "for", "on", "in", "when", "and", "as", "not", "aws", "gcp", "azure", "k8s",
];

/// Parses one file; syntax errors are returned as diagnostics, never as a panic.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let p = parse_full(file, text);
    (p.ast, p.diags)
}

/// A file's parse: the lossless tree, the typed AST and the syntax errors.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub tree: Arc<SyntaxTree>,
    pub ast: File,
    pub diags: Vec<Diagnostic>,
}

/// The lossless tree of a file, the typed AST read from it, and the syntax errors.
pub fn parse_full(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, true)
}

/// [`parse_full`], with or without the fast recognizer in front of pest.
fn parse_with(file: FileId, text: &str, fast: bool) -> Parsed {
    // Bounds pest's work on pathological input.
    pest::set_call_limit(Some(std::num::NonZeroUsize::new(50_000_000).unwrap()));
    let layout = Layout::new(text);
    let (tree, diags) = parse_each(file, text, |pos| {
        // pest only where the fast path declines: its errors are the diagnostics.
        let quick = fast
            .then(|| fast::item(text, pos, layout.last_close))
            .flatten();
        match quick {
            Some((end, matches)) => Ok(Found { end, matches }),
            None => parse_item(text, pos, &layout),
        }
    });
    let ast = lower(file, &tree);
    Parsed {
        tree: Arc::new(tree),
        ast,
        diags,
    }
}

/// For the differential tests and the fuzzer: whether the fast recognizer and pest
/// give the same tree, AST and diagnostics for `text`, and whether the fast one
/// accepted every declaration. `Err` says what differs.
#[doc(hidden)]
pub fn fast_path_agrees(text: &str) -> Result<bool, String> {
    let file = FileId::default();
    let (quick, slow) = (parse_with(file, text, true), parse_with(file, text, false));
    if quick.tree != slow.tree {
        return Err(format!(
            "trees differ:\n--- fast\n{}\n--- pest\n{}",
            quick.tree.debug_dump(),
            slow.tree.debug_dump()
        ));
    }
    let (a, b) = (format!("{:#?}", quick.ast), format!("{:#?}", slow.ast));
    if a != b {
        return Err(format!("ASTs differ:\n{a}\n{b}"));
    }
    if format!("{:?}", quick.diags) != format!("{:?}", slow.diags) {
        return Err(format!(
            "diagnostics differ: {:?} {:?}",
            quick.diags, slow.diags
        ));
    }
    let layout = Layout::new(text);
    let mut pos = 0;
    while pos < text.len() {
        match fast::item(text, pos, layout.last_close) {
            Some((end, m)) if end > 0 && !m.is_empty() => pos += end,
            Some(_) => return Ok(true),
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// The typed AST of a tree: its declarations, in order.
fn lower(file: FileId, tree: &SyntaxTree) -> File {
    let cx = Ctx { file };
    File {
        items: tree
            .root()
            .children()
            .filter_map(|d| cx.declaration(d))
            .collect(),
    }
}

/// The loop over a file's declarations: `next(pos)` parses the declaration at `pos`
/// (from a window, or from the whole rest in the tests that compare the two), which
/// goes into the tree.
fn parse_each(
    file: FileId,
    text: &str,
    next: impl Fn(usize) -> Result<Found, pest::error::Error<Rule>>,
) -> (SyntaxTree, Vec<Diagnostic>) {
    let mut tree = Builder::new(text);
    let mut diags = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        match next(pos) {
            Ok(found) => {
                tree.item(&found.matches);
                let (end, declaration) = (found.end, !found.matches.is_empty());
                // (Defensive: a window holds a declaration's first word, so only the
                // whole rest can end in EOI.)
                if !declaration && pos + end >= text.len() {
                    break;
                }
                if end == 0 {
                    break;
                }
                pos += end;
            }
            Err(e) => {
                let at = pos + error_offset(&e);
                diags.push(errors::syntax_error(file, text, pos, at, &e));
                let resume = resume_point(text, at);
                tree.error(resume.unwrap_or(text.len()));
                match resume {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    (tree.finish(), diags)
}

/// What was parsed at a position: the item's length, and the matches of the
/// declaration (none at the end of the input).
struct Found {
    end: usize,
    matches: Vec<Match>,
}

/// pest's pairs of rule `item` parsed from `base`, as matches.
fn found(pairs: pest::iterators::Pairs<Rule>, base: usize) -> Found {
    fn flatten(p: pest::iterators::Pair<Rule>, base: usize, out: &mut Vec<Match>) {
        let (k, span) = (out.len(), p.as_span());
        out.push(Match {
            rule: p.as_rule(),
            start: base + span.start(),
            end: base + span.end(),
            after: 0,
        });
        for c in p.into_inner() {
            flatten(c, base, out);
        }
        out[k].after = out.len() as u32;
    }
    let mut matches = Vec::new();
    let mut end = 0;
    // (pest's `item` rule always yields one pair.)
    if let Some(item) = pairs.into_iter().next() {
        end = item.as_span().end();
        if let Some(decl) = item
            .into_inner()
            .next()
            .filter(|d| d.as_rule() != Rule::EOI)
        {
            flatten(decl, base, &mut matches);
        }
    }
    Found { end, matches }
}

/// Parses the declaration at `pos` (or the end of the input).
///
/// pest builds each error in time proportional to its whole input (it scans to the end
/// to find the error's line), so parsing `&text[pos..]` made a file with many syntax
/// errors take quadratic time: 10,000 broken lines took half a minute. The declaration
/// is therefore parsed from a window that ends at a later line's first word when that
/// is a declaration keyword, and the result is kept only when the text after the
/// window cannot change it; otherwise the window grows (doubling) up to the whole rest.
/// A result does not depend on the text past the window (which starts with a
/// declaration keyword) when:
/// - it is a declaration followed by nothing but white space and comments up to the
///   window's end: a declaration ends with `}`, a string or a word, and the optional
///   parts that may follow (an engine's `create`/`import`, `on NAME` and `{`, a store's
///   `{`) cannot start with a declaration keyword;
/// - it is an error before the window's end and no block comment is open there: every
///   grammar element that could match a word at the window's end is a named rule, and
///   pest reports the farthest position where a named rule failed, so a failure inside
///   the window means nothing was tried at its end, except the skipping of a block
///   comment, which the second condition rules out.
///
/// A block comment that no `*/` closes anywhere later fails the same way in the window
/// and in the whole text, so it does not count as open.
fn parse_item(text: &str, pos: usize, layout: &Layout) -> Result<Found, pest::error::Error<Rule>> {
    let b = text.as_bytes();
    let closes = |at: usize| layout.closes(at);
    // The window holds at least the declaration's first word, so that an error there
    // reports what pest expected after the white space before it.
    let mut after = trivia_end(text, pos, text.len(), layout);
    loop {
        let cut = layout
            .lines
            .get(layout.lines.partition_point(|&l| l <= after))
            .copied()
            .unwrap_or(text.len());
        let result = EngParser::parse(Rule::item, &text[pos..cut]);
        if cut == text.len() {
            return result.map(|pairs| found(pairs, pos));
        }
        let settled = match &result {
            Ok(pairs) => {
                let end = pos + pairs.peek().map_or(0, |p| p.as_span().end());
                let t = trivia_end(text, end, cut, layout);
                t == cut || (b[t..].starts_with(b"/*") && !closes(t))
            }
            Err(e) => {
                pos + error_offset(e) < cut && !open_comment(text, pos, cut).is_some_and(closes)
            }
        };
        if settled {
            return result.map(|pairs| found(pairs, pos));
        }
        after = cut.max(pos + 2 * (cut - pos));
    }
}

/// What [`parse_item`] needs to know of the whole text, found once per file.
struct Layout {
    /// Where a window may end: the first word of each line whose first word is a
    /// declaration keyword. (Not the line's start: pest's skipping would read the
    /// indentation before it in the whole text.)
    lines: Vec<usize>,
    /// The position of the last `*/`.
    last_close: Option<usize>,
}

impl Layout {
    fn new(text: &str) -> Layout {
        let b = text.as_bytes();
        let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        // Bytes, not chars: the white space and the word are ASCII (one pass per line).
        let lines = crate::byte_search::positions(b, b'\n')
            .map(|i| i + 1)
            .filter_map(|start| {
                let at = start
                    + b[start..]
                        .iter()
                        .take_while(|&&c| matches!(c, b' ' | b'\t'))
                        .count();
                let len = b[at..].iter().take_while(|&&c| ident(c)).count();
                let word = &text[at..at + len];
                // Indented, `ack` and `component` are mostly statements inside a block:
                // a window ending there would only grow.
                let statement = at > start && matches!(word, "ack" | "component");
                (DECLARATION_KEYWORDS.contains(&word) && !statement).then_some(at)
            })
            .collect();
        Layout {
            lines,
            last_close: last_close(b),
        }
    }

    /// Whether a block comment opened at `at` is closed by a `*/` somewhere after it.
    fn closes(&self, at: usize) -> bool {
        self.last_close.is_some_and(|c| c >= at + 2)
    }
}

/// The position of the last `*/` of `b`: `rfind("*/")`, but searching back for `*`
/// eight bytes at a time instead of running a substring searcher over the whole file.
fn last_close(b: &[u8]) -> Option<usize> {
    let mut end = b.len();
    while let Some(i) = crate::byte_search::rfind(&b[..end], b'*') {
        if b.get(i + 1) == Some(&b'/') {
            return Some(i);
        }
        end = i;
    }
    None
}

/// Where the white space and comments that pest skips from `from` end, looking no
/// further than `to`: at `to`, or at the first other token, or at a `/*` whose `*/`
/// is not before `to`. (Tokens, not pest: pest's skipping has no way to stop at `to`.)
fn trivia_end(text: &str, from: usize, to: usize, layout: &Layout) -> usize {
    let mut tokens = Tokens::at(&text[..to], from);
    loop {
        let at = tokens.skip_white();
        // (Reading a comment that never closes would read to the end.)
        if text[at..to].starts_with("/*") && !layout.closes(at) {
            return at;
        }
        match tokens.next() {
            None => return to,
            Some(t) if t.kind == (Tok::Comment { closed: true }) => {}
            Some(t) => return t.start,
        }
    }
}

/// The start of a block comment still open at `to` when the text is read from `from`,
/// the start of a declaration (`/*` inside a string or a line comment starts none).
fn open_comment(text: &str, from: usize, to: usize) -> Option<usize> {
    // An unclosed block comment runs to the end, so it is the last token.
    Tokens::at(&text[..to], from)
        .last()
        .filter(|t| t.kind == (Tok::Comment { closed: false }))
        .map(|t| t.start)
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// The start of the next line after `at` whose first word begins a declaration.
fn resume_point(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text[at..].find('\n')? + at + 1;
    loop {
        let line = &text[line_start..];
        let trimmed = line.trim_start_matches([' ', '\t']);
        let word: &str = trimmed
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if DECLARATION_KEYWORDS.contains(&word) {
            return Some(line_start + (line.len() - trimmed.len()));
        }
        line_start += line.find('\n')? + 1;
    }
}

/// What the rule functions need besides the node: the file the spans are in.
#[derive(Clone, Copy)]
struct Ctx {
    file: FileId,
}

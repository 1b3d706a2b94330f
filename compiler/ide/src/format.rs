//! The formatter (`engc fmt`, and the language server's formatting request). It reads
//! the tokens of [`lexer`](crate::lexer), not the syntax tree, so it formats text with
//! syntax errors too; it never drops, adds, splits or reorders a token and changes only
//! the white space between them (README, "engc fmt", lists the rules):
//!
//! - a statement's line is indented two spaces per enclosing `{`; a line that starts
//!   with `}` like the block's opening line;
//! - inside a `[...]` list that spans lines, each line is indented one level more than
//!   the line with the `[`, and a line that starts with `]` like that line;
//! - a line that continues a statement outside brackets is indented one level more than
//!   the statement, or, after a `,`, aligned with the statement's first argument
//!   (`components karpenter,` / `external_dns`);
//! - a `{` alone on its line joins the line before; a `}` that closes a block opened on
//!   an earlier line starts its own line (what follows it stays with it);
//! - one space between tokens on a line; none before `,` `;` `]` and the `:` of
//!   `store NAME: KIND`, none after `[`; one after `,`; runs of spaces that align a
//!   token with one on the line above or below are kept (columns, trailing comments);
//!   tokens written together (`param.x`, `ForAnyValue:StringLike`) stay together;
//! - runs of blank lines become one, none at the start, exactly one newline at the
//!   end, no trailing spaces; strings and comments are kept byte for byte (a block
//!   comment's inner lines too), and a CRLF file stays CRLF.
//!
//! Where statements start comes from the lossless syntax tree of the input
//! (`engc_core::syntax::tree`, read once into per-token [`roles`]): inside a
//! declaration pest parsed, a line starts a statement when its first token starts a
//! statement node, a comment between the tokens of one statement is indented as its
//! continuation, and a declaration after a broken one starts at the margin. In text
//! pest could not parse, statement lines are found as completion finds them: a word
//! that starts a statement of the enclosing block ([`Frame::keywords`]) after a
//! complete line.

use crate::completion::{frame_after_brace, Frame};
use crate::lexer::{self, Tok, Token};
use engc_core::source::FileId;
use engc_core::syntax::tree::SyntaxTree;
use roles::Role;

mod roles;

const INDENT: usize = 2;

/// `text` in the canonical layout (the text itself when it is already formatted).
pub fn format(text: &str) -> String {
    try_format(text).unwrap_or_else(|_| text.to_string())
}

/// The canonical layout, or why the formatter gave up (a bug: it would have changed a
/// token, or not settled). [`format`] then keeps the text as it is.
pub fn try_format(text: &str) -> Result<String, String> {
    try_format_with(text, None)
}

/// [`format`] reading `tree`, the lossless tree of `text` the caller holds (the
/// language server's), instead of parsing the text again.
pub fn format_with(text: &str, tree: &SyntaxTree) -> String {
    try_format_with(text, Some(tree)).unwrap_or_else(|_| text.to_string())
}

fn try_format_with(text: &str, tree: Option<&SyntaxTree>) -> Result<String, String> {
    let crlf = text.contains("\r\n");
    let lf = if crlf {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    };
    // Keeping an alignment depends on the neighbouring lines, which one pass may change:
    // passes repeat until nothing changes (each can only narrow gaps, so they end).
    // A tree of the CRLF text is not that of the text formatted (LF line ends).
    let parsed;
    let tree = match tree.filter(|t| t.source() == lf) {
        Some(t) => t,
        None => {
            parsed = engc_core::syntax::parse_full(FileId::default(), &lf).tree;
            &parsed
        }
    };
    let roles = roles::roles(tree);
    let mut out = pass(&lf, &roles);
    let mut settled = false;
    for _ in 0..16 {
        let next = pass(&out, &roles);
        if next == out {
            settled = true;
            break;
        }
        out = next;
    }
    if !settled {
        return Err("the layout did not settle".into());
    }
    if words(&out) != words(&lf) {
        return Err("formatting would change a token".into());
    }
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    Ok(out)
}

/// What a source builds to: its diagnostics' codes in order and, when it has no error,
/// every document (path and text) of every target. Formatting must not change it: the
/// formatter's tests and fuzz target compare it before and after.
pub fn build_outcome(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    use engc_core::backend::{emit, Target};
    let c = engc_core::compile_str("f.eng", text, &engc_core::Options::default());
    let codes = c
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    let files = match &c.model {
        Some(m) if !c.has_errors() => emit(m, &Target::ALL.into_iter().collect())
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect(),
        _ => Vec::new(),
    };
    (codes, files)
}

/// The tokens' texts (what formatting must keep; of any text, the output's too).
pub fn words(s: &str) -> Vec<&str> {
    lexer::tokenize(s).iter().map(|t| t.text(s)).collect()
}

/// One output line: its tokens (indices), and whether a blank line comes before it.
struct Line {
    toks: Vec<usize>,
    blank_before: bool,
}

fn pass(text: &str, roles: &[Option<Role>]) -> String {
    // A pass after the first reads its own output, which no tree holds.
    let tokens = lexer::tokenize(text);
    // (The same tokens as the tree's, in every pass; without roles the layout is found
    // from the keywords alone.)
    let none = vec![None; tokens.len()];
    let roles = if roles.len() == tokens.len() {
        roles
    } else {
        &none
    };
    let lines = split_lines(text, &tokens);
    let cols = Columns::new(text, &tokens);
    render(text, &tokens, &lines, &cols, roles)
}

/// The tokens by output line: the source's lines, but with a lone `{` joined to the
/// line before and a `}` of a block opened on an earlier line moved to its own line.
fn split_lines(text: &str, tokens: &[Token]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut braces: Vec<usize> = Vec::new();
    let mut brackets = 0usize;
    for (k, t) in tokens.iter().enumerate() {
        let gap = &text[if k == 0 { 0 } else { tokens[k - 1].end }..t.start];
        let newlines = gap.matches('\n').count();
        let mut new_line = k == 0 || newlines > 0;
        if new_line
            && k > 0
            && t.is_punct('{')
            && brackets == 0
            && !tokens[k - 1].is_comment()
            // An unclosed string runs to its line's end: a `{` joined after it would
            // become part of the string.
            && !matches!(tokens[k - 1].kind, Tok::Str { closed: false })
            && ends_line(text, tokens, k)
        {
            new_line = false;
        }
        let last = lines.len().wrapping_sub(1);
        if !new_line && t.is_punct('}') && braces.last().is_some_and(|&l| l != last) {
            new_line = true;
        }
        if new_line {
            lines.push(Line {
                toks: Vec::new(),
                blank_before: k > 0 && newlines >= 2,
            });
        }
        let at = lines.len() - 1;
        lines[at].toks.push(k);
        match t.kind {
            Tok::Punct('{') => braces.push(at),
            Tok::Punct('}') => {
                braces.pop();
                brackets = 0;
            }
            Tok::Punct('[') => brackets += 1,
            Tok::Punct(']') => brackets = brackets.saturating_sub(1),
            _ => {}
        }
    }
    lines
}

/// Whether token `k` is the last on its line, a comment aside.
fn ends_line(text: &str, tokens: &[Token], k: usize) -> bool {
    let breaks = |i: usize| {
        tokens
            .get(i + 1)
            .is_none_or(|n| text[tokens[i].end..n.start].contains('\n'))
    };
    breaks(k) || (tokens[k + 1].is_comment() && breaks(k + 1))
}

/// Where each token starts on its source line, counted in characters from the line's
/// first token: two tokens on neighbouring lines at the same count are aligned.
struct Columns {
    /// Per token: its source line and its column.
    at: Vec<(usize, usize)>,
    /// Per source line (that has a token starting on it): the columns of its tokens.
    lines: std::collections::HashMap<usize, Vec<usize>>,
}

impl Columns {
    fn new(text: &str, tokens: &[Token]) -> Columns {
        let mut at = Vec::with_capacity(tokens.len());
        let mut lines: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        // (Counted on from the previous token: long lines stay linear.)
        let (mut line, mut from, mut col) = (0, 0, 0);
        for (k, t) in tokens.iter().enumerate() {
            let newlines = text[from..t.start].matches('\n').count();
            if k == 0 || newlines > 0 {
                line += newlines;
                col = 0;
            } else {
                col += text[from..t.start].chars().count();
            }
            at.push((line, col));
            lines.entry(line).or_default().push(col);
            from = t.start;
        }
        Columns { at, lines }
    }

    fn aligned(&self, k: usize) -> bool {
        let (line, col) = self.at[k];
        [line.wrapping_sub(1), line + 1].iter().any(|l| {
            self.lines
                .get(l)
                .is_some_and(|cols| cols.binary_search(&col).is_ok())
        })
    }
}

/// What the statement being written is, as far as the layout needs it.
#[derive(Default)]
struct Stmt<'t> {
    /// Its first word, once there is one.
    first: Option<&'t str>,
    /// Its line's indent.
    indent: usize,
    /// The column where the list on its first line starts, if there is one.
    arg_col: Option<usize>,
    /// How many tokens of it are written (comments aside).
    count: usize,
    /// Whether the line being written is its first.
    line: bool,
}

fn render(
    text: &str,
    tokens: &[Token],
    lines: &[Line],
    cols: &Columns,
    roles: &[Option<Role>],
) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut stack: Vec<Frame> = Vec::new();
    // Per open `[`: the indent of the lines of its items, and of a line that starts
    // with its `]`.
    let mut brackets: Vec<(usize, usize)> = Vec::new();
    let mut stmt = Stmt::default();
    let mut prev: Option<Token> = None;
    let keywords = |stack: &[Frame], w: &str| match stack.last() {
        None => crate::DECLARATION_KEYWORDS.contains(&w),
        Some(f) => f.keywords().contains(&w),
    };
    for line in lines {
        let first = tokens[line.toks[0]];
        if line.blank_before && !out.is_empty() {
            out.push('\n');
        }
        if roles[line.toks[0]] == Some(Role::Declares) {
            stack.clear();
            brackets.clear();
            stmt = Stmt::default();
            prev = None;
        }
        let depth = stack.len();
        let goes_on = continues(prev, text);
        let cont = || match prev {
            Some(p) if p.is_punct(',') => stmt.arg_col.unwrap_or(stmt.indent + INDENT),
            _ => stmt.indent + INDENT,
        };
        let indent = if first.is_punct('}') {
            depth.saturating_sub(1) * INDENT
        } else if let Some(&(items, close)) = brackets.last() {
            if first.is_punct(']') {
                close
            } else {
                items
            }
        } else if first.is_comment() {
            if goes_on || roles[line.toks[0]] == Some(Role::Inside) {
                cont()
            } else {
                depth * INDENT
            }
        } else if match roles[line.toks[0]] {
            Some(role) => role != Role::Inside,
            None => {
                !goes_on
                    && (stmt.first.is_none()
                        || (first.kind == Tok::Ident && keywords(&stack, first.text(text))))
            }
        } {
            depth * INDENT
        } else {
            cont()
        };
        // This line's tokens and their columns; whether it is its statement's first.
        let mut seen: Vec<(Token, usize)> = Vec::new();
        stmt.line = false;
        out.extend(std::iter::repeat_n(' ', indent));
        // The output column, counted as the line is written.
        let mut cur = indent;
        for (j, &k) in line.toks.iter().enumerate() {
            let t = tokens[k];
            if j > 0 {
                let a = tokens[line.toks[j - 1]];
                let g = gap(text, a, t, k, &stmt, cols);
                out.push_str(g);
                cur += g.len();
            }
            let col = cur;
            cur += t.text(text).chars().count();
            out.push_str(t.text(text));
            if t.is_comment() {
                continue;
            }
            // Where the list of the statement's first line starts: its element before
            // the first `,` (`a` of `param a = "x",`), for the lines that continue it.
            if t.is_punct(',') && stmt.arg_col.is_none() && stmt.line && brackets.is_empty() {
                let n = seen.len();
                stmt.arg_col = match seen.as_slice() {
                    [.., (name, _), (eq, _), _] if eq.is_punct('=') && name.kind == Tok::Ident => {
                        Some(seen[n - 3].1)
                    }
                    [.., (_, c)] => Some(*c),
                    [] => None,
                };
            }
            seen.push((t, col));
            match t.kind {
                Tok::Punct('{') => {
                    stack.push(frame_after_brace(stack.last(), stmt.first.unwrap_or("")));
                    stmt = Stmt::default();
                    prev = None;
                    continue;
                }
                Tok::Punct('}') => {
                    stack.pop();
                    brackets.clear();
                    stmt = Stmt::default();
                    prev = None;
                    continue;
                }
                Tok::Punct(';') => {
                    stmt = Stmt::default();
                    prev = None;
                    continue;
                }
                Tok::Punct('[') => {
                    // Items on the lines after a `[` that ends its line are indented one
                    // level; after a `[` followed by an item, aligned with that item.
                    let rest = &line.toks[j + 1..];
                    let ends = rest.is_empty() || (rest.len() == 1 && tokens[rest[0]].is_comment());
                    brackets.push(if ends {
                        (indent + INDENT, indent)
                    } else {
                        (col + 1, col)
                    });
                }
                Tok::Punct(']') => {
                    brackets.pop();
                }
                _ => {}
            }
            let starts = stmt.first.is_none()
                || match roles[k] {
                    Some(role) => role != Role::Inside,
                    None => {
                        j == 0
                            && brackets.is_empty()
                            && t.kind == Tok::Ident
                            && prev.is_none_or(|p| !continues(Some(p), text))
                            && keywords(&stack, t.text(text))
                    }
                };
            if starts && t.kind == Tok::Ident {
                stmt = Stmt {
                    first: Some(t.text(text)),
                    indent,
                    arg_col: None,
                    count: 0,
                    line: true,
                };
            }
            stmt.count += 1;
            prev = Some(t);
        }
        out.push('\n');
    }
    out
}

/// The white space between `a` and `b` (token `k`) on one output line.
fn gap<'t>(text: &'t str, a: Token, b: Token, k: usize, stmt: &Stmt, cols: &Columns) -> &'t str {
    let src = &text[a.end..b.start];
    // `store NAME: KIND` and `engine NAME: KIND`: no other `:` stands alone.
    let decl_colon = |t: Token, n: usize| {
        t.is_punct(':') && stmt.count == n && matches!(stmt.first, Some("store" | "engine"))
    };
    if src.contains('\n') {
        // A `{` joined to the line before.
        return " ";
    }
    if b.is_comment() {
        return if src.is_empty() || !aligned_run(src, k, cols) {
            " "
        } else {
            src
        };
    }
    if b.is_punct(',') || b.is_punct(';') || b.is_punct(']') || a.is_punct('[') {
        return "";
    }
    if decl_colon(b, 2) && a.kind == Tok::Ident && !next_is(text, b, ':') {
        return "";
    }
    if a.is_punct('{') && b.is_punct('}') {
        return "";
    }
    if a.is_punct(',') || a.is_punct('{') || b.is_punct('{') || b.is_punct('}') {
        return " ";
    }
    if decl_colon(a, 3) {
        return " ";
    }
    if src.is_empty() {
        return "";
    }
    if aligned_run(src, k, cols) {
        return src;
    }
    " "
}

fn aligned_run(src: &str, k: usize, cols: &Columns) -> bool {
    src.len() >= 2 && src.bytes().all(|c| c == b' ') && cols.aligned(k)
}

fn next_is(text: &str, t: Token, c: char) -> bool {
    text[t.end..].starts_with(c)
}

fn continues(prev: Option<Token>, text: &str) -> bool {
    prev.is_some_and(|t| matches!(t.text(text), "," | "[" | "=" | ":"))
}

#[cfg(test)]
mod tests;

//! Formatting: a conservative re-indenter. It changes white space at the start and end
//! of lines only, never a token or the spacing between tokens on a line (people align
//! columns in `.eng` files on purpose), so the tokens of its output are exactly those of
//! its input and formatting twice changes nothing.
//!
//! - a line that starts a statement is indented two spaces per enclosing `{`;
//! - a line that starts with `}` is indented like the block's opening line;
//! - a line that continues a statement (inside `[...]`, after `,` or `=`, or starting
//!   with a word that cannot start a statement there) keeps its offset from the
//!   statement's first line, so aligned continuations stay aligned;
//! - lines inside a `/* ... */` comment are kept as written;
//! - trailing white space is removed, runs of blank lines become one, and the file
//!   ends with exactly one newline.

use crate::completion::{frame_after_brace, Frame};
use crate::lexer::{self, Tok, Token};

const INDENT: usize = 2;

pub fn format(text: &str) -> String {
    let tokens = lexer::tokenize(text);
    // Line starts.
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let mut out = String::with_capacity(text.len() + 64);
    let mut stack: Vec<Frame> = Vec::new();
    let mut brackets = 0usize;
    let mut stmt_first: Option<&str> = None;
    let mut prev: Option<Token> = None;
    // (old indent, new indent) of the current statement's first line.
    let mut stmt_indent: (usize, usize) = (0, 0);
    let mut ti = 0;
    let mut blank_run = 0;
    let crlf = text.contains("\r\n");
    for (li, &ls) in starts.iter().enumerate() {
        let le = starts.get(li + 1).map_or(text.len(), |&n| n - 1).max(ls);
        if ls > text.len() || (ls == text.len() && li > 0) {
            break;
        }
        let line = &text[ls..le];
        // A block comment that started on an earlier line and goes on here.
        let inside_comment = ti > 0
            && tokens[ti - 1].is_comment()
            && tokens[ti - 1].start < ls
            && tokens[ti - 1].end > ls;
        let first_ti = ti;
        while ti < tokens.len() && tokens[ti].start < le {
            ti += 1;
        }
        let line_tokens = &tokens[first_ti..ti];
        let trimmed = line.trim_start_matches([' ', '\t']);
        // Trailing spaces are the lexer's trivia (a token never ends in them, see
        // `lexer::line_end`), except inside a block comment that goes on below.
        let comment_goes_on = line_tokens
            .last()
            .is_some_and(|t| t.is_comment() && t.end > le);
        let body = if comment_goes_on {
            trimmed.strip_suffix('\r').unwrap_or(trimmed)
        } else {
            trimmed.trim_end_matches([' ', '\t', '\r'])
        };
        if inside_comment {
            // Inside a block comment, only the line end is the formatter's.
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
            out.push('\n');
            blank_run = 0;
        } else if body.is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        } else {
            blank_run = 0;
            let old_indent = line.len() - trimmed.len();
            let old_indent_cols: usize = line[..old_indent]
                .chars()
                .map(|c| if c == '\t' { INDENT } else { 1 })
                .sum();
            let depth = stack.len();
            let indent = match line_tokens.first().copied() {
                Some(t) if t.is_punct('}') => {
                    stmt_first = None;
                    depth.saturating_sub(1) * INDENT
                }
                Some(t) if t.is_comment() => {
                    if brackets > 0 || continues(prev, text) {
                        shifted(old_indent_cols, stmt_indent)
                    } else {
                        depth * INDENT
                    }
                }
                Some(t) => {
                    let w = t.text(text);
                    let starts_stmt = brackets == 0
                        && !continues(prev, text)
                        && (stmt_first.is_none()
                            || match stack.last() {
                                None => crate::DECLARATION_KEYWORDS.contains(&w),
                                Some(f) => f.keywords().contains(&w),
                            });
                    if starts_stmt {
                        stmt_indent = (old_indent_cols, depth * INDENT);
                        depth * INDENT
                    } else {
                        shifted(old_indent_cols, stmt_indent)
                    }
                }
                None => depth * INDENT,
            };
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(body);
            out.push('\n');
        }
        // Walk the line's tokens to update the block structure.
        for (k, t) in line_tokens.iter().enumerate() {
            if t.is_comment() {
                continue;
            }
            match t.kind {
                Tok::Punct('{') => {
                    let first_word = stmt_first.unwrap_or("");
                    stack.push(frame_after_brace(stack.last(), first_word));
                    stmt_first = None;
                    // The first statement of the block starts fresh.
                    prev = None;
                    continue;
                }
                Tok::Punct('}') => {
                    stack.pop();
                    stmt_first = None;
                    brackets = 0;
                    prev = None;
                    continue;
                }
                Tok::Punct('[') => brackets += 1,
                Tok::Punct(']') => brackets = brackets.saturating_sub(1),
                _ => {}
            }
            let is_start = stmt_first.is_none()
                || (k == 0
                    && brackets == 0
                    && t.kind == Tok::Ident
                    && match stack.last() {
                        None => crate::DECLARATION_KEYWORDS.contains(&t.text(text)),
                        Some(f) => f.keywords().contains(&t.text(text)),
                    });
            if is_start && t.kind == Tok::Ident {
                stmt_first = Some(t.text(text));
            }
            prev = Some(*t);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    out
}

/// A continuation line's indent: its old one moved as its statement's first line moved.
fn shifted(old: usize, (stmt_old, stmt_new): (usize, usize)) -> usize {
    (old + stmt_new).saturating_sub(stmt_old)
}

fn continues(prev: Option<Token>, text: &str) -> bool {
    prev.is_some_and(|t| matches!(t.text(text), "," | "[" | "=" | ":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        lexer::tokenize(s)
            .iter()
            .map(|t| t.text(s).to_string())
            .collect()
    }

    #[test]
    fn reindents_blocks_and_keeps_alignment() {
        let src = "deployment d {\n      clouds aws\n   param a,\n         b\n}\n\n\n\nstore s: s3   \n access x for p scoped {\n\tread store s\n    aws allow [\n        \"s3:GetObject\",\n      \"s3:PutObject\"\n    ] on \"*\"\n  k8s role \"r\" in \"n\" {\n rule groups [\"\"] resources [\"pods\"]\n     verbs [\"get\"]\n }\n}";
        let want = "deployment d {\n  clouds aws\n  param a,\n        b\n}\n\nstore s: s3\naccess x for p scoped {\n  read store s\n  aws allow [\n      \"s3:GetObject\",\n    \"s3:PutObject\"\n  ] on \"*\"\n  k8s role \"r\" in \"n\" {\n    rule groups [\"\"] resources [\"pods\"]\n        verbs [\"get\"]\n  }\n}\n";
        let got = format(src);
        assert_eq!(got, want);
        assert_eq!(format(&got), got);
        assert_eq!(words(&got), words(src));
    }

    #[test]
    fn comments_are_kept() {
        let src = "/* a\n      b */\nnetwork n {\n// c\n    cidr 10.0.0.0/16 // d\n}\n";
        let got = format(src);
        assert_eq!(
            got,
            "/* a\n      b */\nnetwork n {\n  // c\n  cidr 10.0.0.0/16 // d\n}\n"
        );
        assert_eq!(format(""), "");
        assert_eq!(format("\n\n"), "");
    }

    #[test]
    fn the_shipped_files_are_formatted() {
        for (name, text) in engc_core::stdlib::FILES {
            assert_eq!(format(text), *text, "{name}");
        }
    }

    /// Tokens as written, line ends aside (the formatter keeps the file's style).
    fn words_lf(s: &str) -> Vec<String> {
        words(s).into_iter().map(|w| w.replace('\r', "")).collect()
    }

    /// Inputs the fuzzer (fuzz/fuzz_targets/ide.rs) found: formatting changed a token
    /// (trailing white space inside an unclosed string or comment, a vertical tab
    /// trimmed as white space, the final newline inside an unclosed block comment).
    #[test]
    fn fuzz_regressions() {
        for input in [
            "\x0b",
            "/*",
            "/i/*\"\x01\u{fffd}sc",
            "id: /*\" \x01 \u{fffd}sc",
            "principal p { aws role \"arn:aws   \n}\n",
            "// note   \r\ndeployment d {\r\n  clouds aws\t \r\n}\r\n",
            "/* a   \n   b */\n",
            "x \"] as \n}\n",
        ] {
            let once = format(input);
            assert_eq!(format(&once), once, "{input:?}");
            assert_eq!(words_lf(&once), words_lf(input), "{input:?} -> {once:?}");
        }
    }
}

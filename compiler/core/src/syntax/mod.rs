//! Source text to the typed syntax tree.

pub mod ast;
pub mod nodes;
pub mod parser;
pub mod reparse;
pub mod shift;
pub mod tokens;
pub mod tree;
#[cfg(test)]
mod tree_tests;

pub use parser::{parse, parse_full, Parsed};

/// A string literal's text between its quotes with its escapes read: `\n`, `\t`, and
/// `\` before any other character stands for that character (`\"`, `\\`).
pub fn unescape(inner: &str) -> String {
    // Most strings hold no escape: one copy.
    if !inner.contains('\\') {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

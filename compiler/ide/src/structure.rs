//! The shape of a file, for the editor's structural features: links on `use` paths,
//! folding ranges (blocks and comment runs), selection ranges (from the token at the
//! cursor out to the whole file), and workspace symbols.

use crate::lexer::{self, Tok};
use crate::symbols::Symbol;
use crate::Analysis;
use engc_core::source::{FileId, Span};
use engc_core::syntax::ast::Item;
use engc_core::syntax::tree::TokenKind;

/// A `use` path and the file it loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub span: Span,
    pub target: FileId,
}

/// A range the editor may fold: byte offsets; the editor folds whole lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start: usize,
    pub end: usize,
    pub comment: bool,
}

impl Analysis {
    /// Every `use "..."` of `file` whose file was loaded.
    pub fn document_links(&self, file: FileId) -> Vec<Link> {
        let Some(ast) = self.ast(file) else {
            return Vec::new();
        };
        ast.items
            .iter()
            .filter_map(|item| match item {
                Item::Use(s) => self.resolve_use(file, &s.node).map(|target| Link {
                    span: s.span,
                    target,
                }),
                _ => None,
            })
            .collect()
    }

    /// Declarations and their blocks that span lines, and runs of two or more comment
    /// lines (or a block comment over several lines).
    pub fn folding_ranges(&self, file: FileId) -> Vec<Fold> {
        let text = self.text(file);
        let multiline = |s: usize, e: usize| text[s..e].contains('\n');
        let mut out = Vec::new();
        fn walk(syms: &[Symbol], out: &mut Vec<Fold>, multiline: &dyn Fn(usize, usize) -> bool) {
            for s in syms {
                let (start, end) = (s.span.start as usize, s.span.end as usize);
                if multiline(start, end) {
                    out.push(Fold {
                        start,
                        end,
                        comment: false,
                    });
                }
                walk(&s.children, out, multiline);
            }
        }
        walk(&self.symbols(file), &mut out, &multiline);
        let mut run: Option<(usize, usize, usize)> = None; // start, end, lines
        for t in lexer::tokenize(text) {
            if !t.is_comment() {
                if let Some((s, e, n)) = run.take() {
                    if n > 1 || multiline(s, e) {
                        out.push(Fold {
                            start: s,
                            end: e,
                            comment: true,
                        });
                    }
                }
                continue;
            }
            // A comment continues the run when only white space and one line break
            // separate it from the previous one.
            run = match run {
                Some((s, e, n))
                    if text[e..t.start].trim().is_empty()
                        && text[e..t.start].matches('\n').count() == 1 =>
                {
                    Some((s, t.end, n + 1))
                }
                Some((s, e, n)) => {
                    if n > 1 || multiline(s, e) {
                        out.push(Fold {
                            start: s,
                            end: e,
                            comment: true,
                        });
                    }
                    Some((t.start, t.end, 1))
                }
                None => Some((t.start, t.end, 1)),
            };
        }
        if let Some((s, e, n)) = run {
            if n > 1 || multiline(s, e) {
                out.push(Fold {
                    start: s,
                    end: e,
                    comment: true,
                });
            }
        }
        out.sort_by_key(|f| (f.start, f.end));
        out.dedup();
        out
    }

    /// The ranges around `offset`, innermost first, each containing the one before:
    /// the token, then each node of the syntax tree that holds it (a list, a statement,
    /// a block) and each declaration part of the outline, then the whole file.
    pub fn selection_ranges(&self, file: FileId, offset: usize) -> Vec<Span> {
        let text = self.text(file);
        let offset = crate::clamp(text, offset);
        let tree = self.tree(file);
        // Candidates, each containing `offset`; sorted by size, those that do not
        // contain the one before are left out.
        let mut around: Vec<(usize, usize)> = Vec::new();
        // The token at `offset` (the one that ends there, if two touch).
        let token = tree
            .root()
            .tokens()
            .filter(|t| t.kind() != TokenKind::White)
            .find(|t| t.end() >= offset)
            .filter(|t| t.start() <= offset);
        if let Some(t) = token {
            // Inside a string, its contents first, then the string with its quotes.
            if t.kind() == TokenKind::Tok(Tok::Str { closed: true }) && t.end() - t.start() > 2 {
                around.push((t.start() + 1, t.end() - 1));
            }
            around.push((t.start(), t.end()));
        }
        let (from, to) = token.map_or((offset, offset), |t| (t.start(), t.end()));
        let mut node = tree.root();
        while let Some(c) = node
            .children()
            .find(|c| c.start() <= from && to <= c.end() && c.start() < c.end())
        {
            around.push((c.start(), c.end()));
            node = c;
        }
        let mut level: Vec<Symbol> = self.symbols(file);
        while let Some(s) = level
            .iter()
            .find(|s| crate::within(s.span, offset))
            .cloned()
        {
            around.push((s.span.start as usize, s.span.end as usize));
            level = s.children;
        }
        around.push((0, text.len()));
        around.sort_by_key(|&(s, e)| (e - s, std::cmp::Reverse(s)));
        let mut out: Vec<Span> = Vec::new();
        for (s, e) in around {
            let grows = out.last().is_none_or(|l| {
                s <= l.start as usize
                    && l.end as usize <= e
                    && (s, e) != (l.start as usize, l.end as usize)
            });
            if grows {
                out.push(Span::new(file, s, e));
            }
        }
        out
    }

    /// The user's declarations (not the standard library's) whose name matches
    /// `query`: its characters in order, ignoring case (`opr` finds `operate`).
    pub fn workspace_symbols(&self, query: &str) -> Vec<(Symbol, Option<String>)> {
        let mut out = Vec::new();
        for (file, _) in &self.comp.files {
            for s in self.symbols(*file) {
                let container = Some(s.name.clone());
                if fuzzy(query, &s.name) {
                    out.push((strip(&s), None));
                }
                for c in &s.children {
                    if fuzzy(query, &c.name) {
                        out.push((strip(c), container.clone()));
                    }
                }
            }
        }
        out
    }
}

/// A symbol without its children (a workspace symbol is flat).
fn strip(s: &Symbol) -> Symbol {
    Symbol {
        children: Vec::new(),
        ..s.clone()
    }
}

/// The characters of `query` appear in `name` in order, ignoring ASCII case.
pub fn fuzzy(query: &str, name: &str) -> bool {
    let mut name = name.chars().map(|c| c.to_ascii_lowercase());
    query
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .all(|q| name.any(|n| n == q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_characters_in_order() {
        assert!(fuzzy("", "operate"));
        assert!(fuzzy("opr", "operate"));
        assert!(fuzzy("OPR", "operate"));
        assert!(!fuzzy("rpo", "operate"));
        assert!(!fuzzy("operatex", "operate"));
    }
}

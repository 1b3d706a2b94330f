//! The shape of a file, for the editor's structural features: links on `use` paths,
//! folding ranges (blocks and comment runs), selection ranges (from the token at the
//! cursor out to the whole file), and workspace symbols. Links, folding and selection
//! read the file's lossless tree (its nodes and tokens, those of text pest could not
//! parse included); workspace symbols the outline.

use crate::lexer::Tok;
use crate::symbols::Symbol;
use crate::Analysis;
use engc_core::source::{FileId, Span};
use engc_core::syntax::nodes::{AstNode, Use};
use engc_core::syntax::tree::{NodeKind, SyntaxNode, TokenKind};

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
    /// Every `use "..."` of `file` whose file was loaded: the path's string.
    pub fn document_links(&self, file: FileId) -> Vec<Link> {
        let tree = self.tree(file);
        tree.root()
            .children()
            .filter_map(Use::cast)
            .filter_map(|u| {
                let path = u.path()?;
                let target = self.resolve_use(file, &path.value()?)?;
                let s = path.syntax();
                Some(Link {
                    span: Span::new(file, s.start(), s.end()),
                    target,
                })
            })
            .collect()
    }

    /// Declarations, stretches pest could not parse and the statements of blocks that
    /// span lines (a subnet, a grant, a Kubernetes role and its rules), and runs of two
    /// or more comment lines (or a block comment over several lines).
    pub fn folding_ranges(&self, file: FileId) -> Vec<Fold> {
        let text = self.text(file);
        let tree = self.tree(file);
        let multiline = |s: usize, e: usize| text[s..e].contains('\n');
        let mut out = Vec::new();
        fn walk(n: SyntaxNode, out: &mut Vec<Fold>, multiline: &dyn Fn(usize, usize) -> bool) {
            // The statements of a block: the nodes after its `{` (all, at the top).
            let open = match n.kind() {
                NodeKind::Root => 0,
                _ => n
                    .child_tokens()
                    .find(|t| t.kind() == TokenKind::Tok(Tok::Punct('{')))
                    .map_or(usize::MAX, |t| t.end()),
            };
            for c in n.children().filter(|c| c.start() >= open) {
                if multiline(c.start(), c.end()) {
                    out.push(Fold {
                        start: c.start(),
                        end: c.end(),
                        comment: false,
                    });
                }
                walk(c, out, multiline);
            }
        }
        walk(tree.root(), &mut out, &multiline);
        let mut run: Option<(usize, usize, usize)> = None; // start, end, lines
        for t in tree.root().tokens().filter_map(|t| t.token()) {
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
    use engc_core::{compile_str, Options};

    fn analysis(text: &str) -> (Analysis, FileId) {
        let a = Analysis::new(
            compile_str("t.eng", text, &Options::default()),
            Options::default(),
        );
        let file = a.comp.files[0].0;
        (a, file)
    }

    fn line(text: &str, at: usize) -> usize {
        text[..at].matches('\n').count()
    }

    /// Every block the outline's symbols fold (what folding read before the tree) is
    /// folded on the same lines from the tree's nodes.
    #[test]
    fn the_tree_folds_every_block_of_the_outline() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut checked = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_none_or(|x| x != "eng") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let (a, file) = analysis(&text);
            let folds: Vec<(usize, usize)> = a
                .folding_ranges(file)
                .iter()
                .filter(|f| !f.comment)
                .map(|f| (line(&text, f.start), line(&text, f.end)))
                .collect();
            fn walk(syms: &[Symbol], out: &mut Vec<Span>) {
                for s in syms {
                    out.push(s.span);
                    walk(&s.children, out);
                }
            }
            let mut spans = Vec::new();
            walk(&a.symbols(file), &mut spans);
            for s in spans {
                let (start, end) = (s.start as usize, s.end as usize);
                if line(&text, start) < line(&text, end) {
                    let l = (line(&text, start), line(&text, end));
                    assert!(folds.contains(&l), "{path:?}: {l:?} not in {folds:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "{checked}");
    }

    /// A block with a syntax error folds as a whole (its `ERROR` node), and the blocks
    /// and comment runs around it fold as in a file without the error.
    #[test]
    fn folds_around_a_broken_block() {
        let text = "// one\n// two\nstore data: bucket\naccess broken scoped {\n  read store data ,,, {\n  aws allow [\"s3:GetObject\"]\n}\n\naccess ok scoped {\n  read store data\n  k8s role \"r\" in \"n\" {\n    rule groups [\"\"]\n      resources [\"pods\"] verbs [\"get\"]\n  }\n}\n";
        let (a, file) = analysis(text);
        assert!(a.comp.diagnostics.iter().any(|d| d.is_error()));
        let folds: Vec<(usize, usize, bool)> = a
            .folding_ranges(file)
            .iter()
            .map(|f| (line(text, f.start), line(text, f.end), f.comment))
            .collect();
        assert_eq!(
            folds,
            vec![
                (0, 1, true),    // the comments
                (3, 6, false),   // the broken level
                (8, 14, false),  // `access ok`
                (10, 13, false), // its role
                (11, 12, false), // the rule over two lines
            ]
        );
    }

    #[test]
    fn links_read_the_tree_and_skip_unloaded_files() {
        let dir = std::env::temp_dir().join(format!("engc-ide-links-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("shared.eng"), "store extra: bucket\n").unwrap();
        let path = dir.join("main.eng");
        let text = "use \"shared.eng\"\nuse \"missing.eng\"\nstore s: bucket\n";
        std::fs::write(&path, text).unwrap();
        let input = engc_core::Input {
            name: "main.eng".into(),
            path: Some(path.clone()),
            bytes: text.as_bytes().to_vec(),
        };
        let c = engc_core::compile(
            vec![input],
            &engc_core::loader::DiskLoader,
            &Options::default(),
        );
        let a = Analysis::new(c, Options::default());
        let file = a.comp.files[0].0;
        let links = a.document_links(file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!((links[0].span.start, links[0].span.end), (4, 16));
        assert_eq!(a.text(links[0].target), "store extra: bucket\n");
    }

    #[test]
    fn fuzzy_matches_characters_in_order() {
        assert!(fuzzy("", "operate"));
        assert!(fuzzy("opr", "operate"));
        assert!(fuzzy("OPR", "operate"));
        assert!(!fuzzy("rpo", "operate"));
        assert!(!fuzzy("operatex", "operate"));
    }
}

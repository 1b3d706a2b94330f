//! Editor features on byte offsets, with no LSP types: hover, go to definition, find
//! references, rename, completion, code actions, document symbols and formatting.
//!
//! An [`Analysis`] wraps one [`Compilation`] (the user's files as the editor has them,
//! with the standard library) and answers questions about positions in it. Positions
//! are a [`FileId`] and a byte offset; the language server converts to and from the
//! protocol's lines and UTF-16 columns at its own edge.

pub mod cache;
pub mod completion;
pub mod diff;
pub mod expand;
pub mod format;
pub mod hover;
pub mod import_action;
pub mod index;
pub mod inlay;
/// The tokenizer lives in engc-core (the parser reads comments with it too).
pub use engc_core::syntax::tokens as lexer;
pub mod locate;
pub mod semantic;
pub mod structure;
pub mod symbols;
pub mod tree;

use engc_core::diag::{Diagnostic, Severity};
use engc_core::source::{FileId, Span};
use engc_core::syntax::ast::{self, Item};
use engc_core::Compilation;
use engc_core::Options;
use index::Index;

pub use completion::{Completion, CompletionKind};
pub use hover::Hover;
pub use symbols::{Symbol, SymbolKind};

/// One compilation and the index of its names.
pub struct Analysis {
    pub comp: Compilation,
    pub options: Options,
    /// Built on the first request that needs it: the language server compiles after
    /// each keystroke, and its diagnostics need no index.
    index: std::sync::OnceLock<Index>,
    trees: tree::Trees,
}

/// A replacement of the text of `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// A fix offered for a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// Index into `Compilation::diagnostics` of the diagnostic it fixes.
    pub diagnostic: usize,
    pub edits: Vec<TextEdit>,
    /// The fix the diagnostic itself suggests (as opposed to an acknowledgement).
    pub preferred: bool,
}

/// A place a name occurs, for highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    /// The declaration (a "write") rather than a use.
    pub def: bool,
}

impl Analysis {
    pub fn new(comp: Compilation, options: Options) -> Analysis {
        Analysis {
            comp,
            options,
            index: std::sync::OnceLock::new(),
            trees: Default::default(),
        }
    }

    pub fn index(&self) -> &Index {
        // The index borrows the trees while it is built and keeps none of them.
        self.index.get_or_init(|| {
            Index::build(
                &self.comp.sources,
                self.comp.stdlib.iter().chain(&self.comp.files),
            )
        })
    }

    /// The text of a file of the compilation.
    pub fn text(&self, file: FileId) -> &str {
        &self.comp.sources.get(file).text
    }

    pub fn is_stdlib(&self, file: FileId) -> bool {
        self.comp.stdlib.iter().any(|(id, _)| *id == file)
    }

    /// The parsed file (user or standard library).
    pub fn ast(&self, file: FileId) -> Option<&ast::File> {
        self.comp
            .files
            .iter()
            .chain(self.comp.stdlib.iter())
            .find(|(id, _)| *id == file)
            .map(|(_, f)| f)
    }

    /// Every parsed file, standard library first.
    pub fn all_files(&self) -> impl Iterator<Item = &(FileId, ast::File)> {
        self.comp.stdlib.iter().chain(self.comp.files.iter())
    }

    pub fn hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        hover::hover(self, file, clamp(self.text(file), offset))
    }

    /// Where the name (or `use`d file) at `offset` is declared. A file target is an
    /// empty span at its start.
    pub fn definition(&self, file: FileId, offset: usize) -> Vec<Span> {
        let offset = clamp(self.text(file), offset);
        if let Some(occ) = self.index().at(file, offset) {
            let defs: Vec<Span> = self.index().definitions(&occ.sym).map(|o| o.span).collect();
            return defs;
        }
        if let Some(target) = self.use_target(file, offset) {
            return vec![Span::new(target, 0, 0)];
        }
        Vec::new()
    }

    /// The file a `use "..."` at `offset` loaded, if any.
    pub fn use_target(&self, file: FileId, offset: usize) -> Option<FileId> {
        self.ast(file)?.items.iter().find_map(|item| match item {
            Item::Use(s) if within(s.span, offset) => self.resolve_use(file, &s.node),
            _ => None,
        })
    }

    /// The file that `use "path"` in `file` loaded: the path is relative to `file`.
    pub fn resolve_use(&self, file: FileId, path: &str) -> Option<FileId> {
        let base = self
            .comp
            .sources
            .get(file)
            .path
            .as_ref()
            .and_then(|p| p.parent().map(|p| p.to_path_buf()))
            .unwrap_or_default();
        let path = base.join(path);
        let key = std::fs::canonicalize(&path).unwrap_or(path);
        self.comp.sources.find_path(&key)
    }

    /// Every occurrence of the name at `offset`, across the compilation's files.
    pub fn references(&self, file: FileId, offset: usize, include_declaration: bool) -> Vec<Span> {
        let offset = clamp(self.text(file), offset);
        let Some(occ) = self.index().at(file, offset) else {
            return Vec::new();
        };
        self.index()
            .all(&occ.sym)
            .filter(|o| include_declaration || !o.def)
            .map(|o| o.span)
            .collect()
    }

    /// The occurrences of the name at `offset` in the same file.
    pub fn highlights(&self, file: FileId, offset: usize) -> Vec<Highlight> {
        let offset = clamp(self.text(file), offset);
        let Some(occ) = self.index().at(file, offset) else {
            return Vec::new();
        };
        self.index()
            .all(&occ.sym)
            .filter(|o| o.span.file == file)
            .map(|o| Highlight {
                span: o.span,
                def: o.def,
            })
            .collect()
    }

    /// The span of a name that can be renamed at `offset`: a name the user declared
    /// (not one of the standard library's).
    pub fn prepare_rename(&self, file: FileId, offset: usize) -> Result<Span, String> {
        let offset = clamp(self.text(file), offset);
        let occ = self
            .index()
            .at(file, offset)
            .ok_or_else(|| "no name here to rename".to_string())?;
        let defs: Vec<_> = self.index().definitions(&occ.sym).collect();
        if defs.is_empty() {
            return Err(format!("`{}` is not declared", occ.sym.name()));
        }
        if defs.iter().any(|d| self.is_stdlib(d.span.file)) {
            return Err(format!(
                "`{}` is declared in the standard library",
                occ.sym.name()
            ));
        }
        Ok(occ.span)
    }

    /// The edits that rename the name at `offset` everywhere it occurs.
    pub fn rename(
        &self,
        file: FileId,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<TextEdit>, String> {
        let span = self.prepare_rename(file, offset)?;
        if !is_ident(new_name) {
            return Err(format!(
                "`{new_name}` is not a name (letters, digits, `_` and `-`, starting with a letter or `_`)"
            ));
        }
        if is_keyword(new_name) {
            return Err(format!("`{new_name}` is a keyword"));
        }
        let occ = self.index().at(file, span.start as usize).expect("checked");
        let renamed = occ.sym.with_name(new_name);
        if renamed != occ.sym && self.index().definitions(&renamed).next().is_some() {
            return Err(format!("`{new_name}` is already declared"));
        }
        Ok(self
            .index()
            .all(&occ.sym)
            .map(|o| TextEdit {
                span: o.span,
                new_text: new_name.to_string(),
            })
            .collect())
    }

    pub fn completions(&self, file: FileId, offset: usize) -> Vec<Completion> {
        completion::complete(self, file, clamp(self.text(file), offset))
    }

    pub fn symbols(&self, file: FileId) -> Vec<Symbol> {
        match self.ast(file) {
            Some(ast) => symbols::symbols(self, ast),
            None => Vec::new(),
        }
    }

    /// The whole file formatted, or None when it is already formatted. The formatter
    /// reads tokens, so a file with a syntax error is formatted too; and the file's
    /// tree, unless its lines end in CRLF (it formats the text with LF line ends).
    pub fn format(&self, file: FileId) -> Option<String> {
        let text = self.text(file);
        let out = if text.contains("\r\n") {
            format::format(text)
        } else {
            format::format_with(text, &self.tree(file))
        };
        (out != text).then_some(out)
    }

    /// The diagnostics of `file` on the lines `start..end` touches: a fix is offered
    /// wherever the cursor is on a diagnostic's lines, not only inside its span.
    pub fn diagnostics_in(
        &self,
        file: FileId,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = (usize, &Diagnostic)> {
        let text = self.text(file);
        let (start, end) = (clamp(text, start), clamp(text, end));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        self.comp
            .diagnostics
            .iter()
            .enumerate()
            .filter(move |(_, d)| {
                d.span.file == file
                    && (d.span.start as usize) <= line_end
                    && line_start <= (d.span.end as usize)
            })
    }

    /// Fixes for the diagnostics that touch `start..end`: each machine-applicable
    /// suggestion, and for a warning, an `ack` in its block.
    pub fn code_actions(&self, file: FileId, start: usize, end: usize) -> Vec<CodeAction> {
        let mut out = Vec::new();
        for (i, d) in self.diagnostics_in(file, start, end) {
            if let Some(s) = &d.suggestion {
                let title = if s.replacement.is_empty() {
                    format!("Remove `{}` ({})", self.comp.sources.slice(s.span), d.code)
                } else if s.replacement.contains('\n') {
                    format!("{} ({})", capitalize(&s.message), d.code)
                } else {
                    format!("Replace with `{}` ({})", s.replacement, d.code)
                };
                out.push(CodeAction {
                    title,
                    diagnostic: i,
                    edits: vec![TextEdit {
                        span: s.span,
                        new_text: s.replacement.clone(),
                    }],
                    preferred: true,
                });
            }
            if d.severity == Severity::Warning {
                if let Some(edit) = self.ack_edit(d) {
                    out.push(CodeAction {
                        title: format!("Acknowledge {} here with `ack`", d.code),
                        diagnostic: i,
                        edits: vec![edit],
                        preferred: false,
                    });
                }
            }
        }
        out
    }

    /// Inserts `ack CODE "..."` as the first statement of the block around `d` (or at
    /// the top of the file for a top-level warning).
    fn ack_edit(&self, d: &Diagnostic) -> Option<TextEdit> {
        let file = d.span.file;
        let ast = self.ast(file)?;
        let text = self.text(file);
        // Items are in source order: start at the first that does not end before the
        // diagnostic (searching from the first item for each of thousands of warnings
        // was quadratic).
        let first = ast
            .items
            .partition_point(|i| locate::item_span(i).end < d.span.start);
        let block = ast.items[first..]
            .iter()
            .map(locate::item_span)
            .take_while(|s| s.start <= d.span.start)
            .find(|s| s.contains(d.span) && s.start < s.end)
            .and_then(|s| {
                // The block's `{`, from the tree (not the first `{` of its text).
                let tree = self.tree(file);
                let decl = tree
                    .root()
                    .children()
                    .find(|n| n.start() == s.start as usize)
                    .and_then(engc_core::syntax::nodes::Declaration::cast)?;
                decl.l_brace().map(|t| t.end())
            });
        let reason = "why this is acceptable";
        let edit = match block {
            Some(after_brace) => {
                let line_start = text[..after_brace].rfind('\n').map_or(0, |i| i + 1);
                let indent: String = text[line_start..]
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                TextEdit {
                    span: Span::new(file, after_brace, after_brace),
                    new_text: format!("\n{indent}  ack {} \"{reason}\"", d.code),
                }
            }
            None => TextEdit {
                span: Span::new(file, 0, 0),
                new_text: format!("ack {} \"{reason}\"\n", d.code),
            },
        };
        Some(edit)
    }
}

/// Whether `offset` lies in `span` or at its end.
pub fn within(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// `offset` moved into the text and onto a character boundary.
pub fn clamp(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Words the grammar reserves at the start of a declaration.
pub use engc_core::syntax::parser::DECLARATION_KEYWORDS;

pub fn is_keyword(s: &str) -> bool {
    DECLARATION_KEYWORDS.contains(&s) || engc_core::syntax::parser::RESERVED_WORDS.contains(&s)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

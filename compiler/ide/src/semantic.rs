//! Semantic tokens: what each word of a file is, so editors without a grammar for
//! `.eng` (Neovim, Helix, Emacs) colour it, and those with one colour names by what
//! they refer to. Keywords, strings, comments and address blocks come from the
//! lexer; names from the index, by the kind of declaration they name. Tokens never
//! overlap and never span lines: a `${param}` inside a string cuts the string, and a
//! block comment over several lines becomes one token per line.

use crate::index::Sym;
use crate::lexer::{self, Tok};
use crate::symbols::{Symbol, SymbolKind};
use crate::Analysis;
use engc_core::source::FileId;
use std::collections::HashMap;

/// The token types, in the order of the legend the server announces (LSP names).
pub const TYPES: &[&str] = &[
    "keyword",   // 0
    "string",    // 1
    "comment",   // 2
    "number",    // 3: address blocks
    "parameter", // 4
    "type",      // 5: engine and store kinds
    "namespace", // 6: networks, components, the deployment
    "interface", // 7: principals
    "class",     // 8: engines
    "struct",    // 9: stores
    "variable",  // 10: access levels, scps, other names
    "property",  // 11: subnets
    "macro",     // 12: grants groups
];

/// The modifiers, as bits in this order.
pub const MODIFIERS: &[&str] = &["declaration", "defaultLibrary"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    /// Byte offsets on one line.
    pub start: usize,
    pub end: usize,
    /// Index into [`TYPES`].
    pub ty: u32,
    /// Bits of [`MODIFIERS`].
    pub modifiers: u32,
}

impl Analysis {
    /// The tokens of `file`, sorted by position.
    pub fn semantic_tokens(&self, file: FileId) -> Vec<SemanticToken> {
        let text = self.text(file);
        let kinds = self.declaration_kinds();
        // The file's name occurrences, sorted by start (the index is sorted by file
        // and start).
        let names: Vec<SemanticToken> = self
            .index()
            .occurrences
            .iter()
            .filter(|o| o.span.file == file)
            .map(|o| {
                let (ty, library) = name_type(&o.sym, &kinds);
                SemanticToken {
                    start: o.span.start as usize,
                    end: o.span.end as usize,
                    ty,
                    modifiers: u32::from(o.def) | (u32::from(library) << 1),
                }
            })
            .collect();
        let mut out = Vec::new();
        let mut n = 0;
        for t in lexer::tokenize(text) {
            // Names inside this token (a word, or `${x}` in a string).
            let first = n;
            while n < names.len() && names[n].start < t.end {
                n += 1;
            }
            let inside = names[first..n]
                .iter()
                .filter(|s| s.start >= t.start && s.end <= t.end);
            let ty = match t.kind {
                Tok::Ident if inside.clone().next().is_some() => {
                    out.extend(inside);
                    continue;
                }
                Tok::Ident if crate::is_keyword(t.text(text)) => 0,
                Tok::Ident | Tok::Punct(_) => continue,
                Tok::Str { .. } => 1,
                Tok::Comment { .. } => 2,
                Tok::Cidr => 3,
            };
            // The token minus the names inside it, cut at line ends.
            let mut at = t.start;
            for s in inside {
                lines(text, at, s.start, ty, &mut out);
                out.push(*s);
                at = s.end;
            }
            lines(text, at, t.end, ty, &mut out);
        }
        out
    }

    /// Each declared name's kind, from the outline of every file.
    fn declaration_kinds(&self) -> HashMap<String, SymbolKind> {
        let mut out = HashMap::new();
        for (file, _) in self.all_files() {
            for s in self.symbols(*file) {
                let Symbol { name, kind, .. } = s;
                out.entry(name).or_insert(kind);
            }
        }
        out
    }
}

/// The type of a name, and whether the standard library declares it.
fn name_type(sym: &Sym, kinds: &HashMap<String, SymbolKind>) -> (u32, bool) {
    match sym {
        Sym::Param(_) => (4, false),
        Sym::EngineKind(_) | Sym::StoreKind(_) => (5, true),
        Sym::Component(_) => (6, true),
        Sym::Deployment(_) => (6, false),
        Sym::Subnet(..) => (11, false),
        Sym::Group(_) => (12, false),
        Sym::External(_) => (4, false),
        Sym::Decl(name) => match kinds.get(name) {
            Some(SymbolKind::Principal) => (7, false),
            Some(SymbolKind::Engine) => (8, false),
            Some(SymbolKind::Store) => (9, false),
            Some(SymbolKind::Network) => (6, false),
            _ => (10, false),
        },
    }
}

/// `start..end` as tokens of type `ty`, one per line, without line breaks.
fn lines(text: &str, start: usize, end: usize, ty: u32, out: &mut Vec<SemanticToken>) {
    let mut at = start;
    for piece in text[start..end].split_inclusive('\n') {
        let len = piece.trim_end_matches(['\n', '\r']).len();
        if len > 0 {
            out.push(SemanticToken {
                start: at,
                end: at + len,
                ty,
                modifiers: 0,
            });
        }
        at += piece.len();
    }
}

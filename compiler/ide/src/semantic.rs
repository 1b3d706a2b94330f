//! Semantic tokens: what each word of a file is, so editors without a grammar for
//! `.eng` (Neovim, Helix, Emacs) colour it, and those with one colour names by what
//! they refer to. Keywords, strings, comments and address blocks come from the
//! tokens of the file's lossless tree (which holds the tokens of text pest could not
//! parse too, so a broken block is coloured like the rest); names from the index, by
//! the kind of declaration they name. Tokens never
//! overlap and never span lines: a `${param}` inside a string cuts the string, and a
//! block comment over several lines becomes one token per line.

use crate::index::Sym;
use crate::lexer::Tok;
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
        let tree = self.tree(file);
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
        for t in tree.root().tokens().filter_map(|t| t.token()) {
            // Names inside this token (a word, or `${x}` in a string).
            let first = n;
            while n < names.len() && names[n].start < t.end {
                n += 1;
            }
            // Several occurrences may share a span (a group's line copied by each
            // `include`): keep the first of each, in order, never overlapping.
            let mut last_end = t.start;
            let inside: Vec<SemanticToken> = names[first..n]
                .iter()
                .filter(|s| s.start >= t.start && s.end <= t.end && s.start < s.end)
                .filter(|s| {
                    let fresh = s.start >= last_end;
                    if fresh {
                        last_end = s.end;
                    }
                    fresh
                })
                .copied()
                .collect();
            let ty = match t.kind {
                Tok::Ident if !inside.is_empty() => {
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
                out.push(s);
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

#[cfg(test)]
mod tests {
    use crate::Analysis;
    use engc_core::{compile_str, Options};

    /// A group included by two levels: its lines' names occur once per inclusion at
    /// the same span, which once made the tokens overlap and a slice panic.
    #[test]
    fn names_a_group_shares_with_its_includes_give_one_token_each() {
        let src = "deployment d {\n  clouds aws\n  param v = \"x\"\n}\nstore data: bucket\ngrants g {\n  read store data\n  aws allow [\"s3:GetObject\"] on \"arn:aws:s3:::d-${v}/*\"\n}\naccess a scoped {\n  include g\n}\naccess b scoped {\n  include g\n}\n";
        let c = compile_str("t.eng", src, &Options::default());
        let a = Analysis::new(c, Options::default());
        let file = a.comp.files[0].0;
        let tokens = a.semantic_tokens(file);
        for w in tokens.windows(2) {
            assert!(w[0].end <= w[1].start, "{w:?}");
        }
        let at = src.find("store data\n").unwrap() + 6;
        assert_eq!(
            tokens.iter().filter(|t| t.start == at).count(),
            1,
            "{tokens:?}"
        );
    }

    /// A block pest could not parse (an `ERROR` node of the tree) is coloured from its
    /// tokens, and the declarations after it as in a file without the error.
    #[test]
    fn a_broken_block_and_the_rest_are_coloured() {
        let src = "store data: bucket
access broken scoped {
  read store data ,,, {
  aws allow [\"s3:GetObject\"] // why
}
access ok scoped {
  read store data
}
";
        let a = Analysis::new(
            compile_str("t.eng", src, &Options::default()),
            Options::default(),
        );
        let file = a.comp.files[0].0;
        assert!(a.comp.diagnostics.iter().any(|d| d.is_error()));
        let tokens = a.semantic_tokens(file);
        let ty = |needle: &str, k: usize| {
            let at = src.find(needle).unwrap() + k;
            tokens
                .iter()
                .find(|t| t.start <= at && at < t.end)
                .map(|t| super::TYPES[t.ty as usize])
        };
        // In the broken block: keywords, the string, the comment.
        assert_eq!(ty("access broken", 0), Some("keyword"));
        assert_eq!(ty("\"s3:GetObject\"", 1), Some("string"));
        assert_eq!(ty("// why", 3), Some("comment"));
        // After it: the declaration, its keyword and the store it names.
        assert_eq!(ty("access ok", 0), Some("keyword"));
        assert_eq!(ty("access ok", 7), Some("variable"));
        assert_eq!(ty("store data\n}", 6), Some("struct"));
        assert_eq!(ty("store data: bucket", 12), Some("type"));
        for w in tokens.windows(2) {
            assert!(w[0].end <= w[1].start, "{w:?}");
        }
    }
}

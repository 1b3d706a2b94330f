//! Syntax trees kept between compilations. The language server compiles after each
//! edit, and an edit changes one file: the standard library and every other file parse
//! as they did before. A parse depends only on the file's id and text, so a tree is
//! reused when both are the same (the text compared in full, not by a hash).
//!
//! Each entry keeps the file's lossless tree of the same parse too: the server hands it
//! to the [`Analysis`](crate::Analysis) of each compilation ([`ParseCache::tree`],
//! [`Analysis::set_tree`](crate::Analysis::set_tree)), so completion, semantic tokens
//! and folding read it without parsing or tokenizing the file again.
//!
//! It also holds the session's [`Memo`]: the access levels lowered by earlier
//! compilations, which an edit outside them leaves as they were.

use engc_core::diag::Diagnostic;
use engc_core::memo::Memo;
use engc_core::pipeline::Parses;
use engc_core::source::FileId;
use engc_core::syntax::tree::SyntaxTree;
use engc_core::syntax::{self, ast};
use engc_core::Compilation;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct ParseCache {
    /// Per file id, the texts parsed as that id (more than one when two compilations
    /// give the id to different files).
    entries: RefCell<HashMap<FileId, Vec<Entry>>>,
    /// Parses done and reused, for tests.
    parsed: Cell<usize>,
    reused: Cell<usize>,
    /// Of `parsed`, those that re-parsed only what an edit changed.
    reparsed: Cell<usize>,
    memo: Memo,
}

/// A parse; its tree holds the text too ([`SyntaxTree::source`]).
struct Entry {
    p: syntax::Parsed,
    /// Its AST was handed to a compilation rather than copied (an edit's re-parse),
    /// until [`ParseCache::give_back`] returns it.
    lent: bool,
}

impl ParseCache {
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    /// Keeps only the trees of `live` files (id and text), those of the compilations
    /// the caller still holds; the rest (an edited file's earlier texts) are dropped.
    pub fn retain<'a>(&mut self, live: impl IntoIterator<Item = (FileId, &'a str)>) {
        let mut keep: HashMap<FileId, Vec<&str>> = HashMap::new();
        for (id, text) in live {
            keep.entry(id).or_default().push(text);
        }
        self.entries.get_mut().retain(|id, entries| {
            let texts = keep.get(id).map(Vec::as_slice).unwrap_or_default();
            entries.retain(|e| texts.contains(&e.p.tree.source()));
            !entries.is_empty()
        });
        self.memo.sweep();
    }

    /// Takes back the ASTs a compilation about to be dropped was lent (an edit's
    /// re-parse hands its AST over rather than copying it), so the next edit
    /// re-parses from them; the compilation is left without its files.
    pub fn give_back(&self, comp: &mut Compilation) {
        let mut entries = self.entries.borrow_mut();
        for (id, file) in std::mem::take(&mut comp.files) {
            let text = comp.sources.get(id).text.as_str();
            let Some(list) = entries.get_mut(&id) else {
                continue;
            };
            if let Some(e) = list
                .iter_mut()
                .find(|e| e.lent && e.p.tree.source() == text)
            {
                e.p.ast = file;
                e.lent = false;
            }
        }
    }

    /// The access levels kept; see [`Memo`].
    pub fn levels(&self) -> &Memo {
        &self.memo
    }

    /// How many files were parsed, and how many trees reused, since the cache was made.
    pub fn counts(&self) -> (usize, usize) {
        (self.parsed.get(), self.reused.get())
    }

    /// Of the files parsed, how many were re-parsed only where an edit changed them.
    pub fn reparsed(&self) -> usize {
        self.reparsed.get()
    }

    /// How many trees are kept.
    pub fn len(&self) -> usize {
        self.entries.borrow().values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lossless tree of `text` as file `id`, if it was parsed (a clone of the `Arc`).
    pub fn tree(&self, id: FileId, text: &str) -> Option<Arc<SyntaxTree>> {
        let entries = self.entries.borrow();
        let e = entries
            .get(&id)?
            .iter()
            .find(|e| e.p.tree.source() == text)?;
        Some(e.p.tree.clone())
    }
}

impl Parses for ParseCache {
    fn parse(&self, id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
        let mut entries = self.entries.borrow_mut();
        let list = entries.entry(id).or_default();
        let found = list.iter().find(|e| e.p.tree.source() == text);
        if let Some(Entry { p, lent: false }) = found {
            self.reused.set(self.reused.get() + 1);
            return (p.ast.clone(), p.diags.clone());
        }
        self.parsed.set(self.parsed.get() + 1);
        if found.is_some() {
            // Lent and not given back (two compilations of one new text): parsed again.
            let p = syntax::parse_full(id, text);
            return (p.ast, p.diags);
        }
        // An edit: the file's latest parse, parsed again only where the texts differ.
        // Its AST's items move into the new parse (copying them, and freeing the
        // copies later, cost more than the re-parse), so that entry is dropped; and
        // the new AST is lent to the compilation, not copied.
        let reparsed = match list.last_mut() {
            Some(Entry {
                p: old,
                lent: false,
            }) => syntax::reparse::reparse_taking(id, old, text),
            _ => None,
        };
        if let Some(mut p) = reparsed {
            list.pop();
            self.reparsed.set(self.reparsed.get() + 1);
            let out = (std::mem::take(&mut p.ast), p.diags.clone());
            list.push(Entry { p, lent: true });
            return out;
        }
        let p = syntax::parse_full(id, text);
        let out = (p.ast.clone(), p.diags.clone());
        list.push(Entry { p, lent: false });
        out
    }

    fn memo(&self) -> Option<&Memo> {
        Some(&self.memo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_same_id_and_text_only() {
        let mut c = ParseCache::new();
        let (a, _) = c.parse(FileId(1), "store s: bucket\n");
        let (b, _) = c.parse(FileId(1), "store s: bucket\n");
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(c.counts(), (1, 1));
        c.parse(FileId(2), "store s: bucket\n");
        c.parse(FileId(1), "store t: bucket\n");
        assert_eq!(c.counts(), (3, 1));
        c.retain([(FileId(1), "store t: bucket\n")]);
        assert_eq!(c.len(), 1);
        assert!(c.tree(FileId(1), "store s: bucket\n").is_none());
        let t = c.tree(FileId(1), "store t: bucket\n").unwrap();
        assert_eq!(t.source(), "store t: bucket\n");
    }

    #[test]
    fn an_edit_is_parsed_again_only_where_it_changed() {
        let c = ParseCache::new();
        let text = "store s: bucket\nstore t: bucket\nstore u: bucket\n";
        c.parse(FileId(1), text);
        let edited = text.replace("store t", "store tt");
        let (file, diags) = c.parse(FileId(1), &edited);
        assert_eq!(c.reparsed(), 1);
        let fresh = syntax::parse_full(FileId(1), &edited);
        assert_eq!(format!("{file:?}"), format!("{:?}", fresh.ast));
        assert_eq!(diags, fresh.diags);
        assert_eq!(*c.tree(FileId(1), &edited).unwrap(), *fresh.tree);
    }

    #[test]
    fn edits_after_a_failed_reparse_and_a_moved_one_parse_as_from_scratch() {
        let c = ParseCache::new();
        let text = "store s: bucket\nstore t: bucket\nstore u: bucket\n";
        // A syntax error (re-parse declined, the old parse left whole), fixed, then a
        // declaration renamed (its neighbours' items moved out of the previous parse).
        for t in [
            text.to_string(),
            text.replace("store t:", "store t"),
            text.replace("store u", "store v"),
            text.replace("store u", "store v")
                .replace("store t", "store tt"),
        ] {
            let (file, diags) = c.parse(FileId(1), &t);
            let fresh = syntax::parse_full(FileId(1), &t);
            assert_eq!(format!("{file:?}"), format!("{:?}", fresh.ast));
            assert_eq!(diags, fresh.diags);
            assert_eq!(*c.tree(FileId(1), &t).unwrap(), *fresh.tree);
        }
        assert_eq!(c.reparsed(), 1);
    }

    #[test]
    fn same_trees_and_diagnostics_as_a_fresh_parse() {
        let text = "store s: bucket\naccess a for p scoped { read store s\n";
        let c = ParseCache::new();
        for _ in 0..2 {
            let (file, diags) = c.parse(FileId(7), text);
            let (fresh, fresh_diags) = syntax::parse(FileId(7), text);
            assert_eq!(format!("{file:?}"), format!("{fresh:?}"));
            assert_eq!(diags, fresh_diags);
            let tree = c.tree(FileId(7), text).unwrap();
            assert_eq!(*tree, *syntax::parse_full(FileId(7), text).tree);
            assert!(!diags.is_empty());
        }
    }
}

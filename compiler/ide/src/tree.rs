//! The lossless syntax tree of each file, for the editor features that read the
//! file's structure rather than its names (selection ranges, where a block opens).
//! Parsed on first use and kept for the life of the [`Analysis`]; a language server
//! that already holds a file's [`engc_core::syntax::Parsed`] hands its tree over with
//! [`Analysis::set_tree`] and nothing is parsed twice.

use crate::Analysis;
use engc_core::source::FileId;
use engc_core::syntax::tree::SyntaxTree;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The trees parsed so far, by file.
#[derive(Default)]
pub(crate) struct Trees(Mutex<HashMap<FileId, Arc<SyntaxTree>>>);

impl Analysis {
    /// The lossless tree of `file`, as the editor has its text.
    pub fn tree(&self, file: FileId) -> Arc<SyntaxTree> {
        let mut trees = self.trees.0.lock().unwrap_or_else(|e| e.into_inner());
        trees
            .entry(file)
            .or_insert_with(|| engc_core::syntax::parse_full(file, self.text(file)).tree)
            .clone()
    }

    /// Keeps `tree` as `file`'s (it must be the tree of the file's text).
    pub fn set_tree(&self, file: FileId, tree: Arc<SyntaxTree>) {
        debug_assert_eq!(tree.source(), self.text(file));
        let mut trees = self.trees.0.lock().unwrap_or_else(|e| e.into_inner());
        trees.insert(file, tree);
    }
}

#[cfg(test)]
mod tests {
    use crate::Analysis;
    use engc_core::{compile_str, Options};

    #[test]
    fn selection_grows_through_the_tree() {
        let text = "deployment d { clouds aws }\nprincipal p { aws role \"r\" }\n\
                    access a for p scoped {\n  aws allow [\"s3:GetObject\", \"s3:PutObject\"] on \"*\"\n}\n";
        let a = Analysis::new(
            compile_str("t.eng", text, &Options::default()),
            Options::default(),
        );
        let file = a.comp.files[0].0;
        let at = text.find("GetObject").unwrap();
        let got: Vec<&str> = a
            .selection_ranges(file, at)
            .iter()
            .map(|s| &text[s.range()])
            .collect();
        assert_eq!(got[0], "s3:GetObject");
        assert_eq!(got[1], "\"s3:GetObject\"");
        assert_eq!(got[2], "[\"s3:GetObject\", \"s3:PutObject\"]");
        assert!(got.contains(&"aws allow [\"s3:GetObject\", \"s3:PutObject\"] on \"*\""));
        assert_eq!(*got.last().unwrap(), text);
        // The same tree is kept.
        assert!(std::sync::Arc::ptr_eq(&a.tree(file), &a.tree(file)));
    }
}

//! Placeholders are never silent: a parameter with no value stays `${name}` in the
//! documents it lands in, and each such parameter is W0117, naming the documents.
//! `--strict` makes it an error (see [`promote`]).

use crate::backend::{OutputFile, MANIFEST_PATH};
use crate::diag::{Code, Diagnostic, Severity};
use crate::resolve::decls::Decls;
use std::collections::BTreeMap;

/// The parameters left as placeholders in `files` (the manifest aside), each with the
/// paths of the documents that hold it.
pub fn find(files: &[OutputFile]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files.iter().filter(|f| f.path != MANIFEST_PATH) {
        for n in f.placeholders() {
            out.entry(n.to_string()).or_default().push(f.path.clone());
        }
    }
    out
}

/// W0117 for each parameter the written documents still hold.
/// `found`: what [`find`] (or [`crate::backend::placeholders`]) gives.
pub fn check(decls: &Decls, found: BTreeMap<String, Vec<String>>, diags: &mut Vec<Diagnostic>) {
    let Some(dep) = decls.deployment else {
        return;
    };
    for (name, paths) in found {
        let declared = dep.params.iter().find(|p| p.name.node == name);
        let span = declared.map(|p| p.name.span).unwrap_or(dep.name.span);
        let label = match declared {
            Some(_) => "declared without a value".to_string(),
            None => format!("the standard library's templates use `{name}`"),
        };
        const SHOWN: usize = 6;
        let mut listed: Vec<String> = paths.iter().take(SHOWN).map(|p| format!("`{p}`")).collect();
        if paths.len() > SHOWN {
            listed.push(format!("and {} more", paths.len() - SHOWN));
        }
        let n = paths.len();
        diags.push(
            Diagnostic::new(
                Code::W0117,
                span,
                format!(
                    "parameter `{name}` has no value: {n} document{} `${{{name}}}`",
                    if n == 1 { " keeps" } else { "s keep" }
                ),
            )
            .label(label)
            .note(format!("in {}", listed.join(", ")))
            .help(format!(
                "set it: `--set {name}=VALUE` or `--set-file FILE`, or give it a default: `param {name} = \"VALUE\"`"
            )),
        );
    }
}

/// `--strict`: placeholders left in written documents are errors.
pub fn promote(diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.code == Code::W0117) {
        d.severity = Severity::Error;
        d.notes.push("an error because of `--strict`".into());
    }
}

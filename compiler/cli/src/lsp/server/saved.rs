//! The files of a compilation as saved on disk, for the hover that shows what unsaved
//! edits add to an access level or principal (`engc_ide::diff::hover_changes`).

use engc_core::access::diff::Facts;
use engc_ide::Analysis;

/// The facts of the root of `now` and what it `use`s, read from the disk with the same
/// options; `None` for a buffer that is no file, or a saved version with errors.
pub(super) fn facts(now: &Analysis) -> Option<Facts> {
    let (root, _) = now.comp.files.first()?;
    let path = now.comp.sources.get(*root).path.clone()?;
    let bytes = engc_core::loader::read_regular(&path).ok()?;
    let input = engc_core::Input {
        name: path.display().to_string(),
        path: Some(path),
        bytes,
    };
    let c = engc_core::compile(vec![input], &engc_core::loader::DiskLoader, &now.options);
    Facts::of(&c, &now.options)
}

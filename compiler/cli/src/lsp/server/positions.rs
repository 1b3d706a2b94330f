//! Positions: the compilation and file of a document, spans as protocol ranges and
//! locations, and the standard library's read-only copy that locations point into.

use super::{Root, Server};
use crate::lsp::convert::{self, key, LineIndex};
use engc_core::source::{FileId, Span};
use lsp_types as lt;
use std::path::{Path, PathBuf};

impl Server {
    /// The compilation and file of a document: the compilation whose root it is, else
    /// the first that holds it; the standard library's files are found in any.
    pub(super) fn find(&self, uri: &str) -> Option<(&Root, FileId)> {
        let mut best: Option<(&Root, FileId)> = None;
        for r in &self.roots {
            for (fid, u) in &r.uris {
                if u == uri && (best.is_none() || r.id == uri) {
                    best = Some((r, *fid));
                }
            }
        }
        if best.is_some() {
            return best;
        }
        // A standard library file opened from go to definition.
        let path = convert::uri_to_path(uri)?;
        let dir = stdlib_dir()?;
        if key(path.parent()?) != key(&dir) {
            return None;
        }
        let name = format!("<stdlib>/{}", path.file_name()?.to_string_lossy());
        let r = self.roots.first()?;
        let fid = r
            .analysis
            .comp
            .stdlib
            .iter()
            .map(|(id, _)| *id)
            .find(|id| r.analysis.comp.sources.get(*id).name == name)?;
        Some((r, fid))
    }

    pub(super) fn line_index<'r>(&self, r: &'r Root, file: FileId) -> LineIndex<'r> {
        let text = r.analysis.text(file);
        match r.lines.get(&file) {
            Some(lines) => LineIndex::with_lines(text, lines),
            None => LineIndex::new(text),
        }
    }

    pub(super) fn offset(&self, r: &Root, file: FileId, pos: lt::Position) -> usize {
        self.line_index(r, file).offset(pos, self.encoding)
    }

    pub(super) fn range(&self, r: &Root, span: Span) -> lt::Range {
        self.line_index(r, span.file)
            .range(span.start as usize, span.end as usize, self.encoding)
    }

    /// A span as a location the client can open: user files by their URI, the
    /// standard library written out to a read-only folder.
    pub(super) fn location(&self, r: &Root, span: Span) -> Option<lt::Location> {
        let uri = match r.uris.get(&span.file) {
            Some(u) => u.clone(),
            None => {
                let name = &r.analysis.comp.sources.get(span.file).name;
                let file = name.strip_prefix("<stdlib>/")?;
                convert::path_to_uri(&stdlib_dir()?.join(file))
            }
        };
        Some(lt::Location::new(convert::uri(&uri)?, self.range(r, span)))
    }

    pub(super) fn locations(&self, r: &Root, spans: Vec<Span>) -> Vec<lt::Location> {
        spans
            .into_iter()
            .filter_map(|s| self.location(r, s))
            .collect()
    }
}

/// Whether a path is in a folder [`stdlib_dir`] writes (without writing it).
pub(super) fn is_stdlib_copy(path: Option<&Path>) -> bool {
    let Some(dir) = path.and_then(Path::parent) else {
        return false;
    };
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("engc-stdlib-"))
        && dir.parent().map(key) == Some(key(&std::env::temp_dir()))
}

/// The standard library written out once per process (read-only, named by a hash of
/// its content), so go to definition can open it; None when no folder can be written.
pub fn stdlib_dir() -> Option<PathBuf> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(write_stdlib).clone()
}

fn write_stdlib() -> Option<PathBuf> {
    let mut h: u64 = 0xcbf29ce484222325;
    for (name, text) in engc_core::stdlib::FILES {
        for b in name.bytes().chain(text.bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
    }
    let dir = std::env::temp_dir().join(format!("engc-stdlib-{h:016x}"));
    for (name, text) in engc_core::stdlib::FILES {
        let file = dir.join(name.strip_prefix("<stdlib>/").unwrap_or(name));
        if std::fs::read_to_string(&file).ok().as_deref() == Some(*text) {
            continue;
        }
        std::fs::create_dir_all(&dir).ok()?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        let mut perms = std::fs::metadata(&tmp).ok()?.permissions();
        perms.set_readonly(true);
        let _ = std::fs::set_permissions(&tmp, perms);
        std::fs::rename(&tmp, &file).ok()?;
    }
    Some(dir)
}

//! Reads the input files and everything they `use`, each once, into one source map.

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

/// Where file contents come from: the disk for the CLI, open buffers for the editor.
pub trait FileLoader {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
}

pub struct DiskLoader;

/// The largest file engc reads (64 MiB): an input, a `use`d file, a `--set-file`, a
/// `--catalog` (the full Azure operation list is about 15 MB). Larger files are refused
/// before they are read.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. Regular files only: `/dev/zero`
/// read until memory ran out, and a FIFO (or `/dev/stdin` on a terminal) waited for
/// input forever. The size is checked on the open file, and the read is bounded too,
/// in case the file grows in between.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // Opening a FIFO for reading blocks until a writer comes; non-blocking, it opens
    // at once and is refused below. Regular files ignore the flag.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            if meta.is_dir() {
                "a folder, not a file"
            } else {
                "not a regular file"
            },
        ));
    }
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("larger than the {} MiB engc reads", MAX_FILE_BYTES >> 20),
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

impl FileLoader for DiskLoader {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        read_regular(path)
    }
}

/// The parsed user files of one compilation, in load order.
pub struct Loaded {
    pub files: Vec<(FileId, ast::File)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes input bytes; invalid UTF-8 is a diagnostic at the first bad byte, and the
/// text is kept (lossily) so the diagnostic can show the line.
pub fn decode(
    sources: &mut SourceMap,
    name: String,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
) -> (FileId, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (sources.add(name, path, text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // The valid prefix is unchanged by lossy decoding; the file keeps the map
            // back to its bytes for later offsets.
            let id = sources.add_file(crate::source::SourceFile::lossy(name, path, &bytes));
            let d = Diagnostic::new(
                "E0003",
                // The bad bytes became U+FFFD (3 bytes) in the kept text.
                Span::new(id, at, at + '\u{FFFD}'.len_utf8()),
                format!("the input is not valid UTF-8 (bad byte at offset {at})"),
            )
            .label("not UTF-8")
            .help("save the file as UTF-8 text; `.eng` files are text, not binary");
            (id, Some(d))
        }
    }
}

/// Parses `roots` (already in `sources`) and, transitively, the files they `use`.
pub fn load(sources: &mut SourceMap, roots: &[FileId], loader: &dyn FileLoader) -> Loaded {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut queue: Vec<FileId> = roots.to_vec();
    let mut i = 0;
    while i < queue.len() {
        let id = queue[i];
        i += 1;
        let (ast, diags) = syntax::parse(id, &sources.get(id).text);
        diagnostics.extend(diags);
        let base = sources
            .get(id)
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        for item in &ast.items {
            let ast::Item::Use(target) = item else {
                continue;
            };
            let path = base.join(&target.node);
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if sources.find_path(&key).is_some() {
                continue; // each file once, whatever the cycles
            }
            match loader.read(&path) {
                Ok(bytes) => {
                    let (new, bad) = decode(sources, path.display().to_string(), Some(key), bytes);
                    diagnostics.extend(bad);
                    queue.push(new);
                }
                Err(e) => diagnostics.push(
                    Diagnostic::new(
                        "E0002",
                        target.span,
                        format!("cannot read `{}`: {}", target.node, io_reason(&e)),
                    )
                    .label("used here")
                    .help("`use` paths are relative to the file that uses them"),
                ),
            }
        }
        files.push((id, ast));
    }
    Loaded { files, diagnostics }
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::InvalidInput => e.to_string(),
        std::io::ErrorKind::IsADirectory => "a folder, not a file".into(),
        _ => e.to_string().to_lowercase(),
    }
}

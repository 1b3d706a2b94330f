//! Reads the input files and everything they `use`, each once, into one source map.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
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
                Code::E0003,
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

/// The most bytes one compilation reads through `use` (each file is also at most
/// [`MAX_FILE_BYTES`]): a `use` graph cannot make engc read without bound.
pub const MAX_USED_BYTES: u64 = 256 << 20;

/// Parses `roots` (already in `sources`, each with the folder its `use`s are confined
/// to) and, transitively, the files they `use`.
///
/// `use` reads only `.eng` files inside the root's folder, after symbolic links are
/// resolved: a source from an untrusted author cannot make engc read `/etc/passwd` or
/// `~/.aws/credentials` and print it in a diagnostic. A refused path is never read.
pub fn load(
    sources: &mut SourceMap,
    roots: &[(FileId, PathBuf)],
    loader: &dyn FileLoader,
    parses: &dyn crate::pipeline::Parses,
) -> Loaded {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut queue: Vec<(FileId, std::rc::Rc<PathBuf>)> = roots
        .iter()
        .map(|(id, root)| (*id, std::rc::Rc::new(root.clone())))
        .collect();
    let mut read: u64 = 0;
    let mut i = 0;
    while i < queue.len() {
        let (id, root) = queue[i].clone();
        i += 1;
        let (ast, diags) = parses.parse(id, &sources.get(id).text);
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
            let key = match confine(&path, &root) {
                Ok(key) => key,
                Err(why) => {
                    diagnostics.push(refused(target, &root, why));
                    continue;
                }
            };
            if sources.find_path(&key).is_some() {
                continue; // each file once, whatever the cycles
            }
            let bytes = loader.read(&key).and_then(|bytes| {
                read += bytes.len() as u64;
                if read > MAX_USED_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!(
                            "the files `use` reads add up to more than the {} MiB engc reads",
                            MAX_USED_BYTES >> 20
                        ),
                    ));
                }
                Ok(bytes)
            });
            match bytes {
                Ok(bytes) => {
                    let (new, bad) = decode(sources, path.display().to_string(), Some(key), bytes);
                    diagnostics.extend(bad);
                    queue.push((new, root.clone()));
                }
                Err(e) => diagnostics.push(
                    Diagnostic::new(
                        Code::E0002,
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

/// Why a `use` path is refused before it is read.
enum Refusal {
    NotEng,
    Outside(PathBuf),
}

/// The canonical path `use` may read for `path`, or why not: an `.eng` file below
/// `root` once symbolic links are resolved. A path that does not exist is confined by
/// its lexical form, and reading it then fails as any missing file does.
fn confine(path: &Path, root: &Path) -> Result<PathBuf, Refusal> {
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| lexical(path));
    if resolved.extension().is_none_or(|e| e != "eng") {
        return Err(Refusal::NotEng);
    }
    if !resolved.starts_with(root) {
        return Err(Refusal::Outside(resolved));
    }
    Ok(resolved)
}

/// `path` made absolute without `.` and `..`, for a path that does not exist.
fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn refused(target: &ast::Str, root: &Path, why: Refusal) -> Diagnostic {
    match why {
        Refusal::NotEng => Diagnostic::new(
            Code::E0002,
            target.span,
            format!("`use` reads only `.eng` files, not `{}`", target.node),
        )
        .label("not an `.eng` file")
        .help("`use` joins `.eng` files into one deployment; name one"),
        Refusal::Outside(resolved) => Diagnostic::new(
            Code::E0002,
            target.span,
            format!(
                "`{}` is outside `{}`, the folder `use` may read",
                target.node,
                root.display()
            ),
        )
        .label(if resolved.starts_with(root) {
            "outside the folder".to_string()
        } else {
            format!("resolves to `{}`", resolved.display())
        })
        .help("`use` reads only files below the folder of the file being checked; move the file there, or check with `--root DIR` for a folder that holds both"),
    }
}

/// The folder the `use`s of a root input may read: `explicit` (`--root`), else the
/// input's own folder, else (an input with no path) the current folder. Canonical.
pub fn use_root(input: Option<&Path>, explicit: Option<&Path>) -> PathBuf {
    let dir = match (explicit, input) {
        (Some(root), _) => root.to_path_buf(),
        (None, Some(p)) => p
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        (None, None) => PathBuf::from("."),
    };
    std::fs::canonicalize(&dir).unwrap_or_else(|_| lexical(&dir))
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

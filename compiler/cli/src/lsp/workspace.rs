//! Open documents, which files are compiled together, and the loader that serves open
//! buffers instead of the disk.
//!
//! A document with a `deployment` block is compiled as a root, with everything it
//! `use`s. A document without one is a fragment: it is checked as part of the root that
//! `use`s it (an open one, else one found on disk near it), and on its own only when no
//! root uses it.

use super::convert::key;
use engc_core::loader::FileLoader;
use engc_ide::lexer::{self, Tok};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

/// Largest file `use` may read (a larger one is refused rather than read).
const MAX_FILE: u64 = 16 << 20;

pub struct Doc {
    pub uri: String,
    pub version: i32,
    pub text: String,
    /// The key of its path (canonical, or normalized when not on disk); None for
    /// documents that are not files (`untitled:`).
    pub key: Option<PathBuf>,
    /// The path as the URI gives it.
    pub path: Option<PathBuf>,
    /// Whether the text declares a deployment (a root), found once per edit.
    pub deployment: bool,
}

/// Serves open documents by path, the disk otherwise. Refuses anything that is not a
/// regular file (`use "/dev/stdin"` must not read the protocol's input) or is huge.
pub struct Overlay<'a> {
    pub by_key: HashMap<&'a Path, &'a str>,
}

impl<'a> Overlay<'a> {
    pub fn new(docs: &'a BTreeMap<String, Doc>) -> Overlay<'a> {
        Overlay {
            by_key: docs
                .values()
                .filter_map(|d| Some((d.key.as_deref()?, d.text.as_str())))
                .collect(),
        }
    }

    pub fn text(&self, path: &Path) -> io::Result<String> {
        let bytes = self.read(path)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl FileLoader for Overlay<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some(t) = self.by_key.get(key(path).as_path()) {
            return Ok(t.as_bytes().to_vec());
        }
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        if meta.len() > MAX_FILE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "larger than 16 MiB",
            ));
        }
        std::fs::read(path)
    }
}

/// Whether the text declares a `deployment` (a top-level `deployment` keyword).
pub fn has_deployment(text: &str) -> bool {
    let mut depth = 0i32;
    // Tokens, not the tree: it decides how the edited text is compiled, before any parse.
    // Read one at a time: the deployment is usually at the top of a long file.
    for t in lexer::Tokens::at(text, 0) {
        match t.kind {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = (depth - 1).max(0),
            Tok::Ident if depth == 0 && t.text(text) == "deployment" => return true,
            _ => {}
        }
    }
    false
}

/// The `use "..."` targets of a text, resolved against its directory.
pub fn uses(text: &str, dir: &Path) -> Vec<PathBuf> {
    // Tokens, not the tree: files on disk near a fragment, never compiled or parsed.
    let toks: Vec<_> = lexer::tokenize(text)
        .into_iter()
        .filter(|t| !t.is_comment())
        .collect();
    let mut out = Vec::new();
    for w in toks.windows(2) {
        if w[0].kind == Tok::Ident
            && w[0].text(text) == "use"
            && w[1].kind == (Tok::Str { closed: true })
        {
            let s = w[1].text(text);
            out.push(dir.join(&s[1..s.len() - 1]));
        }
    }
    out
}

/// A file near `fragment` (in its folder or up to three folders above, or their
/// immediate subfolders, inside `bounds` when given) that declares a deployment and
/// `use`s it, directly or through other files. Reads `use` lines only; compiles nothing.
pub fn find_parent(
    fragment: &Path,
    overlay: &Overlay,
    bounds: &[PathBuf],
    skip: &HashSet<PathBuf>,
) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut dir = fragment.parent();
    for _ in 0..4 {
        let Some(d) = dir else { break };
        if !bounds.is_empty() && !bounds.iter().any(|b| d.starts_with(b)) {
            break;
        }
        dirs.push(d.to_path_buf());
        dir = d.parent();
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    let mut seen_dirs = HashSet::new();
    for d in &dirs {
        let mut sub = vec![d.clone()];
        sub.extend(list(d).into_iter().filter(|p| p.is_dir()).take(50));
        for s in sub {
            if !seen_dirs.insert(s.clone()) {
                continue;
            }
            candidates.extend(
                list(&s)
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "eng")),
            );
            if candidates.len() > 400 {
                break;
            }
        }
    }
    candidates.sort();
    let target = key(fragment);
    for c in candidates {
        let ck = key(&c);
        if ck == target || skip.contains(&ck) {
            continue;
        }
        let Ok(text) = overlay.text(&c) else { continue };
        if !has_deployment(&text) || !text.contains("use") {
            continue;
        }
        if reaches(&c, &text, &target, overlay) {
            return Some(ck);
        }
    }
    None
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .take(2000)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect()
}

/// Whether `from` (with this text) reaches `target` through `use`, in at most 64 files.
fn reaches(from: &Path, text: &str, target: &Path, overlay: &Overlay) -> bool {
    let mut queue: Vec<(PathBuf, String)> = vec![(from.to_path_buf(), text.to_string())];
    let mut seen: HashSet<PathBuf> = HashSet::new();
    while let Some((path, text)) = queue.pop() {
        if seen.len() > 64 || !seen.insert(key(&path)) {
            continue;
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for u in uses(&text, &dir) {
            if key(&u) == target {
                return true;
            }
            if let Ok(t) = overlay.text(&u) {
                queue.push((u, t));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_and_uses() {
        assert!(has_deployment("// x\ndeployment d { clouds aws }"));
        assert!(!has_deployment("network n { cidr 10.0.0.0/16 }"));
        assert!(!has_deployment("// deployment\n\"deployment\""));
        let u = uses(
            "use \"a.eng\" // use \"b.eng\"\nuse \"sub/c.eng\"",
            Path::new("/w"),
        );
        assert_eq!(
            u,
            vec![PathBuf::from("/w/a.eng"), PathBuf::from("/w/sub/c.eng")]
        );
    }

    #[test]
    fn overlay_refuses_devices() {
        let docs = BTreeMap::new();
        let o = Overlay::new(&docs);
        assert!(o.read(Path::new("/dev/zero")).is_err());
        assert!(o.read(Path::new("/dev/stdin")).is_err());
    }
}

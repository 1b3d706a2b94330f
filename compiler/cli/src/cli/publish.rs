//! Publishing a build's documents into its output folder, all or nothing, and never at
//! the cost of a file engc did not write.
//!
//! - The folder is replaced only when engc made it: it is empty, or its
//!   `manifest.json` says engc wrote it (`generator`, `format`) and lists every file
//!   in it. It is never a folder that holds an input, nor `.` or a folder above it.
//! - `-o LINK`, a symbolic link, publishes into the folder the link points to.
//! - Files are written into a staging folder beside the output, which is then swapped
//!   in: on Linux in one `renameat2(RENAME_EXCHANGE)`, so there is no moment without an
//!   output folder; elsewhere by two renames, and the next build puts back a folder a
//!   kill left aside.
//! - Builds into one folder take turns on a lock file beside it (`.NAME.engc-lock`),
//!   and each removes the staging and old folders that killed builds left.
//!
//! File system calls that change something go through [`Fs`], so tests can fail any
//! one of them.

use engc_core::backend::{OutputFile, MANIFEST_FORMAT, MANIFEST_GENERATOR, MANIFEST_PATH};
use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file system calls that change something.
pub trait Fs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Swaps two existing paths in one step; `Unsupported` where the system cannot.
    fn exchange(&self, a: &Path, b: &Path) -> io::Result<()>;
    fn remove_dir_all(&self, path: &Path) -> io::Result<()>;
}

/// The real file system.
pub struct RealFs;

impl Fs for RealFs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }
    fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        std::fs::write(path, contents)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }
    fn exchange(&self, a: &Path, b: &Path) -> io::Result<()> {
        exchange(a, b)
    }
    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir_all(path)
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that live across the call; no memory is shared.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // Old kernels and file systems without the flag.
        Some(libc::ENOSYS) | Some(libc::EINVAL) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "no atomic exchange here",
        )),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange here",
    ))
}

/// Writes `files` into `out`, replacing what a previous build wrote there. `inputs`
/// are the files the build read (never inside `out`). Errors are one line.
pub fn publish(
    out: &Path,
    files: &[OutputFile],
    inputs: &[PathBuf],
    fs: &dyn Fs,
) -> Result<(), String> {
    let out = resolve(out)?;
    guard(&out, inputs)?;
    let parent = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("`{}` cannot be an output folder", out.display()))?;
    fs.create_dir_all(&parent)
        .map_err(|e| format!("cannot create `{}`: {}", parent.display(), reason(&e)))?;
    let _lock = lock(&parent, &name, &out)?;
    recover(&parent, &name, &out, fs)?;
    replaceable(&out)?;

    if let Some(bad) = files.iter().find(|f| !relative(&f.path)) {
        return Err(format!(
            "refusing to write `{}` outside `{}`",
            bad.path,
            out.display()
        ));
    }
    let staging = parent.join(format!(".{name}.engc-new-{}", std::process::id()));
    let result = (|| {
        // Each folder is made once, its parents first: a build of many files into few
        // folders would otherwise ask the system twice per file (mkdir, then stat on
        // EEXIST), and a folder made before its parent asks three times.
        let mut made: HashSet<PathBuf> = HashSet::new();
        make_dir(&staging, &parent, &mut made, fs)?;
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                make_dir(dir, &parent, &mut made, fs)?;
            }
            fs.write(&path, f.contents.as_bytes())
                .map_err(|e| format!("cannot write `{}`: {}", path.display(), reason(&e)))?;
        }
        swap(&staging, &out, &parent, &name, fs)
    })();
    if result.is_err() {
        let _ = fs.remove_dir_all(&staging);
    }
    result
}

/// Makes `dir` and those of its parents below `base` not yet in `made`, parents first.
fn make_dir(
    dir: &Path,
    base: &Path,
    made: &mut HashSet<PathBuf>,
    fs: &dyn Fs,
) -> Result<(), String> {
    if dir == base || made.contains(dir) {
        return Ok(());
    }
    if let Some(up) = dir.parent() {
        make_dir(up, base, made, fs)?;
    }
    fs.create_dir_all(dir)
        .map_err(|e| format!("cannot create `{}`: {}", dir.display(), reason(&e)))?;
    made.insert(dir.to_path_buf());
    Ok(())
}

/// Puts the staged folder in place of `out`. After it, the old folder (if any) is at
/// `staging`'s path or an `-old-` path, and is removed.
fn swap(staging: &Path, out: &Path, parent: &Path, name: &str, fs: &dyn Fs) -> Result<(), String> {
    if !exists(out) {
        return fs
            .rename(staging, out)
            .map_err(|e| format!("cannot write `{}`: {}", out.display(), reason(&e)));
    }
    match fs.exchange(staging, out) {
        Ok(()) => {
            // `staging` now holds the previous output.
            let _ = fs.remove_dir_all(staging);
            return Ok(());
        }
        Err(e) if e.kind() != io::ErrorKind::Unsupported => {
            return Err(format!(
                "cannot replace `{}`: {}",
                out.display(),
                reason(&e)
            ));
        }
        Err(_) => {}
    }
    // Two renames; a kill between them leaves the old folder at `old`, which the next
    // build puts back (see `recover`).
    let old = parent.join(format!(".{name}.engc-old-{}", std::process::id()));
    fs.rename(out, &old)
        .map_err(|e| format!("cannot replace `{}`: {}", out.display(), reason(&e)))?;
    if let Err(e) = fs.rename(staging, out) {
        let _ = fs.rename(&old, out);
        return Err(format!("cannot write `{}`: {}", out.display(), reason(&e)));
    }
    let _ = fs.remove_dir_all(&old);
    Ok(())
}

/// A path below the output folder: relative, with plain components only.
fn relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

fn reason(e: &io::Error) -> String {
    engc_core::loader::io_reason(e)
}

/// The folder to publish into: `out` made absolute, through a symbolic link if it is
/// one (the link stays, the folder it names is updated).
fn resolve(out: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::symlink_metadata(out);
    if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        return std::fs::canonicalize(out).map_err(|_| {
            let target = std::fs::read_link(out)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            format!(
                "`{}` is a symbolic link to `{target}`, which does not exist; create that folder or point the link elsewhere",
                out.display()
            )
        });
    }
    let abs = std::path::absolute(out).map_err(|e| format!("`{}`: {e}", out.display()))?;
    // Lexically normal (no `.` or `..`), with the parent resolved where it exists, so
    // that it compares with canonical input paths.
    let mut normal = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            c => normal.push(c),
        }
    }
    match (normal.parent(), normal.file_name()) {
        (Some(parent), Some(name)) => Ok(std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or(normal.clone())),
        _ => Ok(normal),
    }
}

/// Refuses a folder that holds an input, the current folder, or one above it.
fn guard(out: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    if out.parent().is_none() {
        return Err(format!("`{}` cannot be an output folder", out.display()));
    }
    for input in inputs {
        let input = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
        if input.starts_with(out) {
            return Err(format!(
                "`{}` holds the input `{}`: engc replaces its output folder as a whole; choose a folder of its own, such as `out`",
                out.display(),
                input.display()
            ));
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) {
        if cwd.starts_with(out) {
            return Err(format!(
                "`{}` is the current folder or holds it; choose a folder of its own, such as `out`",
                out.display()
            ));
        }
    }
    Ok(())
}

/// An existing `out` may be replaced when it is an empty folder, or a folder whose
/// manifest engc wrote and which holds only the files that manifest lists.
fn replaceable(out: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    let refuse = |why: String| {
        Err(format!(
            "`{}` {why}; engc replaces only a folder it wrote, and never a file it did not",
            out.display()
        ))
    };
    if !meta.is_dir() {
        return refuse("exists and is not a folder".into());
    }
    let mut found = Vec::new();
    walk(out, out, &mut found)
        .map_err(|e| format!("cannot read `{}`: {}", out.display(), reason(&e)))?;
    if found.is_empty() {
        return Ok(());
    }
    let manifest = std::fs::read_to_string(out.join(MANIFEST_PATH)).ok();
    let Some(listed) = manifest.as_deref().and_then(engc_manifest) else {
        return refuse("is not an engc output folder (no manifest.json that engc wrote)".into());
    };
    let strangers: Vec<&String> = found
        .iter()
        .filter(|f| f.as_str() != MANIFEST_PATH && !listed.contains(f.as_str()))
        .collect();
    if let Some(first) = strangers.first() {
        let more = match strangers.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return refuse(format!(
            "holds `{first}`{more}, which its manifest does not list"
        ));
    }
    Ok(())
}

/// The files a manifest lists, when engc wrote it in a format this engc knows.
fn engc_manifest(text: &str) -> Option<BTreeSet<String>> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        generator: String,
        format: u32,
        files: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        path: String,
    }
    let m: Manifest = serde_json::from_str(text).ok()?;
    (m.generator == MANIFEST_GENERATOR && m.format <= MANIFEST_FORMAT)
        .then(|| m.files.into_iter().map(|e| e.path).collect())
}

/// Every file (and symbolic link) below `dir`, as `/`-separated paths relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let path = e.path();
        if e.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// Takes the lock of builds into `out`; waits (and says so) while another holds it.
fn lock(parent: &Path, name: &str, out: &Path) -> Result<std::fs::File, String> {
    let path = parent.join(format!(".{name}.engc-lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot create `{}`: {}", path.display(), reason(&e)))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another engc build into `{}` to finish",
                out.display()
            );
            file.lock()
                .map_err(|e| format!("cannot lock `{}`: {}", path.display(), reason(&e)))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(format!("cannot lock `{}`: {}", path.display(), reason(&e)))
        }
    }
}

/// Under the lock, no other build runs: every staging or old folder beside `out` was
/// left by a killed build. An old folder with no output folder is the previous
/// output, caught between two renames: it is put back. The rest are removed.
fn recover(parent: &Path, name: &str, out: &Path, fs: &dyn Fs) -> Result<(), String> {
    let new_prefix = format!(".{name}.engc-new-");
    let old_prefix = format!(".{name}.engc-old-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut left: Vec<(bool, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let old = n.starts_with(&old_prefix);
            (old || n.starts_with(&new_prefix)).then(|| (old, e.path()))
        })
        .collect();
    // Old folders first: putting the output back comes before any removal.
    left.sort_by_key(|(old, path)| (!old, path.clone()));
    for (old, path) in left {
        if old && !exists(out) {
            fs.rename(&path, out)
                .map_err(|e| format!("cannot restore `{}`: {}", out.display(), reason(&e)))?;
        } else {
            fs.remove_dir_all(&path)
                .map_err(|e| format!("cannot remove `{}`: {}", path.display(), reason(&e)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            target: None,
            kind: engc_core::backend::kind::POLICY,
            access: None,
            principal: None,
            ou: None,
            store: None,
            inputs: None,
            contents: contents.into(),
        }
    }

    /// A build's files: two documents and a manifest listing them.
    fn build(tag: &str) -> Vec<OutputFile> {
        let manifest = format!(
            "{{\"generator\": \"engc\", \"format\": 1, \"tag\": \"{tag}\", \"files\": [{{\"path\": \"aws/a.json\"}}, {{\"path\": \"k8s/b.yaml\"}}]}}\n"
        );
        vec![
            file("aws/a.json", &format!("{tag} a\n")),
            file("k8s/b.yaml", &format!("{tag} b\n")),
            file(MANIFEST_PATH, &manifest),
        ]
    }

    fn contents(dir: &Path) -> Vec<(String, String)> {
        let mut found = Vec::new();
        walk(dir, dir, &mut found).unwrap();
        found.sort();
        found
            .into_iter()
            .map(|f| {
                let text = std::fs::read_to_string(dir.join(&f)).unwrap();
                (f, text)
            })
            .collect()
    }

    fn expected(tag: &str) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = build(tag)
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
        v.sort();
        v
    }

    /// The real file system, with call number `fail_at` failing, and every call after
    /// it too when `die` (what a `kill -9` at that moment leaves: nothing after it
    /// happens, cleanup included). `unsupported` refuses the exchange, as systems
    /// without `renameat2` do.
    struct Faulty {
        calls: Cell<usize>,
        fail_at: usize,
        die: bool,
        unsupported: bool,
        kind: io::ErrorKind,
    }

    impl Faulty {
        fn step(&self) -> io::Result<()> {
            let n = self.calls.get();
            self.calls.set(n + 1);
            if n == self.fail_at || (self.die && n > self.fail_at) {
                return Err(io::Error::new(self.kind, "injected"));
            }
            Ok(())
        }
    }

    impl Fs for Faulty {
        fn create_dir_all(&self, p: &Path) -> io::Result<()> {
            self.step()?;
            RealFs.create_dir_all(p)
        }
        fn write(&self, p: &Path, c: &[u8]) -> io::Result<()> {
            self.step()?;
            RealFs.write(p, c)
        }
        fn rename(&self, a: &Path, b: &Path) -> io::Result<()> {
            self.step()?;
            RealFs.rename(a, b)
        }
        fn exchange(&self, a: &Path, b: &Path) -> io::Result<()> {
            self.step()?;
            if self.unsupported {
                return Err(io::Error::new(io::ErrorKind::Unsupported, "no exchange"));
            }
            RealFs.exchange(a, b)
        }
        fn remove_dir_all(&self, p: &Path) -> io::Result<()> {
            self.step()?;
            RealFs.remove_dir_all(p)
        }
    }

    /// Every call of a rebuild fails in turn, as an error (ENOSPC, EROFS) and as a kill,
    /// with and without the atomic exchange. After each: the output folder is there,
    /// whole, old or new, never missing or mixed; and the next build succeeds and
    /// leaves nothing of the failed one behind.
    #[test]
    fn a_rebuild_interrupted_anywhere_leaves_a_whole_folder() {
        let kinds = [
            io::ErrorKind::StorageFull,
            io::ErrorKind::ReadOnlyFilesystem,
            io::ErrorKind::PermissionDenied,
        ];
        let mut checked = 0;
        for unsupported in [false, true] {
            for die in [false, true] {
                for kind in kinds {
                    for fail_at in 0.. {
                        let dir = tempfile::tempdir().unwrap();
                        let out = dir.path().join("out");
                        publish(&out, &build("old"), &[], &RealFs).unwrap();
                        let fs = Faulty {
                            calls: Cell::new(0),
                            fail_at,
                            die,
                            unsupported,
                            kind,
                        };
                        let r = publish(&out, &build("new"), &[], &fs);
                        let now = if out.exists() {
                            contents(&out)
                        } else {
                            // Only a kill between the two renames of a system without
                            // the exchange leaves no folder: the old one is aside.
                            assert!(unsupported && die, "call {fail_at}: no output folder");
                            let aside = std::fs::read_dir(dir.path())
                                .unwrap()
                                .map(|e| e.unwrap().path())
                                .find(|p| p.to_string_lossy().contains(".out.engc-old-"))
                                .expect("the old folder is aside");
                            contents(&aside)
                        };
                        assert!(
                            now == expected("old") || now == expected("new"),
                            "call {fail_at} (die {die}, unsupported {unsupported}): {now:?}"
                        );
                        if r.is_ok() {
                            assert_eq!(now, expected("new"));
                        }
                        publish(&out, &build("next"), &[], &RealFs).unwrap();
                        assert_eq!(contents(&out), expected("next"));
                        let beside: Vec<String> = std::fs::read_dir(dir.path())
                            .unwrap()
                            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                            .collect();
                        assert_eq!(beside.len(), 2, "{beside:?}"); // out and the lock
                        checked += 1;
                        if fs.calls.get() <= fail_at {
                            break; // every call of this path has failed once
                        }
                    }
                }
            }
        }
        assert!(checked > 40, "{checked}");
    }

    /// Folders are made once each, however many files they hold: the output's parent,
    /// then one call per folder of the staged build, each after its parent (one mkdir).
    #[test]
    fn each_folder_is_made_once() {
        struct Counting(Cell<usize>);
        impl Fs for Counting {
            fn create_dir_all(&self, p: &Path) -> io::Result<()> {
                self.0.set(self.0.get() + 1);
                assert!(
                    p.parent().unwrap().is_dir(),
                    "{} before its parent",
                    p.display()
                );
                RealFs.create_dir_all(p)
            }
            fn write(&self, p: &Path, c: &[u8]) -> io::Result<()> {
                RealFs.write(p, c)
            }
            fn rename(&self, a: &Path, b: &Path) -> io::Result<()> {
                RealFs.rename(a, b)
            }
            fn exchange(&self, a: &Path, b: &Path) -> io::Result<()> {
                RealFs.exchange(a, b)
            }
            fn remove_dir_all(&self, p: &Path) -> io::Result<()> {
                RealFs.remove_dir_all(p)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut files = build("new");
        files.extend(["aws/c.json", "aws/d.json", "k8s/e.yaml"].map(|p| file(p, "x\n")));
        files.push(file("terraform/aws/main.tf.json", "{}\n"));
        let fs = Counting(Cell::new(0));
        publish(&out, &files, &[], &fs).unwrap();
        // The parent, the staging folder, aws, k8s, terraform, terraform/aws.
        assert_eq!(fs.0.get(), 6);
        assert_eq!(contents(&out).len(), 7);
        assert_eq!(
            std::fs::read_to_string(out.join("aws/d.json")).unwrap(),
            "x\n"
        );
    }

    /// The case the exchange was made for: the second of two renames fails and the
    /// first cannot be undone (a kill between them). The folder is aside, and the
    /// next build puts it back before anything else.
    #[test]
    fn a_folder_left_aside_by_a_kill_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        publish(&out, &build("old"), &[], &RealFs).unwrap();
        let aside = dir.path().join(".out.engc-old-99999");
        std::fs::rename(&out, &aside).unwrap();
        std::fs::create_dir(dir.path().join(".out.engc-new-99999")).unwrap();
        // A build that fails before writing still restores the folder.
        let dies = Faulty {
            calls: Cell::new(0),
            fail_at: 2,
            die: true,
            unsupported: false,
            kind: io::ErrorKind::StorageFull,
        };
        assert!(publish(&out, &build("new"), &[], &dies).is_err());
        assert_eq!(contents(&out), expected("old"));
        assert!(!aside.exists());
    }
}

//! `engc diff OLD NEW` and `engc diff --git REV FILE`: what access the second version
//! gains and loses (see [`engc_core::access::diff`]), printed on stdout; nothing is
//! printed there when either version has errors (their errors go to stderr).
//!
//! Exit status: 2 for usage and I/O (a file that cannot be read, a revision or path
//! git does not have); 1 when either version has errors, or with `--exit-code` when
//! access grows; else 0.

use super::{output, ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use crate::{Compilation, Input, Options};
use engc_core::access::diff::{self, Facts};
use engc_core::loader::{FileLoader, MAX_FILE_BYTES};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args)]
pub struct DiffArgs {
    /// OLD and NEW .eng files; with `--git REV`, one file (compared at REV and now).
    #[arg(required = true, value_name = "FILE", num_args = 1..=2)]
    files: Vec<PathBuf>,
    /// Compare FILE as it is at this git revision (and the files it `use`s, read at
    /// the same revision) with FILE as it is now.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// How to print the differences.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Exit 1 when access grows (a grant, trust or risk finding gained, a Deny or a
    /// condition lost), 0 otherwise.
    #[arg(long)]
    exit_code: bool,
    /// Set a parameter in both versions (repeatable; overrides `--set-file`).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = super::parse_set)]
    set: Vec<(String, String)>,
    /// Parameters from a JSON or YAML map of names to strings, for both versions.
    #[arg(long = "set-file", value_name = "FILE")]
    set_files: Vec<PathBuf>,
    /// The folder `use` may read files below (default: each input's own folder).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// When to colour the diagnostics printed on stderr.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// For people.
    Human,
    /// One JSON document.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
}

pub fn run(args: &DiffArgs) -> i32 {
    let common = |file: &Path| CommonArgs {
        files: vec![file.to_path_buf()],
        format: Format::Human,
        color: args.color,
        max_diagnostics: 200,
        set: args.set.clone(),
        set_files: args.set_files.clone(),
        strict: false,
        root: args.root.clone(),
        minimize: false,
        catalogs: Vec::new(),
        only_placeholders: false,
    };
    let (old, new, old_name) = match (&args.git, args.files.as_slice()) {
        (None, [old, new]) => {
            let old_c = match output::compile_with_options(&common(old), Default::default()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            (old_c, new.clone(), old.display().to_string())
        }
        (Some(rev), [file]) => match at_revision(&common(file), rev, file) {
            Ok((c, name)) => (c, file.clone(), name),
            Err(code) => return code,
        },
        (None, _) => {
            eprintln!("error: `engc diff` compares two files: `engc diff OLD NEW` (or `engc diff --git REV FILE`)");
            return EXIT_USAGE;
        }
        (Some(_), _) => {
            eprintln!(
                "error: `engc diff --git REV` takes one file, compared at REV and as it is now"
            );
            return EXIT_USAGE;
        }
    };
    let new_name = new.display().to_string();
    let new = match output::compile_with_options(&common(&new), Default::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let old_facts = facts(&common(Path::new(&old_name)), &old);
    let new_facts = facts(&common(Path::new(&new_name)), &new);
    let (Some(old_facts), Some(new_facts)) = (old_facts, new_facts) else {
        eprintln!("diff failed: fix the errors above; nothing compared");
        return EXIT_INPUT;
    };
    for (name, f) in [(&old_name, &old_facts), (&new_name, &new_facts)] {
        if let Some(why) = &f.too_large {
            eprintln!("error: `{name}` is too large to compare: {why}");
            return EXIT_USAGE;
        }
    }
    let d = diff::diff(&old_facts, &new_facts);
    let text = match args.format {
        DiffFormat::Human => crate::diff::human(&d, &old_name, &new_name),
        DiffFormat::Json => crate::diff::json(&d, &old_name, &new_name),
        DiffFormat::Markdown => crate::diff::markdown(&d, &old_name, &new_name),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        eprintln!("error: writing the diff: {e}");
        return EXIT_USAGE;
    }
    if args.exit_code && d.grows {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// The facts of one version, or `None` after printing its errors (warnings are not the
/// diff's business: new risk findings are part of the diff).
fn facts(args: &CommonArgs, (c, options): &(Compilation, Options)) -> Option<Facts> {
    if c.has_errors() {
        let errors: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        output::print_list(args, &c.sources, &errors);
        return None;
    }
    Facts::of(c, options)
}

/// Compiles `file` as it is at `rev`, its `use`s read at `rev` too; with the name its
/// diagnostics and the diff give it (`REV:path`).
fn at_revision(
    args: &CommonArgs,
    rev: &str,
    file: &Path,
) -> Result<((Compilation, Options), String), i32> {
    let fail = |msg: String| {
        eprintln!("error: {msg}");
        EXIT_USAGE
    };
    if rev.starts_with('-') || rev.is_empty() {
        return Err(fail(format!("`{rev}` is not a git revision")));
    }
    let dir = match file.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    let dir = std::fs::canonicalize(&dir)
        .map_err(|e| fail(format!("cannot read `{}`: {e}", dir.display())))?;
    let top = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        fail(format!(
            "`{}` is not in a git repository: {e}",
            file.display()
        ))
    })?;
    let top = String::from_utf8_lossy(&top).trim_end().to_string();
    let root = std::fs::canonicalize(&top).map_err(|e| fail(format!("`{top}`: {e}")))?;
    let commit = format!("{rev}^{{commit}}");
    git(&root, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        fail(format!(
            "`{rev}` is no revision of the repository at `{top}`"
        ))
    })?;
    let Some(name) = file.file_name() else {
        return Err(fail(format!("`{}` is not a file", file.display())));
    };
    let loader = GitLoader {
        root,
        rev: rev.to_string(),
    };
    let bytes = loader.read(&dir.join(name)).map_err(|e| {
        fail(format!(
            "cannot read `{}` at `{rev}`: {}",
            file.display(),
            engc_core::loader::io_reason(&e)
        ))
    })?;
    let shown = format!("{rev}:{}", file.display());
    let input = Input {
        name: shown.clone(),
        path: Some(file.to_path_buf()),
        bytes,
    };
    let (c, _, options) =
        output::compile_loaded(args, vec![input], &loader, Default::default(), &[])?;
    Ok(((c, options), shown))
}

/// Reads files as they are at a revision of the repository whose top folder is `root`
/// (canonical): `git cat-file blob REV:PATH`, so a folder or a missing path is an error.
struct GitLoader {
    root: PathBuf,
    rev: String,
}

impl FileLoader for GitLoader {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let rel = path.strip_prefix(&self.root).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("outside the git repository `{}`", self.root.display()),
            )
        })?;
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let object = format!("{}:{}", self.rev, rel.join("/"));
        let bytes = git(&self.root, &["cat-file", "blob", &object]).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no such file at `{}`", self.rev),
            )
        })?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("larger than the {} MiB engc reads", MAX_FILE_BYTES >> 20),
            ));
        }
        Ok(bytes)
    }
}

/// Runs git in `dir`; its stdout, or an error when it fails or cannot start.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

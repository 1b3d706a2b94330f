//! `engc import FILE|DIR... [-o FILE]`: AWS, GCP, Azure and Kubernetes documents back
//! into one `.eng` file (see `engc_core::import`). A folder that `engc build` wrote is
//! read through its `manifest.json`; another folder for every JSON and YAML file in
//! it. The result is formatted like `engc fmt`. Nothing is written when an input has
//! an error, and `-o` refuses to replace a file without `--force`.

use super::{output, ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use engc_core::import::{import, ImportInput, ImportOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// JSON or YAML documents, or folders (an `engc build` output folder is read
    /// through its manifest.json).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write the .eng file here instead of stdout (atomically).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the `-o` file if it exists.
    #[arg(long)]
    force: bool,
    /// The deployment's name when no manifest.json gives it.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Make the access levels of hand-written documents `unscoped` with this reason
    /// (default: `scoped`, so that `engc check` reports every grant a scoped level
    /// must not make).
    #[arg(long, value_name = "REASON")]
    unscoped: Option<String>,
    /// Write abstract grants (`read store s3_1`) where the statements equal what one
    /// writes, instead of the statements.
    #[arg(long = "abstract")]
    abstract_form: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human diagnostics.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

/// What `engc build` writes that import reads back; the rest is derived from these.
const BUILD_KINDS: &[&str] = &[
    "policy",
    "inline-policy",
    "trust-policy",
    "role",
    "managed-policies",
    "custom-role",
    "role-bindings",
    "impersonation-bindings",
    "role-definition",
    "rbac",
    "bucket-policy",
    "key-policy",
    "scp",
    "resource-bindings",
    "builtin-assignments",
];

pub fn run(args: &ImportArgs) -> i32 {
    let paths = match expand(&args.files) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut inputs = Vec::new();
    for p in &paths {
        match output::read_regular(p) {
            Ok(bytes) => inputs.push(ImportInput {
                name: p.display().to_string(),
                bytes,
            }),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if let Some(out) = &args.output {
        if out.exists() && !args.force {
            eprintln!(
                "error: `{}` exists; pass --force to replace it",
                out.display()
            );
            return EXIT_USAGE;
        }
    }
    let opts = ImportOptions {
        name: args.name.clone(),
        unscoped: args.unscoped.clone(),
        abstract_form: args.abstract_form,
    };
    let imported = import(inputs, &opts);
    let printer = CommonArgs {
        files: Vec::new(),
        format: args.format,
        color: args.color,
        max_diagnostics: 200,
        set: Vec::new(),
        set_files: Vec::new(),
        strict: false,
        root: None,
        minimize: false,
        catalogs: Vec::new(),
        only_placeholders: false,
    };
    let counts = output::print_list(&printer, &imported.sources, &imported.diagnostics);
    let Some(text) = imported.text.filter(|_| counts.errors == 0) else {
        output::summary(&printer, "import", counts, Some("nothing written"));
        return EXIT_INPUT;
    };
    let text = engc_ide::format::format(&text);
    match &args.output {
        Some(path) => {
            if let Err(e) = write_new(path, &text, args.force) {
                eprintln!("error: writing `{}`: {e}", path.display());
                return EXIT_USAGE;
            }
            let done = format!("wrote {}", path.display());
            output::summary(&printer, "import", counts, Some(&done));
        }
        None => {
            if args.format == Format::Human {
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
            output::summary(&printer, "import", counts, None);
        }
    }
    EXIT_OK
}

/// The files to read: files as named; a build folder's files through its manifest;
/// another folder's `.json`, `.yaml` and `.yml` files, recursively, sorted.
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for a in args {
        if !a.is_dir() {
            out.push(a.clone());
            continue;
        }
        let manifest = a.join("manifest.json");
        if manifest.is_file() {
            out.push(manifest.clone());
            let bytes = output::read_regular(&manifest)?;
            let m: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| format!("`{}`: {e}", manifest.display()))?;
            for f in m["files"].as_array().into_iter().flatten() {
                let (Some(path), Some(kind)) = (f["path"].as_str(), f["kind"].as_str()) else {
                    continue;
                };
                let script = path.ends_with(".assign.sh");
                if (BUILD_KINDS.contains(&kind) || script) && !path.contains("..") {
                    out.push(a.join(path));
                }
            }
            continue;
        }
        walk(a, &mut out, 0).map_err(|e| format!("reading `{}`: {e}", a.display()))?;
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let ft = std::fs::symlink_metadata(&p)?.file_type();
        if ft.is_dir() {
            walk(&p, out, depth + 1)?;
        } else if ft.is_file()
            && p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Writes `text` to `path` through a temporary file and a rename; without `force`, a
/// file that appeared meanwhile is not replaced.
fn write_new(path: &Path, text: &str, force: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let tmp = dir.join(format!(
        ".{}.engc-import-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let done = (|| {
        std::fs::write(&tmp, text)?;
        if force {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link fails when `path` exists: no race with another writer.
            std::fs::hard_link(&tmp, path)
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    done
}

//! `engc build FILE... -o DIR`: writes every document, or nothing at all.
//!
//! Files are written into a fresh folder beside DIR and swapped in only when all of
//! them are written, so a failed build leaves an existing DIR exactly as it was.

use super::{output, CommonArgs, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use crate::backend::{self, Target};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The output folder (replaced as a whole on success).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: PathBuf,
    /// Only these targets (comma-separated): aws, gcp, azure, k8s, network.
    #[arg(long, value_delimiter = ',', value_parser = parse_target)]
    target: Vec<Target>,
}

fn parse_target(s: &str) -> Result<Target, String> {
    Target::parse(s)
        .ok_or_else(|| format!("unknown target `{s}` (expected aws, gcp, azure, k8s or network)"))
}

pub fn run(args: &BuildArgs) -> i32 {
    let targets: BTreeSet<Target> = if args.target.is_empty() {
        Target::ALL.into_iter().collect()
    } else {
        args.target.iter().copied().collect()
    };
    let c = match output::compile(&args.common, targets) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let code = output::report(&args.common, &c, "build");
    if code != EXIT_OK {
        return code;
    }
    if c.model.is_none() {
        return EXIT_INPUT;
    }
    let files = &c.outputs;
    match write_all(&args.out, files) {
        Ok(()) => {
            if args.common.format == super::Format::Human {
                eprintln!("wrote {} files to {}", files.len(), args.out.display());
            }
            EXIT_OK
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            EXIT_USAGE
        }
    }
}

fn write_all(out: &Path, files: &[backend::OutputFile]) -> Result<(), String> {
    if out.exists() {
        let is_engc = out.join("manifest.json").is_file()
            || std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !out.is_dir() || !is_engc {
            return Err(format!(
                "`{}` exists and is not an engc output folder (no manifest.json); refusing to replace it",
                out.display()
            ));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{name}.engc-new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.engc-old-{}", std::process::id()));
    let result = (|| {
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
            }
            std::fs::write(&path, &f.contents)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
        if out.exists() {
            std::fs::rename(out, &old)
                .map_err(|e| format!("cannot replace `{}`: {e}", out.display()))?;
        }
        if let Err(e) = std::fs::rename(&staging, out) {
            let _ = std::fs::rename(&old, out);
            return Err(format!("cannot write `{}`: {e}", out.display()));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

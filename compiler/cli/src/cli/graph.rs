//! `engc graph FILE... [-o FILE]`: the access graph as Graphviz DOT (see
//! [`crate::graph`]). Written only when the input has no error.

use super::{output, ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct GraphArgs {
    /// The .eng files (files they `use` are read too).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write the DOT to this file instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
    /// Set a parameter: `--set region=us-east-1` (repeatable; overrides `--set-file`).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = super::parse_set)]
    set: Vec<(String, String)>,
    /// Parameters from a JSON or YAML map of names to strings (repeatable).
    #[arg(long = "set-file", value_name = "FILE")]
    set_files: Vec<PathBuf>,
    /// The folder `use` may read files below (default: each input's own folder).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// When to colour the diagnostics printed on stderr.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

pub fn run(args: &GraphArgs) -> i32 {
    let common = CommonArgs {
        files: args.files.clone(),
        format: Format::Human,
        color: args.color,
        max_diagnostics: 200,
        set: args.set.clone(),
        set_files: args.set_files.clone(),
        strict: false,
        root: args.root.clone(),
        minimize: false,
        catalogs: Vec::new(),
    };
    // No documents are asked for: the graph is drawn from the checked model.
    let (c, options) = match output::compile_with_options(&common, Default::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let counts = output::print_diagnostics(&common, &c);
    let Some(text) = (counts.errors == 0)
        .then(|| crate::graph::dot(&c, &options))
        .flatten()
    else {
        output::summary(&common, "graph", counts, Some("nothing written"));
        return EXIT_INPUT;
    };
    match &args.out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                eprintln!("error: writing the graph: {e}");
                return EXIT_USAGE;
            }
            if counts.warnings > 0 {
                output::summary(&common, "graph", counts, None);
            }
            EXIT_OK
        }
        Some(path) => match write_whole(path, &text) {
            Ok(()) => {
                let wrote = format!("wrote {}", path.display());
                output::summary(&common, "graph", counts, Some(&wrote));
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                EXIT_USAGE
            }
        },
    }
}

/// Writes `text` beside `path`, then renames it over `path`: the file is the old one
/// or the new one, never half of either.
pub(super) fn write_whole(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".engc-new-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

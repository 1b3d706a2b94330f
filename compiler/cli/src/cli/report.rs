//! `engc report FILE... [-o FILE]`: the reviewer's page (see [`crate::report`]), on
//! stdout or written whole to a file. Written only when the input has no error.

use super::{output, ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The .eng files (files they `use` are read too).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write the page to this file instead of stdout (replaced whole, or left as it
    /// was when there is an error).
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

pub fn run(args: &ReportArgs) -> i32 {
    if let Some(out) = &args.out {
        if out.is_dir() {
            eprintln!(
                "error: `{}` is a folder; name the page's file, such as `{}`",
                out.display(),
                out.join("report.html").display()
            );
            return EXIT_USAGE;
        }
        if out.file_name().is_none() {
            eprintln!("error: `{}` names no file", out.display());
            return EXIT_USAGE;
        }
    }
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
    let (c, options) = match output::compile_with_options(&common, Default::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let counts = output::print_diagnostics(&common, &c);
    let Some(page) = (counts.errors == 0)
        .then(|| crate::report::html(&c, &options))
        .flatten()
    else {
        output::summary(&common, "report", counts, Some("nothing written"));
        return EXIT_INPUT;
    };
    match &args.out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(page.as_bytes())
                .and_then(|_| stdout.flush())
            {
                eprintln!("error: writing the report: {e}");
                return EXIT_USAGE;
            }
            if counts.warnings > 0 {
                output::summary(&common, "report", counts, None);
            }
            EXIT_OK
        }
        Some(path) => match super::graph::write_whole(path, &page) {
            Ok(()) => {
                let wrote = format!("wrote {}", path.display());
                output::summary(&common, "report", counts, Some(&wrote));
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                EXIT_USAGE
            }
        },
    }
}

//! `engc report FILE... [-o FILE]`: the reviewer's page (see [`crate::report`]), on
//! stdout or written whole to a file. Written only when the input has no error.

use super::view::{self, SourceArgs};
use super::EXIT_USAGE;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Write the page to this file instead of stdout (replaced whole, or left as it
    /// was when there is an error).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
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
    view::run(
        &args.source,
        args.out.as_deref(),
        "report",
        crate::report::html,
    )
}

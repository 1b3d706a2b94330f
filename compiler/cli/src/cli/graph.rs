//! `engc graph FILE... [-o FILE]`: the access graph as Graphviz DOT (see
//! [`crate::graph`]). Written only when the input has no error.

use super::view::{self, SourceArgs};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Write the DOT to this file instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(args: &GraphArgs) -> i32 {
    view::run(
        &args.source,
        args.out.as_deref(),
        "graph",
        crate::graph::dot,
    )
}

//! `engc build FILE... -o DIR`: writes every document, or nothing at all (see
//! [`publish`] for what DIR may be and how it is replaced).

use super::{batch, output, publish, CommonArgs, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use engc_core::backend::Target;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The output folder (replaced as a whole on success).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: PathBuf,
    /// Only these targets (comma-separated): aws, gcp, azure, k8s, network, terraform,
    /// cloudformation.
    #[arg(long, value_delimiter = ',', value_parser = parse_target)]
    target: Vec<Target>,
    /// Build for many customers: a JSON or YAML map from customer name (a folder name:
    /// letters, digits, `.`, `_`, `-`) to a map of parameter values; writes
    /// DIR/<customer>/ for each.
    #[arg(long, value_name = "FILE")]
    customers: Option<PathBuf>,
}

fn parse_target(s: &str) -> Result<Target, String> {
    Target::parse(s)
        .ok_or_else(|| {
            format!("unknown target `{s}` (expected aws, gcp, azure, k8s, network, terraform or cloudformation)")
        })
}

pub fn run(args: &BuildArgs) -> i32 {
    let targets: BTreeSet<Target> = if args.target.is_empty() {
        Target::ALL.into_iter().collect()
    } else {
        args.target.iter().copied().collect()
    };
    if let Some(file) = &args.customers {
        return batch::run(&args.common, targets, file, &args.out);
    }
    let c = match output::compile(&args.common, targets) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let code = publish_compiled(args, &c);
    // The process exits next (`main`): the system takes the memory back at once, where
    // freeing it piece by piece costs 2% of the Chalk example's build (as in `check`).
    std::mem::forget(c);
    code
}

/// Prints the diagnostics of `c` and, when it has no errors, writes its documents.
fn publish_compiled(args: &BuildArgs, c: &engc_core::Compilation) -> i32 {
    let counts = output::print_diagnostics(&args.common, c);
    if counts.errors > 0 || c.model.is_none() {
        output::summary(&args.common, "build", counts, None);
        return EXIT_INPUT;
    }
    let files = &c.outputs;
    let inputs: Vec<PathBuf> = c
        .sources
        .files()
        .filter_map(|(_, f)| f.path.clone())
        .collect();
    match publish::publish(&args.out, files, &inputs, &publish::RealFs) {
        Ok(()) => {
            let wrote = format!("wrote {} files to {}", files.len(), args.out.display());
            output::summary(&args.common, "build", counts, Some(&wrote));
            EXIT_OK
        }
        Err(msg) => {
            // No "no problems" line before it: the build did not happen.
            eprintln!("error: {msg}");
            EXIT_USAGE
        }
    }
}

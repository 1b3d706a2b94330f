//! Command-line interface: clap parsing and the subcommands. Exit codes: 0 clean or
//! warnings only, 1 input errors, 2 usage or I/O errors.

mod batch;
mod build;
mod catalog;
mod check;
mod diff;
pub(crate) mod explain;
mod fmt;
mod graph;
mod import;
mod output;
pub mod publish;
mod report;
mod view;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser)]
#[command(
    name = "engc",
    version,
    about = "Checks .eng deployment descriptions and compiles them into cloud access documents",
    after_long_help = "Exit status: 0 when there is no error (warnings allowed), 1 for errors in the \
input, 2 for usage or I/O errors. A failed build writes nothing and leaves existing outputs as \
they were. `engc explain CODE` explains a diagnostic code."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and print diagnostics; writes nothing.
    Check(CommonArgs),
    /// Check files and write every document to an output folder.
    Build(build::BuildArgs),
    /// Rewrite files in the canonical layout (`--check`: only report the ones that
    /// are not); files with syntax errors are formatted too.
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, or list them all.
    Explain(explain::ExplainArgs),
    /// Draw who can do what as Graphviz DOT: principals, their access levels, and the
    /// stores and engines each level grants on (`engc graph x.eng | dot -Tsvg`).
    Graph(graph::GraphArgs),
    /// Read AWS policies and trust policies, GCP custom roles, Azure role definitions and
    /// Kubernetes RBAC (files, or a folder `engc build` wrote) into one .eng file.
    Import(import::ImportArgs),
    /// Write one self-contained HTML page for a reviewer: what each principal can do on
    /// each cloud by access level and service, the findings, the acknowledgements and
    /// the network plan (`engc report x.eng -o report.html`).
    Report(report::ReportArgs),
    /// What access NEW gains and loses against OLD, per principal and cloud, with the
    /// risk findings that are new (`--git REV FILE`: FILE at REV against FILE now).
    Diff(diff::DiffArgs),
    /// Serve diagnostics and editor features over stdio (Language Server Protocol).
    Lsp(LspArgs),
    /// Look up a permission, action, operation or Kubernetes resource in the catalogs.
    Catalog(catalog::CatalogArgs),
    /// Print a shell completion script: `engc completions bash > /etc/bash_completion.d/engc`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command to a folder:
    /// `engc man --out /usr/local/share/man/man1`.
    Man(ManArgs),
}

#[derive(clap::Args)]
struct ManArgs {
    /// Write engc.1 and engc-COMMAND.1 into this folder instead of printing engc.1.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// `engc lsp` speaks over stdio only. Clients pass the transport they expect
/// (vscode-languageclient adds `--stdio`, some add `--clientProcessId=N`), so both are
/// accepted; any other transport is refused by clap with exit 2.
#[derive(clap::Args, Clone)]
struct LspArgs {
    /// Use stdin and stdout (the default and only transport).
    #[arg(long)]
    stdio: bool,
    /// The client's process id (accepted for compatibility; the server exits when the
    /// client closes stdin).
    #[arg(long = "clientProcessId", value_name = "PID", hide = true)]
    client_process_id: Option<u32>,
}

#[derive(clap::Args, Clone)]
pub struct CommonArgs {
    /// The .eng files (files they `use` are read too).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human diagnostics (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Print at most this many diagnostics for people, errors first (0: all). JSON
    /// and SARIF output always have all of them.
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_diagnostics: usize,
    /// Set a parameter: `--set region=us-east-1` (repeatable; overrides `--set-file`).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// Parameters from a JSON or YAML map of names to strings (repeatable; later files
    /// override earlier ones).
    #[arg(long = "set-file", value_name = "FILE")]
    set_files: Vec<PathBuf>,
    /// Treat parameters left as placeholders in the documents as errors (W0117).
    #[arg(long)]
    strict: bool,
    /// The folder `use` may read files below (default: each input's own folder).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Compress action lists into wildcards that match exactly the granted actions.
    #[arg(long)]
    minimize: bool,
    /// A full GCP or Azure catalog (`gcloud iam list-testable-permissions --format=json`
    /// or `az provider operation list --output json`) to check names against.
    #[arg(long = "catalog", value_name = "FILE")]
    catalogs: Vec<PathBuf>,
    /// Set by `check`, which writes nothing: the documents are only looked through for
    /// placeholders ([`engc_core::pipeline::Options::only_placeholders`]).
    #[arg(skip)]
    only_placeholders: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// For people, on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_set(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, "")) if !k.is_empty() => Err(format!(
            "`{k}` is given an empty value; to leave it a placeholder, leave `--set {k}` out"
        )),
        Some((k, v)) if !k.is_empty() => {
            output::template_free(k, v, "`--set`")?;
            Ok((k.to_string(), v.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Runs the CLI on `args` (including the program name) and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Catalog(args) => catalog::run(&args),
        Command::Lsp(_) => crate::lsp::run(),
        Command::Completions(args) => {
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "engc", &mut std::io::stdout());
            EXIT_OK
        }
        Command::Man(args) => {
            let cmd = Cli::command();
            let done = match &args.out {
                Some(dir) => clap_mangen::generate_to(cmd, dir),
                None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout()),
            };
            match done {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: writing the manual pages: {e}");
                    EXIT_USAGE
                }
            }
        }
    }
}

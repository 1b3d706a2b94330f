//! Shared by the subcommands: reading inputs, compiling, printing diagnostics.

use super::{ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use crate::diag::{render, Severity};
use crate::{Compilation, Input, Options};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Write};

/// Reads the named files; an unreadable input is a usage/I-O failure (exit 2).
pub fn read_inputs(args: &CommonArgs) -> Result<Vec<Input>, i32> {
    let mut inputs = Vec::new();
    for path in &args.files {
        match std::fs::read(path) {
            Ok(bytes) => inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path.clone()),
                bytes,
            }),
            Err(e) => {
                eprintln!(
                    "error: cannot read `{}`: {}",
                    path.display(),
                    crate::loader::io_reason(&e)
                );
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(inputs)
}

pub fn compile(args: &CommonArgs) -> Result<Compilation, i32> {
    let inputs = read_inputs(args)?;
    let mut options = Options {
        set: args.set.iter().cloned().collect(),
        minimize: args.minimize,
        ..Options::default()
    };
    for path in &args.catalogs {
        load_catalog(path, &mut options)?;
    }
    let c = crate::compile(inputs, &crate::loader::DiskLoader, &options);
    // `--set` of a parameter nobody declared is a usage mistake, not an input error.
    if let Some(dep) = c
        .files
        .iter()
        .flat_map(|(_, f)| &f.items)
        .find_map(|i| match i {
            crate::syntax::ast::Item::Deployment(d) => Some(d),
            _ => None,
        })
    {
        for (k, _) in &args.set {
            let declared = dep.params.iter().any(|p| &p.name.node == k)
                || crate::check::params::IMPLICIT.contains(&k.as_str());
            if !declared {
                eprintln!(
                    "error: `--set {k}=...` names no parameter of deployment `{}`",
                    dep.name.node
                );
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(c)
}

/// Prints diagnostics (stderr for people, stdout for `--format json`) and returns
/// the exit code they imply.
pub fn report(args: &CommonArgs, c: &Compilation, what: &str) -> i32 {
    let errors = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    match args.format {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(render::json(&c.sources, &c.diagnostics).as_bytes());
        }
        Format::Human => {
            let choice = match args.color {
                ColorWhen::Always => ColorChoice::Always,
                ColorWhen::Never => ColorChoice::Never,
                ColorWhen::Auto => {
                    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                        || !std::io::stderr().is_terminal()
                    {
                        ColorChoice::Never
                    } else {
                        ColorChoice::Auto
                    }
                }
            };
            let mut err = StandardStream::stderr(choice);
            let _ = render::human(&mut err, &c.sources, &c.diagnostics);
            let summary = match (errors, warnings) {
                (0, 0) => format!("{what}: no problems"),
                (0, w) => format!("{what}: {w} warning{}", plural(w)),
                (e, w) => format!(
                    "{what} failed: {e} error{}, {w} warning{}",
                    plural(e),
                    plural(w)
                ),
            };
            let _ = writeln!(err, "{summary}");
        }
    }
    if errors > 0 {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Reads a `--catalog` file: a GCP permission list or an Azure operation list, told
/// apart by trying both forms.
fn load_catalog(path: &std::path::Path, options: &mut Options) -> Result<(), i32> {
    use crate::catalog::{azure, gcp};
    use std::sync::Arc;
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!(
            "error: cannot read `{}`: {}",
            path.display(),
            crate::loader::io_reason(&e)
        );
        super::EXIT_USAGE
    })?;
    match (gcp::Catalog::parse(&text), azure::Catalog::parse(&text)) {
        (Ok(g), _) if !g.is_empty() => options.gcp_catalog = Some(Arc::new(g)),
        (_, Ok(a)) if !a.is_empty() => options.azure_catalog = Some(Arc::new(a)),
        (g, a) => {
            let why = g
                .err()
                .or(a.err())
                .unwrap_or_else(|| "it lists nothing".into());
            eprintln!(
                "error: `{}` is neither a GCP permission list nor an Azure operation list: {why}",
                path.display()
            );
            return Err(super::EXIT_USAGE);
        }
    }
    Ok(())
}

//! Shared by the subcommands: reading inputs, compiling, printing diagnostics.

use super::{ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use crate::render;
use crate::{Compilation, Input, Options};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};
use engc_core::diag::Diagnostic;
use engc_core::diag::Severity;
use std::io::{IsTerminal, Write};

/// Reads a file the user named: a regular file (not a FIFO, a device or a folder) of
/// at most [`engc_core::loader::MAX_FILE_BYTES`]. Errors are one line for `error: ...`.
pub fn read_regular(path: &std::path::Path) -> Result<Vec<u8>, String> {
    engc_core::loader::read_regular(path).map_err(|e| {
        format!(
            "cannot read `{}`: {}",
            path.display(),
            engc_core::loader::io_reason(&e)
        )
    })
}

/// Reads the named files; an unreadable input is a usage/I-O failure (exit 2).
pub fn read_inputs(args: &CommonArgs) -> Result<Vec<Input>, i32> {
    let mut inputs = Vec::new();
    for path in &args.files {
        match read_regular(path) {
            Ok(bytes) => inputs.push(Input {
                name: path.display().to_string(),
                path: Some(path.clone()),
                bytes,
            }),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(inputs)
}

/// Parameter values in the order given (later ones win): (name, value).
type Values = Vec<(String, String)>;
/// Where each value came from: (name, `` `--set name=...` `` or `` `FILE` ``).
type Sources = Vec<(String, String)>;

/// The parameter values of `--set-file` and `--set` (which wins), with where each came
/// from.
fn parameter_values(args: &CommonArgs) -> Result<(Values, Sources), String> {
    let mut values: Vec<(String, String)> = Vec::new();
    let mut from: Vec<(String, String)> = Vec::new();
    for path in &args.set_files {
        let bytes = read_regular(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("`{}` is not UTF-8 text", path.display()))?;
        let map: std::collections::BTreeMap<String, serde_yaml::Value> =
            serde_yaml::from_str(&text).map_err(|e| {
                format!(
                    "`{}` is not a JSON or YAML map of parameter names to strings: {e}",
                    path.display()
                )
            })?;
        let source = format!("`{}`", path.display());
        for (k, value) in value_map(map, &source)? {
            values.push((k.clone(), value));
            from.push((k, source.clone()));
        }
    }
    for (k, v) in &args.set {
        values.push((k.clone(), v.clone()));
        from.push((k.clone(), format!("`--set {k}=...`")));
    }
    Ok((values, from))
}

/// The parameter values of a map read from a file (`--set-file`, one customer of
/// `--customers`): strings, not empty, without `${` or `%{`. `source` names the file
/// in errors.
pub fn value_map(
    map: std::collections::BTreeMap<String, serde_yaml::Value>,
    source: &str,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (k, v) in map {
        let value = match v {
            serde_yaml::Value::String(s) if !s.is_empty() => s,
            serde_yaml::Value::String(_) => {
                return Err(format!(
                    "{source} gives `{k}` an empty value; to leave it a placeholder, leave it out"
                ))
            }
            _ => {
                return Err(format!(
                    "{source}: the value of `{k}` is not a string; quote it (numbers such as account ids lose their leading zeros)"
                ))
            }
        };
        template_free(&k, &value, source)?;
        out.push((k, value));
    }
    Ok(out)
}

/// A value from outside the source may not hold `${` or `%{`.
pub fn template_free(name: &str, value: &str, source: &str) -> Result<(), String> {
    match engc_core::resolve::params::template_in_value(value) {
        None => Ok(()),
        Some(found) => Err(format!(
            "{source}: the value of `{name}` holds `{found}`; values cannot hold `${{` or `%{{` (the tools that apply the documents would read them as a placeholder or a template)"
        )),
    }
}

/// Compiles the inputs. `outputs`: the targets whose documents `build` writes (`check`
/// asks for all of them), so parameters left as placeholders are reported.
pub fn compile(
    args: &CommonArgs,
    outputs: std::collections::BTreeSet<engc_core::backend::Target>,
) -> Result<Compilation, i32> {
    compile_batch(args, outputs, &[]).map(|(c, _)| c)
}

/// [`compile`], then each customer's documents (`build --customers`).
pub fn compile_batch(
    args: &CommonArgs,
    outputs: std::collections::BTreeSet<engc_core::backend::Target>,
    customers: &[engc_core::pipeline::Customer],
) -> Result<(Compilation, Vec<engc_core::pipeline::Checked>), i32> {
    compile_full(args, outputs, customers).map(|(c, per_customer, _)| (c, per_customer))
}

/// [`compile`], with the options it compiled with (`graph` expands the source again
/// with the same parameter values).
pub fn compile_with_options(
    args: &CommonArgs,
    outputs: std::collections::BTreeSet<engc_core::backend::Target>,
) -> Result<(Compilation, Options), i32> {
    compile_full(args, outputs, &[]).map(|(c, _, options)| (c, options))
}

pub type Compiled = (Compilation, Vec<engc_core::pipeline::Checked>, Options);

fn compile_full(
    args: &CommonArgs,
    outputs: std::collections::BTreeSet<engc_core::backend::Target>,
    customers: &[engc_core::pipeline::Customer],
) -> Result<Compiled, i32> {
    let inputs = read_inputs(args)?;
    compile_loaded(
        args,
        inputs,
        &engc_core::loader::DiskLoader,
        outputs,
        customers,
    )
}

/// [`compile_full`] of inputs already read, whose `use`s `loader` reads (`diff --git`
/// reads them at a revision).
pub fn compile_loaded(
    args: &CommonArgs,
    inputs: Vec<Input>,
    loader: &dyn engc_core::loader::FileLoader,
    outputs: std::collections::BTreeSet<engc_core::backend::Target>,
    customers: &[engc_core::pipeline::Customer],
) -> Result<Compiled, i32> {
    if let Some(root) = &args.root {
        if !root.is_dir() {
            eprintln!("error: `--root {}` is not a folder", root.display());
            return Err(EXIT_USAGE);
        }
    }
    let (values, from) = parameter_values(args).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    let mut options = Options {
        set: values.iter().cloned().collect(),
        set_from: from.into_iter().collect(),
        minimize: args.minimize,
        outputs: Some(outputs),
        strict: args.strict,
        only_placeholders: args.only_placeholders,
        use_root: args.root.clone(),
        unset: customers
            .iter()
            .flat_map(|c| c.set.keys().cloned())
            .collect(),
        ..Options::default()
    };
    for path in &args.catalogs {
        load_catalog(path, &mut options)?;
    }
    let (c, per_customer) = engc_core::compile_batch(inputs, loader, &options, customers);
    // A value for a parameter nobody declared is a usage mistake, not an input error.
    if let Some(dep) = c
        .files
        .iter()
        .flat_map(|(_, f)| &f.items)
        .find_map(|i| match i {
            engc_core::syntax::ast::Item::Deployment(d) => Some(d),
            _ => None,
        })
    {
        let known: Vec<&str> = dep
            .params
            .iter()
            .map(|p| p.name.node.as_str())
            .chain(engc_core::resolve::params::IMPLICIT.iter().copied())
            .collect();
        let given = values
            .iter()
            .map(|(k, _)| (k, options.set_from.get(k)))
            .chain(
                customers
                    .iter()
                    .flat_map(|c| c.set.keys().map(move |k| (k, c.set_from.get(k)))),
            );
        for (k, from) in given {
            if !known.contains(&k.as_str()) {
                let source = from.map(String::as_str).unwrap_or("--set");
                let hint = match engc_core::diag::closest(k, known.iter().copied()) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => format!(
                        "; its parameters are {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                eprintln!(
                    "error: {source} names `{k}`, which is no parameter of deployment `{}`{hint}",
                    dep.name.node
                );
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok((c, per_customer, options))
}

/// How many errors and warnings a compilation reported.
#[derive(Clone, Copy)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn exit_code(self) -> i32 {
        if self.errors > 0 {
            EXIT_INPUT
        } else {
            EXIT_OK
        }
    }
}

/// Prints diagnostics and the summary line; returns the exit code they imply.
pub fn report(args: &CommonArgs, c: &Compilation, what: &str) -> i32 {
    let counts = print_diagnostics(args, c);
    summary(args, what, counts, None);
    counts.exit_code()
}

/// Prints diagnostics: for people on stderr (buffered, and at most
/// `--max-diagnostics` of them, errors first), for tools on stdout (all of them).
pub fn print_diagnostics(args: &CommonArgs, c: &Compilation) -> Counts {
    print_list(args, &c.sources, &c.diagnostics)
}

/// [`print_diagnostics`] of a list (one customer's, in a batch build).
pub fn print_list(
    args: &CommonArgs,
    sources: &engc_core::source::SourceMap,
    diagnostics: &[Diagnostic],
) -> Counts {
    let counts = Counts {
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    };
    match args.format {
        Format::Json => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let _ = render::write_json(&mut out, sources, diagnostics);
            let _ = out.flush();
        }
        Format::Sarif => {
            let cwd = std::env::current_dir().ok();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let _ = crate::sarif::write_sarif(&mut out, sources, diagnostics, cwd.as_deref());
            let _ = out.flush();
        }
        Format::Human => {
            let shown = capped(diagnostics, args.max_diagnostics);
            let mut err = BufferedStandardStream::stderr(color_choice(args));
            let _ = render::human(&mut err, sources, &shown);
            let hidden = diagnostics.len() - shown.len();
            if hidden > 0 {
                let _ = writeln!(
                    err,
                    "... and {hidden} more diagnostic{} not shown (--max-diagnostics {}; 0 shows all)\n",
                    plural(hidden),
                    args.max_diagnostics
                );
            }
            let _ = err.flush();
        }
    }
    counts
}

/// At most `max` diagnostics (0: all), errors before warnings, in source order;
/// borrowed when all are shown.
fn capped(diags: &[Diagnostic], max: usize) -> std::borrow::Cow<'_, [Diagnostic]> {
    if max == 0 || diags.len() <= max {
        return std::borrow::Cow::Borrowed(diags);
    }
    let mut picked: Vec<usize> = (0..diags.len()).collect();
    picked.sort_by_key(|&i| (diags[i].severity != Severity::Error, i));
    picked.truncate(max);
    picked.sort_unstable();
    std::borrow::Cow::Owned(picked.into_iter().map(|i| diags[i].clone()).collect())
}

fn color_choice(args: &CommonArgs) -> ColorChoice {
    match args.color {
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
    }
}

/// The last line for people: what the diagnostics add up to, and `then` (what was
/// done) when given. Nothing for `--format json` or `sarif`.
pub fn summary(args: &CommonArgs, what: &str, counts: Counts, then: Option<&str>) {
    if args.format != Format::Human {
        return;
    }
    let mut line = match (counts.errors, counts.warnings) {
        (0, 0) => format!("{what}: no problems"),
        (0, w) => format!("{what}: {w} warning{}", plural(w)),
        (e, w) => format!(
            "{what} failed: {e} error{}, {w} warning{}",
            plural(e),
            plural(w)
        ),
    };
    if let Some(then) = then {
        line.push_str("; ");
        line.push_str(then);
    }
    eprintln!("{line}");
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
    use engc_core::catalog::{azure, gcp};
    use std::sync::Arc;
    let bytes = read_regular(path).map_err(|e| {
        eprintln!("error: {e}");
        super::EXIT_USAGE
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        eprintln!("error: `{}` is not UTF-8 text", path.display());
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

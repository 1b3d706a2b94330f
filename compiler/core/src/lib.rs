//! engc-core: checks `.eng` deployment descriptions and compiles them into AWS IAM
//! policies, GCP custom roles, Azure role definitions and Kubernetes RBAC.
//!
//! It does no output I/O: [`compile`] turns sources into diagnostics and files in
//! memory; the command line and the language server (the `engc` crate) decide what to
//! do with them. The stages, in order: [`syntax`] (parse), [`resolve`] (declarations,
//! names, parameters), [`check`] (the checks), [`lower`] (the [`model`]), [`acks`], and
//! [`backend`] (documents); [`pipeline`] runs them.

pub mod access;
pub mod acks;
pub mod backend;
pub mod byte_search;
pub mod catalog;
pub mod check;
pub mod diag;
pub mod fast_hash;
pub mod import;
pub mod loader;
pub mod lower;
pub mod memo;
pub mod model;
pub mod pipeline;
pub mod resolve;
pub mod shared;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod vocab;

use crate::diag::Code;
use diag::Diagnostic;
use loader::FileLoader;
use source::{FileId, SourceMap};
use std::path::PathBuf;
use syntax::ast;

pub use pipeline::Options;

/// One input: a path (read through the loader) or text already in memory.
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
}

pub struct Compilation {
    pub sources: SourceMap,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Present only when there is no error.
    pub model: Option<model::Model>,
    /// The documents, when `options.outputs` asked for them and there is no error.
    pub outputs: Vec<backend::OutputFile>,
    /// The user's parsed files (for the editor features).
    pub files: Vec<(FileId, ast::File)>,
    /// The parsed standard library.
    pub stdlib: Vec<(FileId, ast::File)>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The user's files as the checks saw them: `include` and `if` expanded with the
    /// parameter values of `options` (the ones it was compiled with). For the tools that
    /// read a compilation without errors again (graph, report, diff): nothing is
    /// reported a second time. [`resolve::include::Expanded::decls`] gives the
    /// declarations.
    pub fn expanded(&self, options: &Options) -> resolve::include::Expanded<'_> {
        let deployment = self
            .files
            .iter()
            .flat_map(|(_, f)| &f.items)
            .find_map(|i| match i {
                ast::Item::Deployment(d) => Some(d),
                _ => None,
            });
        let params = resolve::decls::params(deployment, options);
        resolve::include::expand(&self.files, &params, &options.unset, &mut Vec::new())
    }

    /// The document written at `path` (`aws/ops.policy.json`), if any.
    pub fn output(&self, path: &str) -> Option<&backend::OutputFile> {
        backend::find(&self.outputs, path)
    }
}

/// Parses and checks `inputs` (and what they `use`) against the standard library.
pub fn compile(inputs: Vec<Input>, loader: &dyn FileLoader, options: &Options) -> Compilation {
    compile_batch(inputs, loader, options, &[]).0
}

/// [`compile`] with the syntax trees from `parses` (the language server keeps those of
/// unchanged files).
pub fn compile_with(
    inputs: Vec<Input>,
    loader: &dyn FileLoader,
    options: &Options,
    parses: &dyn pipeline::Parses,
) -> Compilation {
    compile_parsed(inputs, loader, options, &[], parses).0
}

/// [`compile`] once, then each customer's documents from the shared model (see
/// [`pipeline::run_batch`]). The customers' results are empty when the source has
/// errors.
pub fn compile_batch(
    inputs: Vec<Input>,
    loader: &dyn FileLoader,
    options: &Options,
    customers: &[pipeline::Customer],
) -> (Compilation, Vec<pipeline::Checked>) {
    compile_parsed(inputs, loader, options, customers, &pipeline::Fresh)
}

fn compile_parsed(
    inputs: Vec<Input>,
    loader: &dyn FileLoader,
    options: &Options,
    customers: &[pipeline::Customer],
    parses: &dyn pipeline::Parses,
) -> (Compilation, Vec<pipeline::Checked>) {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let ids: Vec<FileId> = stdlib::FILES
        .iter()
        .map(|(name, text)| sources.add(name.to_string(), None, text.to_string()))
        .collect();
    // Prepared ahead of time; parsed only when the prepared trees do not fit.
    let stdlib: Vec<(FileId, ast::File)> = match stdlib::prepared(&ids) {
        Some(files) => ids.into_iter().zip(files).collect(),
        None => ids
            .into_iter()
            .zip(stdlib::FILES)
            .map(|(id, (_, text))| {
                let (file, diags) = parses.parse(id, text);
                diagnostics.extend(diags);
                (id, file)
            })
            .collect(),
    };
    let mut roots = Vec::new();
    for input in inputs {
        let key = input
            .path
            .as_ref()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
        if key.as_ref().is_some_and(|k| sources.find_path(k).is_some()) {
            continue; // the same file named twice
        }
        let root = loader::use_root(key.as_deref(), options.use_root.as_deref());
        let (id, bad) = loader::decode(&mut sources, input.name, key, input.bytes);
        diagnostics.extend(bad);
        roots.push((id, root));
    }
    let loaded = loader::load(&mut sources, &roots, loader, parses);
    diagnostics.extend(loaded.diagnostics);
    let memo = parses.memo().map(|m| {
        memo::Context::new(
            m,
            stdlib.iter().map(|(id, _)| *id),
            &loaded.files,
            &|id| sources.get(id).text.as_str(),
            pipeline::options_hash(options),
        )
    });
    let (checked, per_customer) =
        pipeline::run_batch_with(&stdlib, &loaded.files, options, customers, memo.as_ref());
    drop(memo);
    let (model, mut outputs, mut check_diags) =
        (checked.model, checked.outputs, checked.diagnostics);
    // A deployment block lost to a syntax error is already reported.
    if diagnostics
        .iter()
        .any(|d| d.code == Code::E0001 || d.code == Code::E0003)
    {
        check_diags.retain(|d| d.code != Code::E0004);
    }
    diagnostics.extend(check_diags);
    diag::sort(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let model = if failed {
        outputs.clear();
        None
    } else {
        model
    };
    let compilation = Compilation {
        sources,
        diagnostics,
        model,
        outputs,
        files: loaded.files,
        stdlib,
    };
    (compilation, if failed { Vec::new() } else { per_customer })
}

/// Convenience for tests and tools: compile one in-memory source.
pub fn compile_str(name: &str, text: &str, options: &Options) -> Compilation {
    compile(
        vec![Input {
            name: name.to_string(),
            path: None,
            bytes: text.as_bytes().to_vec(),
        }],
        &loader::DiskLoader,
        options,
    )
}

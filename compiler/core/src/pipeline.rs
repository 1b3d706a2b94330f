//! The pipeline after parsing: resolve names, run every check, lower the syntax tree
//! into the [`Model`](crate::model::Model) the backends read, apply acknowledgements,
//! and emit the documents when asked. All problems are reported in one run; the model
//! is produced only when there is no error.

use crate::acks;
use crate::check::{
    aws_catalog, aws_dead, aws_statements, bindings, cidr, cloud_catalogs, cloud_names, k8s,
    limits, netrules, placeholders, relations, resource_policies, risk, roles, scope_by, values,
};
use crate::lower::{self, minimize};
use crate::resolve::{decls, include};

use crate::backend::{OutputFile, Target};
use crate::diag::Diagnostic;
use crate::model::Model;
use crate::source::FileId;
use crate::syntax::{self, ast};
use std::collections::{BTreeMap, BTreeSet};

/// Where a compilation gets the syntax tree of each file it reads (the standard
/// library's and the user's): parsed afresh ([`Fresh`]), or kept from an earlier
/// compilation by the language server, which re-parses only the files an edit changed.
/// A parse depends only on the file's id and text, so an implementation may return any
/// earlier result for the same pair.
pub trait Parses {
    /// The syntax tree of `text` as file `id`, and its syntax diagnostics.
    fn parse(&self, id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>);

    /// Access levels lowered by earlier compilations, if the implementation keeps them.
    fn memo(&self) -> Option<&crate::memo::Memo> {
        None
    }
}

/// Parses every file.
pub struct Fresh;

impl Parses for Fresh {
    fn parse(&self, id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
        syntax::parse(id, text)
    }
}

#[derive(Clone, Default)]
pub struct Options {
    /// `--set name=value`: parameter values.
    pub set: BTreeMap<String, String>,
    /// Where each value of `set` came from, for diagnostics (`` `--set region=...` ``,
    /// `` `acme.json` ``); a value without an entry came from `--set`.
    pub set_from: BTreeMap<String, String>,
    /// `--minimize`: compress action lists into wildcards proved against the catalog.
    pub minimize: bool,
    /// `--catalog FILE`: the full GCP permission list, instead of the built-in subset.
    pub gcp_catalog: Option<std::sync::Arc<crate::catalog::gcp::Catalog>>,
    /// `--catalog FILE`: the full Azure operation list, instead of the built-in subset.
    pub azure_catalog: Option<std::sync::Arc<crate::catalog::azure::Catalog>>,
    /// The targets to emit documents for (`check` and `build`; not the editor). The
    /// documents are returned, and parameters left as placeholders in them are W0117.
    pub outputs: Option<BTreeSet<Target>>,
    /// `--strict`: placeholders left in written documents are errors.
    pub strict: bool,
    /// `engc check`: the documents of `outputs` are only looked through for
    /// placeholders (W0117), never returned, so none is kept.
    pub only_placeholders: bool,
    /// `--root DIR`: the folder `use` may read below; else each input's own folder.
    pub use_root: Option<std::path::PathBuf>,
    /// Parameters left as placeholders whatever their default or `--set` value says: a
    /// batch build (`--customers`) fills them per customer.
    pub unset: BTreeSet<String>,
}

/// One customer of a batch build: a name and the parameter values it gives.
#[derive(Clone, Debug, Default)]
pub struct Customer {
    pub name: String,
    pub set: BTreeMap<String, String>,
    /// Where each value came from (`` `customers.yaml` (acme) ``), for diagnostics.
    pub set_from: BTreeMap<String, String>,
}

/// What checking gives: the model and the documents when there is no error, and the
/// diagnostics.
pub struct Checked {
    pub model: Option<Model>,
    pub outputs: Vec<OutputFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks the user's files against the standard library and lowers them; emits the
/// documents when `options.outputs` asks for them.
pub fn run(
    stdlib: &[(FileId, ast::File)],
    user: &[(FileId, ast::File)],
    options: &Options,
) -> Checked {
    run_batch(stdlib, user, options, &[]).0
}

/// [`run`] once for the source, then for each customer only what its values change:
/// the model is checked and lowered once (the parameters customers set left as
/// placeholders), then per customer its values are checked where they land, filled
/// into a copy of the model, and the backends run (W0117 and `--strict` per customer).
/// The shared result has no outputs when there are customers.
pub fn run_batch(
    stdlib: &[(FileId, ast::File)],
    user: &[(FileId, ast::File)],
    options: &Options,
    customers: &[Customer],
) -> (Checked, Vec<Checked>) {
    run_batch_with(stdlib, user, options, customers, None)
}

/// [`run_batch`], reusing the lowered access levels `memo` kept.
pub fn run_batch_with(
    stdlib: &[(FileId, ast::File)],
    user: &[(FileId, ast::File)],
    options: &Options,
    customers: &[Customer],
    memo: Option<&crate::memo::Context>,
) -> (Checked, Vec<Checked>) {
    let mut diags = Vec::new();
    // `include` and `if` first: everything after sees plain access levels.
    let deployment = user
        .iter()
        .flat_map(|(_, f)| &f.items)
        .find_map(|i| match i {
            ast::Item::Deployment(d) => Some(d),
            _ => None,
        });
    let expanded = include::expand(
        user,
        &decls::params(deployment, options),
        &options.unset,
        &mut diags,
    );
    let mut decls = decls::collect(stdlib, &expanded.files, &mut diags);
    decls.inclusions = expanded.inclusions;
    let params = decls.params(options);
    decls.check_references(&params, &mut diags);
    values::check(&decls, &params, &mut diags);

    let networks = decls.network_inputs();
    cidr::check(&networks, &mut diags);
    // The base of generated names, as the backends make it (`terraform::aws::base_name`).
    let base = params
        .value("prefix")
        .map(|(p, _)| p.to_string())
        .filter(|p| !p.contains("${"))
        .or_else(|| decls.deployment.map(|d| d.name.node.clone()))
        .unwrap_or_default()
        .to_lowercase()
        .replace('_', "-");
    netrules::check(&networks, &base, &mut diags);
    k8s::check(&decls, &mut diags);
    aws_statements::check(&decls, &mut diags);
    scope_by::check(&decls, &mut diags);
    aws_catalog::check(&decls, &mut diags);
    aws_dead::check_with(&decls, &mut diags, memo);
    resource_policies::check(&decls, &params, &mut diags);
    cloud_names::check(&decls, &mut diags);
    bindings::check(&decls, &params, &mut diags);
    cloud_catalogs::check(&decls, options, &mut diags);

    let mut model = lower::lower_with(&decls, &params, &mut diags, memo);
    model.deployment.modes = expanded.modes;
    relations::check(&decls, &model, &mut diags);
    risk::check_with(&decls, &model, &mut diags, memo);
    roles::check(&decls, &model, &mut diags);
    if options.minimize {
        minimize::minimize(&mut model);
    }
    // After minimizing: the limits apply to what is written.
    let limits_memo = memo.filter(|_| !options.minimize);
    limits::check_with(&decls, &model, &mut diags, limits_memo);
    resource_policies::sizes(&decls, &model, &mut diags);
    let shared_outputs = options.outputs.as_ref().filter(|_| customers.is_empty());
    let shared = finish(&decls, model, shared_outputs, options, diags, acks::apply);
    let per_customer = match &shared.model {
        Some(model) => customers
            .iter()
            .map(|c| customer(&decls, model, options, c))
            .collect(),
        None => Vec::new(),
    };
    (shared, per_customer)
}

/// A hash of everything in `options` that lowering may read.
pub(crate) fn options_hash(o: &Options) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &o.set,
        &o.set_from,
        &o.unset,
        o.minimize,
        o.strict,
        o.only_placeholders,
        &o.use_root,
    )
        .hash(&mut h);
    o.outputs.hash(&mut h);
    o.gcp_catalog
        .as_ref()
        .map(std::sync::Arc::as_ptr)
        .hash(&mut h);
    o.azure_catalog
        .as_ref()
        .map(std::sync::Arc::as_ptr)
        .hash(&mut h);
    h.finish()
}

/// One customer of [`run_batch`]: its values checked, filled into the shared model, the
/// documents emitted.
fn customer(decls: &decls::Decls, model: &Model, options: &Options, c: &Customer) -> Checked {
    let mut o = Options {
        unset: BTreeSet::new(),
        ..options.clone()
    };
    o.set
        .extend(c.set.iter().map(|(k, v)| (k.clone(), v.clone())));
    o.set_from
        .extend(c.set_from.iter().map(|(k, v)| (k.clone(), v.clone())));
    let params = decls.params(&o);
    let mut diags = Vec::new();
    values::check(decls, &params, &mut diags);
    let mut model = model.clone();
    model.fill(&|s| params.render(s));
    let targets = options.outputs.as_ref();
    finish(
        decls,
        model,
        targets,
        options,
        diags,
        acks::remove_acknowledged,
    )
}

/// The end of a run, shared by the source and each customer: the documents emitted
/// when `targets` asks and nothing is wrong, acknowledgements (`acks`: reported, or
/// only removed for a customer, whose source was judged once), `--strict`, sorted
/// diagnostics; no model and no outputs when an error remains.
fn finish(
    decls: &decls::Decls,
    model: Model,
    targets: Option<&BTreeSet<Target>>,
    options: &Options,
    mut diags: Vec<Diagnostic>,
    acks: fn(&decls::Decls, &mut Vec<Diagnostic>),
) -> Checked {
    let mut outputs = Vec::new();
    if let Some(targets) = targets {
        if !diags.iter().any(Diagnostic::is_error) {
            let found = if options.only_placeholders {
                crate::backend::placeholders(&model, targets)
            } else {
                outputs = crate::backend::emit(&model, targets);
                placeholders::find(&outputs)
            };
            placeholders::check(decls, found, &mut diags);
        }
    }
    acks(decls, &mut diags);
    include::decorate(&decls.inclusions, &mut diags);
    if options.strict {
        placeholders::promote(&mut diags);
    }
    crate::diag::sort(&mut diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    if !ok {
        outputs.clear();
    }
    Checked {
        model: ok.then_some(model),
        outputs,
        diagnostics: diags,
    }
}

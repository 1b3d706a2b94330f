//! What an abstract grant expands to: the checker's own lowering, run on an access
//! level that holds only that grant, so the answer is exactly what the build emits.

use crate::Analysis;
use engc_core::lower;
use engc_core::model;
use engc_core::resolve::decls;
use engc_core::syntax::ast;
use std::collections::BTreeMap;

/// The lowered access level holding only `grant` (restricted to the name `only` when
/// given), or None when nothing resolves.
pub fn expand_grant(
    a: &Analysis,
    access: &ast::Access,
    grant: &ast::AbstractGrant,
    only: Option<&str>,
) -> Option<model::Access> {
    let mut g = grant.clone();
    if let Some(name) = only {
        g.names.retain(|n| n.node == name);
    }
    let mut synthetic = access.clone();
    synthetic.grants = vec![g];
    synthetic.aws.clear();
    synthetic.aws_managed.clear();
    synthetic.gcp_permissions.clear();
    synthetic.gcp_roles.clear();
    synthetic.azure = ast::AzureLists::default();
    synthetic.azure_scopes.clear();
    synthetic.k8s.clear();
    synthetic.acks.clear();

    let mut ignored = Vec::new();
    let mut d = decls::collect(&a.comp.stdlib, &a.comp.files, &mut ignored);
    let params = d.params(&a.options);
    d.accesses = BTreeMap::from([(synthetic.name.node.as_str(), &synthetic)]);
    d.scps.clear();
    let m = lower::lower(&d, &params, &mut ignored);
    m.accesses.into_iter().next().map(model::Shared::into_inner)
}

/// The deployment's target clouds, as the checker sees them.
pub fn clouds(a: &Analysis) -> Vec<ast::Cloud> {
    let mut ignored = Vec::new();
    decls::collect(&a.comp.stdlib, &a.comp.files, &mut ignored).clouds()
}

//! GCP permissions and Azure operations against their catalogs. The built-in catalogs
//! hold only what the standard library uses, so "unknown name" needs the full list
//! from `--catalog FILE`; what a built-in entry says (support in custom roles, data
//! action or not) is checked either way.

use crate::catalog::{azure, gcp, query, Names, Query};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::resolve::decls::Decls;
use crate::syntax::ast::Str;
use crate::Options;

/// A name the `--catalog` list lacks, in the catalogs' one wording.
fn unknown<C: Names>(cat: &C, code: Code, s: &Str) -> Diagnostic {
    let u = match query(cat, &s.node) {
        Query::Unknown(u) => u,
        _ => unreachable!("called for names the catalog lacks"),
    };
    let mut d =
        Diagnostic::new(code, s.span, u.message::<C>()).label("not in the `--catalog` list");
    if let Some(fix) = &u.suggestion {
        d = d.suggest(
            s.span,
            format!("\"{fix}\""),
            format!("did you mean `{fix}`?"),
        );
    }
    d
}

pub fn check(decls: &Decls, options: &Options, diags: &mut Vec<Diagnostic>) {
    // Built on first use: a deployment without GCP or Azure names never loads them.
    let gcp = || {
        options
            .gcp_catalog
            .as_deref()
            .unwrap_or_else(|| gcp::Catalog::builtin())
    };
    let azure = || {
        options
            .azure_catalog
            .as_deref()
            .unwrap_or_else(|| azure::Catalog::builtin())
    };
    for a in decls.accesses.values() {
        for p in &a.gcp_permissions {
            gcp_permission(gcp(), p, diags);
        }
        for op in a.azure.actions.iter().chain(&a.azure.not_actions) {
            azure_operation(azure(), op, false, diags);
        }
        for op in a.azure.data_actions.iter().chain(&a.azure.not_data_actions) {
            azure_operation(azure(), op, true, diags);
        }
    }
}

fn gcp_permission(cat: &gcp::Catalog, p: &Str, diags: &mut Vec<Diagnostic>) {
    if !crate::check::cloud_names::valid_gcp_permission(&p.node) {
        return; // E0403 already
    }
    match cat.get(&p.node) {
        Some(perm) if perm.custom_roles == gcp::Support::NotSupported => diags.push(
            Diagnostic::new(Code::E0414, p.span, format!("custom roles cannot include `{}`", p.node))
                .label("NOT_SUPPORTED in custom roles")
                .help("`gcloud iam roles create` rejects it; grant a predefined role that contains it instead (`gcp role \"roles/...\"`)"),
        ),
        Some(_) => {}
        None if !cat.is_builtin() => diags.push(unknown(cat, Code::E0413, p)),
        None => {}
    }
}

fn azure_operation(cat: &azure::Catalog, op: &Str, data: bool, diags: &mut Vec<Diagnostic>) {
    if !crate::check::cloud_names::valid_azure_operation(&op.node) || op.node == "*" {
        return;
    }
    if op.node.contains('*') {
        if !cat.is_builtin() && cat.matching(&op.node).is_empty() {
            diags.push(unknown(cat, Code::E0416, op));
        }
        return;
    }
    match cat.get(&op.node) {
        Some(o) if o.is_data_action != data => {
            let (is, belongs) = if o.is_data_action {
                ("a data action", "azure data_actions")
            } else {
                ("a control-plane action", "azure actions")
            };
            diags.push(
                Diagnostic::new(Code::E0415, op.span, format!("`{}` is {is}", op.node))
                    .label(format!("belongs in `{belongs}`"))
                    .help(format!(
                        "move it to `{belongs} [...]`: Azure ignores it where it is"
                    )),
            );
        }
        Some(_) => {}
        None if !cat.is_builtin() => diags.push(unknown(cat, Code::E0416, op)),
        None => {}
    }
}

//! `scope by` lines that cannot work whatever is granted: E0132 (`tag` without a
//! managed tag), E0133 (in an unscoped level), E0131 (a store's `name` mode without a
//! name or prefix). What depends on the grant (E0130, W0130, E0131 from a level or the
//! deployment) is found where grants are lowered.

use crate::diag::{Code, Diagnostic};
use crate::resolve::decls::Decls;
use crate::syntax::ast::{Scope, ScopeBy};

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let dep = decls.deployment;
    let has_tag = dep.is_some_and(|d| d.managed_tag.is_some());
    let has_prefix = dep.is_some_and(|d| d.name_prefix.is_some());
    let no_tag = |by: &ScopeBy, diags: &mut Vec<Diagnostic>| {
        if by.mode.tag() && !has_tag {
            diags.push(
                Diagnostic::new(
                    Code::E0132,
                    by.span,
                    format!(
                        "`scope by {}` without a `managed_tag` in the deployment",
                        by.mode.as_str()
                    ),
                )
                .label("which tag?")
                .help("declare it in the deployment: `managed_tag \"vendor.com/managed\" = \"true\"`, or `scope by name`"),
            );
        }
    };
    if let Some(by) = dep.and_then(|d| d.scope_by.as_ref()) {
        no_tag(by, diags);
    }
    for s in decls.stores.values() {
        let Some(by) = &s.scope_by else { continue };
        no_tag(by, diags);
        if by.mode.name() && s.resource_name.is_none() && !has_prefix {
            diags.push(
                Diagnostic::new(
                    Code::E0131,
                    by.span,
                    format!(
                        "`scope by {}` but store `{}` has no name",
                        by.mode.as_str(),
                        s.name.node
                    ),
                )
                .label("no name pattern bounds its ARNs")
                .help("give the store a `name \"PATTERN\"` or the deployment a `name_prefix`"),
            );
        }
    }
    for a in decls.accesses.values() {
        let Some(by) = &a.scope_by else { continue };
        if let Scope::Unscoped(_) = &a.scope.node {
            diags.push(
                Diagnostic::new(
                    Code::E0133,
                    by.span,
                    format!("`scope by` in the unscoped level `{}`", a.name.node),
                )
                .label("an unscoped level grants on `*`: nothing is bounded")
                .with_secondary(a.scope.span, "unscoped here")
                .help("remove the `scope by` line, or make the level `scoped`"),
            );
            continue;
        }
        no_tag(by, diags);
    }
}

//! GCP: the inner level's permissions and roles, by set inclusion.

use super::{Ctx, Gap};
use std::collections::BTreeSet;

pub(super) fn gcp_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
    let outer_name = ctx.outer_name();
    let perms: BTreeSet<&str> = ctx
        .outer
        .gcp
        .permissions
        .iter()
        .map(String::as_str)
        .collect();
    for p in &ctx.inner.gcp.permissions {
        if !perms.contains(p.as_str()) {
            out.push(Gap {
                span: ctx.find(&ctx.ast.gcp_permissions, p),
                message: format!("GCP permission `{p}` is not granted by `{outer_name}`"),
                note: None,
                deny: None,
            });
        }
    }
    let roles: BTreeSet<&str> = ctx.outer.gcp.roles.iter().map(String::as_str).collect();
    for r in &ctx.inner.gcp.roles {
        if !roles.contains(r.as_str()) {
            out.push(Gap {
                span: ctx.find(&ctx.ast.gcp_roles, r),
                message: format!("GCP role `{r}` is not bound by `{outer_name}`"),
                note: None,
                deny: None,
            });
        }
    }
}

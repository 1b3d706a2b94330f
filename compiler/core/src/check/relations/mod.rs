//! `within OTHER`: proves that one access level grants nothing the other does not.
//!
//! `access ongoing ... { within setup }` claims that every permission `ongoing` grants,
//! `setup` grants too. Both levels are read from the lowered [`Model`] (abstract grants
//! already expanded) and compared cloud by cloud; each grant of the inner level that the
//! outer one does not cover is E0701, and `within` naming its own level is E0702.
//!
//! - AWS: every `Allow` of the inner level is cut into (action, resource) items, its
//!   wildcards expanded through the catalog when the wildcard as a whole is not covered.
//!   An item is covered by an outer `Allow` whose actions cover the action, whose
//!   resources cover the resource (glob match, the inner `*` taken literally, so
//!   `arn:aws:s3:::shop*` covers `arn:aws:s3:::shop-data*`) and whose conditions every
//!   request meeting the inner conditions meets too. An outer `Deny` that may apply to
//!   the item breaks it, unless the inner level denies at least as much itself. AWS
//!   managed policies of the inner level must be attached by the outer one
//!   (`AdministratorAccess` covers everything).
//! - GCP: permissions and roles, by set inclusion.
//! - Azure: each action and data action must be matched by an outer one (glob, ignoring
//!   case) without an outer `not_actions` entry taking part of it away; each assignable
//!   scope must lie within an outer scope.
//! - Kubernetes: each (namespace, group, resource, verb, name) of an inner rule must be
//!   granted by an outer ClusterRole or by an outer Role of the same namespace, `*`
//!   honoured.
//!
//! The outer level's grants are indexed (by action, by service or provider, by
//! Kubernetes group and resource), so each inner item looks at the few outer grants that
//! can cover it; the proof is sound (it never misses a grant the outer level lacks) and
//! may report a grant whose coverage depends on semantics it does not model, such as
//! numeric conditions.
//!
//! This file holds the entry [`check`], the gaps and their report; `sets` the glob
//! covering, sets, indexes and conditions they are proved with; `aws`, `gcp`, `azure`
//! and `k8s` the gaps of each cloud.

mod aws;
mod azure;
mod gcp;
mod k8s;
mod sets;
#[cfg(test)]
mod tests;

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::model::{Access, Model};
use crate::resolve::decls::Decls;
use crate::source::Span;
use crate::syntax::ast::{self, Cloud};
use aws::aws_gaps;
use azure::azure_gaps;
use gcp::gcp_gaps;
use k8s::k8s_gaps;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many uncovered grants are reported per (level, `within`) pair.
const MAX_REPORTED: usize = 10;

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    let by_name: BTreeMap<&str, &Access> = model
        .accesses
        .iter()
        .map(|a| (a.name.as_str(), &**a))
        .collect();
    for (name, ast_inner) in &decls.accesses {
        let mut seen = BTreeSet::new();
        for within in &ast_inner.within {
            if within.node == *name {
                diags.push(
                    Diagnostic::new(
                        Code::E0702,
                        within.span,
                        format!("access level `{name}` is declared within itself"),
                    )
                    .label("`within` names its own level")
                    .help("name the broader level this one must stay inside, or remove this line"),
                );
                continue;
            }
            // Unknown names and other kinds of declaration are E0101/E0103 already.
            if !decls.accesses.contains_key(within.node.as_str())
                || !seen.insert(within.node.as_str())
            {
                continue;
            }
            let (Some(inner), Some(outer)) = (by_name.get(name), by_name.get(within.node.as_str()))
            else {
                continue;
            };
            let gaps = gaps(&model.deployment.clouds, ast_inner, inner, outer);
            report(ast_inner, within, gaps, diags);
        }
    }
}

/// One grant of the inner level that the outer level does not cover.
#[derive(Debug)]
struct Gap {
    /// Where the inner level grants it; None when it comes from abstract grants (or
    /// cannot be traced to one string), reported on the level's name.
    span: Option<Span>,
    message: String,
    note: Option<String>,
    /// An outer `Deny` statement that may take it away.
    deny: Option<Span>,
}

fn report(
    ast_inner: &ast::Access,
    within: &ast::Name,
    gaps: Vec<Gap>,
    diags: &mut Vec<Diagnostic>,
) {
    let inner = ast_inner.name.node.as_str();
    let outer = within.node.as_str();
    let total = gaps.len();
    for (i, gap) in gaps.into_iter().take(MAX_REPORTED).enumerate() {
        let (span, label) = match gap.span {
            Some(span) => (span, format!("`{inner}` grants it here")),
            None => match ast_inner.grants.as_slice() {
                [only] => (
                    only.span,
                    format!("`{inner}` grants it through this abstract grant"),
                ),
                _ => (
                    ast_inner.name.span,
                    format!("`{inner}` grants it through its abstract grants"),
                ),
            },
        };
        let mut d = Diagnostic::new(Code::E0701, span, gap.message)
            .label(label)
            .with_secondary(
                within.span,
                format!("`{inner}` is declared within `{outer}` here"),
            );
        if let Some(deny) = gap.deny {
            d = d
                .with_secondary(deny, format!("this `deny` of `{outer}` may take it away"))
                .help(format!(
                    "narrow the `deny` in `{outer}`, deny the same in `{inner}`, or remove the grant from `{inner}`"
                ));
        } else {
            d = d.help(format!(
                "grant it in `{outer}` too, or remove it from `{inner}`"
            ));
        }
        if let Some(note) = gap.note {
            d = d.note(note);
        }
        if i + 1 == MAX_REPORTED && total > MAX_REPORTED {
            d = d.note(format!(
                "{} more grants of `{inner}` are not covered by `{outer}` ({total} in all); \
                 only the first {MAX_REPORTED} are reported",
                total - MAX_REPORTED
            ));
        }
        diags.push(d);
    }
}

/// Everything `inner` grants that `outer` does not, in the inner level's order, each
/// grant once. Clouds the deployment does not target grant nothing (W0109).
fn gaps(clouds: &[Cloud], ast_inner: &ast::Access, inner: &Access, outer: &Access) -> Vec<Gap> {
    let mut out = Vec::new();
    let ctx = Ctx {
        ast: ast_inner,
        inner,
        outer,
    };
    if clouds.contains(&Cloud::Aws) {
        aws_gaps(&ctx, &mut out);
    }
    if clouds.contains(&Cloud::Gcp) {
        gcp_gaps(&ctx, &mut out);
    }
    if clouds.contains(&Cloud::Azure) {
        azure_gaps(&ctx, &mut out);
    }
    k8s_gaps(&ctx, &mut out);
    let mut seen = BTreeSet::new();
    out.retain(|g| seen.insert(g.message.clone()));
    out
}

struct Ctx<'a> {
    ast: &'a ast::Access,
    inner: &'a Access,
    outer: &'a Access,
}

impl Ctx<'_> {
    fn outer_name(&self) -> &str {
        &self.outer.name
    }

    /// The source string of the inner level equal to `value`, for the span of a gap.
    fn find<'s>(&self, list: impl IntoIterator<Item = &'s ast::Str>, value: &str) -> Option<Span> {
        list.into_iter().find(|s| s.node == value).map(|s| s.span)
    }
}

//! Azure: actions and data actions matched by outer ones without an outer `not_actions`
//! entry taking part away, and assignable scopes within the outer ones.

use super::sets::{covers, disjoint, ticks, Index};
use super::{Ctx, Gap};

pub(super) fn azure_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
    let (inner, outer) = (&ctx.inner.azure, &ctx.outer.azure);
    let outer_name = ctx.outer_name();
    let lists = [
        (
            "action",
            &inner.actions,
            &inner.not_actions,
            &outer.actions,
            &outer.not_actions,
            "not_actions",
            &ctx.ast.azure.actions,
        ),
        (
            "data action",
            &inner.data_actions,
            &inner.not_data_actions,
            &outer.data_actions,
            &outer.not_data_actions,
            "not_data_actions",
            &ctx.ast.azure.data_actions,
        ),
    ];
    for (what, granted, inner_not, outer_granted, outer_not, not_word, src) in lists {
        let mut index: Index<()> = Index::new('/');
        for a in outer_granted {
            index.insert(a, ());
        }
        for a in granted {
            let span = ctx.find(src, a);
            if index.covering(a).is_empty() {
                out.push(Gap {
                    span,
                    message: format!("Azure {what} `{a}` is not granted by `{outer_name}`"),
                    note: None,
                    deny: None,
                });
                continue;
            }
            // An outer exclusion takes part of it away, unless the inner level excludes
            // that part too.
            let removed: Vec<String> = outer_not
                .iter()
                .filter(|n| !disjoint(n, a, true))
                .filter(|n| !inner_not.iter().any(|m| covers(m, n, true)))
                .cloned()
                .collect();
            if !removed.is_empty() {
                out.push(Gap {
                    span,
                    message: format!("Azure {what} `{a}` is not wholly granted by `{outer_name}`"),
                    note: Some(format!(
                        "`{outer_name}` excludes {} in its `{not_word}`",
                        ticks(&removed)
                    )),
                    deny: None,
                });
            }
        }
    }
    if inner.is_empty() {
        return; // the scopes of a role that grants nothing do not matter
    }
    for s in &inner.scopes {
        if !outer.scopes.iter().any(|o| scope_within(s, o)) {
            let note = if outer.scopes.is_empty() {
                format!("`{outer_name}` has no assignable scope")
            } else {
                format!(
                    "the assignable scopes of `{outer_name}` are {}",
                    ticks(&outer.scopes)
                )
            };
            out.push(Gap {
                span: ctx.find(&ctx.ast.azure_scopes, s),
                message: format!(
                    "Azure scope `{s}` is not within an assignable scope of `{outer_name}`"
                ),
                note: Some(note),
                deny: None,
            });
        }
    }
}

/// Whether Azure scope `inner` is `outer` or below it (ignoring case).
pub(super) fn scope_within(inner: &str, outer: &str) -> bool {
    let i = inner.trim_end_matches('/').to_ascii_lowercase();
    let o = outer.trim_end_matches('/').to_ascii_lowercase();
    o.is_empty() || i == o || i.starts_with(&format!("{o}/"))
}

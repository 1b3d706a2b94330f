//! AWS: each (action, resource) item of the inner level's `Allow` statements against
//! the outer level's indexed `Allow` and `Deny` statements, wildcards expanded through
//! the catalog; AWS managed policies.

use super::sets::{conditions_imply, Conditions, Index, Set};
use super::{Ctx, Gap};
use crate::catalog::aws::catalog;
use crate::catalog::is_pattern;
use crate::model::{Access, AwsStatement};
use crate::source::Span;
use crate::syntax::ast::Effect;
use std::collections::{BTreeMap, BTreeSet};

/// The AWS managed policy that grants every action on every resource.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// Why an inner AWS item is not covered.
enum Verdict {
    Covered,
    /// No outer `Allow` grants it; what came closest.
    NotGranted(Near),
    /// An outer `Deny` (its span) may take it away.
    Denied(Span),
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Near {
    Nothing,
    /// Some outer statement grants the action, on other resources.
    OtherResources,
    /// Some outer statement grants the action on the resource, under conditions the
    /// inner one does not require.
    Conditions,
}

struct AwsOuter<'m> {
    allows: Vec<&'m AwsStatement>,
    /// Action patterns of `allows` -> their index.
    index: Index<usize>,
    /// `Allow` statements with `NotAction` (cannot be indexed by action).
    not_action: Vec<usize>,
    /// Every outer `Deny`, with whether the inner level denies at least as much itself.
    denies: Vec<(&'m AwsStatement, bool)>,
    /// `AdministratorAccess` is attached: every action on every resource.
    admin: bool,
}

impl<'m> AwsOuter<'m> {
    fn new(outer: &'m Access, inner_denies: &[&AwsStatement]) -> Self {
        let mut o = AwsOuter {
            allows: Vec::new(),
            index: Index::new(':'),
            not_action: Vec::new(),
            denies: Vec::new(),
            admin: outer.aws_managed.iter().any(|m| m == ADMINISTRATOR_ACCESS),
        };
        for st in &outer.aws {
            match st.effect {
                Effect::Allow => {
                    let i = o.allows.len();
                    o.allows.push(st);
                    if st.not_action {
                        o.not_action.push(i);
                    } else {
                        for a in &st.actions {
                            o.index.insert(a, i);
                        }
                    }
                }
                Effect::Deny => {
                    let harmless = inner_denies.iter().any(|e| statement_covers(e, st));
                    o.denies.push((st, harmless));
                }
            }
        }
        o
    }

    fn verdict(&self, act: Set, res: Set, conditions: &Conditions) -> Verdict {
        let mut near = Near::Nothing;
        let granted = self.admin || {
            let candidates: Vec<usize> = match act {
                Set::In([one]) => {
                    let mut c = self.index.covering(one);
                    c.extend(self.not_action.iter().copied());
                    c
                }
                _ => (0..self.allows.len()).collect(),
            };
            candidates.into_iter().any(|i| {
                let st = self.allows[i];
                if !Set::actions(st).covers(act, true) {
                    return false;
                }
                if !Set::resources(st).covers(res, false) {
                    near = near.max(Near::OtherResources);
                    return false;
                }
                if !conditions_imply(conditions, &st.conditions) {
                    near = near.max(Near::Conditions);
                    return false;
                }
                true
            })
        };
        if !granted {
            return Verdict::NotGranted(near);
        }
        for (d, harmless) in &self.denies {
            if !harmless
                && Set::actions(d).overlaps(act, true)
                && Set::resources(d).overlaps(res, false)
            {
                return Verdict::Denied(d.span);
            }
        }
        Verdict::Covered
    }
}

/// The catalog's actions matching an action pattern: (service prefix, full name).
fn expand(pattern: &str) -> Vec<(String, String)> {
    catalog()
        .matching(pattern)
        .into_iter()
        .map(|(svc, a)| (svc.prefix.to_string(), svc.full_name(a)))
        .collect()
}

/// Whether statement `a` applies to everything (actions, resources, requests) `b`
/// applies to.
fn statement_covers(a: &AwsStatement, b: &AwsStatement) -> bool {
    Set::actions(a).covers(Set::actions(b), true)
        && Set::resources(a).covers(Set::resources(b), false)
        && conditions_imply(&b.conditions, &a.conditions)
}

/// Whether an inner `Deny` always takes the item away (so it grants nothing).
fn self_denied(denies: &[&AwsStatement], act: Set, res: Set, conditions: &Conditions) -> bool {
    denies.iter().any(|e| {
        Set::actions(e).covers(act, true)
            && Set::resources(e).covers(res, false)
            && conditions_imply(conditions, &e.conditions)
    })
}

pub(super) fn aws_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
    let inner = ctx.inner;
    let outer_name = ctx.outer_name();
    let inner_denies: Vec<&AwsStatement> = inner
        .aws
        .iter()
        .filter(|s| s.effect == Effect::Deny)
        .collect();
    let outer = AwsOuter::new(ctx.outer, &inner_denies);

    // The action's string in the source statement, else the statement; None for the
    // statements of abstract grants.
    let span_of = |st: &AwsStatement, action: Option<&str>| -> Option<Span> {
        if st.span == inner.span {
            return None;
        }
        let src = ctx.ast.aws.iter().find(|s| s.span == st.span);
        let found = action.and_then(|a| {
            src?.actions
                .iter()
                .find(|x| x.node.eq_ignore_ascii_case(a))
                .map(|x| x.span)
        });
        Some(found.unwrap_or(st.span))
    };
    let gap = |st: &AwsStatement,
               action: Option<&str>,
               what: String,
               res: Set,
               verdict: Verdict|
     -> Option<Gap> {
        let on = res.describe("every resource");
        let span = span_of(st, action);
        match verdict {
            Verdict::Covered => None,
            Verdict::NotGranted(near) => Some(Gap {
                span,
                message: format!("{what} on {on} is not granted by `{outer_name}`"),
                note: match near {
                    Near::Nothing => None,
                    Near::OtherResources => Some(format!(
                        "`{outer_name}` grants it only on resources that do not cover {on}"
                    )),
                    Near::Conditions => Some(format!(
                        "`{outer_name}` grants it only under conditions that `{}` does not require",
                        inner.name
                    )),
                },
                deny: None,
            }),
            Verdict::Denied(deny) => Some(Gap {
                span,
                message: format!("{what} on {on} may be denied by `{outer_name}`"),
                note: None,
                deny: Some(deny),
            }),
        }
    };

    for st in inner.aws.iter().filter(|s| s.effect == Effect::Allow) {
        let resources: Vec<Set> = if st.not_resource {
            vec![Set::NotIn(&st.resources)]
        } else {
            st.resources
                .iter()
                .map(|r| Set::In(std::slice::from_ref(r)))
                .collect()
        };
        if st.not_action {
            let act = Set::NotIn(&st.actions);
            for &res in &resources {
                if self_denied(&inner_denies, act, res, &st.conditions) {
                    continue;
                }
                let v = outer.verdict(act, res, &st.conditions);
                out.extend(gap(st, None, act.describe("every action"), res, v));
            }
            continue;
        }
        for action in &st.actions {
            let act = Set::In(std::slice::from_ref(action));
            // The wildcard's expansion, computed once per action when needed.
            let mut expansion: Option<Vec<(String, String)>> = None;
            for &res in &resources {
                if self_denied(&inner_denies, act, res, &st.conditions) {
                    continue;
                }
                let whole = outer.verdict(act, res, &st.conditions);
                if matches!(whole, Verdict::Covered) {
                    continue;
                }
                if is_pattern(action) {
                    let names = expansion.get_or_insert_with(|| expand(action));
                    if !names.is_empty() {
                        let mut missing: Vec<(&str, &str, Verdict)> = Vec::new();
                        for (prefix, name) in names.iter() {
                            let one = Set::In(std::slice::from_ref(name));
                            if self_denied(&inner_denies, one, res, &st.conditions) {
                                continue;
                            }
                            let v = outer.verdict(one, res, &st.conditions);
                            if !matches!(v, Verdict::Covered) {
                                missing.push((prefix, name, v));
                            }
                        }
                        if missing.len() < names.len() {
                            // A service none of whose matches is covered is reported as
                            // one wildcard (`ec2:*` from `*`), the others action by action.
                            let mut per_service: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
                            for (prefix, _) in names.iter() {
                                per_service.entry(prefix).or_default().0 += 1;
                            }
                            for (prefix, _, _) in &missing {
                                per_service.entry(prefix).or_default().1 += 1;
                            }
                            let mut done: BTreeSet<&str> = BTreeSet::new();
                            for (prefix, name, v) in missing {
                                let (all, lacking) = per_service[prefix];
                                let what = if all > 1 && lacking == all {
                                    if !done.insert(prefix) {
                                        continue;
                                    }
                                    let tail = action.split_once(':').map_or("*", |(_, t)| t);
                                    format!("`{prefix}:{tail}` (from `{action}`)")
                                } else {
                                    format!("`{name}` (from `{action}`)")
                                };
                                out.extend(gap(st, Some(action), what, res, v));
                            }
                            continue;
                        }
                        // None of it is covered: report the wildcard itself.
                    }
                }
                out.extend(gap(st, Some(action), format!("`{action}`"), res, whole));
            }
        }
    }

    if !outer.admin {
        for m in &inner.aws_managed {
            if !ctx.outer.aws_managed.contains(m) {
                out.push(Gap {
                    span: ctx
                        .ast
                        .aws_managed
                        .iter()
                        .find(|s| m == &s.node || m.ends_with(&format!("/{}", s.node)))
                        .map(|s| s.span),
                    message: format!("AWS managed policy `{m}` is not attached by `{outer_name}`"),
                    note: None,
                    deny: None,
                });
            }
        }
    }
}

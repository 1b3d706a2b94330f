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

use crate::catalog::aws::catalog;
use crate::catalog::is_pattern;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::model::{Access, AwsStatement, K8sRule, Model};
use crate::resolve::decls::Decls;
use crate::source::Span;
use crate::syntax::ast::{self, Cloud, Effect};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many uncovered grants are reported per (level, `within`) pair.
const MAX_REPORTED: usize = 10;

/// The AWS managed policy that grants every action on every resource.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    let by_name: BTreeMap<&str, &Access> = model
        .accesses
        .iter()
        .map(|a| (a.name.as_str(), a))
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

// ---------------------------------------------------------------------------------------
// Patterns

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

fn chars_eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && a.eq_ignore_ascii_case(&b))
}

/// Whether the glob `outer` matches every string the glob `inner` matches. `*` in
/// `outer` matches any run of `inner` (wildcards included); `?` in `outer` matches one
/// character of `inner` other than `*`; a literal matches only the same literal. `ci`:
/// ignore ASCII case (IAM actions, Azure operations).
fn covers(outer: &str, inner: &str, ci: bool) -> bool {
    crate::catalog::glob_match_by(outer, inner, |p, t| {
        if p == '?' {
            t != '*'
        } else {
            !is_wild(t) && chars_eq(p, t, ci)
        }
    })
}

/// Whether no string matches both globs, when that is evident: one of them has no
/// wildcard and the other does not match it, or their literal beginnings (or endings)
/// differ. False means they may overlap.
fn disjoint(a: &str, b: &str, ci: bool) -> bool {
    if !is_pattern(a) {
        return !covers(b, a, ci);
    }
    if !is_pattern(b) {
        return !covers(a, b, ci);
    }
    let differ = |x: &mut dyn Iterator<Item = char>, y: &mut dyn Iterator<Item = char>| {
        x.take_while(|c| !is_wild(*c))
            .zip(y.take_while(|c| !is_wild(*c)))
            .any(|(p, q)| !chars_eq(p, q, ci))
    };
    differ(&mut a.chars(), &mut b.chars()) || differ(&mut a.chars().rev(), &mut b.chars().rev())
}

/// A list of actions or resources, or everything but a list (`NotAction`, `NotResource`).
#[derive(Clone, Copy)]
enum Set<'a> {
    In(&'a [String]),
    NotIn(&'a [String]),
}

impl<'a> Set<'a> {
    fn actions(st: &'a AwsStatement) -> Set<'a> {
        if st.not_action {
            Set::NotIn(&st.actions)
        } else {
            Set::In(&st.actions)
        }
    }

    fn resources(st: &'a AwsStatement) -> Set<'a> {
        if st.not_resource {
            Set::NotIn(&st.resources)
        } else {
            Set::In(&st.resources)
        }
    }

    /// Whether `self` holds everything `inner` holds.
    fn covers(self, inner: Set, ci: bool) -> bool {
        match (self, inner) {
            (Set::In(o), Set::In(i)) => i.iter().all(|x| o.iter().any(|p| covers(p, x, ci))),
            // Everything but `o` holds everything but `i` when `i` excludes all of `o`.
            (Set::NotIn(o), Set::NotIn(i)) => o.iter().all(|x| i.iter().any(|p| covers(p, x, ci))),
            (Set::NotIn(o), Set::In(i)) => i.iter().all(|x| o.iter().all(|n| disjoint(n, x, ci))),
            (Set::In(o), Set::NotIn(_)) => o
                .iter()
                .any(|p| !p.is_empty() && p.chars().all(|c| c == '*')),
        }
    }

    /// Whether `self` and `other` may have something in common.
    fn overlaps(self, other: Set, ci: bool) -> bool {
        match (self, other) {
            (Set::In(a), Set::In(b)) => a.iter().any(|p| b.iter().any(|q| !disjoint(p, q, ci))),
            (Set::NotIn(n), Set::In(b)) | (Set::In(b), Set::NotIn(n)) => {
                b.iter().any(|q| !n.iter().any(|p| covers(p, q, ci)))
            }
            (Set::NotIn(_), Set::NotIn(_)) => true,
        }
    }

    fn describe(self, every: &str) -> String {
        match self {
            Set::In(list) => ticks(list),
            Set::NotIn(list) => format!("{every} except {}", ticks(list)),
        }
    }
}

fn ticks(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Whether every request that meets `inner` meets `outer` as well (so a grant under
/// `outer` covers one under `inner`). Each outer condition must be matched by an inner
/// condition on the same key and operator (an outer `...IfExists` also by the operator
/// without it) whose values are at least as narrow.
fn conditions_imply(inner: &Conditions, outer: &Conditions) -> bool {
    outer.iter().all(|(op, keys)| {
        keys.iter().all(|(key, values)| {
            inner.iter().any(|(iop, ikeys)| {
                (iop == op || op.strip_suffix("IfExists") == Some(iop.as_str()))
                    && ikeys.iter().any(|(ik, iv)| {
                        ik.eq_ignore_ascii_case(key) && values_narrower(op, iv, values)
                    })
            })
        })
    })
}

/// Whether condition values `inner` are at least as narrow as `outer` under `op`.
fn values_narrower(op: &str, inner: &[String], outer: &[String]) -> bool {
    if inner == outer {
        return true;
    }
    let base = op
        .trim_start_matches("ForAllValues:")
        .trim_start_matches("ForAnyValue:");
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    let subset = |small: &[String], big: &[String], ci: bool, glob: bool| {
        small.iter().all(|v| {
            big.iter().any(|b| {
                if glob {
                    covers(b, v, ci)
                } else if ci {
                    b.eq_ignore_ascii_case(v)
                } else {
                    b == v
                }
            })
        })
    };
    match base {
        // Any of the values: fewer values are narrower.
        "StringEquals" | "ArnEquals" | "IpAddress" => subset(inner, outer, false, false),
        "StringEqualsIgnoreCase" => subset(inner, outer, true, false),
        "StringLike" | "ArnLike" => subset(inner, outer, false, true),
        // None of the values: more values are narrower.
        "StringNotEquals" | "ArnNotEquals" | "NotIpAddress" => subset(outer, inner, false, false),
        "StringNotEqualsIgnoreCase" => subset(outer, inner, true, false),
        "StringNotLike" | "ArnNotLike" => subset(outer, inner, false, true),
        _ => false,
    }
}

/// Patterns indexed for "which of these may cover X": exact names by their lower-case
/// form, patterns with a literal head (the part before `sep`: an AWS service prefix, an
/// Azure provider) under that head, the rest (`*`, `*:Get*`) in one list.
struct Index<T> {
    exact: BTreeMap<String, Vec<T>>,
    by_head: BTreeMap<String, Vec<(String, T)>>,
    global: Vec<(String, T)>,
    sep: char,
}

impl<T: Copy> Index<T> {
    fn new(sep: char) -> Self {
        Index {
            exact: BTreeMap::new(),
            by_head: BTreeMap::new(),
            global: Vec::new(),
            sep,
        }
    }

    fn head(&self, s: &str) -> Option<String> {
        let head = s.split(self.sep).next().unwrap_or(s);
        (!is_pattern(head)).then(|| head.to_ascii_lowercase())
    }

    fn insert(&mut self, pattern: &str, value: T) {
        if !is_pattern(pattern) {
            self.exact
                .entry(pattern.to_ascii_lowercase())
                .or_default()
                .push(value);
        } else if let Some(head) = self.head(pattern) {
            self.by_head
                .entry(head)
                .or_default()
                .push((pattern.to_string(), value));
        } else {
            self.global.push((pattern.to_string(), value));
        }
    }

    /// The values of the patterns that cover `x` (case-insensitively).
    fn covering(&self, x: &str) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        if let Some(v) = self.exact.get(&x.to_ascii_lowercase()) {
            out.extend(v.iter().copied());
        }
        let head = self.head(x).and_then(|h| self.by_head.get(&h));
        for (p, v) in head.into_iter().flatten().chain(self.global.iter()) {
            if covers(p, x, true) {
                out.push(*v);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// AWS

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
        .map(|(svc, a)| (svc.prefix.clone(), svc.full_name(a)))
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

fn aws_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
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

// ---------------------------------------------------------------------------------------
// GCP

fn gcp_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
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

// ---------------------------------------------------------------------------------------
// Azure

fn azure_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
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
fn scope_within(inner: &str, outer: &str) -> bool {
    let i = inner.trim_end_matches('/').to_ascii_lowercase();
    let o = outer.trim_end_matches('/').to_ascii_lowercase();
    o.is_empty() || i == o || i.starts_with(&format!("{o}/"))
}

// ---------------------------------------------------------------------------------------
// Kubernetes

/// (namespace: None for a ClusterRole, API group, resource) -> the outer rules naming them.
type K8sIndex<'m> = BTreeMap<(Option<&'m str>, &'m str, &'m str), Vec<&'m K8sRule>>;

fn k8s_gaps(ctx: &Ctx, out: &mut Vec<Gap>) {
    let outer_name = ctx.outer_name();
    let mut index: K8sIndex = BTreeMap::new();
    let mut url_rules: Vec<&K8sRule> = Vec::new();
    for role in &ctx.outer.k8s {
        let ns = role.namespace.as_deref();
        for rule in &role.rules {
            if !rule.non_resource_urls.is_empty() {
                if ns.is_none() {
                    url_rules.push(rule);
                }
                continue;
            }
            for g in &rule.api_groups {
                for r in &rule.resources {
                    index.entry((ns, g, r)).or_default().push(rule);
                }
            }
        }
    }
    let verb_ok = |rule: &K8sRule, verb: &str| rule.verbs.iter().any(|v| v == verb || v == "*");

    for (ri, role) in ctx.inner.k8s.iter().enumerate() {
        let ns = role.namespace.as_deref();
        let ast_role = ctx.ast.k8s.get(ri);
        let place = match ns {
            Some(n) => format!("in namespace `{n}`"),
            None => "in every namespace".to_string(),
        };
        for (ji, rule) in role.rules.iter().enumerate() {
            let span = ast_role.and_then(|r| r.rules.get(ji)).map(|r| r.span);
            let mut push = |message: String| {
                out.push(Gap {
                    span,
                    message,
                    note: None,
                    deny: None,
                })
            };
            if !rule.non_resource_urls.is_empty() {
                if ns.is_some() {
                    continue; // a Role grants no non-resource URL
                }
                for url in &rule.non_resource_urls {
                    for verb in &rule.verbs {
                        let ok = url_rules.iter().any(|o| {
                            verb_ok(o, verb)
                                && o.non_resource_urls.iter().any(|u| {
                                    u == url
                                        || u.strip_suffix('*').is_some_and(|p| url.starts_with(p))
                                })
                        });
                        if !ok {
                            push(format!(
                                "`{verb}` on the URL `{url}` is not granted by `{outer_name}`"
                            ));
                        }
                    }
                }
                continue;
            }
            let names: Vec<Option<&str>> = if rule.resource_names.is_empty() {
                vec![None]
            } else {
                rule.resource_names
                    .iter()
                    .map(|n| Some(n.as_str()))
                    .collect()
            };
            for g in &rule.api_groups {
                for r in &rule.resources {
                    let mut resources = vec![r.as_str(), "*"];
                    let sub = r.split_once('/').map(|(_, s)| format!("*/{s}"));
                    if let Some(sub) = &sub {
                        resources.push(sub);
                    }
                    let scopes: Vec<Option<&str>> = match ns {
                        Some(n) => vec![None, Some(n)],
                        None => vec![None],
                    };
                    let mut rules: Vec<&K8sRule> = Vec::new();
                    for s in &scopes {
                        for gg in [g.as_str(), "*"] {
                            for rr in &resources {
                                if let Some(found) = index.get(&(*s, gg, *rr)) {
                                    rules.extend(found.iter().copied());
                                }
                            }
                        }
                    }
                    let shown = if g.is_empty() {
                        r.clone()
                    } else {
                        format!("{g}/{r}")
                    };
                    for verb in &rule.verbs {
                        for name in &names {
                            let ok = rules.iter().any(|o| {
                                verb_ok(o, verb)
                                    && (o.resource_names.is_empty()
                                        || name.is_some_and(|n| {
                                            o.resource_names.iter().any(|x| x == n)
                                        }))
                            });
                            if !ok {
                                let named =
                                    name.map(|n| format!(" named `{n}`")).unwrap_or_default();
                                push(format!(
                                    "`{verb}` on `{shown}`{named} {place} is not granted by `{outer_name}`"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile_str, Options};

    /// The E07xx diagnostics of `src`, which must have no other error.
    fn errors(src: &str) -> Vec<String> {
        let other = others(src);
        assert!(other.is_empty(), "{other:?}\n{src}");
        let c = compile_str("test.eng", src, &Options::default());
        c.diagnostics
            .iter()
            .filter(|d| d.code.as_str().starts_with("E07"))
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect()
    }

    fn others(src: &str) -> Vec<String> {
        let c = compile_str("test.eng", src, &Options::default());
        c.diagnostics
            .iter()
            .filter(|d| d.is_error() && !d.code.as_str().starts_with("E07"))
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect()
    }

    /// Two levels on AWS: `outer` holds `outer_body`, `inner` holds `inner_body`.
    fn aws(outer_body: &str, inner_body: &str) -> String {
        format!(
            r#"deployment shop {{
  clouds aws
  managed_tag "shop.example/managed" = "true"
}}
access setup unscoped "creates things" {{
{outer_body}
}}
access ongoing unscoped "reads things" {{
  within setup
{inner_body}
}}
"#
        )
    }

    #[test]
    fn pattern_cover() {
        assert!(covers(
            "arn:aws:s3:::shop*",
            "arn:aws:s3:::shop-data*",
            false
        ));
        assert!(covers("*", "anything*", false));
        assert!(!covers(
            "arn:aws:s3:::shop-data*",
            "arn:aws:s3:::shop*",
            false
        ));
        assert!(!covers("arn:aws:s3:::SHOP*", "arn:aws:s3:::shop", false));
        assert!(covers("S3:get*", "s3:GetObject", true));
        // `?` matches one character, never a run.
        assert!(!covers("s3:Get?", "s3:Get*", true));
        assert!(covers("s3:Get?", "s3:Get?", true));
        assert!(covers("s3:Get*", "s3:Get?bject", true));
        assert!(!covers("s3:GetObject", "s3:Get*", true));
    }

    #[test]
    fn pattern_disjoint() {
        assert!(disjoint("s3:Put*", "s3:Get*", true));
        assert!(!disjoint("s3:*", "s3:Get*", true));
        assert!(disjoint("arn:aws:s3:::a*", "arn:aws:s3:::b*", false));
        assert!(!disjoint("*-logs", "shop-*", false));
        assert!(disjoint("*.log", "*.txt", false));
        assert!(disjoint("s3:PutObject", "s3:Get*", true));
    }

    #[test]
    fn wildcard_actions_are_expanded() {
        let src = aws(
            r#"  aws allow ["s3:Get*", "s3:List*"] on "*""#,
            r#"  aws allow ["s3:GetObject", "s3:Put*"] on "arn:aws:s3:::shop-data/*""#,
        );
        let e = errors(&src);
        assert!(!e.iter().any(|m| m.contains("s3:GetObject")), "{e:?}");
        // `s3:Put*` has no action `setup` grants: reported as the wildcard.
        assert!(
            e.contains(
                &"E0701: `s3:Put*` on `arn:aws:s3:::shop-data/*` is not granted by `setup`"
                    .to_string()
            ),
            "{e:?}"
        );

        // Partly covered: the rest is named action by action.
        let src = aws(
            r#"  aws allow ["s3:PutObject"] on "*""#,
            r#"  aws allow ["s3:PutObject*"] on "*""#,
        );
        let e = errors(&src);
        assert!(!e.iter().any(|m| m.contains("`s3:PutObject` (")), "{e:?}");
        assert!(
            e.contains(
                &"E0701: `s3:PutObjectAcl` (from `s3:PutObject*`) on `*` is not granted by `setup`"
                    .to_string()
            ),
            "{e:?}"
        );
        // A wildcard covered as a whole needs no expansion.
        assert!(errors(&aws(
            r#"  aws allow ["*"] on "*""#,
            r#"  aws allow ["ec2:*"] on "*""#
        ))
        .is_empty());
    }

    #[test]
    fn resource_coverage() {
        let outer = r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop*""#;
        assert!(errors(&aws(
            outer,
            r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop-data*""#
        ))
        .is_empty());
        let e = errors(&aws(
            outer,
            r#"  aws allow ["s3:GetObject"] on ["arn:aws:s3:::shop-data*", "arn:aws:s3:::other"]"#,
        ));
        assert_eq!(
            e,
            ["E0701: `s3:GetObject` on `arn:aws:s3:::other` is not granted by `setup`"]
        );
        // Resource `*` is covered only by `*`.
        let e = errors(&aws(outer, r#"  aws allow ["s3:GetObject"] on "*""#));
        assert_eq!(e.len(), 1, "{e:?}");
        // NotResource on the outer side: covers what is clearly outside the exclusion.
        let outer = r#"  aws allow ["s3:GetObject"] on not "arn:aws:s3:::secret*""#;
        assert!(errors(&aws(
            outer,
            r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::shop*""#
        ))
        .is_empty());
        assert_eq!(
            errors(&aws(
                outer,
                r#"  aws allow ["s3:GetObject"] on "arn:aws:s3:::*""#
            ))
            .len(),
            1
        );
    }

    #[test]
    fn conditions_must_be_implied() {
        let tagged = r#"  aws allow ["sqs:SendMessage"] on "*" when tag"#;
        let plain = r#"  aws allow ["sqs:SendMessage"] on "*""#;
        // Fewer conditions are broader.
        assert!(errors(&aws(plain, tagged)).is_empty());
        assert!(errors(&aws(tagged, tagged)).is_empty());
        let e = errors(&aws(tagged, plain));
        assert_eq!(
            e,
            ["E0701: `sqs:SendMessage` on `*` is not granted by `setup`"]
        );
        // Fewer values of `StringEquals` are narrower; more of `StringNotEquals` are.
        let eq = |vals: &str| {
            format!(
                r#"  aws allow ["sqs:SendMessage"] on "*" when StringEquals "aws:RequestedRegion" = {vals}"#
            )
        };
        assert!(errors(&aws(
            &eq(r#"["eu-west-1", "eu-central-1"]"#),
            &eq(r#""eu-west-1""#)
        ))
        .is_empty());
        assert_eq!(
            errors(&aws(
                &eq(r#""eu-west-1""#),
                &eq(r#"["eu-west-1", "eu-central-1"]"#)
            ))
            .len(),
            1
        );
        let ne = |vals: &str| {
            format!(
                r#"  aws allow ["sqs:SendMessage"] on "*" when StringNotEquals "aws:RequestedRegion" = {vals}"#
            )
        };
        assert!(errors(&aws(
            &ne(r#""us-east-1""#),
            &ne(r#"["us-east-1", "us-west-2"]"#)
        ))
        .is_empty());
        assert_eq!(
            errors(&aws(
                &ne(r#"["us-east-1", "us-west-2"]"#),
                &ne(r#""us-east-1""#)
            ))
            .len(),
            1
        );
        // IfExists on the outer side is broader than the same operator without it.
        let ie = r#"  aws allow ["sqs:SendMessage"] on "*" when StringEqualsIfExists "aws:RequestedRegion" = "eu-west-1""#;
        assert!(errors(&aws(ie, &eq(r#""eu-west-1""#))).is_empty());
    }

    #[test]
    fn outer_denies_break_unless_disjoint_or_denied_inside() {
        let outer = r#"  aws allow ["s3:*"] on "*"
  aws deny ["s3:DeleteBucket"] on "*""#;
        assert!(errors(&aws(outer, r#"  aws allow ["s3:GetObject"] on "*""#)).is_empty());
        let e = errors(&aws(outer, r#"  aws allow ["s3:Delete*"] on "*""#));
        assert!(
            e.contains(
                &"E0701: `s3:DeleteBucket` (from `s3:Delete*`) on `*` may be denied by `setup`"
                    .to_string()
            ),
            "{e:?}"
        );
        // The inner level denies the same: nothing is lost.
        let inner = r#"  aws allow ["s3:Delete*"] on "*"
  aws deny ["s3:DeleteBucket"] on "*""#;
        assert!(errors(&aws(outer, inner)).is_empty());
    }

    #[test]
    fn managed_policies() {
        let e = errors(&aws(
            r#"  aws managed_policy "ReadOnlyAccess""#,
            r#"  aws managed_policy "ReadOnlyAccess", "AmazonS3FullAccess""#,
        ));
        assert_eq!(
            e,
            ["E0701: AWS managed policy `arn:aws:iam::aws:policy/AmazonS3FullAccess` is not attached by `setup`"]
        );
        assert!(errors(&aws(
            r#"  aws managed_policy "AdministratorAccess""#,
            r#"  aws allow ["iam:PassRole"] on "*"
  aws managed_policy "AmazonS3FullAccess""#,
        ))
        .is_empty());
    }

    fn cloud(clouds: &str, outer_body: &str, inner_body: &str) -> String {
        format!(
            r#"deployment shop {{
  clouds {clouds}
}}
access setup unscoped "sets up" {{
{outer_body}
}}
access ongoing unscoped "runs" {{
  within setup
{inner_body}
}}
"#
        )
    }

    #[test]
    fn gcp_sets() {
        let src = cloud(
            "gcp",
            r#"  gcp permissions ["storage.buckets.get", "storage.objects.get"]
  gcp role "roles/container.viewer""#,
            r#"  gcp permissions ["storage.objects.get", "storage.objects.delete"]
  gcp role "roles/container.admin""#,
        );
        assert_eq!(
            errors(&src),
            [
                "E0701: GCP permission `storage.objects.delete` is not granted by `setup`",
                "E0701: GCP role `roles/container.admin` is not bound by `setup`",
            ]
        );
    }

    #[test]
    fn azure_actions_and_scopes() {
        let src = cloud(
            "azure",
            r#"  azure actions ["Microsoft.Storage/storageAccounts/*"]
  azure not_actions ["Microsoft.Storage/storageAccounts/delete"]
  azure scope "/subscriptions/${subscription_id}/resourceGroups/shop""#,
            r#"  azure actions ["microsoft.storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/*", "Microsoft.Compute/virtualMachines/read"]
  azure scope "/subscriptions/${subscription_id}/resourceGroups/shop/providers/Microsoft.Storage/storageAccounts/data", "/subscriptions/${subscription_id}""#,
        );
        let e = errors(&src);
        assert_eq!(
            e,
            [
                "E0701: Azure action `Microsoft.Storage/storageAccounts/*` is not wholly granted by `setup`",
                "E0701: Azure action `Microsoft.Compute/virtualMachines/read` is not granted by `setup`",
                "E0701: Azure scope `/subscriptions/${subscription_id}` is not within an assignable scope of `setup`",
            ],
            "{:?}",
            others(&src)
        );
        assert!(scope_within(
            "/subscriptions/a/resourceGroups/b",
            "/subscriptions/a"
        ));
        assert!(!scope_within("/subscriptions/ab", "/subscriptions/a"));
    }

    #[test]
    fn k8s_namespaces() {
        let outer = r#"  k8s role "shop-jobs" in "shop" {
    rule groups ["batch"] resources ["jobs"] verbs ["get", "list", "watch", "create"]
  }
  k8s cluster_role "shop-view" {
    rule groups [""] resources ["configmaps"] names ["shop-config"] verbs ["get"]
    rule groups ["apps"] resources ["*"] verbs ["*"]
  }"#;
        // Same namespace: covered; ClusterRoles cover every namespace.
        let ok = r#"  k8s role "shop-jobs-ro" in "shop" {
    rule groups ["batch"] resources ["jobs"] verbs ["get", "list"]
    rule groups ["apps"] resources ["deployments", "deployments/scale"] verbs ["patch"]
    rule groups [""] resources ["configmaps"] names ["shop-config"] verbs ["get"]
  }"#;
        let src = cloud("aws", outer, ok);
        assert!(errors(&src).is_empty(), "{:?}", errors(&src));
        // Another namespace is not covered by a Role; no name is not covered by names.
        let bad = r#"  k8s role "other-jobs" in "other" {
    rule groups ["batch"] resources ["jobs"] verbs ["get"]
    rule groups [""] resources ["configmaps"] verbs ["get"]
  }
  k8s cluster_role "jobs-everywhere" {
    rule groups ["batch"] resources ["jobs"] verbs ["list"]
  }"#;
        assert_eq!(
            errors(&cloud("aws", outer, bad)),
            [
                "E0701: `get` on `batch/jobs` in namespace `other` is not granted by `setup`",
                "E0701: `get` on `configmaps` in namespace `other` is not granted by `setup`",
                "E0701: `list` on `batch/jobs` in every namespace is not granted by `setup`",
            ]
        );
    }

    #[test]
    fn within_itself_and_capping() {
        let src = r#"deployment shop {
  clouds gcp
}
access setup scoped {
  within setup
  gcp permissions ["storage.buckets.get"]
}
"#;
        assert_eq!(
            errors(src),
            ["E0702: access level `setup` is declared within itself"]
        );
        let perms: Vec<String> = (0..25)
            .map(|i| format!("\"storage.objects{i}.get\""))
            .collect();
        let src = cloud(
            "gcp",
            r#"  gcp permissions ["storage.buckets.get"]"#,
            &format!("  gcp permissions [{}]", perms.join(", ")),
        );
        let c = compile_str("test.eng", &src, &Options::default());
        let e: Vec<_> = c.diagnostics.iter().filter(|d| d.code == "E0701").collect();
        assert_eq!(e.len(), MAX_REPORTED);
        assert!(e.iter().any(|d| d
            .notes
            .iter()
            .any(|n| n.contains("15 more") && n.contains("25 in all"))));
    }
}

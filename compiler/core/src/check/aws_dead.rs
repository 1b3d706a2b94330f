//! Dead grants in AWS statements, judged against each statement's own resources:
//!
//! - W0418: an action that never applies to the statement's resources (it takes no
//!   resource and is granted on ARNs only, or it takes none of the types they name);
//!   in a Deny, the Deny never applies to it;
//! - W0419: a resource that no action of the statement takes (malformed, or another
//!   type: an account id where the format has none, a KMS ARN without `key/`);
//! - W0408: a condition key the request never carries for the resources granted
//!   (wildcards that are partly dead are named with counts), and AWS-owned resources
//!   under a tag condition;
//! - W0409: `aws:ResourceTag` on the resource a create action makes.
//!
//! An action that another statement of the same level grants on `*` without a condition
//! is not reported: it is granted anyway.

use crate::catalog::arn;
use crate::catalog::aws::{self as cat, Action, ActionResource, ResourceType, Service, Str, Table};
use crate::catalog::aws_keys::{self, Carried, KeyKind};
use crate::catalog::is_pattern;
use crate::diag::{Code, Diagnostic};
use crate::fast_hash::Fast;
use crate::resolve::decls::Decls;
use crate::source::Span;
use crate::syntax::ast::{self, AwsStatement, Condition, Effect};
use crate::vocab::iam_operators;
use std::collections::HashMap;

mod everywhere;
mod rows;
use everywhere::Everywhere;
use rows::Rows;

/// The deployment's managed tag key, which a `scoped` level's conditions name.
fn tag_key<'a>(decls: &Decls<'a>) -> Option<&'a str> {
    decls
        .deployment
        .and_then(|d| d.managed_tag.as_ref())
        .map(|(k, _)| k.node.as_str())
}

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let tag_key = tag_key(decls);
    // Whether an `ack CODE` covers the whole span: every warning of that code there is
    // removed, so the check only needs to find one (which the ack then uses).
    let acked = |code: Code, span: Span| {
        decls
            .acks
            .iter()
            .any(|a| a.ack.code.node == code.as_str() && a.scope.covers(span))
    };
    for a in decls.accesses.values() {
        statements(&a.aws, false, tag_key, &acked, diags);
    }
    for s in decls.scps.values() {
        statements(&s.statements, true, tag_key, &acked, diags);
    }
}

/// [`check`], reusing the findings `memo` kept for a level whose text and the items
/// it names are as they were (the deployment, which gives the tag key, is in every key).
pub fn check_with(decls: &Decls, diags: &mut Vec<Diagnostic>, memo: Option<&crate::memo::Context>) {
    let Some(memo) = memo else {
        return check(decls, diags);
    };
    let tag_key = tag_key(decls);
    for a in decls.accesses.values() {
        let Some(frame) = memo.frame(a.span) else {
            group(&a.aws, false, tag_key, diags);
            continue;
        };
        if let Some(kept) = memo.get_dead(&frame) {
            diags.extend(kept);
            continue;
        }
        let first = diags.len();
        group(&a.aws, false, tag_key, diags);
        memo.put_dead(&frame, &diags[first..]);
    }
    for s in decls.scps.values() {
        group(&s.statements, true, tag_key, diags);
    }
}

/// The statements of one access level or SCP.
pub(crate) fn group(
    statements: &[AwsStatement],
    scp: bool,
    tag_key: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    self::statements(statements, scp, tag_key, &|_, _| false, diags);
}

/// [`group`], knowing which warnings an `ack` covers (`acked`).
fn statements(
    statements: &[AwsStatement],
    scp: bool,
    tag_key: Option<&str>,
    acked: &dyn Fn(Code, Span) -> bool,
    diags: &mut Vec<Diagnostic>,
) {
    // Actions granted on `*` without a condition: never dead, whatever other statements say.
    // As (service, action) patterns; one without `:` other than `*` names nothing.
    let everywhere = Everywhere::new(
        statements
            .iter()
            .filter(|s| {
                s.effect.node == Effect::Allow
                    && !s.not_action
                    && !s.not_resource
                    && s.conditions.is_empty()
                    && s.resources
                        .as_ref()
                        .is_none_or(|r| r.iter().any(|x| arn::covers_star(&x.node)))
            })
            .flat_map(|s| s.actions.iter().map(|a| a.node.as_str()))
            .filter_map(|p| match crate::byte_search::split_once(p, b':') {
                Some(parts) => Some(parts),
                None => (p == "*").then_some(("*", "*")),
            }),
    );
    for st in statements {
        if st.not_action {
            continue; // NotAction names what is excluded: nothing here is granted by name
        }
        let on_star = st.not_resource
            || st
                .resources
                .as_ref()
                .is_none_or(|r| r.iter().any(|x| arn::covers_star(&x.node)));
        if on_star && st.conditions.is_empty() {
            continue; // nothing to judge: every action applies
        }
        let cx = Statement::new(st, &everywhere);
        let explained = cx.resources_dead(diags);
        cx.actions_dead(&explained, diags);
        for c in &st.conditions {
            cx.condition(c, scp, tag_key, acked, diags);
        }
    }
}

/// One action a written name stands for, and how the statement's resources reach it.
#[derive(Clone, Copy)]
struct Hit {
    svc: &'static Service,
    action: &'static Action,
    /// The rows of the action the statement's resources name.
    reach: Reach,
}

/// Which rows of an action the statement's resources name.
#[derive(Clone, Copy)]
enum Reach {
    /// `*`: every row.
    All,
    /// Some rows: those [`Statement::named`] says the resources name (found again when
    /// needed rather than kept per hit, as a wildcard has thousands of hits).
    Rows,
    /// None: the action never applies here.
    None,
}

/// One (service, type) against the statement's resources.
#[derive(Clone, Copy)]
struct Row {
    /// Whether the resources name it.
    named: bool,
    /// The service field of its (first) ARN format, by which W0419 groups the types:
    /// found with `named`, as both split the formats.
    service: Option<&'static str>,
}

struct Statement<'a> {
    st: &'a AwsStatement,
    /// The written resources; empty: `*` (or NotResource, judged as `*`).
    resources: Vec<&'a ast::Str>,
    /// The hits of each written action, when there are resources; without them, every
    /// row is reached and [`Statement::hits_on_star`] makes the hits as they are read
    /// (`*` stands for over 20,000 actions, which are never held).
    written: Vec<(&'a ast::Str, Vec<Hit>)>,
    /// Every row of every hit, when there are resources.
    named: Rows<'a>,
    everywhere: &'a Everywhere<'a>,
    /// Whether a hit may be granted elsewhere: an Allow, in a level that grants
    /// something on `*`.
    asks: bool,
}

/// Whether another statement of the level grants a hit's action on `*` without a
/// condition (then it is granted anyway, and never dead), asked only of the hits that
/// would otherwise be reported.
struct Elsewhere<'e> {
    everywhere: &'e Everywhere<'e>,
    /// Whether to ask at all: an Allow, in a level that grants something on `*`.
    asks: bool,
    /// What is granted of the service of the previous hit: hits come grouped by service.
    last: Option<(&'static Service, everywhere::Service<'e>)>,
}

impl Elsewhere<'_> {
    fn covers(&mut self, h: &Hit) -> bool {
        if !self.asks {
            return false;
        }
        let granted = match &mut self.last {
            Some((l, granted)) if std::ptr::eq(*l, h.svc) => granted,
            slot => {
                &mut slot
                    .insert((h.svc, self.everywhere.service(&h.svc.prefix)))
                    .1
            }
        };
        granted.covers(&h.action.name)
    }
}

impl<'a> Statement<'a> {
    fn new(st: &'a AwsStatement, everywhere: &'a Everywhere<'a>) -> Statement<'a> {
        let resources: Vec<&ast::Str> = match &st.resources {
            Some(r) if !st.not_resource && !r.iter().any(|x| arn::covers_star(&x.node)) => {
                r.iter().collect()
            }
            _ => Vec::new(),
        };
        // With the service of each ARN, found once; by service (see `row`).
        let mut arns: Vec<(arn::Split, Option<&str>)> = resources
            .iter()
            .map(|w| (arn::Split::new(&w.node), arn::service(&w.node)))
            .collect();
        // Whether the resources name a type: once per (service, type).
        arns.sort_by_key(|&(_, service)| service);
        let mut named = Rows::new(arns);
        // Only an Allow is covered by another statement's grant, and only when the
        // level has one.
        let asks = st.effect.node == Effect::Allow && !everywhere.is_empty();
        let mut written = Vec::new();
        for a in &st.actions {
            if !crate::check::aws_statements::valid_action(&a.node) {
                continue; // E0403
            }
            if resources.is_empty() {
                written.push((a, Vec::new())); // see `hits_on_star`
                continue;
            }
            let hits = cat::catalog()
                .matches(&a.node)
                .map(|(svc, action)| {
                    // Every row is judged, so that `named` holds them all.
                    let mut any = false;
                    for r in action.resource_types.as_slice() {
                        any |= named.judge(svc, r);
                    }
                    Hit {
                        svc,
                        action,
                        reach: if any { Reach::Rows } else { Reach::None },
                    }
                })
                .collect();
            written.push((a, hits));
        }
        Statement {
            st,
            resources,
            written,
            named,
            everywhere,
            asks,
        }
    }

    /// The hits of `pattern` when the statement has no resources, made as they are read.
    fn hits_on_star(&self, pattern: &'a str) -> impl Iterator<Item = Hit> + '_ {
        cat::catalog()
            .matches(pattern)
            .map(move |(svc, action)| Hit {
                svc,
                action,
                reach: Reach::All,
            })
    }

    fn elsewhere(&self) -> Elsewhere<'a> {
        Elsewhere {
            everywhere: self.everywhere,
            asks: self.asks,
            last: None,
        }
    }

    fn deny(&self) -> bool {
        self.st.effect.node == Effect::Deny
    }

    /// W0418: actions the statement's resources never reach. Services in `explained`
    /// have a resource W0419 already reports: their actions are dead for that reason.
    fn actions_dead(&self, explained: &[&str], diags: &mut Vec<Diagnostic>) {
        if self.resources.is_empty() {
            return;
        }
        // Wildcards partly dead because some of what they match takes no resource.
        let mut partial: Vec<(&ast::Str, usize, usize, &Hit)> = Vec::new();
        let mut elsewhere = self.elsewhere();
        for (src, hits) in &self.written {
            let dead: Vec<&Hit> = hits
                .iter()
                .filter(|h| matches!(h.reach, Reach::None) && !elsewhere.covers(h))
                .collect();
            let no_resource: Vec<&&Hit> = dead
                .iter()
                .filter(|h| h.action.resource_types.is_empty())
                .collect();
            if dead.is_empty()
                || dead
                    .iter()
                    .all(|h| explained.contains(&h.svc.prefix.as_str()))
            {
                continue;
            }
            let whole = dead.len() == hits.len();
            let d = if !is_pattern(&src.node) && whole {
                let h = dead[0];
                let (message, label) = if h.action.resource_types.is_empty() {
                    (
                        format!(
                            "`{}` takes no resource, so a grant on ARNs never applies to it",
                            src.node
                        ),
                        "takes only `*`",
                    )
                } else {
                    (
                        format!(
                            "`{}` never acts on the resources of this statement",
                            src.node
                        ),
                        "none of its resource types",
                    )
                };
                let mut d = Diagnostic::new(Code::W0418, src.span, message).label(label);
                if !h.action.resource_types.is_empty() {
                    d = d.note(format!(
                        "it acts on {}",
                        formats(h.action.resource_types.iter().map(|r| (h.svc, r)))
                    ));
                }
                d
            } else if whole {
                Diagnostic::new(
                    Code::W0418,
                    src.span,
                    format!(
                        "none of the {} actions of `{}` acts on the resources of this statement",
                        hits.len(),
                        src.node
                    ),
                )
                .label("never applies")
            } else {
                if !no_resource.is_empty() {
                    partial.push((src, no_resource.len(), hits.len(), no_resource[0]));
                }
                continue;
            };
            diags.push(self.dead_help(d.with_secondary(self.st.span, "this statement")));
        }
        let Some((first, ..)) = partial.first() else {
            return;
        };
        let (dead, total) = partial.iter().fold((0, 0), |(d, t), p| (d + p.1, t + p.2));
        let named: Vec<String> = partial
            .iter()
            .take(6)
            .map(|(src, d, n, _)| format!("`{}` ({d} of {n})", src.node))
            .collect();
        let more = if partial.len() > 6 {
            format!(" and {} more", partial.len() - 6)
        } else {
            String::new()
        };
        let example = partial[0].3;
        let d = Diagnostic::new(
            Code::W0418,
            first.span,
            format!("on these ARNs, wildcards never grant their actions that take no resource: {}{more}", named.join(", ")),
        )
        .label("partly dead on these ARNs")
        .note(format!(
            "{dead} of the {total} actions they match take only `*`, such as `{}`",
            example.svc.full_name(example.action)
        ));
        diags.push(self.dead_help(d.with_secondary(self.st.span, "this statement")));
    }

    fn dead_help(&self, d: Diagnostic) -> Diagnostic {
        if self.deny() {
            d.help("a Deny that never applies protects nothing: aim it at `*`, or at the ARNs the action takes")
        } else {
            d.help("grant actions that take no resource on `*` in a statement of their own, and the others on their own ARNs")
        }
    }

    /// W0419: resources that no action of the statement takes. Returns the services of
    /// the malformed ones (their actions are dead for that reason, and not reported again).
    fn resources_dead(&self, diags: &mut Vec<Diagnostic>) -> Vec<&'static str> {
        let mut services = Vec::new();
        if self.resources.is_empty() || self.written.is_empty() {
            return services;
        }
        let types = self.named.order();
        if types.is_empty() {
            return services; // no action takes a resource: W0418 says so per action
        }
        // When no action applies at all, W0418 says so for each; a resource of another
        // type adds nothing.
        let all_dead = self
            .written
            .iter()
            .flat_map(|(_, h)| h)
            .all(|h| matches!(h.reach, Reach::None));
        // The types by the service of their ARN format, so each resource is compared
        // with its own service's types only.
        let of_type: Vec<Option<&str>> = types
            .iter()
            .map(|&(svc, r)| self.named.get(svc, r).and_then(|t| t.service))
            .collect();
        let mut by_service: HashMap<&str, Vec<(&Service, &ActionResource)>> = HashMap::new();
        for (&(svc, t), ts) in types.iter().zip(&of_type) {
            by_service
                .entry(ts.unwrap_or(""))
                .or_default()
                .push((svc, t));
        }
        for w in &self.resources {
            let service = arn::service(&w.node);
            let arns = [(arn::Split::new(&w.node), service)];
            let candidates: Vec<&(&Service, &ActionResource)> = match service {
                Some(s) => by_service
                    .get(s)
                    .into_iter()
                    .chain(by_service.get(""))
                    .flatten()
                    .collect(),
                None => types.iter().collect(),
            };
            if candidates
                .iter()
                .any(|(svc, r)| names(svc.type_of(r), &arns))
            {
                continue;
            }
            let same: Vec<&(&Service, &ActionResource)> = types
                .iter()
                .zip(&of_type)
                .filter(|(_, ts)| service.is_none_or(|s| ts.is_none_or(|ts| ts == s)))
                .map(|(t, _)| t)
                .collect();
            // What the ARN is, in its own service's formats.
            let own = service.and_then(|s| cat::catalog().service(s));
            let is = own.and_then(|svc| {
                svc.resource_types
                    .iter()
                    .find(|t| names(Some(t), &arns))
                    .map(|t| t.name.as_str())
            });
            let mut d = match (is, own) {
                (Some(_), _) | (None, None) if all_dead => continue,
                (Some(t), _) => Diagnostic::new(
                    Code::W0419,
                    w.span,
                    format!(
                        "`{}` is a `{t}`, which no action of this statement takes",
                        w.node
                    ),
                )
                .label("another resource type"),
                (None, None) => Diagnostic::new(
                    Code::W0419,
                    w.span,
                    format!(
                        "`{}` is no resource that the actions of this statement take",
                        w.node
                    ),
                )
                .label("matches no ARN format of these actions"),
                (None, Some(svc)) => {
                    services.push(svc.prefix.as_str());
                    Diagnostic::new(
                        Code::W0419,
                        w.span,
                        format!("`{}` matches no ARN format of `{}`", w.node, svc.prefix),
                    )
                    .label("malformed for its service")
                }
            };
            if same.is_empty() {
                d = d.note(format!(
                    "no action of this statement acts on {} resources",
                    service
                        .map(|s| format!("`{s}`"))
                        .unwrap_or_else(|| "such".into())
                ));
            } else {
                d = d.note(format!(
                    "the formats are {}",
                    formats(same.iter().map(|(s, r)| (*s, *r)))
                ));
                if no_account_field(&same, &w.node) {
                    d = d.note("this ARN has an account id where the format has none");
                }
            }
            diags.push(d.help(
                "write the ARN in the format of the resource type the actions take, or remove it",
            ));
        }
        services
    }

    /// W0408 and W0409 for one condition.
    fn condition(
        &self,
        c: &Condition,
        scp: bool,
        tag_key: Option<&str>,
        acked: &dyn Fn(Code, Span) -> bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        let (key, span) = match c {
            Condition::Tag(s) => (tag_key.map(|k| format!("aws:ResourceTag/{k}")), *s),
            Condition::RequestTag(s) => (tag_key.map(|k| format!("aws:RequestTag/{k}")), *s),
            Condition::Explicit { key, operator, .. } => {
                if iam_operators::true_when_absent(&operator.node) {
                    return; // an absent key makes it true: never dead
                }
                (Some(key.node.clone()), key.span)
            }
        };
        let Some(key) = key else { return };
        if matches!(c, Condition::Tag(_)) {
            self.aws_owned(&key, span, diags);
        }
        if always_present(&key) {
            return;
        }
        let kind = KeyKind::of(&key);
        // The W0408 at `span` is acknowledged: it is removed whatever it says, so the
        // first dead action decides it (a wildcard's thousands are not judged). Only a
        // resource tag can also make a W0409, and only for a name written without a
        // wildcard: after the first dead action, only those are still judged.
        let acked_dead = acked(Code::W0408, span);
        let first_only = kind != KeyKind::ResourceTag && acked_dead;
        let mut lists = KeyLists::new(&key);
        let mut entries: Vec<String> = Vec::new();
        let mut creates: Vec<String> = Vec::new();
        let (mut dead_total, mut total) = (0, 0);
        let mut elsewhere = self.elsewhere();
        for (src, stored) in &self.written {
            if acked_dead && !entries.is_empty() && is_pattern(&src.node) {
                continue;
            }
            let hits: Box<dyn Iterator<Item = Hit> + '_> = if self.resources.is_empty() {
                Box::new(self.hits_on_star(&src.node))
            } else {
                Box::new(stored.iter().copied())
            };
            let mut dead = 0;
            let mut reached = 0;
            for h in hits {
                if matches!(h.reach, Reach::None) {
                    continue; // W0418's
                }
                reached += 1;
                if elsewhere.covers(&h) {
                    continue;
                }
                let mut by_list = |t| lists.get(t);
                let carried = match h.reach {
                    Reach::All => aws_keys::carries_by(
                        h.svc,
                        h.action,
                        h.action.resource_types,
                        kind,
                        &mut by_list,
                    ),
                    _ => aws_keys::carries_by(
                        h.svc,
                        h.action,
                        h.action
                            .resource_types
                            .iter()
                            .filter(|r| self.named.get(h.svc, r).is_some_and(|t| t.named)),
                        kind,
                        &mut by_list,
                    ),
                };
                match carried {
                    Carried::Yes => {}
                    Carried::Created if !is_pattern(&src.node) && kind == KeyKind::ResourceTag => {
                        creates.push(format!("`{}`", h.svc.full_name(h.action)));
                    }
                    _ => dead += 1,
                }
                if dead > 0 && (first_only || acked_dead && is_pattern(&src.node)) {
                    break;
                }
            }
            total += reached;
            dead_total += dead;
            if first_only && dead > 0 {
                entries.push(format!("`{}`", src.node));
                break;
            }
            if dead == 0 {
                continue;
            }
            entries.push(if !is_pattern(&src.node) {
                format!("`{}`", src.node)
            } else if dead == reached && dead == 1 {
                format!("`{}` (its one action)", src.node)
            } else if dead == reached {
                format!("`{}` (all {dead} actions)", src.node)
            } else {
                format!("`{}` ({dead} of {reached} actions)", src.node)
            });
        }
        if !creates.is_empty() {
            diags.push(
                Diagnostic::new(
                    Code::W0409,
                    span,
                    format!("`aws:ResourceTag` cannot match when creating: {}", creates.join(", ")),
                )
                .label("the resource does not exist yet")
                .help("grant create actions in a statement of their own `when request_tag` (aws:RequestTag)"),
            );
        }
        if entries.is_empty() {
            return;
        }
        let shown = entries
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if entries.len() > 6 {
            format!(" and {} more", entries.len() - 6)
        } else {
            String::new()
        };
        let d = Diagnostic::new(
            Code::W0408,
            span,
            format!("the request never carries `{key}` for {shown}{more}"),
        )
        .label("this condition is never true for them")
        .note(format!(
            "{dead_total} of the {total} actions this statement grants cannot match the condition"
        ));
        diags.push(if scp {
            d.help("in a service control policy this Allow then blocks those actions for every principal in the OU; condition only the actions that carry the key")
        } else if self.deny() {
            d.help("this Deny then never applies to those actions: deny them in a statement without the condition, or with `...IfExists`")
        } else {
            d.help("the grant never applies to those actions: move them to a statement scoped by name (or `*` for list actions), or remove them")
        });
    }

    /// W0408: resources in AWS's own account (`arn:aws:iam::aws:policy/...`) never carry
    /// the customer's tag, so a tag condition makes the grant on them dead.
    fn aws_owned(&self, key: &str, span: Span, diags: &mut Vec<Diagnostic>) {
        for r in &self.resources {
            if r.node.split(':').nth(4) == Some("aws") {
                diags.push(
                    Diagnostic::new(
                        Code::W0408,
                        r.span,
                        format!("`{}` belongs to AWS and never carries `{key}`", r.node),
                    )
                    .label("never tagged by the customer")
                    .with_secondary(span, "this condition")
                    .help("grant AWS-owned resources in a statement without the tag condition"),
                );
            }
        }
    }
}

/// Whether the catalog's key lists name one condition key, remembered per list: equal
/// lists are one range of the catalog, so a wildcard's thousands of actions share a few
/// hundred lists, each matched against the key once.
/// Within a list, each catalog key is matched once too: the catalog holds each distinct
/// string once, and the same few keys (`aws:ResourceTag/${TagKey}`) fill most lists.
struct KeyLists<'k> {
    key: &'k str,
    known: HashMap<(usize, usize), bool, Fast>,
    /// Per catalog key, by its (address, length).
    keys: HashMap<(usize, usize), bool, Fast>,
}

impl<'k> KeyLists<'k> {
    fn new(key: &'k str) -> KeyLists<'k> {
        KeyLists {
            key,
            known: HashMap::default(),
            keys: HashMap::default(),
        }
    }

    fn get(&mut self, list: Table<Str>) -> bool {
        let list = list.as_slice();
        if list.is_empty() {
            return false;
        }
        let KeyLists { key, known, keys } = self;
        *known
            .entry((list.as_ptr() as usize, list.len()))
            .or_insert_with(|| {
                list.iter().any(|k| {
                    let k = k.as_str();
                    *keys
                        .entry((k.as_ptr() as usize, k.len()))
                        .or_insert_with(|| aws_keys::names_key(k, key))
                })
            })
    }
}

/// Keys every request carries (global keys that do not depend on the action).
fn always_present(key: &str) -> bool {
    KeyKind::of(key) == KeyKind::Other
        && cat::catalog()
            .global_condition_keys()
            .any(|(k, _)| k.eq_ignore_ascii_case(key) || cat::key_template_matches(k, key))
}

/// Whether one of the written resources (each with its [`arn::service`]) names a
/// resource of type `t` of `svc`. A type the catalog does not describe counts as named.
/// Both sides are split into their fields once here, not per comparison.
fn names(rt: Option<&'static ResourceType>, resources: &[(arn::Split, Option<&str>)]) -> bool {
    row(rt, resources).named
}

/// [`names`], with the service field of the type's first ARN format. `resources` are
/// sorted by service (those without one first), so that a format is compared only with
/// the resources of its own service and those that may be of any.
fn row(rt: Option<&'static ResourceType>, resources: &[(arn::Split, Option<&str>)]) -> Row {
    let Some(rt) = rt else {
        return Row {
            named: true,
            service: None,
        };
    };
    let mut first = None;
    let named = rt.split_arns().enumerate().any(|(i, template)| {
        let ts = template.service_field();
        if i == 0 {
            first = ts;
        }
        let (any, own): (&[_], &[_]) = match ts {
            None => (resources, &[]),
            Some(ts) => {
                let (any, rest) =
                    resources.split_at(resources.partition_point(|(_, s)| s.is_none()));
                let start = rest.partition_point(|(_, s)| s.is_some_and(|s| s < ts));
                let len = rest[start..].partition_point(|(_, s)| *s == Some(ts));
                (any, &rest[start..start + len])
            }
        };
        any.iter()
            .chain(own)
            .any(|(w, _)| arn::names_split(w, &template))
    });
    Row {
        named,
        service: first,
    }
}

/// `volume` (`arn:${Partition}:ec2:...:volume/${VolumeId}`), up to four types.
fn formats<'t>(types: impl Iterator<Item = (&'t Service, &'t ActionResource)>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut n = 0;
    for (svc, r) in types {
        n += 1;
        if out.len() < 4 {
            let arn = svc.type_of(r).map_or("?", |t| t.arn.as_str());
            out.push(format!("`{}` ({arn})", r.name));
        }
    }
    if n > 4 {
        out.push(format!("and {} more", n - 4));
    }
    out.join(", ")
}

/// Whether the ARN would match one of the formats if its account field were empty.
fn no_account_field(types: &[&(&Service, &ActionResource)], written: &str) -> bool {
    let f: Vec<&str> = written.splitn(6, ':').collect();
    if f.len() != 6 || f[4].is_empty() || f[4].contains(['*', '$']) {
        return false;
    }
    let blanked = format!("{}:{}:{}:{}::{}", f[0], f[1], f[2], f[3], f[5]);
    types.iter().any(|(svc, r)| {
        svc.type_of(r)
            .is_some_and(|rt| rt.arns().any(|a| arn::names_type(&blanked, a)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `row` compares each format only with the resources of its service and those of
    /// any: the same answer as comparing it with every resource, on every type of a few
    /// services and every subset of a pool of ARNs of several services (and none).
    #[test]
    fn rows_by_service_agree_with_every_resource() {
        let pool = [
            "arn:aws:ec2:*:*:volume/*",
            "arn:aws:ec2:us-east-1:${account_id}:instance/i-1",
            "arn:aws:s3:::bucket/*",
            "arn:aws:logs:*:*:log-group:chalk*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:*:*:*:*",
            "arn:${partition}:ec2:*:*:*",
            "*",
        ];
        let every = |rt: &'static ResourceType, resources: &[(arn::Split, Option<&str>)]| {
            rt.arns().any(|template| {
                let template = arn::Split::new(template);
                let ts = template.service_field();
                resources.iter().any(|(w, service)| {
                    service.is_none_or(|s| ts.is_none_or(|ts| ts == s))
                        && arn::names_split(w, &template)
                })
            })
        };
        let services =
            ["ec2", "s3", "logs", "kms", "iam"].map(|s| cat::catalog().service(s).unwrap());
        for mask in 0u32..(1 << pool.len()) {
            let mut arns: Vec<(arn::Split, Option<&str>)> = (0..pool.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| (arn::Split::new(pool[i]), arn::service(pool[i])))
                .collect();
            arns.sort_by_key(|&(_, s)| s);
            for svc in services {
                for rt in svc.resource_types.as_slice() {
                    assert_eq!(
                        row(Some(rt), &arns).named,
                        every(rt, &arns),
                        "{} {mask:b}",
                        rt.name
                    );
                }
            }
        }
    }
}

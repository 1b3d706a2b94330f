//! Risk analysis (W0411): the capabilities of [`capabilities::CAPABILITIES`] each
//! principal holds, from its effective access. A finding names the capability, the
//! grants that combine into it (with their spans) and the narrowest fix. It is a
//! warning the source can acknowledge with a reason; inside a `scoped` access level it
//! is an error until acknowledged (`acks::apply`).

use super::capabilities::{Capability, K8sScope, Need, CAPABILITIES};
use super::{Origin, Principal};
use crate::catalog::{glob_match, is_pattern};
use crate::diag::{Code, Diagnostic};

/// One grant that meets a need: where it is and what it is, in words.
#[derive(Clone, Debug)]
struct Hit {
    origin: Origin,
    what: String,
}

/// The grant a finding shows for a need: the first in the source (the first offered
/// of those at the least span). Only that one is described: a wildcard level meets a
/// need through dozens of grants, and the words for each were allocated and dropped.
#[derive(Default)]
struct First(Option<Hit>);

impl First {
    fn offer(&mut self, span: crate::source::Span, hit: impl FnOnce() -> Hit) {
        if self.0.as_ref().is_none_or(|h| span < h.origin.span) {
            let hit = hit();
            debug_assert_eq!(hit.origin.span, span);
            self.0 = Some(hit);
        }
    }
}

/// Every capability each principal holds, as diagnostics.
pub fn findings(principals: &[Principal]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let analysis = Analysis::shared();
    for p in principals {
        analysis.findings(p, &mut out);
    }
    out
}

/// The table prepared once rather than per principal: for each need of each
/// capability, its probe's alternatives and the services its AWS actions belong to.
pub struct Analysis {
    needs: Vec<Vec<Prepared>>,
}

/// One need of [`CAPABILITIES`], prepared.
struct Prepared {
    /// The probe's (service, resource) alternatives; none but for [`Need::Aws`].
    alternatives: Vec<(&'static str, String)>,
    /// The distinct texts before `:` of an AWS need's actions: a principal none of
    /// whose Allow statements may name one of them cannot meet the need.
    services: Vec<&'static str>,
}

impl Analysis {
    /// The one analysis of the process, prepared when first asked for: a file with no
    /// principal never prepares it, and the language server prepares it once.
    pub fn shared() -> &'static Analysis {
        static SHARED: std::sync::OnceLock<Analysis> = std::sync::OnceLock::new();
        SHARED.get_or_init(Analysis::new)
    }

    fn new() -> Analysis {
        let needs = CAPABILITIES
            .iter()
            .map(|c| c.needs.iter().map(Prepared::new).collect())
            .collect();
        Analysis { needs }
    }

    /// Every capability `p` holds, as diagnostics added to `out`.
    pub fn findings(&self, p: &Principal, out: &mut Vec<Diagnostic>) {
        let services = Services::of(p);
        let held: Vec<(&Capability, Vec<Hit>)> = CAPABILITIES
            .iter()
            .zip(&self.needs)
            .filter_map(|(c, prepared)| {
                // A capability needs every need met: stop at the first that is not
                // (most capabilities stop at their first, before allocating).
                let mut hits = Vec::new();
                for (n, prepared) in c.needs.iter().zip(prepared) {
                    hits.push(meets(p, &services, n, prepared)?);
                }
                Some((c, hits))
            })
            .collect();
        for (c, hits) in &held {
            // The more specific capability says it all.
            let covered = held
                .iter()
                .any(|(other, _)| other.id != c.id && covers(other.id, c.id));
            if !covered {
                out.push(diagnostic(p, c, hits));
            }
        }
    }
}

impl Prepared {
    fn new(need: &Need) -> Prepared {
        let (alternatives, actions) = match need {
            Need::Aws(actions, probe) => (probe.alternatives(), *actions),
            Need::AwsUnconditioned(actions) => (Vec::new(), *actions),
            _ => (Vec::new(), &[][..]),
        };
        let mut services: Vec<&'static str> = actions.iter().map(|a| service_of(a)).collect();
        services.sort_unstable();
        services.dedup();
        Prepared {
            alternatives,
            services,
        }
    }
}

/// `aws.passrole-compute` says all that `aws.passrole-any` would.
fn covers(general: &str, specific: &str) -> bool {
    matches!(
        (general, specific),
        ("aws.passrole-compute", "aws.passrole-any")
    ) || (general == "k8s.cluster-admin-binding" && specific.starts_with("k8s."))
}

/// `hits`: the first grant in the source of each need.
fn diagnostic(p: &Principal, c: &Capability, hits: &[Hit]) -> Diagnostic {
    // The primary grant: the first in the source of the capability's first need (the
    // one that makes the combination dangerous); the finding belongs to its level.
    let primary = &hits[0];
    let mut d = Diagnostic::new(
        Code::W0411,
        primary.origin.span,
        format!("{} can {}", subject(p), c.what),
    )
    .label(primary.what.clone());
    let mut seen = vec![primary.origin.span];
    for h in hits {
        // One grant per need is enough to show; the first in the source.
        if seen.contains(&h.origin.span) {
            continue;
        }
        seen.push(h.origin.span);
        d = d.with_secondary(h.origin.span, format!("together with {}", h.what));
    }
    d.note(format!("{} ({}): {}", c.kind.words(), c.id, c.source))
        .help(format!(
            "{}; or acknowledge it with `ack W0411 \"REASON\"` in the access level",
            c.fix
        ))
}

fn subject(p: &Principal) -> String {
    if p.name.starts_with("access level") {
        p.name.clone()
    } else {
        format!("principal `{}`", p.name)
    }
}

/// The services whose actions a principal's Allow statements may name, lower-cased
/// (`all`: some statement may name any action), found once per principal: most
/// principals hold none of a capability's actions, and asking each statement about
/// each action and each of its probe's resources cost most of the analysis.
struct Services {
    all: bool,
    names: Vec<String>,
}

impl Services {
    fn of(p: &Principal) -> Services {
        let mut s = Services {
            all: false,
            names: Vec::new(),
        };
        for g in p.aws.iter().filter(|g| g.allow) {
            if g.not_action {
                s.all = true;
                return s;
            }
            for a in &g.actions {
                let service = match is_pattern(a) {
                    // A written ASCII service matches only itself without case, as
                    // `ActionIndex` reads a wildcard; any other wildcard, anything.
                    true => match crate::byte_search::split_once(a, b':') {
                        Some((svc, _)) if svc.is_ascii() && !is_pattern(svc) => svc,
                        _ => {
                            s.all = true;
                            return s;
                        }
                    },
                    // An exact name equals the action without ASCII case, so their
                    // texts before the first `:` do too.
                    false => service_of(a),
                };
                if !s.names.iter().any(|n| n.eq_ignore_ascii_case(service)) {
                    s.names.push(service.to_ascii_lowercase());
                }
            }
        }
        s
    }

    /// False only when no Allow statement of the principal can name `action`.
    fn may_name(&self, action: &str) -> bool {
        self.may_name_of(service_of(action))
    }

    /// [`Services::may_name`] of every action whose text before `:` is `service`.
    fn may_name_of(&self, service: &str) -> bool {
        self.all || self.names.iter().any(|n| n.eq_ignore_ascii_case(service))
    }
}

/// The text of an action name before its first `:` (all of it without one).
fn service_of(action: &str) -> &str {
    crate::byte_search::split_once(action, b':').map_or(action, |(s, _)| s)
}

/// The first grant in the source of `p` that meets `need`, if one does (`prepared`:
/// the need's probe alternatives and services; `services`: those `p`'s Allow
/// statements may name).
fn meets(p: &Principal, services: &Services, need: &Need, prepared: &Prepared) -> Option<Hit> {
    let mut out = First::default();
    // An AWS need whose actions no Allow statement may name: each action below would
    // be passed over by `may_name`.
    if matches!(need, Need::Aws(..) | Need::AwsUnconditioned(_))
        && !prepared.services.iter().any(|s| services.may_name_of(s))
    {
        return None;
    }
    match need {
        Need::Aws(actions, probe) => {
            for action in actions.iter() {
                // `aws_can` finds only Allow statements that name the action: when none
                // does, no alternative can find one.
                if !services.may_name(action)
                    || !p.aws.iter().any(|g| g.allow && g.covers_action(action))
                {
                    continue;
                }
                for (service, resource) in &prepared.alternatives {
                    let unbounded = probe.service != "*";
                    for g in p.aws_can(action, service, resource, unbounded) {
                        let span = g.span_of(action);
                        out.offer(span, || {
                            let on = g
                                .resources
                                .first()
                                .map(|r| format!(" on `{r}`"))
                                .unwrap_or_default();
                            let via = g
                                .managed
                                .as_ref()
                                .map(|m| format!(" (in managed policy `{m}`)"))
                                .unwrap_or_default();
                            let not = if g.not_action {
                                " (through `NotAction`)"
                            } else {
                                ""
                            };
                            Hit {
                                origin: Origin {
                                    span,
                                    ..g.origin.clone()
                                },
                                what: format!("`{action}`{on}{not}{via}"),
                            }
                        });
                    }
                }
            }
        }
        Need::AwsUnconditioned(actions) => {
            let open = |g: &&super::AwsGrant| {
                g.allow && g.condition_keys.is_empty() && g.reaches_unnamed()
            };
            for g in p.aws.iter().filter(open) {
                if !g.origin.scoped {
                    continue; // an unscoped level has no tag boundary to keep
                }
                let named = |a: &&&str| services.may_name(a) && g.covers_action(a);
                for a in actions.iter().filter(named) {
                    let span = g.span_of(a);
                    out.offer(span, || Hit {
                        origin: Origin {
                            span,
                            ..g.origin.clone()
                        },
                        what: format!("`{a}` without a tag condition"),
                    });
                }
            }
        }
        Need::Gcp(perms) => {
            for g in &p.gcp {
                if perms.iter().any(|x| *x == g.name) {
                    let via = g
                        .via_role
                        .as_ref()
                        .map(|r| format!(" (in `{r}`)"))
                        .unwrap_or_default();
                    out.offer(g.origin.span, || Hit {
                        origin: g.origin.clone(),
                        what: format!("`{}`{via}", g.name),
                    });
                }
            }
        }
        Need::GcpRole(roles) => {
            for g in p.gcp.iter().filter(|g| g.via_role.is_none()) {
                if roles.contains(&g.name.as_str()) {
                    out.offer(g.origin.span, || Hit {
                        origin: g.origin.clone(),
                        what: format!("role `{}`", g.name),
                    });
                }
            }
        }
        Need::GcpImpersonator(members) => {
            for (m, span) in &p.impersonators {
                if members.contains(&m.as_str()) {
                    out.offer(*span, || Hit {
                        origin: Origin {
                            level: String::new(),
                            scoped: false,
                            span: *span,
                        },
                        what: format!("`{m}` may impersonate it"),
                    });
                }
            }
        }
        Need::Azure(ops) => {
            for op in ops.iter() {
                azure_hits(p, op, false, |_| true, &mut out);
            }
        }
        Need::AzureDataWide(ops) => {
            for op in ops.iter() {
                azure_hits(p, op, true, wide_scope, &mut out);
            }
        }
        Need::K8s {
            verbs,
            resources,
            scope,
            names,
        } => {
            for g in &p.k8s {
                let in_scope = match (scope, &g.namespace) {
                    (K8sScope::Anywhere, _) => true,
                    (_, None) => true,
                    (K8sScope::ClusterOr(ns), Some(n)) => n == ns,
                    (K8sScope::Cluster, Some(_)) => false,
                };
                let named_ok =
                    g.names.is_empty() || g.names.iter().any(|n| names.contains(&n.as_str()));
                if !in_scope || !named_ok {
                    continue;
                }
                let verb = verbs
                    .iter()
                    .find(|v| g.verbs.iter().any(|x| x == "*" || x == *v));
                let resource = resources.iter().find(|(group, res)| {
                    g.groups.iter().any(|x| x == "*" || x == group)
                        && g.resources.iter().any(|x| resource_covers(x, res))
                });
                if let (Some(v), Some((_, r))) = (verb, resource) {
                    let where_ = match &g.namespace {
                        None => format!("in ClusterRole `{}`", g.role),
                        Some(ns) => format!("in Role `{}` of `{ns}`", g.role),
                    };
                    out.offer(g.origin.span, || Hit {
                        origin: g.origin.clone(),
                        what: format!("`{v}` on `{r}` {where_}"),
                    });
                }
            }
        }
        Need::K8sBound(names) => {
            for (role, origin) in &p.k8s_bound {
                if names.contains(&role.as_str()) {
                    out.offer(origin.span, || Hit {
                        origin: origin.clone(),
                        what: format!("a binding to `{role}`"),
                    });
                }
            }
        }
        Need::GcpMember(members) => {
            for (m, origin) in &p.public_members {
                if members.contains(&m.as_str()) {
                    out.offer(origin.span, || Hit {
                        origin: origin.clone(),
                        what: format!("`{m}` is a member of the binding"),
                    });
                }
            }
        }
        Need::K8sRoleNamed(names) => {
            for g in p.k8s.iter().filter(|g| !g.bound) {
                if names.contains(&g.role.as_str()) {
                    out.offer(g.origin.span, || Hit {
                        origin: g.origin.clone(),
                        what: format!("a role named `{}`", g.role),
                    });
                }
            }
        }
    }
    out.0
}

/// `*` covers every resource, `pods/*` every subresource of pods.
fn resource_covers(granted: &str, wanted: &str) -> bool {
    granted == "*"
        || granted == wanted
        || granted
            .strip_suffix("/*")
            .is_some_and(|base| wanted.split('/').next() == Some(base) && wanted.contains('/'))
}

/// A subscription, a management group or the root: wider than one resource group.
fn wide_scope(scope: &str) -> bool {
    let segments: Vec<&str> = scope.trim_matches('/').split('/').collect();
    scope.trim() == "/" || segments.len() <= 2 || segments.first() == Some(&"providers")
}

fn azure_hits(p: &Principal, op: &str, data: bool, scope_ok: fn(&str) -> bool, out: &mut First) {
    let excluded = p
        .azure
        .iter()
        .any(|g| g.not && g.data == data && glob_match(&g.operation, op));
    if excluded {
        return;
    }
    let held = p
        .azure
        .iter()
        .filter(|g| !g.not && g.data == data && glob_match(&g.operation, op))
        .filter(|g| g.scopes.is_empty() || g.scopes.iter().any(|s| scope_ok(s)));
    for g in held {
        out.offer(g.origin.span, || {
            let via = match (&g.via_role, g.operation == op) {
                (Some(role), _) => format!(" (in built-in role `{role}`)"),
                (None, true) => String::new(),
                (None, false) => format!(" (through `{}`)", g.operation),
            };
            Hit {
                origin: g.origin.clone(),
                what: format!("`{op}`{via}"),
            }
        });
    }
}

#[cfg(test)]
#[path = "risk_tests.rs"]
mod tests;

//! Catalog checks of AWS grants: every action name known (with "did you mean"), no
//! wildcard that matches nothing, conditions the request never carries (dead grants),
//! `aws:ResourceTag` on create actions, and actions on `*` in a scoped level that
//! could name their resources.

use crate::catalog::aws::{self as cat, key_template_matches, Action, Service};
use crate::catalog::is_pattern;
use crate::catalog::Why;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::resolve::decls::Decls;
use crate::syntax::ast::{self, Condition, Scope};

/// Global keys that depend on the action: everything else global is always present.
fn action_dependent(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("aws:resourcetag/") || k.starts_with("aws:requesttag/") || k == "aws:tagkeys"
}

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let tag_key = decls
        .deployment
        .and_then(|d| d.managed_tag.as_ref())
        .map(|(k, _)| k.node.clone());
    for a in decls.accesses.values() {
        let scoped = matches!(a.scope.node, Scope::Scoped);
        for st in &a.aws {
            statement(st, scoped, false, tag_key.as_deref(), diags);
        }
    }
    for s in decls.scps.values() {
        for st in &s.statements {
            statement(st, false, true, tag_key.as_deref(), diags);
        }
    }
}

/// The actions a source string stands for (a name, or a wildcard's matches).
fn expand(pattern: &str) -> Vec<(&'static Service, &'static Action)> {
    cat::catalog().matching(pattern)
}

fn statement(
    st: &ast::AwsStatement,
    scoped: bool,
    scp: bool,
    tag_key: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut expanded: Vec<(&ast::Str, Vec<(&Service, &Action)>)> = Vec::new();
    for a in &st.actions {
        if !crate::check::aws_statements::valid_action(&a.node) {
            continue; // E0403 already
        }
        let hits = expand(&a.node);
        if hits.is_empty() {
            diags.push(unknown_action(a));
            continue;
        }
        expanded.push((a, hits));
    }
    if st.not_action {
        return; // NotAction lists name what is excluded: no condition analysis applies
    }
    for c in &st.conditions {
        let (key, span) = match c {
            Condition::Tag(s) => (tag_key.map(|k| format!("aws:ResourceTag/{k}")), *s),
            Condition::RequestTag(s) => (tag_key.map(|k| format!("aws:RequestTag/{k}")), *s),
            Condition::Explicit { key, .. } => (Some(key.node.clone()), key.span),
        };
        let Some(key) = key else { continue };
        dead_condition(&expanded, &key, span, scp, diags);
        if matches!(c, Condition::Tag(_)) {
            aws_owned_resources(st, &key, span, diags);
        }
        if key.to_ascii_lowercase().starts_with("aws:resourcetag/") {
            resource_tag_on_create(&expanded, &key, span, diags);
        }
    }
    let on_star = st
        .resources
        .as_ref()
        .is_none_or(|r| r.iter().any(|x| x.node == "*"));
    if scoped && on_star && !st.not_resource && st.effect.node == ast::Effect::Allow {
        scopable_on_star(st, &expanded, diags);
        unscopable_writes(st, &expanded, diags);
    }
}

fn unknown_action(a: &ast::Str) -> Diagnostic {
    let cat = cat::catalog();
    let u = match crate::catalog::query(cat, &a.node) {
        crate::catalog::Query::Unknown(u) => u,
        _ => unreachable!("called for names that match nothing"),
    };
    let (code, label) = match &u.why {
        Why::NoMatch => (Code::E0407, "matches nothing"),
        Why::Service(_) => (Code::E0406, "no such service"),
        Why::Name | Why::Shape => (Code::E0406, "not in the AWS catalog"),
    };
    let d = Diagnostic::new(code, a.span, u.message::<cat::Catalog>()).label(label);
    unknown_fix(d, a, &u)
}

/// The fix of an unknown name: the suggestion where there is one, else where to look.
pub(crate) fn unknown_fix(d: Diagnostic, a: &ast::Str, u: &crate::catalog::Unknown) -> Diagnostic {
    match &u.suggestion {
        Some(s) => d.suggest(a.span, format!("\"{s}\""), format!("did you mean `{s}`?")),
        None => {
            let service = a.node.split(':').next().unwrap_or("");
            d.help(format!(
                "`engc catalog aws '{service}:*'` lists the actions of `{service}`"
            ))
        }
    }
}

/// Does the request of `action` carry `key`?
pub fn carries(svc: &Service, action: &Action, key: &str) -> bool {
    let matches = |k: &str| k.eq_ignore_ascii_case(key) || key_template_matches(k, key);
    if action.all_condition_keys().into_iter().any(matches) {
        return true;
    }
    action.resource_types.iter().any(|r| {
        svc.resource_type(&r.name)
            .is_some_and(|t| t.condition_keys.iter().any(|k| matches(k)))
    })
}

fn is_global(key: &str) -> bool {
    cat::catalog()
        .global_condition_keys()
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(key) || key_template_matches(k, key))
}

/// W0408: a condition key that the requests of some granted actions never carry, so
/// the grant never applies to them.
fn dead_condition(
    expanded: &[(&ast::Str, Vec<(&Service, &Action)>)],
    key: &str,
    span: crate::source::Span,
    scp: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if is_global(key) && !action_dependent(key) {
        return;
    }
    let mut dead_names: Vec<String> = Vec::new();
    let mut dead_total = 0;
    let mut total = 0;
    for (src, hits) in expanded {
        let dead: Vec<String> = hits
            .iter()
            .filter(|(s, a)| !carries(s, a, key))
            .map(|(s, a)| s.full_name(a))
            .collect();
        total += hits.len();
        dead_total += dead.len();
        let wildcard = is_pattern(&src.node);
        if !dead.is_empty() && (dead.len() == hits.len() || (scp && wildcard)) {
            if wildcard && hits.len() > 1 && dead.len() == hits.len() {
                dead_names.push(format!("`{}` (all {} actions)", src.node, dead.len()));
            } else if wildcard && hits.len() > 1 {
                dead_names.push(format!(
                    "`{}` ({} of {} actions)",
                    src.node,
                    dead.len(),
                    hits.len()
                ));
            } else {
                dead_names.push(format!("`{}`", src.node));
            }
        }
    }
    if dead_names.is_empty() {
        return;
    }
    let shown: Vec<String> = dead_names.iter().take(6).cloned().collect();
    let more = if dead_names.len() > 6 {
        format!(" and {} more", dead_names.len() - 6)
    } else {
        String::new()
    };
    let mut d = Diagnostic::new(
        Code::W0408,
        span,
        format!(
            "the request never carries `{key}` for {}{more}",
            shown.join(", ")
        ),
    )
    .label("this condition is never true for them")
    .note(format!(
        "{dead_total} of the {total} actions this statement grants cannot match the condition"
    ));
    d = if scp {
        d.help("in a service control policy this Allow then blocks those actions for every principal in the OU; condition only the actions that carry the key")
    } else {
        d.help("the grant never applies to those actions: move them to a statement scoped by name (or `*` for list actions), or remove them")
    };
    diags.push(d);
}

/// W0409: creating a resource carries its tags in the request, not on a resource.
fn resource_tag_on_create(
    expanded: &[(&ast::Str, Vec<(&Service, &Action)>)],
    key: &str,
    span: crate::source::Span,
    diags: &mut Vec<Diagnostic>,
) {
    let request_key = format!(
        "aws:RequestTag/{}",
        key.split_once('/').map(|x| x.1).unwrap_or("")
    );
    let creates: Vec<String> = expanded
        .iter()
        // A wildcard such as `eks:*` covers creates on purpose or not; only named ones count.
        .filter(|(src, _)| !is_pattern(&src.node))
        .flat_map(|(_, hits)| hits.iter())
        .filter(|(_, a)| {
            a.name.starts_with("Create")
                && a.condition_keys
                    .iter()
                    .any(|k| key_template_matches(k, &request_key))
        })
        .map(|(s, a)| s.full_name(a))
        .take(7)
        .collect();
    if creates.is_empty() {
        return;
    }
    let shown: Vec<String> = creates.iter().take(6).map(|n| format!("`{n}`")).collect();
    diags.push(
        Diagnostic::new(
            Code::W0409,
            span,
            format!(
                "`aws:ResourceTag` cannot match when creating: {}",
                shown.join(", ")
            ),
        )
        .label("the resource does not exist yet")
        .help(
            "grant create actions in a statement of their own `when request_tag` (aws:RequestTag)",
        ),
    );
}

/// W0410: in a scoped level, actions on `*` that could be restricted to ARNs.
fn scopable_on_star(
    st: &ast::AwsStatement,
    expanded: &[(&ast::Str, Vec<(&Service, &Action)>)],
    diags: &mut Vec<Diagnostic>,
) {
    for (src, hits) in expanded {
        let scopable: Vec<String> = hits
            .iter()
            .filter(|(_, a)| a.resource_types.iter().any(|r| r.required))
            .map(|(s, a)| s.full_name(a))
            .collect();
        // A wildcard is worth scoping when most of what it matches could be.
        if scopable.is_empty() || (is_pattern(&src.node) && scopable.len() * 2 <= hits.len()) {
            continue;
        }
        let shown: Vec<String> = scopable.iter().take(5).map(|n| format!("`{n}`")).collect();
        let more = if scopable.len() > 5 {
            format!(" and {} more", scopable.len() - 5)
        } else {
            String::new()
        };
        let message = if hits.len() == 1 {
            format!("`{}` is granted on `*` in a scoped level, but it can be restricted to resource ARNs", src.node)
        } else {
            format!("`{}` is granted on `*` in a scoped level, but {}{more} can be restricted to resource ARNs", src.node, shown.join(", "))
        };
        diags.push(
            Diagnostic::new(Code::W0410, src.span, message)
            .label("on `*`")
            .with_secondary(st.span, "this statement")
            .help("name the resources (ARNs with the name prefix), and keep `*` for actions that support no resource"),
        );
    }
}

/// W0408: resources in AWS's own account (`arn:aws:iam::aws:policy/...`) never carry
/// the customer's tag, so a tag condition makes the grant on them dead.
fn aws_owned_resources(
    st: &ast::AwsStatement,
    key: &str,
    span: crate::source::Span,
    diags: &mut Vec<Diagnostic>,
) {
    for r in st.resources.iter().flatten() {
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

/// E0412: in a scoped level, a write that supports no resource (it can only be granted
/// on `*`) and carries no request tag to scope it by.
fn unscopable_writes(
    st: &ast::AwsStatement,
    expanded: &[(&ast::Str, Vec<(&Service, &Action)>)],
    diags: &mut Vec<Diagnostic>,
) {
    let request_tagged = st
        .conditions
        .iter()
        .any(|c| matches!(c, Condition::RequestTag(_)));
    for (src, hits) in expanded {
        let unscopable = |(_, a): &&(&Service, &Action)| {
            a.resource_types.is_empty()
                && a.access_level.is_mutating()
                && !(request_tagged
                    && a.condition_keys
                        .iter()
                        .any(|k| k.starts_with("aws:RequestTag")))
        };
        // A wildcard is reported only when everything it matches is such a write.
        let bad: Vec<String> = hits
            .iter()
            .filter(unscopable)
            .map(|(s, a)| s.full_name(a))
            .collect();
        if bad.is_empty() || (is_pattern(&src.node) && bad.len() < hits.len()) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::E0412,
                src.span,
                format!("`{}` is a write that supports no resource, so a scoped level cannot restrict it", src.node),
            )
            .label("can only be granted on `*`")
            .help("grant it in an `unscoped \"reason\"` access level, or, for a create that carries tags, add `when request_tag`"),
        );
    }
}

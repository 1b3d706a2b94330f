//! Catalog checks of AWS grants: every action name known (with "did you mean"), no
//! wildcard that matches nothing, and, in a scoped level, actions on `*` that could
//! name their resources or that nothing can scope. Dead grants are in `aws_dead`.

use crate::catalog::aws::{self as cat, Action, Service};
use crate::catalog::is_pattern;
use crate::catalog::Why;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::resolve::decls::Decls;
use crate::syntax::ast::{self, Condition, Scope};

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        let scoped = matches!(a.scope.node, Scope::Scoped);
        for st in &a.aws {
            statement(st, scoped, diags);
        }
    }
    for s in decls.scps.values() {
        for st in &s.statements {
            statement(st, false, diags);
        }
    }
}

/// The actions a source string stands for (a name, or a wildcard's matches).
fn expand(pattern: &str) -> Vec<(&'static Service, &'static Action)> {
    cat::catalog().matching(pattern)
}

pub(crate) fn statement(st: &ast::AwsStatement, scoped: bool, diags: &mut Vec<Diagnostic>) {
    let on_star = st
        .resources
        .as_ref()
        .is_none_or(|r| r.iter().any(|x| x.node == "*"));
    // Only W0410 and E0412 need what a name matches; the rest only whether it matches
    // anything, which `*` and `service:*` answer without reading the services.
    let judged = scoped && on_star && !st.not_resource && st.effect.node == ast::Effect::Allow;
    let mut expanded: Vec<(&ast::Str, Vec<(&Service, &Action)>)> = Vec::new();
    for a in &st.actions {
        if !crate::check::aws_statements::valid_action(&a.node) {
            continue; // E0403 already
        }
        if !judged {
            if !cat::catalog().matches_any(&a.node) {
                diags.push(unknown_action(a));
            }
            continue;
        }
        let hits = expand(&a.node);
        if hits.is_empty() {
            diags.push(unknown_action(a));
            continue;
        }
        expanded.push((a, hits));
    }
    if judged {
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

/// W0410: in a scoped level, actions on `*` that could be restricted to ARNs.
fn scopable_on_star(
    st: &ast::AwsStatement,
    expanded: &[(&ast::Str, Vec<(&Service, &Action)>)],
    diags: &mut Vec<Diagnostic>,
) {
    for (src, hits) in expanded {
        // Names written only for the five shown: a wildcard has hundreds.
        let scopable: Vec<&(&Service, &Action)> = hits
            .iter()
            .filter(|(_, a)| a.resource_types.iter().any(|r| r.required))
            .collect();
        // A wildcard is worth scoping when most of what it matches could be.
        if scopable.is_empty() || (is_pattern(&src.node) && scopable.len() * 2 <= hits.len()) {
            continue;
        }
        let shown: Vec<String> = scopable
            .iter()
            .take(5)
            .map(|(s, a)| format!("`{}`", s.full_name(a)))
            .collect();
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
        let bad = hits.iter().filter(unscopable).count();
        if bad == 0 || (is_pattern(&src.node) && bad < hits.len()) {
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

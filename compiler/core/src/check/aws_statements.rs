//! AWS checks on the source: action names, duplicates, Sids, condition operators,
//! trust (external id, wildcard principals) and managed policy names.

use crate::catalog::is_pattern;
use crate::diag::{closest, Code, Diagnostic};
use crate::resolve::decls::Decls;
use crate::syntax::ast::{self, Condition};
use crate::vocab::iam_operators;
use std::collections::BTreeMap;

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let has_tag = decls.deployment.is_some_and(|d| d.managed_tag.is_some());
    for a in decls.accesses.values() {
        check_policy(&a.aws, has_tag, diags);
        abstract_sids(a, diags);
        for m in &a.aws_managed {
            managed_policy(m, diags);
        }
    }
    for s in decls.scps.values() {
        check_policy(&s.statements, has_tag, diags);
    }
    for p in decls.principals.values() {
        if let Some(role) = &p.aws_role {
            trust(role, diags);
        }
    }
}

pub(crate) fn check_policy(
    statements: &[ast::AwsStatement],
    has_tag: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let mut sids: BTreeMap<&str, &ast::Str> = BTreeMap::new();
    let mut seen: BTreeMap<String, &ast::AwsStatement> = BTreeMap::new();
    for st in statements {
        if let Some(first) = seen.insert(statement_key(st), st) {
            diags.push(
                Diagnostic::new(
                    Code::W0420,
                    st.span,
                    "this statement repeats an earlier one of the level",
                )
                .label("the same effect, actions, resources and conditions")
                .with_secondary(first.span, "first written here")
                .help("remove one of them"),
            );
        }
        if st.actions.is_empty() {
            diags.push(
                Diagnostic::new(Code::E0007, st.span, "the statement names no action")
                    .label("an empty action list")
                    .help("list the actions, such as `[\"s3:GetObject\"]`"),
            );
        }
        if st.resources.as_ref().is_some_and(|r| r.is_empty()) {
            diags.push(
                Diagnostic::new(Code::E0007, st.span, "the statement names no resource")
                    .label("`on []`")
                    .help("name the resources, or leave `on` out for `*`"),
            );
        }
        actions(&st.actions, diags);
        if let Some(resources) = &st.resources {
            duplicates(resources, "resource", diags);
        }
        for c in &st.conditions {
            match c {
                Condition::Tag(span) | Condition::RequestTag(span) if !has_tag => diags.push(
                    Diagnostic::new(Code::E0110, *span, "`tag` condition without a `managed_tag` in the deployment")
                        .label("which tag?")
                        .help("declare it in the deployment: `managed_tag \"vendor.com/managed\" = \"true\"`"),
                ),
                Condition::Explicit { operator, .. } => {
                    let base = iam_operators::base(&operator.node);
                    if iam_operators::get(base).is_none() {
                        let mut d = Diagnostic::new(
                            Code::E0111,
                            operator.span,
                            format!("unknown condition operator `{}`", operator.node),
                        )
                        .label("not an IAM condition operator");
                        if let Some(best) = closest(base, iam_operators::names()) {
                            d = d.suggest(operator.span, best, format!("did you mean `{best}`?"));
                        }
                        diags.push(d);
                    }
                }
                _ => {}
            }
        }
        if let Some(sid) = &st.sid {
            if sid.node.is_empty() {
                diags.push(
                    Diagnostic::new(Code::E0114, sid.span, "an empty Sid")
                        .label("IAM refuses an empty Sid")
                        .help("leave `as \"\"` out: a written statement has no Sid without it"),
                );
            } else if !is_sid(&sid.node) {
                diags.push(not_alphanumeric(sid));
            } else if let Some(first) = sids.insert(&sid.node, sid) {
                diags.push(
                    Diagnostic::new(
                        Code::E0114,
                        sid.span,
                        format!("Sid `{}` is used twice in one policy", sid.node),
                    )
                    .label("used again here")
                    .with_secondary(first.span, "first used here")
                    .help("give each statement its own Sid"),
                );
            }
        }
    }
}

fn is_sid(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// E0114 for a Sid with characters IAM refuses, with the Sid they leave as the fix.
fn not_alphanumeric(sid: &ast::Str) -> Diagnostic {
    let fixed: String = sid
        .node
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let d = Diagnostic::new(
        Code::E0114,
        sid.span,
        format!("Sid `{}` is not alphanumeric", sid.node),
    )
    .label("IAM accepts only A-Z, a-z and 0-9 in a Sid");
    if fixed.is_empty() {
        d
    } else {
        d.suggest(sid.span, format!("\"{fixed}\""), format!("use `{fixed}`"))
    }
}

/// E0114 for an abstract grant's `as`: the base of its statements' Sids (`""`, for
/// none, is allowed there).
fn abstract_sids(a: &ast::Access, diags: &mut Vec<Diagnostic>) {
    for sid in a.grants.iter().filter_map(|g| g.sid.as_ref()) {
        if !is_sid(&sid.node) {
            diags.push(not_alphanumeric(sid));
        }
    }
}

/// What a statement grants, written the same way whatever the order of its lists:
/// actions without case (as IAM compares them), resources and conditions with case.
fn statement_key(st: &ast::AwsStatement) -> String {
    let mut actions: Vec<String> = st
        .actions
        .iter()
        .map(|a| a.node.to_ascii_lowercase())
        .collect();
    actions.sort();
    actions.dedup();
    let mut resources: Vec<&str> = st
        .resources
        .iter()
        .flatten()
        .map(|r| r.node.as_str())
        .collect();
    resources.sort();
    resources.dedup();
    let mut conditions: Vec<String> = st
        .conditions
        .iter()
        .map(|c| match c {
            Condition::Tag(_) => "tag".to_string(),
            Condition::RequestTag(_) => "request_tag".to_string(),
            Condition::Explicit {
                operator,
                key,
                values,
                ..
            } => {
                let mut v: Vec<&str> = values.iter().map(|x| x.node.as_str()).collect();
                v.sort();
                format!(
                    "{}\u{1}{}\u{1}{}",
                    operator.node,
                    key.node.to_ascii_lowercase(),
                    v.join("\u{1}")
                )
            }
        })
        .collect();
    conditions.sort();
    format!(
        "{:?}\u{2}{}{}\u{2}{}{}\u{2}{}",
        st.effect.node,
        st.not_action,
        actions.join(","),
        st.not_resource,
        if st.resources.is_none() {
            "*".to_string()
        } else {
            resources.join(",")
        },
        conditions.join("\u{2}"),
    )
}

/// Shape of `service:Action` (wildcards allowed) and duplicates in one statement,
/// including names a wildcard in the same statement already covers.
fn actions(list: &[ast::Str], diags: &mut Vec<Diagnostic>) {
    for a in list {
        if !valid_action(&a.node) {
            diags.push(
                Diagnostic::new(
                    Code::E0403,
                    a.span,
                    format!("`{}` is not an AWS action name", a.node),
                )
                .label("expected `service:Action`")
                .help("AWS actions look like `s3:GetObject` or `ec2:Describe*`"),
            );
        }
    }
    duplicates(list, "action", diags);
    // Wildcard coverage: wildcards grouped by service, so each name is compared only
    // with the few wildcards of its own service.
    let mut wildcards: BTreeMap<String, Vec<&ast::Str>> = BTreeMap::new();
    for a in list.iter().filter(|a| is_pattern(&a.node)) {
        let service = a.node.split(':').next().unwrap_or("").to_ascii_lowercase();
        wildcards.entry(service).or_default().push(a);
    }
    if wildcards.is_empty() {
        return; // nothing covers a name
    }
    for a in list.iter().filter(|a| !is_pattern(&a.node)) {
        let service = a.node.split(':').next().unwrap_or("").to_ascii_lowercase();
        let covering = wildcards
            .get(&service)
            .into_iter()
            .flatten()
            .chain(wildcards.get("*").into_iter().flatten())
            .find(|w| crate::catalog::glob_match(&w.node, &a.node));
        if let Some(w) = covering {
            diags.push(
                Diagnostic::new(
                    Code::W0402,
                    a.span,
                    format!("`{}` is already granted by `{}`", a.node, w.node),
                )
                .label("redundant")
                .with_secondary(w.span, "this wildcard covers it")
                .suggest(a.span, "", "remove it"),
            );
        }
    }
}

/// Exact duplicates (case-insensitive, as IAM compares actions).
pub fn duplicates(list: &[ast::Str], what: &str, diags: &mut Vec<Diagnostic>) {
    use std::collections::btree_map::Entry;
    let mut seen: BTreeMap<String, &ast::Str> = BTreeMap::new();
    for a in list {
        // Lower-cased once: the entry is both the lookup and the insertion.
        match seen.entry(a.node.to_ascii_lowercase()) {
            Entry::Occupied(first) => diags.push(
                Diagnostic::new(
                    Code::W0402,
                    a.span,
                    format!("duplicate {what} `{}`", a.node),
                )
                .label("listed again here")
                .with_secondary(first.get().span, "first listed here")
                .suggest(a.span, "", "remove the duplicate"),
            ),
            Entry::Vacant(v) => {
                v.insert(a);
            }
        }
    }
}

pub fn valid_action(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some((service, action)) = crate::byte_search::split_once(s, b':') else {
        return false;
    };
    // By bytes: a character outside ASCII fails either way.
    !service.is_empty()
        && !action.is_empty()
        && service
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'*')
        && action
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'?' | b'-' | b'_'))
}

/// Policies under `/aws-service-role/` are for service-linked roles only.
fn managed_policy(name: &ast::Str, diags: &mut Vec<Diagnostic>) {
    let base = name.node.rsplit('/').next().unwrap_or(&name.node);
    if base.starts_with("AWSServiceRoleFor") {
        diags.push(
            Diagnostic::new(
                Code::W0405,
                name.span,
                format!("`{base}` is the policy of a service-linked role"),
            )
            .label("AWS attaches it to its own service-linked role")
            .help("IAM refuses to attach `aws-service-role/` policies to your roles; let the service create its service-linked role (grant `iam:CreateServiceLinkedRole`) instead")
            .note("the emitted ARN uses the `aws-service-role/` path so the document is at least exact"),
        );
    }
}

fn trust(role: &ast::AwsRole, diags: &mut Vec<Diagnostic>) {
    let arn = &role.arn.node;
    if arn == "*" || arn.contains(":*:") || arn.ends_with(":root") && arn.contains('*') {
        diags.push(
            Diagnostic::new(
                Code::W0404,
                role.arn.span,
                "the trust policy lets any AWS principal assume the role",
            )
            .label("wildcard principal")
            .help("name the vendor's role ARN exactly"),
        );
        return;
    }
    // Any account but the customer's own (`${account_id}`) is another account.
    let account = arn.split(':').nth(4).unwrap_or("");
    let cross_account = !account.is_empty() && account != "${account_id}";
    if cross_account && role.external_id.is_none() {
        diags.push(
            Diagnostic::new(
                Code::W0401,
                role.span,
                format!("cross-account trust of account `{account}` without an external id"),
            )
            .label("any customer of this vendor could make it act here (confused deputy)")
            .help("require one: `external_id \"${external_id}\"` and declare `param external_id`"),
        );
    }
}

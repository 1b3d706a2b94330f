//! The roles the customer creates: their trust statements (who, which actions, which
//! condition keys), instance profiles, permissions boundaries and inline policies.
//!
//! - E0421: a trust principal of the wrong shape (service name, account, role or
//!   provider ARN, OIDC issuer);
//! - E0422: a trust action that is not one of assuming a role, or not for that
//!   principal, or a statement that lets no one assume the role;
//! - W0423: a condition key the trust actions' requests never carry;
//! - W0424: a web identity trust without a `sub` condition;
//! - W0425: an instance profile for a role EC2 cannot assume;
//! - E0426: a permissions boundary level that cannot be one managed policy;
//! - W0427: role creation without the deployment's permissions boundary;
//! - E0428: `aws inline` in a level granted to no principal;
//! - E0429: the inline policies of one role over 10,240 characters.
//!
//! W0401 and W0404 (cross-account without external id, wildcard principal) apply to
//! trust statements as they do to `aws role`.

use super::limits::thousands;
use crate::backend::aws::{policy_document, policy_parts, policy_size};
use crate::catalog::aws::{catalog, key_template_matches};
use crate::catalog::glob_match;
use crate::diag::{Code, Diagnostic};
use crate::lower::oidc_issuer;
use crate::model::Model;
use crate::resolve::decls::Decls;
use crate::syntax::ast::{self, Condition, Effect, TrustKind};
use crate::vocab::iam_roles::{
    self, trust_action, BOUNDARY_KEY, CREATES_ROLES, OIDC_CLAIMS, WELL_KNOWN_FEDERATED,
};

/// The most characters (white space excluded) of all inline policies of one role.
pub const INLINE_POLICIES_PER_ROLE_LIMIT: usize = 10_240;

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    for p in decls.principals.values() {
        for t in &p.aws_trust {
            trust(t, diags);
        }
        without_role(p, diags);
        instance_profile(p, model, diags);
    }
    boundaries(decls, model, diags);
    inline(decls, model, diags);
    creates_roles(decls, model, diags);
}

/// Whether an ARN field or id is a placeholder the customer fills (`${account_id}`).
fn placeholder(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1
}

fn account_ok(s: &str) -> bool {
    placeholder(s) || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE` with the resource starting with one of
/// `types`.
fn arn_ok(s: &str, service: &str, types: &[&str]) -> bool {
    let f: Vec<&str> = s.splitn(6, ':').collect();
    f.len() == 6
        && f[0] == "arn"
        && f[1].starts_with("aws")
        && f[2] == service
        && f[3].is_empty()
        && account_ok(f[4])
        && types
            .iter()
            .any(|t| f[5].starts_with(t) && f[5].len() > t.len())
}

fn service_ok(s: &str) -> bool {
    let host = s
        .strip_suffix(".amazonaws.com")
        .or_else(|| s.strip_suffix(".amazonaws.com.cn"));
    host.is_some_and(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !h.starts_with(['.', '-'])
    })
}

/// An OIDC issuer as IAM names its provider: a host and path, no scheme but `https://`.
fn issuer_ok(s: &str) -> bool {
    let i = oidc_issuer(s);
    !i.is_empty()
        && !i.contains("://")
        && !i.starts_with("arn:")
        && !i.contains(char::is_whitespace)
        && i.split('/').next().is_some_and(|h| h.contains('.'))
}

/// The shape each kind takes, for messages.
fn shape(kind: TrustKind) -> &'static str {
    match kind {
        TrustKind::Account => "an account id (12 digits) or `arn:aws:iam::ACCOUNT:root`",
        TrustKind::Role => "a role ARN `arn:aws:iam::ACCOUNT:role/NAME` (or `user/NAME`)",
        TrustKind::Service => "a service principal such as `ec2.amazonaws.com`",
        TrustKind::Federated => {
            "a provider ARN `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER` or `...:saml-provider/NAME`, or `accounts.google.com`, `cognito-identity.amazonaws.com`, `graph.facebook.com`, `www.amazon.com`"
        }
        TrustKind::Oidc => "an OIDC issuer such as `oidc.eks.${region}.amazonaws.com/id/ID`",
    }
}

fn principal_ok(kind: TrustKind, s: &str) -> bool {
    match kind {
        TrustKind::Account => account_ok(s) || arn_ok(s, "iam", &["root"]) && s.ends_with(":root"),
        TrustKind::Role => {
            arn_ok(s, "iam", &["role/", "user/"]) || arn_ok(s, "sts", &["assumed-role/"])
        }
        TrustKind::Service => service_ok(s),
        TrustKind::Federated => {
            WELL_KNOWN_FEDERATED.contains(&s)
                || arn_ok(s, "iam", &["oidc-provider/", "saml-provider/"])
        }
        TrustKind::Oidc => issuer_ok(s),
    }
}

/// The issuers a statement's condition keys may name (`ISSUER:sub`).
fn issuers(t: &ast::AwsTrust) -> Vec<&str> {
    t.principals
        .iter()
        .filter_map(|p| match t.kind.node {
            TrustKind::Oidc => Some(oidc_issuer(&p.node)),
            TrustKind::Federated => {
                p.node
                    .split_once(":oidc-provider/")
                    .map(|(_, i)| i)
                    .or(WELL_KNOWN_FEDERATED
                        .contains(&p.node.as_str())
                        .then_some(p.node.as_str()))
            }
            _ => None,
        })
        .collect()
}

fn trust(t: &ast::AwsTrust, diags: &mut Vec<Diagnostic>) {
    let kind = t.kind.node;
    for p in &t.principals {
        let v = p.node.as_str();
        if v == "*" || (matches!(kind, TrustKind::Account | TrustKind::Role) && v.contains(":*:")) {
            diags.push(
                Diagnostic::new(
                    Code::W0404,
                    p.span,
                    "the trust policy lets any AWS principal assume the role",
                )
                .label("wildcard principal")
                .help("name the principals exactly"),
            );
            continue;
        }
        if !principal_ok(kind, v) {
            diags.push(
                Diagnostic::new(
                    Code::E0421,
                    p.span,
                    format!("`{}` is not {}", v.escape_debug(), shape(kind)),
                )
                .label(format!("not a `{}` trust principal", kind.as_str()))
                .help(format!("write {}", shape(kind))),
            );
        }
    }
    if t.principals.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::E0007,
                t.span,
                "the trust statement names no principal",
            )
            .label("an empty list")
            .help(format!("write {}", shape(kind))),
        );
    }
    if t.actions.as_ref().is_some_and(|a| a.is_empty()) {
        diags.push(
            Diagnostic::new(Code::E0007, t.span, "the trust statement names no action")
                .label("`actions []`")
                .help("leave `actions` out for the kind's own action"),
        );
    }
    let actions: Vec<&str> = match &t.actions {
        Some(list) => list.iter().map(|a| a.node.as_str()).collect(),
        None => {
            let given: Vec<String> = t.principals.iter().map(|p| p.node.clone()).collect();
            vec![iam_roles::default_action(kind, &given)]
        }
    };
    for a in t.actions.iter().flatten() {
        match trust_action(&a.node) {
            None => diags.push(
                Diagnostic::new(
                    Code::E0422,
                    a.span,
                    format!("`{}` is not an action a trust policy allows", a.node),
                )
                .label("not an `sts:` action of assuming a role")
                .help(format!(
                    "use {}",
                    iam_roles::TRUST_ACTIONS
                        .iter()
                        .map(|x| format!("`{}`", x.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Some(x) if !x.kinds.contains(&kind) => diags.push(
                Diagnostic::new(
                    Code::E0422,
                    a.span,
                    format!(
                        "`{}` does not apply to a `{}` principal",
                        x.name,
                        kind.as_str()
                    ),
                )
                .label(x.doc)
                .help(format!(
                    "a `{}` principal assumes the role with `{}`",
                    kind.as_str(),
                    iam_roles::default_action(kind, &[])
                )),
            ),
            Some(_) => {}
        }
    }
    if let Some(list) = &t.actions {
        if !list.is_empty()
            && !list
                .iter()
                .any(|a| a.node.to_ascii_lowercase().starts_with("sts:assumerole"))
        {
            diags.push(
                Diagnostic::new(
                    Code::E0422,
                    list[0].span,
                    "the statement lets no one assume the role",
                )
                .label("no `sts:AssumeRole...` action")
                .help(format!("add `{}`", iam_roles::default_action(kind, &[]))),
            );
        }
    }
    condition_keys(t, &actions, diags);
    web_identity_subject(t, &actions, diags);
    cross_account(t, diags);
}

/// W0423: each explicit condition key must be one the requests of the statement's
/// actions carry: a global key, a key of an action, or a claim of its OIDC issuer.
fn condition_keys(t: &ast::AwsTrust, actions: &[&str], diags: &mut Vec<Diagnostic>) {
    let cat = catalog();
    let issuers = issuers(t);
    for c in &t.conditions {
        let Condition::Explicit { key, .. } = c else {
            continue;
        };
        let k = key.node.as_str();
        let global = cat
            .global_condition_keys()
            .any(|(g, _)| g.eq_ignore_ascii_case(k) || key_template_matches(g, k));
        let of_action = actions.iter().any(|a| {
            cat.action(a).is_some_and(|(_, act)| {
                act.all_condition_keys()
                    .iter()
                    .any(|g| g.eq_ignore_ascii_case(k) || key_template_matches(g, k))
            })
        });
        let claim = k.rsplit_once(':').is_some_and(|(issuer, claim)| {
            issuers.iter().any(|i| oidc_issuer(i) == issuer) && OIDC_CLAIMS.contains(&claim)
        });
        if !(global || of_action || claim) {
            let mut d = Diagnostic::new(
                Code::W0423,
                key.span,
                format!(
                    "the request of {} never carries `{}`",
                    actions
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    k.escape_debug()
                ),
            )
            .label(
                "the condition is never true: no one can assume the role through this statement",
            );
            d = match issuers.first() {
                Some(i) => d.help(format!(
                    "an OIDC claim is `{}:CLAIM` ({}); other keys are the global `aws:` keys and those of the `sts:` actions",
                    oidc_issuer(i),
                    OIDC_CLAIMS.join(", ")
                )),
                None => d.help("use a global key (`aws:PrincipalArn`, `aws:SourceAccount`...) or one of the action's (`sts:ExternalId`, `sts:RoleSessionName`...)"),
            };
            diags.push(d);
        }
    }
}

/// W0424: a web identity trust must test the token's subject, else every identity
/// of the provider (any service account of the cluster) can assume the role.
fn web_identity_subject(t: &ast::AwsTrust, actions: &[&str], diags: &mut Vec<Diagnostic>) {
    if !actions
        .iter()
        .any(|a| a.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity"))
    {
        return;
    }
    if t.service_account.is_some() || !matches!(t.kind.node, TrustKind::Federated | TrustKind::Oidc)
    {
        return;
    }
    let keys: Vec<&str> = t
        .conditions
        .iter()
        .filter_map(|c| match c {
            Condition::Explicit { key, .. } => Some(key.node.as_str()),
            _ => None,
        })
        .collect();
    let cognito = t
        .principals
        .iter()
        .all(|p| p.node == "cognito-identity.amazonaws.com");
    let subject = |k: &&str| k.ends_with(":sub") || (cognito && k.ends_with(":aud"));
    if keys.iter().any(subject) {
        return;
    }
    let (label, help) = match t.kind.node {
        TrustKind::Oidc => (
            "any service account of the cluster can assume the role",
            "name the service account: `service_account \"NAME\" in \"NAMESPACE\"`",
        ),
        _ => (
            "any identity the provider issues tokens for can assume the role",
            "require the subject: `when StringEquals \"ISSUER:sub\" = \"...\"`",
        ),
    };
    diags.push(
        Diagnostic::new(
            Code::W0424,
            t.span,
            "web identity trust without a `sub` condition",
        )
        .label(label)
        .help(help),
    );
}

/// W0401: an account or role of another account, without `sts:ExternalId`.
fn cross_account(t: &ast::AwsTrust, diags: &mut Vec<Diagnostic>) {
    if !matches!(t.kind.node, TrustKind::Account | TrustKind::Role) {
        return;
    }
    let has_external_id = t.conditions.iter().any(|c| {
        matches!(c, Condition::Explicit { key, .. } if key.node.eq_ignore_ascii_case("sts:ExternalId"))
    });
    if has_external_id {
        return;
    }
    for p in &t.principals {
        let account = if p.node.starts_with("arn:") {
            p.node.split(':').nth(4).unwrap_or("")
        } else {
            p.node.as_str()
        };
        if account.is_empty() || account == "${account_id}" || account == "*" {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::W0401,
                p.span,
                format!("cross-account trust of account `{account}` without an external id"),
            )
            .label("any customer of this vendor could make it act here (confused deputy)")
            .help("add `and StringEquals \"sts:ExternalId\" = \"${external_id}\"` and declare `param external_id`"),
        );
    }
}

/// E0006: an instance profile or a boundary belongs to a role, which `aws role` or
/// `aws trust` makes.
fn without_role(p: &ast::Principal, diags: &mut Vec<Diagnostic>) {
    if p.has_aws_role() {
        return;
    }
    let settings = [
        p.aws_instance_profile
            .as_ref()
            .map(|i| (i.span, "aws instance_profile")),
        p.aws_boundary.as_ref().map(|b| (b.span, "aws boundary")),
    ];
    for (span, what) in settings.into_iter().flatten() {
        diags.push(
            Diagnostic::new(
                Code::E0006,
                span,
                format!("`{what}` in `{}`, which has no AWS role", p.name.node),
            )
            .label("nothing to attach it to")
            .help("say who assumes the role: `aws trust service \"ec2.amazonaws.com\"`, or `aws role \"ARN\"`"),
        );
    }
}

/// W0425: an instance profile hands the role to EC2, which must be able to assume it.
fn instance_profile(p: &ast::Principal, model: &Model, diags: &mut Vec<Diagnostic>) {
    let Some(ip) = &p.aws_instance_profile else {
        return;
    };
    let ec2 = crate::backend::principal_named(model, &p.name.node).is_some_and(|m| {
        m.aws_trust.iter().any(|t| {
            t.principal_key == "Service"
                && t.principals
                    .iter()
                    .any(|s| s.starts_with("ec2.amazonaws.com"))
                && t.actions
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case("sts:AssumeRole"))
        })
    });
    if !ec2 {
        diags.push(
            Diagnostic::new(
                Code::W0425,
                ip.span,
                format!(
                    "an instance profile for `{}`, whose role EC2 cannot assume",
                    p.name.node
                ),
            )
            .label("instances started with it get no credentials")
            .help("add `aws trust service \"ec2.amazonaws.com\"`, or remove the instance profile"),
        );
    }
}

/// E0426: every level named as a permissions boundary must be one managed policy of
/// its own: granted to no principal, not inline, not empty, not split.
fn boundaries(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut refs: Vec<&ast::Name> = Vec::new();
    for p in decls.principals.values() {
        refs.extend(p.aws_boundary.as_ref());
    }
    for a in decls.accesses.values() {
        refs.extend(a.aws_roles_under.iter().map(|r| &r.boundary));
    }
    for name in refs {
        let (Some(level), Some(src)) = (
            crate::backend::access_named(model, &name.node),
            decls.accesses.get(name.node.as_str()),
        ) else {
            continue; // E0101 or E0103
        };
        let parts = policy_parts(level).len();
        let problem = if let Some(p) = &src.principal {
            Some((
                p.span,
                format!("it is granted to `{}`", p.node),
                "a boundary limits roles; it is not granted: remove `for`".to_string(),
            ))
        } else if let Some(s) = src.aws_inline {
            Some((
                s,
                "it is an inline policy".into(),
                "remove `aws inline`: a boundary is a managed policy".into(),
            ))
        } else if parts == 0 {
            Some((
                src.name.span,
                "it has no AWS statement".into(),
                "list what roles under it may at most do: `aws allow [...] on [...]`".into(),
            ))
        } else if parts > 1 {
            Some((
                src.name.span,
                format!("its statements make {parts} policies"),
                "a role has one boundary: shorten the level to one policy of 6,144 characters"
                    .into(),
            ))
        } else {
            None
        };
        if let Some((at, why, help)) = problem {
            diags.push(
                Diagnostic::new(
                    Code::E0426,
                    name.span,
                    format!("`{}` cannot be a permissions boundary: {why}", name.node),
                )
                .label("named as a permissions boundary here")
                .with_secondary(at, why)
                .help(help),
            );
        }
    }
}

/// E0428 and E0429: inline policies need a role, and fit its size quota together.
fn inline(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        if let (Some(at), None) = (a.aws_inline, &a.principal) {
            diags.push(
                Diagnostic::new(
                    Code::E0428,
                    at,
                    format!(
                        "`aws inline` in `{}`, which is granted to no principal",
                        a.name.node
                    ),
                )
                .label("an inline policy lives in a role")
                .help(format!(
                    "name the principal: `access {} for PRINCIPAL ...`",
                    a.name.node
                )),
            );
        }
    }
    // Each principal's levels found in one pass (a scan of every level per principal
    // is quadratic).
    let by_principal = crate::backend::levels_by_principal(model);
    for p in model.principals.iter().filter(|p| p.has_aws_role()) {
        let own = by_principal
            .get(p.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        let levels: Vec<(&crate::model::Access, usize)> = own
            .iter()
            .copied()
            .filter(|a| a.aws_inline)
            .map(|a| {
                let size = policy_parts(a)
                    .iter()
                    .map(|part| policy_size(&policy_document(part)))
                    .sum();
                (a, size)
            })
            .collect();
        let total: usize = levels.iter().map(|(_, n)| n).sum();
        if total <= INLINE_POLICIES_PER_ROLE_LIMIT {
            continue;
        }
        let Some(src) = decls.principals.get(p.name.as_str()) else {
            continue;
        };
        let mut d = Diagnostic::new(
            Code::E0429,
            src.name.span,
            format!(
                "the inline policies of `{}` hold {} characters, over the {} IAM allows in one role",
                p.name,
                thousands(total),
                thousands(INLINE_POLICIES_PER_ROLE_LIMIT)
            ),
        )
        .label("its role's inline policies, together");
        for (a, n) in &levels {
            if let Some(x) = decls.accesses.get(a.name.as_str()) {
                d = d.with_secondary(
                    x.aws_inline.unwrap_or(x.name.span),
                    format!("`{}`: {} characters", a.name, thousands(*n)),
                );
            }
        }
        diags.push(
            d.help(
                "remove `aws inline` from a level: a managed policy has its own 6,144 characters",
            )
            .note("IAM counts every character except white space"),
        );
    }
}

/// W0427: where the deployment has a permissions boundary, a grant that creates roles
/// (or sets their boundary) without requiring it lets the vendor make roles beyond it.
fn creates_roles(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    let boundaries: Vec<&str> = decls
        .principals
        .values()
        .filter_map(|p| p.aws_boundary.as_ref().map(|b| b.node.as_str()))
        .chain(
            decls
                .accesses
                .values()
                .flat_map(|a| a.aws_roles_under.iter().map(|r| r.boundary.node.as_str())),
        )
        .collect();
    let Some(first) = boundaries.first() else {
        return;
    };
    for a in &model.accesses {
        for st in &a.aws {
            if st.effect != Effect::Allow || st.not_action {
                continue;
            }
            let guarded = st
                .conditions
                .values()
                .any(|keys| keys.keys().any(|k| k.eq_ignore_ascii_case(BOUNDARY_KEY)));
            if guarded {
                continue;
            }
            let Some(action) = CREATES_ROLES
                .iter()
                .find(|c| st.actions.iter().any(|x| glob_match(x, c)))
            else {
                continue;
            };
            // At the action as written, when the statement is an explicit one.
            let at = decls
                .accesses
                .get(a.name.as_str())
                .and_then(|x| x.aws.iter().find(|s| s.span == st.span))
                .and_then(|s| s.actions.iter().find(|x| glob_match(&x.node, action)))
                .map_or(st.span, |x| x.span);
            diags.push(
                Diagnostic::new(
                    Code::W0427,
                    at,
                    format!(
                        "`{}` grants `{action}` without requiring a permissions boundary",
                        a.name
                    ),
                )
                .label("the roles it makes need not carry one, and can do more than the boundary allows")
                .help(format!(
                    "grant role creation with `aws roles under {first} on [\"arn:aws:iam::${{account_id}}:role/PREFIX-*\"]`"
                )),
            );
        }
    }
}

//! Stores' resource policies (S3 bucket policies, KMS key policies):
//!
//! - E0440: statements on a store whose kind has no resource policy;
//! - E0441: no exact `name` (the bucket, the key) to attach the policy to;
//! - E0442, E0443: a statement without a principal, or one engc cannot write;
//! - E0444: an action of another service than the store's;
//! - E0445: a resource that is not the store's own (the bucket and its objects; `*`,
//!   which is the key itself, in a key policy);
//! - W0446: an Allow for anyone (`*`) that no condition limits: public;
//! - W0447: an Allow for a principal in another account than `${account_id}`;
//! - W0448: a key policy in which the account cannot change the policy (lockout);
//! - E0449: a policy over the service's size limit (after lowering, on what is written);
//! - W0109: statements when the deployment does not target AWS (not written).
//!
//! The statements also get the checks of every AWS statement: action names, duplicates,
//! Sids, condition operators (`aws_statements`, `aws_catalog`) and conditions the
//! request never carries (`aws_dead`).

use super::limits::thousands;
use super::{aws_catalog, aws_dead, aws_statements};
use crate::backend::aws::{policy_size, resource_policy_compact};
use crate::catalog::glob_match;
use crate::diag::{Code, Diagnostic};
use crate::model::Model;
use crate::resolve::decls::Decls;
use crate::resolve::params::Params;
use crate::syntax::ast::{self, Condition, Effect, PolicyPrincipal};
use crate::vocab::resource_policies::{
    principal_account, principal_form, Info, Kind, PrincipalForm, LIMITING_KEYS, LIMITING_OPERATORS,
};

/// E0449: the policy as written, white space excluded, within the service's limit.
pub fn sizes(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    for p in &model.resource_policies {
        let info = p.kind.info();
        let size = policy_size(&resource_policy_compact(&p.statements));
        if size <= info.size_limit {
            continue;
        }
        let Some(store) = decls.stores.get(p.store.as_str()) else {
            continue;
        };
        diags.push(
            Diagnostic::new(
                Code::E0449,
                store.name.span,
                format!(
                    "the {} of store `{}` is {} characters, over the {} {} accepts",
                    info.title,
                    p.store,
                    thousands(size),
                    thousands(info.size_limit),
                    if info.kind == Kind::Bucket { "S3" } else { "KMS" }
                ),
            )
            .label(format!("written to `aws/{}.{}.json`", p.store, info.file_kind))
            .help("merge statements that share their principals and conditions, or grant part of the access through access levels"),
        );
    }
}

pub fn check(decls: &Decls, params: &Params, diags: &mut Vec<Diagnostic>) {
    let has_tag = decls.deployment.is_some_and(|d| d.managed_tag.is_some());
    let tag_key = decls
        .deployment
        .and_then(|d| d.managed_tag.as_ref())
        .map(|(k, _)| k.node.as_str());
    for s in decls.stores.values() {
        let Some(first) = s.policy.first() else {
            continue;
        };
        let Some(info) = decls.store_policy(s) else {
            if decls.store_kinds.contains_key(s.kind.node.as_str()) {
                diags.push(no_policy(s, first));
            }
            continue;
        };
        if decls.deployment.is_some() && !decls.targets(ast::Cloud::Aws) {
            diags.push(
                Diagnostic::new(
                    Code::W0109,
                    first.statement.span,
                    format!(
                        "the {} of store `{}` is not written: the deployment does not target AWS",
                        info.title, s.name.node
                    ),
                )
                .label("an AWS statement")
                .help("add `aws` to the deployment's `clouds`, or remove the statements"),
            );
            continue;
        }
        let statements: Vec<ast::AwsStatement> =
            s.policy.iter().map(|p| p.statement.clone()).collect();
        // W0420 compares statements without their principals: keep it for the same ones.
        let mut found = Vec::new();
        aws_statements::check_policy(&statements, has_tag, &mut found);
        let who = |span| {
            s.policy
                .iter()
                .find(|p| p.statement.span == span)
                .map(|p| principal_texts(&p.principals))
        };
        found.retain(|d| {
            d.code != Code::W0420
                || d.secondary
                    .first()
                    .is_some_and(|l| who(l.span) == who(d.span))
        });
        diags.extend(found);
        for st in &statements {
            aws_catalog::statement(st, false, diags);
        }
        aws_dead::group(&statements, false, tag_key, diags);
        let name = exact_name(s, info, diags);
        for p in &s.policy {
            principals(decls, p, diags);
            actions(info, &p.statement, diags);
            if let Some(name) = name {
                resources(info, name, &p.statement, diags);
            }
            public(p, diags);
            cross_account(decls, params, p, diags);
        }
        if info.kind == Kind::Key {
            lockout(decls, params, s, diags);
        }
    }
}

/// The principals as written, sorted, to compare statements.
fn principal_texts(list: &[PolicyPrincipal]) -> Vec<&str> {
    let mut v: Vec<&str> = list
        .iter()
        .map(|p| match p {
            PolicyPrincipal::Literal(s) | PolicyPrincipal::Declared(s) => s.node.as_str(),
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn no_policy(s: &ast::Store, first: &ast::PolicyStatement) -> Diagnostic {
    let kinds: Vec<String> = crate::vocab::resource_policies::ALL
        .iter()
        .map(|i| format!("`{}` stores have a {}", i.service, i.title))
        .collect();
    Diagnostic::new(
        Code::E0440,
        first.statement.span,
        format!(
            "store kind `{}` has no resource policy engc writes",
            s.kind.node
        ),
    )
    .label("a resource policy statement")
    .with_secondary(s.kind.span, "this kind")
    .help(format!(
        "{}; grant access to this store in an `access` level instead",
        kinds.join(", ")
    ))
}

/// E0441: the policy is attached to one bucket or key, named exactly.
fn exact_name<'s>(s: &'s ast::Store, info: &Info, diags: &mut Vec<Diagnostic>) -> Option<&'s str> {
    match &s.resource_name {
        Some(n) if !n.node.contains(['*', '?']) && !n.node.is_empty() => Some(&n.node),
        other => {
            let (span, label) = match other {
                Some(n) => (n.span, "a pattern, not one name"),
                None => (s.name.span, "no `name`"),
            };
            diags.push(
                Diagnostic::new(
                    Code::E0441,
                    span,
                    format!(
                        "the {} of store `{}` needs {} to be attached to",
                        info.title, s.name.node, info.name_is
                    ),
                )
                .label(label)
                .help(format!(
                    "give the store its exact name: `name \"...\"` ({}; a parameter such as `\"${{bucket}}\"` works)",
                    info.name_is
                )),
            );
            None
        }
    }
}

/// E0442 and E0443.
fn principals(decls: &Decls, p: &ast::PolicyStatement, diags: &mut Vec<Diagnostic>) {
    if p.principals.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::E0442,
                p.statement.span,
                "a resource policy statement needs a principal",
            )
            .label("no `for`")
            .help("say who it is for: `for \"*\"`, `for PRINCIPAL`, `for \"arn:aws:iam::${account_id}:root\"` or `for \"logs.amazonaws.com\"`, before `on`"),
        );
    }
    for x in &p.principals {
        match x {
            PolicyPrincipal::Declared(n) => {
                let Some(decl) = decls.principals.get(n.node.as_str()) else {
                    continue; // E0101 or E0103
                };
                if decl.aws_role.is_none() {
                    diags.push(
                        Diagnostic::new(
                            Code::E0443,
                            n.span,
                            format!("principal `{}` has no AWS role", n.node),
                        )
                        .label("nothing to name in the policy")
                        .with_secondary(decl.name.span, "declared here")
                        .help("give it one: `aws role \"arn:aws:iam::ACCOUNT:role/NAME\"`"),
                    );
                }
            }
            PolicyPrincipal::Literal(l) => {
                let form = principal_form(&l.node);
                if form == PrincipalForm::Invalid
                    || (form != PrincipalForm::Any && l.node.contains('*'))
                {
                    diags.push(
                        Diagnostic::new(
                            Code::E0443,
                            l.span,
                            format!("`{}` is not a principal a resource policy takes", l.node),
                        )
                        .label(if l.node.contains('*') { "a wildcard other than `*` alone" } else { "not a principal" })
                        .help("write `\"*\"`, a 12-digit account id, an IAM ARN (`arn:aws:iam::ACCOUNT:root`, `...:role/NAME`), a service (`logs.amazonaws.com`) or a declared principal's name"),
                    );
                }
            }
        }
    }
}

/// E0444: a bucket policy grants S3 actions, a key policy KMS actions.
fn actions(info: &Info, st: &ast::AwsStatement, diags: &mut Vec<Diagnostic>) {
    if st.not_action {
        return; // names what is excluded
    }
    for a in &st.actions {
        if !aws_statements::valid_action(&a.node) {
            continue; // E0403
        }
        let service = a.node.split(':').next().unwrap_or("");
        if a.node.contains(':') && service.eq_ignore_ascii_case(info.service) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::E0444,
                a.span,
                format!(
                    "`{}` is not an action of `{}`, the service of this {}",
                    a.node, info.service, info.title
                ),
            )
            .label(format!("a {} only grants `{}` actions", info.title, info.service))
            .help("remove it here; grant it in an `access` level, or in the policy of a store of its own service"),
        );
    }
}

/// E0445: the bucket and its objects; `*` (this key) in a key policy.
fn resources(info: &Info, name: &str, st: &ast::AwsStatement, diags: &mut Vec<Diagnostic>) {
    let Some(list) = &st.resources else { return };
    for r in list {
        let own = match info.kind {
            Kind::Bucket => {
                let f: Vec<&str> = r.node.splitn(6, ':').collect();
                f.len() == 6
                    && f[0] == "arn"
                    && f[1].starts_with("aws")
                    && f[2] == "s3"
                    && f[3].is_empty()
                    && f[4].is_empty()
                    && (f[5] == name
                        || f[5]
                            .strip_prefix(name)
                            .is_some_and(|rest| rest.starts_with('/')))
            }
            Kind::Key => r.node == "*",
        };
        if own {
            continue;
        }
        let (label, help) = match info.kind {
            Kind::Bucket => (
                "not this bucket or its objects".to_string(),
                format!("name `arn:aws:s3:::{name}` (the bucket) or `arn:aws:s3:::{name}/...` (its objects), or leave `on` out for both"),
            ),
            Kind::Key => (
                "not `*`".to_string(),
                "write `on \"*\"` or leave `on` out: in a key policy, `*` is the key the policy is attached to".to_string(),
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::E0445,
                r.span,
                format!("`{}` is not a resource of this {}", r.node, info.title),
            )
            .label(label)
            .help(help),
        );
    }
}

/// Whether a condition limits who a statement for `*` reaches.
fn limits(c: &Condition) -> bool {
    let Condition::Explicit {
        operator,
        key,
        values,
        ..
    } = c
    else {
        return false;
    };
    LIMITING_OPERATORS.contains(&operator.node.as_str())
        && LIMITING_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&key.node))
        && !values.is_empty()
        && !values
            .iter()
            .any(|v| v.node == "*" || v.node == "0.0.0.0/0" || v.node == "::/0")
}

/// W0446: an Allow for `*` with no condition that limits it.
fn public(p: &ast::PolicyStatement, diags: &mut Vec<Diagnostic>) {
    if p.statement.effect.node != Effect::Allow || p.statement.conditions.iter().any(limits) {
        return;
    }
    for x in &p.principals {
        if let PolicyPrincipal::Literal(l) = x {
            if principal_form(&l.node) == PrincipalForm::Any {
                diags.push(
                    Diagnostic::new(
                        Code::W0446,
                        l.span,
                        "anyone may use this store: an Allow for `*` that no condition limits",
                    )
                    .label("any principal, in any account, or anonymous")
                    .with_secondary(p.statement.span, "this statement")
                    .help("limit it, such as `when StringEquals \"aws:PrincipalOrgID\" = \"${org_id}\"` (or aws:SourceAccount, aws:SourceArn, aws:PrincipalAccount), or name the principals; `ack W0446 \"reason\"` in the store if it is meant to be public"),
                );
            }
        }
    }
}

/// W0447: an Allow for an AWS principal of another account.
fn cross_account(
    decls: &Decls,
    params: &Params,
    p: &ast::PolicyStatement,
    diags: &mut Vec<Diagnostic>,
) {
    if p.statement.effect.node != Effect::Allow {
        return;
    }
    let own = params.render("${account_id}");
    for x in &p.principals {
        let (written, span) = match x {
            PolicyPrincipal::Literal(l) => (l.node.as_str(), l.span),
            PolicyPrincipal::Declared(n) => match decls
                .principals
                .get(n.node.as_str())
                .and_then(|d| d.aws_role.as_ref())
            {
                Some(role) => (role.arn.node.as_str(), n.span),
                None => continue,
            },
        };
        if principal_form(written) != PrincipalForm::Aws {
            continue;
        }
        let account = params.render(principal_account(written));
        if account.is_empty() || account == own || account.contains('*') {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::W0447,
                span,
                format!("`{written}` is in account `{account}`, not the customer's (`${{account_id}}`)"),
            )
            .label("cross-account access to this store")
            .with_secondary(p.statement.span, "this statement")
            .help("if the vendor's account is meant to reach the store, acknowledge it in the store: `ack W0447 \"reason\"`"),
        );
    }
}

/// W0448: some unconditioned Allow must give the account (its root) `kms:PutKeyPolicy`,
/// or no one can change the key policy again.
fn lockout(decls: &Decls, params: &Params, s: &ast::Store, diags: &mut Vec<Diagnostic>) {
    let own = params.render("${account_id}");
    let root = |w: &str| {
        principal_form(w) == PrincipalForm::Aws
            && params.render(principal_account(w)) == own
            && (!w.starts_with("arn:") || w.ends_with(":root"))
    };
    let guarded = s.policy.iter().any(|p| {
        let st = &p.statement;
        st.effect.node == Effect::Allow
            && st.conditions.is_empty()
            && !st.not_action
            && !st.not_resource
            && st
                .actions
                .iter()
                .any(|a| glob_match(&a.node, "kms:PutKeyPolicy"))
            && p.principals.iter().any(|x| match x {
                PolicyPrincipal::Literal(l) => root(&l.node),
                PolicyPrincipal::Declared(n) => decls
                    .principals
                    .get(n.node.as_str())
                    .and_then(|d| d.aws_role.as_ref())
                    .is_some_and(|r| root(&r.arn.node)),
            })
    });
    if guarded {
        return;
    }
    diags.push(
        Diagnostic::new(
            Code::W0448,
            s.name.span,
            format!(
                "the key policy of store `{}` gives the account no way to change it",
                s.name.node
            ),
        )
        .label("no unconditioned `kms:*` (or `kms:PutKeyPolicy`) for the account's root")
        .note("KMS refuses such a policy unless the lockout safety check is bypassed, and then only AWS Support can recover the key")
        .help("add the standard statement: `aws allow \"kms:*\" for \"arn:aws:iam::${account_id}:root\" as \"EnableRootAccess\"`"),
    );
}

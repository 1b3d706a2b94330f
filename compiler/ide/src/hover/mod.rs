//! Hover: what the catalogs know about an action, permission, operation or resource;
//! what an abstract grant expands to on each target cloud; an address block's range,
//! size and overlaps; a name's declaration. Markdown, with no LSP types.
//!
//! This file holds the entry [`hover`] and its dispatch; `names` the hovers of names
//! and declarations, `catalog` the catalog entries, `expansion` what an abstract grant
//! expands to, `cidr` address blocks.

mod catalog;
mod cidr;
mod expansion;
mod names;

pub use cidr::cidr_hover;
pub use expansion::expansion;
pub use names::name_hover;

use crate::locate::{self, Node, StrCtx};
use crate::{expand, Analysis};
use catalog::{
    aws_action, aws_condition_key, aws_resource_type, azure_operation, gcp_permission, k8s_group,
    k8s_resource,
};
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Cloud, Item};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The text the hover is about.
    pub span: Span,
    pub markdown: String,
}

/// Longest list shown in full; longer ones are cut with a count of the rest.
const LIST_MAX: usize = 25;

pub fn hover(a: &Analysis, file: engc_core::source::FileId, offset: usize) -> Option<Hover> {
    if let Some(occ) = a.index().at(file, offset) {
        // A name inside a grant: the declaration, then what this grant gives on it.
        let md = name_hover(a, &occ.sym)?;
        let mut md = md;
        if let Some((g, access)) = grant_of(a, file, offset) {
            if let Some(m) = expand::expand_grant(a, access, g, Some(occ.sym.name())) {
                md.push_str("\n\n---\n\n");
                let _ = write!(
                    md,
                    "`{} {} {}` in `{}` grants:\n\n",
                    g.level.node.as_str(),
                    g.target.node.as_str(),
                    occ.sym.name(),
                    access.name.node
                );
                md.push_str(&expansion(a, &m));
            }
        }
        return Some(Hover {
            span: occ.span,
            markdown: md,
        });
    }
    let ast = a.ast(file)?;
    let node = locate::node_at(ast, offset)?;
    let (span, markdown) = match node {
        Node::Str(s, ctx) => {
            // `${name}` inside a string is a name (handled above); the rest is the string.
            (s.span, string_hover(a, s, ctx)?)
        }
        Node::Cidr(c) => (c.span, cidr_hover(a, c)),
        Node::Include(name, span) => (
            span,
            name_hover(a, &crate::index::Sym::Group(name.node.clone()))?,
        ),
        Node::Grant(g, access) => {
            let m = expand::expand_grant(a, access, g, None)?;
            let names: Vec<String> = g.names.iter().map(|n| format!("`{}`", n.node)).collect();
            let mut md = format!(
                "**{} {}** {} expands to:\n\n",
                g.level.node.as_str(),
                g.target.node.as_str(),
                names.join(", ")
            );
            if g.level.node == ast::Level::Manage {
                md.push_str("(`manage` is `list`, `read`, `write`, `tag` and `permissions`)\n\n");
            }
            md.push_str(&expansion(a, &m));
            (g.level.span.to(g.target.span), md)
        }
        Node::Ack(ack) => {
            let code = engc_core::diag::codes::ALL
                .iter()
                .find(|c| c.name == ack.code.node)?;
            (
                ack.code.span,
                format!(
                    "**{}** ({}): {}\n\n`ack` removes the warnings of this code inside its block (or the whole file at top level).",
                    code.code,
                    match code.severity {
                        engc_core::diag::Severity::Error => "error",
                        engc_core::diag::Severity::Warning => "warning",
                        engc_core::diag::Severity::Note => "note",
                    },
                    code.summary
                ),
            )
        }
    };
    Some(Hover { span, markdown })
}

/// The grant (and its access level) whose names hold `offset`.
fn grant_of(
    a: &Analysis,
    file: engc_core::source::FileId,
    offset: usize,
) -> Option<(&ast::AbstractGrant, &ast::Access)> {
    let ast = a.ast(file)?;
    match locate::item_at(ast, offset)? {
        Item::Access(access) => access
            .grants
            .iter()
            .find(|g| g.names.iter().any(|n| crate::within(n.span, offset)))
            .map(|g| (g, access)),
        _ => None,
    }
}

fn string_hover(a: &Analysis, s: &ast::Str, ctx: StrCtx) -> Option<String> {
    let v = s.node.as_str();
    match ctx {
        StrCtx::AwsAction => Some(aws_action(v)),
        StrCtx::TrustAction => {
            let mut md = aws_action(v);
            if let Some(t) = engc_core::vocab::iam_roles::trust_action(v) {
                let kinds: Vec<&str> = t.kinds.iter().map(|k| k.as_str()).collect();
                let _ = write!(
                    md,
                    "\n\n**in a trust policy**: {}; for `{}` principals",
                    t.doc,
                    kinds.join("`, `")
                );
            }
            Some(md)
        }
        StrCtx::TrustPrincipal(kind) => Some(trust_principal_hover(kind, v)),
        StrCtx::KindPermission(Cloud::Aws) => Some(aws_action(v)),
        StrCtx::GcpPermission | StrCtx::KindPermission(Cloud::Gcp) => Some(gcp_permission(v)),
        StrCtx::AzureOperation { data } => Some(azure_operation(v, Some(data))),
        StrCtx::KindPermission(Cloud::Azure) => Some(azure_operation(v, None)),
        StrCtx::K8sResource(groups) => Some(k8s_resource(a, groups, v)),
        StrCtx::K8sGroup => Some(k8s_group(a, v)),
        StrCtx::K8sVerb => engc_core::vocab::k8s_verbs::get(v).map(|verb| {
            let mut md = format!("**verb** `{v}`: {}", verb.doc);
            if let Some(risk) = verb.risk {
                md.push_str(&format!("\n\n**risk**: {risk}"));
            }
            md
        }),
        StrCtx::AwsConditionKey(actions) => aws_condition_key(v, actions),
        StrCtx::Use => {
            let target = a
                .comp
                .sources
                .files()
                .find(|(_, f)| {
                    f.path
                        .as_ref()
                        .is_some_and(|p| p.ends_with(v) || p.to_string_lossy().ends_with(v))
                })
                .map(|(_, f)| f.name.clone());
            Some(match target {
                Some(name) => format!(
                    "`use`: reads `{name}` into the same deployment (paths are relative to this file)"
                ),
                None => format!("`use`: `{v}` could not be read"),
            })
        }
        StrCtx::AwsManagedPolicy => Some(format!(
            "AWS managed policy `arn:aws:iam::aws:policy/{v}`{}",
            if v.starts_with("arn:") {
                " (given as an ARN)"
            } else {
                ""
            }
        )),
        StrCtx::GcpRole => Some(format!(
            "GCP predefined role `{v}`, bound to the principal's service account"
        )),
        StrCtx::AwsResourceType(services) => aws_resource_type(services, v),
        StrCtx::PolicyPrincipal => Some(policy_principal(v)),
        StrCtx::AwsResource | StrCtx::Other => None,
    }
}
/// What a resource policy principal is, as the policy writes it.
fn policy_principal(v: &str) -> String {
    use engc_core::vocab::resource_policies::{principal_account, principal_form, PrincipalForm};
    match principal_form(v) {
        PrincipalForm::Any => "**principal** `*`: anyone, in any account or anonymous \
             (`\"Principal\": \"*\"`); public unless a condition such as \
             `aws:PrincipalOrgID` or `aws:SourceAccount` limits it"
            .to_string(),
        PrincipalForm::Aws => format!(
            "**principal** in account `{}` (`\"Principal\": {{\"AWS\": ...}}`); \
             cross-account unless it is `${{account_id}}`",
            principal_account(v)
        ),
        PrincipalForm::Service => format!(
            "**service principal** `{v}` (`\"Principal\": {{\"Service\": ...}}`): \
             limit it with `aws:SourceAccount` or `aws:SourceArn`"
        ),
        PrincipalForm::Invalid => {
            format!("`{v}` is not a principal: write `*`, an account id, an IAM ARN or a service")
        }
    }
}

fn short_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let v: Vec<&str> = items.collect();
    let mut s: Vec<String> = v.iter().take(LIST_MAX).map(|x| format!("`{x}`")).collect();
    if v.len() > LIST_MAX {
        s.push(format!("and {} more", v.len() - LIST_MAX));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// What an `aws trust` principal becomes in the trust policy.
fn trust_principal_hover(kind: ast::TrustKind, v: &str) -> String {
    use ast::TrustKind::*;
    let (key, what) = match kind {
        Account => (
            "AWS",
            "every principal of the account that its own policies allow `sts:AssumeRole` on this role; narrow it with `aws:PrincipalArn`",
        ),
        Role => ("AWS", "this role or user of the account"),
        Service => ("Service", "the AWS service, acting for the customer's resources"),
        Federated => (
            "Federated",
            "identities of this OIDC or SAML provider; narrow them with a `sub` condition",
        ),
        Oidc => (
            "Federated",
            "the OIDC provider `arn:aws:iam::${account_id}:oidc-provider/ISSUER` (IAM roles for service accounts); `service_account` requires its `sub` and the `sts.amazonaws.com` audience",
        ),
    };
    format!(
        "**aws trust {}** `{v}`: `Principal.{key}` of the role's trust policy: {what}",
        kind.as_str()
    )
}

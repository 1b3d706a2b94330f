//! Privilege escalation and credential exposure (W0411): grants that let the grantee
//! give itself more access or obtain credentials. A warning that the source can
//! acknowledge with a reason; inside a `scoped` access level it is an error until
//! acknowledged (see `acks::apply`).

use crate::catalog::glob_match;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::resolve::decls::Decls;
use crate::syntax::ast::{self, Effect};

/// AWS actions that escalate privilege or expose credentials wherever they apply.
const AWS_ALWAYS: &[(&str, &str)] = &[
    (
        "iam:CreatePolicyVersion",
        "can rewrite any customer-managed policy it may edit",
    ),
    (
        "iam:SetDefaultPolicyVersion",
        "can switch a policy to a more permissive version",
    ),
    (
        "iam:AttachRolePolicy",
        "can attach any policy, such as AdministratorAccess, to a role",
    ),
    ("iam:AttachUserPolicy", "can attach any policy to a user"),
    (
        "iam:PutRolePolicy",
        "can write an inline policy granting anything to a role",
    ),
    (
        "iam:PutUserPolicy",
        "can write an inline policy granting anything to a user",
    ),
    ("iam:UpdateAssumeRolePolicy", "can let anyone assume a role"),
    (
        "iam:CreateAccessKey",
        "can create long-lived credentials for a user",
    ),
    (
        "iam:CreateLoginProfile",
        "can set a console password for a user",
    ),
];
/// AWS actions that are risky only on `*`.
const AWS_ON_STAR: &[(&str, &str)] = &[
    (
        "iam:PassRole",
        "can hand any role, including administrators, to a service it controls",
    ),
    (
        "sts:AssumeRole",
        "can assume any role that trusts this account",
    ),
];
const GCP: &[(&str, &str)] = &[
    (
        "resourcemanager.projects.setIamPolicy",
        "can grant itself any role in the project",
    ),
    (
        "iam.serviceAccountKeys.create",
        "can create long-lived keys for service accounts",
    ),
    (
        "iam.serviceAccounts.getAccessToken",
        "can mint tokens as other service accounts",
    ),
    (
        "iam.serviceAccounts.setIamPolicy",
        "can let itself impersonate service accounts",
    ),
    (
        "iam.serviceAccounts.signJwt",
        "can sign tokens as other service accounts",
    ),
    ("iam.roles.update", "can add permissions to custom roles"),
];
const GCP_ROLES: &[(&str, &str)] = &[
    ("roles/owner", "grants everything, including IAM"),
    ("roles/editor", "grants almost everything"),
    (
        "roles/iam.serviceAccountTokenCreator",
        "can mint tokens as the project's service accounts",
    ),
    (
        "roles/iam.serviceAccountUser",
        "can run workloads as the project's service accounts",
    ),
    (
        "roles/iam.serviceAccountKeyAdmin",
        "can create service account keys",
    ),
    (
        "roles/resourcemanager.projectIamAdmin",
        "can grant any role in the project",
    ),
];
const AZURE: &[(&str, &str)] = &[
    (
        "Microsoft.Authorization/roleAssignments/write",
        "can assign any role, including Owner, within its scopes",
    ),
    (
        "Microsoft.Authorization/roleDefinitions/write",
        "can widen custom roles",
    ),
    (
        "Microsoft.Authorization/elevateAccess/action",
        "can elevate to User Access Administrator",
    ),
];

fn finding(span: crate::source::Span, what: &str, why: &str) -> Diagnostic {
    Diagnostic::new(Code::W0411, span, format!("`{what}` {why}"))
        .label("privilege escalation or credential exposure")
        .help("remove it, narrow it, or acknowledge it with `ack W0411 \"reason\"` in this access level")
}

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        for st in a
            .aws
            .iter()
            .filter(|s| s.effect.node == Effect::Allow && !s.not_action)
        {
            aws(st, diags);
        }
        for p in &a.gcp_permissions {
            for (name, why) in GCP {
                if glob_match(&p.node, name) {
                    diags.push(finding(p.span, name, why));
                }
            }
        }
        for r in &a.gcp_roles {
            if let Some((_, why)) = GCP_ROLES.iter().find(|(n, _)| *n == r.node) {
                diags.push(finding(r.span, &r.node, why));
            }
        }
        for op in &a.azure.actions {
            for (name, why) in AZURE {
                if glob_match(&op.node, name) {
                    diags.push(finding(op.span, name, why));
                }
            }
        }
        for role in &a.k8s {
            k8s(role, diags);
        }
    }
}

fn aws(st: &ast::AwsStatement, diags: &mut Vec<Diagnostic>) {
    let on_star = st
        .resources
        .as_ref()
        .is_none_or(|r| r.iter().any(|x| x.node == "*"));
    for a in &st.actions {
        let mut hits: Vec<(&str, &str)> = Vec::new();
        for (name, why) in AWS_ALWAYS
            .iter()
            .chain(if on_star { AWS_ON_STAR } else { &[] })
        {
            if glob_match(&a.node, name) {
                hits.push((name, why));
            }
        }
        match hits.as_slice() {
            [] => {}
            [(name, why)] => diags.push(finding(a.span, name, why)),
            many => {
                let names: Vec<String> = many.iter().map(|(n, _)| format!("`{n}`")).collect();
                diags.push(
                    Diagnostic::new(Code::W0411, a.span, format!("`{}` includes {}", a.node, names.join(", ")))
                        .label("privilege escalation or credential exposure")
                        .help("these let the grantee give itself any permission; narrow the wildcard or acknowledge with `ack W0411 \"reason\"`"),
                );
            }
        }
    }
}

fn k8s(role: &ast::K8sRole, diags: &mut Vec<Diagnostic>) {
    for rule in &role.rules {
        for v in &rule.verbs {
            let Some(why) = crate::vocab::k8s_verbs::get(&v.node).and_then(|v| v.risk) else {
                continue;
            };
            diags.push(finding(v.span, &format!("verb {}", v.node), why));
        }
        for r in &rule.resources {
            let why = match r.node.as_str() {
                "pods/exec" | "pods/attach" => "runs commands in any pod of the namespace, with its service account and secrets",
                "secrets" if role.namespace.is_none() => "reads every secret of every namespace",
                "*" => "grants every resource, including secrets and RBAC",
                _ => continue,
            };
            diags.push(finding(r.span, &r.node, why));
        }
    }
}

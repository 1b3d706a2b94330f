//! Roles the customer creates: the actions a trust policy may allow and for whom
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>),
//! the OIDC claims a web identity trust may test, and the permissions boundary guard
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).

use crate::syntax::ast::TrustKind;

/// An action a trust policy may allow, and the principal kinds it works with.
pub struct TrustAction {
    pub name: &'static str,
    pub kinds: &'static [TrustKind],
    pub doc: &'static str,
}

use TrustKind::*;

pub const TRUST_ACTIONS: &[TrustAction] = &[
    TrustAction {
        name: "sts:AssumeRole",
        kinds: &[Account, Role, Service],
        doc: "an AWS principal or a service assumes the role with its own credentials",
    },
    TrustAction {
        name: "sts:AssumeRoleWithWebIdentity",
        kinds: &[Federated, Oidc],
        doc: "a workload presents an OIDC token of the federated provider",
    },
    TrustAction {
        name: "sts:AssumeRoleWithSAML",
        kinds: &[Federated],
        doc: "a user presents a SAML assertion of the federated provider",
    },
    TrustAction {
        name: "sts:TagSession",
        kinds: &[Account, Role, Service, Federated, Oidc],
        doc: "the caller passes session tags when it assumes the role",
    },
    TrustAction {
        name: "sts:SetSourceIdentity",
        kinds: &[Account, Role, Federated, Oidc],
        doc: "the caller sets a source identity that stays with the session",
    },
    TrustAction {
        name: "sts:SetContext",
        kinds: &[Account, Role],
        doc: "the caller passes trusted context assertions",
    },
];

pub fn trust_action(name: &str) -> Option<&'static TrustAction> {
    TRUST_ACTIONS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The action a trust statement allows when the source names none.
pub fn default_action(kind: TrustKind, principals: &[String]) -> &'static str {
    match kind {
        Account | Role | Service => "sts:AssumeRole",
        Federated if principals.iter().any(|p| p.contains(":saml-provider/")) => {
            "sts:AssumeRoleWithSAML"
        }
        Federated | Oidc => "sts:AssumeRoleWithWebIdentity",
    }
}

/// The principal key of the trust statement (`Principal.AWS`...).
pub fn principal_key(kind: TrustKind) -> &'static str {
    match kind {
        Account | Role => "AWS",
        Service => "Service",
        Federated | Oidc => "Federated",
    }
}

/// Claims of an OIDC token that IAM exposes as `ISSUER:claim` condition keys.
pub const OIDC_CLAIMS: &[&str] = &["sub", "aud", "amr", "azp", "oaud", "email", "id"];

/// The audience EKS service account tokens carry for IAM roles for service accounts.
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// Web identity providers IAM knows by name (no provider ARN in the account).
pub const WELL_KNOWN_FEDERATED: &[&str] = &[
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// What `aws roles under BOUNDARY` allows, on the roles, only when the request sets
/// `iam:PermissionsBoundary` to the boundary (each action carries the key).
pub const GUARDED: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
];

/// Denied on the roles: a boundary, once set, stays.
pub const KEEP_BOUNDARY: &[&str] = &["iam:DeleteRolePermissionsBoundary"];

/// Denied on the boundary policy: it cannot be rewritten or removed.
pub const PROTECT_BOUNDARY: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
];

/// Actions that give a role its permissions or make one: without an
/// `iam:PermissionsBoundary` condition, the roles they make need carry no boundary.
pub const CREATES_ROLES: &[&str] = &["iam:CreateRole", "iam:PutRolePermissionsBoundary"];

/// The condition key of the guard.
pub const BOUNDARY_KEY: &str = "iam:PermissionsBoundary";

//! The classes `engc report` groups a principal's permissions by: AWS's own access
//! levels (List, Read, Write, Tagging, Permissions management), which the AWS catalog
//! gives for every action, and for GCP permissions, Azure operations and Kubernetes
//! verbs, which have no such levels, rules that put their names in the same classes.
//! The rules are read first to last; the first that matches decides.

use crate::catalog::aws::AccessLevel;
use crate::catalog::glob_match;

/// What a permission lets its holder do, in AWS's terms, plus two classes of our own:
/// wildcards that reach every level, and names the rules or the catalog do not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A wildcard that reaches every level (`*`, `Microsoft.Compute/*`, a
    /// Kubernetes `*` verb, an AWS `NotAction`).
    Every,
    List,
    Read,
    Write,
    Tagging,
    Permissions,
    /// An AWS action the catalog does not have.
    Unknown,
}

impl Class {
    /// Every class, in the order a report shows them (widest reach first).
    pub const ALL: [Class; 7] = [
        Class::Every,
        Class::Permissions,
        Class::Write,
        Class::Tagging,
        Class::Read,
        Class::List,
        Class::Unknown,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Class::Every => "Every level (wildcards)",
            Class::List => "List",
            Class::Read => "Read",
            Class::Write => "Write",
            Class::Tagging => "Tagging",
            Class::Permissions => "Permissions management",
            Class::Unknown => "Not in the catalog",
        }
    }

    /// A short id for anchors.
    pub fn id(self) -> &'static str {
        match self {
            Class::Every => "every",
            Class::List => "list",
            Class::Read => "read",
            Class::Write => "write",
            Class::Tagging => "tagging",
            Class::Permissions => "permissions",
            Class::Unknown => "unknown",
        }
    }

    /// The AWS catalog's access level of an action.
    pub fn of_aws(level: AccessLevel) -> Class {
        match level {
            AccessLevel::List => Class::List,
            AccessLevel::Read => Class::Read,
            AccessLevel::Write => Class::Write,
            AccessLevel::Tagging => Class::Tagging,
            AccessLevel::PermissionsManagement => Class::Permissions,
        }
    }
}

/// GCP permissions (`service.resource.verb`): a rule with a `.` is a glob on the whole
/// name, one without on the verb. Identity use (acting as, or minting tokens for, a
/// service account) counts as permissions management, as AWS counts `iam:PassRole`.
/// Anything else writes; `*` reaches every level.
pub const GCP: &[(&str, Class)] = &[
    ("setIamPolicy", Class::Permissions),
    ("iam.roles.*", Class::Permissions),
    ("iam.serviceAccounts.actAs", Class::Permissions),
    ("iam.serviceAccounts.getAccessToken", Class::Permissions),
    ("iam.serviceAccounts.getOpenIdToken", Class::Permissions),
    ("iam.serviceAccounts.implicitDelegation", Class::Permissions),
    ("iam.serviceAccounts.signBlob", Class::Permissions),
    ("iam.serviceAccounts.signJwt", Class::Permissions),
    ("iam.serviceAccountKeys.create", Class::Permissions),
    ("resourcemanager.tagValueBindings.*", Class::Tagging),
    ("*.tagBindings.*", Class::Tagging),
    ("setLabels", Class::Tagging),
    ("setTags", Class::Tagging),
    ("list*", Class::List),
    ("get*", Class::Read),
    ("read*", Class::Read),
    ("search*", Class::Read),
    ("query*", Class::Read),
    ("view*", Class::Read),
];

/// Azure operations (`Provider/type/.../read|write|delete|action`), data actions
/// included, matched as globs on the whole name. Anything else writes; `*` and a
/// pattern that ends in `/*` reach every level.
pub const AZURE: &[(&str, Class)] = &[
    (
        "Microsoft.Authorization/roleAssignments/write",
        Class::Permissions,
    ),
    (
        "Microsoft.Authorization/roleAssignments/delete",
        Class::Permissions,
    ),
    (
        "Microsoft.Authorization/roleDefinitions/write",
        Class::Permissions,
    ),
    (
        "Microsoft.Authorization/roleDefinitions/delete",
        Class::Permissions,
    ),
    (
        "Microsoft.Authorization/policyAssignments/write",
        Class::Permissions,
    ),
    (
        "Microsoft.Authorization/elevateAccess/action",
        Class::Permissions,
    ),
    (
        "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        Class::Permissions,
    ),
    ("Microsoft.Resources/tags/*", Class::Tagging),
    ("*/read", Class::Read),
    ("*/list*/action", Class::Read),
    ("*/get*/action", Class::Read),
];

/// Kubernetes verbs (see [`super::k8s_verbs`]). `list` and `watch` return whole
/// objects, so they read.
pub const K8S: &[(&str, Class)] = &[
    ("*", Class::Every),
    ("get", Class::Read),
    ("list", Class::Read),
    ("watch", Class::Read),
    ("create", Class::Write),
    ("update", Class::Write),
    ("patch", Class::Write),
    ("delete", Class::Write),
    ("deletecollection", Class::Write),
    ("use", Class::Write),
    ("approve", Class::Write),
    ("sign", Class::Write),
    ("attest", Class::Write),
    ("bind", Class::Permissions),
    ("escalate", Class::Permissions),
    ("impersonate", Class::Permissions),
];

/// The class of a GCP permission.
pub fn gcp(permission: &str) -> Class {
    if permission == "*" || permission.ends_with(".*") {
        return Class::Every;
    }
    let verb = permission.rsplit('.').next().unwrap_or(permission);
    GCP.iter()
        .find(|(p, _)| match p.contains('.') {
            true => glob_match(p, permission),
            false => glob_match(p, verb),
        })
        .map(|(_, c)| *c)
        .unwrap_or(Class::Write)
}

/// The class of an Azure operation or pattern.
pub fn azure(operation: &str) -> Class {
    if operation == "*" || operation.ends_with("/*") {
        return Class::Every;
    }
    AZURE
        .iter()
        .find(|(p, _)| glob_match(p, operation))
        .map(|(_, c)| *c)
        .unwrap_or(Class::Write)
}

/// The class of a Kubernetes verb; an unknown verb writes (the API server may
/// authorize it on some resource).
pub fn k8s(verb: &str) -> Class {
    K8S.iter()
        .find(|(v, _)| *v == verb)
        .map(|(_, c)| *c)
        .unwrap_or(Class::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcp_verbs() {
        assert_eq!(gcp("storage.objects.list"), Class::List);
        assert_eq!(gcp("storage.objects.get"), Class::Read);
        assert_eq!(gcp("storage.buckets.getIamPolicy"), Class::Read);
        assert_eq!(gcp("storage.buckets.setIamPolicy"), Class::Permissions);
        assert_eq!(gcp("iam.serviceAccounts.actAs"), Class::Permissions);
        assert_eq!(gcp("compute.instances.setLabels"), Class::Tagging);
        assert_eq!(gcp("storage.objects.create"), Class::Write);
        assert_eq!(gcp("*"), Class::Every);
    }

    #[test]
    fn azure_operations() {
        assert_eq!(azure("Microsoft.Storage/storageAccounts/read"), Class::Read);
        assert_eq!(
            azure("Microsoft.Storage/storageAccounts/listKeys/action"),
            Class::Read
        );
        assert_eq!(
            azure("Microsoft.Storage/storageAccounts/write"),
            Class::Write
        );
        assert_eq!(
            azure("Microsoft.Authorization/roleAssignments/write"),
            Class::Permissions
        );
        assert_eq!(azure("Microsoft.Resources/tags/write"), Class::Tagging);
        assert_eq!(azure("Microsoft.Compute/*"), Class::Every);
        assert_eq!(azure("*"), Class::Every);
    }

    #[test]
    fn k8s_verbs_all_classified() {
        for v in super::super::k8s_verbs::names() {
            assert!(K8S.iter().any(|(n, _)| *n == v), "verb `{v}` has no class");
        }
        assert_eq!(k8s("escalate"), Class::Permissions);
        assert_eq!(k8s("watch"), Class::Read);
    }
}

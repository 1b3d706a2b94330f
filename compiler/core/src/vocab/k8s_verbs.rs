//! The Kubernetes RBAC verbs: the request verbs of resources (`get` ... `deletecollection`)
//! and the special verbs the API server checks on particular resources
//! (<https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb>,
//! <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>).

/// One verb: what it allows, and (for the dangerous ones) why.
pub struct Verb {
    pub name: &'static str,
    /// What the verb allows, for hover.
    pub doc: &'static str,
    /// Why granting it is a privilege escalation, when it is one.
    pub risk: Option<&'static str>,
}

const fn verb(name: &'static str, doc: &'static str) -> Verb {
    Verb {
        name,
        doc,
        risk: None,
    }
}

const fn risky(name: &'static str, doc: &'static str, risk: &'static str) -> Verb {
    Verb {
        name,
        doc,
        risk: Some(risk),
    }
}

/// Every verb, in the order people write them in rules.
pub const VERBS: &[Verb] = &[
    verb("get", "read one object"),
    verb(
        "list",
        "read every object of the type (also their contents)",
    ),
    verb("watch", "follow changes to objects"),
    verb("create", "create objects"),
    verb("update", "replace objects"),
    verb("patch", "modify objects in place"),
    verb("delete", "delete one object"),
    verb(
        "deletecollection",
        "delete every object of the type at once",
    ),
    risky(
        "*",
        "every verb",
        "grants every verb, including escalate, bind and impersonate",
    ),
    verb("use", "use a PodSecurityPolicy or similar"),
    risky(
        "bind",
        "bind a role the subject does not hold itself",
        "lets the grantee bind any role, including cluster-admin",
    ),
    risky(
        "escalate",
        "grant permissions the subject does not hold itself",
        "lets the grantee create roles with more rights than it has",
    ),
    risky(
        "impersonate",
        "act as another user, group or service account",
        "lets the grantee act as any user or service account",
    ),
    verb(
        "approve",
        "approve certificate signing requests (on `certificates.k8s.io/signers`)",
    ),
    verb(
        "sign",
        "sign certificate signing requests (on `certificates.k8s.io/signers`)",
    ),
    verb(
        "attest",
        "attest trust bundles for a signer (on `certificates.k8s.io/signers`)",
    ),
];

/// The verb named `name`, if it is one.
pub fn get(name: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.name == name)
}

/// The verbs' names, in table order.
pub fn names() -> impl Iterator<Item = &'static str> {
    VERBS.iter().map(|v| v.name)
}

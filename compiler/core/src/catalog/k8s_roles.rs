//! The default user-facing ClusterRoles of Kubernetes that `k8s bind` may name, with the
//! rules of interest to the risk analysis (from the Kubernetes RBAC reference,
//! <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles>).
//! `view` grants nothing of interest; a role not listed contributes no rule.

/// (role, [(api group, resources, verbs)]).
type Rules = &'static [(
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)];

const WRITE: &[&str] = &["create", "delete", "patch", "update"];
const WORKLOADS: Rules = &[
    ("", &["pods", "pods/exec", "pods/attach"], WRITE),
    (
        "",
        &["secrets"],
        &[
            "get", "list", "watch", "create", "delete", "patch", "update",
        ],
    ),
    ("", &["serviceaccounts"], &["impersonate"]),
    ("", &["serviceaccounts/token"], &["create"]),
    (
        "apps",
        &["deployments", "daemonsets", "statefulsets", "replicasets"],
        WRITE,
    ),
    ("batch", &["jobs", "cronjobs"], WRITE),
];

const ROLES: &[(&str, Rules)] = &[
    ("cluster-admin", &[("*", &["*"], &["*"])]),
    ("admin", WORKLOADS),
    ("edit", WORKLOADS),
    ("view", &[]),
];

/// The rules of interest of a default ClusterRole; `None` for another name.
pub fn rules(role: &str) -> Option<Rules> {
    ROLES
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, rules)| *rules)
}

/// The names of the default roles, for completion and hover.
pub fn names() -> impl Iterator<Item = &'static str> {
    ROLES.iter().map(|(r, _)| *r)
}

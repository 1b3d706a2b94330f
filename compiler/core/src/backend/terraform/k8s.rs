//! `terraform/k8s/main.tf.json`: the ClusterRoles and Roles of every level, each bound
//! to the level's Kubernetes service account.

use super::{ident, reference, Rendered, Strings};
use crate::backend::k8s::RBAC_API_GROUP;
use crate::backend::principal_of;
use crate::model::{K8sRule, Model};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("kubernetes", "hashicorp/kubernetes", ">= 2.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    kubernetes_cluster_role_v1: BTreeMap<String, Role>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    kubernetes_cluster_role_binding_v1: BTreeMap<String, Binding>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    kubernetes_role_v1: BTreeMap<String, Role>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    kubernetes_role_binding_v1: BTreeMap<String, Binding>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Metadata {
    name: String,
    namespace: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Role {
    metadata: [Metadata; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aggregation_rule: Vec<Aggregation>,
    rule: Vec<Rule>,
}

#[derive(Serialize)]
struct Aggregation {
    cluster_role_selectors: Vec<Selector>,
}

#[derive(Serialize)]
struct Selector {
    match_labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Rule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<String>,
    verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resource_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    non_resource_urls: Vec<String>,
}

#[derive(Serialize)]
struct Binding {
    metadata: [Metadata; 1],
    role_ref: [RoleRef; 1],
    subject: Vec<Subject>,
}

#[derive(Serialize)]
struct RoleRef {
    api_group: &'static str,
    kind: &'static str,
    name: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Subject {
    kind: &'static str,
    api_group: Option<&'static str>,
    name: String,
    namespace: Option<String>,
}

fn rule(s: &Strings, r: &K8sRule) -> Rule {
    let urls = !r.non_resource_urls.is_empty();
    Rule {
        // `[""]` is the core group; a rule for URLs has no groups or resources.
        api_groups: if urls {
            Vec::new()
        } else {
            s.tf_all(&r.api_groups)
        },
        resources: if urls {
            Vec::new()
        } else {
            s.tf_all(&r.resources)
        },
        verbs: s.tf_all(&r.verbs),
        resource_names: s.tf_all(&r.resource_names),
        non_resource_urls: s.tf_all(&r.non_resource_urls),
    }
}

/// The module, or `None` when no level has Kubernetes roles.
pub fn module(model: &Model) -> Option<Rendered> {
    let none = |_: &str| None;
    let s = Strings::new(model, &none);
    let mut r = Resources::default();
    for access in &model.accesses {
        let account = principal_of(model, access).and_then(|p| p.k8s_service_account.as_ref());
        for role in &access.k8s {
            let key = ident(&[&access.name, &role.name]);
            let metadata = |labels: &[(String, String)]| Metadata {
                name: s.tf(&role.name),
                namespace: role.namespace.as_deref().map(|n| s.tf(n)),
                labels: labels.iter().map(|(k, v)| (s.tf(k), s.tf(v))).collect(),
            };
            let pairs = |sel: &[(String, String)]| -> BTreeMap<String, String> {
                sel.iter().map(|(k, v)| (s.tf(k), s.tf(v))).collect()
            };
            let doc = Role {
                metadata: [metadata(&role.labels)],
                aggregation_rule: if role.aggregate.is_empty() {
                    Vec::new()
                } else {
                    vec![Aggregation {
                        cluster_role_selectors: role
                            .aggregate
                            .iter()
                            .map(|sel| Selector {
                                match_labels: pairs(sel),
                            })
                            .collect(),
                    }]
                },
                rule: role.rules.iter().map(|x| rule(&s, x)).collect(),
            };
            let (roles, bindings, role_type, kind) = match role.namespace {
                None => (
                    &mut r.kubernetes_cluster_role_v1,
                    &mut r.kubernetes_cluster_role_binding_v1,
                    "kubernetes_cluster_role_v1",
                    "ClusterRole",
                ),
                Some(_) => (
                    &mut r.kubernetes_role_v1,
                    &mut r.kubernetes_role_binding_v1,
                    "kubernetes_role_v1",
                    "Role",
                ),
            };
            roles.insert(key.clone(), doc);
            if let Some(account) = account {
                bindings.insert(
                    key.clone(),
                    Binding {
                        metadata: [metadata(&[])],
                        role_ref: [RoleRef {
                            api_group: RBAC_API_GROUP,
                            kind,
                            name: reference(role_type, &key, "metadata[0].name"),
                        }],
                        subject: vec![Subject {
                            kind: "ServiceAccount",
                            api_group: None,
                            name: s.tf(&account.name),
                            namespace: Some(s.tf(&account.namespace)),
                        }],
                    },
                );
            }
        }
        // Bindings to roles of the cluster (`k8s bind`).
        for b in &access.bindings.k8s {
            let name = crate::backend::k8s::binding_name(&b.role, &access.name);
            let binding = Binding {
                metadata: [Metadata {
                    name: s.tf(&name),
                    namespace: b.namespace.as_deref().map(|n| s.tf(n)),
                    labels: BTreeMap::new(),
                }],
                role_ref: [RoleRef {
                    api_group: RBAC_API_GROUP,
                    kind: if b.cluster_role {
                        "ClusterRole"
                    } else {
                        "Role"
                    },
                    name: s.tf(&b.role),
                }],
                subject: b
                    .subjects
                    .iter()
                    .map(|x| Subject {
                        kind: x.kind,
                        api_group: (x.kind != "ServiceAccount").then_some(RBAC_API_GROUP),
                        name: s.tf(&x.name),
                        namespace: x.namespace.as_deref().map(|n| s.tf(n)),
                    })
                    .collect(),
            };
            let key = ident(&[&access.name, &name]);
            match b.namespace {
                Some(_) => r.kubernetes_role_binding_v1.insert(key, binding),
                None => r.kubernetes_cluster_role_binding_v1.insert(key, binding),
            };
        }
    }
    if r.kubernetes_cluster_role_v1.is_empty()
        && r.kubernetes_role_v1.is_empty()
        && r.kubernetes_role_binding_v1.is_empty()
        && r.kubernetes_cluster_role_binding_v1.is_empty()
    {
        return None;
    }
    Some(s.render::<_, ()>(PROVIDERS, None, None, r, BTreeMap::new()))
}

//! Kubernetes: per access level, its ClusterRoles/Roles and their bindings to the
//! principal's service account, as one multi-document YAML file.

use super::{kind, principal_of, OutputFile, Target};
use crate::model::{Access, K8sBinding, K8sRole, K8sRule, K8sServiceAccount, K8sSubject, Model};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;
use write::push_doc;

mod write;

pub const RBAC_API_GROUP: &str = "rbac.authorization.k8s.io";
const RBAC_API_VERSION: &str = "rbac.authorization.k8s.io/v1";

/// `k8s/<access>.rbac.yaml` for every access with Kubernetes roles.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    model
        .accesses
        .iter()
        .filter(|a| !a.k8s.is_empty() || !a.bindings.k8s.is_empty())
        .map(|a| rbac_file(model, a))
        .collect()
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleDoc<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    aggregation_rule: Option<AggregationRule<'a>>,
    rules: Vec<RuleDoc<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AggregationRule<'a> {
    cluster_role_selectors: Vec<Selector<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector<'a> {
    match_labels: BTreeMap<&'a str, &'a str>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Metadata<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<&'a str, &'a str>,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDoc<'a> {
    api_groups: Option<&'a [String]>,
    resources: Option<&'a [String]>,
    verbs: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    resource_names: &'a [String],
    #[serde(
        rename = "nonResourceURLs",
        skip_serializing_if = "<[String]>::is_empty"
    )]
    non_resource_urls: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BindingDoc<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    role_ref: RoleRef<'a>,
    subjects: Vec<Subject<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleRef<'a> {
    api_group: &'static str,
    kind: &'static str,
    name: &'a str,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Subject<'a> {
    kind: &'static str,
    api_group: Option<&'static str>,
    name: &'a str,
    namespace: Option<&'a str>,
}

impl<'a> Subject<'a> {
    fn of(s: &'a K8sSubject) -> Subject<'a> {
        Subject {
            kind: s.kind,
            // Users and groups are named in the RBAC API group, service accounts in core.
            api_group: (s.kind != "ServiceAccount").then_some(RBAC_API_GROUP),
            name: &s.name,
            namespace: s.namespace.as_deref(),
        }
    }
}

fn rule_doc(rule: &K8sRule) -> RuleDoc<'_> {
    let non_resource = !rule.non_resource_urls.is_empty();
    RuleDoc {
        api_groups: (!non_resource).then_some(rule.api_groups.as_slice()),
        resources: (!non_resource).then_some(rule.resources.as_slice()),
        verbs: &rule.verbs,
        resource_names: &rule.resource_names,
        non_resource_urls: &rule.non_resource_urls,
    }
}

fn role_kinds(role: &K8sRole) -> (&'static str, &'static str) {
    match role.namespace {
        None => ("ClusterRole", "ClusterRoleBinding"),
        Some(_) => ("Role", "RoleBinding"),
    }
}

fn role_doc(out: &mut String, role: &K8sRole) {
    push_doc(
        out,
        &RoleDoc {
            api_version: RBAC_API_VERSION,
            kind: role_kinds(role).0,
            metadata: Metadata {
                name: &role.name,
                namespace: role.namespace.as_deref(),
                labels: role
                    .labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            },
            aggregation_rule: (!role.aggregate.is_empty()).then(|| AggregationRule {
                cluster_role_selectors: role
                    .aggregate
                    .iter()
                    .map(|sel| Selector {
                        match_labels: sel.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                    })
                    .collect(),
            }),
            rules: role.rules.iter().map(rule_doc).collect(),
        },
    )
}

/// A binding to a role of the cluster: a RoleBinding when it has a namespace (to a
/// Role, or to a ClusterRole granted in that namespace only), else a
/// ClusterRoleBinding. Named `ROLE-ACCESS`, made a valid name.
fn existing_binding_doc(out: &mut String, access: &Access, b: &K8sBinding) {
    let name = binding_name(&b.role, &access.name);
    push_doc(
        out,
        &BindingDoc {
            api_version: RBAC_API_VERSION,
            kind: match b.namespace {
                Some(_) => "RoleBinding",
                None => "ClusterRoleBinding",
            },
            metadata: Metadata {
                name: &name,
                namespace: b.namespace.as_deref(),
                labels: BTreeMap::new(),
            },
            role_ref: RoleRef {
                api_group: RBAC_API_GROUP,
                kind: if b.cluster_role {
                    "ClusterRole"
                } else {
                    "Role"
                },
                name: &b.role,
            },
            subjects: b.subjects.iter().map(Subject::of).collect(),
        },
    )
}

/// `ROLE-ACCESS` in lowercase, with what a Kubernetes name cannot hold turned into `-`.
pub fn binding_name(role: &str, access: &str) -> String {
    format!("{role}-{access}")
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn binding_doc(out: &mut String, role: &K8sRole, account: &K8sServiceAccount) {
    let (role_kind, binding_kind) = role_kinds(role);
    push_doc(
        out,
        &BindingDoc {
            api_version: RBAC_API_VERSION,
            kind: binding_kind,
            metadata: Metadata {
                name: &role.name,
                namespace: role.namespace.as_deref(),
                labels: BTreeMap::new(),
            },
            role_ref: RoleRef {
                api_group: RBAC_API_GROUP,
                kind: role_kind,
                name: &role.name,
            },
            subjects: vec![Subject {
                kind: "ServiceAccount",
                api_group: None,
                name: &account.name,
                namespace: Some(&account.namespace),
            }],
        },
    )
}

fn rbac_file(model: &Model, access: &Access) -> OutputFile {
    let account = principal_of(model, access).and_then(|p| p.k8s_service_account.as_ref());
    // One multi-document stream, `---` between documents.
    let mut out = String::new();
    let sep = |out: &mut String| {
        if !out.is_empty() {
            out.push_str("---\n");
        }
    };
    for role in &access.k8s {
        sep(&mut out);
        role_doc(&mut out, role);
        if let Some(account) = account {
            sep(&mut out);
            binding_doc(&mut out, role, account);
        }
    }
    for b in &access.bindings.k8s {
        sep(&mut out);
        existing_binding_doc(&mut out, access, b);
    }
    OutputFile::of_access(
        Target::K8s,
        format!("k8s/{}.rbac.yaml", access.name),
        kind::RBAC,
        access,
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::sample_model;
    use serde::Deserialize;

    /// Splits a stream on `---` lines and parses each document.
    fn parse_docs(text: &str) -> Vec<serde_yaml::Value> {
        serde_yaml::Deserializer::from_str(text)
            .map(|d| serde_yaml::Value::deserialize(d).unwrap())
            .collect()
    }

    #[test]
    fn files() {
        let model = sample_model();
        let files = emit(&model);
        assert_eq!(files, emit(&model));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["k8s/ongoing.rbac.yaml", "k8s/workload.rbac.yaml"]);
        for f in &files {
            assert_eq!(f.kind, kind::RBAC);
            assert!(f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"));
        }
        insta::assert_snapshot!("ongoing", files[0].contents);
        insta::assert_snapshot!("workload", files[1].contents);
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Role {
        api_version: String,
        kind: String,
        metadata: Meta,
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    struct Meta {
        name: String,
        namespace: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Rule {
        api_groups: Option<Vec<String>>,
        resources: Option<Vec<String>>,
        verbs: Vec<String>,
        resource_names: Option<Vec<String>>,
        #[serde(rename = "nonResourceURLs")]
        non_resource_urls: Option<Vec<String>>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Binding {
        #[allow(dead_code)]
        api_version: String,
        kind: String,
        metadata: Meta,
        role_ref: Ref,
        subjects: Vec<Subj>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Ref {
        api_group: String,
        kind: String,
        name: String,
    }
    #[derive(Deserialize)]
    struct Subj {
        kind: String,
        name: String,
        namespace: String,
    }

    #[test]
    fn round_trip_and_core_group() {
        let model = sample_model();
        let files = emit(&model);
        let ongoing = &files[0].contents;
        let docs = parse_docs(ongoing);
        assert_eq!(docs.len(), 4, "role, binding, role, binding");

        let cluster_role: Role = serde_yaml::from_value(docs[0].clone()).unwrap();
        assert_eq!(cluster_role.api_version, "rbac.authorization.k8s.io/v1");
        assert_eq!(cluster_role.kind, "ClusterRole");
        assert_eq!(cluster_role.metadata.name, "chalk-cluster-management-role");
        assert!(cluster_role.metadata.namespace.is_none());
        assert_eq!(
            cluster_role.rules[0].api_groups.as_deref(),
            Some(&["".to_string()][..])
        );
        let url_rule = &cluster_role.rules[2];
        assert!(url_rule.api_groups.is_none() && url_rule.resources.is_none());
        assert_eq!(url_rule.non_resource_urls.as_ref().unwrap().len(), 2);
        assert!(url_rule.resource_names.is_none());

        let binding: Binding = serde_yaml::from_value(docs[1].clone()).unwrap();
        assert_eq!(binding.kind, "ClusterRoleBinding");
        assert_eq!(binding.metadata.name, "chalk-cluster-management-role");
        assert!(binding.metadata.namespace.is_none());
        assert_eq!(binding.role_ref.api_group, "rbac.authorization.k8s.io");
        assert_eq!(binding.role_ref.kind, "ClusterRole");
        assert_eq!(binding.role_ref.name, "chalk-cluster-management-role");
        assert_eq!(binding.subjects.len(), 1);
        assert_eq!(binding.subjects[0].kind, "ServiceAccount");
        assert_eq!(binding.subjects[0].name, "chalk-management");
        assert_eq!(binding.subjects[0].namespace, "${namespace}");

        let role: Role = serde_yaml::from_value(docs[2].clone()).unwrap();
        assert_eq!(role.kind, "Role");
        assert_eq!(role.metadata.namespace.as_deref(), Some("${namespace}"));
        assert_eq!(
            role.rules[1].api_groups.as_deref(),
            Some(&["".to_string(), "rbac.authorization.k8s.io".to_string()][..])
        );
        assert_eq!(
            role.rules[2].resource_names.as_deref(),
            Some(&["chalk-config".to_string()][..])
        );
        for (rule, want) in role.rules.iter().zip(&model.accesses[1].k8s[1].rules) {
            assert_eq!(rule.api_groups.as_ref().unwrap(), &want.api_groups);
            assert_eq!(rule.resources.as_ref().unwrap(), &want.resources);
            assert_eq!(&rule.verbs, &want.verbs);
        }

        let binding: Binding = serde_yaml::from_value(docs[3].clone()).unwrap();
        assert_eq!(binding.kind, "RoleBinding");
        assert_eq!(binding.metadata.namespace.as_deref(), Some("${namespace}"));
        assert_eq!(binding.role_ref.kind, "Role");
    }

    #[test]
    fn no_service_account_no_binding() {
        let mut model = sample_model();
        model.principals[1].k8s_service_account = None;
        let files = emit(&model);
        let docs = parse_docs(&files[1].contents);
        assert_eq!(docs.len(), 1);
        assert!(!files[1].contents.contains("---"));
        let role: Role = serde_yaml::from_value(docs[0].clone()).unwrap();
        assert_eq!(role.metadata.name, "chalk-job-reader");
    }
}

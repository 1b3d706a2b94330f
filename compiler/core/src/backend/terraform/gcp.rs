//! `terraform/gcp/main.tf.json`: the custom roles, the project bindings of each level's
//! service account (predefined roles and the custom role), and who may impersonate the
//! service account.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::gcp::{service_account_email, TOKEN_CREATOR_ROLE};
use crate::backend::{optional_description, principal_of, title_of};
use crate::model::Model;
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("google", "hashicorp/google", ">= 5.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_compute_firewall: BTreeMap<String, super::firewall::Firewall>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_folder_iam_member: BTreeMap<String, Member>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_organization_iam_member: BTreeMap<String, Member>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_project_iam_custom_role: BTreeMap<String, CustomRole>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_project_iam_member: BTreeMap<String, ProjectMember>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_service_account_iam_member: BTreeMap<String, ServiceAccountMember>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_storage_bucket_iam_member: BTreeMap<String, Member>,
}

/// A member of `gcp bind`: the resource's own argument (`bucket`, `folder`,
/// `org_id`, `project`, `service_account_id`), and the condition block.
#[derive(Serialize)]
struct Member {
    #[serde(flatten)]
    resource: BTreeMap<&'static str, String>,
    role: String,
    member: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    condition: Vec<Condition>,
}

#[derive(Serialize, Clone)]
struct Condition {
    title: String,
    expression: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct CustomRole {
    project: String,
    role_id: String,
    title: String,
    /// Left out for `description ""`, as in the role's JSON.
    description: Option<String>,
    stage: &'static str,
    permissions: Vec<String>,
}

#[derive(Serialize)]
struct ProjectMember {
    project: String,
    role: String,
    member: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    condition: Vec<Condition>,
}

#[derive(Serialize)]
struct ServiceAccountMember {
    service_account_id: String,
    role: String,
    member: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    condition: Vec<Condition>,
}

/// The module, or `None` when no level has anything for GCP.
pub fn module(model: &Model) -> Option<Rendered> {
    let none = |_: &str| None;
    let s = Strings::new(model, &none);
    let project = s.tf(&model.deployment.project_id);
    let mut r = Resources::default();
    let mut output = BTreeMap::new();
    for access in &model.accesses {
        bindings(&s, model, access, &mut r);
        if !access.gcp.permissions.is_empty() {
            r.google_project_iam_custom_role.insert(
                access.name.clone(),
                CustomRole {
                    project: project.clone(),
                    role_id: s.tf(&access.gcp.role_id),
                    title: s.tf(title_of(access)),
                    description: optional_description(model, access).map(|d| s.tf(&d)),
                    stage: "GA",
                    permissions: s.tf_all(&access.gcp.permissions),
                },
            );
            output.insert(
                ident(&["custom_role_id", &access.name]),
                Output::new(
                    reference("google_project_iam_custom_role", &access.name, "id"),
                    format!("The custom role of access level {}", access.name),
                ),
            );
        }
        let Some(principal) = principal_of(model, access) else {
            continue;
        };
        let Some(account) = &principal.gcp_service_account else {
            continue;
        };
        let email = service_account_email(&model.deployment.project_id, &account.account);
        let member = s.tf(&format!("serviceAccount:{email}"));
        let mut roles: Vec<(String, String)> = access
            .gcp
            .roles
            .iter()
            .map(|role| (ident(&[&access.name, role]), s.tf(role)))
            .collect();
        if !access.gcp.permissions.is_empty() {
            roles.push((
                ident(&[&access.name, "custom"]),
                reference("google_project_iam_custom_role", &access.name, "name"),
            ));
        }
        for (key, role) in roles {
            r.google_project_iam_member.insert(
                key,
                ProjectMember {
                    project: project.clone(),
                    role,
                    member: member.clone(),
                    condition: Vec::new(),
                },
            );
        }
        // Per principal: two levels of one service account share its impersonation.
        for who in &account.impersonated_by {
            r.google_service_account_iam_member.insert(
                ident(&[&principal.name, "token_creator", who]),
                ServiceAccountMember {
                    service_account_id: s.tf(&format!(
                        "projects/{}/serviceAccounts/{email}",
                        model.deployment.project_id
                    )),
                    role: TOKEN_CREATOR_ROLE.into(),
                    member: s.tf(who),
                    condition: Vec::new(),
                },
            );
        }
    }
    r.google_compute_firewall = super::firewall::gcp(model, &s, &project);
    if r.google_project_iam_custom_role.is_empty()
        && r.google_project_iam_member.is_empty()
        && r.google_service_account_iam_member.is_empty()
        && r.google_storage_bucket_iam_member.is_empty()
        && r.google_folder_iam_member.is_empty()
        && r.google_organization_iam_member.is_empty()
        && r.google_compute_firewall.is_empty()
    {
        return None;
    }
    Some(s.render::<_, ()>(PROVIDERS, None, None, r, output))
}

/// `gcp bind`: one `*_iam_member` per role and member, on its resource.
fn bindings(s: &Strings, model: &Model, access: &crate::model::Access, r: &mut Resources) {
    use crate::model::GcpTarget;
    for b in &access.bindings.gcp {
        let condition: Vec<Condition> = b
            .condition
            .iter()
            .map(|(title, expr)| Condition {
                title: s.tf(title),
                expression: s.tf(expr),
            })
            .collect();
        for m in &b.members {
            let key = ident(&[&access.name, b.target.as_str(), &b.resource, &b.role, m]);
            let (role, member, condition) = (s.tf(&b.role), s.tf(m), condition.clone());
            match b.target {
                GcpTarget::Project => {
                    r.google_project_iam_member.insert(
                        key,
                        ProjectMember {
                            project: s.tf(&b.resource),
                            role,
                            member,
                            condition,
                        },
                    );
                }
                GcpTarget::ServiceAccount => {
                    r.google_service_account_iam_member.insert(
                        key,
                        ServiceAccountMember {
                            service_account_id: s.tf(&format!(
                                "projects/{}/serviceAccounts/{}",
                                model.deployment.project_id, b.resource
                            )),
                            role,
                            member,
                            condition,
                        },
                    );
                }
                target => {
                    let (map, arg, value) = match target {
                        GcpTarget::Bucket => (
                            &mut r.google_storage_bucket_iam_member,
                            "bucket",
                            b.resource.clone(),
                        ),
                        GcpTarget::Folder => (
                            &mut r.google_folder_iam_member,
                            "folder",
                            // The provider takes `folders/ID`.
                            match b.resource.starts_with("folders/") {
                                true => b.resource.clone(),
                                false => format!("folders/{}", b.resource),
                            },
                        ),
                        _ => (
                            &mut r.google_organization_iam_member,
                            "org_id",
                            b.resource.trim_start_matches("organizations/").to_string(),
                        ),
                    };
                    map.insert(
                        key,
                        Member {
                            resource: BTreeMap::from([(arg, s.tf(&value))]),
                            role,
                            member,
                            condition,
                        },
                    );
                }
            }
        }
    }
}

//! `terraform/gcp/main.tf.json`: the custom roles, the project bindings of each level's
//! service account (predefined roles and the custom role), and who may impersonate the
//! service account.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::gcp::{service_account_email, TOKEN_CREATOR_ROLE};
use crate::backend::{description_of, principal_of, title_of};
use crate::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("google", "hashicorp/google", ">= 5.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_compute_firewall: BTreeMap<String, super::firewall::Firewall>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_project_iam_custom_role: BTreeMap<String, CustomRole>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_project_iam_member: BTreeMap<String, ProjectMember>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    google_service_account_iam_member: BTreeMap<String, ServiceAccountMember>,
}

#[derive(Serialize)]
struct CustomRole {
    project: String,
    role_id: String,
    title: String,
    description: String,
    stage: &'static str,
    permissions: Vec<String>,
}

#[derive(Serialize)]
struct ProjectMember {
    project: String,
    role: String,
    member: String,
}

#[derive(Serialize)]
struct ServiceAccountMember {
    service_account_id: String,
    role: &'static str,
    member: String,
}

/// The module, or `None` when no level has anything for GCP.
pub fn module(model: &Model) -> Option<Rendered> {
    let none = |_: &str| None;
    let s = Strings::new(model, &none);
    let project = s.tf(&model.deployment.project_id);
    let mut r = Resources::default();
    let mut output = BTreeMap::new();
    for access in &model.accesses {
        if !access.gcp.permissions.is_empty() {
            r.google_project_iam_custom_role.insert(
                access.name.clone(),
                CustomRole {
                    project: project.clone(),
                    role_id: s.tf(&access.gcp.role_id),
                    title: s.tf(title_of(access)),
                    description: s.tf(&description_of(model, access)),
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
                    role: TOKEN_CREATOR_ROLE,
                    member: s.tf(who),
                },
            );
        }
    }
    r.google_compute_firewall = super::firewall::gcp(model, &s, &project);
    if r.google_project_iam_custom_role.is_empty()
        && r.google_project_iam_member.is_empty()
        && r.google_service_account_iam_member.is_empty()
        && r.google_compute_firewall.is_empty()
    {
        return None;
    }
    Some(s.render::<_, ()>(PROVIDERS, None, None, r, output))
}

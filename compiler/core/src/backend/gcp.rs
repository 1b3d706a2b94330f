//! GCP: a custom role per access level (what `gcloud iam roles create --file` takes) and
//! the bindings of the access's service account.

use super::json::to_json;
use super::{description_of, kind, principal_of, title_of, OutputFile, Target};
use crate::model::{Access, Model};
use serde::Serialize;

/// The role that lets a member impersonate a service account.
pub const TOKEN_CREATOR_ROLE: &str = "roles/iam.serviceAccountTokenCreator";

/// `gcp/<access>.role.json` for every access with permissions and
/// `gcp/<access>.bindings.json` for every access whose principal has a service account.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for access in &model.accesses {
        files.extend(role_file(model, access));
        files.extend(bindings_file(model, access));
    }
    files
}

/// The custom role's full name, `projects/<project>/roles/<role_id>`. `project` is
/// the deployment's project id as lowering filled it (`${project_id}` when unset).
pub fn custom_role_name(project: &str, role_id: &str) -> String {
    format!("projects/{project}/roles/{role_id}")
}

/// A service account's email: as given when it has an `@`, else
/// `<id>@<project>.iam.gserviceaccount.com`.
pub fn service_account_email(project: &str, account: &str) -> String {
    if account.contains('@') {
        account.to_string()
    } else {
        format!("{account}@{project}.iam.gserviceaccount.com")
    }
}

fn role_file(model: &Model, access: &Access) -> Option<OutputFile> {
    if access.gcp.permissions.is_empty() {
        return None;
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Role<'a> {
        title: &'a str,
        description: String,
        stage: &'static str,
        included_permissions: Vec<&'a str>,
    }

    let mut permissions: Vec<&str> = access.gcp.permissions.iter().map(String::as_str).collect();
    permissions.sort_unstable();
    permissions.dedup();
    let role = Role {
        title: title_of(access),
        description: description_of(model, access),
        stage: "GA",
        included_permissions: permissions,
    };
    Some(OutputFile {
        path: format!("gcp/{}.role.json", access.name),
        target: Some(Target::Gcp),
        kind: kind::CUSTOM_ROLE,
        access: Some(access.name.clone()),
        principal: access.principal.clone(),
        ou: None,
        contents: to_json(&role),
    })
}

fn bindings_file(model: &Model, access: &Access) -> Option<OutputFile> {
    let principal = principal_of(model, access)?;
    let account = principal.gcp_service_account.as_ref()?;
    if access.gcp.roles.is_empty() && access.gcp.permissions.is_empty() {
        return None;
    }

    #[derive(Serialize)]
    struct Bindings<'a> {
        member: String,
        roles: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        impersonation: Vec<Impersonation<'a>>,
    }
    #[derive(Serialize)]
    struct Impersonation<'a> {
        member: &'a str,
        role: &'static str,
    }

    let mut roles = access.gcp.roles.clone();
    roles.sort();
    roles.dedup();
    if !access.gcp.permissions.is_empty() {
        roles.push(custom_role_name(
            &model.deployment.project_id,
            &access.gcp.role_id,
        ));
    }
    let bindings = Bindings {
        member: format!(
            "serviceAccount:{}",
            service_account_email(&model.deployment.project_id, &account.account)
        ),
        roles,
        impersonation: account
            .impersonated_by
            .iter()
            .map(|member| Impersonation {
                member,
                role: TOKEN_CREATOR_ROLE,
            })
            .collect(),
    };
    Some(OutputFile {
        path: format!("gcp/{}.bindings.json", access.name),
        target: Some(Target::Gcp),
        kind: kind::ROLE_BINDINGS,
        access: Some(access.name.clone()),
        principal: Some(principal.name.clone()),
        ou: None,
        contents: to_json(&bindings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::{access, sample_model};

    fn get<'a>(files: &'a [OutputFile], path: &str) -> &'a OutputFile {
        files.iter().find(|f| f.path == path).unwrap()
    }

    #[test]
    fn files_and_determinism() {
        let model = sample_model();
        let files = emit(&model);
        assert_eq!(files, emit(&model));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "gcp/ongoing.role.json",
                "gcp/ongoing.bindings.json",
                "gcp/workload.bindings.json"
            ]
        );
        for f in &files {
            assert!(f.contents.ends_with("}\n") && !f.contents.ends_with("\n\n"));
            serde_json::from_str::<serde::de::IgnoredAny>(&f.contents).unwrap();
        }
    }

    #[test]
    fn custom_role() {
        let files = emit(&sample_model());
        let f = get(&files, "gcp/ongoing.role.json");
        assert_eq!(f.kind, kind::CUSTOM_ROLE);
        insta::assert_snapshot!(f.contents);

        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Role {
            title: String,
            description: String,
            stage: String,
            included_permissions: Vec<String>,
        }
        let role: Role = serde_json::from_str(&f.contents).unwrap();
        assert_eq!(role.title, "Chalk ongoing management");
        assert!(!role.description.is_empty());
        assert_eq!(role.stage, "GA");
        let mut sorted = role.included_permissions.clone();
        sorted.sort();
        assert_eq!(role.included_permissions, sorted);
    }

    #[test]
    fn default_title_and_description() {
        let mut model = sample_model();
        let mut a = access("plain", None);
        a.gcp.role_id = "plainRole".into();
        a.gcp.permissions = vec!["storage.objects.get".into()];
        model.accesses = vec![a];
        let files = emit(&model);
        assert_eq!(files.len(), 1, "no principal: no bindings");
        insta::assert_snapshot!(files[0].contents);
    }

    #[test]
    fn bindings() {
        let files = emit(&sample_model());
        let f = get(&files, "gcp/ongoing.bindings.json");
        assert_eq!(f.kind, kind::ROLE_BINDINGS);
        assert_eq!(f.principal.as_deref(), Some("chalk_api"));
        insta::assert_snapshot!("bindings_with_custom_role", f.contents);
        assert!(f
            .contents
            .contains("\"projects/${project_id}/roles/chalkOngoing\""));

        // predefined roles only, bare account id, no impersonation
        let f = get(&files, "gcp/workload.bindings.json");
        insta::assert_snapshot!("bindings_predefined_only", f.contents);
        assert!(!f.contents.contains("impersonation"));
        assert!(!f.contents.contains("/roles/chalkWorkload"));
    }

    #[test]
    fn emails() {
        assert_eq!(
            service_account_email("${project_id}", "a@p.iam.gserviceaccount.com"),
            "a@p.iam.gserviceaccount.com"
        );
        assert_eq!(
            service_account_email("${project_id}", "a"),
            "a@${project_id}.iam.gserviceaccount.com"
        );
    }
}

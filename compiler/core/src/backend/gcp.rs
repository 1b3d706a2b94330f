//! GCP: a custom role per access level (what `gcloud iam roles create --file` takes) and
//! the bindings of the access's service account.

use super::json::to_json;
use super::shell;
use super::{kind, optional_description, principal_of, title_of, OutputFile, Target};
use crate::model::{Access, Model};
use serde::Serialize;
use serde_with::skip_serializing_none;

/// The role that lets a member impersonate a service account.
pub const TOKEN_CREATOR_ROLE: &str = "roles/iam.serviceAccountTokenCreator";

/// `gcp/<access>.role.json` for every access with permissions; for every access whose
/// principal has a service account, `gcp/<access>.bindings.json` (the project policy's
/// bindings), `gcp/<access>.impersonation.json` (the service account policy's, when
/// someone may impersonate it) and `gcp/<access>.bindings.sh` (the `gcloud` commands).
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for access in &model.accesses {
        // Made once: the bindings script reads it too.
        let role = role_file(model, access);
        let bindings = bindings_file(model, access, role.as_ref());
        files.extend(role);
        files.extend(bindings);
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

    #[skip_serializing_none]
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Role<'a> {
        title: &'a str,
        /// Left out for `description ""`: GCP's description is optional.
        description: Option<String>,
        stage: &'static str,
        included_permissions: Vec<&'a str>,
    }

    let mut permissions: Vec<&str> = access.gcp.permissions.iter().map(String::as_str).collect();
    permissions.sort_unstable();
    permissions.dedup();
    let role = Role {
        title: title_of(access),
        description: optional_description(model, access),
        stage: "GA",
        included_permissions: permissions,
    };
    Some(OutputFile::of_access(
        Target::Gcp,
        format!("gcp/{}.role.json", access.name),
        kind::CUSTOM_ROLE,
        access,
        to_json(&role),
    ))
}

/// An IAM policy fragment: `{"bindings": [{"role", "members"}]}`, sorted by role, that
/// merges into a project's policy (or, for impersonation, a service account's).
#[derive(Serialize)]
struct Policy<'a> {
    bindings: Vec<Binding<'a>>,
}

#[derive(Serialize)]
struct Binding<'a> {
    role: String,
    members: Vec<&'a str>,
}

/// The roles an access binds: its predefined roles and its custom role, sorted.
fn roles(model: &Model, access: &Access) -> Vec<String> {
    let mut roles = access.gcp.roles.clone();
    if !access.gcp.permissions.is_empty() {
        roles.push(custom_role_name(
            &model.deployment.project_id,
            &access.gcp.role_id,
        ));
    }
    roles.sort();
    roles.dedup();
    roles
}

fn bindings_file(model: &Model, access: &Access, role: Option<&OutputFile>) -> Vec<OutputFile> {
    let principal = principal_of(model, access);
    let account = principal.and_then(|p| p.gcp_service_account.as_ref());
    let own =
        account.is_some() && !(access.gcp.roles.is_empty() && access.gcp.permissions.is_empty());
    let mut files = Vec::new();
    if own {
        files = own_bindings(model, access, role);
    }
    if let Some(doc) = super::gcp_bindings::document(access) {
        let file = |suffix: &str, kind: &'static str, contents: String| {
            let path = format!("gcp/{}.{suffix}", access.name);
            OutputFile::of_access(Target::Gcp, path, kind, access, contents)
        };
        files.push(file("resource-bindings.json", kind::ROLE_BINDINGS, doc));
        if !own {
            let commands = super::gcp_bindings::commands(access);
            files.push(file(
                "bindings.sh",
                kind::SCRIPT,
                shell::script(
                    &format!("GCP: the bindings of access level `{}`", access.name),
                    &commands,
                ),
            ));
        }
    }
    files
}

fn own_bindings(model: &Model, access: &Access, role: Option<&OutputFile>) -> Vec<OutputFile> {
    let Some(principal) = principal_of(model, access) else {
        return Vec::new();
    };
    let Some(account) = principal.gcp_service_account.as_ref() else {
        return Vec::new();
    };
    let email = service_account_email(&model.deployment.project_id, &account.account);
    let member = format!("serviceAccount:{email}");
    let roles = roles(model, access);
    let policy = Policy {
        bindings: roles
            .iter()
            .map(|role| Binding {
                role: role.clone(),
                members: vec![member.as_str()],
            })
            .collect(),
    };
    let mut impersonators: Vec<&str> = account.impersonated_by.iter().map(String::as_str).collect();
    impersonators.sort_unstable();
    impersonators.dedup();
    let file = |suffix: &str, kind: &'static str, contents: String| OutputFile {
        principal: Some(principal.name.clone()),
        ..OutputFile::of_access(
            Target::Gcp,
            format!("gcp/{}.{suffix}", access.name),
            kind,
            access,
            contents,
        )
    };
    let mut files = vec![file("bindings.json", kind::ROLE_BINDINGS, to_json(&policy))];
    if !impersonators.is_empty() {
        let policy = Policy {
            bindings: vec![Binding {
                role: TOKEN_CREATOR_ROLE.into(),
                members: impersonators.clone(),
            }],
        };
        files.push(file(
            "impersonation.json",
            kind::IMPERSONATION,
            to_json(&policy),
        ));
    }
    files.push(file(
        "bindings.sh",
        kind::SCRIPT,
        script(model, access, role, &member, &email, &impersonators),
    ));
    files
}

/// `gcloud iam roles create` for the custom role, `gcloud projects
/// add-iam-policy-binding` per role, `gcloud iam service-accounts add-iam-policy-binding`
/// per member that may impersonate the service account.
fn script(
    model: &Model,
    access: &Access,
    role: Option<&OutputFile>,
    member: &str,
    email: &str,
    impersonators: &[&str],
) -> String {
    let project = &model.deployment.project_id;
    let mut commands = Vec::new();
    if let Some(role) = role {
        let file = if super::template::has_params(&role.contents) {
            format!("--file=/dev/stdin {}", shell::stdin(&role.contents))
        } else {
            shell::flag("file", &role.path)
        };
        commands.push(vec![
            "gcloud iam roles create".into(),
            shell::quote(&access.gcp.role_id),
            shell::flag("project", project),
            file,
        ]);
    }
    for role in roles(model, access) {
        commands.push(vec![
            "gcloud projects add-iam-policy-binding".into(),
            shell::quote(project),
            shell::flag("member", member),
            shell::flag("role", &role),
            "--condition=None".into(),
        ]);
    }
    for who in impersonators {
        commands.push(vec![
            "gcloud iam service-accounts add-iam-policy-binding".into(),
            shell::quote(email),
            shell::flag("member", who),
            shell::flag("role", TOKEN_CREATOR_ROLE),
        ]);
    }
    commands.extend(super::gcp_bindings::commands(access));
    shell::script(
        &format!(
            "GCP: the custom role and bindings of access level `{}`",
            access.name
        ),
        &commands,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::{access, file as get, sample_model};

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
                "gcp/ongoing.impersonation.json",
                "gcp/ongoing.bindings.sh",
                "gcp/workload.bindings.json",
                "gcp/workload.bindings.sh"
            ]
        );
        for f in files.iter().filter(|f| f.path.ends_with(".json")) {
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

    /// `description ""` asks for a role without a description: the field is left out,
    /// not written empty; with no `description` line the default one is written.
    #[test]
    fn an_empty_description_leaves_the_field_out() {
        let mut model = sample_model();
        let mut a = access("plain", None);
        a.gcp.permissions = vec!["storage.objects.get".into()];
        a.description = Some(String::new());
        model.accesses = vec![a.clone().into()];
        let role: serde_json::Value = serde_json::from_str(&emit(&model)[0].contents).unwrap();
        assert!(role.get("description").is_none(), "{role}");
        assert_eq!(role["title"], "plain");
        a.description = None;
        model.accesses = vec![a.into()];
        let role: serde_json::Value = serde_json::from_str(&emit(&model)[0].contents).unwrap();
        assert!(role["description"].as_str().unwrap().starts_with("engc: "));
    }

    #[test]
    fn default_title_and_description() {
        let mut model = sample_model();
        let mut a = access("plain", None);
        a.gcp.role_id = "plainRole".into();
        a.gcp.permissions = vec!["storage.objects.get".into()];
        model.accesses = vec![a.into()];
        let files = emit(&model);
        assert_eq!(files.len(), 1, "no principal: no bindings");
        insta::assert_snapshot!(files[0].contents);
    }

    /// The shape `gcloud projects set-iam-policy` and Terraform read: bindings of a role
    /// to members.
    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Policy {
        bindings: Vec<Binding>,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Binding {
        role: String,
        members: Vec<String>,
    }

    #[test]
    fn bindings() {
        let files = emit(&sample_model());
        let f = get(&files, "gcp/ongoing.bindings.json");
        assert_eq!(f.kind, kind::ROLE_BINDINGS);
        assert_eq!(f.principal.as_deref(), Some("chalk_api"));
        insta::assert_snapshot!("bindings_with_custom_role", f.contents);
        let policy: Policy = serde_json::from_str(&f.contents).unwrap();
        let roles: Vec<&str> = policy.bindings.iter().map(|b| b.role.as_str()).collect();
        let mut sorted = roles.clone();
        sorted.sort();
        assert_eq!(roles, sorted);
        assert!(roles.contains(&"projects/${project_id}/roles/chalkOngoing"));
        for b in &policy.bindings {
            assert_eq!(
                b.members,
                ["serviceAccount:chalk-api@${project_id}.iam.gserviceaccount.com"]
            );
        }
        assert!(
            !roles.contains(&TOKEN_CREATOR_ROLE),
            "impersonation is apart"
        );

        let imp = get(&files, "gcp/ongoing.impersonation.json");
        assert_eq!(imp.kind, kind::IMPERSONATION);
        let policy: Policy = serde_json::from_str(&imp.contents).unwrap();
        assert_eq!(policy.bindings.len(), 1);
        assert_eq!(policy.bindings[0].role, TOKEN_CREATOR_ROLE);
        assert!(!policy.bindings[0].members.is_empty());

        let sh = get(&files, "gcp/ongoing.bindings.sh");
        assert_eq!(sh.kind, kind::SCRIPT);
        insta::assert_snapshot!("bindings_script", sh.contents);
        assert!(sh.contents.starts_with("#!/bin/sh\n"));
        assert!(sh.contents.contains("\nset -eu\n"));
        assert_eq!(
            sh.contents
                .matches("gcloud projects add-iam-policy-binding")
                .count(),
            roles.len()
        );
        assert!(sh.contents.contains("--project=\"${project_id}\""));

        // predefined roles only, bare account id, no impersonation
        let f = get(&files, "gcp/workload.bindings.json");
        insta::assert_snapshot!("bindings_predefined_only", f.contents);
        assert!(!f.contents.contains("/roles/chalkWorkload"));
        assert!(!files
            .iter()
            .any(|f| f.path == "gcp/workload.impersonation.json"));
        let sh = get(&files, "gcp/workload.bindings.sh");
        assert!(!sh.contents.contains("gcloud iam roles create"));
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

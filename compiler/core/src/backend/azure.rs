//! Azure: a custom role definition per access level, in the shape of
//! `az role definition create --role-definition` (as YAML).

use super::yaml::to_yaml;
use super::{description_of, kind, title_of, OutputFile, Target};
use crate::model::{Access, Model};
use serde::Serialize;

/// `azure/<access>.role.yaml` for every access with Azure actions.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    model
        .accesses
        .iter()
        .filter(|a| !a.azure.is_empty())
        .flat_map(|a| [Some(role_file(model, a)), assignment_file(model, a)])
        .flatten()
        .collect()
}

/// What `az role assignment create --assignee ... --role ... --scope ...` takes, once
/// per scope: the access's principal gets the role.
#[derive(Serialize)]
struct Assignment<'a> {
    assignee: &'a str,
    role: &'a str,
    scopes: &'a [String],
}

fn assignment_file(model: &Model, access: &Access) -> Option<OutputFile> {
    let principal = access.principal.as_deref()?;
    let assignee = model
        .principals
        .iter()
        .find(|p| p.name == principal)?
        .azure_principal
        .as_deref()?;
    let doc = Assignment {
        assignee,
        role: title_of(access),
        scopes: &access.azure.scopes,
    };
    Some(OutputFile {
        path: format!("azure/{}.assignment.json", access.name),
        target: Some(Target::Azure),
        kind: kind::ROLE_ASSIGNMENT,
        access: Some(access.name.clone()),
        principal: access.principal.clone(),
        ou: None,
        contents: super::json::to_json(&doc),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoleDefinition<'a> {
    name: &'a str,
    is_custom: bool,
    description: String,
    actions: &'a [String],
    not_actions: &'a [String],
    data_actions: &'a [String],
    not_data_actions: &'a [String],
    assignable_scopes: &'a [String],
}

fn role_file(model: &Model, access: &Access) -> OutputFile {
    let role = &access.azure;
    let doc = RoleDefinition {
        name: title_of(access),
        is_custom: true,
        description: description_of(model, access),
        actions: &role.actions,
        not_actions: &role.not_actions,
        data_actions: &role.data_actions,
        not_data_actions: &role.not_data_actions,
        assignable_scopes: &role.scopes,
    };
    OutputFile {
        path: format!("azure/{}.role.yaml", access.name),
        target: Some(Target::Azure),
        kind: kind::ROLE_DEFINITION,
        access: Some(access.name.clone()),
        principal: access.principal.clone(),
        ou: None,
        contents: to_yaml(&doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::sample_model;

    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "PascalCase", deny_unknown_fields)]
    struct Parsed {
        name: String,
        is_custom: bool,
        description: String,
        actions: Vec<String>,
        not_actions: Vec<String>,
        data_actions: Vec<String>,
        not_data_actions: Vec<String>,
        assignable_scopes: Vec<String>,
    }

    #[test]
    fn role_definitions() {
        let model = sample_model();
        let all = emit(&model);
        assert_eq!(all, emit(&model));
        // Role definitions here; assignments (when the principal has an Azure
        // identity) are tested below.
        let files: Vec<OutputFile> = all
            .into_iter()
            .filter(|f| f.kind == kind::ROLE_DEFINITION)
            .collect();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["azure/ongoing.role.yaml", "azure/setup.role.yaml"]);
        for f in &files {
            assert_eq!(f.kind, kind::ROLE_DEFINITION);
            assert!(f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"));
        }
        insta::assert_snapshot!("ongoing", files[0].contents);
        insta::assert_snapshot!("setup_empty_lists", files[1].contents);

        let ongoing: Parsed = serde_yaml::from_str(&files[0].contents).unwrap();
        assert_eq!(ongoing.name, "Chalk ongoing management");
        assert!(ongoing.is_custom);
        assert_eq!(ongoing.actions, model.accesses[1].azure.actions);
        assert_eq!(ongoing.data_actions, model.accesses[1].azure.data_actions);
        assert_eq!(
            ongoing.assignable_scopes,
            ["/subscriptions/${subscription_id}"]
        );
        assert!(ongoing.not_actions.is_empty() && ongoing.not_data_actions.is_empty());

        let setup: Parsed = serde_yaml::from_str(&files[1].contents).unwrap();
        assert_eq!(setup.name, "setup");
        assert_eq!(setup.description, "engc: chalk access level setup");
        assert!(setup.actions.is_empty() && setup.assignable_scopes.is_empty());
        assert!(files[1].contents.contains("Actions: []\n"));
        assert_eq!(setup.not_data_actions.len(), 1);
    }

    #[test]
    fn assignments_for_principals_with_an_azure_identity() {
        let mut model = sample_model();
        let principal = model.accesses[1]
            .principal
            .clone()
            .expect("the sample grants to a principal");
        let p = model
            .principals
            .iter_mut()
            .find(|p| p.name == principal)
            .unwrap();
        p.azure_principal = Some("${client_id}".into());
        let files = emit(&model);
        let a = files
            .iter()
            .find(|f| f.kind == kind::ROLE_ASSIGNMENT)
            .expect("an assignment");
        assert_eq!(a.path, "azure/ongoing.assignment.json");
        let v: serde_json::Value = serde_json::from_str(&a.contents).unwrap();
        assert_eq!(v["assignee"], "${client_id}");
        assert_eq!(v["role"], "Chalk ongoing management");
    }
}

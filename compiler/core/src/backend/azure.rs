//! Azure: per access level, the custom role definition (`azure/<access>.role.yaml`, and
//! `azure/<access>.role.json` in the shape `az role definition create --role-definition`
//! reads), and when its principal has a service principal, the assignments: an ARM
//! deployment template (`azure/<access>.assignments.json`, see [`arm`]) and the `az`
//! commands (`azure/<access>.assign.sh`).

use super::json::to_json;
use super::shell;
use super::yaml::to_yaml;
use super::{description_of, kind, principal_of, title_of, OutputFile, Target};
use crate::model::{Access, AzureRole, Model};
use serde::Serialize;

pub mod arm;

/// The files for every access with Azure operations.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for access in &model.accesses {
        if access.azure.is_empty() {
            // Built-in roles only: their document and the commands.
            if !access.bindings.azure.is_empty() {
                files.push(builtin_file(access));
                let commands = builtin_commands(access);
                files.push(file(
                    access,
                    "assign.sh",
                    kind::SCRIPT,
                    shell::script(
                        &format!(
                            "Azure: the role assignments of access level `{}`",
                            access.name
                        ),
                        &commands,
                    ),
                ));
            }
            continue;
        }
        let doc = definition(model, access);
        files.push(file(
            access,
            "role.yaml",
            kind::ROLE_DEFINITION,
            to_yaml(&doc),
        ));
        let json = to_json(&doc);
        let assignee = principal_of(model, access).and_then(|p| p.azure_principal.as_deref());
        if let Some(assignee) = assignee {
            if let Some(template) = arm::template(model, access, assignee) {
                files.push(file(
                    access,
                    "assignments.json",
                    kind::ARM_TEMPLATE,
                    template,
                ));
            }
            files.push(file(
                access,
                "assign.sh",
                kind::SCRIPT,
                script(access, assignee, &json),
            ));
        }
        files.push(file(access, "role.json", kind::ROLE_DEFINITION, json));
        if !access.bindings.azure.is_empty() {
            files.push(builtin_file(access));
        }
    }
    files
}

/// `azure/<access>.builtin-assignments.json`: each built-in role assigned, with its
/// role definition id, scope and principals, sorted.
fn builtin_file(access: &Access) -> OutputFile {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc<'a> {
        assignments: Vec<Assignment<'a>>,
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Assignment<'a> {
        role_definition_name: &'a str,
        role_definition_id: &'a str,
        scope: &'a str,
        principal_ids: &'a [String],
    }
    let mut assignments: Vec<Assignment> = access
        .bindings
        .azure
        .iter()
        .map(|a| Assignment {
            role_definition_name: &a.role_name,
            role_definition_id: &a.role_id,
            scope: &a.scope,
            principal_ids: &a.principals,
        })
        .collect();
    assignments.sort_by_key(|a| (a.scope, a.role_definition_name));
    file(
        access,
        "builtin-assignments.json",
        kind::ROLE_BINDINGS,
        to_json(&Doc { assignments }),
    )
}

/// `az role assignment create` per built-in role, scope and principal.
fn builtin_commands(access: &Access) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for a in &access.bindings.azure {
        for p in &a.principals {
            out.push(vec![
                "az role assignment create".into(),
                format!("--assignee-object-id {}", shell::quote(p)),
                format!("--role {}", shell::quote(&a.role_id)),
                format!("--scope {}", shell::quote(&a.scope)),
            ]);
        }
    }
    out
}

fn file(access: &Access, suffix: &str, kind: &'static str, contents: String) -> OutputFile {
    let path = format!("azure/{}.{suffix}", access.name);
    OutputFile::of_access(Target::Azure, path, kind, access, contents)
}

/// What `az role definition create --role-definition` reads.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoleDefinition<'a> {
    pub name: &'a str,
    pub is_custom: bool,
    pub description: String,
    pub actions: &'a [String],
    pub not_actions: &'a [String],
    pub data_actions: &'a [String],
    pub not_data_actions: &'a [String],
    pub assignable_scopes: &'a [String],
}

pub(crate) fn definition<'a>(model: &Model, access: &'a Access) -> RoleDefinition<'a> {
    let role = &access.azure;
    RoleDefinition {
        name: title_of(access),
        is_custom: true,
        description: description_of(model, access),
        actions: &role.actions,
        not_actions: &role.not_actions,
        data_actions: &role.data_actions,
        not_data_actions: &role.not_data_actions,
        assignable_scopes: &role.scopes,
    }
}

/// A role definition's four operation lists as one `permissions` entry, under the key
/// names of the format that writes it (ARM templates and Terraform spell them apart).
pub(crate) struct Permissions {
    keys: &'static [&'static str; 4],
    lists: [Vec<String>; 4],
}

/// The keys of an ARM template's `permissions`.
pub(crate) const ARM_KEYS: [&str; 4] = ["actions", "notActions", "dataActions", "notDataActions"];
/// The keys of `azurerm_role_definition`'s `permissions` block.
pub(crate) const TERRAFORM_KEYS: [&str; 4] =
    ["actions", "not_actions", "data_actions", "not_data_actions"];

impl Permissions {
    /// The role's lists, each operation written by `write` (as a literal or an
    /// expression of the format).
    pub(crate) fn of(
        role: &AzureRole,
        keys: &'static [&'static str; 4],
        write: impl Fn(&str) -> String,
    ) -> Permissions {
        let lists = [
            &role.actions,
            &role.not_actions,
            &role.data_actions,
            &role.not_data_actions,
        ]
        .map(|l| l.iter().map(|s| write(s)).collect());
        Permissions { keys, lists }
    }
}

impl Serialize for Permissions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(4))?;
        for (k, v) in self.keys.iter().zip(&self.lists) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `az role definition create`, then `az role assignment create` once per scope. When
/// the definition holds placeholders, it is passed inline (a here-document, so that the
/// shell fills them in) instead of as the file.
fn script(access: &Access, assignee: &str, definition_json: &str) -> String {
    let path = format!("azure/{}.role.json", access.name);
    let definition = if super::template::has_params(definition_json) {
        shell::inline(definition_json)
    } else {
        shell::quote(&path)
    };
    let mut commands = vec![vec![
        "az role definition create".into(),
        format!("--role-definition {definition}"),
    ]];
    for scope in &access.azure.scopes {
        commands.push(vec![
            "az role assignment create".into(),
            format!("--assignee-object-id {}", shell::quote(assignee)),
            "--assignee-principal-type ServicePrincipal".into(),
            format!("--role {}", shell::quote(title_of(access))),
            format!("--scope {}", shell::quote(scope)),
        ]);
    }
    commands.extend(builtin_commands(access));
    shell::script(
        &format!(
            "Azure: the custom role of access level `{}` and its assignments",
            access.name
        ),
        &commands,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::{file as get, sample_model};

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

    /// The sample with the `ongoing` level's principal given an Azure identity.
    fn with_assignee(assignee: &str) -> Model {
        let mut model = sample_model();
        let name = model.accesses[1].principal.clone().unwrap();
        let p = model
            .principals
            .iter_mut()
            .find(|p| p.name == name)
            .unwrap();
        p.azure_principal = Some(assignee.into());
        model
    }

    #[test]
    fn role_definitions_in_yaml_and_json_say_the_same() {
        let model = sample_model();
        let files = emit(&model);
        assert_eq!(files, emit(&model));
        let yaml = get(&files, "azure/ongoing.role.yaml");
        let json = get(&files, "azure/ongoing.role.json");
        assert_eq!(yaml.kind, kind::ROLE_DEFINITION);
        assert_eq!(json.kind, kind::ROLE_DEFINITION);
        insta::assert_snapshot!("ongoing", yaml.contents);
        insta::assert_snapshot!("ongoing_json", json.contents);
        let from_yaml: Parsed = serde_yaml::from_str(&yaml.contents).unwrap();
        let from_json: Parsed = serde_json::from_str(&json.contents).unwrap();
        assert_eq!(format!("{from_yaml:?}"), format!("{from_json:?}"));
        assert_eq!(from_json.name, "Chalk ongoing management");
        assert!(from_json.is_custom);
        assert_eq!(from_json.actions, model.accesses[1].azure.actions);
        assert_eq!(from_json.data_actions, model.accesses[1].azure.data_actions);
        assert_eq!(
            from_json.assignable_scopes,
            ["/subscriptions/${subscription_id}"]
        );
        assert!(from_json.not_actions.is_empty() && from_json.not_data_actions.is_empty());

        let setup: Parsed =
            serde_yaml::from_str(&get(&files, "azure/setup.role.yaml").contents).unwrap();
        assert_eq!(setup.name, "setup");
        assert_eq!(setup.description, "engc: chalk access level setup");
        assert!(setup.actions.is_empty() && setup.assignable_scopes.is_empty());
        assert_eq!(setup.not_data_actions.len(), 1);
    }

    #[test]
    fn assignments_only_for_a_principal_with_an_azure_identity() {
        let mut model = sample_model();
        for p in &mut model.principals {
            p.azure_principal = None;
        }
        let files = emit(&model);
        assert!(files.iter().any(|f| f.kind == kind::ROLE_DEFINITION));
        assert!(files
            .iter()
            .all(|f| f.kind != kind::ARM_TEMPLATE && f.kind != kind::SCRIPT));
    }

    #[test]
    fn assignment_script() {
        let mut model = with_assignee("${client_id}");
        model.accesses[1]
            .azure
            .scopes
            .push("/subscriptions/${subscription_id}/resourceGroups/it's-rg".into());
        let files = emit(&model);
        let sh = get(&files, "azure/ongoing.assign.sh");
        insta::assert_snapshot!("assign_script", sh.contents);
        assert_eq!(sh.contents.matches("az role assignment create").count(), 2);
        assert!(sh
            .contents
            .contains("--assignee-object-id \"${client_id}\""));
        assert!(sh.contents.contains("'/resourceGroups/it'\\''s-rg'"));
        // The definition holds `${subscription_id}`: it is passed inline, filled.
        assert!(sh
            .contents
            .contains("--role-definition \"$(cat <<ENGC_DOCUMENT"));
        assert!(!sh.contents.contains("role.json'"));

        // Without placeholders, the file is passed as it is.
        let mut model = with_assignee("11111111-2222-3333-4444-555555555555");
        model.accesses[1].azure.scopes =
            vec!["/subscriptions/00000000-0000-0000-0000-000000000000".into()];
        let files = emit(&model);
        let sh = get(&files, "azure/ongoing.assign.sh");
        assert!(sh
            .contents
            .contains("--role-definition 'azure/ongoing.role.json'"));
        assert!(!sh.contents.contains("${"));
    }

    #[test]
    fn arm_template() {
        let mut model = with_assignee("11111111-2222-3333-4444-555555555555");
        let sub = "/subscriptions/00000000-0000-0000-0000-000000000000";
        model.accesses[1].azure.scopes = vec![
            sub.into(),
            format!("{sub}/resourceGroups/rg"),
            format!("{sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct"),
            "/subscriptions/99999999-0000-0000-0000-000000000000".into(),
        ];
        let files = emit(&model);
        let t = get(&files, "azure/ongoing.assignments.json");
        assert_eq!(t.kind, kind::ARM_TEMPLATE);
        insta::assert_snapshot!("arm_template", t.contents);
        let v: serde_json::Value = serde_json::from_str(&t.contents).unwrap();
        assert_eq!(v["$schema"], arm::SCHEMA);
        assert_eq!(
            v["parameters"]["principalId"]["defaultValue"],
            "11111111-2222-3333-4444-555555555555"
        );
        assert_eq!(
            v["parameters"]["roleName"]["defaultValue"],
            "Chalk ongoing management"
        );
        let resources = v["resources"].as_array().unwrap();
        let types: Vec<&str> = resources
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "Microsoft.Authorization/roleDefinitions",
                "Microsoft.Authorization/roleAssignments",
                "Microsoft.Resources/deployments",
                "Microsoft.Resources/deployments",
                "Microsoft.Resources/deployments"
            ]
        );
        assert_eq!(resources[2]["resourceGroup"], "rg");
        let inner = &resources[3]["properties"]["template"]["resources"][0];
        assert_eq!(inner["scope"], "Microsoft.Storage/storageAccounts/acct");
        assert!(resources[4].get("resourceGroup").is_none());
        assert_eq!(resources[4]["location"], "[deployment().location]");
        assert!(resources[1]["name"].as_str().unwrap().starts_with("[guid("));

        // The principal left as a placeholder: no default, a required parameter.
        let files = emit(&with_assignee("${client_id}"));
        let t = get(&files, "azure/ongoing.assignments.json");
        let v: serde_json::Value = serde_json::from_str(&t.contents).unwrap();
        assert!(v["parameters"]["principalId"].get("defaultValue").is_none());
        assert!(!t.contents.contains("client_id"));

        // A management group is out of a subscription deployment's reach.
        let mut model = with_assignee("${client_id}");
        model.accesses[1].azure.scopes =
            vec!["/providers/Microsoft.Management/managementGroups/mg".into()];
        let files = emit(&model);
        assert!(!files.iter().any(|f| f.kind == kind::ARM_TEMPLATE));
        assert!(files.iter().any(|f| f.kind == kind::SCRIPT));
    }
}

//! `terraform/azure/main.tf.json`: each level's custom role definition (created at its
//! first assignable scope) and its assignment to the level's service principal at each
//! scope.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::{description_of, principal_of, title_of};
use crate::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("azurerm", "hashicorp/azurerm", ">= 3.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(flatten)]
    firewall: super::firewall::Azure,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    azurerm_role_definition: BTreeMap<String, Definition>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    azurerm_role_assignment: BTreeMap<String, Assignment>,
}

#[derive(Serialize)]
struct Definition {
    name: String,
    scope: String,
    description: String,
    assignable_scopes: Vec<String>,
    permissions: [Permissions; 1],
}

#[derive(Serialize)]
struct Permissions {
    actions: Vec<String>,
    not_actions: Vec<String>,
    data_actions: Vec<String>,
    not_data_actions: Vec<String>,
}

#[derive(Serialize)]
struct Assignment {
    scope: String,
    role_definition_id: String,
    principal_id: String,
    principal_type: &'static str,
}

/// The module, or `None` when no level has an Azure role.
pub fn module(model: &Model) -> Option<Rendered> {
    let none = |_: &str| None;
    let s = Strings::new(model, &none);
    let mut r = Resources::default();
    let mut output = BTreeMap::new();
    for access in &model.accesses {
        let role = &access.azure;
        let Some(first) = role.scopes.first() else {
            continue; // no assignable scope: nothing Azure would take (E0501)
        };
        if role.is_empty() {
            continue;
        }
        r.azurerm_role_definition.insert(
            access.name.clone(),
            Definition {
                name: s.tf(title_of(access)),
                scope: s.tf(first),
                description: s.tf(&description_of(model, access)),
                assignable_scopes: s.tf_all(&role.scopes),
                permissions: [Permissions {
                    actions: s.tf_all(&role.actions),
                    not_actions: s.tf_all(&role.not_actions),
                    data_actions: s.tf_all(&role.data_actions),
                    not_data_actions: s.tf_all(&role.not_data_actions),
                }],
            },
        );
        output.insert(
            ident(&["role_definition_id", &access.name]),
            Output::new(
                reference(
                    "azurerm_role_definition",
                    &access.name,
                    "role_definition_resource_id",
                ),
                format!("The role definition of access level {}", access.name),
            ),
        );
        let assignee = principal_of(model, access).and_then(|p| p.azure_principal.as_deref());
        let Some(assignee) = assignee else { continue };
        for (n, scope) in role.scopes.iter().enumerate() {
            r.azurerm_role_assignment.insert(
                ident(&[&access.name, &(n + 1).to_string()]),
                Assignment {
                    scope: s.tf(scope),
                    role_definition_id: reference(
                        "azurerm_role_definition",
                        &access.name,
                        "role_definition_resource_id",
                    ),
                    principal_id: s.tf(assignee),
                    principal_type: "ServicePrincipal",
                },
            );
        }
    }
    r.firewall = super::firewall::azure(model, &s);
    if r.azurerm_role_definition.is_empty() && r.firewall.azurerm_network_security_group.is_empty()
    {
        return None;
    }
    Some(s.render::<_, ()>(PROVIDERS, Some("azurerm"), None, r, output))
}

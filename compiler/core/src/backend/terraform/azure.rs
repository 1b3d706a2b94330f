//! `terraform/azure/main.tf.json`: each level's custom role definition (created at its
//! first assignable scope) and its assignment to the level's service principal at each
//! scope.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::azure::{Permissions, TERRAFORM_KEYS};
use crate::backend::{description_of, principal_of, title_of};
use crate::model::Model;
use serde::Serialize;
use serde_with::skip_serializing_none;
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

#[skip_serializing_none]
#[derive(Serialize)]
struct Assignment {
    scope: String,
    role_definition_id: Option<String>,
    role_definition_name: Option<String>,
    principal_id: String,
    principal_type: Option<&'static str>,
}

/// The module, or `None` when no level has an Azure role.
pub fn module(model: &Model) -> Option<Rendered> {
    let none = |_: &str| None;
    let s = Strings::new(model, &none);
    let mut r = Resources::default();
    let mut output = BTreeMap::new();
    for access in &model.accesses {
        builtin(&s, access, &mut r);
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
                permissions: [Permissions::of(role, &TERRAFORM_KEYS, |a| s.tf(a))],
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
                    role_definition_id: Some(reference(
                        "azurerm_role_definition",
                        &access.name,
                        "role_definition_resource_id",
                    )),
                    role_definition_name: None,
                    principal_id: s.tf(assignee),
                    principal_type: Some("ServicePrincipal"),
                },
            );
        }
    }
    r.firewall = super::firewall::azure(model, &s);
    if r.azurerm_role_definition.is_empty()
        && r.azurerm_role_assignment.is_empty()
        && r.firewall.azurerm_network_security_group.is_empty()
    {
        return None;
    }
    Some(s.render::<_, ()>(PROVIDERS, Some("azurerm"), None, r, output))
}

/// `azure assign`: one assignment per role, scope and principal; a known built-in role
/// by its name, a role given by its id by the id below the scope's subscription.
fn builtin(s: &Strings, access: &crate::model::Access, r: &mut Resources) {
    for a in &access.bindings.azure {
        let by_id = a.role_name == a.role_id;
        for p in &a.principals {
            let (id, name) = if by_id {
                let sub = a
                    .scope
                    .split('/')
                    .nth(2)
                    .filter(|_| a.scope.starts_with("/subscriptions/"));
                let id = match sub {
                    Some(sub) => format!(
                        "/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{}",
                        a.role_id
                    ),
                    None => format!(
                        "/providers/Microsoft.Authorization/roleDefinitions/{}",
                        a.role_id
                    ),
                };
                (Some(s.tf(&id)), None)
            } else {
                (None, Some(s.tf(&a.role_name)))
            };
            r.azurerm_role_assignment.insert(
                ident(&[&access.name, &a.role_name, &a.scope, p]),
                Assignment {
                    scope: s.tf(&a.scope),
                    role_definition_id: id,
                    role_definition_name: name,
                    principal_id: s.tf(p),
                    principal_type: None,
                },
            );
        }
    }
}

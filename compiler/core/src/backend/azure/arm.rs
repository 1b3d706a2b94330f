//! `azure/<access>.assignments.json`: an ARM deployment template at subscription level
//! (`az deployment sub create --location L --template-file FILE`) that creates the
//! custom role and assigns it to the principal at each assignable scope: at the
//! subscription directly, below it (a resource group, a resource) through a nested
//! deployment into that resource group, in another subscription through a nested
//! deployment into that subscription.
//!
//! Parameters: `principalId` (the service principal's object id, its default when
//! engc knows it) and `roleName`. Other placeholders stay `${name}` (the manifest lists
//! them). Not written when a scope is a management group: a subscription deployment
//! cannot reach it (the script and the Terraform module can).

use super::super::json::to_json;
use super::{Permissions, ARM_KEYS};
use crate::backend::template::has_params;
use crate::backend::{description_of, title_of};
use crate::model::{Access, Model};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

pub const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
const RG_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const AUTHORIZATION_API: &str = "2022-04-01";
const DEPLOYMENTS_API: &str = "2022-09-01";
const ROLE_DEFINITION_NAME: &str = "[guid(subscription().id, parameters('roleName'))]";
const ROLE_DEFINITION_ID: &str = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', guid(subscription().id, parameters('roleName')))]";

/// Where a scope is assigned from.
#[derive(Debug, PartialEq, Eq)]
enum Place<'a> {
    /// `/subscriptions/S`: the subscription deployed to (the first scope's).
    Here,
    /// `/subscriptions/S` of another subscription.
    Subscription(&'a str),
    /// A resource group, and the resource below it (`Microsoft.Storage/.../name`).
    ResourceGroup {
        subscription: &'a str,
        group: &'a str,
        resource: Option<&'a str>,
    },
}

fn place<'a>(scope: &'a str, home: &str) -> Option<Place<'a>> {
    let rest = scope.strip_prefix("/subscriptions/")?;
    let (subscription, below) = match rest.split_once('/') {
        None => {
            return Some(if rest == home {
                Place::Here
            } else {
                Place::Subscription(rest)
            })
        }
        Some(x) => x,
    };
    let below = below
        .strip_prefix("resourceGroups/")
        .or_else(|| below.strip_prefix("resourcegroups/"))?;
    let (group, resource) = match below.split_once('/') {
        None => (below, None),
        Some((g, r)) => (g, Some(r.strip_prefix("providers/")?)),
    };
    Some(Place::ResourceGroup {
        subscription,
        group,
        resource,
    })
}

/// The subscription of a `/subscriptions/S...` scope.
fn subscription_of(scope: &str) -> Option<&str> {
    let rest = scope.strip_prefix("/subscriptions/")?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// A literal string in ARM: one starting with `[` would be read as an expression.
fn literal(s: &str) -> String {
    if s.starts_with('[') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A string literal inside an ARM expression.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[derive(Serialize)]
struct Template {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "contentVersion")]
    content_version: &'static str,
    parameters: BTreeMap<&'static str, Parameter>,
    resources: Vec<Resource>,
    outputs: BTreeMap<&'static str, Output>,
}

#[derive(Serialize)]
struct Parameter {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "defaultValue", skip_serializing_if = "Option::is_none")]
    default_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
}

#[derive(Serialize)]
struct Metadata {
    description: &'static str,
}

#[derive(Serialize)]
struct Output {
    #[serde(rename = "type")]
    ty: &'static str,
    value: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource {
    Definition(DefinitionResource),
    Assignment(AssignmentResource),
    Deployment(Box<DeploymentResource>),
}

#[derive(Serialize)]
struct DefinitionResource {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    name: &'static str,
    properties: DefinitionProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionProperties {
    role_name: &'static str,
    description: String,
    #[serde(rename = "type")]
    ty: &'static str,
    permissions: [Permissions; 1],
    assignable_scopes: Vec<String>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct AssignmentResource {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    name: String,
    scope: Option<String>,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<&'static str>,
    properties: AssignmentProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    role_definition_id: &'static str,
    principal_id: &'static str,
    principal_type: &'static str,
}

#[derive(Serialize)]
struct DeploymentResource {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    name: String,
    #[serde(rename = "subscriptionId")]
    subscription_id: String,
    #[serde(rename = "resourceGroup", skip_serializing_if = "Option::is_none")]
    resource_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'static str>,
    #[serde(rename = "dependsOn")]
    depends_on: [&'static str; 1],
    properties: DeploymentProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentProperties {
    mode: &'static str,
    expression_evaluation_options: EvaluationScope,
    parameters: BTreeMap<&'static str, Value>,
    template: Inner,
}

#[derive(Serialize)]
struct EvaluationScope {
    scope: &'static str,
}

#[derive(Serialize)]
struct Value {
    value: &'static str,
}

#[derive(Serialize)]
struct Inner {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "contentVersion")]
    content_version: &'static str,
    parameters: BTreeMap<&'static str, Parameter>,
    resources: [AssignmentResource; 1],
}

/// The role assignment at `scope`, as a resource of the template that deploys it: the
/// role definition id and principal come from the outer template's parameters
/// (`outer`) or from the nested deployment's own (`inner`).
fn assignment(scope: &str, resource: Option<&str>, outer: bool) -> AssignmentResource {
    let (definition, principal) = if outer {
        (ROLE_DEFINITION_ID, "[parameters('principalId')]")
    } else {
        (
            "[parameters('roleDefinitionId')]",
            "[parameters('principalId')]",
        )
    };
    AssignmentResource {
        ty: "Microsoft.Authorization/roleAssignments",
        api_version: AUTHORIZATION_API,
        name: format!(
            "[guid({}, parameters('principalId'), {})]",
            quoted(scope),
            if outer {
                "guid(subscription().id, parameters('roleName'))"
            } else {
                "parameters('roleDefinitionId')"
            }
        ),
        scope: resource.map(literal),
        depends_on: if outer {
            vec![ROLE_DEFINITION_ID]
        } else {
            Vec::new()
        },
        properties: AssignmentProperties {
            role_definition_id: definition,
            principal_id: principal,
            principal_type: "ServicePrincipal",
        },
    }
}

fn nested(
    n: usize,
    access: &Access,
    scope: &str,
    subscription: &str,
    group: Option<&str>,
    resource: Option<&str>,
) -> DeploymentResource {
    let string = || Parameter {
        ty: "string",
        default_value: None,
        metadata: None,
    };
    DeploymentResource {
        ty: "Microsoft.Resources/deployments",
        api_version: DEPLOYMENTS_API,
        name: format!("{}-assignment-{n}", access.name),
        subscription_id: literal(subscription),
        resource_group: group.map(literal),
        // A deployment into a subscription needs a location; one into a group does not.
        location: group.is_none().then_some("[deployment().location]"),
        depends_on: [ROLE_DEFINITION_ID],
        properties: DeploymentProperties {
            mode: "Incremental",
            expression_evaluation_options: EvaluationScope { scope: "inner" },
            parameters: [
                (
                    "principalId",
                    Value {
                        value: "[parameters('principalId')]",
                    },
                ),
                (
                    "roleDefinitionId",
                    Value {
                        value: ROLE_DEFINITION_ID,
                    },
                ),
            ]
            .into_iter()
            .collect(),
            template: Inner {
                schema: if group.is_some() { RG_SCHEMA } else { SCHEMA },
                content_version: "1.0.0.0",
                parameters: [("principalId", string()), ("roleDefinitionId", string())]
                    .into_iter()
                    .collect(),
                resources: [assignment(scope, resource, false)],
            },
        },
    }
}

/// The template, or `None` when a scope is not below a subscription.
pub fn template(model: &Model, access: &Access, assignee: &str) -> Option<String> {
    let scopes = &access.azure.scopes;
    let home = subscription_of(scopes.first()?)?;
    let places: Vec<Place> = scopes
        .iter()
        .map(|s| place(s, home))
        .collect::<Option<_>>()?;
    let mut resources = vec![Resource::Definition(DefinitionResource {
        ty: "Microsoft.Authorization/roleDefinitions",
        api_version: AUTHORIZATION_API,
        name: ROLE_DEFINITION_NAME,
        properties: DefinitionProperties {
            role_name: "[parameters('roleName')]",
            description: literal(&description_of(model, access)),
            ty: "CustomRole",
            permissions: [Permissions::of(&access.azure, &ARM_KEYS, literal)],
            assignable_scopes: scopes.iter().map(|s| literal(s)).collect(),
        },
    })];
    for (n, (scope, place)) in scopes.iter().zip(places).enumerate() {
        resources.push(match place {
            Place::Here => Resource::Assignment(assignment(scope, None, true)),
            Place::Subscription(sub) => {
                Resource::Deployment(Box::new(nested(n + 1, access, scope, sub, None, None)))
            }
            Place::ResourceGroup {
                subscription,
                group,
                resource,
            } => Resource::Deployment(Box::new(nested(
                n + 1,
                access,
                scope,
                subscription,
                Some(group),
                resource,
            ))),
        });
    }
    let principal_default = (!has_params(assignee)).then(|| literal(assignee));
    let doc = Template {
        schema: SCHEMA,
        content_version: "1.0.0.0",
        parameters: [
            (
                "principalId",
                Parameter {
                    ty: "string",
                    default_value: principal_default,
                    metadata: Some(Metadata {
                        description:
                            "The object id of the service principal the role is assigned to",
                    }),
                },
            ),
            (
                "roleName",
                Parameter {
                    ty: "string",
                    default_value: Some(literal(title_of(access))),
                    metadata: Some(Metadata {
                        description: "The custom role's name, unique in the tenant",
                    }),
                },
            ),
        ]
        .into_iter()
        .collect(),
        resources,
        outputs: [(
            "roleDefinitionId",
            Output {
                ty: "string",
                value: ROLE_DEFINITION_ID,
            },
        )]
        .into_iter()
        .collect(),
    };
    Some(to_json(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        let home = "S";
        assert_eq!(place("/subscriptions/S", home), Some(Place::Here));
        assert_eq!(
            place("/subscriptions/T", home),
            Some(Place::Subscription("T"))
        );
        assert_eq!(
            place("/subscriptions/S/resourceGroups/rg", home),
            Some(Place::ResourceGroup {
                subscription: "S",
                group: "rg",
                resource: None
            })
        );
        assert_eq!(
            place(
                "/subscriptions/S/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a",
                home
            ),
            Some(Place::ResourceGroup {
                subscription: "S",
                group: "rg",
                resource: Some("Microsoft.Storage/storageAccounts/a")
            })
        );
        assert_eq!(
            place("/providers/Microsoft.Management/managementGroups/mg", home),
            None
        );
    }

    #[test]
    fn literals_and_quotes() {
        assert_eq!(literal("[x]"), "[[x]");
        assert_eq!(literal("x[y]"), "x[y]");
        assert_eq!(quoted("it's"), "'it''s'");
    }
}

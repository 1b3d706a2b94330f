//! GCP: the bindings of `gcp bind`, on buckets, service accounts, projects, folders and
//! the organization: `gcp/<access>.resource-bindings.json` (per resource, the policy
//! fragment that merges into its IAM policy) and the `gcloud` commands that add them.

use super::json::to_json;
use super::shell;
use crate::model::{Access, GcpBinding, GcpTarget};
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Document<'a> {
    resources: Vec<Resource<'a>>,
}

#[derive(Serialize)]
struct Resource<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    bindings: Vec<Binding<'a>>,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Binding<'a> {
    role: &'a str,
    members: &'a [String],
    condition: Option<Condition<'a>>,
}

#[derive(Serialize)]
struct Condition<'a> {
    title: &'a str,
    expression: &'a str,
}

/// The bindings grouped by resource, both sorted.
fn by_resource(access: &Access) -> BTreeMap<(GcpTarget, &str), Vec<&GcpBinding>> {
    let mut out: BTreeMap<(GcpTarget, &str), Vec<&GcpBinding>> = BTreeMap::new();
    for b in &access.bindings.gcp {
        out.entry((b.target, b.resource.as_str()))
            .or_default()
            .push(b);
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (&a.role, &a.condition).cmp(&(&b.role, &b.condition)));
    }
    out
}

/// The contents of `gcp/<access>.resource-bindings.json`, when the level has bindings.
pub fn document(access: &Access) -> Option<String> {
    if access.bindings.gcp.is_empty() {
        return None;
    }
    let resources = by_resource(access)
        .into_iter()
        .map(|((target, name), list)| Resource {
            kind: target.as_str(),
            name,
            bindings: list
                .into_iter()
                .map(|b| Binding {
                    role: &b.role,
                    members: &b.members,
                    condition: b
                        .condition
                        .as_ref()
                        .map(|(title, expression)| Condition { title, expression }),
                })
                .collect(),
        })
        .collect();
    Some(to_json(&Document { resources }))
}

/// `gcloud ... add-iam-policy-binding` per role and member.
pub fn commands(access: &Access) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for ((target, name), list) in by_resource(access) {
        let (command, resource) = match target {
            GcpTarget::Bucket => (
                "gcloud storage buckets add-iam-policy-binding",
                format!("gs://{name}"),
            ),
            GcpTarget::ServiceAccount => (
                "gcloud iam service-accounts add-iam-policy-binding",
                name.to_string(),
            ),
            GcpTarget::Project => ("gcloud projects add-iam-policy-binding", name.to_string()),
            GcpTarget::Folder => (
                "gcloud resource-manager folders add-iam-policy-binding",
                name.to_string(),
            ),
            GcpTarget::Organization => (
                "gcloud organizations add-iam-policy-binding",
                name.to_string(),
            ),
        };
        for b in list {
            for member in &b.members {
                let mut c = vec![
                    command.to_string(),
                    shell::quote(&resource),
                    shell::flag("member", member),
                    shell::flag("role", &b.role),
                ];
                match &b.condition {
                    // `^#^`: gcloud's own delimiter syntax, since CEL has commas.
                    Some((title, expr)) => c.push(shell::flag(
                        "condition",
                        &format!("^#^expression={expr}#title={title}"),
                    )),
                    None if target == GcpTarget::Project => c.push("--condition=None".into()),
                    None => {}
                }
                out.push(c);
            }
        }
    }
    out
}

//! `terraform/aws/main.tf.json`: an IAM role per principal with an AWS role (its trust
//! policy as `assume_role_policy`), a managed policy per policy file (every split part)
//! attached to it, the AWS managed policies of its levels, and the SCPs with their
//! attachments. `${region}` and `${account_id}` left unset are the provider's own.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::aws::{policy_documents, trust_document};
use crate::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("aws", "hashicorp/aws", ">= 5.0, < 6.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_role: BTreeMap<String, Role>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_policy: BTreeMap<String, Policy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_role_policy_attachment: BTreeMap<String, Attachment>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_organizations_policy: BTreeMap<String, OrganizationsPolicy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_organizations_policy_attachment: BTreeMap<String, OrganizationsAttachment>,
}

#[derive(Serialize)]
struct Role {
    name: String,
    description: String,
    assume_role_policy: String,
}

#[derive(Serialize)]
struct Policy {
    name: String,
    /// Left out for `description ""`.
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    policy: String,
}

#[derive(Serialize)]
struct Attachment {
    role: String,
    policy_arn: String,
}

#[derive(Serialize)]
struct OrganizationsPolicy {
    name: String,
    description: String,
    #[serde(rename = "type")]
    ty: &'static str,
    content: String,
}

#[derive(Serialize)]
struct OrganizationsAttachment {
    policy_id: String,
    target_id: String,
}

#[derive(Serialize)]
struct Data {
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_region: Option<Current>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_caller_identity: Option<Current>,
}

#[derive(Serialize)]
struct Current {
    current: super::Empty,
}

/// `region` and `account_id` left unset: the provider's region and account.
fn provider_value(name: &str) -> Option<String> {
    match name {
        "region" => Some("data.aws_region.current.name".into()),
        "account_id" => Some("data.aws_caller_identity.current.account_id".into()),
        _ => None,
    }
}

/// The base of generated names: the name prefix, else the deployment's name, in
/// lowercase with `-` for `_`.
pub fn base_name(model: &Model) -> String {
    let prefix = model
        .deployment
        .name_prefix
        .as_deref()
        .filter(|p| !crate::backend::template::has_params(p))
        .unwrap_or(&model.deployment.name);
    prefix.to_lowercase().replace('_', "-")
}

/// The role's default name: `<prefix or deployment>-<principal>`.
pub fn role_name(model: &Model, principal: &str) -> String {
    format!(
        "{}-{}",
        base_name(model),
        principal.to_lowercase().replace('_', "-")
    )
}

/// The module, or `None` when the deployment has nothing for AWS.
pub fn module(model: &Model) -> Option<Rendered> {
    let special = provider_value;
    let s = Strings::new(model, &special);
    let mut r = Resources::default();
    let mut output = BTreeMap::new();
    for p in &model.principals {
        let Some(role) = &p.aws_role else { continue };
        let var = format!("role_name_{}", p.name);
        s.own_variable(
            &var,
            &role_name(model, &p.name),
            format!("The name of the IAM role principal `{}` assumes", p.name),
        );
        let trust = trust_document(role);
        r.aws_iam_role.insert(
            p.name.clone(),
            Role {
                name: format!("${{var.{var}}}"),
                description: s.tf(&format!(
                    "engc: {} principal {}",
                    model.deployment.name, p.name
                )),
                assume_role_policy: s.tf(&trust),
            },
        );
        output.insert(
            ident(&["role_arn", &p.name]),
            Output::new(
                reference("aws_iam_role", &p.name, "arn"),
                format!("The ARN of the role for principal {}", p.name),
            ),
        );
        output.insert(
            ident(&["role_name", &p.name]),
            Output::new(
                reference("aws_iam_role", &p.name, "name"),
                format!("The name of the role for principal {}", p.name),
            ),
        );
    }
    for access in &model.accesses {
        let role = access
            .principal
            .as_deref()
            .filter(|p| r.aws_iam_role.contains_key(*p));
        let name_base = match role {
            Some(p) => format!("${{var.role_name_{p}}}"),
            None => super::strings::escape(&base_name(model)),
        };
        for (i, doc) in policy_documents(access).iter().enumerate() {
            let key = if i == 0 {
                access.name.clone()
            } else {
                format!("{}_{}", access.name, i + 1)
            };
            let suffix = if i == 0 {
                access.name.replace('_', "-")
            } else {
                format!("{}-{}", access.name.replace('_', "-"), i + 1)
            };
            r.aws_iam_policy.insert(
                key.clone(),
                Policy {
                    name: format!("{name_base}-{suffix}"),
                    description: crate::backend::optional_description(model, access)
                        .map(|d| s.tf(&d)),
                    policy: s.tf(doc),
                },
            );
            if let Some(p) = role {
                r.aws_iam_role_policy_attachment.insert(
                    key.clone(),
                    Attachment {
                        role: reference("aws_iam_role", p, "name"),
                        policy_arn: reference("aws_iam_policy", &key, "arn"),
                    },
                );
            }
        }
        if let Some(p) = role {
            for arn in &access.aws_managed {
                let short = arn.rsplit('/').next().unwrap_or(arn);
                r.aws_iam_role_policy_attachment.insert(
                    ident(&[&access.name, short]),
                    Attachment {
                        role: reference("aws_iam_role", p, "name"),
                        policy_arn: s.tf(arn),
                    },
                );
            }
        }
    }
    for scp in &model.scps {
        r.aws_organizations_policy.insert(
            scp.name.clone(),
            OrganizationsPolicy {
                name: s.tf(&format!(
                    "{}-{}",
                    base_name(model),
                    scp.name.replace('_', "-")
                )),
                description: s.tf(&format!(
                    "engc: {} service control policy {}",
                    model.deployment.name, scp.name
                )),
                ty: "SERVICE_CONTROL_POLICY",
                content: s.tf(&crate::backend::aws::policy_document_compact(
                    &scp.statements,
                )),
            },
        );
        r.aws_organizations_policy_attachment.insert(
            scp.name.clone(),
            OrganizationsAttachment {
                policy_id: reference("aws_organizations_policy", &scp.name, "id"),
                target_id: s.tf(&scp.ou),
            },
        );
    }
    if r.aws_iam_role.is_empty()
        && r.aws_iam_policy.is_empty()
        && r.aws_organizations_policy.is_empty()
    {
        return None;
    }
    // The provider's region and account, declared when a document uses them.
    let current = |used: bool| {
        used.then_some(Current {
            current: super::Empty {},
        })
    };
    let data = Data {
        aws_region: current(s.special_used("region")),
        aws_caller_identity: current(s.special_used("account_id")),
    };
    let data = (data.aws_region.is_some() || data.aws_caller_identity.is_some()).then_some(data);
    Some(s.render(PROVIDERS, None, data, r, output))
}

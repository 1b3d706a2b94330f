//! `terraform/aws/main.tf.json`: an IAM role per principal with an AWS role (its trust
//! policy as `assume_role_policy`), a managed policy per policy file (every split part)
//! attached to it, the AWS managed policies of its levels, the SCPs with their
//! attachments, and the stores' bucket policies (`aws_s3_bucket_policy`) and key
//! policies (`aws_kms_key_policy`, on the key the store's `name` identifies). `${region}` and `${account_id}` left unset are the provider's own.

use super::{ident, reference, Output, Rendered, Strings};
use crate::backend::aws::{policy_documents, role_description, trust_document, Boundaries};
use crate::model::Model;
use crate::vocab::resource_policies::Kind;
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

const PROVIDERS: &[(&str, &str, &str)] = &[("aws", "hashicorp/aws", ">= 5.0, < 6.0")];

#[derive(Serialize, Default)]
struct Resources {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_role: BTreeMap<String, Role>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_policy: BTreeMap<String, Policy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_role_policy: BTreeMap<String, InlinePolicy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_role_policy_attachment: BTreeMap<String, Attachment>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_iam_instance_profile: BTreeMap<String, InstanceProfile>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_organizations_policy: BTreeMap<String, OrganizationsPolicy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_organizations_policy_attachment: BTreeMap<String, OrganizationsAttachment>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_s3_bucket_policy: BTreeMap<String, BucketPolicy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    aws_kms_key_policy: BTreeMap<String, KeyPolicy>,
    #[serde(flatten)]
    firewall: super::firewall::Aws,
}

#[derive(Serialize)]
struct BucketPolicy {
    bucket: String,
    policy: String,
}

#[derive(Serialize)]
struct KeyPolicy {
    key_id: String,
    policy: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Role {
    name: String,
    description: String,
    assume_role_policy: String,
    permissions_boundary: Option<String>,
}

#[derive(Serialize)]
struct InlinePolicy {
    name: String,
    role: String,
    policy: String,
}

#[derive(Serialize)]
struct InstanceProfile {
    name: String,
    role: String,
}

#[skip_serializing_none]
#[derive(Serialize)]
struct Policy {
    name: String,
    /// Left out for `description ""`.
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

#[skip_serializing_none]
#[derive(Serialize)]
struct Data {
    aws_region: Option<Current>,
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
    model.deployment.base_name()
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
        if !p.has_aws_role() {
            continue;
        }
        let var = format!("role_name_{}", p.name);
        s.own_variable(
            &var,
            &role_name(model, &p.name),
            format!("The name of the IAM role principal `{}` assumes", p.name),
        );
        let trust = trust_document(p);
        r.aws_iam_role.insert(
            p.name.clone(),
            Role {
                name: format!("${{var.{var}}}"),
                description: s.tf(&role_description(model, p)),
                assume_role_policy: s.tf(&trust),
                permissions_boundary: p
                    .aws_boundary
                    .as_deref()
                    .filter(|b| {
                        crate::backend::access_named(model, b).is_some_and(|a| !a.aws.is_empty())
                    })
                    .map(|b| reference("aws_iam_policy", b, "arn")),
            },
        );
        if let Some(profile) = &p.aws_instance_profile {
            r.aws_iam_instance_profile.insert(
                p.name.clone(),
                InstanceProfile {
                    name: s.tf(profile),
                    role: reference("aws_iam_role", &p.name, "name"),
                },
            );
            output.insert(
                ident(&["instance_profile_arn", &p.name]),
                Output::new(
                    reference("aws_iam_instance_profile", &p.name, "arn"),
                    format!("The ARN of the instance profile of principal {}", p.name),
                ),
            );
        }
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
    let boundaries = Boundaries::of(model);
    for access in &model.accesses {
        let role = access
            .principal
            .as_deref()
            .filter(|p| r.aws_iam_role.contains_key(*p));
        let name_base = match role {
            Some(p) => format!("${{var.role_name_{p}}}"),
            None => super::strings::escape(&base_name(model)),
        };
        if access.aws_inline {
            // Written whole, inside the role (checks require a role).
            if let (Some(p), Some(doc)) = (role, policy_documents(access).first()) {
                r.aws_iam_role_policy.insert(
                    access.name.clone(),
                    InlinePolicy {
                        name: s.tf(&access.name),
                        role: reference("aws_iam_role", p, "name"),
                        policy: s.tf(doc),
                    },
                );
            }
        }
        let managed_docs = if access.aws_inline {
            Vec::new()
        } else {
            policy_documents(access)
        };
        for (i, doc) in managed_docs.iter().enumerate() {
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
            let name = if boundaries.contains(&access.name) {
                super::strings::escape(&model.deployment.boundary_policy_name(&access.name))
            } else {
                format!("{name_base}-{suffix}")
            };
            r.aws_iam_policy.insert(
                key.clone(),
                Policy {
                    name,
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
    for p in &model.resource_policies {
        let policy = s.tf(&crate::backend::aws::resource_policy_compact(&p.statements));
        let target = s.tf(&p.target);
        match p.kind {
            Kind::Bucket => {
                r.aws_s3_bucket_policy.insert(
                    p.store.clone(),
                    BucketPolicy {
                        bucket: target,
                        policy,
                    },
                );
            }
            Kind::Key => {
                r.aws_kms_key_policy.insert(
                    p.store.clone(),
                    KeyPolicy {
                        key_id: target,
                        policy,
                    },
                );
            }
        }
    }
    r.firewall = super::firewall::aws(model, &s);
    if r.aws_iam_role.is_empty()
        && r.aws_iam_policy.is_empty()
        && r.aws_organizations_policy.is_empty()
        && model.resource_policies.is_empty()
        && r.firewall.aws_security_group.is_empty()
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

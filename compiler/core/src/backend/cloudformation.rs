//! `cloudformation/aws.template.json`: what a customer creates with one "launch stack":
//! an IAM role per principal with an AWS role (its trust policy, the AWS managed
//! policies of its levels), a managed policy per policy file (every split part)
//! attached to it, the SCPs, the stores' bucket policies (`AWS::S3::BucketPolicy`), and
//! the role ARNs as outputs. Key policies are not in it: a key policy is a property of
//! the `AWS::KMS::Key` that holds it, and the template creates no key
//! (`aws/STORE.key-policy.json` is applied with `aws kms put-key-policy`).
//!
//! Placeholders become `Fn::Sub` variables: `${region}` and `${account_id}` are
//! `${AWS::Region}` and `${AWS::AccountId}`, the others template parameters. In a string
//! under `Fn::Sub`, a literal `${` is written `${!` (CloudFormation's escape); strings
//! without placeholders are plain.

use super::aws::{Dialect, PolicyDocument, TrustPolicy};
use super::json::to_json;
use super::template::{parts, Part};
use super::terraform::aws::role_name;
use super::{kind, optional_description, OutputFile, Target};
use crate::model::{AwsStatement, Model};
use crate::vocab::resource_policies::Kind;
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::cell::RefCell;
use std::collections::BTreeMap;
use strings::Strings;

mod strings;

pub const PATH: &str = "cloudformation/aws.template.json";

/// The template, when the deployment has a role, a policy or an SCP for AWS.
pub fn emit(model: &Model) -> Option<OutputFile> {
    let t = template(model)?;
    let (contents, inputs) = t;
    Some(OutputFile {
        inputs: Some(inputs),
        ..OutputFile::new(
            Target::CloudFormation,
            PATH.into(),
            kind::CLOUDFORMATION_TEMPLATE,
            contents,
        )
    })
}

/// A logical id or parameter name: the words of `name` capitalized, joined
/// (`external_id` → `ExternalId`); CloudFormation takes letters and digits only.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_ascii_uppercase());
            first.into_iter().chain(c).collect::<String>()
        })
        .collect()
}

/// The parameter a placeholder becomes, or the pseudo parameter it is.
fn variable(name: &str) -> String {
    match name {
        "region" => "AWS::Region".into(),
        "account_id" => "AWS::AccountId".into(),
        _ => pascal(name),
    }
}

/// The template parameter a declared external reference becomes
/// (`aws_s3_bucket.b.arn` → `AwsS3BucketBArn`).
pub fn external_parameter(path: &str) -> String {
    pascal(&crate::resolve::params::external_variable(path))
}

/// `s` for `Fn::Sub`: literal `${` as `${!`, placeholders as variables.
pub fn sub(s: &str) -> String {
    sub_parts(&parts(s))
}

/// [`sub`] of a string already cut into parts.
fn sub_parts(parts: &[Part]) -> String {
    let mut out = String::new();
    for p in parts {
        match *p {
            Part::Text(t) if t.contains("${") => out.push_str(&t.replace("${", "${!")),
            Part::Text(t) => out.push_str(t),
            Part::Param(n) => {
                out.push_str("${");
                out.push_str(&variable(n));
                out.push('}');
            }
            Part::External(n) => {
                out.push_str("${");
                out.push_str(&external_parameter(n));
                out.push('}');
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Template<'a> {
    #[serde(rename = "AWSTemplateFormatVersion")]
    version: &'static str,
    #[serde(rename = "Description")]
    description: String,
    #[serde(rename = "Parameters", skip_serializing_if = "BTreeMap::is_empty")]
    parameters: BTreeMap<String, Parameter>,
    #[serde(rename = "Resources")]
    resources: BTreeMap<String, Resource<'a>>,
    #[serde(rename = "Outputs", skip_serializing_if = "BTreeMap::is_empty")]
    outputs: BTreeMap<String, Output>,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Parameter {
    #[serde(rename = "Type")]
    ty: &'static str,
    description: String,
    default: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    no_echo: bool,
    allowed_pattern: Option<&'static str>,
    constraint_description: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(tag = "Type", content = "Properties")]
enum Resource<'a> {
    #[serde(rename = "AWS::IAM::Role")]
    Role(RoleProperties<'a>),
    #[serde(rename = "AWS::IAM::ManagedPolicy")]
    ManagedPolicy(ManagedPolicyProperties<'a>),
    #[serde(rename = "AWS::IAM::InstanceProfile")]
    InstanceProfile(InstanceProfileProperties),
    #[serde(rename = "AWS::Organizations::Policy")]
    OrganizationsPolicy(ScpProperties<'a>),
    #[serde(rename = "AWS::S3::BucketPolicy")]
    BucketPolicy(BucketPolicyProperties<'a>),
    #[serde(rename = "AWS::EC2::SecurityGroup")]
    SecurityGroup(SecurityGroupProperties),
}

/// A network's firewall rules as one security group. Egress is written in the group,
/// which replaces AWS's default allow-all egress rule; a network with no `egress`
/// rule gets AWS's documented stand-in that allows nothing (`127.0.0.1/32`, every
/// protocol), as Terraform's `aws_security_group` removes the default.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SecurityGroupProperties {
    group_name: Str,
    group_description: Str,
    vpc_id: Ref,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security_group_ingress: Vec<SgRule>,
    security_group_egress: Vec<SgRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BucketPolicyProperties<'a> {
    bucket: Str,
    policy_document: Document<'a>,
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SgRule {
    ip_protocol: &'static str,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr_ip: Option<String>,
    cidr_ipv6: Option<String>,
    description: Option<String>,
}

impl SgRule {
    fn new(
        proto: &'static str,
        ports: Option<(i32, i32)>,
        cidr: &str,
        description: Option<String>,
    ) -> SgRule {
        let v6 = cidr.contains(':');
        SgRule {
            ip_protocol: proto,
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            cidr_ip: (!v6).then(|| cidr.to_string()),
            cidr_ipv6: v6.then(|| cidr.to_string()),
            description,
        }
    }
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoleProperties<'a> {
    role_name: Ref,
    description: Str,
    assume_role_policy_document: TrustDocument<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managed_policy_arns: Vec<Str>,
    permissions_boundary: Option<Ref>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    policies: Vec<InlinePolicy<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InlinePolicy<'a> {
    policy_name: Str,
    policy_document: Document<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceProfileProperties {
    instance_profile_name: Str,
    roles: [Ref; 1],
}

#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicyProperties<'a> {
    /// Set only for a permissions boundary, whose ARN conditions name.
    managed_policy_name: Option<Str>,
    /// Left out for `description ""`.
    description: Option<Str>,
    policy_document: Document<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<Ref>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ScpProperties<'a> {
    name: Str,
    description: Str,
    #[serde(rename = "Type")]
    ty: &'static str,
    content: Document<'a>,
    target_ids: [Str; 1],
}

/// A policy document: as an object, its strings in the `Fn::Sub` dialect; or, when a
/// condition key holds a placeholder (a key cannot be `Fn::Sub`), the whole document
/// as one `Fn::Sub` string.
#[derive(Serialize)]
#[serde(untagged)]
enum Document<'a> {
    Object(PolicyDocument<'a>),
    Text(Str),
}

/// A trust policy: as an object, or as one `Fn::Sub` string when a condition key
/// holds a placeholder (an OIDC issuer's `ISSUER:sub`).
#[derive(Serialize)]
#[serde(untagged)]
enum TrustDocument<'a> {
    Object(TrustPolicy<'a>),
    Text(Str),
}

/// A string: plain, or `{"Fn::Sub": ...}` when it holds a placeholder.
#[derive(Serialize)]
#[serde(untagged)]
enum Str {
    Plain(String),
    Sub {
        #[serde(rename = "Fn::Sub")]
        sub: String,
    },
}

#[derive(Serialize)]
struct Ref {
    #[serde(rename = "Ref")]
    r: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    description: String,
    value: GetAtt,
}

#[derive(Serialize)]
struct GetAtt {
    #[serde(rename = "Fn::GetAtt")]
    get_att: [String; 2],
}

/// A logical id not taken yet: `base`, else `base2`, `base3`...
fn fresh<T>(taken: &BTreeMap<String, T>, base: String) -> String {
    super::unused_key(taken, base, "")
}

/// The template's text and the parameters it takes.
fn template(model: &Model) -> Option<(String, Vec<String>)> {
    let s = Strings {
        used: RefCell::default(),
        externals: RefCell::default(),
        inputs: RefCell::default(),
    };
    let render = |x: &str| s.render(x);
    let d = Dialect::Sub(&render);
    let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
    let mut parameters: BTreeMap<String, Parameter> = BTreeMap::new();
    let mut outputs = BTreeMap::new();
    let mut role_ids: BTreeMap<&str, String> = BTreeMap::new();
    // The trust statements and split parts must outlive the documents that borrow them.
    let trusts: Vec<Vec<crate::model::TrustStatement>> = model
        .principals
        .iter()
        .map(super::aws::trust_statements)
        .collect();
    type Parts<'m> = (
        &'m crate::model::Access,
        Vec<std::borrow::Cow<'m, [AwsStatement]>>,
    );
    let parts: Vec<Parts> = model
        .accesses
        .iter()
        .map(|a| (&**a, super::aws::policy_parts(a)))
        .collect();
    // Each principal's levels with their parts, in one pass (a scan per principal is
    // quadratic).
    let mut levels: BTreeMap<&str, Vec<&Parts>> = BTreeMap::new();
    for part in &parts {
        if let Some(p) = part.0.principal.as_deref() {
            levels.entry(p).or_default().push(part);
        }
    }
    for (p, trust) in model.principals.iter().zip(&trusts) {
        if !p.has_aws_role() {
            continue;
        }
        let id = fresh(&resources, format!("{}Role", pascal(&p.name)));
        let name_param = format!("{id}Name");
        parameters.insert(
            name_param.clone(),
            Parameter {
                ty: "String",
                description: format!("The name of the IAM role principal {} assumes", p.name),
                default: Some(role_name(model, &p.name)),
                no_echo: false,
                allowed_pattern: Some("^[\\w+=,.@-]{1,64}$"),
                constraint_description: Some("1 to 64 letters, digits and +=,.@_-"),
            },
        );
        let own = levels.get(p.name.as_str()).map_or(&[][..], Vec::as_slice);
        let managed: Vec<Str> = own
            .iter()
            .flat_map(|(a, _)| &a.aws_managed)
            .map(|arn| s.str(arn))
            .collect();
        let policies: Vec<InlinePolicy> = own
            .iter()
            .filter(|(a, _)| a.aws_inline)
            .flat_map(|(a, split)| {
                split.iter().map(|part| InlinePolicy {
                    policy_name: s.str(&a.name),
                    policy_document: s.document(part, d),
                })
            })
            .collect();
        resources.insert(
            id.clone(),
            Resource::Role(RoleProperties {
                role_name: Ref {
                    r: name_param.clone(),
                },
                description: Str::Plain(super::aws::role_description(model, p)),
                assume_role_policy_document: s.trust(trust, d),
                managed_policy_arns: managed,
                permissions_boundary: None,
                policies,
            }),
        );
        if let Some(profile) = &p.aws_instance_profile {
            let pid = fresh(&resources, format!("{}InstanceProfile", pascal(&p.name)));
            resources.insert(
                pid.clone(),
                Resource::InstanceProfile(InstanceProfileProperties {
                    instance_profile_name: s.str(profile),
                    roles: [Ref { r: id.clone() }],
                }),
            );
            outputs.insert(
                format!("{pid}Arn"),
                Output {
                    description: format!("The ARN of the instance profile of principal {}", p.name),
                    value: GetAtt {
                        get_att: [pid, "Arn".into()],
                    },
                },
            );
        }
        outputs.insert(
            format!("{id}Arn"),
            Output {
                description: format!("The ARN of the role for principal {}", p.name),
                value: GetAtt {
                    get_att: [id.clone(), "Arn".into()],
                },
            },
        );
        role_ids.insert(&p.name, id);
    }
    let mut policy_ids: BTreeMap<&str, String> = BTreeMap::new();
    let boundaries = super::aws::Boundaries::of(model);
    for (access, split) in &parts {
        if access.aws_inline {
            continue;
        }
        let role = access.principal.as_deref().and_then(|p| role_ids.get(p));
        let boundary = boundaries.contains(&access.name);
        for (i, part) in split.iter().enumerate() {
            let base = match i {
                0 => format!("{}Policy", pascal(&access.name)),
                n => format!("{}Policy{}", pascal(&access.name), n + 1),
            };
            let id = fresh(&resources, base);
            policy_ids.entry(&access.name).or_insert_with(|| id.clone());
            resources.insert(
                id,
                Resource::ManagedPolicy(ManagedPolicyProperties {
                    managed_policy_name: boundary
                        .then(|| s.str(&model.deployment.boundary_policy_name(&access.name))),
                    description: optional_description(model, access).map(|d| s.str(&d)),
                    policy_document: s.document(part, d),
                    roles: role.map(|r| Ref { r: r.clone() }).into_iter().collect(),
                }),
            );
        }
    }
    // Each role's permissions boundary: the policy of the level it names.
    for p in &model.principals {
        let (Some(b), Some(role)) = (p.aws_boundary.as_deref(), role_ids.get(p.name.as_str()))
        else {
            continue;
        };
        if let (Some(policy), Some(Resource::Role(props))) =
            (policy_ids.get(b), resources.get_mut(role))
        {
            props.permissions_boundary = Some(Ref { r: policy.clone() });
        }
    }
    for scp in &model.scps {
        let id = fresh(&resources, format!("{}Scp", pascal(&scp.name)));
        resources.insert(
            id,
            Resource::OrganizationsPolicy(ScpProperties {
                name: s.str(&format!(
                    "{}-{}",
                    super::terraform::aws::base_name(model),
                    scp.name.replace('_', "-")
                )),
                description: Str::Plain(format!(
                    "engc: {} service control policy {}",
                    model.deployment.name, scp.name
                )),
                ty: "SERVICE_CONTROL_POLICY",
                content: s.document(&scp.statements, d),
                target_ids: [s.str(&scp.ou)],
            }),
        );
    }
    // Key policies are not here: the template creates no KMS key to hold one.
    for p in &model.resource_policies {
        if p.kind != Kind::Bucket {
            continue;
        }
        let id = fresh(&resources, format!("{}BucketPolicy", pascal(&p.store)));
        resources.insert(
            id,
            Resource::BucketPolicy(BucketPolicyProperties {
                bucket: s.str(&p.target),
                policy_document: s.resource_document(&p.statements, d),
            }),
        );
    }
    for net in model
        .networks
        .iter()
        .filter(|n| n.clouds.contains(&crate::syntax::ast::Cloud::Aws) && !n.rules.is_empty())
    {
        use super::terraform::firewall::aws_entries;
        use crate::syntax::ast::Direction;
        let vpc = pascal(&format!("vpc_id_{}", net.name));
        parameters.insert(
            vpc.clone(),
            Parameter {
                ty: "AWS::EC2::VPC::Id",
                description: format!("The id of the VPC of network `{}`", net.name),
                default: None,
                no_echo: false,
                allowed_pattern: None,
                constraint_description: None,
            },
        );
        let entries = |d: Direction| -> Vec<SgRule> {
            net.rules
                .iter()
                .filter(|r| r.direction == d)
                .flat_map(|r| {
                    let text = format!(
                        "engc: {} network {} rule {}",
                        model.deployment.name, net.name, r.name
                    );
                    aws_entries(r).into_iter().map(move |(proto, ports, cidr)| {
                        SgRule::new(proto, ports, cidr, Some(text.clone()))
                    })
                })
                .collect()
        };
        let mut egress = entries(Direction::Egress);
        if egress.is_empty() {
            egress.push(SgRule::new("-1", None, "127.0.0.1/32", None));
        }
        let id = fresh(&resources, format!("{}SecurityGroup", pascal(&net.name)));
        resources.insert(
            id,
            Resource::SecurityGroup(SecurityGroupProperties {
                group_name: s.str(&format!(
                    "{}-{}",
                    super::terraform::aws::base_name(model),
                    net.name.to_lowercase().replace('_', "-")
                )),
                group_description: Str::Plain(format!(
                    "engc: {} network {}",
                    model.deployment.name, net.name
                )),
                vpc_id: Ref { r: vpc.clone() },
                security_group_ingress: entries(Direction::Ingress),
                security_group_egress: egress,
            }),
        );
        s.inputs.borrow_mut().insert(format!("vpc_id_{}", net.name));
    }
    if resources.is_empty() {
        return None;
    }
    // The documents' strings under `Fn::Sub` are rendered only as they are serialized;
    // their parameters were noted as the documents were made. Tests check that a
    // rendering pass finds no other.
    #[cfg(debug_assertions)]
    {
        let noted = (s.used.borrow().clone(), s.externals.borrow().clone());
        serde_json::to_writer(std::io::sink(), &resources)
            .expect("backend structs always serialize");
        let rendered = (s.used.borrow().clone(), s.externals.borrow().clone());
        assert_eq!(noted, rendered, "a document's parameters were not noted");
    }
    let formats = super::terraform::formats(model);
    let used: Vec<String> = s.used.borrow().iter().cloned().collect();
    for p in &used {
        let (pattern, constraint, no_echo) = match formats.get(p.as_str()) {
            Some(super::terraform::Format::ExternalId) => (
                Some("^[\\w+=,.@:/-]{2,1224}$"),
                Some("2 to 1,224 letters, digits and +=,.@:/_-"),
                true,
            ),
            Some(super::terraform::Format::AwsAccount) => {
                (Some("^[0-9]{12}$"), Some("12 digits"), false)
            }
            _ => (None, None, false),
        };
        parameters.insert(
            pascal(p),
            Parameter {
                ty: "String",
                description: format!("engc parameter `{p}`, left without a value"),
                default: None,
                no_echo,
                allowed_pattern: pattern,
                constraint_description: constraint,
            },
        );
    }
    for e in s.externals.borrow().iter() {
        parameters.insert(
            external_parameter(e),
            Parameter {
                ty: "String",
                description: format!("engc external reference `{e}`"),
                default: None,
                no_echo: false,
                allowed_pattern: None,
                constraint_description: None,
            },
        );
    }
    let mut used = used;
    used.extend(
        s.externals
            .borrow()
            .iter()
            .map(|e| crate::resolve::params::external_variable(e)),
    );
    used.extend(s.inputs.borrow().iter().cloned());
    used.sort();
    used.dedup();
    let doc = Template {
        version: "2010-09-09",
        description: format!(
            "engc: the AWS roles and policies of deployment {}",
            model.deployment.name
        ),
        parameters,
        resources,
        outputs,
    };
    Some((to_json(&doc), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sub() {
        assert_eq!(pascal("external_id"), "ExternalId");
        assert_eq!(pascal("log-group"), "LogGroup");
        assert_eq!(pascal("chalk_api"), "ChalkApi");
        assert_eq!(
            sub("arn:aws:logs:${region}:${account_id}:log-group:${log_group}:*"),
            "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroup}:*"
        );
        assert_eq!(
            sub("home/${aws:username}/${x}"),
            "home/${!aws:username}/${X}"
        );
        assert_eq!(sub("${file(\"/etc/passwd\")}"), "${!file(\"/etc/passwd\")}");
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use crate::backend::test_model::{sample_model, statement};

    /// `description ""`: the managed policies have no `Description` (it is optional).
    #[test]
    fn an_empty_description_is_left_out() {
        let mut model = sample_model();
        for a in &mut model.accesses {
            a.description = Some(String::new());
        }
        let doc: serde_json::Value = serde_json::from_str(&emit(&model).unwrap().contents).unwrap();
        let policies: Vec<&serde_json::Value> = doc["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == "AWS::IAM::ManagedPolicy")
            .collect();
        assert!(!policies.is_empty());
        for p in policies {
            assert!(p["Properties"].get("Description").is_none(), "{p}");
        }
    }

    #[test]
    fn bucket_policies_but_no_key_policies() {
        let mut model = sample_model();
        model.resource_policies = crate::backend::test_model::resource_policies();
        let f = emit(&model).unwrap();
        let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
        let p = &v["Resources"]["DatasetsBucketPolicy"];
        assert_eq!(p["Type"], "AWS::S3::BucketPolicy");
        assert_eq!(
            p["Properties"]["Bucket"],
            serde_json::json!({"Fn::Sub": "chalk-${Bucket}"})
        );
        let statements = &p["Properties"]["PolicyDocument"]["Statement"];
        assert_eq!(statements[1]["Principal"], "*");
        assert_eq!(statements[1]["Effect"], "Deny");
        // The template creates no KMS key, so no key policy and no `KeyId` parameter.
        assert!(!f.contents.contains("EnableRootAccess"));
        assert!(v["Parameters"].get("KeyId").is_none());
    }

    #[test]
    fn roles_policies_scps_and_parameters() {
        let mut model = sample_model();
        model.accesses[1].aws.push(statement(
            Some("Home"),
            &["s3:GetObject"],
            &[
                "arn:aws:s3:::b/${aws:username}/*",
                "arn:aws:s3:::${bucket}/${aws:username}",
            ],
        ));
        let f = emit(&model).unwrap();
        assert_eq!(f.path, PATH);
        assert_eq!(f.kind, kind::CLOUDFORMATION_TEMPLATE);
        insta::assert_snapshot!(f.contents);
        let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
        // Parameters: exactly those used, the external id hidden and checked.
        assert_eq!(
            f.inputs.as_deref(),
            Some(
                &[
                    "aws_account_id".to_string(),
                    "aws_region".into(),
                    "bucket".into(),
                    "external_id".into()
                ][..]
            )
        );
        assert_eq!(v["Parameters"]["ExternalId"]["NoEcho"], true);
        assert!(v["Parameters"]["ExternalId"]["AllowedPattern"].is_string());
        assert!(v["Parameters"]["Bucket"].is_object());
        let resources = v["Resources"].as_object().unwrap();
        let role = &resources["ChalkApiRole"];
        assert_eq!(role["Type"], "AWS::IAM::Role");
        assert_eq!(
            role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
                ["StringEquals"]["sts:ExternalId"],
            serde_json::json!({"Fn::Sub": "${ExternalId}"})
        );
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"][0],
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
        );
        let ongoing = &resources["OngoingPolicy"]["Properties"];
        assert_eq!(ongoing["Roles"][0]["Ref"], "ChalkApiRole");
        let home = ongoing["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "Home")
            .unwrap();
        // Plain where nothing is filled in; `${!` under Fn::Sub.
        assert_eq!(home["Resource"][0], "arn:aws:s3:::b/${aws:username}/*");
        assert_eq!(
            home["Resource"][1],
            serde_json::json!({"Fn::Sub": "arn:aws:s3:::${Bucket}/${!aws:username}"})
        );
        assert_eq!(
            resources["TagGuardScp"]["Type"],
            "AWS::Organizations::Policy"
        );
        assert_eq!(
            resources["TagGuardScp"]["Properties"]["TargetIds"][0],
            "ou-abcd-11111111"
        );
        assert_eq!(
            v["Outputs"]["ChalkApiRoleArn"]["Value"]["Fn::GetAtt"],
            serde_json::json!(["ChalkApiRole", "Arn"])
        );
        // No engc placeholder is left outside `Fn::Sub` variables.
        assert!(!f.contents.contains("${external_id}") && !f.contents.contains("${region}"));
    }

    #[test]
    fn a_condition_key_with_a_placeholder_makes_the_document_one_string() {
        let mut model = sample_model();
        let mut st = statement(Some("K"), &["s3:GetObject"], &["*"]);
        st.conditions.insert(
            "StringEquals".into(),
            [("aws:ResourceTag/${tag}".to_string(), vec!["v".to_string()])]
                .into_iter()
                .collect(),
        );
        model.accesses[0].aws = vec![st];
        let f = emit(&model).unwrap();
        let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
        let doc = &v["Resources"]["LogsPolicy"]["Properties"]["PolicyDocument"];
        let text = doc["Fn::Sub"].as_str().expect("one Fn::Sub string");
        assert!(text.contains("aws:ResourceTag/${Tag}"), "{text}");
        assert!(v["Parameters"]["Tag"].is_object());
    }
}

//! AWS: IAM policies per access level (split to fit the managed-policy size limit),
//! lists of AWS managed policies to attach, trust policies per principal, service
//! control policies, and the stores' resource policies (bucket and key policies).

use super::json::{to_compact_json, to_json};
use super::{kind, OutputFile, Target};
use crate::model::{
    Access, AwsRole, AwsStatement, Model, PolicyPrincipal, Principal, ResourcePolicy,
    ResourceStatement, Scp, TrustStatement,
};
use crate::syntax::ast::Effect;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;

mod json;
mod size;
mod split;
#[cfg(test)]
mod tests;

pub(crate) use json::*;
pub use size::*;
pub use split::*;

/// The most characters (white space excluded) a customer managed policy may hold.
pub const MANAGED_POLICY_SIZE_LIMIT: usize = 6144;
/// The most characters (white space excluded) a service control policy may hold.
pub const SCP_SIZE_LIMIT: usize = 5120;
/// The most managed policies that can be attached to one role (default quota).
pub const MANAGED_POLICIES_PER_ROLE: usize = 10;

const POLICY_VERSION: &str = "2012-10-17";

/// The size AWS checks a policy against: every character except white space.
pub fn policy_size(json: &str) -> usize {
    json.chars().filter(|c| !c.is_ascii_whitespace()).count()
}

/// A policy document (`Version`, `Statement`) holding `statements`, as pretty JSON.
pub fn policy_document(statements: &[AwsStatement]) -> String {
    to_json(&PolicyDocument::new(statements))
}

/// The files for AWS: `aws/<access>.policy.json` (and `-2`, `-3`... when split),
/// `aws/<access>.managed.json`, `aws/<principal>.trust.json`, `aws/<scp>.scp.json`.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    emit_levels(model, |_| true, None)
}

/// [`emit`], less the documents of the levels whose AWS statements and managed
/// policies hold no `${`: `access_files` reads nothing else of a level, so those
/// documents hold no placeholder, and [`crate::backend::placeholders`] need not build
/// them (most levels of a large deployment). Less the trust policies too, whose
/// placeholders `held::aws_trust` reads from the model, and the role files that
/// [`role_may_hold_placeholders`] clears.
pub(crate) fn emit_for_placeholders(model: &Model) -> Vec<OutputFile> {
    let plain = names_plain(model);
    emit_levels(model, may_hold_placeholders, Some(plain))
}

/// Whether no name a role file is written from holds `$`: the deployment's name and
/// prefix, every principal's and every level's (a role file names its own levels and
/// its boundary, which may be another principal's).
fn names_plain(model: &Model) -> bool {
    let plain = |s: &str| !s.contains('$');
    let d = &model.deployment;
    plain(&d.name)
        && d.name_prefix.as_deref().is_none_or(plain)
        && model.principals.iter().all(|p| plain(&p.name))
        && model.accesses.iter().all(|a| plain(&a.name))
}

/// Whether [`role_file`] of `principal` may hold a placeholder: besides literal text
/// and the names [`names_plain`] looks at (`plain`: none holds `$`), it is written from
/// the instance profile's name and the own levels' managed policy ARNs. A text without
/// `$` holds no `${name}`.
fn role_may_hold_placeholders(plain: bool, principal: &Principal, own: &[&Access]) -> bool {
    let dollar = |s: &String| s.contains('$');
    !plain
        || principal.aws_instance_profile.as_ref().is_some_and(dollar)
        || own.iter().any(|a| a.aws_managed.iter().any(dollar))
}

/// Whether any string a level's policy documents are written from holds `${` (a JSON
/// text has `${` only where one of its strings has it).
fn may_hold_placeholders(access: &Access) -> bool {
    let any = |v: &[String]| v.iter().any(|s| s.contains("${"));
    any(&access.aws_managed)
        || access.aws.iter().any(|st| {
            st.sid.as_deref().is_some_and(|s| s.contains("${"))
                || any(&st.actions)
                || any(&st.resources)
                || st.conditions.iter().any(|(op, keys)| {
                    op.contains("${") || keys.iter().any(|(k, vs)| k.contains("${") || any(vs))
                })
        })
}

/// [`emit`], with the documents of the levels `levels` accepts; for placeholders
/// (`Some(names_plain)`), without the trust policies and the role files that cannot
/// hold one.
fn emit_levels(
    model: &Model,
    levels: impl Fn(&Access) -> bool,
    placeholders: Option<bool>,
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for access in model.accesses.iter().filter(|a| levels(a)) {
        files.extend(access_files(access));
    }
    let boundaries = Boundaries::of(model);
    let levels = super::levels_by_principal(model);
    for principal in &model.principals {
        let own = levels
            .get(principal.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        match placeholders {
            None => files.extend(trust_file(principal)),
            Some(plain) if !role_may_hold_placeholders(plain, principal, own) => continue,
            Some(_) => {}
        }
        files.extend(role_file(model, &boundaries, principal, own));
    }
    for scp in &model.scps {
        files.push(scp_file(scp));
    }
    for p in &model.resource_policies {
        files.push(resource_policy_file(p));
    }
    files
}

fn resource_policy_file(p: &ResourcePolicy) -> OutputFile {
    let kind = p.kind.info().file_kind;
    let contents = to_json(&PolicyDocument::resource(&p.statements, Dialect::Plain));
    OutputFile {
        store: Some(p.store.clone()),
        ..OutputFile::new(
            Target::Aws,
            format!("aws/{}.{kind}.json", p.store),
            kind,
            contents,
        )
    }
}

/// A resource policy (statements with principals), as compact JSON.
pub fn resource_policy_compact(statements: &[ResourceStatement]) -> String {
    to_compact_json(&PolicyDocument::resource(statements, Dialect::Plain))
}

fn access_files(access: &Access) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let parts = policy_parts(access);
    for (i, part) in parts.iter().enumerate() {
        let kind = if access.aws_inline {
            kind::INLINE_POLICY
        } else {
            kind::POLICY
        };
        let path = policy_path(access, i);
        files.push(OutputFile::of_access(
            Target::Aws,
            path,
            kind,
            access,
            policy_document(part),
        ));
    }
    if !access.aws_managed.is_empty() {
        #[derive(Serialize)]
        struct Managed<'a> {
            #[serde(rename = "ManagedPolicyArns")]
            arns: &'a [String],
        }
        files.push(OutputFile::of_access(
            Target::Aws,
            format!("aws/{}.managed.json", access.name),
            kind::MANAGED_POLICIES,
            access,
            to_json(&Managed {
                arns: &access.aws_managed,
            }),
        ));
    }
    files
}

/// The path of part `i` (from 0) of a level's policy.
pub fn policy_path(access: &Access, i: usize) -> String {
    if i == 0 {
        format!("aws/{}.policy.json", access.name)
    } else {
        format!("aws/{}-{}.policy.json", access.name, i + 1)
    }
}

/// The name of part `i` (from 0) of a level's policy, as the Terraform module and
/// CloudFormation template name it with their default role names: a boundary
/// `<base>-<access>`; a policy of a principal's role `<role>-<access>[-N]`; otherwise
/// `<base>-<access>[-N]`. An inline policy is named by its level.
pub fn policy_name(model: &Model, boundaries: &Boundaries, access: &Access, i: usize) -> String {
    if access.aws_inline {
        return access.name.clone();
    }
    if boundaries.contains(&access.name) {
        return model.deployment.boundary_policy_name(&access.name);
    }
    let suffix = match i {
        0 => access.name.replace('_', "-"),
        n => format!("{}-{}", access.name.replace('_', "-"), n + 1),
    };
    let base = match super::principal_of(model, access).filter(|p| p.has_aws_role()) {
        Some(p) => super::terraform::aws::role_name(model, &p.name),
        None => model.deployment.base_name(),
    };
    format!("{base}-{suffix}")
}

/// The levels whose policies are permissions boundaries: a principal's `aws boundary`
/// or a `roles under` names them. Found in one pass over the model, then asked per
/// level (asking the whole model per level is quadratic).
pub struct Boundaries<'m> {
    deployment: &'m crate::model::DeploymentInfo,
    /// The levels named by `aws boundary`.
    named: std::collections::BTreeSet<&'m str>,
    /// The values of every `iam:PermissionsBoundary` condition.
    arns: std::collections::BTreeSet<&'m str>,
}

impl<'m> Boundaries<'m> {
    pub fn of(model: &'m Model) -> Self {
        let named = model
            .principals
            .iter()
            .filter_map(|p| p.aws_boundary.as_deref())
            .collect();
        let arns = model
            .accesses
            .iter()
            .flat_map(|a| &a.aws)
            .flat_map(|st| st.conditions.values())
            .filter_map(|keys| keys.get(crate::vocab::iam_roles::BOUNDARY_KEY))
            .flatten()
            .map(String::as_str)
            .collect();
        Boundaries {
            deployment: &model.deployment,
            named,
            arns,
        }
    }

    /// Whether the policy of level `access` is a permissions boundary.
    pub fn contains(&self, access: &str) -> bool {
        self.named.contains(access)
            || (!self.arns.is_empty()
                && self
                    .arns
                    .contains(self.deployment.boundary_policy_arn(access).as_str()))
    }
}

/// `aws/<principal>.role.json`: how the customer's role is made: its name, trust
/// policy, permissions boundary, the policies attached to it (every split part), its
/// inline policies and its instance profile, each policy by the file that holds it.
fn role_file(
    model: &Model,
    boundaries: &Boundaries,
    principal: &Principal,
    levels: &[&Access],
) -> Option<OutputFile> {
    if !principal.has_aws_role() {
        return None;
    }
    #[derive(Serialize)]
    struct PolicyRef {
        #[serde(rename = "PolicyName")]
        name: String,
        #[serde(rename = "PolicyDocument")]
        path: String,
        #[serde(rename = "Access")]
        access: String,
    }
    #[derive(Serialize)]
    struct RoleFile<'a> {
        #[serde(rename = "RoleName")]
        role_name: String,
        #[serde(rename = "Description")]
        description: String,
        #[serde(rename = "AssumeRolePolicyDocument")]
        trust: String,
        #[serde(
            rename = "PermissionsBoundary",
            skip_serializing_if = "Option::is_none"
        )]
        boundary: Option<PolicyRef>,
        #[serde(rename = "ManagedPolicies", skip_serializing_if = "Vec::is_empty")]
        managed: Vec<PolicyRef>,
        #[serde(rename = "AwsManagedPolicyArns", skip_serializing_if = "Vec::is_empty")]
        aws_managed: Vec<&'a str>,
        #[serde(rename = "InlinePolicies", skip_serializing_if = "Vec::is_empty")]
        inline: Vec<PolicyRef>,
        #[serde(
            rename = "InstanceProfileName",
            skip_serializing_if = "Option::is_none"
        )]
        instance_profile: Option<&'a str>,
    }
    let reference = |a: &Access, i: usize| PolicyRef {
        name: policy_name(model, boundaries, a, i),
        path: policy_path(a, i),
        access: a.name.clone(),
    };
    let mut doc = RoleFile {
        role_name: super::terraform::aws::role_name(model, &principal.name),
        description: role_description(model, principal),
        trust: format!("aws/{}.trust.json", principal.name),
        boundary: principal
            .aws_boundary
            .as_deref()
            .and_then(|b| super::access_named(model, b))
            .filter(|a| !a.aws.is_empty())
            .map(|a| reference(a, 0)),
        managed: Vec::new(),
        aws_managed: Vec::new(),
        inline: Vec::new(),
        instance_profile: principal.aws_instance_profile.as_deref(),
    };
    for &a in levels {
        for i in 0..policy_parts(a).len() {
            if a.aws_inline {
                doc.inline.push(reference(a, i));
            } else {
                doc.managed.push(reference(a, i));
            }
        }
        doc.aws_managed
            .extend(a.aws_managed.iter().map(String::as_str));
    }
    doc.aws_managed.sort_unstable();
    doc.aws_managed.dedup();
    Some(OutputFile::of_principal(
        Target::Aws,
        format!("aws/{}.role.json", principal.name),
        kind::ROLE,
        &principal.name,
        to_json(&doc),
    ))
}

/// A role's description: `engc: <deployment> principal <name>`.
pub fn role_description(model: &Model, principal: &Principal) -> String {
    format!(
        "engc: {} principal {}",
        model.deployment.name, principal.name
    )
}

/// `aws/<principal>.trust.json`, for a principal with an AWS role.
pub(crate) fn trust_file(principal: &Principal) -> Option<OutputFile> {
    if !principal.has_aws_role() {
        return None;
    }
    let statements = trust_statements(principal);
    Some(OutputFile::of_principal(
        Target::Aws,
        format!("aws/{}.trust.json", principal.name),
        kind::TRUST_POLICY,
        &principal.name,
        to_json(&TrustPolicy::with(&statements, Dialect::Plain)),
    ))
}

/// The size of `principal`'s trust policy as IAM counts it, measured without writing
/// it; none without an AWS role.
pub fn trust_size(principal: &Principal) -> Option<usize> {
    if !principal.has_aws_role() {
        return None;
    }
    let vendor = principal.aws_role.as_ref().map(vendor_trust);
    Some(trust_policy_size(vendor.iter().chain(&principal.aws_trust)))
}

/// The statements of a principal's trust policy: the vendor's role (`aws role`), then
/// each `aws trust` in source order.
pub fn trust_statements(principal: &Principal) -> Vec<TrustStatement> {
    let mut out = Vec::new();
    if let Some(role) = &principal.aws_role {
        out.push(vendor_trust(role));
    }
    out.extend(principal.aws_trust.iter().cloned());
    out
}

/// `aws role "ARN" [external_id "ID"]` as a trust statement.
fn vendor_trust(role: &AwsRole) -> TrustStatement {
    let mut conditions = BTreeMap::new();
    if let Some(id) = &role.external_id {
        conditions.insert(
            "StringEquals".to_string(),
            BTreeMap::from([("sts:ExternalId".to_string(), vec![id.clone()])]),
        );
    }
    TrustStatement {
        sid: None,
        principal_key: "AWS",
        principals: vec![role.arn.clone()],
        actions: vec!["sts:AssumeRole".to_string()],
        conditions,
        span: crate::source::Span::default(),
    }
}

/// The trust policy of a principal's role, as compact JSON (for Terraform).
pub fn trust_document(principal: &Principal) -> String {
    to_compact_json(&TrustPolicy::with(
        &trust_statements(principal),
        Dialect::Plain,
    ))
}

/// Each policy of an access level (the split parts, in order), as compact JSON. An
/// inline policy is never split.
pub fn policy_documents(access: &Access) -> Vec<String> {
    policy_parts(access)
        .iter()
        .map(|part| to_compact_json(&PolicyDocument::new(part)))
        .collect()
}

/// The policies of a level: one inline policy, or managed policies split to fit.
/// Borrowed when the level's statements make one policy as they are: the AWS, Terraform
/// and CloudFormation backends and the role file each ask, and most levels fit.
pub fn policy_parts(access: &Access) -> Vec<Cow<'_, [AwsStatement]>> {
    if access.aws.is_empty() {
        Vec::new()
    } else if access.aws_inline || fits_whole(&access.aws) {
        vec![Cow::Borrowed(&access.aws[..])]
    } else {
        split_policy(&access.aws, MANAGED_POLICY_SIZE_LIMIT)
            .into_iter()
            .map(Cow::Owned)
            .collect()
    }
}

/// Whether [`split_policy`] would leave `statements` whole, as one policy: it does when
/// their sizes fit together (no statement is then cut, none overflows);
/// [`statement_size`] measures them without serializing.
fn fits_whole(statements: &[AwsStatement]) -> bool {
    let mut n = empty_policy_size();
    for st in statements {
        n += statement_size(st) + 1;
        if n > MANAGED_POLICY_SIZE_LIMIT {
            return false;
        }
    }
    true
}

/// A policy document of `statements`, as compact JSON.
pub fn policy_document_compact(statements: &[AwsStatement]) -> String {
    to_compact_json(&PolicyDocument::new(statements))
}

#[derive(Serialize)]
pub(crate) struct TrustPolicy<'a> {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: Vec<TrustStatementJson<'a>>,
}

/// One trust statement; keys in the order Sid, Effect, Principal, Action, Condition.
#[derive(Serialize)]
struct TrustStatementJson<'a> {
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Principal")]
    principal: BTreeMap<&'static str, OneOrMany<'a>>,
    #[serde(rename = "Action")]
    action: OneOrMany<'a>,
    #[serde(rename = "Condition", skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<&'a str, BTreeMap<&'a str, OneOrMany<'a>>>,
}

impl<'a> TrustPolicy<'a> {
    /// The trust policy with its strings written in `d`.
    pub(crate) fn with(statements: &'a [TrustStatement], d: Dialect<'a>) -> Self {
        TrustPolicy {
            version: POLICY_VERSION,
            statement: statements
                .iter()
                .map(|t| TrustStatementJson {
                    sid: t.sid.as_deref(),
                    effect: "Allow",
                    principal: BTreeMap::from([(t.principal_key, OneOrMany(&t.principals, d))]),
                    action: OneOrMany(&t.actions, d),
                    condition: conditions_json(&t.conditions, d),
                })
                .collect(),
        }
    }
}

fn conditions_json<'a>(
    conditions: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
    d: Dialect<'a>,
) -> BTreeMap<&'a str, BTreeMap<&'a str, OneOrMany<'a>>> {
    conditions
        .iter()
        .map(|(op, keys)| {
            let keys = keys
                .iter()
                .map(|(k, v)| (k.as_str(), OneOrMany(v, d)))
                .collect();
            (op.as_str(), keys)
        })
        .collect()
}

fn scp_file(scp: &Scp) -> OutputFile {
    let path = format!("aws/{}.scp.json", scp.name);
    OutputFile {
        ou: Some(scp.ou.clone()),
        ..OutputFile::new(
            Target::Aws,
            path,
            kind::SCP,
            policy_document(&scp.statements),
        )
    }
}

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
use std::collections::BTreeMap;

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
    let mut files = Vec::new();
    for access in &model.accesses {
        files.extend(access_files(access));
    }
    let boundaries = Boundaries::of(model);
    let levels = super::levels_by_principal(model);
    for principal in &model.principals {
        files.extend(trust_file(principal));
        let own = levels
            .get(principal.name.as_str())
            .map_or(&[][..], Vec::as_slice);
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

fn trust_file(principal: &Principal) -> Option<OutputFile> {
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
pub fn policy_parts(access: &Access) -> Vec<Vec<AwsStatement>> {
    if access.aws_inline {
        if access.aws.is_empty() {
            Vec::new()
        } else {
            vec![access.aws.clone()]
        }
    } else {
        split_policy(&access.aws, MANAGED_POLICY_SIZE_LIMIT)
    }
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

// ---------------------------------------------------------------------------------------
// Serialization

#[derive(Serialize)]
pub(crate) struct PolicyDocument<'a> {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: Vec<StatementJson<'a>>,
}

impl<'a> PolicyDocument<'a> {
    fn new(statements: &'a [AwsStatement]) -> Self {
        Self::with(statements, Dialect::Plain)
    }

    /// The policy with its strings written in `d`.
    pub(crate) fn with(statements: &'a [AwsStatement], d: Dialect<'a>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION,
            statement: statements
                .iter()
                .map(|st| StatementJson::new(st, d))
                .collect(),
        }
    }

    /// A resource policy: each statement with its `Principal`.
    pub(crate) fn resource(statements: &'a [ResourceStatement], d: Dialect<'a>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION,
            statement: statements
                .iter()
                .map(|st| StatementJson {
                    principal: Some(PrincipalJson::new(&st.principal, d)),
                    ..StatementJson::new(&st.statement, d)
                })
                .collect(),
        }
    }
}

/// `"*"`, or `{"AWS": ..., "Service": ...}`.
#[derive(Serialize)]
#[serde(untagged)]
enum PrincipalJson<'a> {
    Any(&'static str),
    Named {
        #[serde(rename = "AWS", skip_serializing_if = "Option::is_none")]
        aws: Option<OneOrMany<'a>>,
        #[serde(rename = "Service", skip_serializing_if = "Option::is_none")]
        service: Option<OneOrMany<'a>>,
    },
}

impl<'a> PrincipalJson<'a> {
    fn new(p: &'a PolicyPrincipal, d: Dialect<'a>) -> Self {
        if p.any {
            return PrincipalJson::Any("*");
        }
        let list = |l: &'a [String]| (!l.is_empty()).then_some(OneOrMany(l, d));
        PrincipalJson::Named {
            aws: list(&p.aws),
            service: list(&p.service),
        }
    }
}

/// One statement; keys in the order Sid, Effect, Principal (resource policies),
/// Action/NotAction, Resource/NotResource, Condition.
#[derive(Serialize)]
struct StatementJson<'a> {
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    principal: Option<PrincipalJson<'a>>,
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none")]
    action: Option<OneOrMany<'a>>,
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none")]
    not_action: Option<OneOrMany<'a>>,
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    resource: Option<OneOrMany<'a>>,
    #[serde(rename = "NotResource", skip_serializing_if = "Option::is_none")]
    not_resource: Option<OneOrMany<'a>>,
    #[serde(rename = "Condition", skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<&'a str, BTreeMap<&'a str, OneOrMany<'a>>>,
}

impl<'a> StatementJson<'a> {
    fn new(st: &'a AwsStatement, d: Dialect<'a>) -> Self {
        let actions = Some(OneOrMany(&st.actions, d));
        let resources = Some(OneOrMany(&st.resources, d));
        StatementJson {
            sid: st.sid.as_deref(),
            principal: None,
            effect: match st.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
            action: if st.not_action { None } else { actions },
            not_action: if st.not_action { actions } else { None },
            resource: if st.not_resource { None } else { resources },
            not_resource: if st.not_resource { resources } else { None },
            condition: conditions_json(&st.conditions, d),
        }
    }
}

/// A list written as a JSON string when it has exactly one element, else as an array.
#[derive(Clone, Copy)]
struct OneOrMany<'a>(&'a [String], Dialect<'a>);

impl Serialize for OneOrMany<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => Txt(one, self.1).serialize(s),
            many => s.collect_seq(many.iter().map(|m| Txt(m, self.1))),
        }
    }
}

/// How a document's strings are written: as they are, or for a tool that fills
/// placeholders itself (CloudFormation: `{"Fn::Sub": ...}` where a string holds one;
/// the function renders such a string).
#[derive(Clone, Copy)]
pub(crate) enum Dialect<'a> {
    Plain,
    Sub(&'a dyn Fn(&str) -> String),
}

/// A string in a [`Dialect`].
#[derive(Clone, Copy)]
struct Txt<'a>(&'a str, Dialect<'a>);

impl Serialize for Txt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.1 {
            Dialect::Sub(render) if super::template::has_substitutions(self.0) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Fn::Sub", &render(self.0))?;
                m.end()
            }
            _ => s.serialize_str(self.0),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Splitting

/// The size of one statement as it appears inside a policy.
fn statement_size(st: &AwsStatement) -> usize {
    let mut count = Counter(0);
    serde_json::to_writer(&mut count, &StatementJson::new(st, Dialect::Plain))
        .expect("backend structs always serialize");
    count.0
}

/// Counts what [`policy_size`] counts (characters other than white space) of the
/// compact JSON written to it, without keeping the text: the size check and the
/// splitter measure every statement.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A character is a byte that does not continue a UTF-8 sequence.
        self.0 += buf
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80 && !b.is_ascii_whitespace())
            .count();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of a policy with no statements: `{"Version":"2012-10-17","Statement":[]}`.
fn empty_policy_size() -> usize {
    policy_size(&to_compact_json(&PolicyDocument::new(&[])))
}

/// Whether a managed policy holding `st` alone stays within the size limit (the size
/// check's common case, decided without building the document).
pub fn fits_alone(st: &AwsStatement) -> bool {
    empty_policy_size() + statement_size(st) <= MANAGED_POLICY_SIZE_LIMIT
}

/// Splits `statements` into policies of at most `limit` characters (white space
/// excluded), keeping their order: statements are packed greedily into a policy until the
/// next one would not fit. A statement too large on its own is first cut into several
/// statements by chunks of its `Action` list (each chunk keeps the resources and
/// conditions), and a single action still too large by chunks of its `Resource` list;
/// the pieces' Sids get a numeric suffix (`Sid`, `Sid2`, `Sid3`...). `NotAction` and
/// `NotResource` lists are never cut (that would change what the statement means), so a
/// part may still exceed `limit`: the size check reports it.
///
/// Empty input gives no policy.
pub fn split_policy(statements: &[AwsStatement], limit: usize) -> Vec<Vec<AwsStatement>> {
    let header = empty_policy_size();
    let budget = limit.saturating_sub(header);
    let mut parts = Vec::new();
    let mut current: Vec<AwsStatement> = Vec::new();
    let mut current_size = header;
    // Sids already in use, so that the pieces of a split statement get fresh ones.
    let mut taken: std::collections::BTreeSet<String> =
        statements.iter().filter_map(|s| s.sid.clone()).collect();
    for st in statements {
        for piece in split_statement(st, budget, &mut taken) {
            let size = statement_size(&piece);
            let separator = usize::from(!current.is_empty());
            if !current.is_empty() && current_size + separator + size > limit {
                parts.push(std::mem::take(&mut current));
                current_size = header;
            }
            current_size += usize::from(!current.is_empty()) + size;
            current.push(piece);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Cuts one statement so that each piece is at most `budget` characters when it can.
/// How many policies [`split_policy`] makes of `statements`, measured without building
/// them where no statement needs cutting.
pub fn policy_count(statements: &[AwsStatement], limit: usize) -> usize {
    let header = empty_policy_size();
    let sizes: Vec<usize> = statements.iter().map(statement_size).collect();
    if sizes.iter().any(|s| *s > limit.saturating_sub(header)) {
        return split_policy(statements, limit).len();
    }
    let (mut parts, mut current) = (0, None::<usize>);
    for size in sizes {
        current = match current {
            Some(c) if c + 1 + size <= limit => Some(c + 1 + size),
            Some(_) | None => {
                parts += 1;
                Some(header + size)
            }
        };
    }
    parts
}

fn split_statement(
    st: &AwsStatement,
    budget: usize,
    taken: &mut std::collections::BTreeSet<String>,
) -> Vec<AwsStatement> {
    if statement_size(st) <= budget {
        return vec![st.clone()];
    }
    // Room for the Sid suffix: never more pieces than actions x resources.
    let reserve = match st.sid {
        Some(_) => decimal_digits(st.actions.len().max(1) * st.resources.len().max(1)),
        None => 0,
    };
    let inner = budget.saturating_sub(reserve);
    let mut pieces = Vec::new();
    if !st.not_action && st.actions.len() > 1 {
        // Cloned once: cloning `st` for each candidate chunk copied the whole action
        // list every time, quadratic in its length.
        let rest = AwsStatement {
            actions: Vec::new(),
            ..st.clone()
        };
        for chunk in chunk_list(&st.actions, inner, |actions| AwsStatement {
            actions: actions.to_vec(),
            ..rest.clone()
        }) {
            if statement_size(&chunk) > inner {
                pieces.extend(split_by_resources(&chunk, inner));
            } else {
                pieces.push(chunk);
            }
        }
    } else {
        pieces = split_by_resources(st, inner);
    }
    if pieces.len() > 1 {
        if let Some(sid) = &st.sid {
            let mut n = 1;
            for piece in pieces.iter_mut().skip(1) {
                // `Sid2`, `Sid3`... skipping any Sid another statement already has.
                let fresh = loop {
                    n += 1;
                    let candidate = format!("{sid}{n}");
                    if !taken.contains(&candidate) {
                        break candidate;
                    }
                };
                taken.insert(fresh.clone());
                piece.sid = Some(fresh);
            }
        }
    }
    pieces
}

fn split_by_resources(st: &AwsStatement, budget: usize) -> Vec<AwsStatement> {
    if st.not_resource || st.resources.len() <= 1 {
        return vec![st.clone()];
    }
    // Cloned once, as in `split_statement`.
    let rest = AwsStatement {
        resources: Vec::new(),
        ..st.clone()
    };
    chunk_list(&st.resources, budget, |resources| AwsStatement {
        resources: resources.to_vec(),
        ..rest.clone()
    })
}

/// Greedy, in order: each chunk takes items while the statement `make` builds from it
/// stays within `budget` (a single item too large is a chunk of its own).
fn chunk_list(
    items: &[String],
    budget: usize,
    make: impl Fn(&[String]) -> AwsStatement,
) -> Vec<AwsStatement> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for end in 1..=items.len() {
        if end - start > 1 && statement_size(&make(&items[start..end])) > budget {
            chunks.push(make(&items[start..end - 1]));
            start = end - 1;
        }
    }
    if start < items.len() {
        chunks.push(make(&items[start..]));
    }
    chunks
}

fn decimal_digits(n: usize) -> usize {
    n.to_string().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::{file, sample_model, statement};

    fn paths(files: &[OutputFile]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    fn check_all_json(files: &[OutputFile]) {
        for f in files {
            assert!(f.contents.ends_with("}\n"), "{}", f.path);
            serde_json::from_str::<serde::de::IgnoredAny>(&f.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", f.path));
        }
    }

    #[test]
    fn emits_the_expected_files() {
        let model = sample_model();
        let files = emit(&model);
        assert_eq!(emit(&model), files, "byte-identical on a second run");
        check_all_json(&files);
        insta::assert_snapshot!(paths(&files).join("\n"));
    }

    #[test]
    fn bucket_and_key_policies() {
        let mut model = sample_model();
        model.resource_policies = crate::backend::test_model::resource_policies();
        let files = emit(&model);
        check_all_json(&files);
        let bucket = file(&files, "aws/datasets.bucket-policy.json");
        assert_eq!(bucket.kind, kind::BUCKET_POLICY);
        assert_eq!(bucket.store.as_deref(), Some("datasets"));
        insta::assert_snapshot!("bucket_policy", bucket.contents);
        let v: serde_json::Value = serde_json::from_str(&bucket.contents).unwrap();
        assert_eq!(v["Statement"][1]["Principal"], "*");
        assert_eq!(
            v["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::754784422779:role/chalk-api-server"
        );
        let key = file(&files, "aws/keys.key-policy.json");
        assert_eq!(key.kind, kind::KEY_POLICY);
        let v: serde_json::Value = serde_json::from_str(&key.contents).unwrap();
        assert_eq!(v["Statement"][0]["Resource"], "*");
    }

    #[test]
    fn ongoing_policy() {
        let files = emit(&sample_model());
        let f = file(&files, "aws/ongoing.policy.json");
        assert_eq!(f.kind, kind::POLICY);
        assert_eq!(f.access.as_deref(), Some("ongoing"));
        assert_eq!(f.principal.as_deref(), Some("chalk_api"));
        insta::assert_snapshot!(f.contents);
    }

    #[test]
    fn logs_policy_single_elements_are_strings() {
        let files = emit(&sample_model());
        let f = file(&files, "aws/logs.policy.json");
        insta::assert_snapshot!(f.contents);
        #[derive(serde::Deserialize)]
        #[allow(non_snake_case)]
        struct Doc {
            Version: String,
            Statement: Vec<serde_json::Map<String, serde_json::Value>>,
        }
        let doc: Doc = serde_json::from_str(&f.contents).unwrap();
        assert_eq!(doc.Version, "2012-10-17");
        let deny = &doc.Statement[1];
        assert_eq!(deny["Action"], serde_json::json!("logs:StopQuery"));
        assert_eq!(deny["Resource"], serde_json::json!("*"));
        assert!(!deny.contains_key("Condition"));
        assert!(!deny.contains_key("Sid"));
        assert!(doc.Statement[0]["Action"].is_array());
    }

    #[test]
    fn statement_key_order() {
        let mut st = statement(Some("S1"), &["a:B", "a:C"], &["r1"]);
        st.not_action = true;
        st.not_resource = true;
        st.effect = Effect::Deny;
        st.conditions.insert(
            "StringEquals".into(),
            [("aws:RequestTag/x".to_string(), vec!["true".to_string()])]
                .into_iter()
                .collect(),
        );
        st.conditions.insert(
            "ForAnyValue:StringLike".into(),
            [(
                "aws:TagKeys".to_string(),
                vec!["a*".to_string(), "b*".to_string()],
            )]
            .into_iter()
            .collect(),
        );
        let text = policy_document(&[st]);
        insta::assert_snapshot!(text);
        let order = [
            "\"Sid\"",
            "\"Effect\"",
            "\"NotAction\"",
            "\"NotResource\"",
            "\"Condition\"",
        ];
        let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(!text.contains("\"Action\"") && !text.contains("\"Resource\""));
    }

    #[test]
    fn managed_trust_and_scp() {
        let files = emit(&sample_model());
        let managed = file(&files, "aws/setup.managed.json");
        assert_eq!(managed.kind, kind::MANAGED_POLICIES);
        insta::assert_snapshot!("managed", managed.contents);

        let trust = file(&files, "aws/chalk_api.trust.json");
        assert_eq!(trust.kind, kind::TRUST_POLICY);
        assert_eq!(trust.principal.as_deref(), Some("chalk_api"));
        assert_eq!(trust.access, None);
        insta::assert_snapshot!("trust", trust.contents);
        assert!(trust
            .contents
            .starts_with("{\n  \"Version\": \"2012-10-17\",\n"));

        // no external id: no Condition
        let trust = file(&files, "aws/chalk_workload.trust.json");
        assert!(!trust.contents.contains("Condition"), "{}", trust.contents);

        let scp = file(&files, "aws/tag_guard.scp.json");
        assert_eq!(scp.kind, kind::SCP);
        assert_eq!(scp.ou.as_deref(), Some("ou-abcd-11111111"));
        insta::assert_snapshot!("scp", scp.contents);
    }

    #[test]
    fn policy_size_ignores_white_space_only() {
        assert_eq!(policy_size("{ \"a b\" :\n\t[1] }\n"), 10);
        assert_eq!(policy_size(""), 0);
        assert_eq!(policy_size("é"), 1);
        assert_eq!(
            empty_policy_size(),
            r#"{"Version":"2012-10-17","Statement":[]}"#.len()
        );
        // pretty and compact render to the same size
        let st = statement(
            Some("A"),
            &["s3:GetObject", "s3:PutObject"],
            &["arn:aws:s3:::b/*"],
        );
        let pretty = policy_document(std::slice::from_ref(&st));
        let compact = to_compact_json(&PolicyDocument::new(std::slice::from_ref(&st)));
        assert_eq!(policy_size(&pretty), policy_size(&compact));
        assert_eq!(
            policy_size(&pretty),
            empty_policy_size() + statement_size(&st)
        );
    }

    fn many_actions(prefix: &str, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{prefix}:SomeRatherLongActionName{i:04}"))
            .collect()
    }

    /// The pieces, read in order, cover each input statement's (action, resource) pairs
    /// exactly once and in order (so every action appears, in order, and only in the
    /// pieces of its statement), with the same effect, negations and conditions.
    fn assert_split_faithful(input: &[AwsStatement], parts: &[Vec<AwsStatement>]) {
        let mut flat = parts.iter().flatten();
        for st in input {
            let expected: Vec<(&String, &String)> = st
                .actions
                .iter()
                .flat_map(|a| st.resources.iter().map(move |r| (a, r)))
                .collect();
            let mut seen = Vec::new();
            let mut actions = Vec::new();
            while seen.len() < expected.len() {
                let piece = flat.next().expect("pieces missing");
                assert_eq!(piece.effect, st.effect);
                assert_eq!(piece.not_action, st.not_action);
                assert_eq!(piece.not_resource, st.not_resource);
                assert_eq!(piece.conditions, st.conditions);
                match (&st.sid, &piece.sid) {
                    (None, None) => {}
                    (Some(base), Some(sid)) => assert!(
                        sid == base
                            || sid
                                .strip_prefix(base.as_str())
                                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2)),
                        "{sid} from {base}"
                    ),
                    other => panic!("sid changed: {other:?}"),
                }
                for a in &piece.actions {
                    if actions.last() != Some(a) {
                        actions.push(a.clone());
                    }
                    for r in &piece.resources {
                        seen.push((a, r));
                    }
                }
            }
            assert_eq!(seen, expected, "pairs of {:?}", st.sid);
            assert_eq!(actions, st.actions, "each action once, in order");
        }
        assert!(flat.next().is_none(), "no extra statements");
    }

    fn assert_parts_fit(parts: &[Vec<AwsStatement>], limit: usize) {
        for (n, part) in parts.iter().enumerate() {
            let size = policy_size(&policy_document(part));
            assert!(size <= limit, "part {} is {size} > {limit}", n + 1);
        }
    }

    #[test]
    fn small_policy_is_not_split() {
        let model = sample_model();
        let ongoing = &model
            .accesses
            .iter()
            .find(|a| a.name == "ongoing")
            .unwrap()
            .aws;
        let parts = split_policy(ongoing, MANAGED_POLICY_SIZE_LIMIT);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].len(), ongoing.len());
        assert!(split_policy(&[], MANAGED_POLICY_SIZE_LIMIT).is_empty());
    }

    /// `policy_count` (the size check's) agrees with `split_policy` (the writer's), for
    /// statements of every size around the limits, cut or not.
    #[test]
    fn policy_count_is_the_number_of_parts() {
        let sizes = [1, 3, 10, 40, 90, 150, 400];
        for limit in [300, 1_000, 2_048, MANAGED_POLICY_SIZE_LIMIT] {
            for n in 0..sizes.len() {
                let input: Vec<AwsStatement> = sizes[..=n]
                    .iter()
                    .chain(sizes[..n].iter().rev())
                    .enumerate()
                    .map(|(i, k)| {
                        statement(
                            Some(&format!("S{i}")),
                            &many_actions(&format!("s{i}"), *k)[..],
                            &["*"],
                        )
                    })
                    .collect();
                assert_eq!(
                    policy_count(&input, limit),
                    split_policy(&input, limit).len(),
                    "limit {limit}, {} statements",
                    input.len()
                );
            }
        }
    }

    #[test]
    fn greedy_packing_by_statements() {
        // 6 statements of ~1,700 chars: 3 per policy.
        let input: Vec<AwsStatement> = (0..6)
            .map(|i| {
                statement(
                    Some(&format!("S{i}")),
                    &many_actions(&format!("svc{i}"), 40)[..],
                    &["*"],
                )
            })
            .collect();
        let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
        assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
        assert_split_faithful(&input, &parts);
        assert!(parts.len() >= 2);
        // no statement was cut
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 6);
        // greedy: nothing from the next part would have fitted
        for w in parts.windows(2) {
            let mut joined = w[0].clone();
            joined.push(w[1][0].clone());
            assert!(policy_size(&policy_document(&joined)) > MANAGED_POLICY_SIZE_LIMIT);
        }
    }

    #[test]
    fn one_huge_statement_is_cut_by_actions() {
        let actions = many_actions("ec2", 500);
        let mut big = statement(Some("Big"), &actions[..], &["arn:aws:ec2:*:*:instance/*"]);
        big.conditions.insert(
            "StringEquals".into(),
            [(
                "aws:ResourceTag/managed".to_string(),
                vec!["true".to_string()],
            )]
            .into_iter()
            .collect(),
        );
        let small = statement(Some("Small"), &["s3:GetObject"], &["*"]);
        let input = vec![small.clone(), big, small];
        let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
        assert!(parts.len() >= 3, "{}", parts.len());
        assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
        assert_split_faithful(&input, &parts);

        let sids: Vec<&str> = parts
            .iter()
            .flatten()
            .map(|s| s.sid.as_deref().unwrap())
            .collect();
        assert_eq!(sids[0], "Small");
        assert_eq!(sids[1], "Big");
        assert_eq!(sids[2], "Big2");
        assert_eq!(*sids.last().unwrap(), "Small");
        let mut unique = sids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), sids.len() - 1, "only Small repeats: {sids:?}");

        let summary: String = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let stmts: Vec<String> = p
                    .iter()
                    .map(|s| format!("{}({})", s.sid.as_deref().unwrap(), s.actions.len()))
                    .collect();
                format!(
                    "part {}: size {} {}\n",
                    i + 1,
                    policy_size(&policy_document(p)),
                    stmts.join(" ")
                )
            })
            .collect();
        insta::assert_snapshot!(summary);
    }

    #[test]
    fn cut_without_sid_and_by_resources() {
        let resources: Vec<String> = (0..400)
            .map(|i| format!("arn:aws:s3:::some-customer-bucket-{i:04}/*"))
            .collect();
        let mut st = statement(None, &["s3:GetObject"], &resources[..]);
        st.sid = None;
        let input = vec![st];
        let parts = split_policy(&input, MANAGED_POLICY_SIZE_LIMIT);
        assert!(parts.len() > 1);
        assert_parts_fit(&parts, MANAGED_POLICY_SIZE_LIMIT);
        assert_split_faithful(&input, &parts);
        assert!(parts.iter().flatten().all(|s| s.sid.is_none()));
        let all: Vec<&String> = parts.iter().flatten().flat_map(|s| &s.resources).collect();
        assert_eq!(all.len(), 400);
    }

    #[test]
    fn not_action_is_never_cut() {
        let mut st = statement(Some("Deny"), &many_actions("iam", 400)[..], &["*"]);
        st.not_action = true;
        st.effect = Effect::Deny;
        let parts = split_policy(std::slice::from_ref(&st), MANAGED_POLICY_SIZE_LIMIT);
        assert_eq!(parts.len(), 1);
        assert_eq!(policy_document(&parts[0]), policy_document(&[st]));
    }

    #[test]
    fn emit_names_split_parts() {
        let mut model = sample_model();
        let access = model
            .accesses
            .iter_mut()
            .find(|a| a.name == "logs")
            .unwrap();
        access.aws = vec![statement(
            Some("Big"),
            &many_actions("logs", 600)[..],
            &["*"],
        )];
        let files = emit(&model);
        let names: Vec<&str> = paths(&files)
            .into_iter()
            .filter(|p| p.starts_with("aws/logs"))
            .collect();
        assert!(names.len() >= 3, "{names:?}");
        assert!(names.contains(&"aws/logs.policy.json"));
        assert!(names.contains(&"aws/logs-2.policy.json"));
        assert!(names.contains(&"aws/logs-3.policy.json"));
        check_all_json(&files);
        for f in files.iter().filter(|f| f.path.starts_with("aws/logs")) {
            assert!(policy_size(&f.contents) <= MANAGED_POLICY_SIZE_LIMIT);
            assert_eq!(f.access.as_deref(), Some("logs"));
        }
    }

    #[test]
    fn sid_suffix_fits_when_the_budget_is_tight() {
        // Try a range of limits so that the suffix digits land right at the edge.
        let actions = many_actions("ec2", 60);
        let st = statement(Some("Tight"), &actions[..], &["*"]);
        for limit in 200..400 {
            let parts = split_policy(std::slice::from_ref(&st), limit);
            assert_parts_fit(&parts, limit);
            assert_split_faithful(std::slice::from_ref(&st), &parts);
        }
    }

    #[test]
    fn oversized_single_statement_is_kept_for_the_checker() {
        let st = statement(Some("One"), &many_actions("x", 1)[..], &["*"]);
        let parts = split_policy(std::slice::from_ref(&st), 10);
        assert_eq!(parts.len(), 1);
        assert_eq!(policy_document(&parts[0]), policy_document(&[st]));
    }

    #[test]
    fn split_sids_stay_unique() {
        let actions: Vec<String> = (0..400)
            .map(|i| format!("ec2:DescribeThing{i:04}"))
            .collect();
        let big = AwsStatement {
            sid: Some("Big".into()),
            effect: Effect::Allow,
            not_action: false,
            actions,
            not_resource: false,
            resources: vec!["*".into()],
            conditions: Default::default(),
            span: Default::default(),
        };
        let other = AwsStatement {
            sid: Some("Big2".into()),
            actions: vec!["s3:GetObject".into()],
            ..big.clone()
        };
        let parts = split_policy(&[big, other], MANAGED_POLICY_SIZE_LIMIT);
        let sids: Vec<String> = parts
            .iter()
            .flatten()
            .filter_map(|s| s.sid.clone())
            .collect();
        let unique: std::collections::BTreeSet<&String> = sids.iter().collect();
        assert!(sids.len() > 2);
        assert_eq!(unique.len(), sids.len(), "{sids:?}");
    }
}

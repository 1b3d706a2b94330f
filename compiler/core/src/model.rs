//! The checked, resolved deployment that backends turn into files. Strings here are
//! final except for parameters left unset, which stay `${name}` placeholders.
//! Collections are in a deterministic order (source order for statements, sorted for
//! sets); backends must not rely on hash-map order anywhere.

use crate::source::Span;
use crate::syntax::ast::{Cloud, Effect};
use std::collections::BTreeMap;

pub use crate::shared::Shared;

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub deployment: DeploymentInfo,
    /// Sorted by name.
    pub principals: Vec<Principal>,
    /// Sorted by name.
    pub networks: Vec<Network>,
    /// Sorted by name. Shared with the language server's memo (see [`Shared`]).
    pub accesses: Vec<Shared<Access>>,
    /// Sorted by name.
    pub scps: Vec<Scp>,
    /// The stores' resource policies, sorted by store name.
    pub resource_policies: Vec<ResourcePolicy>,
}

#[derive(Clone, Debug, Default)]
pub struct DeploymentInfo {
    pub name: String,
    /// Sorted, no duplicates.
    pub clouds: Vec<Cloud>,
    pub managed_tag: Option<(String, String)>,
    pub name_prefix: Option<String>,
    /// The GCP project id, filled from the parameter (`${project_id}` when unset):
    /// generated names (custom role names, service account emails) use it.
    pub project_id: String,
    /// The parameters `if` guards tested and their values (`vpc` -> `create`): which
    /// variant of the access levels this build is.
    pub modes: BTreeMap<String, String>,
}

impl DeploymentInfo {
    /// The base of generated names: the name prefix (unless it holds a placeholder),
    /// else the deployment's name, in lowercase with `-` for `_`.
    pub fn base_name(&self) -> String {
        let prefix = self
            .name_prefix
            .as_deref()
            .filter(|p| !crate::backend::template::has_params(p))
            .unwrap_or(&self.name);
        prefix.to_lowercase().replace('_', "-")
    }

    /// The name of the customer managed policy of a level, when it is a permissions
    /// boundary (fixed, so that conditions can name its ARN): `<base>-<access>`.
    pub fn boundary_policy_name(&self, access: &str) -> String {
        format!("{}-{}", self.base_name(), access.replace('_', "-"))
    }

    /// The ARN of that policy in the customer's account.
    pub fn boundary_policy_arn(&self, access: &str) -> String {
        format!(
            "arn:aws:iam::${{account_id}}:policy/{}",
            self.boundary_policy_name(access)
        )
    }
}

#[derive(Clone, Debug, Default)]
pub struct Principal {
    pub name: String,
    pub aws_role: Option<AwsRole>,
    /// `aws trust ...`, in source order, after the vendor's role in the trust policy.
    pub aws_trust: Vec<TrustStatement>,
    /// The instance profile's name (`aws instance_profile`).
    pub aws_instance_profile: Option<String>,
    /// The access level whose policy is the role's permissions boundary.
    pub aws_boundary: Option<String>,
    pub gcp_service_account: Option<GcpServiceAccount>,
    pub azure_principal: Option<String>,
    pub k8s_service_account: Option<K8sServiceAccount>,
}

impl Principal {
    /// Whether the customer creates an AWS role for it.
    pub fn has_aws_role(&self) -> bool {
        self.aws_role.is_some() || !self.aws_trust.is_empty()
    }
}

/// One statement of a role's trust policy.
#[derive(Clone, Debug)]
pub struct TrustStatement {
    pub sid: Option<String>,
    /// `AWS`, `Service` or `Federated`.
    pub principal_key: &'static str,
    /// Sorted, unique.
    pub principals: Vec<String>,
    /// Sorted, unique.
    pub actions: Vec<String>,
    /// operator -> key -> values (sorted).
    pub conditions: Conditions,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct AwsRole {
    /// The vendor's role that may assume the customer's role.
    pub arn: String,
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct GcpServiceAccount {
    /// `name@project.iam.gserviceaccount.com`, or a bare account id.
    pub account: String,
    /// Members allowed to impersonate it (`serviceAccount:...`).
    pub impersonated_by: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct K8sServiceAccount {
    pub name: String,
    pub namespace: String,
}

#[derive(Clone, Debug, Default)]
pub struct Network {
    pub name: String,
    /// The clouds the network is for (`for`, else its engines', else the targets'),
    /// sorted: the firewall resources are written for these.
    pub clouds: Vec<Cloud>,
    pub cidr: Option<String>,
    /// Source order.
    pub subnets: Vec<Subnet>,
    pub pods: Option<String>,
    pub services: Option<String>,
    pub psc: Option<String>,
    pub master: Option<String>,
    /// Source order.
    pub rules: Vec<NetRule>,
    /// Sorted, no duplicates.
    pub connects: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Subnet {
    pub name: String,
    pub cidr: String,
    pub zone: Option<String>,
    pub public: Option<String>,
    /// (name, block), source order.
    pub secondary: Vec<(String, String)>,
}

/// A firewall rule: `ingress` / `egress`, allowing traffic.
#[derive(Clone, Debug)]
pub struct NetRule {
    pub name: String,
    pub direction: crate::syntax::ast::Direction,
    pub protocol: crate::syntax::ast::Protocol,
    /// (first, last), source order; empty for `icmp` and `all`, and `[(1, 65535)]`
    /// for `tcp` or `udp` written without ports.
    pub ports: Vec<(u16, u16)>,
    /// Source order.
    pub peers: Vec<Peer>,
}

/// The other end of a rule, resolved: a subnet by name carries its block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    Cidr(String),
    Subnet { name: String, cidr: String },
    Tag(String),
}

impl Peer {
    /// The block, for a CIDR or a subnet.
    pub fn cidr(&self) -> Option<&str> {
        match self {
            Peer::Cidr(c) | Peer::Subnet { cidr: c, .. } => Some(c),
            Peer::Tag(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Access {
    pub name: String,
    pub principal: Option<String>,
    /// None for `scoped`; the stated reason for `unscoped`.
    pub unscoped_reason: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub span: Span,
    /// Source order; each statement's lists are sorted and deduplicated.
    pub aws: Vec<AwsStatement>,
    /// Full ARNs of AWS managed policies to attach, sorted.
    pub aws_managed: Vec<String>,
    /// `aws inline`: the policy is written whole, inline in the principal's role.
    pub aws_inline: bool,
    pub gcp: GcpRole,
    pub azure: AzureRole,
    /// Source order.
    pub k8s: Vec<K8sRole>,
    /// `gcp bind`, `azure assign`, `k8s bind`.
    pub bindings: Bindings,
    /// Where the GCP permissions and Azure operations that abstract grants gave came
    /// from: name -> the first grant that gave it (explicit ones have their own spans
    /// in the source).
    pub origins: BTreeMap<String, Span>,
}

/// Grants of roles that exist elsewhere (predefined, built-in, already in the cluster)
/// or bindings beside the level's own identity: `gcp bind`, `azure assign`, `k8s bind`.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    pub gcp: Vec<GcpBinding>,
    pub azure: Vec<AzureAssignment>,
    pub k8s: Vec<K8sBinding>,
}

impl Bindings {
    pub fn is_empty(&self) -> bool {
        self.gcp.is_empty() && self.azure.is_empty() && self.k8s.is_empty()
    }
}

/// One role bound on one GCP resource.
#[derive(Clone, Debug)]
pub struct GcpBinding {
    pub role: String,
    pub target: GcpTarget,
    /// The bucket name, service account email, project id, folder or organization id.
    pub resource: String,
    /// Sorted, without duplicates.
    pub members: Vec<String>,
    /// (title, CEL expression).
    pub condition: Option<(String, String)>,
    /// The members are the level's own identity (no `to`).
    pub own: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GcpTarget {
    Bucket,
    ServiceAccount,
    Project,
    Folder,
    Organization,
}

impl GcpTarget {
    pub fn parse(s: &str) -> Option<GcpTarget> {
        Some(match s {
            "bucket" => GcpTarget::Bucket,
            "service_account" => GcpTarget::ServiceAccount,
            "project" => GcpTarget::Project,
            "folder" => GcpTarget::Folder,
            "organization" => GcpTarget::Organization,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GcpTarget::Bucket => "bucket",
            GcpTarget::ServiceAccount => "service_account",
            GcpTarget::Project => "project",
            GcpTarget::Folder => "folder",
            GcpTarget::Organization => "organization",
        }
    }

    /// Whether a role bound here holds over every resource of a project or wider.
    pub fn project_wide(self) -> bool {
        matches!(
            self,
            GcpTarget::Project | GcpTarget::Folder | GcpTarget::Organization
        )
    }
}

/// One built-in Azure role assigned at one scope to some principals.
#[derive(Clone, Debug)]
pub struct AzureAssignment {
    /// The role's name as the catalog spells it (the id when given as one).
    pub role_name: String,
    /// The role definition's GUID.
    pub role_id: String,
    pub scope: String,
    /// Principal (object) ids, sorted, without duplicates.
    pub principals: Vec<String>,
    /// The principal is the level's own service principal (no `to`).
    pub own: bool,
    pub span: Span,
}

/// A RoleBinding (namespace set) or ClusterRoleBinding to a role of the cluster.
#[derive(Clone, Debug)]
pub struct K8sBinding {
    /// The role bound is a ClusterRole (a RoleBinding may bind one in a namespace).
    pub cluster_role: bool,
    pub role: String,
    pub namespace: Option<String>,
    pub subjects: Vec<K8sSubject>,
    /// The subject is the level's own service account (no `to`).
    pub own: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct K8sSubject {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: &'static str,
    pub name: String,
    /// ServiceAccounts only.
    pub namespace: Option<String>,
}

/// An IAM condition block: operator -> key -> values, sorted.
pub type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// A condition block as lines, one per operator and key (`StringEquals
/// aws:ResourceTag/k = v`), the values joined by `sep`: what the report and the diff show.
pub fn condition_lines(c: &Conditions, sep: &str) -> Vec<String> {
    c.iter()
        .flat_map(|(op, keys)| {
            keys.iter()
                .map(move |(k, v)| format!("{op} {k} = {}", v.join(sep)))
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct AwsStatement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub not_action: bool,
    pub actions: Vec<String>,
    pub not_resource: bool,
    /// Never empty: `["*"]` when the source named none.
    pub resources: Vec<String>,
    /// operator -> key -> values (sorted).
    pub conditions: Conditions,
    /// Where it came from, for `explain` and size diagnostics.
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct GcpRole {
    /// Custom role id, `[a-zA-Z0-9_.]{3,64}`.
    pub role_id: String,
    /// Sorted, unique.
    pub permissions: Vec<String>,
    /// Predefined roles to bind, sorted, unique.
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AzureRole {
    /// Source order, unique.
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub not_data_actions: Vec<String>,
    pub scopes: Vec<String>,
}

impl AzureRole {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
            && self.not_actions.is_empty()
            && self.data_actions.is_empty()
            && self.not_data_actions.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct K8sRole {
    pub name: String,
    /// None: a ClusterRole.
    pub namespace: Option<String>,
    /// Source order; each list deduplicated in order.
    pub rules: Vec<K8sRule>,
    /// The aggregation rule's selectors, each a list of (label, value) (ClusterRoles).
    pub aggregate: Vec<Vec<(String, String)>>,
    /// The role's labels.
    pub labels: Vec<(String, String)>,
    /// The explicit `k8s role`, or the first abstract grant that generated the role.
    pub span: Span,
    /// Where each rule came from: its `rule`, or the abstract grant that generated it.
    pub rule_spans: Vec<Span>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct K8sRule {
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Scp {
    pub name: String,
    /// The organizational unit it is attached to.
    pub ou: String,
    pub statements: Vec<AwsStatement>,
}

/// A store's resource policy: an S3 bucket policy or a KMS key policy.
#[derive(Clone, Debug)]
pub struct ResourcePolicy {
    pub store: String,
    pub kind: crate::vocab::resource_policies::Kind,
    /// What it is attached to: the bucket's name, or the key's id or ARN.
    pub target: String,
    /// Source order.
    pub statements: Vec<ResourceStatement>,
}

/// A statement of a resource policy: who, and the statement.
#[derive(Clone, Debug)]
pub struct ResourceStatement {
    pub principal: PolicyPrincipal,
    pub statement: AwsStatement,
}

/// A statement's `Principal`: `"*"` when `any`, else `AWS` and `Service`.
#[derive(Clone, Debug, Default)]
pub struct PolicyPrincipal {
    /// `*` and nothing else (with others, `*` is among `aws`).
    pub any: bool,
    /// Sorted, unique.
    pub aws: Vec<String>,
    /// Sorted, unique.
    pub service: Vec<String>,
}

impl Model {
    /// Every string that can hold a placeholder, replaced by `f(string)`: a batch build
    /// (`--customers`) fills one shared model with each customer's values.
    pub fn fill(&mut self, f: &dyn Fn(&str) -> String) {
        let one = |s: &mut String| {
            if s.contains("${") {
                *s = f(s);
            }
        };
        let all = |v: &mut Vec<String>| v.iter_mut().for_each(one);
        let d = &mut self.deployment;
        if let Some((k, v)) = &mut d.managed_tag {
            one(k);
            one(v);
        }
        d.name_prefix.iter_mut().for_each(one);
        one(&mut d.project_id);
        for p in &mut self.principals {
            if let Some(r) = &mut p.aws_role {
                one(&mut r.arn);
                r.external_id.iter_mut().for_each(one);
            }
            for t in &mut p.aws_trust {
                all(&mut t.principals);
                all(&mut t.actions);
                fill_conditions(&mut t.conditions, f);
            }
            p.aws_instance_profile.iter_mut().for_each(one);
            if let Some(g) = &mut p.gcp_service_account {
                one(&mut g.account);
                all(&mut g.impersonated_by);
            }
            p.azure_principal.iter_mut().for_each(one);
            if let Some(k) = &mut p.k8s_service_account {
                one(&mut k.name);
                one(&mut k.namespace);
            }
        }
        for n in &mut self.networks {
            n.cidr.iter_mut().for_each(one);
            n.pods.iter_mut().for_each(one);
            n.services.iter_mut().for_each(one);
            for s in &mut n.subnets {
                one(&mut s.cidr);
                s.zone.iter_mut().for_each(one);
                s.public.iter_mut().for_each(one);
            }
        }
        let statements = |sts: &mut Vec<AwsStatement>| {
            for st in sts {
                all(&mut st.actions);
                all(&mut st.resources);
                fill_conditions(&mut st.conditions, f);
            }
        };
        for a in &mut self.accesses {
            a.title.iter_mut().for_each(one);
            a.description.iter_mut().for_each(one);
            statements(&mut a.aws);
            all(&mut a.aws_managed);
            one(&mut a.gcp.role_id);
            all(&mut a.gcp.permissions);
            all(&mut a.gcp.roles);
            let z = &mut a.azure;
            for list in [
                &mut z.actions,
                &mut z.not_actions,
                &mut z.data_actions,
                &mut z.not_data_actions,
                &mut z.scopes,
            ] {
                all(list);
            }
            for b in &mut a.bindings.gcp {
                one(&mut b.resource);
                all(&mut b.members);
                if let Some((t, e)) = &mut b.condition {
                    one(t);
                    one(e);
                }
            }
            for z in &mut a.bindings.azure {
                one(&mut z.scope);
                all(&mut z.principals);
            }
            for k in &mut a.bindings.k8s {
                one(&mut k.role);
                k.namespace.iter_mut().for_each(one);
                for s in &mut k.subjects {
                    one(&mut s.name);
                    s.namespace.iter_mut().for_each(one);
                }
            }
            for r in &mut a.k8s {
                one(&mut r.name);
                r.namespace.iter_mut().for_each(one);
                for rule in &mut r.rules {
                    all(&mut rule.api_groups);
                    all(&mut rule.resources);
                    all(&mut rule.verbs);
                    all(&mut rule.resource_names);
                    all(&mut rule.non_resource_urls);
                }
            }
        }
        for s in &mut self.scps {
            one(&mut s.ou);
            statements(&mut s.statements);
        }
        for p in &mut self.resource_policies {
            one(&mut p.target);
            for st in &mut p.statements {
                all(&mut st.principal.aws);
                all(&mut st.principal.service);
            }
            let mut sts: Vec<AwsStatement> =
                p.statements.iter().map(|s| s.statement.clone()).collect();
            statements(&mut sts);
            for (st, filled) in p.statements.iter_mut().zip(sts) {
                st.statement = filled;
            }
        }
    }
}

/// Conditions (operator -> key -> values) with their placeholders filled by `f`.
fn fill_conditions(
    conditions: &mut BTreeMap<String, BTreeMap<String, Vec<String>>>,
    f: &dyn Fn(&str) -> String,
) {
    if conditions.values().any(|keys| {
        keys.iter()
            .any(|(k, v)| k.contains("${") || v.iter().any(|x| x.contains("${")))
    }) {
        *conditions = std::mem::take(conditions)
            .into_iter()
            .map(|(op, keys)| {
                let keys = keys
                    .into_iter()
                    .map(|(k, v)| (f(&k), v.iter().map(|x| f(x)).collect()))
                    .collect();
                (op, keys)
            })
            .collect();
    }
}

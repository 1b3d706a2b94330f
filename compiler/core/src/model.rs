//! The checked, resolved deployment that backends turn into files. Strings here are
//! final except for parameters left unset, which stay `${name}` placeholders.
//! Collections are in a deterministic order (source order for statements, sorted for
//! sets); backends must not rely on hash-map order anywhere.

use crate::source::Span;
use crate::syntax::ast::{Cloud, Effect};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub deployment: DeploymentInfo,
    /// Sorted by name.
    pub principals: Vec<Principal>,
    /// Sorted by name.
    pub networks: Vec<Network>,
    /// Sorted by name.
    pub accesses: Vec<Access>,
    /// Sorted by name.
    pub scps: Vec<Scp>,
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
}

#[derive(Clone, Debug, Default)]
pub struct Principal {
    pub name: String,
    pub aws_role: Option<AwsRole>,
    pub gcp_service_account: Option<GcpServiceAccount>,
    pub azure_principal: Option<String>,
    pub k8s_service_account: Option<K8sServiceAccount>,
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
    pub cidr: Option<String>,
    /// Source order.
    pub subnets: Vec<Subnet>,
    pub pods: Option<String>,
    pub services: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Subnet {
    pub name: String,
    pub cidr: String,
    pub zone: Option<String>,
    pub public: Option<String>,
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
    pub gcp: GcpRole,
    pub azure: AzureRole,
    /// Source order.
    pub k8s: Vec<K8sRole>,
    /// Where the GCP permissions and Azure operations that abstract grants gave came
    /// from: name -> the first grant that gave it (explicit ones have their own spans
    /// in the source).
    pub origins: BTreeMap<String, Span>,
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
    pub conditions: BTreeMap<String, BTreeMap<String, Vec<String>>>,
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

//! The typed syntax tree. Every node owns its spans; nothing borrows the source text.

use crate::source::{Span, Spanned};

pub type Name = Spanned<String>;
/// A string literal after unescaping; may hold `${param}` references.
pub type Str = Spanned<String>;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Cloud {
    Aws,
    Gcp,
    Azure,
}

impl Cloud {
    pub const ALL: [Cloud; 3] = [Cloud::Aws, Cloud::Gcp, Cloud::Azure];

    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Gcp => "gcp",
            Cloud::Azure => "azure",
        }
    }

    pub fn parse(s: &str) -> Option<Cloud> {
        match s {
            "aws" => Some(Cloud::Aws),
            "gcp" => Some(Cloud::Gcp),
            "azure" => Some(Cloud::Azure),
            _ => None,
        }
    }

    /// As people write it in prose: `AWS`, `GCP`, `Azure`.
    pub fn title(self) -> &'static str {
        match self {
            Cloud::Aws => "AWS",
            Cloud::Gcp => "GCP",
            Cloud::Azure => "Azure",
        }
    }
}

/// One parsed file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct File {
    pub items: Vec<Item>,
}

// An access level is the largest item, and the common one: boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Item {
    Use(Str),
    Deployment(Deployment),
    Principal(Principal),
    Network(Network),
    Engine(Engine),
    Store(Store),
    Access(Access),
    Grants(Grants),
    Scp(Scp),
    Kind(KindDecl),
    Component(ComponentDecl),
    Crd(Crd),
    Ack(Ack),
}

/// `ack W0402 "reason"`: acknowledges warnings of that code inside the enclosing block.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Ack {
    pub code: Spanned<String>,
    pub reason: Str,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    pub name: Name,
    pub span: Span,
    pub clouds: Vec<Spanned<Cloud>>,
    pub clouds_span: Option<Span>,
    pub managed_tag: Option<(Str, Str)>,
    pub name_prefix: Option<Str>,
    /// `scope by ...`: the default of every scoped level.
    pub scope_by: Option<ScopeBy>,
    pub params: Vec<Param>,
    /// `external var.vpc_id, ...`: another tool's references that strings may hold as
    /// `${var.vpc_id}`.
    pub externals: Vec<Name>,
    pub acks: Vec<Ack>,
    /// Settings given twice, for a diagnostic.
    #[serde(skip)] // empty in the stdlib (prepared_equals_a_parse checks)
    pub repeated: Vec<(Span, Span, &'static str)>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Param {
    pub name: Name,
    pub default: Option<Str>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    pub name: Name,
    pub span: Span,
    pub aws_role: Option<AwsRole>,
    /// `aws trust ...`: who else may assume the role, in source order.
    pub aws_trust: Vec<AwsTrust>,
    /// `aws instance_profile ["NAME"]`: the name, if given (else the role's name).
    pub aws_instance_profile: Option<Spanned<Option<Str>>>,
    /// `aws boundary ACCESS`: the level whose policy is the role's permissions boundary.
    pub aws_boundary: Option<Name>,
    pub gcp_service_account: Option<GcpServiceAccount>,
    pub azure_principal: Option<Str>,
    pub k8s_service_account: Option<K8sServiceAccount>,
    pub acks: Vec<Ack>,
    #[serde(skip)] // empty in the stdlib (prepared_equals_a_parse checks)
    pub repeated: Vec<(Span, Span, &'static str)>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AwsRole {
    pub arn: Str,
    pub external_id: Option<Str>,
    pub span: Span,
}

impl Principal {
    /// Whether the customer creates an AWS role for it.
    pub fn has_aws_role(&self) -> bool {
        self.aws_role.is_some() || !self.aws_trust.is_empty()
    }
}

/// Whom a trust statement names.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum TrustKind {
    /// An account (id or root ARN): `Principal.AWS`.
    Account,
    /// A role or user ARN: `Principal.AWS`.
    Role,
    /// A service principal such as `ec2.amazonaws.com`: `Principal.Service`.
    Service,
    /// An OIDC or SAML provider ARN, or a well-known provider: `Principal.Federated`.
    Federated,
    /// An OIDC issuer (`oidc.eks.REGION.amazonaws.com/id/ID`), whose provider in the
    /// customer's account is the federated principal.
    Oidc,
}

impl TrustKind {
    pub fn parse(s: &str) -> Option<TrustKind> {
        Some(match s {
            "account" => TrustKind::Account,
            "role" => TrustKind::Role,
            "service" => TrustKind::Service,
            "federated" => TrustKind::Federated,
            "oidc" => TrustKind::Oidc,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TrustKind::Account => "account",
            TrustKind::Role => "role",
            TrustKind::Service => "service",
            TrustKind::Federated => "federated",
            TrustKind::Oidc => "oidc",
        }
    }
}

/// `aws trust KIND STRINGS [service_account "SA" in "NS"] [actions STRINGS] [when ...] [as "SID"]`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AwsTrust {
    pub kind: Spanned<TrustKind>,
    pub principals: Vec<Str>,
    /// `service_account "NAME" in "NAMESPACE"` (with `oidc`): the `sub` it requires.
    pub service_account: Option<(Str, Str)>,
    /// None: the kind's default action.
    pub actions: Option<Vec<Str>>,
    pub conditions: Vec<Condition>,
    pub sid: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct GcpServiceAccount {
    pub account: Str,
    pub impersonated_by: Vec<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct K8sServiceAccount {
    pub name: Str,
    pub namespace: Str,
    pub span: Span,
}

/// A CIDR block as written; parsed and checked by `check::cidr`.
pub type CidrText = Spanned<String>;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Network {
    pub name: Name,
    pub span: Span,
    pub cloud: Option<Spanned<Cloud>>,
    pub cidr: Option<CidrText>,
    pub subnets: Vec<Subnet>,
    pub pods: Option<CidrText>,
    pub services: Option<CidrText>,
    /// GCP Private Service Connect range.
    pub psc: Option<CidrText>,
    /// A private cluster's control-plane range (GKE `master_ipv4_cidr_block`).
    pub master: Option<CidrText>,
    /// Source order.
    pub rules: Vec<NetRule>,
    /// Networks this one is peered or otherwise connected with.
    pub connects: Vec<Name>,
    pub acks: Vec<Ack>,
    #[serde(skip)] // empty in the stdlib (prepared_equals_a_parse checks)
    pub repeated: Vec<(Span, Span, &'static str)>,
}

impl Network {
    /// A network named `name` with nothing declared in it yet.
    pub fn empty(name: Name, span: Span) -> Network {
        Network {
            name,
            span,
            cloud: None,
            cidr: None,
            subnets: Vec::new(),
            pods: None,
            services: None,
            psc: None,
            master: None,
            rules: Vec::new(),
            connects: Vec::new(),
            acks: Vec::new(),
            repeated: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Subnet {
    pub name: Name,
    pub cidr: CidrText,
    pub zone: Option<Str>,
    pub public: Option<CidrText>,
    /// Named secondary ranges (GCP), source order.
    pub secondary: Vec<(Name, CidrText)>,
    pub span: Span,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

impl Protocol {
    pub fn parse(s: &str) -> Option<Protocol> {
        Some(match s {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "all" => Protocol::All,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        }
    }
}

/// The other end of a firewall rule.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Peer {
    Cidr(CidrText),
    /// `subnet NAME`: a subnet of the same network, by name.
    Subnet(Name),
    /// `tag "NAME"`: a GCP network tag or an Azure service tag.
    Tag(Str),
}

/// `ingress NAME PROTOCOL [PORTS] from PEERS` / `egress NAME PROTOCOL [PORTS] to PEERS`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NetRule {
    pub direction: Spanned<Direction>,
    pub name: Name,
    pub protocol: Spanned<Protocol>,
    /// As written (`443`, `8000-8999`); empty: every port.
    pub ports: Vec<Spanned<String>>,
    pub peers: Vec<Peer>,
    pub span: Span,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EngineMode {
    Create,
    Import,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Engine {
    pub name: Name,
    pub kind: Name,
    pub mode: Option<Spanned<EngineMode>>,
    pub network: Option<Name>,
    pub namespaces: Vec<Str>,
    pub components: Vec<Name>,
    pub acks: Vec<Ack>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Store {
    pub name: Name,
    pub kind: Name,
    /// Resource name pattern overriding `<prefix>-*`.
    pub resource_name: Option<Str>,
    /// `scope by ...`: overrides the level's and the deployment's for this store.
    pub scope_by: Option<ScopeBy>,
    /// The statements of its resource policy (bucket policy, key policy), in order.
    pub policy: Vec<PolicyStatement>,
    pub acks: Vec<Ack>,
    pub span: Span,
    #[serde(skip)] // empty in the stdlib (prepared_equals_a_parse checks)
    pub repeated: Vec<(Span, Span, &'static str)>,
}

/// A statement of a store's resource policy: an AWS statement with its principals.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PolicyStatement {
    /// Empty when `for` is missing (a diagnostic).
    pub principals: Vec<PolicyPrincipal>,
    pub statement: AwsStatement,
}

/// Who a resource policy statement is for.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum PolicyPrincipal {
    /// `"*"`, an account id, an IAM ARN or a service principal, as written.
    Literal(Str),
    /// A declared principal: its AWS role.
    Declared(Name),
}

impl PolicyPrincipal {
    pub fn span(&self) -> Span {
        match self {
            PolicyPrincipal::Literal(s) | PolicyPrincipal::Declared(s) => s.span,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    List,
    Read,
    Write,
    Tag,
    Permissions,
    Manage,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "list" => Level::List,
            "read" => Level::Read,
            "write" => Level::Write,
            "tag" => Level::Tag,
            "permissions" => Level::Permissions,
            "manage" => Level::Manage,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::List => "list",
            Level::Read => "read",
            Level::Write => "write",
            Level::Tag => "tag",
            Level::Permissions => "permissions",
            Level::Manage => "manage",
        }
    }

    /// The base levels a level stands for: `manage` is all of them.
    pub fn expand(self) -> &'static [Level] {
        match self {
            Level::Manage => &[
                Level::List,
                Level::Read,
                Level::Write,
                Level::Tag,
                Level::Permissions,
            ],
            Level::List => &[Level::List],
            Level::Read => &[Level::Read],
            Level::Write => &[Level::Write],
            Level::Tag => &[Level::Tag],
            Level::Permissions => &[Level::Permissions],
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum TargetKind {
    Engine,
    Store,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Engine => "engine",
            TargetKind::Store => "store",
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    Scoped,
    Unscoped(Str),
}

/// What bounds a scoped level's AWS resources: the managed tag, the name pattern, or
/// both (`scope by tag and name`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ScopeMode {
    Tag,
    Name,
    TagAndName,
}

impl ScopeMode {
    pub fn tag(self) -> bool {
        matches!(self, ScopeMode::Tag | ScopeMode::TagAndName)
    }

    pub fn name(self) -> bool {
        matches!(self, ScopeMode::Name | ScopeMode::TagAndName)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScopeMode::Tag => "tag",
            ScopeMode::Name => "name",
            ScopeMode::TagAndName => "tag and name",
        }
    }
}

/// A `scope by ...` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeBy {
    pub mode: ScopeMode,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Access {
    pub name: Name,
    pub principal: Option<Name>,
    pub scope: Spanned<Scope>,
    /// `scope by ...`: overrides the deployment's for this level's grants.
    pub scope_by: Option<ScopeBy>,
    pub title: Option<Str>,
    pub description: Option<Str>,
    pub within: Vec<Name>,
    pub grants: Vec<AbstractGrant>,
    pub aws: Vec<AwsStatement>,
    pub aws_managed: Vec<Str>,
    /// `aws inline`: the policy is inline in the principal's role.
    pub aws_inline: Option<Span>,
    /// `aws roles under BOUNDARY [on ROLES]`, in source order.
    pub aws_roles_under: Vec<RolesUnder>,
    pub gcp_permissions: Vec<Str>,
    pub gcp_roles: Vec<Str>,
    pub gcp_role_id: Option<Str>,
    pub azure: AzureLists,
    pub azure_scopes: Vec<Str>,
    pub k8s: Vec<K8sRole>,
    pub gcp_binds: Vec<GcpBind>,
    pub azure_assigns: Vec<AzureAssign>,
    pub k8s_binds: Vec<K8sBind>,
    pub acks: Vec<Ack>,
    pub span: Span,
    #[serde(skip)] // empty in the stdlib (prepared_equals_a_parse checks)
    pub repeated: Vec<(Span, Span, &'static str)>,
    /// `include` and `if` lines, in source order; expansion (`resolve::include`) puts
    /// their grants where they stand and leaves this empty.
    pub pieces: Vec<Piece>,
}

impl Access {
    /// An empty level (or group body) named `name`.
    pub fn empty(name: Name, scope: Spanned<Scope>, span: Span) -> Access {
        Access {
            name,
            principal: None,
            scope,
            scope_by: None,
            title: None,
            description: None,
            within: Vec::new(),
            grants: Vec::new(),
            aws: Vec::new(),
            aws_managed: Vec::new(),
            aws_inline: None,
            aws_roles_under: Vec::new(),
            gcp_permissions: Vec::new(),
            gcp_roles: Vec::new(),
            gcp_role_id: None,
            azure: AzureLists::default(),
            azure_scopes: Vec::new(),
            k8s: Vec::new(),
            gcp_binds: Vec::new(),
            azure_assigns: Vec::new(),
            k8s_binds: Vec::new(),
            acks: Vec::new(),
            span,
            repeated: Vec::new(),
            pieces: Vec::new(),
        }
    }

    /// How long each list of grants is: where a line written now would go.
    pub fn pos(&self) -> Pos {
        Pos([
            self.grants.len(),
            self.aws.len(),
            self.aws_managed.len(),
            self.gcp_permissions.len(),
            self.gcp_roles.len(),
            self.azure.actions.len(),
            self.azure.not_actions.len(),
            self.azure.data_actions.len(),
            self.azure.not_data_actions.len(),
            self.azure_scopes.len(),
            self.k8s.len(),
            self.gcp_binds.len(),
            self.azure_assigns.len(),
            self.k8s_binds.len(),
        ])
    }
}

/// The length of each list of grants of an [`Access`] at one line (see [`Access::pos`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pos(pub [usize; 14]);

/// A line that stands for other lines.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Piece {
    /// `include NAME`: the grants of the group `NAME`.
    Include { name: Name, span: Span, at: Pos },
    /// `if PARAM = "VALUE" { ... }`: the body's lines when the guard holds.
    If(Box<Guarded>),
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Guarded {
    pub param: Name,
    /// `!=` rather than `=`.
    pub negated: bool,
    pub value: Str,
    /// The guarded lines (only grants, `include` and `if`-free).
    pub body: Access,
    pub span: Span,
    pub at: Pos,
}

/// `grants NAME { ... }`: grant lines that access levels `include`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Grants {
    pub name: Name,
    /// The lines, held as an access level's (name and scope unused).
    pub body: Access,
    pub span: Span,
}

/// `gcp bind ROLES on KIND "NAME" [to MEMBERS] [when "CEL" as "TITLE"]`: roles bound
/// on one resource (a bucket, a service account, a project, a folder, the
/// organization), to the level's service account or to the members named.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct GcpBind {
    pub roles: Vec<Str>,
    /// `bucket`, `service_account`, `project`, `folder` or `organization`.
    pub target: Spanned<String>,
    pub resource: Str,
    /// Empty: the principal's service account.
    pub members: Vec<Str>,
    /// The `when` keyword's span, the CEL expression and the title.
    pub condition: Option<(Span, Str, Option<Str>)>,
    pub span: Span,
}

/// `azure assign ROLES on SCOPES [to PRINCIPAL_IDS]`: built-in roles (by name or id)
/// assigned at each scope, to the level's service principal or to the ids named.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AzureAssign {
    pub roles: Vec<Str>,
    pub scopes: Vec<Str>,
    pub principals: Vec<Str>,
    pub span: Span,
}

/// `k8s bind cluster_role|role "NAME" [in "NS"] [to SUBJECTS]`: a binding to a role
/// that exists in the cluster (`view`, `edit`) or that the source writes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct K8sBind {
    pub cluster_role: bool,
    pub role: Str,
    pub namespace: Option<Str>,
    /// `user:NAME`, `group:NAME`, `serviceaccount:NS/NAME`; empty: the principal's
    /// service account.
    pub subjects: Vec<Str>,
    pub span: Span,
}

/// `aws roles under BOUNDARY [on ROLES]`: may create and manage the roles only with
/// the permissions boundary of level BOUNDARY.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RolesUnder {
    pub boundary: Name,
    /// None: `arn:aws:iam::${account_id}:role/<prefix>-*`.
    pub roles: Option<Vec<Str>>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AbstractGrant {
    pub level: Spanned<Level>,
    pub target: Spanned<TargetKind>,
    pub names: Vec<Name>,
    /// `as "SID"`: the Sid (base) of the AWS statements it generates; `""` for none.
    pub sid: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AwsStatement {
    pub effect: Spanned<Effect>,
    pub not_action: bool,
    pub actions: Vec<Str>,
    pub not_resource: bool,
    /// None: `*`.
    pub resources: Option<Vec<Str>>,
    pub conditions: Vec<Condition>,
    pub sid: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    /// `aws:ResourceTag/<managed tag>` = value.
    Tag(Span),
    /// `aws:RequestTag/<managed tag>` = value.
    RequestTag(Span),
    Explicit {
        operator: Spanned<String>,
        key: Str,
        values: Vec<Str>,
        span: Span,
    },
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::Tag(s) | Condition::RequestTag(s) => *s,
            Condition::Explicit { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct AzureLists {
    pub actions: Vec<Str>,
    pub not_actions: Vec<Str>,
    pub data_actions: Vec<Str>,
    pub not_data_actions: Vec<Str>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct K8sRole {
    /// None: a ClusterRole.
    pub namespace: Option<Str>,
    pub name: Option<Str>,
    pub rules: Vec<K8sRule>,
    /// `aggregate "KEY=VALUE", ...`: the ClusterRole's aggregation rule, one label
    /// selector per string (`a=b,c=d` for several labels at once).
    pub aggregate: Vec<Str>,
    /// `labels "KEY=VALUE", ...`: the role's own labels (to be aggregated).
    pub labels: Vec<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct K8sRule {
    pub groups: Vec<Str>,
    pub resources: Vec<Str>,
    pub verbs: Vec<Str>,
    pub names: Vec<Str>,
    pub urls: Vec<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Scp {
    pub name: Name,
    pub ou: Str,
    pub statements: Vec<AwsStatement>,
    pub acks: Vec<Ack>,
    pub span: Span,
}

/// `kind store s3 "Amazon S3 bucket" { aws { ... } }` (usually in the stdlib).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct KindDecl {
    pub target: Spanned<TargetKind>,
    pub name: Name,
    pub doc: Option<Str>,
    pub clouds: Vec<KindCloud>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct KindCloud {
    pub cloud: Spanned<Cloud>,
    pub services: Vec<Str>,
    /// The catalog's resource types the kind stands for (AWS), e.g. `table`, `index`.
    pub resources: Vec<Str>,
    pub levels: Vec<(Spanned<Level>, Vec<Str>)>,
    pub data_levels: Vec<(Spanned<Level>, Vec<Str>)>,
    pub create: Vec<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ComponentDecl {
    pub name: Name,
    pub doc: Option<Str>,
    /// Engine kinds it runs on; empty: all.
    pub engine_kinds: Vec<Name>,
    pub resources: Vec<ComponentResource>,
    pub clouds: Vec<KindCloud>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ComponentResource {
    pub group: Str,
    pub resource: Str,
    pub namespaced: bool,
    pub verbs: Vec<Str>,
    pub span: Span,
}

/// A custom resource's scope, so RBAC checks know it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Crd {
    pub group: Str,
    pub resource: Str,
    pub namespaced: bool,
    pub span: Span,
}

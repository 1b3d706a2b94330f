//! What a principal must not be able to do, and the grants that together let it: the
//! escalation knowledge, as data. Each capability names the combination of grants that
//! gives it (every `needs` entry must hold; each entry is met by any of its names), the
//! public source that documents it, and the narrowest fix. `access::risk` evaluates the
//! table over each principal's effective access; nothing else lists risky names.
//!
//! Sources:
//! - AWS: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
//!   (<https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>),
//!   and the methods collected in <https://github.com/RhinoSecurityLabs/AWS-IAM-Privilege-Escalation>.
//! - Kubernetes: "Role Based Access Control Good Practices"
//!   (<https://kubernetes.io/docs/concepts/security/rbac-good-practices/>).
//! - GCP: "Service account impersonation"
//!   (<https://cloud.google.com/iam/docs/service-account-impersonation>), "Basic roles"
//!   (<https://cloud.google.com/iam/docs/roles-overview#basic>), and Rhino Security Labs,
//!   "Privilege Escalation in Google Cloud Platform"
//!   (<https://rhinosecuritylabs.com/gcp/privilege-escalation-google-cloud-platform-part-1/>).
//! - Azure: "Azure built-in roles for privileged administrators"
//!   (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles#privileged>)
//!   and "Security considerations for Azure role-based access control".

/// What the capability amounts to, for grouping and for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Act as another, more privileged identity.
    BecomeIdentity,
    /// Run code with another identity's permissions.
    RunAs,
    /// Read credentials, keys or secrets.
    ReadSecrets,
    /// Change who may do what.
    ChangePolicies,
    /// Reach resources outside the managed tag's boundary.
    BypassTagBoundary,
    /// Control the whole cluster.
    TakeOverCluster,
    /// Open access to anyone.
    Public,
}

impl Kind {
    pub fn words(self) -> &'static str {
        match self {
            Kind::BecomeIdentity => "become another identity",
            Kind::RunAs => "run code as another identity",
            Kind::ReadSecrets => "read secrets",
            Kind::ChangePolicies => "change policies",
            Kind::BypassTagBoundary => "bypass the tag boundary",
            Kind::TakeOverCluster => "take over the cluster",
            Kind::Public => "open access to anyone",
        }
    }
}

/// An AWS resource the grant must reach: `service` and the resource part of an ARN of a
/// resource the vendor did not create (a name no prefix or tag selects). `*` and
/// patterns with wildcards where the probe has its name reach it; `role/vendor-*` does
/// not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    pub service: &'static str,
    pub resource: &'static str,
}

pub const ANY_ROLE: Probe = Probe {
    service: "iam",
    resource: "role/engc-any-role",
};
pub const ANY_USER: Probe = Probe {
    service: "iam",
    resource: "user/engc-any-user",
};
pub const ANY_GROUP: Probe = Probe {
    service: "iam",
    resource: "group/engc-any-group",
};
pub const ANY_POLICY: Probe = Probe {
    service: "iam",
    resource: "policy/engc-any-policy",
};
pub const ANY_FUNCTION: Probe = Probe {
    service: "lambda",
    resource: "function:engc-any-function",
};
pub const ANY_INSTANCE: Probe = Probe {
    service: "ec2",
    resource: "instance/i-0engcanyinstance",
};
pub const ANY_SECRET: Probe = Probe {
    service: "secretsmanager",
    resource: "secret:engc-any-secret-AbCdEf",
};
pub const ANY_PARAMETER: Probe = Probe {
    service: "ssm",
    resource: "parameter/engc-any-parameter",
};
pub const ANY_KEY: Probe = Probe {
    service: "kms",
    resource: "key/00000000-engc-0000-0000-anykey000000",
};
pub const ANY_RESOURCE: Probe = Probe {
    service: "ec2",
    resource: "volume/vol-0engcanyvolume",
};
pub const ANY_STACK: Probe = Probe {
    service: "cloudformation",
    resource: "stack/engc-any-stack/00000000-0000-0000-0000-000000000000",
};

/// Condition keys that do not narrow which resources a grant reaches: a grant with
/// only these conditions still reaches the probe.
pub const UNBOUNDING_KEYS: &[&str] = &[
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:MultiFactorAuthPresent",
    "aws:RequestedRegion",
    "aws:SecureTransport",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:ViaAWSService",
    "iam:PassedToService",
];

/// One requirement: the principal holds any of `names` (on the stated scope).
#[derive(Clone, Copy, Debug)]
pub enum Need {
    /// Any of the AWS actions on a resource the probe stands for.
    Aws(&'static [&'static str], Probe),
    /// Any of the AWS actions, on any resource, with no condition at all (used for
    /// the tag boundary: tagging without a tag condition).
    AwsUnconditioned(&'static [&'static str]),
    /// Any of the GCP permissions (in custom roles, or inside predefined roles).
    Gcp(&'static [&'static str]),
    /// A binding of any of these GCP roles.
    GcpRole(&'static [&'static str]),
    /// Any of these members may impersonate the principal's service account.
    GcpImpersonator(&'static [&'static str]),
    /// Any of the Azure actions (control plane), at any scope.
    Azure(&'static [&'static str]),
    /// Any of the Azure data actions at a wide scope (a subscription or above).
    AzureDataWide(&'static [&'static str]),
    /// Any of `verbs` on any of the `(group, resource)`s, where `scope` says.
    K8s {
        verbs: &'static [&'static str],
        resources: &'static [(&'static str, &'static str)],
        scope: K8sScope,
        /// Granted only on these object names still counts (`aws-auth`); empty: a
        /// rule limited to some names does not count.
        names: &'static [&'static str],
    },
    /// A ClusterRole or Role of this name is written (it would replace the built-in).
    K8sRoleNamed(&'static [&'static str]),
    /// A role of the cluster of this name is bound (`k8s bind cluster_role "cluster-admin"`).
    K8sBound(&'static [&'static str]),
    /// A `gcp bind` names one of these members.
    GcpMember(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum K8sScope {
    /// In a ClusterRole (every namespace).
    Cluster,
    /// In a ClusterRole, or a Role in this namespace.
    ClusterOr(&'static str),
    /// Anywhere, a Role in any namespace included.
    Anywhere,
}

pub struct Capability {
    /// A stable id: `aws.passrole-compute`.
    pub id: &'static str,
    pub kind: Kind,
    /// What the grants let the principal do, after "can".
    pub what: &'static str,
    pub needs: &'static [Need],
    /// The narrowest fix.
    pub fix: &'static str,
    pub source: &'static str,
}

const RHINO_AWS: &str =
    "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
const K8S_GOOD_PRACTICES: &str =
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";
const GCP_IMPERSONATION: &str = "https://cloud.google.com/iam/docs/service-account-impersonation";
const RHINO_GCP: &str =
    "https://rhinosecuritylabs.com/gcp/privilege-escalation-google-cloud-platform-part-1/";
const AZURE_PRIVILEGED: &str =
    "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles#privileged";

/// Services that run code with a role passed to them.
const AWS_COMPUTE_CREATE: &[&str] = &[
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "ec2:CreateLaunchTemplate",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "glue:CreateJob",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:CreateStackSet",
    "datapipeline:CreatePipeline",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "autoscaling:CreateLaunchConfiguration",
    "states:CreateStateMachine",
    "batch:RegisterJobDefinition",
    "apprunner:CreateService",
    "eks:CreateNodegroup",
];

pub const CAPABILITIES: &[Capability] = &[
    // ---------------------------------------------------------------- AWS
    Capability {
        id: "aws.passrole-compute",
        kind: Kind::RunAs,
        what: "pass any role to a service it controls and run code with that role",
        needs: &[Need::Aws(&["iam:PassRole"], ANY_ROLE), Need::Aws(AWS_COMPUTE_CREATE, ANY_RESOURCE_OR_STAR)],
        fix: "limit `iam:PassRole` to the roles the vendor's workloads use (`arn:aws:iam::${account_id}:role/PREFIX*`) with an `iam:PassedToService` condition",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.passrole-any",
        kind: Kind::RunAs,
        what: "pass any role, administrators included, to AWS services",
        needs: &[Need::Aws(&["iam:PassRole"], ANY_ROLE)],
        fix: "limit `iam:PassRole` to the roles the vendor's workloads use (`arn:aws:iam::${account_id}:role/PREFIX*`)",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.assume-any-role",
        kind: Kind::BecomeIdentity,
        what: "assume any role that trusts this account",
        needs: &[Need::Aws(&["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"], ANY_ROLE)],
        fix: "name the roles it may assume instead of `role/*`",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.policy-write",
        kind: Kind::ChangePolicies,
        what: "change the permissions of any role, user or group (attach, put or version a policy)",
        needs: &[Need::Aws(
            &[
                "iam:CreatePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:AttachRolePolicy",
                "iam:AttachUserPolicy",
                "iam:AttachGroupPolicy",
                "iam:PutRolePolicy",
                "iam:PutUserPolicy",
                "iam:PutGroupPolicy",
                "iam:DeleteRolePermissionsBoundary",
                "iam:PutRolePermissionsBoundary",
            ],
            ANY_ROLE_USER_GROUP_OR_POLICY,
        )],
        fix: "limit IAM policy writes to the vendor's own roles and policies, under a permissions boundary",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.trust-write",
        kind: Kind::BecomeIdentity,
        what: "rewrite the trust policy of any role, and so assume it",
        needs: &[Need::Aws(&["iam:UpdateAssumeRolePolicy"], ANY_ROLE)],
        fix: "limit `iam:UpdateAssumeRolePolicy` to the vendor's own roles",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.user-credentials",
        kind: Kind::BecomeIdentity,
        what: "create credentials or console passwords for any user, or add users to groups",
        needs: &[Need::Aws(
            &[
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:UpdateLoginProfile",
                "iam:AddUserToGroup",
                "iam:CreateServiceSpecificCredential",
                "iam:ResetServiceSpecificCredential",
            ],
            ANY_USER_OR_GROUP,
        )],
        fix: "grant no IAM user writes; vendors work through roles",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.function-code",
        kind: Kind::RunAs,
        what: "replace the code of any Lambda function and run it with the function's role",
        needs: &[Need::Aws(&["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission"], ANY_FUNCTION)],
        fix: "limit Lambda writes to the vendor's functions (`function:PREFIX*`) or to tagged ones",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.instance-code",
        kind: Kind::RunAs,
        what: "run commands on any EC2 instance with its role (user data, SSM commands or sessions)",
        needs: &[Need::Aws(
            &[
                "ec2:ModifyInstanceAttribute",
                "ssm:SendCommand",
                "ssm:StartSession",
                "ssm:StartAutomationExecution",
                "ec2-instance-connect:SendSSHPublicKey",
                "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
            ],
            ANY_INSTANCE,
        )],
        fix: "limit these to the vendor's instances with an `aws:ResourceTag` condition",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.stack-as-role",
        kind: Kind::RunAs,
        what: "update any CloudFormation stack and act with the stack's service role",
        needs: &[Need::Aws(&["cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:SetStackPolicy"], ANY_STACK)],
        fix: "limit stack writes to the vendor's stacks (`stack/PREFIX*`)",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.read-secrets",
        kind: Kind::ReadSecrets,
        what: "read every secret, parameter or KMS-encrypted value of the account",
        needs: &[Need::Aws(
            &[
                "secretsmanager:GetSecretValue",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:GetParametersByPath",
                "kms:Decrypt",
            ],
            ANY_SECRET_PARAMETER_OR_KEY,
        )],
        fix: "limit secret reads to the vendor's own secrets by name or tag",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.key-policy",
        kind: Kind::ChangePolicies,
        what: "rewrite the policy of any KMS key, or grant itself use of it",
        needs: &[Need::Aws(&["kms:PutKeyPolicy", "kms:CreateGrant"], ANY_KEY)],
        fix: "limit key administration to the vendor's keys by tag (`aws:ResourceTag`)",
        source: RHINO_AWS,
    },
    Capability {
        id: "aws.untagged-tagging",
        kind: Kind::BypassTagBoundary,
        what: "tag any resource, and so bring it inside the managed tag's boundary",
        needs: &[Need::AwsUnconditioned(&[
            "ec2:CreateTags",
            "ec2:DeleteTags",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:TagUser",
            "iam:TagPolicy",
            "tag:TagResources",
            "tag:UntagResources",
        ])],
        fix: "add `when request_tag` (or an `aws:ResourceTag` condition) to the tagging actions",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-tag-keys",
    },
    // --------------------------------------------------------- Kubernetes
    Capability {
        id: "k8s.escalate-bind-impersonate",
        kind: Kind::TakeOverCluster,
        what: "grant itself any permission (escalate, bind or impersonate)",
        needs: &[Need::K8s {
            verbs: &["escalate", "bind", "impersonate"],
            resources: &[
                ("rbac.authorization.k8s.io", "roles"),
                ("rbac.authorization.k8s.io", "clusterroles"),
                ("rbac.authorization.k8s.io", "rolebindings"),
                ("rbac.authorization.k8s.io", "clusterrolebindings"),
                ("", "users"),
                ("", "groups"),
                ("", "serviceaccounts"),
                ("authentication.k8s.io", "uids"),
                ("authentication.k8s.io", "userextras/scopes"),
            ],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "remove `escalate`, `bind` and `impersonate`; bind the roles the workload needs in the manifest instead",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.run-anywhere",
        kind: Kind::TakeOverCluster,
        what: "create workloads in any namespace (or in kube-system), with any service account's rights and node access",
        needs: &[Need::K8s {
            verbs: &["create", "update", "patch"],
            resources: &[
                ("", "pods"),
                ("apps", "deployments"),
                ("apps", "daemonsets"),
                ("apps", "statefulsets"),
                ("apps", "replicasets"),
                ("batch", "jobs"),
                ("batch", "cronjobs"),
                ("", "replicationcontrollers"),
            ],
            scope: K8sScope::ClusterOr("kube-system"),
            names: &[],
        }],
        fix: "grant workload creation in the vendor's own namespace only (a Role)",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.exec",
        kind: Kind::RunAs,
        what: "run commands in pods (exec, attach, port-forward) with their service accounts and secrets",
        needs: &[Need::K8s {
            verbs: &["create", "get"],
            resources: &[("", "pods/exec"), ("", "pods/attach"), ("", "pods/portforward")],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "remove `pods/exec`, `pods/attach` and `pods/portforward`; read logs instead",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.nodes-proxy",
        kind: Kind::TakeOverCluster,
        what: "reach the kubelet API of every node (nodes/proxy), and so run commands in any pod",
        needs: &[Need::K8s {
            verbs: &["get", "create", "*"],
            resources: &[("", "nodes/proxy")],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "remove `nodes/proxy`; metrics come from the metrics API",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.token-request",
        kind: Kind::BecomeIdentity,
        what: "mint tokens for service accounts (serviceaccounts/token)",
        needs: &[Need::K8s {
            verbs: &["create"],
            resources: &[("", "serviceaccounts/token")],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "remove `serviceaccounts/token`; mount the token the workload needs instead",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.secrets-cluster-wide",
        kind: Kind::ReadSecrets,
        what: "read the secrets of every namespace",
        needs: &[Need::K8s {
            verbs: &["get", "list", "watch"],
            resources: &[("", "secrets")],
            scope: K8sScope::Cluster,
            names: &[],
        }],
        fix: "read secrets in the vendor's namespace only (a Role), or name them",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.csr-approval",
        kind: Kind::BecomeIdentity,
        what: "approve and sign certificate requests, and so mint client certificates for any user",
        needs: &[Need::K8s {
            verbs: &["update", "patch", "approve", "sign"],
            resources: &[
                ("certificates.k8s.io", "certificatesigningrequests/approval"),
                ("certificates.k8s.io", "certificatesigningrequests/status"),
                ("certificates.k8s.io", "signers"),
            ],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "leave certificate approval to the cluster's own controllers",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.webhooks",
        kind: Kind::TakeOverCluster,
        what: "install admission webhooks that see and change every object written to the cluster",
        needs: &[Need::K8s {
            verbs: &["create", "update", "patch"],
            resources: &[
                ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
                ("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
            ],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "install webhooks with the cluster's own tooling, or name the webhook configurations",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.host-volumes",
        kind: Kind::TakeOverCluster,
        what: "create persistent volumes, including hostPath volumes that expose the nodes' file systems",
        needs: &[Need::K8s {
            verbs: &["create", "update", "patch"],
            resources: &[("", "persistentvolumes")],
            scope: K8sScope::Anywhere,
            names: &[],
        }],
        fix: "let a storage class provision volumes instead of creating persistent volumes",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.aws-auth",
        kind: Kind::TakeOverCluster,
        what: "edit the aws-auth ConfigMap, which maps IAM roles to cluster administrators",
        needs: &[Need::K8s {
            verbs: &["update", "patch", "create", "delete"],
            resources: &[("", "configmaps")],
            scope: K8sScope::ClusterOr("kube-system"),
            names: &["aws-auth"],
        }],
        fix: "manage cluster access with EKS access entries, not the aws-auth ConfigMap",
        source: "https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html",
    },
    Capability {
        id: "k8s.cluster-admin-binding",
        kind: Kind::TakeOverCluster,
        what: "do anything in the cluster (bound to `cluster-admin`)",
        needs: &[Need::K8sBound(&["cluster-admin"])],
        fix: "bind `edit` or `view` in the vendor's namespace, or a role with the rules the workload needs",
        source: K8S_GOOD_PRACTICES,
    },
    Capability {
        id: "k8s.cluster-admin-name",
        kind: Kind::TakeOverCluster,
        what: "write a role named `cluster-admin`, which replaces the built-in administrator role",
        needs: &[Need::K8sRoleNamed(&["cluster-admin", "admin", "edit", "system:masters"])],
        fix: "give the role a name of the vendor's own",
        source: K8S_GOOD_PRACTICES,
    },
    // ---------------------------------------------------------------- GCP
    Capability {
        id: "gcp.act-as",
        kind: Kind::RunAs,
        what: "run workloads as any service account of the project (iam.serviceAccounts.actAs)",
        needs: &[Need::Gcp(&["iam.serviceAccounts.actAs"])],
        fix: "grant `roles/iam.serviceAccountUser` on the one service account the workload uses, not on the project",
        source: GCP_IMPERSONATION,
    },
    Capability {
        id: "gcp.impersonate",
        kind: Kind::BecomeIdentity,
        what: "mint tokens, sign blobs or JWTs as any service account of the project",
        needs: &[Need::Gcp(&[
            "iam.serviceAccounts.getAccessToken",
            "iam.serviceAccounts.getOpenIdToken",
            "iam.serviceAccounts.signBlob",
            "iam.serviceAccounts.signJwt",
            "iam.serviceAccounts.implicitDelegation",
        ])],
        fix: "grant `roles/iam.serviceAccountTokenCreator` on one service account, not on the project",
        source: GCP_IMPERSONATION,
    },
    Capability {
        id: "gcp.keys",
        kind: Kind::ReadSecrets,
        what: "create long-lived keys for service accounts",
        needs: &[Need::Gcp(&["iam.serviceAccountKeys.create"])],
        fix: "use workload identity or impersonation instead of keys",
        source: RHINO_GCP,
    },
    Capability {
        id: "gcp.set-iam-policy",
        kind: Kind::ChangePolicies,
        what: "grant itself any role (setIamPolicy on the project, folder, organization or service accounts)",
        needs: &[Need::Gcp(&[
            "resourcemanager.projects.setIamPolicy",
            "resourcemanager.folders.setIamPolicy",
            "resourcemanager.organizations.setIamPolicy",
            "iam.serviceAccounts.setIamPolicy",
            "iam.roles.update",
            "iam.roles.create",
        ])],
        fix: "grant roles in the manifest; the vendor needs no IAM administration",
        source: RHINO_GCP,
    },
    Capability {
        id: "gcp.metadata-code",
        kind: Kind::RunAs,
        what: "set startup scripts or SSH keys in instance metadata, and run code as the instances' service accounts",
        needs: &[Need::Gcp(&[
            "compute.instances.setMetadata",
            "compute.projects.setCommonInstanceMetadata",
        ]), Need::Gcp(&["iam.serviceAccounts.actAs"])],
        fix: "manage instances through a managed instance group with a fixed template",
        source: RHINO_GCP,
    },
    Capability {
        id: "gcp.primitive-role",
        kind: Kind::ChangePolicies,
        what: "hold a basic role (owner or editor), which grants nearly everything in the project",
        needs: &[Need::GcpRole(&["roles/owner", "roles/editor"])],
        fix: "grant the predefined roles the vendor needs instead of a basic role",
        source: "https://cloud.google.com/iam/docs/roles-overview#basic",
    },
    Capability {
        id: "gcp.public-binding",
        kind: Kind::Public,
        what: "be used by anyone: a binding names a public member (`allUsers` or `allAuthenticatedUsers`)",
        needs: &[Need::GcpMember(&["allUsers", "allAuthenticatedUsers"])],
        fix: "name the members who need the role",
        source: "https://cloud.google.com/iam/docs/principal-identifiers",
    },
    Capability {
        id: "gcp.public-impersonation",
        kind: Kind::Public,
        what: "be impersonated by anyone (a public member may impersonate the service account)",
        needs: &[Need::GcpImpersonator(&["allUsers", "allAuthenticatedUsers"])],
        fix: "name the vendor's own service account in `impersonated_by`",
        source: GCP_IMPERSONATION,
    },
    // -------------------------------------------------------------- Azure
    Capability {
        id: "azure.role-assignment",
        kind: Kind::ChangePolicies,
        what: "assign any role, Owner included, within its scopes, or widen role definitions",
        needs: &[Need::Azure(&[
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleDefinitions/write",
            "Microsoft.Authorization/elevateAccess/action",
            "Microsoft.Authorization/policyAssignments/write",
        ])],
        fix: "assign roles in the manifest; the vendor needs no role administration",
        source: AZURE_PRIVILEGED,
    },
    Capability {
        id: "azure.run-command",
        kind: Kind::RunAs,
        what: "run commands or install extensions on virtual machines and scale sets, with their identities",
        needs: &[Need::Azure(&[
            "Microsoft.Compute/virtualMachines/runCommand/action",
            "Microsoft.Compute/virtualMachines/runCommands/write",
            "Microsoft.Compute/virtualMachines/extensions/write",
            "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
            "Microsoft.Compute/virtualMachineScaleSets/extensions/write",
        ])],
        fix: "remove run command and extension writes; deploy software through images",
        source: AZURE_PRIVILEGED,
    },
    Capability {
        id: "azure.list-keys",
        kind: Kind::ReadSecrets,
        what: "list the access keys of storage accounts and other services, which grant full data access",
        needs: &[Need::Azure(&[
            "Microsoft.Storage/storageAccounts/listKeys/action",
            "Microsoft.Storage/storageAccounts/regenerateKey/action",
            "Microsoft.DocumentDB/databaseAccounts/listKeys/action",
            "Microsoft.EventHub/namespaces/authorizationRules/listKeys/action",
            "Microsoft.ServiceBus/namespaces/authorizationRules/listKeys/action",
            "Microsoft.Cache/redis/listKeys/action",
        ])],
        fix: "grant data actions on the containers or queues the vendor uses instead of the account keys",
        source: AZURE_PRIVILEGED,
    },
    Capability {
        id: "azure.identity-assign",
        kind: Kind::BecomeIdentity,
        what: "assign any user-assigned managed identity to resources it controls, and act as it",
        needs: &[Need::Azure(&["Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"])],
        fix: "scope identity assignment to the vendor's own identity",
        source: AZURE_PRIVILEGED,
    },
    Capability {
        id: "azure.aks-admin",
        kind: Kind::TakeOverCluster,
        what: "fetch cluster-admin credentials of AKS clusters",
        needs: &[Need::Azure(&[
            "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
            "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
        ])],
        fix: "use the cluster-user credential with Kubernetes RBAC, or Azure RBAC for Kubernetes",
        source: "https://learn.microsoft.com/azure/aks/control-kubeconfig-access",
    },
    Capability {
        id: "azure.key-vault-wide",
        kind: Kind::ReadSecrets,
        what: "read or use every Key Vault secret and key of the subscription",
        needs: &[Need::AzureDataWide(&[
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
            "Microsoft.KeyVault/vaults/keys/decrypt/action",
            "Microsoft.KeyVault/vaults/keys/unwrap/action",
            "Microsoft.KeyVault/vaults/keys/sign/action",
        ])],
        fix: "scope Key Vault data actions to the vendor's vault",
        source: AZURE_PRIVILEGED,
    },
];

// Probe sets: a need is met when any probe of the set is reached.
const ANY_RESOURCE_OR_STAR: Probe = Probe {
    service: "*",
    resource: "*",
};
const ANY_ROLE_USER_GROUP_OR_POLICY: Probe = Probe {
    service: "iam",
    resource: "{role,user,group,policy}/engc-any",
};
const ANY_USER_OR_GROUP: Probe = Probe {
    service: "iam",
    resource: "{user,group}/engc-any",
};
const ANY_SECRET_PARAMETER_OR_KEY: Probe = Probe {
    service: "{secretsmanager,ssm,kms}",
    resource: "{secret:engc-any-secret-AbCdEf,parameter/engc-any-parameter,key/00000000-engc-0000-0000-anykey000000}",
};

impl Probe {
    /// The probe's alternatives: `{a,b}` in either part expands to each, paired by
    /// position when both parts have the same number of alternatives.
    pub fn alternatives(self) -> Vec<(&'static str, String)> {
        fn split(s: &'static str) -> Vec<&'static str> {
            match s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                Some(inner) => inner.split(',').collect(),
                None => vec![s],
            }
        }
        let services = split(self.service);
        let resources = split(self.resource);
        let pairs: Vec<(&'static str, &'static str)> = if services.len() == resources.len() {
            services.into_iter().zip(resources).collect()
        } else {
            services
                .iter()
                .flat_map(|s| resources.iter().map(move |r| (*s, *r)))
                .collect()
        };
        pairs
            .into_iter()
            .map(|(s, r)| {
                // `{role,user}/engc-any` expands the part before the name.
                (s, r.to_string())
            })
            .flat_map(|(s, r)| match (r.find('{'), r.find('}')) {
                (Some(a), Some(b)) if a < b => r[a + 1..b]
                    .split(',')
                    .map(|alt| (s, format!("{}{alt}{}", &r[..a], &r[b + 1..])))
                    .collect::<Vec<_>>(),
                _ => vec![(s, r)],
            })
            .collect()
    }
}

/// The capability with this id.
pub fn get(id: &str) -> Option<&'static Capability> {
    CAPABILITIES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_probes_expand() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CAPABILITIES {
            assert!(seen.insert(c.id), "{}", c.id);
            assert!(!c.needs.is_empty(), "{}", c.id);
            assert!(c.source.starts_with("https://"), "{}", c.id);
        }
        assert_eq!(
            ANY_USER_OR_GROUP.alternatives(),
            [
                ("iam", "user/engc-any".to_string()),
                ("iam", "group/engc-any".to_string())
            ]
        );
        assert_eq!(ANY_SECRET_PARAMETER_OR_KEY.alternatives().len(), 3);
        assert_eq!(
            ANY_ROLE.alternatives(),
            [("iam", "role/engc-any-role".to_string())]
        );
    }

    /// Every AWS action the table names exists in the catalog.
    #[test]
    fn aws_names_are_real_actions() {
        let cat = crate::catalog::aws::catalog();
        for c in CAPABILITIES {
            for n in c.needs {
                let names: &[&str] = match n {
                    Need::Aws(names, _) | Need::AwsUnconditioned(names) => names,
                    _ => continue,
                };
                for a in names.iter() {
                    assert!(cat.action(a).is_some(), "{}: {a}", c.id);
                }
            }
        }
    }
}

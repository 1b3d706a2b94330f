//! A hand-built model shaped like the seeds (Chalk's roles and CIDR plan, AIchor's GCP
//! and Azure roles, IOMETE's SCP) for the backends' unit tests.

use crate::backend::OutputFile;
use crate::model::*;
use crate::source::Span;
use crate::syntax::ast::{Cloud, Effect};
use std::collections::BTreeMap;

fn strings<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

/// An `Allow` statement with no conditions.
pub fn statement<A: AsRef<str>, R: AsRef<str>>(
    sid: Option<&str>,
    actions: &[A],
    resources: &[R],
) -> AwsStatement {
    AwsStatement {
        sid: sid.map(str::to_string),
        effect: Effect::Allow,
        not_action: false,
        actions: strings(actions),
        not_resource: false,
        resources: strings(resources),
        conditions: BTreeMap::new(),
        span: Span::default(),
    }
}

fn condition(
    op: &str,
    key: &str,
    values: &[&str],
) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut keys = BTreeMap::new();
    keys.insert(key.to_string(), strings(values));
    let mut ops = BTreeMap::new();
    ops.insert(op.to_string(), keys);
    ops
}

/// An access level with nothing in it.
/// The document at `path`; a test fails naming the paths there are.
pub fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a OutputFile {
    crate::backend::find(files, path).unwrap_or_else(|| {
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        panic!("no {path} in {paths:?}")
    })
}

pub fn access(name: &str, principal: Option<&str>) -> Access {
    Access {
        name: name.to_string(),
        principal: principal.map(str::to_string),
        unscoped_reason: None,
        title: None,
        description: None,
        span: Span::default(),
        aws: Vec::new(),
        aws_managed: Vec::new(),
        aws_inline: false,
        gcp: GcpRole::default(),
        azure: AzureRole::default(),
        k8s: Vec::new(),
        bindings: Default::default(),
        origins: Default::default(),
    }
}

pub fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> K8sRule {
    K8sRule {
        api_groups: strings(groups),
        resources: strings(resources),
        verbs: strings(verbs),
        resource_names: Vec::new(),
        non_resource_urls: Vec::new(),
    }
}

pub fn sample_model() -> Model {
    let tag = condition(
        "StringEquals",
        "aws:ResourceTag/chalk.ai/managed-by",
        &["chalk"],
    );

    let mut logs = access("logs", Some("chalk_api"));
    logs.aws = vec![
        statement(
            Some("readlogs"),
            &[
                "logs:DescribeLogGroups",
                "logs:FilterLogEvents",
                "logs:GetLogEvents",
                "logs:StartQuery",
            ],
            &["arn:aws:logs:${aws_region}:${aws_account_id}:log-group:*"],
        ),
        AwsStatement {
            sid: None,
            effect: Effect::Deny,
            ..statement(None, &["logs:StopQuery"], &["*"])
        },
    ];

    let mut ongoing = access("ongoing", Some("chalk_api"));
    ongoing.title = Some("Chalk ongoing management".to_string());
    ongoing.description = Some("What Chalk needs day to day: tag-scoped.".to_string());
    ongoing.aws = vec![
        AwsStatement {
            conditions: tag.clone(),
            ..statement(
                Some("ChalkManagedResources"),
                &["ec2:*", "ecr:*", "eks:*", "iam:GetPolicy", "iam:GetRole"],
                &[
                    "arn:aws:ec2:${aws_region}:${aws_account_id}:*",
                    "arn:aws:ecr:*",
                    "arn:aws:eks:${aws_region}:${aws_account_id}:*",
                    "arn:aws:iam::${aws_account_id}:role/*",
                ],
            )
        },
        statement(
            Some("ChalkUntaggedResources"),
            &["iam:GetPolicy", "s3:*"],
            &["arn:aws:iam::aws:policy/*", "arn:aws:s3:::chalk-*"],
        ),
        AwsStatement {
            conditions: tag,
            ..statement(Some("ChalkDescribeResources"), &["eks:Describe*"], &["*"])
        },
        statement(
            Some("ChalkGlobalDescribe"),
            &["ec2:Describe*", "ecr:GetAuthorizationToken"],
            &["*"],
        ),
    ];
    ongoing.gcp = GcpRole {
        role_id: "chalkOngoing".to_string(),
        permissions: strings(&[
            "container.clusters.get",
            "container.clusters.update",
            "storage.buckets.get",
        ]),
        roles: strings(&["roles/container.developer", "roles/iam.serviceAccountUser"]),
    };
    ongoing.azure = AzureRole {
        actions: strings(&[
            "Microsoft.ContainerService/managedClusters/*",
            "Microsoft.Resources/*/read",
        ]),
        not_actions: Vec::new(),
        data_actions: strings(&["Microsoft.ContainerService/managedClusters/*/read"]),
        not_data_actions: Vec::new(),
        scopes: strings(&["/subscriptions/${subscription_id}"]),
    };
    ongoing.k8s = vec![
        K8sRole {
            span: Span::default(),
            rule_spans: Vec::new(),
            aggregate: Vec::new(),
            labels: Vec::new(),
            name: "chalk-cluster-management-role".to_string(),
            namespace: None,
            rules: vec![
                rule(&[""], &["nodes"], &["get", "list", "watch"]),
                rule(
                    &["karpenter.sh"],
                    &["nodepools"],
                    &["get", "list", "create"],
                ),
                K8sRule {
                    non_resource_urls: strings(&["/healthz", "/metrics"]),
                    ..rule(&[], &[], &["get"])
                },
            ],
        },
        K8sRole {
            span: Span::default(),
            rule_spans: Vec::new(),
            aggregate: Vec::new(),
            labels: Vec::new(),
            name: "chalk-management-role".to_string(),
            namespace: Some("${namespace}".to_string()),
            rules: vec![
                rule(&[""], &["configmaps", "pods", "services"], &["get", "list"]),
                rule(
                    &["", "rbac.authorization.k8s.io"],
                    &["roles", "serviceaccounts", "rolebindings"],
                    &["get", "list"],
                ),
                K8sRule {
                    resource_names: strings(&["chalk-config"]),
                    ..rule(&[""], &["secrets"], &["get"])
                },
            ],
        },
    ];

    let mut setup = access("setup", Some("chalk_api"));
    setup.unscoped_reason = Some("initial provisioning".to_string());
    setup.aws = vec![statement(None, &["sts:GetCallerIdentity"], &["*"])];
    setup.aws_managed = strings(&[
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    ]);
    setup.azure = AzureRole {
        actions: Vec::new(),
        not_actions: Vec::new(),
        data_actions: strings(&[
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        ]),
        not_data_actions: strings(&[
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
        ]),
        scopes: Vec::new(),
    };

    let mut workload = access("workload", Some("chalk_workload"));
    workload.gcp = GcpRole {
        role_id: "chalkWorkload".to_string(),
        permissions: Vec::new(),
        roles: strings(&["roles/storage.objectViewer"]),
    };
    workload.k8s = vec![K8sRole {
        span: Span::default(),
        rule_spans: Vec::new(),
        aggregate: Vec::new(),
        labels: Vec::new(),
        name: "chalk-job-reader".to_string(),
        namespace: Some("chalk".to_string()),
        rules: vec![rule(&["batch"], &["jobs"], &["get", "list", "watch"])],
    }];

    Model {
        deployment: DeploymentInfo {
            name: "chalk".to_string(),
            clouds: vec![Cloud::Aws, Cloud::Gcp, Cloud::Azure],
            managed_tag: Some(("chalk.ai/managed-by".to_string(), "chalk".to_string())),
            name_prefix: Some("chalk".to_string()),
            project_id: "${project_id}".to_string(),
            modes: Default::default(),
        },
        principals: vec![
            Principal {
                name: "chalk_api".to_string(),
                aws_role: Some(AwsRole {
                    arn: "arn:aws:iam::754784422779:role/chalk-api-server".to_string(),
                    external_id: Some("${external_id}".to_string()),
                }),
                gcp_service_account: Some(GcpServiceAccount {
                    account: "chalk-api@${project_id}.iam.gserviceaccount.com".to_string(),
                    impersonated_by: strings(&[
                        "serviceAccount:federation@vendor-prod.iam.gserviceaccount.com",
                    ]),
                }),
                azure_principal: Some("${azure_app_id}".to_string()),
                k8s_service_account: Some(K8sServiceAccount {
                    name: "chalk-management".to_string(),
                    namespace: "${namespace}".to_string(),
                }),
                ..Principal::default()
            },
            Principal {
                name: "chalk_workload".to_string(),
                aws_role: Some(AwsRole {
                    arn: "arn:aws:iam::754784422779:role/chalk-workload".to_string(),
                    external_id: None,
                }),
                gcp_service_account: Some(GcpServiceAccount {
                    account: "chalk-workload".to_string(),
                    impersonated_by: Vec::new(),
                }),
                azure_principal: None,
                k8s_service_account: Some(K8sServiceAccount {
                    name: "chalk-workload".to_string(),
                    namespace: "chalk".to_string(),
                }),
                ..Principal::default()
            },
        ],
        networks: vec![
            Network {
                name: "byo".to_string(),
                cidr: None,
                subnets: vec![Subnet {
                    name: "only".to_string(),
                    cidr: "10.0.0.0/24".to_string(),
                    zone: None,
                    public: None,
                    ..Default::default()
                }],
                pods: None,
                services: None,
                ..Default::default()
            },
            Network {
                name: "main".to_string(),
                cidr: Some("10.130.0.0/16".to_string()),
                subnets: vec![
                    Subnet {
                        name: "primary".to_string(),
                        cidr: "10.130.0.0/20".to_string(),
                        zone: Some("a".to_string()),
                        public: Some("10.130.16.0/20".to_string()),
                        ..Default::default()
                    },
                    Subnet {
                        name: "secondary".to_string(),
                        cidr: "10.130.32.0/20".to_string(),
                        zone: Some("b".to_string()),
                        public: Some("10.130.48.0/20".to_string()),
                        ..Default::default()
                    },
                    Subnet {
                        name: "tertiary".to_string(),
                        cidr: "10.130.64.0/20".to_string(),
                        zone: Some("c".to_string()),
                        public: Some("10.130.80.0/20".to_string()),
                        ..Default::default()
                    },
                ],
                pods: Some("100.64.0.0/16".to_string()),
                services: Some("172.20.0.0/16".to_string()),
                ..Default::default()
            },
        ],
        accesses: vec![logs.into(), ongoing.into(), setup.into(), workload.into()],
        scps: vec![Scp {
            name: "tag_guard".to_string(),
            ou: "ou-abcd-11111111".to_string(),
            statements: vec![AwsStatement {
                conditions: condition(
                    "StringEquals",
                    "aws:RequestTag/iomete.com/managed",
                    &["true"],
                ),
                ..statement(Some("IOMETETagBasedControl"), &["*"], &["*"])
            }],
        }],
        resource_policies: Vec::new(),
    }
}

/// A bucket policy (vendor read, HTTPS only) and a key policy (root, vendor decrypt),
/// with placeholders, for the resource policy backends.
pub fn resource_policies() -> Vec<ResourcePolicy> {
    use crate::vocab::resource_policies::Kind;
    let principal = |aws: &[&str], any: bool| PolicyPrincipal {
        any,
        aws: strings(aws),
        service: Vec::new(),
    };
    let bucket = [
        "arn:aws:s3:::chalk-${bucket}",
        "arn:aws:s3:::chalk-${bucket}/*",
    ];
    vec![
        ResourcePolicy {
            store: "datasets".to_string(),
            kind: Kind::Bucket,
            target: "chalk-${bucket}".to_string(),
            statements: vec![
                ResourceStatement {
                    principal: principal(
                        &["arn:aws:iam::754784422779:role/chalk-api-server"],
                        false,
                    ),
                    statement: statement(
                        Some("VendorRead"),
                        &["s3:GetObject", "s3:ListBucket"],
                        &bucket,
                    ),
                },
                ResourceStatement {
                    principal: principal(&[], true),
                    statement: AwsStatement {
                        effect: Effect::Deny,
                        conditions: condition("Bool", "aws:SecureTransport", &["false"]),
                        ..statement(Some("DenyInsecureTransport"), &["s3:*"], &bucket)
                    },
                },
            ],
        },
        ResourcePolicy {
            store: "keys".to_string(),
            kind: Kind::Key,
            target: "${key_id}".to_string(),
            statements: vec![ResourceStatement {
                principal: principal(&["arn:aws:iam::${account_id}:root"], false),
                statement: statement(Some("EnableRootAccess"), &["kms:*"], &["*"]),
            }],
        },
    ]
}

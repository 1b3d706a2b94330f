//! The seed documents written literally (tests/seeds/*.eng), defects included, get the
//! diagnostics a careful reviewer would give them. The examples carry the fixes or
//! acknowledge the findings with a reason.

use std::collections::BTreeMap;
use std::path::Path;

/// Expected (code, severity letter) counts for each literal seed.
const EXPECTED: &[(&str, &[(&str, usize)])] = &[
    (
        "chalk",
        &[
            ("E0301:e", 1), // ingressclasses in the namespaced chalk-management-role
            ("W0302:w", 1), // the second ingresses rule repeats the first
            ("W0305:w", 2), // extensions no longer serves ingresses
            ("W0402:w", 1), // iam:CreateServiceLinkedRole twice in the setup policy
            // Tag conditions that route53/dynamodb:ListTables* and AWS-owned policies never
            // carry, and the wildcards of ChalkManagedResources partly dead under the tag.
            ("W0408:w", 3),
            ("W0410:w", 5), // Describe*/Get* on * in the scoped ongoing role
            // Actions that take no resource granted on ARNs: the wildcards of the ongoing
            // role (two statements), logs:TestMetricFilter and logs:List*/Get*/Describe*.
            ("W0418:w", 4),
            ("W0419:w", 2), // CloudWatch `...:chalk*` and load balancer `...:k8s-*` ARNs
            // In scoped levels: pods/exec, and persistent volumes (hostPath) cluster-wide.
            ("W0411:e", 2),
            // In setup: PassRole on * with compute, policy writes, trust writes, secrets
            // and KMS key policies on *, and EC2 user data / SSM commands on *.
            ("W0411:w", 6),
        ],
    ),
    (
        "iomete",
        &[
            ("W0402:w", 1), // iam:ListAttachedRolePolicies beside iam:List*
            ("W0405:w", 1), // AWSServiceRoleForAmazonEKSNodegroup is a service-linked role's policy
            ("W0408:w", 2), // RequestTag on ec2:DescribeInstances; the SCP's Allow * blocks untagged requests
            ("W0411:w", 3), // PassRole on * with compute, policy writes, EC2 user data / SSM
        ],
    ),
    (
        "aichor",
        &[
            ("W0401:w", 1), // a cross-account role without an external id
            // AWS: policy and trust writes, secrets; GCP (two roles): keys, setIamPolicy,
            // tokens, actAs; Azure: role assignments, identities, AKS admin, account keys.
            ("W0411:w", 14),
        ],
    ),
];

#[test]
fn literal_seeds_get_a_reviewers_diagnostics() {
    for (name, expected) in EXPECTED {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/seeds/{name}.eng"));
        let c = engc::compile(
            vec![engc::Input {
                name: format!("tests/seeds/{name}.eng"),
                path: Some(path.clone()),
                bytes: std::fs::read(&path).unwrap(),
            }],
            &engc::loader::DiskLoader,
            &engc::Options::default(),
        );
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for d in &c.diagnostics {
            let sev = if d.is_error() { 'e' } else { 'w' };
            *got.entry(format!("{}:{sev}", d.code)).or_default() += 1;
        }
        let want: BTreeMap<String, usize> =
            expected.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let rendered = engc::render::plain(&c.sources, &c.diagnostics);
        assert_eq!(got, want, "{name}:\n{rendered}");
        insta::with_settings!({ snapshot_path => "snapshots/seeds", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(*name, rendered);
        });
    }
}

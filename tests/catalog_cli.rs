//! `engc catalog <aws|gcp|azure|k8s> NAME-OR-PATTERN`: the built binary, its output and
//! exit codes (0 found, 1 unknown or empty, 2 usage).

use std::path::Path;
use std::process::{Command, Output};

fn engc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engc"))
        .arg("catalog")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("engc runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a lookup that must succeed and returns its stdout.
fn found(args: &[&str]) -> String {
    let o = engc(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Runs a lookup that must fail with exit 1 and returns its stderr.
fn not_found(args: &[&str]) -> String {
    let o = engc(args);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
    assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    stderr(&o)
}

/// The lines of a pattern listing, checked against its count line.
fn listing(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let (count, rows) = lines.split_last().expect("a count line");
    let n: usize = count.split(' ').next().unwrap().parse().expect(count);
    assert_eq!(n, rows.len(), "{text}");
    rows.to_vec()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&found(&a)).expect("one JSON document")
}

#[test]
fn aws_name_snapshot() {
    let text = found(&["aws", "s3:GetObject"]);
    insta::assert_snapshot!("aws_s3_get_object", text);
    // Case-insensitive, as IAM.
    assert_eq!(found(&["aws", "S3:getobject"]), text);
}

#[test]
fn aws_name_details() {
    let text = found(&["aws", "eks:DescribeCluster"]);
    assert!(text.contains("access level       Read\n"), "{text}");
    assert!(text.contains("cluster (required)"), "{text}");
    assert!(
        text.contains("arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}"),
        "{text}"
    );
    assert!(text.contains("aws:ResourceTag/${TagKey}"), "{text}");
    // Dependent actions sit on the resource type.
    let text = found(&["aws", "lambda:CreateFunction"]);
    assert!(text.contains("dependent actions: iam:PassRole"), "{text}");
    // An action without resource types takes only "*".
    let text = found(&["aws", "ec2:DescribeInstances"]);
    assert!(text.contains("access level       List\n"), "{text}");
    assert!(text.contains("takes only `\"Resource\": \"*\"`"), "{text}");
}

#[test]
fn aws_patterns() {
    let text = found(&["aws", "ec2:Describe*"]);
    let rows = listing(&text);
    assert!(rows.len() > 100, "{}", rows.len());
    assert!(rows.iter().all(|r| r.starts_with("ec2:Describe")));
    let inst = rows
        .iter()
        .find(|r| r.starts_with("ec2:DescribeInstances "))
        .unwrap();
    assert!(inst.ends_with(" List"), "{inst}");
    assert!(text.ends_with("actions match `ec2:Describe*`\n"), "{text}");

    let text = found(&["aws", "s3:*Tagging"]);
    let rows = listing(&text);
    assert!(rows
        .iter()
        .any(|r| r.starts_with("s3:PutObjectTagging ") && r.ends_with(" Tagging")));
    assert!(rows
        .iter()
        .any(|r| r.starts_with("s3:GetBucketTagging ") && r.ends_with(" Read")));
    assert!(rows
        .iter()
        .all(|r| r.split(' ').next().unwrap().ends_with("Tagging")));

    // A bare service prefix lists the whole service.
    let rows_s3 = listing(&found(&["aws", "s3"])).len();
    assert_eq!(rows_s3, listing(&found(&["aws", "s3:*"])).len());
    assert_eq!(listing(&found(&["aws", "s3:Get?bject"])).len(), 1);
}

#[test]
fn aws_unknown() {
    let err = not_found(&["aws", "s3:GetObjcet"]);
    assert_eq!(
        err,
        "error: unknown AWS action `s3:GetObjcet`\nhelp: did you mean `s3:GetObject`?\n"
    );
    let err = not_found(&["aws", "s4:GetObject"]);
    assert!(err.contains("unknown AWS service prefix `s4`"), "{err}");
    assert!(err.contains("did you mean `s3:GetObject`?"), "{err}");
    let err = not_found(&["aws", "s3:Zzz*"]);
    assert!(
        err.starts_with("error: `s3:Zzz*` matches no AWS action"),
        "{err}"
    );
    let err = not_found(&["aws", "s4:Get*"]);
    assert!(err.contains("did you mean `s3:Get*`?"), "{err}");
    let err = not_found(&["aws", "s4"]);
    assert!(err.contains("did you mean `s3`?"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["ibm", "x"][..],
        &["aws"],
        &[],
        &["aws", "s3:GetObject", "--catalog", "x.json"],
        &["k8s", "pods", "--catalog", "x.json"],
        &[
            "gcp",
            "storage.buckets.get",
            "--catalog",
            "/nonexistent/gcp.json",
        ],
        &["azure", "x", "--catalog", "/nonexistent/azure.json"],
        &["aws", "s3:GetObject", "--format", "yaml"],
        &["aws", " "],
    ] {
        let o = engc(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
    let o = engc(&["ibm", "x"]);
    assert!(stderr(&o).contains("possible values: aws, gcp, azure, k8s"));
    // A file that is not a catalog is a usage error too, with the reason.
    let o = engc(&[
        "azure",
        "x",
        "--catalog",
        &fixture("gcp-testable-permissions.json"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an Azure operation list"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_documents_the_syntax() {
    let o = Command::new(env!("CARGO_BIN_EXE_engc"))
        .args(["catalog", "--help"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for s in [
        "[GROUP/]RESOURCE[/SUBRESOURCE]",
        "RESOURCE.GROUP",
        "networking.k8s.io/ingressclasses",
        "gcloud iam list-testable-permissions",
        "az provider operation list --output json",
    ] {
        assert!(text.contains(s), "{s}: {text}");
    }
}

#[test]
fn k8s_name_snapshot() {
    let text = found(&["k8s", "apps/deployments"]);
    insta::assert_snapshot!("k8s_apps_deployments", text);
    // kubectl's RESOURCE.GROUP and the bare name find the same resource.
    assert_eq!(found(&["k8s", "deployments.apps"]), text);
    assert_eq!(found(&["k8s", "deployments"]), text);
    assert_eq!(found(&["k8s", "apps/v1/deployments"]), text);
}

#[test]
fn k8s_lookups() {
    let text = found(&["k8s", "pods/exec"]);
    assert!(text.contains("group              core (\"\")\n"), "{text}");
    assert!(
        text.contains("subresource        `exec` of pods\n"),
        "{text}"
    );
    assert!(text.contains("verbs              create, get\n"), "{text}");
    assert!(text.contains("scope              namespaced"), "{text}");
    assert!(text.contains("resources: [\"pods/exec\"]"), "{text}");
    assert_eq!(found(&["k8s", "core/pods/exec"]), text);

    let text = found(&["k8s", "networking.k8s.io/ingressclasses"]);
    assert!(
        text.contains("scope              cluster (only a ClusterRole"),
        "{text}"
    );
    assert!(text.contains("kind               IngressClass\n"), "{text}");

    let text = found(&["k8s", "ingresses"]);
    assert!(
        text.contains("group              networking.k8s.io\n"),
        "{text}"
    );
    assert!(text.contains("apiVersion networking.k8s.io/v1"), "{text}");

    // Served in two groups: both are shown.
    let text = found(&["k8s", "events"]);
    assert_eq!(
        text.matches("resource           events\n").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("group              events.k8s.io\n"),
        "{text}"
    );

    let text = found(&["k8s", "autoscaling/horizontalpodautoscalers"]);
    assert!(
        text.contains("v2 (apiVersion autoscaling/v2; also served: v1)"),
        "{text}"
    );
    let text = found(&["k8s", "autoscaling/v1/horizontalpodautoscalers"]);
    assert!(
        text.contains("v1 (apiVersion autoscaling/v1; also served: v2)"),
        "{text}"
    );
}

#[test]
fn k8s_served_elsewhere_and_unknown() {
    let err = not_found(&["k8s", "extensions/ingresses"]);
    assert_eq!(
        err,
        "error: `extensions` is not a built-in Kubernetes API group (in `extensions/ingresses`)\n\
         note: `ingresses` is served by networking.k8s.io/v1\n"
    );
    let err = not_found(&["k8s", "apps/pods"]);
    assert_eq!(
        err,
        "error: group `apps` has no resource `pods`\nnote: `pods` is served by the core group (v1)\n"
    );
    let err = not_found(&["k8s", "pod"]);
    assert!(err.contains("help: did you mean `pods`?"), "{err}");
    let err = not_found(&["k8s", "apps/deployment"]);
    assert!(
        err.contains("help: did you mean `apps/deployments`?"),
        "{err}"
    );
    let err = not_found(&["k8s", "core/deployments"]);
    assert!(
        err.contains("note: `deployments` is served by apps/v1"),
        "{err}"
    );
    let err = not_found(&["k8s", "pods/logs"]);
    assert!(err.contains("help: did you mean `pods/log`?"), "{err}");
    let err = not_found(&["k8s", "autoscaling/v3/horizontalpodautoscalers"]);
    assert!(err.contains("note: it is served in v2, v1"), "{err}");
    let err = not_found(&["k8s", "rbac.authorisation.k8s.io/widgets"]);
    assert!(
        err.contains("help: did you mean `rbac.authorization.k8s.io/widgets`?"),
        "{err}"
    );
    not_found(&["k8s", "zzz/*"]);
}

#[test]
fn k8s_patterns() {
    let text = found(&["k8s", "*/scale"]);
    let rows = listing(&text);
    assert!(
        rows.contains(&"apps/v1  deployments/scale             namespaced"),
        "{text}"
    );
    assert!(rows.iter().all(|r| r.contains("/scale ")), "{text}");
    let rows = listing(&found(&["k8s", "apps/*"])).len();
    assert!(rows > 8, "{rows}");
    let text = found(&["k8s", "pods/*"]);
    assert!(
        listing(&text).iter().all(|r| r.starts_with("v1 ")),
        "{text}"
    );
    assert!(text.contains("pods/exec"), "{text}");
}

#[test]
fn gcp_builtin() {
    let text = found(&["gcp", "storage.buckets.get"]);
    assert!(
        text.starts_with("permission         storage.buckets.get\n"),
        "{text}"
    );
    assert!(text.contains("custom roles       SUPPORTED"), "{text}");
    assert!(
        text.contains("catalog            built-in subset"),
        "{text}"
    );
    let text = found(&["gcp", "storage.buckets.*"]);
    let rows = listing(&text);
    assert!(rows.iter().all(|r| r.starts_with("storage.buckets.")));
    assert!(rows.len() >= 5, "{text}");
    assert!(
        text.contains("in the built-in subset match `storage.buckets.*`"),
        "{text}"
    );
    let err = not_found(&["gcp", "storage.bucket.get"]);
    assert!(
        err.contains("help: did you mean `storage.buckets.get`?"),
        "{err}"
    );
    assert!(err.contains("--catalog FILE"), "{err}");
    // Not used by the standard library: only the full catalog has it.
    not_found(&["gcp", "resourcemanager.projects.list"]);
    let err = not_found(&["gcp", "storag.*"]);
    assert!(err.contains("help: did you mean `storage.*`?"), "{err}");
}

#[test]
fn gcp_full_catalog() {
    let cat = fixture("gcp-testable-permissions.json");
    let text = found(&["gcp", "storage.buckets.get", "--catalog", &cat]);
    assert!(
        text.contains("title              Read bucket metadata\n"),
        "{text}"
    );
    assert!(text.contains("stage              GA\n"), "{text}");
    assert!(!text.contains("note:"), "{text}");
    let text = found(&["gcp", "resourcemanager.projects.list", "--catalog", &cat]);
    assert!(text.contains("custom roles       NOT_SUPPORTED (cannot go in a custom role)"));
    let text = found(&["gcp", "resourcemanager.*", "--catalog", &cat]);
    assert_eq!(
        text,
        "resourcemanager.projects.get           GA  SUPPORTED\n\
         resourcemanager.projects.getIamPolicy  GA  SUPPORTED\n\
         resourcemanager.projects.list          GA  NOT_SUPPORTED\n\
         3 permissions match `resourcemanager.*`\n"
    );
    let err = not_found(&["gcp", "storage.buckets.gett", "--catalog", &cat]);
    assert!(
        err.starts_with("error: unknown GCP permission `storage.buckets.gett`\n"),
        "{err}"
    );
    assert!(err.contains("did you mean `storage.buckets.get`?"), "{err}");
    assert!(!err.contains("note:"), "{err}");

    let doc = json(&["gcp", "resourcemanager.projects.list", "--catalog", &cat]);
    assert_eq!(doc["cloud"], "gcp");
    assert_eq!(doc["pattern"], false);
    assert_eq!(doc["count"], 1);
    let e = &doc["entries"][0];
    assert_eq!(e["name"], "resourcemanager.projects.list");
    assert_eq!(e["custom_roles_support_level"], "NOT_SUPPORTED");
    assert_eq!(e["stage"], "GA");
    assert_eq!(e["title"], "List projects");
}

#[test]
fn azure_builtin() {
    let text = found(&[
        "azure",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    ]);
    assert!(text.contains("data action        yes"), "{text}");
    // Case-insensitive, as Azure.
    let text = found(&["azure", "microsoft.storage/storageaccounts/read"]);
    assert!(text.starts_with("operation          Microsoft.Storage/storageAccounts/read\n"));
    assert!(text.contains("data action        no"), "{text}");
    let text = found(&["azure", "Microsoft.Resources/*/read"]);
    assert_eq!(
        listing(&text),
        [
            "Microsoft.Resources/subscriptions/read                 action",
            "Microsoft.Resources/subscriptions/resourceGroups/read  action"
        ]
    );
    let rows = listing(&found(&["azure", "Microsoft.Storage/storageAccounts/*"])).len();
    assert!(rows >= 9, "{rows}");
    let err = not_found(&["azure", "Microsoft.Storage/storageAccount/read"]);
    assert!(
        err.contains("help: did you mean `Microsoft.Storage/storageAccounts/read`?"),
        "{err}"
    );
}

#[test]
fn azure_full_catalog() {
    let cat = fixture("azure-operations.json");
    let text = found(&[
        "azure",
        "Microsoft.Storage/storageAccounts/read",
        "--catalog",
        &cat,
    ]);
    assert_eq!(
        text,
        format!(
            "operation          Microsoft.Storage/storageAccounts/read\n\
             provider           Microsoft.Storage (Microsoft Storage)\n\
             display name       List/Get Storage Account(s)\n\
             description        Returns the list of storage accounts or gets the properties for the specified storage account.\n\
             data action        no (control plane: goes in a role's `actions`)\n\
             origin             user,system\n\
             catalog            {cat}\n"
        )
    );
    let text = found(&["azure", "Microsoft.Storage/*", "--catalog", &cat]);
    let rows = listing(&text);
    assert_eq!(rows.len(), 8, "{text}");
    assert!(text.ends_with("8 operations match `Microsoft.Storage/*` (2 data actions)\n"));
    // A provider namespace alone lists its operations.
    assert_eq!(
        found(&["azure", "microsoft.storage", "--catalog", &cat]),
        text
    );
    let text = found(&[
        "azure",
        "Microsoft.ContainerService/managedClusters/*/read",
        "--catalog",
        &cat,
    ]);
    assert!(text.contains("managedClusters/pods/read"), "{text}");
    let err = not_found(&["azure", "Microsoft.Storag/*", "--catalog", &cat]);
    assert!(
        err.contains("help: did you mean `Microsoft.Storage/*`?"),
        "{err}"
    );
    not_found(&["azure", "Microsoft.Compute/*", "--catalog", &cat]);

    let doc = json(&["azure", "Microsoft.Storage/*/blobs/*", "--catalog", &cat]);
    assert_eq!(doc["pattern"], true);
    assert_eq!(doc["count"], 2);
    assert_eq!(doc["entries"][0]["is_data_action"], true);
    assert_eq!(doc["entries"][0]["provider_display"], "Microsoft Storage");
    assert_eq!(doc["entries"][0]["display"], "Read Blob");
}

#[test]
fn json_output() {
    let doc = json(&["aws", "s3:GetObject"]);
    assert_eq!(doc["cloud"], "aws");
    assert_eq!(doc["query"], "s3:GetObject");
    let e = &doc["entries"][0];
    assert_eq!(e["name"], "s3:GetObject");
    assert_eq!(e["service_name"], "Amazon S3");
    assert_eq!(e["access_level"], "Read");
    let obj = e["resource_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "object")
        .unwrap();
    assert_eq!(obj["required"], false);
    assert_eq!(
        obj["arns"][0],
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );

    let doc = json(&["k8s", "ingressclasses"]);
    let e = &doc["entries"][0];
    assert_eq!(e["group"], "networking.k8s.io");
    assert_eq!(e["namespaced"], false);
    assert_eq!(e["api_version"], "networking.k8s.io/v1");

    let doc = json(&["k8s", "*/scale"]);
    assert_eq!(doc["pattern"], true);
    assert_eq!(doc["count"], doc["entries"].as_array().unwrap().len());
}

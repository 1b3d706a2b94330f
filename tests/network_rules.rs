//! Firewall rules, GCP secondary/PSC/control-plane ranges, connected networks and
//! declared external references, built from tests/fixtures/network_rules.eng: every
//! output that carries them is pinned, and what each must hold is asserted.

use engc::backend::{emit, OutputFile, Target};
use engc::{compile, compile_str, Input, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn build() -> BTreeMap<String, OutputFile> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/network_rules.eng");
    let c = compile(
        vec![Input {
            name: "tests/fixtures/network_rules.eng".into(),
            path: Some(path.clone()),
            bytes: std::fs::read(&path).unwrap(),
        }],
        &engc::loader::DiskLoader,
        &Options::default(),
    );
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // W0211 on `ssh` is acknowledged.
    assert!(
        codes.is_empty(),
        "{}",
        engc::render::plain(&c.sources, &c.diagnostics)
    );
    let model = c.model.expect("no errors");
    emit(&model, &Target::ALL.into_iter().collect::<BTreeSet<_>>())
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect()
}

/// The codes of the diagnostics of `text`, in order.
fn codes(text: &str) -> Vec<&'static str> {
    compile_str("t.eng", text, &Options::default())
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

fn json(files: &BTreeMap<String, OutputFile>, path: &str) -> serde_json::Value {
    serde_json::from_str(&files[path].contents).unwrap()
}

#[test]
fn outputs_are_pinned() {
    let files = build();
    for path in [
        "network/aws_main.json",
        "network/gcp_main.json",
        "network/azure_main.json",
        "terraform/aws/main.tf.json",
        "terraform/gcp/main.tf.json",
        "terraform/azure/main.tf.json",
        "cloudformation/aws.template.json",
    ] {
        insta::with_settings!({ snapshot_path => "snapshots/network_rules", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(path.replace('/', "__"), files[path].contents);
        });
    }
}

#[test]
fn security_group_rules_per_port_range_and_block() {
    let files = build();
    let tf = json(&files, "terraform/aws/main.tf.json");
    let ingress = tf["resource"]["aws_vpc_security_group_ingress_rule"]
        .as_object()
        .unwrap();
    // https to IPv4 and IPv6, postgres from two subnets (their blocks), ssh.
    assert_eq!(ingress.len(), 5);
    assert_eq!(ingress["aws_main_https_2"]["cidr_ipv6"], "::/0");
    assert_eq!(ingress["aws_main_postgres"]["cidr_ipv4"], "10.20.0.0/20");
    assert_eq!(ingress["aws_main_postgres_2"]["cidr_ipv4"], "10.20.16.0/20");
    let egress = &tf["resource"]["aws_vpc_security_group_egress_rule"]["aws_main_all_out"];
    assert_eq!(egress["ip_protocol"], "-1");
    assert!(egress.get("from_port").is_none());
    assert_eq!(
        tf["resource"]["aws_security_group"]["aws_main"]["vpc_id"],
        "${var.vpc_id_aws_main}"
    );
    let cfn = json(&files, "cloudformation/aws.template.json");
    let sg = &cfn["Resources"]["AwsMainSecurityGroup"];
    assert_eq!(sg["Type"], "AWS::EC2::SecurityGroup");
    assert_eq!(
        sg["Properties"]["SecurityGroupIngress"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(sg["Properties"]["VpcId"]["Ref"], "VpcIdAwsMain");
    assert_eq!(
        cfn["Parameters"]["VpcIdAwsMain"]["Type"],
        "AWS::EC2::VPC::Id"
    );
}

#[test]
fn gcp_firewalls_and_azure_nsg_rules() {
    let files = build();
    let gcp = json(&files, "terraform/gcp/main.tf.json");
    let health = &gcp["resource"]["google_compute_firewall"]["gcp_main_health"];
    assert_eq!(health["direction"], "INGRESS");
    assert_eq!(
        health["allow"][0]["ports"],
        serde_json::json!(["80", "8000-8999"])
    );
    assert_eq!(health["source_tags"], serde_json::json!(["lb"]));
    let dns = &gcp["resource"]["google_compute_firewall"]["gcp_main_dns"];
    assert_eq!(
        dns["destination_ranges"],
        serde_json::json!(["10.30.0.0/16"])
    );
    let azure = json(&files, "terraform/azure/main.tf.json");
    let rules = azure["resource"]["azurerm_network_security_rule"]
        .as_object()
        .unwrap();
    let priorities: BTreeSet<u64> = rules
        .values()
        .map(|r| r["priority"].as_u64().unwrap())
        .collect();
    assert_eq!(priorities.len(), rules.len(), "unique priorities");
    assert_eq!(rules["azure_main_web"]["source_address_prefix"], "Internet");
    let plan = json(&files, "network/gcp_main.json");
    assert_eq!(
        plan["vpc_subnets"][0]["secondary_ip_ranges"][0]["range_name"],
        "pods"
    );
    assert_eq!(plan["psc_cidr_block"], "10.31.0.0/24");
    assert_eq!(
        json(&files, "network/aws_main.json")["connected_networks"],
        serde_json::json!(["gcp_main"])
    );
}

#[test]
fn external_references_stay_in_documents_and_become_inputs() {
    let files = build();
    let policy = &files["aws/logs.policy.json"].contents;
    assert!(policy.contains("${var.log_bucket_arn}/*"), "{policy}");
    assert!(policy.contains("${aws_kms_key.data.arn}"), "{policy}");
    let tf = &files["terraform/aws/main.tf.json"];
    assert!(tf.contents.contains("${var.aws_kms_key_data_arn}"));
    let inputs = tf.inputs.clone().unwrap();
    for v in ["aws_kms_key_data_arn", "log_bucket_arn", "vpc_id_aws_main"] {
        assert!(inputs.contains(&v.to_string()), "{inputs:?}");
    }
    let cfn = json(&files, "cloudformation/aws.template.json");
    assert_eq!(
        cfn["Resources"]["LogsPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"]
            ["Fn::Sub"],
        "${LogBucketArn}/*"
    );
}

/// W0205 between networks of one cloud or connected ones only, in the whole pipeline.
#[test]
fn overlap_across_clouds_only_when_connected() {
    let src = |connect: &str| {
        format!(
            "deployment d {{\n  clouds aws, azure\n}}\n\
             network a for aws {{\n  cidr 10.0.0.0/16\n  {connect}\n}}\n\
             network b for azure {{\n  cidr 10.0.0.0/16\n}}\n"
        )
    };
    assert!(!codes(&src("")).contains(&"W0205"));
    assert!(codes(&src("connect b")).contains(&"W0205"));
    assert!(codes(&src("connect c")).contains(&"E0101"));
}

/// The rule's GCP firewall name (`<prefix>-<network>-<rule>`) must be one GCP takes.
#[test]
fn gcp_firewall_names() {
    let src = |rule: &str| {
        format!(
            "deployment d {{\n  clouds gcp\n  name_prefix \"shop\"\n}}\n\
             network n for gcp {{\n  cidr 10.0.0.0/16\n  ingress {rule} tcp 443 from 10.0.0.0/8\n}}\n"
        )
    };
    assert!(codes(&src("web_in")).is_empty());
    assert_eq!(codes(&src("ends-")), ["E0115"]);
    assert_eq!(codes(&src(&"x".repeat(60))), ["E0115"]);
}

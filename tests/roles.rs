//! Roles the customer creates (`tests/fixtures/roles.eng`): trust statements for a
//! service, an OIDC service account and an account with conditions; an instance
//! profile; a permissions boundary with its guard; which policies attach to which role
//! (managed, split, inline, AWS managed). Every output is pinned in a snapshot and the
//! wiring asserted in each form: `aws/PRINCIPAL.role.json`, the Terraform module and
//! the CloudFormation template. `.ci/outputs-e2e.sh` applies the same outputs to moto.

use engc::backend::{emit, OutputFile, Target};
use engc::{compile_str, Options};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn compile_source(name: &str, text: &str) -> engc::Compilation {
    compile_str(name, text, &Options::default())
}

fn fixture() -> Vec<OutputFile> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roles.eng");
    let text = std::fs::read_to_string(&path).unwrap();
    let c = compile_source("tests/fixtures/roles.eng", &text);
    let rendered = engc::render::plain(&c.sources, &c.diagnostics);
    assert!(c.diagnostics.is_empty(), "diagnostics:\n{rendered}");
    emit(
        &c.model.expect("a model"),
        &Target::ALL.into_iter().collect::<BTreeSet<_>>(),
    )
}

fn json(files: &[OutputFile], path: &str) -> Value {
    let f = engc::backend::find(files, path).unwrap_or_else(|| panic!("no {path}"));
    serde_json::from_str(&f.contents).unwrap()
}

#[test]
fn outputs_match_snapshots() {
    for f in fixture() {
        let snap = format!("roles__{}", f.path.replace('/', "__"));
        insta::with_settings!({ snapshot_path => "snapshots/roles", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snap, f.contents);
        });
    }
}

#[test]
fn trust_statements_per_kind() {
    let files = fixture();
    let nodes = json(&files, "aws/nodes.trust.json");
    assert_eq!(
        nodes["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    assert_eq!(nodes["Statement"][0]["Action"], "sts:AssumeRole");

    let k = &json(&files, "aws/karpenter.trust.json")["Statement"][0];
    let issuer = "oidc.eks.${region}.amazonaws.com/id/${oidc_id}";
    assert_eq!(
        k["Principal"]["Federated"],
        format!("arn:aws:iam::${{account_id}}:oidc-provider/{issuer}")
    );
    assert_eq!(k["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        k["Condition"]["StringEquals"][format!("{issuer}:sub")],
        "system:serviceaccount:karpenter:karpenter"
    );
    assert_eq!(
        k["Condition"]["StringEquals"][format!("{issuer}:aud")],
        "sts.amazonaws.com"
    );

    let s = &json(&files, "aws/support.trust.json")["Statement"][0];
    assert_eq!(s["Sid"], "VendorSupport");
    assert_eq!(s["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
    assert_eq!(
        s["Action"],
        serde_json::json!(["sts:AssumeRole", "sts:TagSession"])
    );
    assert_eq!(
        s["Condition"]["ArnLike"]["aws:PrincipalArn"],
        "arn:aws:iam::111122223333:role/shop-support-*"
    );
    assert_eq!(
        s["Condition"]["StringEquals"]["sts:ExternalId"],
        "${external_id}"
    );
}

#[test]
fn role_files_wire_policies_boundary_and_profile() {
    let files = fixture();
    let nodes = json(&files, "aws/nodes.role.json");
    assert_eq!(nodes["RoleName"], "shop-nodes");
    assert_eq!(nodes["AssumeRolePolicyDocument"], "aws/nodes.trust.json");
    assert_eq!(nodes["PermissionsBoundary"]["PolicyName"], "shop-workloads");
    assert_eq!(
        nodes["PermissionsBoundary"]["PolicyDocument"],
        "aws/workloads.policy.json"
    );
    assert_eq!(nodes["InstanceProfileName"], "shop-nodes");
    assert_eq!(nodes["AwsManagedPolicyArns"].as_array().unwrap().len(), 2);

    let karpenter = json(&files, "aws/karpenter.role.json");
    assert_eq!(
        karpenter["InlinePolicies"][0]["PolicyDocument"],
        "aws/karpenter_controller.policy.json"
    );
    assert!(karpenter.get("ManagedPolicies").is_none());
    let inline = engc::backend::find(&files, "aws/karpenter_controller.policy.json").unwrap();
    assert_eq!(inline.kind, "inline-policy");

    let vendor = json(&files, "aws/vendor.role.json");
    assert_eq!(
        vendor["ManagedPolicies"][0]["PolicyDocument"],
        "aws/control.policy.json"
    );

    // The guard: created roles must carry the boundary, which they cannot remove or
    // rewrite.
    let control = json(&files, "aws/control.policy.json");
    let st = |sid: &str| {
        control["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap()
            .clone()
    };
    let guard = st("RolesUnderWorkloads");
    assert_eq!(
        guard["Condition"]["StringEquals"]["iam:PermissionsBoundary"],
        "arn:aws:iam::${account_id}:policy/shop-workloads"
    );
    assert!(guard["Action"]
        .as_array()
        .unwrap()
        .contains(&Value::from("iam:CreateRole")));
    assert_eq!(st("KeepBoundaryWorkloads")["Effect"], "Deny");
    assert_eq!(
        st("ProtectBoundaryWorkloads")["Resource"],
        "arn:aws:iam::${account_id}:policy/shop-workloads"
    );

    let manifest = json(&files, "manifest.json");
    let kinds: BTreeSet<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("role") && kinds.contains("inline-policy"));
}

#[test]
fn terraform_and_cloudformation_create_the_same_roles() {
    let files = fixture();
    let tf = json(&files, "terraform/aws/main.tf.json");
    let r = &tf["resource"];
    assert_eq!(
        r["aws_iam_role"]["nodes"]["permissions_boundary"],
        "${aws_iam_policy.workloads.arn}"
    );
    assert_eq!(r["aws_iam_policy"]["workloads"]["name"], "shop-workloads");
    assert_eq!(
        r["aws_iam_instance_profile"]["nodes"]["role"],
        "${aws_iam_role.nodes.name}"
    );
    assert_eq!(
        r["aws_iam_role_policy"]["karpenter_controller"]["role"],
        "${aws_iam_role.karpenter.name}"
    );
    assert!(r["aws_iam_policy"].get("karpenter_controller").is_none());
    assert_eq!(
        r["aws_iam_role_policy_attachment"]["control"]["role"],
        "${aws_iam_role.vendor.name}"
    );

    let cfn = json(&files, "cloudformation/aws.template.json");
    let res = &cfn["Resources"];
    assert_eq!(
        res["NodesRole"]["Properties"]["PermissionsBoundary"]["Ref"],
        "WorkloadsPolicy"
    );
    assert_eq!(
        res["WorkloadsPolicy"]["Properties"]["ManagedPolicyName"],
        "shop-workloads"
    );
    assert_eq!(
        res["NodesInstanceProfile"]["Type"],
        "AWS::IAM::InstanceProfile"
    );
    assert_eq!(
        res["NodesInstanceProfile"]["Properties"]["Roles"][0]["Ref"],
        "NodesRole"
    );
    assert_eq!(
        res["KarpenterRole"]["Properties"]["Policies"][0]["PolicyName"],
        "karpenter_controller"
    );
    // The OIDC keys hold placeholders, so the trust policy is one Fn::Sub string.
    let trust = res["KarpenterRole"]["Properties"]["AssumeRolePolicyDocument"]["Fn::Sub"]
        .as_str()
        .unwrap();
    assert!(trust.contains("oidc.eks.${AWS::Region}.amazonaws.com/id/${OidcId}:sub"));
}

/// A level over the managed-policy size is split: every part attaches to the role.
#[test]
fn split_parts_all_attach_to_the_role() {
    let actions: Vec<String> = engc::catalog::aws::catalog()
        .matching("ec2:Describe*")
        .iter()
        .map(|(_, a)| format!("\"ec2:{}\"", a.name))
        .collect();
    let src = format!(
        r#"deployment shop {{
  clouds aws
}}
principal nodes {{
  aws trust service "ec2.amazonaws.com"
}}
access big for nodes unscoped "every describe call, by name" {{
  aws allow [{}] on "*"
}}
"#,
        actions.join(", ")
    );
    let c = compile_source("split.eng", &src);
    assert!(
        !c.diagnostics.iter().any(|d| d.is_error()),
        "{}",
        engc::render::plain(&c.sources, &c.diagnostics)
    );
    let files = emit(&c.model.unwrap(), &[Target::Aws].into_iter().collect());
    let role = json(&files, "aws/nodes.role.json");
    let managed: Vec<&str> = role["ManagedPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PolicyDocument"].as_str().unwrap())
        .collect();
    assert!(managed.len() > 1, "{managed:?}");
    assert_eq!(managed[0], "aws/big.policy.json");
    assert_eq!(managed[1], "aws/big-2.policy.json");
    for m in &managed {
        assert!(files.iter().any(|f| f.path == *m), "{m} is written");
    }
}

#[test]
fn bad_trust_input_is_diagnosed_not_panicked() {
    for src in [
        "deployment d { clouds aws }\nprincipal p { aws trust oidc \"\" }",
        "deployment d { clouds aws }\nprincipal p { aws trust federated [] }",
        "deployment d { clouds aws }\nprincipal p { aws trust role \"arn:aws:iam::1:role/x\" actions [] }",
        "deployment d { clouds aws }\nprincipal p { aws boundary nothing }",
        "deployment d { clouds aws }\naccess a scoped { aws roles under nothing }",
        "deployment d { clouds aws }\nprincipal p { aws trust account \"*\" }",
        "deployment d { clouds aws }\nprincipal p { aws instance_profile }",
        "deployment d { clouds aws }\nprincipal p { aws trust service \"ec2.amazonaws.com\" actions [\"sts:TagSession\"] }",
    ] {
        let c = compile_source("bad.eng", src);
        assert!(!c.diagnostics.is_empty(), "{src}");
    }
}

/// Defaults the kinds bring: a SAML provider's action, `StringLike` for a `sub` with a
/// wildcard, an account id as its root ARN; and the vendor's role first.
#[test]
fn trust_defaults_per_kind() {
    let src = r#"deployment shop {
  clouds aws
  param external_id
}
principal p {
  aws role "arn:aws:iam::111122223333:role/vendor" external_id "${external_id}"
  aws trust federated "arn:aws:iam::${account_id}:saml-provider/corp"
    when StringEquals "SAML:aud" = "https://signin.aws.amazon.com/saml"
  aws trust oidc "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/" service_account "*" in "jobs"
}
"#;
    let c = compile_source("defaults.eng", src);
    assert!(
        c.diagnostics.iter().all(|d| !d.is_error()),
        "{}",
        engc::render::plain(&c.sources, &c.diagnostics)
    );
    let files = emit(&c.model.unwrap(), &[Target::Aws].into_iter().collect());
    let st = &json(&files, "aws/p.trust.json")["Statement"];
    assert_eq!(
        st[0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:role/vendor"
    );
    assert_eq!(st[1]["Action"], "sts:AssumeRoleWithSAML");
    let issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    assert_eq!(
        st[2]["Principal"]["Federated"],
        format!("arn:aws:iam::${{account_id}}:oidc-provider/{issuer}")
    );
    assert_eq!(
        st[2]["Condition"]["StringLike"][format!("{issuer}:sub")],
        "system:serviceaccount:jobs:*"
    );
    assert_eq!(
        st[2]["Condition"]["StringEquals"][format!("{issuer}:aud")],
        "sts.amazonaws.com"
    );
}

//! Terraform modules in JSON syntax, one per cloud: `terraform/aws/main.tf.json`,
//! `terraform/gcp/...`, `terraform/azure/...`, `terraform/k8s/...`. Each declares its
//! provider, a variable for every parameter left unset that it uses (with a
//! validation where engc knows the format), the resources and outputs. Placeholders
//! become interpolations; every other part of every string is escaped
//! ([`strings::template`]).

pub mod aws;
pub mod azure;
pub mod firewall;
pub mod gcp;
pub mod k8s;
pub mod strings;

use super::json::to_json;
use super::{kind, OutputFile, Target};
use crate::model::Model;
use crate::syntax::ast::Cloud;
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The modules for the clouds the deployment targets (and Kubernetes when it has
/// roles); a module with no resource is not written.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let targets = |c: Cloud| model.deployment.clouds.contains(&c);
    if targets(Cloud::Aws) {
        files.extend(aws::module(model).map(|m| file("aws", m)));
    }
    if targets(Cloud::Gcp) {
        files.extend(gcp::module(model).map(|m| file("gcp", m)));
    }
    if targets(Cloud::Azure) {
        files.extend(azure::module(model).map(|m| file("azure", m)));
    }
    files.extend(k8s::module(model).map(|m| file("k8s", m)));
    files
}

/// A rendered module and the parameters it takes as variables.
pub struct Rendered {
    pub contents: String,
    pub variables: Vec<String>,
}

fn file(cloud: &str, m: Rendered) -> OutputFile {
    let path = format!("terraform/{cloud}/main.tf.json");
    OutputFile {
        inputs: Some(m.variables),
        ..OutputFile::new(Target::Terraform, path, kind::TERRAFORM_MODULE, m.contents)
    }
}

/// A module: `terraform`, then the blocks Terraform's JSON syntax names.
#[skip_serializing_none]
#[derive(Serialize)]
pub struct Module<R: Serialize, D: Serialize> {
    terraform: Settings,
    provider: Option<BTreeMap<&'static str, Features>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    variable: BTreeMap<String, Variable>,
    data: Option<D>,
    resource: R,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    output: BTreeMap<String, Output>,
}

#[derive(Serialize)]
struct Settings {
    required_providers: BTreeMap<&'static str, Provider>,
}

#[derive(Serialize)]
struct Provider {
    source: &'static str,
    version: &'static str,
}

/// `provider "azurerm" { features {} }`: azurerm requires the block.
#[derive(Serialize)]
pub struct Features {
    features: Empty,
}

#[derive(Serialize)]
pub struct Empty {}

#[skip_serializing_none]
#[derive(Serialize)]
pub struct Variable {
    #[serde(rename = "type")]
    ty: &'static str,
    default: Option<String>,
    description: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    validation: Vec<Validation>,
}

#[derive(Serialize)]
pub struct Validation {
    condition: String,
    error_message: String,
}

#[derive(Serialize)]
pub struct Output {
    value: String,
    description: String,
}

impl Output {
    pub fn new(value: String, description: String) -> Output {
        Output {
            value,
            description: strings::escape(&description),
        }
    }
}

/// The formats engc knows, for the variables' validations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    ExternalId,
    AwsAccount,
    AwsRegion,
    Guid,
    DnsLabel,
    GcpProject,
}

impl Format {
    fn validation(self, var: &str) -> Validation {
        let v = format!("var.{var}");
        let (condition, message) = match self {
            // RE2 repeats at most 1,000 times: the length is checked apart.
            Format::ExternalId => (
                format!("length({v}) >= 2 && length({v}) <= 1224 && can(regex(\"^[A-Za-z0-9+=,.@:/_-]+$\", {v}))"),
                "an external id is 2 to 1,224 letters, digits and +=,.@:/_-",
            ),
            Format::AwsAccount => (
                format!("can(regex(\"^[0-9]{{12}}$\", {v}))"),
                "an AWS account id is 12 digits",
            ),
            Format::AwsRegion => (
                format!("can(regex(\"^[a-z]{{2}}(-[a-z]+)+-[0-9]+$\", {v}))"),
                "an AWS region reads like us-east-1",
            ),
            Format::Guid => (
                format!("can(regex(\"^[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}$\", {v}))"),
                "expected a GUID such as 00000000-0000-0000-0000-000000000000",
            ),
            Format::DnsLabel => (
                format!("length({v}) <= 63 && can(regex(\"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\", {v}))"),
                "a Kubernetes namespace is a DNS label: up to 63 lowercase letters, digits and -",
            ),
            Format::GcpProject => (
                format!("can(regex(\"^[a-z][-a-z0-9]{{4,28}}[a-z0-9]$\", {v}))"),
                "a GCP project id is 6 to 30 lowercase letters, digits and -, starting with a letter",
            ),
        };
        Validation {
            condition: format!("${{{condition}}}"),
            error_message: format!("The value of {var}: {message}."),
        }
    }
}

/// Terraform reserves these names for variables.
const RESERVED: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// A parameter's variable name.
pub fn variable_name(param: &str) -> String {
    if RESERVED.contains(&param) {
        format!("{param}_value")
    } else {
        param.to_string()
    }
}

/// Renders model strings as Terraform templates and remembers the parameters they use.
pub struct Strings<'m> {
    model: &'m Model,
    /// Placeholders that are not variables (`region` in the AWS module).
    special: &'m dyn Fn(&str) -> Option<String>,
    used: RefCell<BTreeSet<String>>,
    /// Declared external references used (`var.vpc_id`): each a variable.
    externals: RefCell<BTreeSet<String>>,
    special_used: RefCell<BTreeSet<String>>,
    /// Variables of the module's own (role names), with their definitions.
    own: RefCell<BTreeMap<String, Variable>>,
    /// Variables of the module's own without a default (a VPC id): inputs.
    required: RefCell<BTreeSet<String>>,
}

impl<'m> Strings<'m> {
    pub fn new(model: &'m Model, special: &'m dyn Fn(&str) -> Option<String>) -> Self {
        Strings {
            model,
            special,
            used: RefCell::default(),
            externals: RefCell::default(),
            special_used: RefCell::default(),
            own: RefCell::default(),
            required: RefCell::default(),
        }
    }

    /// `s` with its placeholders and declared external references as interpolations
    /// of variables, the rest escaped.
    pub fn tf(&self, s: &str) -> String {
        strings::template_with(
            s,
            &|name| match (self.special)(name) {
                Some(expr) => {
                    self.special_used.borrow_mut().insert(name.to_string());
                    expr
                }
                None => {
                    self.used.borrow_mut().insert(name.to_string());
                    format!("var.{}", variable_name(name))
                }
            },
            &|path| {
                self.externals.borrow_mut().insert(path.to_string());
                format!(
                    "${{var.{}}}",
                    crate::resolve::params::external_variable(path)
                )
            },
        )
    }

    /// Whether a placeholder with a value of the provider's own was rendered.
    pub fn special_used(&self, name: &str) -> bool {
        self.special_used.borrow().contains(name)
    }

    pub fn tf_all(&self, items: &[String]) -> Vec<String> {
        items.iter().map(|s| self.tf(s)).collect()
    }

    /// A variable of the module's own, with a default.
    pub fn own_variable(&self, name: &str, default: &str, description: String) {
        self.own.borrow_mut().insert(
            name.to_string(),
            Variable {
                ty: "string",
                default: Some(strings::escape(default)),
                description: strings::escape(&description),
                sensitive: false,
                validation: Vec::new(),
            },
        );
    }

    /// A variable of the module's own that the caller must give (a VPC id).
    pub fn required_variable(&self, name: &str, description: String) {
        self.required.borrow_mut().insert(name.to_string());
        self.own.borrow_mut().insert(
            name.to_string(),
            Variable {
                ty: "string",
                default: None,
                description: strings::escape(&description),
                sensitive: false,
                validation: Vec::new(),
            },
        );
    }

    /// The variables: one per parameter used (sorted), and the module's own.
    fn variables(&self) -> BTreeMap<String, Variable> {
        let formats = formats(self.model);
        let mut out = std::mem::take(&mut *self.own.borrow_mut());
        for e in self.externals.borrow().iter() {
            out.insert(
                crate::resolve::params::external_variable(e),
                Variable {
                    ty: "string",
                    default: None,
                    description: format!("engc external reference `{e}`"),
                    sensitive: false,
                    validation: Vec::new(),
                },
            );
        }
        for p in self.used.borrow().iter() {
            let name = variable_name(p);
            let format = formats.get(p.as_str()).copied();
            out.insert(
                name.clone(),
                Variable {
                    ty: "string",
                    default: None,
                    description: format!("engc parameter `{p}`, left without a value"),
                    sensitive: format == Some(Format::ExternalId),
                    validation: format.map(|f| f.validation(&name)).into_iter().collect(),
                },
            );
        }
        out
    }

    /// The whole module as JSON, and the parameters it takes.
    pub fn render<R: Serialize, D: Serialize>(
        &self,
        providers: &[(&'static str, &'static str, &'static str)],
        provider_features: Option<&'static str>,
        data: Option<D>,
        resource: R,
        output: BTreeMap<String, Output>,
    ) -> Rendered {
        let module = Module {
            terraform: Settings {
                required_providers: providers
                    .iter()
                    .map(|&(name, source, version)| (name, Provider { source, version }))
                    .collect(),
            },
            provider: provider_features
                .map(|p| [(p, Features { features: Empty {} })].into_iter().collect()),
            variable: self.variables(),
            data,
            resource,
            output,
        };
        Rendered {
            contents: to_json(&module),
            variables: self
                .used
                .borrow()
                .iter()
                .cloned()
                .chain(
                    self.externals
                        .borrow()
                        .iter()
                        .map(|e| crate::resolve::params::external_variable(e)),
                )
                .chain(self.required.borrow().iter().cloned())
                .collect::<BTreeSet<String>>()
                .into_iter()
                .collect(),
        }
    }
}

/// What engc knows of each parameter's format, from where it lands alone: a whole
/// external id, a whole namespace, an ARN's account or region field, an Azure object
/// id or subscription.
pub(crate) fn formats(model: &Model) -> BTreeMap<&str, Format> {
    let mut out = BTreeMap::new();
    out.insert("account_id", Format::AwsAccount);
    out.insert("region", Format::AwsRegion);
    out.insert("subscription_id", Format::Guid);
    out.insert("project_id", Format::GcpProject);
    for p in &model.principals {
        if let Some(role) = &p.aws_role {
            if let Some(n) = role.external_id.as_deref().and_then(alone) {
                out.insert(n, Format::ExternalId);
            }
            let fields: Vec<&str> = role.arn.splitn(6, ':').collect();
            if let Some(n) = fields.get(4).and_then(|f| alone(f)) {
                out.insert(n, Format::AwsAccount);
            }
        }
        // An external id a trust statement requires.
        for t in &p.aws_trust {
            for keys in t.conditions.values() {
                for v in keys.get("sts:ExternalId").into_iter().flatten() {
                    if let Some(n) = alone(v) {
                        out.insert(n, Format::ExternalId);
                    }
                }
            }
        }
        if let Some(n) = p.azure_principal.as_deref().and_then(alone) {
            out.insert(n, Format::Guid);
        }
        if let Some(k) = &p.k8s_service_account {
            if let Some(n) = alone(&k.namespace) {
                out.insert(n, Format::DnsLabel);
            }
        }
    }
    for a in &model.accesses {
        for r in &a.k8s {
            if let Some(n) = r.namespace.as_deref().and_then(alone) {
                out.insert(n, Format::DnsLabel);
            }
        }
    }
    out
}

/// The parameter `s` is, when it is one placeholder and nothing else.
pub fn alone(s: &str) -> Option<&str> {
    let refs = crate::resolve::params::references(s);
    match refs.as_slice() {
        [(name, range)] if range.start == 0 && range.end == s.len() => Some(*name),
        _ => None,
    }
}

/// A resource or output name: the characters Terraform takes in an identifier (the
/// same as a `.eng` name's: `import` names declarations with it too).
pub fn ident(parts: &[&str]) -> String {
    let mut s: String = parts
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

/// `"${TYPE.NAME.ATTR}"`: a reference to another resource's attribute.
pub fn reference(ty: &str, name: &str, attr: &str) -> String {
    format!("${{{ty}.{name}.{attr}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::{sample_model, statement};

    fn modules(model: &Model) -> BTreeMap<String, OutputFile> {
        emit(model)
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect()
    }

    /// Every string of a JSON document, keys included.
    fn strings_of(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.push(k.clone());
                    strings_of(x, out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn one_module_per_cloud_with_variables_for_every_placeholder() {
        let mut model = sample_model();
        model.accesses[1].aws.push(statement(
            Some("Queues"),
            &["sqs:SendMessage"],
            &["arn:aws:sqs:${region}:${account_id}:q"],
        ));
        let files = modules(&model);
        assert_eq!(
            files.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "terraform/aws/main.tf.json",
                "terraform/azure/main.tf.json",
                "terraform/gcp/main.tf.json",
                "terraform/k8s/main.tf.json"
            ]
        );
        for (path, f) in &files {
            assert_eq!(f.kind, kind::TERRAFORM_MODULE);
            // No engc placeholder is left: each became a variable.
            assert!(
                crate::backend::placeholders_in(&f.contents).is_empty(),
                "{path}: {:?}",
                crate::backend::placeholders_in(&f.contents)
            );
            let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
            let declared: BTreeSet<&str> = v["variable"]
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for p in f.inputs.as_ref().unwrap() {
                assert!(declared.contains(p.as_str()), "{path}: {p} undeclared");
                assert!(f.contents.contains(&format!("var.{p}")), "{path}: {p}");
            }
        }
        let aws = &files["terraform/aws/main.tf.json"];
        // region and account are the provider's; the external id is a sensitive variable.
        assert!(aws.contents.contains("${data.aws_region.current.name}"));
        assert!(aws
            .contents
            .contains("${data.aws_caller_identity.current.account_id}"));
        assert_eq!(
            aws.inputs.as_deref(),
            Some(
                &[
                    "aws_account_id".into(),
                    "aws_region".into(),
                    "external_id".into()
                ][..]
            )
        );
        let v: serde_json::Value = serde_json::from_str(&aws.contents).unwrap();
        assert_eq!(v["variable"]["external_id"]["sensitive"], true);
        assert!(v["data"]["aws_region"]["current"].is_object());
        assert_eq!(
            v["variable"]["role_name_chalk_api"]["default"],
            "chalk-chalk-api"
        );
        // every split part is a policy, attached to the role
        let policies = v["resource"]["aws_iam_policy"].as_object().unwrap();
        let attachments = v["resource"]["aws_iam_role_policy_attachment"]
            .as_object()
            .unwrap();
        for name in policies.keys() {
            assert!(attachments.contains_key(name), "{name} is not attached");
        }
        assert!(
            attachments.keys().any(|k| k.starts_with("setup_")),
            "managed"
        );
        insta::assert_snapshot!("aws", aws.contents);
        insta::assert_snapshot!("gcp", files["terraform/gcp/main.tf.json"].contents);
        insta::assert_snapshot!("azure", files["terraform/azure/main.tf.json"].contents);
        insta::assert_snapshot!("k8s", files["terraform/k8s/main.tf.json"].contents);
    }

    /// engc's own attack surface: what reaches a Terraform string is text, never an
    /// expression, unless it is an engc placeholder.
    #[test]
    fn literal_text_is_escaped_in_every_module() {
        let mut model = sample_model();
        let evil = "${file(\"/etc/passwd\")}";
        model.accesses[1].description = Some(format!("desc {evil} %{{ if true }}x%{{ endif }}"));
        model.accesses[1].aws.push(statement(
            Some("Home"),
            &["s3:GetObject"],
            &["arn:aws:s3:::b/${aws:username}/*"],
        ));
        model.accesses[1].k8s[0].name = "x".into();
        model.accesses[1]
            .azure
            .actions
            .push("Microsoft.Foo/${aws:x}/read".into());
        for f in emit(&model) {
            let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
            let mut all = Vec::new();
            strings_of(&v, &mut all);
            for s in &all {
                // Every `${` and `%{` is either escaped or an interpolation engc made.
                let unescaped = s.replace("$${", "").replace("%%{", "");
                assert!(!unescaped.contains("%{"), "{}: {s}", f.path);
                for (i, _) in unescaped.match_indices("${") {
                    let rest = &unescaped[i + 2..];
                    let ok = [
                        "var.",
                        "data.aws_",
                        "aws_",
                        "google_",
                        "azurerm_",
                        "kubernetes_",
                        "length(",
                        "can(",
                        "\"$",
                    ]
                    .iter()
                    .any(|p| rest.starts_with(p));
                    assert!(ok, "{}: an interpolation engc did not make: {s}", f.path);
                }
            }
        }
        let files = modules(&model);
        let aws = &files["terraform/aws/main.tf.json"].contents;
        assert!(aws.contains("$${file(\\\"/etc/passwd\\\")}"), "{aws}");
        assert!(aws.contains("arn:aws:s3:::b/$${aws:username}/*"));
        assert!(aws.contains("%%{ if true }"));
        assert!(files["terraform/azure/main.tf.json"]
            .contents
            .contains("Microsoft.Foo/$${aws:x}/read"));
    }

    /// `description ""`: the GCP custom roles and the IAM policies have no
    /// `description` argument (optional in both), like the roles' JSON.
    #[test]
    fn an_empty_description_is_left_out() {
        let mut model = sample_model();
        for a in &mut model.accesses {
            a.description = Some(String::new());
        }
        let files = modules(&model);
        for (path, kind) in [
            (
                "terraform/gcp/main.tf.json",
                "google_project_iam_custom_role",
            ),
            ("terraform/aws/main.tf.json", "aws_iam_policy"),
        ] {
            let doc: serde_json::Value = serde_json::from_str(&files[path].contents).unwrap();
            let resources = doc["resource"][kind].as_object().unwrap();
            assert!(!resources.is_empty(), "{path}");
            for r in resources.values() {
                assert!(r.get("description").is_none(), "{r}");
            }
        }
    }

    #[test]
    fn bucket_and_key_policies() {
        let mut model = sample_model();
        model.resource_policies = crate::backend::test_model::resource_policies();
        let files = modules(&model);
        let f = &files["terraform/aws/main.tf.json"];
        let v: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
        let bucket = &v["resource"]["aws_s3_bucket_policy"]["datasets"];
        assert_eq!(bucket["bucket"], "chalk-${var.bucket}");
        let policy: serde_json::Value =
            serde_json::from_str(bucket["policy"].as_str().unwrap()).unwrap();
        assert_eq!(policy["Statement"][1]["Principal"], "*");
        let key = &v["resource"]["aws_kms_key_policy"]["keys"];
        assert_eq!(key["key_id"], "${var.key_id}");
        assert!(key["policy"]
            .as_str()
            .unwrap()
            .contains("arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"));
        let inputs = f.inputs.as_ref().unwrap();
        assert!(inputs.contains(&"bucket".to_string()) && inputs.contains(&"key_id".to_string()));
    }

    #[test]
    fn nothing_to_write_no_module() {
        let mut model = sample_model();
        model.accesses.clear();
        model.scps.clear();
        model.principals.clear();
        assert!(emit(&model).is_empty());
    }
}

//! Backends: turn the checked [`Model`] into the files `engc build` writes.
//!
//! Every backend builds typed, serializable structs (never `serde_json::Value` maps, whose
//! key order could change with a dependency's features) and renders them through
//! [`json::to_json`] or [`yaml::to_yaml`], so the same model always gives byte-identical
//! files, each ending with exactly one newline. No I/O happens here.

pub mod aws;
pub mod azure;
pub mod cloudformation;
pub mod gcp;
pub mod gcp_bindings;
mod held;
pub mod json;
pub mod k8s;
pub mod network;
pub mod shell;
pub mod template;
pub mod terraform;
pub mod yaml;

#[cfg(test)]
pub(crate) mod test_model;

use crate::model::Model;
use crate::syntax::ast::Cloud;
use schemars::JsonSchema;
use serde::Serialize;
use serde_with::skip_serializing_none;
use std::collections::{BTreeMap, BTreeSet};

/// What `engc build --target` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Aws,
    Gcp,
    Azure,
    K8s,
    Network,
    /// Terraform modules, one per cloud (`terraform/<cloud>/main.tf.json`).
    Terraform,
    /// The CloudFormation template for AWS (`cloudformation/aws.template.json`).
    #[serde(rename = "cloudformation")]
    CloudFormation,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Aws,
        Target::Gcp,
        Target::Azure,
        Target::K8s,
        Target::Network,
        Target::Terraform,
        Target::CloudFormation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Aws => "aws",
            Target::Gcp => "gcp",
            Target::Azure => "azure",
            Target::K8s => "k8s",
            Target::Network => "network",
            Target::Terraform => "terraform",
            Target::CloudFormation => "cloudformation",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The cloud a target belongs to; `None` for the cloud-independent ones.
    pub fn cloud(self) -> Option<Cloud> {
        match self {
            Target::Aws => Some(Cloud::Aws),
            Target::Gcp => Some(Cloud::Gcp),
            Target::Azure => Some(Cloud::Azure),
            Target::K8s | Target::Network | Target::Terraform | Target::CloudFormation => None,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, `/`-separated, e.g. `aws/ongoing.policy.json`.
    pub path: String,
    /// `None` for `manifest.json`.
    pub target: Option<Target>,
    /// One of the `kind` constants in [`kind`].
    pub kind: &'static str,
    /// The access level it grants, if any.
    pub access: Option<String>,
    /// The principal it concerns, if any.
    pub principal: Option<String>,
    /// For service control policies: the organizational unit it is attached to.
    pub ou: Option<String>,
    /// For resource policies (bucket, key): the store it protects.
    pub store: Option<String>,
    /// For Terraform modules and CloudFormation templates, which take the parameters
    /// left unset as variables: those parameters, the variables of declared external
    /// references and of the networks' firewalls, sorted. `None` for documents, whose
    /// placeholders are found in their text.
    pub inputs: Option<Vec<String>>,
    pub contents: String,
}

impl OutputFile {
    /// A document of no access level or principal (a network plan, a module).
    pub fn new(target: Target, path: String, kind: &'static str, contents: String) -> OutputFile {
        OutputFile {
            path,
            target: Some(target),
            kind,
            access: None,
            principal: None,
            ou: None,
            store: None,
            inputs: None,
            contents,
        }
    }

    /// A document of access level `access` (and of its principal, if any).
    pub fn of_access(
        target: Target,
        path: String,
        kind: &'static str,
        access: &crate::model::Access,
        contents: String,
    ) -> OutputFile {
        OutputFile {
            access: Some(access.name.clone()),
            principal: access.principal.clone(),
            ..OutputFile::new(target, path, kind, contents)
        }
    }

    /// A document of principal `principal` alone (its role, its trust policy).
    pub fn of_principal(
        target: Target,
        path: String,
        kind: &'static str,
        principal: &str,
        contents: String,
    ) -> OutputFile {
        OutputFile {
            principal: Some(principal.to_string()),
            ..OutputFile::new(target, path, kind, contents)
        }
    }

    /// The `${name}` placeholders this document holds, sorted; none for a file that
    /// takes its parameters as variables ([`OutputFile::inputs`]).
    pub fn placeholders(&self) -> Vec<&str> {
        match self.inputs {
            Some(_) => Vec::new(),
            None => placeholders_in(&self.contents),
        }
    }
}

/// The document at `path` among `files`.
pub fn find<'f>(files: &'f [OutputFile], path: &str) -> Option<&'f OutputFile> {
    files.iter().find(|f| f.path == path)
}

/// A key of `taken` not used yet: `base`, else `base` + `sep` + 2, 3... (logical ids of
/// a template, resource names of a module).
pub(crate) fn unused_key<T>(taken: &BTreeMap<String, T>, base: String, sep: &str) -> String {
    if !taken.contains_key(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}{sep}{n}"))
        .find(|k| !taken.contains_key(k))
        .expect("finitely many keys are taken")
}

/// The values of [`OutputFile::kind`] (also written to `manifest.json`).
pub mod kind {
    pub const POLICY: &str = "policy";
    /// An AWS policy written inline in its principal's role (`aws inline`).
    pub const INLINE_POLICY: &str = "inline-policy";
    /// How an AWS role is made: name, trust, boundary, policies, instance profile.
    pub const ROLE: &str = "role";
    pub const MANAGED_POLICIES: &str = "managed-policies";
    pub const TRUST_POLICY: &str = "trust-policy";
    pub const SCP: &str = "scp";
    /// A store's resource policy: `bucket-policy`, `key-policy`
    /// ([`crate::vocab::resource_policies::Info::file_kind`]).
    pub const BUCKET_POLICY: &str = "bucket-policy";
    pub const KEY_POLICY: &str = "key-policy";
    pub const CUSTOM_ROLE: &str = "custom-role";
    pub const ROLE_BINDINGS: &str = "role-bindings";
    pub const ROLE_DEFINITION: &str = "role-definition";
    /// An ARM deployment template (Azure role definition and assignments).
    pub const ARM_TEMPLATE: &str = "arm-template";
    /// A shell script of `az`, `gcloud`... commands.
    pub const SCRIPT: &str = "script";
    /// GCP bindings for a service account's own policy (who may impersonate it).
    pub const IMPERSONATION: &str = "impersonation-bindings";
    /// A Terraform module in JSON syntax.
    pub const TERRAFORM_MODULE: &str = "terraform-module";
    /// A CloudFormation template.
    pub const CLOUDFORMATION_TEMPLATE: &str = "cloudformation-template";
    pub const RBAC: &str = "rbac";
    pub const NETWORK_PLAN: &str = "network-plan";
    pub const MANIFEST: &str = "manifest";
}

/// The path of the manifest listing every other file.
pub const MANIFEST_PATH: &str = "manifest.json";

/// Every file for the selected targets plus `manifest.json`, sorted by path. Cloud
/// targets are emitted only if the deployment's `clouds` contain that cloud; k8s and
/// network always when the model has something for them.
pub fn emit(model: &Model, targets: &BTreeSet<Target>) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for &target in targets {
        files.extend(emit_target(model, target));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = manifest(model, &files);
    files.push(manifest);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The files of one target, unsorted; none when the deployment lacks its cloud.
fn emit_target(model: &Model, target: Target) -> Vec<OutputFile> {
    if let Some(cloud) = target.cloud() {
        if !model.deployment.clouds.contains(&cloud) {
            return Vec::new();
        }
    }
    match target {
        Target::Aws => aws::emit(model),
        Target::Gcp => gcp::emit(model),
        Target::Azure => azure::emit(model),
        Target::K8s => k8s::emit(model),
        Target::Network => network::emit(model),
        Target::Terraform => terraform::emit(model),
        Target::CloudFormation => {
            if model.deployment.clouds.contains(&Cloud::Aws) {
                cloudformation::emit(model).into_iter().collect()
            } else {
                Vec::new()
            }
        }
    }
}

/// Whether a target's files take the parameters left unset as variables
/// ([`OutputFile::inputs`]), so that they hold no placeholder.
fn takes_variables(target: Target) -> bool {
    matches!(target, Target::Terraform | Target::CloudFormation)
}

/// What [`emit`] would give to [`crate::check::placeholders::find`], without keeping
/// the documents (`engc check` writes nothing): each parameter left as a placeholder,
/// with the paths of the documents that hold it, sorted. One target's documents are
/// alive at a time, the targets that take variables are not built at all, and the GCP
/// documents and AWS trust policies not either (`held.rs` reads them from the model).
pub fn placeholders(model: &Model, targets: &BTreeSet<Target>) -> BTreeMap<String, Vec<String>> {
    let mut held: Vec<(String, Vec<String>)> = Vec::new();
    for &target in targets.iter().filter(|t| !takes_variables(**t)) {
        let files = match target {
            // The levels whose AWS documents can hold no placeholder are left out, and
            // the trust policies are read from the model.
            Target::Aws if model.deployment.clouds.contains(&Cloud::Aws) => {
                for p in &model.principals {
                    held::aws_trust(p, &mut held);
                }
                aws::emit_for_placeholders(model)
            }
            // Read from the model: no GCP document is built.
            Target::Gcp if model.deployment.clouds.contains(&Cloud::Gcp) => {
                held::gcp(model, &mut held);
                continue;
            }
            _ => emit_target(model, target),
        };
        for f in files {
            let names = f.placeholders();
            if !names.is_empty() {
                let names = names.into_iter().map(str::to_string).collect();
                held.push((f.path, names));
            }
        }
    }
    held.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, names) in held {
        for n in names {
            out.entry(n).or_default().push(path.clone());
        }
    }
    out
}

/// What `manifest.json` says of itself: engc wrote it, in this format. `engc build`
/// replaces an existing folder only when its manifest says so.
pub const MANIFEST_GENERATOR: &str = "engc";
pub const MANIFEST_FORMAT: u32 = 1;

/// `manifest.json`: what engc wrote, so that reviewers, tools and the next build know.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "engc manifest.json", deny_unknown_fields)]
struct Manifest<'a> {
    /// Always `engc`: a folder whose manifest says so may be replaced by the next build.
    generator: &'static str,
    /// The manifest's format version.
    format: u32,
    /// The deployment's name.
    deployment: &'a str,
    /// Parameters left as `${name}` placeholders in some document, sorted.
    placeholders: Vec<&'a str>,
    /// The parameters `if` guards in access levels and `grants` groups tested, with
    /// the values this build used: which variant it is (`"vpc": "create"`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    modes: BTreeMap<&'a str, &'a str>,
    /// Every access level with how far it reaches, so the reasons reach reviewers.
    access_levels: Vec<AccessEntry<'a>>,
    files: Vec<ManifestEntry<'a>>,
}

/// An access level.
#[skip_serializing_none]
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AccessEntry<'a> {
    name: &'a str,
    /// The principal it is granted to.
    principal: Option<&'a str>,
    /// `scoped` or `unscoped`.
    scope: &'static str,
    /// Why an unscoped level is unscoped.
    reason: Option<&'a str>,
    /// The id to pass to `gcloud iam roles create` for its custom role.
    gcp_role_id: Option<&'a str>,
}

/// A file engc wrote.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ManifestEntry<'a> {
    /// Relative to the output folder, `/`-separated.
    path: &'a str,
    /// The `--target` that writes it.
    target: Option<Target>,
    /// What it is: `policy`, `inline-policy`, `managed-policies`, `trust-policy`, `role`, `scp`, `custom-role`,
    /// `role-bindings`, `impersonation-bindings`, `role-definition`, `arm-template`,
    /// `script`, `rbac`, `network-plan`, `terraform-module`, `cloudformation-template`,
    /// `bucket-policy`, `key-policy`.
    kind: &'a str,
    /// The access level it grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<&'a str>,
    /// The principal it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    /// For an SCP: the organizational unit (or root) it is attached to.
    #[serde(skip_serializing_if = "Option::is_none")]
    ou: Option<&'a str>,
    /// For a resource policy (bucket policy, key policy): the store it protects.
    #[serde(skip_serializing_if = "Option::is_none")]
    store: Option<&'a str>,
    /// The parameters this document still holds as placeholders, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    placeholders: Vec<&'a str>,
    /// The parameters a Terraform module or CloudFormation template takes as
    /// variables, sorted: the parameters left unset, the variables of declared external
    /// references (`var.vpc_id` → `vpc_id`) and those a network's firewall needs
    /// (`vpc_id_NETWORK`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<&'a [String]>,
}

/// `manifest.json` for `files` (which must already be sorted by path).
fn manifest(model: &Model, files: &[OutputFile]) -> OutputFile {
    let per_file: Vec<Vec<&str>> = files.iter().map(OutputFile::placeholders).collect();
    let mut all: Vec<&str> = per_file.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let doc = Manifest {
        generator: MANIFEST_GENERATOR,
        format: MANIFEST_FORMAT,
        deployment: &model.deployment.name,
        placeholders: all,
        modes: model
            .deployment
            .modes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        access_levels: model
            .accesses
            .iter()
            .map(|a| AccessEntry {
                name: &a.name,
                principal: a.principal.as_deref(),
                scope: if a.unscoped_reason.is_some() {
                    "unscoped"
                } else {
                    "scoped"
                },
                reason: a.unscoped_reason.as_deref(),
                gcp_role_id: (!a.gcp.permissions.is_empty()
                    && model
                        .deployment
                        .clouds
                        .contains(&crate::syntax::ast::Cloud::Gcp))
                .then_some(a.gcp.role_id.as_str()),
            })
            .collect(),
        files: files
            .iter()
            .zip(per_file.iter())
            .map(|(f, held)| ManifestEntry {
                path: &f.path,
                target: f.target,
                kind: f.kind,
                access: f.access.as_deref(),
                principal: f.principal.as_deref(),
                ou: f.ou.as_deref(),
                store: f.store.as_deref(),
                placeholders: held.clone(),
                parameters: f.inputs.as_deref(),
            })
            .collect(),
    };
    let contents = json::to_json(&doc);
    OutputFile {
        // The manifest belongs to no target: it is written whatever `--target` says.
        target: None,
        ..OutputFile::new(
            Target::Aws,
            MANIFEST_PATH.to_string(),
            kind::MANIFEST,
            contents,
        )
    }
}

/// The JSON Schema of `manifest.json` (committed as `docs/manifest.schema.json`),
/// derived from the structs that write it.
pub fn manifest_schema() -> String {
    json::to_json(&schemars::schema_for!(Manifest<'static>))
}

/// The `${name}` placeholders a document holds, sorted, each once.
pub fn placeholders_in(contents: &str) -> Vec<&str> {
    let mut v: Vec<&str> = crate::resolve::params::references(contents)
        .into_iter()
        .map(|r| r.0)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The access's title, or its name.
pub(crate) fn title_of(access: &crate::model::Access) -> &str {
    access.title.as_deref().unwrap_or(&access.name)
}

/// The access's description, or `engc: <deployment> access level <name>`.
pub(crate) fn description_of(model: &Model, access: &crate::model::Access) -> String {
    match &access.description {
        Some(d) => d.clone(),
        None => format!(
            "engc: {} access level {}",
            model.deployment.name, access.name
        ),
    }
}

/// The description where the target may leave it out (a GCP custom role, an IAM
/// managed policy): none when the author wrote `description ""`.
pub(crate) fn optional_description(model: &Model, access: &crate::model::Access) -> Option<String> {
    Some(description_of(model, access)).filter(|d| !d.is_empty())
}

/// The principal an access is granted to, if it names one the model knows.
pub(crate) fn principal_of<'m>(
    model: &'m Model,
    access: &crate::model::Access,
) -> Option<&'m crate::model::Principal> {
    principal_named(model, access.principal.as_deref()?)
}

/// The principal named `name`, if the model knows it.
pub(crate) fn principal_named<'m>(
    model: &'m Model,
    name: &str,
) -> Option<&'m crate::model::Principal> {
    // Sorted by name: a binary search (a scan per level is quadratic), and a scan
    // should a model built by hand not be sorted.
    match model
        .principals
        .binary_search_by(|p| p.name.as_str().cmp(name))
    {
        Ok(i) => Some(&model.principals[i]),
        Err(_) => model.principals.iter().find(|p| p.name == name),
    }
}

/// Each principal's access levels, in the model's order, found in one pass (a scan of
/// every level per principal is quadratic).
pub(crate) fn levels_by_principal(model: &Model) -> BTreeMap<&str, Vec<&crate::model::Access>> {
    // Sorted by principal (stably: each principal's levels in the model's order), then
    // grouped, and the map built from its sorted keys in one pass: inserting level by
    // level searched the map each time (the 10,000 levels: 938,000 string comparisons).
    let mut pairs: Vec<(&str, &crate::model::Access)> = model
        .accesses
        .iter()
        .filter_map(|a| Some((a.principal.as_deref()?, &**a)))
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let mut grouped: Vec<(&str, Vec<&crate::model::Access>)> = Vec::new();
    for (p, a) in pairs {
        match grouped.last_mut() {
            Some((q, levels)) if *q == p => levels.push(a),
            _ => grouped.push((p, vec![a])),
        }
    }
    grouped.into_iter().collect()
}

/// The access level named `name` (binary search: the levels are sorted by name).
pub(crate) fn access_named<'m>(model: &'m Model, name: &str) -> Option<&'m crate::model::Access> {
    match model
        .accesses
        .binary_search_by(|a| a.name.as_str().cmp(name))
    {
        Ok(i) => Some(&model.accesses[i]),
        Err(_) => model.accesses.iter().find(|a| a.name == name).map(|a| &**a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_model::sample_model;

    fn all() -> BTreeSet<Target> {
        Target::ALL.into_iter().collect()
    }

    #[test]
    fn levels_by_principal_keeps_each_principal_s_levels_in_model_order() {
        use crate::backend::test_model::access;
        let mut model = sample_model();
        model.accesses = [
            ("a", Some("p2")),
            ("b", Some("p1")),
            ("c", None),
            ("d", Some("p2")),
            ("e", Some("p1")),
            ("f", Some("p10")),
        ]
        .into_iter()
        .map(|(name, p)| access(name, p).into())
        .collect();
        let got: Vec<(&str, Vec<&str>)> = levels_by_principal(&model)
            .into_iter()
            .map(|(p, levels)| (p, levels.iter().map(|a| a.name.as_str()).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("p1", vec!["b", "e"]),
                ("p10", vec!["f"]),
                ("p2", vec!["a", "d"])
            ]
        );
    }

    #[test]
    fn target_names_round_trip() {
        for t in Target::ALL {
            assert_eq!(Target::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(Target::parse("AWS"), None);
        assert_eq!(Target::parse(""), None);
    }

    #[test]
    fn emit_is_sorted_deterministic_and_newline_terminated() {
        let model = sample_model();
        let a = emit(&model, &all());
        let b = emit(&model, &all());
        assert_eq!(a, b);
        let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted, "sorted and unique");
        for f in &a {
            assert!(f.contents.ends_with('\n'), "{}", f.path);
            assert!(!f.contents.ends_with("\n\n"), "{}", f.path);
            if f.path.ends_with(".json") {
                serde_json::from_str::<serde::de::IgnoredAny>(&f.contents)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.path));
            }
        }
        let listing: String = a.iter().map(|f| format!("{}\n", f.path)).collect();
        insta::assert_snapshot!(listing);
    }

    #[test]
    fn manifest_lists_every_other_file() {
        let model = sample_model();
        let files = emit(&model, &all());
        let manifest = find(&files, MANIFEST_PATH).unwrap();
        assert_eq!(manifest.target, None);
        insta::assert_snapshot!(manifest.contents);

        #[derive(serde::Deserialize)]
        struct M {
            deployment: String,
            files: Vec<E>,
        }
        #[derive(serde::Deserialize)]
        struct E {
            path: String,
            target: String,
            kind: String,
        }
        let m: M = serde_json::from_str(&manifest.contents).unwrap();
        assert_eq!(m.deployment, model.deployment.name);
        let others: Vec<&OutputFile> = files.iter().filter(|f| f.path != MANIFEST_PATH).collect();
        assert_eq!(m.files.len(), others.len());
        for (e, f) in m.files.iter().zip(others) {
            assert_eq!(e.path, f.path);
            assert_eq!(e.target, f.target.unwrap().as_str());
            assert_eq!(e.kind, f.kind);
            assert!(f.path.starts_with(&format!("{}/", e.target)));
        }
    }

    #[test]
    fn only_selected_targets_and_declared_clouds() {
        let mut model = sample_model();
        let only_k8s: BTreeSet<Target> = [Target::K8s].into_iter().collect();
        let files = emit(&model, &only_k8s);
        assert!(files
            .iter()
            .all(|f| f.path == MANIFEST_PATH || f.target == Some(Target::K8s)));
        assert!(files.len() > 1);

        model.deployment.clouds = vec![Cloud::Gcp];
        let files = emit(&model, &all());
        assert!(files
            .iter()
            .all(|f| !matches!(f.target, Some(Target::Aws) | Some(Target::Azure))));
        assert!(files.iter().any(|f| f.target == Some(Target::Gcp)));
        assert!(files.iter().any(|f| f.target == Some(Target::Network)));

        let none = emit(&model, &BTreeSet::new());
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].path, MANIFEST_PATH);
        assert!(none[0].contents.contains("\"files\": []"));
    }
}

//! `engc import`: AWS policies, trust policies and role descriptions, GCP custom roles
//! and bindings, Azure role definitions and Kubernetes RBAC, read back into one `.eng`
//! description ([`Desc`]) and written as `.eng` text ([`emit`]). Every document is
//! recognised by its shape; a `manifest.json` among the inputs (an `engc build`
//! folder) names each file's access level and principal. Placeholders `${name}`
//! become `param name` declarations. No I/O: the command line reads the files.

pub mod abstracts;
pub(crate) mod aws;
mod clouds;
pub mod emit;
mod k8s;
pub mod tree;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use std::collections::BTreeMap;
use tree::{Node, Val};

/// One document to import: its name as shown in diagnostics and its text.
pub struct ImportInput {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The deployment's name when no manifest gives one.
    pub name: Option<String>,
    /// Hand-written documents' access levels: `None` scoped, `Some(reason)` unscoped.
    pub unscoped: Option<String>,
    /// Write the abstract grant where statements equal what one generates.
    pub abstract_form: bool,
}

pub struct Imported {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The `.eng` text (not yet formatted), when there is no error.
    pub text: Option<String>,
}

impl Imported {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What the documents describe, in `.eng` terms.
#[derive(Debug, Default)]
pub struct Desc {
    pub deployment: Option<String>,
    /// Found in the ARNs of statements replaced by abstract grants.
    pub name_prefix: Option<String>,
    /// The one tag every tag condition tests, written `managed_tag`.
    pub managed_tag: Option<(String, String)>,
    pub principals: BTreeMap<String, Principal>,
    pub accesses: BTreeMap<String, Access>,
    /// Hints: a statement of an access level that an abstract grant would write.
    pub hints: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct Principal {
    /// `aws role "ARN" [external_id "ID"]`.
    pub aws_role: Option<(String, Option<String>)>,
    /// `aws trust ...` lines, written as they will be emitted (after `aws trust `).
    pub trusts: Vec<String>,
    /// `aws instance_profile ["NAME"]`: `Some(None)` for the role's own name.
    pub instance_profile: Option<Option<String>>,
    pub boundary: Option<String>,
    pub gcp_service_account: Option<String>,
    pub impersonated_by: Vec<String>,
    pub azure_service_principal: Option<String>,
    pub k8s_service_account: Option<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Access {
    pub principal: Option<String>,
    /// `None`: scoped; `Some(reason)`: unscoped.
    pub unscoped: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub aws: Vec<Statement>,
    pub aws_inline: bool,
    pub managed: Vec<String>,
    pub gcp_permissions: Vec<String>,
    pub gcp_roles: Vec<String>,
    pub gcp_role_id: Option<String>,
    pub azure: [Vec<String>; 4],
    pub azure_scopes: Vec<String>,
    pub k8s: Vec<K8sRole>,
    pub k8s_binds: Vec<String>,
    /// `gcp bind` and `azure assign` lines (after the keywords).
    pub gcp_binds: Vec<String>,
    pub azure_assigns: Vec<String>,
    /// Lines written before the grants (`read store data` in the abstract form) and
    /// the declarations they need (`store data: s3`).
    pub abstract_lines: Vec<String>,
    pub abstract_decls: Vec<String>,
}

/// One AWS statement of an identity policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    pub not_action: bool,
    pub actions: Vec<String>,
    pub not_resource: bool,
    /// `None`: no `Resource` (written `*`).
    pub resources: Option<Vec<String>>,
    /// (operator, key, values), in the order written.
    pub conditions: Vec<(String, String, Vec<String>)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct K8sRole {
    pub cluster: bool,
    pub name: String,
    pub namespace: Option<String>,
    pub rules: Vec<K8sRule>,
}

#[derive(Clone, Debug, Default)]
pub struct K8sRule {
    pub groups: Option<Vec<String>>,
    pub resources: Option<Vec<String>>,
    pub verbs: Vec<String>,
    pub names: Option<Vec<String>>,
    pub urls: Option<Vec<String>>,
}

/// What the manifest of a build folder says about one file.
#[derive(Clone, Debug, Default)]
struct FileInfo {
    kind: String,
    access: Option<String>,
    principal: Option<String>,
}

/// The state of one import run: the description and the diagnostics so far.
pub(crate) struct Ctx {
    pub desc: Desc,
    pub diags: Vec<Diagnostic>,
    pub opts: ImportOptions,
    /// Principals' names by the role file that made them (`aws/NAME.trust.json`).
    trust_owner: BTreeMap<String, String>,
}

impl Ctx {
    pub fn error(&mut self, code: Code, span: Span, msg: impl Into<String>, help: &str) {
        let mut d = Diagnostic::new(code, span, msg).label("here");
        if !help.is_empty() {
            d = d.help(help.to_string());
        }
        self.diags.push(d);
    }

    pub fn access(&mut self, name: &str) -> &mut Access {
        let unscoped = self.opts.unscoped.clone();
        self.desc
            .accesses
            .entry(name.to_string())
            .or_insert_with(|| Access {
                unscoped,
                ..Access::default()
            })
    }

    pub fn principal(&mut self, name: &str) -> &mut Principal {
        self.desc.principals.entry(name.to_string()).or_default()
    }

    /// A string field, or E1003 at the value of the wrong type.
    pub fn string(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.val {
            Val::Str(s) => Some(s.clone()),
            _ => {
                self.error(
                    Code::E1003,
                    node.span,
                    format!("`{field}` must be a string, not {}", node.what()),
                    "",
                );
                None
            }
        }
    }

    /// A string or a list of strings (IAM's and RBAC's usual lists), or E1003.
    pub fn strings(&mut self, node: &Node, field: &str) -> Option<Vec<String>> {
        match &node.val {
            Val::Str(s) => Some(vec![s.clone()]),
            Val::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.string(i, field)?);
                }
                Some(out)
            }
            Val::Null => Some(Vec::new()),
            _ => {
                self.error(
                    Code::E1003,
                    node.span,
                    format!(
                        "`{field}` must be a string or a list of strings, not {}",
                        node.what()
                    ),
                    "",
                );
                None
            }
        }
    }

    pub fn skipped(&mut self, span: Span, msg: impl Into<String>, help: &str) {
        let mut d = Diagnostic::new(Code::W1005, span, msg).label("not imported");
        if !help.is_empty() {
            d = d.help(help.to_string());
        }
        self.diags.push(d);
    }
}

/// Imports `inputs` into one `.eng` text.
pub fn import(inputs: Vec<ImportInput>, opts: &ImportOptions) -> Imported {
    let mut sources = SourceMap::new();
    let mut ctx = Ctx {
        desc: Desc::default(),
        diags: Vec::new(),
        opts: opts.clone(),
        trust_owner: BTreeMap::new(),
    };
    // Parse every input first: the manifest and role descriptions inform the others.
    let mut docs: Vec<(String, FileId, Vec<Node>)> = Vec::new();
    let mut scripts = Vec::new();
    for input in inputs {
        let text = String::from_utf8_lossy(&input.bytes).into_owned();
        let id = sources.add(input.name.clone(), None, text.clone());
        if let Err(e) = std::str::from_utf8(&input.bytes) {
            let at = text
                .char_indices()
                .nth(
                    input.bytes[..e.valid_up_to()]
                        .iter()
                        .filter(|b| (**b & 0xC0) != 0x80)
                        .count(),
                )
                .map_or(text.len(), |(i, _)| i);
            ctx.error(
                Code::E1001,
                Span::new(id, at, (at + 1).min(text.len())),
                format!("`{}` is not UTF-8 text", input.name),
                "save the file as UTF-8",
            );
            continue;
        }
        let input = ImportInput {
            name: input.name,
            bytes: Vec::new(),
        };
        if input.name.ends_with(".assign.sh") {
            // engc's own Azure script: the service principal the role is assigned to.
            scripts.push((input.name, id, text));
            continue;
        }
        let yaml = input.name.ends_with(".yaml") || input.name.ends_with(".yml");
        let parsed = if yaml {
            tree::parse_yaml(id, &text)
        } else {
            tree::parse_json(id, &text).map(|n| vec![n])
        };
        match parsed {
            Ok(nodes) => docs.push((input.name, id, nodes)),
            Err(d) => ctx.diags.push(*d),
        }
    }
    let mut infos: BTreeMap<String, FileInfo> = BTreeMap::new();
    for (_, _, nodes) in &docs {
        if let Some(m) = nodes.first().filter(|n| is_manifest(n)) {
            read_manifest(&mut ctx, m, &mut infos);
        }
    }
    for (name, id, text) in scripts {
        let info = file_info(&infos, &name);
        let principal = info.as_ref().and_then(|i| i.principal.clone()).or_else(|| {
            let access = info.as_ref()?.access.clone()?;
            ctx.desc.accesses.get(&access)?.principal.clone()
        });
        clouds::azure_assign_script(&mut ctx, id, &text, principal);
    }
    // Role descriptions first: they say whose trust file is whose.
    docs.sort_by_key(|(name, _, _)| {
        let desc = name.ends_with(".role.json") && is_role_desc_name(name);
        (!desc, split_order(name))
    });
    for (name, id, nodes) in &docs {
        let info = file_info(&infos, name);
        if nodes.is_empty() {
            ctx.error(
                Code::E1002,
                Span::new(*id, 0, 0),
                format!("`{name}` holds no document"),
                "",
            );
        }
        for node in nodes {
            document(&mut ctx, name, node, info.as_ref());
        }
    }
    let mut diagnostics = ctx.diags;
    let text = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        if ctx.desc.deployment.is_none() {
            ctx.desc.deployment = opts.name.clone();
        }
        ctx.desc.managed_tag = emit::managed_tag(&ctx.desc);
        abstracts::find(&mut ctx.desc, opts.abstract_form);
        diagnostics.append(&mut ctx.desc.hints);
        Some(emit::eng(&ctx.desc))
    };
    diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
    Imported {
        sources,
        diagnostics,
        text,
    }
}

/// `aws/ongoing-2.policy.json` after `aws/ongoing.policy.json`: the parts of a split
/// policy in order, so that a rebuild packs the statements as before.
fn split_order(name: &str) -> (String, u32) {
    if let Some(stem) = name.strip_suffix(".policy.json") {
        if let Some((base, n)) = stem.rsplit_once('-') {
            if let Ok(n) = n.parse::<u32>() {
                return (format!("{base}.policy.json"), n);
            }
        }
    }
    (name.to_string(), 1)
}

/// What the manifest says of the input `name` (which ends with the manifest's path).
fn file_info(infos: &BTreeMap<String, FileInfo>, name: &str) -> Option<FileInfo> {
    infos
        .iter()
        .find(|(path, _)| name == *path || name.ends_with(&format!("/{path}")))
        .map(|(_, i)| i.clone())
}

fn is_role_desc_name(name: &str) -> bool {
    // `aws/NAME.role.json` (not `gcp/` or `azure/`, whose `.role.json` are roles).
    !name.contains("gcp/") && !name.contains("azure/")
}

fn is_manifest(n: &Node) -> bool {
    n.get("generator").and_then(Node::str) == Some("engc") && n.get("files").is_some()
}

fn read_manifest(ctx: &mut Ctx, m: &Node, infos: &mut BTreeMap<String, FileInfo>) {
    if let Some(d) = m.get("deployment").and_then(Node::str) {
        ctx.desc.deployment = Some(d.to_string());
    }
    if let Some(Val::List(levels)) = m.get("access_levels").map(|n| &n.val) {
        for l in levels {
            let Some(name) = l.get("name").and_then(Node::str) else {
                continue;
            };
            let principal = l.get("principal").and_then(Node::str).map(str::to_string);
            let unscoped = (l.get("scope").and_then(Node::str) == Some("unscoped")).then(|| {
                l.get("reason")
                    .and_then(Node::str)
                    .unwrap_or("imported")
                    .to_string()
            });
            let role_id = l.get("gcp_role_id").and_then(Node::str).map(str::to_string);
            let a = ctx.access(name);
            a.principal = principal;
            a.unscoped = unscoped;
            a.gcp_role_id = role_id;
        }
    }
    if let Some(Val::List(files)) = m.get("files").map(|n| &n.val) {
        for f in files {
            let Some(path) = f.get("path").and_then(Node::str) else {
                continue;
            };
            let get = |k: &str| f.get(k).and_then(Node::str).map(str::to_string);
            infos.insert(
                path.to_string(),
                FileInfo {
                    kind: get("kind").unwrap_or_default(),
                    access: get("access"),
                    principal: get("principal"),
                },
            );
        }
    }
}

/// The access level or principal a file stands for when no manifest says: its name up
/// to the first `.` (`aws/ongoing.policy.json` → `ongoing`), made a valid `.eng` name.
pub fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.split('.').next().unwrap_or(base);
    ident(base)
}

/// `s` as a `.eng` name: letters, digits, `_` and `-`, not starting with a digit.
pub fn ident(s: &str) -> String {
    crate::backend::terraform::ident(&[s])
}

/// Recognises one document by its shape and imports it.
fn document(ctx: &mut Ctx, name: &str, node: &Node, info: Option<&FileInfo>) {
    let kind = info.map(|i| i.kind.as_str()).unwrap_or("");
    let access = info
        .and_then(|i| i.access.clone())
        .unwrap_or_else(|| stem(name));
    if !matches!(node.val, Val::Map(_)) {
        ctx.error(
            Code::E1002,
            node.span,
            format!(
                "`{name}` is {}, not a policy, role or RBAC document",
                node.what()
            ),
            "engc import reads AWS policies, trust policies and role descriptions, GCP \
             custom roles and bindings, Azure role definitions and Kubernetes RBAC",
        );
        return;
    }
    match kind {
        "terraform-module"
        | "cloudformation-template"
        | "network-plan"
        | "script"
        | "arm-template" => return, // derived from the documents imported
        _ if name.ends_with(".resource-bindings.json") => {
            return clouds::gcp_resource_bindings(ctx, node, &access)
        }
        _ if name.ends_with(".builtin-assignments.json") => {
            return clouds::azure_assignments(ctx, node, &access)
        }
        "bucket-policy" | "key-policy" | "scp" => {
            ctx.skipped(
                node.key_span(),
                format!("`{name}` ({kind}) is not imported"),
                "engc import reads identity policies, trust policies, custom roles and RBAC; \
                 write resource policies, SCPs and bindings beside them by hand",
            );
            return;
        }
        _ => {}
    }
    if is_manifest(node) {
        return;
    }
    if node.get("Statement").is_some() {
        aws::policy(ctx, name, node, info, &access);
    } else if node.get("AssumeRolePolicyDocument").is_some() {
        aws::role_description(ctx, name, node);
    } else if node.get("ManagedPolicyArns").is_some() {
        aws::managed(ctx, node, &access);
    } else if node.get("includedPermissions").is_some() {
        clouds::gcp_role(ctx, node, &access);
    } else if matches!(node.get("assignments").map(|n| &n.val), Some(Val::List(_))) {
        clouds::azure_assignments(ctx, node, &access);
    } else if matches!(node.get("resources").map(|n| &n.val), Some(Val::List(_)))
        && node.get("apiVersion").is_none()
    {
        clouds::gcp_resource_bindings(ctx, node, &access);
    } else if node.get("bindings").is_some() {
        clouds::gcp_bindings(ctx, name, node, info, &access);
    } else if clouds::is_azure_role(node) {
        clouds::azure_role(ctx, node, &access);
    } else if node.get("apiVersion").is_some() && node.get("kind").is_some() {
        k8s::document(ctx, node, &access, info.and_then(|i| i.principal.clone()));
    } else {
        ctx.error(
            Code::E1002,
            node.key_span(),
            format!("`{name}` is not a document engc can import"),
            "engc import reads AWS policies (`Statement`), trust policies, role \
             descriptions (`AssumeRolePolicyDocument`), GCP custom roles \
             (`includedPermissions`) and bindings, Azure role definitions (`Actions`) and \
             Kubernetes RBAC (`apiVersion`, `kind`)",
        );
    }
}

impl Node {
    /// The span of the first key of a map (a short span for a whole document).
    pub fn key_span(&self) -> Span {
        match &self.val {
            Val::Map(m) if !m.is_empty() => m[0].0.span,
            _ => self.span,
        }
    }
}

//! Hover: what the catalogs know about an action, permission, operation or resource;
//! what an abstract grant expands to on each target cloud; an address block's range,
//! size and overlaps; a name's declaration. Markdown, with no LSP types.

use crate::index::{Sym, BUILTIN_PARAMS};
use crate::locate::{self, Node, StrCtx};
use crate::{expand, Analysis};
use engc_core::catalog;
use engc_core::model;
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Cloud, Item, TargetKind};
use ipnet::IpNet;
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The text the hover is about.
    pub span: Span,
    pub markdown: String,
}

/// Longest list shown in full; longer ones are cut with a count of the rest.
const LIST_MAX: usize = 25;

pub fn hover(a: &Analysis, file: engc_core::source::FileId, offset: usize) -> Option<Hover> {
    if let Some(occ) = a.index().at(file, offset) {
        // A name inside a grant: the declaration, then what this grant gives on it.
        let md = name_hover(a, &occ.sym)?;
        let mut md = md;
        if let Some((g, access)) = grant_of(a, file, offset) {
            if let Some(m) = expand::expand_grant(a, access, g, Some(occ.sym.name())) {
                md.push_str("\n\n---\n\n");
                let _ = write!(
                    md,
                    "`{} {} {}` in `{}` grants:\n\n",
                    g.level.node.as_str(),
                    g.target.node.as_str(),
                    occ.sym.name(),
                    access.name.node
                );
                md.push_str(&expansion(a, &m));
            }
        }
        return Some(Hover {
            span: occ.span,
            markdown: md,
        });
    }
    let ast = a.ast(file)?;
    let node = locate::node_at(ast, offset)?;
    let (span, markdown) = match node {
        Node::Str(s, ctx) => {
            // `${name}` inside a string is a name (handled above); the rest is the string.
            (s.span, string_hover(a, s, ctx)?)
        }
        Node::Cidr(c) => (c.span, cidr_hover(a, c)),
        Node::Grant(g, access) => {
            let m = expand::expand_grant(a, access, g, None)?;
            let names: Vec<String> = g.names.iter().map(|n| format!("`{}`", n.node)).collect();
            let mut md = format!(
                "**{} {}** {} expands to:\n\n",
                g.level.node.as_str(),
                g.target.node.as_str(),
                names.join(", ")
            );
            if g.level.node == ast::Level::Manage {
                md.push_str("(`manage` is `list`, `read`, `write`, `tag` and `permissions`)\n\n");
            }
            md.push_str(&expansion(a, &m));
            (g.level.span.to(g.target.span), md)
        }
        Node::Ack(ack) => {
            let code = engc_core::diag::codes::ALL
                .iter()
                .find(|c| c.name == ack.code.node)?;
            (
                ack.code.span,
                format!(
                    "**{}** ({}): {}\n\n`ack` removes the warnings of this code inside its block (or the whole file at top level).",
                    code.code,
                    match code.severity {
                        engc_core::diag::Severity::Error => "error",
                        engc_core::diag::Severity::Warning => "warning",
                        engc_core::diag::Severity::Note => "note",
                    },
                    code.summary
                ),
            )
        }
    };
    Some(Hover { span, markdown })
}

/// The grant (and its access level) whose names hold `offset`.
fn grant_of(
    a: &Analysis,
    file: engc_core::source::FileId,
    offset: usize,
) -> Option<(&ast::AbstractGrant, &ast::Access)> {
    let ast = a.ast(file)?;
    match locate::item_at(ast, offset)? {
        Item::Access(access) => access
            .grants
            .iter()
            .find(|g| g.names.iter().any(|n| crate::within(n.span, offset)))
            .map(|g| (g, access)),
        _ => None,
    }
}

fn code_block(text: &str) -> String {
    format!("```eng\n{}\n```", text.trim_end())
}

/// The first line of a declaration as written (its header).
fn header(a: &Analysis, span: Span) -> String {
    let text = a.comp.sources.slice(span);
    let first = text.lines().next().unwrap_or("");
    first.trim_end_matches('{').trim_end().to_string()
}

fn user_item<'a>(a: &'a Analysis, name: &str) -> Option<&'a Item> {
    a.comp.files.iter().flat_map(|(_, f)| &f.items).find(|i| {
        let n = match i {
            Item::Principal(p) => &p.name,
            Item::Network(n) => &n.name,
            Item::Engine(e) => &e.name,
            Item::Store(s) => &s.name,
            Item::Access(x) => &x.name,
            Item::Scp(s) => &s.name,
            _ => return false,
        };
        n.node == name
    })
}

fn find_kind<'a>(a: &'a Analysis, target: TargetKind, name: &str) -> Option<&'a ast::KindDecl> {
    // User kinds come last and win, as in the checker.
    a.all_files()
        .flat_map(|(_, f)| &f.items)
        .filter_map(|i| match i {
            Item::Kind(k) if k.target.node == target && k.name.node == name => Some(k),
            _ => None,
        })
        .last()
}

fn find_component<'a>(a: &'a Analysis, name: &str) -> Option<&'a ast::ComponentDecl> {
    a.all_files()
        .flat_map(|(_, f)| &f.items)
        .filter_map(|i| match i {
            Item::Component(c) if c.name.node == name => Some(c),
            _ => None,
        })
        .last()
}

fn deployment(a: &Analysis) -> Option<&ast::Deployment> {
    a.comp
        .files
        .iter()
        .flat_map(|(_, f)| &f.items)
        .find_map(|i| match i {
            Item::Deployment(d) => Some(d),
            _ => None,
        })
}

fn names_list<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let v: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

pub fn name_hover(a: &Analysis, sym: &Sym) -> Option<String> {
    let mut md = String::new();
    match sym {
        Sym::Decl(name) => {
            let Some(item) = user_item(a, name) else {
                return Some(format!(
                    "`{name}`: no declaration of this name in the deployment"
                ));
            };
            md.push_str(&code_block(&header(a, locate::item_span(item))));
            md.push_str("\n\n");
            decl_details(a, item, &mut md);
        }
        Sym::EngineKind(name) | Sym::StoreKind(name) => {
            let target = if matches!(sym, Sym::EngineKind(_)) {
                TargetKind::Engine
            } else {
                TargetKind::Store
            };
            let Some(k) = find_kind(a, target, name) else {
                return Some(format!(
                    "`{name}`: no {} kind of this name in the standard library",
                    target.as_str()
                ));
            };
            kind_details(a, k, &mut md);
        }
        Sym::Component(name) => {
            let Some(c) = find_component(a, name) else {
                return Some(format!(
                    "`{name}`: no component of this name in the standard library"
                ));
            };
            component_details(a, c, &mut md);
        }
        Sym::Param(name) => {
            let dep = deployment(a);
            let declared = dep.and_then(|d| d.params.iter().find(|p| p.name.node == *name));
            let set = a.options.set.get(name);
            match (declared, BUILTIN_PARAMS.iter().find(|(n, _)| n == name)) {
                (Some(p), _) => {
                    let _ = write!(md, "**parameter** `{name}`");
                    if let Some(d) = &p.default {
                        let _ = write!(md, " = `\"{}\"` (default)", d.node);
                    }
                }
                (None, Some((_, what))) if *name != "prefix" => {
                    let _ = write!(md, "**parameter** `{name}` (built in): {what}");
                }
                (None, Some((_, what))) => {
                    let _ = write!(md, "**parameter** `{name}` (built in): {what}");
                    if let Some(p) = dep.and_then(|d| d.name_prefix.as_ref()) {
                        let _ = write!(md, ", here `\"{}\"`", p.node);
                    }
                }
                (None, None) => {
                    let _ = write!(md, "`{name}`: not a declared parameter");
                }
            }
            match set {
                Some(v) => {
                    let _ = write!(md, "\n\nset to `\"{v}\"`");
                }
                None => md.push_str(
                    "\n\nunless set (`--set`), it stays a `${...}` placeholder in the output",
                ),
            }
        }
        Sym::Deployment(name) => {
            let d = deployment(a)?;
            let _ = write!(md, "**deployment** `{name}`\n\n");
            let clouds: Vec<&str> = d.clouds.iter().map(|c| c.node.as_str()).collect();
            let _ = writeln!(md, "- clouds: {}", names_list(clouds.into_iter()));
            if let Some((k, v)) = &d.managed_tag {
                let _ = writeln!(md, "- managed tag: `{}` = `{}`", k.node, v.node);
            }
            if let Some(p) = &d.name_prefix {
                let _ = writeln!(md, "- name prefix: `{}`", p.node);
            }
            let _ = writeln!(
                md,
                "- parameters: {}",
                names_list(d.params.iter().map(|p| p.name.node.as_str()))
            );
        }
        Sym::Subnet(net, name) => {
            let n = match user_item(a, net) {
                Some(Item::Network(n)) => n,
                _ => return None,
            };
            let s = n.subnets.iter().find(|s| s.name.node == *name)?;
            let _ = write!(md, "**subnet** `{name}` of network `{net}`\n\n");
            md.push_str(&cidr_hover(a, &s.cidr));
        }
    }
    Some(md)
}

fn decl_details(a: &Analysis, item: &Item, md: &mut String) {
    match item {
        Item::Principal(p) => {
            md.push_str("**principal**: who the vendor is on each cloud\n\n");
            if let Some(r) = &p.aws_role {
                let _ = writeln!(md, "- AWS role `{}`", r.arn.node);
            }
            if let Some(g) = &p.gcp_service_account {
                let _ = writeln!(md, "- GCP service account `{}`", g.account.node);
            }
            if let Some(z) = &p.azure_principal {
                let _ = writeln!(md, "- Azure service principal `{}`", z.node);
            }
            if let Some(k) = &p.k8s_service_account {
                let _ = writeln!(
                    md,
                    "- Kubernetes service account `{}` in `{}`",
                    k.name.node, k.namespace.node
                );
            }
            let levels: Vec<&str> = a
                .comp
                .files
                .iter()
                .flat_map(|(_, f)| &f.items)
                .filter_map(|i| match i {
                    Item::Access(x)
                        if x.principal.as_ref().is_some_and(|q| q.node == p.name.node) =>
                    {
                        Some(x.name.node.as_str())
                    }
                    _ => None,
                })
                .collect();
            let _ = writeln!(
                md,
                "\naccess levels for it: {}",
                names_list(levels.into_iter())
            );
        }
        Item::Network(n) => {
            md.push_str("**network**\n\n");
            if let Some(c) = &n.cidr {
                let _ = writeln!(md, "- block `{}`{}", c.node, size_note(c));
            }
            for s in &n.subnets {
                let _ = write!(md, "- subnet `{}` `{}`", s.name.node, s.cidr.node);
                if let Some(p) = &s.public {
                    let _ = write!(md, ", public `{}`", p.node);
                }
                md.push('\n');
            }
            if let Some(p) = &n.pods {
                let _ = writeln!(md, "- pods `{}`", p.node);
            }
            if let Some(s) = &n.services {
                let _ = writeln!(md, "- services `{}`", s.node);
            }
        }
        Item::Engine(e) => {
            md.push_str("**engine** (Kubernetes cluster)\n\n");
            let doc = find_kind(a, TargetKind::Engine, &e.kind.node)
                .and_then(|k| k.doc.as_ref())
                .map(|d| format!(": {}", d.node))
                .unwrap_or_default();
            let _ = writeln!(md, "- kind `{}`{doc}", e.kind.node);
            if let Some(m) = &e.mode {
                let _ = writeln!(
                    md,
                    "- {}",
                    match m.node {
                        ast::EngineMode::Create => "created by the vendor",
                        ast::EngineMode::Import => "imported (the customer's existing cluster)",
                    }
                );
            }
            if let Some(n) = &e.network {
                let _ = writeln!(md, "- on network `{}`", n.node);
            }
            let _ = writeln!(
                md,
                "- components: {}",
                names_list(e.components.iter().map(|c| c.node.as_str()))
            );
        }
        Item::Store(s) => {
            md.push_str("**store**\n\n");
            let kind = find_kind(a, TargetKind::Store, &s.kind.node);
            let doc = kind
                .and_then(|k| k.doc.as_ref())
                .map(|d| format!(": {}", d.node))
                .unwrap_or_default();
            let _ = writeln!(md, "- kind `{}`{doc}", s.kind.node);
            if let Some(k) = kind {
                let clouds: Vec<&str> = k.clouds.iter().map(|c| c.cloud.node.as_str()).collect();
                let _ = writeln!(md, "- offered on {}", names_list(clouds.into_iter()));
            }
            match &s.resource_name {
                Some(n) => {
                    let _ = writeln!(md, "- resource names `{}`", n.node);
                }
                None => md.push_str("- resource names: the name prefix, then anything\n"),
            }
        }
        Item::Access(x) => {
            md.push_str("**access level**\n\n");
            if let Some(p) = &x.principal {
                let _ = writeln!(md, "- for principal `{}`", p.node);
            }
            match &x.scope.node {
                ast::Scope::Scoped => md.push_str(
                    "- scoped: AWS grants name the kinds' ARNs and carry the managed tag condition\n",
                ),
                ast::Scope::Unscoped(r) => {
                    let _ = writeln!(md, "- unscoped: {}", r.node);
                }
            }
            for g in &x.grants {
                let _ = writeln!(
                    md,
                    "- `{} {} {}`",
                    g.level.node.as_str(),
                    g.target.node.as_str(),
                    g.names
                        .iter()
                        .map(|n| n.node.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let explicit = x.aws.len()
                + x.aws_managed.len()
                + x.gcp_permissions.len()
                + x.gcp_roles.len()
                + x.azure.actions.len()
                + x.azure.data_actions.len()
                + x.k8s.len();
            if explicit > 0 {
                let _ = writeln!(md, "- and {explicit} explicit grants");
            }
        }
        Item::Scp(s) => {
            let _ = writeln!(
                md,
                "**service control policy** for the organizational unit `{}`: {} statements",
                s.ou.node,
                s.statements.len()
            );
        }
        _ => {}
    }
}

fn kind_details(a: &Analysis, k: &ast::KindDecl, md: &mut String) {
    let _ = write!(md, "**{} kind** `{}`", k.target.node.as_str(), k.name.node);
    if let Some(d) = &k.doc {
        let _ = write!(md, ": {}", d.node);
    }
    md.push_str("\n\n");
    if a.is_stdlib(k.name.span.file) {
        md.push_str("from the standard library\n\n");
    }
    kind_clouds(&k.clouds, md);
}

fn kind_clouds(clouds: &[ast::KindCloud], md: &mut String) {
    for c in clouds {
        let _ = write!(md, "**{}**", c.cloud.node.title());
        if !c.services.is_empty() {
            let _ = write!(
                md,
                " ({})",
                c.services
                    .iter()
                    .map(|s| s.node.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !c.resources.is_empty() {
            let _ = write!(
                md,
                "; resource types {}",
                short_list(c.resources.iter().map(|s| s.node.as_str()))
            );
        }
        md.push('\n');
        for (lvl, list) in &c.levels {
            let _ = writeln!(
                md,
                "- {}: {}",
                lvl.node.as_str(),
                short_list(list.iter().map(|s| s.node.as_str()))
            );
        }
        for (lvl, list) in &c.data_levels {
            let _ = writeln!(
                md,
                "- data {}: {}",
                lvl.node.as_str(),
                short_list(list.iter().map(|s| s.node.as_str()))
            );
        }
        if !c.create.is_empty() {
            let _ = writeln!(
                md,
                "- create: {}",
                short_list(c.create.iter().map(|s| s.node.as_str()))
            );
        }
        md.push('\n');
    }
}

fn component_details(a: &Analysis, c: &ast::ComponentDecl, md: &mut String) {
    let _ = write!(md, "**component** `{}`", c.name.node);
    if let Some(d) = &c.doc {
        let _ = write!(md, ": {}", d.node);
    }
    md.push_str("\n\n");
    if !c.engine_kinds.is_empty() {
        let _ = writeln!(
            md,
            "runs on {} engines\n",
            names_list(c.engine_kinds.iter().map(|k| k.node.as_str()))
        );
    }
    if a.is_stdlib(c.name.span.file) {
        md.push_str("from the standard library\n\n");
    }
    if !c.resources.is_empty() {
        md.push_str("| group | resource | scope | verbs |\n|---|---|---|---|\n");
        for r in &c.resources {
            let group = if r.group.node.is_empty() {
                "core"
            } else {
                r.group.node.as_str()
            };
            let _ = writeln!(
                md,
                "| `{group}` | `{}` | {} | {} |",
                r.resource.node,
                if r.namespaced {
                    "namespaced"
                } else {
                    "cluster"
                },
                if r.verbs.is_empty() {
                    "any".to_string()
                } else {
                    r.verbs
                        .iter()
                        .map(|v| v.node.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
        md.push('\n');
    }
    kind_clouds(&c.clouds, md);
}

fn short_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let v: Vec<&str> = items.collect();
    let mut s: Vec<String> = v.iter().take(LIST_MAX).map(|x| format!("`{x}`")).collect();
    if v.len() > LIST_MAX {
        s.push(format!("and {} more", v.len() - LIST_MAX));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// Per cloud, what a lowered access level grants.
pub fn expansion(a: &Analysis, m: &model::Access) -> String {
    let mut md = String::new();
    let clouds = expand::clouds(a);
    let mut any = false;
    if !m.aws.is_empty() {
        any = true;
        md.push_str("**AWS**\n");
        for st in &m.aws {
            let _ = write!(
                md,
                "- {} on {}",
                short_list(st.actions.iter().map(String::as_str)),
                short_list(st.resources.iter().map(String::as_str))
            );
            for (op, keys) in &st.conditions {
                for (k, vals) in keys {
                    let _ = write!(md, " when `{op}` `{k}` = `{}`", vals.join("`, `"));
                }
            }
            md.push('\n');
        }
        md.push('\n');
    }
    if !m.gcp.permissions.is_empty() {
        any = true;
        let _ = write!(
            md,
            "**GCP** permissions: {}\n\n",
            short_list(m.gcp.permissions.iter().map(String::as_str))
        );
    }
    if !m.azure.is_empty() {
        any = true;
        md.push_str("**Azure**\n");
        if !m.azure.actions.is_empty() {
            let _ = writeln!(
                md,
                "- actions: {}",
                short_list(m.azure.actions.iter().map(String::as_str))
            );
        }
        if !m.azure.data_actions.is_empty() {
            let _ = writeln!(
                md,
                "- data actions: {}",
                short_list(m.azure.data_actions.iter().map(String::as_str))
            );
        }
        md.push('\n');
    }
    if !m.k8s.is_empty() {
        any = true;
        md.push_str("**Kubernetes**\n");
        for r in &m.k8s {
            match &r.namespace {
                Some(ns) => {
                    let _ = writeln!(md, "- Role `{}` in `{ns}`:", r.name);
                }
                None => {
                    let _ = writeln!(md, "- ClusterRole `{}`:", r.name);
                }
            }
            for rule in &r.rules {
                let groups: Vec<&str> = rule
                    .api_groups
                    .iter()
                    .map(|g| if g.is_empty() { "core" } else { g.as_str() })
                    .collect();
                let _ = writeln!(
                    md,
                    "  - {} {}: {}",
                    groups.join(", "),
                    rule.resources.join(", "),
                    rule.verbs.join(", ")
                );
            }
        }
        md.push('\n');
    }
    if !any {
        md.push_str("nothing on the deployment's clouds");
        let names: Vec<&str> = clouds.iter().map(|c| c.as_str()).collect();
        if !names.is_empty() {
            let _ = write!(md, " ({})", names.join(", "));
        }
        md.push('\n');
    }
    md.trim_end().to_string()
}

fn string_hover(a: &Analysis, s: &ast::Str, ctx: StrCtx) -> Option<String> {
    let v = s.node.as_str();
    match ctx {
        StrCtx::AwsAction => Some(aws_action(v)),
        StrCtx::KindPermission(Cloud::Aws) => Some(aws_action(v)),
        StrCtx::GcpPermission | StrCtx::KindPermission(Cloud::Gcp) => Some(gcp_permission(v)),
        StrCtx::AzureOperation { data } => Some(azure_operation(v, Some(data))),
        StrCtx::KindPermission(Cloud::Azure) => Some(azure_operation(v, None)),
        StrCtx::K8sResource(groups) => Some(k8s_resource(a, groups, v)),
        StrCtx::K8sGroup => Some(k8s_group(a, v)),
        StrCtx::K8sVerb => engc_core::vocab::k8s_verbs::get(v).map(|verb| {
            let mut md = format!("**verb** `{v}`: {}", verb.doc);
            if let Some(risk) = verb.risk {
                md.push_str(&format!("\n\n**risk**: {risk}"));
            }
            md
        }),
        StrCtx::AwsConditionKey(actions) => aws_condition_key(v, actions),
        StrCtx::Use => {
            let target = a
                .comp
                .sources
                .files()
                .find(|(_, f)| {
                    f.path
                        .as_ref()
                        .is_some_and(|p| p.ends_with(v) || p.to_string_lossy().ends_with(v))
                })
                .map(|(_, f)| f.name.clone());
            Some(match target {
                Some(name) => format!(
                    "`use`: reads `{name}` into the same deployment (paths are relative to this file)"
                ),
                None => format!("`use`: `{v}` could not be read"),
            })
        }
        StrCtx::AwsManagedPolicy => Some(format!(
            "AWS managed policy `arn:aws:iam::aws:policy/{v}`{}",
            if v.starts_with("arn:") {
                " (given as an ARN)"
            } else {
                ""
            }
        )),
        StrCtx::GcpRole => Some(format!(
            "GCP predefined role `{v}`, bound to the principal's service account"
        )),
        StrCtx::AwsResourceType(services) => aws_resource_type(services, v),
        StrCtx::AwsResource | StrCtx::Other => None,
    }
}

/// A name or pattern of a name catalog, answered by the catalogs' one query: an
/// entry (`one`), the first matches of a pattern (`item` each), or what is wrong.
fn names_hover<'c, C: catalog::Names>(
    c: &'c C,
    v: &str,
    one: impl Fn(C::Entry<'c>) -> String,
    item: impl Fn(C::Entry<'c>) -> String,
) -> String {
    match catalog::query(c, v) {
        catalog::Query::Entry(e) => one(e),
        catalog::Query::Matches { pattern, hits } => {
            let mut md = format!(
                "`{pattern}` matches **{}** {} {}s",
                hits.len(),
                C::CLOUD,
                C::WHAT
            );
            if c.partial() {
                md.push_str(" of engc's built-in list");
            }
            md.push_str(":\n\n");
            for e in hits.iter().take(LIST_MAX) {
                let _ = writeln!(md, "- {}", item(*e));
            }
            if hits.len() > LIST_MAX {
                let _ = writeln!(md, "- and {} more", hits.len() - LIST_MAX);
            }
            md
        }
        catalog::Query::Unknown(u) => {
            let mut md = u.message::<C>();
            if let Some(s) = &u.suggestion {
                let _ = write!(md, "; did you mean `{s}`?");
            }
            if let Some(note) = catalog::Unknown::partial_note(c) {
                let _ = write!(md, "\n\n_{note}_");
            }
            md
        }
    }
}

fn aws_action(v: &str) -> String {
    let cat = catalog::aws::catalog();
    names_hover(
        cat,
        v,
        |(svc, act)| aws_action_details(cat, svc, act),
        |(svc, act)| format!("`{}:{}` ({})", svc.prefix, act.name, act.access_level),
    )
}

fn aws_action_details(
    cat: &catalog::aws::Catalog,
    svc: &catalog::aws::Service,
    act: &catalog::aws::Action,
) -> String {
    let mut md = format!(
        "**{}:{}** ({})\n\naccess level: **{}**\n\n",
        svc.prefix, act.name, svc.name, act.access_level
    );
    if act.resource_types.is_empty() {
        md.push_str("resources: only `*` (the action names no resource type)\n\n");
    } else {
        md.push_str("resource types:\n");
        for r in &act.resource_types {
            let arn = svc
                .resource_type(&r.name)
                .map(|t| format!(" `{}`", t.arn))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- `{}`{}{arn}",
                r.name,
                if r.required { " (required)" } else { "" }
            );
        }
        md.push('\n');
    }
    let keys = act.all_condition_keys();
    if !keys.is_empty() {
        let _ = writeln!(md, "condition keys: {}\n", short_list(keys.iter().copied()));
    }
    let deps = act.all_dependent_actions();
    if !deps.is_empty() {
        let _ = writeln!(md, "also needs: {}\n", short_list(deps.iter().copied()));
    }
    let _ = write!(md, "_{}_", cat.source());
    md
}

fn aws_resource_type(services: &[ast::Str], v: &str) -> Option<String> {
    let cat = catalog::aws::catalog();
    for s in services {
        let Some(svc) = cat.service(&s.node) else {
            continue;
        };
        if let Some(t) = svc.resource_type(v) {
            let mut md = format!(
                "**{}** (resource type of {})

ARN `{}`",
                t.name, svc.name, t.arn
            );
            if !t.condition_keys.is_empty() {
                let _ = write!(
                    md,
                    "\n\ncondition keys: {}",
                    short_list(t.condition_keys.iter().map(String::as_str))
                );
            }
            let actions = svc
                .actions
                .iter()
                .filter(|a| a.resource_types.iter().any(|r| r.name == t.name))
                .count();
            let _ = write!(md, "\n\n{actions} actions of `{}` act on it", svc.prefix);
            return Some(md);
        }
    }
    Some(format!("`{v}` is not a resource type of these services"))
}

fn aws_condition_key(key: &str, actions: &[ast::Str]) -> Option<String> {
    let cat = catalog::aws::catalog();
    if let Some(t) = cat.condition_key_type(key) {
        return Some(format!("AWS condition key `{key}` ({t})"));
    }
    for a in actions {
        let Some((prefix, _)) = a.node.split_once(':') else {
            continue;
        };
        if let Some(t) = cat
            .service(prefix)
            .and_then(|svc| svc.condition_key_type(key))
        {
            return Some(format!("AWS condition key `{key}` ({t})"));
        }
    }
    Some(format!("`{key}` is not a known AWS condition key"))
}

fn gcp_permission(v: &str) -> String {
    let cat = catalog::gcp::Catalog::builtin();
    names_hover(
        cat,
        v,
        |p| {
            let mut md = format!("**{}** (GCP permission)\n\n", p.name);
            if !p.title.is_empty() {
                let _ = write!(md, "{}\n\n", p.title);
            }
            if !p.description.is_empty() {
                let _ = write!(md, "{}\n\n", p.description);
            }
            let _ = writeln!(md, "- service: `{}`", p.service());
            let _ = writeln!(
                md,
                "- in custom roles: {}",
                match p.custom_roles {
                    catalog::gcp::Support::Supported => "supported",
                    catalog::gcp::Support::Testing => "testing",
                    catalog::gcp::Support::NotSupported => "**not supported**",
                }
            );
            if !p.stage.is_empty() {
                let _ = writeln!(md, "- stage: {}", p.stage);
            }
            md
        },
        |p| format!("`{}`", p.name),
    )
}

fn azure_operation(v: &str, data: Option<bool>) -> String {
    let cat = catalog::azure::Catalog::builtin();
    names_hover(
        cat,
        v,
        |o| {
            let mut md = format!("**{}** (Azure operation)\n\n", o.name);
            if !o.display.is_empty() {
                let _ = write!(md, "{}\n\n", o.display);
            }
            if !o.description.is_empty() {
                let _ = write!(md, "{}\n\n", o.description);
            }
            let provider = cat
                .provider(o.provider())
                .map(|(n, d)| {
                    if d.is_empty() {
                        n.to_string()
                    } else {
                        format!("{n} ({d})")
                    }
                })
                .unwrap_or_else(|| o.provider().to_string());
            let _ = writeln!(md, "- provider: {provider}");
            let _ = writeln!(
                md,
                "- {}",
                if o.is_data_action {
                    "a data action: it belongs in `data_actions`"
                } else {
                    "a control-plane action: it belongs in `actions`"
                }
            );
            if data == Some(!o.is_data_action) {
                md.push_str("\n**in the wrong list here**\n");
            }
            md
        },
        |o| {
            let wrong = data == Some(!o.is_data_action);
            format!(
                "`{}`{}",
                o.name,
                if wrong {
                    " (in the wrong list here)"
                } else {
                    ""
                }
            )
        },
    )
}

/// Custom resources declared by components and `crd`: (group, resource, namespaced, by).
fn custom_resources(a: &Analysis) -> Vec<(String, String, bool, String)> {
    let mut out = Vec::new();
    for (_, f) in a.all_files() {
        for i in &f.items {
            match i {
                Item::Component(c) => {
                    for r in &c.resources {
                        out.push((
                            r.group.node.clone(),
                            r.resource.node.clone(),
                            r.namespaced,
                            format!("component `{}`", c.name.node),
                        ));
                    }
                }
                Item::Crd(c) => out.push((
                    c.group.node.clone(),
                    c.resource.node.clone(),
                    c.namespaced,
                    "a `crd` declaration".into(),
                )),
                _ => {}
            }
        }
    }
    out
}

fn k8s_resource(a: &Analysis, groups: &[ast::Str], v: &str) -> String {
    let mut groups: Vec<&str> = groups.iter().map(|g| g.node.as_str()).collect();
    if groups.is_empty() {
        groups.push("");
    }
    if v == "*" {
        return "`*`: every resource of the rule's groups".into();
    }
    let mut md = String::new();
    let custom = custom_resources(a);
    for g in &groups {
        let gname = if g.is_empty() { "core" } else { g };
        if let Some(r) = catalog::k8s::lookup(g, v) {
            let _ = write!(md, "**{}** (`{}`", r.resource, r.api_version());
            if !r.kind.is_empty() {
                let _ = write!(md, ", kind `{}`", r.kind);
            }
            let _ = write!(
                md,
                ")\n\n- {}\n- verbs: {}\n",
                if r.namespaced {
                    "namespaced: a Role can grant it"
                } else {
                    "cluster-scoped: only a ClusterRole grants it"
                },
                r.verbs.join(", ")
            );
            if r.is_subresource() {
                let _ = writeln!(md, "- a subresource of `{}`", r.parent());
            }
            md.push('\n');
        } else if let Some((_, _, ns, by)) = custom.iter().find(|c| c.0 == *g && c.1 == v) {
            let _ = write!(
                md,
                "**{v}** (group `{gname}`, declared by {by})\n\n- {}\n\n",
                if *ns {
                    "namespaced"
                } else {
                    "cluster-scoped: only a ClusterRole grants it"
                }
            );
        } else if groups.len() == 1 {
            let _ = write!(md, "`{v}` is not a known resource of group `{gname}`");
            if let Some(s) = catalog::k8s::suggest_resource(g, v) {
                let _ = write!(md, "; did you mean `{s}`?");
            }
        }
    }
    if md.is_empty() {
        md = format!("`{v}` is not a known resource of these groups");
    }
    md.trim_end().to_string()
}

fn k8s_group(a: &Analysis, g: &str) -> String {
    let gname = if g.is_empty() { "core" } else { g };
    let builtin = catalog::k8s::resources_in_group(g);
    if !builtin.is_empty() {
        let mut names: Vec<&str> = builtin
            .iter()
            .filter(|r| !r.is_subresource())
            .map(|r| r.resource.as_str())
            .collect();
        names.dedup();
        return format!(
            "API group `{gname}` (built in): {}",
            short_list(names.into_iter())
        );
    }
    let custom: Vec<(String, String, bool, String)> = custom_resources(a)
        .into_iter()
        .filter(|c| c.0 == g)
        .collect();
    if !custom.is_empty() {
        return format!(
            "API group `{gname}` (declared by {}): {}",
            custom[0].3,
            short_list(custom.iter().map(|c| c.1.as_str()))
        );
    }
    let mut md = format!("`{gname}` is neither a built-in API group nor a declared one");
    if let Some(s) = catalog::k8s::suggest_group(g) {
        let _ = write!(md, "; did you mean `{s}`?");
    }
    md
}

fn size_note(c: &ast::CidrText) -> String {
    match engc_core::check::cidr::parse_block(c) {
        Ok(net) => format!(" ({} addresses)", address_count(&net)),
        Err(_) => String::new(),
    }
}

fn address_count(net: &IpNet) -> String {
    let bits = net.max_prefix_len() - net.prefix_len();
    if bits >= 64 {
        format!("2^{bits}")
    } else {
        group_digits(1u64 << bits)
    }
}

fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every address block of the user's files, with what it is.
fn all_blocks(a: &Analysis) -> Vec<(String, &ast::CidrText)> {
    let mut out = Vec::new();
    for (_, f) in &a.comp.files {
        for i in &f.items {
            let Item::Network(n) = i else { continue };
            let net = &n.name.node;
            if let Some(c) = &n.cidr {
                out.push((format!("network `{net}`"), c));
            }
            for s in &n.subnets {
                out.push((format!("subnet `{}` of `{net}`", s.name.node), &s.cidr));
                if let Some(p) = &s.public {
                    out.push((
                        format!("public range of subnet `{}` of `{net}`", s.name.node),
                        p,
                    ));
                }
            }
            if let Some(p) = &n.pods {
                out.push((format!("pod range of `{net}`"), p));
            }
            if let Some(s) = &n.services {
                out.push((format!("service range of `{net}`"), s));
            }
        }
    }
    out
}

pub fn cidr_hover(a: &Analysis, c: &ast::CidrText) -> String {
    let net = match engc_core::check::cidr::parse_block(c) {
        Ok(n) => n,
        Err(d) => return format!("`{}`: {}", c.node, d.message),
    };
    let mut md = format!("**{}**\n\n", net.trunc());
    let _ = writeln!(
        md,
        "- addresses `{}` to `{}`",
        net.network(),
        net.broadcast()
    );
    let _ = writeln!(
        md,
        "- {} addresses (/{})",
        address_count(&net),
        net.prefix_len()
    );
    if net.trunc() != net {
        let _ = writeln!(md, "- host bits are set: the block is `{}`", net.trunc());
    }
    let _ = writeln!(
        md,
        "- {}",
        if engc_core::vocab::address_ranges::private_range(&net).is_some() {
            "private address space"
        } else {
            "public address space"
        }
    );
    let mut rel = Vec::new();
    for (what, other) in all_blocks(a) {
        if other.span == c.span {
            continue;
        }
        let Ok(o) = engc_core::check::cidr::parse_block(other) else {
            continue;
        };
        let (o, n) = (o.trunc(), net.trunc());
        let text = if o == n {
            format!("the same block as {what}")
        } else if o.contains(&n) {
            format!("inside {what} (`{o}`)")
        } else if n.contains(&o) {
            format!("contains {what} (`{o}`)")
        } else if o.contains(&n.network()) || n.contains(&o.network()) {
            format!("**overlaps** {what} (`{o}`)")
        } else {
            continue;
        };
        rel.push(text);
    }
    if rel.is_empty() {
        md.push_str("\noverlaps no other block of the deployment\n");
    } else {
        md.push('\n');
        for r in rel {
            let _ = writeln!(md, "- {r}");
        }
    }
    md.trim_end().to_string()
}

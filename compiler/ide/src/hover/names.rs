//! Hovers of names: a declaration's header and details, a standard library kind or
//! component, a parameter, the deployment, a subnet.

use super::cidr::{cidr_hover, size_note};
use super::short_list;
use crate::index::{Sym, BUILTIN_PARAMS};
use crate::locate;
use crate::Analysis;
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Item, TargetKind};
use std::fmt::Write as _;

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
        Sym::Group(name) => {
            let Some(text) = group_text(a, name, &mut Vec::new()) else {
                return Some(format!("`{name}`: no `grants` group of this name"));
            };
            let _ = write!(
                md,
                "**grants** `{name}`: an `include` stands for these lines, exactly as if \
                 written in its place\n\n{}",
                code_block(&text)
            );
            let users: Vec<&str> = a
                .comp
                .files
                .iter()
                .flat_map(|(_, f)| &f.items)
                .filter_map(|i| match i {
                    Item::Access(x) if includes(&x.pieces, name) => Some(x.name.node.as_str()),
                    _ => None,
                })
                .collect();
            let _ = write!(md, "\n\nincluded by: {}", names_list(users.into_iter()));
        }
        Sym::Param(name) => {
            let dep = a.deployment();
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
            let default = a.param_value(name).filter(|_| set.is_none());
            match (set, default) {
                (Some(v), _) => {
                    let _ = write!(md, "\n\nset to `\"{v}\"`");
                }
                (None, Some(d)) => {
                    let _ = write!(
                        md,
                        "\n\nthe documents get `\"{d}\"` unless `--set` gives another value"
                    );
                }
                (None, None) => md.push_str(
                    "\n\nunless set (`--set`), it stays a `${...}` placeholder in the output",
                ),
            }
        }
        Sym::External(path) => {
            let declared = a
                .deployment()
                .is_some_and(|d| d.externals.iter().any(|e| e.node == *path));
            if !declared {
                return Some(format!(
                    "`{path}`: another tool's reference that the deployment does not declare `external` (E0118)"
                ));
            }
            let var = engc_core::resolve::params::external_variable(path);
            let _ = write!(
                md,
                "**external reference** `{path}`\n\n- documents: written as is, `${{{path}}}`\n- Terraform: the variable `{var}`\n- CloudFormation: the parameter `{}`",
                engc_core::backend::cloudformation::external_parameter(path)
            );
        }
        Sym::Deployment(name) => {
            let d = a.deployment()?;
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
            for t in &p.aws_trust {
                let who: Vec<String> = t
                    .principals
                    .iter()
                    .map(|x| format!("`{}`", x.node))
                    .collect();
                let _ = writeln!(
                    md,
                    "- AWS role trusted by {} {}",
                    t.kind.node.as_str(),
                    who.join(", ")
                );
            }
            if let Some(b) = &p.aws_boundary {
                let _ = writeln!(md, "- permissions boundary: the policy of `{}`", b.node);
            }
            if p.aws_instance_profile.is_some() {
                md.push_str("- with an EC2 instance profile\n");
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
            let policy = kind
                .and_then(|k| k.clouds.iter().find(|c| c.cloud.node == ast::Cloud::Aws))
                .and_then(|c| {
                    engc_core::vocab::resource_policies::for_services(
                        c.services.iter().map(|x| x.node.as_str()),
                    )
                });
            if let (Some(info), false) = (policy, s.policy.is_empty()) {
                let _ = writeln!(
                    md,
                    "- {}: {} statement{}, written to `aws/{}.{}.json`",
                    info.title,
                    s.policy.len(),
                    if s.policy.len() == 1 { "" } else { "s" },
                    s.name.node,
                    info.file_kind
                );
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

fn find_group<'a>(a: &'a Analysis, name: &str) -> Option<&'a ast::Grants> {
    a.comp
        .files
        .iter()
        .flat_map(|(_, f)| &f.items)
        .find_map(|i| match i {
            Item::Grants(g) if g.name.node == name => Some(g),
            _ => None,
        })
}

/// Whether `pieces` include `name` directly (in an `if` block or not).
fn includes(pieces: &[ast::Piece], name: &str) -> bool {
    pieces.iter().any(|p| match p {
        ast::Piece::Include { name: n, .. } => n.node == name,
        ast::Piece::If(g) => includes(&g.body.pieces, name),
    })
}

/// The lines of the group `name` as written, each nested `include` replaced by its
/// group's lines (a cycle is left as written).
fn group_text(a: &Analysis, name: &str, stack: &mut Vec<String>) -> Option<String> {
    let g = find_group(a, name)?;
    let text = a.comp.sources.slice(g.span);
    let base = g.span.start as usize;
    // The block's braces from the tree (a `{` in a comment before it is no brace).
    let tree = a.tree(g.span.file);
    let decl = tree
        .root()
        .children()
        .find(|n| n.start() == base)
        .and_then(engc_core::syntax::nodes::Declaration::cast)?;
    let open = decl.l_brace()?.end() - base;
    let close = decl.r_brace()?.start() - base;
    if close < open || close > text.len() {
        return None;
    }
    let mut sites: Vec<(usize, usize, &str)> = Vec::new();
    fn collect<'p>(pieces: &'p [ast::Piece], base: usize, out: &mut Vec<(usize, usize, &'p str)>) {
        for p in pieces {
            match p {
                ast::Piece::Include { name, span, .. } => out.push((
                    span.start as usize - base,
                    span.end as usize - base,
                    &name.node,
                )),
                ast::Piece::If(g) => collect(&g.body.pieces, base, out),
            }
        }
    }
    collect(&g.body.pieces, base, &mut sites);
    sites.sort();
    stack.push(name.to_string());
    let mut out = String::new();
    let mut last = open;
    for (start, end, inner) in sites {
        if start < last || end > close {
            continue;
        }
        out.push_str(&text[last..start]);
        match stack.iter().any(|s| s == inner) {
            true => out.push_str(&text[start..end]),
            false => match group_text(a, inner, stack) {
                Some(t) => {
                    let _ = write!(out, "// include {inner}:");
                    for line in t.lines().filter(|l| !l.trim().is_empty()) {
                        let _ = write!(out, "\n{}", line.trim_start());
                    }
                }
                None => out.push_str(&text[start..end]),
            },
        }
        last = end;
    }
    stack.pop();
    out.push_str(&text[last..close]);
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    let indent = lines
        .iter()
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    Some(
        lines
            .iter()
            .map(|l| {
                if l.len() >= indent {
                    &l[indent..]
                } else {
                    l.trim_start()
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

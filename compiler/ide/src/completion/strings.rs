//! Completion inside strings: catalog names (AWS actions and condition keys, GCP
//! permissions, Azure operations, Kubernetes groups, resources and verbs), `${param}`
//! names and the `.eng` files a `use` can read.

use super::context::{frames, word};
use super::{Completion, CompletionKind, Ctx, Frame, LEVELS};
use crate::index::BUILTIN_PARAMS;
use crate::lexer::{Tok, Token};
use engc_core::catalog;
use engc_core::source::Span;
use engc_core::syntax::ast::Item;

/// Catalog lists longer than this are cut (the client asks again as the user types).
const MAX_ITEMS: usize = 2000;

impl Ctx<'_> {
    pub(super) fn params(&mut self, close: bool) {
        let mut names: Vec<(String, String)> = Vec::new();
        for (_, f) in &self.a.comp.files {
            for item in &f.items {
                if let Item::Deployment(d) = item {
                    for p in &d.params {
                        let detail = match &p.default {
                            Some(v) => format!("parameter = \"{}\"", v.node),
                            None => "parameter".to_string(),
                        };
                        names.push((p.name.node.clone(), detail));
                    }
                }
            }
        }
        for (n, what) in BUILTIN_PARAMS {
            names.push((n.to_string(), format!("built in: {what}")));
        }
        for (n, d) in names {
            let insert = if close { format!("{n}}}") } else { n.clone() };
            self.out.push(Completion {
                label: n,
                kind: CompletionKind::Param,
                detail: Some(d),
                documentation: None,
                insert,
                snippet: None,
                replace: self.replace,
            });
        }
    }

    fn aws_actions(&mut self) {
        let cat = catalog::aws::catalog();
        let typed = self.prefix.clone();
        match typed.split_once(':') {
            None => {
                for (prefix, name) in cat.service_names() {
                    self.out.push(Completion {
                        label: prefix.to_string(),
                        kind: CompletionKind::Service,
                        detail: Some(name.to_string()),
                        documentation: None,
                        insert: format!("{prefix}:"),
                        snippet: None,
                        replace: self.replace,
                    });
                }
            }
            Some((svc, act)) => {
                let Some(service) = cat.service(svc) else {
                    return;
                };
                let act_l = act.to_ascii_lowercase();
                for a in service.actions {
                    if !a.name.to_ascii_lowercase().starts_with(&act_l) {
                        continue;
                    }
                    let full = format!("{}:{}", service.prefix, a.name);
                    let resources: Vec<&str> =
                        a.resource_types.iter().map(|r| r.name.as_str()).collect();
                    let doc = format!(
                        "{} — {}\n\nresource types: {}",
                        service.name,
                        a.access_level,
                        if resources.is_empty() {
                            "only `*`".to_string()
                        } else {
                            resources.join(", ")
                        }
                    );
                    self.out.push(Completion {
                        label: full.clone(),
                        kind: CompletionKind::Action,
                        detail: Some(a.access_level.to_string()),
                        documentation: Some(doc),
                        insert: full,
                        snippet: None,
                        replace: self.replace,
                    });
                    if self.out.len() >= MAX_ITEMS {
                        return;
                    }
                }
            }
        }
    }

    fn gcp_permissions(&mut self) {
        let cat = catalog::gcp::Catalog::builtin();
        let typed = self.prefix.clone();
        for p in cat.iter() {
            if p.name.starts_with(&typed) {
                let detail = match p.custom_roles {
                    catalog::gcp::Support::NotSupported => "not for custom roles",
                    catalog::gcp::Support::Testing => "custom roles: testing",
                    catalog::gcp::Support::Supported => "GCP permission",
                };
                self.push(&p.name, CompletionKind::Permission, Some(detail.into()));
                if self.out.len() >= MAX_ITEMS {
                    return;
                }
            }
        }
    }

    fn azure_operations(&mut self, data: Option<bool>) {
        let cat = catalog::azure::Catalog::builtin();
        let typed = self.prefix.to_ascii_lowercase();
        for o in cat.iter() {
            if data.is_some_and(|d| d != o.is_data_action) {
                continue;
            }
            if o.name.to_ascii_lowercase().starts_with(&typed) {
                let detail = if o.is_data_action {
                    "data action"
                } else {
                    "action"
                };
                self.push(&o.name, CompletionKind::Operation, Some(detail.into()));
                if self.out.len() >= MAX_ITEMS {
                    return;
                }
            }
        }
    }

    /// (group, resource, namespaced) of components and `crd`s.
    fn custom_resources(&self) -> Vec<(String, String, bool)> {
        let mut out = Vec::new();
        for (_, f) in self.a.all_files() {
            for i in &f.items {
                match i {
                    Item::Component(c) => {
                        for r in &c.resources {
                            out.push((r.group.node.clone(), r.resource.node.clone(), r.namespaced));
                        }
                    }
                    Item::Crd(c) => {
                        out.push((c.group.node.clone(), c.resource.node.clone(), c.namespaced))
                    }
                    _ => {}
                }
            }
        }
        out
    }

    fn k8s_groups(&mut self) {
        let mut groups: Vec<String> = catalog::k8s::groups()
            .iter()
            .map(|g| g.to_string())
            .collect();
        groups.extend(self.custom_resources().into_iter().map(|c| c.0));
        groups.sort();
        groups.dedup();
        for g in groups {
            let detail = if g.is_empty() {
                "the core group (pods, services, ...)".to_string()
            } else {
                "API group".to_string()
            };
            self.out.push(Completion {
                label: if g.is_empty() {
                    "\"\" (core)".to_string()
                } else {
                    g.clone()
                },
                kind: CompletionKind::Group,
                detail: Some(detail),
                documentation: None,
                insert: g,
                snippet: None,
                replace: self.replace,
            });
        }
    }

    fn k8s_resources(&mut self, groups: &[String]) {
        let mut groups: Vec<String> = groups.to_vec();
        if groups.is_empty() {
            groups.push(String::new());
        }
        let mut found: Vec<(String, String)> = Vec::new();
        let custom = self.custom_resources();
        for g in &groups {
            for r in catalog::k8s::resources_in_group(g) {
                let scope = if r.namespaced {
                    "namespaced"
                } else {
                    "cluster"
                };
                found.push((
                    r.resource.to_owned(),
                    format!("{} ({scope})", r.api_version()),
                ));
            }
            for (cg, cr, ns) in &custom {
                if cg == g {
                    let scope = if *ns { "namespaced" } else { "cluster" };
                    found.push((cr.clone(), format!("{cg} ({scope})")));
                }
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        for (r, d) in found {
            self.push(&r, CompletionKind::Resource, Some(d));
        }
    }

    fn verbs(&mut self) {
        for v in engc_core::vocab::k8s_verbs::VERBS {
            self.push(v.name, CompletionKind::Verb, Some(v.doc.to_string()));
        }
    }

    fn condition_keys(&mut self, actions: &[String]) {
        let cat = catalog::aws::catalog();
        for (k, t) in cat.global_condition_keys() {
            self.push(k, CompletionKind::ConditionKey, Some(t.to_string()));
        }
        let mut seen: Vec<String> = Vec::new();
        for a in actions {
            let Some((prefix, _)) = a.split_once(':') else {
                continue;
            };
            if seen.iter().any(|s| s.eq_ignore_ascii_case(prefix)) {
                continue;
            }
            seen.push(prefix.to_string());
            if let Some(svc) = cat.service(prefix) {
                for (k, t) in svc.condition_keys {
                    self.push(k, CompletionKind::ConditionKey, Some(t.to_string()));
                }
            }
        }
    }

    fn files(&mut self) {
        let Some(path) = self.a.comp.sources.get(self.file).path.clone() else {
            return;
        };
        let Some(dir) = path.parent() else { return };
        let mut found = Vec::new();
        let mut walk = |sub: &std::path::Path, rel: &str| {
            let Ok(rd) = std::fs::read_dir(sub) else {
                return Vec::new();
            };
            let mut dirs = Vec::new();
            for e in rd.flatten().take(1000) {
                let p = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with('.') {
                    continue;
                }
                if p.is_dir() {
                    dirs.push((p, format!("{rel}{name}/")));
                } else if name.ends_with(".eng") && p != path {
                    found.push(format!("{rel}{name}"));
                }
            }
            dirs
        };
        let dirs = walk(dir, "");
        for (d, rel) in dirs.into_iter().take(50) {
            walk(&d, &rel);
        }
        found.sort();
        for f in found {
            self.push(&f, CompletionKind::File, None);
        }
    }
}

pub(super) fn string_completion(ctx: &mut Ctx, toks: &[Token], s: Token, offset: usize) {
    let text = ctx.text;
    let content_start = s.start + 1;
    let typed = &text[content_start..offset];
    // `${` not yet closed: a parameter.
    if let Some(i) = typed.rfind("${") {
        if !typed[i..].contains('}') {
            let start = content_start + i + 2;
            ctx.prefix = text[start..offset].to_string();
            ctx.replace = Span::new(ctx.file, start, offset);
            let close = !text[offset..].starts_with('}');
            ctx.params(close);
            let p = ctx.prefix.clone();
            ctx.out.retain(|c| c.label.starts_with(&p));
            return;
        }
    }
    ctx.prefix = typed.to_string();
    ctx.replace = Span::new(ctx.file, content_start, offset);
    let (stack, stmt_start) = frames(toks, text);
    let stmt_toks = &toks[stmt_start..];
    let stmt: Vec<&str> = stmt_toks.iter().map(|t| word(t, text)).collect();
    let first = stmt.first().copied().unwrap_or("");
    let last_ident = stmt_toks
        .iter()
        .rev()
        .find(|t| t.kind == Tok::Ident)
        .map(|t| t.text(text))
        .unwrap_or("");
    match stack.last() {
        None if first == "use" && stmt.len() == 1 => ctx.files(),
        Some(Frame::Access { .. }) | Some(Frame::Scp) => match first {
            "aws" if matches!(stmt.get(1), Some(&"allow") | Some(&"deny")) => {
                let prev = stmt.last().copied().unwrap_or("");
                let after_operator = stmt_toks.last().is_some_and(|t| t.kind == Tok::Ident)
                    && !matches!(
                        prev,
                        "aws" | "allow" | "deny" | "not" | "on" | "when" | "and" | "as"
                    );
                if after_operator {
                    let actions: Vec<String> = stmt_toks
                        .iter()
                        .take_while(|t| !matches!(t.text(text), "on" | "when"))
                        .filter(|t| matches!(t.kind, Tok::Str { .. }))
                        .map(|t| t.text(text).trim_matches('"').to_string())
                        .collect();
                    ctx.condition_keys(&actions);
                } else if !stmt.iter().any(|w| matches!(*w, "on" | "when" | "as")) {
                    ctx.aws_actions();
                }
            }
            "gcp" if stmt.get(1) == Some(&"permissions") => ctx.gcp_permissions(),
            "azure" => match stmt.get(1).copied() {
                Some("actions") | Some("not_actions") => ctx.azure_operations(Some(false)),
                Some("data_actions") | Some("not_data_actions") => ctx.azure_operations(Some(true)),
                _ => {}
            },
            _ => {}
        },
        Some(Frame::K8sRole) if first == "rule" => match last_ident {
            "groups" => ctx.k8s_groups(),
            "resources" => {
                let groups = rule_groups(stmt_toks, text);
                ctx.k8s_resources(&groups);
            }
            "verbs" => ctx.verbs(),
            _ => {}
        },
        Some(Frame::Component) if first == "resource" => {
            let strings: Vec<String> = stmt_toks
                .iter()
                .filter(|t| matches!(t.kind, Tok::Str { .. }))
                .map(|t| t.text(text).trim_matches('"').to_string())
                .collect();
            match (strings.len(), last_ident) {
                (0, _) => ctx.k8s_groups(),
                (1, "resource") => ctx.k8s_resources(&strings),
                (_, "verbs") => ctx.verbs(),
                _ => {}
            }
        }
        Some(Frame::KindCloud(cloud)) => {
            let fits = LEVELS.contains(&first) || first == "data" || first == "create";
            if fits {
                match cloud.as_str() {
                    "aws" => ctx.aws_actions(),
                    "gcp" => ctx.gcp_permissions(),
                    "azure" => {
                        ctx.azure_operations(if first == "data" { Some(true) } else { None })
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    // Catalog lists are filtered as typed above; the rest by prefix here.
    let p = ctx.prefix.to_ascii_lowercase();
    ctx.out
        .retain(|c| c.insert.to_ascii_lowercase().starts_with(&p) || c.label.starts_with('"'));
}

/// The API groups named by `groups [...]` in a rule's tokens.
fn rule_groups(toks: &[Token], text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_groups = false;
    for t in toks {
        match t.kind {
            Tok::Ident => in_groups = t.text(text) == "groups",
            Tok::Str { closed: true } if in_groups => {
                out.push(t.text(text).trim_matches('"').to_string())
            }
            _ => {}
        }
    }
    out
}

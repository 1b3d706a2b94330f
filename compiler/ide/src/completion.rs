//! Completion: keywords where they fit, declared names of the kind a position expects,
//! standard library kinds and components, and catalog names inside strings (`s3:Get`
//! lists the S3 actions that start so).
//!
//! Completion runs on text being typed, which is often not valid, so it reads the
//! tolerant tokens of [`lexer`](crate::lexer) rather than the syntax tree: it finds the
//! block the cursor is in and the statement it is writing from the tokens before it.

use crate::lexer::{self, Tok, Token};
use crate::{index::BUILTIN_PARAMS, Analysis};
use engc_core::catalog;
use engc_core::resolve::decls::DeclKind;
use engc_core::source::{FileId, Span};
use engc_core::syntax::ast::{Item, TargetKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Principal,
    Network,
    Engine,
    Store,
    Access,
    Kind,
    Component,
    Param,
    Cloud,
    Service,
    Action,
    Permission,
    Operation,
    Group,
    Resource,
    Verb,
    Code,
    File,
    ConditionKey,
    Operator,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What replaces `replace`.
    pub insert: String,
    /// The same as a snippet (`$1` tab stops), for clients that take snippets.
    pub snippet: Option<String>,
    /// The text already typed that the completion replaces (may be empty).
    pub replace: Span,
}

/// Where a block's statements are: what the `{` belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    Deployment,
    Principal,
    Network,
    Engine { kind: Option<String> },
    Store,
    Access { name: Option<String> },
    Scp,
    Kind,
    Component,
    KindCloud(String),
    K8sRole,
    Unknown,
}

impl Frame {
    pub(crate) fn keywords(&self) -> &'static [&'static str] {
        match self {
            Frame::Deployment => &["clouds", "managed_tag", "name_prefix", "param", "ack"],
            Frame::Principal => &["aws", "gcp", "azure", "k8s", "ack"],
            Frame::Network => &["cidr", "subnet", "pods", "services", "ack"],
            Frame::Engine { .. } => &["namespace", "components", "ack"],
            Frame::Store => &["name", "ack"],
            Frame::Access { .. } => &[
                "read",
                "write",
                "list",
                "tag",
                "permissions",
                "manage",
                "aws",
                "gcp",
                "azure",
                "k8s",
                "title",
                "description",
                "within",
                "ack",
            ],
            Frame::Scp => &["aws", "ack"],
            Frame::Kind => &["aws", "gcp", "azure"],
            Frame::Component => &["resource", "aws", "gcp", "azure"],
            Frame::KindCloud(_) => &[
                "services",
                "resources",
                "list",
                "read",
                "write",
                "tag",
                "permissions",
                "data",
                "create",
            ],
            Frame::K8sRole => &["rule"],
            Frame::Unknown => &[],
        }
    }
}

const TOP_KEYWORDS: &[(&str, &str)] = &[
    ("deployment", "deployment ${1:name} {\n  clouds ${2:aws}\n}"),
    ("principal", "principal ${1:name} {\n  ${0}\n}"),
    ("network", "network ${1:name} {\n  cidr ${2:10.0.0.0/16}\n}"),
    ("engine", "engine ${1:name}: ${2:eks} create"),
    ("store", "store ${1:name}: ${2:bucket}"),
    (
        "access",
        "access ${1:name} for ${2:principal} scoped {\n  ${0}\n}",
    ),
    ("scp", "scp ${1:name} for ou \"${2:ou}\" {\n  ${0}\n}"),
    ("use", "use \"${1:file.eng}\""),
    ("ack", "ack ${1:W0000} \"${2:reason}\""),
    (
        "kind",
        "kind ${1|store,engine|} ${2:name} \"${3:description}\" {\n  ${0}\n}",
    ),
    (
        "component",
        "component ${1:name} \"${2:description}\" {\n  ${0}\n}",
    ),
    (
        "crd",
        "crd \"${1:group}\" \"${2:resources}\" ${3|namespaced,cluster|}",
    ),
];

const LEVELS: &[&str] = &["list", "read", "write", "tag", "permissions", "manage"];
const CLOUDS: &[&str] = &["aws", "gcp", "azure"];
/// Catalog lists longer than this are cut (the client asks again as the user types).
const MAX_ITEMS: usize = 2000;

struct Ctx<'a> {
    a: &'a Analysis,
    file: FileId,
    text: &'a str,
    out: Vec<Completion>,
    replace: Span,
    prefix: String,
}

impl Ctx<'_> {
    fn push(&mut self, label: &str, kind: CompletionKind, detail: Option<String>) {
        self.out.push(Completion {
            label: label.to_string(),
            kind,
            detail,
            documentation: None,
            insert: label.to_string(),
            snippet: None,
            replace: self.replace,
        });
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.push(w, CompletionKind::Keyword, None);
        }
    }

    fn decls(&mut self, want: DeclKind, except: Option<&str>) {
        let kind = match want {
            DeclKind::Principal => CompletionKind::Principal,
            DeclKind::Network => CompletionKind::Network,
            DeclKind::Engine => CompletionKind::Engine,
            DeclKind::Store => CompletionKind::Store,
            DeclKind::Access | DeclKind::Scp => CompletionKind::Access,
        };
        let mut found: Vec<(String, Option<String>)> = Vec::new();
        for (_, f) in &self.a.comp.files {
            for item in &f.items {
                let (name, k, detail) = match item {
                    Item::Principal(p) => (&p.name, DeclKind::Principal, None),
                    Item::Network(n) => (
                        &n.name,
                        DeclKind::Network,
                        n.cidr.as_ref().map(|c| c.node.clone()),
                    ),
                    Item::Engine(e) => (
                        &e.name,
                        DeclKind::Engine,
                        Some(format!("engine: {}", e.kind.node)),
                    ),
                    Item::Store(s) => (
                        &s.name,
                        DeclKind::Store,
                        Some(format!("store: {}", s.kind.node)),
                    ),
                    Item::Access(x) => (&x.name, DeclKind::Access, None),
                    Item::Scp(s) => (&s.name, DeclKind::Scp, None),
                    _ => continue,
                };
                if k == want && Some(name.node.as_str()) != except {
                    found.push((name.node.clone(), detail));
                }
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        for (n, d) in found {
            self.push(&n, kind, d.or_else(|| Some(want.as_str().to_string())));
        }
    }

    fn kinds(&mut self, target: TargetKind) {
        let mut found: Vec<(String, Option<String>)> = Vec::new();
        for (_, f) in self.a.all_files() {
            for item in &f.items {
                if let Item::Kind(k) = item {
                    if k.target.node == target {
                        let clouds: Vec<&str> =
                            k.clouds.iter().map(|c| c.cloud.node.as_str()).collect();
                        let doc = k.doc.as_ref().map(|d| d.node.clone()).unwrap_or_default();
                        found.push((
                            k.name.node.clone(),
                            Some(format!("{doc} ({})", clouds.join(", "))),
                        ));
                    }
                }
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        for (n, d) in found {
            self.push(&n, CompletionKind::Kind, d);
        }
    }

    fn components(&mut self, engine_kind: Option<&str>) {
        let mut found: Vec<(String, Option<String>)> = Vec::new();
        for (_, f) in self.a.all_files() {
            for item in &f.items {
                if let Item::Component(c) = item {
                    let fits = c.engine_kinds.is_empty()
                        || engine_kind.is_none_or(|k| c.engine_kinds.iter().any(|x| x.node == k));
                    if fits {
                        found.push((c.name.node.clone(), c.doc.as_ref().map(|d| d.node.clone())));
                    }
                }
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        for (n, d) in found {
            self.push(&n, CompletionKind::Component, d);
        }
    }

    fn codes(&mut self) {
        for c in engc_core::diag::codes::ALL {
            if c.name.starts_with('W') {
                self.push(c.name, CompletionKind::Code, Some(c.summary.to_string()));
            }
        }
    }

    fn params(&mut self, close: bool) {
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
                for a in &service.actions {
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
            .into_iter()
            .map(str::to_string)
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
                found.push((r.resource.clone(), format!("{} ({scope})", r.api_version())));
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
            self.push(k, CompletionKind::ConditionKey, Some(t.clone()));
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
                for (k, t) in &svc.condition_keys {
                    self.push(k, CompletionKind::ConditionKey, Some(t.clone()));
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

/// The words of tokens, for matching statement shapes: strings read `"`, blocks `C`.
fn word<'t>(t: &Token, text: &'t str) -> &'t str {
    match t.kind {
        Tok::Str { .. } => "\"",
        Tok::Cidr => "C",
        _ => t.text(text),
    }
}

fn first_on_line(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].trim().is_empty()
}

/// The block a `{` opens, from the enclosing block and the statement before it.
fn frame_for(parent: Option<&Frame>, stmt: &[&str]) -> Frame {
    match (parent, stmt.first().copied()) {
        (None, Some("deployment")) => Frame::Deployment,
        (None, Some("principal")) => Frame::Principal,
        (None, Some("network")) => Frame::Network,
        (None, Some("engine")) => Frame::Engine {
            kind: stmt.get(3).map(|s| s.to_string()),
        },
        (None, Some("store")) => Frame::Store,
        (None, Some("access")) => Frame::Access {
            name: stmt.get(1).map(|s| s.to_string()),
        },
        (None, Some("scp")) => Frame::Scp,
        (None, Some("kind")) => Frame::Kind,
        (None, Some("component")) => Frame::Component,
        (Some(Frame::Access { .. }), Some("k8s")) => Frame::K8sRole,
        (Some(Frame::Kind | Frame::Component), Some(c)) if CLOUDS.contains(&c) => {
            Frame::KindCloud(c.to_string())
        }
        _ => Frame::Unknown,
    }
}

/// The block a `{` opens when only the first word of its statement is known.
pub(crate) fn frame_after_brace(parent: Option<&Frame>, first_word: &str) -> Frame {
    frame_for(parent, &[first_word])
}

/// The frames open at the end of `toks`, and where the current statement starts.
fn frames(toks: &[Token], text: &str) -> (Vec<Frame>, usize) {
    let mut stack: Vec<Frame> = Vec::new();
    let mut stmt_start = 0;
    for (i, t) in toks.iter().enumerate() {
        let w = word(t, text);
        match t.kind {
            Tok::Punct('{') => {
                let stmt: Vec<&str> = toks[stmt_start..i].iter().map(|t| word(t, text)).collect();
                let frame = frame_for(stack.last(), &stmt);
                stack.push(frame);
                stmt_start = i + 1;
            }
            Tok::Punct('}') => {
                stack.pop();
                stmt_start = i + 1;
            }
            // `;` may end a statement.
            Tok::Punct(';') => stmt_start = i + 1,
            Tok::Ident => {
                let starts = match stack.last() {
                    None => crate::DECLARATION_KEYWORDS.contains(&w),
                    Some(f) => {
                        f.keywords().contains(&w)
                            && first_on_line(text, t.start)
                            && !continues(toks[..i].last(), text)
                    }
                };
                if starts {
                    stmt_start = i;
                }
            }
            _ => {}
        }
    }
    (stack, stmt_start)
}

/// Whether the token before a line leaves the statement open (`,`, `[`, `=`, `:`).
fn continues(prev: Option<&Token>, text: &str) -> bool {
    prev.is_some_and(|t| matches!(t.text(text), "," | "[" | "=" | ":"))
}

pub fn complete(a: &Analysis, file: FileId, offset: usize) -> Vec<Completion> {
    let text = a.text(file);
    let all = lexer::tokenize(text);
    let mut ctx = Ctx {
        a,
        file,
        text,
        out: Vec::new(),
        replace: Span::new(file, offset, offset),
        prefix: String::new(),
    };
    let mut before_end = offset;
    if let Some(i) = lexer::token_at(&all, offset) {
        let t = all[i];
        match t.kind {
            Tok::Comment { .. } if offset > t.start => return Vec::new(),
            Tok::Str { closed } if offset > t.start && (offset < t.end || !closed) => {
                let toks: Vec<Token> = all[..i]
                    .iter()
                    .filter(|t| !t.is_comment())
                    .copied()
                    .collect();
                string_completion(&mut ctx, &toks, t, offset);
                return ctx.out;
            }
            Tok::Ident if offset > t.start => {
                before_end = t.start;
                ctx.prefix = text[t.start..offset].to_string();
                ctx.replace = Span::new(file, t.start, offset);
            }
            Tok::Cidr if offset > t.start => return Vec::new(),
            _ => {}
        }
    }
    let toks: Vec<Token> = all
        .iter()
        .filter(|t| !t.is_comment() && t.end <= before_end)
        .copied()
        .collect();
    let (stack, stmt_start) = frames(&toks, text);
    let stmt: Vec<&str> = toks[stmt_start..].iter().map(|t| word(t, text)).collect();
    let new_line = first_on_line(text, before_end) && !continues(toks.last(), text);
    match stack.last() {
        None => top_level(&mut ctx, &stmt, new_line),
        Some(frame) => {
            let frame = frame.clone();
            if stmt.is_empty() || new_line {
                ctx.keywords(frame.keywords());
            }
            if !stmt.is_empty() {
                in_block(&mut ctx, &frame, &stmt);
            }
        }
    }
    // Nothing typed yet and nothing fits: no list rather than every keyword.
    let prefix = ctx.prefix.clone();
    ctx.out.retain(|c| {
        prefix.is_empty()
            || c.label
                .to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
            || c.insert.starts_with(&prefix)
    });
    ctx.out
}

fn top_level(ctx: &mut Ctx, stmt: &[&str], new_line: bool) {
    let last = stmt.last().copied().unwrap_or("");
    if stmt.is_empty() || new_line {
        for (kw, snippet) in TOP_KEYWORDS {
            ctx.out.push(Completion {
                label: kw.to_string(),
                kind: CompletionKind::Keyword,
                detail: None,
                documentation: None,
                insert: kw.to_string(),
                snippet: Some(snippet.to_string()),
                replace: ctx.replace,
            });
        }
        if stmt.is_empty() {
            return;
        }
    }
    match stmt[0] {
        "engine" => match stmt.len() {
            3 if last == ":" => ctx.kinds(TargetKind::Engine),
            4 => ctx.keywords(&["create", "import", "on"]),
            5 if last != "on" => ctx.keywords(&["on"]),
            _ if last == "on" => ctx.decls(DeclKind::Network, None),
            _ => {}
        },
        "store" if stmt.len() == 3 && last == ":" => ctx.kinds(TargetKind::Store),
        "access" => match stmt.len() {
            2 => ctx.keywords(&["for", "scoped", "unscoped"]),
            3 if last == "for" => ctx.decls(DeclKind::Principal, None),
            4 if stmt[2] == "for" => ctx.keywords(&["scoped", "unscoped"]),
            _ => {}
        },
        "network" => match stmt.len() {
            2 => ctx.keywords(&["for"]),
            3 if last == "for" => {
                for c in CLOUDS {
                    ctx.push(c, CompletionKind::Cloud, None);
                }
            }
            _ => {}
        },
        "scp" => match stmt.len() {
            2 => ctx.keywords(&["for"]),
            3 if last == "for" => ctx.keywords(&["ou"]),
            _ => {}
        },
        "ack" if stmt.len() == 1 => ctx.codes(),
        "kind" if stmt.len() == 1 => ctx.keywords(&["engine", "store"]),
        "component" if last == "for" || (last == "," && stmt.contains(&"for")) => {
            ctx.kinds(TargetKind::Engine)
        }
        "component" if stmt.len() >= 2 && !stmt.contains(&"for") => ctx.keywords(&["for"]),
        "crd" if stmt.len() == 3 => ctx.keywords(&["namespaced", "cluster"]),
        _ => {}
    }
}

fn in_block(ctx: &mut Ctx, frame: &Frame, stmt: &[&str]) {
    let last = *stmt.last().unwrap_or(&"");
    let first = stmt[0];
    if first == "ack" && stmt.len() == 1 {
        ctx.codes();
        return;
    }
    match frame {
        Frame::Deployment => {
            if first == "clouds" && (last == "clouds" || last == ",") {
                for c in CLOUDS {
                    if !stmt.contains(c) {
                        ctx.push(c, CompletionKind::Cloud, None);
                    }
                }
            }
        }
        Frame::Principal => match (first, stmt.len()) {
            ("aws", 1) => ctx.keywords(&["role"]),
            ("aws", 3) => ctx.keywords(&["external_id"]),
            ("gcp", 1) => ctx.keywords(&["service_account"]),
            ("gcp", 3) => ctx.keywords(&["impersonated_by"]),
            ("azure", 1) => ctx.keywords(&["service_principal"]),
            ("k8s", 1) => ctx.keywords(&["service_account"]),
            ("k8s", 3) => ctx.keywords(&["in"]),
            _ => {}
        },
        Frame::Network => {
            if first == "subnet" && stmt.len() >= 3 {
                let mut kws = Vec::new();
                if !stmt.contains(&"zone") {
                    kws.push("zone");
                }
                if !stmt.contains(&"public") {
                    kws.push("public");
                }
                if last != "zone" && last != "public" {
                    ctx.keywords(&kws);
                }
            }
        }
        Frame::Engine { kind } => {
            if (first == "components" || first == "component") && (last == first || last == ",") {
                ctx.components(kind.as_deref());
            }
        }
        Frame::Access { name } => match first {
            l if LEVELS.contains(&l) => {
                if stmt.len() == 1 {
                    ctx.keywords(&["engine", "store"]);
                } else if last == "engine" || (last == "," && stmt[1] == "engine") {
                    ctx.decls(DeclKind::Engine, None);
                } else if last == "store" || (last == "," && stmt[1] == "store") {
                    ctx.decls(DeclKind::Store, None);
                }
            }
            "within" if stmt.len() == 1 => ctx.decls(DeclKind::Access, name.as_deref()),
            "aws" => aws_statement(ctx, stmt, true),
            "gcp" if stmt.len() == 1 => ctx.keywords(&["permissions", "role", "role_id"]),
            "azure" if stmt.len() == 1 => ctx.keywords(&[
                "actions",
                "not_actions",
                "data_actions",
                "not_data_actions",
                "scope",
            ]),
            "k8s" => match stmt.len() {
                1 => ctx.keywords(&["role", "cluster_role"]),
                3 if stmt[1] == "role" => ctx.keywords(&["in"]),
                _ => {}
            },
            _ => {}
        },
        Frame::Scp => {
            if first == "aws" {
                aws_statement(ctx, stmt, false);
            }
        }
        Frame::K8sRole => {
            if first == "rule" && (last == "rule" || last == "\"" || last == "]") {
                ctx.keywords(&["groups", "resources", "verbs", "names", "urls"]);
            }
        }
        Frame::Component => {
            if first == "resource" {
                match stmt.len() {
                    3 => ctx.keywords(&["namespaced", "cluster"]),
                    4 => ctx.keywords(&["verbs"]),
                    _ => {}
                }
            }
        }
        Frame::KindCloud(_) => match first {
            "data" if stmt.len() == 1 => ctx.keywords(LEVELS),
            _ => {}
        },
        Frame::Kind | Frame::Store | Frame::Unknown => {}
    }
}

fn aws_statement(ctx: &mut Ctx, stmt: &[&str], access: bool) {
    let last = *stmt.last().unwrap_or(&"");
    if stmt.len() == 1 {
        if access {
            ctx.keywords(&["allow", "deny", "managed_policy"]);
        } else {
            ctx.keywords(&["allow", "deny"]);
        }
        return;
    }
    if !matches!(stmt[1], "allow" | "deny") {
        return;
    }
    // Inside an open `[` list nothing but strings fit.
    let open =
        stmt.iter().filter(|w| **w == "[").count() > stmt.iter().filter(|w| **w == "]").count();
    if open {
        return;
    }
    match last {
        "allow" | "deny" => ctx.keywords(&["not"]),
        "on" => ctx.keywords(&["not"]),
        "when" | "and" => {
            ctx.keywords(&["tag", "request_tag"]);
            for op in engc_core::vocab::iam_operators::OPERATORS {
                ctx.push(
                    op.name,
                    CompletionKind::Operator,
                    Some(format!("IAM condition operator: {}", op.doc)),
                );
            }
        }
        "\"" | "]" => {
            let mut kws = Vec::new();
            if !stmt.contains(&"on") && !stmt.contains(&"when") {
                kws.push("on");
            }
            if !stmt.contains(&"when") {
                kws.push("when");
            } else {
                kws.push("and");
            }
            if !stmt.contains(&"as") {
                kws.push("as");
            }
            ctx.keywords(&kws);
        }
        "tag" | "request_tag" => ctx.keywords(&["and", "as"]),
        _ => {}
    }
}

fn string_completion(ctx: &mut Ctx, toks: &[Token], s: Token, offset: usize) {
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

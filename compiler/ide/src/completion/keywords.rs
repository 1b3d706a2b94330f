//! Keyword and name completion outside strings: declaration keywords (with snippets),
//! each block's statements and their words, declared names, kinds, components and
//! warning codes.

use super::{Completion, CompletionKind, Ctx, Frame, CLOUDS, LEVELS};
use engc_core::resolve::decls::DeclKind;
use engc_core::syntax::ast::{Item, TargetKind};

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
    ("grants", "grants ${1:name} {\n  ${0}\n}"),
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

impl Ctx<'_> {
    pub(super) fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.push(w, CompletionKind::Keyword, None);
        }
    }

    /// The `grants` groups, for `include`.
    fn groups(&mut self) {
        let mut names: Vec<String> = Vec::new();
        for (_, f) in &self.a.comp.files {
            for item in &f.items {
                if let Item::Grants(g) = item {
                    names.push(g.name.node.clone());
                }
            }
        }
        names.sort();
        names.dedup();
        for n in names {
            self.push(&n, CompletionKind::Access, Some("grants".to_string()));
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
}

pub(super) fn top_level(ctx: &mut Ctx, stmt: &[&str], new_line: bool) {
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

pub(super) fn in_block(ctx: &mut Ctx, frame: &Frame, stmt: &[&str]) {
    let last = *stmt.last().unwrap_or(&"");
    let first = stmt[0];
    if first == "ack" && stmt.len() == 1 {
        ctx.codes();
        return;
    }
    if first == "scope"
        && matches!(
            frame,
            Frame::Deployment | Frame::Store | Frame::Access { .. }
        )
    {
        scope_by(ctx, stmt);
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
        Frame::Principal if first == "aws" && stmt.len() > 1 && stmt[1] == "trust" => {
            trust_statement(ctx, stmt)
        }
        Frame::Principal => match (first, stmt.len()) {
            ("aws", 1) => ctx.keywords(&["role", "trust", "instance_profile", "boundary"]),
            ("aws", 2) if stmt[1] == "boundary" => ctx.decls(DeclKind::Access, None),
            ("aws", 3) if stmt[1] == "role" => ctx.keywords(&["external_id"]),
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
                if !stmt.contains(&"zone") && !stmt.contains(&"secondary") {
                    kws.push("zone");
                }
                if !stmt.contains(&"public") && !stmt.contains(&"secondary") {
                    kws.push("public");
                }
                kws.push("secondary");
                if !matches!(last, "zone" | "public" | "secondary") {
                    ctx.keywords(&kws);
                }
            }
            if first == "ingress" || first == "egress" {
                // ingress NAME PROTOCOL [PORTS] from PEER, ...
                let towards = if first == "ingress" { "from" } else { "to" };
                match stmt.len() {
                    2 => ctx.keywords(&["tcp", "udp", "icmp", "all"]),
                    n if n >= 3 && !stmt.contains(&towards) && last != "," => {
                        ctx.keywords(&[towards])
                    }
                    _ if last == towards || last == "," => ctx.keywords(&["subnet", "tag"]),
                    _ => {}
                }
            }
            if first == "connect" && (last == "connect" || last == ",") {
                ctx.decls(DeclKind::Network, None);
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
                } else if stmt.len() >= 3 && !stmt.contains(&"as") {
                    // After a name: `as "SID"` names the generated statements.
                    ctx.keywords(&["as"]);
                }
            }
            "within" if stmt.len() == 1 => ctx.decls(DeclKind::Access, name.as_deref()),
            "include" if stmt.len() == 1 => ctx.groups(),
            "if" if stmt.len() == 1 => ctx.params(false),
            "aws" => aws_statement(ctx, stmt, Statement::Access),
            "gcp" if stmt.len() == 1 => ctx.keywords(&["permissions", "role", "role_id", "bind"]),
            // gcp bind "ROLE" on KIND "NAME" [to MEMBERS] [when "CEL" as "TITLE"]
            "gcp" if stmt[1] == "bind" => match last {
                "on" => ctx.keywords(&[
                    "bucket",
                    "service_account",
                    "project",
                    "folder",
                    "organization",
                ]),
                "\"" | "]" if stmt.contains(&"on") && stmt.len() >= 5 => {
                    let mut kws = Vec::new();
                    if !stmt.contains(&"to") {
                        kws.push("to");
                    }
                    if !stmt.contains(&"when") {
                        kws.push("when");
                    }
                    if stmt.contains(&"when") && !stmt.contains(&"as") {
                        kws.push("as");
                    }
                    ctx.keywords(&kws);
                }
                "\"" | "]" if !stmt.contains(&"on") => ctx.keywords(&["on"]),
                _ => {}
            },
            "azure" if stmt.len() == 1 => ctx.keywords(&[
                "actions",
                "not_actions",
                "data_actions",
                "not_data_actions",
                "scope",
                "assign",
            ]),
            // azure assign "ROLE" on "SCOPE" [to IDS]
            "azure" if stmt[1] == "assign" && matches!(last, "\"" | "]") => {
                if !stmt.contains(&"on") {
                    ctx.keywords(&["on"]);
                } else if !stmt.contains(&"to") {
                    ctx.keywords(&["to"]);
                }
            }
            "k8s" => match stmt.len() {
                1 => ctx.keywords(&["role", "cluster_role", "bind"]),
                2 if stmt[1] == "bind" => ctx.keywords(&["cluster_role", "role"]),
                3 if stmt[1] == "role" => ctx.keywords(&["in"]),
                // k8s bind cluster_role|role "NAME" [in "NS"] [to SUBJECTS]
                _ if stmt[1] == "bind" && matches!(last, "\"" | "]") => {
                    let mut kws = Vec::new();
                    if !stmt.contains(&"in") && !stmt.contains(&"to") {
                        kws.push("in");
                    }
                    if !stmt.contains(&"to") {
                        kws.push("to");
                    }
                    ctx.keywords(&kws);
                }
                _ => {}
            },
            _ => {}
        },
        Frame::Scp => {
            if first == "aws" {
                aws_statement(ctx, stmt, Statement::Scp);
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
        Frame::Store => {
            if first == "aws" {
                aws_statement(ctx, stmt, Statement::Store);
            }
        }
        Frame::Kind | Frame::Unknown => {}
    }
}

/// `scope by tag|name [and name|tag]`.
fn scope_by(ctx: &mut Ctx, stmt: &[&str]) {
    match stmt {
        ["scope"] => ctx.keywords(&["by"]),
        ["scope", "by"] => ctx.keywords(&["tag", "name"]),
        ["scope", "by", "tag" | "name"] => ctx.keywords(&["and"]),
        ["scope", "by", "tag", "and"] => ctx.keywords(&["name"]),
        ["scope", "by", "name", "and"] => ctx.keywords(&["tag"]),
        _ => {}
    }
}

/// Where an `aws` statement is: its words differ a little.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Statement {
    Access,
    Scp,
    /// A store's resource policy: `for PRINCIPALS` after the actions.
    Store,
}

fn aws_statement(ctx: &mut Ctx, stmt: &[&str], kind: Statement) {
    let last = *stmt.last().unwrap_or(&"");
    if stmt.len() == 1 {
        if kind == Statement::Access {
            ctx.keywords(&["allow", "deny", "managed_policy", "inline", "roles"]);
        } else {
            ctx.keywords(&["allow", "deny"]);
        }
        return;
    }
    if kind == Statement::Access && stmt[1] == "roles" {
        match stmt.len() {
            2 => ctx.keywords(&["under"]),
            3 => ctx.decls(DeclKind::Access, None),
            4 => ctx.keywords(&["on"]),
            _ => {}
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
    let store = kind == Statement::Store;
    let after = |w: &str| stmt.contains(&w);
    // In a store, the principals after `for`: declared principals, then `on`...
    if store && after("for") && !after("on") && !after("when") && !after("as") {
        if last == "for" || last == "," {
            ctx.decls(DeclKind::Principal, None);
            return;
        }
        if last != "\"" && last != "]" {
            ctx.keywords(&["on", "when", "as"]);
            return;
        }
    }
    match last {
        "allow" | "deny" => ctx.keywords(&["not"]),
        "on" => ctx.keywords(&["not"]),
        "when" | "and" => {
            ctx.keywords(&["tag", "request_tag"]);
            condition_operators(ctx);
        }
        "\"" | "]" if store && !after("for") => ctx.keywords(&["for"]),
        "\"" | "]" => {
            let mut kws = Vec::new();
            if !stmt.contains(&"on") && !stmt.contains(&"when") {
                kws.push("on");
            }
            condition_and_sid(stmt, &mut kws);
            ctx.keywords(&kws);
        }
        "tag" | "request_tag" => ctx.keywords(&["and", "as"]),
        _ => {}
    }
}

/// The IAM condition operators, after `when` or `and`.
fn condition_operators(ctx: &mut Ctx) {
    for op in engc_core::vocab::iam_operators::OPERATORS {
        ctx.push(
            op.name,
            CompletionKind::Operator,
            Some(format!("IAM condition operator: {}", op.doc)),
        );
    }
}

/// What may close a statement after a value: `when` (`and` once there is one), `as`.
fn condition_and_sid(stmt: &[&str], kws: &mut Vec<&'static str>) {
    kws.push(if stmt.contains(&"when") {
        "and"
    } else {
        "when"
    });
    if !stmt.contains(&"as") {
        kws.push("as");
    }
}

/// `aws trust KIND STRINGS [service_account "SA" in "NS"] [actions STRINGS] [when ...] [as "SID"]`.
fn trust_statement(ctx: &mut Ctx, stmt: &[&str]) {
    let last = *stmt.last().unwrap_or(&"");
    if stmt.len() == 2 {
        ctx.keywords(&["account", "role", "service", "federated", "oidc"]);
        return;
    }
    let open =
        stmt.iter().filter(|w| **w == "[").count() > stmt.iter().filter(|w| **w == "]").count();
    if open {
        return;
    }
    match last {
        "when" | "and" => {
            condition_operators(ctx);
        }
        "\"" | "]" if stmt.len() > 3 => {
            let n = stmt.len();
            // `service_account "SA"` is followed by `in`.
            if n >= 3 && stmt[n - 2] == "service_account" {
                ctx.keywords(&["in"]);
                return;
            }
            let mut kws = Vec::new();
            if stmt[2] == "oidc"
                && !stmt.contains(&"service_account")
                && !stmt.contains(&"actions")
                && !stmt.contains(&"when")
            {
                kws.push("service_account");
            }
            if !stmt.contains(&"actions") && !stmt.contains(&"when") {
                kws.push("actions");
            }
            condition_and_sid(stmt, &mut kws);
            ctx.keywords(&kws);
        }
        _ => {}
    }
}

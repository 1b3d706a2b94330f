//! `grants NAME { ... }`, `include NAME` and `if PARAM = "VALUE" { ... }`: reuse of
//! grant lines. Before anything else is checked, every access level's `include` lines
//! are replaced by copies of the group's lines and every `if` block by its lines when
//! its guard holds, at the place they are written. The rest of the compiler sees plain
//! access levels: an include is exactly the lines written inline.
//!
//! Each copy's spans point at the group's lines and carry the number of the inclusion
//! that made them ([`Span::via`]), so a diagnostic on a copied line can say which level
//! included it ([`decorate`]) and an `ack` in the level covers it ([`sites`]).

use crate::diag::{closest, Code, Diagnostic};
use crate::resolve::params::Params;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Access, Item, Piece};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// One `include`: the access level it ends up in, the group, and the `include` line
/// (whose span has the `via` of the inclusion it is itself a copy of, if any).
#[derive(Clone, Debug)]
pub struct Inclusion {
    pub access: String,
    pub group: String,
    pub site: Span,
}

/// The user's files with every access level expanded.
pub struct Expanded<'a> {
    /// The user's files themselves when no level includes or tests anything (the
    /// common case: copying every item was a tenth of an edit in the language server).
    pub files: Cow<'a, [(FileId, ast::File)]>,
    /// Index `via - 1` of [`Span::via`].
    pub inclusions: Vec<Inclusion>,
    /// The parameters `if` guards tested, with their values: the build's modes.
    pub modes: BTreeMap<String, String>,
}

impl Expanded<'_> {
    /// The declarations of the expanded files beside the standard library's, with the
    /// inclusions (a compilation without errors: nothing is reported).
    pub fn decls<'a>(
        &'a self,
        stdlib: &'a [(FileId, ast::File)],
    ) -> crate::resolve::decls::Decls<'a> {
        let mut decls = crate::resolve::decls::collect(stdlib, &self.files, &mut Vec::new());
        decls.inclusions = self.inclusions.clone();
        decls
    }
}

/// Expands `user`; reports unknown groups (E0126), cycles (E0127), guards on unknown
/// parameters (E0128) or on parameters without a build-time value (E0129), and groups
/// nothing includes (W0126). `per_customer`: parameters a batch build sets per customer,
/// which a guard cannot test (the shape of the documents would differ per customer).
pub fn expand<'a>(
    user: &'a [(FileId, ast::File)],
    params: &Params,
    per_customer: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Expanded<'a> {
    let mut groups: BTreeMap<&str, &ast::Grants> = BTreeMap::new();
    for (_, file) in user {
        for item in &file.items {
            if let Item::Grants(g) = item {
                if let Some(first) = groups.get(g.name.node.as_str()) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0102,
                            g.name.span,
                            format!("the grants group `{}` is declared twice", g.name.node),
                        )
                        .label("declared again here")
                        .with_secondary(first.name.span, "first declared here")
                        .help("rename one of them"),
                    );
                } else {
                    groups.insert(&g.name.node, g);
                }
            }
        }
    }
    let mut x = Expander {
        groups: &groups,
        params,
        inclusions: Vec::new(),
        modes: BTreeMap::new(),
    };
    // Checks of every line as written, reached or not.
    let mut included: BTreeSet<&str> = BTreeSet::new();
    for (_, file) in user {
        for item in &file.items {
            let body = match item {
                Item::Access(a) => a,
                Item::Grants(g) => &g.body,
                _ => continue,
            };
            x.check_pieces(body, per_customer, &mut included, diags);
        }
    }
    for g in groups.values() {
        if !included.contains(g.name.node.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::W0126,
                    g.name.span,
                    format!("no access level includes the grants `{}`", g.name.node),
                )
                .label("never included")
                .help(format!(
                    "write `include {}` in an access level, or remove the group",
                    g.name.node
                )),
            );
        }
    }
    cycles(&groups, diags);

    let plain = |i: &Item| !matches!(i, Item::Access(a) if !a.pieces.is_empty());
    if user.iter().all(|(_, f)| f.items.iter().all(plain)) {
        return Expanded {
            files: Cow::Borrowed(user),
            inclusions: x.inclusions,
            modes: x.modes,
        };
    }
    let files = user
        .iter()
        .map(|(id, file)| {
            let items = file
                .items
                .iter()
                .map(|item| match item {
                    Item::Access(a) if !a.pieces.is_empty() => {
                        let mut stack = Vec::new();
                        Item::Access(x.body(a, 0, &a.name.node, &mut stack, true))
                    }
                    other => other.clone(),
                })
                .collect();
            (*id, ast::File { items })
        })
        .collect();
    Expanded {
        files: Cow::Owned(files),
        inclusions: x.inclusions,
        modes: x.modes,
    }
}

struct Expander<'g> {
    groups: &'g BTreeMap<&'g str, &'g ast::Grants>,
    params: &'g Params,
    inclusions: Vec<Inclusion>,
    modes: BTreeMap<String, String>,
}

impl Expander<'_> {
    fn check_pieces<'a>(
        &mut self,
        body: &'a Access,
        per_customer: &BTreeSet<String>,
        included: &mut BTreeSet<&'a str>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for piece in &body.pieces {
            match piece {
                Piece::Include { name, .. } => {
                    included.insert(&name.node);
                    self.check_include(name, diags);
                }
                Piece::If(g) => {
                    self.check_guard(g, per_customer, diags);
                    self.check_pieces(&g.body, per_customer, included, diags);
                }
            }
        }
    }

    fn check_include(&self, name: &ast::Name, diags: &mut Vec<Diagnostic>) {
        if self.groups.contains_key(name.node.as_str()) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::E0126,
            name.span,
            format!("unknown grants group `{}`", name.node),
        )
        .label("no `grants` group of this name");
        match closest(&name.node, self.groups.keys().copied()) {
            Some(best) => d = d.suggest(name.span, best, format!("did you mean `{best}`?")),
            None => d = d.help(format!("declare it: `grants {} {{ ... }}`", name.node)),
        }
        diags.push(d);
    }

    fn check_guard(
        &mut self,
        g: &ast::Guarded,
        per_customer: &BTreeSet<String>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let name = &g.param.node;
        if !self.params.is_known(name) {
            let known: Vec<&str> = self.params.names().collect();
            let mut d = Diagnostic::new(
                Code::E0128,
                g.param.span,
                format!("unknown parameter `{name}` in an `if` guard"),
            )
            .label("not a declared parameter");
            match closest(name, known) {
                Some(best) => d = d.suggest(g.param.span, best, format!("did you mean `{best}`?")),
                None => {
                    d = d.help(format!(
                        "declare it with its default in the deployment: `param {name} = \"{}\"`",
                        g.value.node
                    ))
                }
            }
            diags.push(d);
            return;
        }
        if per_customer.contains(name) {
            diags.push(
                Diagnostic::new(
                    Code::E0129,
                    g.param.span,
                    format!("the guard's parameter `{name}` is set per customer"),
                )
                .label("decides which grants exist")
                .help("set it once for the build (`--set`), not per customer"),
            );
            return;
        }
        match self.params.value(name) {
            Some((v, _)) => {
                self.modes.insert(name.clone(), v.to_string());
            }
            None => diags.push(
                Diagnostic::new(
                    Code::E0129,
                    g.param.span,
                    format!("the guard's parameter `{name}` has no value at build time"),
                )
                .label("decides which grants exist")
                .help(format!(
                    "give it a default (`param {name} = \"{}\"`) or set it: `--set {name}=...`",
                    g.value.node
                )),
            ),
        }
    }

    fn holds(&self, g: &ast::Guarded) -> bool {
        match self.params.value(&g.param.node) {
            Some((v, _)) => (v == g.value.node) != g.negated,
            None => false,
        }
    }

    /// A copy of `body`'s grant lines, spans marked with `via`, with its `include` and
    /// `if` lines replaced by what they stand for, where they stand. `top`: the access
    /// level itself (keeps its settings; a group's copy keeps only grants).
    fn body(
        &mut self,
        body: &Access,
        via: u32,
        access: &str,
        stack: &mut Vec<String>,
        top: bool,
    ) -> Access {
        let mut out = body.clone();
        out.pieces.clear();
        if !top {
            out.acks.clear();
            out.repeated.clear();
        }
        if via != 0 {
            mark_access(&mut out, via);
        }
        for piece in body.pieces.iter().rev() {
            match piece {
                Piece::Include { name, span, at } => {
                    let Some(group) = self.groups.get(name.node.as_str()) else {
                        continue;
                    };
                    if stack.contains(&name.node) {
                        continue; // a cycle: E0127
                    }
                    self.inclusions.push(Inclusion {
                        access: access.to_string(),
                        group: name.node.clone(),
                        site: Span { via, ..*span },
                    });
                    let inner = self.inclusions.len() as u32;
                    stack.push(name.node.clone());
                    let copy = self.body(&group.body, inner, access, stack, false);
                    stack.pop();
                    splice(&mut out, *at, copy);
                }
                Piece::If(g) => {
                    if self.holds(g) {
                        let copy = self.body(&g.body, via, access, stack, false);
                        splice(&mut out, g.at, copy);
                    }
                }
            }
        }
        out
    }
}

/// E0127 at each `include` that leads back to a group it is inside of.
fn cycles(groups: &BTreeMap<&str, &ast::Grants>, diags: &mut Vec<Diagnostic>) {
    fn includes(a: &Access) -> Vec<&ast::Name> {
        let mut out = Vec::new();
        for p in &a.pieces {
            match p {
                Piece::Include { name, .. } => out.push(name),
                Piece::If(g) => out.extend(includes(&g.body)),
            }
        }
        out
    }
    // 0 unvisited, 1 on the path, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'a>(
        at: &'a str,
        groups: &BTreeMap<&str, &'a ast::Grants>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
        diags: &mut Vec<Diagnostic>,
    ) {
        state.insert(at, 1);
        path.push(at);
        if let Some(g) = groups.get(at) {
            for name in includes(&g.body) {
                let next = name.node.as_str();
                match state.get(next).copied().unwrap_or(0) {
                    1 => {
                        let from = path.iter().position(|p| *p == next).unwrap_or(0);
                        let mut chain: Vec<&str> = path[from..].to_vec();
                        chain.push(next);
                        diags.push(
                            Diagnostic::new(
                                Code::E0127,
                                name.span,
                                format!("the grants `{next}` include themselves"),
                            )
                            .label(format!("cycle: {}", chain.join(" -> ")))
                            .help("remove this `include`; a group's lines count once anyway"),
                        );
                    }
                    0 if groups.contains_key(next) => visit(next, groups, state, path, diags),
                    _ => {}
                }
            }
        }
        path.pop();
        state.insert(at, 2);
    }
    for name in groups.keys() {
        if state.get(name).copied().unwrap_or(0) == 0 {
            visit(name, groups, &mut state, &mut Vec::new(), diags);
        }
    }
}

/// Inserts `src`'s lists into `dst`'s at the lengths `at`.
fn splice(dst: &mut Access, at: ast::Pos, src: Access) {
    fn put<T>(v: &mut Vec<T>, i: usize, src: Vec<T>) {
        let i = i.min(v.len());
        v.splice(i..i, src);
    }
    let p = at.0;
    put(&mut dst.grants, p[0], src.grants);
    put(&mut dst.aws, p[1], src.aws);
    put(&mut dst.aws_managed, p[2], src.aws_managed);
    put(&mut dst.gcp_permissions, p[3], src.gcp_permissions);
    put(&mut dst.gcp_roles, p[4], src.gcp_roles);
    put(&mut dst.azure.actions, p[5], src.azure.actions);
    put(&mut dst.azure.not_actions, p[6], src.azure.not_actions);
    put(&mut dst.azure.data_actions, p[7], src.azure.data_actions);
    put(
        &mut dst.azure.not_data_actions,
        p[8],
        src.azure.not_data_actions,
    );
    put(&mut dst.azure_scopes, p[9], src.azure_scopes);
    put(&mut dst.k8s, p[10], src.k8s);
    put(&mut dst.gcp_binds, p[11], src.gcp_binds);
    put(&mut dst.azure_assigns, p[12], src.azure_assigns);
    put(&mut dst.k8s_binds, p[13], src.k8s_binds);
}

fn mark(s: &mut Span, via: u32) {
    s.via = via;
}

fn mark_strs(list: &mut [ast::Str], via: u32) {
    list.iter_mut().for_each(|s| mark(&mut s.span, via));
}

/// Every span of `a`'s grant lines gets `via`.
fn mark_access(a: &mut Access, via: u32) {
    for g in &mut a.grants {
        mark(&mut g.span, via);
        mark(&mut g.level.span, via);
        mark(&mut g.target.span, via);
        g.names.iter_mut().for_each(|n| mark(&mut n.span, via));
        if let Some(sid) = &mut g.sid {
            mark(&mut sid.span, via);
        }
    }
    for st in &mut a.aws {
        mark_statement(st, via);
    }
    mark_strs(&mut a.aws_managed, via);
    mark_strs(&mut a.gcp_permissions, via);
    mark_strs(&mut a.gcp_roles, via);
    mark_strs(&mut a.azure.actions, via);
    mark_strs(&mut a.azure.not_actions, via);
    mark_strs(&mut a.azure.data_actions, via);
    mark_strs(&mut a.azure.not_data_actions, via);
    mark_strs(&mut a.azure_scopes, via);
    for b in &mut a.gcp_binds {
        mark(&mut b.span, via);
        mark(&mut b.target.span, via);
        mark(&mut b.resource.span, via);
        mark_strs(&mut b.roles, via);
        mark_strs(&mut b.members, via);
        if let Some((when, cel, title)) = &mut b.condition {
            mark(when, via);
            mark(&mut cel.span, via);
            title.iter_mut().for_each(|t| mark(&mut t.span, via));
        }
    }
    for b in &mut a.azure_assigns {
        mark(&mut b.span, via);
        mark_strs(&mut b.roles, via);
        mark_strs(&mut b.scopes, via);
        mark_strs(&mut b.principals, via);
    }
    for b in &mut a.k8s_binds {
        mark(&mut b.span, via);
        mark(&mut b.role.span, via);
        b.namespace.iter_mut().for_each(|s| mark(&mut s.span, via));
        mark_strs(&mut b.subjects, via);
    }
    for r in &mut a.k8s {
        mark(&mut r.span, via);
        r.name.iter_mut().for_each(|s| mark(&mut s.span, via));
        r.namespace.iter_mut().for_each(|s| mark(&mut s.span, via));
        for rule in &mut r.rules {
            mark(&mut rule.span, via);
            for list in [
                &mut rule.groups,
                &mut rule.resources,
                &mut rule.verbs,
                &mut rule.names,
                &mut rule.urls,
            ] {
                mark_strs(list, via);
            }
        }
    }
}

fn mark_statement(st: &mut ast::AwsStatement, via: u32) {
    mark(&mut st.span, via);
    mark(&mut st.effect.span, via);
    mark_strs(&mut st.actions, via);
    st.resources.iter_mut().for_each(|r| mark_strs(r, via));
    st.sid.iter_mut().for_each(|s| mark(&mut s.span, via));
    for c in &mut st.conditions {
        match c {
            ast::Condition::Tag(s) | ast::Condition::RequestTag(s) => mark(s, via),
            ast::Condition::Explicit {
                operator,
                key,
                values,
                span,
            } => {
                mark(&mut operator.span, via);
                mark(&mut key.span, via);
                mark_strs(values, via);
                mark(span, via);
            }
        }
    }
}

/// Where a diagnostic at `span` stands in the source: the span itself and, for a
/// copied line, each `include` line that brought it into its access level, innermost
/// first. An `ack` covers the diagnostic when its block holds any of them.
pub fn sites(inclusions: &[Inclusion], span: Span) -> Vec<Span> {
    let mut out = vec![span];
    let mut via = span.via;
    // Each step goes to an earlier inclusion, so this ends.
    while let Some(inc) = via.checked_sub(1).and_then(|i| inclusions.get(i as usize)) {
        out.push(inc.site);
        if inc.site.via >= via {
            break;
        }
        via = inc.site.via;
    }
    out
}

/// Says on each diagnostic about a copied line which access level included it, and
/// through which `include` lines.
pub fn decorate(inclusions: &[Inclusion], diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        if d.span.via == 0 {
            continue;
        }
        let Some(first) = inclusions.get(d.span.via as usize - 1) else {
            continue;
        };
        let chain = sites(inclusions, d.span);
        let mut groups: Vec<&str> = Vec::new();
        let mut via = d.span.via;
        for site in &chain[1..] {
            let inc = &inclusions[via as usize - 1];
            groups.push(&inc.group);
            let label = if site.via == 0 {
                format!("included into access level `{}` here", inc.access)
            } else {
                format!("`{}` included here", inc.group)
            };
            d.secondary.push(crate::diag::Label {
                span: site.written(),
                message: label,
            });
            via = site.via;
        }
        groups.reverse();
        d.notes.push(format!(
            "in access level `{}`, through `include {}`",
            first.access,
            groups.join("` then `include ")
        ));
    }
}

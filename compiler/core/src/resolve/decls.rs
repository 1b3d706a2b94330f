//! Declarations by name: the symbol table every other check reads, and the checks of
//! names and references (unknown, duplicate, wrong kind, did you mean).

use crate::check::cidr::NetworkInput;
use crate::diag::{closest, Code, Diagnostic};
use crate::resolve::params::Params;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Cloud, Item, TargetKind};
use crate::vocab::resource_policies;
use crate::Options;
use std::collections::BTreeMap;

/// What a user-level name denotes; they share one namespace so that a store used where
/// an engine is expected gets "wrong kind" rather than "unknown".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Principal,
    Network,
    Engine,
    Store,
    Access,
    Scp,
}

impl DeclKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclKind::Principal => "principal",
            DeclKind::Network => "network",
            DeclKind::Engine => "engine",
            DeclKind::Store => "store",
            DeclKind::Access => "access level",
            DeclKind::Scp => "scp",
        }
    }

    fn article(self) -> &'static str {
        match self {
            DeclKind::Access | DeclKind::Engine => "an",
            _ => "a",
        }
    }
}

/// An `ack` and the region it covers (its block, or its whole file at top level).
pub struct AckSite<'a> {
    pub ack: &'a ast::Ack,
    pub scope: AckScope,
}

pub enum AckScope {
    Block(Span),
    File(FileId),
}

impl AckScope {
    /// Whether a warning at `span` is in this ack's reach.
    pub fn covers(&self, span: Span) -> bool {
        match *self {
            AckScope::Block(block) => block.contains(span),
            AckScope::File(file) => span.file == file,
        }
    }
}

#[derive(Default)]
pub struct Decls<'a> {
    pub deployment: Option<&'a ast::Deployment>,
    pub principals: BTreeMap<&'a str, &'a ast::Principal>,
    pub networks: BTreeMap<&'a str, &'a ast::Network>,
    pub engines: BTreeMap<&'a str, &'a ast::Engine>,
    pub stores: BTreeMap<&'a str, &'a ast::Store>,
    pub accesses: BTreeMap<&'a str, &'a ast::Access>,
    pub scps: BTreeMap<&'a str, &'a ast::Scp>,
    pub symbols: BTreeMap<&'a str, (DeclKind, Span)>,
    pub engine_kinds: BTreeMap<&'a str, &'a ast::KindDecl>,
    pub store_kinds: BTreeMap<&'a str, &'a ast::KindDecl>,
    pub components: BTreeMap<&'a str, &'a ast::ComponentDecl>,
    /// (group, resource) -> namespaced, from `crd` and component resources.
    pub custom_resources: BTreeMap<(&'a str, &'a str), (bool, Span)>,
    pub acks: Vec<AckSite<'a>>,
    /// The user's files, for checks that walk every string.
    pub user_files: Vec<&'a ast::File>,
    /// The `include` lines expansion followed (see [`crate::resolve::include`]).
    pub inclusions: Vec<crate::resolve::include::Inclusion>,
    /// Names compared so far for "did you mean" (see [`SUGGESTION_BUDGET`]).
    suggestion_work: std::cell::Cell<usize>,
}

/// How many declared names "did you mean" may compare unknown names with, in all. Each
/// unknown name is compared with every name of its kind, so thousands of unknown
/// references among thousands of declarations took minutes; past the budget, unknown
/// names get the plain help.
const SUGGESTION_BUDGET: usize = 1_000_000;

pub fn collect<'a>(
    stdlib: &'a [(FileId, ast::File)],
    user: &'a [(FileId, ast::File)],
    diags: &mut Vec<Diagnostic>,
) -> Decls<'a> {
    let mut d = Decls::default();
    let mut kind_spans: BTreeMap<(TargetKind, &str), Span> = BTreeMap::new();
    let mut component_spans: BTreeMap<&str, Span> = BTreeMap::new();
    for (file_id, file) in stdlib.iter().chain(user.iter()) {
        for item in &file.items {
            match item {
                Item::Kind(k) => {
                    let key = (k.target.node, k.name.node.as_str());
                    if let Some(first) = kind_spans.insert(key, k.name.span) {
                        diags.push(duplicate(
                            &k.name,
                            first,
                            &format!("{} kind", k.target.node.as_str()),
                        ));
                    }
                    let map = match k.target.node {
                        TargetKind::Engine => &mut d.engine_kinds,
                        TargetKind::Store => &mut d.store_kinds,
                    };
                    map.insert(&k.name.node, k);
                }
                Item::Component(c) => {
                    if let Some(first) = component_spans.insert(&c.name.node, c.name.span) {
                        diags.push(duplicate(&c.name, first, "component"));
                    }
                    for r in &c.resources {
                        d.custom_resources
                            .insert((&r.group.node, &r.resource.node), (r.namespaced, r.span));
                    }
                    d.components.insert(&c.name.node, c);
                }
                Item::Crd(c) => {
                    d.custom_resources
                        .insert((&c.group.node, &c.resource.node), (c.namespaced, c.span));
                }
                Item::Ack(a) => d.acks.push(AckSite {
                    ack: a,
                    scope: AckScope::File(*file_id),
                }),
                _ => {}
            }
        }
    }
    for (_, file) in user {
        d.user_files.push(file);
        for item in &file.items {
            d.add_user_item(item, diags);
        }
    }
    if d.deployment.is_none() {
        let file = user.first().map(|f| f.0).unwrap_or_default();
        diags.push(
            Diagnostic::new(Code::E0004, Span::new(file, 0, 0), "no `deployment` block")
                .help("start the file with `deployment NAME { clouds aws ... }`"),
        );
    }
    d
}

fn duplicate(name: &ast::Name, first: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0102,
        name.span,
        format!("the {what} `{}` is declared twice", name.node),
    )
    .label("declared again here")
    .with_secondary(first, "first declared here")
    .help("rename one of them")
}

impl<'a> Decls<'a> {
    fn add_user_item(&mut self, item: &'a Item, diags: &mut Vec<Diagnostic>) {
        // One search of the symbols for each name (a lookup, then an insert, was two).
        let mut add = |name: &'a ast::Name, kind: DeclKind, diags: &mut Vec<Diagnostic>| {
            use std::collections::btree_map::Entry;
            match self.symbols.entry(&name.node) {
                Entry::Occupied(e) => {
                    let (first_kind, first) = *e.get();
                    let what = if first_kind == kind {
                        kind.as_str().to_string()
                    } else {
                        format!(
                            "name (already {} {})",
                            first_kind.article(),
                            first_kind.as_str()
                        )
                    };
                    diags.push(duplicate(name, first, &what));
                    false
                }
                Entry::Vacant(e) => {
                    e.insert((kind, name.span));
                    true
                }
            }
        };
        match item {
            Item::Deployment(dep) => {
                if let Some(first) = self.deployment {
                    diags.push(
                        Diagnostic::new(Code::E0004, dep.name.span, "more than one `deployment` block")
                            .label("second deployment")
                            .with_secondary(first.name.span, "first deployment")
                            .help("one compilation describes one deployment; split them into separate builds"),
                    );
                } else {
                    self.deployment = Some(dep);
                }
                for a in &dep.acks {
                    self.acks.push(AckSite {
                        ack: a,
                        scope: AckScope::Block(dep.span),
                    });
                }
            }
            Item::Principal(p) => {
                if add(&p.name, DeclKind::Principal, diags) {
                    self.principals.insert(&p.name.node, p);
                }
                self.block_acks(&p.acks, p.span);
            }
            Item::Network(n) => {
                if add(&n.name, DeclKind::Network, diags) {
                    self.networks.insert(&n.name.node, n);
                }
                self.block_acks(&n.acks, n.span);
            }
            Item::Engine(e) => {
                if add(&e.name, DeclKind::Engine, diags) {
                    self.engines.insert(&e.name.node, e);
                }
                self.block_acks(&e.acks, e.span);
            }
            Item::Store(s) => {
                if add(&s.name, DeclKind::Store, diags) {
                    self.stores.insert(&s.name.node, s);
                }
                self.block_acks(&s.acks, s.span);
            }
            Item::Access(a) => {
                if add(&a.name, DeclKind::Access, diags) {
                    self.accesses.insert(&a.name.node, a);
                }
                self.block_acks(&a.acks, a.span);
            }
            Item::Scp(s) => {
                if add(&s.name, DeclKind::Scp, diags) {
                    self.scps.insert(&s.name.node, s);
                }
                self.block_acks(&s.acks, s.span);
            }
            Item::Grants(g) => self.block_acks(&g.body.acks, g.span),
            Item::Use(_) | Item::Kind(_) | Item::Component(_) | Item::Crd(_) | Item::Ack(_) => {}
        }
    }

    fn block_acks(&mut self, acks: &'a [ast::Ack], span: Span) {
        for a in acks {
            self.acks.push(AckSite {
                ack: a,
                scope: AckScope::Block(span),
            });
        }
    }

    pub fn clouds(&self) -> Vec<Cloud> {
        let mut c: Vec<Cloud> = self
            .deployment
            .map(|d| d.clouds.iter().map(|c| c.node).collect())
            .unwrap_or_default();
        c.sort();
        c.dedup();
        c
    }

    pub fn targets(&self, cloud: Cloud) -> bool {
        self.clouds().contains(&cloud)
    }

    pub fn params(&self, options: &Options) -> Params {
        params(self.deployment, options)
    }

    /// Where a diagnostic at `span` stands: the span and, for a line an `include`
    /// copied, the `include` lines that brought it (see [`include::sites`]).
    ///
    /// [`include::sites`]: crate::resolve::include::sites
    pub fn sites(&self, span: Span) -> Vec<Span> {
        crate::resolve::include::sites(&self.inclusions, span)
    }
}

/// The parameters with their values: declared in `deployment`, implicit, `--set`.
pub fn params(deployment: Option<&ast::Deployment>, options: &Options) -> Params {
    {
        let declared: Vec<(String, Option<(String, Span)>)> = deployment
            .map(|d| {
                d.params
                    .iter()
                    .map(|p| {
                        (
                            p.name.node.clone(),
                            p.default.as_ref().map(|s| (s.node.clone(), s.span)),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let prefix =
            deployment.and_then(|d| d.name_prefix.as_ref().map(|p| (p.node.as_str(), p.span)));
        let mut params = Params::new(&declared, prefix, &options.set, &options.set_from);
        if let Some(d) = deployment {
            params.set_externals(d.externals.iter().map(|e| e.node.as_str()));
        }
        for name in &options.unset {
            params.unset(name);
        }
        params
    }
}

impl<'a> Decls<'a> {
    /// Resolves a reference that must be of kind `want`; reports unknown or wrong-kind.
    pub fn expect(&self, name: &ast::Name, want: DeclKind, diags: &mut Vec<Diagnostic>) -> bool {
        match self.symbols.get(name.node.as_str()) {
            Some((kind, _)) if *kind == want => true,
            Some((kind, span)) => {
                diags.push(
                    Diagnostic::new(
                        Code::E0103,
                        name.span,
                        format!(
                            "`{}` is {} {}, not {} {}",
                            name.node,
                            kind.article(),
                            kind.as_str(),
                            want.article(),
                            want.as_str()
                        ),
                    )
                    .label(format!("expected {} {}", want.article(), want.as_str()))
                    .with_secondary(*span, format!("`{}` is declared here", name.node)),
                );
                false
            }
            None => {
                let candidates = self
                    .symbols
                    .iter()
                    .filter(|(_, (k, _))| *k == want)
                    .map(|(n, _)| *n);
                let mut d = Diagnostic::new(
                    Code::E0101,
                    name.span,
                    format!("unknown {} `{}`", want.as_str(), name.node),
                )
                .label(format!("no {} of this name", want.as_str()));
                let work = self.suggestion_work.get() + self.symbols.len();
                self.suggestion_work.set(work);
                let best = if work <= SUGGESTION_BUDGET {
                    closest(&name.node, candidates)
                } else {
                    None
                };
                if let Some(best) = best {
                    d = d.suggest(name.span, best, format!("did you mean `{best}`?"));
                } else {
                    d = d.help(format!("declare it: `{} {} ...`", keyword(want), name.node));
                }
                diags.push(d);
                false
            }
        }
    }

    pub fn check_references(&self, params: &Params, diags: &mut Vec<Diagnostic>) {
        if let Some(dep) = self.deployment {
            repeated(&dep.repeated, diags);
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for p in &dep.params {
                if let Some(first) = seen.insert(&p.name.node, p.name.span) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0005,
                            p.name.span,
                            format!("parameter `{}` is declared twice", p.name.node),
                        )
                        .label("declared again here")
                        .with_secondary(first, "first declared here")
                        .help("keep one of them"),
                    );
                }
            }
            if dep.clouds.is_empty() {
                diags.push(
                    Diagnostic::new(Code::E0006, dep.name.span, "the deployment names no cloud")
                        .label("no `clouds` setting")
                        .help("add `clouds aws` (or `aws, gcp, azure`)"),
                );
            }
        }
        for p in self.principals.values() {
            repeated(&p.repeated, diags);
            if let Some(b) = &p.aws_boundary {
                self.expect(b, DeclKind::Access, diags);
            }
        }
        for n in self.networks.values() {
            repeated(&n.repeated, diags);
            for c in &n.connects {
                self.expect(c, DeclKind::Network, diags);
            }
            if n.cidr.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::E0006,
                        n.name.span,
                        format!("network `{}` has no `cidr`", n.name.node),
                    )
                    .label("no address block")
                    .help("add `cidr 10.0.0.0/16`"),
                );
            }
        }
        for e in self.engines.values() {
            self.check_engine(e, diags);
        }
        for s in self.stores.values() {
            repeated(&s.repeated, diags);
            self.check_store(s, diags);
        }
        for a in self.accesses.values() {
            repeated(&a.repeated, diags);
            if let Some(p) = &a.principal {
                self.expect(p, DeclKind::Principal, diags);
            }
            for w in &a.within {
                self.expect(w, DeclKind::Access, diags);
            }
            for r in &a.aws_roles_under {
                self.expect(&r.boundary, DeclKind::Access, diags);
            }
            for g in &a.grants {
                let want = match g.target.node {
                    TargetKind::Engine => DeclKind::Engine,
                    TargetKind::Store => DeclKind::Store,
                };
                for n in &g.names {
                    self.expect(n, want, diags);
                }
            }
        }
        self.check_unused_principals(diags);
        if let Some(d) = self.deployment {
            super::params::check_externals(&d.externals, params, diags);
        }
        // Lines copied by `include` are checked once, in their group.
        for file in &self.user_files {
            for item in &file.items {
                for_each_string(item, &mut |s| {
                    if s.span.via == 0 {
                        params.check(s, diags)
                    }
                });
            }
        }
    }

    fn check_engine(&self, e: &ast::Engine, diags: &mut Vec<Diagnostic>) {
        if let Some(n) = &e.network {
            self.expect(n, DeclKind::Network, diags);
        }
        let kind = self.engine_kinds.get(e.kind.node.as_str());
        match kind {
            None => diags.push(unknown_kind(
                &e.kind,
                "engine",
                self.engine_kinds.keys().copied(),
            )),
            Some(k) => self.check_kind_clouds(&e.kind, k, diags),
        }
        for c in &e.components {
            match self.components.get(c.node.as_str()) {
                None => {
                    let mut d = Diagnostic::new(
                        Code::E0105,
                        c.span,
                        format!("unknown component `{}`", c.node),
                    )
                    .label("not in the standard library");
                    if let Some(best) = closest(&c.node, self.components.keys().copied()) {
                        d = d.suggest(c.span, best, format!("did you mean `{best}`?"));
                    } else {
                        d = d.help(format!(
                            "known components: {}",
                            self.components
                                .keys()
                                .copied()
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    diags.push(d);
                }
                Some(comp)
                    if !comp.engine_kinds.is_empty()
                        && !comp.engine_kinds.iter().any(|k| k.node == e.kind.node) =>
                {
                    let kinds: Vec<&str> =
                        comp.engine_kinds.iter().map(|k| k.node.as_str()).collect();
                    diags.push(
                        Diagnostic::new(
                            Code::E0112,
                            c.span,
                            format!(
                                "component `{}` does not run on `{}` engines",
                                c.node, e.kind.node
                            ),
                        )
                        .label(format!("only on `{}`", kinds.join("`, `")))
                        .help("remove it, or use an engine kind it supports"),
                    );
                }
                Some(_) => {}
            }
        }
    }

    /// The resource policy a store of this kind has on AWS (bucket, key), if any.
    pub fn store_policy(&self, s: &ast::Store) -> Option<&'static resource_policies::Info> {
        let kind = self.store_kinds.get(s.kind.node.as_str())?;
        let aws = kind.clouds.iter().find(|c| c.cloud.node == Cloud::Aws)?;
        resource_policies::for_services(aws.services.iter().map(|x| x.node.as_str()))
    }

    fn check_store(&self, s: &ast::Store, diags: &mut Vec<Diagnostic>) {
        match self.store_kinds.get(s.kind.node.as_str()) {
            None => diags.push(unknown_kind(
                &s.kind,
                "store",
                self.store_kinds.keys().copied(),
            )),
            Some(k) => self.check_kind_clouds(&s.kind, k, diags),
        }
        for st in &s.policy {
            for p in &st.principals {
                if let ast::PolicyPrincipal::Declared(n) = p {
                    self.expect(n, DeclKind::Principal, diags);
                }
            }
        }
    }

    /// E0106: every target cloud must offer the kind (an engine kind needs only one).
    fn check_kind_clouds(&self, at: &ast::Name, kind: &ast::KindDecl, diags: &mut Vec<Diagnostic>) {
        let offered: Vec<Cloud> = kind.clouds.iter().map(|c| c.cloud.node).collect();
        let offered_names: Vec<&str> = offered.iter().map(|c| c.as_str()).collect();
        let clouds = self.clouds();
        let missing: Vec<Cloud> = match kind.target.node {
            TargetKind::Store => clouds
                .iter()
                .copied()
                .filter(|c| !offered.contains(c))
                .collect(),
            TargetKind::Engine => {
                if clouds.iter().any(|c| offered.contains(c)) || clouds.is_empty() {
                    Vec::new()
                } else {
                    clouds.clone()
                }
            }
        };
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|c| c.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    at.span,
                    format!(
                        "{} kind `{}` is not offered on {}",
                        kind.target.node.as_str(),
                        at.node,
                        names.join(", ")
                    ),
                )
                .label(format!("exists on {}", if offered_names.is_empty() { "no cloud".to_string() } else { offered_names.join(", ") }))
                .help(match kind.target.node {
                    TargetKind::Store => "use a kind that exists on every target cloud (such as `bucket`), or remove the cloud from `clouds`",
                    TargetKind::Engine => "use the engine kind of a target cloud (`eks` on aws, `gke` on gcp, `aks` on azure), or add its cloud to `clouds`",
                }),
            );
        }
    }

    fn check_unused_principals(&self, diags: &mut Vec<Diagnostic>) {
        let used: std::collections::BTreeSet<&str> = self
            .accesses
            .values()
            .filter_map(|a| a.principal.as_ref().map(|p| p.node.as_str()))
            .chain(self.stores.values().flat_map(|s| {
                s.policy.iter().flat_map(|st| {
                    st.principals.iter().filter_map(|p| match p {
                        ast::PolicyPrincipal::Declared(n) => Some(n.node.as_str()),
                        ast::PolicyPrincipal::Literal(_) => None,
                    })
                })
            }))
            .collect();
        for p in self.principals.values() {
            // A principal with an AWS role still yields a trust policy on its own.
            if !used.contains(p.name.node.as_str()) && !p.has_aws_role() {
                diags.push(
                    Diagnostic::new(
                        Code::W0113,
                        p.name.span,
                        format!("principal `{}` is granted nothing", p.name.node),
                    )
                    .label("no access level is `for` it")
                    .help(format!(
                        "write `access NAME for {} scoped {{ ... }}`, or remove it",
                        p.name.node
                    )),
                );
            }
        }
    }

    /// Networks with the clouds whose limits apply: the clouds of the engines on them,
    /// else the `for` cloud, else every target cloud.
    pub fn network_inputs(&self) -> Vec<NetworkInput<'a>> {
        self.networks
            .values()
            .map(|n| {
                let mut clouds: Vec<Cloud> = match &n.cloud {
                    Some(c) => vec![c.node],
                    None => self
                        .engines
                        .values()
                        .filter(|e| e.network.as_ref().is_some_and(|x| x.node == n.name.node))
                        .filter_map(|e| self.engine_kinds.get(e.kind.node.as_str()))
                        .flat_map(|k| k.clouds.iter().map(|c| c.cloud.node))
                        .collect(),
                };
                if clouds.is_empty() {
                    clouds = self.clouds();
                }
                clouds.sort();
                clouds.dedup();
                NetworkInput { network: n, clouds }
            })
            .collect()
    }

    /// Is (group, resource) namespaced? From the custom resources, then the built-in catalog.
    pub fn k8s_namespaced(&self, group: &str, resource: &str) -> Option<bool> {
        if let Some((ns, _)) = self.custom_resources.get(&(group, resource)) {
            return Some(*ns);
        }
        crate::catalog::k8s::lookup(group, resource).map(|r| r.namespaced)
    }
}

fn keyword(kind: DeclKind) -> &'static str {
    match kind {
        DeclKind::Access => "access",
        other => other.as_str(),
    }
}

fn unknown_kind<'k>(
    name: &ast::Name,
    what: &str,
    known: impl Iterator<Item = &'k str> + Clone,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0104,
        name.span,
        format!("unknown {what} kind `{}`", name.node),
    )
    .label("not in the standard library");
    if let Some(best) = closest(&name.node, known.clone()) {
        d = d.suggest(name.span, best, format!("did you mean `{best}`?"));
    } else {
        d = d.help(format!(
            "known {what} kinds: {}",
            known.collect::<Vec<_>>().join(", ")
        ));
    }
    d
}

fn repeated(list: &[(Span, Span, &'static str)], diags: &mut Vec<Diagnostic>) {
    for (first, again, what) in list {
        diags.push(
            Diagnostic::new(Code::E0005, *again, format!("`{what}` is set twice"))
                .label("set again here")
                .with_secondary(*first, "first set here")
                .help("keep one of them"),
        );
    }
}

/// Calls `f` on every string literal of a user declaration (for `${...}` checks).
pub fn for_each_string(item: &Item, f: &mut dyn FnMut(&ast::Str)) {
    let stmt = |s: &ast::AwsStatement, f: &mut dyn FnMut(&ast::Str)| {
        s.actions.iter().for_each(&mut *f);
        s.resources.iter().flatten().for_each(&mut *f);
        for c in &s.conditions {
            if let ast::Condition::Explicit { key, values, .. } = c {
                f(key);
                values.iter().for_each(&mut *f);
            }
        }
    };
    match item {
        Item::Deployment(d) => {
            if let Some((k, v)) = &d.managed_tag {
                f(k);
                f(v);
            }
            d.name_prefix.iter().for_each(&mut *f);
        }
        Item::Principal(p) => {
            if let Some(r) = &p.aws_role {
                f(&r.arn);
                r.external_id.iter().for_each(&mut *f);
            }
            for t in &p.aws_trust {
                t.principals.iter().for_each(&mut *f);
                if let Some((sa, ns)) = &t.service_account {
                    f(sa);
                    f(ns);
                }
                t.actions.iter().flatten().for_each(&mut *f);
                for c in &t.conditions {
                    if let ast::Condition::Explicit { key, values, .. } = c {
                        f(key);
                        values.iter().for_each(&mut *f);
                    }
                }
            }
            if let Some(i) = &p.aws_instance_profile {
                i.node.iter().for_each(&mut *f);
            }
            if let Some(g) = &p.gcp_service_account {
                f(&g.account);
                g.impersonated_by.iter().for_each(&mut *f);
            }
            p.azure_principal.iter().for_each(&mut *f);
            if let Some(k) = &p.k8s_service_account {
                f(&k.name);
                f(&k.namespace);
            }
        }
        Item::Engine(e) => e.namespaces.iter().for_each(&mut *f),
        Item::Store(s) => {
            s.resource_name.iter().for_each(&mut *f);
            for st in &s.policy {
                for p in &st.principals {
                    if let ast::PolicyPrincipal::Literal(x) = p {
                        f(x);
                    }
                }
                stmt(&st.statement, f);
            }
        }
        Item::Grants(g) => {
            for_each_string(&Item::Access(g.body.clone()), f);
            for p in &g.body.pieces {
                if let ast::Piece::If(x) = p {
                    for_each_string(&Item::Access(x.body.clone()), f);
                }
            }
        }
        Item::Access(a) => {
            for p in &a.pieces {
                if let ast::Piece::If(x) = p {
                    for_each_string(&Item::Access(x.body.clone()), f);
                }
            }
            a.title.iter().for_each(&mut *f);
            a.description.iter().for_each(&mut *f);
            a.aws.iter().for_each(|s| stmt(s, f));
            a.aws_managed.iter().for_each(&mut *f);
            for r in &a.aws_roles_under {
                r.roles.iter().flatten().for_each(&mut *f);
            }
            a.gcp_permissions.iter().for_each(&mut *f);
            a.gcp_roles.iter().for_each(&mut *f);
            a.azure_scopes.iter().for_each(&mut *f);
            for list in [
                &a.azure.actions,
                &a.azure.not_actions,
                &a.azure.data_actions,
                &a.azure.not_data_actions,
            ] {
                list.iter().for_each(&mut *f);
            }
            for r in &a.k8s {
                r.name.iter().for_each(&mut *f);
                r.namespace.iter().for_each(&mut *f);
                for rule in &r.rules {
                    for list in [
                        &rule.groups,
                        &rule.resources,
                        &rule.verbs,
                        &rule.names,
                        &rule.urls,
                    ] {
                        list.iter().for_each(&mut *f);
                    }
                }
            }
        }
        Item::Scp(s) => {
            f(&s.ou);
            s.statements.iter().for_each(|st| stmt(st, f));
        }
        Item::Network(n) => {
            for r in &n.rules {
                for p in &r.peers {
                    if let ast::Peer::Tag(t) = p {
                        f(t);
                    }
                }
            }
        }
        Item::Use(_) | Item::Kind(_) | Item::Component(_) | Item::Crd(_) | Item::Ack(_) => {}
    }
}

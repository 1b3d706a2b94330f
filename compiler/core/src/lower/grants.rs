//! Abstract grants (`read store data`, `manage engine cluster`): expanded through the
//! kind's sections into AWS statements (placed by [`scoping`], merged only where the
//! union of grants stays exact, named by Sid), GCP permissions, Azure operations and
//! Kubernetes rules, with the diagnostics of grants that cannot be scoped.

use super::*;

impl Lowerer<'_, '_> {
    /// The AWS actions a kind's section grants at `levels`: its explicit lists where it
    /// has them, else every action of its services at the catalog's matching access
    /// levels. Actions only creating engines get (`create [...]`) are left out of
    /// imported engines.
    pub(super) fn aws_actions(
        &self,
        section: &ast::KindCloud,
        levels: &[Level],
        listed: &BTreeSet<Level>,
        explicit: &[String],
        create: bool,
    ) -> Vec<(&'static Service, &'static Action)> {
        let catalog = cat::catalog();
        let mut out: Vec<(&Service, &Action)> = Vec::new();
        for name in explicit {
            out.extend(catalog.matching(name));
        }
        let wanted: BTreeSet<cat::AccessLevel> = levels
            .iter()
            .filter(|l| !listed.contains(l))
            .flat_map(|l| scoping::access_levels(*l).iter().copied())
            .collect();
        // A section that lists any level is explicit: its lists are the whole grant (a
        // component names what it needs). Only a section without lists takes every
        // action of its services from the catalog.
        let services: &[ast::Str] = if section.levels.is_empty() {
            &section.services
        } else {
            &[]
        };
        for service in services {
            if let Some(svc) = catalog.service(&service.node) {
                out.extend(
                    svc.actions
                        .iter()
                        .filter(|a| wanted.contains(&a.access_level))
                        .map(|a| (svc, a)),
                );
            }
        }
        if !create {
            out.retain(|(svc, a)| {
                let full = svc.full_name(a);
                !section
                    .create
                    .iter()
                    .any(|c| crate::catalog::glob_match(&c.node, &full))
            });
        }
        out.sort_by(|x, y| {
            (x.0.prefix.as_str(), x.1.name.as_str()).cmp(&(y.0.prefix.as_str(), y.1.name.as_str()))
        });
        out.dedup_by(|x, y| x.0.prefix == y.0.prefix && x.1.name == y.1.name);
        out
    }

    pub(super) fn abstract_grant(
        &self,
        g: &ast::AbstractGrant,
        scoped: bool,
        level_scope: Option<ast::ScopeBy>,
        gen: &mut Generated,
        diags: &mut Vec<Diagnostic>,
    ) {
        let levels = g.level.node.expand();
        for name in &g.names {
            let (kind, extra, resource_name, engine) = match g.target.node {
                TargetKind::Engine => {
                    let Some(e) = self.decls.engines.get(name.node.as_str()) else {
                        continue;
                    };
                    let Some(kind) = self.decls.engine_kinds.get(e.kind.node.as_str()) else {
                        continue;
                    };
                    let comps: Vec<&ast::ComponentDecl> = e
                        .components
                        .iter()
                        .filter_map(|c| self.decls.components.get(c.node.as_str()).copied())
                        .collect();
                    (*kind, comps, None, Some(*e))
                }
                TargetKind::Store => {
                    let Some(s) = self.decls.stores.get(name.node.as_str()) else {
                        continue;
                    };
                    let Some(kind) = self.decls.store_kinds.get(s.kind.node.as_str()) else {
                        continue;
                    };
                    (*kind, Vec::new(), s.resource_name.as_ref(), None)
                }
            };
            // `scope by`: the store's own, else the level's, else the deployment's.
            let store_scope = match g.target.node {
                TargetKind::Store => self
                    .decls
                    .stores
                    .get(name.node.as_str())
                    .and_then(|s| s.scope_by),
                TargetKind::Engine => None,
            };
            let scope_by = store_scope.or(level_scope);
            let create =
                engine.and_then(|e| e.mode.as_ref()).map(|m| m.node) == Some(EngineMode::Create);
            // A name the author wrote bounds the store's ARNs, tag or no tag; the
            // deployment's prefix stands in only where no tag can.
            let written_name = resource_name.map(|n| self.params.render(&n.node));
            let name_pattern = written_name.clone().unwrap_or_else(|| {
                if self.params.is_known("prefix")
                    && self
                        .decls
                        .deployment
                        .and_then(|d| d.name_prefix.as_ref())
                        .is_some()
                {
                    self.params.render("${prefix}*")
                } else {
                    "*".to_string()
                }
            });
            // Unbounded writes in a scoped level (E0417), reported once per name.
            let mut unbounded: BTreeSet<String> = BTreeSet::new();
            let tag_key: Option<String> = self.managed_tag().map(|(k, _)| k);
            // Without a managed tag, `scope by tag` is E0132 (checked before lowering):
            // the default placement stands in.
            let mode = scope_by
                .map(|b| b.mode)
                .filter(|m| scoped && (tag_key.is_some() || !m.tag()));
            // Actions `scope by tag` cannot bound (W0130, E0130 when none can be).
            let mut untaggable: BTreeSet<String> = BTreeSet::new();
            let mut taggable = false;
            // A component runs on its engine, so only its sections for the clouds the
            // engine's kind offers apply (external-dns on `eks` needs no Azure DNS).
            let kind_clouds: Vec<Cloud> = kind.clouds.iter().map(|c| c.cloud.node).collect();
            let sections = kind.clouds.iter().chain(
                extra
                    .iter()
                    .flat_map(|c| c.clouds.iter())
                    .filter(|s| kind_clouds.contains(&s.cloud.node)),
            );
            for section in sections {
                if !self.decls.targets(section.cloud.node) {
                    continue;
                }
                let mut perms: Vec<String> = Vec::new();
                let mut listed: BTreeSet<Level> = BTreeSet::new();
                for (lvl, list) in &section.levels {
                    // A kind's own `manage` list belongs to `manage` grants only.
                    let applies = levels.contains(&lvl.node)
                        || (lvl.node == Level::Manage && g.level.node == Level::Manage);
                    if applies {
                        listed.insert(lvl.node);
                        perms.extend(list.iter().map(|s| s.node.clone()));
                    }
                }
                if create && levels.contains(&Level::Write) {
                    perms.extend(section.create.iter().map(|s| s.node.clone()));
                }
                match section.cloud.node {
                    Cloud::Aws => {
                        let cx = scoping::Context {
                            scoped,
                            mode,
                            tag_key: tag_key.as_deref(),
                            name_pattern: &name_pattern,
                            written_name: written_name.as_deref(),
                            resource_types: &section
                                .resources
                                .iter()
                                .map(|r| r.node.clone())
                                .collect::<Vec<_>>(),
                        };
                        // What this name alone is granted: one statement per scoping
                        // and service. An action only matches ARNs of its own resource
                        // types, so sharing its service's ARNs grants nothing more.
                        let mut alone: BTreeMap<(Scoping, String), AwsGroup> = BTreeMap::new();
                        let key = (
                            cx.scoped,
                            cx.mode,
                            cx.tag_key.map(str::to_string),
                            cx.name_pattern.to_string(),
                            cx.written_name.map(str::to_string),
                            cx.resource_types.to_vec(),
                        );
                        let mut memo = self.placements.borrow_mut();
                        let memo = memo.entry(key).or_default();
                        for (svc, action) in
                            self.aws_actions(section, levels, &listed, &perms, create)
                        {
                            let placed = memo
                                .entry((svc.prefix.as_str(), action.name.as_str()))
                                .or_insert_with(|| scoping::place(svc, action, &cx))
                                .clone();
                            let placed = match placed {
                                Ok(p) => p,
                                Err(scoping::NoTag) => {
                                    untaggable.insert(svc.full_name(action));
                                    None
                                }
                            };
                            if let Some(p) = placed {
                                if matches!(p.scoping, Scoping::Tagged | Scoping::TagOnCreate) {
                                    taggable = true;
                                }
                                if scoped
                                    && mode.is_none()
                                    && p.scoping == Scoping::ByName
                                    && scoping::unbounded(&name_pattern)
                                    && action.access_level.is_mutating()
                                {
                                    unbounded.insert(svc.full_name(action));
                                }
                                let service = match p.scoping {
                                    Scoping::Global | Scoping::All => String::new(),
                                    _ => svc.prefix.to_string(),
                                };
                                let slot = alone.entry((p.scoping, service)).or_default();
                                slot.resources
                                    .extend(p.resources.iter().map(|r| self.params.render(r)));
                                slot.actions.insert(svc.full_name(action));
                            }
                        }
                        for ((scoping, service), group) in alone {
                            gen.add_aws(
                                g.sid.as_ref().map(|s| self.fill(s)),
                                scoping,
                                service,
                                group,
                                g.span,
                            );
                        }
                    }
                    Cloud::Gcp => {
                        for p in perms {
                            gen.gcp.entry(p).or_insert(g.span);
                        }
                    }
                    Cloud::Azure => {
                        for p in perms {
                            gen.azure_actions.entry(p).or_insert(g.span);
                        }
                        for (lvl, list) in &section.data_levels {
                            if levels.contains(&lvl.node) {
                                for s in list {
                                    gen.azure_data.entry(s.node.clone()).or_insert(g.span);
                                }
                            }
                        }
                    }
                }
            }
            if let (Some(first), Some(by)) = (untaggable.first(), scope_by) {
                diags.push(untaggable_actions(
                    g,
                    name,
                    &untaggable,
                    first,
                    taggable,
                    by,
                    store_scope.is_some(),
                ));
            }
            if let Some(by) = scope_by.filter(|b| scoped && b.mode.name() && store_scope.is_none())
            {
                if scoping::unbounded(&name_pattern) {
                    diags.push(unnamed(g, name, by));
                }
            }
            if let Some(first) = unbounded.first() {
                diags.push(unbounded_writes(
                    g,
                    name,
                    &unbounded,
                    first,
                    tag_key.is_some(),
                ));
            }
            // Kubernetes rules of the engine's components.
            let namespaces: Vec<String> = engine
                .map(|e| e.namespaces.iter().map(|n| self.fill(n)).collect())
                .unwrap_or_default();
            for comp in &extra {
                for res in &comp.resources {
                    let mut verbs: Vec<String> = Vec::new();
                    for l in levels {
                        for v in k8s_verbs(*l) {
                            let allowed =
                                res.verbs.is_empty() || res.verbs.iter().any(|x| x.node == *v);
                            if allowed && !verbs.iter().any(|x| x == v) {
                                verbs.push(v.to_string());
                            }
                        }
                    }
                    if verbs.is_empty() {
                        continue;
                    }
                    // Conventional order, as people write RBAC rules.
                    verbs.sort_by_key(|v| VERB_ORDER.iter().position(|x| x == v));
                    let targets: Vec<Option<String>> = if res.namespaced && !namespaces.is_empty() {
                        namespaces.iter().cloned().map(Some).collect()
                    } else {
                        vec![None]
                    };
                    for ns in targets {
                        gen.k8s.push(GeneratedRule {
                            span: g.span,
                            namespace: ns,
                            group: res.group.node.clone(),
                            resource: res.resource.node.clone(),
                            verbs: verbs.clone(),
                        });
                    }
                }
            }
        }
    }
}

pub(super) struct GeneratedRule {
    pub(super) namespace: Option<String>,
    pub(super) group: String,
    pub(super) resource: String,
    pub(super) verbs: Vec<String>,
    /// The abstract grant that generated it.
    pub(super) span: Span,
}

/// What one abstract grant on one name gives a (scoping, service) pair on AWS.
#[derive(Default)]
struct AwsGroup {
    resources: BTreeSet<String>,
    actions: BTreeSet<String>,
}

/// A grant's `as "SID"`; None for the level's own name.
type SidBase = Option<String>;

/// One AWS statement abstract grants generate, before it is named.
pub(super) struct GeneratedStatement {
    pub(super) sid: SidBase,
    pub(super) scoping: Scoping,
    pub(super) actions: Names,
    pub(super) resources: Names,
    pub(super) span: Span,
}

/// What abstract grants generated, and the first grant that generated each.
type Origins = BTreeMap<String, Span>;

/// A set of action names (or of resources).
type Names = BTreeSet<String>;

#[derive(Default)]
pub(super) struct Generated {
    /// (Sid base, scoping, service, resources) -> actions and the first grant: grants
    /// that share all four merge their actions, which keeps the union of their triples
    /// exact. The base is the grant's `as` (None: the level's name), so a named grant's
    /// statements never merge with another's.
    pub(super) aws: BTreeMap<(SidBase, Scoping, String, Names), (Names, Span)>,
    pub(super) gcp: Origins,
    pub(super) azure_actions: Origins,
    pub(super) azure_data: Origins,
    pub(super) k8s: Vec<GeneratedRule>,
}

impl Generated {
    fn add_aws(
        &mut self,
        sid: SidBase,
        scoping: Scoping,
        service: String,
        group: AwsGroup,
        span: Span,
    ) {
        // `*` already covers every other resource.
        let resources = if group.resources.contains("*") {
            BTreeSet::from(["*".to_string()])
        } else {
            group.resources
        };
        self.aws
            .entry((sid, scoping, service, resources))
            .or_insert_with(|| (BTreeSet::new(), span))
            .0
            .extend(group.actions);
    }

    /// The AWS statements: groups with the same Sid base, scoping, service and actions
    /// merge their resources (A x R1 + A x R2 is A x (R1 + R2)); nothing else merges.
    /// In (Sid base, scoping, service, actions) order, the level's own base first.
    pub(super) fn aws_statements(&self) -> Vec<GeneratedStatement> {
        type Key<'a> = (&'a SidBase, Scoping, &'a str, &'a Names);
        let mut merged: BTreeMap<Key, (Names, Span)> = BTreeMap::new();
        for ((sid, scoping, service, resources), (actions, span)) in &self.aws {
            let slot = merged
                .entry((sid, *scoping, service.as_str(), actions))
                .or_insert_with(|| (BTreeSet::new(), *span));
            slot.0.extend(resources.iter().cloned());
            slot.1 = slot.1.min(*span);
        }
        merged
            .into_iter()
            .map(|((sid, scoping, _, actions), (mut resources, span))| {
                if resources.contains("*") {
                    resources = BTreeSet::from(["*".to_string()]);
                }
                GeneratedStatement {
                    sid: sid.clone(),
                    scoping,
                    actions: actions.clone(),
                    resources,
                    span,
                }
            })
            .collect()
    }
}

/// The Sids of the statements abstract grants generate: BASE + how the statement is
/// scoped (`Tagged`, `Global`...), numbered where a base has several of a kind. The base
/// is the level's name in CamelCase, or a grant's `as`: exactly that Sid when it yields
/// one statement, none when it is `""`.
pub(super) fn generated_sids(level: &str, groups: &[GeneratedStatement]) -> Vec<Option<String>> {
    let mut total: BTreeMap<(&SidBase, &str), usize> = BTreeMap::new();
    let mut per_base: BTreeMap<&SidBase, usize> = BTreeMap::new();
    for g in groups {
        *total.entry((&g.sid, g.scoping.sid_word())).or_default() += 1;
        *per_base.entry(&g.sid).or_default() += 1;
    }
    let mut counts: BTreeMap<(&SidBase, &str), usize> = BTreeMap::new();
    groups
        .iter()
        .map(|g| {
            let base = match &g.sid {
                Some(b) if b.is_empty() => return None,
                Some(b) if per_base[&g.sid] == 1 => return Some(b.clone()),
                Some(b) => b.as_str(),
                None => level,
            };
            let kind = g.scoping.sid_word();
            let n = counts.entry((&g.sid, kind)).or_default();
            *n += 1;
            Some(if total[&(&g.sid, kind)] > 1 {
                format!("{base}{kind}{n}")
            } else {
                format!("{base}{kind}")
            })
        })
        .collect()
}

/// E0114 for a Sid that a generated statement shares with another statement of the
/// level (two written ones are reported on the source, `check::aws_statements`).
/// `statements[..generated]` came from abstract grants.
pub(super) fn sid_collisions(
    statements: &[model::AwsStatement],
    generated: usize,
    a: &ast::Access,
    diags: &mut Vec<Diagnostic>,
) {
    // Where a generated statement's Sid comes from: its grant's `as`, else the grant.
    let origin = |i: usize| -> (Span, &'static str) {
        let span = statements[i].span;
        if i >= generated {
            let sid = a
                .aws
                .iter()
                .find(|st| st.span == span)
                .and_then(|st| st.sid.as_ref());
            return (sid.map_or(span, |s| s.span), "written here");
        }
        match a
            .grants
            .iter()
            .find(|g| g.span == span)
            .and_then(|g| g.sid.as_ref())
        {
            Some(sid) => (sid.span, "named here"),
            None => (span, "generated from this grant and the level's name"),
        }
    };
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, st) in statements.iter().enumerate() {
        let Some(sid) = st.sid.as_deref() else {
            continue;
        };
        let Some(&j) = first.get(sid) else {
            first.insert(sid, i);
            continue;
        };
        if i >= generated && j >= generated {
            continue;
        }
        let (at, label) = origin(i);
        let (before, before_label) = origin(j);
        diags.push(
            Diagnostic::new(
                Code::E0114,
                at,
                format!(
                    "Sid `{sid}` is used twice in the policy of `{}`",
                    a.name.node
                ),
            )
            .label(label)
            .with_secondary(before, before_label)
            .help("give the grant another Sid with `as \"...\"`, or rename the written one"),
        );
    }
}

/// E0130 (no action of the grant on `name` can be bounded by the tag) or W0130 (some
/// are left out): `scope by tag` asks for a tag condition their resource types lack.
fn untaggable_actions(
    g: &ast::AbstractGrant,
    name: &ast::Name,
    actions: &BTreeSet<String>,
    first: &str,
    some_tagged: bool,
    by: ast::ScopeBy,
    on_store: bool,
) -> Diagnostic {
    let more = match actions.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let whose = if on_store {
        "the store's `scope by`"
    } else {
        "the `scope by` that applies"
    };
    let suggestion = if by.mode == ast::ScopeMode::TagAndName {
        "`scope by name`"
    } else {
        "`scope by name` (or no `scope by`: the name where no tag applies)"
    };
    let (mode, on) = (by.mode.as_str(), &name.node);
    let (code, message, label, note) = if some_tagged {
        (
            Code::W0130,
            format!("`scope by {mode}` leaves out actions on `{on}` that no tag condition can bound"),
            format!("`{first}`{more} not granted"),
            "their resource types take no `aws:ResourceTag` condition, so a tag condition would never match; the other actions are granted under the tag",
        )
    } else {
        (
            Code::E0130,
            format!("`scope by {mode}` cannot bound `{on}`: its resource types take no tag condition"),
            format!("`{first}`{more} cannot be bounded by tag"),
            "no AWS action of this grant takes an `aws:ResourceTag` condition on these resources, so nothing on its resources would be granted",
        )
    };
    let d = Diagnostic::new(code, name.span, message)
        .label(label)
        .note(note);
    d.with_secondary(by.span, whose)
        .with_secondary(g.span, "granted here")
        .help(format!("bound it by name instead: {suggestion}"))
}

/// E0131: `scope by name` (from the level or the deployment) on a store without a
/// `name`, or an engine, in a deployment without a `name_prefix`.
fn unnamed(g: &ast::AbstractGrant, name: &ast::Name, by: ast::ScopeBy) -> Diagnostic {
    Diagnostic::new(
        Code::E0131,
        name.span,
        format!(
            "`scope by {}` but `{}` has no name",
            by.mode.as_str(),
            name.node
        ),
    )
    .label("no name pattern bounds its ARNs")
    .with_secondary(by.span, "bounds by name")
    .with_secondary(g.span, "granted here")
    .help(match g.target.node {
        TargetKind::Store => {
            "give the store a `name \"PATTERN\"` or the deployment a `name_prefix`"
        }
        TargetKind::Engine => "give the deployment a `name_prefix`",
    })
}

/// E0417: a scoped level's abstract grant whose writes nothing bounds: no managed
/// tag covers them, and neither the store nor the deployment names a pattern.
fn unbounded_writes(
    g: &ast::AbstractGrant,
    name: &ast::Name,
    actions: &BTreeSet<String>,
    first: &str,
    has_tag: bool,
) -> Diagnostic {
    let why = if has_tag {
        "their resource types take no tag condition"
    } else {
        "the deployment has no `managed_tag`"
    };
    let more = match actions.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Diagnostic::new(
        Code::E0417,
        name.span,
        format!("nothing scopes the writes of `{}` in a scoped level", name.node),
    )
    .label(format!("`{first}`{more} would apply to every resource"))
    .with_secondary(g.span, "granted here")
    .note(format!("a scoped level bounds each write by the managed tag, the tag in the request, or a name; here {why}, and neither the store nor the deployment gives a name"))
    .help(match g.target.node {
        TargetKind::Store => "give the store a `name \"PATTERN\"`, the deployment a `name_prefix` (or a `managed_tag`), or make the level `unscoped \"REASON\"`",
        TargetKind::Engine => "give the deployment a `name_prefix` (or a `managed_tag`), or make the level `unscoped \"REASON\"`",
    })
}

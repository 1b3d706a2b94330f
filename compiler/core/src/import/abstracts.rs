//! Statements that equal what an abstract grant writes. The standard library's store
//! kinds are compiled once, one access level per kind, level and scope, with the
//! imported deployment's managed tag and a stand-in name prefix; a level's statements
//! that hold every statement one such grant writes (Sids aside) are reported (W1006),
//! and with `--abstract` replaced by the grant (`read store s3_1`) and its store.

use super::{Desc, Statement};
use crate::diag::{Code, Diagnostic};
use crate::pipeline::Options;
use std::collections::{BTreeMap, BTreeSet};

/// Stands for the deployment's name prefix in the candidates' ARNs.
const PREFIX: &str = "engcprefixz";
const LEVELS: &[&str] = &["manage", "write", "read", "list", "tag", "permissions"];

/// A statement without its Sid, in a comparable form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Shape {
    allow: bool,
    not_action: bool,
    actions: BTreeSet<String>,
    not_resource: bool,
    resources: BTreeSet<String>,
    conditions: BTreeSet<(String, String, BTreeSet<String>)>,
}

fn shape(s: &Statement) -> Shape {
    Shape {
        allow: s.allow,
        not_action: s.not_action,
        actions: s.actions.iter().map(|a| a.to_ascii_lowercase()).collect(),
        not_resource: s.not_resource,
        resources: s
            .resources
            .clone()
            .unwrap_or_else(|| vec!["*".into()])
            .into_iter()
            .collect(),
        conditions: s
            .conditions
            .iter()
            .map(|(o, k, v)| (o.clone(), k.clone(), v.iter().cloned().collect()))
            .collect(),
    }
}

struct Candidate {
    kind: String,
    level: &'static str,
    unscoped: bool,
    shapes: Vec<Shape>,
    /// Other kinds whose grant writes the same.
    also: Vec<String>,
}

/// The store kinds with an AWS section, from the standard library's text.
fn aws_store_kinds() -> Vec<String> {
    let mut kinds = Vec::new();
    for (_, text) in crate::stdlib::FILES {
        let mut current: Option<String> = None;
        for line in text.lines() {
            let l = line.trim_start();
            if let Some(rest) = l.strip_prefix("kind ") {
                current = rest
                    .strip_prefix("store ")
                    .and_then(|r| r.split_whitespace().next())
                    .map(str::to_string);
            } else if l.starts_with("aws {") || l == "aws{" {
                if let Some(k) = current.take() {
                    kinds.push(k);
                }
            }
        }
    }
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Compiles every (kind, level, scope) grant once; the statements each writes.
fn candidates(tag: Option<&(String, String)>, scopes: &BTreeSet<bool>) -> Vec<Candidate> {
    use std::fmt::Write;
    let kinds = aws_store_kinds();
    let mut src = String::from("deployment candidates {\n  clouds aws\n");
    if let Some((k, v)) = tag {
        let _ = writeln!(
            src,
            "  managed_tag {} = {}",
            super::emit::q(k),
            super::emit::q(v)
        );
    }
    let _ = writeln!(src, "  name_prefix \"{PREFIX}\"\n}}");
    let mut names = BTreeMap::new();
    for (i, kind) in kinds.iter().enumerate() {
        let _ = writeln!(src, "store s{i}: {kind}");
        for (j, level) in LEVELS.iter().enumerate() {
            for &unscoped in scopes {
                let name = format!("a{i}x{j}x{}", unscoped as u8);
                let scope = if unscoped { "unscoped \"x\"" } else { "scoped" };
                let _ = writeln!(src, "access {name} {scope} {{ {level} store s{i} }}");
                names.insert(name, (kind.clone(), *level, unscoped));
            }
        }
    }
    let options = Options {
        outputs: Some([crate::backend::Target::Aws].into_iter().collect()),
        ..Options::default()
    };
    let c = crate::compile_str("<candidates>", &src, &options);
    let mut by_access: BTreeMap<String, Vec<Shape>> = BTreeMap::new();
    for f in &c.outputs {
        let Some(access) = f.access.clone() else {
            continue;
        };
        if f.kind != crate::backend::kind::POLICY {
            continue;
        }
        let Ok(doc) = super::tree::parse_json(crate::source::FileId(0), &f.contents) else {
            continue;
        };
        let mut ctx = super::Ctx {
            desc: Desc::default(),
            diags: Vec::new(),
            opts: super::ImportOptions::default(),
            trust_owner: BTreeMap::new(),
        };
        super::aws::policy(&mut ctx, "x.policy.json", &doc, None, "x");
        let shapes = ctx
            .desc
            .accesses
            .values()
            .flat_map(|a| a.aws.iter().map(shape))
            .collect::<Vec<_>>();
        by_access.entry(access).or_default().extend(shapes);
    }
    by_access
        .into_iter()
        .filter_map(|(a, shapes)| {
            let (kind, level, unscoped) = names.get(&a)?.clone();
            Some(Candidate {
                kind,
                level,
                unscoped,
                shapes,
                also: Vec::new(),
            })
        })
        .filter(|c| !c.shapes.is_empty())
        .collect()
}

/// The prefix that makes the candidate's shape `want` equal to `got`, if one does
/// (`""` when the shape names no prefix).
fn matches(want: &Shape, got: &Shape, prefix: &mut Option<String>) -> bool {
    if (
        want.allow,
        want.not_action,
        &want.actions,
        want.not_resource,
        &want.conditions,
    ) != (
        got.allow,
        got.not_action,
        &got.actions,
        got.not_resource,
        &got.conditions,
    ) || want.resources.len() != got.resources.len()
    {
        return false;
    }
    let mut found: Option<String> = prefix.clone();
    // Resources are sorted, and the prefix is the same in each: try each pairing in order.
    for (w, g) in want.resources.iter().zip(&got.resources) {
        match w.split_once(PREFIX) {
            None if w == g => {}
            None => return false,
            Some((a, b)) => {
                if !(g.starts_with(a) && g.ends_with(b) && g.len() >= a.len() + b.len()) {
                    return false;
                }
                let p = &g[a.len()..g.len() - b.len()];
                match &found {
                    Some(f) if f != p => return false,
                    _ => found = Some(p.to_string()),
                }
            }
        }
    }
    *prefix = found;
    true
}

/// Reports (and with `write`, replaces) the statements of each level that an abstract
/// grant writes.
pub fn find(desc: &mut Desc, write: bool) {
    if desc.accesses.values().all(|a| a.aws.is_empty()) {
        return;
    }
    let tag = desc.managed_tag.clone();
    let scopes: BTreeSet<bool> = desc
        .accesses
        .values()
        .map(|a| a.unscoped.is_some())
        .collect();
    // Kinds whose grants write the same statements (`bucket` and `s3` on AWS) are one
    // candidate, named by the first with the others in the hint.
    let mut cands: Vec<Candidate> = Vec::new();
    for c in candidates(tag.as_ref(), &scopes) {
        match cands
            .iter_mut()
            .find(|d| d.level == c.level && d.unscoped == c.unscoped && d.shapes == c.shapes)
        {
            Some(d) => d.also.push(c.kind),
            None => cands.push(c),
        }
    }
    // Larger grants first: `manage` covers what `read` would claim.
    cands.sort_by_key(|c| std::cmp::Reverse(c.shapes.len()));
    let mut prefix_all: Option<String> = None;
    let mut counter: BTreeMap<String, usize> = BTreeMap::new();
    for (name, access) in desc.accesses.iter_mut() {
        let shapes: Vec<Shape> = access.aws.iter().map(shape).collect();
        let mut used = vec![false; shapes.len()];
        let mut remove = BTreeSet::new();
        for c in cands
            .iter()
            .filter(|c| c.unscoped == access.unscoped.is_some())
        {
            let mut prefix = prefix_all.clone();
            let mut picked = Vec::new();
            for want in &c.shapes {
                let hit = (0..shapes.len()).find(|&i| {
                    !used[i] && !picked.contains(&i) && matches(want, &shapes[i], &mut prefix)
                });
                match hit {
                    Some(i) => picked.push(i),
                    None => break,
                }
            }
            if picked.len() != c.shapes.len() {
                continue;
            }
            for &i in &picked {
                used[i] = true;
            }
            let n = counter.entry(c.kind.clone()).or_default();
            *n += 1;
            let store = format!("{}_{}", c.kind, n);
            let sids: Vec<String> = picked
                .iter()
                .map(|&i| {
                    access.aws[i]
                        .sid
                        .clone()
                        .unwrap_or_else(|| format!("#{}", i + 1))
                })
                .collect();
            let first = access.aws[picked[0]].span;
            let mut d = Diagnostic::new(
                Code::W1006,
                first,
                format!(
                    "the statements {} of `{name}` are what `{} store {store}` writes for a `{}` store{}",
                    sids.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
                    c.level,
                    c.kind,
                    if c.also.is_empty() {
                        String::new()
                    } else {
                        format!(" (or {})", c.also.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                    }
                ),
            )
            .label("an abstract grant writes this");
            if !write {
                d = d.help(
                    "`engc import --abstract` writes the abstract grant and the store instead",
                );
            }
            desc.hints.push(d);
            if write {
                prefix_all = prefix.filter(|p| !p.is_empty()).or(prefix_all);
                remove.extend(picked);
                access
                    .abstract_lines
                    .push(format!("{} store {store}", c.level));
                access
                    .abstract_decls
                    .push(format!("store {store}: {}", c.kind));
            }
        }
        let mut i = 0;
        access.aws.retain(|_| {
            i += 1;
            !remove.contains(&(i - 1))
        });
    }
    if write {
        desc.name_prefix = prefix_all;
    }
}

//! AWS action sets, exact: each pattern stands for the catalog actions it matches, so
//! `s3:Get*` and `s3:GetObject` compare as the sets they are. Whole services come back
//! as `s3:*` (and the whole catalog as `*`) only when the set holds every action.

use super::facts::{AwsEntry, AwsKey, Levels};
use crate::catalog::{aws, glob_match, glob_match_by};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// One concrete action: (service prefix, action name), as the catalog spells them; an
/// action the catalog lacks is kept as written, in lowercase.
pub type Act = (Cow<'static, str>, Cow<'static, str>);

pub fn full(a: &Act) -> String {
    format!("{}:{}", a.0, a.1)
}

/// The actions a pattern matches; the pattern itself when the catalog has none.
fn expand_pattern(pattern: &str, out: &mut BTreeSet<Act>) {
    let cat = aws::catalog();
    let found = cat.matching(pattern);
    if found.is_empty() {
        let lower = pattern.to_ascii_lowercase();
        let (s, n) = lower.split_once(':').unwrap_or(("*", lower.as_str()));
        out.insert((Cow::Owned(s.to_string()), Cow::Owned(n.to_string())));
        return;
    }
    for (svc, action) in found {
        out.insert((
            Cow::Borrowed(svc.prefix.as_str()),
            Cow::Borrowed(action.name.as_str()),
        ));
    }
}

/// Every action an entry grants (or denies) on its key.
pub fn expand(entry: &AwsEntry) -> BTreeSet<Act> {
    let mut out = BTreeSet::new();
    for p in entry.patterns.keys() {
        expand_pattern(p, &mut out);
    }
    for excluded in entry.not_actions.keys() {
        out.extend(
            all()
                .iter()
                .filter(|a| !matches_any(excluded.iter(), a))
                .cloned(),
        );
    }
    out
}

/// Every action of the catalog, listed once.
fn all() -> &'static [Act] {
    static ALL: std::sync::OnceLock<Vec<Act>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = BTreeSet::new();
        expand_pattern("*", &mut out);
        out.into_iter().collect()
    })
}

fn matches_any<'a>(mut patterns: impl Iterator<Item = &'a String>, a: &Act) -> bool {
    let name = full(a);
    patterns.any(|p| glob_match(p, &name))
}

/// Whether the entry grants (or denies) action `a`.
pub fn holds(entry: &AwsEntry, a: &Act) -> bool {
    matches_any(entry.patterns.keys(), a)
        || entry
            .not_actions
            .keys()
            .any(|excluded| !matches_any(excluded.iter(), a))
}

/// Whether `wide` reaches at least every request `narrow` reaches: same effect, a
/// resource pattern that covers the other's, and conditions that are a subset of the
/// other's (fewer conditions, more requests).
pub fn covers(wide: &AwsKey, narrow: &AwsKey) -> bool {
    wide.allow == narrow.allow
        && wide.not_resource == narrow.not_resource
        && resource_covers(wide, narrow)
        && wide
            .conditions
            .iter()
            .all(|c| narrow.conditions.contains(c))
}

fn resource_covers(wide: &AwsKey, narrow: &AwsKey) -> bool {
    if wide.resource == narrow.resource {
        return true;
    }
    if wide.not_resource {
        // Every resource but W covers every resource but N only when N covers W.
        return false;
    }
    // A `*` of the narrow pattern is a literal here: only a `*` of the wide one can
    // stand for it, so coverage holds for every string the narrow one matches.
    glob_match_by(&wide.resource, &narrow.resource, |p, t| {
        (p == '?' && t != '*') || p == t
    })
}

/// The levels of an entry's statements that grant one of `acts`.
pub fn levels_of(entry: &AwsEntry, acts: &BTreeSet<Act>) -> Levels {
    let mut out = Levels::new();
    for (p, levels) in &entry.patterns {
        if acts.iter().any(|a| glob_match(p, &full(a))) {
            out.extend(levels.iter().cloned());
        }
    }
    for (excluded, levels) in &entry.not_actions {
        if acts.iter().any(|a| !matches_any(excluded.iter(), a)) {
            out.extend(levels.iter().cloned());
        }
    }
    out
}

/// The set as few names as say it exactly, with the number of actions: `s3:*` for a
/// whole service, `*` for the whole catalog, a wildcard the source wrote when the set
/// holds all its actions (`s3:Get*`) or all but a few (`s3:Get* except s3:GetObject`),
/// else each action.
pub fn compress<'a>(
    acts: &BTreeSet<Act>,
    written: impl Iterator<Item = &'a String>,
) -> (Vec<String>, usize) {
    let cat = aws::catalog();
    let mut rest = acts.clone();
    let mut names = Vec::new();
    let mut by_service: BTreeMap<&str, Vec<&Act>> = BTreeMap::new();
    for a in acts {
        by_service.entry(a.0.as_ref()).or_default().push(a);
    }
    let mut whole = 0;
    for (svc, list) in &by_service {
        let known = list
            .iter()
            .filter(|a| matches!(a.1, Cow::Borrowed(_)))
            .count();
        if cat.service(svc).is_some_and(|s| known == s.actions.len()) {
            whole += 1;
            names.push(format!("{svc}:*"));
            rest.retain(|a| a.0 != *svc || matches!(a.1, Cow::Owned(_)));
        }
    }
    if whole > 0 && whole == cat.services().count() && rest.is_empty() {
        return (vec!["*".to_string()], acts.len());
    }
    let mut wildcards: Vec<(&String, BTreeSet<Act>)> = written
        .filter(|p| p.contains(['*', '?']) && !p.ends_with(":*") && p.as_str() != "*")
        .map(|p| {
            let mut m = BTreeSet::new();
            expand_pattern(p, &mut m);
            (p, m)
        })
        .collect();
    wildcards.sort_by_key(|(p, m)| (std::cmp::Reverse(m.len()), *p));
    for (p, m) in wildcards {
        if m.iter().all(|a| !rest.contains(a)) {
            continue;
        }
        let missing: Vec<String> = m.difference(acts).map(full).collect();
        let held = m.len() - missing.len();
        if missing.is_empty() {
            names.push(p.clone());
        } else if missing.len() <= 5 && held >= 2 * missing.len() {
            names.push(format!("{p} except {}", missing.join(", ")));
        } else {
            continue;
        }
        rest.retain(|a| !m.contains(a));
    }
    names.extend(rest.iter().map(full));
    names.sort();
    (names, acts.len())
}

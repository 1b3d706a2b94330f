//! Effective access one principal at a time: [`super::effective`] holds every
//! principal's grants at once, which on 10,000 access levels was the peak of memory of
//! `engc check`.

use super::{effective, gather, impersonators, key_of, Principal};
use crate::model::{Access, Model};
use crate::resolve::decls::Decls;
use std::collections::{BTreeMap, HashMap};

/// Calls `f` with each principal of [`effective`], in its order and equal to it, each
/// built from its own access levels alone and dropped before the next is built. A
/// binding that names other members gives them grants from a level not their own, so
/// when any level has one, this is [`effective`] itself.
pub fn each_effective(decls: &Decls, model: &Model, mut f: impl FnMut(Principal)) {
    if model.accesses.iter().any(|a| binds_others(a)) {
        effective(decls, model).into_iter().for_each(f);
        return;
    }
    // The levels by principal, in the order of their keys: sorted stably (each
    // principal's levels in the model's order) and taken in runs, where a map keyed
    // by name was searched at each level (the 10,000 levels: 690,000 comparisons).
    let mut levels: Vec<(String, &Access)> =
        model.accesses.iter().map(|a| (key_of(a), &**a)).collect();
    levels.sort_by(|a, b| a.0.cmp(&b.0));
    let mut declared: HashMap<&str, Vec<&crate::model::Principal>> = HashMap::new();
    for p in &model.principals {
        declared.entry(p.name.as_str()).or_default().push(p);
    }
    for run in levels.chunk_by(|a, b| a.0 == b.0) {
        let key = &run[0].0;
        let mut one = BTreeMap::new();
        gather(decls, run.iter().map(|(_, a)| *a), &|_| true, &mut one);
        let named = declared.get(key.as_str()).into_iter().flatten().copied();
        impersonators(decls, named, &mut one);
        // Its own levels give grants to no one else: `one` holds this principal alone
        // (or nothing, when no level of it is declared).
        one.into_values().for_each(&mut f);
    }
}

/// Whether a binding of the level names members other than the level's own identity.
fn binds_others(a: &Access) -> bool {
    let b = &a.bindings;
    b.gcp.iter().any(|g| !g.own) || b.azure.iter().any(|z| !z.own) || b.k8s.iter().any(|k| !k.own)
}

#[cfg(test)]
mod tests {
    /// On every example and test case, principal by principal, the same as
    /// [`super::effective`] gives at once.
    #[test]
    fn one_by_one_equals_all_at_once() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let mut files = Vec::new();
        for dir in ["examples", "tests/cases"] {
            for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = e.unwrap().path();
                if path.extension().is_some_and(|x| x == "eng") {
                    files.push(path);
                }
            }
        }
        let mut compared = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // E0003's case is not UTF-8
            };
            let options = crate::Options::default();
            let c = crate::compile_str(&path.display().to_string(), &text, &options);
            let Some(model) = &c.model else { continue };
            let x = c.expanded(&options);
            let decls = x.decls(&c.stdlib);
            let all = super::effective(&decls, model);
            let mut each = Vec::new();
            super::each_effective(&decls, model, |p| each.push(p));
            assert_eq!(
                format!("{all:?}"),
                format!("{each:?}"),
                "{}",
                path.display()
            );
            if !model.accesses.iter().any(|a| super::binds_others(a)) {
                compared += all.len();
            }
        }
        assert!(compared > 100, "principals built one by one: {compared}");
    }
}

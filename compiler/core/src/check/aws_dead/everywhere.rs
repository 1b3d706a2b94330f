//! The actions a level grants on `*` without a condition, indexed once per level so
//! that asking about one action costs the same however many statements the level has
//! (a list scanned for every action of every statement made a level of thousands of
//! statements quadratic). Grouped by service; in a group, written names (no wildcard)
//! are in a set compared without regard to ASCII case, as IAM compares them, and each
//! distinct pattern is in a list.

use crate::catalog::glob_match;
use crate::fast_hash::Fast;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// [`Caseless`] already folds a name into one word: the standard SipHash on top of it
/// would cost more than the rest of the lookup.
type Folded = Fast;

#[derive(Default)]
pub(super) struct Everywhere<'a> {
    /// By the service part when it is a plain name.
    services: HashMap<Caseless<'a>, Actions<'a>, Folded>,
    /// (service pattern, action pattern), when the service part has a wildcard.
    wild: Vec<(&'a str, &'a str)>,
}

/// The action parts granted on `*` for one service.
#[derive(Default)]
struct Actions<'a> {
    names: HashSet<Caseless<'a>, Folded>,
    patterns: Vec<&'a str>,
}

impl<'a> Actions<'a> {
    fn add(&mut self, a: &'a str) {
        if plain(a) {
            self.names.insert(Caseless(a));
        } else if !self.patterns.contains(&a) {
            self.patterns.push(a);
        }
    }

    fn covers(&self, action: &str) -> bool {
        (!self.names.is_empty() && self.names.contains(&Caseless(action)))
            || self.patterns.iter().any(|a| glob_match(a, action))
    }
}

/// Only plain ASCII names are compared as names: `glob_match` also folds the case of
/// other characters, and `*` and `?` are wildcards.
fn plain(x: &str) -> bool {
    x.is_ascii() && !x.contains(['*', '?'])
}

impl<'a> Everywhere<'a> {
    /// From (service, action) patterns as written (`s3`, `Get*`).
    pub(super) fn new(parts: impl Iterator<Item = (&'a str, &'a str)>) -> Everywhere<'a> {
        let mut e = Everywhere::default();
        for (s, a) in parts {
            if plain(s) {
                e.services.entry(Caseless(s)).or_default().add(a);
            } else if !e.wild.contains(&(s, a)) {
                e.wild.push((s, a));
            }
        }
        e
    }

    /// Whether the level grants nothing on `*` (then no hit needs asking).
    pub(super) fn is_empty(&self) -> bool {
        self.services.is_empty() && self.wild.is_empty()
    }

    /// What the level grants on `*` of the service with prefix `service`.
    pub(super) fn service(&self, service: &'a str) -> Service<'_> {
        Service {
            actions: self.services.get(&Caseless(service)),
            wild: self
                .wild
                .iter()
                .filter(|(s, _)| glob_match(s, service))
                .map(|&(_, a)| a)
                .collect(),
        }
    }
}

/// [`Everywhere`] for one service.
pub(super) struct Service<'e> {
    actions: Option<&'e Actions<'e>>,
    wild: Vec<&'e str>,
}

impl Service<'_> {
    /// Whether action `action` of the service is granted on `*`.
    pub(super) fn covers(&self, action: &str) -> bool {
        self.actions.is_some_and(|a| a.covers(action))
            || self.wild.iter().any(|a| glob_match(a, action))
    }
}

/// A name that equals another when they differ only in ASCII case.
#[derive(Clone, Copy)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.0.eq_ignore_ascii_case(o.0)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // (One word for the hasher rather than one call per byte.)
        let folded = self.0.bytes().fold(self.0.len() as u64, |f, b| {
            f.rotate_left(5) ^ u64::from(b.to_ascii_lowercase())
        });
        h.write_u64(folded);
    }
}

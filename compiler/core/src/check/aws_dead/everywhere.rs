//! The actions a level grants on `*` without a condition, indexed so that asking
//! about one action costs the same however many statements the level has: written
//! names (no wildcard) in a set, compared without regard to ASCII case as IAM does;
//! patterns, each distinct one once, matched one by one. (A list scanned for every
//! action of every statement made a level of 20,000 statements quadratic.)

use crate::catalog::glob_match;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

#[derive(Default)]
pub(super) struct Everywhere<'a> {
    names: HashSet<Caseless<'a>>,
    patterns: Vec<(&'a str, &'a str)>,
}

impl<'a> Everywhere<'a> {
    /// From (service, action) patterns as written (`s3`, `Get*`).
    pub(super) fn new(parts: impl Iterator<Item = (&'a str, &'a str)>) -> Everywhere<'a> {
        let mut e = Everywhere::default();
        let mut patterns = HashSet::new();
        for (s, a) in parts {
            // Only plain ASCII names are compared as names: `glob_match` also folds the
            // case of other characters, and a wildcard is a pattern.
            let plain = |x: &str| x.is_ascii() && !x.contains(['*', '?']);
            if plain(s) && plain(a) {
                e.names.insert(Caseless(s, a));
            } else if patterns.insert(Caseless(s, a)) {
                e.patterns.push((s, a));
            }
        }
        e
    }

    /// Whether a pattern names action `action` of the service with prefix `service`.
    pub(super) fn covers(&self, service: &str, action: &str) -> bool {
        self.names.contains(&Caseless(service, action))
            || self
                .patterns
                .iter()
                .any(|(s, a)| glob_match(s, service) && glob_match(a, action))
    }
}

/// A (service, action) pair that equals another when they differ only in ASCII case.
#[derive(Clone, Copy)]
struct Caseless<'a>(&'a str, &'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.0.eq_ignore_ascii_case(o.0) && self.1.eq_ignore_ascii_case(o.1)
    }
}

impl Eq for Caseless<'_> {}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for b in self.0.bytes().chain([b':']).chain(self.1.bytes()) {
            h.write_u8(b.to_ascii_lowercase());
        }
    }
}

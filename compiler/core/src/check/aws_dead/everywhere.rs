//! The actions a level grants on `*` without a condition, indexed so that asking
//! about one action costs the same however many statements the level has: written
//! names (no wildcard) in a set, compared without regard to ASCII case as IAM does;
//! patterns, each distinct one once, matched one by one. (A list scanned for every
//! action of every statement made a level of 20,000 statements quadratic.)

use crate::catalog::glob_match;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};

#[derive(Default)]
pub(super) struct Everywhere<'a> {
    names: HashSet<Caseless<'a>, BuildHasherDefault<Word>>,
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
        (!self.names.is_empty() && self.names.contains(&Caseless(service, action)))
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
        // Folded here into one word: a byte at a time through SipHash cost more than
        // the rest of the dead-grant check on the Chalk example.
        let mut x: u64 = 0;
        for b in self.0.bytes().chain([b':']).chain(self.1.bytes()) {
            x = (x.rotate_left(5) ^ u64::from(b.to_ascii_lowercase()))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        h.write_u64(x);
    }
}

/// Takes the word [`Caseless`] folded as the hash, as it is.
#[derive(Default)]
struct Word(u64);

impl Hasher for Word {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

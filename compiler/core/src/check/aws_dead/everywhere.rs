//! The actions a level grants on `*` without a condition, indexed once per level so
//! that asking about one action costs the same however many statements the level has
//! (a list scanned for every action of every statement made a level of thousands of
//! statements quadratic). Grouped by service; in a group, written names (no wildcard)
//! are in a set compared without regard to ASCII case, as IAM compares them, and each
//! distinct pattern is in a list.

use super::RangeHasher;
use crate::catalog::glob_match;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// [`Caseless`] already folds a name into one word: the standard SipHash on top of it
/// would cost more than the rest of the lookup.
type Folded = BuildHasherDefault<RangeHasher>;

#[derive(Default)]
pub(super) struct Everywhere<'a> {
    /// By the service part when it is a plain name.
    services: HashMap<Caseless<'a>, Actions<'a>, Folded>,
    /// (service pattern, action pattern), when the service part has a wildcard.
    wild: Vec<(&'a str, Pattern<'a>)>,
}

/// The action parts granted on `*` for one service.
#[derive(Default)]
struct Actions<'a> {
    names: HashSet<Caseless<'a>, Folded>,
    patterns: Vec<Pattern<'a>>,
}

impl<'a> Actions<'a> {
    fn add(&mut self, a: &'a str) {
        if plain(a) {
            self.names.insert(Caseless(a));
        } else if !self.patterns.iter().any(|p| p.whole == a) {
            self.patterns.push(Pattern::new(a));
        }
    }

    fn covers(&self, action: &str) -> bool {
        (!self.names.is_empty() && self.names.contains(&Caseless(action)))
            || self.patterns.iter().any(|p| p.matches(action))
    }
}

/// An action pattern, with the ASCII text before its first wildcard compared first:
/// most of a service's actions already differ from `Describe*` there, and `Describe*`
/// itself is answered by that comparison alone.
#[derive(Clone, Copy)]
struct Pattern<'a> {
    whole: &'a str,
    /// The literal beginning (empty for a pattern that is not ASCII).
    head: &'a [u8],
    /// The pattern is `head*`.
    prefix: bool,
}

impl<'a> Pattern<'a> {
    fn new(whole: &'a str) -> Pattern<'a> {
        let n = if whole.is_ascii() {
            whole.find(['*', '?']).unwrap_or(whole.len())
        } else {
            0
        };
        Pattern {
            whole,
            head: &whole.as_bytes()[..n],
            prefix: n > 0 && &whole[n..] == "*",
        }
    }

    /// [`glob_match`] of the pattern: an ASCII pattern character matches only the same
    /// character in either ASCII case, so the head must begin the text.
    fn matches(&self, text: &str) -> bool {
        let t = text.as_bytes();
        if t.len() < self.head.len() || !t[..self.head.len()].eq_ignore_ascii_case(self.head) {
            return false;
        }
        self.prefix || glob_match(self.whole, text)
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
            } else if !e.wild.iter().any(|&(ws, wa)| ws == s && wa.whole == a) {
                e.wild.push((s, Pattern::new(a)));
            }
        }
        e
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
    wild: Vec<Pattern<'e>>,
}

impl Service<'_> {
    /// Whether action `action` of the service is granted on `*`.
    pub(super) fn covers(&self, action: &str) -> bool {
        self.actions.is_some_and(|a| a.covers(action))
            || self.wild.iter().any(|a| a.matches(action))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern matches what `glob_match` matches, its head checked first or not.
    #[test]
    fn pattern_is_the_glob() {
        let patterns = [
            "Describe*",
            "describe*",
            "Get*Policy",
            "Get?",
            "*",
            "*Tag*",
            "List",
            "Ké*",
            "K*",
            "Describe*s",
        ];
        let texts = [
            "DescribeInstances",
            "describe",
            "Describ",
            "GetPolicy",
            "GetRolePolicy",
            "Get",
            "GetX",
            "ListTags",
            "List",
            "",
            "Kélvin",
            "\u{212a}elvin",
            "Describes",
        ];
        for p in patterns {
            let pattern = Pattern::new(p);
            for t in texts {
                assert_eq!(pattern.matches(t), glob_match(p, t), "{p} {t}");
            }
        }
        assert!(Pattern::new("Describe*").prefix);
        assert!(!Pattern::new("Get*Policy").prefix);
        assert!(!Pattern::new("*").prefix);
    }
}

//! The proof's building blocks: whether one glob covers another, lists and their
//! complements (`Set`), patterns indexed by their literal head (`Index`), and whether
//! one set of IAM conditions implies another.

use crate::catalog::is_pattern;
use crate::model::AwsStatement;
use std::collections::BTreeMap;

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

fn chars_eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && a.eq_ignore_ascii_case(&b))
}

/// Whether the glob `outer` matches every string the glob `inner` matches. `*` in
/// `outer` matches any run of `inner` (wildcards included); `?` in `outer` matches one
/// character of `inner` other than `*`; a literal matches only the same literal. `ci`:
/// ignore ASCII case (IAM actions, Azure operations).
pub(super) fn covers(outer: &str, inner: &str, ci: bool) -> bool {
    crate::catalog::glob_match_by(outer, inner, |p, t| {
        if p == '?' {
            t != '*'
        } else {
            !is_wild(t) && chars_eq(p, t, ci)
        }
    })
}

/// Whether no string matches both globs, when that is evident: one of them has no
/// wildcard and the other does not match it, or their literal beginnings (or endings)
/// differ. False means they may overlap.
pub(super) fn disjoint(a: &str, b: &str, ci: bool) -> bool {
    if !is_pattern(a) {
        return !covers(b, a, ci);
    }
    if !is_pattern(b) {
        return !covers(a, b, ci);
    }
    let differ = |x: &mut dyn Iterator<Item = char>, y: &mut dyn Iterator<Item = char>| {
        x.take_while(|c| !is_wild(*c))
            .zip(y.take_while(|c| !is_wild(*c)))
            .any(|(p, q)| !chars_eq(p, q, ci))
    };
    differ(&mut a.chars(), &mut b.chars()) || differ(&mut a.chars().rev(), &mut b.chars().rev())
}

/// A list of actions or resources, or everything but a list (`NotAction`, `NotResource`).
#[derive(Clone, Copy)]
pub(super) enum Set<'a> {
    In(&'a [String]),
    NotIn(&'a [String]),
}

impl<'a> Set<'a> {
    pub(super) fn actions(st: &'a AwsStatement) -> Set<'a> {
        if st.not_action {
            Set::NotIn(&st.actions)
        } else {
            Set::In(&st.actions)
        }
    }

    pub(super) fn resources(st: &'a AwsStatement) -> Set<'a> {
        if st.not_resource {
            Set::NotIn(&st.resources)
        } else {
            Set::In(&st.resources)
        }
    }

    /// Whether `self` holds everything `inner` holds.
    pub(super) fn covers(self, inner: Set, ci: bool) -> bool {
        match (self, inner) {
            (Set::In(o), Set::In(i)) => i.iter().all(|x| o.iter().any(|p| covers(p, x, ci))),
            // Everything but `o` holds everything but `i` when `i` excludes all of `o`.
            (Set::NotIn(o), Set::NotIn(i)) => o.iter().all(|x| i.iter().any(|p| covers(p, x, ci))),
            (Set::NotIn(o), Set::In(i)) => i.iter().all(|x| o.iter().all(|n| disjoint(n, x, ci))),
            (Set::In(o), Set::NotIn(_)) => o
                .iter()
                .any(|p| !p.is_empty() && p.chars().all(|c| c == '*')),
        }
    }

    /// Whether `self` and `other` may have something in common.
    pub(super) fn overlaps(self, other: Set, ci: bool) -> bool {
        match (self, other) {
            (Set::In(a), Set::In(b)) => a.iter().any(|p| b.iter().any(|q| !disjoint(p, q, ci))),
            (Set::NotIn(n), Set::In(b)) | (Set::In(b), Set::NotIn(n)) => {
                b.iter().any(|q| !n.iter().any(|p| covers(p, q, ci)))
            }
            (Set::NotIn(_), Set::NotIn(_)) => true,
        }
    }

    pub(super) fn describe(self, every: &str) -> String {
        match self {
            Set::In(list) => ticks(list),
            Set::NotIn(list) => format!("{every} except {}", ticks(list)),
        }
    }
}

pub(super) fn ticks(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Whether every request that meets `inner` meets `outer` as well (so a grant under
/// `outer` covers one under `inner`). Each outer condition must be matched by an inner
/// condition on the same key and operator (an outer `...IfExists` also by the operator
/// without it) whose values are at least as narrow.
pub(super) fn conditions_imply(inner: &Conditions, outer: &Conditions) -> bool {
    outer.iter().all(|(op, keys)| {
        keys.iter().all(|(key, values)| {
            inner.iter().any(|(iop, ikeys)| {
                (iop == op || op.strip_suffix("IfExists") == Some(iop.as_str()))
                    && ikeys.iter().any(|(ik, iv)| {
                        ik.eq_ignore_ascii_case(key) && values_narrower(op, iv, values)
                    })
            })
        })
    })
}

/// Whether condition values `inner` are at least as narrow as `outer` under `op`.
fn values_narrower(op: &str, inner: &[String], outer: &[String]) -> bool {
    if inner == outer {
        return true;
    }
    let base = op
        .trim_start_matches("ForAllValues:")
        .trim_start_matches("ForAnyValue:");
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    let subset = |small: &[String], big: &[String], ci: bool, glob: bool| {
        small.iter().all(|v| {
            big.iter().any(|b| {
                if glob {
                    covers(b, v, ci)
                } else if ci {
                    b.eq_ignore_ascii_case(v)
                } else {
                    b == v
                }
            })
        })
    };
    match base {
        // Any of the values: fewer values are narrower.
        "StringEquals" | "ArnEquals" | "IpAddress" => subset(inner, outer, false, false),
        "StringEqualsIgnoreCase" => subset(inner, outer, true, false),
        "StringLike" | "ArnLike" => subset(inner, outer, false, true),
        // None of the values: more values are narrower.
        "StringNotEquals" | "ArnNotEquals" | "NotIpAddress" => subset(outer, inner, false, false),
        "StringNotEqualsIgnoreCase" => subset(outer, inner, true, false),
        "StringNotLike" | "ArnNotLike" => subset(outer, inner, false, true),
        _ => false,
    }
}

/// Patterns indexed for "which of these may cover X": exact names by their lower-case
/// form, patterns with a literal head (the part before `sep`: an AWS service prefix, an
/// Azure provider) under that head, the rest (`*`, `*:Get*`) in one list.
pub(super) struct Index<T> {
    exact: BTreeMap<String, Vec<T>>,
    by_head: BTreeMap<String, Vec<(String, T)>>,
    global: Vec<(String, T)>,
    sep: char,
}

impl<T: Copy> Index<T> {
    pub(super) fn new(sep: char) -> Self {
        Index {
            exact: BTreeMap::new(),
            by_head: BTreeMap::new(),
            global: Vec::new(),
            sep,
        }
    }

    fn head(&self, s: &str) -> Option<String> {
        let head = s.split(self.sep).next().unwrap_or(s);
        (!is_pattern(head)).then(|| head.to_ascii_lowercase())
    }

    pub(super) fn insert(&mut self, pattern: &str, value: T) {
        if !is_pattern(pattern) {
            self.exact
                .entry(pattern.to_ascii_lowercase())
                .or_default()
                .push(value);
        } else if let Some(head) = self.head(pattern) {
            self.by_head
                .entry(head)
                .or_default()
                .push((pattern.to_string(), value));
        } else {
            self.global.push((pattern.to_string(), value));
        }
    }

    /// The values of the patterns that cover `x` (case-insensitively).
    pub(super) fn covering(&self, x: &str) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        if let Some(v) = self.exact.get(&x.to_ascii_lowercase()) {
            out.extend(v.iter().copied());
        }
        let head = self.head(x).and_then(|h| self.by_head.get(&h));
        for (p, v) in head.into_iter().flatten().chain(self.global.iter()) {
            if covers(p, x, true) {
                out.push(*v);
            }
        }
        out
    }
}

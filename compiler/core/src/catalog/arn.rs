//! ARN patterns against the catalog's ARN formats: can a written resource
//! (`arn:aws:ec2:${region}:*:volume/*`) name a resource of a type whose format is
//! `arn:${Partition}:ec2:${Region}:${Account}:volume/${VolumeId}`?
//!
//! Both sides are patterns: `*` (any run) and `?` (one character) in the written one,
//! `${Var}` in both (a parameter not yet filled, or the format's variable part), so the
//! question is whether two patterns share a string. Compared with case, as IAM compares
//! resource ARNs.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Any,
    One,
    Char(char),
}

fn tokens(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("${") {
            if let Some(end) = r.bytes().position(|b| b == b'}') {
                if out.last() != Some(&Tok::Any) {
                    out.push(Tok::Any);
                }
                rest = &r[end + 1..];
                continue;
            }
        }
        match c {
            '*' if out.last() == Some(&Tok::Any) => {}
            '*' => out.push(Tok::Any),
            '?' => out.push(Tok::One),
            c => out.push(Tok::Char(c)),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Whether some string matches both patterns. Linear in the product of their lengths
/// (both are ARNs: a few dozen characters), with no recursion.
pub fn meets(a: &str, b: &str) -> bool {
    // Most fields compared are plain text on both sides (`arn`, `ec2`), or a whole
    // variable or run on one side (`${Region}`, `*`): answered without building tokens.
    // By bytes: a char searcher per call costs more than these short fields.
    let any = |s: &str| {
        s == "*" || (s.starts_with("${") && s.bytes().position(|b| b == b'}') == Some(s.len() - 1))
    };
    // Equal patterns share what either matches (every pattern matches some string):
    // `arn` and the service field, on most comparisons.
    if a == b || any(a) || any(b) {
        return true;
    }
    // Text before the first and after the last wildcard must agree character for
    // character: most formats are told apart there (`volume/` against `instance/`),
    // before any tokens are built.
    let Some((a, b)) = literal_ends(a, b) else {
        return false;
    };
    // What is left is often one run or variable on a side (`chalk*` against
    // `${TableName}`): it takes whatever the other side makes there. Two different
    // plain texts (they differ, or they would have been equal whole) share nothing.
    let plain = |s: &str| !s.bytes().any(|b| matches!(b, b'*' | b'?' | b'$'));
    if any(a) || any(b) {
        return true;
    }
    if plain(a) && plain(b) {
        return false;
    }
    shared(a, b)
}

/// [`meets`] by tokens, with no shortcut.
fn shared(a: &str, b: &str) -> bool {
    let (a, b) = (tokens(a), tokens(b));
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    // (Room for a typical search without growing: each step pushes at most two.)
    let mut todo = Vec::with_capacity(2 * (n + m) + 2);
    todo.push((0usize, 0usize));
    while let Some((i, j)) = todo.pop() {
        if std::mem::replace(&mut seen[i * (m + 1) + j], true) {
            continue;
        }
        if i == n && j == m {
            return true;
        }
        let (x, y) = (a.get(i), b.get(j));
        // A run absorbs what the other side makes at this point, or ends here.
        if x == Some(&Tok::Any) {
            todo.push((i + 1, j));
            if j < m {
                todo.push((i, j + 1));
            }
        }
        if y == Some(&Tok::Any) {
            todo.push((i, j + 1));
            if i < n {
                todo.push((i + 1, j));
            }
        }
        if let (Some(&x), Some(&y)) = (x, y) {
            let one = match (x, y) {
                (Tok::Any, _) | (_, Tok::Any) => false,
                (Tok::One, _) | (_, Tok::One) => true,
                (Tok::Char(p), Tok::Char(q)) => p == q,
            };
            if one {
                todo.push((i + 1, j + 1));
            }
        }
    }
    false
}

/// The two patterns without the literal text they begin and end with, or None where
/// that text differs. `{` and `}` stop the scan too: `}` ends a `${Var}` run.
fn literal_ends<'a>(a: &'a str, b: &'a str) -> Option<(&'a str, &'a str)> {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let literal = |c: u8| !matches!(c, b'*' | b'?' | b'$' | b'{' | b'}');
    let mut i = 0;
    while i < x.len() && i < y.len() && literal(x[i]) && literal(y[i]) {
        if x[i] != y[i] {
            return None;
        }
        i += 1;
    }
    let mut j = 0;
    while j < x.len() - i && j < y.len() - i {
        let (p, q) = (x[x.len() - 1 - j], y[y.len() - 1 - j]);
        if !literal(p) || !literal(q) {
            break;
        }
        if p != q {
            return None;
        }
        j += 1;
    }
    // Both scans stop on ASCII or at an end, so these are character boundaries.
    Some((&a[i..a.len() - j], &b[i..b.len() - j]))
}

/// A pattern split once into the six fields of an ARN (when it writes all six), so
/// that comparing it with many formats does not split it again each time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub whole: &'a str,
    fields: Option<[&'a str; 6]>,
}

impl<'a> Split<'a> {
    /// As `splitn(6, ':')` when that gives six fields.
    pub fn new(whole: &'a str) -> Split<'a> {
        let mut fields = [""; 6];
        let (mut start, mut k) = (0, 0);
        // A word at a time: this runs for every format of every type a statement's
        // actions take.
        for i in crate::byte_search::positions(whole.as_bytes(), b':') {
            fields[k] = &whole[start..i];
            start = i + 1;
            k += 1;
            if k == 5 {
                break;
            }
        }
        fields[5] = &whole[start..];
        Split {
            whole,
            fields: (k == 5).then_some(fields),
        }
    }

    /// [`Split::new`] of a pattern whose first five `:` are at `colons` (as the catalog
    /// keeps them for its ARN templates).
    pub fn at(whole: &'a str, colons: [u16; 5]) -> Split<'a> {
        let c = colons.map(usize::from);
        Split {
            whole,
            fields: Some([
                &whole[..c[0]],
                &whole[c[0] + 1..c[1]],
                &whole[c[1] + 1..c[2]],
                &whole[c[2] + 1..c[3]],
                &whole[c[3] + 1..c[4]],
                &whole[c[4] + 1..],
            ]),
        }
    }

    /// The six fields, when the pattern writes all six.
    pub fn fields(&self) -> Option<[&'a str; 6]> {
        self.fields
    }

    /// The third `:`-separated field as written (the service of an ARN format).
    pub fn service_field(&self) -> Option<&'a str> {
        match self.fields {
            Some(f) => Some(f[2]),
            None => self.whole.split(':').nth(2),
        }
    }
}

/// Whether a written resource pattern can name a resource of the ARN format `template`.
/// Field by field when the pattern writes all six (a `*` in the region does not reach
/// into the resource part), else as whole strings (`arn:aws:ecr:*`, `*`).
pub fn names_type(written: &str, template: &str) -> bool {
    names_split(&Split::new(written), &Split::new(template))
}

/// [`names_type`] on patterns split beforehand.
pub fn names_split(written: &Split, template: &Split) -> bool {
    match (written.fields, template.fields) {
        // The resource part first: it tells most formats apart, where the partition,
        // region and account are nearly always variables on one side.
        (Some(w), Some(t)) => [5, 2, 0, 1, 3, 4].iter().all(|&i| meets(w[i], t[i])),
        _ => meets(written.whole, template.whole),
    }
}

/// The service field of an ARN pattern (`ec2` in `arn:aws:ec2:...`), when it is
/// written without wildcards; None for `*`, `arn:aws:*` and the like.
pub fn service(pattern: &str) -> Option<&str> {
    let s = pattern.strip_prefix("arn:")?.split(':').nth(1)?;
    (!s.contains(['*', '?', '$'])).then_some(s)
}

/// Whether the written pattern could be `*` itself (what an action that takes no
/// resource is authorized on).
pub fn covers_star(pattern: &str) -> bool {
    let p = tokens(pattern);
    let ones = p.iter().filter(|t| **t != Tok::Any).count();
    ones == 0
        || (ones == 1
            && p.iter()
                .all(|t| matches!(t, Tok::Any | Tok::One | Tok::Char('*'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOLUME: &str = "arn:${Partition}:ec2:${Region}:${Account}:volume/${VolumeId}";
    const IMAGE: &str = "arn:${Partition}:ec2:${Region}::image/${ImageId}";
    const KEY: &str = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}";

    /// The shortcuts of [`meets`] answer as the tokens do, on every pair drawn from
    /// fields built of literals, runs, single characters and variables.
    #[test]
    fn shortcuts_agree_with_tokens() {
        let parts = ["a", "b", "ab", "*", "?", "${X}", "/", "é", "$", "}"];
        let mut fields = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = fields
                .iter()
                .flat_map(|f| parts.iter().map(move |p| format!("{f}{p}")))
                .collect();
            fields.extend(longer);
        }
        fields.sort();
        fields.dedup();
        for a in &fields {
            for b in fields.iter().step_by(7) {
                assert_eq!(meets(a, b), shared(a, b), "{a:?} / {b:?}");
            }
        }
    }

    #[test]
    fn written_patterns_against_formats() {
        let meets = names_type;
        assert!(meets("arn:aws:ec2:${region}:${account_id}:*", VOLUME));
        assert!(meets("arn:aws:ec2:*:*:volume/*", VOLUME));
        assert!(meets("*", VOLUME));
        assert!(meets("arn:aws:ec2:*", VOLUME));
        assert!(!meets("arn:aws:ec2:*:*:instance/*", VOLUME));
        // An image ARN has no account.
        assert!(!meets(
            "arn:aws:ec2:us-east-1:111122223333:image/ami-1",
            IMAGE
        ));
        assert!(meets("arn:aws:ec2:us-east-1::image/ami-1", IMAGE));
        assert!(meets("arn:aws:ec2:*:*:image/*", IMAGE));
        // A KMS key ARN without `key/`.
        assert!(!meets("arn:aws:kms:us-east-1:111122223333:1234abcd", KEY));
        assert!(meets(
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
            KEY
        ));
        assert!(meets("arn:aws:kms:?s-east-1:*:key/*", KEY));
        assert!(!meets("arn:aws:elasticloadbalancing:*:*:k8s-*", "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/${LoadBalancerName}/${LoadBalancerId}"));
    }

    #[test]
    fn plain_strings_and_edges() {
        assert!(meets("", ""));
        assert!(meets("x:*", "x:y:z"));
        assert!(meets("*", ""));
        assert!(!meets("a", ""));
        assert!(meets("a*c", "ab*"));
        assert!(!meets("a*c", "b*"));
        assert!(meets("?", "x"));
        assert!(!meets("??", "x"));
        assert!(meets("${a}${b}", "xyz"));
    }

    /// Split as `splitn(6, ':')` does, and not at all with fewer than six fields.
    #[test]
    fn split_fields() {
        for s in [
            "arn:aws:s3:::b/c:d",
            "a:b:c:d:e",
            "",
            "*",
            ":::::",
            "arn:aws:ec2:*",
        ] {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            let split = Split::new(s);
            assert_eq!(
                split.fields.map(Vec::from),
                (parts.len() == 6).then_some(parts)
            );
            assert_eq!(split.service_field(), s.split(':').nth(2));
        }
    }

    #[test]
    fn service_field() {
        assert_eq!(service("arn:aws:ec2:*:*:volume/*"), Some("ec2"));
        assert_eq!(service("arn:aws:*"), None);
        assert_eq!(service("*"), None);
        assert_eq!(service("arn:aws:s3:::b"), Some("s3"));
    }

    #[test]
    fn star() {
        assert!(covers_star("*"));
        assert!(covers_star("${anything}"));
        assert!(!covers_star("arn:aws:sqs:*"));
    }
}

//! One query over the name catalogs (AWS actions, GCP permissions, Azure operations):
//! a name or a pattern gives the entry, the entries the pattern matches, or why nothing
//! was found, with a suggestion. `engc catalog`, hover and the checks all render this
//! one answer; none of them decides again, so their words agree.

/// What the three name catalogs share.
pub trait Names {
    /// One entry: `(service, action)` for AWS, a permission, an operation.
    type Entry<'c>: Copy
    where
        Self: 'c;
    /// `AWS`, `GCP`, `Azure`.
    const CLOUD: &'static str;
    /// What an entry is called: `action`, `permission`, `operation`.
    const WHAT: &'static str;
    /// What the part before the separator is called: `service prefix`, `service`,
    /// `provider`.
    const SERVICE: &'static str;
    /// Between the service and the rest: `:`, `.`, `/`.
    const SEPARATOR: char;
    /// An example of a name, for help: `s3:GetObject`.
    const EXAMPLE: &'static str;

    fn get<'c>(&'c self, name: &str) -> Option<Self::Entry<'c>>;
    fn matching<'c>(&'c self, pattern: &str) -> Vec<Self::Entry<'c>>;
    fn suggest(&self, name: &str) -> Option<String>;
    /// The service as the catalog spells it (`Microsoft.Storage` for
    /// `microsoft.storage`), when the catalog has it.
    fn service<'c>(&'c self, service: &str) -> Option<&'c str>;
    /// Whether this is a subset (engc's built-in GCP and Azure lists), so that a name
    /// it lacks may still exist.
    fn partial(&self) -> bool;
}

/// A name with a `*` or `?` in it is a pattern.
pub fn is_pattern(name: &str) -> bool {
    name.contains(['*', '?'])
}

/// The answer to a query.
pub enum Query<E> {
    /// The catalog holds exactly this name.
    Entry(E),
    /// A pattern, or a bare service (`s3` stands for `s3:*`), and the entries it matches
    /// (never none: that is [`Query::Unknown`] with [`Why::NoMatch`]).
    Matches {
        pattern: String,
        hits: Vec<E>,
    },
    Unknown(Unknown),
}

/// Why a name was not found, and what is close to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub name: String,
    pub why: Why,
    pub suggestion: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// The part before the separator names no service (the service is given).
    Service(String),
    /// A service the catalog knows, but not this name.
    Name,
    /// A pattern that matches nothing.
    NoMatch,
    /// No separator, and not a service either: not the shape of a name.
    Shape,
}

/// Looks `name` up in `c`.
pub fn query<'c, C: Names>(c: &'c C, name: &str) -> Query<C::Entry<'c>> {
    let bare_service = (!name.contains(C::SEPARATOR) && !is_pattern(name))
        .then(|| c.service(name))
        .flatten();
    if bare_service.is_some() || is_pattern(name) {
        let pattern = match bare_service {
            Some(service) => format!("{service}{}*", C::SEPARATOR),
            None => name.to_owned(),
        };
        let hits = c.matching(&pattern);
        if hits.is_empty() {
            return Query::Unknown(unknown(c, name, &pattern, true));
        }
        return Query::Matches { pattern, hits };
    }
    match c.get(name) {
        Some(e) => Query::Entry(e),
        None => Query::Unknown(unknown(c, name, name, false)),
    }
}

fn unknown<C: Names>(c: &C, name: &str, pattern: &str, wildcard: bool) -> Unknown {
    let service = name.split_once(C::SEPARATOR).map(|(s, _)| s);
    let why = match service {
        Some(s) if !is_pattern(s) && c.service(s).is_none() => Why::Service(s.to_owned()),
        Some(_) if wildcard => Why::NoMatch,
        Some(_) => Why::Name,
        None if wildcard => Why::NoMatch,
        None => Why::Shape,
    };
    Unknown {
        name: name.to_owned(),
        why,
        suggestion: c.suggest(pattern),
    }
}

impl Unknown {
    /// The one wording of what is wrong, for diagnostics, hovers and the command line:
    /// `` unknown AWS service prefix `s4` ``, `` unknown GCP permission `x.y.z` ``,
    /// `` `s3:Foo*` matches no AWS action ``.
    pub fn message<C: Names>(&self) -> String {
        let (cloud, what, name) = (C::CLOUD, C::WHAT, &self.name);
        match &self.why {
            Why::Service(s) => format!("unknown {cloud} {} `{s}`", C::SERVICE),
            Why::Name => format!("unknown {cloud} {what} `{name}`"),
            Why::NoMatch => format!("`{name}` matches no {cloud} {what}"),
            Why::Shape => format!(
                "`{name}` is not {} {cloud} {what} (`{}`)",
                article(cloud),
                C::EXAMPLE
            ),
        }
    }

    /// A note for a partial catalog: the name may exist beyond it.
    pub fn partial_note<C: Names>(c: &C) -> Option<String> {
        c.partial().then(|| {
            format!(
                "engc has only a subset of {} {}s built in; `--catalog FILE` checks against the full list",
                C::CLOUD,
                C::WHAT
            )
        })
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{aws, azure, gcp};

    #[test]
    fn one_answer_per_kind_of_name() {
        let c = aws::catalog();
        assert!(matches!(query(c, "s3:GetObject"), Query::Entry(_)));
        assert!(matches!(query(c, "s3:Get*"), Query::Matches { .. }));
        match query(c, "s3") {
            Query::Matches { pattern, hits } => {
                assert_eq!(pattern, "s3:*");
                assert!(hits.len() > 50);
            }
            _ => panic!("a bare service lists its actions"),
        }
        let msg = |q: Query<_>| match q {
            Query::Unknown(u) => (u.message::<aws::Catalog>(), u.suggestion),
            _ => panic!(),
        };
        assert_eq!(
            msg(query(c, "s4:GetObject")),
            (
                "unknown AWS service prefix `s4`".into(),
                Some("s3:GetObject".into())
            )
        );
        assert_eq!(
            msg(query(c, "s3:GetObjects")).0,
            "unknown AWS action `s3:GetObjects`"
        );
        assert_eq!(
            msg(query(c, "s3:Nothing*")).0,
            "`s3:Nothing*` matches no AWS action"
        );
        assert_eq!(
            msg(query(c, "GetObject")).0,
            "`GetObject` is not an AWS action (`s3:GetObject`)"
        );
        let g = gcp::Catalog::builtin();
        match query(g, "storage.bucket.get") {
            Query::Unknown(u) => {
                assert_eq!(
                    u.message::<gcp::Catalog>(),
                    "unknown GCP permission `storage.bucket.get`"
                );
                assert_eq!(u.suggestion.as_deref(), Some("storage.buckets.get"));
                assert!(Unknown::partial_note(g).is_some());
            }
            _ => panic!(),
        }
        let z = azure::Catalog::builtin();
        match query(z, "Microsoft.Storag/storageAccounts/read") {
            Query::Unknown(u) => assert_eq!(
                u.message::<azure::Catalog>(),
                "unknown Azure provider `Microsoft.Storag`"
            ),
            _ => panic!(),
        }
    }
}

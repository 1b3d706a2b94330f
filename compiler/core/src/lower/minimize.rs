//! `--minimize`: wildcard compression of AWS action lists, proved against the catalog.
//!
//! For every AWS statement with an `Action` list (access levels and SCPs; `NotAction`
//! lists are left alone), the entries are expanded through the embedded catalog into the
//! exact set of granted actions of each service. Each service's set is then written back
//! as the shortest list of `svc:Prefix*` patterns, `svc:*` (the whole service) and exact
//! names whose matches in the catalog are exactly that set: not one action more, not one
//! less. The result is verified by expanding it again through
//! [`Catalog::matching`](crate::catalog::aws::Catalog::matching); a statement whose
//! verification fails is left as it was.
//!
//! # Trade-off: why this is opt-in
//!
//! The proof holds for the catalog engc embeds, that is for the actions AWS had published
//! when the catalog was generated. IAM matches a wildcard against every action that
//! exists when a request is made, so `s3:Get*` also matches any `Get` action AWS adds to
//! S3 later. In an `Allow` statement the vendor then silently gains it; in a `Deny` it is
//! denied too. An explicit list grants exactly what was reviewed, forever. That is the
//! documented price of shorter policies, and why `--minimize` is off by default.
//!
//! # What is never merged
//!
//! Entries the catalog cannot prove are kept verbatim and take no part in compression:
//! unknown services, unknown action names, patterns that match no action, entries whose
//! service part is a wildcard (`*`, `*:Get*`, `s3*:List*`) and entries holding unset
//! `${param}` placeholders. Their matches are not used to widen any other pattern.
//!
//! A service's compressed list replaces the statement's entries for that service only when
//! it is shorter in characters; otherwise (for example `s3:Get*Policy`, which no list of
//! prefix patterns can say as briefly) the original entries stay.

use crate::catalog::is_pattern;
use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::aws::{catalog, Action, Service};
use crate::catalog::cmp_ignore_ascii_case;
use crate::model::{AwsStatement, Model};

/// Compresses the `Action` lists of every AWS statement of the model (access levels and
/// SCPs) into wildcards that match, in the catalog, exactly the actions granted before.
pub fn minimize(model: &mut Model) {
    let statements = model
        .accesses
        .iter_mut()
        .flat_map(|a| a.aws.iter_mut())
        .chain(model.scps.iter_mut().flat_map(|s| s.statements.iter_mut()));
    for st in statements {
        minimize_statement(st);
    }
}

/// Minimizes one statement's `Action` list; `NotAction` statements, resources, conditions
/// and the Sid are left untouched.
pub fn minimize_statement(st: &mut AwsStatement) {
    if st.not_action {
        return;
    }
    st.actions = minimize_actions(&st.actions);
}

/// The minimized form of an action list: sorted (ASCII case-insensitively, as lowering
/// sorts), without case-insensitive duplicates, matching in the catalog exactly the
/// actions `actions` matches, with unprovable entries kept verbatim. Returns the input
/// unchanged when the result cannot be verified.
pub fn minimize_actions(actions: &[String]) -> Vec<String> {
    let before = expand(actions);
    let mut out: Vec<String> = before.verbatim.iter().map(|s| (*s).clone()).collect();
    for (svc, group) in &before.services {
        let compressed = compress(svc, &group.granted);
        if cost(&compressed) < cost(&group.entries) {
            out.extend(compressed);
        } else {
            out.extend(group.entries.iter().map(|s| (*s).clone()));
        }
    }
    let out = sorted_unique_ci(out);

    // The proof: the result matches exactly what the input matched, service by service,
    // and carries the same verbatim entries.
    let after = expand(&out);
    let granted = |e: &Expansion| -> BTreeMap<&'static str, Vec<bool>> {
        e.services
            .iter()
            .map(|(svc, g)| (svc.0.prefix.as_str(), g.granted.clone()))
            .collect()
    };
    let lower = |e: &Expansion| -> BTreeSet<String> {
        e.verbatim.iter().map(|s| s.to_ascii_lowercase()).collect()
    };
    let proved = granted(&before) == granted(&after) && lower(&before) == lower(&after);
    debug_assert!(
        proved,
        "minimized actions do not match the input: {actions:?} -> {out:?}"
    );
    if proved {
        out
    } else {
        actions.to_vec()
    }
}

/// What an action list grants, per catalog service.
struct Expansion<'a> {
    /// Keyed by service prefix (the catalog's spelling).
    services: BTreeMap<ServiceKey, Group<'a>>,
    /// Entries the catalog cannot prove; see the module documentation.
    verbatim: Vec<&'a String>,
}

/// A catalog service ordered by its prefix.
#[derive(Clone, Copy)]
struct ServiceKey(&'static Service);

impl std::ops::Deref for ServiceKey {
    type Target = Service;
    fn deref(&self) -> &Service {
        self.0
    }
}

impl PartialEq for ServiceKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.prefix == other.0.prefix
    }
}
impl Eq for ServiceKey {}
impl PartialOrd for ServiceKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ServiceKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.prefix.as_str().cmp(other.0.prefix.as_str())
    }
}

struct Group<'a> {
    /// `granted[i]`: whether `svc.actions[i]` is matched by some entry.
    granted: Vec<bool>,
    /// The input entries of this service.
    entries: Vec<&'a String>,
}

fn expand(actions: &[String]) -> Expansion<'_> {
    let mut services: BTreeMap<ServiceKey, Group<'_>> = BTreeMap::new();
    let mut verbatim = Vec::new();
    for entry in actions {
        match provable(entry) {
            Some((svc, matched)) => {
                let group = services.entry(ServiceKey(svc)).or_insert_with(|| Group {
                    granted: vec![false; svc.actions.len()],
                    entries: Vec::new(),
                });
                for a in matched {
                    group.granted[index_of(svc, a)] = true;
                }
                group.entries.push(entry);
            }
            None => verbatim.push(entry),
        }
    }
    Expansion { services, verbatim }
}

/// The service of an entry and the actions it matches, or None when the catalog cannot
/// prove what it matches (kept verbatim).
fn provable(entry: &str) -> Option<(&'static Service, Vec<&'static Action>)> {
    let (svc_pat, _) = entry.split_once(':')?;
    if is_pattern(svc_pat) || entry.contains("${") {
        return None;
    }
    let svc = catalog().service(svc_pat)?;
    let mut matched = Vec::new();
    for (s, a) in catalog().matching(entry) {
        if !std::ptr::eq(s, svc) {
            return None;
        }
        matched.push(a);
    }
    (!matched.is_empty()).then_some((svc, matched))
}

/// The position of `a` in `svc.actions`.
fn index_of(svc: &Service, a: &Action) -> usize {
    match svc
        .actions
        .binary_search_by(|x| cmp_ignore_ascii_case(&x.name, &a.name))
    {
        Ok(i) if std::ptr::eq(&svc.actions[i], a) => i,
        _ => svc
            .actions
            .iter()
            .position(|x| std::ptr::eq(x, a))
            .expect("a matched action belongs to its service"),
    }
}

/// The shortest list of entries (`svc:*`, `svc:Prefix*`, exact `svc:Name`) whose matches
/// among `svc`'s actions are exactly those marked in `granted`.
///
/// The actions are sorted case-insensitively, so the actions sharing a prefix form one
/// contiguous range, and the ranges of a prefix's one-character extensions split it: a
/// trie walked over the sorted list. A prefix qualifies when every action in its range is
/// granted; the walk stops at the first (shortest, hence maximal) qualifying prefix on each
/// path, which is optimal: any entry covering an action of a non-qualifying range would also
/// match one of its ungranted actions. A qualifying range of one action is written as the
/// exact name (a wildcard must replace at least two names); a larger one as the longest
/// prefix its actions share, which matches the same range (`s3:Get*`, not `s3:G*`).
fn compress(svc: &Service, granted: &[bool]) -> Vec<String> {
    let names: Vec<&str> = svc.actions.iter().map(|a| a.name.as_str()).collect();
    debug_assert!(names
        .windows(2)
        .all(|w| cmp_ignore_ascii_case(w[0], w[1]).is_lt()));
    let mut sums = Vec::with_capacity(names.len() + 1);
    sums.push(0usize);
    for &g in granted {
        sums.push(sums.last().copied().unwrap_or(0) + usize::from(g));
    }
    let mut out = Vec::new();
    if names.len() >= 2 && sums[names.len()] == names.len() {
        out.push("*".to_string());
    } else {
        cover(&names, &sums, 0, names.len(), 0, &mut out);
    }
    out.into_iter()
        .map(|p| format!("{}:{p}", svc.prefix))
        .collect()
}

/// Covers the granted actions of `names[lo..hi]`, which all share their first `depth`
/// bytes (ASCII case-insensitively). `sums[i]` counts the granted actions before `i`.
fn cover(
    names: &[&str],
    sums: &[usize],
    lo: usize,
    hi: usize,
    depth: usize,
    out: &mut Vec<String>,
) {
    let granted = sums[hi] - sums[lo];
    if granted == 0 {
        return;
    }
    if granted == hi - lo {
        if hi - lo == 1 {
            out.push(names[lo].to_string());
        } else {
            let first = names[lo];
            let mut k = common_prefix_len(first, names[hi - 1]);
            while !first.is_char_boundary(k) {
                k -= 1;
            }
            out.push(format!("{}*", &first[..k]));
        }
        return;
    }
    // A name that is the prefix itself sorts before its extensions.
    let mut i = lo;
    while i < hi && names[i].len() == depth {
        if sums[i + 1] > sums[i] {
            out.push(names[i].to_string());
        }
        i += 1;
    }
    while i < hi {
        let c = names[i].as_bytes()[depth].to_ascii_lowercase();
        let mut j = i + 1;
        while j < hi && names[j].as_bytes()[depth].to_ascii_lowercase() == c {
            j += 1;
        }
        cover(names, sums, i, j, depth + 1, out);
        i = j;
    }
}

/// The length of the longest common prefix, ASCII case-insensitively.
fn common_prefix_len(a: &str, b: &str) -> usize {
    a.bytes()
        .zip(b.bytes())
        .take_while(|(x, y)| x.eq_ignore_ascii_case(y))
        .count()
}

/// What the entries add to a policy's size: each is written as `"entry",`.
fn cost<S: AsRef<str>>(entries: &[S]) -> usize {
    entries.iter().map(|e| e.as_ref().len() + 3).sum()
}

/// Sorted as lowering sorts action lists; duplicates differing only in case kept once.
fn sorted_unique_ci(mut v: Vec<String>) -> Vec<String> {
    // As by (lower-cased, as written), without making those keys for every comparison.
    v.sort_by(|a, b| crate::catalog::cmp_ignore_ascii_case(a, b).then_with(|| a.cmp(b)));
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparison sorts as the (lower-cased, as written) keys do.
    #[test]
    fn sorted_as_by_lowercased_keys() {
        let v: Vec<String> = [
            "s3:b", "S3:a", "s3:A", "s3:a", "s3:_", "s3:[", "s3:é", "s3:É", "s3:", "ec2:Z", "EC2:z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut want = v.clone();
        want.sort_by_key(|a| (a.to_ascii_lowercase(), a.clone()));
        want.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        assert_eq!(sorted_unique_ci(v), want);
    }
    use crate::catalog::aws::AccessLevel;
    use crate::source::Span;
    use crate::syntax::ast::Effect;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Every catalog action (lower-cased `svc:name`) the entries match.
    fn reexpand(entries: &[String]) -> BTreeSet<String> {
        entries
            .iter()
            .flat_map(|e| catalog().matching(e))
            .map(|(s, a)| s.full_name(a).to_ascii_lowercase())
            .collect()
    }

    /// The exact names of the catalog actions matching `pattern`.
    fn names_of(pattern: &str) -> Vec<String> {
        catalog()
            .matching(pattern)
            .into_iter()
            .map(|(s, a)| s.full_name(a))
            .collect()
    }

    #[test]
    fn all_s3_gets_compress_to_one_wildcard() {
        let gets = names_of("s3:Get*");
        assert!(gets.len() > 50, "{}", gets.len());
        assert_eq!(minimize_actions(&gets), ["s3:Get*"]);
        // Any spelling, any order, with duplicates.
        let mut shuffled: Vec<String> = gets.iter().rev().map(|g| g.to_uppercase()).collect();
        shuffled.extend(gets.iter().take(3).cloned());
        assert_eq!(minimize_actions(&shuffled), ["s3:Get*"]);
    }

    #[test]
    fn a_missing_get_prevents_the_wildcard() {
        let gets: Vec<String> = names_of("s3:Get*")
            .into_iter()
            .filter(|g| g != "s3:GetObject")
            .collect();
        let out = minimize_actions(&gets);
        assert!(
            !out.iter().any(|e| e.eq_ignore_ascii_case("s3:Get*")),
            "{out:?}"
        );
        assert!(!out.iter().any(|e| e == "s3:*"));
        assert!(out.len() < gets.len(), "{out:?}");
        let expanded = reexpand(&out);
        assert!(!expanded.contains("s3:getobject"));
        assert_eq!(expanded, reexpand(&gets));
        // `s3:GetObject*` would now match GetObject: the siblings stay finer.
        assert!(!out.iter().any(|e| e.eq_ignore_ascii_case("s3:GetObject*")));
    }

    #[test]
    fn a_whole_service_becomes_svc_star() {
        let sqs = names_of("sqs:*");
        assert!(sqs.len() > 2);
        let mut input = sqs.clone();
        input.push("s3:GetObject".into());
        assert_eq!(minimize_actions(&input), ["s3:GetObject", "sqs:*"]);
        assert_eq!(minimize_actions(&strings(&["sqs:*"])), ["sqs:*"]);
        // A wildcard that happens to cover the whole service, too.
        let all_but_one: Vec<String> = sqs[1..].to_vec();
        let mut with_first = all_but_one.clone();
        with_first.push(sqs[0].to_lowercase());
        assert_eq!(minimize_actions(&with_first), ["sqs:*"]);
        assert!(!minimize_actions(&all_but_one).contains(&"sqs:*".to_string()));
    }

    #[test]
    fn unknown_names_survive_verbatim() {
        let mut input = names_of("s3:Get*");
        let odd = [
            "s3:GetSomethingFromTheFuture",
            "nosuchservice:DoThings",
            "s3:Nope*",
            "*:GetObject",
            "*",
            "${svc}:GetObject",
            "s3:Get${what}",
            "notanaction",
        ];
        input.extend(strings(&odd));
        let out = minimize_actions(&input);
        for o in odd {
            assert!(out.iter().any(|e| e == o), "{o} lost: {out:?}");
        }
        assert!(out.iter().any(|e| e == "s3:Get*"));
        assert_eq!(out.len(), odd.len() + 1, "{out:?}");
    }

    #[test]
    fn minimal_input_wildcards_stay() {
        for input in [
            &["ec2:Describe*"][..],
            &["s3:Get*", "s3:List*"],
            &["iam:Get*", "iam:PassRole", "kms:Decrypt"],
            &["s3:Get*Policy"],
            &["s3:*"],
            &["s3:GetObject"],
        ] {
            let input = strings(input);
            assert_eq!(minimize_actions(&input), input);
        }
    }

    #[test]
    fn one_action_stays_an_exact_name() {
        // Even when it is the only action with its prefix.
        let svc = catalog().service("s3").unwrap();
        let mut granted = vec![false; svc.actions.len()];
        let i = svc
            .actions
            .iter()
            .position(|a| a.name == "GetObject")
            .unwrap();
        granted[i] = true;
        assert_eq!(compress(svc, &granted), ["s3:GetObject"]);
        assert!(compress(svc, &vec![false; svc.actions.len()]).is_empty());
    }

    #[test]
    fn compressing_levels_reexpands_exactly_over_many_services() {
        let c = catalog();
        let levels = [
            AccessLevel::List,
            AccessLevel::Read,
            AccessLevel::Write,
            AccessLevel::Tagging,
            AccessLevel::PermissionsManagement,
        ];
        let sample = [
            "s3",
            "ec2",
            "iam",
            "kms",
            "ssm",
            "eks",
            "ecr",
            "lambda",
            "dynamodb",
            "sqs",
            "sns",
            "logs",
            "cloudwatch",
            "sts",
            "rds",
            "glue",
            "sagemaker",
        ];
        let mut compressed_somewhere = false;
        for prefix in sample {
            let svc = c.service(prefix).unwrap();
            for level in levels {
                let input: Vec<String> = svc
                    .actions
                    .iter()
                    .filter(|a| a.access_level == level)
                    .map(|a| svc.full_name(a))
                    .collect();
                let out = minimize_actions(&input);
                assert_eq!(
                    reexpand(&out),
                    reexpand(&input),
                    "{prefix} {level}: {out:?}"
                );
                assert!(out.len() <= input.len(), "{prefix} {level}");
                assert!(cost(&out) <= cost(&input), "{prefix} {level}");
                // Every pattern keeps its service and matches only granted actions.
                let granted: BTreeSet<String> = reexpand(&input);
                for e in &out {
                    assert!(e.starts_with(&format!("{prefix}:")), "{e}");
                    let m = reexpand(std::slice::from_ref(e));
                    assert!(!m.is_empty() && m.is_subset(&granted), "{e}");
                }
                // Deterministic and idempotent.
                assert_eq!(minimize_actions(&input), out);
                assert_eq!(minimize_actions(&out), out);
                compressed_somewhere |= out.len() < input.len();
            }
        }
        assert!(compressed_somewhere);
    }

    #[test]
    fn every_service_read_level_is_exact() {
        let c = catalog();
        for prefix in c.services() {
            let svc = c.service(prefix).unwrap();
            let granted: Vec<bool> = svc
                .actions
                .iter()
                .map(|a| a.access_level == AccessLevel::Read)
                .collect();
            let out = compress(svc, &granted);
            let want: BTreeSet<String> = svc
                .actions
                .iter()
                .filter(|a| a.access_level == AccessLevel::Read)
                .map(|a| svc.full_name(a).to_ascii_lowercase())
                .collect();
            assert_eq!(reexpand(&out), want, "{prefix}: {out:?}");
            assert!(out.len() <= want.len(), "{prefix}");
        }
    }

    #[test]
    fn statements_keep_everything_but_their_actions() {
        let mut conditions = BTreeMap::new();
        conditions.insert(
            "StringEquals".to_string(),
            BTreeMap::from([("aws:ResourceTag/team".to_string(), strings(&["ml"]))]),
        );
        let st = AwsStatement {
            sid: Some("Objects".into()),
            effect: Effect::Allow,
            not_action: false,
            actions: sorted_unique_ci(names_of("s3:Get*")),
            not_resource: false,
            resources: strings(&["arn:aws:s3:::b", "arn:aws:s3:::b/*"]),
            conditions: conditions.clone(),
            span: Span::default(),
        };
        let not_action = AwsStatement {
            sid: None,
            effect: Effect::Deny,
            not_action: true,
            ..st.clone()
        };
        let mut model = Model::default();
        model.scps.push(crate::model::Scp {
            name: "guard".into(),
            ou: "ou-1".into(),
            statements: vec![st.clone(), not_action.clone()],
        });
        minimize(&mut model);
        let [a, b] = &model.scps[0].statements[..] else {
            panic!("two statements")
        };
        assert_eq!(a.actions, ["s3:Get*"]);
        assert_eq!(a.sid, st.sid);
        assert_eq!(a.effect, st.effect);
        assert_eq!(a.resources, st.resources);
        assert_eq!(a.conditions, conditions);
        assert_eq!(b.actions, not_action.actions, "NotAction is never touched");
    }
}

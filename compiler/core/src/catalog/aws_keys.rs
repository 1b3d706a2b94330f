//! Which condition keys the request of an AWS action carries, per resource type it is
//! authorized on. The one reading of the Service Authorization Reference that both the
//! lowering (where a grant is placed) and the dead-grant checks use.
//!
//! The reference lists keys in three places: the action's own row (request keys such as
//! `aws:RequestTag`), each resource type row of the action (EC2 lists every key there),
//! and the resource type table (what a resource of that type carries). A request is
//! authorized once per resource it names, with the keys of that resource's row; the
//! resource type table applies where the row lists nothing.

use super::aws::{key_template_matches, Action, ActionResource, Service, Str, Table};

/// What a condition key is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// Tags sent in the request (`aws:RequestTag/...`, `aws:TagKeys`): only where the
    /// action or its row lists them.
    Request,
    /// Tags on an existing resource (`aws:ResourceTag/...`, `ec2:ResourceTag/...`).
    ResourceTag,
    /// Anything else the service defines.
    Other,
}

impl KeyKind {
    pub fn of(key: &str) -> KeyKind {
        // `service:Name/...`: the name after the service prefix says what it is about.
        // Byte scans: this runs for every key of every action a check looks at.
        let name = match key.bytes().position(|b| b == b':') {
            Some(i) => &key[i + 1..],
            None => key,
        };
        let head = match name.bytes().position(|b| b == b'/') {
            Some(i) => &name[..i],
            None => name,
        };
        let is = |w: &str| head.eq_ignore_ascii_case(w);
        if (is("RequestTag") || is("req-tag")) && name.len() > head.len() || is("TagKeys") {
            KeyKind::Request
        } else if is("ResourceTag") && name.len() > head.len() {
            KeyKind::ResourceTag
        } else {
            KeyKind::Other
        }
    }
}

/// Whether a request carries a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Carried {
    /// Never: a condition on it is false for the request.
    No,
    /// Not yet: the key is a tag of the resource this request creates.
    Created,
    Yes,
}

/// Whether the key list names `key`, or has a template that matches it.
pub fn lists(keys: Table<Str>, key: &str) -> bool {
    keys.strs().any(|k| names_key(k, key))
}

/// Whether one key of a list (a key or a template) names `key`.
pub fn names_key(listed: &str, key: &str) -> bool {
    listed.eq_ignore_ascii_case(key) || key_template_matches(listed, key)
}

fn lists_kind(keys: Table<Str>, kind: KeyKind) -> bool {
    keys.strs().any(|k| KeyKind::of(k) == kind)
}

/// Whether the row is the resource the action creates: the row lists request tags and
/// no resource tag (EC2 style), or the row lists nothing, the action is `Create<Noun>`
/// with request tags, and the row's type is that noun (`lambda:CreateFunction` on
/// `function`, not `eks:CreateNodegroup` on its parent `cluster`).
pub fn creates(action: &Action, row: &ActionResource) -> bool {
    if !row.condition_keys.is_empty() {
        return lists_kind(row.condition_keys, KeyKind::Request)
            && !lists_kind(row.condition_keys, KeyKind::ResourceTag);
    }
    let Some(noun) = action.name.strip_prefix("Create") else {
        return false;
    };
    if !lists_kind(action.condition_keys, KeyKind::Request) {
        return false;
    }
    // The type's name in letters and digits, lower-cased: on the stack, as this runs for
    // every create action a tag condition is judged on.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in row.name.bytes().filter(u8::is_ascii_alphanumeric) {
        let Some(slot) = buf.get_mut(n) else {
            return creates_long(noun, &row.name);
        };
        *slot = b.to_ascii_lowercase();
        n += 1;
    }
    let (noun, ty) = (noun.as_bytes(), &buf[..n]);
    !ty.is_empty() && (contains_ignore_ascii_case(noun, ty) || contains_ignore_ascii_case(ty, noun))
}

/// [`creates`]' comparison for a type name of more than 64 letters and digits.
fn creates_long(noun: &str, name: &str) -> bool {
    let noun = noun.to_ascii_lowercase();
    let ty: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !ty.is_empty() && (noun.contains(&ty) || ty.contains(&noun))
}

/// Whether `hay` contains `needle`, ASCII letters compared without case.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether the request of `action` on a resource of the type of `row` carries `key`.
pub fn row_carries(svc: &Service, action: &Action, row: &ActionResource, key: &str) -> Carried {
    if lists(action.condition_keys, key) {
        return Carried::Yes;
    }
    row_carries_by(svc, action, row, KeyKind::of(key), &mut |t| lists(t, key))
}

/// [`row_carries`] once the action's own list does not name the key, with `lists`
/// answering whether a key list names it (a caller may remember that per list).
fn row_carries_by(
    svc: &Service,
    action: &Action,
    row: &ActionResource,
    kind: KeyKind,
    lists: &mut impl FnMut(Table<Str>) -> bool,
) -> Carried {
    if lists(row.condition_keys) {
        return Carried::Yes;
    }
    if kind == KeyKind::Request {
        return Carried::No;
    }
    if kind == KeyKind::ResourceTag && creates(action, row) {
        return Carried::Created;
    }
    let by_type =
        row.condition_keys.is_empty() && svc.type_of(row).is_some_and(|t| lists(t.condition_keys));
    if by_type {
        Carried::Yes
    } else {
        Carried::No
    }
}

/// Whether the request of `action`, authorized on resources of the `rows` given (for
/// an action that takes no resource: none), carries `key` for at least one of them.
pub fn carries<'a>(
    svc: &Service,
    action: &Action,
    rows: impl IntoIterator<Item = &'a ActionResource>,
    key: &str,
) -> Carried {
    carries_by(svc, action, rows, KeyKind::of(key), &mut |t| lists(t, key))
}

/// [`carries`] for a key of `kind`, with `lists` answering whether a key list names
/// it: the catalog shares one range among equal lists, so a caller asking about many
/// actions can remember the answer per list.
pub fn carries_by<'a>(
    svc: &Service,
    action: &Action,
    rows: impl IntoIterator<Item = &'a ActionResource>,
    kind: KeyKind,
    lists: &mut impl FnMut(Table<Str>) -> bool,
) -> Carried {
    if lists(action.condition_keys) {
        return Carried::Yes;
    }
    let mut best = Carried::No;
    for r in rows {
        match row_carries_by(svc, action, r, kind, lists) {
            Carried::Yes => return Carried::Yes,
            c => best = best.max(c),
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::aws::catalog;

    fn on(action: &str, types: &[&str], key: &str) -> Carried {
        let (svc, a) = catalog().action(action).expect(action);
        let rows = a
            .resource_types
            .iter()
            .filter(|r| types.is_empty() || types.contains(&r.name.as_str()));
        carries(svc, a, rows, key)
    }

    #[test]
    fn request_tags_only_where_the_action_lists_them() {
        // The instance resource type carries aws:RequestTag, but StartInstances does not.
        assert_eq!(
            on("ec2:StartInstances", &[], "aws:RequestTag/t"),
            Carried::No
        );
        assert_eq!(
            on("ec2:RunInstances", &["instance"], "aws:RequestTag/t"),
            Carried::Yes
        );
        assert_eq!(
            on("ec2:RunInstances", &["image"], "aws:RequestTag/t"),
            Carried::No
        );
        assert_eq!(on("sqs:CreateQueue", &[], "aws:RequestTag/t"), Carried::Yes);
    }

    #[test]
    fn resource_tags_of_the_resources_granted() {
        assert_eq!(
            on("ec2:StartInstances", &[], "aws:ResourceTag/t"),
            Carried::Yes
        );
        assert_eq!(
            on("ec2:CreateVolume", &["volume"], "aws:ResourceTag/t"),
            Carried::Created
        );
        assert_eq!(
            on("ec2:CreateVolume", &["snapshot"], "aws:ResourceTag/t"),
            Carried::Yes
        );
        assert_eq!(
            on("sqs:SendMessage", &[], "aws:ResourceTag/t"),
            Carried::Yes
        );
        assert_eq!(
            on("sqs:CreateQueue", &[], "aws:ResourceTag/t"),
            Carried::Created
        );
        assert_eq!(
            on("lambda:CreateFunction", &[], "aws:ResourceTag/t"),
            Carried::Created
        );
        // Authorized on the parent, which exists and carries its tags.
        assert_eq!(
            on("eks:CreateNodegroup", &[], "aws:ResourceTag/t"),
            Carried::Yes
        );
        assert_eq!(
            on("elasticloadbalancing:CreateRule", &[], "aws:ResourceTag/t"),
            Carried::Yes
        );
        // Takes no resource.
        assert_eq!(on("sqs:ListQueues", &[], "aws:ResourceTag/t"), Carried::No);
    }

    #[test]
    fn other_keys_from_the_action_or_the_type() {
        assert_eq!(on("s3:ListBucket", &[], "s3:prefix"), Carried::Yes);
        assert_eq!(on("s3:GetObject", &[], "s3:prefix"), Carried::No);
    }

    #[test]
    fn contains_without_case() {
        assert!(contains_ignore_ascii_case(b"NodeGroup", b"group"));
        assert!(contains_ignore_ascii_case(b"x", b""));
        assert!(!contains_ignore_ascii_case(b"", b"x"));
        assert!(!contains_ignore_ascii_case(b"Group", b"groups"));
        assert!(!contains_ignore_ascii_case("é".as_bytes(), "É".as_bytes()));
        // The long path compares as the short one.
        let long = "a".repeat(70);
        assert!(creates_long("Aaaa", &long));
        assert!(!creates_long("Bbbb", &long));
    }

    #[test]
    fn key_kinds() {
        assert_eq!(KeyKind::of("aws:TagKeys"), KeyKind::Request);
        assert_eq!(KeyKind::of("aws:RequestTag/x"), KeyKind::Request);
        assert_eq!(KeyKind::of("ec2:ResourceTag/x"), KeyKind::ResourceTag);
        assert_eq!(KeyKind::of("s3:prefix"), KeyKind::Other);
    }
}

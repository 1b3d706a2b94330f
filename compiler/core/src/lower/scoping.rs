//! Scoping analysis: how each AWS action of an abstract grant is restricted in a
//! `scoped` access level, decided by the catalog.
//!
//! - the action's resource types carry `aws:ResourceTag`: their ARNs (names as `*`)
//!   with the managed tag as `aws:ResourceTag` (Sid `...Tagged`);
//! - a create action that carries `aws:RequestTag`: the same ARNs with the tag as
//!   `aws:RequestTag`, since the resource has no tags yet (Sid `...TagOnCreate`);
//! - resource types without tag support: their ARNs with the name prefix (Sid `...ByName`);
//! - actions that support no resource at all: `*`, in a statement of their own, and only
//!   at the list and read levels (Sid `...Global`).
//!
//! `scope by` changes the choice: `tag` places only what the tag condition can bound
//! (the rest is [`NoTag`]); `name` places every action with resources by name, no tag;
//! `tag and name` is `name`'s ARNs with the tag condition added.
//!
//! In an `unscoped` level every action goes on `*` (Sid `...All`).

use crate::catalog::aws::{AccessLevel, Action, Service};
use crate::catalog::aws_keys::{self, Carried};
use crate::syntax::ast::ScopeMode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scoping {
    Tagged,
    TagOnCreate,
    ByName,
    Global,
    All,
}

impl Scoping {
    /// The Sid word that says how the statement is scoped.
    pub fn sid_word(self) -> &'static str {
        match self {
            Scoping::Tagged => "Tagged",
            Scoping::TagOnCreate => "TagOnCreate",
            Scoping::ByName => "ByName",
            Scoping::Global => "Global",
            Scoping::All => "All",
        }
    }
}

/// Where one action goes: how it is scoped and on which resources.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placement {
    pub scoping: Scoping,
    pub resources: Vec<String>,
}

pub struct Context<'a> {
    pub scoped: bool,
    /// `scope by ...` that applies (the store's, the level's or the deployment's);
    /// None: the default, the tag where the resource types take it, else the name.
    pub mode: Option<ScopeMode>,
    /// The managed tag key, when the deployment has one.
    pub tag_key: Option<&'a str>,
    /// The resource name pattern (`chalk*`), already rendered: the store's written
    /// name, else the deployment's prefix, else `*`.
    pub name_pattern: &'a str,
    /// The store's own `name`, when written: it bounds tagged ARNs too.
    pub written_name: Option<&'a str>,
    /// The kind's resource types; empty: every resource type of the action.
    pub resource_types: &'a [String],
}

/// An action that `scope by tag` cannot bound: its resource types take no tag condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoTag;

/// Where `action` goes; `Ok(None)` when it does not belong in the grant (it acts on
/// other resource types than the kind's, or it is a write that cannot be scoped);
/// `Err(NoTag)` when the mode asks for a tag condition its resource types cannot take.
pub fn place(svc: &Service, action: &Action, cx: &Context) -> Result<Option<Placement>, NoTag> {
    let types: Vec<&str> = action
        .resource_types
        .iter()
        .map(|r| r.name.as_str())
        .filter(|t| {
            cx.resource_types.is_empty()
                || cx.resource_types.iter().any(|k| k.eq_ignore_ascii_case(t))
        })
        .collect();
    if !action.resource_types.is_empty() && types.is_empty() {
        return Ok(None); // acts on resources that are not this kind's
    }
    if !cx.scoped {
        return Ok(Some(Placement {
            scoping: Scoping::All,
            resources: vec!["*".into()],
        }));
    }
    let arns = |name: Option<&str>| -> Vec<String> {
        let mut v: Vec<String> = types
            .iter()
            .filter_map(|t| svc.resource_type(t))
            .flat_map(|rt| rt.arns().map(|a| arn(a, name)).collect::<Vec<_>>())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let placed =
        |scoping: Scoping, resources: Vec<String>| Ok(Some(Placement { scoping, resources }));
    // The names in ARNs: the pattern when the mode bounds by name, else only a name
    // the author wrote (it bounds the store's ARNs, tag or no tag).
    let by_name = cx.mode.is_some_and(ScopeMode::name);
    let tag_names = if by_name {
        Some(cx.name_pattern)
    } else {
        cx.written_name
    };
    if let Some(key) = cx.tag_key.filter(|_| cx.mode != Some(ScopeMode::Name)) {
        // Creating: the request carries the tags the new resource will have.
        let request = format!("aws:RequestTag/{key}");
        if action.name.starts_with("Create")
            && action
                .condition_keys
                .iter()
                .any(|k| crate::catalog::aws::key_template_matches(k, &request))
        {
            if types.is_empty() {
                // No resource to name: only the request's tag bounds it.
                return if by_name {
                    Ok(None)
                } else {
                    placed(Scoping::TagOnCreate, vec!["*".to_string()])
                };
            }
            return placed(Scoping::TagOnCreate, arns(tag_names));
        }
    }
    if types.is_empty() {
        return Ok(
            matches!(action.access_level, AccessLevel::List | AccessLevel::Read).then(|| {
                Placement {
                    scoping: Scoping::Global,
                    resources: vec!["*".into()],
                }
            }),
        );
    }
    if let Some(key) = cx.tag_key.filter(|_| cx.mode != Some(ScopeMode::Name)) {
        let resource = format!("aws:ResourceTag/{key}");
        // Every type of the grant must carry the tag, on this action's request.
        let tagged = types.iter().all(|t| {
            action.resource(t).is_some_and(|row| {
                aws_keys::row_carries(svc, action, row, &resource) == Carried::Yes
            })
        });
        if tagged {
            return placed(Scoping::Tagged, arns(tag_names));
        }
    }
    if cx.mode.is_some_and(ScopeMode::tag) {
        return Err(NoTag);
    }
    placed(Scoping::ByName, arns(Some(cx.name_pattern)))
}

/// Whether a name pattern bounds nothing: empty, or only wildcards.
pub fn unbounded(pattern: &str) -> bool {
    pattern.chars().all(|c| c == '*' || c == '?')
}

/// An ARN from a catalog template: partition, region and account become the
/// deployment's placeholders; the first name becomes the name pattern when given;
/// every other placeholder becomes `*`.
pub fn arn(template: &str, name: Option<&str>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut name = name;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let var = &rest[start + 2..start + len];
        match var {
            "Partition" => out.push_str("aws"),
            "Region" => out.push_str("${region}"),
            "Account" | "AccountId" => out.push_str("${account_id}"),
            _ => match name.take() {
                Some(n) => out.push_str(n),
                None => out.push('*'),
            },
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    // `table/chalk*/index/*` reads better than `...*/*` twice, but both are exact.
    out
}

/// The catalog's access levels an abstract level stands for.
pub fn access_levels(level: crate::syntax::ast::Level) -> &'static [AccessLevel] {
    use crate::syntax::ast::Level;
    match level {
        Level::List => &[AccessLevel::List],
        Level::Read => &[AccessLevel::Read],
        Level::Write => &[AccessLevel::Write],
        Level::Tag => &[AccessLevel::Tagging],
        Level::Permissions => &[AccessLevel::PermissionsManagement],
        Level::Manage => &[
            AccessLevel::List,
            AccessLevel::Read,
            AccessLevel::Write,
            AccessLevel::Tagging,
            AccessLevel::PermissionsManagement,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::aws::catalog;

    fn placed(action: &str, scoped: bool, types: &[&str]) -> Option<Placement> {
        placed_by(action, scoped, types, None).unwrap()
    }

    fn placed_by(
        action: &str,
        scoped: bool,
        types: &[&str],
        mode: Option<ScopeMode>,
    ) -> Result<Option<Placement>, NoTag> {
        let (svc, a) = catalog().action(action).unwrap();
        let types: Vec<String> = types.iter().map(|s| s.to_string()).collect();
        place(
            svc,
            a,
            &Context {
                scoped,
                mode,
                tag_key: Some("shop/managed"),
                name_pattern: "shop*",
                written_name: None,
                resource_types: &types,
            },
        )
    }

    #[test]
    fn scope_by_modes() {
        let table = "arn:aws:dynamodb:${region}:${account_id}:table/shop*".to_string();
        let by = |action, mode| placed_by(action, true, &["table"], Some(mode));
        let p = by("dynamodb:GetItem", ScopeMode::Name).unwrap().unwrap();
        assert_eq!(p.scoping, Scoping::ByName);
        assert!(p.resources.contains(&table));
        let p = by("dynamodb:GetItem", ScopeMode::TagAndName)
            .unwrap()
            .unwrap();
        assert_eq!(p.scoping, Scoping::Tagged);
        assert!(p.resources.contains(&table));
        let p = by("dynamodb:GetItem", ScopeMode::Tag).unwrap().unwrap();
        assert_eq!(p.scoping, Scoping::Tagged);
        assert!(!p.resources.contains(&table));
        // A create that carries the request tag: by name, no tag at all.
        let p = by("dynamodb:CreateTable", ScopeMode::Name)
            .unwrap()
            .unwrap();
        assert_eq!(p.scoping, Scoping::ByName);
        // Reads that support no resource stay global in every mode.
        for mode in [ScopeMode::Tag, ScopeMode::Name, ScopeMode::TagAndName] {
            assert_eq!(
                by("dynamodb:ListTables", mode).unwrap().unwrap().scoping,
                Scoping::Global
            );
        }
    }

    #[test]
    fn arn_templates() {
        assert_eq!(
            arn("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/index/${IndexName}", Some("shop*")),
            "arn:aws:dynamodb:${region}:${account_id}:table/shop*/index/*"
        );
        assert_eq!(
            arn("arn:${Partition}:s3:::${BucketName}/${ObjectName}", None),
            "arn:aws:s3:::*/*"
        );
    }

    #[test]
    fn tag_name_and_global() {
        let p = placed("dynamodb:GetItem", true, &["table", "index"]).unwrap();
        assert_eq!(p.scoping, Scoping::Tagged);
        assert!(p
            .resources
            .contains(&"arn:aws:dynamodb:${region}:${account_id}:table/*".to_string()));
        let p = placed("dynamodb:ListTables", true, &["table"]).unwrap();
        assert_eq!(
            p,
            Placement {
                scoping: Scoping::Global,
                resources: vec!["*".into()]
            }
        );
        let p = placed("eks:CreateCluster", true, &["cluster"]).unwrap();
        assert_eq!(p.scoping, Scoping::TagOnCreate);
        // A write with no resource type cannot be scoped: left out of a scoped grant.
        assert_eq!(
            placed(
                "dynamodb:PurchaseReservedCapacityOfferings",
                true,
                &["table"]
            ),
            None
        );
        assert_eq!(
            placed(
                "dynamodb:PurchaseReservedCapacityOfferings",
                false,
                &["table"]
            )
            .unwrap()
            .scoping,
            Scoping::All
        );
        // Another resource type than the kind's.
        assert_eq!(placed("dynamodb:DescribeBackup", true, &["table"]), None);
    }
}

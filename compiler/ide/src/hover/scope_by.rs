//! Hover on a `scope by` line: what bounds the AWS resources of scoped levels' abstract
//! grants, with this deployment's tag and name pattern, and what it overrides.

use crate::locate::ScopeOwner;
use crate::Analysis;
use engc_core::syntax::ast::{ScopeBy, ScopeMode};
use std::fmt::Write as _;

pub(super) fn hover(a: &Analysis, by: &ScopeBy, owner: ScopeOwner) -> String {
    let dep = a.deployment();
    let tag = dep
        .and_then(|d| d.managed_tag.as_ref())
        .map(|(k, v)| format!("`{}` = `{}`", k.node, v.node));
    let written = match owner {
        ScopeOwner::Store(s) => s.resource_name.as_ref().map(|n| n.node.clone()),
        _ => None,
    };
    let pattern = written.or_else(|| {
        dep.and_then(|d| d.name_prefix.as_ref())
            .map(|p| format!("{}*", p.node))
    });
    let mut md = format!("**scope by {}**", by.mode.as_str());
    let _ = write!(
        md,
        " ({})\n\n",
        match owner {
            ScopeOwner::Deployment => "the deployment's default".to_string(),
            ScopeOwner::Store(s) => format!("store `{}`", s.name.node),
            ScopeOwner::Access(x) => format!("access level `{}`", x.name.node),
        }
    );
    let tag_text = tag.unwrap_or_else(|| "none declared (E0132)".to_string());
    let name_text = pattern
        .map(|p| format!("`{p}`"))
        .unwrap_or_else(|| "none: no store `name`, no `name_prefix` (E0131)".to_string());
    match by.mode {
        ScopeMode::Tag => {
            let _ = write!(
                md,
                "AWS resources are bounded by the managed tag: `aws:ResourceTag` (`aws:RequestTag` on creates), tag {tag_text}. Actions whose resource types take no tag condition are left out (W0130; E0130 when none can be bounded). A store's written `name` still bounds its ARNs."
            );
        }
        ScopeMode::Name => {
            let _ = write!(
                md,
                "AWS resource ARNs are bounded by the name pattern, with no tag condition: {name_text}. Writes that support no resource are not granted."
            );
        }
        ScopeMode::TagAndName => {
            let _ = write!(
                md,
                "AWS resource ARNs are bounded by the name pattern ({name_text}) and by the managed tag ({tag_text}): `scope by name`'s ARNs with the tag condition added. Actions whose resource types take no tag condition are left out (W0130)."
            );
        }
    }
    md.push_str("\n\nOnly in `scoped` levels; GCP, Azure and Kubernetes grants are unchanged. ");
    md.push_str(match owner {
        ScopeOwner::Deployment => "A level's or a store's own `scope by` overrides it.",
        ScopeOwner::Access(_) => {
            "It overrides the deployment's; a store's own `scope by` overrides it."
        }
        ScopeOwner::Store(_) => "It overrides the level's and the deployment's.",
    });
    md
}

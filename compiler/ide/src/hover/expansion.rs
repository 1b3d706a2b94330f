//! What an abstract grant expands to, per target cloud, as lowered.

use super::short_list;
use crate::{expand, Analysis};
use engc_core::model;
use std::fmt::Write as _;

/// Per cloud, what a lowered access level grants.
pub fn expansion(a: &Analysis, m: &model::Access) -> String {
    let mut md = String::new();
    let clouds = expand::clouds(a);
    let mut any = false;
    if !m.aws.is_empty() {
        any = true;
        md.push_str("**AWS**\n");
        for st in &m.aws {
            let _ = write!(
                md,
                "- {} on {}",
                short_list(st.actions.iter().map(String::as_str)),
                short_list(st.resources.iter().map(String::as_str))
            );
            for (op, keys) in &st.conditions {
                for (k, vals) in keys {
                    let _ = write!(md, " when `{op}` `{k}` = `{}`", vals.join("`, `"));
                }
            }
            md.push('\n');
        }
        md.push('\n');
    }
    if !m.gcp.permissions.is_empty() {
        any = true;
        let _ = write!(
            md,
            "**GCP** permissions: {}\n\n",
            short_list(m.gcp.permissions.iter().map(String::as_str))
        );
    }
    if !m.azure.is_empty() {
        any = true;
        md.push_str("**Azure**\n");
        if !m.azure.actions.is_empty() {
            let _ = writeln!(
                md,
                "- actions: {}",
                short_list(m.azure.actions.iter().map(String::as_str))
            );
        }
        if !m.azure.data_actions.is_empty() {
            let _ = writeln!(
                md,
                "- data actions: {}",
                short_list(m.azure.data_actions.iter().map(String::as_str))
            );
        }
        md.push('\n');
    }
    if !m.k8s.is_empty() {
        any = true;
        md.push_str("**Kubernetes**\n");
        for r in &m.k8s {
            match &r.namespace {
                Some(ns) => {
                    let _ = writeln!(md, "- Role `{}` in `{ns}`:", r.name);
                }
                None => {
                    let _ = writeln!(md, "- ClusterRole `{}`:", r.name);
                }
            }
            for rule in &r.rules {
                let groups: Vec<&str> = rule
                    .api_groups
                    .iter()
                    .map(|g| if g.is_empty() { "core" } else { g.as_str() })
                    .collect();
                let _ = writeln!(
                    md,
                    "  - {} {}: {}",
                    groups.join(", "),
                    rule.resources.join(", "),
                    rule.verbs.join(", ")
                );
            }
        }
        md.push('\n');
    }
    if !any {
        md.push_str("nothing on the deployment's clouds");
        let names: Vec<&str> = clouds.iter().map(|c| c.as_str()).collect();
        if !names.is_empty() {
            let _ = write!(md, " ({})", names.join(", "));
        }
        md.push('\n');
    }
    md.trim_end().to_string()
}

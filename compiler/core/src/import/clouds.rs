//! GCP custom roles and bindings, Azure role definitions and engc's Azure assignment
//! script.

use super::tree::{Node, Val};
use super::{Ctx, FileInfo};
use crate::diag::Code;
use crate::source::Span;

/// A GCP custom role: `gcloud iam roles describe` output or engc's `gcp/ACCESS.role.json`.
pub(super) fn gcp_role(ctx: &mut Ctx, node: &Node, access: &str) {
    let perms = node
        .get("includedPermissions")
        .expect("checked by the caller");
    let Some(perms) = ctx.strings(perms, "includedPermissions") else {
        return;
    };
    let title = node.get("title").and_then(|n| ctx.string(n, "title"));
    let description = node
        .get("description")
        .and_then(|n| ctx.string(n, "description"));
    if let Some(stage) = node.get("stage") {
        if stage.str() != Some("GA") {
            ctx.skipped(
                stage.span,
                "the role's launch stage is not imported",
                "engc writes every custom role as `GA`",
            );
        }
    }
    // `projects/P/roles/ID` names the role's id.
    let role_id = node
        .get("name")
        .and_then(Node::str)
        .and_then(|n| n.rsplit_once("/roles/"))
        .map(|(_, id)| id.to_string());
    let a = ctx.access(access);
    a.gcp_permissions.extend(perms);
    if title.is_some() {
        a.title = title;
    }
    if description.is_some() {
        a.description = description;
    }
    if role_id.is_some() && a.gcp_role_id.is_none() {
        a.gcp_role_id = role_id;
    }
}

/// An IAM policy fragment: the bindings of engc's `gcp/ACCESS.bindings.json`, or the
/// impersonation bindings of the level's service account.
pub(super) fn gcp_bindings(
    ctx: &mut Ctx,
    name: &str,
    node: &Node,
    info: Option<&FileInfo>,
    access: &str,
) {
    let impersonation = info
        .map(|i| i.kind == "impersonation-bindings")
        .unwrap_or(false)
        || name.contains(".impersonation.");
    let Some(list) = node.get("bindings") else {
        return;
    };
    let Val::List(bindings) = &list.val else {
        ctx.error(
            Code::E1003,
            list.span,
            format!("`bindings` must be a list, not {}", list.what()),
            "",
        );
        return;
    };
    let principal = ctx
        .desc
        .accesses
        .get(access)
        .and_then(|a| a.principal.clone())
        .or_else(|| info.and_then(|i| i.principal.clone()));
    for b in bindings {
        let Some(role) = b.get("role").and_then(|r| ctx.string(r, "role")) else {
            ctx.error(Code::E1003, b.span, "a binding without `role`", "");
            continue;
        };
        let Some(members) = b.get("members").and_then(|m| ctx.strings(m, "members")) else {
            ctx.error(Code::E1003, b.span, "a binding without `members`", "");
            continue;
        };
        if let Some(c) = b.get("condition") {
            ctx.skipped(
                c.span,
                "a binding's IAM condition is not imported",
                "write it with `gcp bind ... when \"CEL\" as \"TITLE\"`",
            );
        }
        if impersonation {
            let Some(p) = principal.clone() else {
                ctx.skipped(
                    b.span,
                    "impersonation bindings of no known principal",
                    "import them with the manifest of the build folder",
                );
                continue;
            };
            ctx.principal(&p).impersonated_by.extend(members);
            continue;
        }
        let mut account = None;
        for m in &members {
            match m.strip_prefix("serviceAccount:") {
                Some(email) if account.is_none() => account = Some(email.to_string()),
                _ => ctx.skipped(
                    b.span,
                    format!("member `{m}` is not imported"),
                    "one service account per access level; bind others with `gcp bind`",
                ),
            }
        }
        let Some(email) = account else { continue };
        let p = principal
            .clone()
            .unwrap_or_else(|| super::ident(email.split('@').next().unwrap_or("principal")));
        ctx.principal(&p).gcp_service_account = Some(email);
        let a = ctx.access(access);
        a.principal.get_or_insert(p);
        match role.rsplit_once("/roles/") {
            Some((scope, id))
                if scope.starts_with("projects/") || scope.starts_with("organizations/") =>
            {
                // The level's own custom role, unless another level's role is bound.
                if a.gcp_permissions.is_empty() && !role.contains("${project_id}") {
                    a.gcp_roles.push(role);
                } else if a.gcp_role_id.is_none() {
                    a.gcp_role_id = Some(id.to_string());
                }
            }
            _ => a.gcp_roles.push(role),
        }
    }
}

/// The key of `node` whatever its case (`Actions` in engc's and `az`'s form,
/// `actions` in ARM's).
fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.val {
        Val::Map(m) => m
            .iter()
            .find(|(k, _)| k.str().is_some_and(|s| s.eq_ignore_ascii_case(key)))
            .map(|(_, v)| v),
        _ => None,
    }
}

pub(super) fn is_azure_role(node: &Node) -> bool {
    let n = field(node, "properties").unwrap_or(node);
    ["Actions", "DataActions", "permissions", "AssignableScopes"]
        .iter()
        .any(|k| field(n, k).is_some())
}

/// An Azure role definition: engc's and `az role definition create`'s form
/// (`Actions`...), or ARM's (`properties.permissions[].actions`...).
pub(super) fn azure_role(ctx: &mut Ctx, node: &Node, access: &str) {
    let n = field(node, "properties").unwrap_or(node);
    let title = field(n, "Name")
        .or_else(|| field(n, "roleName"))
        .and_then(|t| ctx.string(t, "Name"));
    let description = field(n, "Description").and_then(|t| ctx.string(t, "Description"));
    let names = ["Actions", "NotActions", "DataActions", "NotDataActions"];
    let mut lists: [Vec<String>; 4] = Default::default();
    let mut blocks = vec![n];
    if let Some(p) = field(n, "permissions") {
        match &p.val {
            Val::List(items) => blocks = items.iter().collect(),
            _ => {
                ctx.error(
                    Code::E1003,
                    p.span,
                    format!("`permissions` must be a list, not {}", p.what()),
                    "",
                );
                return;
            }
        }
        if blocks.len() > 1 {
            ctx.error(
                Code::E1004,
                p.span,
                "a role with several permission blocks",
                "`.eng` writes one block: merge them",
            );
            return;
        }
    }
    for b in blocks {
        for (i, key) in names.iter().enumerate() {
            if let Some(v) = field(b, key) {
                match ctx.strings(v, key) {
                    Some(v) => lists[i].extend(v),
                    None => return,
                }
            }
        }
    }
    let scopes = match field(n, "AssignableScopes") {
        Some(s) => match ctx.strings(s, "AssignableScopes") {
            Some(s) => s,
            None => return,
        },
        None => Vec::new(),
    };
    let a = ctx.access(access);
    for (i, l) in lists.into_iter().enumerate() {
        for x in l {
            if !a.azure[i].contains(&x) {
                a.azure[i].push(x);
            }
        }
    }
    for s in scopes {
        if !a.azure_scopes.contains(&s) {
            a.azure_scopes.push(s);
        }
    }
    if title.is_some() {
        a.title = title;
    }
    if description.is_some() {
        a.description = description;
    }
}

/// engc's `azure/ACCESS.assign.sh`: the service principal the role is assigned to.
pub(super) fn azure_assign_script(
    ctx: &mut Ctx,
    file: crate::source::FileId,
    text: &str,
    principal: Option<String>,
) {
    const FLAG: &str = "--assignee-object-id ";
    let Some(at) = text.find(FLAG) else {
        return;
    };
    let rest = &text[at + FLAG.len()..];
    let value: String = rest
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\\')
        .trim()
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    match principal {
        Some(p) if !value.is_empty() => ctx.principal(&p).azure_service_principal = Some(value),
        _ => ctx.skipped(
            Span::new(file, at, at + FLAG.len()),
            "an Azure assignment of no known principal",
            "import the script with the manifest of its build folder",
        ),
    }
}

/// engc's `gcp/ACCESS.resource-bindings.json`: `gcp bind` lines, one per role and
/// resource, each to the members written.
pub(super) fn gcp_resource_bindings(ctx: &mut Ctx, node: &Node, access: &str) {
    use super::emit::{q, strings};
    let Some(Val::List(resources)) = node.get("resources").map(|n| &n.val) else {
        ctx.error(
            Code::E1003,
            node.key_span(),
            "`resources` must be a list",
            "",
        );
        return;
    };
    for r in resources {
        let kind = r.get("type").and_then(Node::str).unwrap_or_default();
        let Some(name) = r.get("name").and_then(Node::str) else {
            ctx.error(Code::E1003, r.span, "a resource without `name`", "");
            continue;
        };
        if ![
            "bucket",
            "service_account",
            "project",
            "folder",
            "organization",
        ]
        .contains(&kind)
        {
            ctx.error(
                Code::E1004,
                r.span,
                format!("a binding on a `{kind}`, which `gcp bind` cannot name"),
                "",
            );
            continue;
        }
        let Some(Val::List(bindings)) = r.get("bindings").map(|n| &n.val) else {
            continue;
        };
        for b in bindings {
            let (Some(role), Some(members)) = (
                b.get("role").and_then(|x| ctx.string(x, "role")),
                b.get("members").and_then(|x| ctx.strings(x, "members")),
            ) else {
                ctx.error(
                    Code::E1003,
                    b.span,
                    "a binding needs `role` and `members`",
                    "",
                );
                continue;
            };
            let mut line = format!(
                "{} on {kind} {} to {}",
                q(&role),
                q(name),
                strings(&members)
            );
            if let Some(c) = b.get("condition") {
                let expr = c.get("expression").and_then(Node::str).unwrap_or_default();
                line.push_str(&format!(" when {}", q(expr)));
                if let Some(t) = c.get("title").and_then(Node::str) {
                    line.push_str(&format!(" as {}", q(t)));
                }
            }
            ctx.access(access).gcp_binds.push(line);
        }
    }
}

/// engc's `azure/ACCESS.builtin-assignments.json`: `azure assign` lines.
pub(super) fn azure_assignments(ctx: &mut Ctx, node: &Node, access: &str) {
    use super::emit::{q, strings};
    let Some(Val::List(items)) = node.get("assignments").map(|n| &n.val) else {
        ctx.error(
            Code::E1003,
            node.key_span(),
            "`assignments` must be a list",
            "",
        );
        return;
    };
    for a in items {
        let role = a
            .get("roleDefinitionName")
            .or_else(|| a.get("roleDefinitionId"))
            .and_then(Node::str);
        let (Some(role), Some(scope)) = (role, a.get("scope").and_then(Node::str)) else {
            ctx.error(
                Code::E1003,
                a.span,
                "an assignment needs `roleDefinitionName` and `scope`",
                "",
            );
            continue;
        };
        let mut line = format!("{} on {}", q(role), q(scope));
        if let Some(ids) = a
            .get("principalIds")
            .and_then(|x| ctx.strings(x, "principalIds"))
        {
            if !ids.is_empty() {
                line.push_str(&format!(" to {}", strings(&ids)));
            }
        }
        ctx.access(access).azure_assigns.push(line);
    }
}

//! Kubernetes RBAC: Roles and ClusterRoles become `k8s role` / `k8s cluster_role`
//! blocks; a binding of the same name to one service account makes that account the
//! level's principal (as engc writes them), any other binding a `k8s bind` line.

use super::tree::{Node, Val};
use super::{ident, Ctx, K8sRole, K8sRule};
use crate::diag::Code;

pub(super) fn document(ctx: &mut Ctx, node: &Node, access: &str, principal: Option<String>) {
    let kind = node.get("kind").and_then(Node::str).unwrap_or_default();
    match kind {
        "List" | "RoleList" | "ClusterRoleList" | "RoleBindingList" | "ClusterRoleBindingList" => {
            if let Some(Val::List(items)) = node.get("items").map(|n| &n.val) {
                for i in items {
                    document(ctx, i, access, principal.clone());
                }
            }
        }
        "Role" | "ClusterRole" => role(ctx, node, access, kind == "ClusterRole"),
        "RoleBinding" | "ClusterRoleBinding" => binding(ctx, node, access, principal),
        _ => ctx.skipped(
            node.get("kind").map_or(node.span, |k| k.span),
            format!("a Kubernetes `{kind}` is not imported"),
            "engc import reads Roles, ClusterRoles and their bindings",
        ),
    }
}

fn meta(ctx: &mut Ctx, node: &Node, field: &str) -> Option<String> {
    let m = node.get("metadata")?;
    ctx.string(m.get(field)?, field)
}

fn role(ctx: &mut Ctx, node: &Node, access: &str, cluster: bool) {
    let Some(name) = meta(ctx, node, "name") else {
        ctx.error(
            Code::E1003,
            node.key_span(),
            "a role without `metadata.name`",
            "",
        );
        return;
    };
    let namespace = meta(ctx, node, "namespace");
    if !cluster && namespace.is_none() {
        ctx.error(
            Code::E1003,
            node.key_span(),
            format!("Role `{name}` without `metadata.namespace`"),
            "a Role lives in a namespace; a ClusterRole in none",
        );
        return;
    }
    for skipped in ["aggregationRule"] {
        if let Some(n) = node.get(skipped) {
            ctx.skipped(
                n.span,
                format!("`{skipped}` is not imported"),
                "write it with `k8s cluster_role \"NAME\" aggregate [...]`",
            );
        }
    }
    let mut rules = Vec::new();
    match node.get("rules").map(|r| &r.val) {
        Some(Val::List(items)) => {
            for r in items {
                let get = |ctx: &mut Ctx, k: &str| match r.get(k) {
                    Some(v) => ctx.strings(v, k).map(Some),
                    None => Some(None),
                };
                let (Some(groups), Some(resources), Some(verbs), Some(names), Some(urls)) = (
                    get(ctx, "apiGroups"),
                    get(ctx, "resources"),
                    get(ctx, "verbs"),
                    get(ctx, "resourceNames"),
                    get(ctx, "nonResourceURLs"),
                ) else {
                    return;
                };
                let Some(verbs) = verbs.filter(|v| !v.is_empty()) else {
                    ctx.error(Code::E1003, r.span, "a rule without `verbs`", "");
                    return;
                };
                rules.push(K8sRule {
                    groups,
                    resources,
                    verbs,
                    names,
                    urls,
                });
            }
        }
        Some(_) | None
            if node
                .get("rules")
                .is_some_and(|r| !matches!(r.val, Val::Null)) =>
        {
            let r = node.get("rules").expect("present");
            ctx.error(
                Code::E1003,
                r.span,
                format!("`rules` must be a list, not {}", r.what()),
                "",
            );
            return;
        }
        _ => {}
    }
    ctx.access(access).k8s.push(K8sRole {
        cluster,
        name,
        namespace: (!cluster).then_some(namespace).flatten(),
        rules,
    });
}

fn binding(ctx: &mut Ctx, node: &Node, access: &str, principal: Option<String>) {
    let name = meta(ctx, node, "name").unwrap_or_default();
    let namespace = meta(ctx, node, "namespace");
    let Some(role_ref) = node.get("roleRef") else {
        ctx.error(
            Code::E1003,
            node.key_span(),
            "a binding without `roleRef`",
            "",
        );
        return;
    };
    let ref_kind = role_ref
        .get("kind")
        .and_then(Node::str)
        .unwrap_or_default()
        .to_string();
    let Some(ref_name) = role_ref.get("name").and_then(|n| ctx.string(n, "name")) else {
        ctx.error(Code::E1003, role_ref.span, "a `roleRef` without `name`", "");
        return;
    };
    let mut subjects = Vec::new();
    if let Some(s) = node.get("subjects") {
        let Val::List(items) = &s.val else {
            ctx.error(
                Code::E1003,
                s.span,
                format!("`subjects` must be a list, not {}", s.what()),
                "",
            );
            return;
        };
        for i in items {
            let kind = i.get("kind").and_then(Node::str).unwrap_or_default();
            let sname = i.get("name").and_then(Node::str).unwrap_or_default();
            let sns = i
                .get("namespace")
                .and_then(Node::str)
                .or(namespace.as_deref())
                .unwrap_or_default();
            subjects.push((kind.to_string(), sname.to_string(), sns.to_string(), i.span));
        }
    }
    // engc's own shape: a binding named as its role, to the level's service account.
    let own = ctx.desc.accesses.get(access).is_some_and(|a| {
        a.k8s.iter().any(|r| {
            r.name == ref_name
                && r.name == name
                && r.cluster == (ref_kind == "ClusterRole")
                && r.namespace == namespace.clone().filter(|_| !r.cluster)
        })
    });
    if own && subjects.len() == 1 && subjects[0].0 == "ServiceAccount" {
        let (_, sa, ns, _) = &subjects[0];
        let existing = ctx
            .desc
            .accesses
            .get(access)
            .and_then(|a| a.principal.clone());
        let p = existing.or(principal).unwrap_or_else(|| ident(sa));
        let current = ctx
            .desc
            .principals
            .get(&p)
            .and_then(|x| x.k8s_service_account.clone());
        if current.is_none() || current == Some((sa.clone(), ns.clone())) {
            ctx.principal(&p).k8s_service_account = Some((sa.clone(), ns.clone()));
            ctx.access(access).principal.get_or_insert(p);
            return;
        }
    }
    let mut members = Vec::new();
    for (kind, sname, sns, span) in &subjects {
        match kind.as_str() {
            "ServiceAccount" => members.push(format!("serviceaccount:{sns}/{sname}")),
            "User" => members.push(format!("user:{sname}")),
            "Group" => members.push(format!("group:{sname}")),
            other => ctx.error(
                Code::E1004,
                *span,
                format!("a `{other}` subject `.eng` cannot express"),
                "subjects are service accounts, users and groups",
            ),
        }
    }
    use super::emit::{q, strings};
    let kind = if ref_kind == "ClusterRole" {
        "cluster_role"
    } else {
        "role"
    };
    let mut line = format!("{kind} {}", q(&ref_name));
    if let Some(ns) =
        namespace.filter(|_| node.get("kind").and_then(Node::str) == Some("RoleBinding"))
    {
        line.push_str(&format!(" in {}", q(&ns)));
    }
    if !members.is_empty() {
        line.push_str(&format!(" to {}", strings(&members)));
    }
    ctx.access(access).k8s_binds.push(line);
}

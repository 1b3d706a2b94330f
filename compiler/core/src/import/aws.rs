//! AWS documents: identity policies (`aws allow|deny` statements), trust policies
//! (`aws role` and `aws trust` lines of a principal), engc's role descriptions
//! (`aws/NAME.role.json`: which levels are the role's, inline, boundary, instance
//! profile) and managed policy lists.

use super::tree::{Node, Val};
use super::{stem, Ctx, FileInfo, Statement};
use crate::diag::Code;

/// The fields a statement may have; anything else is E1003.
const STATEMENT_FIELDS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "NotPrincipal",
];

pub(super) fn policy(
    ctx: &mut Ctx,
    name: &str,
    node: &Node,
    info: Option<&FileInfo>,
    access: &str,
) {
    let Some(stmts) = statements(ctx, node) else {
        return;
    };
    let kind = info.map(|i| i.kind.as_str()).unwrap_or("");
    let has_principal = stmts
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    let assumes = stmts.iter().all(|s| {
        let actions = s.get("Action").and_then(|a| match &a.val {
            Val::Str(x) => Some(vec![x.clone()]),
            Val::List(l) => l.iter().map(|n| n.str().map(str::to_string)).collect(),
            _ => None,
        });
        actions.is_some_and(|a| a.iter().all(|x| x.to_ascii_lowercase().starts_with("sts:")))
    });
    if kind == "trust-policy" || (kind.is_empty() && has_principal && assumes) {
        let principal = info
            .and_then(|i| i.principal.clone())
            .or_else(|| {
                ctx.trust_owner
                    .iter()
                    .find(|(p, _)| name == *p || name.ends_with(&format!("/{p}")))
                    .map(|(_, o)| o.clone())
            })
            .unwrap_or_else(|| stem(name));
        trust(ctx, &principal, &stmts);
        return;
    }
    if has_principal {
        ctx.skipped(
            node.key_span(),
            format!("`{name}` is a resource policy (its statements name a `Principal`)"),
            "engc import reads identity and trust policies; write a bucket or key policy in \
             the store's block (`store NAME: s3 { aws allow ... for ... }`)",
        );
        return;
    }
    let mut out = Vec::new();
    for s in &stmts {
        if let Some(st) = statement(ctx, s) {
            out.push(st);
        }
    }
    let principal = info.and_then(|i| i.principal.clone());
    let a = ctx.access(access);
    a.aws.extend(out);
    if kind == "inline-policy" {
        a.aws_inline = true;
    }
    if a.principal.is_none() {
        a.principal = principal;
    }
}

/// The statements of a policy: `Statement` is one object or a list of them.
fn statements<'a>(ctx: &mut Ctx, node: &'a Node) -> Option<Vec<&'a Node>> {
    let st = node.get("Statement")?;
    let list: Vec<&Node> = match &st.val {
        Val::List(items) => items.iter().collect(),
        Val::Map(_) => vec![st],
        _ => {
            ctx.error(
                Code::E1003,
                st.span,
                format!(
                    "`Statement` must be an object or a list of objects, not {}",
                    st.what()
                ),
                "",
            );
            return None;
        }
    };
    let mut ok = true;
    for s in &list {
        match &s.val {
            Val::Map(fields) => {
                for (k, _) in fields {
                    let key = k.str().unwrap_or_default();
                    if !STATEMENT_FIELDS.contains(&key) {
                        ctx.error(
                            Code::E1003,
                            k.span,
                            format!("unknown statement field `{key}`"),
                            "a statement has `Sid`, `Effect`, `Action` or `NotAction`, \
                             `Resource` or `NotResource`, `Condition`, and in a trust policy \
                             `Principal`",
                        );
                        ok = false;
                    }
                }
            }
            _ => {
                ctx.error(
                    Code::E1003,
                    s.span,
                    format!("a statement must be an object, not {}", s.what()),
                    "",
                );
                ok = false;
            }
        }
    }
    ok.then_some(list)
}

/// `Effect`: `true` for Allow.
fn effect(ctx: &mut Ctx, s: &Node) -> Option<bool> {
    let Some(e) = s.get("Effect") else {
        ctx.error(
            Code::E1003,
            s.key_span(),
            "a statement without `Effect`",
            "add `\"Effect\": \"Allow\"` or `\"Deny\"`",
        );
        return None;
    };
    match e.str() {
        Some("Allow") => Some(true),
        Some("Deny") => Some(false),
        _ => {
            ctx.error(
                Code::E1003,
                e.span,
                "`Effect` must be `Allow` or `Deny`",
                "IAM reads the effect case-sensitively",
            );
            None
        }
    }
}

fn statement(ctx: &mut Ctx, s: &Node) -> Option<Statement> {
    let allow = effect(ctx, s)?;
    let sid = match s.get("Sid") {
        Some(n) => Some(ctx.string(n, "Sid")?).filter(|x| !x.is_empty()),
        None => None,
    };
    let (not_action, actions) = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), None) => (false, ctx.strings(a, "Action")?),
        (None, Some(a)) => (true, ctx.strings(a, "NotAction")?),
        (Some(_), Some(n)) => {
            ctx.error(
                Code::E1003,
                n.span,
                "a statement with both `Action` and `NotAction`",
                "IAM refuses it: keep one",
            );
            return None;
        }
        (None, None) => {
            ctx.error(
                Code::E1003,
                s.key_span(),
                "a statement without `Action` or `NotAction`",
                "",
            );
            return None;
        }
    };
    if actions.is_empty() {
        ctx.error(
            Code::E1003,
            s.get(if not_action { "NotAction" } else { "Action" })
                .map_or(s.span, |n| n.span),
            "an empty action list",
            "",
        );
        return None;
    }
    let (not_resource, resources) = match (s.get("Resource"), s.get("NotResource")) {
        (Some(r), None) => (false, Some(ctx.strings(r, "Resource")?)),
        (None, Some(r)) => (true, Some(ctx.strings(r, "NotResource")?)),
        (Some(_), Some(n)) => {
            ctx.error(
                Code::E1003,
                n.span,
                "a statement with both `Resource` and `NotResource`",
                "IAM refuses it: keep one",
            );
            return None;
        }
        (None, None) => (false, None),
    };
    let conditions = match s.get("Condition") {
        Some(c) => conditions(ctx, c)?,
        None => Vec::new(),
    };
    Some(Statement {
        sid,
        allow,
        not_action,
        actions,
        not_resource,
        resources: resources.filter(|r| !(r.len() == 1 && r[0] == "*" && !not_resource)),
        conditions,
        span: s.key_span(),
    })
}

/// `Condition`: operator → key → value or values (strings, booleans, numbers).
fn conditions(ctx: &mut Ctx, c: &Node) -> Option<Vec<(String, String, Vec<String>)>> {
    let Val::Map(ops) = &c.val else {
        ctx.error(
            Code::E1003,
            c.span,
            format!("`Condition` must be an object, not {}", c.what()),
            "",
        );
        return None;
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let op = op.str().unwrap_or_default().to_string();
        let Val::Map(keys) = &keys.val else {
            ctx.error(
                Code::E1003,
                keys.span,
                format!("the keys of `{op}` must be an object, not {}", keys.what()),
                "",
            );
            return None;
        };
        for (key, values) in keys {
            let key = key.str().unwrap_or_default().to_string();
            let vals: Option<Vec<String>> = match &values.val {
                Val::List(l) => l.iter().map(Node::scalar).collect(),
                _ => values.scalar().map(|v| vec![v]),
            };
            let Some(vals) = vals else {
                ctx.error(
                    Code::E1003,
                    values.span,
                    format!("the value of `{key}` must be a string, number or boolean, or a list of them"),
                    "",
                );
                return None;
            };
            if vals.is_empty() {
                ctx.error(
                    Code::E1004,
                    values.span,
                    format!("an empty value list for `{key}`"),
                    "a `.eng` condition needs at least one value",
                );
                return None;
            }
            out.push((op.clone(), key, vals));
        }
    }
    Some(out)
}

/// A trust policy: the first statement may be the principal's `aws role` line; every
/// other statement is an `aws trust` line per kind of principal it names.
fn trust(ctx: &mut Ctx, principal: &str, stmts: &[&Node]) {
    for (i, s) in stmts.iter().enumerate() {
        let Some(allow) = effect(ctx, s) else {
            continue;
        };
        if !allow {
            ctx.error(
                Code::E1004,
                s.key_span(),
                "a `Deny` statement in a trust policy",
                "`aws trust` lines allow; `.eng` has no deny in a trust policy",
            );
            continue;
        }
        if let Some(n) = s
            .get("NotPrincipal")
            .or_else(|| s.get("NotAction"))
            .or_else(|| s.get("Resource"))
            .or_else(|| s.get("NotResource"))
        {
            ctx.error(
                Code::E1004,
                n.span,
                "a trust statement field `.eng` cannot express",
                "a trust statement has `Principal`, `Action`, `Condition` and `Sid`",
            );
            continue;
        }
        let Some(action) = s.get("Action") else {
            ctx.error(
                Code::E1003,
                s.key_span(),
                "a trust statement without `Action`",
                "add `\"Action\": \"sts:AssumeRole\"`",
            );
            continue;
        };
        let Some(actions) = ctx.strings(action, "Action") else {
            continue;
        };
        let sid = match s.get("Sid") {
            Some(n) => ctx.string(n, "Sid").filter(|x| !x.is_empty()),
            None => None,
        };
        let conds = match s.get("Condition") {
            Some(c) => match conditions(ctx, c) {
                Some(c) => c,
                None => continue,
            },
            None => Vec::new(),
        };
        let Some(p) = s.get("Principal") else {
            ctx.error(
                Code::E1003,
                s.key_span(),
                "a trust statement without `Principal`",
                "",
            );
            continue;
        };
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        match &p.val {
            Val::Str(x) if x == "*" => groups.push(("account", vec!["*".into()])),
            Val::Map(kinds) => {
                for (k, v) in kinds {
                    let Some(vals) = ctx.strings(v, "Principal") else {
                        continue;
                    };
                    match k.str().unwrap_or_default() {
                        "AWS" => {
                            let (accounts, roles): (Vec<String>, Vec<String>) =
                                vals.into_iter().partition(|v| {
                                    v == "*"
                                        || v.ends_with(":root")
                                        || v.bytes().all(|b| b.is_ascii_digit())
                                });
                            for (kind, list) in [("account", accounts), ("role", roles)] {
                                if !list.is_empty() {
                                    groups.push((kind, list));
                                }
                            }
                        }
                        "Service" => groups.push(("service", vals)),
                        "Federated" => groups.push(("federated", vals)),
                        other => ctx.error(
                            Code::E1004,
                            k.span,
                            format!("a `{other}` principal `.eng` cannot express"),
                            "a trust names `AWS`, `Service` or `Federated` principals",
                        ),
                    }
                }
            }
            _ => {
                ctx.error(
                    Code::E1003,
                    p.span,
                    format!("`Principal` must be `*` or an object, not {}", p.what()),
                    "",
                );
                continue;
            }
        }
        // The `aws role` line: the first statement, a role ARN assuming the role, with at
        // most the external id as condition.
        let ext = match conds.as_slice() {
            [] => Some(None),
            [(op, key, v)] if op == "StringEquals" && key == "sts:ExternalId" && v.len() == 1 => {
                Some(Some(v[0].clone()))
            }
            _ => None,
        };
        if i == 0
            && sid.is_none()
            && actions == ["sts:AssumeRole"]
            && groups.len() == 1
            && groups[0].0 == "role"
            && groups[0].1.len() == 1
            && groups[0].1[0].contains(":role/")
            && ctx
                .desc
                .principals
                .get(principal)
                .is_none_or(|p| p.aws_role.is_none())
        {
            if let Some(ext) = ext {
                let arn = groups[0].1[0].clone();
                ctx.principal(principal).aws_role = Some((arn, ext));
                continue;
            }
        }
        for (kind, list) in groups {
            let line = trust_line(kind, list, &actions, &mut conds.clone(), sid.as_deref());
            ctx.principal(principal).trusts.push(line);
        }
    }
}

/// One `aws trust` line (without `aws trust`), OIDC issuers recognised.
fn trust_line(
    kind: &str,
    list: Vec<String>,
    actions: &[String],
    conds: &mut Vec<(String, String, Vec<String>)>,
    sid: Option<&str>,
) -> String {
    use super::emit::{q, strings};
    let mut kind = kind.to_string();
    let mut list = list;
    let mut subject = String::new();
    if kind == "federated" && list.len() == 1 {
        if let Some(issuer) = list[0].strip_prefix("arn:aws:iam::${account_id}:oidc-provider/") {
            let aud = format!("{issuer}:aud");
            let sub = format!("{issuer}:sub");
            let has_aud = conds
                .iter()
                .any(|(op, k, v)| op == "StringEquals" && *k == aud && v == &["sts.amazonaws.com"]);
            if has_aud {
                let issuer = issuer.to_string();
                conds.retain(|(op, k, _)| !(op == "StringEquals" && *k == aud));
                let found = conds.iter().position(|(op, k, v)| {
                    *k == sub
                        && v.len() == 1
                        && v[0].starts_with("system:serviceaccount:")
                        && v[0].split(':').count() == 4
                        && (op == "StringEquals" && !v[0].contains(['*', '?'])
                            || op == "StringLike" && v[0].contains(['*', '?']))
                });
                if let Some(at) = found {
                    let (_, _, v) = conds.remove(at);
                    let parts: Vec<&str> = v[0].split(':').collect();
                    subject = format!(" service_account {} in {}", q(parts[3]), q(parts[2]));
                }
                kind = "oidc".into();
                list = vec![issuer];
            }
        }
    }
    let default = match kind.as_str() {
        "oidc" => "sts:AssumeRoleWithWebIdentity",
        "federated" if list.iter().all(|p| p.contains(":saml-provider/")) => {
            "sts:AssumeRoleWithSAML"
        }
        "federated" => "sts:AssumeRoleWithWebIdentity",
        _ => "sts:AssumeRole",
    };
    let mut line = format!("{kind} {}{subject}", strings(&list));
    if actions != [default] {
        line.push_str(&format!(" actions {}", strings(actions)));
    }
    line.push_str(&super::emit::when(conds, None));
    if let Some(sid) = sid {
        line.push_str(&format!(" as {}", q(sid)));
    }
    line
}

/// `aws/NAME.role.json`: the principal's levels, inline policies, boundary and instance
/// profile; a trust policy given inline (`aws iam get-role`) is imported too.
pub(super) fn role_description(ctx: &mut Ctx, name: &str, node: &Node) {
    let node = node.get("Role").unwrap_or(node);
    let principal = stem(name);
    let role_name = node.get("RoleName").and_then(Node::str).map(str::to_string);
    ctx.principal(&principal);
    match node.get("AssumeRolePolicyDocument") {
        Some(Node {
            val: Val::Str(path),
            ..
        }) => {
            ctx.trust_owner.insert(path.clone(), principal.clone());
        }
        Some(
            doc @ Node {
                val: Val::Map(_), ..
            },
        ) => {
            if let Some(stmts) = statements(ctx, doc) {
                trust(ctx, &principal, &stmts);
            }
        }
        Some(other) => ctx.error(
            Code::E1003,
            other.span,
            format!(
                "`AssumeRolePolicyDocument` must be a file name or a policy, not {}",
                other.what()
            ),
            "",
        ),
        None => {}
    }
    for (field, inline) in [("ManagedPolicies", false), ("InlinePolicies", true)] {
        if let Some(Val::List(items)) = node.get(field).map(|n| &n.val) {
            for item in items {
                if let Some(access) = item.get("Access").and_then(Node::str) {
                    let a = ctx.access(access);
                    a.principal.get_or_insert_with(|| principal.clone());
                    a.aws_inline |= inline;
                }
            }
        }
    }
    if let Some(access) = node
        .get("PermissionsBoundary")
        .and_then(|b| b.get("Access"))
        .and_then(Node::str)
    {
        ctx.access(access);
        ctx.principal(&principal).boundary = Some(access.to_string());
    }
    if let Some(profile) = node.get("InstanceProfileName").and_then(Node::str) {
        let named = (Some(profile) != role_name.as_deref()).then(|| profile.to_string());
        ctx.principal(&principal).instance_profile = Some(named);
    }
}

/// `aws/ACCESS.managed.json`: `{"ManagedPolicyArns": [...]}`.
pub(super) fn managed(ctx: &mut Ctx, node: &Node, access: &str) {
    let list = node
        .get("ManagedPolicyArns")
        .expect("checked by the caller");
    if let Some(arns) = ctx.strings(list, "ManagedPolicyArns") {
        ctx.access(access).managed.extend(arns);
    }
}

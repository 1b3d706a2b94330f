//! The placeholders the GCP documents and the AWS trust policies hold, read from the
//! model's strings without building the documents: `engc check` needs only the names
//! (W0117), and on a large deployment every one of these documents holds
//! `${project_id}` or `${external_id}`, so skipping those without one saves nothing.
//!
//! Each function follows the document it is named for, string by string. A `${name}`
//! never spans two strings: JSON quotes each string and escapes nothing a name or
//! `${` is made of, and the scripts join quoted words and fixed text with characters
//! no name holds. So a JSON document holds the names its strings hold, and a script
//! holds those of its quoted words as shell variables ([`shell::variable`]: `-`
//! written `_`) and those of its header as they are. `tests/check_placeholders.rs`
//! compares these with the built documents on every example and test case.

use super::{shell, title_of};
use crate::model::{Model, Principal};
use crate::resolve::params::each_reference;
use std::borrow::Cow;

/// The names one document holds, in any order, repeats kept until [`done`].
type Held<'m> = Vec<Cow<'m, str>>;

/// A string written into a JSON document (or a script's header, as it is).
fn text<'m>(out: &mut Held<'m>, s: &'m str) {
    each_reference(s, |n, _| out.push(Cow::Borrowed(n)));
}

/// A string written as a quoted shell word ([`shell::quote`]).
fn word<'m>(out: &mut Held<'m>, s: &'m str) {
    each_reference(s, |n, _| {
        out.push(match n.contains('-') {
            true => Cow::Owned(shell::variable(n)),
            false => Cow::Borrowed(n),
        })
    });
}

/// `(path, names)` when the document holds any: the names sorted, each once.
fn done(out: &mut Vec<(String, Vec<String>)>, path: impl FnOnce() -> String, mut held: Held) {
    if held.is_empty() {
        return;
    }
    held.sort_unstable();
    held.dedup();
    out.push((path(), held.into_iter().map(Cow::into_owned).collect()));
}

/// What [`super::aws::trust_file`] of `principal` holds (none without an AWS role).
pub(super) fn aws_trust(principal: &Principal, out: &mut Vec<(String, Vec<String>)>) {
    if !principal.has_aws_role() {
        return;
    }
    let mut held = Held::new();
    if let Some(role) = &principal.aws_role {
        text(&mut held, &role.arn);
        if let Some(id) = &role.external_id {
            text(&mut held, id);
        }
    }
    for t in &principal.aws_trust {
        if let Some(sid) = &t.sid {
            text(&mut held, sid);
        }
        t.principals.iter().for_each(|s| text(&mut held, s));
        t.actions.iter().for_each(|s| text(&mut held, s));
        for (op, keys) in &t.conditions {
            text(&mut held, op);
            for (key, values) in keys {
                text(&mut held, key);
                values.iter().for_each(|s| text(&mut held, s));
            }
        }
    }
    done(out, || format!("aws/{}.trust.json", principal.name), held);
}

/// What [`super::gcp::emit`] holds, document by document.
pub(super) fn gcp(model: &Model, out: &mut Vec<(String, Vec<String>)>) {
    let project = model.deployment.project_id.as_str();
    for access in &model.accesses {
        let name = access.name.as_str();
        let path = |suffix: &str| format!("gcp/{name}.{suffix}");
        let has_role = !access.gcp.permissions.is_empty();
        // gcp/<access>.role.json: title, description, permissions.
        let mut role_strings: Vec<&str> = Vec::new();
        if has_role {
            role_strings.push(title_of(access));
            match access.description.as_deref() {
                Some(d) => role_strings.push(d),
                // `engc: <deployment> access level <access>`.
                None => role_strings.extend([model.deployment.name.as_str(), name]),
            }
            role_strings.extend(access.gcp.permissions.iter().map(String::as_str));
        }
        let mut role = Held::new();
        role_strings.iter().for_each(|s| text(&mut role, s));
        let account =
            super::principal_of(model, access).and_then(|p| p.gcp_service_account.as_ref());
        let own = account.filter(|_| has_role || !access.gcp.roles.is_empty());
        // The strings of the service account's email, of its roles' names.
        let email: &[&str] = match own {
            Some(a) if a.account.contains('@') => &[a.account.as_str()],
            Some(a) => &[a.account.as_str(), project],
            None => &[],
        };
        let custom: &[&str] = match has_role {
            true => &[project, access.gcp.role_id.as_str()],
            false => &[],
        };
        let roles = || {
            access
                .gcp
                .roles
                .iter()
                .map(String::as_str)
                .chain(custom.iter().copied())
        };
        let mut script = Held::new();
        if let Some(account) = own {
            let mut bindings = Held::new();
            roles().for_each(|r| text(&mut bindings, r));
            email.iter().for_each(|s| text(&mut bindings, s));
            done(out, || path("bindings.json"), bindings);
            let mut impersonation = Held::new();
            account
                .impersonated_by
                .iter()
                .for_each(|m| text(&mut impersonation, m));
            done(out, || path("impersonation.json"), impersonation);
            // gcp/<access>.bindings.sh: the header names the level; `roles create`
            // takes the role's file by path, or its text with the placeholders as
            // variables; one binding per role; one per impersonator.
            text(&mut script, name);
            if has_role {
                word(&mut script, &access.gcp.role_id);
                word(&mut script, project);
                if role.is_empty() {
                    word(&mut script, name);
                } else {
                    role_strings.iter().for_each(|s| word(&mut script, s));
                }
            }
            for r in roles() {
                word(&mut script, project);
                email.iter().for_each(|s| word(&mut script, s));
                word(&mut script, r);
            }
            for who in &account.impersonated_by {
                email.iter().for_each(|s| word(&mut script, s));
                word(&mut script, who);
            }
        }
        done(out, || path("role.json"), role);
        if !access.bindings.gcp.is_empty() {
            // gcp/<access>.resource-bindings.json, and the `gcloud` commands.
            let mut resources = Held::new();
            for b in &access.bindings.gcp {
                text(&mut resources, &b.resource);
                text(&mut resources, &b.role);
                b.members.iter().for_each(|m| text(&mut resources, m));
                if let Some((title, expression)) = &b.condition {
                    text(&mut resources, title);
                    text(&mut resources, expression);
                }
                // `gcp_bindings::commands`: one command per member.
                for m in &b.members {
                    word(&mut script, &b.resource);
                    word(&mut script, m);
                    word(&mut script, &b.role);
                    if let Some((title, expression)) = &b.condition {
                        word(&mut script, expression);
                        word(&mut script, title);
                    }
                }
            }
            done(out, || path("resource-bindings.json"), resources);
            if own.is_none() {
                text(&mut script, name);
            }
        }
        done(out, || path("bindings.sh"), script);
    }
}

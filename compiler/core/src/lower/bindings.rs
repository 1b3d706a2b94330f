//! `gcp bind`, `azure assign` and `k8s bind` to the model: members defaulted to the
//! level's own identity, Azure role names resolved to their ids, Kubernetes subjects
//! parsed. The shapes were checked before (`check::bindings`); what cannot be lowered
//! (an unknown role, a subject of no known kind) is left out, its error already given.

use super::Lowerer;
use crate::catalog::azure_roles;
use crate::model::{self, GcpTarget, K8sSubject};
use crate::syntax::ast;

impl Lowerer<'_, '_> {
    pub(super) fn bindings(&self, a: &ast::Access) -> model::Bindings {
        let principal = a
            .principal
            .as_ref()
            .and_then(|p| self.decls.principals.get(p.node.as_str()));
        let project = self.params.render("${project_id}");
        let mut out = model::Bindings::default();

        let own_member = principal
            .and_then(|p| p.gcp_service_account.as_ref())
            .map(|g| {
                let email =
                    crate::backend::gcp::service_account_email(&project, &self.fill(&g.account));
                format!("serviceAccount:{email}")
            });
        for b in &a.gcp_binds {
            let Some(target) = GcpTarget::parse(&b.target.node) else {
                continue;
            };
            let mut members = self.list(&b.members);
            if members.is_empty() {
                members.extend(own_member.clone());
            }
            members.sort();
            members.dedup();
            let mut resource = self.fill(&b.resource);
            if target == GcpTarget::ServiceAccount {
                resource = crate::backend::gcp::service_account_email(&project, &resource);
            }
            let condition = b.condition.as_ref().map(|(_, expr, title)| {
                (
                    title.as_ref().map(|t| self.fill(t)).unwrap_or_default(),
                    self.fill(expr),
                )
            });
            for role in &b.roles {
                out.gcp.push(model::GcpBinding {
                    role: self.fill(role),
                    target,
                    resource: resource.clone(),
                    members: members.clone(),
                    condition: condition.clone(),
                    own: b.members.is_empty(),
                    span: role.span,
                });
            }
        }

        let own_id = principal
            .and_then(|p| p.azure_principal.as_ref())
            .map(|s| self.fill(s));
        for z in &a.azure_assigns {
            let mut principals = self.list(&z.principals);
            if principals.is_empty() {
                principals.extend(own_id.clone());
            }
            principals.sort();
            principals.dedup();
            for role in &z.roles {
                let Some((name, id)) = azure_role(&self.fill(role)) else {
                    continue;
                };
                for scope in &z.scopes {
                    out.azure.push(model::AzureAssignment {
                        role_name: name.clone(),
                        role_id: id.clone(),
                        scope: self.fill(scope),
                        principals: principals.clone(),
                        own: z.principals.is_empty(),
                        span: role.span,
                    });
                }
            }
        }

        let own_subject = principal
            .and_then(|p| p.k8s_service_account.as_ref())
            .map(|k| K8sSubject {
                kind: "ServiceAccount",
                name: self.fill(&k.name),
                namespace: Some(self.fill(&k.namespace)),
            });
        for k in &a.k8s_binds {
            let mut subjects: Vec<K8sSubject> = k
                .subjects
                .iter()
                .filter_map(|s| k8s_subject(&self.fill(s)))
                .collect();
            if k.subjects.is_empty() {
                subjects.extend(own_subject.clone());
            }
            subjects.sort();
            subjects.dedup();
            out.k8s.push(model::K8sBinding {
                cluster_role: k.cluster_role,
                role: self.fill(&k.role),
                namespace: k.namespace.as_ref().map(|n| self.fill(n)),
                subjects,
                own: k.subjects.is_empty(),
                span: k.span,
            });
        }
        out
    }
}

/// A built-in role's (name, id): by name or id from the catalog, or any GUID as given.
pub fn azure_role(name: &str) -> Option<(String, String)> {
    if let Some(r) = azure_roles::find(name) {
        return Some((r.name.to_string(), r.id.to_string()));
    }
    let placeholder = name.contains("${");
    (is_guid(name) || placeholder).then(|| (name.to_string(), name.to_string()))
}

pub fn is_guid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `user:NAME`, `group:NAME` or `serviceaccount:NAMESPACE/NAME`.
pub fn k8s_subject(s: &str) -> Option<K8sSubject> {
    let (kind, rest) = s.split_once(':')?;
    if rest.is_empty() {
        return None;
    }
    match kind {
        "user" => Some(K8sSubject {
            kind: "User",
            name: rest.to_string(),
            namespace: None,
        }),
        "group" => Some(K8sSubject {
            kind: "Group",
            name: rest.to_string(),
            namespace: None,
        }),
        "serviceaccount" => {
            let (ns, name) = rest.split_once('/')?;
            (!ns.is_empty() && !name.is_empty()).then(|| K8sSubject {
                kind: "ServiceAccount",
                name: name.to_string(),
                namespace: Some(ns.to_string()),
            })
        }
        _ => None,
    }
}

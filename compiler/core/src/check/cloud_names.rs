//! GCP and Azure names on the source: the shape of permissions, roles and operations,
//! duplicates. (Role ids and Azure scopes are values: `values.rs` checks them filled.)

use crate::check::aws_statements::duplicates;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::resolve::decls::Decls;

pub fn check(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    for a in decls.accesses.values() {
        for p in &a.gcp_permissions {
            if !valid_gcp_permission(&p.node) {
                diags.push(
                    Diagnostic::new(
                        Code::E0403,
                        p.span,
                        format!("`{}` is not a GCP permission name", p.node),
                    )
                    .label("expected `service.resource.verb`")
                    .help("GCP permissions look like `storage.buckets.get`"),
                );
            }
        }
        duplicates(&a.gcp_permissions, "permission", diags);
        for r in &a.gcp_roles {
            gcp_role_name(r, "roles/container.admin", diags);
        }
        duplicates(&a.gcp_roles, "role", diags);
        let lists = [
            (&a.azure.actions, "action"),
            (&a.azure.not_actions, "not-action"),
            (&a.azure.data_actions, "data action"),
            (&a.azure.not_data_actions, "not-data-action"),
        ];
        for (list, what) in lists {
            for op in list.iter() {
                if !valid_azure_operation(&op.node) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0403,
                            op.span,
                            format!("`{}` is not an Azure operation", op.node),
                        )
                        .label("expected `Provider.Namespace/resource/.../operation`")
                        .help(
                            "Azure operations look like `Microsoft.Storage/storageAccounts/read`",
                        ),
                    );
                }
            }
            duplicates(list, what, diags);
        }
    }
}

/// `service.resource.verb`: three or more `.`-separated parts of ASCII letters and
/// digits, the first starting with a lower-case letter (bytes: no list of parts).
pub fn valid_gcp_permission(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.iter().filter(|&&c| c == b'.').count() >= 2
        && b.split(|&c| c == b'.')
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_alphanumeric))
}

/// E0403 for a GCP role that is not `roles/NAME` or `projects/P/roles/NAME`; the help
/// shows `example`, a predefined role that fits where it is written.
pub fn gcp_role_name(r: &crate::syntax::ast::Str, example: &str, diags: &mut Vec<Diagnostic>) {
    if !valid_gcp_role(&r.node) {
        diags.push(
            Diagnostic::new(
                Code::E0403,
                r.span,
                format!("`{}` is not a GCP role name", r.node),
            )
            .label("expected `roles/NAME` or `projects/P/roles/NAME`")
            .help(format!("predefined roles look like `{example}`")),
        );
    }
}

pub fn valid_gcp_role(s: &str) -> bool {
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    };
    if let Some(n) = s.strip_prefix("roles/") {
        return name_ok(n);
    }
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() == 4
        && (parts[0] == "projects" || parts[0] == "organizations")
        && !parts[1].is_empty()
        && parts[2] == "roles"
        && name_ok(parts[3])
}

pub fn valid_role_id(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

pub fn valid_azure_operation(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let mut parts = s.split('/');
    let ns = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !ns.is_empty()
        && (ns == "*" || ns.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-*{}".contains(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(valid_gcp_permission("storage.buckets.get"));
        assert!(!valid_gcp_permission("storage.buckets"));
        assert!(valid_azure_operation("Microsoft.Resources/*/read"));
        assert!(!valid_azure_operation("Microsoft.Resources"));
        assert!(valid_role_id("aichorClusterCreator"));
        assert!(!valid_role_id("ab"));
        assert!(valid_gcp_role("projects/p/roles/x"));
    }

    /// The definition as first written: split into parts, then look at each.
    fn gcp_permission_by_parts(s: &str) -> bool {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() >= 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
            && parts[0].starts_with(|c: char| c.is_ascii_lowercase())
    }

    proptest::proptest! {
        #[test]
        fn gcp_permission_bytes_agree_with_parts(s in "[a-zA-Z0-9.é_]{0,14}") {
            proptest::prop_assert_eq!(valid_gcp_permission(&s), gcp_permission_by_parts(&s));
        }
    }
}

//! What GCP predefined roles hold, for the risk model: the permissions of the roles
//! that matter to privilege escalation. No registry package carries the predefined
//! roles with their permissions (searched: npm and PyPI), so this is the one curated
//! list, taken from Google Cloud's roles reference
//! (<https://cloud.google.com/iam/docs/roles-permissions>); a role not listed here
//! contributes no permission to the analysis (its name is still checked).

/// (role, the permissions of interest it includes).
const ROLES: &[(&str, &[&str])] = &[
    (
        "roles/owner",
        &[
            "iam.serviceAccounts.actAs",
            "iam.serviceAccounts.getAccessToken",
            "iam.serviceAccounts.signBlob",
            "iam.serviceAccounts.signJwt",
            "iam.serviceAccountKeys.create",
            "resourcemanager.projects.setIamPolicy",
            "iam.serviceAccounts.setIamPolicy",
            "iam.roles.create",
            "iam.roles.update",
            "compute.instances.setMetadata",
            "compute.projects.setCommonInstanceMetadata",
        ],
    ),
    (
        "roles/editor",
        &[
            "iam.serviceAccounts.actAs",
            "iam.serviceAccountKeys.create",
            "compute.instances.setMetadata",
            "compute.projects.setCommonInstanceMetadata",
        ],
    ),
    (
        "roles/iam.serviceAccountUser",
        &["iam.serviceAccounts.actAs"],
    ),
    (
        "roles/iam.serviceAccountTokenCreator",
        &[
            "iam.serviceAccounts.getAccessToken",
            "iam.serviceAccounts.getOpenIdToken",
            "iam.serviceAccounts.implicitDelegation",
            "iam.serviceAccounts.signBlob",
            "iam.serviceAccounts.signJwt",
        ],
    ),
    (
        "roles/iam.serviceAccountKeyAdmin",
        &["iam.serviceAccountKeys.create"],
    ),
    (
        "roles/iam.serviceAccountAdmin",
        &["iam.serviceAccounts.setIamPolicy"],
    ),
    (
        "roles/iam.securityAdmin",
        &[
            "resourcemanager.projects.setIamPolicy",
            "iam.serviceAccounts.setIamPolicy",
        ],
    ),
    (
        "roles/resourcemanager.projectIamAdmin",
        &["resourcemanager.projects.setIamPolicy"],
    ),
    (
        "roles/resourcemanager.folderIamAdmin",
        &["resourcemanager.folders.setIamPolicy"],
    ),
    (
        "roles/resourcemanager.organizationAdmin",
        &["resourcemanager.organizations.setIamPolicy"],
    ),
    (
        "roles/iam.roleAdmin",
        &["iam.roles.create", "iam.roles.update"],
    ),
    (
        "roles/iam.organizationRoleAdmin",
        &["iam.roles.create", "iam.roles.update"],
    ),
    (
        "roles/compute.admin",
        &[
            "compute.instances.setMetadata",
            "compute.projects.setCommonInstanceMetadata",
        ],
    ),
    (
        "roles/compute.instanceAdmin.v1",
        &["compute.instances.setMetadata"],
    ),
    (
        "roles/compute.instanceAdmin",
        &["compute.instances.setMetadata"],
    ),
];

/// The permissions of interest a predefined role includes (none for a role not listed).
pub fn permissions(role: &str) -> &'static [&'static str] {
    ROLES
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, p)| *p)
        .unwrap_or(&[])
}

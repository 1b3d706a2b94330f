//! GCP permissions, from the built-in subset or a `--catalog` file: one permission's
//! fields, a pattern's table, the hints for roles and for the subset.

use super::{count_line, lookup, table, Entry, Fields, Found};
use engc_core::catalog::gcp;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct GcpJson<'a> {
    name: &'a str,
    title: &'a str,
    description: &'a str,
    stage: &'a str,
    custom_roles_support_level: &'a str,
    api_disabled: bool,
}

fn gcp_json(p: &gcp::Permission) -> GcpJson<'_> {
    GcpJson {
        name: &p.name,
        title: &p.title,
        description: &p.description,
        stage: &p.stage,
        custom_roles_support_level: p.custom_roles.as_str(),
        api_disabled: p.api_disabled,
    }
}

const GCP_FULL_NOTE: &str = "note: without --catalog only the built-in subset is searched; \
`gcloud iam list-testable-permissions //cloudresourcemanager.googleapis.com/projects/P \
--format=json` prints the full list for --catalog FILE";

fn gcp_human(c: &gcp::Catalog, p: &gcp::Permission) -> String {
    let mut f = Fields::new();
    f.one("permission", &p.name);
    f.unless_empty("title", &p.title);
    f.unless_empty("description", &p.description);
    f.unless_empty("stage", &p.stage);
    let support = match p.custom_roles {
        gcp::Support::Supported => "SUPPORTED (can go in a custom role)",
        gcp::Support::Testing => "TESTING (custom-role support is being tested)",
        gcp::Support::NotSupported => "NOT_SUPPORTED (cannot go in a custom role)",
    };
    f.one("custom roles", support);
    if p.api_disabled {
        f.one(
            "api disabled",
            "yes (the service's API is off where the list was taken)",
        );
    }
    f.catalog(c.source(), c.is_builtin().then_some("titles or stages"));
    f.out
}

pub(super) fn lookup_gcp<'a>(c: &'a gcp::Catalog, name: &str) -> Found<'a> {
    lookup(
        c,
        name,
        c.source().to_owned(),
        |p| (gcp_human(c, p), Entry::Gcp(gcp_json(p))),
        |hits, pattern| {
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|p| {
                    let mut row = vec![p.name.clone()];
                    if !p.stage.is_empty() {
                        row.push(p.stage.clone());
                    }
                    row.push(p.custom_roles.as_str().to_owned());
                    row
                })
                .collect();
            let subset = if c.is_builtin() {
                " in the built-in subset"
            } else {
                ""
            };
            let human = table(
                &rows,
                count_line(hits.len(), "permission", "permissions", subset, pattern),
            );
            (
                human,
                hits.iter().map(|p| Entry::Gcp(gcp_json(p))).collect(),
            )
        },
        |u| {
            let mut notes = Vec::new();
            if u.name.starts_with("roles/") {
                notes.push(
                    "note: this looks up permissions (`storage.buckets.get`), not roles".to_owned(),
                );
            }
            if c.is_builtin() {
                notes.push(GCP_FULL_NOTE.to_owned());
            }
            notes
        },
    )
}

//! Azure operations, from the built-in subset or a `--catalog` file: one operation's
//! fields, a pattern's table with its data actions, the hint for the subset.

use super::{count_line, lookup, table, Entry, Fields, Found};
use engc_core::catalog::azure;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct AzureJson<'a> {
    name: &'a str,
    provider: &'a str,
    provider_display: &'a str,
    display: &'a str,
    description: &'a str,
    is_data_action: bool,
    origin: &'a str,
}

fn azure_json<'a>(c: &'a azure::Catalog, o: &'a azure::Operation) -> AzureJson<'a> {
    let (provider, provider_display) = c.provider(o.provider()).unwrap_or((o.provider(), ""));
    AzureJson {
        name: &o.name,
        provider,
        provider_display,
        display: &o.display,
        description: &o.description,
        is_data_action: o.is_data_action,
        origin: &o.origin,
    }
}

const AZURE_FULL_NOTE: &str = "note: without --catalog only the built-in subset is searched; \
`az provider operation list --output json` prints the full list for --catalog FILE";

fn azure_human(c: &azure::Catalog, o: &azure::Operation) -> String {
    let j = azure_json(c, o);
    let mut f = Fields::new();
    f.one("operation", &o.name);
    if j.provider_display.is_empty() {
        f.one("provider", j.provider);
    } else {
        f.one(
            "provider",
            format!("{} ({})", j.provider, j.provider_display),
        );
    }
    f.unless_empty("display name", &o.display);
    f.unless_empty("description", &o.description);
    f.one(
        "data action",
        if o.is_data_action {
            "yes (data plane: goes in a role's `dataActions`)"
        } else {
            "no (control plane: goes in a role's `actions`)"
        },
    );
    f.unless_empty("origin", &o.origin);
    f.catalog(
        c.source(),
        c.is_builtin().then_some("display names or descriptions"),
    );
    f.out
}

pub(super) fn lookup_azure<'a>(c: &'a azure::Catalog, name: &str) -> Found<'a> {
    lookup(
        c,
        name,
        c.source().to_owned(),
        |o| (azure_human(c, o), Entry::Azure(azure_json(c, o))),
        |hits, pattern| {
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|o| {
                    let kind = if o.is_data_action {
                        "data action"
                    } else {
                        "action"
                    };
                    vec![o.name.clone(), kind.to_owned()]
                })
                .collect();
            let subset = if c.is_builtin() {
                " in the built-in subset"
            } else {
                ""
            };
            let data = hits.iter().filter(|o| o.is_data_action).count();
            let human = table(
                &rows,
                format!(
                    "{} ({data} data action{})",
                    count_line(hits.len(), "operation", "operations", subset, pattern),
                    if data == 1 { "" } else { "s" }
                ),
            );
            (
                human,
                hits.iter()
                    .map(|o| Entry::Azure(azure_json(c, o)))
                    .collect(),
            )
        },
        |_| {
            if c.is_builtin() {
                vec![AZURE_FULL_NOTE.to_owned()]
            } else {
                Vec::new()
            }
        },
    )
}

//! `engc catalog <aws|gcp|azure|k8s> NAME-OR-PATTERN [--catalog FILE] [--format human|json]`:
//! what the catalogs know about a permission, action, operation or Kubernetes resource.
//!
//! A name prints its details; a pattern (`*`, `?`) lists the matching names and a count.
//! Exit codes: 0 found, 1 unknown name or empty pattern (with "did you mean" on stderr),
//! 2 usage or an unreadable `--catalog` file.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;

use super::{Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use engc_core::catalog::{aws, azure, gcp, is_pattern, k8s, query, Names, Query, Unknown, Why};

const NAME_HELP: &str = "\
What to look up. A name prints what the catalog knows about it; a pattern with `*` (any \
run of characters) or `?` (one character) lists the matching names, one a line, and a count. \
Quote patterns so that the shell leaves them alone.

  aws    s3:GetObject   'ec2:Describe*'   's3:*Tagging'   s3 (a service prefix: all its actions)
  gcp    storage.buckets.get   'storage.buckets.*'   storage (a service: all its permissions)
  azure  Microsoft.Storage/storageAccounts/read   'Microsoft.Storage/*'   'Microsoft.Resources/*/read'
         (case-insensitive, as Azure; a provider namespace alone lists its operations)
  k8s    [GROUP/]RESOURCE[/SUBRESOURCE], or RESOURCE.GROUP as kubectl writes it:
         pods   pods/exec   apps/deployments   deployments.apps   networking.k8s.io/ingressclasses
         `core/pods` names the core group; `autoscaling/v1/horizontalpodautoscalers` one version.
         Without a group every group is searched. Patterns match `RESOURCE` or `GROUP/RESOURCE`:
         'pods/*'   'apps/*'   '*/scale'";

const AFTER_HELP: &str = "\
Without --catalog, gcp and azure look names up in a built-in subset: the permissions the \
standard library and the examples use, with custom-role support (gcp) and the data-action \
flag (azure). For the full lists, save what the clouds' CLIs print and pass it:

  gcloud iam list-testable-permissions //cloudresourcemanager.googleapis.com/projects/P --format=json > gcp.json
  engc catalog gcp storage.buckets.get --catalog gcp.json

  az provider operation list --output json > azure.json
  engc catalog azure 'Microsoft.Storage/*' --catalog azure.json

Exit codes: 0 found, 1 unknown name or a pattern that matches nothing, 2 usage or an \
unreadable catalog file.";

#[derive(clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct CatalogArgs {
    /// Which catalog: aws, gcp, azure or k8s.
    #[arg(value_enum)]
    cloud: Cloud,
    /// A name (`s3:GetObject`, `pods/exec`) or a pattern (`ec2:Describe*`); see --help.
    #[arg(value_name = "NAME-OR-PATTERN", long_help = NAME_HELP)]
    name: String,
    /// A full catalog (gcp, azure) instead of the built-in subset: the JSON of
    /// `gcloud iam list-testable-permissions ... --format=json` or of
    /// `az provider operation list --output json`.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Human-readable text, or one JSON document.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum Cloud {
    Aws,
    Gcp,
    Azure,
    K8s,
}

impl Cloud {
    fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Gcp => "gcp",
            Cloud::Azure => "azure",
            Cloud::K8s => "k8s",
        }
    }
}

pub fn run(args: &CatalogArgs) -> i32 {
    if args.catalog.is_some() && matches!(args.cloud, Cloud::Aws | Cloud::K8s) {
        eprintln!(
            "error: `--catalog` applies to gcp and azure; the {} catalog is built in",
            args.cloud.as_str()
        );
        return EXIT_USAGE;
    }
    let name = args.name.trim();
    if name.is_empty() {
        eprintln!("error: nothing to look up (give a name or a pattern)");
        return EXIT_USAGE;
    }
    let (gcp_catalog, azure_catalog);
    let found = match args.cloud {
        Cloud::Aws => lookup_aws(name),
        Cloud::K8s => lookup_k8s(name),
        Cloud::Gcp => {
            gcp_catalog = match load(
                &args.catalog,
                gcp::Catalog::builtin,
                gcp::Catalog::load_file,
            ) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            lookup_gcp(&gcp_catalog, name)
        }
        Cloud::Azure => {
            azure_catalog = match load(
                &args.catalog,
                azure::Catalog::builtin,
                azure::Catalog::load_file,
            ) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            lookup_azure(&azure_catalog, name)
        }
    };
    match found {
        Found::Entries(out) => {
            let text = match args.format {
                Format::Human => out.human,
                Format::Json => {
                    let doc = JsonDoc {
                        cloud: args.cloud.as_str(),
                        query: name,
                        pattern: out.pattern,
                        catalog: out.catalog,
                        count: out.json.len(),
                        entries: out.json,
                    };
                    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serializes");
                    s.push('\n');
                    s
                }
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            EXIT_OK
        }
        Found::Nothing(lines) => {
            let mut err = std::io::stderr().lock();
            for l in lines {
                let _ = writeln!(err, "{l}");
            }
            EXIT_INPUT
        }
    }
}

fn usage_error(e: &str) -> i32 {
    eprintln!("error: {e}");
    EXIT_USAGE
}

/// The built-in catalog, or the one in `--catalog FILE`.
fn load<C: Clone>(
    file: &Option<PathBuf>,
    builtin: fn() -> &'static C,
    load_file: fn(&std::path::Path) -> Result<C, String>,
) -> Result<std::borrow::Cow<'static, C>, String> {
    match file {
        None => Ok(std::borrow::Cow::Borrowed(builtin())),
        Some(path) => load_file(path).map(std::borrow::Cow::Owned),
    }
}

enum Found<'a> {
    Entries(Output<'a>),
    /// The lines to print on stderr (an error, then help and notes).
    Nothing(Vec<String>),
}

struct Output<'a> {
    human: String,
    json: Vec<Entry<'a>>,
    pattern: bool,
    catalog: String,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    cloud: &'a str,
    query: &'a str,
    pattern: bool,
    /// Where the entries come from (the built-in data, or the `--catalog` file).
    catalog: String,
    count: usize,
    entries: Vec<Entry<'a>>,
}

/// One entry of `--format json`, in the shape of its cloud.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Aws(AwsJson<'a>),
    Gcp(GcpJson<'a>),
    Azure(AzureJson<'a>),
    K8s(K8sJson<'a>),
}

/// `label  value` lines with the values in one column; a list value continues on the
/// following lines in the same column.
struct Fields {
    out: String,
}

const LABEL_WIDTH: usize = 19;

impl Fields {
    fn new() -> Fields {
        Fields { out: String::new() }
    }

    fn one(&mut self, label: &str, value: impl AsRef<str>) {
        self.list(label, [value.as_ref().to_owned()]);
    }

    /// One value a line; `none` for an empty list.
    fn list(&mut self, label: &str, values: impl IntoIterator<Item = String>) {
        let mut values = values.into_iter().peekable();
        if values.peek().is_none() {
            self.line(label, "none");
        }
        for (i, v) in values.enumerate() {
            self.line(if i == 0 { label } else { "" }, &v);
        }
    }

    fn line(&mut self, label: &str, value: &str) {
        let text = format!("{label:<LABEL_WIDTH$}{value}");
        self.out.push_str(text.trim_end());
        self.out.push('\n');
    }
}

/// A list of names with extra columns, aligned, and a count line.
fn table(rows: &[Vec<String>], count_line: String) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 < r.len() {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&count_line);
    out.push('\n');
    out
}

/// `7 permissions in the built-in subset match `storage.buckets.*``.
fn count_line(n: usize, one: &str, many: &str, qualifier: &str, pattern: &str) -> String {
    if n == 1 {
        format!("1 {one}{qualifier} matches `{pattern}`")
    } else {
        format!("{n} {many}{qualifier} match `{pattern}`")
    }
}

fn did_you_mean_line(s: &str) -> String {
    format!("help: did you mean `{s}`?")
}

// ---------------------------------------------------------------------------------- AWS

#[derive(Serialize)]
struct AwsJson<'a> {
    name: String,
    service: &'a str,
    service_name: &'a str,
    access_level: &'a str,
    resource_types: Vec<AwsResourceJson<'a>>,
    condition_keys: &'a [String],
    dependent_actions: &'a [String],
}

#[derive(Serialize)]
struct AwsResourceJson<'a> {
    name: &'a str,
    required: bool,
    arns: Vec<&'a str>,
    condition_keys: &'a [String],
    resource_type_condition_keys: &'a [String],
    dependent_actions: &'a [String],
}

fn aws_json<'a>(svc: &'a aws::Service, a: &'a aws::Action) -> AwsJson<'a> {
    AwsJson {
        name: svc.full_name(a),
        service: &svc.prefix,
        service_name: &svc.name,
        access_level: a.access_level.as_str(),
        resource_types: a
            .resource_types
            .iter()
            .map(|r| {
                let rt = svc.resource_type(&r.name);
                AwsResourceJson {
                    name: &r.name,
                    required: r.required,
                    arns: rt.map(|t| t.arns().collect()).unwrap_or_default(),
                    condition_keys: &r.condition_keys,
                    resource_type_condition_keys: rt.map_or(&[][..], |t| &t.condition_keys),
                    dependent_actions: &r.dependent_actions,
                }
            })
            .collect(),
        condition_keys: &a.condition_keys,
        dependent_actions: &a.dependent_actions,
    }
}

fn aws_human(svc: &aws::Service, a: &aws::Action) -> String {
    let mut f = Fields::new();
    f.one("action", svc.full_name(a));
    f.one("service", format!("{} ({})", svc.name, svc.prefix));
    f.one("access level", a.access_level.as_str());
    let mut res = Vec::new();
    for r in &a.resource_types {
        let kind = if r.required { "required" } else { "optional" };
        res.push(format!("{} ({kind})", r.name));
        let rt = svc.resource_type(&r.name);
        if let Some(rt) = rt {
            res.extend(rt.arns().map(|arn| format!("  {arn}")));
        }
        // The keys the reference lists for this action on this resource type; when it
        // lists none, those of the resource type itself (its tag keys, usually).
        if !r.condition_keys.is_empty() {
            res.push(format!("  condition keys: {}", r.condition_keys.join(", ")));
        } else if let Some(rt) = rt.filter(|t| !t.condition_keys.is_empty()) {
            res.push(format!(
                "  condition keys (of the resource type): {}",
                rt.condition_keys.join(", ")
            ));
        }
        if !r.dependent_actions.is_empty() {
            res.push(format!(
                "  dependent actions: {}",
                r.dependent_actions.join(", ")
            ));
        }
    }
    if res.is_empty() {
        res.push("none: the action takes only `\"Resource\": \"*\"`".to_owned());
    }
    f.list("resource types", res);
    f.list("condition keys", a.condition_keys.iter().cloned());
    f.list("dependent actions", a.dependent_actions.iter().cloned());
    f.out
}

fn lookup_aws(name: &str) -> Found<'static> {
    let cat = aws::catalog();
    lookup(
        cat,
        name,
        format!("built-in: {}", cat.source()),
        |(s, a)| (aws_human(s, a), Entry::Aws(aws_json(s, a))),
        |hits, pattern| {
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|(s, a)| vec![s.full_name(a), a.access_level.as_str().to_owned()])
                .collect();
            let json = hits
                .iter()
                .map(|(s, a)| Entry::Aws(aws_json(s, a)))
                .collect();
            (
                table(
                    &rows,
                    count_line(hits.len(), "action", "actions", "", pattern),
                ),
                json,
            )
        },
        |u| {
            let mut notes = Vec::new();
            if u.why == Why::NoMatch && !u.name.contains(':') && u.name != "*" {
                notes.push(
                    "note: AWS patterns name the service: `SERVICE:ACTION`, e.g. `s3:Get*`"
                        .to_owned(),
                );
            }
            notes
        },
    )
}

/// A name or pattern looked up in a name catalog, through the one query every user of
/// the catalogs shares, rendered for the command line: `one` renders an entry, `many`
/// the matches of a pattern, `notes` adds the cloud's own hints to an unknown name.
fn lookup<'c, C: Names>(
    c: &'c C,
    name: &str,
    catalog: String,
    one: impl Fn(C::Entry<'c>) -> (String, Entry<'c>),
    many: impl Fn(&[C::Entry<'c>], &str) -> (String, Vec<Entry<'c>>),
    notes: impl Fn(&Unknown) -> Vec<String>,
) -> Found<'c> {
    match query(c, name) {
        Query::Entry(e) => {
            let (human, json) = one(e);
            Found::Entries(Output {
                human,
                json: vec![json],
                pattern: false,
                catalog,
            })
        }
        Query::Matches { pattern, hits } => {
            let (human, json) = many(&hits, &pattern);
            Found::Entries(Output {
                human,
                json,
                pattern: true,
                catalog,
            })
        }
        Query::Unknown(u) => {
            let mut lines = vec![format!("error: {}", u.message::<C>())];
            lines.extend(u.suggestion.as_deref().map(did_you_mean_line));
            lines.extend(notes(&u));
            Found::Nothing(lines)
        }
    }
}

// ---------------------------------------------------------------------------------- GCP

#[derive(Serialize)]
struct GcpJson<'a> {
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
    if !p.title.is_empty() {
        f.one("title", &p.title);
    }
    if !p.description.is_empty() {
        f.one("description", &p.description);
    }
    if !p.stage.is_empty() {
        f.one("stage", &p.stage);
    }
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
    f.one("catalog", c.source());
    if c.is_builtin() {
        f.out.push_str(
            "note: the built-in subset has no titles or stages; --catalog FILE adds them\n",
        );
    }
    f.out
}

fn lookup_gcp<'a>(c: &'a gcp::Catalog, name: &str) -> Found<'a> {
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

// -------------------------------------------------------------------------------- Azure

#[derive(Serialize)]
struct AzureJson<'a> {
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
    if !o.display.is_empty() {
        f.one("display name", &o.display);
    }
    if !o.description.is_empty() {
        f.one("description", &o.description);
    }
    f.one(
        "data action",
        if o.is_data_action {
            "yes (data plane: goes in a role's `dataActions`)"
        } else {
            "no (control plane: goes in a role's `actions`)"
        },
    );
    if !o.origin.is_empty() {
        f.one("origin", &o.origin);
    }
    f.one("catalog", c.source());
    if c.is_builtin() {
        f.out.push_str(
            "note: the built-in subset has no display names or descriptions; --catalog FILE adds them\n",
        );
    }
    f.out
}

fn lookup_azure<'a>(c: &'a azure::Catalog, name: &str) -> Found<'a> {
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

// ---------------------------------------------------------------------------- Kubernetes

#[derive(Serialize)]
struct K8sJson<'a> {
    group: &'a str,
    version: &'a str,
    versions: Vec<&'a str>,
    api_version: String,
    resource: &'a str,
    kind: &'a str,
    namespaced: bool,
    verbs: &'a [String],
    subresources: Vec<&'a str>,
}

fn k8s_json(r: &'static k8s::Resource) -> K8sJson<'static> {
    K8sJson {
        group: &r.group,
        version: &r.version,
        versions: k8s::versions(&r.group, &r.resource)
            .iter()
            .map(|v| v.version.as_str())
            .collect(),
        api_version: r.api_version(),
        resource: &r.resource,
        kind: &r.kind,
        namespaced: r.namespaced,
        verbs: &r.verbs,
        subresources: subresources_of(r),
    }
}

fn subresources_of(r: &'static k8s::Resource) -> Vec<&'static str> {
    if r.is_subresource() {
        return Vec::new();
    }
    k8s::resources_in_group(&r.group)
        .into_iter()
        .filter(|s| s.is_subresource() && s.parent() == r.resource)
        .map(|s| s.resource.as_str())
        .collect()
}

/// "group `apps`", or "the core group".
fn group_phrase(group: &str) -> String {
    if group.is_empty() {
        "the core group".to_owned()
    } else {
        format!("group `{group}`")
    }
}

fn group_label(group: &str) -> String {
    if group.is_empty() {
        "core (\"\")".to_owned()
    } else {
        group.to_owned()
    }
}

fn k8s_human(r: &'static k8s::Resource) -> String {
    let mut f = Fields::new();
    f.one("resource", &r.resource);
    f.one("group", group_label(&r.group));
    let others: Vec<&str> = k8s::versions(&r.group, &r.resource)
        .iter()
        .map(|v| v.version.as_str())
        .filter(|v| *v != r.version)
        .collect();
    if others.is_empty() {
        f.one(
            "version",
            format!("{} (apiVersion {})", r.version, r.api_version()),
        );
    } else {
        f.one(
            "version",
            format!(
                "{} (apiVersion {}; also served: {})",
                r.version,
                r.api_version(),
                others.join(", ")
            ),
        );
    }
    if let Some(sub) = r.subresource() {
        f.one("subresource", format!("`{sub}` of {}", r.parent()));
    }
    if !r.kind.is_empty() {
        f.one("kind", &r.kind);
    }
    f.one(
        "scope",
        if r.namespaced {
            "namespaced (a Role or a ClusterRole can grant it)"
        } else {
            "cluster (only a ClusterRole can grant it)"
        },
    );
    f.one("verbs", r.verbs.join(", "));
    let subs = subresources_of(r);
    if !r.is_subresource() {
        f.list("subresources", subs.iter().map(|s| s.to_string()));
    }
    f.one(
        "rbac rule",
        format!(
            "apiGroups: [\"{}\"], resources: [\"{}\"]",
            r.group, r.resource
        ),
    );
    f.out
}

/// One entry per (group, resource) in its preferred version, in catalog order.
fn lookup_k8s(name: &str) -> Found<'static> {
    let catalog_source = format!("built-in: {}", k8s::source());
    if is_pattern(name) {
        let hits = k8s::matching(name);
        if hits.is_empty() {
            return Found::Nothing(vec![
                format!("error: no built-in Kubernetes resource matches `{name}`"),
                "note: patterns match `RESOURCE` (`pods/*`) or `GROUP/RESOURCE` (`apps/*`, `core/*`)"
                    .to_owned(),
            ]);
        }
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|r| {
                let scope = if r.namespaced {
                    "namespaced"
                } else {
                    "cluster"
                };
                vec![r.api_version(), r.resource.clone(), scope.to_owned()]
            })
            .collect();
        let human = table(
            &rows,
            count_line(hits.len(), "resource", "resources", "", name),
        );
        return Found::Entries(Output {
            human,
            json: hits.iter().map(|r| Entry::K8s(k8s_json(r))).collect(),
            pattern: true,
            catalog: catalog_source,
        });
    }
    let n = k8s::parse_name(name);
    let hits = k8s::find(&n);
    if !hits.is_empty() {
        let human = hits
            .iter()
            .map(|r| k8s_human(r))
            .collect::<Vec<_>>()
            .join("\n");
        return Found::Entries(Output {
            human,
            json: hits.iter().map(|r| Entry::K8s(k8s_json(r))).collect(),
            pattern: false,
            catalog: catalog_source,
        });
    }
    Found::Nothing(k8s_not_found(name, &n))
}

/// The lines for a name the catalog lacks, from [`k8s::missing`].
fn k8s_not_found(name: &str, n: &k8s::Name) -> Vec<String> {
    let resource = &n.resource;
    let (why, elsewhere) = k8s::missing(n);
    let mut lines = Vec::new();
    match why {
        k8s::Missing::Group { group, suggestion } => {
            lines.push(format!(
                "error: `{group}` is not a built-in Kubernetes API group (in `{name}`)"
            ));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
        }
        k8s::Missing::Version {
            group,
            version,
            served,
        } => {
            lines.push(format!(
                "error: `{resource}` of {} is not served in version {version}",
                group_phrase(&group)
            ));
            lines.push(format!("note: it is served in {}", served.join(", ")));
            return lines;
        }
        k8s::Missing::Resource { group, suggestion } => {
            let v = n
                .version
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            lines.push(format!(
                "error: {}{v} has no resource `{resource}`",
                group_phrase(&group)
            ));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
        }
        k8s::Missing::Anywhere { suggestion } => {
            lines.push(format!("error: no built-in Kubernetes resource `{name}`"));
            lines.extend(suggestion.as_deref().map(did_you_mean_line));
            lines.push(
                "note: write `GROUP/RESOURCE` (`apps/deployments`) or `RESOURCE/SUBRESOURCE` \
                 (`pods/exec`); custom resources are not in the catalog"
                    .to_owned(),
            );
        }
    }
    if !elsewhere.is_empty() {
        lines.push(format!(
            "note: `{resource}` is served by {}",
            elsewhere.join(" and ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k8s_name_forms() {
        let p = |s: &str| {
            let n = k8s::parse_name(s);
            (n.group, n.version, n.resource)
        };
        assert_eq!(p("pods"), (None, None, "pods".into()));
        assert_eq!(p("pods/exec"), (None, None, "pods/exec".into()));
        assert_eq!(
            p("apps/deployments"),
            (Some("apps".into()), None, "deployments".into())
        );
        assert_eq!(
            p("apps/deployments/scale"),
            (Some("apps".into()), None, "deployments/scale".into())
        );
        assert_eq!(
            p("deployments.apps"),
            (Some("apps".into()), None, "deployments".into())
        );
        assert_eq!(
            p("ingresses.networking.k8s.io"),
            (Some("networking.k8s.io".into()), None, "ingresses".into())
        );
        assert_eq!(p("core/pods"), (Some("".into()), None, "pods".into()));
        assert_eq!(
            p("autoscaling/v1/horizontalpodautoscalers"),
            (
                Some("autoscaling".into()),
                Some("v1".into()),
                "horizontalpodautoscalers".into()
            )
        );
        assert_eq!(
            p("extensions/ingresses"),
            (Some("extensions".into()), None, "ingresses".into())
        );
    }

    #[test]
    fn fields_and_tables() {
        let mut f = Fields::new();
        f.one("a", "1");
        f.list("list", ["x".to_owned(), "y".to_owned()]);
        f.list("empty", Vec::new());
        assert_eq!(
            f.out,
            format!(
                "a{}1\nlist{}x\n{}y\nempty{}none\n",
                " ".repeat(18),
                " ".repeat(15),
                " ".repeat(19),
                " ".repeat(14)
            )
        );
        let t = table(
            &[
                vec!["ab".into(), "x".into()],
                vec!["abcd".into(), "y".into()],
            ],
            "2 match".into(),
        );
        assert_eq!(t, "ab    x\nabcd  y\n2 match\n");
        assert_eq!(
            count_line(1, "action", "actions", "", "s3:GetObject"),
            "1 action matches `s3:GetObject`"
        );
        assert_eq!(
            count_line(
                2,
                "permission",
                "permissions",
                " in the built-in subset",
                "a.*"
            ),
            "2 permissions in the built-in subset match `a.*`"
        );
    }
}

//! `engc catalog <aws|gcp|azure|k8s> NAME-OR-PATTERN [--catalog FILE] [--format human|json]`:
//! what the catalogs know about a permission, action, operation or Kubernetes resource.
//!
//! A name prints its details; a pattern (`*`, `?`) lists the matching names and a count.
//! Exit codes: 0 found, 1 unknown name or empty pattern (with "did you mean" on stderr),
//! 2 usage or an unreadable `--catalog` file.
//!
//! This file holds the arguments, [`run`], the shared rendering (fields, tables, count
//! lines) and the generic [`lookup`]; `aws`, `gcp`, `azure` and `k8s` render each
//! catalog's entries.

mod aws;
mod azure;
mod gcp;
mod k8s;

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use aws::{lookup_aws, AwsJson};
use azure::{lookup_azure, AzureJson};
use engc_core::catalog::{query, Names, Query, Unknown};
use gcp::{lookup_gcp, GcpJson};
use k8s::{lookup_k8s, K8sJson};

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

/// `--format`: the diagnostics' formats less SARIF (a look-up reports no findings).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum Format {
    Human,
    Json,
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
                engc_core::catalog::gcp::Catalog::builtin,
                engc_core::catalog::gcp::Catalog::load_file,
            ) {
                Ok(c) => c,
                Err(e) => return usage_error(&e),
            };
            lookup_gcp(&gcp_catalog, name)
        }
        Cloud::Azure => {
            azure_catalog = match load(
                &args.catalog,
                engc_core::catalog::azure::Catalog::builtin,
                engc_core::catalog::azure::Catalog::load_file,
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

    /// A field the catalog may leave empty (titles, descriptions): shown when it is not.
    fn unless_empty(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            self.one(label, value);
        }
    }

    /// The catalog's source, and for engc's built-in subset what it lacks that
    /// `--catalog FILE` adds (`titles or stages`).
    fn catalog(&mut self, source: &str, builtin_lacks: Option<&str>) {
        self.one("catalog", source);
        if let Some(lacks) = builtin_lacks {
            self.out.push_str(&format!(
                "note: the built-in subset has no {lacks}; --catalog FILE adds them\n"
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use engc_core::catalog::k8s;

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

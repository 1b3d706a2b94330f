//! Azure resource provider operations: a built-in subset, or the full list read from a file.
//!
//! No package registry carries Azure's operation list with the data-action flag, so the
//! binary embeds only the operations the standard library and the examples name (plus a few
//! real ones their wildcards need; `data/azure-stdlib.txt`, names and data-action flags, no
//! display names), and [`Catalog::load_file`] reads the full list in the form the CLI
//! prints it:
//!
//! ```text
//! az provider operation list --output json
//! ```
//!
//! That is a JSON array of providers (the ARM `ProviderOperationsMetadata` model):
//! `{"id", "name", "type", "displayName", "operations": [...], "resourceTypes": [{"name",
//! "displayName", "operations": [...]}]}`, each operation `{"name", "displayName",
//! "description", "origin", "isDataAction", "properties"}`. A single provider object (what
//! `az provider operation show --namespace N` prints) is read too.
//!
//! Azure compares operation names without regard to case, so lookups and wildcards do too.

use crate::catalog::is_pattern;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::sorted::{Named, Sorted};
use super::{cmp_ignore_ascii_case, did_you_mean, suggest_pattern};

static BUILTIN: &str = include_str!("data/azure-stdlib.txt");

/// One operation of a resource provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `Microsoft.Storage/storageAccounts/read`, as the provider spells it.
    pub name: String,
    /// The operation's display name (`displayName`); empty when unknown.
    pub display: String,
    /// Empty when unknown.
    pub description: String,
    /// A data-plane operation: it goes in a role's `dataActions`, not `actions`.
    pub is_data_action: bool,
    /// `user`, `system` or `user,system`; empty when unknown.
    pub origin: String,
}

impl Named for Operation {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Operation {
    /// The provider namespace (`Microsoft.Storage`).
    pub fn provider(&self) -> &str {
        provider_of(&self.name)
    }
}

fn provider_of(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

/// A set of Azure operations, sorted by name without regard to case.
#[derive(Debug, Clone)]
pub struct Catalog {
    operations: Sorted<Operation>,
    /// (namespace, display name), sorted by namespace without regard to case.
    providers: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProvider {
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    operations: Option<Vec<RawOperation>>,
    #[serde(default)]
    resource_types: Option<Vec<RawResourceType>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceType {
    #[serde(default)]
    operations: Option<Vec<RawOperation>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOperation {
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    is_data_action: Option<bool>,
    #[serde(default)]
    origin: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFile {
    List(Vec<RawProvider>),
    One(RawProvider),
}

impl Catalog {
    /// The embedded subset: every operation the standard library and the examples name.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        super::sorted::builtin(
            &CATALOG,
            || Catalog::parse_lines(BUILTIN),
            "Azure",
            "operations",
        )
    }

    /// Reads a full catalog: the JSON of `az provider operation list --output json` (or of
    /// `az provider operation show --namespace N`).
    pub fn load_file(path: &Path) -> Result<Catalog, String> {
        super::sorted::load_file(path, Catalog::parse)
    }

    /// Parses the JSON text of a catalog file (see [`Catalog::load_file`]).
    pub fn parse(text: &str) -> Result<Catalog, String> {
        let text = text.trim_start_matches('\u{feff}');
        let raw: RawFile = serde_json::from_str(text).map_err(|e| {
            format!(
                "not an Azure operation list ({e}); expected the JSON of \
                 `az provider operation list --output json`"
            )
        })?;
        let raw = match raw {
            RawFile::List(l) => l,
            RawFile::One(p) => vec![p],
        };
        let mut operations = Vec::new();
        let mut providers = Vec::new();
        for p in raw {
            let nested = p
                .resource_types
                .into_iter()
                .flatten()
                .flat_map(|r| r.operations.into_iter().flatten());
            for o in p.operations.into_iter().flatten().chain(nested) {
                if o.name.is_empty() {
                    return Err(format!("provider `{}`: an operation has no name", p.name));
                }
                operations.push(Operation {
                    name: o.name,
                    display: o.display_name.unwrap_or_default(),
                    description: o.description.unwrap_or_default(),
                    is_data_action: o.is_data_action.unwrap_or(false),
                    origin: o.origin.unwrap_or_default(),
                });
            }
            providers.push((p.name, p.display_name.unwrap_or_default()));
        }
        Catalog::new(operations, providers)
    }

    /// `NAME<TAB>action` or `NAME<TAB>dataAction` lines; `#` starts a comment line.
    fn parse_lines(text: &str) -> Result<Catalog, String> {
        let mut operations = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, kind) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected NAME<TAB>action|dataAction", i + 1))?;
            let is_data_action = match kind.trim() {
                "action" => false,
                "dataAction" => true,
                other => return Err(format!("line {}: unknown kind `{other}`", i + 1)),
            };
            if !name.contains('/') || name.contains(['*', ' ']) {
                return Err(format!("line {}: `{name}` is not an operation name", i + 1));
            }
            operations.push(Operation {
                name: name.to_owned(),
                display: String::new(),
                description: String::new(),
                is_data_action,
                origin: String::new(),
            });
        }
        let mut providers: Vec<(String, String)> = operations
            .iter()
            .map(|o| (o.provider().to_owned(), String::new()))
            .collect();
        providers.sort_by(|a, b| cmp_ignore_ascii_case(&a.0, &b.0));
        Catalog::new(operations, providers)
    }

    fn new(
        operations: Vec<Operation>,
        mut providers: Vec<(String, String)>,
    ) -> Result<Catalog, String> {
        if operations.is_empty() {
            return Err("not an Azure operation list: it holds no operations".to_owned());
        }
        providers.sort_by(|a, b| cmp_ignore_ascii_case(&a.0, &b.0));
        providers.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        Ok(Catalog {
            operations: Sorted::new(operations, cmp_ignore_ascii_case),
            providers,
        })
    }

    /// Whether this is the embedded subset (which has no display names or descriptions).
    pub fn is_builtin(&self) -> bool {
        std::ptr::eq(self, Catalog::builtin())
    }

    /// "Did you mean" for an operation that is not in the catalog
    /// (`Microsoft.Storage/storageAccount/read` -> `Microsoft.Storage/storageAccounts/read`),
    /// or for a wildcard whose provider is unknown (`Microsoft.Storag/*` ->
    /// `Microsoft.Storage/*`). None when `name` is known, or nothing is close.
    pub fn suggest(&self, name: &str) -> Option<String> {
        if is_pattern(name) {
            let providers = self.providers.iter().map(|p| p.0.as_str());
            return suggest_pattern(name, '/', providers, |p| self.operations.any_match(p));
        }
        if self.get(name).is_some() {
            return None;
        }
        // Compare with the operations of the same provider (or of the closest one) only: a
        // full list holds tens of thousands of long names.
        let (provider, rest) = name.split_once('/')?;
        let provider = match self.provider(provider) {
            Some((ns, _)) => ns,
            None => did_you_mean(provider, self.providers.iter().map(|p| p.0.as_str()))?,
        };
        let candidates = self
            .operations
            .iter()
            .filter(|o| o.provider().eq_ignore_ascii_case(provider))
            .map(|o| o.name.as_str());
        did_you_mean(&format!("{provider}/{rest}"), candidates).map(str::to_owned)
    }

    /// (namespace, display name) of every provider, sorted by namespace; the display name
    /// is empty when unknown.
    pub fn providers(&self) -> &[(String, String)] {
        &self.providers
    }

    /// The provider with this namespace (case-insensitive): (namespace, display name).
    pub fn provider(&self, namespace: &str) -> Option<(&str, &str)> {
        self.providers
            .binary_search_by(|p| cmp_ignore_ascii_case(&p.0, namespace))
            .ok()
            .map(|i| (self.providers[i].0.as_str(), self.providers[i].1.as_str()))
    }
}

// Lookup by name (without case, as Azure compares), wildcard matching (`*` any run, `/`
// included: `Microsoft.Resources/*/read`) and iteration in name order are the sorted
// list's. Both actions and data actions match a wildcard; a role's `dataActions` only
// ever grant the data actions among them (filter on [`Operation::is_data_action`]).
super::sorted::sorted_catalog!(Operation, operations);

impl super::Names for Catalog {
    const CLOUD: &'static str = "Azure";
    const WHAT: &'static str = "operation";
    const SERVICE: &'static str = "provider";
    const SEPARATOR: char = '/';
    const EXAMPLE: &'static str = "Microsoft.Storage/storageAccounts/read";

    super::sorted::sorted_names!(Operation, operations);

    fn service<'c>(&'c self, service: &str) -> Option<&'c str> {
        self.provider(service).map(|(ns, _)| ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
    }

    fn fixture() -> Catalog {
        Catalog::load_file(&root().join("tests/fixtures/azure-operations.json"))
            .expect("fixture loads")
    }

    /// (name, data action?) for the quoted names inside `azure { ... }` blocks (without
    /// their `services` and `resources` lines; `data read`/`data write` lines are data
    /// actions) and
    /// `azure actions [...]` / `azure data_actions [...]` lists of a `.eng` source.
    fn azure_names_in(src: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut list: Option<bool> = None;
        for line in src.lines() {
            let code = line.split("//").next().unwrap_or("").trim();
            if depth == 0 && code.starts_with("azure {") {
                depth = 1;
                continue;
            }
            if code.starts_with("azure actions") {
                list = Some(false);
            } else if code.starts_with("azure data_actions") {
                list = Some(true);
            }
            let mut data = list;
            if depth > 0 {
                depth += code.matches('{').count();
                depth -= code.matches('}').count().min(depth);
                if code.starts_with("services") || code.starts_with("resources") || depth == 0 {
                    continue;
                }
                data = Some(code.starts_with("data "));
            }
            if let Some(d) = data {
                for s in code.split('"').skip(1).step_by(2) {
                    out.push((s.to_owned(), d));
                }
            }
            if list.is_some() && code.contains(']') {
                list = None;
            }
        }
        out
    }

    #[test]
    fn builtin_subset() {
        let c = Catalog::builtin();
        assert!(c.len() > 40, "{}", c.len());
        assert!(c.is_builtin() && !fixture().is_builtin());
        assert!(c.source().starts_with("built-in subset"));
        let o = c
            .get("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read")
            .unwrap();
        assert!(o.is_data_action);
        assert_eq!(o.provider(), "Microsoft.Storage");
        assert_eq!(o.display, "");
        assert!(
            !c.get("microsoft.storage/storageaccounts/read")
                .unwrap()
                .is_data_action
        );
        assert!(c.provider("microsoft.keyvault").is_some());
        let names: Vec<&str> = c.iter().map(|o| o.name.as_str()).collect();
        assert!(names
            .windows(2)
            .all(|w| cmp_ignore_ascii_case(w[0], w[1]).is_lt()));
    }

    #[test]
    fn builtin_covers_stdlib_and_examples() {
        let c = Catalog::builtin();
        let mut seen = 0;
        for dir in ["stdlib", "examples"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "eng"))
                .collect();
            files.sort();
            for path in files {
                let src = std::fs::read_to_string(&path).unwrap();
                for (name, data) in azure_names_in(&src) {
                    seen += 1;
                    let at = path.display();
                    if name.contains('*') {
                        let hits: Vec<&Operation> = c
                            .matching(&name)
                            .into_iter()
                            .filter(|o| o.is_data_action == data)
                            .collect();
                        // Every wildcard of the standard library matches something.
                        assert!(
                            dir == "examples" || !hits.is_empty(),
                            "{at}: `{name}` matches nothing"
                        );
                        continue;
                    }
                    let o = c
                        .get(&name)
                        .unwrap_or_else(|| panic!("{at}: `{name}` missing from azure-stdlib.txt"));
                    assert_eq!(o.is_data_action, data, "{at}: `{name}`");
                }
            }
        }
        assert!(seen > 50, "{seen}");
    }

    #[test]
    fn fixture_lookups() {
        let c = fixture();
        assert!(c.source().ends_with("azure-operations.json"));
        assert_eq!(c.len(), 15);
        let o = c.get("Microsoft.Storage/storageAccounts/read").unwrap();
        assert_eq!(o.display, "List/Get Storage Account(s)");
        assert!(o
            .description
            .starts_with("Returns the list of storage accounts"));
        assert!(!o.is_data_action);
        assert_eq!(o.origin, "user,system");
        // Case-insensitive, as Azure.
        let o = c
            .get("MICROSOFT.STORAGE/storageaccounts/blobservices/containers/blobs/READ")
            .unwrap();
        assert_eq!(
            o.name,
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
        );
        assert!(o.is_data_action);
        // Provider-level operations count too.
        assert!(c.get("Microsoft.Storage/register/action").is_some());
        assert!(c.get("Microsoft.Storage/storageAccounts/reed").is_none());
        assert_eq!(
            c.provider("Microsoft.ContainerService"),
            Some(("Microsoft.ContainerService", "Microsoft Container Service"))
        );
        assert_eq!(c.providers().len(), 2);
    }

    #[test]
    fn data_actions() {
        let c = fixture();
        let data: Vec<&str> = c
            .iter()
            .filter(|o| o.is_data_action)
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            data,
            [
                "Microsoft.ContainerService/managedClusters/namespaces/read",
                "Microsoft.ContainerService/managedClusters/pods/read",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            ]
        );
    }

    #[test]
    fn matching_wildcards() {
        let c = fixture();
        let names =
            |pat: &str| -> Vec<String> { c.matching(pat).iter().map(|o| o.name.clone()).collect() };
        let storage = names("Microsoft.Storage/storageAccounts/*");
        assert_eq!(storage.len(), 7, "{storage:?}");
        assert!(storage
            .iter()
            .all(|n| n.starts_with("Microsoft.Storage/storageAccounts/")));
        assert_eq!(
            names("Microsoft.ContainerService/managedClusters/*/read"),
            [
                "Microsoft.ContainerService/managedClusters/agentPools/read",
                "Microsoft.ContainerService/managedClusters/namespaces/read",
                "Microsoft.ContainerService/managedClusters/pods/read"
            ]
        );
        assert_eq!(
            names("microsoft.storage/*/delete"),
            ["Microsoft.Storage/storageAccounts/delete"]
        );
        assert_eq!(c.matching("*").len(), c.len());
        assert!(c.matching("Microsoft.Compute/*").is_empty());
        // The wildcards of the examples, against the built-in subset.
        let b = Catalog::builtin();
        let rg: Vec<&str> = b
            .matching("Microsoft.Resources/*/read")
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            rg,
            [
                "Microsoft.Resources/subscriptions/read",
                "Microsoft.Resources/subscriptions/resourceGroups/read"
            ]
        );
        assert!(b.matching("Microsoft.Storage/storageAccounts/*").len() >= 9);
    }

    #[test]
    fn suggestions() {
        let c = fixture();
        assert_eq!(
            c.suggest("Microsoft.Storage/storageAccount/read")
                .as_deref(),
            Some("Microsoft.Storage/storageAccounts/read")
        );
        assert_eq!(
            c.suggest("Microsoft.Storag/storageAccounts/write")
                .as_deref(),
            Some("Microsoft.Storage/storageAccounts/write")
        );
        assert_eq!(c.suggest("microsoft.storage/storageaccounts/read"), None);
        assert_eq!(
            c.suggest("Microsoft.Storag/*").as_deref(),
            Some("Microsoft.Storage/*")
        );
        assert_eq!(c.suggest("Microsoft.Storage/*"), None);
        assert_eq!(c.suggest("Microsoft.Compute/virtualMachines/read"), None);
        assert_eq!(c.suggest("Microsoft.Compute/*"), None);
    }

    #[test]
    fn other_input_forms() {
        // One provider object (`az provider operation show`), null lists and flags.
        let c = Catalog::parse(
            r#"{"name": "Microsoft.Foo", "displayName": "Foo", "operations": null,
                "resourceTypes": [{"name": "bars", "displayName": "Bars", "operations": [
                  {"name": "Microsoft.Foo/bars/read", "displayName": "Read bars",
                   "description": null, "isDataAction": null, "origin": null, "properties": null}]}]}"#,
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        let o = c.get("microsoft.foo/bars/read").unwrap();
        assert!(!o.is_data_action && o.description.is_empty());
        assert_eq!(c.provider("Microsoft.Foo"), Some(("Microsoft.Foo", "Foo")));
        assert!(Catalog::parse("Microsoft.Foo/bars/read\n").is_err());
        assert!(Catalog::parse(r#"[{"displayName": "no name"}]"#).is_err());
        assert!(Catalog::parse("[]").is_err());
        // A GCP permission list is not an Azure operation list.
        let gcp =
            std::fs::read_to_string(root().join("tests/fixtures/gcp-testable-permissions.json"))
                .unwrap();
        let err = Catalog::parse(&gcp).unwrap_err();
        assert!(err.contains("not an Azure operation list"), "{err}");
        let err = Catalog::load_file(Path::new("/nonexistent/az.json")).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
        assert!(Catalog::parse_lines("Microsoft.Foo/bars/read\tmaybe\n").is_err());
        assert!(Catalog::parse_lines("Microsoft.Foo/*\taction\n").is_err());
    }
}

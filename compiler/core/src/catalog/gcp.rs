//! GCP IAM permissions: a built-in subset, or the full list read from a file.
//!
//! No package registry carries GCP's permission list with custom-role support levels, so
//! the binary embeds only the permissions the standard library and the examples name
//! (`data/gcp-stdlib.txt`, names and custom-role support, no titles or stages), and
//! [`Catalog::load_file`] reads the full list in the form the CLI prints it:
//!
//! ```text
//! gcloud iam list-testable-permissions //cloudresourcemanager.googleapis.com/projects/P --format=json
//! ```
//!
//! That is a JSON array of the IAM API's `Permission` objects (`name`, `title`,
//! `description`, `stage`, `customRolesSupportLevel`, `apiDisabled`, ...). The API omits
//! fields that hold their default value: an absent `customRolesSupportLevel` is
//! `SUPPORTED` and an absent `stage` is `ALPHA` (the first value of each enum). The REST
//! response `{"permissions": [...]}` and a plain list of names (one a line, `#` comments)
//! are read too.

use crate::catalog::is_pattern;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::sorted::{Named, Sorted};
use super::{did_you_mean, suggest_pattern};

static BUILTIN: &str = include_str!("data/gcp-stdlib.txt");

/// Whether a permission can go into a custom role (`customRolesSupportLevel`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Support {
    /// `SUPPORTED` (also when the field is absent).
    #[default]
    Supported,
    /// `TESTING`: usable, but Google is still checking custom-role compatibility.
    Testing,
    /// `NOT_SUPPORTED`: a custom role cannot contain it.
    NotSupported,
}

impl Support {
    /// The API's spelling: `SUPPORTED`, `TESTING`, `NOT_SUPPORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Supported => "SUPPORTED",
            Support::Testing => "TESTING",
            Support::NotSupported => "NOT_SUPPORTED",
        }
    }

    /// Parses the API's spelling.
    pub fn parse(s: &str) -> Option<Support> {
        Some(match s {
            "SUPPORTED" => Support::Supported,
            "TESTING" => Support::Testing,
            "NOT_SUPPORTED" => Support::NotSupported,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Support {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One IAM permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// `service.resource.verb`, e.g. `storage.buckets.get`.
    pub name: String,
    /// Empty when unknown (the built-in subset has no titles).
    pub title: String,
    /// Empty when unknown.
    pub description: String,
    /// `GA`, `BETA`, `ALPHA` or `DEPRECATED`; empty when unknown (the built-in subset).
    pub stage: String,
    pub custom_roles: Support,
    /// `apiDisabled`: the service's API is not enabled in the project the list was taken from.
    pub api_disabled: bool,
}

impl Named for Permission {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Permission {
    /// The service part (`storage` for `storage.buckets.get`).
    pub fn service(&self) -> &str {
        service_of(&self.name)
    }
}

/// `service.resource.verb` (a few names also hold a `/`, as in
/// `bigqueryreservation.googleapis.com/bireservations.get`).
fn is_permission_name(name: &str) -> bool {
    !name.contains(char::is_whitespace) && name.split('.').filter(|s| !s.is_empty()).count() >= 3
}

fn service_of(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// A set of GCP permissions, sorted by name.
#[derive(Debug, Clone)]
pub struct Catalog {
    permissions: Sorted<Permission>,
}

/// `Permission` as the IAM API and gcloud write it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPermission {
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    stage: Option<String>,
    custom_roles_support_level: Option<String>,
    #[serde(default)]
    api_disabled: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFile {
    List(Vec<RawPermission>),
    Response { permissions: Vec<RawPermission> },
}

impl Catalog {
    /// The embedded subset: every permission the standard library and the examples name.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        super::sorted::builtin(
            &CATALOG,
            || Catalog::parse_lines(BUILTIN, true),
            "GCP",
            "permissions",
        )
    }

    /// Reads a full catalog: the JSON of `gcloud iam list-testable-permissions ...
    /// --format=json`, the REST response `{"permissions": [...]}`, or one name a line.
    pub fn load_file(path: &Path) -> Result<Catalog, String> {
        super::sorted::load_file(path, Catalog::parse)
    }

    /// Parses the text of a catalog file (see [`Catalog::load_file`]).
    pub fn parse(text: &str) -> Result<Catalog, String> {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            Catalog::parse_json(trimmed)
        } else {
            Catalog::parse_lines(text, false)
        }
    }

    fn parse_json(text: &str) -> Result<Catalog, String> {
        let raw: RawFile = serde_json::from_str(text).map_err(|e| {
            format!(
                "not a GCP permission list ({e}); expected the JSON of `gcloud iam \
                 list-testable-permissions RESOURCE --format=json`"
            )
        })?;
        let raw = match raw {
            RawFile::List(l) | RawFile::Response { permissions: l } => l,
        };
        let mut permissions = Vec::with_capacity(raw.len());
        for r in raw {
            if !is_permission_name(&r.name) {
                return Err(format!(
                    "not a GCP permission list: `{}` is not a permission name (`service.resource.verb`)",
                    r.name
                ));
            }
            let custom_roles = match r.custom_roles_support_level.as_deref() {
                None => Support::Supported,
                Some(s) => Support::parse(s).ok_or_else(|| {
                    format!("`{}`: unknown customRolesSupportLevel `{s}`", r.name)
                })?,
            };
            permissions.push(Permission {
                name: r.name,
                title: r.title,
                description: r.description,
                // ALPHA is the enum's default value, which the API leaves out.
                stage: r.stage.unwrap_or_else(|| "ALPHA".to_owned()),
                custom_roles,
                api_disabled: r.api_disabled,
            });
        }
        Catalog::new(permissions)
    }

    /// `NAME` or `NAME<TAB>SUPPORT` lines; `#` starts a comment line.
    fn parse_lines(text: &str, require_support: bool) -> Result<Catalog, String> {
        let mut permissions = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let name = f.next().unwrap_or_default().trim();
            let support = f.next().map(str::trim);
            if !is_permission_name(name) {
                let shown: String = line.chars().take(60).collect();
                return Err(format!(
                    "not a GCP permission list: line {} (`{shown}`) is not a permission name",
                    i + 1
                ));
            }
            let custom_roles = match support {
                Some(s) => Support::parse(s)
                    .ok_or_else(|| format!("line {}: unknown custom-role support `{s}`", i + 1))?,
                None if require_support => {
                    return Err(format!("line {}: no custom-role support level", i + 1))
                }
                None => Support::Supported,
            };
            permissions.push(Permission {
                name: name.to_owned(),
                title: String::new(),
                description: String::new(),
                stage: String::new(),
                custom_roles,
                api_disabled: false,
            });
        }
        Catalog::new(permissions)
    }

    fn new(permissions: Vec<Permission>) -> Result<Catalog, String> {
        if permissions.is_empty() {
            return Err("the list holds no permissions".to_owned());
        }
        Ok(Catalog {
            permissions: Sorted::new(permissions, str::cmp),
        })
    }

    /// Whether this is the embedded subset (which has no titles or stages).
    pub fn is_builtin(&self) -> bool {
        std::ptr::eq(self, Catalog::builtin())
    }

    /// "Did you mean" for a name that is not in the catalog (`storage.bucket.get` ->
    /// `storage.buckets.get`), or for a pattern whose service is unknown (`storag.*` ->
    /// `storage.*`). None when `name` is known, or nothing is close.
    pub fn suggest(&self, name: &str) -> Option<String> {
        if is_pattern(name) {
            return suggest_pattern(name, '.', self.services(), |p| {
                self.permissions.any_match(p)
            });
        }
        if self.get(name).is_some() {
            return None;
        }
        did_you_mean(name, self.permissions.iter().map(|p| p.name.as_str())).map(str::to_owned)
    }

    /// The service names (`storage`, `container`, ...), sorted and unique.
    pub fn services(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.permissions.iter().map(|p| p.service()).collect();
        out.dedup();
        out
    }

    /// Whether any permission belongs to this service (`storage`).
    pub fn has_service(&self, service: &str) -> bool {
        self.permissions.iter().any(|p| p.service() == service)
    }
}

// Lookup by name (with case: GCP names are case-sensitive), wildcard matching and
// iteration in name order are the sorted list's.
super::sorted::sorted_catalog!(Permission, permissions);

impl super::Names for Catalog {
    const CLOUD: &'static str = "GCP";
    const WHAT: &'static str = "permission";
    const SERVICE: &'static str = "service";
    const SEPARATOR: char = '.';
    const EXAMPLE: &'static str = "storage.buckets.get";

    super::sorted::sorted_names!(Permission, permissions);

    fn service<'c>(&'c self, service: &str) -> Option<&'c str> {
        self.services().into_iter().find(|s| *s == service)
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
        Catalog::load_file(&root().join("tests/fixtures/gcp-testable-permissions.json"))
            .expect("fixture loads")
    }

    /// The quoted strings inside `gcp { ... }` blocks (without their `services` and
    /// `resources` lines) and `gcp permissions [ ... ]` lists of a `.eng` source.
    fn gcp_permissions_in(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut depth = 0usize; // brace depth inside a `gcp {` block, 0 outside
        let mut in_list = false;
        for line in src.lines() {
            let code = line.split("//").next().unwrap_or("").trim();
            let opens_block = depth == 0 && code.starts_with("gcp {");
            let opens_list = code.starts_with("gcp permissions");
            if opens_block {
                depth = 1;
                continue;
            }
            if opens_list {
                in_list = true;
            }
            if depth > 0 {
                depth += code.matches('{').count();
                depth -= code.matches('}').count().min(depth);
                if code.starts_with("services") || code.starts_with("resources") {
                    continue;
                }
            }
            if depth > 0 || in_list {
                out.extend(
                    code.split('"')
                        .skip(1)
                        .step_by(2)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
            }
            if in_list && code.contains(']') {
                in_list = false;
            }
        }
        out
    }

    fn eng_sources(dir: &str) -> Vec<(PathBuf, String)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eng"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p, text)
            })
            .collect()
    }

    #[test]
    fn builtin_subset() {
        let c = Catalog::builtin();
        assert!(c.len() > 90, "{}", c.len());
        assert!(c.is_builtin() && !fixture().is_builtin());
        assert!(c.source().starts_with("built-in subset"));
        let p = c.get("storage.buckets.get").unwrap();
        assert_eq!(p.custom_roles, Support::Supported);
        assert_eq!(p.stage, "");
        assert_eq!(p.service(), "storage");
        assert!(c.get("Storage.buckets.get").is_none());
        assert!(c.get("container.clusters.getCredentials").is_some());
        let names: Vec<&str> = c.iter().map(|p| p.name.as_str()).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(c.services().contains(&"secretmanager"));
        assert!(c.has_service("pubsub") && !c.has_service("pubsu"));
    }

    #[test]
    fn builtin_covers_stdlib_and_examples() {
        let c = Catalog::builtin();
        let mut seen = 0;
        for dir in ["stdlib", "examples"] {
            for (path, src) in eng_sources(dir) {
                for name in gcp_permissions_in(&src) {
                    seen += 1;
                    assert!(
                        c.get(&name).is_some(),
                        "{}: `{name}` is missing from data/gcp-stdlib.txt",
                        path.display()
                    );
                }
            }
        }
        assert!(seen > 90, "{seen}");
    }

    #[test]
    fn stdlib_permissions_are_real() {
        // Reference data outside the repository; CI's test run does not have it.
        let path = root().join("../shared/catalogs/gcp-permissions.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        let real: std::collections::HashSet<&str> = text.lines().map(str::trim).collect();
        for (file, src) in eng_sources("stdlib") {
            for name in gcp_permissions_in(&src) {
                assert!(
                    real.contains(name.as_str()),
                    "{}: `{name}` is not a GCP permission",
                    file.display()
                );
            }
        }
        // The plain list loads as a catalog too.
        let full = Catalog::load_file(&path).unwrap();
        assert!(full.len() > 10_000);
        for p in Catalog::builtin().iter() {
            assert!(full.get(&p.name).is_some(), "{}", p.name);
        }
    }

    #[test]
    fn fixture_lookups() {
        let c = fixture();
        assert_eq!(c.len(), 13);
        assert!(c.source().ends_with("gcp-testable-permissions.json"));
        let p = c.get("storage.buckets.get").unwrap();
        assert_eq!(p.title, "Read bucket metadata");
        assert_eq!(p.stage, "GA");
        assert_eq!(p.custom_roles, Support::Supported);
        assert!(!p.api_disabled);
        assert!(!p.description.is_empty());
        // An absent customRolesSupportLevel means SUPPORTED.
        let p = c.get("storage.objects.get").unwrap();
        assert_eq!(p.custom_roles, Support::Supported);
        let p = c.get("container.clusters.getCredentials").unwrap();
        assert_eq!(p.stage, "GA");
        assert!(p.api_disabled);
        // An absent stage is ALPHA, the enum's default, which the API leaves out.
        let c = Catalog::parse(r#"[{"name": "a.b.c"}]"#).unwrap();
        assert_eq!(c.get("a.b.c").unwrap().stage, "ALPHA");
        assert!(c.get("storage.buckets.gett").is_none());
        assert!(c.get("STORAGE.BUCKETS.GET").is_none());
    }

    #[test]
    fn support_levels() {
        let c = fixture();
        let p = c.get("resourcemanager.projects.list").unwrap();
        assert_eq!(p.custom_roles, Support::NotSupported);
        assert_eq!(p.custom_roles.to_string(), "NOT_SUPPORTED");
        let levels: Vec<Support> = c.iter().map(|p| p.custom_roles).collect();
        assert_eq!(
            levels.iter().filter(|s| **s == Support::Supported).count(),
            12
        );
        let t = Catalog::parse(
            r#"[{"name": "a.b.c", "customRolesSupportLevel": "TESTING", "stage": "BETA"}]"#,
        )
        .unwrap();
        assert_eq!(t.get("a.b.c").unwrap().custom_roles, Support::Testing);
        assert_eq!(Support::parse("TESTING"), Some(Support::Testing));
        assert_eq!(Support::parse("supported"), None);
        // An unknown level is an error, not a silent default.
        let err = Catalog::parse(r#"[{"name": "a.b.c", "customRolesSupportLevel": "MAYBE"}]"#)
            .unwrap_err();
        assert!(err.contains("MAYBE"), "{err}");
    }

    #[test]
    fn matching_patterns() {
        let c = fixture();
        let names =
            |pat: &str| -> Vec<String> { c.matching(pat).iter().map(|p| p.name.clone()).collect() };
        assert_eq!(
            names("storage.buckets.*"),
            [
                "storage.buckets.create",
                "storage.buckets.delete",
                "storage.buckets.get",
                "storage.buckets.getIamPolicy",
                "storage.buckets.list"
            ]
        );
        assert_eq!(
            names("*.getIamPolicy"),
            [
                "resourcemanager.projects.getIamPolicy",
                "storage.buckets.getIamPolicy"
            ]
        );
        assert_eq!(names("storage.objects.?et"), ["storage.objects.get"]);
        assert_eq!(c.matching("*").len(), c.len());
        assert!(c.matching("compute.*").is_empty());
        let b = Catalog::builtin();
        assert_eq!(b.matching("secretmanager.versions.*").len(), 2);
    }

    #[test]
    fn suggestions() {
        let c = fixture();
        assert_eq!(
            c.suggest("storage.bucket.get").as_deref(),
            Some("storage.buckets.get")
        );
        assert_eq!(
            c.suggest("storage.Buckets.get").as_deref(),
            Some("storage.buckets.get")
        );
        assert_eq!(
            c.suggest("container.clusters.getCredential").as_deref(),
            Some("container.clusters.getCredentials")
        );
        assert_eq!(c.suggest("storage.buckets.get"), None);
        assert_eq!(c.suggest("bigtable.instances.get"), None);
        assert_eq!(
            c.suggest("storag.buckets.*").as_deref(),
            Some("storage.buckets.*")
        );
        assert_eq!(c.suggest("storage.*"), None);
        assert_eq!(c.suggest("zzzzzz.*"), None);
    }

    #[test]
    fn other_input_forms() {
        let c = Catalog::parse(
            r#"{"permissions": [{"name": "b.c.d", "stage": "BETA"}, {"name": "a.b.c", "stage": "GA"}]}"#,
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.iter().next().unwrap().name, "a.b.c");
        assert_eq!(c.get("b.c.d").unwrap().stage, "BETA");
        let c = Catalog::parse("# names\nstorage.buckets.get\n\nstorage.objects.get\n").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get("storage.objects.get").unwrap().stage, "");
        assert!(Catalog::parse("not a permission\n").is_err());
        assert!(Catalog::parse("[{\"title\": \"no name\"}]").is_err());
        assert!(Catalog::parse("[]").is_err());
        // An Azure operation list is not a GCP permission list.
        let azure =
            std::fs::read_to_string(root().join("tests/fixtures/azure-operations.json")).unwrap();
        let err = Catalog::parse(&azure).unwrap_err();
        assert!(err.contains("not a GCP permission list"), "{err}");
        let err = Catalog::load_file(Path::new("/nonexistent/gcp.json")).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
        // Duplicates collapse.
        let c = Catalog::parse(r#"[{"name": "a.b.c"}, {"name": "a.b.c"}]"#).unwrap();
        assert_eq!(c.len(), 1);
    }
}

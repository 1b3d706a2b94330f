//! A list of named catalog entries kept sorted by name, as the GCP permission and Azure
//! operation catalogs hold them: exact lookup by binary search, wildcard matching, and
//! the order of names (GCP compares with case, Azure without).

use super::glob_match;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// An entry with a name.
pub trait Named {
    fn name(&self) -> &str;
}

/// How names are ordered and compared.
pub type Order = fn(&str, &str) -> Ordering;

/// A catalog that keeps its entries in a [`Sorted`] list (GCP, Azure).
pub trait SortedCatalog: Sized + Send + Sync + 'static {
    type Entry: Named;
    fn list_mut(&mut self) -> &mut Sorted<Self::Entry>;
}

/// The embedded subset in `cell`, parsed by `parse` on first use; `cloud` and
/// `entries` name it (`GCP`, `permissions`).
pub fn builtin<C: SortedCatalog>(
    cell: &'static OnceLock<C>,
    parse: impl FnOnce() -> Result<C, String>,
    cloud: &str,
    entries: &str,
) -> &'static C {
    cell.get_or_init(|| {
        let mut c = parse().unwrap_or_else(|e| panic!("embedded {cloud} subset is corrupt: {e}"));
        let list = c.list_mut();
        list.source = format!(
            "built-in subset ({} {entries} the standard library and examples use)",
            list.len()
        );
        c
    })
}

/// Reads a catalog file with `parse`, naming the file in any error and as the source.
pub fn load_file<C: SortedCatalog>(
    path: &std::path::Path,
    parse: impl Fn(&str) -> Result<C, String>,
) -> Result<C, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut c = parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    c.list_mut().source = path.display().to_string();
    Ok(c)
}

/// `Catalog` derefs to its sorted list `$field` of `$entry`s (lookup, matching and
/// iteration are the list's) and is a [`SortedCatalog`].
macro_rules! sorted_catalog {
    ($entry:ty, $field:ident) => {
        impl std::ops::Deref for Catalog {
            type Target = Sorted<$entry>;
            fn deref(&self) -> &Sorted<$entry> {
                &self.$field
            }
        }

        impl super::sorted::SortedCatalog for Catalog {
            type Entry = $entry;
            fn list_mut(&mut self) -> &mut Sorted<$entry> {
                &mut self.$field
            }
        }
    };
}
pub(crate) use sorted_catalog;

/// The parts of [`Names`](super::Names) that a catalog keeping its entries in a
/// [`Sorted`] field (`$field`) shares with the other such catalogs: lookup, matching,
/// its own `suggest`, and "partial" for the built-in subset.
macro_rules! sorted_names {
    ($entry:ty, $field:ident) => {
        type Entry<'c> = &'c $entry;
        fn get<'c>(&'c self, name: &str) -> Option<&'c $entry> {
            self.$field.get(name)
        }
        fn matching<'c>(&'c self, pattern: &str) -> Vec<&'c $entry> {
            self.$field.matching(pattern)
        }
        fn suggest(&self, name: &str) -> Option<String> {
            Catalog::suggest(self, name)
        }
        fn partial(&self) -> bool {
            self.is_builtin()
        }
    };
}
pub(crate) use sorted_names;

#[derive(Debug, Clone)]
pub struct Sorted<E> {
    entries: Vec<E>,
    order: Order,
    source: String,
}

impl<E: Named> Sorted<E> {
    /// Sorts `entries` under `order` and keeps one entry per name (the first).
    pub fn new(mut entries: Vec<E>, order: Order) -> Sorted<E> {
        entries.sort_by(|a, b| order(a.name(), b.name()));
        entries.dedup_by(|a, b| order(a.name(), b.name()) == Ordering::Equal);
        Sorted {
            entries,
            order,
            source: String::new(),
        }
    }

    /// Where the entries come from: the built-in subset or a file path.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The entry named `name`, under the list's order.
    pub fn get(&self, name: &str) -> Option<&E> {
        self.entries
            .binary_search_by(|e| (self.order)(e.name(), name))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The entries a wildcard matches (`*` any run, `?` one character, without case),
    /// in order.
    pub fn matching(&self, pattern: &str) -> Vec<&E> {
        self.entries
            .iter()
            .filter(|e| glob_match(pattern, e.name()))
            .collect()
    }

    /// Whether the wildcard matches any entry.
    pub fn any_match(&self, pattern: &str) -> bool {
        self.entries.iter().any(|e| glob_match(pattern, e.name()))
    }

    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Named for &str {
        fn name(&self) -> &str {
            self
        }
    }

    #[test]
    fn sorted_once_per_name_under_the_order() {
        let exact = Sorted::new(vec!["b.x", "a.y", "b.x", "A.y"], str::cmp);
        assert_eq!(
            exact.iter().copied().collect::<Vec<_>>(),
            ["A.y", "a.y", "b.x"]
        );
        assert!(exact.get("a.y").is_some() && exact.get("B.x").is_none());
        let caseless = Sorted::new(vec!["b.x", "a.y", "A.y"], |a: &str, b: &str| {
            a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase())
        });
        assert_eq!(caseless.len(), 2);
        assert_eq!(caseless.get("B.X").copied(), Some("b.x"));
        assert_eq!(caseless.matching("*.Y").len(), 1);
        assert!(!caseless.any_match("c.*"));
    }
}

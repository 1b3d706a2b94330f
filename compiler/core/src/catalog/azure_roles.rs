//! Azure built-in roles: their names, role definition ids, and the operations of
//! interest to the risk analysis (`data/azure-builtin-roles.txt`, hand-kept with its
//! source; no registry package carries the built-in roles). `azure assign` names a
//! role by its name (resolved here to its id) or by its id.

use std::sync::OnceLock;

static DATA: &str = include_str!("data/azure-builtin-roles.txt");

#[derive(Debug)]
pub struct BuiltinRole {
    pub name: &'static str,
    pub id: &'static str,
    /// Control-plane operations of interest it includes (patterns).
    pub actions: Vec<&'static str>,
    /// Data operations of interest it includes (patterns).
    pub data_actions: Vec<&'static str>,
}

pub fn all() -> &'static [BuiltinRole] {
    static ROLES: OnceLock<Vec<BuiltinRole>> = OnceLock::new();
    ROLES.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (name, id) = (f.next()?, f.next()?);
                let words = |s: Option<&'static str>| -> Vec<&'static str> {
                    s.unwrap_or("").split_whitespace().collect()
                };
                Some(BuiltinRole {
                    name,
                    id,
                    actions: words(f.next()),
                    data_actions: words(f.next()),
                })
            })
            .collect()
    })
}

/// The role named `name` (Azure compares role names without case) or whose id is
/// `name`.
pub fn find(name: &str) -> Option<&'static BuiltinRole> {
    all()
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name) || r.id.eq_ignore_ascii_case(name))
}

/// The closest known role name, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    super::did_you_mean(name, all().iter().map(|r| r.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_resolve() {
        assert!(all().len() >= 40);
        for r in all() {
            let parts: Vec<usize> = r.id.split('-').map(str::len).collect();
            assert_eq!(parts, [8, 4, 4, 4, 12], "{}", r.name);
        }
        let names: Vec<&str> = all().iter().map(|r| r.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "keep the file sorted");
        assert_eq!(
            find("storage blob data reader").unwrap().id,
            "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
        );
        assert_eq!(
            find("8e3af657-a8ff-443c-a75c-2fe8c4bcb635").unwrap().name,
            "Owner"
        );
        assert_eq!(
            suggest("Storage Blob Data Reeder"),
            Some("Storage Blob Data Reader")
        );
        assert_eq!(find("Owner").unwrap().actions, ["*"]);
    }
}

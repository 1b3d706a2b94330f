//! Every diagnostic code engc emits, with its severity and a one-line summary, from the
//! one table in `codes_table.rs`. README's diagnostics list is checked against it;
//! `engc explain` adds each code's section of docs/diagnostics.md and its test cases.

use super::Severity;
use Severity::*;

/// A diagnostic code. Each is a constant generated from the table below
/// (`Code::W0411`), so a misspelt code does not compile, and logic compares codes,
/// not strings. The registry is the one place a code's severity and summary live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code(u16);

/// A code's entry in the registry.
pub struct Entry {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! codes {
    ($( $code:ident $sev:ident $summary:literal ),* $(,)?) => {
        /// Every code, in the table's order. A static, not a const: a const table is
        /// copied into each unit that uses it, with a relocation per string at start-up.
        pub static ALL: &[Entry] = &[ $( Entry { code: Code::$code, name: stringify!($code), severity: $sev, summary: $summary } ),* ];

        /// The names alone, for [`index_of`].
        const NAMES: &[&str] = &[ $( stringify!($code) ),* ];

        impl Code {
            $( pub const $code: Code = Code(index_of(stringify!($code))); )*
        }
    };
}

/// A name's position in the table, at compile time.
const fn index_of(name: &str) -> u16 {
    let want = name.as_bytes();
    let mut i = 0;
    while i < NAMES.len() {
        let n = NAMES[i].as_bytes();
        if n.len() == want.len() {
            let mut j = 0;
            while j < n.len() && n[j] == want[j] {
                j += 1;
            }
            if j == n.len() {
                return i as u16;
            }
        }
        i += 1;
    }
    panic!("not in the table")
}

include!("codes_table.rs");

impl Code {
    fn entry(self) -> &'static Entry {
        &ALL[self.0 as usize]
    }

    /// `W0411`.
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    pub fn severity(self) -> Severity {
        self.entry().severity
    }

    pub fn summary(self) -> &'static str {
        self.entry().summary
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and tools compare codes with their names.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By name, as people read them.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The code named `name` (user input, such as `ack W0411`), if there is one.
pub fn lookup(name: &str) -> Option<&'static Entry> {
    ALL.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefix_matches_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in ALL.iter().enumerate() {
            assert!(seen.insert(c.name), "duplicate code {}", c.name);
            assert_eq!(c.code.0 as usize, i, "{}", c.name);
            assert_eq!(c.code.as_str(), c.name);
            let want = match c.severity {
                Error => 'E',
                Warning => 'W',
                Note => 'N',
            };
            assert!(c.name.starts_with(want), "{} has the wrong letter", c.name);
        }
    }
}

//! The one place YAML text is produced, so that `serde_yaml` (archived upstream) can be
//! swapped for another emitter without touching the backends.

use serde::Serialize;

/// `v` as one YAML document (no leading `---`), ending with exactly one newline.
pub fn to_yaml<T: Serialize + ?Sized>(v: &T) -> String {
    let s = serde_yaml::to_string(v).expect("backend structs always serialize");
    one_newline(s)
}

/// What [`Block`] could not write for certain: the caller writes the document with
/// [`to_yaml`] instead.
#[derive(Debug)]
pub struct Unsure;

/// How `serde_yaml` writes `s` as a string scalar in block context, when that is
/// certain: `Some(false)` plain, `Some(true)` single-quoted (as is: `s` has no quote).
/// `None` for anything else (numbers, spaces, punctuation, non-ASCII, ...), whose style
/// only `serde_yaml` itself decides.
fn scalar_style(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return Some(true); // '' (an empty plain scalar would read as null)
    };
    // Characters that never make a scalar special after the first; no space, colon,
    // hash, quote or line break.
    let safe = |c: u8| c.is_ascii_alphanumeric() || b"-._/${}*".contains(&c);
    if !b.iter().all(|&c| safe(c)) {
        return None;
    }
    match first {
        // Words that would read back as a boolean or null are quoted; no other string
        // starting with a letter reads as a number.
        b'a'..=b'z' | b'A'..=b'Z' => Some(matches!(
            s,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL"
        )),
        b'$' | b'/' | b'_' => Some(false),
        // An alias or flow indicator first: quoted.
        b'*' | b'{' | b'}' => Some(true),
        _ => None,
    }
}

/// A block-style YAML document written straight into a string, as `serde_yaml` writes
/// a struct of strings, lists of strings and maps of strings (two-space indent,
/// sequences not indented under their key, `[]`/`{}` when empty). Saves its
/// serializer, which costs more than the rest of a Kubernetes build.
pub struct Block<'o> {
    out: &'o mut String,
    /// A `- ` to write before the next key: the first key of a mapping in a sequence.
    dash: bool,
}

impl<'o> Block<'o> {
    pub fn new(out: &'o mut String) -> Self {
        Block { out, dash: false }
    }

    fn scalar(&mut self, s: &str) -> Result<(), Unsure> {
        match scalar_style(s) {
            Some(false) => self.out.push_str(s),
            Some(true) => {
                self.out.push('\'');
                self.out.push_str(s);
                self.out.push('\'');
            }
            None => return Err(Unsure),
        }
        Ok(())
    }

    /// `key:` at `indent`; the key a plain or quoted scalar.
    pub fn key(&mut self, indent: usize, key: &str) -> Result<(), Unsure> {
        // Long keys are written as complex keys (`? key`).
        if key.len() > 100 {
            return Err(Unsure);
        }
        if std::mem::take(&mut self.dash) {
            self.out.extend(std::iter::repeat_n(' ', indent - 2));
            self.out.push_str("- ");
        } else {
            self.out.extend(std::iter::repeat_n(' ', indent));
        }
        self.scalar(key)?;
        self.out.push(':');
        Ok(())
    }

    /// `key: value`.
    pub fn entry(&mut self, indent: usize, key: &str, value: &str) -> Result<(), Unsure> {
        self.key(indent, key)?;
        self.out.push(' ');
        self.scalar(value)?;
        self.out.push('\n');
        Ok(())
    }

    /// `key:` and a list of strings below it, or `key: []`.
    pub fn list(&mut self, indent: usize, key: &str, items: &[String]) -> Result<(), Unsure> {
        self.key(indent, key)?;
        if items.is_empty() {
            self.out.push_str(" []\n");
            return Ok(());
        }
        self.out.push('\n');
        for item in items {
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.out.push_str("- ");
            self.scalar(item)?;
            self.out.push('\n');
        }
        Ok(())
    }

    /// `key:` and a map of strings below it, or `key: {}`.
    pub fn map<'a>(
        &mut self,
        indent: usize,
        key: &str,
        map: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Unsure> {
        self.key(indent, key)?;
        if map.len() == 0 {
            self.out.push_str(" {}\n");
            return Ok(());
        }
        self.out.push('\n');
        for (k, v) in map {
            self.entry(indent + 2, k, v)?;
        }
        Ok(())
    }

    /// `key:` alone, before a nested mapping or a sequence of mappings.
    pub fn open(&mut self, indent: usize, key: &str) -> Result<(), Unsure> {
        self.key(indent, key)?;
        self.out.push('\n');
        Ok(())
    }

    /// The next key starts an item of a sequence of mappings: `- key: ...`, the item's
    /// keys at `indent` (the sequence's own indent plus two).
    pub fn item(&mut self) {
        self.dash = true;
    }
}

fn one_newline(s: String) -> String {
    let mut s = s.trim_end_matches('\n').to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct S {
        groups: Vec<&'static str>,
        empty: Vec<String>,
        star: &'static str,
        placeholder: &'static str,
        truthy: &'static str,
    }

    #[test]
    fn quoting_survives_a_round_trip() {
        let y = to_yaml(&S {
            groups: vec!["", "apps"],
            empty: vec![],
            star: "*",
            placeholder: "${subscription_id}",
            truthy: "true",
        });
        assert!(y.ends_with('\n') && !y.ends_with("\n\n"));
        assert!(y.contains("- ''\n") || y.contains("- \"\"\n"), "{y}");
        assert!(y.contains("empty: []\n"), "{y}");
        #[derive(serde::Deserialize)]
        struct D {
            groups: Vec<String>,
            empty: Vec<String>,
            star: String,
            placeholder: String,
            truthy: String,
        }
        let d: D = serde_yaml::from_str(&y).unwrap();
        assert_eq!(d.groups, vec!["", "apps"]);
        assert!(d.empty.is_empty());
        assert_eq!(d.star, "*");
        assert_eq!(d.placeholder, "${subscription_id}");
        assert_eq!(d.truthy, "true");
    }
}

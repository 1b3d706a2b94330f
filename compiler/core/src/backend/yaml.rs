//! The one place YAML text is produced, so that `serde_yaml` (archived upstream) can be
//! swapped for another emitter without touching the backends.

use serde::Serialize;

/// `v` as one YAML document (no leading `---`), ending with exactly one newline.
pub fn to_yaml<T: Serialize + ?Sized>(v: &T) -> String {
    let s = serde_yaml::to_string(v).expect("backend structs always serialize");
    one_newline(s)
}

/// Documents joined into one multi-document stream: `doc1---\ndoc2...`, each separator on
/// its own line, ending with exactly one newline. Empty input gives an empty string.
pub fn multi_doc(docs: &[String]) -> String {
    let mut out = String::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(doc.trim_end_matches('\n'));
        out.push('\n');
    }
    out
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

    #[test]
    fn multi_doc_separators() {
        assert_eq!(multi_doc(&[]), "");
        assert_eq!(multi_doc(&["a: 1\n".into()]), "a: 1\n");
        assert_eq!(
            multi_doc(&["a: 1\n".into(), "b: 2\n\n".into()]),
            "a: 1\n---\nb: 2\n"
        );
    }
}

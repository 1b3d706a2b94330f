//! "Import this document": a JSON or YAML access document selected (or pasted) in a
//! `.eng` file becomes the `.eng` lines `engc import` writes for it. The editor's code
//! action replaces the selection with them.

use engc_core::import::{import, ImportInput, ImportOptions};

/// The `.eng` text for `selected`, when it is a document `engc import` reads without
/// error: an AWS policy or trust policy, a GCP role, an Azure role definition, or
/// Kubernetes RBAC. `has_deployment`: the file already has a `deployment` block (outside
/// the selection), so the imported one is left out and the rest joins the file's.
pub fn import_selection(selected: &str, has_deployment: bool) -> Option<String> {
    let text = selected.trim();
    // JSON starts with `{`; YAML RBAC names its kind. Anything else is not a document.
    let name = if text.starts_with('{') {
        "selection.json"
    } else if text.contains("kind:") && text.contains("apiVersion:") {
        "selection.yaml"
    } else {
        return None;
    };
    let imported = import(
        vec![ImportInput {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        }],
        &ImportOptions::default(),
    );
    if imported.has_errors() {
        return None;
    }
    let eng = crate::format::format(&imported.text?);
    Some(if has_deployment {
        without_deployment(&eng)
    } else {
        eng
    })
}

/// `eng` without its `deployment` block: formatted, so it starts at a line
/// `deployment NAME {` and ends at the first line that is only `}`.
fn without_deployment(eng: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in eng.lines() {
        if line.starts_with("deployment ") && line.ends_with('{') {
            inside = true;
        } else if inside {
            inside = line != "}";
        } else {
            out.push(line);
        }
    }
    let text = out.join("\n");
    format!("{}\n", text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::shop-data/*"}
  ]
}"#;

    #[test]
    fn a_policy_becomes_an_access_level() {
        let eng = import_selection(POLICY, false).expect("a policy imports");
        assert!(eng.contains("deployment "), "{eng}");
        assert!(eng.contains("s3:GetObject"), "{eng}");
        let eng = import_selection(POLICY, true).unwrap();
        assert!(!eng.contains("deployment "), "{eng}");
        assert!(eng.contains("access "), "{eng}");
    }

    #[test]
    fn other_text_is_not_offered() {
        assert_eq!(import_selection("read store data", false), None);
        assert_eq!(import_selection("{ not json", false), None);
        assert_eq!(import_selection("", false), None);
    }
}

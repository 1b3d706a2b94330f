//! Inputs for the tests and the benches that must agree on them (the scale
//! bench measures what `tests/robustness.rs` checks). Included with `#[path]`.
#![allow(dead_code)] // each includer uses its own share

/// Every `examples/*.eng`, sorted: a new example is covered without listing it.
pub fn example_paths() -> Vec<std::path::PathBuf> {
    eng_paths("examples")
}

/// Every `*.eng` of the repository's folder `dir`, sorted.
pub fn eng_paths(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eng"))
        .collect();
    v.sort();
    v
}

/// `n` principals, each with one scoped access level: an explicit AWS, GCP and Azure
/// grant, and one level in 50 also reads the store `data`, which the caller declares
/// (an abstract grant costs a walk of the catalog).
pub fn access_levels(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "principal p{i} {{\n  aws role \"arn:aws:iam::111122223333:role/p{i}\" external_id \"${{external_id}}\"\n  \
             gcp service_account \"p{i}@${{project_id}}.iam.gserviceaccount.com\"\n  \
             azure service_principal \"${{client_id}}\"\n}}\n\
             access a{i} for p{i} scoped {{\n  {grant}\n  \
             aws allow [\"s3:GetObject\"] on \"arn:aws:s3:::big-{i}/*\"\n  \
             gcp permissions [\"storage.objects.get\"]\n  \
             azure scope \"/subscriptions/${{subscription_id}}\"\n}}\n",
            grant = if i % 50 == 0 { "read store data" } else { "" },
        ));
    }
    text
}

/// One message of the language server's base protocol read from `r`: the headers,
/// then `Content-Length` bytes of JSON.
pub fn read_lsp_message(r: &mut impl std::io::BufRead) -> serde_json::Value {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Texts typed in the editing tests: keystrokes, pieces of declarations, and what
/// breaks the syntax.
pub const TYPED: &[&str] = &[
    "",
    " ",
    "x",
    "\n",
    "}",
    "{",
    "\"",
    "//",
    "é",
    "store s9: bucket\n",
    "read store ",
    "10.0.0.0/8",
    "access z for nobody scoped { read store nothing }\n",
    "principal",
];

/// `at`, moved back to a character boundary of `text` (and into it).
pub fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

//! README stays true: its diagnostics table lists every code with its severity.

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for c in engc::diag::codes::ALL {
        let sev = match c.severity {
            engc::diag::Severity::Error => "error",
            engc::diag::Severity::Warning => "warning",
            engc::diag::Severity::Note => "note",
        };
        let row = format!("| {} | {sev} |", c.code);
        assert!(
            readme.contains(&row),
            "README's diagnostics table lacks `{row}`"
        );
    }
}

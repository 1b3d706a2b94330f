//! The language server's reach of `engc diff`: hovering an access level's or a
//! principal's name shows what the unsaved edits add to it against the saved files.

use crate::lsp_client;

use lsp_client::*;

const SAVED: &str = include_str!("diff/aws_widen.old.eng");
const EDITED: &str = include_str!("diff/aws_widen.new.eng");

#[test]
fn hover_on_a_level_shows_what_unsaved_edits_add() {
    let dir = tmp();
    let path = dir.path().join("shop.eng");
    std::fs::write(&path, SAVED).unwrap();
    let mut c = Client::start();
    c.open(&path, SAVED);
    c.diagnostics(&path);
    // As saved: the hover has no changes.
    let h = c
        .hover(&path, inside(SAVED, "reader for", 2))
        .unwrap_or_default();
    assert!(!h.contains("Unsaved changes"), "{h}");
    // Edited, not saved: the level gains `s3:Get*` on both buckets.
    c.change(&path, 2, EDITED);
    c.diagnostics(&path);
    let h = c.hover(&path, inside(EDITED, "reader for", 2)).unwrap();
    assert!(h.contains("**Unsaved changes:** access grows"), "{h}");
    assert!(
        h.contains("+ aws: gained Allow s3:Get* (63 actions)"),
        "{h}"
    );
    assert!(h.contains("arn:aws:s3:::shop-logs/*"), "{h}");
    // The principal's name shows its changes too; elsewhere nothing is added.
    let h = c.hover(&path, inside(EDITED, "vendor {", 2)).unwrap();
    assert!(h.contains("Unsaved changes"), "{h}");
    let h = c
        .hover(&path, inside(EDITED, "s3:Get*", 2))
        .unwrap_or_default();
    assert!(!h.contains("Unsaved changes"), "{h}");
}

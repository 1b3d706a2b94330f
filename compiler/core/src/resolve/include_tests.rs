//! [`expand_lazily`] copies nothing when nothing is to expand, and otherwise gives what
//! [`expand`] gives, with the same diagnostics.

use super::{expand, expand_lazily};
use crate::source::FileId;
use std::collections::BTreeSet;

fn both(text: &str) -> (bool, String, String) {
    let (file, _) = crate::syntax::parse(FileId(0), text);
    let user = vec![(FileId(0), file)];
    let params = crate::resolve::decls::params(None, &Default::default());
    let unset = BTreeSet::new();
    let (mut d1, mut d2) = (Vec::new(), Vec::new());
    let whole = expand(&user, &params, &unset, &mut d1);
    let lazy = expand_lazily(&user, &params, &unset, &mut d2);
    let copied = lazy.files.is_some();
    let lazy_files = lazy.files.unwrap_or_else(|| user.clone());
    assert_eq!(format!("{d1:?}"), format!("{d2:?}"));
    assert_eq!(
        format!("{:?}", whole.inclusions),
        format!("{:?}", lazy.inclusions)
    );
    assert_eq!(whole.modes, lazy.modes);
    (
        copied,
        format!("{:?}", whole.files),
        format!("{lazy_files:?}"),
    )
}

#[test]
fn lazy_expansion_equals_the_copy() {
    let plain = "deployment d {\n  clouds aws\n}\n\ngrants g {\n  aws allow [\"s3:PutObject\"] on \"*\"\n}\n\naccess a scoped {\n  aws allow [\"s3:GetObject\"] on \"*\"\n}\n";
    let (copied, whole, lazy) = both(plain);
    assert!(!copied, "nothing to expand: no copy");
    assert_eq!(whole, lazy);
    let with = format!("{plain}access b scoped {{\n  include g\n}}\n");
    let (copied, whole, lazy) = both(&with);
    assert!(copied, "an include: the files are expanded");
    assert_eq!(whole, lazy);
}

//! The standard library: `.eng` files embedded in the binary that declare the engine
//! and store kinds, the platform components and the custom resources they manage.
//!
//! `stdlib/*.eng` is the one source. Their syntax trees are prepared ahead of time
//! (`prepared.bin`, written by the test `stdlib::tests::prepared_is_fresh` with
//! `UPDATE_STDLIB=1`), so that a process does not parse them at start-up; the text is
//! still embedded for diagnostics, hover and go-to-definition.

use crate::source::FileId;
use crate::syntax::ast;

pub const FILES: &[(&str, &str)] = &[
    (
        "<stdlib>/engines.eng",
        include_str!("../../../../stdlib/engines.eng"),
    ),
    (
        "<stdlib>/stores.eng",
        include_str!("../../../../stdlib/stores.eng"),
    ),
    (
        "<stdlib>/components.eng",
        include_str!("../../../../stdlib/components.eng"),
    ),
];

/// The syntax trees of [`FILES`], parsed as files 0, 1, 2 when this crate was written.
static PREPARED: &[u8] = include_bytes!("prepared.bin");

/// FNV-1a over the names and texts of `files`, each behind its length: what
/// `prepared.bin` was made from. Computed at compile time for [`FILES`].
const fn fingerprint(files: &[(&str, &str)]) -> u64 {
    const fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
        let mut i = 0;
        while i < bytes.len() {
            h = (h ^ bytes[i] as u64).wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        h
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut f = 0;
    while f < files.len() {
        let (name, text) = (files[f].0.as_bytes(), files[f].1.as_bytes());
        h = fnv(h, &(name.len() as u64).to_le_bytes());
        h = fnv(h, name);
        h = fnv(h, &(text.len() as u64).to_le_bytes());
        h = fnv(h, text);
        f += 1;
    }
    h
}

const SOURCES: u64 = fingerprint(FILES);

/// The prepared syntax trees of [`FILES`], when `ids` are the files 0, 1, 2 they were
/// parsed as and `prepared.bin` was made from the embedded text; None otherwise (the
/// caller parses).
pub fn prepared(ids: &[FileId]) -> Option<Vec<ast::File>> {
    let expected = (0..FILES.len() as u32).map(FileId);
    if !ids.iter().copied().eq(expected) {
        return None;
    }
    let ((made_from, files), rest): ((u64, Vec<ast::File>), _) =
        postcard::take_from_bytes(PREPARED).ok()?;
    (made_from == SOURCES && rest.is_empty() && files.len() == FILES.len()).then_some(files)
}

/// What `prepared.bin` holds for the stdlib as it is now: its parse, with the
/// fingerprint of the text.
#[cfg(test)]
fn prepare() -> Vec<u8> {
    let files: Vec<ast::File> = FILES
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let (file, diags) = crate::syntax::parse(FileId(i as u32), text);
            assert!(diags.is_empty(), "{name}: {diags:?}");
            file
        })
        .collect();
    postcard::to_allocvec(&(SOURCES, files)).expect("the syntax tree serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_is_fresh() {
        let fresh = prepare();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/stdlib/prepared.bin");
        if std::env::var_os("UPDATE_STDLIB").is_some() {
            std::fs::write(path, &fresh).unwrap();
            return;
        }
        assert!(
            fresh == PREPARED,
            "src/stdlib/prepared.bin is stale (stdlib/*.eng or the syntax tree changed): \
             run `UPDATE_STDLIB=1 cargo test -p engc-core stdlib`"
        );
    }

    #[test]
    fn prepared_equals_a_parse() {
        let ids: Vec<FileId> = (0..FILES.len() as u32).map(FileId).collect();
        let files = prepared(&ids).expect("prepared.bin is fresh");
        for (i, (name, text)) in FILES.iter().enumerate() {
            let (parsed, _) = crate::syntax::parse(ids[i], text);
            assert_eq!(format!("{:?}", files[i]), format!("{parsed:?}"), "{name}");
        }
        // Other file ids: the caller parses.
        assert!(prepared(&ids[1..]).is_none());
        assert!(prepared(&[FileId(1), FileId(0), FileId(2)]).is_none());
    }

    #[test]
    fn fingerprint_sees_every_byte() {
        let base = fingerprint(&[("a", "bc")]);
        assert_ne!(base, fingerprint(&[("ab", "c")]));
        assert_ne!(base, fingerprint(&[("a", "bd")]));
        assert_ne!(base, fingerprint(&[("a", "bc"), ("", "")]));
        assert_eq!(base, fingerprint(&[("a", "bc")]));
    }
}

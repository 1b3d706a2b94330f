//! The one place JSON text is produced: pretty, 2-space indent, one trailing newline.
//! The text is `serde_json`'s (`to_string_pretty`, `to_string`), written by
//! [`writer`], which its tests check against `serde_json` byte for byte.

use serde::Serialize;

mod writer;

/// `v` as pretty JSON (2-space indent) followed by exactly one newline.
///
/// Serialize typed structs only: their fields come out in declaration order.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
    let mut s = String::with_capacity(1024);
    writer::write(&mut s, v, true).expect("backend structs always serialize");
    s.push('\n');
    s
}

/// `v` as compact JSON (no white space outside strings), for size measurements.
pub fn to_compact_json<T: Serialize + ?Sized>(v: &T) -> String {
    let mut s = String::with_capacity(256);
    writer::write(&mut s, v, false).expect("backend structs always serialize");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct S {
        b: u32,
        a: Vec<&'static str>,
        e: Vec<u32>,
    }

    #[test]
    fn pretty_two_spaces_field_order_trailing_newline() {
        let s = to_json(&S {
            b: 1,
            a: vec!["x"],
            e: vec![],
        });
        assert_eq!(
            s,
            "{\n  \"b\": 1,\n  \"a\": [\n    \"x\"\n  ],\n  \"e\": []\n}\n"
        );
    }
}

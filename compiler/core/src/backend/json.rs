//! The one place JSON text is produced: pretty, 2-space indent, one trailing newline.

use serde::Serialize;

/// `v` as pretty JSON (2-space indent) followed by exactly one newline.
///
/// Serialize typed structs only: their fields come out in declaration order.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("backend structs always serialize");
    s.push('\n');
    s
}

/// `v` as compact JSON (no white space outside strings), for size measurements.
pub fn to_compact_json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("backend structs always serialize")
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

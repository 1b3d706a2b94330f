//! The writer against `serde_json`, which it replaces: the same bytes for every value,
//! pretty and compact, and the same refusals.

use super::*;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

fn ours<T: Serialize + ?Sized>(v: &T, pretty: bool) -> Result<String, String> {
    let mut s = String::new();
    write(&mut s, v, pretty)
        .map(|()| s)
        .map_err(|e| e.to_string())
}

fn theirs<T: Serialize + ?Sized>(v: &T, pretty: bool) -> Result<String, String> {
    let r = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    r.map_err(|e| e.to_string())
}

fn same<T: Serialize + ?Sized>(v: &T) {
    for pretty in [true, false] {
        assert_eq!(ours(v, pretty), theirs(v, pretty), "pretty: {pretty}");
    }
}

/// Text with what a JSON string escapes, across and at the ends of eight-byte chunks.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-z:/*${}.-]{0,12}",
        1 => Just("\"".to_string()),
        1 => Just("\\".to_string()),
        1 => (0u8..0x20).prop_map(|b| char::from(b).to_string()),
        1 => Just("\u{7f}".to_string()),
        1 => Just("é€😀".to_string()),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn writes_what_serde_json_writes(v in value()) {
        for pretty in [true, false] {
            prop_assert_eq!(ours(&v, pretty), theirs(&v, pretty));
        }
    }

    #[test]
    fn escapes_what_serde_json_escapes(s in text()) {
        let mut out = String::new();
        escape(&mut out, &s);
        prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
    }

    #[test]
    fn next_to_escape_is_the_first_such_byte(s in text(), from in 0usize..40) {
        let b = s.as_bytes();
        let from = from.min(b.len());
        let first = (from..b.len())
            .find(|&i| b[i] < 0x20 || b[i] == b'"' || b[i] == b'\\')
            .unwrap_or(b.len());
        prop_assert_eq!(next_to_escape(b, from), first);
    }
}

#[derive(Serialize)]
enum E {
    Unit,
    Newtype(u8),
    Tuple(i32, &'static str),
    EmptyTuple(),
    Struct { a: Option<u8>, b: Vec<()> },
    EmptyStruct {},
}

#[derive(Serialize)]
struct Shapes {
    unit: (),
    tuple: (u8, char, bool),
    unit_struct: U,
    newtype: N,
    bytes: serde_bytes_like::Bytes,
    empty_bytes: serde_bytes_like::Bytes,
    variants: Vec<E>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    big: (i128, u128, f32, f64, f64),
    keys: Keys,
}

/// Maps with every kind of key `serde_json` writes.
type Keys = (
    BTreeMap<i32, u8>,
    BTreeMap<bool, u8>,
    BTreeMap<char, u8>,
    BTreeMap<KeyVariant, u8>,
    BTreeMap<N, u8>,
);

#[derive(Serialize)]
struct U;

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct N(u8);

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum KeyVariant {
    First,
}

/// `serialize_bytes`, which derived structs never call for `Vec<u8>`.
mod serde_bytes_like {
    pub struct Bytes(pub Vec<u8>);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }
}

#[test]
fn every_shape_of_serde_s_data_model() {
    same(&Shapes {
        unit: (),
        tuple: (7, '"', true),
        unit_struct: U,
        newtype: N(3),
        bytes: serde_bytes_like::Bytes(vec![0, 255]),
        empty_bytes: serde_bytes_like::Bytes(vec![]),
        variants: vec![
            E::Unit,
            E::Newtype(1),
            E::Tuple(-2, "x"),
            E::EmptyTuple(),
            E::Struct {
                a: None,
                b: vec![(), ()],
            },
            E::EmptyStruct {},
        ],
        skipped: None,
        big: (i128::MIN, u128::MAX, 1.5, f64::NAN, -0.0),
        keys: (
            BTreeMap::from([(-1, 1), (2, 2)]),
            BTreeMap::from([(false, 0), (true, 1)]),
            BTreeMap::from([('\n', 0)]),
            BTreeMap::from([(KeyVariant::First, 0)]),
            BTreeMap::from([(N(9), 0)]),
        ),
    });
}

#[test]
fn deep_nesting_indents_past_the_prepared_spaces() {
    let mut v = Value::from("leaf");
    for i in 0..40 {
        v = if i % 2 == 0 {
            Value::Array(vec![v])
        } else {
            Value::Object([("k".to_string(), v)].into_iter().collect())
        };
    }
    same(&v);
}

#[test]
fn refuses_the_keys_serde_json_refuses() {
    let float_keys = BTreeMap::from([(OrdF(1.5), 0)]);
    same(&float_keys);
    let bad = BTreeMap::from([(OrdF(f64::INFINITY), 0)]);
    assert!(ours(&bad, true).is_err());
    same(&bad);
    let unit_keys = BTreeMap::from([((), 0)]);
    assert_eq!(
        ours(&unit_keys, false),
        Err("key must be a string".to_string())
    );
    same(&unit_keys);
    let tuple_keys = BTreeMap::from([((1, 2), 0)]);
    same(&tuple_keys);
    let option_keys = BTreeMap::from([(Some("a"), 0)]);
    same(&option_keys);
    let none_keys = BTreeMap::from([(None::<&str>, 0)]);
    same(&none_keys);
}

/// An f64 as a map key (ordered by its bits: only one key per map here).
#[derive(PartialEq)]
struct OrdF(f64);
impl Eq for OrdF {}
impl PartialOrd for OrdF {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for OrdF {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.to_bits().cmp(&o.0.to_bits())
    }
}
impl Serialize for OrdF {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

#[test]
fn a_serialize_impl_s_own_error_is_returned() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }
    assert_eq!(ours(&vec![Fails], true), Err("no".to_string()));
}

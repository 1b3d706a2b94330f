//! The IAM condition operators
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>),
//! without the `ForAllValues:`/`ForAnyValue:` prefixes and the `IfExists` suffix, which
//! apply to any of them.

pub struct Operator {
    pub name: &'static str,
    /// What it compares, for hover and completion.
    pub doc: &'static str,
    /// True when a missing key makes the condition true (negated operators, `Null`):
    /// such a condition is not dead on a request without the key.
    pub true_when_absent: bool,
}

const fn op(name: &'static str, doc: &'static str) -> Operator {
    Operator {
        name,
        doc,
        true_when_absent: false,
    }
}

const fn negated(name: &'static str, doc: &'static str) -> Operator {
    Operator {
        name,
        doc,
        true_when_absent: true,
    }
}

/// Every operator, grouped by what it compares.
pub const OPERATORS: &[Operator] = &[
    op("StringEquals", "exact string match"),
    negated("StringNotEquals", "negated exact string match"),
    op("StringEqualsIgnoreCase", "string match, ignoring case"),
    negated(
        "StringNotEqualsIgnoreCase",
        "negated string match, ignoring case",
    ),
    op("StringLike", "string match with `*` and `?` wildcards"),
    negated("StringNotLike", "negated string match with wildcards"),
    op("NumericEquals", "number equal"),
    negated("NumericNotEquals", "number not equal"),
    op("NumericLessThan", "number less than"),
    op("NumericLessThanEquals", "number less than or equal"),
    op("NumericGreaterThan", "number greater than"),
    op("NumericGreaterThanEquals", "number greater than or equal"),
    op("DateEquals", "date equal"),
    negated("DateNotEquals", "date not equal"),
    op("DateLessThan", "date before"),
    op("DateLessThanEquals", "date at or before"),
    op("DateGreaterThan", "date after"),
    op("DateGreaterThanEquals", "date at or after"),
    op("Bool", "boolean match"),
    op("BinaryEquals", "base64-encoded binary match"),
    op("IpAddress", "the address is in the range"),
    negated("NotIpAddress", "the address is not in the range"),
    op("ArnEquals", "exact ARN match"),
    op("ArnLike", "ARN match with wildcards"),
    negated("ArnNotEquals", "negated exact ARN match"),
    negated("ArnNotLike", "negated ARN match with wildcards"),
    negated(
        "Null",
        "whether the key is absent (`true`) or present (`false`)",
    ),
];

/// The operator an operator as written stands for: `ForAnyValue:StringLike` and
/// `StringLikeIfExists` are `StringLike`.
pub fn base(written: &str) -> &str {
    let s = written
        .strip_prefix("ForAllValues:")
        .or_else(|| written.strip_prefix("ForAnyValue:"))
        .unwrap_or(written);
    s.strip_suffix("IfExists").unwrap_or(s)
}

/// Whether a condition with this operator, as written, is true when the request lacks
/// the key: negated operators and `Null`, any `...IfExists`, and `ForAllValues:` (true
/// of an empty set).
pub fn true_when_absent(written: &str) -> bool {
    written.ends_with("IfExists")
        || written.starts_with("ForAllValues:")
        || get(base(written)).is_some_and(|o| o.true_when_absent)
}

pub fn get(name: &str) -> Option<&'static Operator> {
    OPERATORS.iter().find(|o| o.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().map(|o| o.name)
}

//! The sizes IAM checks (every character but white space), added up from the lengths
//! of a document's strings instead of writing it: the splitter and the size checks
//! measure every statement and trust policy.

use super::*;
use crate::model::Conditions;

/// The size of one statement as it appears inside a policy: the characters other than
/// white space of its compact JSON (as [`policy_size`] counts), added up from the
/// lengths of its strings as JSON writes them rather than by writing it (the splitter
/// measures every statement, and every candidate chunk of a large one). Keys in
/// [`StatementJson`]'s order; `serialized_size` is the check.
pub(super) fn statement_size(st: &AwsStatement) -> usize {
    // The braces, less the comma the first field does not have.
    let mut n = 1 + sid_size(st.sid.as_deref());
    n += field_size("Effect")
        + match st.effect {
            Effect::Allow => json_text_size("Allow"),
            Effect::Deny => json_text_size("Deny"),
        };
    n += field_size(if st.not_action { "NotAction" } else { "Action" }) + list_size(&st.actions);
    n += field_size(if st.not_resource {
        "NotResource"
    } else {
        "Resource"
    }) + list_size(&st.resources);
    n + conditions_size(&st.conditions)
}

/// The size of a role's trust policy holding `statements`, counted as
/// [`statement_size`] counts (keys in `TrustStatementJson`'s order): `engc check`
/// measures every role's trust policy (E0802) without writing it.
pub fn trust_policy_size<'a>(statements: impl IntoIterator<Item = &'a TrustStatement>) -> usize {
    // `{"Version":"2012-10-17","Statement":[]}`, then each statement and a comma
    // between each two.
    let mut n = empty_policy_size();
    for (i, t) in statements.into_iter().enumerate() {
        n += usize::from(i > 0) + trust_statement_size(t);
    }
    n
}

fn trust_statement_size(t: &TrustStatement) -> usize {
    let mut n = 1 + sid_size(t.sid.as_deref());
    n += field_size("Effect") + json_text_size("Allow");
    // `"Principal":{"AWS":...}`
    n += field_size("Principal") + 2 + json_text_size(t.principal_key) + 1;
    n += list_size(&t.principals);
    n += field_size("Action") + list_size(&t.actions);
    n + conditions_size(&t.conditions)
}

/// `"Name":` and the comma before it (every field but the first has one: the
/// statement's count starts one short).
fn field_size(name: &str) -> usize {
    name.len() + 4
}

/// The `Sid` field, if there is one.
fn sid_size(sid: Option<&str>) -> usize {
    sid.map_or(0, |s| field_size("Sid") + json_text_size(s))
}

/// A list of strings; a list of one is written as its string.
fn list_size(l: &[String]) -> usize {
    match l {
        [one] => json_text_size(one),
        many => {
            2 + many.len().saturating_sub(1) + many.iter().map(|s| json_text_size(s)).sum::<usize>()
        }
    }
}

/// The `Condition` field, none when there are no conditions.
fn conditions_size(conditions: &Conditions) -> usize {
    if conditions.is_empty() {
        return 0;
    }
    let mut n = field_size("Condition") + 2 + (conditions.len() - 1);
    for (op, keys) in conditions {
        // `"op":{...}` with its keys, each `"key":value`, comma-separated.
        n += json_text_size(op) + 3 + keys.len().saturating_sub(1);
        for (key, values) in keys {
            n += json_text_size(key) + 1 + list_size(values);
        }
    }
    n
}

/// The characters [`statement_size`] counts of `s` written as a JSON string by serde_json:
/// its quotes, `\"` and `\\` and the short escapes (`\n`...) two each, other control
/// characters six (`\u00XX`), a space none (white space), any other character one.
pub(super) fn json_text_size(s: &str) -> usize {
    const fn widths() -> [u8; 256] {
        let mut w = [1u8; 256];
        let mut b = 0;
        while b < 0x20 {
            w[b] = 6;
            b += 1;
        }
        w[0x08] = 2;
        w[0x09] = 2;
        w[0x0A] = 2;
        w[0x0C] = 2;
        w[0x0D] = 2;
        w[b' ' as usize] = 0;
        w[b'"' as usize] = 2;
        w[b'\\' as usize] = 2;
        // A byte that continues a UTF-8 sequence: its character is counted once.
        let mut c = 0x80;
        while c < 0xC0 {
            w[c] = 0;
            c += 1;
        }
        w
    }
    const WIDTHS: [u8; 256] = widths();
    2 + s
        .bytes()
        .map(|b| usize::from(WIDTHS[usize::from(b)]))
        .sum::<usize>()
}

/// [`statement_size`] by serializing, as the policy is written.
#[cfg(test)]
pub(super) fn serialized_size(st: &AwsStatement) -> usize {
    let mut count = Counter(0);
    serde_json::to_writer(&mut count, &StatementJson::new(st, Dialect::Plain))
        .expect("backend structs always serialize");
    count.0
}

/// Counts what [`policy_size`] counts (characters other than white space) of the
/// compact JSON written to it, without keeping the text: [`serialized_size`]'s.
#[cfg(test)]
pub(super) struct Counter(usize);

#[cfg(test)]
impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A character is a byte that does not continue a UTF-8 sequence.
        self.0 += buf
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80 && !b.is_ascii_whitespace())
            .count();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of a policy with no statements: `{"Version":"2012-10-17","Statement":[]}`.
pub(super) fn empty_policy_size() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| policy_size(&to_compact_json(&PolicyDocument::new(&[]))))
}

/// At least [`statement_size`], found without serializing: every string at most six
/// characters a byte (a control character is written `\u00XX`) plus its quotes and
/// comma, and every field name and bracket counted generously. Most statements are far
/// below the limit, and this settles them without a byte-by-byte pass.
pub(super) fn size_bound(st: &AwsStatement) -> usize {
    let text = |s: &String| 6 * s.len() + 3;
    // `{"Sid":,"Effect":"Allow","NotAction":[],"NotResource":[],"Condition":{}}`: 73.
    let mut n = 80 + st.sid.as_ref().map_or(0, text);
    n += st
        .actions
        .iter()
        .chain(&st.resources)
        .map(text)
        .sum::<usize>();
    for (op, keys) in &st.conditions {
        n += text(op) + 3;
        for (key, values) in keys {
            n += text(key) + 3 + values.iter().map(text).sum::<usize>();
        }
    }
    n
}

//! Terraform strings are templates: `${...}` interpolates and `%{...}` is a directive,
//! anywhere in a `.tf.json` string. Every literal part engc writes is escaped, so that a
//! value such as `${file("/etc/passwd")}` or IAM's `${aws:username}` reaches the
//! document as text and is never evaluated; only engc's own placeholders become
//! interpolations.

use crate::backend::template::{parts, Part};

/// `s` as a Terraform template: text escaped (`${` → `$${`, `%{` → `%%{`), each
/// placeholder `name` as `${EXPR}` with `EXPR = expr(name)`; a declared external
/// reference is text here (see [`template_with`]).
pub fn template(s: &str, expr: &dyn Fn(&str) -> String) -> String {
    template_with(s, expr, &|path| escape(&format!("${{{path}}}")))
}

/// As [`template`], each declared external reference written `external(path)`.
pub fn template_with(
    s: &str,
    expr: &dyn Fn(&str) -> String,
    external: &dyn Fn(&str) -> String,
) -> String {
    // Without a `{` there is neither a placeholder nor anything to escape.
    if !s.contains('{') {
        return s.to_string();
    }
    let parts = parts(s);
    let mut out = String::with_capacity(s.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Text(t) => {
                let start = out.len();
                escape_into(&mut out, t);
                // `$` right before an interpolation would make `$${`, an escape: write
                // the trailing `$`s as an interpolation of their own (`${"$"}`).
                let next_is_param =
                    matches!(parts.get(i + 1), Some(Part::Param(_) | Part::External(_)));
                let dollars = out[start..].len() - out[start..].trim_end_matches('$').len();
                if next_is_param && dollars > 0 {
                    out.truncate(out.len() - dollars);
                    out.push_str("${\"");
                    out.extend(std::iter::repeat_n('$', dollars));
                    out.push_str("\"}");
                }
            }
            Part::Param(name) => {
                out.push_str("${");
                out.push_str(&expr(name));
                out.push('}');
            }
            Part::External(path) => out.push_str(&external(path)),
        }
    }
    out
}

/// Literal text for a Terraform string: `${` → `$${`, `%{` → `%%{`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`.
fn escape_into(out: &mut String, text: &str) {
    // One pass: each `{` after a `$` or `%` doubles that character (the two
    // replacements cannot make or break each other's pairs).
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let before = &rest[..i];
        out.push_str(before);
        if let Some(c @ ('$' | '%')) = before.chars().next_back() {
            out.push(c);
        }
        out.push('{');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// A string with no placeholders, escaped.
pub fn literal(s: &str) -> String {
    template(s, &|name| format!("var.{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> String {
        format!("var.{name}")
    }

    /// The one-pass escape writes what the two replacements wrote.
    #[test]
    fn escape_as_two_replacements() {
        for t in [
            "",
            "{",
            "${",
            "$${",
            "%{",
            "%%{",
            "${{",
            "%${",
            "$%{",
            "{${}%{",
            "é${é}%{",
            "a$b%c{d}",
            "$",
            "%",
            "}{",
        ] {
            assert_eq!(
                escape(t),
                t.replace("${", "$${").replace("%{", "%%{"),
                "{t:?}"
            );
        }
    }

    #[test]
    fn literal_text_is_never_evaluated() {
        assert_eq!(
            escape("${file(\"/etc/passwd\")}"),
            "$${file(\"/etc/passwd\")}"
        );
        assert_eq!(escape("${aws:username}"), "$${aws:username}");
        assert_eq!(
            escape("%{ if true }x%{ endif }"),
            "%%{ if true }x%%{ endif }"
        );
        assert_eq!(escape("$5 {x} 100%"), "$5 {x} 100%");
        assert_eq!(
            template("arn:aws:s3:::b/${aws:username}/*", &var),
            "arn:aws:s3:::b/$${aws:username}/*"
        );
        assert_eq!(
            template("${file(\"/etc/passwd\")}", &var),
            "$${file(\"/etc/passwd\")}"
        );
    }

    /// The former `template_with`: each text part escaped into a string of its own.
    fn template_by_parts(s: &str) -> String {
        let parts = parts(s);
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Text(t) => {
                    let escaped = escape(t);
                    let next_is_param =
                        matches!(parts.get(i + 1), Some(Part::Param(_) | Part::External(_)));
                    let head = escaped.trim_end_matches('$');
                    let dollars = escaped.len() - head.len();
                    if next_is_param && dollars > 0 {
                        out.push_str(head);
                        out.push_str(&format!("${{\"{}\"}}", "$".repeat(dollars)));
                    } else {
                        out.push_str(&escaped);
                    }
                }
                Part::Param(name) => out.push_str(&format!("${{{}}}", var(name))),
                Part::External(path) => out.push_str(&format!("<{path}>")),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn template_as_by_parts(s in "[$${}}%a._-]{0,16}") {
            let got = template_with(&s, &var, &|p| format!("<{p}>"));
            proptest::prop_assert_eq!(got, template_by_parts(&s));
        }
    }

    #[test]
    fn placeholders_become_interpolations() {
        assert_eq!(
            template("arn:aws:sqs:${region}:${account_id}:q", &var),
            "arn:aws:sqs:${var.region}:${var.account_id}:q"
        );
        assert_eq!(template("${x}", &var), "${var.x}");
        // `$` before a placeholder stays a `$`, not the start of an escape.
        assert_eq!(template("a$${x}", &var), "a${\"$\"}${var.x}");
        assert_eq!(template("a$$${x}", &var), "a${\"$$\"}${var.x}");
        // an escaped `${` beside a placeholder
        assert_eq!(
            template("${aws:userid}${x}", &var),
            "$${aws:userid}${var.x}"
        );
    }
}

//! A model string as literal text and engc placeholders. Every output that a tool
//! reads as a template (Terraform, CloudFormation's `Fn::Sub`, the shell, ARM) renders
//! from these parts: the text escaped for that tool, each placeholder turned into the
//! tool's own variable. Values never hold `${` (see
//! [`template_in_value`](crate::resolve::params::template_in_value)), so every
//! `${name}` in the model is a placeholder.

/// One part of a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    /// Literal text, written as it is (escaped by each renderer).
    Text(&'a str),
    /// An engc parameter left without a value.
    Param(&'a str),
    /// A declared `external` reference (`var.vpc_id`): text in documents that another
    /// tool templates, a variable or parameter in the Terraform and CloudFormation
    /// outputs.
    External(&'a str),
}

/// `s` cut into text and placeholders, in order; empty text parts are left out.
/// Externals are cut out too; renderers that do not take them write them as text.
pub fn parts(s: &str) -> Vec<Part<'_>> {
    // Both kinds of reference start `${`: without one, the string is all text.
    if !s.contains("${") {
        return if s.is_empty() {
            Vec::new()
        } else {
            vec![Part::Text(s)]
        };
    }
    let mut out = Vec::new();
    let mut last = 0;
    crate::resolve::params::each_substitution(s, |inside, range, external| {
        if range.start > last {
            out.push(Part::Text(&s[last..range.start]));
        }
        out.push(if external {
            Part::External(inside)
        } else {
            Part::Param(inside)
        });
        last = range.end;
    });
    if last < s.len() {
        out.push(Part::Text(&s[last..]));
    }
    out
}

/// Whether `s` holds a placeholder.
pub fn has_params(s: &str) -> bool {
    parts(s).iter().any(|p| matches!(p, Part::Param(_)))
}

/// Whether `s` holds a placeholder or a declared external reference: what Terraform
/// and CloudFormation substitute.
pub fn has_substitutions(s: &str) -> bool {
    // Most strings hold no `${`: answered without cutting them into parts.
    let mut any = false;
    if s.contains("${") {
        crate::resolve::params::each_substitution(s, |_, _, _| any = true);
    }
    any
}

/// The declared external references of `s`, in order (repeats kept).
pub fn externals(s: &str) -> Vec<&str> {
    parts(s)
        .into_iter()
        .filter_map(|p| match p {
            Part::External(n) => Some(n),
            _ => None,
        })
        .collect()
}

/// The placeholders of `s`, in order (repeats kept).
pub fn params(s: &str) -> Vec<&str> {
    parts(s)
        .into_iter()
        .filter_map(|p| match p {
            Part::Param(n) => Some(n),
            Part::Text(_) | Part::External(_) => None,
        })
        .collect()
}

/// `s` with each placeholder replaced by `f(name)` and each text part by `text(part)`;
/// external references are text.
pub fn render(s: &str, text: impl Fn(&str) -> String, f: impl Fn(&str) -> String) -> String {
    parts(s)
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => text(t),
            Part::External(n) => text(&format!("${{{n}}}")),
            Part::Param(n) => f(n),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The former cut: each kind of reference found by its own scan, then merged.
    fn parts_by_two_scans(s: &str) -> Vec<Part<'_>> {
        let mut refs: Vec<(Part, std::ops::Range<usize>)> = crate::resolve::params::references(s)
            .into_iter()
            .map(|(n, r)| (Part::Param(n), r))
            .chain(
                crate::resolve::params::external_references(s)
                    .into_iter()
                    .map(|(n, r)| (Part::External(n), r)),
            )
            .collect();
        refs.sort_by_key(|(_, r)| r.start);
        let (mut out, mut last) = (Vec::new(), 0);
        for (part, range) in refs {
            if range.start > last {
                out.push(Part::Text(&s[last..range.start]));
            }
            out.push(part);
            last = range.end;
        }
        if last < s.len() {
            out.push(Part::Text(&s[last..]));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn one_scan_cuts_as_two_did(s in "[$${}}a._9:-]{0,16}") {
            proptest::prop_assert_eq!(parts(&s), parts_by_two_scans(&s));
            proptest::prop_assert_eq!(
                has_substitutions(&s),
                parts(&s).iter().any(|p| !matches!(p, Part::Text(_)))
            );
        }
    }

    #[test]
    fn cuts_text_and_placeholders() {
        assert_eq!(
            parts("arn:aws:s3:::${bucket}/${aws:username}/*"),
            [
                Part::Text("arn:aws:s3:::"),
                Part::Param("bucket"),
                Part::Text("/${aws:username}/*")
            ]
        );
        assert_eq!(parts("${a}${b}"), [Part::Param("a"), Part::Param("b")]);
        assert!(parts("").is_empty());
        assert!(has_params("x${y}"));
        assert!(!has_params("x${aws:y}"));
        assert_eq!(params("${a}-${b}-${a}"), ["a", "b", "a"]);
        assert_eq!(
            render("a${x}b", |t| t.to_uppercase(), |n| format!("<{n}>")),
            "A<x>B"
        );
    }
}

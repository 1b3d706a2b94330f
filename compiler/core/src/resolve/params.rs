//! `${name}` references inside strings: checked against the declared parameters and
//! filled from `--set` or a default; unset parameters stay placeholders.

use crate::diag::{closest, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Str;
use std::collections::BTreeMap;

/// Parameters every deployment has without declaring them: the standard library's
/// ARN templates use these, and `prefix` is the deployment's `name_prefix`.
pub const IMPLICIT: &[&str] = &[
    "account_id",
    "prefix",
    "project_id",
    "region",
    "subscription_id",
];

/// Where a parameter's value came from, for diagnostics that point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `param name = "default"`: the default's span.
    Default(Span),
    /// The deployment's `name_prefix` (the `prefix` parameter).
    Prefix(Span),
    /// Given outside the source: `--set`, a `--set-file`, the editor's settings. The
    /// text says which (`` `--set region=...` ``).
    Given(String),
}

pub struct Params {
    /// name -> value and its origin (None: stays a placeholder).
    values: BTreeMap<String, Option<(String, Origin)>>,
}

impl Params {
    /// `declared`: each parameter with its default; `set`: values given outside the
    /// source, with where each came from (`--set`, a file).
    pub fn new(
        declared: &[(String, Option<(String, Span)>)],
        prefix: Option<(&str, Span)>,
        set: &BTreeMap<String, String>,
        set_from: &BTreeMap<String, String>,
    ) -> Params {
        let mut values: BTreeMap<String, Option<(String, Origin)>> = BTreeMap::new();
        for name in IMPLICIT {
            values.insert(name.to_string(), None);
        }
        values.insert(
            "prefix".into(),
            prefix.map(|(p, span)| (p.to_string(), Origin::Prefix(span))),
        );
        for (name, default) in declared {
            values.insert(
                name.clone(),
                default
                    .as_ref()
                    .map(|(v, span)| (v.clone(), Origin::Default(*span))),
            );
        }
        for (k, v) in set {
            if let Some(slot) = values.get_mut(k) {
                let from = set_from
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| format!("`--set {k}=...`"));
                *slot = Some((v.clone(), Origin::Given(from)));
            }
        }
        // The name prefix may itself use parameters (`"demo-${env}"`).
        let mut params = Params { values };
        if let Some(Some((p, origin))) = params.values.get("prefix").cloned() {
            let rendered = params.render(&p);
            params
                .values
                .insert("prefix".into(), Some((rendered, origin)));
        }
        params
    }

    /// The parameters `s` refers to that have a value: name, value and origin.
    pub fn filled<'s>(&self, s: &'s str) -> Vec<(&'s str, &str, &Origin)> {
        references(s)
            .into_iter()
            .filter_map(|(name, _)| match self.values.get(name) {
                Some(Some((v, o))) => Some((name, v.as_str(), o)),
                _ => None,
            })
            .collect()
    }

    /// A parameter's value and origin, when it has one.
    pub fn value(&self, name: &str) -> Option<(&str, &Origin)> {
        match self.values.get(name) {
            Some(Some((v, o))) => Some((v.as_str(), o)),
            _ => None,
        }
    }

    /// Leaves a known parameter without a value (a placeholder), whatever its default.
    pub fn unset(&mut self, name: &str) {
        if let Some(slot) = self.values.get_mut(name) {
            *slot = None;
        }
    }

    /// Every parameter that has a value: name, value and origin, by name.
    pub fn values(&self) -> impl Iterator<Item = (&str, &str, &Origin)> {
        self.values
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|(v, o)| (k.as_str(), v.as_str(), o)))
    }

    /// Every known parameter's name, set or not.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn is_known(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Reports every `${x}` in `s` that names no parameter.
    pub fn check(&self, s: &Str, diags: &mut Vec<Diagnostic>) {
        for (name, range) in references(&s.node) {
            if self.is_known(name) {
                continue;
            }
            let span = reference_span(s, range);
            let mut d = Diagnostic::new(Code::E0107, span, format!("unknown parameter `{name}`"))
                .label("not a declared parameter");
            if let Some(best) = closest(name, self.values.keys().map(String::as_str)) {
                d = d.suggest(
                    span,
                    format!("${{{best}}}"),
                    format!("did you mean `{best}`?"),
                );
            } else {
                d = d.help(format!("declare it in the deployment: `param {name}`"));
            }
            diags.push(d);
        }
    }

    /// The string with set parameters filled in.
    pub fn render(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for (name, range) in references(s) {
            if let Some(Some((v, _))) = self.values.get(name) {
                out.push_str(&s[last..range.start]);
                out.push_str(v);
                last = range.end;
            }
        }
        out.push_str(&s[last..]);
        out
    }
}

/// Why a parameter value is refused, if it is: one that holds `${` or `%{` would be
/// read as a placeholder by engc, or as an interpolation or a template directive by the
/// tools that apply the documents (Terraform, CloudFormation's `Fn::Sub`, the shell).
/// Refusing them means every `${name}` left in the model is a genuine placeholder.
pub fn template_in_value(value: &str) -> Option<&'static str> {
    if value.contains("${") {
        Some("${")
    } else if value.contains("%{") {
        Some("%{")
    } else {
        None
    }
}

/// `${name}` references (name = identifier) with their byte ranges. Other `${...}`
/// forms, such as IAM's `${aws:username}`, are left alone.
pub fn references(s: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = s[from..].find("${") {
        let start = from + i;
        let Some(len) = s[start + 2..].find('}') else {
            break;
        };
        let name = &s[start + 2..start + 2 + len];
        let ident = !name.is_empty()
            && name.chars().enumerate().all(|(i, c)| {
                c == '_' || c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || c == '-'))
            });
        if ident {
            out.push((name, start..start + 3 + len));
        }
        from = start + 2;
    }
    out
}

/// The span in the source of the part `range` of a string's value. Offsets in the value
/// are not offsets in the literal when escapes come before (`\n` is two bytes written,
/// one read), and a span counted in the value could end inside a character. The literal
/// is the value with `"`, `\`, a newline and a tab escaped, unless a tab was written
/// as itself; when the lengths do not add up, the whole string is the span.
fn reference_span(s: &Str, range: std::ops::Range<usize>) -> Span {
    let written = |t: &str| -> usize {
        t.chars()
            .map(|c| match c {
                '"' | '\\' | '\n' | '\t' => 2,
                c => c.len_utf8(),
            })
            .sum()
    };
    let v = &s.node;
    if written(v) + 2 != s.span.range().len() {
        return s.span;
    }
    let start = s.span.start as usize + 1 + written(&v[..range.start]);
    Span {
        via: s.span.via,
        ..Span::new(s.span.file, start, start + written(&v[range]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_skip_iam_variables() {
        let refs: Vec<_> = references("arn:${region}:${aws:username}:${x1}")
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(refs, ["region", "x1"]);
    }

    #[test]
    fn values_with_template_syntax_are_refused() {
        assert_eq!(template_in_value("a${b}"), Some("${"));
        assert_eq!(template_in_value("${file(\"/etc/passwd\")}"), Some("${"));
        assert_eq!(template_in_value("%{ if true }x%{ endif }"), Some("%{"));
        assert_eq!(template_in_value("$x {y} %x"), None);
        assert_eq!(template_in_value("us-east-1"), None);
    }

    #[test]
    fn render_fills_only_set_values() {
        let mut set = BTreeMap::new();
        set.insert("region".to_string(), "us-east-1".to_string());
        let span = Span::new(crate::source::FileId(0), 0, 0);
        let p = Params::new(&[], Some(("chalk", span)), &set, &BTreeMap::new());
        assert_eq!(
            p.render("arn:aws:eks:${region}:${account_id}:${prefix}*"),
            "arn:aws:eks:us-east-1:${account_id}:chalk*"
        );
    }
}

//! `${name}` references inside strings: checked against the declared parameters and
//! filled from `--set` or a default; unset parameters stay placeholders.

use crate::diag::{closest, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Str;
use std::borrow::Cow;
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
    /// The deployment's `external` references (`var.vpc_id`).
    externals: std::collections::BTreeSet<String>,
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
        let mut params = Params {
            values,
            externals: Default::default(),
        };
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

    /// Declares the deployment's `external` references.
    pub fn set_externals<'s>(&mut self, names: impl IntoIterator<Item = &'s str>) {
        self.externals = names.into_iter().map(str::to_string).collect();
    }

    /// Reports every `${x}` in `s` that names no parameter (E0107), and every
    /// `${a.b}` that is not a declared external reference (E0118).
    pub fn check(&self, s: &Str, diags: &mut Vec<Diagnostic>) {
        for (path, range) in external_references(&s.node) {
            if self.externals.contains(path) {
                continue;
            }
            let span = reference_span(s, range);
            let mut d = Diagnostic::new(
                Code::E0118,
                span,
                format!("undeclared external reference `{path}`"),
            )
            .label("not declared `external` in the deployment");
            if let Some(best) = closest(path, self.externals.iter().map(String::as_str)) {
                d = d.suggest(
                    span,
                    format!("${{{best}}}"),
                    format!("did you mean `{best}`?"),
                );
            } else {
                d = d.help(format!(
                    "declare it in the deployment: `external {path}`, so that a typo cannot pass unnoticed"
                ));
            }
            diags.push(d);
        }
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
        self.rendered(s).into_owned()
    }

    /// [`Params::render`], borrowing `s` when it holds no parameter that is set (the
    /// checks render every string of the source only to read it).
    pub fn rendered<'s>(&self, s: &'s str) -> Cow<'s, str> {
        let mut out: Option<String> = None;
        let mut last = 0;
        each_reference(s, |name, range| {
            if let Some(Some((v, _))) = self.values.get(name) {
                let out = out.get_or_insert_with(|| String::with_capacity(s.len() + v.len()));
                out.push_str(&s[last..range.start]);
                out.push_str(v);
                last = range.end;
            }
        });
        match out {
            None => Cow::Borrowed(s),
            Some(mut out) => {
                out.push_str(&s[last..]);
                Cow::Owned(out)
            }
        }
    }
}

/// E0119: an `external` reference declared twice, or one whose Terraform variable or
/// CloudFormation parameter would be another's (a parameter's or an external's).
pub fn check_externals(
    externals: &[crate::syntax::ast::Name],
    params: &Params,
    diags: &mut Vec<Diagnostic>,
) {
    use crate::backend::cloudformation::pascal;
    // variable or parameter name -> what holds it (`parameter `x`` / `external `a.b``)
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for p in params.names() {
        taken.insert(p.to_string(), format!("parameter `{p}`"));
        taken.insert(format!("cfn:{}", pascal(p)), format!("parameter `{p}`"));
    }
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for e in externals {
        let path = e.node.as_str();
        if let Some(first) = seen.get(path) {
            diags.push(
                Diagnostic::new(
                    Code::E0119,
                    e.span,
                    format!("external reference `{path}` is declared twice"),
                )
                .label("declared again here")
                .with_secondary(*first, "first declared here")
                .help("remove one"),
            );
            continue;
        }
        seen.insert(path, e.span);
        let var = external_variable(path);
        let me = format!("external `{path}`");
        for (key, what) in [
            (var.clone(), format!("Terraform variable `{var}`")),
            (
                format!("cfn:{}", pascal(&var)),
                format!("CloudFormation parameter `{}`", pascal(&var)),
            ),
        ] {
            if let Some(other) = taken.get(&key) {
                diags.push(
                    Diagnostic::new(
                        Code::E0119,
                        e.span,
                        format!("external reference `{path}` would be {what}, as {other} is"),
                    )
                    .label("clashes in the Terraform and CloudFormation outputs")
                    .help(format!("rename one of them, or use {other} alone")),
                );
                break;
            }
            taken.insert(key, me.clone());
        }
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
    each_reference(s, |name, range| out.push((name, range)));
    out
}

/// [`references`] one by one, without collecting them: this runs on every string of
/// the model and of the documents written.
pub fn each_reference<'s>(s: &'s str, f: impl FnMut(&'s str, std::ops::Range<usize>)) {
    each_placeholder(s, is_reference, f)
}

/// [`each_reference`] and [`external_references`] in one scan, in order: (inside,
/// range, whether it is an external reference). The two never overlap (neither inside
/// holds `$`), so this is their merge by position.
pub(crate) fn each_substitution<'s>(
    s: &'s str,
    mut f: impl FnMut(&'s str, std::ops::Range<usize>, bool),
) {
    each_placeholder(
        s,
        |_| true,
        |inside, range| {
            if is_reference(inside) {
                f(inside, range, false)
            } else if is_external(inside) {
                f(inside, range, true)
            }
        },
    )
}

/// A parameter's name: letters and `_`, then also digits and `-`.
fn is_reference(name: &str) -> bool {
    !name.is_empty()
        && name.chars().enumerate().all(|(i, c)| {
            c == '_' || c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || c == '-'))
        })
}

/// Every `${...}` of `s` whose inside `keep` accepts: (inside, range of `${...}`).
fn placeholders(s: &str, keep: impl Fn(&str) -> bool) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    each_placeholder(s, keep, |inside, range| out.push((inside, range)));
    out
}

/// [`placeholders`], each given to `f`.
fn each_placeholder<'s>(
    s: &'s str,
    keep: impl Fn(&str) -> bool,
    mut f: impl FnMut(&'s str, std::ops::Range<usize>),
) {
    let b = s.as_bytes();
    let mut from = 0;
    // A byte loop for `$`, then a look at the next byte: the strings are short and
    // seldom hold a `$`, so a searcher's set-up cost more than the search; but whole
    // documents (`backend::placeholders_in`) are searched a word at a time. `$`, `{` and
    // `}` are ASCII, so every index found is a character boundary.
    let dollar = |hay: &[u8]| {
        if hay.len() >= 64 {
            crate::byte_search::find(hay, b'$')
        } else {
            hay.iter().position(|&c| c == b'$')
        }
    };
    while let Some(i) = dollar(&b[from..]) {
        let start = from + i;
        if b.get(start + 1) != Some(&b'{') {
            from = start + 1;
            continue;
        }
        let Some(len) = b[start + 2..].iter().position(|&c| c == b'}') else {
            break;
        };
        let inside = &s[start + 2..start + 2 + len];
        if keep(inside) {
            f(inside, start..start + 3 + len);
        }
        from = start + 2;
    }
}

/// `${a.b...}` references to another tool's names (Terraform's `${var.x}`,
/// `${aws_s3_bucket.b.arn}`, CloudFormation's `${Bucket.Arn}`) with their byte ranges:
/// a name, then one or more `.`-separated parts of letters, digits, `_` and `-`.
pub fn external_references(s: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    placeholders(s, is_external)
}

/// `var.x`, `aws_s3_bucket.b.arn`: what `external` declares and `${...}` may hold.
pub fn is_external(path: &str) -> bool {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or("");
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    path.contains('.')
        && first.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && word(first)
        && parts.all(word)
}

/// The Terraform variable a declared external reference becomes in engc's modules:
/// `var.vpc_id` → `vpc_id`, `aws_s3_bucket.b.arn` → `aws_s3_bucket_b_arn`.
pub fn external_variable(path: &str) -> String {
    path.strip_prefix("var.").unwrap_or(path).replace('.', "_")
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
    fn external_references_are_dotted_names() {
        let refs: Vec<_> = external_references(
            "${var.x}/${aws:username}/${a.b.arn}/${x}/${.a}/${a..b}/${a.}/${1a.b}/${aws:x.y}",
        )
        .into_iter()
        .map(|r| r.0)
        .collect();
        assert_eq!(refs, ["var.x", "a.b.arn"]);
        assert_eq!(external_variable("var.vpc_id"), "vpc_id");
        assert_eq!(
            external_variable("aws_s3_bucket.b.arn"),
            "aws_s3_bucket_b_arn"
        );
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

#[cfg(test)]
#[path = "params_scan_tests.rs"]
mod scan_tests;

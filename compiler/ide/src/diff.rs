//! `engc diff` as lines of text, shared by the command line (human and Markdown) and
//! the editor's hover: every change is one block of lines, each led by its mark: `+`
//! widens access, `-` narrows it, `~` changes nothing (the other version holds it
//! through a wider grant). And the hover over an access level or principal: what it
//! gains and loses against the saved files.

use crate::Analysis;
use engc_core::access::diff::{
    self, AwsChange, Change, Diff, Facts, ItemChange, K8sChange, PrincipalDiff, Status,
};
use engc_core::source::FileId;
use engc_core::syntax::ast;
use std::fmt::Write;

/// The one-line verdict.
pub fn verdict(d: &Diff) -> String {
    let (gained, lost) = d.counts();
    let what = if d.is_empty() {
        return "no change in access".to_string();
    } else if d.grows {
        "access grows"
    } else {
        "access changes but does not grow"
    };
    format!("{what} ({gained} gained, {lost} lost)")
}

fn status(p: &PrincipalDiff) -> &'static str {
    match p.status {
        Status::Added => " (new)",
        Status::Removed => " (removed)",
        Status::Changed => "",
    }
}

pub fn heading(p: &PrincipalDiff) -> String {
    match p.name.starts_with("access level") {
        true => format!("{}{}", p.name, status(p)),
        false => format!("principal {}{}", p.name, status(p)),
    }
}

pub fn heading_md(p: &PrincipalDiff) -> String {
    match p.name.starts_with("access level") {
        true => format!("{}{}", p.name, status(p)),
        false => format!("principal `{}`{}", p.name, status(p)),
    }
}

fn mark(widens: bool, covered: bool) -> char {
    match (widens, covered) {
        (true, _) => '+',
        (false, true) => '~',
        (false, false) => '-',
    }
}

fn verb(c: Change) -> &'static str {
    match c {
        Change::Gained => "gained",
        Change::Lost => "lost",
    }
}

/// A change as lines, each led by the mark: the first says what, the others on what
/// terms.
fn block(m: char, head: String, details: Vec<String>) -> Vec<String> {
    let mut out = vec![format!("{m} {head}")];
    out.extend(details.into_iter().map(|d| format!("{m}     {d}")));
    out
}

pub fn principal_lines(p: &PrincipalDiff) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(p.trust.iter().flat_map(|c| item("trust", c)));
    out.extend(p.aws.iter().flat_map(aws));
    out.extend(p.gcp.iter().flat_map(|c| item("gcp", c)));
    out.extend(p.azure.iter().flat_map(|c| item("azure", c)));
    out.extend(p.k8s.iter().flat_map(k8s));
    out
}

fn covered_note(c: Change, covered: bool) -> Option<String> {
    covered.then(|| match c {
        Change::Gained => "already held through a wider grant".to_string(),
        Change::Lost => "still held through a wider grant".to_string(),
    })
}

fn from(levels: &[String]) -> Option<String> {
    (!levels.is_empty()).then(|| format!("from {}", levels.join(", ")))
}

fn conditions(list: &[String]) -> String {
    match list.is_empty() {
        true => "with no condition".to_string(),
        false => format!("when {}", list.join(" and ")),
    }
}

fn aws(c: &AwsChange) -> Vec<String> {
    let mut head = format!("aws: {} {}", verb(c.change), c.effect);
    let mut details = Vec::new();
    let mut lines = wrap(&c.actions, WIDTH);
    if c.actions.len() != c.action_count {
        if let Some(last) = lines.last_mut() {
            let _ = write!(last, " ({} actions)", c.action_count);
        }
    }
    match lines.len() {
        1 => {
            head.push(' ');
            head.push_str(&lines[0]);
        }
        _ => details.append(&mut lines),
    }
    let on = match c.not_resource {
        true => "on every resource but",
        false => "on",
    };
    let mut resources = wrap(&c.resources, WIDTH);
    if let Some(first) = resources.first_mut() {
        *first = format!("{on} {first}");
    }
    details.extend(resources);
    details.push(conditions(&c.conditions));
    details.extend(from(&c.levels));
    details.extend(covered_note(c.change, c.covered));
    block(mark(c.widens, c.covered), head, details)
}

/// How wide a line of names may grow before the next name starts a new one.
const WIDTH: usize = 88;

/// Names joined by `, ` into lines of about `width` characters.
fn wrap(names: &[String], width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        match out.last_mut() {
            Some(line) if line.len() + n.len() + 2 <= width => {
                line.push_str(", ");
                line.push_str(n);
            }
            Some(line) => {
                line.push(',');
                out.push(n.clone());
            }
            None => out.push(n.clone()),
        }
    }
    out
}

fn item(cloud: &str, c: &ItemChange) -> Vec<String> {
    let head = match (c.kind, &c.on) {
        ("assume", Some(action)) => format!("{cloud}: {} {} may {action}", verb(c.change), c.name),
        (kind, Some(on)) => format!("{cloud}: {} {kind} {} on {on}", verb(c.change), c.name),
        (kind, None) => format!("{cloud}: {} {kind} {}", verb(c.change), c.name),
    };
    let mut details = Vec::new();
    if c.kind == "assume" || !c.conditions.is_empty() {
        details.push(conditions(&c.conditions));
    }
    details.extend(from(&c.levels));
    details.extend(covered_note(c.change, c.covered));
    block(mark(c.widens, c.covered), head, details)
}

fn k8s(c: &K8sChange) -> Vec<String> {
    let group = match c.group.as_str() {
        "" => "core".to_string(),
        g => g.to_string(),
    };
    let mut head = format!(
        "k8s: {} {} on {} ({group})",
        verb(c.change),
        c.verbs.join(", "),
        c.resource
    );
    if let Some(name) = &c.name {
        let _ = write!(head, " named {name}");
    }
    match &c.namespace {
        Some(ns) => {
            let _ = write!(head, " in namespace {ns}");
        }
        None => head.push_str(" cluster-wide"),
    }
    let details = from(&c.levels)
        .into_iter()
        .chain(covered_note(c.change, c.covered))
        .collect();
    block(mark(c.widens, c.covered), head, details)
}

pub fn finding_lines(d: &Diff) -> Vec<String> {
    d.findings
        .iter()
        .map(|f| match f.change {
            Change::Gained => format!("+ new {}: {}", f.code, f.message),
            Change::Lost => format!("- gone {}: {}", f.code, f.message),
        })
        .collect()
}

/// What the access level or principal whose name is at `offset` gains and loses
/// against `saved` (the facts of the files as saved), as Markdown for a hover; `None`
/// off such a name, or when nothing of it changed. `saved` is called only on a name.
pub fn hover_changes(
    now: &Analysis,
    file: FileId,
    offset: usize,
    saved: impl FnOnce() -> Option<Facts>,
) -> Option<String> {
    let ast = now.ast(file)?;
    let on = |s: &engc_core::source::Span| {
        s.file == file && (s.start as usize) <= offset && offset <= s.end as usize
    };
    let (level, principal) = ast.items.iter().find_map(|i| match i {
        ast::Item::Access(a) if on(&a.name.span) => Some((Some(a.name.node.clone()), None)),
        ast::Item::Principal(p) if on(&p.name.span) => Some((None, Some(p.name.node.clone()))),
        _ => None,
    })?;
    let current = Facts::of(&now.comp, &now.options).filter(|f| f.too_large.is_none())?;
    let saved = saved().filter(|f| f.too_large.is_none())?;
    let d = diff::diff(&saved, &current);
    let from_level = |levels: &[String]| match &level {
        Some(l) => levels
            .iter()
            .any(|x| x == l || x.starts_with(&format!("{l} ("))),
        None => true,
    };
    let mut lines = Vec::new();
    let mut grows = false;
    for p in &d.principals {
        if principal.as_ref().is_some_and(|n| *n != p.name) {
            continue;
        }
        let mut q = p.clone();
        q.aws.retain(|c| from_level(&c.levels));
        q.gcp.retain(|c| from_level(&c.levels));
        q.azure.retain(|c| from_level(&c.levels));
        q.k8s.retain(|c| from_level(&c.levels));
        if level.is_some() {
            q.trust.clear();
        }
        grows |= q.aws.iter().any(|c| c.widens)
            || q.gcp.iter().any(|c| c.widens)
            || q.azure.iter().any(|c| c.widens)
            || q.k8s.iter().any(|c| c.widens)
            || q.trust.iter().any(|c| c.widens);
        let body = principal_lines(&q);
        if body.is_empty() {
            continue;
        }
        if level.is_some() || d.principals.len() > 1 {
            lines.push(format!("# {}", heading(&q)));
        }
        lines.extend(body);
    }
    if lines.is_empty() {
        return None;
    }
    let what = match grows {
        true => "access grows",
        false => "access changes but does not grow",
    };
    Some(format!(
        "**Unsaved changes:** {what}\n\n```diff\n{}\n```\n\n`+` widens access, `-` narrows it, `~` changes nothing",
        lines.join("\n")
    ))
}

//! `engc diff` rendered: for people, as JSON, and as Markdown for a pull-request
//! comment. Every change is one block of lines, each line led by its mark: `+` widens
//! access, `-` narrows it, `~` changes nothing (the other version holds it through a
//! wider grant). In Markdown the blocks sit in ```` ```diff ```` fences, which colour
//! the marks.

use engc_core::access::diff::{
    AwsChange, Change, Diff, ItemChange, K8sChange, PrincipalDiff, Status,
};
use serde::Serialize;
use std::fmt::Write;

/// The diff with the names of what was compared, as `--format json` prints it.
#[derive(Serialize)]
struct Document<'a> {
    old: &'a str,
    new: &'a str,
    grows: bool,
    gained: usize,
    lost: usize,
    principals: &'a [PrincipalDiff],
    findings: &'a [engc_core::access::diff::FindingChange],
}

pub fn json(d: &Diff, old: &str, new: &str) -> String {
    let (gained, lost) = d.counts();
    let doc = Document {
        old,
        new,
        grows: d.grows,
        gained,
        lost,
        principals: &d.principals,
        findings: &d.findings,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

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

pub fn human(d: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("engc diff {old} {new}: {}\n", verdict(d));
    for p in &d.principals {
        let _ = writeln!(out, "\n{}", heading(p));
        for line in principal_lines(p) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !d.findings.is_empty() {
        out.push_str("\nrisk findings\n");
        for line in finding_lines(d) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !d.is_empty() {
        out.push_str(
            "\n+ widens access, - narrows it, ~ changes nothing (held through a wider grant)\n",
        );
    }
    out
}

pub fn markdown(d: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("### engc diff: {}\n\n", verdict(d));
    let _ = writeln!(out, "`{old}` → `{new}`");
    if d.is_empty() {
        return out;
    }
    out.push_str(
        "\n`+` widens access, `-` narrows it, `~` changes nothing (held through a wider grant).\n",
    );
    for p in &d.principals {
        let _ = writeln!(out, "\n#### {}\n\n```diff", heading_md(p));
        for line in principal_lines(p) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("```\n");
    }
    if !d.findings.is_empty() {
        out.push_str("\n#### Risk findings\n\n```diff\n");
        for line in finding_lines(d) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("```\n");
    }
    out
}

fn status(p: &PrincipalDiff) -> &'static str {
    match p.status {
        Status::Added => " (new)",
        Status::Removed => " (removed)",
        Status::Changed => "",
    }
}

fn heading(p: &PrincipalDiff) -> String {
    match p.name.starts_with("access level") {
        true => format!("{}{}", p.name, status(p)),
        false => format!("principal {}{}", p.name, status(p)),
    }
}

fn heading_md(p: &PrincipalDiff) -> String {
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

fn principal_lines(p: &PrincipalDiff) -> Vec<String> {
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
    if let Some(excluded) = &c.not_action {
        let _ = write!(head, " every action but {}:", excluded.join(", "));
    }
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

fn finding_lines(d: &Diff) -> Vec<String> {
    d.findings
        .iter()
        .map(|f| match f.change {
            Change::Gained => format!("+ new {}: {}", f.code, f.message),
            Change::Lost => format!("- gone {}: {}", f.code, f.message),
        })
        .collect()
}

//! `engc report`: one self-contained HTML page for a reviewer. For each principal and
//! cloud, what it can do grouped by class (AWS's access levels: List, Read, Write,
//! Tagging, Permissions management; the same classes for GCP, Azure and Kubernetes
//! from [`engc_core::vocab::access_classes`]) and service, on which resources, under
//! which conditions, and from which source line; the findings with their severity and
//! source lines; the acknowledgements with their reasons; the network plan drawn as
//! address ranges. No script, nothing loaded from elsewhere, every value escaped, the
//! same page for the same input.

mod access;
mod html;
mod plan;

use access::{Cloud, Row};
use engc_core::diag::codes;
use engc_core::resolve::decls::{AckScope, Decls};
use engc_core::source::{SourceMap, Span};
use engc_core::vocab::access_classes::Class;
use engc_core::{Compilation, Options};
use html::{esc, Page};
use std::collections::BTreeSet;

/// A principal with its rows per cloud.
type Tables<'p> = Vec<(&'p engc_core::access::Principal, Vec<(Cloud, Vec<Row>)>)>;

/// Lists longer than this many names are folded under a `<details>` summary.
const FOLD: usize = 12;

/// The page (with a trailing newline), or `None` when the compilation has errors
/// (there is no model to report).
pub fn html(c: &Compilation, options: &Options) -> Option<String> {
    let model = c.model.as_ref()?;
    // The source again as the checks saw it: `include` and `if` expanded.
    let expanded = c.expanded(options);
    let decls = expanded.decls(&c.stdlib);
    let principals = access::principals(&decls, model);
    let user: BTreeSet<_> = c.files.iter().map(|(id, _)| *id).collect();
    let at = Where {
        sources: &c.sources,
    };

    let name = &model.deployment.name;
    let mut page = Page::new(&format!("Access report: {name}"));
    page.line("<header>");
    page.line(&format!("<h1>Access report: deployment {}</h1>", esc(name)));
    let clouds: Vec<&str> = model.deployment.clouds.iter().map(|c| c.title()).collect();
    page.line("<dl>");
    fact(&mut page, "Clouds", &clouds.join(", "));
    if let Some((k, v)) = &model.deployment.managed_tag {
        fact(&mut page, "Managed tag", &format!("{k} = {v}"));
    }
    if let Some(p) = &model.deployment.name_prefix {
        fact(&mut page, "Name prefix", p);
    }
    for (k, v) in &model.deployment.modes {
        fact(&mut page, &format!("Mode {k}"), v);
    }
    let files: Vec<&str> = c
        .files
        .iter()
        .map(|(id, _)| c.sources.get(*id).name.as_str())
        .collect();
    fact(&mut page, "Source", &files.join(", "));
    page.line("</dl>");
    page.line("</header>");

    // Contents.
    page.line("<nav aria-label=\"Contents\"><h2 id=\"contents\">Contents</h2><ul>");
    page.line("<li><a href=\"#summary\">Summary</a></li>");
    for p in &principals {
        page.line(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            principal_id(&p.name),
            esc(&principal_title(&p.name))
        ));
    }
    page.line("<li><a href=\"#findings\">Findings</a></li>");
    page.line("<li><a href=\"#acknowledgements\">Acknowledgements</a></li>");
    page.line("<li><a href=\"#network\">Network plan</a></li>");
    page.line("</ul></nav>");
    page.line("<main>");

    let tables: Tables = principals
        .iter()
        .map(|p| {
            let per_cloud = Cloud::ALL
                .iter()
                .filter(|c| access::holds(p, **c))
                .map(|c| (*c, access::rows(p, *c, model)))
                .collect();
            (p, per_cloud)
        })
        .collect();
    summary(&mut page, &tables);
    for (p, per_cloud) in &tables {
        principal(&mut page, model, p, per_cloud, &at);
    }
    findings(&mut page, c, &at);
    acknowledgements(&mut page, &decls, &user, &at);
    plan::write(&mut page, &model.networks);
    Some(page.finish())
}

fn fact(page: &mut Page, term: &str, value: &str) {
    page.line(&format!("<dt>{}</dt><dd>{}</dd>", esc(term), esc(value)));
}

/// An id for an anchor: the name's letters and digits, the rest as `-` with the code
/// point, so that different names give different ids.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push_str(&format!("-{:x}", c as u32));
        }
    }
    out
}

fn principal_id(name: &str) -> String {
    format!("principal-{}", slug(name))
}

/// `access level `x`` (a level without a principal) as it reads in a heading.
fn principal_title(name: &str) -> String {
    match name.starts_with("access level `") {
        true => format!("Without a principal: {}", name.replace('`', "")),
        false => format!("Principal {name}"),
    }
}

/// The principal's name as tables and headings show it (`access level x` for a level
/// without a principal).
fn who(name: &str) -> String {
    match name.strip_prefix("access level `") {
        Some(rest) => format!("access level {}", rest.trim_end_matches('`')),
        None => name.to_string(),
    }
}

/// `file:line` and the line's text.
struct Where<'a> {
    sources: &'a SourceMap,
}

impl Where<'_> {
    fn at(&self, span: Span) -> String {
        let (name, line) = self.line(span);
        format!("{name}:{line}")
    }

    /// The file's name and the one-based line.
    fn line(&self, span: Span) -> (&str, usize) {
        let f = self.sources.get(span.file);
        let (line, _) = f.human_position(span.start as usize);
        (&f.name, line)
    }

    fn text(&self, span: Span) -> String {
        let f = self.sources.get(span.file);
        let (line, _) = f.line_col((span.start as usize).min(f.text.len()));
        let start = f.line_starts()[line];
        let end = f.text[start..]
            .find('\n')
            .map(|e| start + e)
            .unwrap_or(f.text.len());
        f.text[start..end].trim().to_string()
    }
}

fn summary(page: &mut Page, tables: &Tables) {
    page.open_section("summary", "Summary");
    page.line("<p>How many names each principal is granted on each cloud, by class (AWS's access levels; for GCP, Azure and Kubernetes, the same classes from their verbs). Wildcards that reach every level count once; grants that never apply do not count.</p>");
    page.line("<table><caption>Names granted per principal, cloud and class</caption>");
    let mut head =
        String::from("<thead><tr><th scope=\"col\">Principal</th><th scope=\"col\">Cloud</th>");
    for class in Class::ALL {
        head.push_str(&format!("<th scope=\"col\">{}</th>", class.title()));
    }
    head.push_str("<th scope=\"col\">Denied or excluded</th></tr></thead><tbody>");
    page.line(&head);
    for (p, per_cloud) in tables {
        for (cloud, rows) in per_cloud {
            let mut row = format!(
                "<tr><th scope=\"row\"><a href=\"#{}\">{}</a></th><td>{}</td>",
                principal_id(&p.name),
                esc(&who(&p.name)),
                cloud.title()
            );
            for class in Class::ALL {
                row.push_str(&format!("<td>{}</td>", count(rows, Some(class))));
            }
            row.push_str(&format!("<td>{}</td></tr>", count(rows, None)));
            page.line(&row);
        }
    }
    page.line("</tbody></table>");
    page.close_section();
}

/// Distinct names in the granted rows of `class` (`None`: in the denied rows).
fn count(rows: &[Row], class: Option<Class>) -> usize {
    let names: BTreeSet<&str> = rows
        .iter()
        .filter(|r| !r.never)
        .filter(|r| match class {
            Some(c) => !r.deny && r.class == c,
            None => r.deny,
        })
        .flat_map(|r| r.actions.iter().map(String::as_str))
        .collect();
    names.len()
}

fn principal(
    page: &mut Page,
    model: &engc_core::model::Model,
    p: &engc_core::access::Principal,
    per_cloud: &[(Cloud, Vec<Row>)],
    at: &Where,
) {
    let id = principal_id(&p.name);
    page.open_section(&id, &principal_title(&p.name));
    let declared = model.principals.iter().find(|d| d.name == p.name);
    page.line("<dl>");
    match declared {
        Some(d) => {
            if let Some(r) = &d.aws_role {
                fact(page, "AWS role that assumes it", &r.arn);
                if let Some(x) = &r.external_id {
                    fact(page, "External id", x);
                }
            }
            for t in &d.aws_trust {
                fact(
                    page,
                    &format!("Trusted ({})", t.principal_key),
                    &t.principals.join(", "),
                );
            }
            if let Some(b) = &d.aws_boundary {
                fact(page, "Permissions boundary", b);
            }
            if let Some(sa) = &d.gcp_service_account {
                fact(page, "GCP service account", &sa.account);
                if !sa.impersonated_by.is_empty() {
                    fact(page, "Impersonated by", &sa.impersonated_by.join(", "));
                }
            }
            if let Some(a) = &d.azure_principal {
                fact(page, "Azure service principal", a);
            }
            if let Some(k) = &d.k8s_service_account {
                fact(
                    page,
                    "Kubernetes service account",
                    &format!("{} in namespace {}", k.name, k.namespace),
                );
            }
        }
        None if p.name.starts_with("access level `") => {
            fact(page, "Identity", "none: the level names no principal");
        }
        None => fact(
            page,
            "Identity",
            "a member that a binding of the source names (not a declared principal)",
        ),
    }
    let levels: Vec<String> = model
        .accesses
        .iter()
        .filter(|a| {
            a.principal.as_deref() == Some(p.name.as_str())
                || p.name == format!("access level `{}`", a.name)
        })
        .map(|a| match &a.unscoped_reason {
            Some(why) => format!("{} (unscoped: {why})", a.name),
            None => format!("{} (scoped)", a.name),
        })
        .collect();
    if !levels.is_empty() {
        fact(page, "Access levels", &levels.join("; "));
    }
    page.line("</dl>");
    if per_cloud.is_empty() {
        page.line("<p>It is granted nothing.</p>");
    }
    for (cloud, rows) in per_cloud {
        let cid = format!("{id}-{}", cloud.id());
        page.line(&format!(
            "<section aria-labelledby=\"{cid}\"><h3 id=\"{cid}\">{} on {}</h3>",
            esc(&who(&p.name)),
            cloud.title()
        ));
        for class in Class::ALL {
            let these: Vec<&Row> = rows
                .iter()
                .filter(|r| !r.deny && r.class == class)
                .collect();
            if !these.is_empty() {
                let title = format!("{}: {}", cloud.title(), class.title());
                table(
                    page,
                    &format!("{cid}-{}", class.id()),
                    &title,
                    &who(&p.name),
                    *cloud,
                    &these,
                    at,
                );
            }
        }
        let denied: Vec<&Row> = rows.iter().filter(|r| r.deny).collect();
        if !denied.is_empty() {
            let title = format!("{}: denied or excluded", cloud.title());
            table(
                page,
                &format!("{cid}-denied"),
                &title,
                &who(&p.name),
                *cloud,
                &denied,
                at,
            );
        }
        page.line("</section>");
    }
    page.close_section();
}

fn table(
    page: &mut Page,
    id: &str,
    title: &str,
    who: &str,
    cloud: Cloud,
    rows: &[&Row],
    at: &Where,
) {
    page.line(&format!("<h4 id=\"{id}\">{}</h4>", esc(title)));
    page.line(&format!(
        "<table class=\"grants\"><caption>{} on {}</caption>",
        esc(who),
        esc(title)
    ));
    page.line(&format!(
        "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">Resources</th><th scope=\"col\">Conditions</th><th scope=\"col\">Granted by</th></tr></thead><tbody>",
        cloud.service_word(),
        cloud.action_word()
    ));
    for r in rows {
        let class = if r.deny { " class=\"deny\"" } else { "" };
        page.line(&format!(
            "<tr{class}><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.service),
            names(r, cloud),
            resources(r),
            match r.conditions.is_empty() {
                true => "<span class=\"muted\">none</span>".to_string(),
                false => list(&r.conditions),
            },
            granted_by(r, at)
        ));
    }
    page.line("</tbody></table>");
}

fn codes_joined(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("<code>{}</code>", esc(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn names(r: &Row, cloud: Cloud) -> String {
    let joined = codes_joined(&r.actions);
    let mut text = match (r.except, r.actions.len() > FOLD) {
        (true, _) => format!("every action except {joined}"),
        (false, false) => joined,
        (false, true) => {
            let from = match r.written.is_empty() {
                true => String::new(),
                false => format!(" from {}", codes_joined(&r.written)),
            };
            format!(
                "<details><summary>{} {}{from}</summary>{joined}</details>",
                r.actions.len(),
                cloud.action_word().to_lowercase()
            )
        }
    };
    if r.deny && cloud == Cloud::Azure {
        text.push_str(" <span class=\"muted\">(NotActions)</span>");
    } else if r.deny {
        text.push_str(" <span class=\"muted\">(Deny)</span>");
    }
    text
}

fn resources(r: &Row) -> String {
    if r.never {
        return format!(
            "<strong>never applies</strong>: none of the statement's resources is of a type these actions take<details><summary>the statement's {} resource{}</summary>{}</details>",
            r.resources.len(),
            if r.resources.len() == 1 { "" } else { "s" },
            list(&r.resources)
        );
    }
    match (r.not_resource, r.resources.as_slice()) {
        (false, [one]) if one == "*" => "<code>*</code> (every resource)".to_string(),
        (true, list_) => format!("every resource except {}", list(list_)),
        (false, list_) => list(list_),
    }
}

fn list(items: &[String]) -> String {
    let mut out = String::from("<ul>");
    for i in items {
        out.push_str(&format!("<li><code>{}</code></li>", esc(i)));
    }
    out.push_str("</ul>");
    out
}

fn granted_by(r: &Row, at: &Where) -> String {
    let via = match &r.via {
        Some(v) => format!(" through {}", esc(v)),
        None => String::new(),
    };
    // `file:3, 4, 7`: the file named once per run of lines in it; each line's text
    // in its title.
    let mut lines = String::new();
    let mut file = None;
    for s in &r.spans {
        let (name, line) = at.line(*s);
        let shown = match file == Some(s.file) {
            true => format!(", {line}"),
            false if file.is_none() => format!("{}:{line}", esc(name)),
            false => format!("; {}:{line}", esc(name)),
        };
        file = Some(s.file);
        lines.push_str(&format!(
            "<span title=\"{}\">{shown}</span>",
            esc(&at.text(*s))
        ));
    }
    format!("access <code>{}</code>{via}, {lines}", esc(&r.level))
}

fn findings(page: &mut Page, c: &Compilation, at: &Where) {
    page.open_section("findings", "Findings");
    if c.diagnostics.is_empty() {
        page.line("<p>No findings: the checks report nothing that is not acknowledged.</p>");
        page.close_section();
        return;
    }
    page.line(&format!(
        "<p>{} finding{} the checks report (acknowledged ones are listed under Acknowledgements). <code>engc explain CODE</code> explains each code.</p>",
        c.diagnostics.len(),
        if c.diagnostics.len() == 1 { "" } else { "s" }
    ));
    page.line("<table class=\"findings\"><caption>Findings of the checks</caption>");
    page.line("<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Code</th><th scope=\"col\">Finding</th><th scope=\"col\">Where</th><th scope=\"col\">Source line</th></tr></thead><tbody>");
    for d in &c.diagnostics {
        let severity = match d.severity {
            engc_core::diag::Severity::Error => "error",
            engc_core::diag::Severity::Warning => "warning",
            engc_core::diag::Severity::Note => "note",
        };
        let mut what = esc(&d.message);
        if let Some(h) = &d.help {
            what.push_str(&format!(
                "<br><span class=\"muted\">help: {}</span>",
                esc(h)
            ));
        }
        page.line(&format!(
            "<tr><td class=\"sev-{sev}\">{sev}</td><th scope=\"row\"><code>{}</code></th><td>{what}</td><td>{}</td><td><code class=\"source\">{}</code></td></tr>",
            d.code.as_str(),
            esc(&at.at(d.span)),
            esc(&at.text(d.span)),
            sev = severity,
        ));
    }
    page.line("</tbody></table>");
    page.close_section();
}

fn acknowledgements(
    page: &mut Page,
    decls: &Decls,
    user: &BTreeSet<engc_core::source::FileId>,
    at: &Where,
) {
    page.open_section("acknowledgements", "Acknowledgements");
    let acks: Vec<_> = decls
        .acks
        .iter()
        .filter(|s| user.contains(&s.ack.span.file) && s.ack.span.via == 0)
        .collect();
    if acks.is_empty() {
        page.line("<p>The source acknowledges no warning.</p>");
        page.close_section();
        return;
    }
    page.line("<p>Warnings the source acknowledges with <code>ack CODE \"REASON\"</code>: they are not reported while the reason holds.</p>");
    page.line("<table class=\"acks\"><caption>Acknowledged warnings and their reasons</caption>");
    page.line("<thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Warning</th><th scope=\"col\">Reason</th><th scope=\"col\">Covers</th><th scope=\"col\">Where</th></tr></thead><tbody>");
    for site in acks {
        let code = site.ack.code.node.as_str();
        let summary = codes::lookup(code).map(|e| e.summary).unwrap_or("");
        let covers = match site.scope {
            AckScope::File(f) => format!("the file {}", esc(&at.sources.get(f).name)),
            AckScope::Block(span) => format!(
                "<code class=\"source\">{}</code>",
                esc(at.text(span).trim_end_matches('{').trim_end())
            ),
        };
        page.line(&format!(
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{covers}</td><td>{}</td></tr>",
            esc(code),
            esc(summary),
            esc(&site.ack.reason.node),
            esc(&at.at(site.ack.span))
        ));
    }
    page.line("</tbody></table>");
    page.close_section();
}

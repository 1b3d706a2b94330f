//! `engc graph`: who can do what, as Graphviz DOT. Principals point to their access
//! levels, levels to the stores and engines their abstract grants name (the edge says
//! which levels: `read, write`); each level says the clouds it writes documents for,
//! and levels (stores, engines, principals) with findings are coloured, the codes in
//! the label and the messages in the tooltip. Everything comes out in name order.

use engc_core::diag::{Code, Diagnostic, Severity};
use engc_core::resolve::decls;
use engc_core::source::Span;
use engc_core::syntax::ast::{self, Level, TargetKind};
use engc_core::{Compilation, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The DOT text (with a trailing newline), or `None` when the compilation has errors
/// (there is no model to draw).
pub fn dot(c: &Compilation, options: &Options) -> Option<String> {
    let model = c.model.as_ref()?;
    // The source again as the checks saw it: `include` and `if` expanded.
    let expanded = c.expanded(options);
    let decls = expanded.decls(&c.stdlib);
    let user: BTreeSet<_> = c.files.iter().map(|(id, _)| *id).collect();
    let findings = Findings::new(&decls, &c.diagnostics);

    let mut out = String::new();
    let clouds: Vec<&str> = model.deployment.clouds.iter().map(|c| c.as_str()).collect();
    let _ = writeln!(out, "digraph {} {{", quote(&model.deployment.name));
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label={}];",
        quote(&format!(
            "deployment {} ({})",
            model.deployment.name,
            clouds.join(", ")
        ))
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");

    out.push_str("\n  // Principals: who is granted access.\n");
    for p in &model.principals {
        let mut is = Vec::new();
        if p.aws_role.is_some() {
            is.push("aws role");
        }
        if p.gcp_service_account.is_some() {
            is.push("gcp service account");
        }
        if p.azure_principal.is_some() {
            is.push("azure service principal");
        }
        if p.k8s_service_account.is_some() {
            is.push("k8s service account");
        }
        let label = format!("principal {}\n{}", p.name, is.join(", "));
        let span = decls.principals.get(p.name.as_str()).map(|d| d.span);
        Node {
            id: format!("principal:{}", p.name),
            shape: "box",
            dashed: false,
            label,
            tooltip: None,
        }
        .write(
            &mut out,
            span.map(|s| findings.within(s)).unwrap_or_default(),
        );
    }

    out.push_str("\n  // Access levels, with the clouds they write documents for.\n");
    for a in &model.accesses {
        let Some(src) = decls.accesses.get(a.name.as_str()) else {
            continue;
        };
        let scope = match &src.scope.node {
            ast::Scope::Scoped => "scoped".to_string(),
            ast::Scope::Unscoped(_) => "unscoped".to_string(),
        };
        let touched = touched_clouds(a);
        let label = format!(
            "access {}\n{scope}\n{}",
            a.name,
            if touched.is_empty() {
                "no documents".to_string()
            } else {
                touched.join(", ")
            }
        );
        let why = match &src.scope.node {
            ast::Scope::Unscoped(reason) => Some(format!("unscoped: {}", reason.node)),
            ast::Scope::Scoped => None,
        };
        // Unscoped levels are drawn dashed: they reach past the managed resources.
        Node {
            id: format!("access:{}", a.name),
            shape: "ellipse",
            dashed: why.is_some(),
            label,
            tooltip: why,
        }
        .write(&mut out, findings.within(src.span));
    }

    if decls
        .stores
        .values()
        .map(|s| s.span)
        .chain(decls.engines.values().map(|e| e.span))
        .any(|s| user.contains(&s.file))
    {
        out.push_str("\n  // Stores and engines, with the clouds their kind offers here.\n");
    }
    let here = |kind: &str, target: TargetKind| -> Vec<&'static str> {
        let kinds = match target {
            TargetKind::Engine => &decls.engine_kinds,
            TargetKind::Store => &decls.store_kinds,
        };
        let offered: BTreeSet<ast::Cloud> = kinds
            .get(kind)
            .map(|k| k.clouds.iter().map(|c| c.cloud.node).collect())
            .unwrap_or_default();
        model
            .deployment
            .clouds
            .iter()
            .filter(|c| offered.contains(c))
            .map(|c| c.as_str())
            .collect()
    };
    // Stores, then engines: (what, shape, kind of target, name, its kind, where).
    let stores = decls.stores.iter().map(|(name, s)| {
        (
            "store",
            "cylinder",
            TargetKind::Store,
            name,
            &s.kind,
            s.span,
        )
    });
    let engines = decls
        .engines
        .iter()
        .map(|(name, e)| ("engine", "box3d", TargetKind::Engine, name, &e.kind, e.span));
    for (what, shape, target, name, kind, span) in stores.chain(engines) {
        if !user.contains(&span.file) {
            continue;
        }
        let label = format!(
            "{what} {name}\n{} ({})",
            kind.node,
            here(&kind.node, target).join(", ")
        );
        Node {
            id: format!("{what}:{name}"),
            shape,
            dashed: false,
            label,
            tooltip: None,
        }
        .write(&mut out, findings.within(span));
    }

    out.push_str("\n  // Who holds which level, and what each level grants on what.\n");
    for a in &model.accesses {
        let Some(src) = decls.accesses.get(a.name.as_str()) else {
            continue;
        };
        if let Some(p) = &a.principal {
            let _ = writeln!(
                out,
                "  {} -> {};",
                quote(&format!("principal:{p}")),
                quote(&format!("access:{}", a.name))
            );
        }
        let mut on: BTreeMap<(TargetKind, &str), BTreeSet<Level>> = BTreeMap::new();
        for g in &src.grants {
            for n in &g.names {
                on.entry((g.target.node, n.node.as_str()))
                    .or_default()
                    .insert(g.level.node);
            }
        }
        for ((kind, name), levels) in on {
            let levels: Vec<&str> = levels.iter().map(|l| l.as_str()).collect();
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                quote(&format!("access:{}", a.name)),
                quote(&format!("{}:{name}", kind.as_str())),
                quote(&levels.join(", "))
            );
        }
    }
    out.push_str("}\n");
    Some(out)
}

/// The clouds (and Kubernetes) an access level writes documents for.
fn touched_clouds(a: &engc_core::model::Access) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !a.aws.is_empty() || !a.aws_managed.is_empty() {
        out.push("aws");
    }
    if !a.gcp.permissions.is_empty() || !a.gcp.roles.is_empty() || !a.bindings.gcp.is_empty() {
        out.push("gcp");
    }
    if !a.azure.is_empty() || !a.bindings.azure.is_empty() {
        out.push("azure");
    }
    if !a.k8s.is_empty() || !a.bindings.k8s.is_empty() {
        out.push("k8s");
    }
    out
}

/// The reported diagnostics with where they stand (through `include` lines).
struct Findings<'d> {
    sites: Vec<(Vec<Span>, &'d Diagnostic)>,
}

impl<'d> Findings<'d> {
    fn new(decls: &decls::Decls, diags: &'d [Diagnostic]) -> Findings<'d> {
        Findings {
            sites: diags.iter().map(|d| (decls.sites(d.span), d)).collect(),
        }
    }

    /// The diagnostics that stand inside `span`.
    fn within(&self, span: Span) -> Vec<&'d Diagnostic> {
        self.sites
            .iter()
            .filter(|(sites, _)| sites.iter().any(|s| span.contains(*s)))
            .map(|(_, d)| *d)
            .collect()
    }
}

/// A node to write: its id, shape and label; unscoped levels are dashed.
struct Node<'a> {
    id: String,
    shape: &'a str,
    dashed: bool,
    label: String,
    tooltip: Option<String>,
}

impl Node<'_> {
    /// Writes the node; with findings, coloured (red for risks and errors, orange for
    /// other warnings), their codes added to the label and their messages to the
    /// tooltip.
    fn write(self, out: &mut String, found: Vec<&Diagnostic>) {
        let mut label = self.label;
        let mut attrs = format!("shape={}", self.shape);
        let mut tips: Vec<String> = self.tooltip.into_iter().collect();
        let mut style = Vec::new();
        if self.dashed {
            style.push("dashed");
        }
        if !found.is_empty() {
            let codes: BTreeSet<&str> = found.iter().map(|d| d.code.as_str()).collect();
            let codes: Vec<&str> = codes.into_iter().collect();
            label.push_str(&format!("\n{}", codes.join(", ")));
            let severe = found
                .iter()
                .any(|d| d.code == Code::W0411 || d.severity == Severity::Error);
            let (line, fill) = if severe {
                ("#c62828", "#ffdede")
            } else {
                ("#e65100", "#fff0d9")
            };
            style.push("filled");
            let _ = write!(attrs, ", color={}, fillcolor={}", quote(line), quote(fill));
            for d in found {
                tips.push(format!("{}: {}", d.code.as_str(), d.message));
            }
        }
        if !style.is_empty() {
            let _ = write!(attrs, ", style={}", quote(&style.join(",")));
        }
        let _ = write!(attrs, ", label={}", quote(&label));
        if !tips.is_empty() {
            let _ = write!(attrs, ", tooltip={}", quote(&tips.join("\n")));
        }
        let _ = writeln!(out, "  {} [{attrs}];", quote(&self.id));
    }
}

/// A DOT double-quoted string: `"` and `\` escaped, line breaks as `\n` (centred
/// lines in labels), other control characters dropped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_escapes_what_dot_reads_specially() {
        assert_eq!(quote("a\"b\\c\nd\te\u{7}"), "\"a\\\"b\\\\c\\nd e\"");
    }
}

//! Inlay hints: after each abstract grant, what it expands to on each target cloud
//! (the checker's own lowering, as hover shows in full); after each `${param}`, the
//! value the documents get.

use crate::expand;
use crate::index::Sym;
use crate::Analysis;
use engc_core::source::FileId;
use engc_core::syntax::ast::{self, Item};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint stands (a byte offset; the text is shown after it).
    pub offset: usize,
    pub label: String,
    /// A parameter's value (else what a grant expands to).
    pub parameter: bool,
}

impl Analysis {
    /// The user's deployment block.
    pub fn deployment(&self) -> Option<&ast::Deployment> {
        self.comp
            .files
            .iter()
            .flat_map(|(_, f)| &f.items)
            .find_map(|i| match i {
                Item::Deployment(d) => Some(d),
                _ => None,
            })
    }

    /// The value a parameter has in the documents: `--set`, else its default (for the
    /// built-in `prefix`, the deployment's `name_prefix`); None when it stays a
    /// placeholder.
    pub fn param_value(&self, name: &str) -> Option<String> {
        if let Some(v) = self.options.set.get(name) {
            return Some(v.clone());
        }
        let dep = self.deployment()?;
        match dep.params.iter().find(|p| p.name.node == name) {
            Some(p) => p.default.as_ref().map(|d| d.node.clone()),
            None if name == "prefix" => dep.name_prefix.as_ref().map(|p| p.node.clone()),
            None => None,
        }
    }

    /// The hints of `file` between `start` and `end` (byte offsets), in order.
    pub fn inlay_hints(&self, file: FileId, start: usize, end: usize) -> Vec<InlayHint> {
        let text = self.text(file);
        let mut out = Vec::new();
        for o in &self.index().occurrences {
            let at = o.span.end as usize;
            if o.span.file != file || o.def || at < start || at > end {
                continue;
            }
            if let Sym::Param(name) = &o.sym {
                // Only inside `${...}`: after the closing brace.
                if text.as_bytes().get(at) == Some(&b'}') {
                    if let Some(v) = self.param_value(name) {
                        out.push(InlayHint {
                            offset: at + 1,
                            label: format!("= \"{v}\""),
                            parameter: true,
                        });
                    }
                }
            }
        }
        if let Some(ast) = self.ast(file) {
            for item in &ast.items {
                let Item::Access(access) = item else { continue };
                for g in &access.grants {
                    let at = g.span.end as usize;
                    if at < start || at > end {
                        continue;
                    }
                    if let Some(label) = self.grant_summary(access, g) {
                        out.push(InlayHint {
                            offset: at,
                            label,
                            parameter: false,
                        });
                    }
                }
            }
        }
        out.sort_by_key(|h| h.offset);
        out
    }

    /// `AWS 14 actions · GCP 3 permissions · K8s 2 rules` for one abstract grant.
    fn grant_summary(&self, access: &ast::Access, g: &ast::AbstractGrant) -> Option<String> {
        let m = expand::expand_grant(self, access, g, None)?;
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let aws: usize = m.aws.iter().map(|s| s.actions.len()).sum();
        let azure = m.azure.actions.len() + m.azure.data_actions.len();
        let k8s: usize = m.k8s.iter().map(|r| r.rules.len()).sum();
        let parts: Vec<String> = [
            count(aws, "action", "actions").map(|s| format!("AWS {s}")),
            count(m.gcp.permissions.len(), "permission", "permissions").map(|s| format!("GCP {s}")),
            count(azure, "operation", "operations").map(|s| format!("Azure {s}")),
            count(k8s, "rule", "rules").map(|s| format!("K8s {s}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| format!("→ {}", parts.join(" · ")))
    }
}

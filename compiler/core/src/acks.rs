//! `ack CODE "reason"`: a warning acknowledged in the source is not reported. An
//! acknowledgement must name a warning code and must match one; errors cannot be
//! acknowledged.

use crate::diag::{codes, Code, Diagnostic, Severity};
use crate::resolve::decls::Decls;

pub fn apply(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let mut used = vec![false; decls.acks.len()];
    let mut bad = Vec::new();
    for (i, site) in decls.acks.iter().enumerate() {
        let code = site.ack.code.node.as_str();
        match codes::lookup(code) {
            Some(c) if c.severity == Severity::Warning => {}
            Some(_) => {
                used[i] = true;
                bad.push(
                    Diagnostic::new(
                        Code::E0602,
                        site.ack.code.span,
                        format!("`{code}` is an error and cannot be acknowledged"),
                    )
                    .label("only warnings can be acknowledged")
                    .help("fix the error instead"),
                );
            }
            None => {
                used[i] = true;
                let known = codes::ALL
                    .iter()
                    .filter(|c| c.severity == Severity::Warning)
                    .map(|c| c.name);
                let mut d = Diagnostic::new(
                    Code::E0602,
                    site.ack.code.span,
                    format!("unknown diagnostic code `{code}`"),
                )
                .label("no such code");
                if let Some(best) = crate::diag::closest(code, known) {
                    d = d.suggest(site.ack.code.span, best, format!("did you mean `{best}`?"));
                }
                bad.push(d);
            }
        }
    }
    retain_unacknowledged(decls, diags, &mut used);
    // Risks left unacknowledged inside a scoped level are errors.
    for d in diags.iter_mut().filter(|d| d.code == Code::W0411) {
        let at = decls.sites(d.span);
        let in_scoped = decls.accesses.values().any(|a| {
            matches!(a.scope.node, crate::syntax::ast::Scope::Scoped)
                && at.iter().any(|s| a.span.contains(*s))
        });
        if in_scoped {
            d.severity = Severity::Error;
            d.notes
                .push("an error because the access level is `scoped`".into());
        }
    }
    for (i, site) in decls.acks.iter().enumerate() {
        if !used[i] {
            diags.push(
                Diagnostic::new(
                    Code::W0601,
                    site.ack.span,
                    format!("`ack {}` matches no warning here", site.ack.code.node),
                )
                .label("nothing to acknowledge")
                .help("remove it: the warning it was for no longer occurs"),
            );
        }
    }
    diags.extend(bad);
}

/// Removes the warnings an `ack` covers, marking in `used` the acks that covered one.
fn retain_unacknowledged(decls: &Decls, diags: &mut Vec<Diagnostic>, used: &mut [bool]) {
    // Acknowledgements by code, so each warning looks only at the acks of its code.
    let mut by_code: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, site) in decls.acks.iter().enumerate() {
        by_code
            .entry(site.ack.code.node.as_str())
            .or_default()
            .push(i);
    }
    diags.retain(|d| {
        if d.severity != Severity::Warning {
            return true;
        }
        let mut acked = false;
        // A line an `include` copied is covered where it is written and where each
        // `include` that brought it stands.
        let at = decls.sites(d.span);
        for &i in by_code.get(d.code.as_str()).into_iter().flatten() {
            let site = &decls.acks[i];
            if at.iter().any(|s| site.scope.covers(*s)) {
                used[i] = true;
                acked = true;
            }
        }
        !acked
    });
}

/// For the diagnostics of one customer of a batch build (`--customers`): removes the
/// warnings an `ack` covers. Unused and malformed acks were reported once, for the
/// shared source.
pub fn remove_acknowledged(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let mut used = vec![false; decls.acks.len()];
    retain_unacknowledged(decls, diags, &mut used);
}

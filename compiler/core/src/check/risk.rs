//! Privilege escalation and credential exposure (W0411), from the effective access of
//! each principal: see [`crate::access::risk`] for the analysis and
//! [`crate::access::capabilities`] for what it looks for.

use crate::diag::Diagnostic;
use crate::memo::Frame;
use crate::model::Model;
use crate::resolve::decls::Decls;
use std::cell::RefCell;
use std::collections::HashMap;

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    // One principal at a time: all their grants at once were the peak of memory.
    let analysis = crate::access::risk::Analysis::shared;
    crate::access::each_effective(decls, model, |p| analysis().findings(&p, diags));
}

/// [`check`], reusing the findings `memo` kept for a principal whose levels and
/// declaration are as they were.
pub fn check_with(
    decls: &Decls,
    model: &Model,
    diags: &mut Vec<Diagnostic>,
    memo: Option<&crate::memo::Context>,
) {
    let Some(memo) = memo else {
        return check(decls, model, diags);
    };
    // The bindings of a level can give grants to other principals (named as
    // `access::effective` names them): such a level is counted for each of them.
    let mut bound: HashMap<String, Vec<usize>> = Default::default();
    for (i, a) in model.accesses.iter().enumerate() {
        let b = &a.bindings;
        let k8s = b
            .k8s
            .iter()
            .flat_map(|k| &k.subjects)
            .map(|s| match &s.namespace {
                Some(ns) => format!("{}:{ns}/{}", s.kind, s.name),
                None => format!("{}:{}", s.kind, s.name),
            });
        let names = b.gcp.iter().flat_map(|g| g.members.iter().cloned());
        let names = names.chain(b.azure.iter().flat_map(|z| z.principals.iter().cloned()));
        for n in names.chain(k8s) {
            bound.entry(n).or_default().push(i);
        }
    }
    let mut own: HashMap<String, Vec<usize>> = Default::default();
    for (i, a) in model.accesses.iter().enumerate() {
        let key = a
            .principal
            .clone()
            .unwrap_or_else(|| format!("access level `{}`", a.name));
        own.entry(key).or_default().push(i);
    }
    // A principal's frame, found once: which principals need their grants gathered
    // asks first, then the findings.
    let frames: RefCell<HashMap<String, Option<Frame>>> = RefCell::default();
    let frame_of = |name: &str| -> Option<Frame> {
        if let Some(f) = frames.borrow().get(name) {
            return f.clone();
        }
        let mut levels: Vec<usize> = own.get(name).cloned().unwrap_or_default();
        levels.extend(bound.get(name).into_iter().flatten());
        levels.sort_unstable();
        levels.dedup();
        let spans: Option<Vec<_>> = levels
            .iter()
            .map(|&i| Some(decls.accesses.get(model.accesses[i].name.as_str())?.span))
            .collect();
        let decl = decls.principals.get(name).map(|d| d.span);
        let f = spans.and_then(|s| memo.principal_frame(name, &s, decl));
        frames.borrow_mut().insert(name.to_string(), f.clone());
        f
    };
    // Only the principals whose findings are not kept need their grants gathered.
    let wanted = |name: &str| frame_of(name).is_none_or(|f| !memo.has_findings(&f));
    let principals = crate::access::effective_of(decls, model, &wanted);
    for p in &principals {
        let frame = frame_of(&p.name);
        let one = std::slice::from_ref(p);
        match frame {
            None => diags.extend(crate::access::risk::findings(one)),
            Some(f) => match memo.get_findings(&f) {
                Some(kept) => diags.extend(kept),
                None => {
                    let found = crate::access::risk::findings(one);
                    memo.put_findings(&f, &found);
                    diags.extend(found);
                }
            },
        }
    }
}

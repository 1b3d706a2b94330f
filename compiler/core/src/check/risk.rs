//! Privilege escalation and credential exposure (W0411), from the effective access of
//! each principal: see [`crate::access::risk`] for the analysis and
//! [`crate::access::capabilities`] for what it looks for.

use crate::diag::Diagnostic;
use crate::model::Model;
use crate::resolve::decls::Decls;

pub fn check(decls: &Decls, model: &Model, diags: &mut Vec<Diagnostic>) {
    let principals = crate::access::effective(decls, model);
    diags.extend(crate::access::risk::findings(&principals));
}

//! `within OTHER`: proves that one access level grants nothing the other does not.
//! (Being written.)

use super::decls::Decls;
use crate::diag::Diagnostic;
use crate::model::Model;

pub fn check(_decls: &Decls, _model: &Model, _diags: &mut Vec<Diagnostic>) {}

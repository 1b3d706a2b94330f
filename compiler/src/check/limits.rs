//! The targets' limits on sizes, counts and names. (Being written.)

use super::decls::Decls;
use crate::diag::Diagnostic;
use crate::model::Model;

pub fn check(_decls: &Decls, _model: &Model, _diags: &mut Vec<Diagnostic>) {}

//! TEMPORARY: the pair-based lowering as it was, kept only to compare the tree-based
//! one against it; deleted once the comparison passes.
#![allow(dead_code)]

mod access;
mod decls;

use super::Rule;
use crate::source::FileId;
use pest::iterators::Pair;

pub(super) type P<'i> = Pair<'i, Rule>;

#[derive(Clone, Copy)]
pub(super) struct Ctx {
    pub(super) file: FileId,
    pub(super) base: usize,
}

thread_local! {
    pub(super) static OLD: std::cell::RefCell<Vec<crate::syntax::ast::Item>> = const { std::cell::RefCell::new(Vec::new()) };
}

//! Statements that equal what an abstract grant writes.

use super::Desc;

pub fn find(_desc: &mut Desc, _write: bool) {}

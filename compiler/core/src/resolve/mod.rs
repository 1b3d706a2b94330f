//! Resolution: the declarations of the user's files and the standard library in one
//! namespace, references checked against it, and the parameters with their values.

pub mod decls;
pub mod include;
pub mod params;

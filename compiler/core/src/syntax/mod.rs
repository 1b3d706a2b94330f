//! Source text to the typed syntax tree.

pub mod ast;
pub mod parser;

pub use parser::parse;

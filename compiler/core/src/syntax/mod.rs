//! Source text to the typed syntax tree.

pub mod ast;
pub mod parser;
pub mod tokens;

pub use parser::parse;

//! Source text to the typed syntax tree.

pub mod ast;
pub mod nodes;
pub mod parser;
pub mod tokens;
pub mod tree;
#[cfg(test)]
mod tree_tests;

pub use parser::{parse, parse_full, Parsed};

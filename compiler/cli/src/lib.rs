//! engc: the command line and the language server, over [`engc_core`] (the compiler)
//! and [`engc_ide`] (the editor features).
//!
//! The compiler's modules are re-exported, so that `engc::compile`,
//! `engc::backend`... name the same items as in `engc_core`, and `engc::ide` is
//! `engc_ide`. Output I/O happens here: [`render`] turns diagnostics into text,
//! [`cli`] writes files, [`lsp`] speaks the protocol.

pub mod alloc;
pub mod cli;
pub mod diff;
pub mod graph;
pub mod lsp;
pub mod render;
pub mod report;
pub mod sarif;

pub use engc_core::*;
pub use engc_ide as ide;

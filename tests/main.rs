//! engc's integration tests, in one test binary: each file below is a module of it.
//! One binary links the compiler once, where a binary per file linked it 36 times
//! (2 GB of test executables in target/, and most of a clean `cargo test`'s link time).
//! Run one file's tests with `cargo test --test integration FILE::`.

// Helpers shared by several files.
mod common;
#[path = "common/compare.rs"]
mod compare;
#[path = "common/generate.rs"]
mod generate;
#[path = "common/lsp_client.rs"]
mod lsp_client;

mod attack_surface;
mod build_folder;
mod catalog_cli;
mod check_placeholders;
mod cli;
mod customers;
mod dead_grants;
mod diagnostics;
mod diff;
mod diff_lsp;
mod docs;
mod examples;
mod fmt;
mod import;
mod lsp;
mod lsp_incremental;
mod lsp_memo;
mod lsp_moves;
mod lsp_structure;
mod manifest_schema;
mod minimize;
mod network_rules;
mod parameters;
mod properties;
mod readme;
mod reparse;
mod report;
mod reuse;
mod review;
mod risk;
mod robustness;
mod roles;
mod scope_by;
mod seeds;
mod sids;
mod stdlib;

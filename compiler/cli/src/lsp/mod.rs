//! `engc lsp`: the language server over stdio.
//!
//! [`run`] serves stdin/stdout; [`serve`] serves any [`lsp_server::Connection`] (tests
//! and benchmarks use an in-memory one). The protocol's edge (positions, URIs,
//! diagnostics) is in [`convert`]; what is compiled with what is in [`workspace`]; the
//! editor features themselves are in [`engc_ide`], on byte offsets.

pub mod convert;
pub mod server;
pub mod transport;
pub mod workspace;

use lsp_server::Connection;

/// Serves one client on a connection until it exits; returns the exit code (0 after
/// `shutdown` then `exit`, 1 when the client exits or goes away without `shutdown`).
pub fn serve(conn: Connection) -> i32 {
    server::Server::new(conn).run()
}

/// Runs the server on stdin/stdout until the client exits; returns the exit code.
pub fn run() -> i32 {
    let (conn, threads) = transport::stdio();
    let code = serve(conn);
    threads.finish();
    code
}

//! `engc lsp`: the language server over stdio. (Being written.)

/// Runs the server until the client exits; returns the process exit code.
pub fn run() -> i32 {
    eprintln!("engc lsp: not available yet");
    2
}

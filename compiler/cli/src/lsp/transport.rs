//! Reading and writing the base protocol on stdin/stdout.
//!
//! `lsp_server`'s own stdio transport stops reading at the first malformed message,
//! which would leave the server deaf. This one answers a body that is not JSON with a
//! parse error and JSON that is not a message with an invalid-request error, skips
//! header lines it does not understand, and goes on reading.

use lsp_server::{Connection, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub struct Threads {
    writer: JoinHandle<()>,
}

impl Threads {
    /// Waits until every message the server sent is written. (The reader is left
    /// blocked on stdin; the process ends without it.)
    pub fn finish(self) {
        let _ = self.writer.join();
    }
}

fn write_text(out: &mut impl Write, text: &str) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A connection served by a reader thread on stdin and a writer thread on stdout.
pub fn stdio() -> (Connection, Threads) {
    let (server_side, io_side) = Connection::memory();
    let out = Arc::new(Mutex::new(io::stdout()));
    let out_w = out.clone();
    let rx = io_side.receiver;
    let writer = std::thread::Builder::new()
        .name("engc-lsp-writer".into())
        .spawn(move || {
            for m in rx {
                let mut o = out_w.lock().unwrap_or_else(|e| e.into_inner());
                if m.write(&mut *o).is_err() {
                    break; // stdout closed: the client is gone
                }
            }
        })
        .expect("spawn the writer thread");
    let tx = io_side.sender;
    std::thread::Builder::new()
        .name("engc-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            let reply = |v: Value| {
                let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
                let _ = write_text(&mut *o, &v.to_string());
            };
            while let Some(body) = read_body(&mut input) {
                match parse(&body) {
                    Ok(m) => {
                        let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                        if tx.send(m).is_err() || exit {
                            break;
                        }
                    }
                    Err(e) => reply(e),
                }
            }
            // Dropping `tx` tells the server the client is gone.
        })
        .expect("spawn the reader thread");
    (server_side, Threads { writer })
}

/// One message body; None at the end of the input. Header lines other than
/// `Content-Length` are ignored, and a header block without a usable length is skipped.
pub fn read_body(input: &mut impl BufRead) -> Option<Vec<u8>> {
    loop {
        let mut len: Option<u64> = None;
        let mut any = false;
        loop {
            let mut line = Vec::new();
            let n = input
                .by_ref()
                .take(64 * 1024)
                .read_until(b'\n', &mut line)
                .ok()?;
            if n == 0 {
                return None;
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if any {
                    break;
                }
                continue; // stray blank lines between messages
            }
            any = true;
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    len = value.trim().parse().ok();
                }
            }
        }
        let Some(len) = len else {
            eprintln!("engc lsp: a message header has no valid Content-Length; skipped");
            continue;
        };
        let mut body = Vec::new();
        input.by_ref().take(len).read_to_end(&mut body).ok()?;
        if (body.len() as u64) < len {
            return None; // the input ended inside the body
        }
        return Some(body);
    }
}

/// A message, or the error response to send for a body that is not one.
pub fn parse(body: &[u8]) -> Result<Message, Value> {
    let error = |id: Value, code: i32, message: String| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Err(error(Value::Null, -32700, format!("parse error: {e}"))),
    };
    if !v.is_object() {
        return Err(error(
            Value::Null,
            -32600,
            "invalid request: a message is a JSON object".into(),
        ));
    }
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    let has_method = v.get("method").is_some_and(Value::is_string);
    match serde_json::from_value::<Message>(v.clone()) {
        // A message whose `method` is not a string deserializes as a response.
        Ok(Message::Response(_)) if v.get("method").is_some() => Err(error(
            id,
            -32600,
            "invalid request: `method` must be a string".into(),
        )),
        // A request whose id is neither an integer nor a string reads as a notification.
        Ok(Message::Notification(_)) if !id.is_null() => Err(error(
            id,
            -32600,
            "invalid request: `id` must be an integer or a string".into(),
        )),
        Ok(m) => Ok(m),
        Err(e) if has_method || !id.is_null() => {
            Err(error(id, -32600, format!("invalid request: {e}")))
        }
        // Neither a request nor a notification; nothing to answer to.
        Err(e) => Err(error(Value::Null, -32600, format!("invalid request: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_bad_headers() {
        let data = b"Content-Length: 2\r\n\r\n{}X-Junk\r\nno colon\r\n\r\ncontent-length:3\n\n[1]Content-Length: 9\r\n\r\n{}";
        let mut r = &data[..];
        assert_eq!(read_body(&mut r).unwrap(), b"{}");
        // The junk block has no length: skipped; the next one is read.
        assert_eq!(read_body(&mut r).unwrap(), b"[1]");
        // The input ends inside a body.
        assert_eq!(read_body(&mut r), None);
    }

    #[test]
    fn errors_for_what_is_not_a_message() {
        let e = parse(b"{not json").unwrap_err();
        assert_eq!(e["error"]["code"], -32700);
        assert_eq!(e["id"], Value::Null);
        let e = parse(br#"{"jsonrpc":"2.0","id":7,"method":5}"#).unwrap_err();
        assert_eq!(e["error"]["code"], -32600);
        assert_eq!(e["id"], 7);
        let e = parse(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#).unwrap_err();
        assert_eq!(e["id"], 1.5);
        assert!(parse(br#"[1,2]"#).is_err());
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#),
            Ok(Message::Request(_))
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","method":"x"}"#),
            Ok(Message::Notification(_))
        ));
    }
}

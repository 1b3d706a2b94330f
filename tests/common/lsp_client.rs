//! A language server client for the tests: an in-memory connection to
//! `engc::lsp::serve`, with helpers for positions and the quickstart text. Included by
//! the LSP test files with `#[path]`, so other tests do not compile it.

#![allow(dead_code)]

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::Path;
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    pub conn: Connection,
    pub server: Option<JoinHandle<i32>>,
    pub next: i32,
    /// Notifications received while waiting for a response.
    pub queue: VecDeque<Notification>,
}

pub fn uri(path: &Path) -> lt::Uri {
    lt::Uri::from_str(&engc::lsp::convert::path_to_uri(path)).unwrap()
}

pub fn pos(line: u32, character: u32) -> lt::Position {
    lt::Position::new(line, character)
}

/// Line and UTF-16 column of the first occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str) -> lt::Position {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    pos(text[..at].matches('\n').count() as u32, col as u32)
}

/// The position `k` UTF-16 units after the start of `needle`.
pub fn inside(text: &str, needle: &str, k: u32) -> lt::Position {
    let p = find(text, needle);
    pos(p.line, p.character + k)
}

impl Client {
    pub fn start() -> Client {
        Client::start_with(json!({
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": true}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                "publishDiagnostics": {"relatedInformation": true}
            }
        }))
    }

    pub fn start_with(capabilities: Value) -> Client {
        let mut c = Client::raw();
        let r = c.request_raw(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        assert!(r.response_result.is_ok(), "{r:?}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn raw() -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || engc::lsp::serve(server));
        Client {
            conn: client,
            server: Some(handle),
            next: 0,
            queue: VecDeque::new(),
        }
    }

    pub fn request_raw(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        self.response(id)
    }

    pub fn response(&mut self, id: RequestId) -> Response {
        loop {
            match self.conn.receiver.recv_timeout(TIMEOUT) {
                Ok(Message::Response(r)) if r.id == id => return r,
                Ok(Message::Response(r)) => panic!("unexpected response {r:?}"),
                Ok(Message::Notification(n)) => self.queue.push_back(n),
                Ok(Message::Request(r)) => {
                    // Answer the server's requests (registrations) with null.
                    let _ = self
                        .conn
                        .sender
                        .send(Response::new_ok(r.id, Value::Null).into());
                }
                Err(e) => panic!("no response to {id}: {e}"),
            }
        }
    }

    pub fn request<R: lt::request::Request>(&mut self, params: R::Params) -> R::Result {
        let r = self.request_raw(R::METHOD, serde_json::to_value(params).unwrap());
        match r.response_result {
            Ok(v) => serde_json::from_value(v).unwrap(),
            Err(e) => panic!("{} failed: {e:?}", R::METHOD),
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.into(), params).into())
            .unwrap();
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "eng", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    pub fn next_notification(&mut self) -> Notification {
        if let Some(n) = self.queue.pop_front() {
            return n;
        }
        loop {
            match self.conn.receiver.recv_timeout(TIMEOUT) {
                Ok(Message::Notification(n)) => return n,
                Ok(Message::Request(r)) => {
                    let _ = self
                        .conn
                        .sender
                        .send(Response::new_ok(r.id, Value::Null).into());
                }
                Ok(m) => panic!("unexpected {m:?}"),
                Err(e) => panic!("no notification: {e}"),
            }
        }
    }

    /// The next diagnostics published for `path`.
    pub fn diagnostics(&mut self, path: &Path) -> lt::PublishDiagnosticsParams {
        let want = uri(path);
        loop {
            let n = self.next_notification();
            if n.method == "textDocument/publishDiagnostics" {
                let p: lt::PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
                if p.uri == want {
                    return p;
                }
            }
        }
    }

    /// Diagnostics for `path` until those of `version` arrive.
    pub fn diagnostics_of_version(&mut self, path: &Path, version: i32) -> Vec<lt::Diagnostic> {
        loop {
            let p = self.diagnostics(path);
            if p.version == Some(version) {
                return p.diagnostics;
            }
        }
    }

    pub fn shutdown(mut self) -> i32 {
        let r = self.request_raw("shutdown", Value::Null);
        assert!(r.response_result.is_ok());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }

    pub fn tdp(path: &Path, p: lt::Position) -> lt::TextDocumentPositionParams {
        lt::TextDocumentPositionParams {
            text_document: lt::TextDocumentIdentifier { uri: uri(path) },
            position: p,
        }
    }

    pub fn hover(&mut self, path: &Path, p: lt::Position) -> Option<String> {
        let h = self.request::<lt::request::HoverRequest>(lt::HoverParams {
            text_document_position_params: Client::tdp(path, p),
            work_done_progress_params: Default::default(),
        })?;
        match h.contents {
            lt::HoverContents::Markup(m) => Some(m.value),
            other => panic!("{other:?}"),
        }
    }

    /// The hover at `p`, which must exist and contain each of `wants`; returned for
    /// further checks.
    pub fn hover_has(&mut self, path: &Path, p: lt::Position, wants: &[&str]) -> String {
        let h = self
            .hover(path, p)
            .unwrap_or_else(|| panic!("no hover at {p:?}"));
        for want in wants {
            assert!(h.contains(want), "no `{want}` in the hover: {h}");
        }
        h
    }

    /// [`Client::hover_has`] at each of `at`: the same hover anywhere on a span.
    pub fn hovers_have(&mut self, path: &Path, at: &[lt::Position], wants: &[&str]) {
        for &p in at {
            self.hover_has(path, p, wants);
        }
    }

    pub fn completion(&mut self, path: &Path, p: lt::Position) -> Vec<lt::CompletionItem> {
        match self.request::<lt::request::Completion>(lt::CompletionParams {
            text_document_position: Client::tdp(path, p),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: None,
        }) {
            Some(lt::CompletionResponse::List(l)) => l.items,
            Some(lt::CompletionResponse::Array(a)) => a,
            None => Vec::new(),
        }
    }

    pub fn definition(&mut self, path: &Path, p: lt::Position) -> Vec<lt::Location> {
        match self.request::<lt::request::GotoDefinition>(lt::GotoDefinitionParams {
            text_document_position_params: Client::tdp(path, p),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        }) {
            Some(lt::GotoDefinitionResponse::Array(a)) => a,
            Some(lt::GotoDefinitionResponse::Scalar(l)) => vec![l],
            Some(other) => panic!("{other:?}"),
            None => Vec::new(),
        }
    }
}

pub const QUICKSTART: &str = r#"deployment shop {
  clouds      aws, gcp, azure
  managed_tag "shop.example/managed" = "true"
  name_prefix "shop"
  param external_id, client_id, namespace = "shop"
}

principal vendor {
  aws   role "arn:aws:iam::111122223333:role/shop-control-plane" external_id "${external_id}"
  gcp   service_account "shop-vendor@${project_id}.iam.gserviceaccount.com"
  azure service_principal "${client_id}"
  k8s   service_account "shop-operator" in "${namespace}"
}

network main {
  cidr     10.20.0.0/16
  subnet a 10.20.0.0/20  zone "a" public 10.20.128.0/20
  pods     100.64.0.0/16
  services 172.20.0.0/16
}

engine cluster: eks create on main {
  namespace "${namespace}"
  components keda, argo_workflows
}

store data: bucket
store images: registry

access operate for vendor scoped {
  read store data, images
  write store data
  manage engine cluster
  aws allow ["s3:GetObject"] on "*"
  azure scope "/subscriptions/${subscription_id}/resourceGroups/shop"
}
"#;

/// The labels of completion items, in the server's order.
pub fn labels(items: &[lt::CompletionItem]) -> Vec<String> {
    items.iter().map(|i| i.label.clone()).collect()
}

/// The labels of completion items, sorted.
pub fn sorted_labels(items: &[lt::CompletionItem]) -> Vec<String> {
    let mut l = labels(items);
    l.sort();
    l
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A server started on a fresh folder with one document, `name`, opened on `text`
/// (version 1). The folder lives as long as the returned guard.
pub fn opened(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf, Client) {
    let dir = tmp();
    let path = dir.path().join(name);
    let mut c = Client::start();
    c.open(&path, text);
    (dir, path, c)
}

/// [`opened`], once its first diagnostics are published (the document is compiled).
pub fn checked(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf, Client) {
    let (dir, path, mut c) = opened(name, text);
    c.diagnostics(&path);
    (dir, path, c)
}

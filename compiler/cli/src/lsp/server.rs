//! The server's state and main loop: documents, compilations, published diagnostics,
//! and one handler per request.
//!
//! One thread does everything. Each turn takes every message already queued, so a
//! burst of edits is checked once (debouncing without timers); a request sees the
//! state after the edits queued before it. Every handler runs under `catch_unwind`, so
//! a bug answers one request with an error instead of ending the server.
//!
//! This file holds the state, the loop, the dispatch of requests and notifications,
//! `initialize` and the documents; `publish` checks and publishes diagnostics,
//! `positions` finds a document's compilation and converts spans, `handlers` answers
//! the feature requests.

mod handlers;
mod positions;
mod publish;
mod saved;
mod structure;

pub use positions::stdlib_dir;
pub use publish::MAX_PUBLISHED;

use super::convert::{self, key, Encoding, LineIndex};
use super::workspace::{self, Doc};
use engc_core::source::FileId;
use engc_core::Options;
use engc_ide::cache::ParseCache;
use engc_ide::Analysis;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

/// What the client said it can take.
#[derive(Default)]
struct ClientCaps {
    snippets: bool,
    markdown: bool,
    hierarchical_symbols: bool,
    related_information: bool,
    watch_files: bool,
}

/// One compilation: a root document (or a file on disk that `use`s open fragments).
struct Root {
    /// A document URI, or the path of a file on disk.
    id: String,
    analysis: Analysis,
    /// The URI of each user file.
    uris: HashMap<FileId, String>,
    /// Keys of its user files, for invalidation.
    keys: HashSet<PathBuf>,
    /// Open documents in it.
    docs: HashSet<String>,
    /// The protocol's lines of each file, found once: finding them for each span made
    /// publishing (or outlining) thousands of diagnostics (symbols) in a large file
    /// quadratic.
    lines: HashMap<FileId, Arc<convert::Lines>>,
    /// Its diagnostics in the protocol's terms, by URI, converted once when it is
    /// compiled (publishing merges those of every root after each edit).
    lsp_diagnostics: Vec<(String, lt::Diagnostic)>,
}

enum State {
    Uninitialized,
    Running,
    ShutDown,
}

pub struct Server {
    conn: Connection,
    state: State,
    docs: BTreeMap<String, Doc>,
    roots: Vec<Root>,
    /// Documents edited or opened since the last check.
    dirty: HashSet<String>,
    /// Keys of documents closed since the last check: the compilations that read them
    /// read the disk now.
    closed: HashSet<PathBuf>,
    /// Recompile everything (files changed on disk, parameters set).
    dirty_all: bool,
    /// The syntax trees of the files the compilations hold: an edit re-parses only
    /// the edited file, and the standard library is parsed once per session.
    parses: ParseCache,
    /// The lines of each standard library file, by name: the same in every compilation.
    stdlib_lines: RefCell<HashMap<String, Arc<convert::Lines>>>,
    /// What was last published per URI: (diagnostics, version).
    published: HashMap<String, (Vec<lt::Diagnostic>, Option<i32>)>,
    encoding: Encoding,
    caps: ClientCaps,
    options: Options,
    workspace_folders: Vec<PathBuf>,
    /// fragment key -> the disk file that uses it (None: none found).
    parents: HashMap<PathBuf, Option<PathBuf>>,
    next_id: i32,
}

/// An error answer to a request.
struct Fail(ErrorCode, String);

type Reply = Result<Value, Fail>;

fn invalid_params(e: impl std::fmt::Display) -> Fail {
    Fail(ErrorCode::InvalidParams, format!("invalid params: {e}"))
}

fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, Fail> {
    serde_json::from_value(v).map_err(invalid_params)
}

fn to_value<T: serde::Serialize>(t: T) -> Reply {
    serde_json::to_value(t).map_err(|e| Fail(ErrorCode::InternalError, e.to_string()))
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl Server {
    pub fn new(conn: Connection) -> Server {
        Server {
            conn,
            state: State::Uninitialized,
            docs: BTreeMap::new(),
            roots: Vec::new(),
            dirty: HashSet::new(),
            closed: HashSet::new(),
            dirty_all: false,
            parses: ParseCache::new(),
            stdlib_lines: RefCell::default(),
            published: HashMap::new(),
            encoding: Encoding::Utf16,
            caps: ClientCaps::default(),
            options: Options::default(),
            workspace_folders: Vec::new(),
            parents: HashMap::new(),
            next_id: 0,
        }
    }

    fn send(&self, m: impl Into<Message>) {
        // A closed channel means the client is gone; the loop notices on its next read.
        let _ = self.conn.sender.send(m.into());
    }

    /// Runs until `exit`; returns the exit code (0 after `shutdown`, 1 otherwise).
    pub fn run(mut self) -> i32 {
        loop {
            let Ok(first) = self.conn.receiver.recv() else {
                return 1; // the client went away without `exit`
            };
            let mut batch = vec![first];
            while batch.len() < 10_000 {
                match self.conn.receiver.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            let cancelled: HashSet<RequestId> = batch
                .iter()
                .filter_map(|m| match m {
                    Message::Notification(n) if n.method == "$/cancelRequest" => {
                        n.params.get("id").and_then(|id| match id {
                            Value::Number(n) => n
                                .as_i64()
                                .and_then(|n| i32::try_from(n).ok())
                                .map(RequestId::from),
                            Value::String(s) => Some(RequestId::from(s.clone())),
                            _ => None,
                        })
                    }
                    _ => None,
                })
                .collect();
            for msg in batch {
                match msg {
                    Message::Request(req) => {
                        if cancelled.contains(&req.id) {
                            self.send(Response::new_err(
                                req.id,
                                ErrorCode::RequestCanceled as i32,
                                "cancelled".into(),
                            ));
                            continue;
                        }
                        self.on_request(req);
                    }
                    Message::Notification(n) => {
                        if n.method == "exit" {
                            return match self.state {
                                State::ShutDown => 0,
                                _ => 1,
                            };
                        }
                        self.on_notification(n);
                    }
                    Message::Response(_) => {} // answers to our registration requests
                }
            }
            if matches!(self.state, State::Running) {
                self.check();
            }
        }
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        let reply = match self.state {
            State::Uninitialized if req.method == "initialize" => self.initialize(req.params),
            State::Uninitialized => Err(Fail(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized".into(),
            )),
            State::ShutDown => Err(Fail(
                ErrorCode::InvalidRequest,
                "the server is shut down".into(),
            )),
            State::Running => {
                // Answer from the state after every edit queued before the request.
                self.check();
                let method = req.method.clone();
                match catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
                    Ok(r) => r,
                    Err(e) => Err(Fail(
                        ErrorCode::InternalError,
                        format!("engc failed on `{method}`: {}", panic_message(&*e)),
                    )),
                }
            }
        };
        let resp = match reply {
            Ok(v) => Response::new_ok(id, v),
            Err(Fail(code, msg)) => Response::new_err(id, code as i32, msg),
        };
        self.send(resp);
    }

    fn dispatch(&mut self, req: Request) -> Reply {
        use lt::request::*;
        let p = req.params;
        match req.method.as_str() {
            Initialize::METHOD => Err(Fail(
                ErrorCode::InvalidRequest,
                "initialize was already received".into(),
            )),
            Shutdown::METHOD => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            HoverRequest::METHOD => self.hover(params(p)?),
            GotoDefinition::METHOD => self.definition(params(p)?),
            References::METHOD => self.references(params(p)?),
            DocumentHighlightRequest::METHOD => self.highlights(params(p)?),
            Completion::METHOD => self.completion(params(p)?),
            CodeActionRequest::METHOD => self.code_actions(params(p)?),
            DocumentSymbolRequest::METHOD => self.document_symbols(params(p)?),
            Formatting::METHOD => self.formatting(params(p)?),
            PrepareRenameRequest::METHOD => self.prepare_rename(params(p)?),
            Rename::METHOD => self.rename(params(p)?),
            SemanticTokensFullRequest::METHOD => self.semantic_tokens(params(p)?),
            DocumentLinkRequest::METHOD => self.document_links(params(p)?),
            FoldingRangeRequest::METHOD => self.folding_ranges(params(p)?),
            SelectionRangeRequest::METHOD => self.selection_ranges(params(p)?),
            WorkspaceSymbolRequest::METHOD => self.workspace_symbols(params(p)?),
            InlayHintRequest::METHOD => self.inlay_hints(params(p)?),
            m => Err(Fail(
                ErrorCode::MethodNotFound,
                format!("unknown method `{m}`"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        use lt::notification::*;
        if !matches!(self.state, State::Running) {
            return; // before initialize and after shutdown, notifications are dropped
        }
        let method = n.method.clone();
        let r = catch_unwind(AssertUnwindSafe(|| match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params) {
                    self.open(p);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params) {
                    self.change(p);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) {
                    self.close(p.text_document.uri.as_str());
                }
            }
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                self.dirty_all = true;
            }
            DidChangeConfiguration::METHOD => {
                if let Some(set) = n.params.pointer("/settings/engc/set") {
                    self.set_params(set);
                    self.dirty_all = true;
                }
            }
            _ => {} // `initialized`, `$/cancelRequest`, `$/setTrace`, unknown ones
        }));
        if let Err(e) = r {
            self.log(&format!(
                "engc failed on `{method}`: {}",
                panic_message(&*e)
            ));
        }
    }

    fn log(&self, message: &str) {
        self.send(Notification::new(
            lt::notification::LogMessage::METHOD.into(),
            lt::LogMessageParams {
                typ: lt::MessageType::ERROR,
                message: message.into(),
            },
        ));
    }

    fn set_params(&mut self, set: &Value) {
        if let Some(map) = set.as_object() {
            self.options.set = map
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            self.options.set_from = self
                .options
                .set
                .keys()
                .map(|k| (k.clone(), "the editor's `engc.set`".to_string()))
                .collect();
        }
    }

    fn initialize(&mut self, p: Value) -> Reply {
        let p: lt::InitializeParams = params(p)?;
        let c = &p.capabilities;
        self.encoding = Encoding::negotiate(
            c.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let td = c.text_document.as_ref();
        self.caps = ClientCaps {
            snippets: td
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            markdown: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_none_or(|f| f.contains(&lt::MarkupKind::Markdown)),
            hierarchical_symbols: td
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|s| s.hierarchical_document_symbol_support)
                .unwrap_or(false),
            related_information: td
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|d| d.related_information)
                .unwrap_or(true),
            watch_files: c
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        };
        if let Some(folders) = &p.workspace_folders {
            self.workspace_folders = folders
                .iter()
                .filter_map(|f| convert::uri_to_path(f.uri.as_str()))
                .collect();
        }
        #[allow(deprecated)]
        if self.workspace_folders.is_empty() {
            if let Some(root) = &p.root_uri {
                self.workspace_folders
                    .extend(convert::uri_to_path(root.as_str()));
            }
        }
        if let Some(set) = p.initialization_options.as_ref().and_then(|o| o.get("set")) {
            self.set_params(set);
        }
        self.state = State::Running;
        if self.caps.watch_files {
            self.register_watcher();
        }
        let caps = lt::ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
                lt::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lt::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lt::OneOf::Left(true)),
            references_provider: Some(lt::OneOf::Left(true)),
            document_highlight_provider: Some(lt::OneOf::Left(true)),
            document_symbol_provider: Some(lt::OneOf::Left(true)),
            document_formatting_provider: Some(lt::OneOf::Left(true)),
            rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            code_action_provider: Some(lt::CodeActionProviderCapability::Options(
                lt::CodeActionOptions {
                    code_action_kinds: Some(vec![lt::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            completion_provider: Some(lt::CompletionOptions {
                trigger_characters: Some(
                    [":", " ", ".", "/", "\"", "{", "$"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..Default::default()
            }),
            semantic_tokens_provider: Some(
                lt::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lt::SemanticTokensOptions {
                        legend: structure::legend(),
                        full: Some(lt::SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        work_done_progress_options: Default::default(),
                    },
                ),
            ),
            document_link_provider: Some(lt::DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            folding_range_provider: Some(lt::FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(lt::SelectionRangeProviderCapability::Simple(true)),
            workspace_symbol_provider: Some(lt::OneOf::Left(true)),
            inlay_hint_provider: Some(lt::OneOf::Left(true)),
            ..Default::default()
        };
        to_value(lt::InitializeResult {
            capabilities: caps,
            server_info: Some(lt::ServerInfo {
                name: "engc".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    fn register_watcher(&mut self) {
        self.next_id += 1;
        let opts = lt::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lt::FileSystemWatcher {
                glob_pattern: lt::GlobPattern::String("**/*.eng".into()),
                kind: None,
            }],
        };
        let params = lt::RegistrationParams {
            registrations: vec![lt::Registration {
                id: "engc-watch".into(),
                method: lt::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(opts).ok(),
            }],
        };
        self.send(Request::new(
            RequestId::from(format!("engc-{}", self.next_id)),
            lt::request::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    // ---- documents -------------------------------------------------------------

    fn open(&mut self, p: lt::DidOpenTextDocumentParams) {
        let uri = p.text_document.uri.as_str().to_string();
        let path = convert::uri_to_path(&uri);
        let text = p.text_document.text;
        self.docs.insert(
            uri.clone(),
            Doc {
                key: path.as_deref().map(key),
                path,
                uri: uri.clone(),
                version: p.text_document.version,
                deployment: workspace::has_deployment(&text),
                text,
            },
        );
        // The compilations that read it from the disk read the buffer now, and a
        // fragment may have found its parent (both are found again by the check).
        self.dirty.insert(uri);
        self.parents.clear();
    }

    fn close(&mut self, uri: &str) {
        let Some(doc) = self.docs.remove(uri) else {
            return;
        };
        // The compilations that hold it read the disk now; any that had it as root or
        // fragment is found again by the check.
        self.closed.extend(doc.key);
        self.parents.clear();
    }

    fn change(&mut self, p: lt::DidChangeTextDocumentParams) {
        let uri = p.text_document.uri.as_str();
        let enc = self.encoding;
        let Some(doc) = self.docs.get_mut(uri) else {
            return; // a change to a document that is not open: nothing to apply it to
        };
        for c in p.content_changes {
            match c.range {
                None => doc.text = c.text,
                Some(r) => {
                    let li = LineIndex::new(&doc.text);
                    let (s, e) = li.offsets(r, enc);
                    doc.text.replace_range(s..e, &c.text);
                }
            }
        }
        doc.version = p.text_document.version;
        doc.deployment = workspace::has_deployment(&doc.text);
        self.dirty.insert(uri.to_string());
    }
}

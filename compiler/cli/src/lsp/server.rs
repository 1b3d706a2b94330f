//! The server's state and main loop: documents, compilations, published diagnostics,
//! and one handler per request.
//!
//! One thread does everything. Each turn takes every message already queued, so a
//! burst of edits is checked once (debouncing without timers); a request sees the
//! state after the edits queued before it. Every handler runs under `catch_unwind`, so
//! a bug answers one request with an error instead of ending the server.

use super::convert::{self, key, Encoding, LineIndex};
use super::workspace::{self, Doc, Overlay};
use engc_core::source::{FileId, Span};
use engc_core::Input;
use engc_core::Options;
use engc_ide::{self as ide, Analysis, CompletionKind, SymbolKind};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

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
    lines: HashMap<FileId, convert::Lines>,
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
    /// Documents edited since the last check.
    dirty: HashSet<String>,
    /// Recompile everything (a document opened or closed, files changed on disk).
    dirty_all: bool,
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
            dirty_all: false,
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
                    self.docs.remove(p.text_document.uri.as_str());
                    self.dirty_all = true;
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
                    change: Some(lt::TextDocumentSyncKind::FULL),
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
        self.docs.insert(
            uri.clone(),
            Doc {
                key: path.as_deref().map(key),
                path,
                uri: uri.clone(),
                version: p.text_document.version,
                text: p.text_document.text,
            },
        );
        self.dirty.insert(uri);
        self.dirty_all = true;
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
        self.dirty.insert(uri.to_string());
    }

    // ---- checking and publishing ----------------------------------------------

    /// Recompiles what the edits since the last check touched and publishes the
    /// diagnostics that changed (and those of every edited document).
    fn check(&mut self) {
        if !self.dirty_all && self.dirty.is_empty() {
            return;
        }
        let dirty: HashSet<String> = std::mem::take(&mut self.dirty);
        let dirty_keys: HashSet<PathBuf> = dirty
            .iter()
            .filter_map(|u| self.docs.get(u).and_then(|d| d.key.clone()))
            .collect();
        let all = std::mem::take(&mut self.dirty_all);
        if all {
            self.parents.clear();
        }
        let mut old: HashMap<String, Root> =
            self.roots.drain(..).map(|r| (r.id.clone(), r)).collect();
        let mut roots: Vec<Root> = Vec::new();
        let stale = |r: &Root| {
            all || r.docs.iter().any(|d| dirty.contains(d))
                || r.keys.iter().any(|k| dirty_keys.contains(k))
        };
        // Documents with a deployment are roots. The standard library's read-only
        // copies (opened from go to definition) are not checked: they are the library.
        let root_docs: Vec<String> = self
            .docs
            .values()
            .filter(|d| !is_stdlib_copy(d.path.as_deref()))
            .filter(|d| workspace::has_deployment(&d.text))
            .map(|d| d.uri.clone())
            .collect();
        for uri in root_docs {
            match old.remove(&uri) {
                Some(r) if !stale(&r) => roots.push(r),
                _ => roots.extend(self.compile_doc(&uri)),
            }
        }
        // Fragments: in a root already, else in a file on disk that uses them, else alone.
        let covered = |roots: &[Root], d: &Doc| {
            roots.iter().any(|r| {
                r.docs.contains(&d.uri) || d.key.as_ref().is_some_and(|k| r.keys.contains(k))
            })
        };
        let fragments: Vec<String> = self
            .docs
            .values()
            .filter(|d| !is_stdlib_copy(d.path.as_deref()))
            .filter(|d| !workspace::has_deployment(&d.text))
            .map(|d| d.uri.clone())
            .collect();
        for uri in fragments {
            let doc = &self.docs[&uri];
            if covered(&roots, doc) {
                continue;
            }
            let parent = doc.key.clone().and_then(|k| self.parent_of(&k));
            let id = parent
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|| uri.clone());
            match old.remove(&id) {
                Some(r) if !stale(&r) => roots.push(r),
                _ => match parent {
                    Some(p) => roots.extend(self.compile_path(&p)),
                    None => roots.extend(self.compile_doc(&uri)),
                },
            }
        }
        self.roots = roots;
        self.publish(&dirty);
    }

    fn parent_of(&mut self, fragment: &Path) -> Option<PathBuf> {
        if let Some(p) = self.parents.get(fragment) {
            return p.clone();
        }
        let skip: HashSet<PathBuf> = self.docs.values().filter_map(|d| d.key.clone()).collect();
        let overlay = Overlay::new(&self.docs);
        let found = workspace::find_parent(fragment, &overlay, &self.workspace_folders, &skip);
        self.parents.insert(fragment.to_path_buf(), found.clone());
        found
    }

    fn compile_doc(&self, uri: &str) -> Option<Root> {
        let doc = self.docs.get(uri)?;
        let input = Input {
            name: doc
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| uri.to_string()),
            path: doc.path.clone(),
            bytes: doc.text.as_bytes().to_vec(),
        };
        self.compile(uri.to_string(), input, Some(uri))
    }

    fn compile_path(&self, path: &Path) -> Option<Root> {
        let overlay = Overlay::new(&self.docs);
        let bytes = engc_core::loader::FileLoader::read(&overlay, path).ok()?;
        let input = Input {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
            bytes,
        };
        self.compile(path.to_string_lossy().into_owned(), input, None)
    }

    fn compile(&self, id: String, input: Input, root_uri: Option<&str>) -> Option<Root> {
        let overlay = Overlay::new(&self.docs);
        let mut options = self.options.clone();
        // `use` may read below the workspace folder that holds the file (else below
        // the file's own folder), as `engc check --root` would.
        options.use_root = input.path.as_ref().and_then(|p| {
            self.workspace_folders
                .iter()
                .filter(|w| p.starts_with(w))
                .max_by_key(|w| w.components().count())
                .cloned()
        });
        let comp = match catch_unwind(AssertUnwindSafe(|| {
            let comp = engc_core::compile(vec![input], &overlay, &options);
            Analysis::new(comp, options.clone())
        })) {
            Ok(c) => c,
            Err(e) => {
                self.log(&format!(
                    "engc failed to check `{id}`: {}",
                    panic_message(&*e)
                ));
                return None;
            }
        };
        let by_key: HashMap<&Path, &str> = self
            .docs
            .values()
            .filter_map(|d| Some((d.key.as_deref()?, d.uri.as_str())))
            .collect();
        let mut uris = HashMap::new();
        let mut keys = HashSet::new();
        let mut docs = HashSet::new();
        for (i, (fid, _)) in comp.comp.files.iter().enumerate() {
            let src = comp.comp.sources.get(*fid);
            let k = src.path.as_deref().map(key);
            let uri = match (i, root_uri, &k) {
                (0, Some(u), _) => Some(u.to_string()),
                (_, _, Some(k)) => Some(
                    by_key
                        .get(k.as_path())
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| convert::path_to_uri(k)),
                ),
                _ => None,
            };
            if let Some(k) = k {
                keys.insert(k);
            }
            if let Some(u) = uri {
                if self.docs.contains_key(&u) {
                    docs.insert(u.clone());
                }
                uris.insert(*fid, u);
            }
        }
        let lines = comp
            .comp
            .sources
            .files()
            .map(|(fid, f)| (fid, LineIndex::lines(&f.text)))
            .collect();
        Some(Root {
            id,
            analysis: comp,
            uris,
            keys,
            docs,
            lines,
        })
    }

    fn publish(&mut self, dirty: &HashSet<String>) {
        let mut now: BTreeMap<String, Vec<lt::Diagnostic>> = BTreeMap::new();
        // What each list holds, to drop the copies other roots give: searching the list
        // instead was quadratic in the number of diagnostics.
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for r in &self.roots {
            for u in r.uris.values() {
                now.entry(u.clone()).or_default();
            }
            let location = |s: Span| self.location(r, s);
            let range = |s: Span| self.range(r, s);
            for d in &r.analysis.comp.diagnostics {
                let Some(u) = r.uris.get(&d.span.file) else {
                    continue; // the standard library's own
                };
                let mut lsp = convert::diagnostic(d, &range, &location);
                if !self.caps.related_information {
                    lsp.related_information = None;
                }
                let fresh = match serde_json::to_string(&lsp) {
                    Ok(k) => seen.insert((u.clone(), k)),
                    Err(_) => true,
                };
                if fresh {
                    now.entry(u.clone()).or_default().push(lsp);
                }
            }
        }
        // Files no compilation holds any more are cleared.
        let gone: Vec<String> = self
            .published
            .keys()
            .filter(|u| !now.contains_key(*u))
            .cloned()
            .collect();
        for u in gone {
            now.insert(u, Vec::new());
        }
        for (u, diags) in now {
            let diags = capped(diags);
            let version = self.docs.get(&u).map(|d| d.version);
            let same = self
                .published
                .get(&u)
                .is_some_and(|(d, v)| *d == diags && *v == version);
            if same && !dirty.contains(&u) {
                continue;
            }
            let Some(uri) = convert::uri(&u) else {
                continue;
            };
            self.send(Notification::new(
                lt::notification::PublishDiagnostics::METHOD.into(),
                lt::PublishDiagnosticsParams {
                    uri,
                    diagnostics: diags.clone(),
                    version,
                },
            ));
            if diags.is_empty() && !self.docs.contains_key(&u) {
                self.published.remove(&u);
            } else {
                self.published.insert(u, (diags, version));
            }
        }
    }

    // ---- positions ---------------------------------------------------------------

    /// The compilation and file of a document: the compilation whose root it is, else
    /// the first that holds it; the standard library's files are found in any.
    fn find(&self, uri: &str) -> Option<(&Root, FileId)> {
        let mut best: Option<(&Root, FileId)> = None;
        for r in &self.roots {
            for (fid, u) in &r.uris {
                if u == uri && (best.is_none() || r.id == uri) {
                    best = Some((r, *fid));
                }
            }
        }
        if best.is_some() {
            return best;
        }
        // A standard library file opened from go to definition.
        let path = convert::uri_to_path(uri)?;
        let dir = stdlib_dir()?;
        if key(path.parent()?) != key(&dir) {
            return None;
        }
        let name = format!("<stdlib>/{}", path.file_name()?.to_string_lossy());
        let r = self.roots.first()?;
        let fid = r
            .analysis
            .comp
            .stdlib
            .iter()
            .map(|(id, _)| *id)
            .find(|id| r.analysis.comp.sources.get(*id).name == name)?;
        Some((r, fid))
    }

    fn line_index<'r>(&self, r: &'r Root, file: FileId) -> LineIndex<'r> {
        let text = r.analysis.text(file);
        match r.lines.get(&file) {
            Some(lines) => LineIndex::with_lines(text, lines),
            None => LineIndex::new(text),
        }
    }

    fn offset(&self, r: &Root, file: FileId, pos: lt::Position) -> usize {
        self.line_index(r, file).offset(pos, self.encoding)
    }

    fn range(&self, r: &Root, span: Span) -> lt::Range {
        self.line_index(r, span.file)
            .range(span.start as usize, span.end as usize, self.encoding)
    }

    /// A span as a location the client can open: user files by their URI, the
    /// standard library written out to a read-only folder.
    fn location(&self, r: &Root, span: Span) -> Option<lt::Location> {
        let uri = match r.uris.get(&span.file) {
            Some(u) => u.clone(),
            None => {
                let name = &r.analysis.comp.sources.get(span.file).name;
                let file = name.strip_prefix("<stdlib>/")?;
                convert::path_to_uri(&stdlib_dir()?.join(file))
            }
        };
        Some(lt::Location::new(convert::uri(&uri)?, self.range(r, span)))
    }

    fn locations(&self, r: &Root, spans: Vec<Span>) -> Vec<lt::Location> {
        spans
            .into_iter()
            .filter_map(|s| self.location(r, s))
            .collect()
    }

    // ---- requests ------------------------------------------------------------------

    fn hover(&self, p: lt::HoverParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let Some(h) = r.analysis.hover(file, offset) else {
            return Ok(Value::Null);
        };
        let contents = if self.caps.markdown {
            lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: h.markdown,
            }
        } else {
            lt::MarkupContent {
                kind: lt::MarkupKind::PlainText,
                value: h.markdown.replace('`', "").replace("**", ""),
            }
        };
        to_value(lt::Hover {
            contents: lt::HoverContents::Markup(contents),
            range: Some(self.range(r, h.span)),
        })
    }

    fn definition(&self, p: lt::GotoDefinitionParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let spans = r.analysis.definition(file, offset);
        let locs = self.locations(r, spans);
        if locs.is_empty() {
            return Ok(Value::Null);
        }
        to_value(lt::GotoDefinitionResponse::Array(locs))
    }

    fn references(&self, p: lt::ReferenceParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let spans = r
            .analysis
            .references(file, offset, p.context.include_declaration);
        to_value(self.locations(r, spans))
    }

    fn highlights(&self, p: lt::DocumentHighlightParams) -> Reply {
        let pp = p.text_document_position_params;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let out: Vec<lt::DocumentHighlight> = r
            .analysis
            .highlights(file, offset)
            .into_iter()
            .map(|h| lt::DocumentHighlight {
                range: self.range(r, h.span),
                kind: Some(if h.def {
                    lt::DocumentHighlightKind::WRITE
                } else {
                    lt::DocumentHighlightKind::READ
                }),
            })
            .collect();
        to_value(out)
    }

    fn completion(&self, p: lt::CompletionParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let items = r.analysis.completions(file, offset);
        let incomplete = items.len() >= 2000;
        let items: Vec<lt::CompletionItem> = items
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let (text, format) = match (&c.snippet, self.caps.snippets) {
                    (Some(s), true) => (s.clone(), lt::InsertTextFormat::SNIPPET),
                    _ => (c.insert.clone(), lt::InsertTextFormat::PLAIN_TEXT),
                };
                lt::CompletionItem {
                    label: c.label.clone(),
                    kind: Some(completion_kind(c.kind)),
                    detail: c.detail.clone(),
                    documentation: c.documentation.clone().map(|d| {
                        lt::Documentation::MarkupContent(lt::MarkupContent {
                            kind: lt::MarkupKind::Markdown,
                            value: d,
                        })
                    }),
                    sort_text: Some(format!("{i:05}")),
                    filter_text: Some(c.insert.clone()),
                    insert_text_format: Some(format),
                    text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit {
                        range: self.range(r, c.replace),
                        new_text: text,
                    })),
                    ..Default::default()
                }
            })
            .collect();
        to_value(lt::CompletionResponse::List(lt::CompletionList {
            is_incomplete: incomplete,
            items,
        }))
    }

    // `WorkspaceEdit` keys its changes by `Uri`, which clippy thinks mutable.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, p: lt::CodeActionParams) -> Reply {
        let uri = p.text_document.uri.as_str();
        let Some((r, file)) = self.find(uri) else {
            return Ok(Value::Null);
        };
        let (start, end) = self.line_index(r, file).offsets(p.range, self.encoding);
        let mut out: Vec<lt::CodeActionOrCommand> = Vec::new();
        for a in r.analysis.code_actions(file, start, end) {
            let d = &r.analysis.comp.diagnostics[a.diagnostic];
            let diag = convert::diagnostic(d, &|s| self.range(r, s), &|s| self.location(r, s));
            let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
            for e in &a.edits {
                let Some(u) = r.uris.get(&e.span.file).and_then(|u| convert::uri(u)) else {
                    continue;
                };
                changes.entry(u).or_default().push(lt::TextEdit {
                    range: self.range(r, e.span),
                    new_text: e.new_text.clone(),
                });
            }
            out.push(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                title: a.title,
                kind: Some(lt::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag]),
                edit: Some(lt::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(a.preferred),
                ..Default::default()
            }));
        }
        to_value(out)
    }

    fn document_symbols(&self, p: lt::DocumentSymbolParams) -> Reply {
        let uri = p.text_document.uri;
        let Some((r, file)) = self.find(uri.as_str()) else {
            return Ok(Value::Null);
        };
        let syms = r.analysis.symbols(file);
        if self.caps.hierarchical_symbols {
            fn conv(s: ide::Symbol, f: &dyn Fn(Span) -> lt::Range) -> lt::DocumentSymbol {
                #[allow(deprecated)]
                lt::DocumentSymbol {
                    name: if s.name.is_empty() {
                        "_".into()
                    } else {
                        s.name
                    },
                    detail: s.detail,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    range: f(s.span),
                    selection_range: f(s.selection),
                    children: Some(s.children.into_iter().map(|c| conv(c, f)).collect()),
                }
            }
            let f = |s: Span| self.range(r, s);
            to_value(lt::DocumentSymbolResponse::Nested(
                syms.into_iter().map(|s| conv(s, &f)).collect(),
            ))
        } else {
            let mut flat = Vec::new();
            fn walk(
                s: ide::Symbol,
                container: Option<String>,
                uri: &lt::Uri,
                f: &dyn Fn(Span) -> lt::Range,
                out: &mut Vec<lt::SymbolInformation>,
            ) {
                #[allow(deprecated)]
                out.push(lt::SymbolInformation {
                    name: s.name.clone(),
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: lt::Location::new(uri.clone(), f(s.span)),
                    container_name: container,
                });
                for c in s.children {
                    walk(c, Some(s.name.clone()), uri, f, out);
                }
            }
            let f = |s: Span| self.range(r, s);
            for s in syms {
                walk(s, None, &uri, &f, &mut flat);
            }
            to_value(lt::DocumentSymbolResponse::Flat(flat))
        }
    }

    fn formatting(&self, p: lt::DocumentFormattingParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let Some(out) = r.analysis.format(file) else {
            return to_value(Vec::<lt::TextEdit>::new());
        };
        let text = r.analysis.text(file);
        to_value(vec![lt::TextEdit {
            range: LineIndex::new(text).range(0, text.len(), self.encoding),
            new_text: out,
        }])
    }

    fn prepare_rename(&self, p: lt::TextDocumentPositionParams) -> Reply {
        let Some((r, file)) = self.find(p.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, p.position);
        match r.analysis.prepare_rename(file, offset) {
            Ok(span) => to_value(lt::PrepareRenameResponse::Range(self.range(r, span))),
            Err(e) => Err(Fail(ErrorCode::InvalidRequest, e)),
        }
    }

    #[allow(clippy::mutable_key_type)]
    fn rename(&self, p: lt::RenameParams) -> Reply {
        let pp = p.text_document_position;
        let Some((r, file)) = self.find(pp.text_document.uri.as_str()) else {
            return Ok(Value::Null);
        };
        let offset = self.offset(r, file, pp.position);
        let edits = r
            .analysis
            .rename(file, offset, &p.new_name)
            .map_err(|e| Fail(ErrorCode::InvalidRequest, e))?;
        let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
        for e in edits {
            let Some(u) = r.uris.get(&e.span.file).and_then(|u| convert::uri(u)) else {
                continue;
            };
            changes.entry(u).or_default().push(lt::TextEdit {
                range: self.range(r, e.span),
                new_text: e.new_text,
            });
        }
        to_value(lt::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }
}

/// The most diagnostics published for one file: 50,000 garbage lines gave 50,000 in one
/// message, more than any editor shows usefully.
pub const MAX_PUBLISHED: usize = 1000;

/// At most [`MAX_PUBLISHED`] diagnostics, errors first, in order, and one more that says
/// how many are left out.
fn capped(diags: Vec<lt::Diagnostic>) -> Vec<lt::Diagnostic> {
    if diags.len() <= MAX_PUBLISHED {
        return diags;
    }
    let keep = MAX_PUBLISHED - 1;
    let mut order: Vec<usize> = (0..diags.len()).collect();
    order.sort_by_key(|&i| (diags[i].severity != Some(lt::DiagnosticSeverity::ERROR), i));
    order.truncate(keep);
    order.sort_unstable();
    let hidden = diags.len() - keep;
    let first_hidden = (0..diags.len()).find(|i| order.binary_search(i).is_err());
    let range = first_hidden.map(|i| diags[i].range).unwrap_or_default();
    let mut out: Vec<lt::Diagnostic> = order.into_iter().map(|i| diags[i].clone()).collect();
    out.push(lt::Diagnostic {
        range,
        severity: Some(lt::DiagnosticSeverity::INFORMATION),
        source: Some("engc".into()),
        message: format!(
            "{hidden} more diagnostics in this file are not shown; `engc check` lists them all"
        ),
        ..Default::default()
    });
    out
}

fn completion_kind(k: CompletionKind) -> lt::CompletionItemKind {
    use lt::CompletionItemKind as K;
    match k {
        CompletionKind::Keyword => K::KEYWORD,
        CompletionKind::Principal => K::INTERFACE,
        CompletionKind::Network => K::MODULE,
        CompletionKind::Engine => K::CLASS,
        CompletionKind::Store => K::STRUCT,
        CompletionKind::Access => K::VARIABLE,
        CompletionKind::Kind => K::CLASS,
        CompletionKind::Component => K::MODULE,
        CompletionKind::Param => K::VARIABLE,
        CompletionKind::Cloud => K::ENUM_MEMBER,
        CompletionKind::Service => K::MODULE,
        CompletionKind::Action | CompletionKind::Permission | CompletionKind::Operation => {
            K::FUNCTION
        }
        CompletionKind::Group => K::MODULE,
        CompletionKind::Resource => K::FIELD,
        CompletionKind::Verb => K::ENUM_MEMBER,
        CompletionKind::Code => K::CONSTANT,
        CompletionKind::File => K::FILE,
        CompletionKind::ConditionKey => K::PROPERTY,
        CompletionKind::Operator => K::OPERATOR,
        CompletionKind::Value => K::VALUE,
    }
}

fn symbol_kind(k: SymbolKind) -> lt::SymbolKind {
    use lt::SymbolKind as K;
    match k {
        SymbolKind::Deployment => K::PACKAGE,
        SymbolKind::Param => K::VARIABLE,
        SymbolKind::Principal => K::INTERFACE,
        SymbolKind::Network => K::MODULE,
        SymbolKind::Subnet => K::FIELD,
        SymbolKind::Engine => K::CLASS,
        SymbolKind::Store => K::STRUCT,
        SymbolKind::Access => K::OBJECT,
        SymbolKind::Grant => K::PROPERTY,
        SymbolKind::Role => K::PROPERTY,
        SymbolKind::Scp => K::OBJECT,
        SymbolKind::Kind => K::CLASS,
        SymbolKind::Component => K::MODULE,
        SymbolKind::Crd => K::STRUCT,
        SymbolKind::Use => K::FILE,
    }
}

/// Whether a path is in a folder [`stdlib_dir`] writes (without writing it).
fn is_stdlib_copy(path: Option<&Path>) -> bool {
    let Some(dir) = path.and_then(Path::parent) else {
        return false;
    };
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("engc-stdlib-"))
        && dir.parent().map(key) == Some(key(&std::env::temp_dir()))
}

/// The standard library written out once per process (read-only, named by a hash of
/// its content), so go to definition can open it; None when no folder can be written.
pub fn stdlib_dir() -> Option<PathBuf> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(write_stdlib).clone()
}

fn write_stdlib() -> Option<PathBuf> {
    let mut h: u64 = 0xcbf29ce484222325;
    for (name, text) in engc_core::stdlib::FILES {
        for b in name.bytes().chain(text.bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
    }
    let dir = std::env::temp_dir().join(format!("engc-stdlib-{h:016x}"));
    for (name, text) in engc_core::stdlib::FILES {
        let file = dir.join(name.strip_prefix("<stdlib>/").unwrap_or(name));
        if std::fs::read_to_string(&file).ok().as_deref() == Some(*text) {
            continue;
        }
        std::fs::create_dir_all(&dir).ok()?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        let mut perms = std::fs::metadata(&tmp).ok()?.permissions();
        perms.set_readonly(true);
        let _ = std::fs::set_permissions(&tmp, perms);
        std::fs::rename(&tmp, &file).ok()?;
    }
    Some(dir)
}

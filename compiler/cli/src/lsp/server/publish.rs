//! Checking and publishing: which compilations the open documents need (a document
//! with a deployment, else the file on disk that uses it), compiling what the edits
//! touched, and publishing the diagnostics that changed, at most [`MAX_PUBLISHED`] a file.

use super::positions::is_stdlib_copy;
use super::{panic_message, Root, Server};
use crate::lsp::convert::{self, key, LineIndex};
use crate::lsp::workspace::{self, Doc, Overlay};
use engc_core::source::Span;
use engc_core::Input;
use engc_ide::Analysis;
use lsp_server::Notification;
use lsp_types as lt;
use lsp_types::notification::Notification as _;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Server {
    /// Recompiles what the edits since the last check touched and publishes the
    /// diagnostics that changed (and those of every edited document).
    pub(super) fn check(&mut self) {
        if !self.dirty_all && self.dirty.is_empty() && self.closed.is_empty() {
            return;
        }
        let dirty: HashSet<String> = std::mem::take(&mut self.dirty);
        let mut dirty_keys: HashSet<PathBuf> = std::mem::take(&mut self.closed);
        dirty_keys.extend(
            dirty
                .iter()
                .filter_map(|u| self.docs.get(u).and_then(|d| d.key.clone())),
        );
        let all = std::mem::take(&mut self.dirty_all);
        if all {
            self.parents.clear();
        }
        let mut old: HashMap<String, Root> =
            self.roots.drain(..).map(|r| (r.id.clone(), r)).collect();
        let mut roots: Vec<Root> = Vec::new();
        // Recompiled: the roots that hold an edited, opened or closed document.
        let open: HashSet<String> = self.docs.keys().cloned().collect();
        let stale = |r: &Root| {
            all || r
                .docs
                .iter()
                .any(|d| dirty.contains(d) || !open.contains(d))
                || r.keys.iter().any(|k| dirty_keys.contains(k))
        };
        // Documents with a deployment are roots. The standard library's read-only
        // copies (opened from go to definition) are not checked: they are the library.
        let root_docs: Vec<String> = self
            .docs
            .values()
            .filter(|d| !is_stdlib_copy(d.path.as_deref()))
            .filter(|d| d.deployment)
            .map(|d| d.uri.clone())
            .collect();
        // Replaced compilations, freed after the diagnostics are out.
        let mut replaced: Vec<Root> = Vec::new();
        for uri in root_docs {
            match old.remove(&uri) {
                Some(r) if !stale(&r) => roots.push(r),
                r => {
                    replaced.extend(r.map(|r| self.let_go(r)));
                    roots.extend(self.compile_doc(&uri));
                }
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
            .filter(|d| !d.deployment)
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
                r => {
                    replaced.extend(r.map(|r| self.let_go(r)));
                    match parent {
                        Some(p) => roots.extend(self.compile_path(&p)),
                        None => roots.extend(self.compile_doc(&uri)),
                    }
                }
            }
        }
        self.roots = roots;
        self.publish(&dirty);
        // Only the trees of the files the compilations hold are kept.
        let live = self.roots.iter().flat_map(|r| {
            let c = &r.analysis.comp;
            c.stdlib
                .iter()
                .chain(&c.files)
                .map(|(id, _)| (*id, c.sources.get(*id).text.as_str()))
        });
        self.parses.retain(live);
        // Freeing the replaced compilations (their ASTs, indexes and syntax trees) takes
        // milliseconds on a large file: on a thread of its own, so that a request sent
        // with the edit (a completion) is answered meanwhile.
        let garbage = (old, replaced);
        let _ = std::thread::Builder::new()
            .name("engc-free".into())
            .spawn(move || drop(garbage));
    }

    /// A compilation about to be replaced, without its access levels and files: the
    /// memo moves a kept level that no compilation holds in place, where a level still
    /// held is copied (most levels of a large file move at each keystroke above them),
    /// and the parse cache re-parses the next edit from the files it lent.
    fn let_go(&self, mut r: Root) -> Root {
        if let Some(m) = &mut r.analysis.comp.model {
            m.accesses = Vec::new();
        }
        self.parses.give_back(&mut r.analysis.comp);
        r
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
            let comp = engc_core::compile_with(vec![input], &overlay, &options, &self.parses);
            let a = Analysis::new(comp, options.clone());
            // The trees of the same parses: the editor features read them, none parses.
            for (fid, _) in a.comp.stdlib.iter().chain(&a.comp.files) {
                if let Some(tree) = self.parses.tree(*fid, a.text(*fid)) {
                    a.set_tree(*fid, tree);
                }
            }
            a
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
            .map(|(fid, f)| {
                let lines = match comp.is_stdlib(fid) {
                    true => self.stdlib_lines(&f.name, &f.text),
                    false => Arc::new(LineIndex::lines(&f.text)),
                };
                (fid, lines)
            })
            .collect();
        let mut root = Root {
            id,
            analysis: comp,
            uris,
            keys,
            docs,
            lines,
            lsp_diagnostics: Vec::new(),
        };
        root.lsp_diagnostics = self.converted(&root);
        Some(root)
    }

    /// The lines of a standard library file, found once per session.
    fn stdlib_lines(&self, name: &str, text: &str) -> Arc<convert::Lines> {
        if let Some(l) = self.stdlib_lines.borrow().get(name) {
            return l.clone();
        }
        let l = Arc::new(LineIndex::lines(text));
        self.stdlib_lines
            .borrow_mut()
            .insert(name.to_string(), l.clone());
        l
    }

    /// The diagnostics of a compilation's user files in the protocol's terms.
    fn converted(&self, r: &Root) -> Vec<(String, lt::Diagnostic)> {
        let location = |s: Span| self.location(r, s);
        let range = |s: Span| self.range(r, s);
        let mut out = Vec::new();
        for d in &r.analysis.comp.diagnostics {
            let Some(u) = r.uris.get(&d.span.file) else {
                continue; // the standard library's own
            };
            let mut lsp = convert::diagnostic(d, &range, &location);
            if !self.caps.related_information {
                lsp.related_information = None;
            }
            out.push((u.clone(), lsp));
        }
        out
    }

    fn publish(&mut self, dirty: &HashSet<String>) {
        let mut now: BTreeMap<String, Vec<lt::Diagnostic>> = BTreeMap::new();
        // Where each list holds a diagnostic, by a hash of its place and message, to
        // drop the copies other roots give: searching the list instead was quadratic
        // in the number of diagnostics, and serializing each to compare was slow.
        let mut seen: HashMap<(&str, u64), Vec<usize>> = HashMap::new();
        for r in &self.roots {
            for u in r.uris.values() {
                now.entry(u.clone()).or_default();
            }
            for (u, lsp) in &r.lsp_diagnostics {
                let list = now.entry(u.clone()).or_default();
                let at = seen.entry((u.as_str(), hash(lsp))).or_default();
                if at.iter().all(|&i| list[i] != *lsp) {
                    at.push(list.len());
                    list.push(lsp.clone());
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
}

/// A hash of a diagnostic's range, code and message: equal diagnostics hash equal.
fn hash(d: &lt::Diagnostic) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let r = d.range;
    (r.start.line, r.start.character, r.end.line, r.end.character).hash(&mut h);
    match &d.code {
        Some(lt::NumberOrString::String(s)) => s.hash(&mut h),
        Some(lt::NumberOrString::Number(n)) => n.hash(&mut h),
        None => {}
    }
    d.message.hash(&mut h);
    h.finish()
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

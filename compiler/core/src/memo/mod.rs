//! Work kept between compilations of the same files: the language server compiles after
//! each keystroke, and a keystroke changes one declaration. Each access level's lowering
//! (its [`model::Access`] and the diagnostics lowering gives it) is kept, keyed by what
//! it reads, so an edit redoes only the levels it can change; and so are each
//! principal's risk findings (W0411), keyed by the keys of the levels that give it
//! grants, and each level's dead-grant findings (`check::aws_dead`) and size limits
//! (`check::limits`: its policy file count and E0806).
//!
//! The key of a level is a hash of the options, of every top-level item that has no
//! name (the deployment, `use`, `crd`, top-level `ack`), and of the source text of the
//! level and of each item it may read: the user items named by any word of its text,
//! and, in turn, those their texts name (a store's kind, an engine's network and
//! components; the standard library never changes in a session). The items' order and
//! files are hashed too, not their positions: a level below an edit is reused though
//! its spans moved. So a result is stored with its spans relative to the item that
//! holds them ([`Frame`]) and moved to where that item is now when reused; a result
//! with a span in no item of its key (an `include`d grant, for one) is not kept.

mod kept;
mod spans;

use crate::diag::Diagnostic;
use crate::model;
use crate::source::{FileId, Span};
use crate::syntax::ast;
use spans::{item_kind, span_and_name, words};
use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Kept lowerings, by key. One per language server session (see `engc_ide::cache`).
#[derive(Default)]
pub struct Memo {
    levels: RefCell<HashMap<u64, Kept>>,
    /// A principal's risk findings (W0411), by a key made of its levels' keys.
    risks: RefCell<HashMap<u64, Kept>>,
    /// A level's dead-grant findings (`check::aws_dead`), by the level's key.
    dead: RefCell<HashMap<u64, Kept>>,
    /// A level's size limits (`check::limits`): its policy file count and E0806.
    limits: RefCell<HashMap<u64, Kept>>,
    /// The distinct words of an item's text that name a declared item, by the item's
    /// hash and a hash of every declared name: a frame's search looks up only those.
    names: RefCell<HashMap<(u64, u64), (Names, u64)>>,
    /// Bumped by [`Memo::sweep`]; each entry remembers the sweep it was last used in.
    epoch: Cell<u64>,
    /// Reused and computed, for levels \[0\], principals \[1\], dead grants \[2\],
    /// size limits \[3\].
    hits: [Cell<usize>; 4],
    misses: [Cell<usize>; 4],
}

/// Words that name declared items.
type Names = Arc<[Box<str>]>;

struct Kept {
    /// None for a principal's findings. Its spans are relative to the frame.
    access: Option<model::Access>,
    /// The level as last handed out, and the frame spans it was placed at: handed out
    /// again, not copied, while its items stay where they were.
    placed: Option<(Arc<[Span]>, model::Shared<model::Access>)>,
    diagnostics: Vec<Diagnostic>,
    /// A level's policy file count, for its size limits.
    count: usize,
    used: u64,
}

/// How many sweeps an unused entry survives: a compilation the server did not redo in
/// that time (another root) recomputes its levels once.
const KEEP_SWEEPS: u64 = 8;

/// Marks a relative span: the low bits are the index of its item in the key's frame.
const RELATIVE: u32 = 0x8000_0000;

impl Memo {
    pub fn new() -> Memo {
        Memo::default()
    }

    /// (levels reused, levels lowered) since the memo was made, for tests.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits[0].get(), self.misses[0].get())
    }

    /// (principals whose findings were reused, principals analysed).
    pub fn finding_counts(&self) -> (usize, usize) {
        (self.hits[1].get(), self.misses[1].get())
    }

    /// (levels whose size limits were reused, levels measured).
    pub fn limit_counts(&self) -> (usize, usize) {
        (self.hits[3].get(), self.misses[3].get())
    }

    pub fn len(&self) -> usize {
        [&self.levels, &self.risks, &self.dead, &self.limits]
            .iter()
            .map(|m| m.borrow().len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops what the last few compilations did not use (the earlier texts of an
    /// edited level).
    pub fn sweep(&mut self) {
        let epoch = self.epoch.get();
        let keep = |_: &u64, k: &mut Kept| k.used + KEEP_SWEEPS > epoch;
        self.levels.get_mut().retain(keep);
        self.risks.get_mut().retain(keep);
        self.dead.get_mut().retain(keep);
        self.limits.get_mut().retain(keep);
        self.names
            .get_mut()
            .retain(|_, (_, used)| *used + KEEP_SWEEPS > epoch);
        self.epoch.set(epoch + 1);
    }
}

/// What one compilation knows to key its levels: every user item's text hash, name and
/// position. Built once per compilation, in a pass over the user files' items.
pub struct Context<'a> {
    memo: &'a Memo,
    /// User items in file and position order.
    items: Vec<ItemInfo<'a>>,
    /// Item indexes by name.
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Options and the unnamed items.
    global: u64,
    /// Every declared name, in order.
    names: u64,
    stdlib: HashSet<FileId>,
    /// Frames found, by level span: lowering and the risk findings both ask.
    frames: RefCell<HashMap<Span, Option<Frame>>>,
}

struct ItemInfo<'a> {
    span: Span,
    text: &'a str,
    hash: u64,
}

/// A level's key and the items it read, in position order: where its relative spans
/// are measured from.
#[derive(Clone)]
pub struct Frame {
    key: u64,
    spans: Arc<[Span]>,
}

impl<'a> Context<'a> {
    /// `text` gives the source of a user file; `options` is hashed by the caller.
    pub fn new(
        memo: &'a Memo,
        stdlib: impl IntoIterator<Item = FileId>,
        user: &'a [(FileId, ast::File)],
        text: &dyn Fn(FileId) -> &'a str,
        options: u64,
    ) -> Context<'a> {
        let mut items = Vec::new();
        let mut names: Vec<Option<&'a str>> = Vec::new();
        let mut global = DefaultHasher::new();
        options.hash(&mut global);
        for (file, f) in user {
            let src = text(*file);
            for item in &f.items {
                let (span, name) = span_and_name(item);
                let Some(slice) = src.get(span.range()) else {
                    continue;
                };
                let mut h = DefaultHasher::new();
                (file.0, item_kind(item), slice).hash(&mut h);
                let hash = h.finish();
                if name.is_none() {
                    hash.hash(&mut global);
                }
                items.push(ItemInfo {
                    span,
                    text: slice,
                    hash,
                });
                names.push(name);
            }
        }
        // Spans are searched by position; files keep their order of loading.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&i| (items[i].span.file, items[i].span.start));
        let items: Vec<ItemInfo> = {
            let mut slots: Vec<Option<ItemInfo>> = items.into_iter().map(Some).collect();
            order.iter().map(|&i| slots[i].take().unwrap()).collect()
        };
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut all_names = DefaultHasher::new();
        for (pos, &i) in order.iter().enumerate() {
            if let Some(n) = names[i] {
                by_name.entry(n).or_default().push(pos);
                n.hash(&mut all_names);
            }
        }
        Context {
            memo,
            items,
            by_name,
            global: global.finish(),
            names: all_names.finish(),
            stdlib: stdlib.into_iter().collect(),
            frames: RefCell::default(),
        }
    }

    /// The key and frame of the level written at `span`; None when it is not one of
    /// the user items (an `include`d copy, say).
    pub fn frame(&self, span: Span) -> Option<Frame> {
        if let Some(f) = self.frames.borrow().get(&span) {
            return f.clone();
        }
        let f = self.find_frame(span);
        self.frames.borrow_mut().insert(span, f.clone());
        f
    }

    fn find_frame(&self, span: Span) -> Option<Frame> {
        let at = self.item_at(span.written())?;
        if self.items[at].span != span.written() {
            return None;
        }
        // The level and every item named in it, in turn.
        let mut read: BTreeSet<usize> = BTreeSet::from([at]);
        let mut queue = vec![at];
        while let Some(i) = queue.pop() {
            for word in self.names_in(i).iter() {
                for &j in self.by_name.get(&**word).into_iter().flatten() {
                    if read.insert(j) {
                        queue.push(j);
                    }
                }
            }
        }
        let mut h = DefaultHasher::new();
        self.global.hash(&mut h);
        // Which item is the level, and the rest in order.
        read.iter().position(|&i| i == at).hash(&mut h);
        for &i in &read {
            self.items[i].hash.hash(&mut h);
        }
        Some(Frame {
            key: h.finish(),
            spans: read.iter().map(|&i| self.items[i].span).collect(),
        })
    }

    /// The distinct words of item `i` that name a declared item, kept in the memo
    /// while the item's text and the declared names stay the same.
    fn names_in(&self, i: usize) -> Names {
        let key = (self.items[i].hash, self.names);
        let epoch = self.memo.epoch.get();
        if let Some((names, used)) = self.memo.names.borrow_mut().get_mut(&key) {
            *used = epoch;
            return names.clone();
        }
        let mut found: Vec<&str> = words(self.items[i].text)
            .filter(|w| self.by_name.contains_key(w))
            .collect();
        found.sort_unstable();
        found.dedup();
        let names: Names = found.into_iter().map(Box::from).collect();
        self.memo
            .names
            .borrow_mut()
            .insert(key, (names.clone(), epoch));
        names
    }

    fn item_at(&self, s: Span) -> Option<usize> {
        let i = self
            .items
            .partition_point(|it| (it.span.file, it.span.start) <= (s.file, s.start));
        let i = i.checked_sub(1)?;
        self.items[i].span.contains(s).then_some(i)
    }

    /// The key and frame of a principal's findings, from the levels that give it
    /// grants (`levels`, the written spans of those levels, in the model's order) and
    /// its declaration: the findings read only what those levels lower to. The items
    /// of all their frames are hashed in position order, since the findings compare
    /// spans across levels (the first grant in the source is the primary one).
    pub fn principal_frame(
        &self,
        name: &str,
        levels: &[Span],
        decl: Option<Span>,
    ) -> Option<Frame> {
        let mut h = DefaultHasher::new();
        (self.global, name).hash(&mut h);
        let mut items: BTreeSet<usize> = BTreeSet::new();
        for &l in levels {
            let f = self.frame(l)?;
            f.key.hash(&mut h);
            for &s in f.spans.iter() {
                items.insert(self.item_at(s)?);
            }
        }
        if let Some(d) = decl {
            let i = self.item_at(d.written())?;
            (self.items[i].span == d.written()).then_some(())?;
            items.insert(i);
        }
        for &i in &items {
            self.items[i].hash.hash(&mut h);
        }
        // Which of them is the declaration.
        decl.map(|d| {
            items
                .iter()
                .position(|&i| self.items[i].span == d.written())
        })
        .hash(&mut h);
        Some(Frame {
            key: h.finish(),
            spans: items.iter().map(|&i| self.items[i].span).collect(),
        })
    }
}

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

mod spans;

use crate::diag::Diagnostic;
use crate::model;
use crate::source::{FileId, Span};
use crate::syntax::ast;
use spans::{access_spans, diagnostic_spans, item_kind, span_and_name, words};
use std::cell::{Cell, RefCell};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

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
    /// Bumped by [`Memo::sweep`]; each entry remembers the sweep it was last used in.
    epoch: Cell<u64>,
    /// Reused and computed, for levels \[0\], principals \[1\], dead grants \[2\],
    /// size limits \[3\].
    hits: [Cell<usize>; 4],
    misses: [Cell<usize>; 4],
}

struct Kept {
    /// None for a principal's findings. Its spans are relative to the frame.
    access: Option<model::Access>,
    /// The level as last handed out, and the frame spans it was placed at: handed out
    /// again, not copied, while its items stay where they were.
    placed: Option<(Vec<Span>, model::Shared<model::Access>)>,
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
    spans: Vec<Span>,
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
        for (pos, &i) in order.iter().enumerate() {
            if let Some(n) = names[i] {
                by_name.entry(n).or_default().push(pos);
            }
        }
        Context {
            memo,
            items,
            by_name,
            global: global.finish(),
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
            for word in words(self.items[i].text) {
                for &j in self.by_name.get(word).into_iter().flatten() {
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

    fn item_at(&self, s: Span) -> Option<usize> {
        let i = self
            .items
            .partition_point(|it| (it.span.file, it.span.start) <= (s.file, s.start));
        let i = i.checked_sub(1)?;
        self.items[i].span.contains(s).then_some(i)
    }

    /// The level's lowering kept for `frame`, moved to where its items are now.
    pub fn get(&self, frame: &Frame) -> Option<(model::Shared<model::Access>, Vec<Diagnostic>)> {
        let (access, _, diagnostics) = self.take(0, frame)?;
        Some((access?, diagnostics))
    }

    /// Keeps a level's lowering, unless a span of it lies outside its frame.
    pub fn put(
        &self,
        frame: &Frame,
        access: &model::Shared<model::Access>,
        diagnostics: &[Diagnostic],
    ) {
        self.keep(&self.memo.levels, frame, Some(access), 0, diagnostics);
    }

    /// A principal's findings kept for `frame` (see [`Context::principal_frame`]).
    pub fn get_findings(&self, frame: &Frame) -> Option<Vec<Diagnostic>> {
        Some(self.take(1, frame)?.2)
    }

    /// Whether a principal's findings are kept for `frame` (not counted as a use).
    pub fn has_findings(&self, frame: &Frame) -> bool {
        self.memo.risks.borrow().contains_key(&frame.key)
    }

    pub fn put_findings(&self, frame: &Frame, diagnostics: &[Diagnostic]) {
        self.keep(&self.memo.risks, frame, None, 0, diagnostics);
    }

    /// A level's dead-grant findings kept for its frame.
    pub fn get_dead(&self, frame: &Frame) -> Option<Vec<Diagnostic>> {
        Some(self.take(2, frame)?.2)
    }

    pub fn put_dead(&self, frame: &Frame, diagnostics: &[Diagnostic]) {
        self.keep(&self.memo.dead, frame, None, 0, diagnostics);
    }

    /// A level's policy file count and size findings kept for its frame.
    pub fn get_limits(&self, frame: &Frame) -> Option<(usize, Vec<Diagnostic>)> {
        let (_, count, diagnostics) = self.take(3, frame)?;
        Some((count, diagnostics))
    }

    pub fn put_limits(&self, frame: &Frame, count: usize, diagnostics: &[Diagnostic]) {
        self.keep(&self.memo.limits, frame, None, count, diagnostics);
    }

    fn take(
        &self,
        which: usize,
        frame: &Frame,
    ) -> Option<(Option<model::Shared<model::Access>>, usize, Vec<Diagnostic>)> {
        let m = &self.memo;
        let mut map = [&m.levels, &m.risks, &m.dead, &m.limits][which].borrow_mut();
        let (hits, misses) = (&self.memo.hits[which], &self.memo.misses[which]);
        let Some(k) = map.get_mut(&frame.key) else {
            misses.set(misses.get() + 1);
            return None;
        };
        k.used = self.memo.epoch.get();
        hits.set(hits.get() + 1);
        let mut diagnostics = k.diagnostics.clone();
        let mut place = |s: &mut Span| {
            if s.via & RELATIVE != 0 {
                let base = frame.spans[(s.via & !RELATIVE) as usize];
                *s = Span {
                    file: base.file,
                    start: base.start + s.start,
                    end: base.start + s.end,
                    via: 0,
                };
            }
        };
        let access = match (&k.access, &k.placed) {
            (Some(_), Some((at, placed))) if *at == frame.spans => Some(placed.clone()),
            (Some(a), _) => {
                let mut a = a.clone();
                access_spans(&mut a, &mut place);
                let a = model::Shared::new(a);
                k.placed = Some((frame.spans.clone(), a.clone()));
                Some(a)
            }
            (None, _) => None,
        };
        for d in &mut diagnostics {
            diagnostic_spans(d, &mut place);
        }
        Some((access, k.count, diagnostics))
    }

    /// Keeps a result, unless a span of it lies outside its frame's items.
    fn keep(
        &self,
        map: &RefCell<HashMap<u64, Kept>>,
        frame: &Frame,
        access: Option<&model::Shared<model::Access>>,
        count: usize,
        diagnostics: &[Diagnostic],
    ) {
        let placed = access.map(|a| (frame.spans.clone(), a.clone()));
        let mut access = access.map(|a| (**a).clone());
        let mut diagnostics = diagnostics.to_vec();
        let mut ok = true;
        let mut relative = |s: &mut Span| {
            if self.stdlib.contains(&s.file) {
                return;
            }
            let at = (s.via == 0)
                .then(|| frame.spans.iter().position(|f| f.contains(*s)))
                .flatten();
            match at {
                Some(i) => {
                    let base = frame.spans[i];
                    *s = Span {
                        file: s.file,
                        start: s.start - base.start,
                        end: s.end - base.start,
                        via: RELATIVE | i as u32,
                    };
                }
                None => ok = false,
            }
        };
        if let Some(a) = &mut access {
            access_spans(a, &mut relative);
        }
        for d in &mut diagnostics {
            diagnostic_spans(d, &mut relative);
        }
        if ok {
            map.borrow_mut().insert(
                frame.key,
                Kept {
                    access,
                    placed,
                    diagnostics,
                    count,
                    used: self.memo.epoch.get(),
                },
            );
        }
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
            for s in f.spans {
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

//! A kept result handed out and stored: its spans moved to where the items of its
//! frame are now, or made relative to them.

use super::spans::{access_spans, diagnostic_spans};
use super::{Context, Frame, Kept, RELATIVE};
use crate::diag::Diagnostic;
use crate::model;
use crate::source::Span;
use std::cell::RefCell;
use std::collections::HashMap;

impl Context<'_> {
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
        let access = match (&mut k.access, &mut k.placed) {
            (Some(_), Some((at, placed))) if *at == frame.spans => Some(placed.clone()),
            // Moved, and no compilation holds the level any more (the server lets go of
            // the one it replaces first): its spans are moved in place, not copied.
            (Some(rel), Some((at, placed))) if model::Shared::is_unique(placed) => {
                let mut from = Vec::new();
                access_spans(rel, &mut |s| from.push(*s));
                let mut from = from.into_iter();
                let p = model::Shared::get_mut(placed).expect("checked above");
                access_spans(p, &mut |s| {
                    // The same structure: the placed level is a copy of `rel`, never
                    // written since (a write to a shared level copies it).
                    if let Some(mut r) = from.next() {
                        place(&mut r);
                        *s = r;
                    }
                });
                *at = frame.spans.clone();
                Some(placed.clone())
            }
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
}

//! What a statement's resources make of each (service, resource type) its actions
//! take, judged once per pair. The rows of a service are one block, found by the type's
//! index in the catalog: a wildcard's thousands of hits find their rows without hashing
//! names, and hits come grouped by service, so the block is nearly always the last one.

use super::{row, Row};
use crate::catalog::arn;
use crate::catalog::aws::{ActionResource, Service, Str};
use crate::fast_hash::Fast;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

/// A type the catalog does not describe: counted as named, with no service field.
const UNDESCRIBED: Row = Row {
    named: true,
    service: None,
};

pub(super) struct Rows<'a> {
    /// The written resources, split once, with the service of each ARN.
    arns: Vec<(arn::Split<'a>, Option<&'a str>)>,
    /// Where each service's block starts in `rows`, by the service's address.
    blocks: HashMap<usize, usize, Fast>,
    /// The last service asked about and its block.
    last: Cell<Option<(usize, usize)>>,
    rows: Vec<Option<Row>>,
    /// Every (service, type) judged, in the order first met.
    order: Vec<(&'static Service, &'static ActionResource)>,
    /// Undescribed types met, by (service, name): each is listed in `order` once.
    undescribed: HashSet<(Str, Str), Fast>,
}

impl<'a> Rows<'a> {
    pub(super) fn new(arns: Vec<(arn::Split<'a>, Option<&'a str>)>) -> Rows<'a> {
        Rows {
            arns,
            blocks: HashMap::default(),
            last: Cell::new(None),
            rows: Vec::new(),
            order: Vec::new(),
            undescribed: HashSet::default(),
        }
    }

    fn block(&self, svc: &'static Service) -> Option<usize> {
        let key = svc as *const Service as usize;
        match self.last.get() {
            Some((k, start)) if k == key => Some(start),
            _ => {
                let start = *self.blocks.get(&key)?;
                self.last.set(Some((key, start)));
                Some(start)
            }
        }
    }

    /// Whether the resources name type `r` of `svc`, judged on first ask.
    pub(super) fn judge(&mut self, svc: &'static Service, r: &'static ActionResource) -> bool {
        let Some(rt) = svc.type_of(r) else {
            if self.undescribed.insert((svc.prefix, r.name)) {
                self.order.push((svc, r));
            }
            return UNDESCRIBED.named;
        };
        let start = match self.block(svc) {
            Some(start) => start,
            None => {
                let start = self.rows.len();
                self.rows.resize(start + svc.resource_types.len(), None);
                self.blocks.insert(svc as *const Service as usize, start);
                self.last.set(Some((svc as *const Service as usize, start)));
                start
            }
        };
        let slot = start + usize::from(r.ty);
        if let Some(known) = self.rows[slot] {
            return known.named;
        }
        let judged = row(Some(rt), &self.arns);
        self.rows[slot] = Some(judged);
        self.order.push((svc, r));
        judged.named
    }

    /// The row of a type [`Rows::judge`] has judged.
    pub(super) fn get(&self, svc: &'static Service, r: &ActionResource) -> Option<Row> {
        if svc.type_of(r).is_none() {
            return self
                .undescribed
                .contains(&(svc.prefix, r.name))
                .then_some(UNDESCRIBED);
        }
        self.rows[self.block(svc)? + usize::from(r.ty)]
    }

    /// Every (service, type) judged, in the order first met.
    pub(super) fn order(&self) -> &[(&'static Service, &'static ActionResource)] {
        &self.order
    }
}

//! engc's allocator: blocks of up to 1 KiB come from free lists of exact size classes
//! (16 bytes apart); an empty class takes the front of the smallest larger free block
//! (its rest goes to the class that fits) or else carves a new block from a 256 KiB
//! chunk of the system allocator; larger or over-aligned blocks are the system's.
//!
//! Why: a compilation makes thousands of small allocations that live until the end or
//! die young, and glibc's `malloc`/`free` spent ~130 instructions on each (sorting its
//! unsorted bins, consolidating fast bins): a fifth of a Chalk build's instructions.
//! Here one takes ~35 (a compare-exchange and a pop). Freed blocks are never returned
//! to the system, nor merged: memory is about the peak of each class, which the
//! 10,000-level benchmark measures (72.7 MiB, 74.9 with glibc alone). One lock: the
//! command line is single-threaded, and the language server's other threads (its I/O,
//! freeing a replaced compilation) hold it only for a pop or a push at a time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

/// The size classes' step and the alignment of every block.
const GRAIN: usize = 16;
const CLASSES: usize = 64;
/// The largest block served here.
pub const MAX_SMALL: usize = GRAIN * CLASSES;
const CHUNK: usize = 256 * 1024;

pub struct Small {
    lock: AtomicBool,
    state: UnsafeCell<State>,
}

// SAFETY: `state` is only reached while `lock` is held (`Small::with`).
unsafe impl Sync for Small {}

struct State {
    /// The first free block of each class; each free block holds the next.
    free: [*mut u8; CLASSES],
    /// Bit `c` set: class `c` has a free block.
    nonempty: u64,
    /// The part of the current chunk not yet carved: `next..end`.
    next: usize,
    end: usize,
}

impl Default for Small {
    fn default() -> Self {
        Self::new()
    }
}

impl Small {
    pub const fn new() -> Small {
        Small {
            lock: AtomicBool::new(false),
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                nonempty: 0,
                next: 0,
                end: 0,
            }),
        }
    }

    /// The size class of `layout`, or none when the system allocator serves it.
    fn class(layout: Layout) -> Option<usize> {
        (layout.size() <= MAX_SMALL && layout.align() <= GRAIN)
            .then(|| layout.size().max(1).div_ceil(GRAIN) - 1)
    }

    #[inline]
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        if self
            .lock
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.wait();
        }
        // SAFETY: the lock is held, so this is the only reference to the state.
        let r = f(unsafe { &mut *self.state.get() });
        self.lock.store(false, Ordering::Release);
        r
    }

    /// Takes the lock another thread holds, once it lets it go. Out of the way of the
    /// uncontended path, which then needs no stack frame.
    #[cold]
    #[inline(never)]
    fn wait(&self) {
        let mut spins = 0u32;
        while self
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // A holder that was preempted keeps it for a time slice: let it run.
            spins += 1;
            if spins.is_multiple_of(64) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

impl State {
    /// A block of class `c`: the last one freed of the class, or else the front of
    /// the smallest larger free block (its rest freed as the class that fits), or else
    /// a new one carved. Splitting reuses memory already touched, where carving makes
    /// the kernel give (and zero) new pages.
    #[inline]
    fn take(&mut self, c: usize) -> *mut u8 {
        if self.free[c].is_null() {
            return self.split_or_carve(c);
        }
        self.pop(c)
    }

    #[cold]
    #[inline(never)]
    fn split_or_carve(&mut self, c: usize) -> *mut u8 {
        let larger = self.nonempty & (!0u64 << c << 1);
        if larger == 0 {
            return self.carve(c);
        }
        let big = larger.trailing_zeros() as usize;
        let p = self.pop(big);
        // SAFETY: the rest of block `p`, (big - c) * 16 bytes, 16-aligned.
        unsafe { self.give(big - c - 1, p.add((c + 1) * GRAIN)) };
        p
    }

    /// The first free block of class `c`, which has one.
    #[inline]
    fn pop(&mut self, c: usize) -> *mut u8 {
        let head = self.free[c];
        // SAFETY: a free block of the class, which `give` wrote the next one into.
        let next = linked(head, unsafe { head.cast::<usize>().read() });
        if !(next as usize).is_multiple_of(GRAIN) {
            // Not a block: the free list was overwritten (a bug in unsafe code).
            std::process::abort();
        }
        self.free[c] = next;
        if next.is_null() {
            self.nonempty &= !(1 << c);
        }
        head
    }

    /// A new block of class `c` from the current chunk, or from a new chunk.
    fn carve(&mut self, c: usize) -> *mut u8 {
        let size = (c + 1) * GRAIN;
        if self.end - self.next < size {
            // The rest of the chunk (under 1 KiB) is left unused.
            // SAFETY: a non-zero size and a valid alignment.
            let chunk = unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, GRAIN)) };
            if chunk.is_null() {
                return chunk;
            }
            self.next = chunk as usize;
            self.end = self.next + CHUNK;
        }
        let p = self.next as *mut u8;
        self.next += size;
        p
    }

    /// Keeps block `p` of class `c` for a later `take`.
    ///
    /// # Safety
    /// `p` is an unused block of `(c + 1) * 16` bytes, 16-aligned, from `take` or a
    /// part of one.
    #[inline]
    unsafe fn give(&mut self, c: usize, p: *mut u8) {
        // SAFETY: the block is at least 16 bytes, aligned to 16, and unused.
        unsafe {
            p.cast::<usize>()
                .write(linked(p, self.free[c] as usize) as usize)
        };
        self.free[c] = p;
        self.nonempty |= 1 << c;
    }
}

/// The link a free block at `slot` holds to the next, mixed with the slot's address
/// as glibc does ("safe-linking"): a pointer written over a free block by a stray
/// write does not decode to a chosen address, and mostly not to an aligned one, which
/// `pop` refuses. The same function decodes.
#[inline]
fn linked(slot: *mut u8, link: usize) -> *mut u8 {
    (link ^ (slot as usize >> 12)) as *mut u8
}

// Not inlined: at each of the program's thousands of allocation sites the lock loop
// made the code 2.3 MB larger, and the pages it spreads over cost more faults.
//
// SAFETY: a block of class c is (c + 1) * 16 bytes, 16-aligned, handed out once until
// freed; other layouts are the system allocator's, and each pointer goes back to the
// allocator that made it, which the layout (the same at free as at allocation) tells.
unsafe impl GlobalAlloc for Small {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match Self::class(layout) {
            Some(c) => self.with(|s| s.take(c)),
            // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
            None => unsafe { System.alloc(layout) },
        }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match Self::class(layout) {
            Some(_) => {
                // SAFETY: as `alloc`; the block has `layout.size()` bytes to zero.
                let p = unsafe { self.alloc(layout) };
                if !p.is_null() {
                    unsafe { ptr::write_bytes(p, 0, layout.size()) };
                }
                p
            }
            // SAFETY: as `alloc`.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match Self::class(layout) {
            // SAFETY: the layout it was allocated with, so `take` of this class made it.
            Some(c) => self.with(|s| unsafe { s.give(c, p) }),
            None => unsafe { System.dealloc(p, layout) },
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `GlobalAlloc::realloc` requires a size that is valid with the align.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (Self::class(layout), Self::class(new)) {
            // The block already has room: classes are whole blocks.
            (Some(a), Some(b)) if a == b => p,
            // SAFETY: the system's block, moved by the system.
            (None, None) => unsafe { System.realloc(p, layout, new_size) },
            _ => {
                // SAFETY: a new block, then the old one's bytes that fit, then the old
                // one freed with the layout it was made with.
                let q = unsafe { self.alloc(new) };
                if !q.is_null() {
                    unsafe {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        self.dealloc(p, layout);
                    }
                }
                q
            }
        }
    }
}

#[cfg(test)]
#[path = "alloc_tests.rs"]
mod tests;

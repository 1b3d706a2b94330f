//! The allocator under random sequences of every call, each live block filled with its
//! own byte and checked: no block overlaps another, none is misaligned, a zeroed one
//! is zero, a moved one keeps its bytes.

use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        size: usize,
        align: usize,
        zeroed: bool,
    },
    Free(usize),
    Realloc(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let size = prop_oneof![4 => 1usize..=MAX_SMALL + 32, 1 => 1usize..5000];
    prop_oneof![
        3 => (size.clone(), 0u32..7, any::<bool>())
            .prop_map(|(size, a, zeroed)| Op::Alloc { size, align: 1 << a, zeroed }),
        2 => any::<usize>().prop_map(Op::Free),
        2 => (any::<usize>(), size).prop_map(|(i, s)| Op::Realloc(i, s)),
    ]
}

struct Live {
    p: *mut u8,
    layout: Layout,
    fill: u8,
}

fn check(b: &Live) -> Result<(), TestCaseError> {
    prop_assert_eq!(b.p as usize % b.layout.align(), 0);
    // SAFETY: a live block of `layout.size()` bytes.
    let bytes = unsafe { std::slice::from_raw_parts(b.p, b.layout.size()) };
    prop_assert!(bytes.iter().all(|&x| x == b.fill), "block changed under it");
    Ok(())
}

fn fill(b: &Live) {
    // SAFETY: a live block of `layout.size()` bytes.
    unsafe { ptr::write_bytes(b.p, b.fill, b.layout.size()) };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn blocks_stay_apart_aligned_and_intact(ops in prop::collection::vec(op(), 1..300)) {
        let a = Small::new();
        let mut live: Vec<Live> = Vec::new();
        let mut next_fill = 1u8;
        for op in ops {
            match op {
                Op::Alloc { size, align, zeroed } => {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    // SAFETY: a non-zero size.
                    let p = unsafe { if zeroed { a.alloc_zeroed(layout) } else { a.alloc(layout) } };
                    prop_assert!(!p.is_null());
                    if zeroed {
                        // SAFETY: the new block's bytes.
                        let bytes = unsafe { std::slice::from_raw_parts(p, size) };
                        prop_assert!(bytes.iter().all(|&x| x == 0));
                    }
                    next_fill = next_fill.wrapping_add(1).max(1);
                    let b = Live { p, layout, fill: next_fill };
                    fill(&b);
                    live.push(b);
                }
                Op::Free(i) if !live.is_empty() => {
                    let b = live.swap_remove(i % live.len());
                    check(&b)?;
                    // SAFETY: a live block with its layout.
                    unsafe { a.dealloc(b.p, b.layout) };
                }
                Op::Realloc(i, size) if !live.is_empty() => {
                    let i = i % live.len();
                    check(&live[i])?;
                    let b = &mut live[i];
                    // SAFETY: a live block with its layout, a non-zero size.
                    let p = unsafe { a.realloc(b.p, b.layout, size) };
                    prop_assert!(!p.is_null());
                    let kept = b.layout.size().min(size);
                    // SAFETY: the moved block's first `kept` bytes.
                    let bytes = unsafe { std::slice::from_raw_parts(p, kept) };
                    prop_assert!(bytes.iter().all(|&x| x == b.fill), "realloc lost bytes");
                    b.p = p;
                    b.layout = Layout::from_size_align(size, b.layout.align()).unwrap();
                    fill(b);
                }
                _ => {}
            }
            for b in &live {
                check(b)?;
            }
        }
        for b in live {
            // SAFETY: a live block with its layout.
            unsafe { a.dealloc(b.p, b.layout) };
        }
    }
}

#[test]
fn a_freed_block_is_given_again_to_its_class_only() {
    let a = Small::new();
    let l48 = Layout::from_size_align(40, 8).unwrap();
    let l64 = Layout::from_size_align(64, 8).unwrap();
    // SAFETY: non-zero sizes; each block freed once with its layout.
    unsafe {
        let p = a.alloc(l48);
        a.dealloc(p, l48);
        let q = a.alloc(l64);
        assert_ne!(p, q, "a 48-byte block must not serve a 64-byte one");
        let r = a.alloc(Layout::from_size_align(33, 1).unwrap());
        assert_eq!(p, r, "33 bytes are in the 48-byte class");
        let big = Layout::from_size_align(MAX_SMALL + 1, 8).unwrap();
        let s = a.alloc(big);
        assert!(!s.is_null());
        a.dealloc(s, big);
        a.dealloc(q, l64);
        a.dealloc(r, Layout::from_size_align(33, 1).unwrap());
    }
}

#[test]
fn realloc_within_a_class_keeps_the_block() {
    let a = Small::new();
    let l = Layout::from_size_align(17, 1).unwrap();
    // SAFETY: non-zero sizes; the block freed once with its last layout.
    unsafe {
        let p = a.alloc(l);
        assert_eq!(a.realloc(p, l, 32), p);
        let q = a.realloc(p, Layout::from_size_align(32, 1).unwrap(), 33);
        assert_ne!(q, p);
        a.dealloc(q, Layout::from_size_align(33, 1).unwrap());
    }
}

#[test]
fn threads_share_it_without_losing_a_block() {
    static SHARED: Small = Small::new();
    let workers: Vec<_> = (0u8..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut held: Vec<(usize, Layout)> = Vec::new();
                for i in 0..20_000usize {
                    let size = 1 + (i * 7 + usize::from(t) * 13) % 300;
                    let layout = Layout::from_size_align(size, 8).unwrap();
                    // SAFETY: a non-zero size; blocks filled, checked and freed once.
                    unsafe {
                        let p = SHARED.alloc(layout);
                        assert!(!p.is_null());
                        ptr::write_bytes(p, t, size);
                        held.push((p as usize, layout));
                        if i % 3 != 0 {
                            let (q, l) = held.swap_remove((i * 31) % held.len());
                            let bytes = std::slice::from_raw_parts(q as *const u8, l.size());
                            assert!(bytes.iter().all(|&x| x == t), "another thread wrote here");
                            SHARED.dealloc(q as *mut u8, l);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
}

#[test]
fn a_larger_free_block_is_split_before_new_memory_is_carved() {
    let a = Small::new();
    let l64 = Layout::from_size_align(64, 16).unwrap();
    let l16 = Layout::from_size_align(16, 16).unwrap();
    let l48 = Layout::from_size_align(48, 16).unwrap();
    // SAFETY: non-zero sizes; each block freed once with its layout.
    unsafe {
        let p = a.alloc(l64);
        a.dealloc(p, l64);
        let front = a.alloc(l16);
        assert_eq!(front, p, "the front of the free 64-byte block");
        let rest = a.alloc(l48);
        assert_eq!(rest, p.add(16), "its rest, kept as a 48-byte block");
        a.dealloc(front, l16);
        a.dealloc(rest, l48);
    }
}

#[test]
fn a_link_decodes_only_at_its_own_slot() {
    let slot = 0x7f00_1234_5000usize as *mut u8;
    let target = 0x5555_0000_0040usize;
    let stored = linked(slot, target) as usize;
    assert_eq!(linked(slot, stored), target as *mut u8);
    // A pointer written over a free block as it is decodes elsewhere, misaligned here.
    assert!(!(linked(slot, target) as usize).is_multiple_of(GRAIN));
}

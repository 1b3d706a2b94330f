//! Where one byte occurs in a text, eight bytes tested at a time (from either end). The standard
//! library's `match_indices` pays a searcher's set-up for each match (the colons of an
//! ARN, the line feeds of a file of short lines), and the memchr crate asks the CPU
//! what it supports on first use, which costs tens of microseconds in a virtual
//! machine: a noticeable part of a process that runs for a few milliseconds.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `x` that is zero, and no other bit (no carry crosses a
/// byte: each byte's low seven bits plus 0x7f stay below 0x100).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The positions of `needle` in `hay`, in order.
pub fn positions(hay: &[u8], needle: u8) -> Positions<'_> {
    Positions {
        hay,
        pattern: u64::from_le_bytes([needle; 8]),
        word: 0,
        found: 0,
        next: 0,
    }
}

/// The first position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: u8) -> Option<usize> {
    positions(hay, needle).next()
}

/// The last position of `needle` in `hay`, eight bytes at a time from the end.
pub fn rfind(hay: &[u8], needle: u8) -> Option<usize> {
    let pattern = u64::from_le_bytes([needle; 8]);
    let mut end = hay.len();
    while let Some(word) = hay[..end].last_chunk::<8>() {
        let found = zero_bytes(u64::from_le_bytes(*word) ^ pattern);
        if found != 0 {
            // Little-endian: the last byte of the word is its most significant.
            let bit = 63 - found.leading_zeros() as usize;
            return Some(end - 8 + bit / 8);
        }
        end -= 8;
    }
    hay[..end].iter().rposition(|&c| c == needle)
}

/// `text.split_once(needle)` for an ASCII `needle`, by a plain byte loop: action
/// names and ARN fields are a few dozen bytes, where a char searcher's set-up costs
/// more than the search. (An ASCII byte never falls inside a character, so both
/// sides are text.)
#[inline]
pub fn split_once(text: &str, needle: u8) -> Option<(&str, &str)> {
    debug_assert!(needle.is_ascii());
    let i = text.bytes().position(|b| b == needle)?;
    Some((&text[..i], &text[i + 1..]))
}

pub struct Positions<'a> {
    hay: &'a [u8],
    pattern: u64,
    /// Where the word of `found` starts.
    word: usize,
    /// The matches of that word not yet returned, as [`zero_bytes`] marks them.
    found: u64,
    /// Where the next word starts.
    next: usize,
}

impl Iterator for Positions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            if self.found != 0 {
                let bit = self.found.trailing_zeros() as usize;
                self.found &= self.found - 1;
                return Some(self.word + bit / 8);
            }
            let rest = self.hay.get(self.next..).filter(|r| !r.is_empty())?;
            let (word, n) = match rest.first_chunk::<8>() {
                Some(word) => (u64::from_le_bytes(*word), 8),
                None => {
                    // The last few bytes, padded with a byte that is not the needle
                    // (shifted in: a copy of a length known only now calls memcpy).
                    let pad = !self.pattern;
                    let tail = rest.iter().enumerate().fold(pad, |w, (i, &c)| {
                        w & !(0xff << (8 * i)) | u64::from(c) << (8 * i)
                    });
                    (tail, rest.len())
                }
            };
            self.found = zero_bytes(word ^ self.pattern);
            self.word = self.next;
            self.next += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(hay: &[u8], needle: u8) -> Vec<usize> {
        (0..hay.len()).filter(|&i| hay[i] == needle).collect()
    }

    #[test]
    fn fixed_cases() {
        assert_eq!(positions(b"", b':').count(), 0);
        assert_eq!(
            positions(b"arn:aws:s3:::bucket/key", b':').collect::<Vec<_>>(),
            vec![3, 7, 10, 11, 12]
        );
        // A zero byte before a match, and bytes with the high bit set, around a word edge.
        let hay = b"\x00\x01\n\x80\xff\n\n\x0a\x0b\n";
        assert_eq!(positions(hay, b'\n').collect::<Vec<_>>(), naive(hay, b'\n'));
        assert_eq!(find(b"ab$c", b'$'), Some(2));
        assert_eq!(find(&[0xff; 20], 0x00), None);
        assert_eq!(find(&[0x00; 3], 0xff), None);
        assert_eq!(rfind(b"a*/b*/c", b'*'), Some(4));
        assert_eq!(rfind(b"", b'*'), None);
        assert_eq!(rfind(&[0xff; 20], 0x00), None);
        assert_eq!(rfind(b"*0123456789abcdef", b'*'), Some(0));
    }

    proptest! {
        #[test]
        fn split_once_is_str_split_once(text in "[a-z:é*$]{0,12}", needle in prop_oneof![Just(b':'), Just(b'*'), Just(b'$')]) {
            prop_assert_eq!(split_once(&text, needle), text.split_once(needle as char));
        }

        #[test]
        fn positions_are_those_of_a_byte_loop(
            hay in proptest::collection::vec(prop_oneof![Just(b':'), Just(0u8), Just(0xffu8), any::<u8>()], 0..80),
            needle in prop_oneof![Just(b':'), Just(0u8), Just(0xffu8), any::<u8>()],
        ) {
            prop_assert_eq!(positions(&hay, needle).collect::<Vec<_>>(), naive(&hay, needle));
        }

        #[test]
        fn rfind_is_the_last_of_a_byte_loop(
            hay in proptest::collection::vec(prop_oneof![Just(b'*'), Just(0u8), Just(0xffu8), any::<u8>()], 0..80),
            needle in prop_oneof![Just(b'*'), Just(0u8), Just(0xffu8), any::<u8>()],
        ) {
            prop_assert_eq!(rfind(&hay, needle), naive(&hay, needle).last().copied());
        }
    }
}

//! A hasher for the checks' short-lived maps of short keys (catalog ranges, names):
//! a rotate, xor and multiply per word. The standard SipHash costs more than the
//! lookups it serves, and these maps hold what one compilation's own input names.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`WordHasher`]s.
pub type Fast = BuildHasherDefault<WordHasher>;

#[derive(Default)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        // The length too, so that trailing zero bytes are not lost.
        self.write_u64(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash(v: impl Hash) -> u64 {
        Fast::default().hash_one(v)
    }

    #[test]
    fn different_keys_hash_differently() {
        // Lengths around the word size, trailing zero bytes, and tuples that regroup.
        let mut keys: Vec<Vec<u8>> = (0..20)
            .flat_map(|n| [vec![b'a'; n], vec![0u8; n], (0..n as u8).collect()])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut hashes: Vec<u64> = keys.iter().map(hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), keys.len());
        assert_ne!(hash(("ab", "c")), hash(("a", "bc")));
        assert_eq!(hash(("pods", "get")), hash(("pods", "get")));
    }
}

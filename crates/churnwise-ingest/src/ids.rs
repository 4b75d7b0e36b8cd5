//! Text ids reduced to 128-bit hashes, so that the fast path keeps no
//! `String` per id: two ids are taken as equal when their hashes are, which
//! for 128 bits is wrong with a probability far below any hardware error.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// The 128-bit hash of an id.
pub(crate) fn id_hash(id: &[u8]) -> u128 {
    let a = foldhash::fast::FixedState::with_seed(0x5eed_0001).hash_one(id);
    let b = foldhash::fast::FixedState::with_seed(0x0dd5_eed2).hash_one(id);
    (u128::from(a) << 64) | u128::from(b)
}

/// A hasher for keys that already are hashes: it keeps their low 64 bits.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "keeping the low 64 bits is the point: the key already is a uniform 128-bit hash"
    )]
    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// A map from id hashes to dense indices.
pub(crate) type IdMap = HashMap<u128, u32, BuildHasherDefault<PreHashed>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_ids_hash_equal_and_different_ids_differ() {
        assert_eq!(id_hash(b"C-1"), id_hash(b"C-1"));
        assert_ne!(id_hash(b"C-1"), id_hash(b"C-2"));
        assert_ne!(id_hash(b""), id_hash(b" "));
    }

    #[test]
    fn the_id_map_finds_what_was_inserted() {
        let mut map = IdMap::default();
        map.insert(id_hash(b"a"), 0);
        map.insert(id_hash(b"b"), 1);
        assert_eq!(map.get(&id_hash(b"b")), Some(&1));
        assert_eq!(map.get(&id_hash(b"c")), None);
    }
}

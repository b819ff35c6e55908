//! A parse cache for repeated loads of one catalogue (`sleeve watch`): a file whose path,
//! content and position in the load are unchanged keeps its parsed form, so a re-check after
//! one save parses one file.
//!
//! The position matters because spans carry the file's [`FileId`], its index in the load:
//! a cached form is only valid under the id it was parsed with. Editing a file keeps every
//! id; adding or removing one shifts the ids of the files after it in path order, which are
//! then parsed again.

use super::Loaded;
use crate::source::FileId;
use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};

/// What a cached form is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key {
    path: String,
    file: FileId,
    len: usize,
    /// SipHash of the content (std's `DefaultHasher`: fixed keys, stable within a process,
    /// several GB/s — a cryptographic hash would cost more than parsing small files).
    hash: u64,
}

impl Key {
    pub(super) fn new(path: &str, file: FileId, bytes: &[u8]) -> Key {
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        Key {
            path: path.to_string(),
            file,
            len: bytes.len(),
            hash: h.finish(),
        }
    }
}

/// Parsed files by path, from the last load that used the cache.
#[derive(Default)]
pub struct ParseCache {
    files: HashMap<String, (Key, Loaded)>,
    parsed: usize,
    reused: usize,
}

impl ParseCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many files the last load parsed, and how many it took from the cache.
    pub fn last_load(&self) -> (usize, usize) {
        (self.parsed, self.reused)
    }

    /// The cached form for `key`, if it was parsed from the same content under the same id.
    pub(super) fn get(&self, key: &Key) -> Option<Loaded> {
        match self.files.get(&key.path) {
            Some((k, loaded)) if k == key => Some(loaded.clone()),
            _ => None,
        }
    }

    /// Keep what this load saw (files gone since are dropped): cached forms stay, new ones are
    /// copied in.
    pub(super) fn keep(&mut self, loaded: &[(usize, Loaded, Option<Key>)]) {
        let mut old = std::mem::take(&mut self.files);
        let (mut parsed, mut reused) = (0, 0);
        for (_, l, key) in loaded {
            let Some(key) = key else { continue };
            match old.remove(&key.path) {
                Some(entry) if entry.0 == *key => {
                    reused += 1;
                    self.files.insert(key.path.clone(), entry);
                }
                _ => {
                    parsed += 1;
                    self.files
                        .insert(key.path.clone(), (key.clone(), l.clone()));
                }
            }
        }
        self.parsed = parsed;
        self.reused = reused;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::source::SourceMap;
    use crate::world::MemoryWorld;

    /// What a load produced, comparable: the syntax tree and the diagnostics, with spans.
    fn load(world: &MemoryWorld, cache: Option<&mut ParseCache>) -> String {
        let (mut sources, mut diags) = (SourceMap::default(), Diagnostics::default());
        let syn = match cache {
            Some(c) => super::super::load_cached(world, &mut sources, &mut diags, c),
            None => super::super::load(world, &mut sources, &mut diags),
        };
        format!("{syn:?}\n{:?}", diags.sorted())
    }

    #[test]
    fn unchanged_files_are_reused_and_give_the_same_result() {
        let mut world = MemoryWorld::new()
            .file(
                "sleeve.toml",
                "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n",
            )
            .file("parties/b.toml", "name = \"B\"\nshar = 1\n")
            .file("parties/c.toml", "name = \"C\"\n")
            .file("notes/x.toml", "ignored = true\n");
        let mut cache = ParseCache::new();
        assert_eq!(load(&world, Some(&mut cache)), load(&world, None));
        assert_eq!(
            cache.last_load(),
            (3, 0),
            "the file outside the folders is not cached"
        );
        assert_eq!(load(&world, Some(&mut cache)), load(&world, None));
        assert_eq!(cache.last_load(), (0, 3));

        // An edit: that file only, and its new diagnostics.
        world.insert("parties/c.toml", "name = [\n");
        let edited = load(&world, Some(&mut cache));
        assert_eq!(cache.last_load(), (1, 2));
        assert_eq!(edited, load(&world, None));
        assert!(edited.contains("E0101"), "{edited}");

        // A file before the others shifts their ids: they are parsed again, and spans agree.
        world.insert("parties/a.toml", "name = \"A\"\n");
        assert_eq!(load(&world, Some(&mut cache)), load(&world, None));
        assert_eq!(cache.last_load(), (4, 0));
        // A deleted file drops out; the files before it stay cached.
        world.remove("sleeve.toml");
        assert_eq!(load(&world, Some(&mut cache)), load(&world, None));
        assert_eq!(cache.last_load(), (0, 3));
        assert_eq!(cache.files.len(), 3);
    }
}

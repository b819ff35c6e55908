//! `watch`'s world: the disk as the last check saw it. Catalogue files' bytes and the
//! listing are kept between checks and dropped when a file-system event names them, so a
//! check after one save reads one file instead of every file of the catalogue.
//!
//! Media files are not kept (they can be large): they are opened from the disk, as `check`
//! opens them, and read by ranges.

use super::system_world::SystemWorld;
use crate::media::MediaSource;
use crate::world::{Entry, EntryKind, World, WorldError};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::RwLock;

pub struct WatchWorld {
    disk: SystemWorld,
    /// The catalogue listing, until a file or folder appears, goes or is renamed.
    listing: RwLock<Option<Vec<Entry>>>,
    /// Bytes of catalogue files (`*.toml` under the root), until an event names them.
    files: RwLock<HashMap<String, Vec<u8>>>,
}

impl WatchWorld {
    /// Write the media facts learnt so far.
    pub fn save_media(&self) {
        self.disk.save_media();
    }

    /// See [`SystemWorld::media_linked`].
    pub fn media_linked(&self, paths: &[String]) {
        self.disk.media_linked(paths);
    }

    pub fn new(disk: SystemWorld) -> Self {
        WatchWorld {
            disk,
            listing: RwLock::new(None),
            files: RwLock::new(HashMap::new()),
        }
    }

    /// Forget what `paths` (root-relative; `""` is the root: everything) may have changed:
    /// their bytes and what is under them, and with `structural` (created, removed or
    /// renamed) the listing.
    pub fn forget(&self, paths: &BTreeSet<String>, structural: bool) {
        if structural || paths.contains("") {
            *self.listing.write().unwrap_or_else(|e| e.into_inner()) = None;
        }
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        if paths.contains("") {
            files.clear();
            return;
        }
        for p in paths {
            files.remove(p);
            let dir = format!("{p}/");
            if structural {
                files.retain(|f, _| !f.starts_with(&dir));
            }
        }
    }
}

fn kept(path: &str) -> bool {
    path.ends_with(".toml") && !path.starts_with("../")
}

impl World for WatchWorld {
    fn root(&self) -> &Path {
        self.disk.root()
    }

    fn catalogue_entries(&self) -> Result<Vec<Entry>, WorldError> {
        if let Some(l) = &*self.listing.read().unwrap_or_else(|e| e.into_inner()) {
            return Ok(l.clone());
        }
        let listing = self.disk.catalogue_entries()?;
        *self.listing.write().unwrap_or_else(|e| e.into_inner()) = Some(listing.clone());
        Ok(listing)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, WorldError> {
        if !kept(path) {
            return self.disk.read(path);
        }
        if let Some(b) = self
            .files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return Ok(b.clone());
        }
        let bytes = self.disk.read(path)?;
        self.files
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), bytes.clone());
        Ok(bytes)
    }

    fn open_media(&self, path: &str) -> Result<Box<dyn MediaSource>, WorldError> {
        self.disk.open_media(path)
    }

    fn kind(&self, path: &str) -> Option<EntryKind> {
        self.disk.kind(path)
    }

    /// The clock at each call: `watch` runs for days, and deals start and end by date.
    fn now(&self) -> i64 {
        self.disk.now_live()
    }

    fn stamp(&self, path: &str) -> Option<String> {
        self.disk.stamp(path)
    }

    fn recall_media(&self, path: &str, stamp: &str) -> Option<crate::lower::KnownMedia> {
        self.disk.recall_media(path, stamp)
    }

    fn remember_media(&self, path: &str, stamp: &str, known: &crate::lower::KnownMedia) {
        self.disk.remember_media(path, stamp, known);
    }

    fn media_in_use(&self, paths: &std::collections::BTreeSet<&str>) {
        self.disk.media_in_use(paths);
    }
}

//! What `check` learnt from media files, kept between runs: a real catalogue's audio is
//! hundreds of GB, and reading every file whole (its MD5 goes into each message) on every
//! `check`, `build` and `plan` would take hours. A file whose stamp (size, modification and
//! change times to the nanosecond, device and inode) is the one recorded is not read again:
//! any write changes the change time, which no tool can set back (a tag editor that keeps
//! the modification time still changes it). `build` hard-links media into its output, which
//! changes the change time too: it then records the new stamp of each file it linked whose
//! size, modification time and inode are still the recorded ones
//! ([`MediaStore::relinked`]). A file is kept only if its stamp did not change while it was
//! read.
//!
//! Kept in `<root>/.sleeve-cache/media.json`, beside a `.gitignore` of `*` so that git never
//! sees the folder (as ruff does with `.ruff_cache`). Written atomically, once per run and
//! only when something new was learnt; a store written by another version of Sleeve, or one
//! that cannot be read, is ignored, and one that cannot be written is not an error (the
//! files are read again next time). A temporary file a killed run left while saving is
//! removed by a later run once it is an hour old. Deleting the folder is always safe.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use crate::lower::KnownMedia;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const FOLDER: &str = ".sleeve-cache";
const FILE: &str = "media.json";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    stamp: String,
    known: KnownMedia,
}

/// The file's content (written from borrowed parts, read into owned ones).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Stored<S, F> {
    /// [`VERSION`]: a store of another Sleeve or stamp format is not used.
    sleeve: S,
    files: F,
}

/// Sleeve's version and the store's format (stamp and facts).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/media-2");

#[derive(Default)]
struct State {
    /// Read from disk at the first question.
    loaded: bool,
    files: BTreeMap<String, Entry>,
    changed: bool,
}

pub struct MediaStore {
    dir: PathBuf,
    state: Mutex<State>,
}

/// The stamp of a file: what changes when its content may have.
pub fn stamp(path: &Path) -> Option<String> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_file() {
        return None;
    }
    // What the content cannot change without, then `|` and the change time.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!(
            "{}:{}.{}:{}:{}|{}.{}",
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.dev(),
            m.ino(),
            m.ctime(),
            m.ctime_nsec()
        ))
    }
    #[cfg(not(unix))]
    {
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("{}:{}", m.len(), t.as_nanos()))
    }
}

impl MediaStore {
    pub fn new(root: &Path) -> Self {
        MediaStore {
            dir: root.join(FOLDER),
            state: Mutex::new(State::default()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !s.loaded {
            s.loaded = true;
            remove_leftovers(&self.dir);
            s.files = std::fs::read(self.dir.join(FILE))
                .ok()
                .and_then(|b| {
                    serde_json::from_slice::<Stored<String, BTreeMap<String, Entry>>>(&b).ok()
                })
                .filter(|st| st.sleeve == VERSION)
                .map(|st| st.files)
                .unwrap_or_default();
        }
        f(&mut s)
    }

    pub fn recall(&self, path: &str, stamp: &str) -> Option<KnownMedia> {
        self.with(|s| {
            s.files
                .get(path)
                .filter(|e| e.stamp == stamp)
                .map(|e| e.known.clone())
        })
    }

    pub fn remember(&self, path: &str, stamp: &str, known: &KnownMedia) {
        self.with(|s| {
            let entry = Entry {
                stamp: stamp.to_string(),
                known: known.clone(),
            };
            s.files.insert(path.to_string(), entry);
            s.changed = true;
        });
    }

    /// Forget the files not in `paths` (every media file a complete catalogue names).
    pub fn keep_only(&self, paths: &std::collections::BTreeSet<&str>) {
        self.with(|s| {
            let before = s.files.len();
            s.files.retain(|p, _| paths.contains(p.as_str()));
            s.changed |= s.files.len() != before;
        });
    }

    /// After `build` hard-linked these files (root-relative paths under `root`): a file
    /// whose stamp differs from the recorded one only in its change time (the link's doing)
    /// is recorded with its new stamp.
    pub fn relinked(&self, root: &Path, paths: &[String]) {
        self.with(|s| {
            let mut seen = std::collections::HashSet::new();
            for p in paths.iter().filter(|p| seen.insert(p.as_str())) {
                let Some(entry) = s.files.get_mut(p) else {
                    continue;
                };
                let Some(now) = stamp(&root.join(p)) else {
                    continue;
                };
                let content = |st: &str| st.split('|').next().unwrap_or_default().to_string();
                if now != entry.stamp && content(&now) == content(&entry.stamp) {
                    entry.stamp = now;
                    s.changed = true;
                }
            }
        });
    }

    /// Write what was learnt since the last save (nothing when nothing was).
    pub fn save(&self) -> std::io::Result<()> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !s.changed {
            return Ok(());
        }
        ensure_folder(&self.dir)?;
        let json = serde_json::to_vec(&Stored {
            sleeve: VERSION,
            files: &s.files,
        })
        .map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!(".{FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, self.dir.join(FILE))?;
        s.changed = false;
        Ok(())
    }
}

/// Remove what saves that never finished left in `dir` (a run killed while writing the
/// store): a save takes milliseconds, so a temporary file older than an hour is left over,
/// whatever process wrote it.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{FILE}.tmp-");
    for e in entries.flatten() {
        let left = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
            && e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if left {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Create the cache folder `dir` (`<root>/.sleeve-cache`) with its `.gitignore`, if needed.
pub fn ensure_folder(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# Sleeve's cache: safe to delete.\n*\n")?;
    }
    Ok(())
}

impl Drop for MediaStore {
    fn drop(&mut self) {
        let _ = self.save();
    }
}

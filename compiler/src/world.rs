//! The world: how the core reaches files and the clock. The core does no IO of its own;
//! the CLI passes a [`SystemWorld`](crate::cli::system_world::SystemWorld), tests pass a
//! [`MemoryWorld`].

use crate::media::MediaSource;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    File,
    Dir,
    Other,
}

/// A file or folder found under the catalogue root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Root-relative path with `/` separators.
    pub path: String,
    pub kind: EntryKind,
}

/// Why the world could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct WorldError {
    pub path: String,
    pub message: String,
}

/// Files and clock, as the core sees them. Paths are root-relative with `/` separators and
/// may start with `../` for files outside the root.
pub trait World: Sync {
    /// The catalogue root, for display.
    fn root(&self) -> &Path;
    /// Every `.toml` file (and folders named `*.toml`) under the root, sorted by path, skipping
    /// hidden folders and the build output.
    fn catalogue_entries(&self) -> Result<Vec<Entry>, WorldError>;
    /// The bytes of a file.
    fn read(&self, path: &str) -> Result<Vec<u8>, WorldError>;
    /// A media file opened for ranged reads: the probes read its headers and a few blocks, and
    /// its MD5 is streamed, so memory stays bounded whatever its size. The default reads the
    /// file whole, which suits worlds that hold their files in memory.
    fn open_media(&self, path: &str) -> Result<Box<dyn MediaSource>, WorldError> {
        Ok(Box::new(self.read(path)?))
    }
    /// What is at a path, or `None` when nothing is.
    fn kind(&self, path: &str) -> Option<EntryKind>;
    /// Seconds since the Unix epoch, from `SOURCE_DATE_EPOCH` when set.
    fn now(&self) -> i64;
    /// The full path of a root-relative path, for messages and external tools.
    fn full_path(&self, path: &str) -> PathBuf {
        self.root().join(path)
    }
    /// A stamp of a file's version as the file system tells it (size, times, inode): equal
    /// stamps, same content. `None` (the default): nothing is remembered between runs.
    fn stamp(&self, _path: &str) -> Option<String> {
        None
    }
    /// What an earlier run learnt from the media file `path` when its stamp was `stamp`.
    fn recall_media(&self, _path: &str, _stamp: &str) -> Option<crate::lower::KnownMedia> {
        None
    }
    /// Keep what was learnt from a media file at `stamp`, for later runs.
    fn remember_media(&self, _path: &str, _stamp: &str, _known: &crate::lower::KnownMedia) {}

    /// After a check of the whole catalogue: every media file it names (root-relative). A
    /// store of media facts may forget the others.
    fn media_in_use(&self, _paths: &std::collections::BTreeSet<&str>) {}
}

/// Join a root-relative directory and a relative path written in a file, lexically
/// normalising `.` and `..`. Absolute paths are kept as they are.
pub fn join(dir: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return rel.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let mut ups = 0usize;
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    ups += 1;
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = "../".repeat(ups);
    out.push_str(&parts.join("/"));
    out
}

/// The folder part of a root-relative path.
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// An in-memory world for tests and for `watch`-style callers.
#[derive(Debug, Clone, Default)]
pub struct MemoryWorld {
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
    dirs: Vec<String>,
    now: i64,
}

impl MemoryWorld {
    pub fn new() -> Self {
        MemoryWorld {
            root: PathBuf::from("/catalogue"),
            files: BTreeMap::new(),
            dirs: Vec::new(),
            now: 1_735_689_600, // 2025-01-01T00:00:00Z
        }
    }

    pub fn with_now(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    pub fn file(mut self, path: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.to_string(), content.into());
        self
    }

    pub fn insert(&mut self, path: &str, content: impl Into<Vec<u8>>) {
        self.files.insert(path.to_string(), content.into());
    }

    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    pub fn dir(mut self, path: &str) -> Self {
        self.dirs.push(path.to_string());
        self
    }

    /// `catalog-example` in memory (without its `out/` and hidden folders), for unit tests.
    #[cfg(test)]
    pub fn example() -> MemoryWorld {
        MemoryWorld::from_folder("../catalog-example")
    }

    /// The files under a folder of the repository (relative to `compiler/`), but `out/` and
    /// hidden ones, for unit tests.
    #[cfg(test)]
    #[allow(
        clippy::disallowed_methods,
        clippy::unwrap_used,
        reason = "the test reads a folder of the repository"
    )]
    pub fn from_folder(folder: &str) -> MemoryWorld {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        let mut world = MemoryWorld::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read the folder") {
                let path = e.expect("entry").path();
                let rel = path.strip_prefix(&root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.starts_with("out") || rel.starts_with('.') {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    world.insert(&rel, std::fs::read(&path).expect("read"));
                }
            }
        }
        world
    }
}

impl World for MemoryWorld {
    fn root(&self) -> &Path {
        &self.root
    }

    fn catalogue_entries(&self) -> Result<Vec<Entry>, WorldError> {
        let mut out: Vec<Entry> = self
            .files
            .keys()
            .filter(|p| p.ends_with(".toml") && !p.starts_with("../"))
            .map(|p| Entry {
                path: p.clone(),
                kind: EntryKind::File,
            })
            .chain(
                self.dirs
                    .iter()
                    .filter(|d| d.ends_with(".toml"))
                    .map(|d| Entry {
                        path: d.clone(),
                        kind: EntryKind::Dir,
                    }),
            )
            .collect();
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, WorldError> {
        self.files.get(path).cloned().ok_or_else(|| WorldError {
            path: path.to_string(),
            message: "no such file".to_string(),
        })
    }

    fn kind(&self, path: &str) -> Option<EntryKind> {
        if self.files.contains_key(path) {
            Some(EntryKind::File)
        } else if self.dirs.iter().any(|d| d == path)
            || self
                .files
                .keys()
                .any(|f| f.starts_with(&format!("{path}/")))
        {
            Some(EntryKind::Dir)
        } else {
            None
        }
    }

    fn now(&self) -> i64 {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("releases", "../assets/a.jpg"), "assets/a.jpg");
        assert_eq!(join("", "../x"), "../x");
        assert_eq!(join("a/b", "./c"), "a/b/c");
        assert_eq!(parent("releases/x.toml"), "releases");
        assert_eq!(parent("sleeve.toml"), "");
    }
}

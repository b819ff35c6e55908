//! The real world: files on disk and the system clock.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use crate::media::MediaSource;
use crate::world::{Entry, EntryKind, World, WorldError};
use std::path::{Path, PathBuf};

/// Folders never searched for catalogue files: build output and tooling.
const SKIPPED: &[&str] = &["out", "target", "node_modules"];

pub struct SystemWorld {
    root: PathBuf,
    now: i64,
    /// `SOURCE_DATE_EPOCH` set: the clock never moves.
    fixed: bool,
    /// Media facts kept between runs (written when the world is dropped, or by
    /// [`SystemWorld::save_media`]).
    media: super::media_store::MediaStore,
}

impl SystemWorld {
    /// A world rooted at `root`. The clock is `SOURCE_DATE_EPOCH` when set, else the system's.
    pub fn new(root: PathBuf) -> Self {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok());
        let now = epoch.unwrap_or_else(system_now);
        let media = super::media_store::MediaStore::new(&root);
        SystemWorld {
            root,
            now,
            fixed: epoch.is_some(),
            media,
        }
    }

    /// The clock now, for a long-running command (`watch`): `SOURCE_DATE_EPOCH` when set,
    /// else the system's time at this call ([`World::now`] is the time the world was made).
    pub fn now_live(&self) -> i64 {
        if self.fixed { self.now } else { system_now() }
    }

    /// Write the media facts learnt so far (`watch` runs until it is killed).
    pub fn save_media(&self) {
        let _ = self.media.save();
    }

    /// `build` hard-linked these media files (root-relative): keep their facts under the
    /// stamps the links gave them.
    pub fn media_linked(&self, paths: &[String]) {
        self.media.relinked(&self.root, paths);
    }

    /// Whether the catalogue's listing can include the root-relative `path`: no name in it
    /// is hidden, and it is not under a skipped top-level folder (`out/`, …).
    pub fn sees(path: &str) -> bool {
        let mut names = path.trim_end_matches('/').split('/');
        let first = names.next().unwrap_or_default();
        !SKIPPED.contains(&first) && !first.starts_with('.') && !names.any(|n| n.starts_with('.'))
    }

    /// Whether the listing would find a `.toml` file (or folder) under the root-relative
    /// folder `rel`, following symbolic links as it does; an unreadable folder counts.
    pub fn lists_under(&self, rel: &str) -> bool {
        let mut out = Vec::new();
        self.walk(&self.root.join(rel), rel, &mut out).is_err() || !out.is_empty()
    }

    fn walk(&self, dir: &Path, rel: &str, out: &mut Vec<Entry>) -> Result<(), WorldError> {
        let rd = std::fs::read_dir(dir).map_err(|e| WorldError {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        for entry in rd {
            let entry = entry.map_err(|e| WorldError {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || (rel.is_empty() && SKIPPED.contains(&name.as_str())) {
                continue;
            }
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            // The directory entry's type costs no system call; only symlinks are followed
            // (a catalogue may link shared folders).
            let ft = entry.file_type().ok();
            let kind = match ft {
                Some(t) if t.is_file() => EntryKind::File,
                Some(t) if t.is_dir() => EntryKind::Dir,
                Some(t) if t.is_symlink() => match std::fs::metadata(entry.path()) {
                    Ok(m) if m.is_file() => EntryKind::File,
                    Ok(m) if m.is_dir() => EntryKind::Dir,
                    _ => EntryKind::Other,
                },
                _ => EntryKind::Other,
            };
            if kind == EntryKind::File && !name.ends_with(".toml") {
                continue;
            }
            if name.ends_with(".toml") {
                out.push(Entry {
                    path: path.clone(),
                    kind,
                });
            }
            if kind == EntryKind::Dir && !name.ends_with(".toml") {
                self.walk(&entry.path(), &path, out)?;
            }
        }
        Ok(())
    }
}

/// A media file on disk, read by ranges with positioned reads (no memory map: a file cut
/// under a map kills the process with SIGBUS; a read just comes back short).
struct MediaFile {
    file: std::fs::File,
    /// The length when it was opened.
    len: u64,
}

impl MediaSource for MediaFile {
    fn len(&self) -> u64 {
        self.len
    }

    #[cfg(unix)]
    fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(&self.file, buf, at)
    }

    #[cfg(windows)]
    fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(&self.file, buf, at)
    }

    #[cfg(not(any(unix, windows)))]
    fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::{Read as _, Seek as _};
        let mut file = &self.file;
        file.seek(std::io::SeekFrom::Start(at))?;
        file.read(buf)
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl World for SystemWorld {
    fn root(&self) -> &Path {
        &self.root
    }

    fn catalogue_entries(&self) -> Result<Vec<Entry>, WorldError> {
        let mut out = Vec::new();
        self.walk(&self.root, "", &mut out)?;
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, WorldError> {
        std::fs::read(self.root.join(path)).map_err(|e| WorldError {
            path: path.to_string(),
            message: e.to_string(),
        })
    }

    fn open_media(&self, path: &str) -> Result<Box<dyn MediaSource>, WorldError> {
        let error = |e: std::io::Error| WorldError {
            path: path.to_string(),
            message: e.to_string(),
        };
        let file = std::fs::File::open(self.root.join(path)).map_err(error)?;
        let meta = file.metadata().map_err(error)?;
        if meta.is_dir() {
            return Err(error(std::io::ErrorKind::IsADirectory.into()));
        }
        Ok(Box::new(MediaFile {
            file,
            len: meta.len(),
        }))
    }

    fn kind(&self, path: &str) -> Option<EntryKind> {
        let m = std::fs::metadata(self.root.join(path)).ok()?;
        Some(if m.is_file() {
            EntryKind::File
        } else if m.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::Other
        })
    }

    fn now(&self) -> i64 {
        self.now
    }

    fn stamp(&self, path: &str) -> Option<String> {
        super::media_store::stamp(&self.root.join(path))
    }

    fn recall_media(&self, path: &str, stamp: &str) -> Option<crate::lower::KnownMedia> {
        self.media.recall(path, stamp)
    }

    fn remember_media(&self, path: &str, stamp: &str, known: &crate::lower::KnownMedia) {
        self.media.remember(path, stamp, known);
    }

    fn media_in_use(&self, paths: &std::collections::BTreeSet<&str>) {
        self.media.keep_only(paths);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::media::{self, MediaError};

    /// A real file is read by ranges; cut after it was opened (a copy over it, a save in
    /// place), the probe and the MD5 say it shrank. Nothing maps the file, so nothing crashes.
    #[test]
    fn media_files_are_read_by_ranges_and_may_shrink_meanwhile() {
        let root = std::env::temp_dir().join(format!("sleeve-media-file-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let flac = include_bytes!("../../tests/media/tone-48k-24-mono.flac");
        std::fs::write(root.join("a.flac"), flac).unwrap();
        let world = SystemWorld::new(root.clone());
        let file = world.open_media("a.flac").unwrap();
        assert_eq!(file.len(), flac.len() as u64);
        assert_eq!(
            media::probe_audio_in(&*file).unwrap(),
            media::probe_audio(flac)
        );
        assert_eq!(
            media::md5_hex_in(&*file).unwrap().unwrap(),
            media::md5_hex(flac)
        );
        let cut = std::fs::OpenOptions::new()
            .write(true)
            .open(root.join("a.flac"))
            .unwrap();
        cut.set_len(1000).unwrap();
        let shrank = MediaError::Truncated(
            "the file shrank below its 14,327 bytes while it was read (truncated)".to_owned(),
        );
        assert_eq!(media::probe_audio_in(&*file).unwrap(), Err(shrank.clone()));
        assert_eq!(media::md5_hex_in(&*file).unwrap(), Err(shrank));
        assert!(world.open_media("missing.flac").is_err());
        assert!(world.open_media("").is_err(), "the root is a folder");
        drop((file, world));
        std::fs::remove_dir_all(&root).unwrap();
    }
}

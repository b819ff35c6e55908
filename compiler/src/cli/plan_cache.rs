//! A no-op `plan` without re-checking the catalogue: when nothing a plan depends on changed
//! since the last plan that found no changes, its output is replayed.
//!
//! The fingerprint covers every catalogue file's content (`.toml` files by SHA-256; audio,
//! artwork and other files by size and modification time, as build tools do), the delivered
//! state's commit, the day (deal dates and release dates are days), the DSP inboxes where
//! acknowledgements arrive, the command's options and Sleeve's version. Only plans without
//! changes are kept, only for DSPs delivered through folders (a remote inbox cannot be
//! fingerprinted without connecting). The cache lives in the repository's git directory,
//! never in the work tree.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub version: u32,
    pub key: String,
    /// Root-relative inbox folders whose listing is part of the key.
    pub inboxes: Vec<String>,
    pub stdout: String,
    pub stderr: String,
}

/// Top-level folders that never feed a plan: build output, statements, tools' caches.
const SKIP: &[&str] = &["out", "statements", "target", "node_modules"];

/// The fingerprint of everything a plan depends on: [`files`] and the rest.
pub fn key(
    root: &Path,
    files: &str,
    state: &str,
    day: &str,
    options: &str,
    inboxes: &[String],
) -> String {
    let mut h = Sha256::new();
    for part in [env!("CARGO_PKG_VERSION"), files, state, day, options] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    inbox_digest(root, inboxes, &mut h);
    crate::lower::hex(&h.finalize())
}

/// The catalogue's files: `.toml` by content, the rest by size and modification time.
pub fn files(root: &Path) -> Option<String> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    walk(root, "", &mut files).ok()?;
    files.sort();
    let mut h = Sha256::new();
    // `.toml` files by content (read on both cores), the rest by size and modification time.
    let tomls: Vec<&(String, PathBuf)> =
        files.iter().filter(|(p, _)| p.ends_with(".toml")).collect();
    let half = tomls.len() / 2;
    let (a, b) = tomls.split_at(half);
    let digest = |list: &[&(String, PathBuf)]| -> Option<Vec<u8>> {
        let mut h = Sha256::new();
        for (rel, full) in list {
            h.update(rel.as_bytes());
            h.update(Sha256::digest(std::fs::read(full).ok()?));
        }
        Some(h.finalize().to_vec())
    };
    let (da, db) = std::thread::scope(|s| {
        let ta = s.spawn(|| digest(a));
        let db = digest(b);
        (ta.join().ok().flatten(), db)
    });
    h.update(da?);
    h.update(db?);
    for (rel, full) in files.iter().filter(|(p, _)| !p.ends_with(".toml")) {
        let meta = std::fs::metadata(full).ok()?;
        h.update(rel.as_bytes());
        h.update(meta.len().to_le_bytes());
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        h.update(mtime.to_le_bytes());
    }
    Some(crate::lower::hex(&h.finalize()))
}

fn inbox_digest(root: &Path, inboxes: &[String], h: &mut Sha256) {
    for inbox in inboxes {
        h.update(inbox.as_bytes());
        let mut names: Vec<(String, u64, u128)> = std::fs::read_dir(root.join(inbox))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                let t = m
                    .modified()
                    .ok()?
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_nanos();
                Some((e.file_name().to_string_lossy().into_owned(), m.len(), t))
            })
            .collect();
        names.sort();
        for (n, len, t) in names {
            h.update(n.as_bytes());
            h.update(len.to_le_bytes());
            h.update(t.to_le_bytes());
        }
    }
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || (rel.is_empty() && SKIP.contains(&name.as_str())) {
            continue;
        }
        let path = e.path();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let kind = e.file_type()?;
        if kind.is_dir() {
            walk(&path, &r, out)?;
        } else {
            out.push((r, path));
        }
    }
    Ok(())
}

fn file(cache_dir: &Path, state_ref: &str) -> PathBuf {
    let name: String = state_ref
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join(format!("plan-{name}.json"))
}

pub fn load(cache_dir: &Path, state_ref: &str) -> Option<Entry> {
    let bytes = std::fs::read(file(cache_dir, state_ref)).ok()?;
    let e: Entry = serde_json::from_slice(&bytes).ok()?;
    (e.version == 1).then_some(e)
}

/// Best effort: a cache that cannot be written only costs time.
pub fn save(cache_dir: &Path, state_ref: &str, entry: &Entry) {
    let _ = std::fs::create_dir_all(cache_dir);
    let path = file(cache_dir, state_ref);
    let tmp = path.with_extension("tmp");
    if std::fs::write(&tmp, serde_json::to_vec(entry).unwrap_or_default()).is_ok() {
        let _ = std::fs::rename(&tmp, &path);
    }
}

//! The state's home: a ref in the catalogue's own git repository,
//! `refs/sleeve/state/<catalogue path>`, each write one commit holding `state.json` and the
//! plan it applied. A lock is a second ref, taken by compare-and-swap.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::State;
use git2::{ErrorCode, Oid, Repository, Signature};
use std::path::Path;

/// Why the state could not be read or written. Each variant is reported with a help line.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("`{0}` is not inside a git repository")]
    NotARepository(String),
    #[error("the state ref `{reference}` is corrupt: {why}")]
    Corrupt { reference: String, why: String },
    #[error("another apply moved `{0}` while this one ran")]
    Moved(String),
    #[error("git's lock file `{0}` on the state ref is left from a process that died")]
    StaleGitLock(String),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl StateError {
    pub fn help(&self) -> String {
        match self {
            StateError::NotARepository(_) => "run `git init` in the catalogue (state is kept in its repository), or point at a catalogue inside one".into(),
            StateError::Corrupt { reference, .. } => format!("inspect it with `git log {reference}`; reset it to a good commit with `git update-ref {reference} <commit>`"),
            StateError::Moved(_) => "run `sleeve plan` again: the delivered state changed".into(),
            StateError::StaleGitLock(_) => "make sure no apply is running, then run `sleeve force-unlock`, which removes it".into(),
            StateError::Git(_) => "check the repository with `git status` and `git fsck`".into(),
        }
    }
}

/// Who holds the lock, and since when.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LockInfo {
    pub holder: String,
    pub since: String,
}

/// The file of a state commit holding the apply's [`Fingerprint`](super::Fingerprint).
pub const FINGERPRINT_FILE: &str = "fingerprint.json";

/// How a path in the work tree differs from HEAD (see [`StateRepo::work_tree_changes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkTreeChange {
    /// A tracked file changed: in the index or the work tree, deleted, or in conflict.
    Tracked,
    /// Not tracked; a folder's path ends with `/` (its contents are not listed).
    Untracked,
    /// Ignored; a folder's path ends with `/` (its contents are not listed).
    Ignored,
}

/// The git blob id of `bytes`: what HEAD would name a file with that content by.
pub fn blob_id(bytes: &[u8]) -> Option<Oid> {
    Oid::hash_object(git2::ObjectType::Blob, bytes).ok()
}

/// What HEAD holds of the catalogue's inputs, by catalogue-relative path: git blob ids.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HeadInputs {
    pub tomls: std::collections::BTreeMap<String, Oid>,
    pub assets: std::collections::BTreeMap<String, Oid>,
}

pub struct StateRepo {
    repo: Repository,
    /// The catalogue folder's path in the repository, `/`-separated (`""` at its root).
    pub catalogue_path: String,
    pub state_ref: String,
    pub lock_ref: String,
    /// The royalty ledger's ref, beside the delivery state.
    pub ledger_ref: String,
}

fn signature(repo: &Repository) -> Result<Signature<'static>, git2::Error> {
    repo.signature()
        .map(|s| s.to_owned())
        .or_else(|_| Signature::now("sleeve", "sleeve@localhost"))
}

impl StateRepo {
    /// The state of the catalogue at `catalogue`.
    pub fn open(catalogue: &Path) -> Result<StateRepo, StateError> {
        let abs = std::fs::canonicalize(catalogue)
            .map_err(|_| StateError::NotARepository(catalogue.display().to_string()))?;
        let repo = Repository::discover(&abs)
            .map_err(|_| StateError::NotARepository(catalogue.display().to_string()))?;
        let work = repo
            .workdir()
            .and_then(|w| std::fs::canonicalize(w).ok())
            .ok_or_else(|| StateError::NotARepository(catalogue.display().to_string()))?;
        let rel = abs
            .strip_prefix(&work)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let name: String = if rel.is_empty() {
            "root".to_string()
        } else {
            rel.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '/' || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        Ok(StateRepo {
            repo,
            catalogue_path: rel,
            state_ref: format!("refs/sleeve/state/{name}"),
            lock_ref: format!("refs/sleeve/lock/{name}"),
            ledger_ref: format!("refs/sleeve/ledger/{name}"),
        })
    }

    /// The current state and the commit it was read from; `None` before the first apply.
    ///
    /// A commit's tree holds `meta.json` (version, lineage, serial, uploads in flight, open
    /// batches), one `deliveries/<dsp>/<..>/<..>/<UPC>.json` per delivered package, and
    /// the `plan.json` being applied. Sharding keeps each commit small: a delivery rewrites
    /// one blob and the trees above it, not the whole state.
    pub fn load(&self) -> Result<Option<(State, Oid)>, StateError> {
        let reference = match self.repo.find_reference(&self.state_ref) {
            Ok(r) => r,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let corrupt = |why: String| StateError::Corrupt {
            reference: self.state_ref.clone(),
            why,
        };
        let commit = reference
            .peel_to_commit()
            .map_err(|e| corrupt(format!("it does not point at a commit ({})", e.message())))?;
        let tree = commit.tree()?;
        let blob_of = |path: &str| -> Result<Vec<u8>, StateError> {
            let entry = tree
                .get_path(Path::new(path))
                .map_err(|_| corrupt(format!("its commit has no `{path}`")))?;
            let blob = self
                .repo
                .find_blob(entry.id())
                .map_err(|_| corrupt(format!("`{path}` is not a file")))?;
            Ok(blob.content().to_vec())
        };
        let mut state: State = serde_json::from_slice(&blob_of("meta.json")?)
            .map_err(|e| corrupt(format!("`meta.json` does not parse: {e}")))?;
        if state.version != super::STATE_VERSION {
            return Err(corrupt(format!("unknown state version {}", state.version)));
        }
        // A current snapshot holds every delivery in one file: one read instead of one per
        // delivery.
        if state.snapshot == state.serial
            && let Ok(bytes) = blob_of("snapshot.json")
        {
            let list: Vec<super::Delivery> = serde_json::from_slice(&bytes)
                .map_err(|e| corrupt(format!("`snapshot.json` does not parse: {e}")))?;
            for d in list {
                state.deliveries.insert(format!("{}/{}", d.dsp, d.upc), d);
            }
            return Ok(Some((state, commit.id())));
        }
        if let Ok(entry) = tree.get_path(Path::new("deliveries")) {
            let mut bad: Option<String> = None;
            let deliveries = self
                .repo
                .find_tree(entry.id())
                .map_err(|_| corrupt("`deliveries` is not a folder".into()))?;
            deliveries
                .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
                    if e.kind() != Some(git2::ObjectType::Blob) {
                        return git2::TreeWalkResult::Ok;
                    }
                    let name = format!("deliveries/{dir}{}", e.name().unwrap_or_default());
                    let parsed =
                        self.repo.find_blob(e.id()).ok().and_then(|b| {
                            serde_json::from_slice::<super::Delivery>(b.content()).ok()
                        });
                    match parsed {
                        Some(d) => {
                            state.deliveries.insert(format!("{}/{}", d.dsp, d.upc), d);
                            git2::TreeWalkResult::Ok
                        }
                        None => {
                            bad = Some(name);
                            git2::TreeWalkResult::Abort
                        }
                    }
                })
                .ok();
            if let Some(name) = bad {
                return Err(corrupt(format!("`{name}` does not parse")));
            }
        }
        Ok(Some((state, commit.id())))
    }

    /// The tree path of a delivery: two levels of 100 folders under each DSP, by the UPC's
    /// last four digits, so no tree a commit rewrites holds more than ~100 entries.
    fn delivery_path(key: &str) -> String {
        let (dsp, upc) = key.split_once('/').unwrap_or(("unknown", key));
        let tail = upc.get(upc.len().saturating_sub(4)..).unwrap_or(upc);
        let (a, b) = tail.split_at(tail.len() / 2);
        format!("deliveries/{dsp}/{a}/{b}/{upc}.json")
    }

    /// Write a new commit on the state ref, moving it only if it still points at `parent`
    /// (compare-and-swap). Only `changed` deliveries (keys `<dsp>/<UPC>`), `meta.json` and,
    /// when given, `plan.json` are written; the rest of the tree is shared with the parent.
    /// With `snapshot`, also writes `snapshot.json` (every delivery in one file), which
    /// `load` then reads alone while no later commit changed the state. `fingerprint` is
    /// written as `fingerprint.json`; without it, an earlier one is removed (it describes an
    /// older serial).
    #[allow(clippy::too_many_arguments, reason = "one commit's parts")]
    pub fn save(
        &self,
        state: &State,
        changed: &[String],
        plan_json: Option<&str>,
        message: &str,
        parent: Option<Oid>,
        snapshot: bool,
        fingerprint: Option<&super::Fingerprint>,
    ) -> Result<Oid, StateError> {
        // `deliveries` is not serialised into meta.json: each has its own file.
        let mut meta = serde_json::to_value(state).unwrap_or_default();
        if snapshot && let Some(m) = meta.as_object_mut() {
            m.insert("snapshot".into(), state.serial.into());
        }
        let meta_json = serde_json::to_string_pretty(&meta).unwrap_or_default() + "\n";
        let mut update = git2::build::TreeUpdateBuilder::new();
        if snapshot {
            let all: Vec<&super::Delivery> = state.deliveries.values().collect();
            let json = serde_json::to_vec(&all).unwrap_or_default();
            update.upsert(
                "snapshot.json",
                self.repo.blob(&json)?,
                git2::FileMode::Blob,
            );
        }
        update.upsert(
            "meta.json",
            self.repo.blob(meta_json.as_bytes())?,
            git2::FileMode::Blob,
        );
        if let Some(plan) = plan_json {
            update.upsert(
                "plan.json",
                self.repo.blob(plan.as_bytes())?,
                git2::FileMode::Blob,
            );
        }
        let parent_commit = match parent {
            Some(p) => Some(self.repo.find_commit(p)?),
            None => None,
        };
        match fingerprint {
            Some(f) => {
                let json = serde_json::to_string_pretty(f).unwrap_or_default() + "\n";
                update.upsert(
                    FINGERPRINT_FILE,
                    self.repo.blob(json.as_bytes())?,
                    git2::FileMode::Blob,
                );
            }
            None => {
                if let Some(c) = &parent_commit
                    && c.tree()?.get_path(Path::new(FINGERPRINT_FILE)).is_ok()
                {
                    update.remove(FINGERPRINT_FILE);
                }
            }
        }
        // A first commit writes every delivery; later ones only what changed.
        let keys: Vec<&String> = if parent_commit.is_some() {
            changed.iter().collect()
        } else {
            state.deliveries.keys().collect()
        };
        for key in keys {
            let path = Self::delivery_path(key);
            match state.deliveries.get(key.as_str()) {
                Some(d) => {
                    let json = serde_json::to_string_pretty(d).unwrap_or_default() + "\n";
                    update.upsert(path, self.repo.blob(json.as_bytes())?, git2::FileMode::Blob);
                }
                None => {
                    update.remove(path);
                }
            }
        }
        let baseline = match &parent_commit {
            Some(c) => c.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let tree = self
            .repo
            .find_tree(update.create_updated(&self.repo, &baseline)?)?;
        let sig = signature(&self.repo)?;
        let parents: Vec<&git2::Commit<'_>> = parent_commit.iter().collect();
        let oid = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;
        let moved = match parent {
            Some(p) => self
                .repo
                .reference_matching(&self.state_ref, oid, true, p, message)
                .err(),
            None => self
                .repo
                .reference(&self.state_ref, oid, false, message)
                .err(),
        };
        if let Some(e) = moved {
            // A process killed while git wrote the ref leaves its `.lock` file behind.
            if e.code() == ErrorCode::Locked {
                return Err(StateError::StaleGitLock(
                    self.git_lock_file().display().to_string(),
                ));
            }
            return Err(StateError::Moved(self.state_ref.clone()));
        }
        Ok(oid)
    }

    /// The inputs HEAD holds for the catalogue: every `.toml` file whose catalogue-relative
    /// path `seen` accepts (folders are skipped when it refuses them), and the `assets`
    /// named. `Err` says why they cannot be told from HEAD: no HEAD, a symbolic link or a
    /// submodule where the catalogue would read, an asset that is not a file in HEAD.
    pub fn head_inputs(
        &self,
        assets: &[String],
        seen: &dyn Fn(&str) -> bool,
    ) -> Result<HeadInputs, String> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_tree())
            .map_err(|e| format!("no HEAD commit ({})", e.message()))?;
        let tree = if self.catalogue_path.is_empty() {
            head
        } else {
            let entry = head
                .get_path(Path::new(&self.catalogue_path))
                .map_err(|_| format!("HEAD has no `{}`", self.catalogue_path))?;
            self.repo
                .find_tree(entry.id())
                .map_err(|_| format!("`{}` is not a folder in HEAD", self.catalogue_path))?
        };
        let mut inputs = HeadInputs::default();
        let mut refused: Option<String> = None;
        let walked = tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            let path = format!("{dir}{}", e.name().unwrap_or_default());
            if !seen(&path) {
                return git2::TreeWalkResult::Skip;
            }
            match (e.kind(), e.filemode()) {
                (Some(git2::ObjectType::Tree), _) if !path.ends_with(".toml") => {
                    git2::TreeWalkResult::Ok
                }
                (Some(git2::ObjectType::Blob), 0o100644 | 0o100755) => {
                    if path.ends_with(".toml") {
                        inputs.tomls.insert(path, e.id());
                    }
                    git2::TreeWalkResult::Ok
                }
                (Some(git2::ObjectType::Blob), _) if !path.ends_with(".toml") => {
                    refused = Some(format!("`{path}` is a symbolic link in HEAD"));
                    git2::TreeWalkResult::Abort
                }
                _ => {
                    refused = Some(format!("`{path}` is not a plain file or folder in HEAD"));
                    git2::TreeWalkResult::Abort
                }
            }
        });
        if let Some(why) = refused {
            return Err(why);
        }
        walked.map_err(|e| format!("HEAD's tree cannot be read ({})", e.message()))?;
        for a in assets {
            let entry = tree
                .get_path(Path::new(a))
                .map_err(|_| format!("the asset `{a}` is not in HEAD"))?;
            if entry.kind() != Some(git2::ObjectType::Blob)
                || !matches!(entry.filemode(), 0o100644 | 0o100755)
            {
                return Err(format!("the asset `{a}` is not a plain file in HEAD"));
            }
            inputs.assets.insert(a.clone(), entry.id());
        }
        Ok(inputs)
    }

    /// Every path under the catalogue that differs from HEAD, relative to the catalogue
    /// folder: changed tracked files, untracked and ignored files (a folder that is wholly
    /// untracked or ignored is one entry, its contents not listed).
    pub fn work_tree_changes(&self) -> Result<Vec<(String, WorkTreeChange)>, StateError> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(false)
            .include_ignored(true)
            .recurse_ignored_dirs(false)
            .include_unmodified(false)
            .exclude_submodules(false);
        // A pathspec is a pattern: a folder name that would read as one is not passed (the
        // entries are filtered by prefix below either way).
        if !self.catalogue_path.is_empty() && !self.catalogue_path.contains(['*', '?', '[', '\\']) {
            opts.pathspec(&self.catalogue_path);
        }
        let prefix = if self.catalogue_path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.catalogue_path)
        };
        let statuses = self.repo.statuses(Some(&mut opts))?;
        let mut out = Vec::new();
        for e in statuses.iter() {
            let path = String::from_utf8_lossy(e.path_bytes());
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            let s = e.status();
            let change = if s.is_ignored() {
                WorkTreeChange::Ignored
            } else if s == git2::Status::WT_NEW {
                WorkTreeChange::Untracked
            } else {
                WorkTreeChange::Tracked
            };
            out.push((rel.to_string(), change));
        }
        Ok(out)
    }

    /// Sleeve's local caches: inside the git directory, never in the work tree.
    pub fn cache_dir(&self) -> std::path::PathBuf {
        self.repo.path().join("sleeve")
    }

    /// The commit `reference` points at, or `None` when the ref does not exist.
    pub fn head_of(&self, reference: &str) -> Result<Option<Oid>, StateError> {
        match self.repo.find_reference(reference) {
            Ok(r) => r
                .peel_to_commit()
                .map(|c| Some(c.id()))
                .map_err(|e| StateError::Corrupt {
                    reference: reference.to_string(),
                    why: e.message().to_string(),
                }),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A file of a commit's tree, or `None` when absent.
    pub fn file_at(&self, commit: Oid, path: &str) -> Result<Option<Vec<u8>>, StateError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        match tree.get_path(Path::new(path)) {
            Ok(entry) => Ok(Some(self.repo.find_blob(entry.id())?.content().to_vec())),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Names in a folder of a commit's tree (empty when absent).
    pub fn names_at(&self, commit: Oid, folder: &str) -> Result<Vec<String>, StateError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let Ok(entry) = tree.get_path(Path::new(folder)) else {
            return Ok(Vec::new());
        };
        let sub = self.repo.find_tree(entry.id())?;
        Ok(sub
            .iter()
            .filter_map(|e| e.name().ok().map(str::to_string))
            .collect())
    }

    /// One commit on `reference` writing `files` over the parent's tree, moved by
    /// compare-and-swap from `parent`.
    pub fn commit_files(
        &self,
        reference: &str,
        parent: Option<Oid>,
        files: &[(String, Vec<u8>)],
        message: &str,
    ) -> Result<Oid, StateError> {
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, bytes) in files {
            update.upsert(path, self.repo.blob(bytes)?, git2::FileMode::Blob);
        }
        let parent_commit = match parent {
            Some(p) => Some(self.repo.find_commit(p)?),
            None => None,
        };
        let baseline = match &parent_commit {
            Some(c) => c.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let tree = self
            .repo
            .find_tree(update.create_updated(&self.repo, &baseline)?)?;
        let sig = signature(&self.repo)?;
        let parents: Vec<&git2::Commit<'_>> = parent_commit.iter().collect();
        let oid = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;
        let moved = match parent {
            Some(p) => self
                .repo
                .reference_matching(reference, oid, true, p, message)
                .err(),
            None => self.repo.reference(reference, oid, false, message).err(),
        };
        if moved.is_some() {
            return Err(StateError::Moved(reference.to_string()));
        }
        Ok(oid)
    }

    /// Take the lock, or say who holds it.
    pub fn lock(&self, info: &LockInfo) -> Result<Result<(), LockInfo>, StateError> {
        let json = serde_json::to_string(info).unwrap_or_default();
        let blob = self.repo.blob(json.as_bytes())?;
        match self
            .repo
            .reference(&self.lock_ref, blob, false, "sleeve lock")
        {
            Ok(_) => Ok(Ok(())),
            Err(e) if e.code() == ErrorCode::Exists => {
                let holder = self
                    .repo
                    .find_reference(&self.lock_ref)
                    .ok()
                    .and_then(|r| r.target())
                    .and_then(|oid| self.repo.find_blob(oid).ok())
                    .and_then(|b| serde_json::from_slice::<LockInfo>(b.content()).ok())
                    .unwrap_or(LockInfo {
                        holder: "unknown".into(),
                        since: "unknown".into(),
                    });
                Ok(Err(holder))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Release the lock (also `sleeve force-unlock`). Returns whether there was one.
    pub fn unlock(&self) -> Result<bool, StateError> {
        match self.repo.find_reference(&self.lock_ref) {
            Ok(mut r) => {
                r.delete()?;
                Ok(true)
            }
            Err(e) if e.code() == ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The file git locks the state ref with while writing it.
    fn git_lock_file(&self) -> std::path::PathBuf {
        self.repo.path().join(format!("{}.lock", self.state_ref))
    }

    /// After a crash: remove the lock file git left on the state ref, if any (only safe when
    /// no apply runs, which `force-unlock` warns about). Returns whether there was one.
    pub fn remove_stale_git_lock(&self) -> Result<bool, StateError> {
        let mut removed = false;
        for file in [
            self.git_lock_file(),
            self.repo.path().join(format!("{}.lock", self.lock_ref)),
        ] {
            match std::fs::remove_file(&file) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(StateError::StaleGitLock(format!(
                        "{} ({e})",
                        file.display()
                    )));
                }
            }
        }
        Ok(removed)
    }

    /// Every state commit, newest first: (commit id, time, message).
    pub fn log(&self) -> Result<Vec<(String, i64, String)>, StateError> {
        let Ok(reference) = self.repo.find_reference(&self.state_ref) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut next = reference.peel_to_commit().ok();
        while let Some(c) = next {
            out.push((
                c.id().to_string(),
                c.time().seconds(),
                c.message().unwrap_or_default().to_string(),
            ));
            next = c.parent(0).ok();
        }
        Ok(out)
    }
}

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
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl StateError {
    pub fn help(&self) -> String {
        match self {
            StateError::NotARepository(_) => "run `git init` in the catalogue (state is kept in its repository), or point at a catalogue inside one".into(),
            StateError::Corrupt { reference, .. } => format!("inspect it with `git log {reference}`; reset it to a good commit with `git update-ref {reference} <commit>`"),
            StateError::Moved(_) => "run `sleeve plan` again: the delivered state changed".into(),
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

pub struct StateRepo {
    repo: Repository,
    pub state_ref: String,
    pub lock_ref: String,
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
            state_ref: format!("refs/sleeve/state/{name}"),
            lock_ref: format!("refs/sleeve/lock/{name}"),
        })
    }

    /// The current state and the commit it was read from; `None` before the first apply.
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
        let entry = tree
            .get_name("state.json")
            .ok_or_else(|| corrupt("its commit has no `state.json`".into()))?;
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(|_| corrupt("`state.json` is not a file".into()))?;
        let state: State = serde_json::from_slice(blob.content())
            .map_err(|e| corrupt(format!("`state.json` does not parse: {e}")))?;
        if state.version != super::STATE_VERSION {
            return Err(corrupt(format!("unknown state version {}", state.version)));
        }
        Ok(Some((state, commit.id())))
    }

    /// Write `state` (and the plan being applied) as a new commit on the state ref, moving it
    /// only if it still points at `parent` (compare-and-swap).
    pub fn save(
        &self,
        state: &State,
        plan_json: &str,
        message: &str,
        parent: Option<Oid>,
    ) -> Result<Oid, StateError> {
        let state_json = serde_json::to_string_pretty(state).unwrap_or_default() + "\n";
        let mut tb = self.repo.treebuilder(None)?;
        tb.insert(
            "state.json",
            self.repo.blob(state_json.as_bytes())?,
            0o100644,
        )?;
        tb.insert("plan.json", self.repo.blob(plan_json.as_bytes())?, 0o100644)?;
        let tree = self.repo.find_tree(tb.write()?)?;
        let sig = signature(&self.repo)?;
        let parents: Vec<git2::Commit<'_>> = match parent {
            Some(p) => vec![self.repo.find_commit(p)?],
            None => Vec::new(),
        };
        let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let oid = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parent_refs)?;
        let moved = match parent {
            Some(p) => self
                .repo
                .reference_matching(&self.state_ref, oid, true, p, message)
                .is_err(),
            None => self
                .repo
                .reference(&self.state_ref, oid, false, message)
                .is_err(),
        };
        if moved {
            return Err(StateError::Moved(self.state_ref.clone()));
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

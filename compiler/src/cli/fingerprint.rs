//! The plan fingerprint: `apply` records in the delivered state what it proved about the
//! catalogue it delivered (a [`Fingerprint`]), built only from what is the same in every
//! clone, so the first `plan` in a fresh clone can say "no changes" without checking.
//!
//! A plan reads, from the work tree, every `.toml` file the catalogue lists and every asset
//! file those name; from the repository, the delivered state; from the DSPs, their
//! acknowledgement inboxes; and the day. The fingerprint names the first by git blob ids in
//! HEAD (and the work tree must not differ from HEAD on any of them), the state by its
//! serial, the inboxes by a digest of their files, the day by a validity range. Anything that
//! cannot be proved the same is a reason to plan in full, never a guess.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::system_world::SystemWorld;
use crate::deliver::{Transport, folder::Folder};
use crate::lower::content_hash;
use crate::model::date::Date;
use crate::plan::{PLAN_VERSION, Plan};
use crate::state::git::{FINGERPRINT_FILE, HeadInputs, StateRepo, WorkTreeChange};
use crate::state::{Fingerprint, State};
use std::path::Path;

/// SHA-256 of every input's path and git blob id.
pub fn inputs_id(inputs: &HeadInputs) -> String {
    let list = |m: &std::collections::BTreeMap<String, git2::Oid>| -> Vec<(String, String)> {
        m.iter().map(|(p, o)| (p.clone(), o.to_string())).collect()
    };
    content_hash(&(list(&inputs.tomls), list(&inputs.assets)))
}

/// A digest of an inbox's files (names and contents), as a transport lists them.
pub fn inbox_digest(files: &[(String, Vec<u8>)]) -> String {
    use sha2::Digest;
    let list: Vec<(&str, String)> = files
        .iter()
        .map(|(name, bytes)| {
            (
                name.as_str(),
                crate::lower::hex(&sha2::Sha256::digest(bytes)),
            )
        })
        .collect();
    content_hash(&list)
}

/// The files of a folder transport's inbox, read as `plan` reads them.
pub fn folder_inbox(root: &Path, transport_path: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    Folder {
        root: root.join(transport_path),
    }
    .acknowledgements()
}

/// The first path under the catalogue that a plan would read and that differs from HEAD:
/// a changed tracked `.toml` or asset file, or an untracked or ignored one (or a folder
/// holding one). Changes a plan never reads (a README, `out/`, hidden files) do not count.
pub fn differing_input(
    repo: &StateRepo,
    root: &Path,
    assets: &[String],
) -> Result<Option<String>, String> {
    let changes = repo.work_tree_changes().map_err(|e| e.to_string())?;
    let world = SystemWorld::new(root.to_path_buf());
    for (path, change) in changes {
        let bare = path.trim_end_matches('/');
        let asset = assets
            .iter()
            .any(|a| a == bare || a.starts_with(&format!("{bare}/")));
        let read = asset
            || (SystemWorld::sees(bare)
                && match change {
                    WorkTreeChange::Tracked => bare.ends_with(".toml"),
                    // An untracked or ignored folder (or a link to one) is read for the
                    // `.toml` files in it.
                    WorkTreeChange::Untracked | WorkTreeChange::Ignored => {
                        bare.ends_with(".toml")
                            || ((path.ends_with('/') || root.join(bare).is_dir())
                                && world.lists_under(bare))
                    }
                });
        if read {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// The empty plan, when the delivered state's fingerprint proves that a plan now finds no
/// changes; otherwise why it does not. `stage` is called after each step with its name
/// (for `--timings`).
pub fn shortcut(
    repo: &StateRepo,
    root: &Path,
    today: Date,
    stage: &mut dyn FnMut(&str),
) -> Result<Plan, String> {
    let tip = repo
        .head_of(&repo.state_ref)
        .map_err(|e| e.to_string())?
        .ok_or("nothing delivered yet")?;
    let meta: State = repo
        .file_at(tip, "meta.json")
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("the state's `meta.json` is unreadable")?;
    let bytes = repo
        .file_at(tip, FINGERPRINT_FILE)
        .map_err(|e| e.to_string())?
        .ok_or("the last write of the state recorded no fingerprint")?;
    let f = Fingerprint::parse(&bytes).ok_or("the fingerprint is unreadable or was edited")?;
    if f.sleeve != env!("CARGO_PKG_VERSION") {
        return Err(format!("recorded by Sleeve {}", f.sleeve));
    }
    if f.lineage != meta.lineage || f.serial != meta.serial {
        return Err(format!(
            "recorded at state serial {}, the state is at {}",
            f.serial, meta.serial
        ));
    }
    if !meta.in_flight.is_empty() || !meta.open_batches.is_empty() {
        return Err("an apply is unfinished".into());
    }
    if f.path != repo.catalogue_path {
        return Err(format!("recorded for the catalogue at `{}`", f.path));
    }
    if !f
        .valid_on(today)
        .ok_or("the fingerprint's days are unreadable")?
    {
        return Err(format!(
            "valid from {} until {}, today is {today}",
            f.day,
            f.valid_until.as_deref().unwrap_or("any later day")
        ));
    }
    stage("fingerprint read");
    let inputs = repo.head_inputs(&f.assets, &SystemWorld::sees)?;
    if inputs_id(&inputs) != f.inputs {
        return Err("the catalogue in HEAD differs from the one delivered".into());
    }
    stage("HEAD's inputs");
    for inbox in &f.inboxes {
        let files = folder_inbox(root, &inbox.path)?;
        if inbox_digest(&files) != inbox.digest {
            return Err(format!(
                "the acknowledgements in `{}/{}` changed",
                inbox.path.trim_end_matches('/'),
                crate::deliver::INBOX
            ));
        }
    }
    stage("inboxes");
    let differing = differing_input(repo, root, &f.assets)?;
    stage("work tree");
    if let Some(path) = differing {
        return Err(format!("`{path}` differs from HEAD"));
    }
    Ok(Plan {
        version: PLAN_VERSION,
        lineage: Some(meta.lineage),
        serial: meta.serial,
        catalogue: f.catalogue,
        changes: Vec::new(),
    })
}

//! Incremental re-checks (`sleeve watch`): after an edit, only what the edit can change is
//! parsed, resolved and judged again; everything else is kept from the last check.
//!
//! A [`Session`] keeps the last check: sources, the resolved catalogue, the index of
//! declared ids, the reverse references ([`Links`]), what the media files held, and the
//! diagnostics of each stage. When release or recording files are edited (the daily work),
//! and they still declare the same ids, ISRCs and UPCs:
//!
//! 1. each edited file is parsed again under its old [`FileId`], so every other span holds;
//! 2. its releases and recordings are resolved again against the kept index (declarations
//!    are unchanged, so nothing else resolves differently);
//! 3. the rules run again for the files whose entities the edit can affect, and only those:
//!    the edited files; the releases listing an edited recording (track counts, rights);
//!    the recordings an edited release lists, before or after (offered territories, DSPs,
//!    contract coverage); the contracts of payees whose coverage can change, and of the
//!    payees of those recordings (the channels their deals sell through). Every rule
//!    points its diagnostics into the file of the entity it judges (see [`crate::check`]), so
//!    a file's rule diagnostics are replaced as a whole;
//! 4. the unused-party rule is judged again from the kept reference counts.
//!
//! Anything else — a file created, removed or renamed, the label, a party, a contract or a
//! DSP profile edited, declarations changed, an incomplete catalogue — checks everything
//! again, as `sleeve check` would, re-using the parse of unchanged files. The result is
//! always the one a full check gives; `tests::incremental_equals_full` compares the two over
//! many edits.

use crate::check::{self, Judged, Links, MediaCache, Scope};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Catalogue;
use crate::resolve::{self, Index};
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, FileKind, ParseCache, SyntaxCatalogue};
use crate::world::{EntryKind, World};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;

/// The last check of one catalogue, and how to bring it up to date.
pub struct Session {
    sources: SourceMap,
    /// Root-relative path → its id in `sources` (sorted, to find the files under a folder).
    ids: BTreeMap<String, FileId>,
    catalogue: Catalogue,
    index: Arc<Index>,
    links: Links,
    media: MediaCache,
    /// What each file's releases and recordings declare (ids, ISRCs, UPCs), hashed.
    declares: HashMap<FileId, u64>,
    /// The entities resolved from each file, and who uses each media file.
    by_file: FileIndex,
    /// Diagnostics by stage: loading (parse and decode), resolving, rules, unused parties.
    load: Vec<Diagnostic>,
    resolve: Vec<Diagnostic>,
    rules: Vec<Diagnostic>,
    unused: Vec<Diagnostic>,
    /// Parsed files, for full checks.
    cache: ParseCache,
    /// Media files in use that no file-system event can name ([`reported`]), with their
    /// stamps when read: read again whenever their users are judged, and named as changed
    /// by `watch` before it answers a question when their stamp changed.
    unreported: BTreeMap<String, Option<String>>,
}

/// The ids of the entities resolved from one file.
#[derive(Debug, Default)]
struct FileEntities {
    releases: Vec<String>,
    recordings: Vec<String>,
    contracts: Vec<String>,
}

/// The entities of each file, and the files whose entities use each media file.
#[derive(Debug, Default)]
struct FileIndex {
    entities: HashMap<FileId, FileEntities>,
    /// Media file path → the files whose entities use it (once per use).
    media_users: HashMap<String, Vec<FileId>>,
}

impl FileIndex {
    fn build(cat: &Catalogue) -> FileIndex {
        let mut index = FileIndex::default();
        cat.releases.values().for_each(|r| index.add_release(r));
        cat.recordings.values().for_each(|r| index.add_recording(r));
        for c in cat.contracts.values() {
            let e = index.entities.entry(c.file).or_default();
            e.contracts.push(c.id.value.clone());
        }
        index
    }

    fn add_release(&mut self, r: &crate::model::Release) {
        let e = self.entities.entry(r.file).or_default();
        e.releases.push(r.id.value.clone());
        self.use_media(r.artwork.as_ref(), r.file, true);
    }

    fn add_recording(&mut self, r: &crate::model::Recording) {
        let e = self.entities.entry(r.file).or_default();
        e.recordings.push(r.id.value.clone());
        self.use_media(r.audio.as_ref(), r.file, true);
    }

    /// Note (or, with `add` false, forget) that an entity of `file` uses `media`.
    fn use_media(&mut self, media: Option<&crate::model::Asset>, file: FileId, add: bool) {
        let Some(a) = media else { return };
        let users = self.media_users.entry(a.path.clone()).or_default();
        if add {
            users.push(file);
        } else if let Some(i) = users.iter().position(|u| *u == file) {
            users.swap_remove(i);
        }
    }

    /// The files whose entities use media file `path`, or a file under folder `path`.
    fn users_under(&self, path: &str, out: &mut HashSet<FileId>) {
        let dir = format!("{path}/");
        #[allow(clippy::iter_over_hash_type, reason = "collected into a set")]
        for (p, users) in &self.media_users {
            if p == path || p.starts_with(&dir) {
                out.extend(users.iter().copied());
            }
        }
    }
}

/// How a catalogue was brought up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Nothing that the check reads changed.
    Unchanged,
    /// Only what the edit can affect was checked again.
    Incremental {
        /// Files parsed again.
        parsed: usize,
        /// The files whose entities the rules judged again: every file whose entities the
        /// edit can have changed is among them.
        judged: BTreeSet<FileId>,
    },
    /// Everything was checked again, for this reason.
    Full(String),
}

impl Session {
    /// Check the whole catalogue. `stage` is called after each stage with its name.
    pub fn new(world: &dyn World, stage: &mut dyn FnMut(&str)) -> Session {
        Session::full(world, ParseCache::new(), MediaCache::default(), stage)
    }

    fn full(
        world: &dyn World,
        mut cache: ParseCache,
        mut media: MediaCache,
        stage: &mut dyn FnMut(&str),
    ) -> Session {
        let mut sources = SourceMap::default();
        let mut load = Diagnostics::default();
        let syn = syntax::load_cached(world, &mut sources, &mut load, &mut cache);
        let declares = declarations(&syn);
        stage("load");
        let mut resolved = Diagnostics::default();
        let (catalogue, index) = resolve::resolve_indexed(syn, &sources, &mut resolved);
        stage("resolve");
        let links = Links::build(&catalogue);
        let mut rules = Diagnostics::default();
        check::check_scoped(
            &catalogue,
            &links,
            world,
            Scope::All,
            &mut media,
            &mut rules,
        );
        let ids = sources
            .files()
            .map(|(id, f)| (f.path.clone(), id))
            .collect();
        let by_file = FileIndex::build(&catalogue);
        let mut session = Session {
            sources,
            ids,
            by_file,
            catalogue,
            index,
            links,
            media,
            declares,
            load: load.sorted(),
            resolve: resolved.sorted(),
            rules: rules.sorted(),
            unused: Vec::new(),
            cache,
            unreported: BTreeMap::new(),
        };
        session.note_unreported(world);
        session.judge_unused();
        stage("rules");
        session
    }

    /// Every diagnostic of the current state.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut out = Diagnostics::default();
        for d in [&self.load, &self.resolve, &self.rules, &self.unused]
            .into_iter()
            .flatten()
        {
            out.push(d.clone());
        }
        out
    }

    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// What was read from the audio and artwork files.
    pub fn media(&self) -> &crate::lower::MediaTable {
        &self.media.table
    }

    /// How many files the last update parsed, and how many it kept parsed (full checks).
    pub fn last_load(&self) -> (usize, usize) {
        self.cache.last_load()
    }

    /// Bring the check up to date after `changed` (root-relative paths that file-system
    /// events named; `""` for the root, or for events that were lost). `world` must read
    /// those paths afresh. Media files events never name ([`reported`]: outside the root,
    /// hidden, backups, build output) are read again whenever their users are judged (and
    /// `watch` names those whose stamp changed before it answers a question).
    pub fn update(
        &mut self,
        world: &dyn World,
        changed: &BTreeSet<String>,
        stage: &mut dyn FnMut(&str),
    ) -> Update {
        // Files no event names are read again if their users are judged; the others keep
        // what was read of them.
        let held: Vec<_> = self
            .unreported
            .keys()
            .map(|path| (path.clone(), self.media.take(path)))
            .collect();
        match self.try_incremental(world, changed, stage) {
            Ok(u) => {
                for (path, h) in held {
                    self.media.restore(&path, h);
                }
                u
            }
            Err(reason) => {
                // Media files that did not change are not read again.
                let mut media = std::mem::take(&mut self.media);
                // Catalogue files are not media: only the other paths are looked for.
                for path in changed.iter().filter(|p| !p.ends_with(".toml")) {
                    media.forget(path);
                }
                let cache = std::mem::take(&mut self.cache);
                let unreported = std::mem::take(&mut self.unreported);
                let old = std::mem::replace(self, Session::full(world, cache, media, stage));
                // What was not read again keeps the stamp it was read with.
                for (path, stamp) in unreported {
                    self.unreported.entry(path).or_insert(stamp);
                }
                self.prune_unreported();
                // Freeing a large catalogue takes a while: not while the user waits.
                std::thread::spawn(move || drop(old));
                Update::Full(reason)
            }
        }
    }

    /// Media files in use that no file-system event can name ([`reported`]) and whose stamp
    /// changed since they were read: what a one-shot command would read again.
    pub fn stale_unreported(&self, world: &dyn World) -> Vec<String> {
        self.unreported
            .iter()
            .filter(|(path, stamp)| world.stamp(path) != **stamp)
            .map(|(path, _)| path.clone())
            .collect()
    }

    fn note_unreported(&mut self, world: &dyn World) {
        for path in self.media.take_added() {
            if !reported(&path) {
                let stamp = world.stamp(&path);
                self.unreported.insert(path, stamp);
            }
        }
        self.prune_unreported();
    }

    /// Forget the unreported media no entity uses any more.
    fn prune_unreported(&mut self) {
        let users = &self.by_file.media_users;
        self.unreported
            .retain(|path, _| users.get(path).is_some_and(|u| !u.is_empty()));
    }

    fn judge_unused(&mut self) {
        let errors = [&self.load, &self.resolve, &self.rules]
            .into_iter()
            .flatten()
            .any(Diagnostic::is_error);
        let mut d = Diagnostics::default();
        check::unused_parties(&self.catalogue, &self.links, errors, &mut d);
        self.unused = d.sorted();
    }

    /// The incremental update, or why it cannot be done.
    fn try_incremental(
        &mut self,
        world: &dyn World,
        changed: &BTreeSet<String>,
        stage: &mut dyn FnMut(&str),
    ) -> Result<Update, String> {
        // What changed: catalogue files edited in place, or other files (media).
        let mut edited: Vec<(&str, FileId)> = Vec::new();
        let mut others: Vec<&str> = Vec::new();
        for path in changed {
            if path.is_empty() {
                return Err("file-system events were lost".into());
            }
            let now = world.kind(path);
            let known = self.ids.get(path.as_str()).copied();
            match (known, now) {
                (Some(id), Some(EntryKind::File)) => edited.push((path, id)),
                (Some(_), _) => return Err(format!("`{path}` was removed")),
                (None, Some(EntryKind::Dir)) => {
                    return Err(format!("folder `{path}` appeared or changed"));
                }
                (None, Some(_)) if path.ends_with(".toml") => {
                    return Err(format!("`{path}` was created"));
                }
                (None, None) if self.holds_files_under(path) => {
                    return Err(format!("folder `{path}` was removed or renamed"));
                }
                // A media file, or a temporary file that came and went.
                (None, _) => others.push(path),
            }
        }

        // Parse the edited files again, under their old ids.
        let mut parsed = Vec::new();
        for (path, id) in edited {
            let (source, syn, diags) = syntax::load_file(world, path, id);
            if self
                .sources
                .get(id)
                .is_some_and(|old| old.text == source.text)
            {
                continue;
            }
            match FileKind::of(path) {
                Some(FileKind::Release | FileKind::Recording) => {}
                Some(kind) => {
                    return Err(format!(
                        "`{path}` is a {} file, which other files depend on",
                        kind.schema_name()
                    ));
                }
                None => return Err(format!("`{path}` is not a catalogue file")),
            }
            if declarations(&syn).get(&id) != self.declares.get(&id) {
                return Err(format!("`{path}` declares other ids, ISRCs or UPCs"));
            }
            if self
                .resolve
                .iter()
                .any(|d| is_duplicate(d) && touches(d, id))
            {
                return Err(format!(
                    "`{path}` shares an id, ISRC or UPC with another file"
                ));
            }
            parsed.push((id, source, syn, diags));
        }
        if self.catalogue.incomplete && !parsed.is_empty() {
            return Err("the last check left part of the catalogue out".into());
        }
        // Media files changed: forget what they held; their users are judged again.
        let mut media_users: HashSet<FileId> = HashSet::new();
        for path in &others {
            self.media.forget(path);
            // A folder of media files may have been renamed: look under it too.
            self.by_file.users_under(path, &mut media_users);
        }
        if parsed.is_empty() && media_users.is_empty() {
            return Ok(Update::Unchanged);
        }
        stage("load");

        // Resolve the edited files' entities again.
        let reparsed = parsed.len();
        let files: BTreeSet<FileId> = parsed.iter().map(|(id, ..)| *id).collect();
        let mut syn = SyntaxCatalogue::default();
        for (id, source, file_syn, diags) in parsed {
            self.sources.replace(id, source);
            syn.releases.extend(file_syn.releases);
            syn.recordings.extend(file_syn.recordings);
            self.load.retain(|d| primary_file(d) != Some(id));
            self.load.extend(diags.sorted());
        }
        let fresh = resolve::resolve_entities(&self.index, &self.sources, syn);
        self.resolve
            .retain(|d| !primary_file(d).is_some_and(|f| files.contains(&f)));
        self.resolve.extend(fresh.diagnostics.sorted());
        self.catalogue.incomplete |= fresh.incomplete;

        // Replace the entities, and find the files whose rules can judge differently.
        let cat = &mut self.catalogue;
        let (mut old_rels, mut old_recs) = (Vec::new(), Vec::new());
        for f in &files {
            let old = self.by_file.entities.remove(f).unwrap_or_default();
            old_rels.extend(old.releases);
            old_recs.extend(old.recordings);
        }
        let mut rels: BTreeSet<String> = BTreeSet::new();
        let mut recs: BTreeSet<String> = BTreeSet::new();
        let mut payees: BTreeSet<String> = BTreeSet::new();
        let touched_rel = |rel: &crate::model::Release, recs: &mut BTreeSet<String>| {
            recs.extend(rel.tracks().map(|(_, _, t)| t.value.clone()));
        };
        let touched_rec = |rec: &crate::model::Recording,
                           links: &Links,
                           rels: &mut BTreeSet<String>,
                           payees: &mut BTreeSet<String>| {
            rels.extend(links.releases_of(&rec.id.value).iter().cloned());
            payees.extend(
                rec.splits
                    .iter()
                    .flat_map(|r| r.shares.iter().map(|(p, _)| p.value.clone())),
            );
        };
        for id in &old_rels {
            if let Some(rel) = cat.releases.remove(id) {
                self.by_file
                    .use_media(rel.artwork.as_ref(), rel.file, false);
                touched_rel(&rel, &mut recs);
                self.links.remove_release(&rel);
                rels.insert(id.clone());
            }
        }
        for id in &old_recs {
            if let Some(rec) = cat.recordings.remove(id) {
                self.by_file.use_media(rec.audio.as_ref(), rec.file, false);
                touched_rec(&rec, &self.links, &mut rels, &mut payees);
                self.links.remove_recording(&rec);
                recs.insert(id.clone());
            }
        }
        for (id, rel) in fresh.releases {
            self.by_file.add_release(&rel);
            touched_rel(&rel, &mut recs);
            self.links.add_release(&rel);
            rels.insert(id.clone());
            cat.releases.insert(id, rel);
        }
        for (id, rec) in fresh.recordings {
            self.by_file.add_recording(&rec);
            self.links.add_recording(&rec);
            touched_rec(&rec, &self.links, &mut rels, &mut payees);
            recs.insert(id.clone());
            cat.recordings.insert(id, rec);
        }
        // The contracts paying for the recordings an edited release lists, before or after:
        // their deals decide which channels the contracts must pay (W0331).
        for r in &recs {
            if let Some(rec) = cat.recordings.get(r) {
                payees.extend(
                    rec.splits
                        .iter()
                        .flat_map(|s| s.shares.iter().map(|(p, _)| p.value.clone())),
                );
            }
        }
        // Contracts naming an edited release change what they cover.
        for c in cat.contracts.values() {
            if c.releases.iter().any(|r| rels.contains(&r.value)) {
                payees.insert(c.payee.value.clone());
            }
        }
        let mut scope: HashSet<FileId> = files.iter().copied().collect();
        scope.extend(media_users);
        scope.extend(
            rels.iter()
                .filter_map(|r| cat.releases.get(r))
                .map(|r| r.file),
        );
        scope.extend(
            recs.iter()
                .filter_map(|r| cat.recordings.get(r))
                .map(|r| r.file),
        );
        scope.extend(
            cat.contracts
                .values()
                .filter(|c| payees.contains(&c.payee.value))
                .map(|c| c.file),
        );
        // Every entity of those files is judged: a file's rule diagnostics are replaced whole.
        let mut judged = Judged::default();
        #[allow(
            clippy::iter_over_hash_type,
            reason = "the rules' order does not matter"
        )]
        for f in &scope {
            if let Some(e) = self.by_file.entities.get(f) {
                judged.releases.extend(e.releases.iter().cloned());
                judged.recordings.extend(e.recordings.iter().cloned());
                judged.contracts.extend(e.contracts.iter().cloned());
            }
        }
        judged.files = scope;
        stage("resolve");

        // Judge those files again.
        self.rules
            .retain(|d| !primary_file(d).is_some_and(|f| judged.files.contains(&f)));
        let mut rules = Diagnostics::default();
        check::check_scoped(
            &self.catalogue,
            &self.links,
            world,
            Scope::Only(&judged),
            &mut self.media,
            &mut rules,
        );
        self.rules.extend(rules.sorted());
        self.note_unreported(world);
        self.judge_unused();
        stage("rules");
        Ok(Update::Incremental {
            parsed: reparsed,
            judged: judged.files.into_iter().collect(),
        })
    }

    /// Whether some catalogue file lies under folder `path`.
    fn holds_files_under(&self, path: &str) -> bool {
        let dir = format!("{path}/");
        self.ids
            .range(dir.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&dir))
    }
}

/// Top-level folders that hold build output and tooling: never catalogue input, so changes
/// there are not reported (the loader skips them too).
pub const SKIPPED: &[&str] = &["out", "target", "node_modules"];

/// Whether a change to `path` (root-relative) is reported by file-system events, as
/// `sleeve watch` watches: inside the root, not hidden (`.git`, an editor's `.x.swp`), not a
/// backup (`x~`), not under [`SKIPPED`].
pub fn reported(path: &str) -> bool {
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let top = parts.clone().next().unwrap_or_default();
    !path.starts_with('/')
        && !SKIPPED.contains(&top)
        && !parts.any(|p| p.starts_with('.') || p.ends_with('~'))
}

fn primary_file(d: &Diagnostic) -> Option<FileId> {
    d.primary.as_ref().map(|l| l.span.file)
}

/// Whether `d` points anywhere into `file`.
fn touches(d: &Diagnostic, file: FileId) -> bool {
    d.primary
        .iter()
        .chain(&d.secondary)
        .any(|l| l.span.file == file)
}

fn is_duplicate(d: &Diagnostic) -> bool {
    [
        codes::DUPLICATE_ID,
        codes::DUPLICATE_ISRC,
        codes::DUPLICATE_UPC,
    ]
    .iter()
    .any(|c| c.code == d.code.code)
}

/// What the releases and recordings of each file declare to the index of ids, hashed: their
/// ids, ISRCs and UPCs as written.
fn declarations(syn: &SyntaxCatalogue) -> HashMap<FileId, u64> {
    let mut out: HashMap<FileId, std::hash::DefaultHasher> = HashMap::new();
    for r in &syn.releases {
        let h = out.entry(r.file).or_default();
        (
            "release",
            &r.id.value,
            r.value.as_ref().map(|v| &v.upc.value),
        )
            .hash(h);
    }
    for r in &syn.recordings {
        let h = out.entry(r.file).or_default();
        (
            "recording",
            &r.id.value,
            r.value.as_ref().map(|v| &v.isrc.value),
        )
            .hash(h);
    }
    out.into_iter().map(|(f, h)| (f, h.finish())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::MemoryWorld;

    /// `catalog-example`, with one release file declaring its recordings inline, in memory.
    fn example() -> MemoryWorld {
        let mut world = MemoryWorld::example();
        // A contract that pays no downloads (W0331), which deal edits turn on and off.
        let producer = "contracts/owen-marsh-producer.toml";
        let text = String::from_utf8(world.read(producer).expect("read")).expect("utf-8");
        assert!(text.contains("download = \"50%\"\n"));
        world.insert(producer, text.replace("download = \"50%\"\n", ""));
        world.insert(
            "releases/inline/tide-tables.toml",
            r#"upc = "5060987600995"
title = "Tide Tables"
type = "ep"
genre = "Folk"
artist = "the-lantern-choir"
release-date = 2025-06-06
p-line = "2025 Nightjar Records Ltd"
c-line = "2025 Nightjar Records Ltd"
artwork = "../../assets/artwork/harbour-lights.jpg"
tracks = [
  "spring-tide",
  "neap-tide",
  "harbour-lights",
]

[[deal]]
dsps = "all"
territories = "Worldwide"
models = ["subscription", "ad-supported"]

[[recording]]
id = "spring-tide"
isrc = "ZZSLV2509901"
title = "Spring Tide"
artist = "the-lantern-choir"
duration = "3:45"
explicit = false
p-line = "2025 Nightjar Records Ltd"
audio = "../../assets/audio/harbour-lights.flac"

[recording.splits.default]
the-lantern-choir = "50%"
mara-vell = "50%"

[[recording]]
id = "neap-tide"
isrc = "ZZSLV2509902"
title = "Neap Tide"
artist = "the-lantern-choir"
duration = "3:45"
explicit = false
p-line = "2025 Nightjar Records Ltd"
audio = "../../assets/audio/harbour-lights.flac"

[recording.splits.default]
the-lantern-choir = "100%"
"#,
        );
        world
    }

    /// Edits a label's staff make, as functions of a file's text (`None`: does not apply).
    /// An edit of a file's text, `None` when it does not apply.
    type Edit = fn(&str) -> Option<String>;

    fn edits() -> Vec<(&'static str, Edit)> {
        fn line(text: &str, prefix: &str, with: &str) -> Option<String> {
            let mut done = false;
            let out: Vec<String> = text
                .lines()
                .map(|l| {
                    if !done && l.starts_with(prefix) {
                        done = true;
                        with.to_string()
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            done.then(|| out.join("\n") + "\n")
        }
        vec![
            ("title", |t| {
                line(t, "title = ", "title = \"TRACK 1 (feat. Kai)\"")
            }),
            ("share", |t| {
                let l = t
                    .lines()
                    .find(|l| l.ends_with("%\"") && l.contains(" = "))?;
                let key = l.split(" = ").next()?;
                line(t, l, &format!("{key} = \"1%\""))
            }),
            ("duration", |t| {
                line(t, "duration = ", "duration = \"9:59\"")
            }),
            ("drop track", |t| line(t, "  \"", "")),
            ("add track", |t| {
                line(
                    t,
                    "tracks = [",
                    "tracks = [\n  \"night-bus\",\n  \"spring-tide\",",
                )
            }),
            ("explicit", |t| line(t, "explicit = ", "")),
            ("audio", |t| {
                line(t, "audio = ", "audio = \"../assets/audio/nope.flac\"")
            }),
            ("artwork", |t| {
                line(
                    t,
                    "artwork = ",
                    "artwork = \"../assets/audio/night-bus.flac\"",
                )
            }),
            ("territories", |t| {
                line(
                    t,
                    "territories = ",
                    "territories = [\"GB\", \"JP\", \"XX\"]",
                )
            }),
            ("artist", |t| line(t, "artist = ", "artist = \"nobody\"")),
            ("p-line", |t| line(t, "p-line = ", "")),
            ("deal end", |t| {
                line(t, "[[deal]]", "[[deal]]\nend = 2000-01-01")
            }),
            // Offered before any contract starts (W0330).
            ("deal start", |t| {
                line(t, "[[deal]]", "[[deal]]\nstart = 2001-01-01")
            }),
            ("release date", |t| {
                line(t, "release-date = ", "release-date = 2002-02-02")
            }),
            // Sold through a channel no contract pays (W0331).
            ("uses", |t| {
                line(t, "[[deal]]", "[[deal]]\nuses = [\"permanent-download\"]")
            }),
            ("rights", |t| {
                line(
                    t,
                    "explicit = ",
                    "explicit = true\n[rights]\nterritories = [\"GB\"]\nend = 2025-12-31",
                )
            }),
            ("splits by group", |t| {
                line(
                    t,
                    "[splits.default]",
                    "[splits.sea]\nmara-vell = \"100%\"\n\n[splits.dach]",
                )
            }),
            ("syntax", |t| Some(format!("{t}\n= broken\n"))),
            ("isrc", |t| line(t, "isrc = ", "isrc = \"ZZSLV2599999\"")),
            ("empty", |_| Some(String::new())),
        ]
    }

    fn assert_same(session: &Session, world: &MemoryWorld, what: &str) {
        let full = crate::check_catalogue(world);
        let want = format!("{:#?}", full.diagnostics.sorted());
        let got = format!("{:#?}", session.diagnostics().sorted());
        assert!(
            want == got,
            "{what}: diagnostics differ\nfull: {want}\nincremental: {got}"
        );
        let (want, got) = (
            format!("{:?}", full.catalogue),
            format!("{:?}", session.catalogue()),
        );
        assert!(want == got, "{what}: catalogues differ");
    }

    #[test]
    fn incremental_equals_full() {
        let mut world = example();
        let mut session = Session::new(&world, &mut |_| {});
        assert_same(&session, &world, "first check");
        let files: Vec<String> = session
            .ids
            .keys()
            .filter(|p| {
                matches!(
                    FileKind::of(p),
                    Some(FileKind::Release | FileKind::Recording)
                )
            })
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (mut incremental, mut full) = (0, 0);
        for (i, path) in files.iter().enumerate() {
            let old = String::from_utf8(world.read(path).expect("read")).expect("utf-8");
            // Every file gets a few edits, in turn, so that the test stays quick.
            for (name, edit) in edits().into_iter().skip(i % 3).step_by(3) {
                let Some(new) = edit(&old) else { continue };
                for (step, text) in [("edit", &new), ("revert", &old)] {
                    world.insert(path, text.as_bytes());
                    let changed = BTreeSet::from([path.clone()]);
                    match session.update(&world, &changed, &mut |_| {}) {
                        Update::Incremental { .. } => incremental += 1,
                        Update::Full(r) => {
                            if full < 5 {
                                eprintln!("{path} {name}: {r}");
                            }
                            full += 1
                        }
                        Update::Unchanged => {}
                    }
                    assert_same(&session, &world, &format!("{path}: {name} ({step})"));
                }
            }
        }
        eprintln!("{incremental} incremental, {full} full");
        assert!(
            incremental > 100 && full > 10,
            "{incremental} incremental, {full} full"
        );
    }

    /// Lost events, and media files no event can name (here outside the root): read again.
    #[test]
    fn media_read_again_when_events_cannot_tell() {
        let mut world = example();
        let mut session = Session::new(&world, &mut |_| {});
        let art = "assets/artwork/harbour-lights.jpg";
        let good = world.read(art).expect("read");
        world.insert(art, &good[..good.len() / 3]);
        let how = session.update(&world, &BTreeSet::from([String::new()]), &mut |_| {});
        assert!(matches!(how, Update::Full(_)), "{how:?}");
        assert_same(&session, &world, "events lost, artwork truncated");
        world.insert(art, good.clone());

        world.insert("../shared/art.jpg", good.clone());
        let release = "releases/night-bus.toml";
        let text = String::from_utf8(world.read(release).expect("read")).expect("utf-8");
        let shared = text.replace("../assets/artwork/night-bus.jpg", "../../shared/art.jpg");
        world.insert(release, shared.into_bytes());
        let mut session = Session::new(&world, &mut |_| {});
        assert_same(&session, &world, "artwork outside the root");
        // It changes (no event names it); then a party edit checks everything.
        world.insert("../shared/art.jpg", good[..good.len() / 3].to_vec());
        let party = "parties/mara-vell.toml";
        let mut edited = world.read(party).expect("read");
        edited.extend_from_slice(b"\n");
        world.insert(party, edited);
        session.update(&world, &BTreeSet::from([party.to_string()]), &mut |_| {});
        assert_same(&session, &world, "artwork outside the root changed");
        assert!(format!("{:?}", session.diagnostics()).contains("E0402"));
    }

    #[test]
    fn media_edits_and_other_files() {
        let mut world = example();
        let mut session = Session::new(&world, &mut |_| {});
        let art = "assets/artwork/harbour-lights.jpg";
        let good = world.read(art).expect("read");
        world.insert(art, &good[..good.len() / 3]);
        let changed = BTreeSet::from([art.to_string()]);
        let how = session.update(&world, &changed, &mut |_| {});
        assert!(
            matches!(how, Update::Incremental { parsed: 0, .. }),
            "{how:?}"
        );
        assert_same(&session, &world, "truncated artwork");
        assert!(format!("{:?}", session.diagnostics()).contains("E0402"));
        world.insert(art, good);
        session.update(&world, &changed, &mut |_| {});
        assert_same(&session, &world, "artwork back");

        // A party edited, a file created and removed: everything is checked again.
        let party = "parties/mara-vell.toml";
        let text = world.read(party).expect("read");
        world.insert(party, b"name = \"Mara\"\n".to_vec());
        let how = session.update(&world, &BTreeSet::from([party.to_string()]), &mut |_| {});
        assert!(
            matches!(how, Update::Full(ref r) if r.contains("party")),
            "{how:?}"
        );
        assert_same(&session, &world, "party edited");
        world.insert(party, text);
        world.insert("releases/new.toml", b"title = \"New\"\n".to_vec());
        let changed = BTreeSet::from([party.to_string(), "releases/new.toml".to_string()]);
        let how = session.update(&world, &changed, &mut |_| {});
        assert!(
            matches!(how, Update::Full(ref r) if r.contains("created")),
            "{how:?}"
        );
        assert_same(&session, &world, "file created");
        world.remove("releases/new.toml");
        let changed = BTreeSet::from(["releases/new.toml".to_string()]);
        session.update(&world, &changed, &mut |_| {});
        assert_same(&session, &world, "file removed");
        // A save that changes nothing, and a temporary file that came and went.
        let changed = BTreeSet::from([party.to_string(), "releases/x.tmp".to_string()]);
        assert_eq!(
            session.update(&world, &changed, &mut |_| {}),
            Update::Unchanged
        );
    }
}

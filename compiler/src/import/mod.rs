//! `sleeve import ddex`: ERN 4.3 and 3.8.2 `NewReleaseMessage`s → catalogue files.
//!
//! Pure: takes message bytes with their names, returns the files to write (TOML text, or a
//! resource file to copy) and notes on everything that could not be mapped. The CLI reads
//! the inputs, checks which resource files exist and writes the result.
//!
//! The mapping inverts `lower` + `ddex::ern43`, so that build → import → build reproduces the
//! same messages: party ids are the party references without their `P`, deals are grouped
//! back the way `lower` splits them, and anything `lower` derives (references, durations,
//! parental warnings of releases, header ids) is not written.

mod read;
mod read382;
mod tree;
pub(crate) mod write;

use crate::model::date::Date;
use crate::model::iso;
use crate::syntax::release::{CommercialModel, UseType};
use read::{Line, Msg, PartyIn};
use std::collections::{BTreeMap, BTreeSet};

/// One message to import.
#[derive(Debug, Clone)]
pub struct Input {
    /// How the file is named in notes (its path as given).
    pub name: String,
    /// The folder holding the message, `/`-separated: `File/URI`s are relative to it.
    pub dir: String,
    pub bytes: Vec<u8>,
    /// The message was found in a batch delivery (a `BatchComplete_*` manifest beside it).
    pub batch: bool,
}

/// Something present in a message that was not mapped, or mapped with a guess.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub file: String,
    pub element: String,
    pub value: String,
    pub reason: String,
}

/// What to write at a path of the target catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    /// Copy this file (a path as the CLI gave it, `dir` + `File/URI`).
    Copy(String),
}

#[derive(Debug, Default)]
pub struct Output {
    /// Catalogue-relative path → content.
    pub files: BTreeMap<String, Content>,
    pub notes: Vec<Note>,
    /// Inputs that could not be read at all.
    pub errors: Vec<String>,
}

/// Notes of one (element, reason): how many, in which files, a few of their values.
type NoteGroup = (usize, BTreeSet<String>, Vec<String>);

impl Output {
    /// Notes grouped by (element, reason), one line each, in first-seen order.
    pub fn grouped_notes(&self) -> Vec<String> {
        let mut groups: BTreeMap<(String, String), NoteGroup> = BTreeMap::new();
        let mut order = Vec::new();
        for n in &self.notes {
            let key = (n.element.clone(), n.reason.clone());
            let g = groups.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                (0, BTreeSet::new(), Vec::new())
            });
            g.0 += 1;
            g.1.insert(n.file.clone());
            if !n.value.is_empty() && !g.2.contains(&n.value) && g.2.len() < 3 {
                g.2.push(n.value.clone());
            }
        }
        order
            .into_iter()
            .filter_map(|key| {
                let (count, files, values) = groups.get(&key)?;
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                let where_ = if files.len() > 2 {
                    format!("{}, {} and {} more", files[0], files[1], files.len() - 2)
                } else {
                    files.join(", ")
                };
                let times = if *count > 1 {
                    format!(" (×{count})")
                } else {
                    String::new()
                };
                let values = if values.is_empty() {
                    String::new()
                } else {
                    format!(
                        " = {}",
                        values
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                Some(format!("{where_}: {}{values}{times}: {}", key.0, key.1))
            })
            .collect()
    }
}

pub use crate::model::text::{slug, split_line};
pub use crate::syntax::is_valid_id as is_id;

/// A line as the catalogue writes it: `(year, owner)`.
fn catalogue_line(l: &Line) -> (u16, String) {
    match split_line(&l.text) {
        Some((_, owner)) => (l.year, owner),
        None => (l.year, l.text.trim().to_string()),
    }
}

fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    let base = if base.is_empty() { "x" } else { base };
    let mut id = base.to_string();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// Where a deal applies, as the catalogue writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Terr {
    Worldwide,
    Included(Vec<String>),
    /// `Worldwide` except these.
    Excluded(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealOut {
    pub dsps: Vec<String>,
    pub territories: Terr,
    /// `None`: the release date.
    pub start: Option<String>,
    pub end: Option<String>,
    pub models: Vec<CommercialModel>,
    /// `None`: derived from the models.
    pub uses: Option<Vec<UseType>>,
    pub price_tier: Option<String>,
    pub pre_order: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PartyOut {
    pub id: String,
    pub name: String,
    pub sort_name: Option<String>,
    pub isni: Option<String>,
    pub ipi: Option<String>,
    pub payee: bool,
    /// Used by a recording or release (else not written).
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct RecordingOut {
    pub id: String,
    pub isrc: String,
    pub title: String,
    pub version: Option<String>,
    pub artists: Vec<String>,
    pub featuring: Vec<String>,
    pub display_artist: Option<String>,
    pub duration_ms: Option<u64>,
    pub genre: Option<String>,
    pub language: Option<String>,
    pub explicit: Option<bool>,
    pub p_line: Option<(u16, String)>,
    pub iswc: Option<String>,
    pub audio: Option<String>,
    pub credits: Vec<(String, Vec<String>)>,
    /// (recording's P-line, the release's P-line) per release it is on.
    lines_seen: Vec<((u16, String), (u16, String))>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Label,
    Imprint(String),
    Client(String),
}

#[derive(Debug, Clone)]
pub struct ReleaseOut {
    pub id: String,
    pub upc: Option<String>,
    pub grid: Option<String>,
    pub catalog_number: Option<String>,
    pub title: String,
    pub version: Option<String>,
    pub kind: &'static str,
    pub various_artists: bool,
    pub artists: Vec<String>,
    pub display_artist: Option<String>,
    pub owner: Owner,
    pub release_date: Option<String>,
    pub original_release_date: Option<String>,
    pub genre: Option<String>,
    pub subgenre: Option<String>,
    pub p_line: Option<(u16, String)>,
    pub c_line: Option<(u16, String)>,
    pub artwork: Option<String>,
    pub discs: Vec<Vec<String>>,
    pub deals: Vec<DealOut>,
    /// Deals per DSP, in message order, before they are merged across DSPs.
    per_dsp: Vec<(String, Vec<DealOut>)>,
}

#[derive(Debug, Clone)]
pub struct LabelOut {
    pub name: String,
    pub party_id: String,
    pub currency: String,
    pub copyright_owner: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ImprintOut {
    pub id: String,
    pub name: String,
    pub copyright_owner: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ClientOut {
    pub id: String,
    pub name: String,
    pub copyright_owner: String,
    pub payee: String,
    pub party_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DspOut {
    pub id: String,
    pub name: String,
    pub party_id: String,
    pub batch: bool,
    pub test: bool,
    /// The ERN version the DSP was sent (`4.3` or `3.8.2`): its profile asks for it again.
    pub ern: &'static str,
}

/// The catalogue built from the messages, before it is written as files.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub label: Option<LabelOut>,
    pub imprints: Vec<ImprintOut>,
    pub clients: Vec<ClientOut>,
    pub dsps: Vec<DspOut>,
    pub parties: Vec<PartyOut>,
    pub recordings: Vec<RecordingOut>,
    pub releases: Vec<ReleaseOut>,
    /// Resource copies: catalogue path → source path.
    pub copies: BTreeMap<String, String>,
}

/// Import every input. `exists` says whether a resource file (dir + URI) can be copied.
pub fn import(inputs: &[Input], exists: &dyn Fn(&str) -> bool) -> Output {
    let mut out = Output::default();
    let mut msgs = Vec::new();
    for input in inputs {
        match read::read(&input.name, &input.bytes, &mut out.notes) {
            Ok(m) => msgs.push((m, input)),
            Err(e) => out.errors.push(format!("{}: {e}", input.name)),
        }
    }
    let mut b = Builder {
        cat: Catalogue::default(),
        notes: Vec::new(),
        party_ids: BTreeSet::new(),
        rec_ids: BTreeSet::new(),
        rel_ids: BTreeSet::new(),
        exists,
    };
    for (m, input) in &msgs {
        b.message(m, input);
    }
    b.finish();
    out.notes.append(&mut b.notes);
    if !msgs.is_empty() {
        out.notes.push(Note {
            file: "(all)".into(),
            element: "splits, contracts".into(),
            value: String::new(),
            reason: "ERN carries no royalty splits or contracts: every recording was given `[splits] default = { <first main artist> = \"100%\" }`; review splits and add contracts".into(),
        });
    }
    out.files = write::files(&b.cat);
    out
}

struct Builder<'a> {
    cat: Catalogue,
    notes: Vec<Note>,
    party_ids: BTreeSet<String>,
    rec_ids: BTreeSet<String>,
    rel_ids: BTreeSet<String>,
    exists: &'a dyn Fn(&str) -> bool,
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} & {last}", init.join(", ")),
    }
}

fn model_of(s: &str) -> Option<CommercialModel> {
    [
        CommercialModel::Subscription,
        CommercialModel::AdSupported,
        CommercialModel::PayAsYouGo,
        CommercialModel::FreeOfCharge,
    ]
    .into_iter()
    .find(|m| m.ddex() == s)
}

fn use_of(s: &str) -> Option<UseType> {
    [
        UseType::OnDemandStream,
        UseType::NonInteractiveStream,
        UseType::PermanentDownload,
        UseType::ConditionalDownload,
        UseType::TetheredDownload,
    ]
    .into_iter()
    .find(|u| u.ddex() == s)
}

/// The uses `lower` sends for each model of a deal with `uses` (or derived ones).
fn lowered_uses(models: &[CommercialModel], uses: Option<&[UseType]>) -> Vec<Vec<UseType>> {
    let mut all: Vec<UseType> = match uses {
        Some(u) => u.to_vec(),
        None => models
            .iter()
            .flat_map(|m| m.default_uses().iter().copied())
            .collect(),
    };
    all.sort();
    all.dedup();
    models
        .iter()
        .map(|m| {
            let d = m.default_uses();
            let f: Vec<UseType> = all.iter().copied().filter(|u| d.contains(u)).collect();
            if f.is_empty() { all.clone() } else { f }
        })
        .collect()
}

/// The `uses` that makes `lower` send exactly `wanted` per model: `Some(None)` when the
/// derived ones do, `Some(Some(u))` for an explicit list, `None` when nothing does.
fn uses_for(models: &[CommercialModel], wanted: &[Vec<UseType>]) -> Option<Option<Vec<UseType>>> {
    if lowered_uses(models, None) == wanted {
        return Some(None);
    }
    let mut union: Vec<UseType> = wanted.iter().flatten().copied().collect();
    union.sort();
    union.dedup();
    (lowered_uses(models, Some(&union)) == wanted).then_some(Some(union))
}

/// One DDEX deal per model, as `lower` writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    terr: Terr,
    start: String,
    end: Option<String>,
    model: CommercialModel,
    uses: Vec<UseType>,
    price: Option<String>,
    pre_order: bool,
    /// Start of the paired pre-order deal.
    pre_order_start: Option<String>,
}

impl Builder<'_> {
    fn note(&mut self, file: &str, element: &str, value: &str, reason: &str) {
        self.notes.push(Note {
            file: file.into(),
            element: element.into(),
            value: value.into(),
            reason: reason.into(),
        });
    }

    fn dsp(&mut self, m: &Msg, batch: bool) -> String {
        if let Some(d) = self
            .cat
            .dsps
            .iter_mut()
            .find(|d| d.party_id == m.recipient.dpid)
        {
            d.batch |= batch;
            return d.id.clone();
        }
        let mut taken: BTreeSet<String> = self.cat.dsps.iter().map(|d| d.id.clone()).collect();
        let base = slug(&m.recipient.name);
        let base = if base.is_empty() {
            slug(&m.recipient.dpid)
        } else {
            base
        };
        let id = unique(&base, &mut taken);
        self.cat.dsps.push(DspOut {
            id: id.clone(),
            name: m.recipient.name.clone(),
            party_id: m.recipient.dpid.clone(),
            batch,
            test: m.test,
            ern: m.ern,
        });
        id
    }

    /// The catalogue party id for a message party, creating the party on first sight.
    fn party(&mut self, file: &str, p: &PartyIn) -> String {
        let from_ref = p.reference.strip_prefix('P').filter(|r| is_id(r));
        if let Some(id) = from_ref {
            if let Some(existing) = self.cat.parties.iter_mut().find(|x| x.id == id) {
                let (name, sort, isni, ipi) = (
                    existing.name.clone(),
                    existing.sort_name.clone(),
                    existing.isni.clone(),
                    existing.ipi.clone(),
                );
                if existing.sort_name.is_none() {
                    existing.sort_name.clone_from(&p.sort_name);
                }
                if existing.isni.is_none() {
                    existing.isni.clone_from(&p.isni);
                }
                if existing.ipi.is_none() {
                    existing.ipi.clone_from(&p.ipi);
                }
                if name != p.name
                    || (sort.is_some() && p.sort_name.is_some() && sort != p.sort_name)
                    || (isni.is_some() && p.isni.is_some() && isni != p.isni)
                    || (ipi.is_some() && p.ipi.is_some() && ipi != p.ipi)
                {
                    self.note(
                        file,
                        "PartyList/Party",
                        &p.reference,
                        "the same party reference names a different party in another message: the first one was kept",
                    );
                }
                return id.to_string();
            }
            if !self.party_ids.contains(id) {
                self.party_ids.insert(id.to_string());
                self.push_party(id.to_string(), p);
                return id.to_string();
            }
        }
        // By name: the same name is the same party.
        if let Some(existing) = self.cat.parties.iter().find(|x| x.name == p.name) {
            return existing.id.clone();
        }
        let base = slug(&p.name);
        let base = if base.is_empty() {
            "party".to_string()
        } else {
            base
        };
        let id = unique(&base, &mut self.party_ids);
        self.push_party(id.clone(), p);
        id
    }

    fn push_party(&mut self, id: String, p: &PartyIn) {
        self.cat.parties.push(PartyOut {
            id,
            name: p.name.clone(),
            sort_name: p.sort_name.clone(),
            isni: p.isni.clone(),
            ipi: p.ipi.clone(),
            payee: false,
            used: false,
        });
    }

    fn mark_used(&mut self, id: &str) {
        if let Some(p) = self.cat.parties.iter_mut().find(|p| p.id == id) {
            p.used = true;
        }
    }

    fn party_name(&self, id: &str) -> String {
        self.cat
            .parties
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    fn resource(&mut self, m: &Msg, input: &Input, uri: &str, what: &str) -> Option<String> {
        let source = if input.dir.is_empty() || input.dir == "." {
            uri.to_string()
        } else {
            format!("{}/{uri}", input.dir.trim_end_matches('/'))
        };
        let name = uri.rsplit('/').next().unwrap_or(uri).to_string();
        let dest = format!("assets/{name}");
        if self.cat.copies.contains_key(&dest) {
            // The same file name, already copied from another delivery.
            return Some(name);
        }
        if !(self.exists)(&source) {
            self.note(
                &m.file,
                what,
                uri,
                "the delivered file is missing: not copied, and the catalogue does not name it (add the file and set the path)",
            );
            return None;
        }
        self.cat.copies.insert(dest, source);
        Some(name)
    }

    fn message(&mut self, m: &Msg, input: &Input) {
        let file = m.file.clone();
        // The label: the first sender.
        match &self.cat.label {
            None => {
                self.cat.label = Some(LabelOut {
                    name: m.sender.name.clone(),
                    party_id: m.sender.dpid.clone(),
                    currency: "GBP".into(),
                    copyright_owner: None,
                    language: m.language.clone(),
                });
                self.note(
                    &file,
                    "MessageHeader/MessageSender",
                    &m.sender.name,
                    "the label's accounting currency is not in ERN: `currency = \"GBP\"` was assumed; check it",
                );
            }
            Some(l) if l.party_id != m.sender.dpid || l.name != m.sender.name => {
                let v = format!("{} {}", m.sender.dpid, m.sender.name);
                self.note(
                    &file,
                    "MessageHeader/MessageSender",
                    &v,
                    "a different sender than the first message's: its releases were imported under the first sender's label",
                );
            }
            Some(_) => {}
        }
        let dsp = self.dsp(m, input.batch);
        let Some(r) = &m.release else {
            self.note(
                &file,
                "ReleaseList/Release",
                "",
                "the message has no main release: nothing imported from it",
            );
            return;
        };

        // Parties of this message: reference → catalogue id.
        let label_ref = r.label_ref.clone();
        let mut refs: BTreeMap<String, String> = BTreeMap::new();
        for p in &m.parties {
            if Some(&p.reference) == label_ref.as_ref() {
                continue;
            }
            if m.release.as_ref().is_some_and(|r| r.multi_artist)
                && (p.reference == "PVariousArtists" || p.name == "Various Artists")
            {
                continue;
            }
            let id = self.party(&file, p);
            if p.dpid.is_some() {
                self.note(
                    &file,
                    "PartyList/Party/PartyId/DPID",
                    p.dpid.as_deref().unwrap_or_default(),
                    "a DPID on an artist or contributor party is not modelled",
                );
            }
            refs.insert(p.reference.clone(), id);
        }
        let lookup = |b: &mut Builder<'_>, reference: &str, what: &str| -> Option<String> {
            let id = refs.get(reference).cloned();
            if id.is_none() {
                b.note(
                    &file,
                    what,
                    reference,
                    "refers to no party of the PartyList (or to the label): left out",
                );
            }
            id
        };

        // Resources.
        let mut by_ref: BTreeMap<String, String> = BTreeMap::new(); // A-ref → recording id
        let release_line = r.p_line.as_ref().map(catalogue_line);
        for rec in &m.recordings {
            let Some(isrc) = rec.isrc.as_ref().map(|i| {
                i.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_uppercase()
            }) else {
                self.note(
                    &file,
                    "SoundRecording",
                    &rec.title,
                    "a sound recording without an ISRC is not imported",
                );
                continue;
            };
            let rec_line = rec.p_line.as_ref().map(catalogue_line);
            if let Some(i) = self.cat.recordings.iter().position(|x| x.isrc == isrc) {
                let id = self.cat.recordings[i].id.clone();
                by_ref.insert(rec.reference.clone(), id);
                if let (Some(a), Some(b)) = (rec_line.clone(), release_line.clone()) {
                    self.cat.recordings[i].lines_seen.push((a, b));
                }
                if self.cat.recordings[i].audio.is_none()
                    && let Some(uri) = &rec.file
                {
                    let a = self.resource(m, input, uri, "SoundRecording/…/File/URI");
                    self.cat.recordings[i].audio = a;
                }
                let (t, v) = (
                    &self.cat.recordings[i].title,
                    &self.cat.recordings[i].version,
                );
                if *t != rec.title || *v != rec.version {
                    self.note(&file, "SoundRecording/DisplayTitle", &rec.title, "differs from the same ISRC in an earlier message: the first title was kept");
                }
                continue;
            }
            let base = slug(&match &rec.version {
                Some(v) => format!("{} {v}", rec.title),
                None => rec.title.clone(),
            });
            let base = if base.is_empty() {
                isrc.to_ascii_lowercase()
            } else {
                base
            };
            let id = unique(&base, &mut self.rec_ids);
            by_ref.insert(rec.reference.clone(), id.clone());

            let mut artists = Vec::new();
            let mut featuring = Vec::new();
            for (pr, role) in &rec.artists {
                let Some(pid) = lookup(self, pr, "SoundRecording/DisplayArtist") else {
                    continue;
                };
                self.mark_used(&pid);
                match role.as_str() {
                    "MainArtist" | "Artist" => artists.push(pid),
                    "FeaturedArtist" => featuring.push(pid),
                    other => {
                        let v = format!("{pr} {other}");
                        self.note(&file, "SoundRecording/DisplayArtist/DisplayArtistRole", &v, "only MainArtist and FeaturedArtist are modelled: read as a main artist");
                        artists.push(pid);
                    }
                }
            }
            let names = |b: &Builder<'_>, ids: &[String]| -> Vec<String> {
                ids.iter().map(|i| b.party_name(i)).collect()
            };
            let main = join_names(&names(self, &artists));
            let feat = names(self, &featuring);
            let default_name = if feat.is_empty() {
                main
            } else {
                format!("{main} feat. {}", join_names(&feat))
            };
            let display_artist = rec
                .display_artist_name
                .clone()
                .filter(|d| *d != default_name);

            let mut credits: Vec<(String, Vec<String>)> = Vec::new();
            for (pr, roles) in &rec.contributors {
                let Some(pid) = lookup(self, pr, "SoundRecording/Contributor") else {
                    continue;
                };
                self.mark_used(&pid);
                let mut ok = Vec::new();
                for role in roles {
                    if crate::model::ddex_avs::contains(
                        crate::model::ddex_avs::CONTRIBUTOR_ROLE,
                        role,
                    ) {
                        ok.push(role.clone());
                    } else {
                        self.note(&file, "SoundRecording/Contributor/Role", role, "not a ContributorRole of ERN 4.3 (AVS 3) that Sleeve accepts: left out");
                    }
                }
                if ok.is_empty() {
                    continue;
                }
                if let Some(c) = credits.iter_mut().find(|c| c.0 == pid) {
                    self.note(
                        &file,
                        "SoundRecording/Contributor",
                        pr,
                        "the same party credited twice: roles merged",
                    );
                    for r in ok {
                        if !c.1.contains(&r) {
                            c.1.push(r);
                        }
                    }
                } else {
                    credits.push((pid, ok));
                }
            }
            let explicit = match rec.parental.as_deref() {
                Some("Explicit" | "ExplicitContentEdited") => Some(true),
                Some("NotExplicit") => Some(false),
                Some("Unknown" | "NoAdviceAvailable") | None => None,
                Some(other) => {
                    self.note(
                        &file,
                        "SoundRecording/ParentalWarningType",
                        other,
                        "not mapped: `explicit` left out",
                    );
                    None
                }
            };
            if rec.parental.as_deref() == Some("ExplicitContentEdited") {
                self.note(
                    &file,
                    "SoundRecording/ParentalWarningType",
                    "ExplicitContentEdited",
                    "read as `explicit = true`",
                );
            }
            let language = if rec.instrumental {
                Some("zxx".to_string())
            } else {
                match &rec.language {
                    Some(l) if iso::is_language(l).is_ok() => Some(l.clone()),
                    Some(l) => {
                        self.note(
                            &file,
                            "SoundRecording/LanguageOfPerformance",
                            l,
                            "not a language tag Sleeve accepts: left out",
                        );
                        None
                    }
                    None => None,
                }
            };
            let expected_dtt = match &rec.version {
                Some(v) => format!("{} ({v})", rec.title),
                None => rec.title.clone(),
            };
            if let Some(d) = &rec.display_title_text
                && *d != expected_dtt
            {
                self.note(&file, "SoundRecording/DisplayTitleText", d, "Sleeve derives it from title and version: it will be sent as the title (version)");
            }
            if rec.duration_ms.is_none() {
                self.note(
                    &file,
                    "SoundRecording/Duration",
                    &rec.title,
                    "missing: `duration` must be added",
                );
            }
            let audio = rec
                .file
                .as_ref()
                .and_then(|uri| self.resource(m, input, uri, "SoundRecording/…/File/URI"));
            let genre = m
                .track_genres
                .iter()
                .find(|(a, _, _)| *a == rec.reference)
                .map(|(_, g, _)| g.clone())
                .filter(|g| Some(g) != r.genre.as_ref());
            let mut lines_seen = Vec::new();
            if let (Some(a), Some(b)) = (rec_line.clone(), release_line.clone()) {
                lines_seen.push((a, b));
            }
            self.cat.recordings.push(RecordingOut {
                id,
                isrc,
                title: rec.title.clone(),
                version: rec.version.clone(),
                artists,
                featuring,
                display_artist,
                duration_ms: rec.duration_ms,
                genre,
                language,
                explicit,
                p_line: rec_line,
                iswc: rec.iswc.clone(),
                audio,
                credits,
                lines_seen,
            });
        }

        // The release: merged with an earlier message about the same product.
        let key_upc = r.icpn.clone();
        let existing = self.cat.releases.iter().position(|x| {
            (key_upc.is_some() && x.upc == key_upc)
                || (key_upc.is_none() && x.grid.is_some() && x.grid == r.grid)
        });
        let deals = self.deals(m, &file);
        if let Some(i) = existing {
            let rel = &mut self.cat.releases[i];
            if let Some(d) = rel.per_dsp.iter_mut().find(|d| d.0 == dsp) {
                d.1.extend(deals);
                self.note(
                    &file,
                    "MessageHeader/MessageRecipient",
                    &m.recipient.name,
                    "a second message about the same release to the same recipient: deals added",
                );
            } else {
                rel.per_dsp.push((dsp, deals));
            }
            return;
        }

        // Owner: label, imprint or white-label client.
        let label = self.cat.label.clone();
        let label_party = label_ref
            .as_ref()
            .and_then(|lr| m.parties.iter().find(|p| p.reference == *lr));
        let owner = match (label_party, &m.on_behalf) {
            (_, Some(sob)) => {
                let name = label_party.map_or(sob.name.clone(), |p| p.name.clone());
                self.client(&name, Some(sob.dpid.clone()), r.p_line.as_ref())
            }
            (None, None) => {
                self.note(
                    &file,
                    "Release/ReleaseLabelReference",
                    label_ref.as_deref().unwrap_or(""),
                    "no label party: the release belongs to the label",
                );
                Owner::Label
            }
            (Some(p), None) => {
                let sender_dpid = label
                    .as_ref()
                    .map(|l| l.party_id.clone())
                    .unwrap_or_default();
                let sender_name = label.as_ref().map(|l| l.name.clone()).unwrap_or_default();
                match &p.dpid {
                    Some(d) if *d != sender_dpid => {
                        self.client(&p.name, Some(d.clone()), r.p_line.as_ref())
                    }
                    _ if p.name == sender_name => Owner::Label,
                    // Sleeve sends an imprint with the label's DPID, a client without it.
                    None if Some(p.reference.as_str())
                        == Some(format!("PLabel-{}", slug(&p.name)).as_str()) =>
                    {
                        self.client(&p.name, None, r.p_line.as_ref())
                    }
                    _ => self.imprint(&p.name),
                }
            }
        };

        // Type.
        let tracks: usize = r.discs.iter().map(Vec::len).sum();
        let mut kind = None;
        for t in &r.types {
            let k = match t.as_str() {
                "Single" => Some("single"),
                "EP" => Some("ep"),
                "Album" => Some(if r.multi_artist {
                    "compilation"
                } else {
                    "album"
                }),
                other => {
                    self.note(
                        &file,
                        "Release/ReleaseType",
                        other,
                        "not a release type Sleeve models (Single, EP, Album)",
                    );
                    None
                }
            };
            if kind.is_none() {
                kind = k;
            }
        }
        let kind = kind.unwrap_or_else(|| {
            let k = match tracks {
                0..=3 => "single",
                4..=6 => "ep",
                _ => "album",
            };
            self.note(
                &file,
                "Release/ReleaseType",
                k,
                "no Single, EP or Album type: `type` guessed from the track count",
            );
            k
        });

        // Artists.
        let mut artists = Vec::new();
        for (pr, role) in &r.artists {
            if r.multi_artist
                && (pr == "PVariousArtists"
                    || m.parties
                        .iter()
                        .any(|p| p.reference == *pr && p.name == "Various Artists"))
            {
                continue;
            }
            let Some(pid) = lookup(self, pr, "Release/DisplayArtist") else {
                continue;
            };
            if r.multi_artist {
                self.note(
                    &file,
                    "Release/DisplayArtist",
                    pr,
                    "a various-artists release names no artists: left out",
                );
                continue;
            }
            if !matches!(role.as_str(), "MainArtist" | "Artist") {
                let v = format!("{pr} {role}");
                self.note(
                    &file,
                    "Release/DisplayArtist/DisplayArtistRole",
                    &v,
                    "a release has main artists only: read as one",
                );
            }
            self.mark_used(&pid);
            artists.push(pid);
        }
        let default_name = if r.multi_artist {
            "Various Artists".to_string()
        } else {
            join_names(
                &artists
                    .iter()
                    .map(|a| self.party_name(a))
                    .collect::<Vec<_>>(),
            )
        };
        let display_artist = r.display_artist_name.clone().filter(|d| *d != default_name);
        let expected_dtt = match &r.version {
            Some(v) => format!("{} ({v})", r.title),
            None => r.title.clone(),
        };
        if let Some(d) = &r.display_title_text
            && *d != expected_dtt
        {
            self.note(
                &file,
                "Release/DisplayTitleText",
                d,
                "Sleeve derives it from title and version: it will be sent as the title (version)",
            );
        }

        // Tracklist.
        let mut discs = Vec::new();
        for disc in &r.discs {
            let mut d = Vec::new();
            for a in disc {
                match by_ref.get(a) {
                    Some(id) => d.push(id.clone()),
                    None => self.note(
                        &file,
                        "Release/ResourceGroup/ResourceGroupContentItem",
                        a,
                        "not an imported sound recording: left out of the tracklist",
                    ),
                }
            }
            if !d.is_empty() {
                discs.push(d);
            }
        }

        // Artwork.
        let mut artwork = None;
        if let Some(c) = &r.cover {
            match m.images.iter().find(|i| i.reference == *c) {
                Some(img) => {
                    if img.kind != "FrontCoverImage" {
                        self.note(&file, "Image/Type", &img.kind, "read as the front cover");
                    }
                    artwork = img
                        .file
                        .as_ref()
                        .and_then(|uri| self.resource(m, input, uri, "Image/…/File/URI"));
                }
                None => self.note(
                    &file,
                    "Release/ResourceGroup/LinkedReleaseResourceReference",
                    c,
                    "not an image of the message: no artwork",
                ),
            }
        }
        for img in &m.images {
            if r.cover.as_ref() != Some(&img.reference) {
                self.note(
                    &file,
                    "ResourceList/Image",
                    &img.reference,
                    "an image that is not the release's cover is not modelled",
                );
            }
        }

        let release_date = r.release_date.clone().or_else(|| {
            let d = r
                .original_release_date
                .clone()
                .or_else(|| m.deals.iter().map(|d| d.start.clone()).min());
            self.note(
                &file,
                "Release/ReleaseDate",
                d.as_deref().unwrap_or(""),
                "missing: `release-date` taken from the original release date or the first deal",
            );
            d
        });
        let genre = r.genre.clone().or_else(|| {
            let g = m.track_genres.first().map(|t| t.1.clone());
            self.note(
                &file,
                "Release/Genre",
                g.as_deref().unwrap_or(""),
                "missing: taken from the first track release, if any",
            );
            g
        });
        if r.icpn.is_none() {
            self.note(
                &file,
                "Release/ReleaseId/ICPN",
                r.proprietary_id.as_deref().unwrap_or(""),
                "no ICPN: `upc` must be added",
            );
        }
        if r.proprietary_id.is_some() {
            self.note(
                &file,
                "Release/ReleaseId/ProprietaryId",
                r.proprietary_id.as_deref().unwrap_or(""),
                "not modelled",
            );
        }
        let base = slug(&match &r.version {
            Some(v) => format!("{} {v}", r.title),
            None => r.title.clone(),
        });
        let base = if base.is_empty() {
            r.icpn.clone().unwrap_or_else(|| "release".into())
        } else {
            base
        };
        let id = if self.rel_ids.contains(&base) {
            unique(&format!("{base}-{kind}"), &mut self.rel_ids)
        } else {
            unique(&base, &mut self.rel_ids)
        };
        self.cat.releases.push(ReleaseOut {
            id,
            upc: r.icpn.clone(),
            grid: r.grid.clone(),
            catalog_number: r.catalog_number.clone(),
            title: r.title.clone(),
            version: r.version.clone(),
            kind,
            various_artists: r.multi_artist,
            artists,
            display_artist,
            owner,
            release_date,
            original_release_date: r.original_release_date.clone(),
            genre,
            subgenre: r.subgenre.clone(),
            p_line: r.p_line.as_ref().map(catalogue_line),
            c_line: r.c_line.as_ref().map(catalogue_line),
            artwork,
            discs,
            deals: Vec::new(),
            per_dsp: vec![(dsp, deals)],
        });
    }

    /// Ids already given to imprints and clients (they share `sleeve.toml`'s namespace).
    fn owner_ids(&self) -> BTreeSet<String> {
        self.cat
            .imprints
            .iter()
            .map(|i| i.id.clone())
            .chain(self.cat.clients.iter().map(|c| c.id.clone()))
            .collect()
    }

    fn imprint(&mut self, name: &str) -> Owner {
        if let Some(i) = self.cat.imprints.iter().find(|i| i.name == name) {
            return Owner::Imprint(i.id.clone());
        }
        let mut taken = self.owner_ids();
        let id = unique(&slug(name), &mut taken);
        self.cat.imprints.push(ImprintOut {
            id: id.clone(),
            name: name.to_string(),
            copyright_owner: None,
        });
        Owner::Imprint(id)
    }

    fn client(&mut self, name: &str, dpid: Option<String>, p_line: Option<&Line>) -> Owner {
        if let Some(c) = self.cat.clients.iter().find(|c| c.name == name) {
            return Owner::Client(c.id.clone());
        }
        let mut taken = self.owner_ids();
        let id = unique(&slug(name), &mut taken);
        let payee = unique(&slug(name), &mut self.party_ids);
        self.cat.parties.push(PartyOut {
            id: payee.clone(),
            name: name.to_string(),
            sort_name: None,
            isni: None,
            ipi: None,
            payee: true,
            used: true,
        });
        let owner = p_line.map_or_else(|| name.to_string(), |l| catalogue_line(l).1);
        self.notes.push(Note {
            file: "(all)".into(),
            element: "Release/ReleaseLabelReference".into(),
            value: name.to_string(),
            reason: format!("a white-label client: its fee is not in ERN (`fee = \"0%\"` written) and its payee is the new party `{payee}`; review both"),
        });
        self.cat.clients.push(ClientOut {
            id: id.clone(),
            name: name.to_string(),
            copyright_owner: owner,
            payee,
            party_id: dpid,
        });
        Owner::Client(id)
    }

    /// This message's deals on the main release, grouped back into catalogue deals.
    fn deals(&mut self, m: &Msg, file: &str) -> Vec<DealOut> {
        let release_date = m.release.as_ref().and_then(|r| r.release_date.clone());
        let mut entries: Vec<Entry> = Vec::new();
        for d in &m.deals {
            let terr = self.territories(file, d);
            let Some(terr) = terr else { continue };
            if Date::parse(&d.start).is_none() {
                self.note(
                    file,
                    "Deal/ValidityPeriod/StartDate",
                    &d.start,
                    "not a date: deal not mapped",
                );
                continue;
            }
            let mut uses = Vec::new();
            for u in &d.uses {
                match use_of(u) {
                    Some(x) => uses.push(x),
                    None => self.note(
                        file,
                        "Deal/DealTerms/UseType",
                        u,
                        "a use type Sleeve does not model: left out",
                    ),
                }
            }
            uses.sort();
            uses.dedup();
            for mo in &d.models {
                let Some(model) = model_of(mo) else {
                    self.note(
                        file,
                        "Deal/DealTerms/CommercialModelType",
                        mo,
                        "a commercial model Sleeve does not model: left out",
                    );
                    continue;
                };
                entries.push(Entry {
                    terr: terr.clone(),
                    start: d.start.clone(),
                    end: d.end.clone(),
                    model,
                    uses: uses.clone(),
                    price: d.price.clone(),
                    pre_order: d.pre_order,
                    pre_order_start: None,
                });
            }
        }
        // Pre-order deals back onto the deal they precede.
        let mut i = 0;
        while i < entries.len() {
            if !entries[i].pre_order {
                i += 1;
                continue;
            }
            let pre = entries[i].clone();
            let next_day = pre
                .end
                .as_deref()
                .and_then(Date::parse)
                .map(|e| Date::from_days(e.days() + 1).to_string());
            let found = entries.iter().enumerate().skip(i + 1).position(|(_, e)| {
                !e.pre_order
                    && e.terr == pre.terr
                    && e.model == pre.model
                    && e.uses == pre.uses
                    && e.price == pre.price
                    && e.pre_order_start.is_none()
                    && next_day.as_ref().is_none_or(|n| *n == e.start)
            });
            match found {
                Some(j) => {
                    entries[i + 1 + j].pre_order_start = Some(pre.start.clone());
                    if pre.model != CommercialModel::PayAsYouGo {
                        self.note(
                            file,
                            "Deal/DealTerms/IsPreOrderDeal",
                            pre.model.ddex(),
                            "Sleeve sends pre-orders for pay-as-you-go only",
                        );
                    }
                    entries.remove(i);
                }
                None => {
                    self.note(
                        file,
                        "Deal/DealTerms/IsPreOrderDeal",
                        &pre.start,
                        "a pre-order deal not followed by its sale deal: not mapped",
                    );
                    entries.remove(i);
                }
            }
        }
        // Consecutive deals with the same terms but the model → one deal with several models.
        let mut out: Vec<DealOut> = Vec::new();
        let mut group: Vec<Entry> = Vec::new();
        let flush = |b: &mut Builder<'_>, group: &mut Vec<Entry>, out: &mut Vec<DealOut>| {
            let Some(first) = group.first().cloned() else {
                return;
            };
            let models: Vec<CommercialModel> = group.iter().map(|e| e.model).collect();
            let wanted: Vec<Vec<UseType>> = group.iter().map(|e| e.uses.clone()).collect();
            let uses = match uses_for(&models, &wanted) {
                Some(u) => u,
                None => {
                    let mut union: Vec<UseType> = wanted.iter().flatten().copied().collect();
                    union.sort();
                    union.dedup();
                    let sent = lowered_uses(&models, Some(&union));
                    let v = format!(
                        "{} {}",
                        first.model.ddex(),
                        first
                            .uses
                            .iter()
                            .map(|u| u.ddex())
                            .collect::<Vec<_>>()
                            .join(" ")
                    );
                    let reason = format!(
                        "these use types cannot be expressed for this model: Sleeve will send {}",
                        sent.first()
                            .map(|s| s.iter().map(|u| u.ddex()).collect::<Vec<_>>().join(" "))
                            .unwrap_or_default()
                    );
                    b.note(file, "Deal/DealTerms/UseType", &v, &reason);
                    Some(union)
                }
            };
            out.push(DealOut {
                dsps: Vec::new(),
                territories: first.terr.clone(),
                start: Some(first.start.clone()).filter(|s| Some(s) != release_date.as_ref()),
                end: first.end.clone(),
                models,
                uses,
                price_tier: first.price.clone(),
                pre_order: first.pre_order_start.clone(),
            });
            group.clear();
        };
        for e in entries {
            let joins = group.first().is_some_and(|g| {
                g.terr == e.terr
                    && g.start == e.start
                    && g.end == e.end
                    && g.price == e.price
                    && g.pre_order_start == e.pre_order_start
                    && !group.iter().any(|x| x.model == e.model)
                    && {
                        let mut models: Vec<CommercialModel> =
                            group.iter().map(|x| x.model).collect();
                        models.push(e.model);
                        let mut wanted: Vec<Vec<UseType>> =
                            group.iter().map(|x| x.uses.clone()).collect();
                        wanted.push(e.uses.clone());
                        uses_for(&models, &wanted).is_some()
                    }
            });
            if !joins {
                flush(self, &mut group, &mut out);
            }
            group.push(e);
        }
        flush(self, &mut group, &mut out);

        // Deals equal but for their territory lists (one DDEX deal per territory) → one.
        let mut merged: Vec<DealOut> = Vec::new();
        let mut merged_any = false;
        for d in out {
            let same = merged.iter_mut().find(|x| {
                matches!(
                    (&x.territories, &d.territories),
                    (Terr::Included(_), Terr::Included(_))
                ) && x.start == d.start
                    && x.end == d.end
                    && x.models == d.models
                    && x.uses == d.uses
                    && x.price_tier == d.price_tier
                    && x.pre_order == d.pre_order
            });
            match (same, &d.territories) {
                (Some(x), Terr::Included(codes)) => {
                    if let Terr::Included(have) = &mut x.territories {
                        have.extend(codes.iter().cloned());
                        have.sort_by_key(|c| iso::territory_index(c));
                        have.dedup();
                    }
                    merged_any = true;
                }
                _ => merged.push(d),
            }
        }
        // A list merged from per-territory deals that covers most of the world reads better
        // as `Worldwide` less the rest (the same set of territories).
        if merged_any {
            for d in &mut merged {
                if let Terr::Included(have) = &d.territories
                    && have.len() * 2 > iso::TERRITORIES.len()
                {
                    let rest: Vec<String> = iso::TERRITORIES
                        .iter()
                        .filter(|c| !have.iter().any(|h| h == *c))
                        .map(|c| (*c).to_string())
                        .collect();
                    d.territories = if rest.is_empty() {
                        Terr::Worldwide
                    } else {
                        Terr::Excluded(rest)
                    };
                }
            }
        }
        merged
    }

    fn territories(&mut self, file: &str, d: &read::DealIn) -> Option<Terr> {
        let check = |b: &mut Builder<'_>, codes: &[String], tag: &str| -> (bool, Vec<String>) {
            let mut worldwide = false;
            let mut ok = Vec::new();
            for c in codes {
                if c == "Worldwide" {
                    worldwide = true;
                } else if iso::territory_index(c).is_some() {
                    ok.push(c.clone());
                } else {
                    b.note(
                        file,
                        tag,
                        c,
                        "not an ISO 3166-1 alpha-2 code or Worldwide: left out of the deal",
                    );
                }
            }
            ok.sort_by_key(|c| iso::territory_index(c));
            ok.dedup();
            (worldwide, ok)
        };
        if !d.excluded.is_empty() {
            let (_, ex) = check(self, &d.excluded, "Deal/DealTerms/ExcludedTerritoryCode");
            if !d.included.is_empty() {
                self.note(
                    file,
                    "Deal/DealTerms/TerritoryCode",
                    &d.included.join(" "),
                    "beside ExcludedTerritoryCode: ignored",
                );
            }
            return Some(if ex.is_empty() {
                Terr::Worldwide
            } else {
                Terr::Excluded(ex)
            });
        }
        let (worldwide, inc) = check(self, &d.included, "Deal/DealTerms/TerritoryCode");
        if worldwide {
            if !inc.is_empty() {
                self.note(
                    file,
                    "Deal/DealTerms/TerritoryCode",
                    &inc.join(" "),
                    "beside Worldwide: ignored",
                );
            }
            return Some(Terr::Worldwide);
        }
        if inc.is_empty() {
            self.note(
                file,
                "Deal/DealTerms/TerritoryCode",
                &d.included.join(" "),
                "no territory left: deal not mapped",
            );
            return None;
        }
        if inc.len() == iso::TERRITORIES.len() {
            return Some(Terr::Worldwide);
        }
        Some(Terr::Included(inc))
    }

    /// Merge deals across DSPs, settle P-lines and copyright owners, add splits' payees.
    fn finish(&mut self) {
        // Deals: a global order in which every DSP's own order is kept.
        for rel in &mut self.cat.releases {
            let mut global: Vec<DealOut> = Vec::new();
            for (dsp, deals) in &rel.per_dsp {
                let mut pos = 0;
                for d in deals {
                    let found = global.iter().enumerate().skip(pos).position(|(_, g)| {
                        let mut g2 = g.clone();
                        g2.dsps.clear();
                        g2 == *d && !g.dsps.contains(dsp)
                    });
                    match found {
                        Some(k) => {
                            global[pos + k].dsps.push(dsp.clone());
                            pos += k + 1;
                        }
                        None => {
                            let mut d = d.clone();
                            d.dsps.push(dsp.clone());
                            global.insert(pos, d);
                            pos += 1;
                        }
                    }
                }
            }
            for d in &mut global {
                if d.start.is_some() && d.start == rel.release_date {
                    d.start = None;
                }
            }
            rel.deals = global;
        }
        // Recording P-lines: one value when the releases agree; left out when each equals
        // its release's P-line (the default).
        let mut notes = Vec::new();
        for rec in &mut self.cat.recordings {
            let first = rec.lines_seen.first().map(|l| l.0.clone());
            if rec.lines_seen.iter().all(|l| Some(&l.0) == first.as_ref()) {
                continue;
            }
            if rec.lines_seen.iter().all(|(a, b)| a == b) {
                rec.p_line = None;
            } else {
                notes.push(Note {
                    file: "(all)".into(),
                    element: "SoundRecording/PLine".into(),
                    value: rec.isrc.clone(),
                    reason: "differs between releases: the first one was kept".into(),
                });
            }
        }
        self.notes.extend(notes);
        // The label's copyright owner: the most common owner of its releases' lines.
        let mut counts: Vec<(String, usize)> = Vec::new();
        for rel in self
            .cat
            .releases
            .iter()
            .filter(|r| !matches!(r.owner, Owner::Client(_)))
        {
            for l in [&rel.p_line, &rel.c_line].into_iter().flatten() {
                match counts.iter_mut().find(|c| c.0 == l.1) {
                    Some(c) => c.1 += 1,
                    None => counts.push((l.1.clone(), 1)),
                }
            }
        }
        let best = counts
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater))
            .cloned();
        if let (Some(label), Some((owner, n))) = (self.cat.label.as_mut(), best) {
            let total: usize = counts.iter().map(|c| c.1).sum();
            if n < total {
                self.notes.push(Note {
                    file: "(all)".into(),
                    element: "PLine/CLine".into(),
                    value: owner.clone(),
                    reason: format!("owners differ between releases: the label's `copyright-owner` is the most common ({n} of {total} lines); every release keeps its own lines"),
                });
            }
            label.copyright_owner = Some(owner);
        }
        // Splits: the first main artist gets 100%, and so needs a payee table.
        let payees: Vec<String> = self
            .cat
            .recordings
            .iter()
            .filter_map(|r| r.artists.first().cloned())
            .collect();
        for p in &mut self.cat.parties {
            if payees.contains(&p.id) {
                p.payee = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_lines() {
        assert_eq!(slug("Nightjar Records!"), "nightjar-records");
        assert_eq!(slug("Jörg Bausch"), "jorg-bausch");
        assert!(is_id("the-lantern-choir"));
        assert!(!is_id("SaekoShu"));
        assert_eq!(
            split_line("(P) 1994 EMI Music Japan Inc."),
            Some((1994, "EMI Music Japan Inc.".into()))
        );
        assert_eq!(split_line("Nobody"), None);
    }

    #[test]
    fn uses_inversion() {
        use CommercialModel::*;
        use UseType::*;
        let models = [Subscription, AdSupported];
        let wanted = vec![
            vec![OnDemandStream, NonInteractiveStream],
            vec![OnDemandStream, NonInteractiveStream],
        ];
        assert_eq!(uses_for(&models, &wanted), Some(None));
        assert_eq!(
            uses_for(&[PayAsYouGo], &[vec![ConditionalDownload]]),
            Some(Some(vec![ConditionalDownload]))
        );
        assert_eq!(
            uses_for(
                &[Subscription],
                &[vec![
                    OnDemandStream,
                    NonInteractiveStream,
                    ConditionalDownload
                ]]
            ),
            None
        );
    }
}

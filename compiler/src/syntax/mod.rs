//! Load: catalogue files → `Toml*` structs with spans.
//!
//! The folder decides the kind of a file and its file name (without `.toml`) is its id:
//! `sleeve.toml` (the label), `parties/`, `recordings/`, `releases/`, `contracts/`, `dsps/`.
//! Sub-folders are allowed (`releases/2025/midnight-lines.toml`).

mod cache;
pub mod contract;
pub mod decode;
pub mod dsp;
pub mod label;
pub mod party;
pub mod recording;
pub mod release;
pub mod royalties;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::world::{Entry, EntryKind, World};
use decode::{Cx, Decode, S};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use cache::ParseCache;

/// Kinds of catalogue files, by folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Label,
    Party,
    Recording,
    Release,
    Contract,
    Dsp,
    Royalties,
}

impl FileKind {
    /// The kind of a root-relative path, or `None` for files Sleeve does not read.
    pub fn of(path: &str) -> Option<FileKind> {
        if path == "sleeve.toml" {
            return Some(FileKind::Label);
        }
        if path == "royalties.toml" {
            return Some(FileKind::Royalties);
        }
        let (top, _) = path.split_once('/')?;
        Some(match top {
            "parties" => FileKind::Party,
            "recordings" => FileKind::Recording,
            "releases" => FileKind::Release,
            "contracts" => FileKind::Contract,
            "dsps" => FileKind::Dsp,
            _ => return None,
        })
    }

    /// The folder a kind lives in, and the schema its files declare.
    pub fn schema_name(self) -> &'static str {
        match self {
            FileKind::Label => "label",
            FileKind::Party => "party",
            FileKind::Recording => "recording",
            FileKind::Release => "release",
            FileKind::Contract => "contract",
            FileKind::Dsp => "dsp",
            FileKind::Royalties => "royalties",
        }
    }
}

/// One entity file: its id (the file name) and its content, `None` when it could not be
/// decoded (its problems are already reported; the id still counts as declared, so references
/// to it don't cascade into more errors).
#[derive(Debug, Clone)]
pub struct Item<T> {
    pub id: S<String>,
    pub file: FileId,
    pub value: Option<T>,
}

/// Everything loaded, before references are resolved.
#[derive(Debug, Clone, Default)]
pub struct SyntaxCatalogue {
    /// `sleeve.toml`: `None` inside when present but broken; the outer `None` when absent.
    pub label: Option<Item<Box<label::TomlLabelFile>>>,
    pub parties: Vec<Item<Box<party::TomlParty>>>,
    /// Recording files, then recordings declared inside release files.
    pub recordings: Vec<Item<Box<recording::TomlRecording>>>,
    pub releases: Vec<Item<Box<release::TomlRelease>>>,
    pub contracts: Vec<Item<Box<contract::TomlContract>>>,
    pub dsps: Vec<Item<Box<dsp::TomlDsp>>>,
    /// `royalties.toml`, when present.
    pub royalties: Option<Item<Box<royalties::TomlRoyaltiesFile>>>,
}

/// Boxed so that the per-file results, whatever their kind, are small to move around.
#[derive(Clone)]
enum Decoded {
    Label(Option<Box<label::TomlLabelFile>>),
    Party(Option<Box<party::TomlParty>>),
    Recording(Option<Box<recording::TomlRecording>>),
    Release(Option<Box<release::TomlRelease>>),
    Contract(Option<Box<contract::TomlContract>>),
    Dsp(Option<Box<dsp::TomlDsp>>),
    Royalties(Option<Box<royalties::TomlRoyaltiesFile>>),
    Ignored,
}

#[derive(Clone)]
struct Loaded {
    source: SourceFile,
    decoded: Decoded,
    diags: Diagnostics,
}

/// Whether `id` is lowercase kebab-case.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Read, parse and decode every catalogue file. Files are processed on all cores; the result
/// and the diagnostics are in path order whatever the scheduling.
pub fn load(
    world: &dyn World,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> SyntaxCatalogue {
    load_with(world, sources, diags, None)
}

/// [`load`], re-using the parsed form of every file whose path, content and position are
/// those of the last call with the same `cache` (`sleeve watch`); only the others are parsed.
pub fn load_cached(
    world: &dyn World,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    cache: &mut ParseCache,
) -> SyntaxCatalogue {
    load_with(world, sources, diags, Some(cache))
}

fn load_with(
    world: &dyn World,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    mut cache: Option<&mut ParseCache>,
) -> SyntaxCatalogue {
    let entries = match world.catalogue_entries() {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::global(
                    codes::UNREADABLE_FILE,
                    format!("cannot list the catalogue: {e}"),
                )
                .help("check that the path exists and is a readable folder"),
            );
            return SyntaxCatalogue::default();
        }
    };
    let base = sources.len() as u32;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    // Files differ a lot in size (a party vs an album with its recordings): threads take the
    // next file from a shared counter rather than a fixed share, so they finish together.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut loaded: Vec<(usize, Loaded, Option<cache::Key>)> = Vec::with_capacity(entries.len());
    let shared = cache.as_deref();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (next, entries) = (&next, &entries);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(e) = entries.get(i) else { break };
                        let (l, key) = load_one(world, e, FileId(base + i as u32), shared);
                        mine.push((i, l, key));
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            loaded.extend(crate::joined(h));
        }
    });
    loaded.sort_by_key(|(i, _, _)| *i);
    if let Some(cache) = cache.as_mut() {
        cache.keep(&loaded);
    }

    let mut cat = SyntaxCatalogue::default();
    let mut inline = Vec::new();
    for (_, l, _) in loaded {
        let id_text = file_id(&l.source.path);
        let file = sources.add(l.source);
        diags.extend(l.diags);
        place(&mut cat, &mut inline, id_text, file, l.decoded, diags);
    }
    cat.recordings.extend(inline);
    if cat.label.is_none() {
        diags.push(
            Diagnostic::global(
                codes::MISSING_LABEL_FILE,
                format!("no `sleeve.toml` in `{}`", world.root().display()),
            )
            .help("run `sleeve check` in the catalogue's root folder, or create it with `sleeve init`"),
        );
    }
    cat
}

/// Put what one file declares into `cat` (inline recordings into `inline`, which go after
/// the recording files).
fn place(
    cat: &mut SyntaxCatalogue,
    inline: &mut Vec<Item<Box<recording::TomlRecording>>>,
    id_text: String,
    file: FileId,
    decoded: Decoded,
    diags: &mut Diagnostics,
) {
    let id = S::new(id_text, Span::new(file, 0..0));
    macro_rules! item {
        ($v:expr) => {
            Item {
                id: id.clone(),
                file,
                value: $v,
            }
        };
    }
    match decoded {
        Decoded::Label(v) => cat.label = Some(item!(v)),
        Decoded::Party(v) => cat.parties.push(item!(v)),
        Decoded::Recording(v) => {
            if let Some(id) = v.as_ref().and_then(|r| r.id.as_ref()) {
                diags.push(
                    Diagnostic::new(
                        codes::UNKNOWN_KEY,
                        id.span,
                        "`id` is only used for recordings declared inside a release file",
                    )
                    .label("not allowed here")
                    .help(format!(
                        "remove `id`: this recording's id is its file name, `{}`",
                        id.value
                    )),
                );
            }
            cat.recordings.push(item!(v))
        }
        Decoded::Release(mut v) => {
            if let Some(rel) = v.as_mut() {
                for rec in std::mem::take(&mut rel.recording) {
                    match rec.value.id.clone() {
                        Some(rid) => {
                            if !is_valid_id(&rid.value) {
                                diags.push(
                                    Diagnostic::new(codes::INVALID_ID, rid.span, format!("recording id `{}` is not a valid id", rid.value))
                                        .label("not lowercase kebab-case")
                                        .help("use lowercase letters, digits and hyphens, such as `night-bus`"),
                                );
                            }
                            inline.push(Item {
                                id: rid,
                                file,
                                value: Some(rec.value),
                            });
                        }
                        None => diags.push(
                            Diagnostic::new(
                                codes::MISSING_KEY,
                                Span { end: rec.span.start, ..rec.span },
                                "missing required key `id` in a `[[recording]]` of a release file",
                            )
                            .help("add `id = \"…\"`: tracklists and contracts refer to the recording by it"),
                        ),
                    }
                }
            }
            cat.releases.push(item!(v))
        }
        Decoded::Contract(v) => cat.contracts.push(item!(v)),
        Decoded::Dsp(v) => cat.dsps.push(item!(v)),
        Decoded::Royalties(v) => cat.royalties = Some(item!(v)),
        Decoded::Ignored => {}
    }
}

/// Read, parse and decode one catalogue file on its own (`sleeve watch`, after an edit):
/// its source, what it declares, and the problems found. `file` is its id in the catalogue's
/// source map, so that spans point into it.
pub fn load_file(
    world: &dyn World,
    path: &str,
    file: FileId,
) -> (SourceFile, SyntaxCatalogue, Diagnostics) {
    let entry = Entry {
        path: path.to_string(),
        kind: EntryKind::File,
    };
    let l = parse_one(world, &entry, file, None);
    let (mut cat, mut inline, mut diags) = (SyntaxCatalogue::default(), Vec::new(), l.diags);
    place(
        &mut cat,
        &mut inline,
        file_id(path),
        file,
        l.decoded,
        &mut diags,
    );
    cat.recordings.extend(inline);
    (l.source, cat, diags)
}

/// The id of a file: its name without `.toml`.
fn file_id(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name).to_string()
}

/// Load one file. With a `cache`, a catalogue file's key too, and its loaded form comes from
/// the cache when the key matches.
fn load_one(
    world: &dyn World,
    entry: &Entry,
    file: FileId,
    cache: Option<&ParseCache>,
) -> (Loaded, Option<cache::Key>) {
    if let Some(cache) = cache
        && entry.kind == EntryKind::File
        && FileKind::of(&entry.path).is_some()
    {
        let read = world.read(&entry.path);
        let key = read
            .as_ref()
            .ok()
            .map(|bytes| cache::Key::new(&entry.path, file, bytes));
        if let Some(hit) = key.as_ref().and_then(|k| cache.get(k)) {
            return (hit, key);
        }
        return (parse_one(world, entry, file, Some(read)), key);
    }
    (parse_one(world, entry, file, None), None)
}

/// Read (unless `read` is given), parse and decode one file.
fn parse_one(
    world: &dyn World,
    entry: &Entry,
    file: FileId,
    read: Option<Result<Vec<u8>, crate::world::WorldError>>,
) -> Loaded {
    let mut diags = Diagnostics::default();
    let full = world.full_path(&entry.path);
    let kind = FileKind::of(&entry.path);
    let fail = |text: String, diags: Diagnostics| Loaded {
        source: SourceFile::new(entry.path.clone(), full.clone(), text),
        decoded: match kind {
            Some(FileKind::Label) => Decoded::Label(None),
            Some(FileKind::Party) => Decoded::Party(None),
            Some(FileKind::Recording) => Decoded::Recording(None),
            Some(FileKind::Release) => Decoded::Release(None),
            Some(FileKind::Contract) => Decoded::Contract(None),
            Some(FileKind::Dsp) => Decoded::Dsp(None),
            Some(FileKind::Royalties) => Decoded::Royalties(None),
            None => Decoded::Ignored,
        },
        diags,
    };
    let at_start = Span::new(file, 0..0);

    let Some(kind) = kind else {
        if entry.kind == EntryKind::File {
            diags.push(
                Diagnostic::new(
                    codes::UNRECOGNISED_FILE,
                    at_start,
                    format!(
                        "`{}` is not in a catalogue folder, so it is ignored",
                        entry.path
                    ),
                )
                .help(
                    "move it into `parties/`, `recordings/`, `releases/`, `contracts/` or `dsps/`",
                ),
            );
        }
        return fail(String::new(), diags);
    };

    if entry.kind != EntryKind::File {
        diags.push(
            Diagnostic::new(
                codes::UNREADABLE_FILE,
                at_start,
                format!("`{}` is a folder, not a file", entry.path),
            )
            .help("rename the folder so its name does not end in `.toml`"),
        );
        return fail(String::new(), diags);
    }
    let bytes = match read.unwrap_or_else(|| world.read(&entry.path)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    codes::UNREADABLE_FILE,
                    at_start,
                    format!("cannot read the file: {}", e.message),
                )
                .help("check the file's permissions"),
            );
            return fail(String::new(), diags);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Point at the first bad byte, as its position in the lossy text.
            let pos = String::from_utf8_lossy(e.as_bytes().get(..at).unwrap_or_default()).len();
            diags.push(
                Diagnostic::new(
                    codes::UNREADABLE_FILE,
                    Span::new(file, pos..pos + 1),
                    "the file is not valid UTF-8 text",
                )
                .label("invalid UTF-8")
                .help("save the file as UTF-8; if it is not a catalogue file, move it out of the catalogue folders"),
            );
            return fail(lossy, diags);
        }
    };

    let id = file_id(&entry.path);
    if !matches!(kind, FileKind::Label | FileKind::Royalties) && !is_valid_id(&id) {
        diags.push(
            Diagnostic::new(codes::INVALID_ID, at_start, format!("file name `{id}` is not a valid id"))
                .help("rename the file to lowercase letters, digits and hyphens, such as `midnight-lines.toml`"),
        );
    }

    let decoded = {
        let (root, errors) = DeTable::parse_recoverable(&text);
        for e in &errors {
            let range = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            let msg = lowercase_first(&msg);
            diags.push(
                Diagnostic::new(
                    codes::TOML_SYNTAX,
                    Span::new(file, range),
                    format!("invalid TOML: {msg}"),
                )
                .label("here")
                .help("correct the TOML syntax here; see https://toml.io"),
            );
        }
        if errors.is_empty() {
            let span = root.span();
            let value = Spanned::new(span, DeValue::Table(root.into_inner()));
            let mut cx = Cx::new(file, &mut diags);
            match kind {
                FileKind::Label => Decoded::Label(Decode::decode(&value, &mut cx).map(Box::new)),
                FileKind::Party => Decoded::Party(Decode::decode(&value, &mut cx).map(Box::new)),
                FileKind::Recording => {
                    Decoded::Recording(Decode::decode(&value, &mut cx).map(Box::new))
                }
                FileKind::Release => {
                    Decoded::Release(Decode::decode(&value, &mut cx).map(Box::new))
                }
                FileKind::Contract => {
                    Decoded::Contract(Decode::decode(&value, &mut cx).map(Box::new))
                }
                FileKind::Dsp => Decoded::Dsp(Decode::decode(&value, &mut cx).map(Box::new)),
                FileKind::Royalties => {
                    Decoded::Royalties(Decode::decode(&value, &mut cx).map(Box::new))
                }
            }
        } else {
            return fail(text, diags);
        }
    };
    Loaded {
        source: SourceFile::new(entry.path.clone(), full, text),
        decoded,
        diags,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("TOML") => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

//! DSP quality rules: the reasons DSPs reject deliveries. Warnings, unless a DSP profile that
//! receives the release lists the code under `deny`.
//!
//! E0402 unreadable-media, W0403 artwork-too-small, W0404 artwork-not-square,
//! W0405 artwork-color, W0406 audio-quality, W0407 duration-mismatch,
//! W0408 featuring-in-title, W0409 title-style, W0410 missing-explicit-flag,
//! W0411 missing-copyright-line.

use super::{Links, Scope};
use crate::diag::{Code, Diagnostic, Diagnostics, Severity, codes};
use crate::lower::{MediaFacts, MediaTable};
use crate::media::{self, ColorModel, MediaSource};
use crate::model::{Asset, Catalogue, Owner, Release};
use crate::source::Span;
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// Pixels DSPs ask of cover art (Apple: at least 3000×3000).
const MIN_ARTWORK: u32 = 3000;
/// How far a file's length may be from the catalogue's `duration`.
const DURATION_TOLERANCE_MS: u64 = 1000;

/// What the media rules learnt of each file, kept between checks by `sleeve watch` (which
/// forgets a file when it changes). Files that could not be read are not kept.
#[derive(Debug, Default)]
pub struct MediaCache {
    /// What `build` needs of the files that could be probed.
    pub table: MediaTable,
    audio_errors: BTreeMap<String, media::MediaError>,
    image_errors: BTreeMap<String, media::MediaError>,
    /// Files read since the last [`MediaCache::take_added`].
    added: Vec<String>,
}

/// What [`MediaCache::take`] took of one file.
#[derive(Debug)]
pub struct Held {
    audio: Option<crate::lower::MediaFacts<media::AudioInfo>>,
    image: Option<crate::lower::MediaFacts<media::ImageInfo>>,
    audio_error: Option<media::MediaError>,
    image_error: Option<media::MediaError>,
}

impl MediaCache {
    /// Forget `path` (root-relative) and everything under it; `""` is the root: everything.
    pub fn forget(&mut self, path: &str) {
        let dir = format!("{path}/");
        let keep = |p: &String| !(path.is_empty() || p == path || p.starts_with(&dir));
        self.table.audio.retain(|p, _| keep(p));
        self.table.images.retain(|p, _| keep(p));
        self.audio_errors.retain(|p, _| keep(p));
        self.image_errors.retain(|p, _| keep(p));
    }

    /// Forget exactly `path`.
    pub fn remove(&mut self, path: &str) {
        self.table.audio.remove(path);
        self.table.images.remove(path);
        self.audio_errors.remove(path);
        self.image_errors.remove(path);
    }

    /// Take out what is known of `path`, so that it is read again if its users are judged
    /// ([`MediaCache::restore`] puts it back otherwise).
    pub fn take(&mut self, path: &str) -> Held {
        Held {
            audio: self.table.audio.remove(path),
            image: self.table.images.remove(path),
            audio_error: self.audio_errors.remove(path),
            image_error: self.image_errors.remove(path),
        }
    }

    /// Put back what [`MediaCache::take`] took, unless `path` was read again meanwhile.
    pub fn restore(&mut self, path: &str, held: Held) {
        let read_again = self.table.audio.contains_key(path)
            || self.table.images.contains_key(path)
            || self.audio_errors.contains_key(path)
            || self.image_errors.contains_key(path);
        if read_again {
            return;
        }
        let path = path.to_string();
        if let Some(a) = held.audio {
            self.table.audio.insert(path.clone(), a);
        }
        if let Some(i) = held.image {
            self.table.images.insert(path.clone(), i);
        }
        if let Some(e) = held.audio_error {
            self.audio_errors.insert(path.clone(), e);
        }
        if let Some(e) = held.image_error {
            self.image_errors.insert(path, e);
        }
    }

    /// The files read since the last call.
    pub fn take_added(&mut self) -> Vec<String> {
        std::mem::take(&mut self.added)
    }
}

/// The DSPs receiving releases and recordings (a recording through the releases listing
/// it); only worked out when some DSP denies a rule.
struct Receivers<'a> {
    cat: &'a Catalogue,
    links: &'a Links,
    needed: bool,
}

impl<'a> Receivers<'a> {
    fn release(&self, rel: &'a Release) -> Option<BTreeSet<&'a str>> {
        self.needed.then(|| {
            rel.deals
                .iter()
                .flat_map(|d| d.dsps.iter().map(|x| x.value.as_str()))
                .collect()
        })
    }

    fn recording(&self, rec: &str) -> Option<BTreeSet<&'a str>> {
        let cat = self.cat;
        let releases = self.links.releases_of(rec);
        (self.needed && !releases.is_empty()).then(|| {
            releases
                .iter()
                .filter_map(|r| cat.releases.get(r))
                .flat_map(|r| r.deals.iter().flat_map(|d| &d.dsps))
                .map(|x| x.value.as_str())
                .collect()
        })
    }
}

/// Push `d`, raised to an error if a receiving DSP denies its code.
fn push(cat: &Catalogue, dsps: Option<&BTreeSet<&str>>, d: Diagnostic, diags: &mut Diagnostics) {
    let denying: Vec<&str> = dsps
        .into_iter()
        .flatten()
        .filter(|id| {
            cat.dsps
                .get(**id)
                .is_some_and(|p| p.deny.iter().any(|c| c.code == d.code.code))
        })
        .copied()
        .collect();
    if denying.is_empty() {
        diags.push(d);
    } else {
        let list = denying
            .iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let code = d.code.code;
        diags.push(d.severity(Severity::Error).note(format!(
            "an error because DSP profile {list} denies `{code}`"
        )));
    }
}

fn rule(code: &'static Code, span: Span, message: String, label: &str) -> Diagnostic {
    Diagnostic::new(code, span, message)
        .label(label)
        .help(code.fix)
}

/// Words that mark a featured artist typed into a title: `feat.`, `ft.`, `featuring`, or a
/// bare `feat`/`ft` opening a bracket (`(feat Kai)`), but not "A Feat of Strength".
fn has_featuring(title: &str) -> bool {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.iter().any(|w| {
        let w = w.trim_start_matches(['(', '[']);
        matches!(w, "feat." | "ft." | "featuring")
    }) || words
        .iter()
        .any(|w| matches!(*w, "(feat" | "[feat" | "(ft" | "[ft"))
}

fn title_problem(title: &str) -> Option<&'static str> {
    let t = title.trim();
    let lower = t.to_lowercase();
    let generic = lower == "untitled"
        || lower.starts_with("track ") && lower[6..].trim().bytes().all(|b| b.is_ascii_digit())
        || lower == "track";
    if generic {
        return Some("is a placeholder, not a title");
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 3 && letters.iter().all(|c| c.is_uppercase()) {
        return Some("is written in capitals");
    }
    None
}

/// Report unreadable files and media rules for the entities in `scope`, reading and probing
/// each asset `cache` does not know yet once; what was learnt stays in `cache` (for `build`).
pub fn check(
    cat: &Catalogue,
    links: &Links,
    world: &dyn World,
    scope: Scope,
    cache: &mut MediaCache,
    diags: &mut Diagnostics,
) {
    // Who receives what only matters when some DSP denies a rule.
    let recv = Receivers {
        cat,
        links,
        needed: cat.dsps.values().any(|d| !d.deny.is_empty()),
    };

    // Titles, flags, copyright lines.
    for rec in scope.recordings(cat) {
        let dsps = recv.recording(&rec.id.value);
        let dsps = dsps.as_ref();
        if has_featuring(&rec.title.value) {
            push(
                cat,
                dsps,
                rule(
                    codes::FEATURING_IN_TITLE,
                    rec.title.span,
                    format!("title `{}` names a featured artist", rec.title.value),
                    "featured artist in the title",
                ),
                diags,
            );
        }
        if let Some(p) = title_problem(&rec.title.value) {
            push(
                cat,
                dsps,
                rule(
                    codes::TITLE_STYLE,
                    rec.title.span,
                    format!("title `{}` {p}", rec.title.value),
                    "title",
                ),
                diags,
            );
        }
        if rec.explicit.is_none() {
            push(
                cat,
                dsps,
                rule(
                    codes::MISSING_EXPLICIT_FLAG,
                    rec.title.span,
                    format!("recording `{}` has no `explicit` flag", rec.id.value),
                    "no `explicit`",
                ),
                diags,
            );
        }
    }
    for rel in scope.releases(cat) {
        let dsps = recv.release(rel);
        let dsps = dsps.as_ref();
        if has_featuring(&rel.title.value) {
            push(
                cat,
                dsps,
                rule(
                    codes::FEATURING_IN_TITLE,
                    rel.title.span,
                    format!("title `{}` names a featured artist", rel.title.value),
                    "featured artist in the title",
                ),
                diags,
            );
        }
        if let Some(p) = title_problem(&rel.title.value) {
            push(
                cat,
                dsps,
                rule(
                    codes::TITLE_STYLE,
                    rel.title.span,
                    format!("title `{}` {p}", rel.title.value),
                    "title",
                ),
                diags,
            );
        }
        let owner = match &rel.owner {
            Owner::Client(_) => true,
            Owner::Imprint(i) => {
                cat.imprints
                    .get(i)
                    .is_some_and(|i| i.copyright_owner.is_some())
                    || cat
                        .label
                        .as_ref()
                        .is_some_and(|l| l.copyright_owner.is_some())
            }
            Owner::Label => cat
                .label
                .as_ref()
                .is_some_and(|l| l.copyright_owner.is_some()),
        };
        if !owner && (rel.p_line.is_none() || rel.c_line.is_none()) {
            let missing = match (rel.p_line.is_none(), rel.c_line.is_none()) {
                (true, true) => "P-line and C-line",
                (true, false) => "P-line",
                _ => "C-line",
            };
            push(
                cat,
                dsps,
                rule(
                    codes::MISSING_COPYRIGHT_LINE,
                    rel.title.span,
                    format!(
                        "release `{}` has no {missing}, and no copyright owner to derive it from",
                        rel.id.value
                    ),
                    "no copyright line",
                ),
                diags,
            );
        }
    }

    // Media files: each read once (on all cores) and probed, unless already known.
    let mut audio: BTreeMap<&str, Vec<(&crate::model::Recording, &Asset)>> = BTreeMap::new();
    for rec in scope.recordings(cat) {
        if let Some(a) = &rec.audio {
            audio.entry(a.path.as_str()).or_default().push((rec, a));
        }
    }
    let mut art: BTreeMap<&str, Vec<(&Release, &Asset)>> = BTreeMap::new();
    for rel in scope.releases(cat) {
        if let Some(a) = &rel.artwork {
            art.entry(a.path.as_str()).or_default().push((rel, a));
        }
    }
    // A complete catalogue names every media file in use: what is kept of others can go.
    if matches!(scope, Scope::All) && !cat.incomplete {
        let all: BTreeSet<&str> = audio.keys().chain(art.keys()).copied().collect();
        world.media_in_use(&all);
    }
    let new_audio = audio
        .keys()
        .filter(|p| !cache.table.audio.contains_key(**p) && !cache.audio_errors.contains_key(**p));
    let new_art = art
        .keys()
        .filter(|p| !cache.table.images.contains_key(**p) && !cache.image_errors.contains_key(**p));
    let paths: BTreeSet<&str> = new_audio.chain(new_art).copied().collect();
    let paths: Vec<&str> = paths.into_iter().collect();
    let probed = crate::par_map(&paths, 4, |p| {
        probe(world, p, audio.contains_key(p), art.contains_key(p))
    });
    for (path, probed) in paths.iter().zip(probed) {
        // Missing files are reported by the asset rule, and not kept: they may appear.
        let Some(Probed { audio, image }) = probed else {
            continue;
        };
        cache.added.push(path.to_string());
        match audio {
            Some(Ok(f)) => drop(cache.table.audio.insert(path.to_string(), f)),
            Some(Err(e)) => drop(cache.audio_errors.insert(path.to_string(), e)),
            None => {}
        }
        match image {
            Some(Ok(f)) => drop(cache.table.images.insert(path.to_string(), f)),
            Some(Err(e)) => drop(cache.image_errors.insert(path.to_string(), e)),
            None => {}
        }
    }

    for (path, users) in &audio {
        if let Some(e) = cache.audio_errors.get(*path) {
            for (rec, a) in users {
                let dsps = recv.recording(&rec.id.value);
                push(cat, dsps.as_ref(), unreadable(a, "audio file", e), diags);
            }
            continue;
        }
        let Some(info) = cache.table.audio.get(*path).map(|f| &f.info) else {
            continue;
        };
        for (rec, a) in users {
            let dsps = recv.recording(&rec.id.value);
            let dsps = dsps.as_ref();
            if !matches!(info.bits_per_sample, 16 | 24) || info.sample_rate < 44_100 {
                push(
                    cat,
                    dsps,
                    rule(
                        codes::AUDIO_QUALITY,
                        a.written.span,
                        format!(
                            "`{}` is {}-bit at {} Hz; DSPs take 16- or 24-bit at 44,100 Hz or more",
                            a.path, info.bits_per_sample, info.sample_rate
                        ),
                        "below CD quality",
                    ),
                    diags,
                );
            }
            let want = rec.duration_ms.value;
            if info.duration_ms.abs_diff(want) > DURATION_TOLERANCE_MS {
                push(
                    cat,
                    dsps,
                    rule(
                        codes::DURATION_MISMATCH,
                        rec.duration_ms.span,
                        format!(
                            "`duration` is {} but `{}` is {}",
                            crate::message::iso_duration(want),
                            a.path,
                            crate::message::iso_duration(info.duration_ms)
                        ),
                        "differs from the file",
                    ),
                    diags,
                );
            }
        }
    }
    for (path, users) in &art {
        if let Some(e) = cache.image_errors.get(*path) {
            for (rel, a) in users {
                push(
                    cat,
                    recv.release(rel).as_ref(),
                    unreadable(a, "artwork", e),
                    diags,
                );
            }
            continue;
        }
        let Some(info) = cache.table.images.get(*path).map(|f| &f.info) else {
            continue;
        };
        for (rel, a) in users {
            let dsps = recv.release(rel);
            let dsps = dsps.as_ref();
            if info.width < MIN_ARTWORK || info.height < MIN_ARTWORK {
                push(
                    cat,
                    dsps,
                    rule(
                        codes::ARTWORK_TOO_SMALL,
                        a.written.span,
                        format!(
                            "`{}` is {}×{} pixels, under {MIN_ARTWORK}×{MIN_ARTWORK}",
                            a.path, info.width, info.height
                        ),
                        "too small",
                    ),
                    diags,
                );
            }
            if info.width != info.height {
                push(
                    cat,
                    dsps,
                    rule(
                        codes::ARTWORK_NOT_SQUARE,
                        a.written.span,
                        format!(
                            "`{}` is {}×{} pixels, not square",
                            a.path, info.width, info.height
                        ),
                        "not square",
                    ),
                    diags,
                );
            }
            let color = match info.color {
                ColorModel::Rgb if !info.has_alpha => None,
                ColorModel::Rgb => Some("RGB with transparency"),
                ColorModel::Grayscale => Some("greyscale"),
                ColorModel::Cmyk => Some("CMYK"),
                ColorModel::Indexed => Some("indexed colour"),
                ColorModel::Other => Some("an unusual colour model"),
            };
            if let Some(c) = color {
                push(
                    cat,
                    dsps,
                    rule(
                        codes::ARTWORK_COLOR,
                        a.written.span,
                        format!("`{}` is {c}, not RGB", a.path),
                        "not RGB",
                    ),
                    diags,
                );
            }
        }
    }
}

/// What `build` needs of a file a probe could read: the probe's result, the file's size and
/// its MD5 (streamed once, into `md5`, for the first probe that succeeded).
fn facts<T>(
    probed: Result<T, media::MediaError>,
    file: &dyn MediaSource,
    md5: &mut Option<Result<String, media::MediaError>>,
) -> std::io::Result<Result<MediaFacts<T>, media::MediaError>> {
    let info = match probed {
        Ok(info) => info,
        Err(e) => return Ok(Err(e)),
    };
    let md5 = match md5 {
        Some(known) => known.clone(),
        unknown => unknown.insert(media::md5_hex_in(file)?).clone(),
    };
    Ok(md5.map(|md5| MediaFacts {
        md5,
        size: file.len(),
        info,
    }))
}

fn unreadable(a: &Asset, what: &str, e: &media::MediaError) -> Diagnostic {
    Diagnostic::new(
        codes::UNREADABLE_MEDIA,
        a.written.span,
        format!("{what} `{}`: {e}", a.path),
    )
    .label("unusable file")
    .help(codes::UNREADABLE_MEDIA.fix)
}

/// What one media file is, as audio and as an image (each when the catalogue uses it so).
struct Probed {
    audio: Option<Result<MediaFacts<media::AudioInfo>, media::MediaError>>,
    image: Option<Result<MediaFacts<media::ImageInfo>, media::MediaError>>,
}

/// Probe one media file: what an earlier run learnt when the file's stamp is unchanged
/// ([`World::recall_media`]), else the file itself, opened for ranged reads
/// ([`World::open_media`]): the probes read the parts they need and the MD5 streams over every
/// byte, so memory per file stays bounded (about 1.3 MiB), whatever the file's or the
/// catalogue's size. `None`: the file cannot be read (the asset rule reports it).
fn probe(world: &dyn World, path: &str, as_audio: bool, as_image: bool) -> Option<Probed> {
    let stamp = world.stamp(path);
    if let Some(known) = stamp.as_deref().and_then(|s| world.recall_media(path, s))
        && (known.audio.is_some() || !as_audio)
        && (known.image.is_some() || !as_image)
    {
        return Some(Probed {
            audio: known.audio.filter(|_| as_audio).map(Ok),
            image: known.image.filter(|_| as_image).map(Ok),
        });
    }
    let file = world.open_media(path).ok()?;
    let probed = read_media(&*file, as_audio, as_image).ok()?;
    drop(file);
    // Facts are kept for later runs, if the file did not change while it was read; errors
    // are not (they are read again, and reported).
    if let Some(s) = stamp
        .as_ref()
        .filter(|s| world.stamp(path).as_ref() == Some(*s))
    {
        let known = crate::lower::KnownMedia {
            audio: probed.audio.as_ref().and_then(|r| r.as_ref().ok()).cloned(),
            image: probed.image.as_ref().and_then(|r| r.as_ref().ok()).cloned(),
        };
        if known.audio.is_some() || known.image.is_some() {
            world.remember_media(path, s, &known);
        }
    }
    Some(probed)
}

/// Probe an open media file as audio and/or as an image, and hash it when a probe succeeded.
/// A file that shrank while it was read is truncated; `Err`: it could not be read.
fn read_media(file: &dyn MediaSource, as_audio: bool, as_image: bool) -> std::io::Result<Probed> {
    let mut md5 = None;
    let audio = if as_audio {
        Some(facts(media::probe_audio_in(file)?, file, &mut md5)?)
    } else {
        None
    };
    let image = if as_image {
        Some(facts(media::probe_image_in(file)?, file, &mut md5)?)
    } else {
        None
    };
    Ok(Probed { audio, image })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn featuring_and_titles() {
        assert!(has_featuring("Night Bus (feat. Kai)"));
        assert!(has_featuring("Night Bus ft. Kai"));
        assert!(!has_featuring("Defeat"));
        assert!(!has_featuring("A Feat of Strength"));
        assert!(has_featuring("Night Bus (feat Kai)"));
        assert_eq!(
            title_problem("Track 1"),
            Some("is a placeholder, not a title")
        );
        assert_eq!(title_problem("NIGHT BUS"), Some("is written in capitals"));
        assert_eq!(title_problem("Night Bus"), None);
        assert_eq!(title_problem("ABC"), None);
        assert_eq!(media::thousands(44_100u32), "44,100");
        assert_eq!(media::clock(221_000), "3:41");
        assert_eq!(media::clock(300), "0:00.300");
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn media_read_by_ranges_give_the_facts_of_the_whole_file() {
        use media::testing::Disk;
        let flac = include_bytes!("../../tests/media/tone-44k-16-stereo.flac");
        let png = include_bytes!("../../tests/media/rgb-8x8.png");
        for bytes in [&flac[..], &png[..]] {
            let audio = media::probe_audio(bytes);
            let image = media::probe_image(bytes);
            let md5 = media::md5_hex(bytes);
            for step in [5, usize::MAX] {
                let got = read_media(&Disk::new(bytes, step), true, true).unwrap();
                let whole = read_media(&bytes.to_vec(), true, true).unwrap();
                for p in [got, whole] {
                    let a = p.audio.unwrap();
                    let i = p.image.unwrap();
                    assert_eq!(a.as_ref().map(|f| &f.info), audio.as_ref());
                    assert_eq!(i.as_ref().map(|f| &f.info), image.as_ref());
                    let f = (a.as_ref().map(|f| (&f.md5, f.size)))
                        .or(i.as_ref().map(|f| (&f.md5, f.size)))
                        .unwrap();
                    assert_eq!(f, (&md5, bytes.len() as u64));
                }
            }
            let p = read_media(&Disk::new(bytes, 5), false, true).unwrap();
            assert!(p.audio.is_none() && p.image.is_some());
        }
        // Cut after it was opened, anywhere: truncated (the probe sees it, or else the MD5).
        for now in 0..flac.len() {
            let p = read_media(&Disk::shrunk(flac, now), true, false).unwrap();
            let e = p.audio.unwrap().unwrap_err();
            assert_eq!(
                e.to_string(),
                "the file shrank below its 7,566 bytes while it was read (truncated)"
            );
        }
        // Unreadable: no facts (the asset rule speaks for missing files).
        let failing = Disk {
            fail_at: 100,
            ..Disk::new(flac, usize::MAX)
        };
        assert!(read_media(&failing, true, true).is_err());
    }
}

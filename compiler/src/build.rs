//! Build: the checked catalogue → DDEX packages, one per release per DSP, in the layout each
//! DSP profile names. Pure: the CLI writes the result to disk.

use crate::lower::{Lowering, MediaTable};
use crate::model::{Catalogue, Dsp, Label};
use crate::syntax::dsp::DeliveryMode;

/// One release for one DSP.
#[derive(Debug, Clone)]
pub struct Package {
    pub dsp: String,
    pub release: String,
    pub upc: String,
    /// Folder, relative to the output root: `<dsp>/<UPC>` or `<dsp>/<BatchId>/<UPC>`.
    pub folder: String,
    /// `<UPC>.xml`.
    pub xml_name: String,
    pub xml: Vec<u8>,
    /// (path relative to `folder`, root-relative source file).
    pub resources: Vec<(String, String)>,
    pub message_id: String,
    /// Hash of the message without its header: equal hashes, equal content.
    pub content_hash: String,
    /// No deal is live for this DSP any more (every deal has ended).
    pub takedown: bool,
}

/// Everything `build` produces.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub packages: Vec<Package>,
    /// Batch-complete markers: (path relative to the output root, bytes), written last.
    pub markers: Vec<(String, Vec<u8>)>,
}

/// `YYYYMMDDhhmmss000` of a Unix time: the batch id of a batch delivery.
pub fn batch_id(now: i64) -> String {
    crate::lower::timestamp(now)
        .chars()
        .filter(char::is_ascii_digit)
        .chain("000".chars())
        .collect()
}

/// Every (DSP, release) pair that gets a package, in output order.
pub fn units(cat: &Catalogue) -> Vec<(&Dsp, &crate::model::Release)> {
    cat.dsps
        .values()
        .flat_map(|dsp| {
            cat.releases
                .values()
                .filter(|rel| !crate::lower::deals_for(rel, &dsp.id.value).is_empty())
                .map(move |rel| (&**dsp, &**rel))
        })
        .collect()
}

/// The batch folder of `dsp`, when it takes batch deliveries.
pub fn batch_of(dsp: &Dsp, now: i64) -> Option<String> {
    (dsp.delivery == DeliveryMode::Batch).then(|| batch_id(now))
}

/// Batch-complete markers for the batch DSPs that get packages: (path, bytes).
pub fn markers(cat: &Catalogue, now: i64) -> Vec<(String, Vec<u8>)> {
    cat.dsps
        .values()
        .filter(|d| d.delivery == DeliveryMode::Batch)
        .filter(|d| {
            cat.releases
                .values()
                .any(|rel| !crate::lower::deals_for(rel, &d.id.value).is_empty())
        })
        .filter_map(|d| {
            batch_of(d, now).map(|b| {
                (
                    format!("{}/{b}/BatchComplete_{b}.xml", d.id.value),
                    Vec::new(),
                )
            })
        })
        .collect()
}

/// The package of one release for one DSP, or `None` when no deal names the DSP.
pub fn package_for(
    lowering: &Lowering<'_>,
    dsp: &Dsp,
    rel: &crate::model::Release,
) -> Option<Package> {
    packages_of(lowering, rel, &[dsp]).pop()
}

/// [`units`] gathered by release, in order of each release's first unit: what
/// [`packages_of`] takes.
pub fn by_release<'c>(
    units: &[(&'c Dsp, &'c crate::model::Release)],
) -> Vec<(&'c crate::model::Release, Vec<&'c Dsp>)> {
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out: Vec<(&crate::model::Release, Vec<&Dsp>)> = Vec::new();
    for (dsp, rel) in units {
        let i = *at.entry(rel.id.value.as_str()).or_insert_with(|| {
            out.push((rel, Vec::new()));
            out.len() - 1
        });
        if let Some((_, dsps)) = out.get_mut(i) {
            dsps.push(dsp);
        }
    }
    out
}

/// The packages of `rel` for those of `dsps` a deal names, in that order: what
/// [`package_for`] gives for each, with the release lowered once and its lists written once
/// per ERN version (a release's messages differ by DSP only in header and deals).
pub fn packages_of(
    lowering: &Lowering<'_>,
    rel: &crate::model::Release,
    dsps: &[&Dsp],
) -> Vec<Package> {
    let today = crate::model::date::Date::from_unix(lowering.now);
    let mut shared: Option<(crate::lower::Shared, Vec<(String, String)>)> = None;
    let mut lists = crate::ddex::Lists::default();
    let mut out = Vec::new();
    for dsp in dsps {
        if crate::lower::deals_for(rel, &dsp.id.value).is_empty() {
            continue;
        }
        let deals = crate::lower::lowered_deals(rel, &dsp.id.value);
        let (shared, resources) = shared.get_or_insert_with(|| {
            let shared = lowering.shared(rel);
            let resources = resources(&shared.body);
            (shared, resources)
        });
        let hash = shared.content_hash(dsp.party_id.as_str(), &deals);
        let header = lowering.header(rel, dsp, &hash);
        // 4.3 or 4.3.2, as the profile asks, or 3.8.2 (docs/ddex.md).
        let xml = crate::ddex::write_parts(&header, &shared.body, &deals, dsp.ern, &mut lists);
        let upc = rel.upc.value.as_str().to_string();
        out.push(Package {
            dsp: dsp.id.value.clone(),
            release: rel.id.value.clone(),
            folder: folder(dsp, rel, batch_of(dsp, lowering.now).as_deref()),
            xml_name: format!("{upc}.xml"),
            upc,
            xml,
            resources: resources.clone(),
            message_id: header.message_id,
            content_hash: hash,
            takedown: crate::message::deals_ended(&deals, today),
        });
    }
    out
}

/// The files a message's technical details name: (path relative to the package folder,
/// root-relative source), sorted.
fn resources(body: &crate::message::Body) -> Vec<(String, String)> {
    let mut resources: Vec<(String, String)> = body
        .sound_recordings
        .iter()
        .filter_map(|r| {
            r.technical
                .as_ref()
                .map(|t| (t.file.uri.clone(), t.file.source.clone()))
        })
        .chain(body.images.iter().filter_map(|i| {
            i.technical
                .as_ref()
                .map(|t| (t.file.uri.clone(), t.file.source.clone()))
        }))
        .collect();
    resources.sort();
    resources
}

/// SHA-256 of each source file's text, by [`FileId`](crate::source::FileId) (on all cores).
pub fn file_hashes(sources: &crate::source::SourceMap) -> Vec<String> {
    let texts: Vec<&str> = sources.files().map(|(_, f)| f.text.as_str()).collect();
    crate::par_map(&texts, 8, |t| file_hash(t))
}

/// SHA-256 of one source file's text, as [`file_hashes`] gives it.
pub fn file_hash(text: &str) -> String {
    use sha2::Digest;
    crate::lower::hex(&sha2::Sha256::digest(text.as_bytes()))
}

/// A hash of everything a (DSP, release) message is made from: the files of the label, the
/// DSP profile, the release, its recordings and their parties (`file_hashes`, from
/// [`file_hashes`]), the media files' hashes, and the day (deals end by date). Equal inputs
/// give an equal message (but for its header's time), so an unchanged release is neither
/// planned nor built again.
pub fn input_hash(
    lowering: &Lowering<'_>,
    file_hashes: &[String],
    dsp: &Dsp,
    rel: &crate::model::Release,
    today: crate::model::date::Date,
) -> String {
    input_hashes(lowering, file_hashes, rel, &[dsp], today)
        .pop()
        .unwrap_or_default()
}

/// [`input_hash`] of `rel` for each of `dsps`, in that order: what they share is gathered once.
pub fn input_hashes(
    lowering: &Lowering<'_>,
    file_hashes: &[String],
    rel: &crate::model::Release,
    dsps: &[&Dsp],
    today: crate::model::date::Date,
) -> Vec<String> {
    let cat = lowering.cat;
    let file =
        |id: crate::source::FileId| file_hashes.get(id.0 as usize).map_or("", String::as_str);
    let mut parts: Vec<&str> = Vec::new();
    if let Some(label) = &cat.label {
        parts.push(file(label.file));
    }
    // The DSP profile's file, filled in for each DSP below.
    let dsp_at = parts.len();
    parts.push("");
    parts.push(file(rel.file));
    let mut parties: Vec<&str> = rel.artists.iter().map(|a| a.value.as_str()).collect();
    let mut media: Vec<&str> = Vec::new();
    if let Some(a) = &rel.artwork {
        let md5 = lowering.media.images.get(&a.path);
        media.push(md5.map_or("missing", |m| m.md5.as_str()));
    }
    for (_, _, t) in rel.tracks() {
        if let Some(r) = cat.recordings.get(&t.value) {
            parts.push(file(r.file));
            parties.extend(
                r.artists
                    .iter()
                    .chain(&r.featuring)
                    .map(|a| a.value.as_str()),
            );
            parties.extend(r.credits.iter().map(|c| c.party.value.as_str()));
            if let Some(a) = &r.audio {
                let md5 = lowering.media.audio.get(&a.path);
                media.push(md5.map_or("missing", |m| m.md5.as_str()));
            }
        }
    }
    parties.sort_unstable();
    parties.dedup();
    for p in parties {
        if let Some(party) = cat.parties.get(p) {
            parts.push(file(party.file));
        }
    }
    let today = today.to_string();
    dsps.iter()
        .map(|dsp| {
            if let Some(slot) = parts.get_mut(dsp_at) {
                *slot = file(dsp.file);
            }
            crate::lower::content_hash(&(&parts, &media, &today))
        })
        .collect()
}

/// Build every package in memory (tests and small catalogues; the CLI streams instead).
pub fn build(cat: &Catalogue, label: &Label, media: &MediaTable, now: i64) -> Output {
    let lowering = Lowering {
        cat,
        label,
        media,
        now,
        sequence: 0,
    };
    Output {
        packages: units(cat)
            .into_iter()
            .filter_map(|(dsp, rel)| package_for(&lowering, dsp, rel))
            .collect(),
        // The manifest lands last; its arrival tells the DSP the batch is complete.
        markers: markers(cat, now),
    }
}

/// The folder of a package, relative to the output root: `<dsp>/<UPC>`, or
/// `<dsp>/<BatchId>/<UPC>` for a batch DSP.
pub fn folder_of(dsp: &Dsp, rel: &crate::model::Release, now: i64) -> String {
    folder(dsp, rel, batch_of(dsp, now).as_deref())
}

fn folder(dsp: &Dsp, rel: &crate::model::Release, batch: Option<&str>) -> String {
    let upc = rel.upc.value.as_str();
    match batch {
        Some(b) => format!("{}/{b}/{upc}", dsp.id.value),
        None => format!("{}/{upc}", dsp.id.value),
    }
}

#[cfg(test)]
mod tests {
    use crate::world::MemoryWorld;

    /// A release lowered once for all its DSPs gives, for each, the package it gets alone and
    /// the message `plan` lowers: the same bytes, ids, hashes and resources. (The golden files
    /// pin the bytes, message ids and the manifest's input hashes of catalog-example.)
    #[test]
    fn shared_lowering_gives_each_dsps_package() {
        let world = MemoryWorld::example().with_now(1_767_225_600); // 2026-01-01
        same_packages(&world);
        // DSPs taking other ERN versions: each version's lists are written apart.
        let mut mixed = world.clone();
        for (file, version) in [("dsps/joox.toml", "4.3.2"), ("dsps/deezer.toml", "3.8.2")] {
            let text = String::from_utf8(crate::world::World::read(&world, file).expect("read"))
                .expect("UTF-8");
            assert!(text.contains("ern = \"4.3\""));
            mixed.insert(
                file,
                text.replace("ern = \"4.3\"", &format!("ern = \"{version}\"")),
            );
        }
        same_packages(&mixed);
    }

    fn same_packages(world: &MemoryWorld) {
        let checked = crate::check_catalogue(world);
        assert!(!checked.diagnostics.has_errors());
        let cat = &checked.catalogue;
        let label = cat.label.as_ref().expect("label");
        let lowering = super::Lowering {
            cat,
            label,
            media: &checked.media,
            now: 1_767_225_600,
            sequence: 0,
        };
        let units = super::units(cat);
        let groups = super::by_release(&units);
        assert!(groups.iter().any(|(_, dsps)| dsps.len() > 1));
        let today = crate::model::date::Date::from_unix(lowering.now);
        let hashes = super::file_hashes(&checked.sources);
        let mut n = 0;
        for (rel, dsps) in &groups {
            let together = super::packages_of(&lowering, rel, dsps);
            let inputs = super::input_hashes(&lowering, &hashes, rel, dsps, today);
            for (d, input) in dsps.iter().zip(&inputs) {
                assert_eq!(*input, super::input_hash(&lowering, &hashes, d, rel, today));
            }
            assert_eq!(inputs.len(), dsps.len());
            assert!(inputs.windows(2).all(|w| w[0] != w[1]), "each DSP's own");
            let alone: Vec<_> = dsps
                .iter()
                .filter_map(|d| super::package_for(&lowering, d, rel))
                .collect();
            assert_eq!(together.len(), alone.len());
            for (t, a) in together.iter().zip(&alone) {
                assert_eq!(t.xml, a.xml, "{} for {}", t.release, t.dsp);
                assert_eq!(
                    (
                        &t.folder,
                        &t.message_id,
                        &t.content_hash,
                        &t.resources,
                        t.takedown
                    ),
                    (
                        &a.folder,
                        &a.message_id,
                        &a.content_hash,
                        &a.resources,
                        a.takedown
                    )
                );
                // And the message `plan` and `apply` lower gives the same hash and id.
                let dsp = cat.dsps.get(&t.dsp).expect("dsp");
                let m = lowering.message(rel, dsp).expect("a deal");
                assert_eq!(
                    (&m.content_hash, &m.header.message_id),
                    (&t.content_hash, &t.message_id)
                );
                assert_eq!(
                    m.content_hash,
                    crate::lower::content_hash(&(&dsp.party_id.as_str(), &m.body))
                );
                assert_eq!(crate::ddex::write(&m, dsp.ern), t.xml);
                // A takedown (no deals) hashes the same way.
                let down = lowering.takedown(rel, dsp);
                assert!(down.body.deals.is_empty());
                assert_eq!(
                    down.content_hash,
                    crate::lower::content_hash(&(&dsp.party_id.as_str(), &down.body))
                );
                n += 1;
            }
        }
        assert_eq!(n, units.len());
    }
}

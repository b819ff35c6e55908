//! Build: the checked catalogue → DDEX packages, one per release per DSP, in the layout each
//! DSP profile names. Pure: the CLI writes the result to disk.

use crate::ddex::ern43;
use crate::lower::{Lowering, MediaTable};
use crate::model::{Catalogue, Dsp, Label};
use crate::syntax::dsp::{DeliveryMode, ErnVersion};

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
    let units = units(cat);
    cat.dsps
        .values()
        .filter(|d| units.iter().any(|(u, _)| u.id.value == d.id.value))
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
    let msg = lowering.message(rel, dsp)?;
    let batch = batch_of(dsp, lowering.now);
    let today = crate::model::date::Date::from_unix(lowering.now);
    Some(package(dsp, rel, &msg, batch.as_deref(), today))
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

fn package(
    dsp: &Dsp,
    rel: &crate::model::Release,
    msg: &crate::message::Message,
    batch: Option<&str>,
    today: crate::model::date::Date,
) -> Package {
    let upc = rel.upc.value.as_str().to_string();
    let folder = match batch {
        Some(b) => format!("{}/{b}/{upc}", dsp.id.value),
        None => format!("{}/{upc}", dsp.id.value),
    };
    let xml = match dsp.ern {
        // 4.3 is the version written today; profiles asking for others get 4.3 too, and
        // `check` says so (see docs/ddex.md).
        ErnVersion::Ern43 | ErnVersion::Ern432 | ErnVersion::Ern382 => ern43::write(msg),
    };
    let mut resources: Vec<(String, String)> = msg
        .body
        .sound_recordings
        .iter()
        .filter_map(|r| {
            r.technical
                .as_ref()
                .map(|t| (t.file.uri.clone(), t.file.source.clone()))
        })
        .chain(msg.body.images.iter().filter_map(|i| {
            i.technical
                .as_ref()
                .map(|t| (t.file.uri.clone(), t.file.source.clone()))
        }))
        .collect();
    resources.sort();
    let takedown = msg.body.all_deals_ended(today);
    Package {
        dsp: dsp.id.value.clone(),
        release: rel.id.value.clone(),
        folder,
        xml_name: format!("{upc}.xml"),
        upc,
        xml,
        resources,
        message_id: msg.header.message_id.clone(),
        content_hash: msg.content_hash.clone(),
        takedown,
    }
}

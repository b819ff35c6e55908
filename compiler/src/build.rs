//! Build: the checked catalogue → DDEX packages, one per release per DSP, in the layout each
//! DSP profile names. Pure: the CLI writes the result to disk.

use crate::ddex::ern43;
use crate::lower::{Lowering, MediaTable, content_hash};
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

/// Build the package of every release for every DSP that one of its deals names.
pub fn build(cat: &Catalogue, label: &Label, media: &MediaTable, now: i64) -> Output {
    let lowering = Lowering {
        cat,
        label,
        media,
        now,
    };
    let today = crate::model::date::Date::from_unix(now);
    let mut out = Output::default();
    for dsp in cat.dsps.values() {
        let batch = (dsp.delivery == DeliveryMode::Batch).then(|| batch_id(now));
        let mut any = false;
        for rel in cat.releases.values() {
            let Some(msg) = lowering.message(rel, dsp) else {
                continue;
            };
            any = true;
            out.packages
                .push(package(dsp, rel, &msg, batch.as_deref(), today));
        }
        if let (Some(b), true) = (batch, any) {
            // The manifest lands last; its arrival tells the DSP the batch is complete.
            out.markers.push((
                format!("{}/{b}/BatchComplete_{b}.xml", dsp.id.value),
                Vec::new(),
            ));
        }
    }
    out
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
    let takedown = msg.body.deals.iter().all(|d| {
        d.end
            .as_deref()
            .and_then(crate::model::date::Date::parse)
            .is_some_and(|e| e < today)
    });
    Package {
        dsp: dsp.id.value.clone(),
        release: rel.id.value.clone(),
        folder,
        xml_name: format!("{upc}.xml"),
        upc,
        xml,
        resources,
        message_id: msg.header.message_id.clone(),
        content_hash: content_hash(&(&msg.header.recipient, &msg.body)),
        takedown,
    }
}

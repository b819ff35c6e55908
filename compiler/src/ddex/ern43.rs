//! ERN 4.3 (`http://ddex.net/xml/ern/43`, AVS 3): writes a [`Message`] as a
//! `NewReleaseMessage` or `PurgeReleaseMessage`. Element order follows the XSD's sequences;
//! children are unprefixed (`elementFormDefault="unqualified"`), only the root is `ern:`.
//!
//! ERN 4.3.2 is written by the same code as a [`Dialect`]: for what Sleeve's messages say, it
//! differs from 4.3 only in its namespace, `Genre` being named `DisplayGenre`, and a
//! contributor's `Role` wrapping its value in `<Value>` (each message validates against the
//! official 4.3.2 XSD in the tests).

use super::xml::Xml;
use crate::message::{
    CopyrightLine, Deal, DisplayArtist, Header, Message, Purge, ReleaseId, Territories,
    iso_duration,
};

pub const NAMESPACE: &str = "http://ddex.net/xml/ern/43";
pub const AVS_VERSION: &str = "3";

/// What differs between the ERN versions this writer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    namespace: &'static str,
    schema_location: &'static str,
    avs_version: &'static str,
    /// 4.3.2: `DisplayGenre` for `Genre`, `<Role><Value>…</Value></Role>`.
    v432: bool,
}

pub const ERN43: Dialect = Dialect {
    namespace: NAMESPACE,
    schema_location: "http://ddex.net/xml/ern/43 http://ddex.net/xml/ern/43/release-notification.xsd",
    avs_version: AVS_VERSION,
    v432: false,
};

pub const ERN432: Dialect = Dialect {
    namespace: "http://ddex.net/xml/ern/432",
    schema_location: "http://ddex.net/xml/ern/432 http://ddex.net/xml/ern/432/release-notification.xsd",
    avs_version: "9",
    v432: true,
};

impl Dialect {
    fn genre(self) -> &'static str {
        if self.v432 { "DisplayGenre" } else { "Genre" }
    }

    fn role(self, x: &mut Xml, role: &str) {
        if self.v432 {
            x.open("Role", &[]);
            x.text("Value", role);
            x.close("Role");
        } else {
            x.text("Role", role);
        }
    }
}

fn root_attrs<'a>(
    d: Dialect,
    profile: Option<&'a str>,
    language: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut attrs = vec![
        ("xmlns:ern", d.namespace),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", d.schema_location),
    ];
    if let Some(p) = profile {
        attrs.push(("ReleaseProfileVersionId", p));
    }
    attrs.push(("LanguageAndScriptCode", language));
    attrs.push(("AvsVersionId", d.avs_version));
    attrs
}

pub(super) fn header(x: &mut Xml, h: &Header) {
    x.open("MessageHeader", &[]);
    x.text("MessageThreadId", &h.thread_id);
    x.text("MessageId", &h.message_id);
    let party = |x: &mut Xml, tag: &str, p: &crate::message::MessageParty| {
        x.open(tag, &[]);
        x.text("PartyId", &p.dpid);
        x.open("PartyName", &[]);
        x.text("FullName", &p.name);
        x.close("PartyName");
        x.close(tag);
    };
    party(x, "MessageSender", &h.sender);
    if let Some(p) = &h.sent_on_behalf_of {
        party(x, "SentOnBehalfOf", p);
    }
    party(x, "MessageRecipient", &h.recipient);
    x.text("MessageCreatedDateTime", &h.created);
    x.text(
        "MessageControlType",
        if h.test { "TestMessage" } else { "LiveMessage" },
    );
    x.close("MessageHeader");
}

/// A deal's `TerritoryCode`s, or its `ExcludedTerritoryCode`s (everywhere but those).
pub(super) fn territories(x: &mut Xml, t: &Territories) {
    match t {
        Territories::Included(codes) => codes.iter().for_each(|c| x.text("TerritoryCode", c)),
        Territories::Excluded(codes) => codes
            .iter()
            .for_each(|c| x.text("ExcludedTerritoryCode", c)),
    }
}

/// An image's codec, height and width (the same in every ERN version Sleeve writes).
pub(super) fn image_format(x: &mut Xml, t: &crate::message::ImageDetails) {
    x.text("ImageCodecType", t.codec);
    x.text_with(
        "ImageHeight",
        &[("UnitOfMeasure", "Pixel")],
        &t.height.to_string(),
    );
    x.text_with(
        "ImageWidth",
        &[("UnitOfMeasure", "Pixel")],
        &t.width.to_string(),
    );
}

/// `<PLine>`/`<CLine>`: year and text (the same in every ERN version Sleeve writes).
pub(super) fn copyright(x: &mut Xml, tag: &str, text_tag: &str, l: &CopyrightLine) {
    x.open(tag, &[]);
    x.text("Year", &l.year.to_string());
    x.text(text_tag, &l.text);
    x.close(tag);
}

fn display_title(x: &mut Xml, title: &str, version: Option<&str>) {
    let full = match version {
        Some(v) => format!("{title} ({v})"),
        None => title.to_string(),
    };
    x.text("DisplayTitleText", &full);
    x.open("DisplayTitle", &[("ApplicableTerritoryCode", "Worldwide")]);
    x.text("TitleText", title);
    if let Some(v) = version {
        x.text_with("SubTitle", &[("SubTitleType", "Version")], v);
    }
    x.close("DisplayTitle");
}

fn display_artists(x: &mut Xml, name: &str, artists: &[DisplayArtist]) {
    x.text_with(
        "DisplayArtistName",
        &[("ApplicableTerritoryCode", "Worldwide")],
        name,
    );
    for (i, a) in artists.iter().enumerate() {
        let seq = (i + 1).to_string();
        x.open("DisplayArtist", &[("SequenceNumber", &seq)]);
        x.text("ArtistPartyReference", &a.party);
        x.text("DisplayArtistRole", a.role);
        x.close("DisplayArtist");
    }
}

fn release_id(x: &mut Xml, id: &ReleaseId, namespace: &str) {
    x.open("ReleaseId", &[]);
    x.opt("GRid", id.grid.as_deref());
    x.opt("ICPN", id.icpn.as_deref());
    if let Some(c) = &id.catalog_number {
        x.text_with("CatalogNumber", &[("Namespace", namespace)], c);
    }
    if let Some(p) = &id.proprietary_id {
        x.text_with("ProprietaryId", &[("Namespace", namespace)], p);
    }
    x.close("ReleaseId");
}

fn hash_file(x: &mut Xml, f: &crate::message::FileRef) {
    x.open("File", &[]);
    x.text("URI", &f.uri);
    x.open("HashSum", &[]);
    x.text("Algorithm", "MD5");
    x.text("HashSumValue", &f.md5);
    x.close("HashSum");
    x.text("FileSize", &f.size.to_string());
    x.close("File");
}

/// Sample rate in kHz as DDEX writes it: `44.1`, `48`, `96`.
pub(super) fn khz(hz: u32) -> String {
    let whole = hz / 1000;
    let frac = hz % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

fn deal(x: &mut Xml, d: &Deal, recipient: &str) {
    x.open("Deal", &[]);
    x.open("DealTerms", &[]);
    territories(x, &d.territories);
    // Date-times without a zone: each territory reads them in its own local time, so a
    // deal never starts (or ends) early somewhere ahead of the sender. `StartDate` is
    // deprecated since ERN 4.2. The end date is inclusive: its last second.
    x.open("ValidityPeriod", &[]);
    x.text("StartDateTime", &format!("{}T00:00:00", d.start));
    if let Some(end) = &d.end {
        x.text("EndDateTime", &format!("{end}T23:59:59"));
    }
    x.close("ValidityPeriod");
    for m in &d.commercial_models {
        x.text("CommercialModelType", m);
    }
    for u in &d.use_types {
        x.text("UseType", u);
    }
    if let Some(p) = &d.price_code {
        x.open("PriceInformation", &[]);
        x.text_with("PriceCode", &[("Namespace", recipient)], p);
        x.close("PriceInformation");
    }
    if d.pre_order {
        x.text("IsPreOrderDeal", "true");
    }
    x.close("DealTerms");
    x.close("Deal");
}

/// The bytes of a `NewReleaseMessage` or `PurgeReleaseMessage` in ERN 4.3.
pub fn write(m: &Message) -> Vec<u8> {
    write_as(m, ERN43)
}

/// The bytes of a `NewReleaseMessage` or `PurgeReleaseMessage` in dialect `d`.
pub fn write_as(m: &Message, d: Dialect) -> Vec<u8> {
    match m.kind {
        crate::message::Kind::NewRelease => new_release(m, d),
        crate::message::Kind::Purge => purge(
            m,
            d,
            &Purge {
                id: m.body.release.id.clone(),
                title: m.body.release.title.clone(),
                display_artist_name: m.body.release.display_artist_name.clone(),
            },
        ),
    }
}

fn new_release(m: &Message, d: Dialect) -> Vec<u8> {
    new_release_with(&m.header, &m.body, &m.body.deals, d, None).0
}

/// A `NewReleaseMessage` of `header`, `b` and `deals` (`b.deals` is not read), and where in
/// it its party, resource and release lists are. `lists`: those lists as another DSP's
/// message about the same release wrote them (same sender, same dialect: [`super::Lists`]
/// keys them), spliced in; `None`: they are written.
pub(super) fn new_release_with(
    h: &Header,
    b: &crate::message::Body,
    deals: &[Deal],
    d: Dialect,
    lists: Option<&[u8]>,
) -> (Vec<u8>, std::ops::Range<usize>) {
    let mut x = Xml::new();
    x.open(
        "ern:NewReleaseMessage",
        &root_attrs(d, Some(b.profile), &b.language),
    );
    header(&mut x, h);
    // After `</MessageHeader>` as after `</ReleaseList>`: a closing tag one level deep.
    let start = x.len();
    match lists {
        Some(bytes) => x.splice(bytes),
        None => release_lists(&mut x, b, &h.sender.dpid, d),
    }
    let lists_at = start..x.len();
    // No deals: a takedown, which the standard writes as no DealList at all.
    if !deals.is_empty() {
        x.open("DealList", &[]);
        x.open("ReleaseDeal", &[]);
        x.text("DealReleaseReference", &b.release.reference);
        for t in &b.track_releases {
            x.text("DealReleaseReference", &t.reference);
        }
        for deal_ in deals {
            deal(&mut x, deal_, &h.recipient.dpid);
        }
        x.close("ReleaseDeal");
        x.close("DealList");
    }
    x.close("ern:NewReleaseMessage");
    (x.finish(), lists_at)
}

/// `PartyList`, `ResourceList` and `ReleaseList`: everything a release's messages say alike
/// for every DSP.
fn release_lists(x: &mut Xml, b: &crate::message::Body, sender: &str, d: Dialect) {
    x.open("PartyList", &[]);
    for p in &b.parties {
        x.open("Party", &[]);
        x.text("PartyReference", &p.reference);
        x.open("PartyName", &[]);
        x.text("FullName", &p.name);
        x.opt("FullNameIndexed", p.sort_name.as_deref());
        x.close("PartyName");
        if p.isni.is_some() || p.dpid.is_some() || p.ipi.is_some() {
            x.open("PartyId", &[]);
            x.opt("ISNI", p.isni.as_deref());
            x.opt("DPID", p.dpid.as_deref());
            x.opt("IpiNameNumber", p.ipi.as_deref());
            x.close("PartyId");
        }
        x.close("Party");
    }
    x.close("PartyList");

    x.open("ResourceList", &[]);
    for r in &b.sound_recordings {
        x.open("SoundRecording", &[]);
        x.text("ResourceReference", &r.reference);
        x.text("Type", "MusicalWorkSoundRecording");
        x.open("SoundRecordingEdition", &[]);
        x.open("ResourceId", &[]);
        x.text("ISRC", &r.isrc);
        x.close("ResourceId");
        copyright(x, "PLine", "PLineText", &r.p_line);
        if let Some(t) = &r.technical {
            x.open("TechnicalDetails", &[]);
            x.text("TechnicalResourceDetailsReference", &t.reference);
            x.open("DeliveryFile", &[]);
            x.text("Type", "AudioFile");
            x.text("AudioCodecType", t.codec);
            x.text("NumberOfChannels", &t.channels.to_string());
            x.text_with(
                "SamplingRate",
                &[("UnitOfMeasure", "kHz")],
                &khz(t.sample_rate),
            );
            x.text("BitsPerSample", &t.bits_per_sample.to_string());
            x.text("Duration", &iso_duration(t.duration_ms));
            hash_file(x, &t.file);
            x.close("DeliveryFile");
            x.close("TechnicalDetails");
        }
        x.close("SoundRecordingEdition");
        if let Some(iswc) = &r.iswc {
            x.open("WorkId", &[]);
            x.text("ISWC", iswc);
            x.close("WorkId");
        }
        display_title(x, &r.title, r.version.as_deref());
        display_artists(x, &r.display_artist_name, &r.display_artists);
        for (i, c) in r.contributors.iter().enumerate() {
            let seq = (i + 1).to_string();
            x.open("Contributor", &[("SequenceNumber", &seq)]);
            x.text("ContributorPartyReference", &c.party);
            for role in &c.roles {
                d.role(x, role);
            }
            x.close("Contributor");
        }
        x.text("Duration", &iso_duration(r.duration_ms));
        x.text("ParentalWarningType", r.parental_warning);
        if r.instrumental {
            x.text("IsInstrumental", "true");
        }
        x.opt("LanguageOfPerformance", r.language.as_deref());
        x.close("SoundRecording");
    }
    for img in &b.images {
        x.open("Image", &[]);
        x.text("ResourceReference", &img.reference);
        x.text("Type", "FrontCoverImage");
        x.open("ResourceId", &[]);
        x.text_with(
            "ProprietaryId",
            &[("Namespace", sender)],
            &img.proprietary_id,
        );
        x.close("ResourceId");
        if let Some(t) = &img.technical {
            x.open("TechnicalDetails", &[]);
            x.text("TechnicalResourceDetailsReference", &t.reference);
            image_format(x, t);
            hash_file(x, &t.file);
            x.close("TechnicalDetails");
        }
        x.close("Image");
    }
    x.close("ResourceList");

    let rel = &b.release;
    x.open("ReleaseList", &[]);
    x.open("Release", &[]);
    x.text("ReleaseReference", &rel.reference);
    x.text("ReleaseType", rel.release_type);
    release_id(x, &rel.id, sender);
    display_title(x, &rel.title, rel.version.as_deref());
    display_artists(x, &rel.display_artist_name, &rel.display_artists);
    x.text_with(
        "ReleaseLabelReference",
        &[("ApplicableTerritoryCode", "Worldwide")],
        &rel.label_party,
    );
    copyright(x, "PLine", "PLineText", &rel.p_line);
    copyright(x, "CLine", "CLineText", &rel.c_line);
    x.text("Duration", &iso_duration(rel.duration_ms));
    x.open(d.genre(), &[("ApplicableTerritoryCode", "Worldwide")]);
    x.text("GenreText", &rel.genre);
    x.opt("SubGenre", rel.subgenre.as_deref());
    x.close(d.genre());
    x.text_with(
        "ReleaseDate",
        &[("ApplicableTerritoryCode", "Worldwide")],
        &rel.release_date,
    );
    if let Some(d) = &rel.original_release_date {
        x.text_with(
            "OriginalReleaseDate",
            &[("ApplicableTerritoryCode", "Worldwide")],
            d,
        );
    }
    x.text("ParentalWarningType", rel.parental_warning);
    x.text(
        "IsMultiArtistCompilation",
        if rel.multi_artist_compilation {
            "true"
        } else {
            "false"
        },
    );
    x.open("ResourceGroup", &[]);
    let item = |x: &mut Xml, seq: usize, r: &str| {
        x.open("ResourceGroupContentItem", &[]);
        x.text("SequenceNumber", &seq.to_string());
        x.text("ReleaseResourceReference", r);
        x.close("ResourceGroupContentItem");
    };
    if rel.discs.len() == 1 {
        x.text("SequenceNumber", "1");
        for (i, r) in rel.discs.iter().flatten().enumerate() {
            item(x, i + 1, r);
        }
    } else {
        for (d, disc) in rel.discs.iter().enumerate() {
            // One sub-group per disc: a component of the release.
            x.open("ResourceGroup", &[("ResourceGroupType", "Component")]);
            x.text("SequenceNumber", &(d + 1).to_string());
            for (i, r) in disc.iter().enumerate() {
                item(x, i + 1, r);
            }
            x.close("ResourceGroup");
        }
    }
    if let Some(c) = &rel.cover {
        x.text("LinkedReleaseResourceReference", c);
    }
    x.close("ResourceGroup");
    x.close("Release");
    for t in &b.track_releases {
        x.open("TrackRelease", &[]);
        x.text("ReleaseReference", &t.reference);
        x.open("ReleaseId", &[]);
        x.text_with("ProprietaryId", &[("Namespace", sender)], &t.proprietary_id);
        x.close("ReleaseId");
        x.text("ReleaseResourceReference", &t.resource);
        x.text_with(
            "ReleaseLabelReference",
            &[("ApplicableTerritoryCode", "Worldwide")],
            &t.label_party,
        );
        x.open(d.genre(), &[("ApplicableTerritoryCode", "Worldwide")]);
        x.text("GenreText", &t.genre);
        x.opt("SubGenre", t.subgenre.as_deref());
        x.close(d.genre());
        x.close("TrackRelease");
    }
    x.close("ReleaseList");
}

/// A `PurgeReleaseMessage`: remove the release and its files.
pub fn purge(m: &Message, d: Dialect, p: &Purge) -> Vec<u8> {
    purge_with(&m.header, &m.body.language, d, p)
}

/// A `PurgeReleaseMessage` from a header alone (the release may be gone from the catalogue).
pub fn purge_with(h: &Header, language: &str, d: Dialect, p: &Purge) -> Vec<u8> {
    let mut x = Xml::new();
    x.open("ern:PurgeReleaseMessage", &root_attrs(d, None, language));
    header(&mut x, h);
    x.open("PurgedRelease", &[]);
    release_id(&mut x, &p.id, &h.sender.dpid);
    x.open("Title", &[]);
    x.text("TitleText", &p.title);
    x.close("Title");
    x.open("Contributor", &[]);
    x.open("PartyName", &[]);
    x.text("FullName", &p.display_artist_name);
    x.close("PartyName");
    d.role(&mut x, "Artist");
    x.close("Contributor");
    x.close("PurgedRelease");
    x.close("ern:PurgeReleaseMessage");
    x.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn khz() {
        assert_eq!(super::khz(44_100), "44.1");
        assert_eq!(super::khz(48_000), "48");
        assert_eq!(super::khz(88_200), "88.2");
    }
}

//! ERN 3.8.2 (`http://ddex.net/xml/ern/382`, AVS of 2016-10-06): writes a [`Message`] as a
//! `NewReleaseMessage` or `PurgeReleaseMessage`, for DSPs that still take ERN 3.
//!
//! The model is the one ERN 4.3 is written from; what ERN 3 says differently:
//! - no `PartyList`: artists and contributors are named where they appear;
//! - resources and releases carry a `ReferenceTitle` and their display fields inside
//!   `…DetailsByTerritory` (one, `Worldwide`); track releases are `Release`s of type
//!   `TrackRelease` identified by ISRC;
//! - `UpdateIndicator` says whether the DSP has the release already ([`Header::update`]);
//! - a takedown (no deal) is written as one deal per release with `TakeDown`, which ERN 3
//!   DSPs act on, rather than as a message without deals;
//! - contributor roles come from the 2016 sets ([`super::avs382`]): a musical-work role
//!   (`Composer`, `Lyricist` …) makes an `IndirectResourceContributor`, `StudioProducer` is
//!   `Producer`, and a role the 2016 set lacks (`MixingEngineer` …) is written as
//!   `UserDefined` with the role as its `UserDefinedValue`.
//!
//! Element order follows the XSD's sequences; values come from the 2016 allowed-value sets
//! (a language tag the set lacks is left out). Every message of catalog-example validates
//! against the official 3.8.2 XSD in the tests.

use super::avs382;
use super::ern43::copyright;
use super::xml::Xml;
use crate::message::{
    Deal, DisplayArtist, FileRef, Header, Message, Party, Purge, ReleaseId, SoundRecording,
    iso_duration,
};

pub const NAMESPACE: &str = "http://ddex.net/xml/ern/382";

fn root_attrs(language: &str) -> [(&str, &str); 5] {
    [
        ("xmlns:ern", NAMESPACE),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        (
            "xsi:schemaLocation",
            "http://ddex.net/xml/ern/382 http://ddex.net/xml/ern/382/release-notification.xsd",
        ),
        ("MessageSchemaVersionId", "ern/382"),
        ("LanguageAndScriptCode", language),
    ]
}

/// The bytes of `m` in ERN 3.8.2.
pub fn write(m: &Message) -> Vec<u8> {
    match m.kind {
        crate::message::Kind::NewRelease => new_release(m),
        crate::message::Kind::Purge => purge(
            &m.header,
            &m.body.language,
            &Purge {
                id: m.body.release.id.clone(),
                title: m.body.release.title.clone(),
                display_artist_name: m.body.release.display_artist_name.clone(),
            },
        ),
    }
}

/// A `PurgeReleaseMessage`: remove the release and its files.
pub fn purge(h: &Header, language: &str, p: &Purge) -> Vec<u8> {
    let mut x = Xml::new();
    x.open("ern:PurgeReleaseMessage", &root_attrs(language));
    super::ern43::header(&mut x, h);
    x.open("PurgedRelease", &[]);
    release_id(&mut x, &p.id, None, &h.sender.dpid);
    title(&mut x, "Title", &p.title, None);
    x.open("ResourceContributor", &[]);
    party_name(&mut x, &p.display_artist_name, None);
    x.text("ResourceContributorRole", "MainArtist");
    x.close("ResourceContributor");
    x.close("PurgedRelease");
    x.close("ern:PurgeReleaseMessage");
    x.finish()
}

fn party_name(x: &mut Xml, name: &str, sort_name: Option<&str>) {
    x.open("PartyName", &[]);
    x.text("FullName", name);
    x.opt("FullNameIndexed", sort_name);
    x.close("PartyName");
}

/// A party's name (and ISNI) where ERN 3 names it: display artists, contributors.
fn party(x: &mut Xml, p: Option<&Party>, reference: &str) {
    match p {
        Some(p) => {
            party_name(x, &p.name, p.sort_name.as_deref());
            if let Some(isni) = &p.isni {
                x.text_with("PartyId", &[("IsISNI", "true")], isni);
            }
        }
        // Every reference the model makes is to a party it lists; kept readable regardless.
        None => party_name(x, reference.trim_start_matches('P'), None),
    }
}

/// `<tag TitleType=…><TitleText>…</TitleText><SubTitle>…</SubTitle></tag>`.
fn title(x: &mut Xml, tag: &str, text: &str, kind: Option<&str>) {
    match kind {
        Some(k) => x.open(tag, &[("TitleType", k)]),
        None => x.open(tag, &[]),
    }
    x.text("TitleText", text);
    x.close(tag);
}

fn reference_title(x: &mut Xml, text: &str, version: Option<&str>) {
    x.open("ReferenceTitle", &[]);
    x.text("TitleText", text);
    x.opt("SubTitle", version);
    x.close("ReferenceTitle");
}

/// The formal title (with its version as a subtitle) and the display title.
fn titles(x: &mut Xml, text: &str, version: Option<&str>) {
    x.open("Title", &[("TitleType", "FormalTitle")]);
    x.text("TitleText", text);
    if let Some(v) = version {
        x.text_with("SubTitle", &[("SubTitleType", "Version")], v);
    }
    x.close("Title");
    let display = match version {
        Some(v) => format!("{text} ({v})"),
        None => text.to_string(),
    };
    title(x, "Title", &display, Some("DisplayTitle"));
}

fn display_artists(x: &mut Xml, parties: &Parties<'_>, artists: &[DisplayArtist]) {
    for (i, a) in artists.iter().enumerate() {
        x.open("DisplayArtist", &[("SequenceNumber", &(i + 1).to_string())]);
        party(x, parties.get(&a.party), &a.party);
        x.text("ArtistRole", a.role);
        x.close("DisplayArtist");
    }
}

fn genre(x: &mut Xml, text: &str, sub: Option<&str>) {
    x.open("Genre", &[]);
    x.text("GenreText", text);
    x.opt("SubGenre", sub);
    x.close("Genre");
}

fn release_id(x: &mut Xml, id: &ReleaseId, isrc: Option<&str>, namespace: &str) {
    x.open("ReleaseId", &[]);
    x.opt("GRid", id.grid.as_deref());
    x.opt("ISRC", isrc);
    x.opt("ICPN", id.icpn.as_deref());
    if let Some(c) = &id.catalog_number {
        x.text_with("CatalogNumber", &[("Namespace", namespace)], c);
    }
    if let Some(p) = &id.proprietary_id {
        x.text_with("ProprietaryId", &[("Namespace", namespace)], p);
    }
    x.close("ReleaseId");
}

/// `resources/<name>`: `FileName` and `FilePath` (with its trailing `/`), and the MD5.
fn file(x: &mut Xml, f: &FileRef) {
    let (path, name) = match f.uri.rsplit_once('/') {
        Some((dir, name)) => (Some(format!("{dir}/")), name),
        None => (None, f.uri.as_str()),
    };
    x.open("File", &[]);
    x.text("FileName", name);
    x.opt("FilePath", path.as_deref());
    x.open("HashSum", &[]);
    x.text("HashSum", &f.md5);
    x.text("HashSumAlgorithmType", "MD5");
    x.close("HashSum");
    x.close("File");
}

/// The message's parties by reference.
struct Parties<'a>(&'a [Party]);

impl<'a> Parties<'a> {
    fn get(&self, reference: &str) -> Option<&'a Party> {
        self.0.iter().find(|p| p.reference == reference)
    }

    fn name(&self, reference: &str) -> &'a str {
        self.get(reference).map_or("", |p| p.name.as_str())
    }
}

/// `sender`: the namespace of `UserDefined` roles.
fn contributors(x: &mut Xml, parties: &Parties<'_>, r: &SoundRecording, sender: &str) {
    // Roles of the recording first (`ResourceContributor`), then of the work
    // (`IndirectResourceContributor`), as the XSD orders them.
    for (indirect, tag, role_tag) in [
        (false, "ResourceContributor", "ResourceContributorRole"),
        (
            true,
            "IndirectResourceContributor",
            "IndirectResourceContributorRole",
        ),
    ] {
        let mut seq = 0;
        for c in &r.contributors {
            let roles: Vec<&str> = c
                .roles
                .iter()
                .map(String::as_str)
                .filter(|role| avs382::is_work_role(role) == indirect)
                .collect();
            if roles.is_empty() {
                continue;
            }
            seq += 1;
            x.open(tag, &[("SequenceNumber", &seq.to_string())]);
            party(x, parties.get(&c.party), &c.party);
            for role in roles {
                match avs382::role(role) {
                    avs382::Role::Listed(v) => x.text(role_tag, v),
                    avs382::Role::UserDefined(v) => x.text_with(
                        role_tag,
                        &[("Namespace", sender), ("UserDefinedValue", v)],
                        "UserDefined",
                    ),
                }
            }
            x.close(tag);
        }
    }
}

fn sound_recording(x: &mut Xml, m: &Message, parties: &Parties<'_>, r: &SoundRecording) {
    let b = &m.body;
    x.open("SoundRecording", &[]);
    x.text("SoundRecordingType", "MusicalWorkSoundRecording");
    x.open("SoundRecordingId", &[]);
    x.text("ISRC", &r.isrc);
    x.close("SoundRecordingId");
    if let Some(iswc) = &r.iswc {
        x.open("IndirectSoundRecordingId", &[]);
        x.text("ISWC", iswc);
        x.close("IndirectSoundRecordingId");
    }
    x.text("ResourceReference", &r.reference);
    reference_title(x, &r.title, r.version.as_deref());
    if r.instrumental {
        x.text("IsInstrumental", "true");
    }
    // A language the 2016 set lacks (`zxx`, `yue` …) is left out.
    x.opt(
        "LanguageOfPerformance",
        r.language.as_deref().and_then(avs382::language),
    );
    x.text("Duration", &iso_duration(r.duration_ms));
    x.open("SoundRecordingDetailsByTerritory", &[]);
    x.text("TerritoryCode", "Worldwide");
    titles(x, &r.title, r.version.as_deref());
    display_artists(x, parties, &r.display_artists);
    contributors(x, parties, r, &m.header.sender.dpid);
    x.text("DisplayArtistName", &r.display_artist_name);
    x.text("LabelName", parties.name(&b.release.label_party));
    copyright(x, "PLine", "PLineText", &r.p_line);
    genre(x, &b.release.genre, b.release.subgenre.as_deref());
    x.text("ParentalWarningType", r.parental_warning);
    if let Some(t) = &r.technical {
        x.open("TechnicalSoundRecordingDetails", &[]);
        x.text("TechnicalResourceDetailsReference", &t.reference);
        x.text("AudioCodecType", t.codec);
        x.text("NumberOfChannels", &t.channels.to_string());
        x.text_with(
            "SamplingRate",
            &[("UnitOfMeasure", "kHz")],
            &super::ern43::khz(t.sample_rate),
        );
        x.text("BitsPerSample", &t.bits_per_sample.to_string());
        x.text("Duration", &iso_duration(t.duration_ms));
        x.text("IsPreview", "false");
        file(x, &t.file);
        x.close("TechnicalSoundRecordingDetails");
    }
    x.close("SoundRecordingDetailsByTerritory");
    x.close("SoundRecording");
}

fn deal(x: &mut Xml, d: &Deal, recipient: &str) {
    x.open("Deal", &[]);
    x.open("DealTerms", &[]);
    if d.pre_order {
        x.text("IsPreOrderDeal", "true");
    }
    for m in &d.commercial_models {
        x.text("CommercialModelType", m);
    }
    x.open("Usage", &[]);
    for u in &d.use_types {
        x.text("UseType", u);
    }
    x.close("Usage");
    super::ern43::territories(x, &d.territories);
    if let Some(p) = &d.price_code {
        x.open("PriceInformation", &[]);
        x.text_with("PriceType", &[("Namespace", recipient)], p);
        x.close("PriceInformation");
    }
    // Dates, inclusive: each territory reads them in its own time.
    x.open("ValidityPeriod", &[]);
    x.text("StartDate", &d.start);
    x.opt("EndDate", d.end.as_deref());
    x.close("ValidityPeriod");
    x.close("DealTerms");
    x.close("Deal");
}

/// ERN 3's takedown: a deal with `TakeDown`, everywhere, from the day of the message.
fn takedown(x: &mut Xml, day: &str) {
    x.open("Deal", &[]);
    x.open("DealTerms", &[]);
    x.text("TakeDown", "true");
    x.text("TerritoryCode", "Worldwide");
    x.open("ValidityPeriod", &[]);
    x.text("StartDate", day);
    x.close("ValidityPeriod");
    x.close("DealTerms");
    x.close("Deal");
}

fn new_release(m: &Message) -> Vec<u8> {
    let b = &m.body;
    let sender = m.header.sender.dpid.as_str();
    let parties = Parties(&b.parties);
    let mut x = Xml::new();
    x.open("ern:NewReleaseMessage", &root_attrs(&b.language));
    super::ern43::header(&mut x, &m.header);
    x.text(
        "UpdateIndicator",
        if m.header.update {
            "UpdateMessage"
        } else {
            "OriginalMessage"
        },
    );

    x.open("ResourceList", &[]);
    for r in &b.sound_recordings {
        sound_recording(&mut x, m, &parties, r);
    }
    for img in &b.images {
        x.open("Image", &[]);
        x.text("ImageType", "FrontCoverImage");
        x.open("ImageId", &[]);
        x.text_with(
            "ProprietaryId",
            &[("Namespace", sender)],
            &img.proprietary_id,
        );
        x.close("ImageId");
        x.text("ResourceReference", &img.reference);
        x.open("ImageDetailsByTerritory", &[]);
        x.text("TerritoryCode", "Worldwide");
        if let Some(t) = &img.technical {
            x.open("TechnicalImageDetails", &[]);
            x.text("TechnicalResourceDetailsReference", &t.reference);
            super::ern43::image_format(&mut x, t);
            x.text("IsPreview", "false");
            file(&mut x, &t.file);
            x.close("TechnicalImageDetails");
        }
        x.close("ImageDetailsByTerritory");
        x.close("Image");
    }
    x.close("ResourceList");

    let rel = &b.release;
    let label = parties.name(&rel.label_party);
    x.open("ReleaseList", &[]);
    x.open("Release", &[("IsMainRelease", "true")]);
    release_id(&mut x, &rel.id, None, sender);
    x.text("ReleaseReference", &rel.reference);
    reference_title(&mut x, &rel.title, rel.version.as_deref());
    x.open("ReleaseResourceReferenceList", &[]);
    // A recording on the release twice is one resource.
    let mut listed = std::collections::HashSet::new();
    for r in rel.discs.iter().flatten().filter(|r| listed.insert(*r)) {
        x.text_with(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", "PrimaryResource")],
            r,
        );
    }
    if let Some(c) = &rel.cover {
        x.text_with(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", "SecondaryResource")],
            c,
        );
    }
    x.close("ReleaseResourceReferenceList");
    x.text("ReleaseType", rel.release_type);
    x.open("ReleaseDetailsByTerritory", &[]);
    x.text("TerritoryCode", "Worldwide");
    x.text("DisplayArtistName", &rel.display_artist_name);
    x.text("LabelName", label);
    titles(&mut x, &rel.title, rel.version.as_deref());
    display_artists(&mut x, &parties, &rel.display_artists);
    x.text(
        "IsMultiArtistCompilation",
        if rel.multi_artist_compilation {
            "true"
        } else {
            "false"
        },
    );
    x.text("ParentalWarningType", rel.parental_warning);
    x.open("ResourceGroup", &[]);
    // Tracks are numbered; the cover is not, as in DDEX's 3.8 audio album sample.
    let item = |x: &mut Xml, seq: Option<usize>, r: &str| {
        x.open("ResourceGroupContentItem", &[]);
        if let Some(n) = seq {
            x.text("SequenceNumber", &n.to_string());
        }
        let (kind, role) = match seq {
            Some(_) => ("SoundRecording", "PrimaryResource"),
            None => ("Image", "SecondaryResource"),
        };
        x.text("ResourceType", kind);
        x.text_with(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", role)],
            r,
        );
        x.close("ResourceGroupContentItem");
    };
    x.text("SequenceNumber", "1");
    if rel.discs.len() > 1 {
        // One sub-group per disc.
        for (d, disc) in rel.discs.iter().enumerate() {
            x.open("ResourceGroup", &[]);
            x.text("SequenceNumber", &(d + 1).to_string());
            for (i, r) in disc.iter().enumerate() {
                item(&mut x, Some(i + 1), r);
            }
            x.close("ResourceGroup");
        }
    }
    if rel.discs.len() == 1 {
        for (i, r) in rel.discs.iter().flatten().enumerate() {
            item(&mut x, Some(i + 1), r);
        }
    }
    if let Some(c) = &rel.cover {
        item(&mut x, None, c);
    }
    x.close("ResourceGroup");
    genre(&mut x, &rel.genre, rel.subgenre.as_deref());
    x.text("ReleaseDate", &rel.release_date);
    x.opt("OriginalReleaseDate", rel.original_release_date.as_deref());
    x.close("ReleaseDetailsByTerritory");
    x.text("Duration", &iso_duration(rel.duration_ms));
    copyright(&mut x, "PLine", "PLineText", &rel.p_line);
    copyright(&mut x, "CLine", "CLineText", &rel.c_line);
    x.text("GlobalReleaseDate", &rel.release_date);
    x.opt(
        "GlobalOriginalReleaseDate",
        rel.original_release_date.as_deref(),
    );
    x.close("Release");

    for t in &b.track_releases {
        let r = b
            .sound_recordings
            .iter()
            .find(|r| r.reference == t.resource);
        x.open("Release", &[]);
        let id = ReleaseId {
            grid: None,
            icpn: None,
            catalog_number: None,
            proprietary_id: Some(t.proprietary_id.clone()),
        };
        release_id(&mut x, &id, r.map(|r| r.isrc.as_str()), sender);
        x.text("ReleaseReference", &t.reference);
        let (name, version) = r.map_or(("", None), |r| (r.title.as_str(), r.version.as_deref()));
        reference_title(&mut x, name, version);
        x.open("ReleaseResourceReferenceList", &[]);
        x.text_with(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", "PrimaryResource")],
            &t.resource,
        );
        x.close("ReleaseResourceReferenceList");
        x.text("ReleaseType", "TrackRelease");
        x.open("ReleaseDetailsByTerritory", &[]);
        x.text("TerritoryCode", "Worldwide");
        if let Some(r) = r {
            x.text("DisplayArtistName", &r.display_artist_name);
        }
        x.text("LabelName", parties.name(&t.label_party));
        if let Some(r) = r {
            titles(&mut x, &r.title, r.version.as_deref());
            display_artists(&mut x, &parties, &r.display_artists);
            x.text("ParentalWarningType", r.parental_warning);
        }
        genre(&mut x, &t.genre, t.subgenre.as_deref());
        x.text("ReleaseDate", &rel.release_date);
        x.close("ReleaseDetailsByTerritory");
        if let Some(r) = r {
            copyright(&mut x, "PLine", "PLineText", &r.p_line);
        }
        x.close("Release");
    }
    x.close("ReleaseList");

    x.open("DealList", &[]);
    if b.deals.is_empty() {
        // A takedown: every release of the message, from today.
        let day = m.header.created.get(..10).unwrap_or(&m.header.created);
        for r in
            std::iter::once(&rel.reference).chain(b.track_releases.iter().map(|t| &t.reference))
        {
            x.open("ReleaseDeal", &[]);
            x.text("DealReleaseReference", r);
            takedown(&mut x, day);
            x.close("ReleaseDeal");
        }
    } else {
        x.open("ReleaseDeal", &[]);
        x.text("DealReleaseReference", &rel.reference);
        for t in &b.track_releases {
            x.text("DealReleaseReference", &t.reference);
        }
        for d in &b.deals {
            deal(&mut x, d, m.header.recipient.dpid.as_str());
        }
        x.close("ReleaseDeal");
    }
    x.close("DealList");
    x.close("ern:NewReleaseMessage");
    x.finish()
}

//! Lower: the checked catalogue → one [`Message`] per release per DSP.
//!
//! Pure: media facts (codec, size, hash) come in as a [`MediaTable`] that `build` fills
//! through the world; the clock comes in as a timestamp.

use crate::media::{AudioCodec, AudioInfo, ImageCodec, ImageInfo};
use crate::message::{
    self, AudioDetails, Body, Contributor, CopyrightLine, Deal as MsgDeal, DisplayArtist, FileRef,
    Header, Image, ImageDetails, Kind, Message, MessageParty, Party, ReleaseId, SoundRecording,
    Territories as MsgTerritories, TrackRelease,
};
use crate::model::date::Date;
use crate::model::iso::TerritorySet;
use crate::model::text::slug;
use crate::model::{Catalogue, Deal, Dsp, Label, Owner, Recording, Release};
use crate::syntax::release::ReleaseKind;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What was read from one media file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MediaFacts<T> {
    pub info: T,
    pub md5: String,
    pub size: u64,
}

/// What `check` learnt from one media file, as the world keeps it between runs
/// ([`crate::world::World::recall_media`]): facts as audio and as an image (a file is read
/// as what the catalogue uses it for).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KnownMedia {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<MediaFacts<AudioInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaFacts<ImageInfo>>,
}

/// Media facts by root-relative path. Files that could not be read are absent (and were
/// reported by `check`).
#[derive(Debug, Clone, Default)]
pub struct MediaTable {
    pub audio: BTreeMap<String, MediaFacts<AudioInfo>>,
    pub images: BTreeMap<String, MediaFacts<ImageInfo>>,
}

/// The deals of `rel` that name `dsp`.
pub fn deals_for<'a>(rel: &'a Release, dsp: &str) -> Vec<&'a Deal> {
    rel.deals
        .iter()
        .filter(|d| d.dsps.iter().any(|x| x.value == dsp))
        .collect()
}

/// The DDEX deals of `rel` for `dsp` (empty when no deal names it).
pub fn lowered_deals(rel: &Release, dsp: &str) -> Vec<MsgDeal> {
    deals_for(rel, dsp)
        .into_iter()
        .flat_map(lower_deal)
        .collect()
}

/// `YYYY-MM-DDThh:mm:ssZ` of a Unix time.
pub fn timestamp(secs: i64) -> String {
    let d = Date::from_unix(secs);
    let t = secs.rem_euclid(86_400);
    format!("{d}T{:02}:{:02}:{:02}Z", t / 3600, t / 60 % 60, t % 60)
}

/// Hex SHA-256 of anything serialisable (its JSON form).
pub fn content_hash<T: serde::Serialize>(value: &T) -> String {
    let mut h = Hashing(Sha256::new());
    // Serializing these plain data types cannot fail; a failure would hash what was written.
    let mut w = std::io::BufWriter::with_capacity(8192, &mut h);
    let _ = serde_json::to_writer(&mut w, value);
    let _ = std::io::Write::flush(&mut w);
    drop(w);
    hex(&h.0.finalize())
}

/// The JSON goes straight into the hash, never into memory: a message body is tens of KB.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lowercase hexadecimal (a digest's usual spelling); by table, not `format!`, as a build
/// spells a few hundred thousand digests.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

fn party_ref(id: &str) -> String {
    format!("P{id}")
}

/// The owner named in copyright lines and the label name shown, for a release.
fn brand<'a>(cat: &'a Catalogue, label: &'a Label, rel: &Release) -> (&'a str, &'a str) {
    let label_owner = label.copyright_owner.as_deref().unwrap_or(&label.name);
    match &rel.owner {
        Owner::Client(c) => cat
            .clients
            .get(c)
            .map_or((label.name.as_str(), label_owner), |c| {
                (c.name.as_str(), c.copyright_owner.as_str())
            }),
        Owner::Imprint(i) => cat
            .imprints
            .get(i)
            .map_or((label.name.as_str(), label_owner), |i| {
                (
                    i.name.as_str(),
                    i.copyright_owner.as_deref().unwrap_or(label_owner),
                )
            }),
        Owner::Label => (label.name.as_str(), label_owner),
    }
}

fn names(cat: &Catalogue, ids: &[crate::syntax::decode::S<String>]) -> Vec<String> {
    ids.iter()
        .map(|p| {
            cat.parties
                .get(&p.value)
                .map_or_else(|| p.value.clone(), |x| x.name.clone())
        })
        .collect()
}

/// `A`, `A & B`, `A, B & C`.
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} & {last}", init.join(", ")),
    }
}

fn display_artist_name(cat: &Catalogue, rec: &Recording) -> String {
    if let Some(d) = &rec.display_artist {
        return d.clone();
    }
    let main = join_names(&names(cat, &rec.artists));
    let feat = names(cat, &rec.featuring);
    if feat.is_empty() {
        main
    } else {
        format!("{main} feat. {}", join_names(&feat))
    }
}

fn parental_warning(explicit: Option<bool>) -> &'static str {
    match explicit {
        Some(true) => "Explicit",
        Some(false) => "NotExplicit",
        None => "Unknown",
    }
}

fn extension(path: &str) -> String {
    path.rsplit_once('.')
        .map_or_else(String::new, |(_, e)| e.to_ascii_lowercase())
}

/// Territories of a deal as DDEX writes them.
fn territories(t: &crate::model::Territories) -> MsgTerritories {
    if t.worldwide {
        if t.excluded.is_empty() {
            MsgTerritories::Included(vec!["Worldwide".to_string()])
        } else {
            MsgTerritories::Excluded(t.excluded.iter().map(str::to_string).collect())
        }
    } else if t.set == TerritorySet::all() {
        MsgTerritories::Included(vec!["Worldwide".to_string()])
    } else {
        MsgTerritories::Included(t.set.iter().map(str::to_string).collect())
    }
}

/// Everything needed to lower one release for one DSP.
#[derive(Clone, Copy)]
pub struct Lowering<'a> {
    pub cat: &'a Catalogue,
    pub label: &'a Label,
    pub media: &'a MediaTable,
    /// Unix seconds, for the header.
    pub now: i64,
    /// Mixed into message ids: `apply` passes the state's serial, so every delivery gets a
    /// new id even when the clock is fixed (`SOURCE_DATE_EPOCH`); `build` passes 0.
    pub sequence: u64,
}

/// What every DSP's message about one release says alike: the body without deals, and the
/// JSON the content hash reads it as up to its deals (`…,"deals":`). Lowered once per release
/// however many DSPs get it; [`Lowering::header`] and the DSP's deals complete a message.
#[derive(Debug, Clone)]
pub struct Shared {
    /// `deals` empty.
    pub body: Body,
    /// The body's JSON up to its deals.
    json: Option<Vec<u8>>,
}

impl Shared {
    /// The content hash of the message with `deals` to the DSP of DPID `recipient`: the same
    /// as [`content_hash`] of `(recipient, body)` with the deals in the body (the hash that
    /// `plan` compares with what was delivered), without serialising the shared part again.
    pub fn content_hash(&self, recipient: &str, deals: &[MsgDeal]) -> String {
        let Some(json) = &self.json else {
            let body = Body {
                deals: deals.to_vec(),
                ..self.body.clone()
            };
            return content_hash(&(recipient, &body));
        };
        let mut h = Hashing(Sha256::new());
        let mut w = std::io::BufWriter::with_capacity(8192, &mut h);
        // As `content_hash(&(recipient, &body))`: `["<recipient>",{<body>}]`.
        let _ = std::io::Write::write_all(&mut w, b"[");
        let _ = serde_json::to_writer(&mut w, recipient);
        let _ = std::io::Write::write_all(&mut w, b",");
        let _ = std::io::Write::write_all(&mut w, json);
        let _ = serde_json::to_writer(&mut w, deals);
        let _ = std::io::Write::write_all(&mut w, b"}]");
        let _ = std::io::Write::flush(&mut w);
        drop(w);
        hex(&h.0.finalize())
    }
}

impl Lowering<'_> {
    /// The message for `rel` to `dsp`, or `None` when no deal of the release names the DSP.
    pub fn message(&self, rel: &Release, dsp: &Dsp) -> Option<Message> {
        if deals_for(rel, &dsp.id.value).is_empty() {
            return None;
        }
        let deals = lowered_deals(rel, &dsp.id.value);
        Some(self.assemble(self.shared(rel), rel, dsp, deals))
    }

    /// The same release restated with no deals: a takedown for a DSP that no deal names any
    /// more (used by `plan` when the DSP received the release before).
    pub fn takedown(&self, rel: &Release, dsp: &Dsp) -> Message {
        self.assemble(self.shared(rel), rel, dsp, Vec::new())
    }

    fn assemble(&self, shared: Shared, rel: &Release, dsp: &Dsp, deals: Vec<MsgDeal>) -> Message {
        let hash = shared.content_hash(dsp.party_id.as_str(), &deals);
        let header = self.header(rel, dsp, &hash);
        let mut body = shared.body;
        body.deals = deals;
        Message {
            kind: Kind::NewRelease,
            header,
            body,
            content_hash: hash,
        }
    }

    /// What `rel`'s messages say alike for every DSP.
    pub fn shared(&self, rel: &Release) -> Shared {
        let body = self.body(rel);
        // `…,"deals":[]}` without its empty deals and the closing brace: `deals` is the body's
        // last field. Were it not, the hash is worked out from the whole body instead.
        let json = serde_json::to_vec(&body)
            .ok()
            .and_then(|j| j.strip_suffix(b"[]}").map(<[u8]>::to_vec))
            .filter(|j| j.ends_with(b"\"deals\":"));
        Shared { body, json }
    }

    /// A `PurgeReleaseMessage` for a release that left the catalogue, from what the DSP was
    /// last sent.
    pub fn purge(&self, dsp: &Dsp, upc: &str, title: &str, artist: &str) -> Vec<u8> {
        let purge = message::Purge {
            id: ReleaseId {
                grid: None,
                icpn: Some(upc.to_string()),
                catalog_number: None,
                proprietary_id: None,
            },
            title: title.to_string(),
            display_artist_name: artist.to_string(),
        };
        let id = content_hash(&(&dsp.party_id.as_str(), &purge, self.now, self.sequence));
        let header = self.header_to(dsp, upc, &id, None);
        crate::ddex::purge(&header, &self.label.language, &purge, dsp.ern)
    }

    /// The header of `rel`'s message to `dsp` whose content hashes to `hash`.
    pub fn header(&self, rel: &Release, dsp: &Dsp, hash: &str) -> Header {
        // The id also covers the clock, so content that returns to an earlier state is
        // still a new message; `content_hash` alone is what `plan` compares.
        let id = content_hash(&(hash, self.now, self.sequence));
        let sent_on_behalf_of = match &rel.owner {
            Owner::Client(c) => self.cat.clients.get(c).and_then(|c| {
                c.party_id.as_ref().map(|p| MessageParty {
                    dpid: p.as_str().to_string(),
                    name: c.name.clone(),
                })
            }),
            _ => None,
        };
        self.header_to(dsp, rel.upc.value.as_str(), &id, sent_on_behalf_of)
    }

    /// A header from the label to `dsp` about the release of UPC `thread`, its message id
    /// taken from the hash `id`.
    fn header_to(
        &self,
        dsp: &Dsp,
        thread: &str,
        id: &str,
        sent_on_behalf_of: Option<MessageParty>,
    ) -> Header {
        Header {
            thread_id: thread.to_string(),
            message_id: format!("SLV-{}", id.get(..24).unwrap_or(id)),
            sender: MessageParty {
                dpid: self.label.party_id.as_str().to_string(),
                name: self.label.name.clone(),
            },
            sent_on_behalf_of,
            recipient: MessageParty {
                dpid: dsp.party_id.as_str().to_string(),
                name: dsp.name.clone(),
            },
            created: timestamp(self.now),
            test: dsp.test,
            update: false,
        }
    }

    /// The body of `rel`'s messages without deals.
    fn body(&self, rel: &Release) -> Body {
        let cat = self.cat;
        let label = self.label;
        let (label_name, owner) = brand(cat, label, rel);
        let upc = rel.upc.value.as_str();
        let year = rel.release_date.value.year as u16;
        let default_line = CopyrightLine {
            year,
            text: format!("{year} {owner}"),
        };
        let p_line = line(rel.p_line.as_ref(), &default_line);
        let c_line = line(rel.c_line.as_ref(), &default_line);

        // Parties, in first-use order, each once.
        let mut parties: Vec<Party> = Vec::new();
        // Party ids are lowercase, so these references cannot collide with a party's.
        let label_ref = format!("PLabel-{}", slug(label_name));
        let add_party = |id: &str, parties: &mut Vec<Party>| -> String {
            let reference = party_ref(id);
            if !parties.iter().any(|p| p.reference == reference) {
                let p = cat.parties.get(id);
                parties.push(Party {
                    reference: reference.clone(),
                    name: p.map_or_else(|| id.to_string(), |p| p.name.clone()),
                    sort_name: p.and_then(|p| p.sort_name.clone()),
                    isni: p.and_then(|p| p.isni.as_ref().map(|i| i.as_str().to_string())),
                    dpid: None,
                    ipi: p.and_then(|p| p.ipi.clone()),
                });
            }
            reference
        };

        // Release display artists.
        let mut release_artists = Vec::new();
        if rel.various_artists {
            let reference = "PVariousArtists".to_string();
            parties.push(Party {
                reference: reference.clone(),
                name: "Various Artists".to_string(),
                sort_name: None,
                isni: None,
                dpid: None,
                ipi: None,
            });
            release_artists.push(DisplayArtist {
                party: reference,
                role: "MainArtist",
            });
        } else {
            for a in &rel.artists {
                let r = add_party(&a.value, &mut parties);
                release_artists.push(DisplayArtist {
                    party: r,
                    role: "MainArtist",
                });
            }
        }
        let release_artist_name = rel.display_artist.clone().unwrap_or_else(|| {
            if rel.various_artists {
                "Various Artists".to_string()
            } else {
                join_names(&names(cat, &rel.artists))
            }
        });

        // Sound recordings, in track order, each once.
        let mut recordings: Vec<SoundRecording> = Vec::new();
        let mut by_id: BTreeMap<&str, String> = BTreeMap::new();
        let mut discs: Vec<Vec<String>> = Vec::new();
        let mut total_ms = 0;
        let mut explicit_all = Some(false);
        for (d, disc) in rel.discs.iter().enumerate() {
            let mut refs = Vec::new();
            for (n, t) in disc.tracks.iter().enumerate() {
                let Some(rec) = cat.recordings.get(&t.value) else {
                    continue;
                };
                total_ms = rec.duration_ms.value.saturating_add(total_ms);
                explicit_all = match (explicit_all, rec.explicit.as_ref().map(|e| e.value)) {
                    (_, Some(true)) | (Some(true), _) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
                if let Some(r) = by_id.get(t.value.as_str()) {
                    refs.push(r.clone());
                    continue;
                }
                let k = recordings.len() + 1;
                let reference = format!("A{k}");
                by_id.insert(t.value.as_str(), reference.clone());
                refs.push(reference.clone());
                let mut display_artists = Vec::new();
                for a in &rec.artists {
                    display_artists.push(DisplayArtist {
                        party: add_party(&a.value, &mut parties),
                        role: "MainArtist",
                    });
                }
                for a in &rec.featuring {
                    display_artists.push(DisplayArtist {
                        party: add_party(&a.value, &mut parties),
                        role: "FeaturedArtist",
                    });
                }
                let contributors = rec
                    .credits
                    .iter()
                    .map(|c| Contributor {
                        party: add_party(&c.party.value, &mut parties),
                        roles: c.roles.iter().map(|r| r.value.clone()).collect(),
                    })
                    .collect();
                let technical = rec.audio.as_ref().and_then(|a| {
                    let facts = self.media.audio.get(&a.path)?;
                    Some(AudioDetails {
                        reference: format!("T{k}"),
                        codec: match facts.info.codec {
                            AudioCodec::Flac => "FLAC",
                            AudioCodec::Wav => "PCM",
                        },
                        channels: facts.info.channels,
                        sample_rate: facts.info.sample_rate,
                        bits_per_sample: facts.info.bits_per_sample,
                        duration_ms: facts.info.duration_ms,
                        file: FileRef {
                            uri: format!(
                                "resources/{upc}_T{k}_SoundRecording_{:02}-{:02}.{}",
                                d + 1,
                                n + 1,
                                extension(&a.path)
                            ),
                            md5: facts.md5.clone(),
                            size: facts.size,
                            source: a.path.clone(),
                        },
                    })
                });
                let rec_p_line = line(rec.p_line.as_ref(), &p_line);
                let language = rec.language.as_ref().map(|l| l.value.clone());
                recordings.push(SoundRecording {
                    reference,
                    isrc: rec.isrc.value.as_str().to_string(),
                    iswc: rec.iswc.as_ref().map(|i| i.value.as_str().to_string()),
                    p_line: rec_p_line,
                    technical,
                    title: rec.title.value.clone(),
                    version: rec.version.as_ref().map(|v| v.value.clone()),
                    display_artist_name: display_artist_name(cat, rec),
                    display_artists,
                    contributors,
                    duration_ms: rec.duration_ms.value,
                    parental_warning: parental_warning(rec.explicit.as_ref().map(|e| e.value)),
                    instrumental: language.as_deref() == Some("zxx"),
                    language: language.filter(|l| l != "zxx"),
                });
            }
            discs.push(refs);
        }

        // Cover art.
        let mut images = Vec::new();
        let cover = rel.artwork.as_ref().map(|a| {
            let k = recordings.len() + 1;
            let reference = format!("A{k}");
            let technical = self.media.images.get(&a.path).map(|facts| ImageDetails {
                reference: format!("T{k}"),
                codec: match facts.info.codec {
                    ImageCodec::Jpeg => "JPEG",
                    ImageCodec::Png => "PNG",
                },
                width: facts.info.width,
                height: facts.info.height,
                file: FileRef {
                    uri: format!("resources/{upc}_T{k}_Image.{}", extension(&a.path)),
                    md5: facts.md5.clone(),
                    size: facts.size,
                    source: a.path.clone(),
                },
            });
            images.push(Image {
                reference: reference.clone(),
                proprietary_id: format!("{upc}_cover"),
                technical,
            });
            reference
        });

        let track_releases = recordings
            .iter()
            .enumerate()
            .map(|(i, r)| TrackRelease {
                reference: format!("R{}", i + 1),
                proprietary_id: format!("{upc}_{}", r.isrc),
                resource: r.reference.clone(),
                label_party: label_ref.clone(),
                genre: rel.genre.value.clone(),
                subgenre: rel.subgenre.clone(),
            })
            .collect();

        // The label party last among parties is fine: references, not order, tie them.
        parties.push(Party {
            reference: label_ref.clone(),
            name: label_name.to_string(),
            sort_name: None,
            isni: None,
            dpid: match &rel.owner {
                Owner::Client(c) => cat
                    .clients
                    .get(c)
                    .and_then(|c| c.party_id.as_ref().map(|p| p.as_str().to_string())),
                _ => Some(label.party_id.as_str().to_string()),
            },
            ipi: None,
        });

        let single = rel.kind.value == ReleaseKind::Single && recordings.len() == 1;
        Body {
            language: label.language.clone(),
            profile: if single { "SimpleAudioSingle" } else { "Audio" },
            parties,
            sound_recordings: recordings,
            images,
            release: message::Release {
                reference: "R0".to_string(),
                release_type: match rel.kind.value {
                    ReleaseKind::Single => "Single",
                    ReleaseKind::Ep => "EP",
                    ReleaseKind::Album | ReleaseKind::Compilation => "Album",
                },
                id: ReleaseId {
                    grid: rel.grid.as_ref().map(|g| g.value.as_str().to_string()),
                    icpn: Some(upc.to_string()),
                    catalog_number: rel.catalog_number.clone(),
                    proprietary_id: None,
                },
                title: rel.title.value.clone(),
                version: rel.version.as_ref().map(|v| v.value.clone()),
                display_artist_name: release_artist_name,
                display_artists: release_artists,
                label_party: label_ref,
                p_line,
                c_line,
                duration_ms: total_ms,
                genre: rel.genre.value.clone(),
                subgenre: rel.subgenre.clone(),
                release_date: rel.release_date.value.to_string(),
                original_release_date: rel
                    .original_release_date
                    .as_ref()
                    .map(|d| d.value.to_string()),
                parental_warning: parental_warning(explicit_all),
                multi_artist_compilation: rel.various_artists,
                discs,
                cover,
            },
            track_releases,
            deals: Vec::new(),
        }
    }
}

/// A P- or C-line as written, or `default`.
fn line(
    written: Option<&crate::syntax::decode::S<crate::model::CopyrightLine>>,
    default: &CopyrightLine,
) -> CopyrightLine {
    written.map_or_else(
        || default.clone(),
        |l| CopyrightLine {
            year: l.value.year,
            text: format!("{} {}", l.value.year, l.value.owner),
        },
    )
}

/// The first day after `today` on which a plan of `cat` could differ: the day after the end of
/// a deal as delivered (a pre-order window ends the day before its deal starts), since `plan`
/// compares those ends with the day to tell a takedown (`Body::all_deals_ended`). Nothing else
/// in a plan depends on the day. `None`: no deal ends after `today`.
pub fn next_deal_change(cat: &Catalogue, today: Date) -> Option<Date> {
    cat.releases
        .values()
        .flat_map(|rel| rel.deals.iter())
        .flat_map(lower_deal)
        .filter_map(|d| d.end.as_deref().and_then(Date::parse))
        .map(|end| Date::from_days(end.days() + 1))
        .filter(|day| *day > today)
        .min()
}

/// A catalogue deal becomes one DDEX deal per commercial model (so a subscription is never
/// crossed with a download use), plus a pre-order deal for pay-as-you-go models.
fn lower_deal(d: &Deal) -> Vec<MsgDeal> {
    let mut out = Vec::new();
    let territories = territories(&d.territories);
    for m in &d.models {
        let uses = d.uses_of(m.value);
        if let Some(pre) = d.pre_order_of(m.value) {
            out.push(MsgDeal {
                territories: territories.clone(),
                start: pre.to_string(),
                end: Some(Date::from_days(d.start.value.days() - 1).to_string()),
                commercial_models: vec![m.value.ddex()],
                use_types: uses.iter().map(|u| u.ddex()).collect(),
                price_code: d.price_tier.clone(),
                pre_order: true,
            });
        }
        out.push(MsgDeal {
            territories: territories.clone(),
            start: d.start.value.to_string(),
            end: d.end.as_ref().map(|e| e.value.to_string()),
            commercial_models: vec![m.value.ddex()],
            use_types: uses.iter().map(|u| u.ddex()).collect(),
            price_code: d.price_tier.clone(),
            pre_order: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps() {
        assert_eq!(super::timestamp(1_735_689_600), "2025-01-01T00:00:00Z");
        assert_eq!(super::timestamp(1_735_693_261), "2025-01-01T01:01:01Z");
        assert_eq!(
            super::join_names(&["A".into(), "B".into(), "C".into()]),
            "A, B & C"
        );
    }
}

//! One ERN 4.3 `NewReleaseMessage` → [`Msg`], the few facts Sleeve models, plus a note for
//! every element that was present but not read (ERN 3.8.2 messages go to `read382`).

use super::Note;
use super::tree::{self, Node};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgParty {
    pub dpid: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct PartyIn {
    pub reference: String,
    pub name: String,
    pub sort_name: Option<String>,
    pub isni: Option<String>,
    pub ipi: Option<String>,
    pub dpid: Option<String>,
}

/// A copyright line: year and the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub year: u16,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct RecIn {
    pub reference: String,
    pub isrc: Option<String>,
    pub iswc: Option<String>,
    pub p_line: Option<Line>,
    pub file: Option<String>,
    pub title: String,
    pub version: Option<String>,
    pub display_title_text: Option<String>,
    pub display_artist_name: Option<String>,
    /// (party reference, DisplayArtistRole).
    pub artists: Vec<(String, String)>,
    pub contributors: Vec<(String, Vec<String>)>,
    pub duration_ms: Option<u64>,
    pub parental: Option<String>,
    pub instrumental: bool,
    pub language: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ImgIn {
    pub reference: String,
    pub kind: String,
    pub file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RelIn {
    /// ReleaseType values; `UserDefined` ones as `UserDefined:<value>`.
    pub types: Vec<String>,
    pub icpn: Option<String>,
    pub grid: Option<String>,
    pub catalog_number: Option<String>,
    pub proprietary_id: Option<String>,
    pub title: String,
    pub version: Option<String>,
    pub display_title_text: Option<String>,
    pub display_artist_name: Option<String>,
    pub artists: Vec<(String, String)>,
    pub label_ref: Option<String>,
    pub p_line: Option<Line>,
    pub c_line: Option<Line>,
    pub genre: Option<String>,
    pub subgenre: Option<String>,
    pub release_date: Option<String>,
    pub original_release_date: Option<String>,
    pub multi_artist: bool,
    /// Discs of resource references; one disc when the group has no sub-groups.
    pub discs: Vec<Vec<String>>,
    pub cover: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealIn {
    pub included: Vec<String>,
    pub excluded: Vec<String>,
    pub start: String,
    pub end: Option<String>,
    pub models: Vec<String>,
    pub uses: Vec<String>,
    pub price: Option<String>,
    pub pre_order: bool,
}

#[derive(Debug, Clone)]
pub struct Msg {
    pub file: String,
    /// `4.3` or `3.8.2`.
    pub ern: &'static str,
    pub language: Option<String>,
    pub sender: MsgParty,
    pub on_behalf: Option<MsgParty>,
    pub recipient: MsgParty,
    pub test: bool,
    pub parties: Vec<PartyIn>,
    pub recordings: Vec<RecIn>,
    pub images: Vec<ImgIn>,
    pub release: Option<RelIn>,
    /// TrackRelease genre by resource reference.
    pub track_genres: Vec<(String, String, Option<String>)>,
    pub deals: Vec<DealIn>,
}

struct Cx<'a> {
    file: &'a str,
    notes: &'a mut Vec<Note>,
}

impl Cx<'_> {
    fn note(&mut self, element: &str, value: &str, reason: &str) {
        self.notes.push(Note {
            file: self.file.to_string(),
            element: element.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        });
    }
}

/// The node among `name` children to read: `IsDefault="true"`, else the first without a
/// language, else the first. The others stay unread (and are reported).
pub(super) fn pick<'a>(n: &'a Node, name: &'a str) -> Option<&'a Node> {
    let all: Vec<&Node> = n.peek(name).collect();
    let chosen = all
        .iter()
        .find(|c| c.attr("IsDefault") == Some("true"))
        .or_else(|| {
            all.iter()
                .find(|c| c.attr("LanguageAndScriptCode").is_none())
        })
        .or_else(|| all.first())
        .copied();
    chosen.map(Node::mark)
}

fn party(n: &Node, tag: &str) -> Option<MsgParty> {
    let p = n.child(tag)?;
    let name = pick(p, "PartyName")
        .and_then(|pn| pn.text_of("FullName"))
        .unwrap_or_default();
    Some(MsgParty {
        dpid: p.text_of("PartyId").unwrap_or_default(),
        name,
    })
}

/// A resource's `File`: its hash and size are what `build` writes again (marked as read);
/// the first `URI` found is the file to copy.
fn file_element(f: &Node, file_uri: &mut Option<String>) {
    if let Some(h) = f.child("HashSum") {
        h.mark_all();
    }
    if let Some(s) = f.child("FileSize") {
        s.mark();
    }
    if file_uri.is_none() {
        *file_uri = f.text_of("URI");
    }
}

pub(super) fn line(n: &Node, tag: &str, text_tag: &str) -> Option<Line> {
    let l = n.child(tag)?;
    let text = l.text_of(text_tag).unwrap_or_default();
    let year = l
        .text_of("Year")
        .and_then(|y| y.parse().ok())
        .or_else(|| super::split_line(&text).map(|(y, _)| y))?;
    Some(Line { year, text })
}

fn title(n: &Node) -> (String, Option<String>, Option<String>) {
    let dtt = n.text_of("DisplayTitleText");
    let (t, v) = match pick(n, "DisplayTitle") {
        Some(d) => {
            let t = d.text_of("TitleText").unwrap_or_default();
            let v = d
                .peek("SubTitle")
                .find(|s| matches!(s.attr("SubTitleType"), None | Some("Version")))
                .map(|s| {
                    s.mark();
                    s.value().to_string()
                })
                .filter(|s| !s.is_empty());
            (t, v)
        }
        None => (dtt.clone().unwrap_or_default(), None),
    };
    (t, v, dtt)
}

fn display_artists(n: &Node) -> (Option<String>, Vec<(String, String)>) {
    let name = pick(n, "DisplayArtistName").map(|d| d.value().to_string());
    let mut artists: Vec<(u32, String, String)> = n
        .all("DisplayArtist")
        .enumerate()
        .map(|(i, d)| {
            let seq = d
                .attr("SequenceNumber")
                .and_then(|s| s.parse().ok())
                .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX));
            (
                seq,
                d.text_of("ArtistPartyReference").unwrap_or_default(),
                d.text_of("DisplayArtistRole").unwrap_or_default(),
            )
        })
        .collect();
    artists.sort_by_key(|a| a.0);
    (name, artists.into_iter().map(|(_, r, k)| (r, k)).collect())
}

/// The message header: sender, sender on whose behalf, recipient, and whether it is a test
/// (the same in ERN 3.8.2 and 4.3).
pub(super) fn header(root: &Node) -> (Option<MsgParty>, Option<MsgParty>, Option<MsgParty>, bool) {
    match root.child("MessageHeader") {
        Some(h) => {
            for t in ["MessageThreadId", "MessageId", "MessageCreatedDateTime"] {
                if let Some(n) = h.child(t) {
                    n.mark_all();
                }
            }
            let test = h.text_of("MessageControlType").as_deref() == Some("TestMessage");
            (
                party(h, "MessageSender"),
                party(h, "SentOnBehalfOf"),
                party(h, "MessageRecipient"),
                test,
            )
        }
        None => (None, None, None, false),
    }
}

/// Each `Deal` (with its `DealTerms`) of the `ReleaseDeal`s that name a main release (the
/// others are left unread: reported as track-level deals), marked as read.
pub(super) fn main_deal_terms<'a>(
    root: &'a Node,
    main_refs: &[String],
) -> Vec<(&'a Node, &'a Node)> {
    let mut out = Vec::new();
    let Some(dl) = root.child("DealList") else {
        return out;
    };
    for rd in dl.peek("ReleaseDeal") {
        if !rd
            .peek("DealReleaseReference")
            .any(|r| main_refs.iter().any(|m| m == r.value()))
        {
            continue;
        }
        rd.mark();
        for r in rd.all("DealReleaseReference") {
            r.mark();
        }
        for d in rd.all("Deal") {
            if let Some(t) = d.child("DealTerms") {
                out.push((d, t));
            }
        }
    }
    out
}

/// A deal from its `DealTerms` (territories, validity, models, pre-order) and what each ERN
/// version writes its own way (use types, price tier); `None` without a validity start.
pub(super) fn deal_in(t: &Node, uses: Vec<String>, price: Option<String>) -> Option<DealIn> {
    let vp = t.child("ValidityPeriod");
    let date = |date: &str, time: &str| {
        vp.and_then(|v| {
            v.text_of(date)
                .or_else(|| v.text_of(time))
                .map(|s| date_part(&s))
        })
    };
    let start = date("StartDate", "StartDateTime")?;
    let codes =
        |name: &str| -> Vec<String> { t.all(name).map(|c| c.value().to_string()).collect() };
    Some(DealIn {
        included: codes("TerritoryCode"),
        excluded: codes("ExcludedTerritoryCode"),
        start,
        end: date("EndDate", "EndDateTime"),
        models: codes("CommercialModelType"),
        uses,
        price,
        pre_order: t.text_of("IsPreOrderDeal").as_deref() == Some("true"),
    })
}

/// A note for everything in the message not read (and user-defined values that were read).
pub(super) fn note_unread(root: &Node, file: &str, notes: &mut Vec<Note>) {
    let mut unread = Vec::new();
    root.unread("", &mut unread);
    for (path, value) in unread {
        let path = path
            .strip_prefix("NewReleaseMessage/")
            .unwrap_or(&path)
            .to_string();
        let reason = if path == "DealList/ReleaseDeal" {
            "not mapped: a deal for track releases only (Sleeve deals cover the whole release)"
        } else {
            "not mapped"
        };
        notes.push(Note {
            file: file.to_string(),
            element: path,
            value,
            reason: reason.to_string(),
        });
    }
}

pub(super) fn date_part(s: &str) -> String {
    s.get(..10).unwrap_or(s).to_string()
}

/// Read one message. Errors: not XML, or not a `NewReleaseMessage`.
pub fn read(file: &str, bytes: &[u8], notes: &mut Vec<Note>) -> Result<Msg, String> {
    let root = tree::parse(bytes)?;
    if root.name != "NewReleaseMessage" {
        return Err(format!(
            "`{}` is not a NewReleaseMessage (root element `{}`)",
            file, root.name
        ));
    }
    root.mark();
    if root
        .attr("MessageSchemaVersionId")
        .is_some_and(|v| v.starts_with("ern/38"))
    {
        return super::read382::read(file, &root, notes);
    }
    let mut cx = Cx { file, notes };
    let language = root.attr("LanguageAndScriptCode").map(str::to_string);
    let (sender, on_behalf, recipient, test) = header(&root);
    let sender = sender.ok_or_else(|| format!("`{file}` has no MessageSender"))?;
    let recipient = recipient.ok_or_else(|| format!("`{file}` has no MessageRecipient"))?;

    let mut parties = Vec::new();
    if let Some(pl) = root.child("PartyList") {
        for p in pl.all("Party") {
            let pn = pick(p, "PartyName");
            let id = p.child("PartyId");
            parties.push(PartyIn {
                reference: p.text_of("PartyReference").unwrap_or_default(),
                name: pn.and_then(|n| n.text_of("FullName")).unwrap_or_default(),
                sort_name: pn.and_then(|n| n.text_of("FullNameIndexed")),
                isni: id.and_then(|i| i.text_of("ISNI")),
                ipi: id.and_then(|i| i.text_of("IpiNameNumber")),
                dpid: id.and_then(|i| i.text_of("DPID")),
            });
        }
    }

    let mut recordings = Vec::new();
    let mut images = Vec::new();
    if let Some(rl) = root.child("ResourceList") {
        for r in rl.all("SoundRecording") {
            if let Some(t) = r.child("Type")
                && t.value() != "MusicalWorkSoundRecording"
            {
                cx.note(
                    "SoundRecording/Type",
                    t.value(),
                    "only MusicalWorkSoundRecording is modelled; read as one",
                );
            }
            let ed = r.child("SoundRecordingEdition");
            let isrc = ed
                .and_then(|e| e.path(&["ResourceId"]))
                .and_then(|i| i.text_of("ISRC"));
            let p_line = ed.and_then(|e| line(e, "PLine", "PLineText"));
            let mut file_uri = None;
            if let Some(e) = ed {
                for td in e.all("TechnicalDetails") {
                    if let Some(n) = td.child("TechnicalResourceDetailsReference") {
                        n.mark();
                    }
                    for df in td.all("DeliveryFile") {
                        for t in [
                            "Type",
                            "AudioCodecType",
                            "NumberOfChannels",
                            "SamplingRate",
                            "BitsPerSample",
                            "Duration",
                        ] {
                            if let Some(n) = df.child(t) {
                                n.mark_all();
                            }
                        }
                        if let Some(f) = df.child("File") {
                            file_element(f, &mut file_uri);
                        }
                    }
                }
            }
            let iswc = r.child("WorkId").and_then(|w| w.text_of("ISWC"));
            let (t, v, dtt) = title(r);
            let (dan, artists) = display_artists(r);
            let mut contributors: Vec<(u32, String, Vec<String>)> = r
                .all("Contributor")
                .enumerate()
                .map(|(i, c)| {
                    let seq = c
                        .attr("SequenceNumber")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX));
                    (
                        seq,
                        c.text_of("ContributorPartyReference").unwrap_or_default(),
                        c.all("Role")
                            .map(|x| match x.attr("UserDefinedValue") {
                                Some(u) => format!("UserDefined:{u}"),
                                None => x.value().to_string(),
                            })
                            .collect(),
                    )
                })
                .collect();
            contributors.sort_by_key(|c| c.0);
            let duration = r.text_of("Duration");
            let duration_ms = duration.as_deref().and_then(crate::resolve::parse_duration);
            if let (Some(d), None) = (&duration, duration_ms) {
                cx.note("SoundRecording/Duration", d, "not an ISO 8601 duration");
            }
            recordings.push(RecIn {
                reference: r.text_of("ResourceReference").unwrap_or_default(),
                isrc,
                iswc,
                p_line,
                file: file_uri,
                title: t,
                version: v,
                display_title_text: dtt,
                display_artist_name: dan,
                artists,
                contributors: contributors.into_iter().map(|(_, p, r)| (p, r)).collect(),
                duration_ms,
                parental: r.text_of("ParentalWarningType"),
                instrumental: r.text_of("IsInstrumental").as_deref() == Some("true"),
                language: r.text_of("LanguageOfPerformance"),
            });
        }
        for i in rl.all("Image") {
            let mut file_uri = None;
            if let Some(id) = i.child("ResourceId") {
                id.mark_all();
            }
            for td in i.all("TechnicalDetails") {
                for t in [
                    "TechnicalResourceDetailsReference",
                    "ImageCodecType",
                    "ImageHeight",
                    "ImageWidth",
                ] {
                    if let Some(n) = td.child(t) {
                        n.mark_all();
                    }
                }
                if let Some(f) = td.child("File") {
                    file_element(f, &mut file_uri);
                }
            }
            images.push(ImgIn {
                reference: i.text_of("ResourceReference").unwrap_or_default(),
                kind: i.text_of("Type").unwrap_or_default(),
                file: file_uri,
            });
        }
    }

    let mut release = None;
    let mut track_genres = Vec::new();
    let mut main_refs: Vec<String> = Vec::new();
    if let Some(rl) = root.child("ReleaseList") {
        let rels: Vec<&Node> = rl.peek("Release").collect();
        if rels.len() > 1 {
            cx.note(
                "ReleaseList/Release",
                &rels.len().to_string(),
                "more than one main release: only the first is read",
            );
        }
        if let Some(r) = rels.first().copied().map(Node::mark) {
            let reference = r.text_of("ReleaseReference").unwrap_or_default();
            main_refs.push(reference);
            let types = r
                .all("ReleaseType")
                .map(|t| match t.attr("UserDefinedValue") {
                    Some(u) => format!("UserDefined:{u}"),
                    None => t.value().to_string(),
                })
                .collect();
            let id = r.child("ReleaseId");
            let (t, v, dtt) = title(r);
            let (dan, artists) = display_artists(r);
            let label_ref = pick(r, "ReleaseLabelReference").map(|l| l.value().to_string());
            let genre_node = pick(r, "Genre");
            if let Some(d) = r.child("Duration") {
                d.mark();
            }
            if let Some(p) = r.child("ParentalWarningType") {
                p.mark();
            }
            let mut discs = Vec::new();
            let mut cover = None;
            if let Some(g) = r.child("ResourceGroup") {
                if let Some(s) = g.child("SequenceNumber") {
                    s.mark();
                }
                let items = |g: &Node, cover: &mut Option<String>| -> Vec<String> {
                    let mut v: Vec<(u32, String)> = g
                        .all("ResourceGroupContentItem")
                        .enumerate()
                        .map(|(i, it)| {
                            let seq = it
                                .text_of("SequenceNumber")
                                .and_then(|s| s.parse().ok())
                                .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX));
                            (
                                seq,
                                it.text_of("ReleaseResourceReference").unwrap_or_default(),
                            )
                        })
                        .collect();
                    v.sort_by_key(|x| x.0);
                    for l in g.all("LinkedReleaseResourceReference") {
                        if cover.is_none() {
                            *cover = Some(l.value().to_string());
                        }
                    }
                    v.into_iter().map(|x| x.1).collect()
                };
                let top = items(g, &mut cover);
                for sub in g.all("ResourceGroup") {
                    if let Some(s) = sub.child("SequenceNumber") {
                        s.mark();
                    }
                    let mut sub_cover = None;
                    let d = items(sub, &mut sub_cover);
                    if let Some(c) = sub_cover {
                        cx.note(
                            "ResourceGroup/ResourceGroup/LinkedReleaseResourceReference",
                            &c,
                            "a resource linked to a disc is not modelled",
                        );
                    }
                    discs.push(d);
                }
                if !top.is_empty() {
                    if discs.is_empty() {
                        discs.push(top);
                    } else {
                        cx.note(
                            "Release/ResourceGroup/ResourceGroupContentItem",
                            &top.join(", "),
                            "items beside the disc sub-groups: added as a last disc",
                        );
                        discs.push(top);
                    }
                }
            }
            release = Some(RelIn {
                types,
                icpn: id.and_then(|i| i.text_of("ICPN")),
                grid: id.and_then(|i| i.text_of("GRid")),
                catalog_number: id.and_then(|i| i.text_of("CatalogNumber")),
                proprietary_id: id.and_then(|i| i.text_of("ProprietaryId")),
                title: t,
                version: v,
                display_title_text: dtt,
                display_artist_name: dan,
                artists,
                label_ref,
                p_line: line(r, "PLine", "PLineText"),
                c_line: line(r, "CLine", "CLineText"),
                genre: genre_node.and_then(|g| g.text_of("GenreText")),
                subgenre: genre_node.and_then(|g| g.text_of("SubGenre")),
                release_date: pick(r, "ReleaseDate").map(|d| date_part(d.value())),
                original_release_date: pick(r, "OriginalReleaseDate").map(|d| date_part(d.value())),
                multi_artist: r.text_of("IsMultiArtistCompilation").as_deref() == Some("true"),
                discs,
                cover,
            });
        }
        for tr in rl.all("TrackRelease") {
            for t in ["ReleaseReference", "ReleaseId", "ReleaseLabelReference"] {
                for n in tr.all(t) {
                    n.mark_all();
                }
            }
            let res = tr.text_of("ReleaseResourceReference").unwrap_or_default();
            if let Some(g) = pick(tr, "Genre") {
                track_genres.push((
                    res,
                    g.text_of("GenreText").unwrap_or_default(),
                    g.text_of("SubGenre"),
                ));
            }
        }
    }

    let mut deals = Vec::new();
    for (d, t) in main_deal_terms(&root, &main_refs) {
        let uses = t.all("UseType").map(|u| u.value().to_string()).collect();
        let price = t
            .child("PriceInformation")
            .and_then(|p| p.text_of("PriceCode"));
        match deal_in(t, uses, price) {
            Some(x) => deals.push(x),
            None => cx.note(
                "DealList/ReleaseDeal/Deal",
                &d.summary(),
                "a deal without ValidityPeriod start is not mapped",
            ),
        }
    }

    note_unread(&root, file, cx.notes);
    Ok(Msg {
        file: file.to_string(),
        ern: "4.3",
        language,
        sender,
        on_behalf,
        recipient,
        test,
        parties,
        recordings,
        images,
        release,
        track_genres,
        deals,
    })
}

//! One ERN 3.8.2 `NewReleaseMessage` → the same [`Msg`] an ERN 4.3 message gives, so the rest
//! of the import does not know the version. What ERN 3 says differently (see
//! `ddex/ern382.rs`, which writes it):
//! - no `PartyList`: artists and contributors are named where they appear; each distinct
//!   name (and ISNI) becomes a party, its reference `P<slug of the name>`;
//! - display fields sit in `…DetailsByTerritory` (the `Worldwide` one, else the first);
//! - track releases are `Release`s of type `TrackRelease`;
//! - the label is a `LabelName`, read as a party with the sender's DPID: the sender's name is
//!   the label, another name an imprint (a white-label client is recognised by the header's
//!   `SentOnBehalfOf`; one without a DPID of its own reads as an imprint);
//! - contributor roles are the 2016 ones: `Producer` reads as `StudioProducer`, and a
//!   `UserDefined` role as its `UserDefinedValue`;
//! - a `TakeDown` deal gives no deal (the DSP is to take the release down).

use super::Note;
use super::read::{
    ImgIn, Msg, PartyIn, RecIn, RelIn, date_part, deal_in, header, line, main_deal_terms,
    note_unread, pick,
};
use super::tree::Node;
use crate::model::text::slug;

/// The parties named in the message, by name and ISNI.
#[derive(Default)]
struct Names {
    parties: Vec<PartyIn>,
    /// Ids of parties named by an id alone.
    unnamed: Vec<String>,
    /// Names of several parties (different ISNIs) named once without an ISNI.
    ambiguous: Vec<String>,
}

impl Names {
    /// The reference of the party an `Artist`/`…Contributor` element names (marking its
    /// name and ids as read).
    fn of(&mut self, n: &Node) -> String {
        let pn = pick(n, "PartyName");
        let name = pn.and_then(|p| p.text_of("FullName")).unwrap_or_default();
        let sort_name = pn.and_then(|p| p.text_of("FullNameIndexed"));
        let mut isni = None;
        let mut dpid = None;
        let mut other = None;
        for id in n.all("PartyId") {
            if id.attr("IsISNI") == Some("true") {
                isni = Some(id.value().to_string());
            } else if id.attr("IsDPID") == Some("true") {
                dpid = Some(id.value().to_string());
            } else {
                other.get_or_insert_with(|| id.value().to_string());
            }
        }
        // Named by an id alone: the id is the name (and noted), so that two such parties
        // are never one.
        let name = if name.is_empty() {
            let id = isni.clone().or(dpid.clone()).or(other).unwrap_or_default();
            self.unnamed.push(id.clone());
            id
        } else {
            name
        };
        // One person per name, unless ISNIs tell them apart: an ISNI joins the party of that
        // name without one; a mention without an ISNI joins the only party of that name, or
        // the first of several (noted: which one is meant cannot be told).
        let same: Vec<usize> = (0..self.parties.len())
            .filter(|&i| self.parties[i].name == name)
            .collect();
        let found = match &isni {
            Some(_) => same
                .iter()
                .find(|&&i| self.parties[i].isni == isni)
                .or_else(|| same.iter().find(|&&i| self.parties[i].isni.is_none()))
                .copied(),
            None => {
                if same.len() > 1 {
                    self.ambiguous.push(name.clone());
                }
                same.first().copied()
            }
        };
        if let Some(i) = found {
            let p = &mut self.parties[i];
            if p.isni.is_none() {
                p.isni = isni;
            }
            if p.sort_name.is_none() {
                p.sort_name = sort_name;
            }
            return p.reference.clone();
        }
        let base = format!("P{}", slug(&name));
        let mut reference = base.clone();
        let mut n = 1;
        while self.parties.iter().any(|p| p.reference == reference) {
            n += 1;
            reference = format!("{base}-{n}");
        }
        self.parties.push(PartyIn {
            reference: reference.clone(),
            name,
            sort_name,
            isni,
            ipi: None,
            dpid,
        });
        reference
    }

    fn artists(&mut self, n: &Node) -> Vec<(String, String)> {
        let mut artists: Vec<(u32, String, String)> = n
            .all("DisplayArtist")
            .enumerate()
            .map(|(i, d)| {
                let seq = sequence(d, i);
                let role = d.text_of("ArtistRole").unwrap_or_default();
                (seq, self.of(d), role)
            })
            .collect();
        artists.sort_by_key(|a| a.0);
        artists.into_iter().map(|(_, r, k)| (r, k)).collect()
    }
}

fn sequence(n: &Node, i: usize) -> u32 {
    n.attr("SequenceNumber")
        .and_then(|s| s.parse().ok())
        .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX))
}

/// The `…DetailsByTerritory` to read: `Worldwide`; else one for everywhere but some
/// territories; else the one naming the most territories (the others are reported).
fn details<'a>(n: &'a Node, name: &'a str) -> Option<&'a Node> {
    let all: Vec<&Node> = n.peek(name).collect();
    let chosen = all
        .iter()
        .find(|d| d.peek("TerritoryCode").any(|t| t.value() == "Worldwide"))
        .or_else(|| {
            all.iter()
                .find(|d| d.peek("ExcludedTerritoryCode").next().is_some())
        })
        .or_else(|| {
            // The first of the largest.
            all.iter()
                .rev()
                .max_by_key(|d| d.peek("TerritoryCode").count())
        })
        .copied()?;
    chosen.mark();
    for t in chosen.all("TerritoryCode") {
        t.mark();
    }
    Some(chosen)
}

/// `ReferenceTitle`: title and version.
fn reference_title(n: &Node) -> (String, Option<String>) {
    let rt = n.child("ReferenceTitle");
    (
        rt.and_then(|t| t.text_of("TitleText")).unwrap_or_default(),
        rt.and_then(|t| t.text_of("SubTitle")),
    )
}

/// The display title's text, and the formal title marked as read (the reference title says
/// the same).
fn display_title(d: &Node) -> Option<String> {
    let mut dtt = None;
    for t in d.peek("Title") {
        match t.attr("TitleType") {
            Some("DisplayTitle") if dtt.is_none() => {
                t.mark();
                dtt = t.text_of("TitleText");
            }
            Some("FormalTitle") => t.mark_all(),
            _ => {}
        }
    }
    dtt
}

/// `File`: `FilePath` + `FileName` (or `URL`); the hash is what `build` writes again.
fn file(f: &Node) -> Option<String> {
    if let Some(h) = f.child("HashSum") {
        h.mark_all();
    }
    match (f.text_of("FileName"), f.text_of("FilePath")) {
        (Some(name), Some(path)) => Some(format!("{path}{name}")),
        (Some(name), None) => Some(name),
        _ => f.text_of("URL"),
    }
}

/// A 2016 role as the catalogue names it (a 4.3 value).
fn role(r: &Node) -> String {
    match (r.value(), r.attr("UserDefinedValue")) {
        ("UserDefined", Some(v))
            if crate::model::ddex_avs::contains(crate::model::ddex_avs::CONTRIBUTOR_ROLE, v) =>
        {
            v.to_string()
        }
        ("UserDefined", Some(v)) => format!("UserDefined:{v}"),
        ("Producer", _) => "StudioProducer".to_string(),
        (v, _) => v.to_string(),
    }
}

fn recording(r: &Node, names: &mut Names, notes: &mut Vec<Note>, file_name: &str) -> RecIn {
    if let Some(t) = r.child("SoundRecordingType")
        && t.value() != "MusicalWorkSoundRecording"
    {
        notes.push(Note {
            file: file_name.to_string(),
            element: "SoundRecording/SoundRecordingType".into(),
            value: t.value().to_string(),
            reason: "only MusicalWorkSoundRecording is modelled; read as one".into(),
        });
    }
    let isrc = r.child("SoundRecordingId").and_then(|i| i.text_of("ISRC"));
    let iswc = r
        .child("IndirectSoundRecordingId")
        .and_then(|i| i.text_of("ISWC"));
    let (title, version) = reference_title(r);
    let duration = r.text_of("Duration");
    let d = details(r, "SoundRecordingDetailsByTerritory");
    let mut rec = RecIn {
        reference: r.text_of("ResourceReference").unwrap_or_default(),
        isrc,
        iswc,
        p_line: None,
        file: None,
        title,
        version,
        display_title_text: None,
        display_artist_name: None,
        artists: Vec::new(),
        contributors: Vec::new(),
        duration_ms: duration.as_deref().and_then(crate::resolve::parse_duration),
        parental: None,
        instrumental: r.text_of("IsInstrumental").as_deref() == Some("true"),
        language: r.text_of("LanguageOfPerformance"),
    };
    if let (Some(d), None) = (&duration, rec.duration_ms) {
        notes.push(Note {
            file: file_name.to_string(),
            element: "SoundRecording/Duration".into(),
            value: d.clone(),
            reason: "not an ISO 8601 duration".into(),
        });
    }
    let Some(d) = d else {
        return rec;
    };
    rec.display_title_text = display_title(d);
    rec.artists = names.artists(d);
    // Recording roles and work roles are listed apart; one list of contributors in which
    // both keep their order (what the writer splits them from).
    let mut lists = ["ResourceContributor", "IndirectResourceContributor"].map(|tag| {
        let role_tag = format!("{tag}Role");
        let mut found: Vec<(u32, String, Vec<String>)> = d
            .all(tag)
            .enumerate()
            .map(|(i, c)| {
                let roles = c.all(&role_tag).map(role).collect();
                (sequence(c, i), names.of(c), roles)
            })
            .collect();
        found.sort_by_key(|c| c.0);
        found
            .into_iter()
            .map(|(_, p, r)| (p, r))
            .collect::<std::collections::VecDeque<_>>()
    });
    rec.contributors = merge(&mut lists);
    rec.display_artist_name = pick(d, "DisplayArtistName").map(|n| n.value().to_string());
    // The label, genre and parental warning are the release's: read there.
    for t in ["LabelName", "Genre", "ParentalWarningType"] {
        for n in d.all(t) {
            n.mark_all();
        }
    }
    rec.parental = d.text_of("ParentalWarningType");
    rec.p_line = line(d, "PLine", "PLineText");
    for t in d.all("TechnicalSoundRecordingDetails") {
        for name in [
            "TechnicalResourceDetailsReference",
            "AudioCodecType",
            "NumberOfChannels",
            "SamplingRate",
            "BitsPerSample",
            "Duration",
            "IsPreview",
        ] {
            if let Some(n) = t.child(name) {
                n.mark_all();
            }
        }
        if rec.file.is_none() {
            rec.file = t.child("File").and_then(file);
        }
    }
    rec
}

/// One list from two whose shared entries come in the same order: each list, filtered to its
/// own entries, is what the merged list gives. A party in both gets both roles.
fn merge(
    [a, b]: &mut [std::collections::VecDeque<(String, Vec<String>)>; 2],
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    loop {
        let in_b = |p: &str, b: &std::collections::VecDeque<(String, Vec<String>)>| {
            b.iter().any(|(q, _)| q == p)
        };
        let next = match (a.front(), b.front()) {
            (None, None) => break,
            (Some(_), None) => a.pop_front(),
            (None, Some(_)) => b.pop_front(),
            (Some((x, _)), Some((y, _))) if x == y => {
                let (p, mut roles) = a.pop_front().unwrap_or_default();
                roles.extend(b.pop_front().map(|e| e.1).unwrap_or_default());
                Some((p, roles))
            }
            (Some((x, _)), Some(_)) if !in_b(x, b) => a.pop_front(),
            (Some(_), Some((y, _))) if !in_b(y, a) => b.pop_front(),
            // Out of order in the message: take the first list's, fold the other in later.
            _ => a.pop_front(),
        };
        if let Some((p, roles)) = next {
            match out.iter_mut().find(|(q, _)| *q == p) {
                Some((_, have)) => have.extend(roles),
                None => out.push((p, roles)),
            }
        }
    }
    out
}

fn image(i: &Node) -> ImgIn {
    if let Some(id) = i.child("ImageId") {
        id.mark_all();
    }
    let mut file_uri = None;
    if let Some(d) = details(i, "ImageDetailsByTerritory") {
        for t in d.all("TechnicalImageDetails") {
            for name in [
                "TechnicalResourceDetailsReference",
                "ImageCodecType",
                "ImageHeight",
                "ImageWidth",
                "IsPreview",
            ] {
                if let Some(n) = t.child(name) {
                    n.mark_all();
                }
            }
            if file_uri.is_none() {
                file_uri = t.child("File").and_then(file);
            }
        }
    }
    ImgIn {
        reference: i.text_of("ResourceReference").unwrap_or_default(),
        kind: i.text_of("ImageType").unwrap_or_default(),
        file: file_uri,
    }
}

/// The main release: its ids, titles, artists, label (a party `PLabel-<slug>` with the
/// sender's DPID), lines, genre, dates and resource groups.
/// `kinds`: each resource reference's element in the `ResourceList` (`SoundRecording`,
/// `Image`, `Text` …), which says what a group item is when it has no `ResourceType`.
fn release(
    r: &Node,
    names: &mut Names,
    sender_dpid: &str,
    kinds: &std::collections::BTreeMap<String, String>,
    notes: &mut Vec<Note>,
    file: &str,
) -> RelIn {
    let id = r.child("ReleaseId");
    let (title, version) = reference_title(r);
    if let Some(l) = r.child("ReleaseResourceReferenceList") {
        l.mark_all();
    }
    let mut rel = RelIn {
        types: r
            .all("ReleaseType")
            .map(|t| match t.attr("UserDefinedValue") {
                Some(u) => format!("UserDefined:{u}"),
                None => t.value().to_string(),
            })
            .collect(),
        icpn: id.and_then(|i| i.text_of("ICPN")),
        grid: id.and_then(|i| i.text_of("GRid")),
        catalog_number: id.and_then(|i| i.text_of("CatalogNumber")),
        proprietary_id: id.and_then(|i| i.text_of("ProprietaryId")),
        title,
        version,
        display_title_text: None,
        display_artist_name: None,
        artists: Vec::new(),
        label_ref: None,
        p_line: line(r, "PLine", "PLineText"),
        c_line: line(r, "CLine", "CLineText"),
        genre: None,
        subgenre: None,
        release_date: r.text_of("GlobalReleaseDate").map(|d| date_part(&d)),
        original_release_date: r
            .text_of("GlobalOriginalReleaseDate")
            .map(|d| date_part(&d)),
        multi_artist: false,
        discs: Vec::new(),
        cover: None,
    };
    if let Some(d) = r.child("Duration") {
        d.mark();
    }
    let Some(d) = details(r, "ReleaseDetailsByTerritory") else {
        return rel;
    };
    rel.display_artist_name = pick(d, "DisplayArtistName").map(|n| n.value().to_string());
    if let Some(label) = pick(d, "LabelName") {
        let name = label.value().to_string();
        let reference = format!("PLabel-{}", slug(&name));
        if !names.parties.iter().any(|p| p.reference == reference) {
            names.parties.push(PartyIn {
                reference: reference.clone(),
                name,
                sort_name: None,
                isni: None,
                ipi: None,
                dpid: Some(sender_dpid.to_string()),
            });
        }
        rel.label_ref = Some(reference);
    }
    rel.display_title_text = display_title(d);
    rel.artists = names.artists(d);
    rel.multi_artist = d.text_of("IsMultiArtistCompilation").as_deref() == Some("true");
    if let Some(p) = d.child("ParentalWarningType") {
        p.mark();
    }
    if let Some(g) = pick(d, "Genre") {
        rel.genre = g.text_of("GenreText");
        rel.subgenre = g.text_of("SubGenre");
    }
    if let Some(date) = pick(d, "ReleaseDate") {
        rel.release_date = Some(date_part(date.value()));
    }
    if let Some(date) = pick(d, "OriginalReleaseDate") {
        rel.original_release_date = Some(date_part(date.value()));
    }
    if let Some(g) = d.child("ResourceGroup") {
        if let Some(s) = g.child("SequenceNumber") {
            s.mark();
        }
        // Sound recordings are the tracks (in their sequence); an image is the cover; other
        // resources (a booklet, a video) are not modelled.
        let mut others = Vec::new();
        let mut items = |g: &Node, cover: &mut Option<String>| -> Vec<String> {
            let mut v: Vec<(u32, String)> = Vec::new();
            for (i, it) in g.all("ResourceGroupContentItem").enumerate() {
                let reference = it.text_of("ReleaseResourceReference").unwrap_or_default();
                let kind = kinds
                    .get(&reference)
                    .cloned()
                    .or_else(|| it.text_of("ResourceType"));
                match kind.as_deref() {
                    None | Some("SoundRecording") => {
                        let seq = it
                            .text_of("SequenceNumber")
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX));
                        v.push((seq, reference));
                    }
                    Some("Image") => {
                        cover.get_or_insert(reference);
                    }
                    Some(other) => others.push(format!("{reference} ({other})")),
                }
            }
            v.sort_by_key(|x| x.0);
            v.into_iter().map(|x| x.1).collect()
        };
        let mut cover = None;
        for sub in g.all("ResourceGroup") {
            for t in ["SequenceNumber", "Title"] {
                for n in sub.all(t) {
                    n.mark_all();
                }
            }
            let disc = items(sub, &mut cover);
            if !disc.is_empty() {
                rel.discs.push(disc);
            }
        }
        let top = items(g, &mut cover);
        if !top.is_empty() {
            rel.discs.push(top);
        }
        if !others.is_empty() {
            notes.push(Note {
                file: file.to_string(),
                element: "Release/ReleaseDetailsByTerritory/ResourceGroup".into(),
                value: others.join(", "),
                reason: "only sound recordings and the cover image are modelled: left out".into(),
            });
        }
        rel.cover = cover;
    }
    rel
}

/// Read an ERN 3.8.2 message whose root is `root` (a `NewReleaseMessage`).
pub fn read(file: &str, root: &Node, notes: &mut Vec<Note>) -> Result<Msg, String> {
    let note = |notes: &mut Vec<Note>, element: &str, value: &str, reason: &str| {
        notes.push(Note {
            file: file.to_string(),
            element: element.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        });
    };
    let language = root.attr("LanguageAndScriptCode").map(str::to_string);
    let (sender, on_behalf, recipient, test) = header(root);
    let sender = sender.ok_or_else(|| format!("`{file}` has no MessageSender"))?;
    let recipient = recipient.ok_or_else(|| format!("`{file}` has no MessageRecipient"))?;
    if let Some(u) = root.child("UpdateIndicator") {
        u.mark();
    }
    let mut names = Names::default();
    let mut recordings = Vec::new();
    let mut images = Vec::new();
    let mut kinds = std::collections::BTreeMap::new();
    if let Some(rl) = root.child("ResourceList") {
        for r in &rl.children {
            if let Some(reference) = r.peek("ResourceReference").next() {
                kinds.insert(reference.value().to_string(), r.name.clone());
            }
        }
        for r in rl.all("SoundRecording") {
            recordings.push(recording(r, &mut names, notes, file));
        }
        for i in rl.all("Image") {
            images.push(image(i));
        }
    }

    let mut release_in = None;
    let mut track_genres = Vec::new();
    let mut main_refs = Vec::new();
    if let Some(rl) = root.child("ReleaseList") {
        let is_track = |r: &Node| r.peek("ReleaseType").any(|t| t.value() == "TrackRelease");
        let mains: Vec<&Node> = rl
            .peek("Release")
            .filter(|r| r.attr("IsMainRelease") == Some("true") || !is_track(r))
            .collect();
        if mains.len() > 1 {
            note(
                notes,
                "ReleaseList/Release",
                &mains.len().to_string(),
                "more than one main release: only the first is read",
            );
        }
        if let Some(r) = mains.first().copied().map(Node::mark) {
            main_refs.push(r.text_of("ReleaseReference").unwrap_or_default());
            release_in = Some(release(r, &mut names, &sender.dpid, &kinds, notes, file));
        }
        // Track releases: what `build` derives from the recording, but for their genre.
        for tr in rl.peek("Release").filter(|r| is_track(r)) {
            tr.mark_all();
            let resource = tr
                .path(&["ReleaseResourceReferenceList", "ReleaseResourceReference"])
                .map(|n| n.value().to_string())
                .unwrap_or_default();
            if let Some(g) = tr
                .child("ReleaseDetailsByTerritory")
                .and_then(|d| d.child("Genre"))
            {
                track_genres.push((
                    resource,
                    g.text_of("GenreText").unwrap_or_default(),
                    g.text_of("SubGenre"),
                ));
            }
        }
    }

    let mut deals = Vec::new();
    for (d, t) in main_deal_terms(root, &main_refs) {
        // A deal that takes the release down (or cancels every deal) is no deal; where it
        // applies is noted, as the catalogue cannot say "taken down here".
        let ends = ["TakeDown", "AllDealsCancelled"]
            .into_iter()
            .find(|e| t.text_of(e).as_deref() == Some("true"));
        if let Some(e) = ends {
            d.mark_all();
            note(
                notes,
                &format!("DealList/ReleaseDeal/Deal/DealTerms/{e}"),
                &d.summary(),
                "the DSP is to take the release down here: no deal is imported for it",
            );
            continue;
        }
        let uses = t
            .all("Usage")
            .flat_map(|u| u.all("UseType").map(|x| x.value().to_string()))
            .collect();
        // The standard price before a pre-order price.
        let prices: Vec<&Node> = t.peek("PriceInformation").collect();
        let price = prices
            .iter()
            .find(|p| p.attr("PriceType") != Some("PreOrderPrice"))
            .or_else(|| prices.first())
            .map(|p| p.mark())
            .and_then(|p| p.text_of("PriceType"));
        match deal_in(t, uses, price) {
            Some(x) => deals.push(x),
            None => note(
                notes,
                "DealList/ReleaseDeal/Deal",
                &d.summary(),
                "a deal without ValidityPeriod start is not mapped",
            ),
        }
    }

    names.ambiguous.sort();
    names.ambiguous.dedup();
    for name in &names.ambiguous {
        note(
            notes,
            "PartyName",
            name,
            "several parties of this name (different ISNIs), and a mention without one: read as the first; check it",
        );
    }
    for id in &names.unnamed {
        note(
            notes,
            "PartyId",
            id,
            "a party named by an id alone: its id is used as its name; give it one",
        );
    }
    note_unread(root, file, notes);
    Ok(Msg {
        file: file.to_string(),
        ern: "3.8.2",
        language,
        sender,
        on_behalf,
        recipient,
        test,
        parties: names.parties,
        recordings,
        images,
        release: release_in,
        track_genres,
        deals,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    fn list(v: &[(&str, &str)]) -> VecDeque<(String, Vec<String>)> {
        v.iter()
            .map(|(p, r)| (p.to_string(), vec![r.to_string()]))
            .collect()
    }

    /// The references `Names::of` gives the `DisplayArtist`s of `xml`, in order.
    fn refs(xml: &str) -> (Vec<String>, super::Names) {
        let root = super::super::tree::parse(xml.as_bytes()).expect("xml");
        let mut names = super::Names::default();
        let refs = root.peek("DisplayArtist").map(|a| names.of(a)).collect();
        (refs, names)
    }

    #[test]
    fn one_person_per_name_unless_isnis_differ() {
        let a = |name: &str, isni: Option<&str>| {
            let id = isni.map_or(String::new(), |i| {
                format!("<PartyId IsISNI=\"true\">{i}</PartyId>")
            });
            format!(
                "<DisplayArtist><PartyName><FullName>{name}</FullName></PartyName>{id}</DisplayArtist>"
            )
        };
        // A plain mention, then one with an ISNI: one party, which gets the ISNI.
        let (r, n) = refs(&format!(
            "<x>{}{}</x>",
            a("June Harrow", None),
            a("June Harrow", Some("1"))
        ));
        assert_eq!(r, ["Pjune-harrow", "Pjune-harrow"]);
        assert_eq!(n.parties[0].isni.as_deref(), Some("1"));
        // Two ISNIs: two parties; a plain mention then is ambiguous (the first, noted).
        let (r, n) = refs(&format!(
            "<x>{}{}{}</x>",
            a("June Harrow", Some("1")),
            a("June Harrow", Some("2")),
            a("June Harrow", None)
        ));
        assert_eq!(r, ["Pjune-harrow", "Pjune-harrow-2", "Pjune-harrow"]);
        assert_eq!(n.ambiguous, ["June Harrow"]);
        // Named by an id alone: the id is the name, two ids are two parties.
        let (r, n) = refs(
            "<x><DisplayArtist><PartyId>ART-1</PartyId></DisplayArtist><DisplayArtist><PartyId>ART-2</PartyId></DisplayArtist></x>",
        );
        assert_eq!(r, ["Part-1", "Part-2"]);
        assert_eq!(n.unnamed, ["ART-1", "ART-2"]);
    }

    #[test]
    fn details_for_the_widest_territory() {
        let d = |codes: &str| format!("<D>{codes}<Title>x</Title></D>");
        let pick = |xml: String| {
            let root = super::super::tree::parse(xml.as_bytes()).expect("xml");
            let chosen = super::details(&root, "D").map(|n| n.summary());
            chosen.unwrap_or_default()
        };
        let jp = d("<TerritoryCode>JP</TerritoryCode>");
        let not_jp = d("<ExcludedTerritoryCode>JP</ExcludedTerritoryCode>");
        let two = d("<TerritoryCode>GB</TerritoryCode><TerritoryCode>IE</TerritoryCode>");
        let ww = d("<TerritoryCode>Worldwide</TerritoryCode>");
        assert!(pick(format!("<x>{jp}{not_jp}</x>")).contains("ExcludedTerritoryCode"));
        assert!(pick(format!("<x>{jp}{two}</x>")).contains("GB"));
        assert!(pick(format!("<x>{two}{ww}{not_jp}</x>")).contains("Worldwide"));
        assert!(pick(format!("<x>{jp}</x>")).contains("JP"));
    }

    #[test]
    fn merge_keeps_both_orders() {
        // Written from [mara (Lyricist), owen (StudioProducer, Composer), tom (Mixing)].
        let mut lists = [
            list(&[("owen", "StudioProducer"), ("tom", "MixingEngineer")]),
            list(&[("mara", "Lyricist"), ("owen", "Composer")]),
        ];
        let merged = super::merge(&mut lists);
        let order: Vec<&str> = merged.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(order, ["mara", "owen", "tom"]);
        assert_eq!(merged[1].1, ["StudioProducer", "Composer"]);
        // Inconsistent orders still give every party once, with all its roles.
        let mut lists = [
            list(&[("a", "x"), ("b", "y")]),
            list(&[("b", "z"), ("a", "w")]),
        ];
        let merged = super::merge(&mut lists);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.iter().map(|(_, r)| r.len()).sum::<usize>(), 4);
    }
}

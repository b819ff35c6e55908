//! DDEX writers of the [`crate::message`] model: `ern43` writes ERN 4.3 and, as a dialect,
//! ERN 4.3.2; `ern382` writes ERN 3.8.2. [`write`] picks the one a DSP profile asks for.

mod avs382;
pub mod ern382;
pub mod ern43;
mod xml;

use crate::message::{Body, Deal, Header, Kind, Message, Purge};
use crate::syntax::dsp::ErnVersion;

/// The bytes of `m` in the ERN version a DSP profile asks for.
pub fn write(m: &Message, v: ErnVersion) -> Vec<u8> {
    match v {
        ErnVersion::Ern43 => ern43::write_as(m, ern43::ERN43),
        ErnVersion::Ern432 => ern43::write_as(m, ern43::ERN432),
        ErnVersion::Ern382 => ern382::write(m),
    }
}

/// A release's party, resource and release lists as written for one DSP, by ERN version and
/// sender: the same for every DSP taking that version, so `build` writes them once per release
/// and splices them into each DSP's message.
#[derive(Debug, Default)]
pub struct Lists(Vec<(ErnVersion, String, Vec<u8>)>);

/// The `NewReleaseMessage` of `h`, `body` and `deals` (`body.deals` is not read): the same
/// bytes as [`write`] of that message, with the lists taken from `lists` when written before.
pub fn write_parts(
    h: &Header,
    body: &Body,
    deals: &[Deal],
    v: ErnVersion,
    lists: &mut Lists,
) -> Vec<u8> {
    let dialect = match v {
        ErnVersion::Ern43 => ern43::ERN43,
        ErnVersion::Ern432 => ern43::ERN432,
        ErnVersion::Ern382 => {
            let m = Message {
                kind: Kind::NewRelease,
                header: h.clone(),
                body: Body {
                    deals: deals.to_vec(),
                    ..body.clone()
                },
                content_hash: String::new(),
            };
            return ern382::write(&m);
        }
    };
    let sender = h.sender.dpid.as_str();
    let written = lists
        .0
        .iter()
        .find(|(w, s, _)| *w == v && s == sender)
        .map(|(_, _, bytes)| bytes.as_slice());
    let (xml, at) = ern43::new_release_with(h, body, deals, dialect, written);
    if written.is_none() {
        let bytes = xml.get(at).unwrap_or_default().to_vec();
        lists.0.push((v, sender.to_string(), bytes));
    }
    xml
}

/// A `PurgeReleaseMessage` in the ERN version a DSP profile asks for, from a header alone
/// (the release may be gone from the catalogue).
pub fn purge(h: &Header, language: &str, p: &Purge, v: ErnVersion) -> Vec<u8> {
    match v {
        ErnVersion::Ern43 => ern43::purge_with(h, language, ern43::ERN43, p),
        ErnVersion::Ern432 => ern43::purge_with(h, language, ern43::ERN432, p),
        ErnVersion::Ern382 => ern382::purge(h, language, p),
    }
}

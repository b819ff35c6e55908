//! DDEX writers of the [`crate::message`] model: `ern43` writes ERN 4.3 and, as a dialect,
//! ERN 4.3.2; `ern382` writes ERN 3.8.2. [`write`] picks the one a DSP profile asks for.

mod avs382;
pub mod ern382;
pub mod ern43;
mod xml;

use crate::message::{Header, Message, Purge};
use crate::syntax::dsp::ErnVersion;

/// The bytes of `m` in the ERN version a DSP profile asks for.
pub fn write(m: &Message, v: ErnVersion) -> Vec<u8> {
    match v {
        ErnVersion::Ern43 => ern43::write_as(m, ern43::ERN43),
        ErnVersion::Ern432 => ern43::write_as(m, ern43::ERN432),
        ErnVersion::Ern382 => ern382::write(m),
    }
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

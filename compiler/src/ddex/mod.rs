//! DDEX writers of the [`crate::message`] model. `ern43` writes ERN 4.3 and, as a dialect,
//! ERN 4.3.2; [`write`] picks the one a DSP profile asks for.

pub mod ern43;
mod xml;

use crate::message::Message;
use crate::syntax::dsp::ErnVersion;

/// The ERN dialect written for a profile's `ern`: 4.3.2 as asked; 4.3 for `4.3`, and for
/// `3.8.2`, which is not written yet (`docs/ddex.md`).
pub fn dialect(v: ErnVersion) -> ern43::Dialect {
    match v {
        ErnVersion::Ern432 => ern43::ERN432,
        ErnVersion::Ern43 | ErnVersion::Ern382 => ern43::ERN43,
    }
}

/// The bytes of `m` in the ERN version a DSP profile asks for.
pub fn write(m: &Message, v: ErnVersion) -> Vec<u8> {
    ern43::write_as(m, dialect(v))
}

//! DDEX writers: one module per ERN version, each writing the same [`crate::message`] model.

pub mod ern43;
mod xml;

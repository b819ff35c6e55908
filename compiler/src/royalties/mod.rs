//! Royalties (issue 6, in progress): from DSP sales reports to statements. Only the
//! allocation arithmetic exists so far.

pub mod alloc;
pub mod facts;
pub mod ledger;

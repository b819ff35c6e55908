//! Royalties: from DSP sales reports to exact, auditable statements.
//!
//! `input` reads reports into pools and matches lines to the catalogue; `engine` shares
//! each pool over its lines and each line over fee, payees and label (in the report's
//! currency, by largest remainder); `statement` converts, recoups and pays; `run` proves
//! conservation and builds what the ledger keeps; `ledger` keeps it in git.

pub mod alloc;
pub mod engine;
pub mod facts;
pub mod input;
pub mod ledger;
pub mod output;
#[cfg(test)]
mod proptests;
pub mod rates;
pub mod run;
pub mod statement;

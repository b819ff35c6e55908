//! The one integration-test binary (one link step instead of one per file).
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests set up real files and compare with real outputs"
)]

mod build;
mod cli;
mod deliver;
mod docs;
mod fingerprint;
mod fuzz;
mod golden;
mod import;
mod init;
mod media;
mod report;
mod royalties;
mod schema;
mod sftp;
mod support;
mod watch;

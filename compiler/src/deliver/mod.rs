//! Delivery: putting a package's files where a DSP picks them up. `apply` talks to a
//! [`Transport`] only, so a new one (S3, …) is a new implementation, not a new `apply`.

pub mod folder;
pub mod sftp;

use std::path::PathBuf;

/// What one file holds.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A file on disk (resources are streamed from the catalogue, not loaded).
    File(PathBuf),
}

/// A file to upload, at `path` relative to the transport's root.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub content: Content,
}

/// Where packages go. Each upload must be atomic for the receiver: written under a
/// temporary name, then renamed, so a DSP never sees a partial file.
pub trait Transport: Send {
    /// For messages: `folder out/deliveries/spotify`, `sftp user@host:22/incoming`.
    fn describe(&self) -> String;
    /// Upload one file. Errors say what happened and are shown as they are.
    fn upload(&mut self, file: &OutFile) -> Result<(), String>;
    /// Upload a package's files, in order (resources first, the message last). A transport
    /// with a per-connection cost overrides this to send them in one session.
    fn upload_all(&mut self, files: &[OutFile]) -> Result<(), String> {
        files.iter().try_for_each(|f| self.upload(f))
    }
    /// The files the DSP left in `acknowledgements/` under the root: (name, bytes), sorted
    /// by name. Nothing there is not an error.
    fn acknowledgements(&mut self) -> Result<Vec<(String, Vec<u8>)>, String> {
        Ok(Vec::new())
    }
}

/// The folder DSPs write acknowledgements into, under a transport's root.
pub const INBOX: &str = "acknowledgements";

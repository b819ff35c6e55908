//! The `folder` transport: a local directory (the DSP's watch folder, or a staging area).
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::{Content, INBOX, OutFile, Transport};
use std::path::PathBuf;

pub struct Folder {
    pub root: PathBuf,
}

impl Transport for Folder {
    fn describe(&self) -> String {
        format!("folder {}", self.root.display())
    }

    fn upload(&mut self, file: &OutFile) -> Result<(), String> {
        let dest = self.root.join(&file.path);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
        let tmp = dest.with_file_name(format!(
            ".{}.part",
            dest.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ));
        let written = match &file.content {
            Content::Bytes(b) => std::fs::write(&tmp, b),
            Content::File(src) => std::fs::copy(src, &tmp).map(|_| ()),
        };
        written.map_err(|e| format!("cannot write `{}`: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &dest)
            .map_err(|e| format!("cannot rename into `{}`: {e}", dest.display()))
    }

    fn acknowledgements(&mut self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let dir = self.root.join(INBOX);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !e.path().is_file() {
                continue;
            }
            let bytes = std::fs::read(e.path())
                .map_err(|err| format!("cannot read `{}`: {err}", e.path().display()))?;
            out.push((name, bytes));
        }
        out.sort();
        Ok(out)
    }
}

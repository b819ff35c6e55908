//! Source files, spans and byte-offset → line:column lookup.
//!
//! Every diagnostic points into a [`SourceFile`] through a [`Span`]. Spans are byte ranges; line
//! and column (1-based, columns counted in characters) are computed only when rendering.

use std::path::PathBuf;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range inside one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        Span {
            file,
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
        }
    }

    /// A sub-span `offset..offset + len` inside this span's value, used to underline one
    /// character of an identifier. `quoted` skips the opening quote of a TOML string.
    pub fn inner(self, offset: usize, len: usize, quoted: bool) -> Self {
        let skip = u32::from(quoted);
        let start = self
            .start
            .saturating_add(skip)
            .saturating_add(offset as u32);
        let end = start
            .saturating_add(len.max(1) as u32)
            .min(self.end.max(start));
        Span {
            file: self.file,
            start: start.min(self.end),
            end,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One loaded catalogue file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the catalogue root, with `/` separators (stable across machines).
    pub path: String,
    /// Absolute path on disk (or in the in-memory world), for resolving relative asset paths.
    pub full_path: PathBuf,
    pub text: String,
    /// Where each line starts, worked out when a diagnostic first needs it: most files never
    /// have one, and 10,000 releases have two million lines.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(path: String, full_path: PathBuf, text: String) -> Self {
        SourceFile {
            path,
            full_path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| (i + 1) as u32),
            );
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = starts.get(line).copied().unwrap_or(0) as usize;
        let end = (offset as usize).max(start);
        let col = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// Put a file's new text in place of its old one, under the same id.
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            *f = file;
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Free every file's text, keeping paths (a one-shot build, once the diagnostics are
    /// printed and the texts hashed). Spans into the files can no longer be shown.
    pub fn drop_texts(&mut self) {
        for f in &mut self.files {
            f.text = String::new();
            f.line_starts = std::sync::OnceLock::new();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\nçd = 1\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // `d` is after the two-byte `ç`.
        assert_eq!(f.line_col(5), (2, 2));
    }
}

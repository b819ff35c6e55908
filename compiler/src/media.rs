//! Media probing: the technical details of audio and artwork files, read from their bytes.
//!
//! DDEX `SoundRecording` and `Image` resources carry technical details (codec, sample rate,
//! bit depth, duration, pixel size, colour model, hash) that must come from the real files,
//! and DSPs reject media that is truncated, mislabelled or out of spec. This module reads
//! FLAC, WAV, JPEG and PNG headers (and walks enough of each file to see that it is whole),
//! sniffs what a file really is from its magic numbers, and hashes it.
//!
//! Everything here is a pure function of a file's bytes: no IO, no floating point, and no
//! panic on any input (every read is bounds-checked, every size sum is checked). Durations are
//! integer milliseconds, rounded down.
//!
//! Files are read by ranges, never whole: a probe reads the headers, chunk headers and
//! metadata blocks it needs (skipping audio and image data by their declared sizes), the
//! frames it checks at the start and the end of a FLAC, and the segments of a JPEG, through a
//! small block cache; [`md5_hex_in`] streams the file in fixed-size chunks. Memory per file is
//! bounded (a few hundred KiB of cache, a 1 MiB hashing buffer) whatever the file's size. The
//! bytes come from a [`MediaSource`]: a slice in memory, or a file the world opened
//! ([`World::open_media`](crate::world::World::open_media)). A file that ends early while it
//! is read (it shrank, or was rewritten) gives a [`MediaError::Truncated`], never a panic.

use std::fmt::Write as _;

/// An audio container the compiler accepts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum AudioCodec {
    Flac,
    /// Integer PCM in RIFF/WAVE.
    Wav,
}

/// What [`probe_audio`] reads from an audio file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AudioInfo {
    pub codec: AudioCodec,
    pub sample_rate: u32,
    /// Significant bits per sample (a WAVE_FORMAT_EXTENSIBLE file's valid bits).
    pub bits_per_sample: u16,
    pub channels: u16,
    /// Samples per channel (inter-channel sample frames).
    pub total_samples: u64,
    /// `total_samples / sample_rate`, in milliseconds rounded down.
    pub duration_ms: u64,
}

/// An image container the compiler accepts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ImageCodec {
    Jpeg,
    Png,
}

/// The colour model of an image. JPEG YCbCr counts as [`ColorModel::Rgb`], YCCK as
/// [`ColorModel::Cmyk`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ColorModel {
    Rgb,
    Grayscale,
    Cmyk,
    Indexed,
    Other,
}

/// What [`probe_image`] reads from an image file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageInfo {
    pub codec: ImageCodec,
    pub width: u32,
    pub height: u32,
    pub color: ColorModel,
    /// Bits per sample (JPEG precision; PNG bit depth, for indexed images the index depth).
    pub bit_depth: u8,
    /// Progressive JPEG or Adam7-interlaced PNG.
    pub progressive: bool,
    /// A PNG with an alpha channel or a `tRNS` chunk.
    pub has_alpha: bool,
}

/// What is wrong with a media file, as a lowercase message without final period suitable for a
/// diagnostic, e.g. "the file ends after 1,234 of 56,789 bytes of audio data (truncated)".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    /// Not a container this probe reads; says what it looks like when that is recognisable.
    #[error("{0}")]
    Unrecognised(String),
    /// The file stops before its own structure says it should.
    #[error("{0}")]
    Truncated(String),
    /// The right container, but its structure is inconsistent or corrupt.
    #[error("{0}")]
    Malformed(String),
    /// A well-formed file of a variant that is not accepted (compressed WAV, FLAC of unknown
    /// length, …).
    #[error("{0}")]
    Unsupported(String),
}

use MediaError::{Malformed, Truncated, Unsupported};

// ---------------------------------------------------------------------------------------------
// Byte helpers on slices in memory (a WAV fmt chunk, a FLAC frame header, the start of a
// file): every read is bounds-checked and returns `None` past the end.

fn slice_at(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

fn array_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    slice_at(b, at, N)?.try_into().ok()
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    array_at(b, at).map(u16::from_le_bytes)
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    array_at(b, at).map(u32::from_le_bytes)
}

fn has_at(b: &[u8], at: usize, magic: &[u8]) -> bool {
    slice_at(b, at, magic.len()) == Some(magic)
}

// ---------------------------------------------------------------------------------------------
// Reading files by ranges.

/// A media file, read by ranges: its length when it was opened, and positioned reads. The
/// probes read only the parts they need through it, so memory stays bounded whatever the
/// file's size. The core does no IO: the CLI's world opens files on disk
/// ([`World::open_media`](crate::world::World::open_media)); bytes in memory are a source too.
pub trait MediaSource {
    /// The file's length in bytes when it was opened.
    fn len(&self) -> u64;
    /// Whether the file was empty when it was opened.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Read into `buf` from byte `at`, as `pread` does: how many bytes were read (fewer than
    /// asked only at the end), 0 at or past the end of the file, which may by now be shorter
    /// than [`MediaSource::len`].
    fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize>;
    /// All of the bytes, when they are in memory already (read without copies or a cache).
    fn as_slice(&self) -> Option<&[u8]> {
        None
    }
}

impl MediaSource for Vec<u8> {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = usize::try_from(at)
            .ok()
            .and_then(|at| self.get(at..))
            .unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf.iter_mut().zip(rest).for_each(|(to, from)| *to = *from);
        Ok(n)
    }

    fn as_slice(&self) -> Option<&[u8]> {
        Some(self)
    }
}

/// Bytes per block of the read cache.
const BLOCK: usize = 64 * 1024;
/// Blocks the cache keeps (least recently used out): a probe moves between a few places at a
/// time (a FLAC's metadata, its first frame, its last frames).
const BLOCKS: usize = 4;
/// Bytes per read when hashing a file.
const HASH_CHUNK: usize = 1024 * 1024;

/// What went wrong reading a source; the probe's own result is then replaced.
#[derive(Debug)]
enum Failure {
    /// The file ends before the length it had when it was opened: it shrank (or was
    /// rewritten shorter) since.
    Shrunk,
    /// The source could not be read.
    Io(std::io::Error),
}

/// The file's bytes as the probes read them: bounds-checked reads at any offset, from a slice
/// in memory or from a [`MediaSource`] through a small cache of blocks. Reads past the end
/// give `None`, as slice reads do. So does every read after the source failed or ended early;
/// the failure is kept, and [`Bytes::run`] reports it instead of the probe's result.
struct Bytes<'a> {
    len: usize,
    src: Src<'a>,
    failure: Option<Failure>,
}

enum Src<'a> {
    Memory(&'a [u8]),
    Ranged {
        source: &'a dyn MediaSource,
        block: usize,
        cache: Vec<Block>,
        clock: u64,
    },
}

struct Block {
    start: usize,
    data: Vec<u8>,
    used: u64,
}

/// Fill `buf` from `at`, reading again after short reads: how many bytes were read (fewer
/// than `buf.len()` only when the source ends first).
fn fill(source: &dyn MediaSource, at: usize, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut done = 0;
    while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
        match source.read_at((at + done) as u64, rest) {
            Ok(0) => break,
            Ok(n) => done += n.min(rest.len()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The error for a file that ends early though it had `len` bytes when it was opened.
fn shrank(len: u64) -> MediaError {
    Truncated(format!(
        "the file shrank below its {} bytes while it was read (truncated)",
        thousands(len)
    ))
}

impl<'a> Bytes<'a> {
    /// Bytes in memory: reads never fail.
    fn memory(bytes: &'a [u8]) -> Self {
        Bytes {
            len: bytes.len(),
            src: Src::Memory(bytes),
            failure: None,
        }
    }

    fn new(source: &'a dyn MediaSource) -> Self {
        Self::with_block(source, BLOCK)
    }

    fn with_block(source: &'a dyn MediaSource, block: usize) -> Self {
        if let Some(bytes) = source.as_slice() {
            return Self::memory(bytes);
        }
        Bytes {
            // A file larger than the address space (only on 32-bit systems) is read as far
            // as it can be addressed.
            len: usize::try_from(source.len()).unwrap_or(usize::MAX),
            src: Src::Ranged {
                source,
                block: block.max(1),
                cache: Vec::with_capacity(BLOCKS),
                clock: 0,
            },
            failure: None,
        }
    }

    /// Run a probe; `Err` when the source could not be read, a [`MediaError::Truncated`] when
    /// the file ended early while it was read, else the probe's result.
    fn run<T>(
        mut self,
        probe: impl FnOnce(&mut Self) -> Result<T, MediaError>,
    ) -> std::io::Result<Result<T, MediaError>> {
        let result = probe(&mut self);
        match self.failure {
            None => Ok(result),
            Some(Failure::Io(e)) => Err(e),
            Some(Failure::Shrunk) => Ok(Err(shrank(self.len as u64))),
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The block holding byte `at`: its first byte's offset and its bytes (a slice in memory
    /// is one block). `None` past the end or once the source failed.
    fn block(&mut self, at: usize) -> Option<(usize, &[u8])> {
        if at >= self.len || self.failure.is_some() {
            return None;
        }
        let (source, block, cache, clock) = match &mut self.src {
            Src::Memory(b) => return Some((0, *b)),
            Src::Ranged {
                source,
                block,
                cache,
                clock,
            } => (*source, *block, cache, clock),
        };
        let start = at - at % block;
        *clock += 1;
        let i = match cache.iter().position(|c| c.start == start) {
            Some(i) => i,
            None => {
                let mut data = vec![0; block.min(self.len - start)];
                match fill(source, start, &mut data) {
                    Ok(n) if n == data.len() => {}
                    Ok(_) => {
                        self.failure = Some(Failure::Shrunk);
                        return None;
                    }
                    Err(e) => {
                        self.failure = Some(Failure::Io(e));
                        return None;
                    }
                }
                let new = Block {
                    start,
                    data,
                    used: 0,
                };
                let oldest = cache.iter().enumerate().min_by_key(|(_, c)| c.used);
                match oldest.map(|(i, _)| i) {
                    Some(i) if cache.len() >= BLOCKS => {
                        cache[i] = new;
                        i
                    }
                    _ => {
                        cache.push(new);
                        cache.len() - 1
                    }
                }
            }
        };
        let c = cache.get_mut(i)?;
        c.used = *clock;
        Some((c.start, &c.data))
    }

    /// The bytes from `at` to the end of its block: never empty; `None` past the end.
    fn chunk(&mut self, at: usize) -> Option<&[u8]> {
        let (start, data) = self.block(at)?;
        data.get(at - start..)
    }

    /// Fill `out` from `at`; `false` when the file ends first.
    fn read(&mut self, at: usize, out: &mut [u8]) -> bool {
        let mut done = 0;
        while done < out.len() {
            let Some(chunk) = at.checked_add(done).and_then(|p| self.chunk(p)) else {
                return false;
            };
            let n = chunk.len().min(out.len() - done);
            out[done..done + n].copy_from_slice(&chunk[..n]);
            done += n;
        }
        true
    }

    fn array_at<const N: usize>(&mut self, at: usize) -> Option<[u8; N]> {
        let mut a = [0; N];
        self.read(at, &mut a).then_some(a)
    }

    fn u8_at(&mut self, at: usize) -> Option<u8> {
        self.chunk(at)?.first().copied()
    }

    fn be16(&mut self, at: usize) -> Option<u16> {
        self.array_at(at).map(u16::from_be_bytes)
    }

    fn be32(&mut self, at: usize) -> Option<u32> {
        self.array_at(at).map(u32::from_be_bytes)
    }

    fn be64(&mut self, at: usize) -> Option<u64> {
        self.array_at(at).map(u64::from_be_bytes)
    }

    fn le32(&mut self, at: usize) -> Option<u32> {
        self.array_at(at).map(u32::from_le_bytes)
    }

    fn has_at(&mut self, at: usize, magic: &[u8]) -> bool {
        let mut done = 0;
        while done < magic.len() {
            let Some(chunk) = at.checked_add(done).and_then(|p| self.chunk(p)) else {
                return false;
            };
            let n = chunk.len().min(magic.len() - done);
            if chunk[..n] != magic[done..done + n] {
                return false;
            }
            done += n;
        }
        true
    }

    /// Up to `n` bytes from `at`: fewer at the end of the file. For small `n` only.
    fn head_at(&mut self, at: usize, n: usize) -> Vec<u8> {
        let mut v = vec![0; n.min(self.len.saturating_sub(at))];
        if self.read(at, &mut v) { v } else { Vec::new() }
    }

    /// The first `n` bytes, or all of a shorter file.
    fn head(&mut self, n: usize) -> Vec<u8> {
        self.head_at(0, n)
    }

    /// The first position from `from` holding `byte`.
    fn find(&mut self, from: usize, byte: u8) -> Option<usize> {
        let mut at = from;
        loop {
            let chunk = self.chunk(at)?;
            if let Some(i) = chunk.iter().position(|&x| x == byte) {
                return Some(at + i);
            }
            at += chunk.len();
        }
    }

    /// The last position in `lo..hi` holding `byte`.
    fn rfind(&mut self, lo: usize, hi: usize, byte: u8) -> Option<usize> {
        let mut end = hi.min(self.len);
        while end > lo {
            let (start, data) = self.block(end - 1)?;
            let from = lo.max(start);
            let part = data.get(from - start..end - start)?;
            if let Some(i) = part.iter().rposition(|&x| x == byte) {
                return Some(from + i);
            }
            end = from;
        }
        None
    }
}

/// A `u32`/`u64` size as `usize`, saturating (sums with it are then checked against the length).
fn to_usize(n: impl TryInto<usize>) -> usize {
    n.try_into().unwrap_or(usize::MAX)
}

/// `n` with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds as the catalogue writes durations: "m:ss" (or "h:mm:ss"), with the
/// milliseconds only when there are any ("0:00.300").
pub fn clock(ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let base = if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    };
    match ms % 1000 {
        0 => base,
        frac => format!("{base}.{frac:03}"),
    }
}

fn duration_ms(samples: u64, rate: u32) -> u64 {
    if rate == 0 {
        return 0;
    }
    // Compute in u128: samples (≤ 2^64) × 1000 cannot overflow.
    u64::try_from(u128::from(samples) * 1000 / u128::from(rate)).unwrap_or(u64::MAX)
}

fn hex_bytes(b: &[u8]) -> String {
    let mut out = String::new();
    for (i, byte) in b.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Sniffing.

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The length of an ID3v2 tag at the start of `b`: `None` when there is none, `Some(Err(n))`
/// when the tag claims `n` bytes but the header itself is cut short or claims more than the file.
fn id3v2_len(b: &mut Bytes) -> Option<Result<usize, usize>> {
    if !b.has_at(0, b"ID3") {
        return None;
    }
    let Some(header) = b.array_at::<10>(0) else {
        return Some(Err(10));
    };
    let [.., flags, s0, s1, s2, s3] = header;
    let size = [s0, s1, s2, s3]
        .iter()
        .fold(0usize, |acc, &x| (acc << 7) | usize::from(x & 0x7F));
    let footer = if flags & 0x10 != 0 { 10 } else { 0 };
    let total = 10 + size + footer;
    Some(if total > b.len() {
        Err(total)
    } else {
        Ok(total)
    })
}

fn is_mpeg_audio_frame(b: &mut Bytes, at: usize) -> bool {
    let Some([b0, b1, b2]) = b.array_at::<3>(at) else {
        return false;
    };
    let version = (b1 >> 3) & 3;
    let layer = (b1 >> 1) & 3;
    b0 == 0xFF
        && b1 & 0xE0 == 0xE0
        && version != 1
        && layer != 0
        && b2 >> 4 != 15
        && (b2 >> 2) & 3 != 3
}

/// The container the bytes really are, from magic numbers: "flac", "wav", "mp3", "ogg",
/// "aiff", "m4a", "jpeg", "png", "gif", "webp", "tiff", "bmp", or `None`.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    sniff_in(&mut Bytes::memory(bytes))
}

fn sniff_in(b: &mut Bytes) -> Option<&'static str> {
    if let Some(tag) = id3v2_len(b) {
        // An ID3v2 tag in front: FLAC tolerates one, otherwise it is almost always an MP3.
        let after = tag.ok().unwrap_or(usize::MAX);
        return Some(if b.has_at(after, b"fLaC") {
            "flac"
        } else {
            "mp3"
        });
    }
    if b.has_at(0, b"fLaC") {
        return Some("flac");
    }
    if b.has_at(0, b"RIFF") && b.has_at(8, b"WAVE") {
        return Some("wav");
    }
    if b.has_at(0, b"RIFF") && b.has_at(8, b"WEBP") {
        return Some("webp");
    }
    if b.has_at(0, b"FORM") && (b.has_at(8, b"AIFF") || b.has_at(8, b"AIFC")) {
        return Some("aiff");
    }
    if b.has_at(0, b"OggS") {
        return Some("ogg");
    }
    if b.has_at(4, b"ftyp") {
        let brand = b.array_at::<4>(8)?;
        const NOT_AUDIO: [[u8; 4]; 9] = [
            *b"heic", *b"heix", *b"heim", *b"heis", *b"hevc", *b"mif1", *b"msf1", *b"avif",
            *b"qt  ",
        ];
        return if NOT_AUDIO.contains(&brand) {
            None
        } else {
            Some("m4a")
        };
    }
    if b.has_at(0, b"\xFF\xD8\xFF") {
        return Some("jpeg");
    }
    if b.has_at(0, PNG_SIGNATURE) {
        return Some("png");
    }
    if b.has_at(0, b"GIF87a") || b.has_at(0, b"GIF89a") {
        return Some("gif");
    }
    if b.has_at(0, b"II*\0")
        || b.has_at(0, b"MM\0*")
        || b.has_at(0, b"II+\0")
        || b.has_at(0, b"MM\0+")
    {
        return Some("tiff");
    }
    if b.has_at(0, b"BM")
        && b.le32(6) == Some(0)
        && matches!(b.le32(14), Some(12 | 40 | 52 | 56 | 64 | 108 | 124))
    {
        return Some("bmp");
    }
    if is_mpeg_audio_frame(b, 0) {
        return Some("mp3");
    }
    None
}

/// What the bytes look like, as a noun phrase for an "is not …" message.
fn describe(b: &mut Bytes) -> Option<String> {
    if let Some(Ok(tag)) = id3v2_len(b) {
        if !b.has_at(tag, b"fLaC") {
            return Some(if is_mpeg_audio_frame(b, tag) {
                "an ID3-tagged MP3".to_owned()
            } else {
                "a file with an ID3 tag (usually an MP3)".to_owned()
            });
        }
    }
    let phrase = match sniff_in(b) {
        Some("flac") => "a FLAC file",
        Some("wav") => "a WAV file",
        Some("mp3") => "an MP3 file",
        Some("ogg") if b.has_at(28, b"\x7FFLAC") => "an Ogg-wrapped FLAC file (not native FLAC)",
        Some("ogg") => "an Ogg file",
        Some("aiff") => "an AIFF file",
        Some("m4a") => "an MP4/M4A file",
        Some("jpeg") => "a JPEG image",
        Some("png") => "a PNG image",
        Some("gif") => "a GIF image",
        Some("webp") => "a WebP image",
        Some("tiff") => "a TIFF image",
        Some("bmp") => "a BMP image",
        _ => return describe_text(&b.head(256)),
    };
    Some(phrase.to_owned())
}

/// `head`: the first 256 bytes of the file (all of a shorter one).
fn describe_text(head: &[u8]) -> Option<String> {
    if has_at(head, 0, b"version https://git-lfs") {
        return Some(
            "a Git LFS pointer, not the real file (fetch it with `git lfs pull`)".to_owned(),
        );
    }
    let start = head.iter().position(|c| !c.is_ascii_whitespace())?;
    let lead: Vec<u8> = head
        .iter()
        .skip(start)
        .take(14)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lead.starts_with(b"<!doctype html") || lead.starts_with(b"<html") {
        return Some("an HTML page".to_owned());
    }
    if head
        .iter()
        .all(|&c| c.is_ascii_graphic() || c.is_ascii_whitespace() || c >= 0x80)
        && std::str::from_utf8(head).is_ok()
    {
        return Some("a text file".to_owned());
    }
    None
}

fn unrecognised(b: &mut Bytes, wanted: &str) -> MediaError {
    MediaError::Unrecognised(match describe(b) {
        Some(what) => format!("the file is {what}, not {wanted}"),
        None => format!(
            "the file is not {wanted} (it starts with the bytes {})",
            hex_bytes(&b.head(8))
        ),
    })
}

/// Lowercase hex MD5 of the bytes (DDEX `HashSum` with `HashSumAlgorithmType` MD5).
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest as _;
    crate::lower::hex(&md5::Md5::digest(bytes))
}

/// [`md5_hex`] of a source's bytes, read in chunks of 1 MiB: the MD5 of the
/// [`MediaSource::len`] bytes the file had when it was opened. A [`MediaError::Truncated`]
/// when it ends before (it shrank while it was read); `Err` when it cannot be read.
pub fn md5_hex_in(source: &dyn MediaSource) -> std::io::Result<Result<String, MediaError>> {
    if let Some(bytes) = source.as_slice() {
        return Ok(Ok(md5_hex(bytes)));
    }
    thread_local! {
        /// The chunk buffer, kept for the thread's next file (a new one, zeroed, per file
        /// cost 7 % more CPU on 12,000 files of 0.88 MB).
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => md5_chunked(source, &mut buf),
        Err(_) => md5_chunked(source, &mut Vec::new()),
    })
}

/// [`md5_hex_in`] of a source not in memory, through `buf` (grown to 1 MiB at most).
fn md5_chunked(
    source: &dyn MediaSource,
    buf: &mut Vec<u8>,
) -> std::io::Result<Result<String, MediaError>> {
    use md5::Digest as _;
    let len = source.len();
    let size = usize::try_from(len).unwrap_or(usize::MAX).min(HASH_CHUNK);
    if buf.len() < size {
        buf.resize(size, 0);
    }
    let mut md5 = md5::Md5::new();
    let mut at = 0u64;
    while at < len {
        let want = usize::try_from(len - at)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(chunk) = buf.get_mut(..want) else {
            break;
        };
        let n = match source.read_at(at, chunk) {
            Ok(0) => return Ok(Err(shrank(len))),
            Ok(n) => n.min(want),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        md5.update(chunk.get(..n).unwrap_or_default());
        at += n as u64;
    }
    Ok(Ok(crate::lower::hex(&md5.finalize())))
}

// ---------------------------------------------------------------------------------------------
// Audio.

/// Reads the technical details of a FLAC or WAV file, deciding the codec from the content (not
/// the file name), and checks that the file is whole.
pub fn probe_audio(bytes: &[u8]) -> Result<AudioInfo, MediaError> {
    audio(&mut Bytes::memory(bytes))
}

/// [`probe_audio`] of a source, read by ranges. `Err` when the source cannot be read; a
/// [`MediaError::Truncated`] when the file ends early while it is read (it shrank).
pub fn probe_audio_in(source: &dyn MediaSource) -> std::io::Result<Result<AudioInfo, MediaError>> {
    Bytes::new(source).run(audio)
}

fn audio(b: &mut Bytes) -> Result<AudioInfo, MediaError> {
    if b.len() == 0 {
        return Err(MediaError::Empty);
    }
    let start = match id3v2_len(b) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(n)) => {
            return Err(Truncated(format!(
                "the file ends after {} bytes, inside its {}-byte ID3 tag (truncated)",
                thousands(b.len() as u64),
                thousands(n as u64)
            )));
        }
    };
    if b.has_at(start, b"fLaC") {
        return probe_flac(b, start);
    }
    if start == 0 && b.has_at(0, b"RIFF") {
        if b.len() < 12 {
            return Err(Truncated(format!(
                "the file ends after {} bytes, inside the RIFF header (truncated)",
                b.len()
            )));
        }
        if b.has_at(8, b"WAVE") {
            return probe_wav(b);
        }
    }
    if start == 0 && b.has_at(0, b"RF64") && b.has_at(8, b"WAVE") {
        return Err(Unsupported(
            "the file is an RF64 (64-bit) WAV, which is not supported: deliver FLAC or a WAV under 4 GB"
                .to_owned(),
        ));
    }
    if start == 0 && b.has_at(0, b"RIFX") && b.has_at(8, b"WAVE") {
        return Err(Unsupported(
            "the file is a big-endian (RIFX) WAV, which is not supported".to_owned(),
        ));
    }
    Err(unrecognised(b, "FLAC or WAV audio"))
}

// --- FLAC -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct StreamInfo {
    rate: u32,
    channels: u16,
    bps: u16,
    total: u64,
}

fn flac_block_name(kind: u8) -> String {
    match kind {
        0 => "STREAMINFO".to_owned(),
        1 => "PADDING".to_owned(),
        2 => "APPLICATION".to_owned(),
        3 => "SEEKTABLE".to_owned(),
        4 => "VORBIS_COMMENT".to_owned(),
        5 => "CUESHEET".to_owned(),
        6 => "PICTURE".to_owned(),
        k => format!("type {k}"),
    }
}

fn probe_flac(b: &mut Bytes, start: usize) -> Result<AudioInfo, MediaError> {
    let len = b.len();
    let mut pos = start + 4;
    let mut number = 1usize;
    let mut info: Option<StreamInfo> = None;
    loop {
        let Some(header) = b.array_at::<4>(pos) else {
            return Err(Truncated(format!(
                "the file ends after {} bytes, inside the header of FLAC metadata block {number} (truncated)",
                thousands(len as u64)
            )));
        };
        let [flags, l0, l1, l2] = header;
        let last = flags & 0x80 != 0;
        let kind = flags & 0x7F;
        let size = to_usize(u32::from_be_bytes([0, l0, l1, l2]));
        if kind == 127 {
            return Err(Malformed(format!(
                "the FLAC metadata block {number} has the invalid type 127"
            )));
        }
        if number == 1 && kind != 0 {
            return Err(Malformed(format!(
                "the FLAC metadata does not start with a STREAMINFO block (the first block is {})",
                flac_block_name(kind)
            )));
        }
        if number > 1 && kind == 0 {
            return Err(Malformed(format!(
                "the FLAC metadata has a second STREAMINFO block (block {number})"
            )));
        }
        if number == 1 && size != 34 {
            return Err(Malformed(format!(
                "the FLAC STREAMINFO block is {size} bytes long instead of 34"
            )));
        }
        let body = pos + 4;
        let present = len.saturating_sub(body);
        if size > present {
            return Err(Truncated(format!(
                "the file ends inside FLAC metadata block {number} ({}): only {} of its {} bytes are present (truncated)",
                flac_block_name(kind),
                thousands(present as u64),
                thousands(size as u64)
            )));
        }
        if number == 1 {
            info = Some(parse_streaminfo(b, body)?);
        }
        pos = body + size;
        number += 1;
        if last {
            break;
        }
    }
    let Some(si) = info else {
        return Err(Malformed(
            "the FLAC file has no STREAMINFO block".to_owned(),
        ));
    };
    let audio = pos;

    // The first audio frame must follow the metadata directly.
    let first = match b.array_at::<2>(audio) {
        None => {
            return Err(Truncated(format!(
                "the file ends after {} bytes, right after the FLAC metadata, with no audio frames (truncated)",
                thousands(len as u64)
            )));
        }
        Some([0xFF, s]) if s & 0xFE == 0xF8 => match frame_header_at(b, audio, &si) {
            Header::Ok(h) => h,
            Header::Incomplete => {
                return Err(Truncated(format!(
                    "the file ends after {} bytes, inside the first FLAC audio frame (truncated)",
                    thousands(len as u64)
                )));
            }
            Header::Invalid => {
                return Err(Malformed(
                    "the first FLAC audio frame has a corrupt header (bad CRC-8 or fields that contradict STREAMINFO)"
                        .to_owned(),
                ));
            }
        },
        Some(other) => {
            return Err(Malformed(format!(
                "the FLAC audio does not start with a frame sync code (found the bytes {} after the metadata)",
                hex_bytes(&other)
            )));
        }
    };
    if si.total == 0 {
        return Err(Unsupported(
            "the FLAC STREAMINFO does not give the total number of samples (0, unknown length), so the duration cannot be read: re-encode the file".to_owned(),
        ));
    }

    // Truncation of the audio: the last frame whose header can be trusted tells how far the
    // audio goes. If no frame can be trusted, don't guess.
    if let Some(last) = last_frame(b, audio, &first, &si) {
        let first_sample = if last.variable {
            Some(last.number)
        } else {
            last.number.checked_mul(u64::from(first.block_size))
        };
        if let Some(first_sample) = first_sample {
            let end = first_sample.saturating_add(u64::from(last.block_size));
            let reached = if frame_is_complete(b, &last, si.channels) {
                end
            } else {
                first_sample
            };
            if reached < si.total {
                return Err(Truncated(format!(
                    "the audio stops {} into {} (sample {} of {}): the file ends after {} bytes (truncated)",
                    clock(duration_ms(reached, si.rate)),
                    clock(duration_ms(si.total, si.rate)),
                    thousands(reached),
                    thousands(si.total),
                    thousands(len as u64)
                )));
            }
        }
    }

    Ok(AudioInfo {
        codec: AudioCodec::Flac,
        sample_rate: si.rate,
        bits_per_sample: si.bps,
        channels: si.channels,
        total_samples: si.total,
        duration_ms: duration_ms(si.total, si.rate),
    })
}

fn parse_streaminfo(b: &mut Bytes, body: usize) -> Result<StreamInfo, MediaError> {
    let packed = b
        .be64(body + 10)
        .ok_or_else(|| Malformed("the FLAC STREAMINFO block is too short".to_owned()))?;
    let rate = u32::try_from(packed >> 44).unwrap_or(0);
    let channels = u16::try_from((packed >> 41) & 0x7).unwrap_or(0) + 1;
    let bps = u16::try_from((packed >> 36) & 0x1F).unwrap_or(0) + 1;
    let total = packed & 0xF_FFFF_FFFF;
    if rate == 0 {
        return Err(Malformed(
            "the FLAC STREAMINFO gives a sample rate of 0".to_owned(),
        ));
    }
    if bps < 4 {
        return Err(Malformed(format!(
            "the FLAC STREAMINFO gives an invalid sample size of {bps} bits"
        )));
    }
    Ok(StreamInfo {
        rate,
        channels,
        bps,
        total,
    })
}

/// A FLAC frame header that passed its CRC-8 and agrees with STREAMINFO.
#[derive(Debug, Clone)]
struct FrameHeader {
    pos: usize,
    /// Header length in bytes, CRC-8 included.
    len: usize,
    /// Variable-blocksize stream: `number` is a sample number, else a frame number.
    variable: bool,
    number: u64,
    block_size: u32,
}

enum Header {
    Ok(FrameHeader),
    /// The file ends inside the header.
    Incomplete,
    Invalid,
}

/// FLAC CRC-8: polynomial x^8 + x^2 + x + 1 (0x07), initial value 0.
pub(crate) fn crc8(data: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &byte in data {
        crc ^= byte;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ 0x07
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// One step of the FLAC CRC-16: polynomial x^16 + x^15 + x^2 + 1 (0x8005), initial value 0.
pub(crate) fn crc16_step(mut crc: u16, byte: u8) -> u16 {
    crc ^= u16::from(byte) << 8;
    for _ in 0..8 {
        crc = if crc & 0x8000 != 0 {
            (crc << 1) ^ 0x8005
        } else {
            crc << 1
        };
    }
    crc
}

/// The longest FLAC frame header: sync and codes (4 bytes), a 7-byte sample number, 16-bit
/// block size and sample rate, CRC-8.
const FRAME_HEADER_MAX: usize = 16;

/// The frame header at `pos` of the file.
fn frame_header_at(b: &mut Bytes, pos: usize, si: &StreamInfo) -> Header {
    match parse_frame_header(&b.head_at(pos, FRAME_HEADER_MAX), 0, si) {
        Header::Ok(h) => Header::Ok(FrameHeader { pos, ..h }),
        other => other,
    }
}

/// The frame header at `pos` of `b`, which holds at least [`FRAME_HEADER_MAX`] bytes from
/// `pos` or all of the file from there.
fn parse_frame_header(b: &[u8], pos: usize, si: &StreamInfo) -> Header {
    macro_rules! byte {
        ($i:expr) => {
            match pos.checked_add($i).and_then(|at| b.get(at)) {
                Some(&x) => x,
                None => return Header::Incomplete,
            }
        };
    }
    let (b0, b1) = (byte!(0), byte!(1));
    if b0 != 0xFF || b1 & 0xFE != 0xF8 {
        return Header::Invalid;
    }
    let variable = b1 & 1 == 1;
    let (b2, b3) = (byte!(2), byte!(3));
    let (bs_code, sr_code) = (b2 >> 4, b2 & 0xF);
    if bs_code == 0 || sr_code == 15 {
        return Header::Invalid;
    }
    let channel_code = b3 >> 4;
    let channels = match channel_code {
        0..=7 => u16::from(channel_code) + 1,
        8..=10 => 2,
        _ => return Header::Invalid,
    };
    let bits = match (b3 >> 1) & 7 {
        0 => si.bps,
        1 => 8,
        2 => 12,
        4 => 16,
        5 => 20,
        6 => 24,
        7 => 32,
        _ => return Header::Invalid,
    };
    if channels != si.channels || bits != si.bps || b3 & 1 != 0 {
        return Header::Invalid;
    }

    // The frame or sample number, coded like (extended) UTF-8.
    let lead = byte!(4);
    let extra = lead.leading_ones() as usize;
    let max_len = if variable { 7 } else { 6 };
    let mut number = if extra == 0 {
        u64::from(lead)
    } else if extra == 1 || extra > max_len {
        return Header::Invalid;
    } else {
        u64::from(lead & (0x7F >> extra))
    };
    let mut at = 5;
    for _ in 1..extra {
        let c = byte!(at);
        if c & 0xC0 != 0x80 {
            return Header::Invalid;
        }
        number = (number << 6) | u64::from(c & 0x3F);
        at += 1;
    }

    let block_size = match bs_code {
        1 => 192,
        2..=5 => 576 << (bs_code - 2),
        6 => {
            let x = byte!(at);
            at += 1;
            u32::from(x) + 1
        }
        7 => {
            let (hi, lo) = (byte!(at), byte!(at + 1));
            at += 2;
            u32::from(u16::from_be_bytes([hi, lo])) + 1
        }
        _ => 256 << (bs_code - 8),
    };
    let rate = match sr_code {
        0 => si.rate,
        1 => 88_200,
        2 => 176_400,
        3 => 192_000,
        4 => 8_000,
        5 => 16_000,
        6 => 22_050,
        7 => 24_000,
        8 => 32_000,
        9 => 44_100,
        10 => 48_000,
        11 => 96_000,
        12 => {
            let x = byte!(at);
            at += 1;
            u32::from(x) * 1000
        }
        _ => {
            let (hi, lo) = (byte!(at), byte!(at + 1));
            at += 2;
            let x = u32::from(u16::from_be_bytes([hi, lo]));
            if sr_code == 13 { x } else { x * 10 }
        }
    };
    if rate != si.rate {
        return Header::Invalid;
    }
    let crc = byte!(at);
    match slice_at(b, pos, at) {
        Some(header) if crc8(header) == crc => Header::Ok(FrameHeader {
            pos,
            len: at + 1,
            variable,
            number,
            block_size,
        }),
        Some(_) => Header::Invalid,
        None => Header::Incomplete,
    }
}

/// Whether `next` is the frame directly after `prev`.
fn follows(prev: &FrameHeader, next: &FrameHeader) -> bool {
    if prev.variable {
        prev.number.checked_add(u64::from(prev.block_size)) == Some(next.number)
    } else {
        prev.number.checked_add(1) == Some(next.number)
    }
}

/// The last frame of the file whose header can be trusted: scanning backwards for sync codes,
/// a header counts only when a header just before it numbers it as its successor (audio data
/// can contain a sync code and a matching CRC-8 by chance, two chained ones practically never),
/// or when it is the first frame. `None` when no trustworthy last frame was found.
fn last_frame(
    b: &mut Bytes,
    audio: usize,
    first: &FrameHeader,
    si: &StreamInfo,
) -> Option<FrameHeader> {
    /// How many unconfirmed later candidates to remember.
    const WINDOW: usize = 8;
    let mut later: Vec<FrameHeader> = Vec::new();
    let confirm = |h: &FrameHeader, later: &[FrameHeader]| {
        later
            .iter()
            .filter(|l| follows(h, l))
            .max_by_key(|l| l.pos)
            .cloned()
    };
    // Candidates from the last byte but one down to the byte after the first frame's start:
    // each 0xFF (found a block at a time), then a sync code.
    let mut below = b.len().saturating_sub(2) + 1;
    while let Some(p) = b.rfind(audio + 1, below, 0xFF) {
        below = p;
        let sync = b.u8_at(p + 1).is_some_and(|x| x & 0xFE == 0xF8);
        if sync {
            if let Header::Ok(h) = frame_header_at(b, p, si) {
                if h.variable == first.variable {
                    if let Some(found) = confirm(&h, &later) {
                        return Some(found);
                    }
                    if later.len() >= WINDOW {
                        later.remove(0);
                    }
                    later.push(h);
                }
            }
        }
    }
    if later.is_empty() {
        return Some(first.clone());
    }
    confirm(first, &later)
}

/// Whether the frame ends inside the file: somewhere after its header the running CRC-16 over
/// the frame (its own CRC-16 footer included) comes to 0.
fn frame_is_complete(b: &mut Bytes, frame: &FrameHeader, channels: u16) -> bool {
    // Header, at least one byte per subframe, then the 2-byte CRC-16.
    let min_len = frame.len + usize::from(channels) + 2;
    let mut crc = 0u16;
    // Bytes of the frame read so far.
    let mut read = 0usize;
    while let Some(chunk) = frame.pos.checked_add(read).and_then(|at| b.chunk(at)) {
        for &byte in chunk {
            crc = crc16_step(crc, byte);
            read += 1;
            if crc == 0 && read >= min_len {
                return true;
            }
        }
    }
    false
}

// --- WAV --------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct WavFormat {
    channels: u16,
    rate: u32,
    block_align: u16,
    bits: u16,
}

fn wav_format_name(tag: u32) -> Option<&'static str> {
    Some(match tag {
        0x0002 => "Microsoft ADPCM",
        0x0003 => "floating-point",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MP3",
        0x00FF | 0x1610 => "AAC",
        0x0161..=0x0163 => "Windows Media Audio",
        0x2000 => "Dolby AC-3",
        _ => return None,
    })
}

fn not_pcm(tag: u32, extensible: bool) -> MediaError {
    let via = if extensible {
        "WAVE_FORMAT_EXTENSIBLE subformat"
    } else {
        "format tag"
    };
    Unsupported(match wav_format_name(tag) {
        Some(name) => {
            format!("the WAV file holds {name} audio ({via} 0x{tag:04x}), not integer PCM")
        }
        None => format!(
            "the WAV file holds compressed or non-PCM audio ({via} 0x{tag:04x}), not integer PCM"
        ),
    })
}

/// Bytes of a `fmt ` chunk that are read (a WAVE_FORMAT_EXTENSIBLE one's fields end there).
const WAV_FMT_READ: usize = 40;

/// `fmt ` chunk body (its first [`WAV_FMT_READ`] bytes; all of it when shorter) and length →
/// format; `Err` for non-PCM or inconsistent fields.
fn parse_wav_fmt(body: &[u8], size: usize) -> Result<WavFormat, MediaError> {
    let short = || Malformed(format!("the WAV fmt chunk is {size} bytes long, too short"));
    let tag = le16(body, 0).ok_or_else(short)?;
    let channels = le16(body, 2).ok_or_else(short)?;
    let rate = le32(body, 4).ok_or_else(short)?;
    let block_align = le16(body, 12).ok_or_else(short)?;
    let container_bits = le16(body, 14).ok_or_else(short)?;
    let mut bits = container_bits;
    match tag {
        0x0001 => {}
        0xFFFE => {
            let too_short = || {
                Malformed(format!(
                    "the WAV fmt chunk is WAVE_FORMAT_EXTENSIBLE but only {size} bytes long (needs 40)"
                ))
            };
            let valid_bits = le16(body, 18).ok_or_else(too_short)?;
            let subformat = le32(body, 24).ok_or_else(too_short)?;
            let guid_tail = slice_at(body, 28, 12).ok_or_else(too_short)?;
            const TAIL: &[u8] = b"\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71";
            if guid_tail != TAIL {
                return Err(Unsupported(
                    "the WAV file's WAVE_FORMAT_EXTENSIBLE subformat is not a standard one (not PCM)"
                        .to_owned(),
                ));
            }
            if subformat != 1 {
                return Err(not_pcm(subformat, true));
            }
            if valid_bits > container_bits {
                return Err(Malformed(format!(
                    "the WAV fmt chunk gives {valid_bits} valid bits in a {container_bits}-bit sample"
                )));
            }
            if valid_bits != 0 {
                bits = valid_bits;
            }
        }
        other => return Err(not_pcm(u32::from(other), false)),
    }
    if channels == 0 {
        return Err(Malformed("the WAV fmt chunk gives 0 channels".to_owned()));
    }
    if rate == 0 {
        return Err(Malformed(
            "the WAV fmt chunk gives a sample rate of 0".to_owned(),
        ));
    }
    if bits == 0 {
        return Err(Malformed(
            "the WAV fmt chunk gives 0 bits per sample".to_owned(),
        ));
    }
    let expected = u32::from(channels) * u32::from(container_bits.div_ceil(8));
    if u32::from(block_align) != expected {
        return Err(Malformed(format!(
            "the WAV fmt chunk's block align is {block_align}, but {channels} channel(s) of {container_bits}-bit samples need {expected}"
        )));
    }
    Ok(WavFormat {
        channels,
        rate,
        block_align,
        bits,
    })
}

fn probe_wav(b: &mut Bytes) -> Result<AudioInfo, MediaError> {
    let len = b.len();
    let mut pos = 12usize;
    let mut format: Option<WavFormat> = None;
    let mut data: Option<u32> = None;
    while format.is_none() || data.is_none() {
        if pos >= len {
            break;
        }
        let Some(header) = b.array_at::<8>(pos) else {
            return Err(Truncated(format!(
                "the file ends after {} bytes, inside a WAV chunk header (truncated)",
                thousands(len as u64)
            )));
        };
        let [i0, i1, i2, i3, s0, s1, s2, s3] = header;
        let id = [i0, i1, i2, i3];
        let size = u32::from_le_bytes([s0, s1, s2, s3]);
        let body = pos + 8;
        let present = len - body.min(len);
        match &id {
            b"data" => {
                if size == u32::MAX {
                    return Err(Malformed(
                        "the WAV data chunk has the placeholder size 0xFFFFFFFF (the writer never filled it in)"
                            .to_owned(),
                    ));
                }
                if to_usize(size) > present {
                    return Err(Truncated(format!(
                        "the file ends after {} of {} bytes of audio data (truncated)",
                        thousands(present as u64),
                        thousands(size)
                    )));
                }
                if size == 0 {
                    return Err(Malformed(
                        "the WAV data chunk is empty (no audio)".to_owned(),
                    ));
                }
                data = Some(size);
            }
            _ if to_usize(size) > present => {
                return Err(Truncated(format!(
                    "the file ends inside the WAV '{}' chunk, after {} of its {} bytes (truncated)",
                    String::from_utf8_lossy(&id).trim_end(),
                    thousands(present as u64),
                    thousands(size)
                )));
            }
            b"fmt " => {
                let size = to_usize(size);
                let fmt = b.head_at(body, size.min(WAV_FMT_READ));
                format = Some(parse_wav_fmt(&fmt, size)?);
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        pos = body
            .saturating_add(to_usize(size))
            .saturating_add(to_usize(size & 1));
    }
    // Ran out of chunks: if the RIFF header promised more, the file was cut at a chunk boundary.
    let declared = b.le32(4).map_or(0, |n| to_usize(n).saturating_add(8));
    if declared > len && (format.is_none() || data.is_none()) {
        return Err(Truncated(format!(
            "the file ends after {} of the {} bytes its RIFF header declares, before any audio data (truncated)",
            thousands(len as u64),
            thousands(declared as u64)
        )));
    }
    let Some(format) = format else {
        return Err(Malformed("the WAV file has no fmt chunk".to_owned()));
    };
    let Some(data) = data else {
        return Err(Malformed(
            "the WAV file has no data chunk (no audio)".to_owned(),
        ));
    };
    let total_samples = u64::from(data) / u64::from(format.block_align.max(1));
    Ok(AudioInfo {
        codec: AudioCodec::Wav,
        sample_rate: format.rate,
        bits_per_sample: format.bits,
        channels: format.channels,
        total_samples,
        duration_ms: duration_ms(total_samples, format.rate),
    })
}

// ---------------------------------------------------------------------------------------------
// Images.

/// Reads the technical details of a JPEG or PNG file, deciding the codec from the content, and
/// checks that the file is whole.
pub fn probe_image(bytes: &[u8]) -> Result<ImageInfo, MediaError> {
    image(&mut Bytes::memory(bytes))
}

/// [`probe_image`] of a source, read by ranges. `Err` when the source cannot be read; a
/// [`MediaError::Truncated`] when the file ends early while it is read (it shrank).
pub fn probe_image_in(source: &dyn MediaSource) -> std::io::Result<Result<ImageInfo, MediaError>> {
    Bytes::new(source).run(image)
}

fn image(b: &mut Bytes) -> Result<ImageInfo, MediaError> {
    if b.len() == 0 {
        return Err(MediaError::Empty);
    }
    if b.has_at(0, b"\xFF\xD8") {
        return probe_jpeg(b);
    }
    if b.has_at(0, PNG_SIGNATURE) {
        return probe_png(b);
    }
    if b.len() >= 4 && b.len() < PNG_SIGNATURE.len() && PNG_SIGNATURE.starts_with(&b.head(8)) {
        return Err(Truncated(format!(
            "the file ends after {} bytes, inside the PNG signature (truncated)",
            b.len()
        )));
    }
    Err(unrecognised(b, "a JPEG or PNG image"))
}

// --- JPEG -------------------------------------------------------------------------------------

struct JpegFrame {
    marker: u8,
    precision: u8,
    height: u16,
    width: u16,
    components: u8,
}

fn jpeg_truncated(len: usize, where_: &str) -> MediaError {
    Truncated(format!(
        "the file ends after {} bytes, inside the JPEG {where_}, without an end-of-image marker (truncated)",
        thousands(len as u64)
    ))
}

fn probe_jpeg(b: &mut Bytes) -> Result<ImageInfo, MediaError> {
    let len = b.len();
    let mut pos = 2usize;
    let mut frame: Option<JpegFrame> = None;
    let mut scans = 0u32;
    loop {
        match b.u8_at(pos) {
            None => {
                return Err(jpeg_truncated(
                    len,
                    if scans > 0 { "image data" } else { "headers" },
                ));
            }
            Some(0xFF) => {}
            Some(other) => {
                return Err(Malformed(format!(
                    "the JPEG has 0x{other:02x} at byte {} where a marker should start",
                    thousands(pos as u64)
                )));
            }
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while b.u8_at(pos) == Some(0xFF) {
            pos += 1;
        }
        let Some(marker) = b.u8_at(pos) else {
            return Err(jpeg_truncated(len, "headers"));
        };
        pos += 1;
        match marker {
            0xD9 => break,
            0x01 | 0xD0..=0xD7 => continue,
            0xD8 => {
                return Err(Malformed(format!(
                    "the JPEG has a second start-of-image marker at byte {}",
                    thousands(pos as u64 - 2)
                )));
            }
            0x00 => {
                return Err(Malformed(format!(
                    "the JPEG has a stray 0xff00 at byte {} where a marker should be",
                    thousands(pos as u64 - 2)
                )));
            }
            _ => {}
        }
        let Some(seg_len) = b.be16(pos) else {
            return Err(jpeg_truncated(len, "headers"));
        };
        if seg_len < 2 {
            return Err(Malformed(format!(
                "the JPEG segment 0xff{marker:02x} at byte {} has the invalid length {seg_len}",
                thousands(pos as u64 - 2)
            )));
        }
        let end = pos + usize::from(seg_len);
        if end > len {
            return Err(jpeg_truncated(len, "headers"));
        }
        let body = pos + 2;
        match marker {
            // The first SOFn (all of 0xC0..=0xCF but DHT C4, JPG C8 and DAC CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) && frame.is_none() => {
                if seg_len < 8 {
                    return Err(Malformed(format!(
                        "the JPEG frame header (SOF) is {seg_len} bytes long, too short"
                    )));
                }
                let (Some(precision), Some(height), Some(width), Some(components)) = (
                    b.u8_at(body),
                    b.be16(body + 1),
                    b.be16(body + 3),
                    b.u8_at(body + 5),
                ) else {
                    return Err(jpeg_truncated(len, "headers"));
                };
                frame = Some(JpegFrame {
                    marker,
                    precision,
                    height,
                    width,
                    components,
                });
            }
            0xDA => {
                if frame.is_none() {
                    return Err(Malformed(
                        "the JPEG image data (SOS) comes before any frame header (SOF)".to_owned(),
                    ));
                }
                scans += 1;
                // Entropy-coded data runs to the next marker that is not a stuffed 0xff00 or a
                // restart marker.
                let mut i = end;
                loop {
                    let Some(at) = b.find(i, 0xFF) else {
                        return Err(jpeg_truncated(len, "image data"));
                    };
                    match b.u8_at(at + 1) {
                        None => return Err(jpeg_truncated(len, "image data")),
                        Some(0x00 | 0xD0..=0xD7) => i = at + 2,
                        Some(0xFF) => i = at + 1,
                        Some(_) => {
                            i = at;
                            break;
                        }
                    }
                }
                pos = i;
                continue;
            }
            _ => {}
        }
        pos = end;
    }
    let Some(frame) = frame else {
        return Err(Malformed(
            "the JPEG has no frame header (SOF marker)".to_owned(),
        ));
    };
    if scans == 0 {
        return Err(Malformed(
            "the JPEG has no image data (SOS marker)".to_owned(),
        ));
    }
    if frame.width == 0 {
        return Err(Malformed(
            "the JPEG frame header gives a width of 0".to_owned(),
        ));
    }
    if frame.height == 0 {
        return Err(Unsupported(
            "the JPEG leaves its height to a DNL marker, which is not supported".to_owned(),
        ));
    }
    Ok(ImageInfo {
        codec: ImageCodec::Jpeg,
        width: u32::from(frame.width),
        height: u32::from(frame.height),
        // 3 components are YCbCr (or, per an Adobe APP14 transform of 0, RGB); 4 are CMYK or,
        // per the transform, YCCK: still CMYK.
        color: match frame.components {
            1 => ColorModel::Grayscale,
            3 => ColorModel::Rgb,
            4 => ColorModel::Cmyk,
            _ => ColorModel::Other,
        },
        bit_depth: frame.precision,
        progressive: matches!(frame.marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
        has_alpha: false,
    })
}

// --- PNG --------------------------------------------------------------------------------------

fn probe_png(b: &mut Bytes) -> Result<ImageInfo, MediaError> {
    let len = b.len();
    let mut pos = PNG_SIGNATURE.len();
    let mut header: Option<(u32, u32, u8, u8, u8)> = None;
    let (mut trns, mut plte, mut idat) = (false, false, false);
    loop {
        let Some(chunk) = b.array_at::<8>(pos) else {
            return Err(Truncated(format!(
                "the file ends after {} bytes, before the PNG's IEND chunk (truncated)",
                thousands(len as u64)
            )));
        };
        let [l0, l1, l2, l3, t0, t1, t2, t3] = chunk;
        let size = u32::from_be_bytes([l0, l1, l2, l3]);
        let kind = [t0, t1, t2, t3];
        let name = String::from_utf8_lossy(&kind).into_owned();
        if !kind.iter().all(u8::is_ascii_alphabetic) || size > 0x7FFF_FFFF {
            return Err(Malformed(format!(
                "the PNG has a corrupt chunk header at byte {}",
                thousands(pos as u64)
            )));
        }
        let body = pos + 8;
        let present = len - body.min(len);
        // Data plus the 4-byte CRC.
        let needed = to_usize(size) + 4;
        if needed > present {
            return Err(Truncated(format!(
                "the file ends inside the PNG {name} chunk, after {} of its {} bytes (truncated)",
                thousands(present as u64),
                thousands(needed as u64)
            )));
        }
        if header.is_none() {
            match &kind {
                b"IHDR" => {}
                b"CgBI" => {
                    return Err(Unsupported(
                        "the PNG is an Apple-optimised (CgBI) PNG, which most software cannot read"
                            .to_owned(),
                    ));
                }
                _ => {
                    return Err(Malformed(format!(
                        "the PNG does not start with an IHDR chunk (it starts with {name})"
                    )));
                }
            }
        }
        match &kind {
            b"IHDR" if header.is_some() => {
                return Err(Malformed("the PNG has a second IHDR chunk".to_owned()));
            }
            b"IHDR" => {
                if size != 13 {
                    return Err(Malformed(format!(
                        "the PNG IHDR chunk is {size} bytes long instead of 13"
                    )));
                }
                let fields = (
                    b.be32(body),
                    b.be32(body + 4),
                    b.u8_at(body + 8),
                    b.u8_at(body + 9),
                    [b.u8_at(body + 10), b.u8_at(body + 11)],
                    b.u8_at(body + 12),
                );
                let (Some(w), Some(h), Some(depth), Some(color), [Some(0), Some(0)], Some(il)) =
                    fields
                else {
                    return Err(Malformed(
                        "the PNG IHDR chunk gives an unknown compression or filter method"
                            .to_owned(),
                    ));
                };
                header = Some((w, h, depth, color, il));
            }
            b"PLTE" => plte = true,
            b"tRNS" => trns = true,
            b"IDAT" => idat = true,
            b"IEND" => break,
            _ => {}
        }
        pos = body + needed;
    }
    let Some((width, height, depth, color, interlace)) = header else {
        return Err(Malformed("the PNG has no IHDR chunk".to_owned()));
    };
    if width == 0 || height == 0 || width > 0x7FFF_FFFF || height > 0x7FFF_FFFF {
        return Err(Malformed(format!(
            "the PNG gives the invalid size {width}×{height}"
        )));
    }
    let (model, alpha, depths): (ColorModel, bool, &[u8]) = match color {
        0 => (ColorModel::Grayscale, false, &[1, 2, 4, 8, 16]),
        2 => (ColorModel::Rgb, false, &[8, 16]),
        3 => (ColorModel::Indexed, false, &[1, 2, 4, 8]),
        4 => (ColorModel::Grayscale, true, &[8, 16]),
        6 => (ColorModel::Rgb, true, &[8, 16]),
        _ => {
            return Err(Malformed(format!(
                "the PNG gives the invalid colour type {color}"
            )));
        }
    };
    if !depths.contains(&depth) {
        return Err(Malformed(format!(
            "the PNG gives the invalid bit depth {depth} for colour type {color}"
        )));
    }
    if interlace > 1 {
        return Err(Malformed(format!(
            "the PNG gives the invalid interlace method {interlace}"
        )));
    }
    if color == 3 && !plte {
        return Err(Malformed(
            "the indexed-colour PNG has no palette (PLTE chunk)".to_owned(),
        ));
    }
    if !idat {
        return Err(Malformed(
            "the PNG has no image data (IDAT chunk)".to_owned(),
        ));
    }
    Ok(ImageInfo {
        codec: ImageCodec::Png,
        width,
        height,
        color: model,
        bit_depth: depth,
        progressive: interlace == 1,
        has_alpha: alpha || trns,
    })
}

/// Sources for tests: files as a disk serves them, whole, shrunk or failing.
#[cfg(test)]
pub(crate) mod testing {
    use super::MediaSource;
    use std::cell::Cell;

    /// A file as a disk serves it: no slice to borrow, at most `step` bytes per read, and the
    /// bytes read counted. `now`: the bytes left (fewer than its length when it shrank after
    /// it was opened); `fail_at`: reads from there fail.
    pub struct Disk<'a> {
        pub bytes: &'a [u8],
        pub now: usize,
        pub step: usize,
        pub fail_at: usize,
        pub read: Cell<u64>,
    }

    impl<'a> Disk<'a> {
        pub fn new(bytes: &'a [u8], step: usize) -> Self {
            Disk {
                bytes,
                now: bytes.len(),
                step,
                fail_at: usize::MAX,
                read: Cell::new(0),
            }
        }

        /// Opened with all of `bytes`, then cut to `now` bytes.
        pub fn shrunk(bytes: &'a [u8], now: usize) -> Self {
            Disk {
                now,
                ..Disk::new(bytes, usize::MAX)
            }
        }
    }

    impl MediaSource for Disk<'_> {
        fn len(&self) -> u64 {
            self.bytes.len() as u64
        }

        fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
            let at = usize::try_from(at).unwrap_or(usize::MAX);
            if at.saturating_add(buf.len()) > self.fail_at {
                return Err(std::io::Error::other("disk on fire"));
            }
            let rest = self.bytes.get(at..self.now).unwrap_or_default();
            let n = rest.len().min(buf.len()).min(self.step);
            buf[..n].copy_from_slice(&rest[..n]);
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::testing::Disk;
    use super::*;

    const TONE_16: &[u8] = include_bytes!("../tests/media/tone-44k-16-stereo.flac");
    const TONE_24: &[u8] = include_bytes!("../tests/media/tone-48k-24-mono.flac");
    const EXT_WAV: &[u8] = include_bytes!("../tests/media/ext-48k-24-mono.wav");
    const JPEG_BASELINE: &[u8] = include_bytes!("../tests/media/baseline-16x16.jpg");
    const JPEG_PROGRESSIVE: &[u8] = include_bytes!("../tests/media/progressive-16x8.jpg");
    const JPEG_GRAY: &[u8] = include_bytes!("../tests/media/gray-8x8.jpg");
    const JPEG_CMYK: &[u8] = include_bytes!("../tests/media/cmyk-8x8.jpg");
    const PNG_RGB: &[u8] = include_bytes!("../tests/media/rgb-8x8.png");
    const PNG_RGBA: &[u8] = include_bytes!("../tests/media/rgba-5x5.png");
    const PNG_GRAY: &[u8] = include_bytes!("../tests/media/gray-6x4.png");
    const PNG_INDEXED_TRNS: &[u8] = include_bytes!("../tests/media/indexed-trns-4x4.png");
    const PNG_INTERLACED: &[u8] = include_bytes!("../tests/media/interlaced-8x8.png");

    /// An MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) and some body.
    const MP3: &[u8] = b"\xFF\xFB\x90\x64\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

    /// How the probes are run by ranges besides in memory: (block size, most bytes per read).
    /// Blocks of 7 bytes put block boundaries inside every header.
    const RANGES: [(usize, usize); 3] = [(7, 3), (4096, 1000), (BLOCK, usize::MAX)];

    /// `whole` of `bytes`, checked against `parse` by ranges and `opened` (the probe of an
    /// opened source): every input of these tests (fixtures, built files, every cut, the fuzz
    /// inputs) is probed all ways and must give the same result.
    fn all_ways<T: PartialEq + std::fmt::Debug>(
        bytes: &[u8],
        whole: fn(&[u8]) -> Result<T, MediaError>,
        parse: fn(&mut Bytes) -> Result<T, MediaError>,
        opened: fn(&dyn MediaSource) -> std::io::Result<Result<T, MediaError>>,
    ) -> Result<T, MediaError> {
        let want = whole(bytes);
        for (block, step) in RANGES {
            let disk = Disk::new(bytes, step);
            let got = Bytes::with_block(&disk, block).run(parse).unwrap();
            assert_eq!(got, want, "by ranges of {block}, {} bytes", bytes.len());
        }
        assert_eq!(opened(&bytes.to_vec()).unwrap(), want);
        want
    }

    /// [`super::probe_audio`], checked against the same probe by ranges.
    fn probe_audio(bytes: &[u8]) -> Result<AudioInfo, MediaError> {
        all_ways(bytes, super::probe_audio, audio, probe_audio_in)
    }

    /// [`super::probe_image`], checked against the same probe by ranges.
    fn probe_image(bytes: &[u8]) -> Result<ImageInfo, MediaError> {
        all_ways(bytes, super::probe_image, image, probe_image_in)
    }

    /// [`super::md5_hex`], checked against the MD5 streamed from a source.
    fn md5_hex(bytes: &[u8]) -> String {
        let want = super::md5_hex(bytes);
        for step in [7, usize::MAX] {
            assert_eq!(md5_hex_in(&Disk::new(bytes, step)).unwrap().unwrap(), want);
        }
        want
    }

    fn msg(r: Result<impl std::fmt::Debug, MediaError>) -> String {
        r.unwrap_err().to_string()
    }

    fn truncated(r: Result<impl std::fmt::Debug, MediaError>) -> String {
        match r {
            Err(Truncated(m)) => m,
            other => panic!("expected Truncated, got {other:?}"),
        }
    }

    fn malformed(r: Result<impl std::fmt::Debug, MediaError>) -> String {
        match r {
            Err(Malformed(m)) => m,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    fn unsupported(r: Result<impl std::fmt::Debug, MediaError>) -> String {
        match r {
            Err(Unsupported(m)) => m,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    fn unrecognised(r: Result<impl std::fmt::Debug, MediaError>) -> String {
        match r {
            Err(MediaError::Unrecognised(m)) => m,
            other => panic!("expected Unrecognised, got {other:?}"),
        }
    }

    /// Every message is lowercase-initial and has no final period.
    fn assert_style(m: &str) {
        assert!(m.chars().next().unwrap().is_lowercase(), "{m}");
        assert!(!m.ends_with('.'), "{m}");
    }

    // --- builders ------------------------------------------------------------------------------

    fn id3(body_len: usize) -> Vec<u8> {
        let mut v = b"ID3\x04\x00\x00".to_vec();
        let n = body_len;
        v.extend([
            (n >> 21) as u8 & 0x7F,
            (n >> 14) as u8 & 0x7F,
            (n >> 7) as u8 & 0x7F,
            n as u8 & 0x7F,
        ]);
        v.extend(std::iter::repeat_n(0u8, body_len));
        v
    }

    fn coded_number(v: u64) -> Vec<u8> {
        if v < 0x80 {
            return vec![v as u8];
        }
        // Bytes needed: n bytes carry 5n + 1 bits (n ≥ 2).
        let n = (2..=7).find(|n| v < 1u64 << (5 * n + 1)).unwrap();
        let mut out = vec![0u8; n];
        let mut rest = v;
        for byte in out.iter_mut().skip(1).rev() {
            *byte = 0x80 | (rest & 0x3F) as u8;
            rest >>= 6;
        }
        out[0] = (0xFF00u16 >> n) as u8 | rest as u8;
        out
    }

    fn streaminfo(rate: u32, channels: u16, bps: u16, total: u64, block: u16) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(block.to_be_bytes());
        v.extend(block.to_be_bytes());
        v.extend([0u8; 6]);
        let packed = (u64::from(rate) << 44)
            | (u64::from(channels - 1) << 41)
            | (u64::from(bps - 1) << 36)
            | total;
        v.extend(packed.to_be_bytes());
        v.extend([0u8; 16]);
        v
    }

    fn metadata_block(last: bool, kind: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![kind | if last { 0x80 } else { 0 }];
        v.extend(&(body.len() as u32).to_be_bytes()[1..]);
        v.extend(body);
        v
    }

    /// One frame of constant (silent) subframes; `number` is the frame or sample number.
    fn flac_frame(variable: bool, number: u64, block: u32, channels: u16, bps: u16) -> Vec<u8> {
        let mut f = vec![
            0xFF,
            0xF8 | u8::from(variable),
            0x70,
            ((channels - 1) as u8) << 4,
        ];
        f.extend(coded_number(number));
        f.extend(((block - 1) as u16).to_be_bytes());
        f.push(crc8(&f));
        for _ in 0..channels {
            f.push(0); // constant subframe
            f.extend(std::iter::repeat_n(0u8, usize::from(bps / 8)));
        }
        let crc = f.iter().fold(0u16, |c, &x| crc16_step(c, x));
        f.extend(crc.to_be_bytes());
        f
    }

    /// A whole FLAC file of silence in `block`-sample frames (8/16/24-bit).
    fn build_flac(
        rate: u32,
        channels: u16,
        bps: u16,
        total: u64,
        block: u32,
        variable: bool,
    ) -> Vec<u8> {
        let mut v = b"fLaC".to_vec();
        v.extend(metadata_block(
            false,
            0,
            &streaminfo(rate, channels, bps, total, block as u16),
        ));
        v.extend(metadata_block(true, 1, &[0u8; 10]));
        let mut sample = 0u64;
        let mut frame = 0u64;
        while sample < total {
            let size = u64::from(block).min(total - sample) as u32;
            let number = if variable { sample } else { frame };
            v.extend(flac_frame(variable, number, size, channels, bps));
            sample += u64::from(size);
            frame += 1;
        }
        v
    }

    fn wav_fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let mut f = Vec::new();
        f.extend(tag.to_le_bytes());
        f.extend(channels.to_le_bytes());
        f.extend(rate.to_le_bytes());
        f.extend((rate * u32::from(align)).to_le_bytes());
        f.extend(align.to_le_bytes());
        f.extend(bits.to_le_bytes());
        f
    }

    fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = id.to_vec();
        v.extend((body.len() as u32).to_le_bytes());
        v.extend(body);
        if body.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut v = b"RIFF".to_vec();
        v.extend((body.len() as u32 + 4).to_le_bytes());
        v.extend(b"WAVE");
        v.extend(body);
        v
    }

    fn build_wav(channels: u16, rate: u32, bits: u16, samples: u32) -> Vec<u8> {
        let data = vec![0u8; (samples * u32::from(channels * bits / 8)) as usize];
        riff(&[
            chunk(b"fmt ", &wav_fmt(1, channels, rate, bits)),
            chunk(b"data", &data),
        ])
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend(kind);
        v.extend(data);
        v.extend([0u8; 4]); // CRC, not checked
        v
    }

    fn ihdr(w: u32, h: u32, depth: u8, color: u8, interlace: u8) -> Vec<u8> {
        let mut d = w.to_be_bytes().to_vec();
        d.extend(h.to_be_bytes());
        d.extend([depth, color, 0, 0, interlace]);
        png_chunk(b"IHDR", &d)
    }

    fn build_png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut v = PNG_SIGNATURE.to_vec();
        v.extend(chunks.concat());
        v
    }

    fn jpeg_segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend((body.len() as u16 + 2).to_be_bytes());
        v.extend(body);
        v
    }

    fn sof(marker: u8, height: u16, width: u16, components: u8) -> Vec<u8> {
        let mut body = vec![8];
        body.extend(height.to_be_bytes());
        body.extend(width.to_be_bytes());
        body.push(components);
        for c in 0..components {
            body.extend([c + 1, 0x11, 0]);
        }
        jpeg_segment(marker, &body)
    }

    /// A structurally whole JPEG: SOI, `segments`, a scan with stuffed bytes and a restart
    /// marker, EOI.
    fn build_jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(segments.concat());
        v.extend(jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        v.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9]);
        v
    }

    // --- sniff and md5 -------------------------------------------------------------------------

    #[test]
    fn sniff_recognises_magic_numbers() {
        let mut id3_mp3 = id3(20);
        id3_mp3.extend(MP3);
        let mut id3_flac = id3(5);
        id3_flac.extend(TONE_16);
        let bmp = {
            let mut v = b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
            v.extend([0u8; 40]);
            v
        };
        let cases: [(&[u8], Option<&str>); 18] = [
            (TONE_16, Some("flac")),
            (&id3_flac, Some("flac")),
            (EXT_WAV, Some("wav")),
            (MP3, Some("mp3")),
            (&id3_mp3, Some("mp3")),
            (b"OggS\0\x02\0\0\0\0\0\0\0\0", Some("ogg")),
            (b"FORM\0\0\0\x20AIFFCOMM", Some("aiff")),
            (b"\0\0\0\x20ftypM4A \0\0\0\0", Some("m4a")),
            (b"\0\0\0\x20ftypheic\0\0\0\0", None),
            (JPEG_BASELINE, Some("jpeg")),
            (PNG_RGB, Some("png")),
            (b"GIF89a\x01\0\x01\0", Some("gif")),
            (b"RIFF\x20\0\0\0WEBPVP8 ", Some("webp")),
            (b"II*\0\x08\0\0\0", Some("tiff")),
            (&bmp, Some("bmp")),
            (b"hello, world", None),
            (b"", None),
            // A FLAC frame sync is not an MPEG audio frame.
            (b"\xFF\xF8\x69\x08\0\0", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff(bytes), want, "{:?}", bytes.get(..8));
        }
    }

    #[test]
    fn md5_matches_known_digests() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(b"The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn helpers_format_numbers_and_clocks() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(1234u64), "1,234");
        assert_eq!(thousands(9_922_500u64), "9,922,500");
        assert_eq!(clock(5_999), "0:05.999");
        assert_eq!(clock(225_000), "3:45");
        assert_eq!(clock(3_725_000), "1:02:05");
        assert_eq!(duration_ms(u64::MAX, 1), u64::MAX);
        assert_eq!(duration_ms(1, 0), 0);
    }

    #[test]
    fn coded_numbers_round_trip_through_frame_headers() {
        let si = StreamInfo {
            rate: 44_100,
            channels: 2,
            bps: 16,
            total: 1 << 35,
        };
        for n in [
            0u64,
            1,
            0x7F,
            0x80,
            0x7FF,
            0x800,
            0xFFFF,
            0x1_0000,
            0x1F_FFFF,
            0x20_0000,
            0x7FFF_FFFF,
            0x8000_0000,
            (1 << 36) - 1,
        ] {
            let frame = flac_frame(true, n, 4096, 2, 16);
            match parse_frame_header(&frame, 0, &si) {
                Header::Ok(h) => {
                    assert_eq!((h.number, h.block_size, h.variable), (n, 4096, true));
                    assert!(frame_is_complete(&mut Bytes::memory(&frame), &h, 2));
                }
                _ => panic!("header for {n} did not parse"),
            }
            if n < 1 << 31 {
                let frame = flac_frame(false, n, 4096, 2, 16);
                assert!(
                    matches!(parse_frame_header(&frame, 0, &si), Header::Ok(h) if h.number == n)
                );
            } else {
                // A frame number beyond 31 bits needs 7 bytes: not allowed for fixed blocksize.
                let frame = flac_frame(false, n, 4096, 2, 16);
                assert!(matches!(
                    parse_frame_header(&frame, 0, &si),
                    Header::Invalid
                ));
            }
        }
    }

    // --- FLAC ----------------------------------------------------------------------------------

    #[test]
    fn flac_fixtures_probe() {
        assert_eq!(
            probe_audio(TONE_16).unwrap(),
            AudioInfo {
                codec: AudioCodec::Flac,
                sample_rate: 44_100,
                bits_per_sample: 16,
                channels: 2,
                total_samples: 13_230,
                duration_ms: 300,
            }
        );
        assert_eq!(
            probe_audio(TONE_24).unwrap(),
            AudioInfo {
                codec: AudioCodec::Flac,
                sample_rate: 48_000,
                bits_per_sample: 24,
                channels: 1,
                total_samples: 9_600,
                duration_ms: 200,
            }
        );
    }

    #[test]
    fn flac_behind_an_id3_tag_probes() {
        let mut v = id3(300);
        v.extend(TONE_16);
        assert_eq!(probe_audio(&v).unwrap().total_samples, 13_230);
        // A footer flag adds 10 bytes.
        let mut v = id3(300);
        v[5] = 0x10;
        v.extend([0u8; 10]);
        v.extend(TONE_16);
        assert_eq!(probe_audio(&v).unwrap().total_samples, 13_230);
        // Cut inside the tag.
        let m = truncated(probe_audio(v.get(..200).unwrap()));
        assert_eq!(
            m,
            "the file ends after 200 bytes, inside its 320-byte ID3 tag (truncated)"
        );
        assert!(matches!(probe_audio(b"ID3\x04\0"), Err(Truncated(_))));
    }

    #[test]
    fn flac_built_streams_probe_fixed_and_variable() {
        for variable in [false, true] {
            for (total, block) in [
                (1u64, 16u32),
                (4096, 4096),
                (44_100, 4096),
                (100_000, 1152),
                (12_345, 192),
            ] {
                let v = build_flac(44_100, 2, 16, total, block, variable);
                let info = probe_audio(&v).unwrap();
                assert_eq!(info.total_samples, total);
                assert_eq!(info.duration_ms, total * 1000 / 44_100);
            }
        }
        let v = build_flac(96_000, 6, 24, 96_000 * 3 + 7, 4608, false);
        let info = probe_audio(&v).unwrap();
        assert_eq!(
            (
                info.sample_rate,
                info.channels,
                info.bits_per_sample,
                info.duration_ms
            ),
            (96_000, 6, 24, 3000)
        );
    }

    #[test]
    fn flac_every_cut_is_truncated() {
        for file in [TONE_16, TONE_24] {
            for cut in 4..file.len() {
                let r = probe_audio(file.get(..cut).unwrap());
                assert!(matches!(r, Err(Truncated(_))), "cut at {cut}: {r:?}");
            }
        }
        for variable in [false, true] {
            let v = build_flac(44_100, 2, 16, 20_000, 1152, variable);
            for cut in 4..v.len() {
                let r = probe_audio(v.get(..cut).unwrap());
                assert!(
                    matches!(r, Err(Truncated(_))),
                    "variable {variable}, cut at {cut}: {r:?}"
                );
            }
        }
    }

    #[test]
    fn flac_truncation_messages() {
        // Cut at a frame boundary in the middle: frames 0..=9 of 1152 samples survive.
        let whole = build_flac(44_100, 2, 16, 441_000, 1152, false);
        let frame_len = flac_frame(false, 0, 1152, 2, 16).len();
        let audio = 4 + 38 + 14; // signature, STREAMINFO, PADDING
        let cut = audio + 10 * frame_len;
        let m = truncated(probe_audio(whole.get(..cut).unwrap()));
        assert_eq!(
            m,
            format!(
                "the audio stops 0:00.261 into 0:10 (sample 11,520 of 441,000): the file ends after {} bytes (truncated)",
                thousands(cut as u64)
            )
        );
        assert_style(&m);
        // Cut inside the final frame: its CRC-16 never closes.
        let m = truncated(probe_audio(whole.get(..whole.len() - 1).unwrap()));
        assert!(
            m.starts_with("the audio stops 0:09.978 into 0:10 (sample 440,064 of 441,000)"),
            "{m}"
        );

        let mut v = b"fLaC".to_vec();
        v.extend(metadata_block(
            false,
            0,
            &streaminfo(44_100, 2, 16, 100, 4096),
        ));
        v.extend(metadata_block(true, 4, &[0u8; 100]));
        let m = truncated(probe_audio(v.get(..v.len() - 40).unwrap()));
        assert_eq!(
            m,
            "the file ends inside FLAC metadata block 2 (VORBIS_COMMENT): only 60 of its 100 bytes are present (truncated)"
        );
        let m = truncated(probe_audio(&v));
        assert_eq!(
            m,
            "the file ends after 146 bytes, right after the FLAC metadata, with no audio frames (truncated)"
        );
        let m = truncated(probe_audio(b"fLaC\0\0"));
        assert_eq!(
            m,
            "the file ends after 6 bytes, inside the header of FLAC metadata block 1 (truncated)"
        );
        v.extend([0xFF, 0xF8, 0x69]);
        let m = truncated(probe_audio(&v));
        assert_eq!(
            m,
            "the file ends after 149 bytes, inside the first FLAC audio frame (truncated)"
        );
    }

    #[test]
    fn flac_malformed_and_unsupported() {
        let si = streaminfo(44_100, 2, 16, 4096, 4096);
        let frame = flac_frame(false, 0, 4096, 2, 16);
        let file = |blocks: &[Vec<u8>]| {
            let mut v = b"fLaC".to_vec();
            v.extend(blocks.concat());
            v.extend(&frame);
            v
        };
        assert!(probe_audio(&file(&[metadata_block(true, 0, &si)])).is_ok());

        let m = malformed(probe_audio(&file(&[metadata_block(true, 4, &si)])));
        assert_eq!(
            m,
            "the FLAC metadata does not start with a STREAMINFO block (the first block is VORBIS_COMMENT)"
        );
        let m = malformed(probe_audio(&file(&[metadata_block(true, 0, &si[..30])])));
        assert_eq!(
            m,
            "the FLAC STREAMINFO block is 30 bytes long instead of 34"
        );
        let m = malformed(probe_audio(&file(&[
            metadata_block(false, 0, &si),
            metadata_block(true, 127, &[]),
        ])));
        assert_eq!(m, "the FLAC metadata block 2 has the invalid type 127");
        let m = malformed(probe_audio(&file(&[
            metadata_block(false, 0, &si),
            metadata_block(true, 0, &si),
        ])));
        assert_eq!(
            m,
            "the FLAC metadata has a second STREAMINFO block (block 2)"
        );
        let m = malformed(probe_audio(&file(&[metadata_block(
            true,
            0,
            &streaminfo(0, 2, 16, 4096, 4096),
        )])));
        assert_eq!(m, "the FLAC STREAMINFO gives a sample rate of 0");
        let m = malformed(probe_audio(&file(&[metadata_block(
            true,
            0,
            &streaminfo(44_100, 2, 2, 4096, 4096),
        )])));
        assert_eq!(
            m,
            "the FLAC STREAMINFO gives an invalid sample size of 2 bits"
        );

        let mut v = b"fLaC".to_vec();
        v.extend(metadata_block(true, 0, &si));
        v.extend(b"garbage!");
        let m = malformed(probe_audio(&v));
        assert_eq!(
            m,
            "the FLAC audio does not start with a frame sync code (found the bytes 67 61 after the metadata)"
        );

        // The first frame's CRC-8 is broken; or it contradicts STREAMINFO (mono).
        let mut bad = file(&[metadata_block(true, 0, &si)]);
        let at = 4 + 38 + 6;
        bad[at] ^= 0x55;
        let m = malformed(probe_audio(&bad));
        assert!(
            m.starts_with("the first FLAC audio frame has a corrupt header"),
            "{m}"
        );
        let mut v = b"fLaC".to_vec();
        v.extend(metadata_block(true, 0, &si));
        v.extend(flac_frame(false, 0, 4096, 1, 16));
        assert!(matches!(probe_audio(&v), Err(Malformed(_))));

        let m = unsupported(probe_audio(&file(&[metadata_block(
            true,
            0,
            &streaminfo(44_100, 2, 16, 0, 4096),
        )])));
        assert_eq!(
            m,
            "the FLAC STREAMINFO does not give the total number of samples (0, unknown length), so the duration cannot be read: re-encode the file"
        );
    }

    #[test]
    fn flac_last_frame_heuristic_does_not_guess() {
        // Audio data holding a fake frame header (valid CRC-8, far too small a frame number)
        // after the real last frame must not be reported: nothing chains to it.
        let mut v = build_flac(44_100, 2, 16, 8192, 4096, false);
        let fake = flac_frame(false, 0, 4096, 2, 16);
        v.extend(&fake[..fake.len() - 3]);
        assert!(probe_audio(&v).is_ok());
        // Trailing bytes after a complete final frame (an ID3v1 tag) are fine.
        let mut v = build_flac(44_100, 2, 16, 8192, 4096, false);
        v.extend(b"TAG");
        v.extend([0u8; 125]);
        assert!(probe_audio(&v).is_ok());
    }

    // --- WAV -----------------------------------------------------------------------------------

    #[test]
    fn wav_probes() {
        let v = build_wav(2, 44_100, 16, 44_100);
        assert_eq!(
            probe_audio(&v).unwrap(),
            AudioInfo {
                codec: AudioCodec::Wav,
                sample_rate: 44_100,
                bits_per_sample: 16,
                channels: 2,
                total_samples: 44_100,
                duration_ms: 1000,
            }
        );
        assert_eq!(
            probe_audio(EXT_WAV).unwrap(),
            AudioInfo {
                codec: AudioCodec::Wav,
                sample_rate: 48_000,
                bits_per_sample: 24,
                channels: 1,
                total_samples: 480,
                duration_ms: 10,
            }
        );
        // Rounded down.
        let v = build_wav(1, 48_000, 24, 47_999);
        assert_eq!(probe_audio(&v).unwrap().duration_ms, 999);
    }

    #[test]
    fn wav_tolerates_chunk_order_padding_and_riff_size() {
        let fmt = chunk(b"fmt ", &wav_fmt(1, 1, 44_100, 16));
        let data = chunk(b"data", &[0u8; 882]);
        let list = chunk(b"LIST", b"INFOISFT\x03\0\0\0ab\0"); // odd length, padded
        let v = riff(&[list.clone(), data.clone(), list.clone(), fmt.clone()]);
        assert_eq!(probe_audio(&v).unwrap().duration_ms, 10);
        // A wrong RIFF size alone is not an error.
        let mut v = riff(&[fmt.clone(), data.clone()]);
        v[4..8].copy_from_slice(&7u32.to_le_bytes());
        assert!(probe_audio(&v).is_ok());
        // Chunks after the data chunk don't matter, even when cut off.
        let mut v = riff(&[fmt, data, list]);
        v.truncate(v.len() - 3);
        assert!(probe_audio(&v).is_ok());
    }

    #[test]
    fn wav_every_cut_is_truncated() {
        for file in [EXT_WAV, &build_wav(2, 44_100, 16, 300)] {
            for cut in 4..file.len() {
                let r = probe_audio(file.get(..cut).unwrap());
                assert!(matches!(r, Err(Truncated(_))), "cut at {cut}: {r:?}");
            }
        }
    }

    #[test]
    fn wav_errors() {
        let v = build_wav(2, 44_100, 16, 44_100);
        let m = truncated(probe_audio(v.get(..100_000).unwrap()));
        assert_eq!(
            m,
            "the file ends after 99,956 of 176,400 bytes of audio data (truncated)"
        );
        assert_style(&m);
        let m = truncated(probe_audio(v.get(..40).unwrap()));
        assert_eq!(
            m,
            "the file ends after 40 bytes, inside a WAV chunk header (truncated)"
        );
        let m = truncated(probe_audio(b"RIFF\0\0\0\0WA"));
        assert_eq!(
            m,
            "the file ends after 10 bytes, inside the RIFF header (truncated)"
        );
        let list = riff(&[chunk(b"LIST", &[0u8; 50])]);
        let m = truncated(probe_audio(list.get(..40).unwrap()));
        assert_eq!(
            m,
            "the file ends inside the WAV 'LIST' chunk, after 20 of its 50 bytes (truncated)"
        );

        let data = chunk(b"data", &[0u8; 8]);
        let with_fmt = |fmt: Vec<u8>| riff(&[chunk(b"fmt ", &fmt), data.clone()]);
        let m = unsupported(probe_audio(&with_fmt(wav_fmt(3, 2, 44_100, 32))));
        assert_eq!(
            m,
            "the WAV file holds floating-point audio (format tag 0x0003), not integer PCM"
        );
        let m = unsupported(probe_audio(&with_fmt(wav_fmt(0x55, 2, 44_100, 16))));
        assert_eq!(
            m,
            "the WAV file holds MP3 audio (format tag 0x0055), not integer PCM"
        );
        let m = unsupported(probe_audio(&with_fmt(wav_fmt(0x1234, 2, 44_100, 16))));
        assert_eq!(
            m,
            "the WAV file holds compressed or non-PCM audio (format tag 0x1234), not integer PCM"
        );

        // WAVE_FORMAT_EXTENSIBLE with a float subformat, a foreign GUID, or too short.
        let mut ext = EXT_WAV.to_vec();
        ext[44] = 3;
        let m = unsupported(probe_audio(&ext));
        assert_eq!(
            m,
            "the WAV file holds floating-point audio (WAVE_FORMAT_EXTENSIBLE subformat 0x0003), not integer PCM"
        );
        let mut ext = EXT_WAV.to_vec();
        ext[59] ^= 1;
        let m = unsupported(probe_audio(&ext));
        assert!(m.contains("subformat is not a standard one"), "{m}");
        let mut short_ext = wav_fmt(0xFFFE, 1, 48_000, 24);
        short_ext.extend([22, 0, 24, 0]);
        let m = malformed(probe_audio(&with_fmt(short_ext)));
        assert_eq!(
            m,
            "the WAV fmt chunk is WAVE_FORMAT_EXTENSIBLE but only 20 bytes long (needs 40)"
        );
        let mut ext = EXT_WAV.to_vec();
        ext[38] = 32; // valid bits 32 in a 24-bit container
        let m = malformed(probe_audio(&ext));
        assert_eq!(
            m,
            "the WAV fmt chunk gives 32 valid bits in a 24-bit sample"
        );

        let m = malformed(probe_audio(&with_fmt(
            wav_fmt(1, 2, 44_100, 16)[..10].to_vec(),
        )));
        assert_eq!(m, "the WAV fmt chunk is 10 bytes long, too short");
        let m = malformed(probe_audio(&with_fmt(wav_fmt(1, 0, 44_100, 16))));
        assert_eq!(m, "the WAV fmt chunk gives 0 channels");
        let m = malformed(probe_audio(&with_fmt(wav_fmt(1, 2, 0, 16))));
        assert_eq!(m, "the WAV fmt chunk gives a sample rate of 0");
        let m = malformed(probe_audio(&with_fmt(wav_fmt(1, 2, 44_100, 0))));
        assert_eq!(m, "the WAV fmt chunk gives 0 bits per sample");
        let mut fmt = wav_fmt(1, 2, 44_100, 16);
        fmt[12] = 3;
        let m = malformed(probe_audio(&with_fmt(fmt)));
        assert_eq!(
            m,
            "the WAV fmt chunk's block align is 3, but 2 channel(s) of 16-bit samples need 4"
        );

        let m = malformed(probe_audio(&riff(std::slice::from_ref(&data))));
        assert_eq!(m, "the WAV file has no fmt chunk");
        let m = malformed(probe_audio(&riff(&[chunk(
            b"fmt ",
            &wav_fmt(1, 2, 44_100, 16),
        )])));
        assert_eq!(m, "the WAV file has no data chunk (no audio)");
        let mut v = riff(&[
            chunk(b"fmt ", &wav_fmt(1, 2, 44_100, 16)),
            chunk(b"data", &[]),
        ]);
        let m = malformed(probe_audio(&v));
        assert_eq!(m, "the WAV data chunk is empty (no audio)");
        let at = v.len() - 4;
        v[at..].copy_from_slice(&u32::MAX.to_le_bytes());
        v.extend([0u8; 64]);
        let m = malformed(probe_audio(&v));
        assert!(m.contains("placeholder size 0xFFFFFFFF"), "{m}");

        let mut rf64 = v.clone();
        rf64[..4].copy_from_slice(b"RF64");
        assert!(unsupported(probe_audio(&rf64)).contains("RF64"));
        let mut rifx = v;
        rifx[..4].copy_from_slice(b"RIFX");
        assert!(unsupported(probe_audio(&rifx)).contains("RIFX"));
    }

    // --- not audio -----------------------------------------------------------------------------

    #[test]
    fn audio_rejects_other_files_saying_what_they_are() {
        assert_eq!(probe_audio(b""), Err(MediaError::Empty));
        assert_eq!(msg(probe_audio(b"")), "the file is empty");
        assert_eq!(
            unrecognised(probe_audio(MP3)),
            "the file is an MP3 file, not FLAC or WAV audio"
        );
        let mut v = id3(30);
        v.extend(MP3);
        assert_eq!(
            unrecognised(probe_audio(&v)),
            "the file is an ID3-tagged MP3, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(&id3(30))),
            "the file is a file with an ID3 tag (usually an MP3), not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(PNG_RGB)),
            "the file is a PNG image, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(JPEG_BASELINE)),
            "the file is a JPEG image, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(
                b"OggS\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x7FFLAC"
            )),
            "the file is an Ogg-wrapped FLAC file (not native FLAC), not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(b"FORM\0\0\0\x20AIFFCOMM")),
            "the file is an AIFF file, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(b"\0\0\0\x20ftypM4A \0\0\0\0")),
            "the file is an MP4/M4A file, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(b"RIFF\x20\0\0\0AVI LIST")),
            "the file is not FLAC or WAV audio (it starts with the bytes 52 49 46 46 20 00 00 00)"
        );
        assert_eq!(
            unrecognised(probe_audio(
                b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n"
            )),
            "the file is a Git LFS pointer, not the real file (fetch it with `git lfs pull`), not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(b"\n  <!DOCTYPE html><html>Not Found</html>")),
            "the file is an HTML page, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(b"just some notes\n")),
            "the file is a text file, not FLAC or WAV audio"
        );
        assert_eq!(
            unrecognised(probe_audio(&[0u8, 1, 2])),
            "the file is not FLAC or WAV audio (it starts with the bytes 00 01 02)"
        );
    }

    // --- images --------------------------------------------------------------------------------

    #[test]
    fn image_fixtures_probe() {
        let info = |codec, width, height, color, bit_depth, progressive, has_alpha| ImageInfo {
            codec,
            width,
            height,
            color,
            bit_depth,
            progressive,
            has_alpha,
        };
        use ColorModel::*;
        use ImageCodec::*;
        let cases: [(&[u8], ImageInfo); 9] = [
            (JPEG_BASELINE, info(Jpeg, 16, 16, Rgb, 8, false, false)),
            (JPEG_PROGRESSIVE, info(Jpeg, 16, 8, Rgb, 8, true, false)),
            (JPEG_GRAY, info(Jpeg, 8, 8, Grayscale, 8, false, false)),
            (JPEG_CMYK, info(Jpeg, 8, 8, Cmyk, 8, false, false)),
            (PNG_RGB, info(Png, 8, 8, Rgb, 8, false, false)),
            (PNG_RGBA, info(Png, 5, 5, Rgb, 8, false, true)),
            (PNG_GRAY, info(Png, 6, 4, Grayscale, 2, false, false)),
            (PNG_INDEXED_TRNS, info(Png, 4, 4, Indexed, 8, false, true)),
            (PNG_INTERLACED, info(Png, 8, 8, Rgb, 8, true, false)),
        ];
        for (bytes, want) in cases {
            assert_eq!(probe_image(bytes).unwrap(), want);
        }
        // The CMYK fixture carries an Adobe APP14 segment saying YCCK (transform 2).
        assert!(has_at(JPEG_CMYK, 6, b"Adobe"));
        assert_eq!(JPEG_CMYK.get(17), Some(&2));
    }

    #[test]
    fn image_every_cut_is_truncated() {
        for file in [JPEG_BASELINE, JPEG_PROGRESSIVE, JPEG_GRAY, JPEG_CMYK] {
            for cut in 2..file.len() {
                let r = probe_image(file.get(..cut).unwrap());
                assert!(matches!(r, Err(Truncated(_))), "cut at {cut}: {r:?}");
            }
        }
        for file in [
            PNG_RGB,
            PNG_RGBA,
            PNG_GRAY,
            PNG_INDEXED_TRNS,
            PNG_INTERLACED,
        ] {
            for cut in 4..file.len() {
                let r = probe_image(file.get(..cut).unwrap());
                assert!(matches!(r, Err(Truncated(_))), "cut at {cut}: {r:?}");
            }
        }
    }

    #[test]
    fn jpeg_structure() {
        let exif = {
            // An EXIF APP1 segment holding a thumbnail with its own SOI/EOI.
            let mut body = b"Exif\0\0".to_vec();
            body.extend([0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xD9]);
            jpeg_segment(0xE1, &body)
        };
        let v = build_jpeg(&[exif.clone(), sof(0xC0, 3000, 3000, 3)]);
        let info = probe_image(&v).unwrap();
        assert_eq!(
            (info.width, info.height, info.color),
            (3000, 3000, ColorModel::Rgb)
        );
        // Trailing zero padding after EOI is fine; so are fill bytes before markers.
        let mut padded = v.clone();
        padded.extend([0u8; 100]);
        assert!(probe_image(&padded).is_ok());
        let mut filled = vec![0xFF, 0xD8, 0xFF, 0xFF];
        filled.extend(&v[3..]);
        assert!(probe_image(&filled).is_ok());
        // SOF1, SOF2, SOF10 (arithmetic progressive), and two components.
        for (marker, progressive) in [(0xC1, false), (0xC2, true), (0xCA, true)] {
            let info = probe_image(&build_jpeg(&[sof(marker, 10, 20, 3)])).unwrap();
            assert_eq!(
                (info.width, info.height, info.progressive),
                (20, 10, progressive)
            );
        }
        assert_eq!(
            probe_image(&build_jpeg(&[sof(0xC0, 1, 1, 2)]))
                .unwrap()
                .color,
            ColorModel::Other
        );

        let m = truncated(probe_image(&v[..v.len() - 1]));
        assert_eq!(
            m,
            format!(
                "the file ends after {} bytes, inside the JPEG image data, without an end-of-image marker (truncated)",
                v.len() - 1
            )
        );
        assert_style(&m);
        let m = truncated(probe_image(&v[..20]));
        assert_eq!(
            m,
            "the file ends after 20 bytes, inside the JPEG headers, without an end-of-image marker (truncated)"
        );
    }

    #[test]
    fn jpeg_errors() {
        let m = malformed(probe_image(b"\xFF\xD8\xFF\xD9"));
        assert_eq!(m, "the JPEG has no frame header (SOF marker)");
        let mut v = vec![0xFF, 0xD8];
        v.extend(sof(0xC0, 8, 8, 3));
        v.extend([0xFF, 0xD9]);
        assert_eq!(
            malformed(probe_image(&v)),
            "the JPEG has no image data (SOS marker)"
        );
        let v = build_jpeg(&[]);
        assert_eq!(
            malformed(probe_image(&v)),
            "the JPEG image data (SOS) comes before any frame header (SOF)"
        );
        assert_eq!(
            malformed(probe_image(b"\xFF\xD8\xFF\xD8\xFF\xD9")),
            "the JPEG has a second start-of-image marker at byte 2"
        );
        assert_eq!(
            malformed(probe_image(b"\xFF\xD8\x12\x34")),
            "the JPEG has 0x12 at byte 2 where a marker should start"
        );
        assert_eq!(
            malformed(probe_image(b"\xFF\xD8\xFF\x00")),
            "the JPEG has a stray 0xff00 at byte 2 where a marker should be"
        );
        assert_eq!(
            malformed(probe_image(b"\xFF\xD8\xFF\xE0\x00\x01\xFF\xD9")),
            "the JPEG segment 0xffe0 at byte 2 has the invalid length 1"
        );
        assert_eq!(
            malformed(probe_image(&build_jpeg(&[jpeg_segment(0xC0, &[8, 0, 1])]))),
            "the JPEG frame header (SOF) is 5 bytes long, too short"
        );
        assert_eq!(
            malformed(probe_image(&build_jpeg(&[sof(0xC0, 8, 0, 3)]))),
            "the JPEG frame header gives a width of 0"
        );
        assert_eq!(
            unsupported(probe_image(&build_jpeg(&[sof(0xC0, 0, 8, 3)]))),
            "the JPEG leaves its height to a DNL marker, which is not supported"
        );
    }

    #[test]
    fn png_structure_and_errors() {
        let idat = png_chunk(b"IDAT", &[0u8; 10]);
        let iend = png_chunk(b"IEND", &[]);
        let plte = png_chunk(b"PLTE", &[0u8; 6]);
        let ok = build_png(&[ihdr(3000, 3000, 16, 2, 0), idat.clone(), iend.clone()]);
        let info = probe_image(&ok).unwrap();
        assert_eq!(
            (info.width, info.height, info.bit_depth, info.color),
            (3000, 3000, 16, ColorModel::Rgb)
        );
        let ga = build_png(&[ihdr(1, 1, 8, 4, 0), idat.clone(), iend.clone()]);
        let info = probe_image(&ga).unwrap();
        assert_eq!((info.color, info.has_alpha), (ColorModel::Grayscale, true));
        let rgb_trns = build_png(&[
            ihdr(1, 1, 8, 2, 0),
            png_chunk(b"tRNS", &[0; 6]),
            idat.clone(),
            iend.clone(),
        ]);
        assert!(probe_image(&rgb_trns).unwrap().has_alpha);

        // Cut at a chunk boundary: no IEND.
        let m = truncated(probe_image(&ok[..ok.len() - 12]));
        assert_eq!(
            m,
            format!(
                "the file ends after {} bytes, before the PNG's IEND chunk (truncated)",
                ok.len() - 12
            )
        );
        let m = truncated(probe_image(&ok[..45]));
        assert_eq!(
            m,
            "the file ends inside the PNG IDAT chunk, after 4 of its 14 bytes (truncated)"
        );
        assert_eq!(
            truncated(probe_image(b"\x89PNG\r\n")),
            "the file ends after 6 bytes, inside the PNG signature (truncated)"
        );

        let cases: Vec<(Vec<Vec<u8>>, &str)> = vec![
            (
                vec![idat.clone(), iend.clone()],
                "the PNG does not start with an IHDR chunk (it starts with IDAT)",
            ),
            (
                vec![
                    ihdr(1, 1, 8, 2, 0),
                    ihdr(1, 1, 8, 2, 0),
                    idat.clone(),
                    iend.clone(),
                ],
                "the PNG has a second IHDR chunk",
            ),
            (
                vec![png_chunk(b"IHDR", &[0u8; 12]), idat.clone(), iend.clone()],
                "the PNG IHDR chunk is 12 bytes long instead of 13",
            ),
            (
                vec![
                    png_chunk(b"IHDR", &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 2, 1, 0, 0]),
                    idat.clone(),
                    iend.clone(),
                ],
                "the PNG IHDR chunk gives an unknown compression or filter method",
            ),
            (
                vec![
                    png_chunk(b"IHDR", &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0]),
                    idat.clone(),
                    iend.clone(),
                ],
                "the PNG IHDR chunk is 14 bytes long instead of 13",
            ),
            (
                vec![ihdr(0, 1, 8, 2, 0), idat.clone(), iend.clone()],
                "the PNG gives the invalid size 0×1",
            ),
            (
                vec![ihdr(1, 1, 8, 5, 0), idat.clone(), iend.clone()],
                "the PNG gives the invalid colour type 5",
            ),
            (
                vec![ihdr(1, 1, 4, 2, 0), idat.clone(), iend.clone()],
                "the PNG gives the invalid bit depth 4 for colour type 2",
            ),
            (
                vec![ihdr(1, 1, 8, 2, 2), idat.clone(), iend.clone()],
                "the PNG gives the invalid interlace method 2",
            ),
            (
                vec![ihdr(1, 1, 8, 3, 0), idat.clone(), iend.clone()],
                "the indexed-colour PNG has no palette (PLTE chunk)",
            ),
            (
                vec![ihdr(1, 1, 8, 2, 0), iend.clone()],
                "the PNG has no image data (IDAT chunk)",
            ),
            (
                vec![ihdr(1, 1, 8, 2, 0), png_chunk(b"ID@T", &[]), iend.clone()],
                "the PNG has a corrupt chunk header at byte 33",
            ),
        ];
        for (chunks, want) in cases {
            assert_eq!(malformed(probe_image(&build_png(&chunks))), want);
        }
        assert!(
            probe_image(&build_png(&[
                ihdr(1, 1, 8, 3, 0),
                plte,
                idat.clone(),
                iend.clone()
            ]))
            .is_ok()
        );
        let m = unsupported(probe_image(&build_png(&[
            png_chunk(b"CgBI", &[0; 4]),
            ihdr(1, 1, 8, 6, 0),
            idat,
            iend,
        ])));
        assert!(m.contains("CgBI"), "{m}");
    }

    #[test]
    fn image_rejects_other_files() {
        assert_eq!(probe_image(b""), Err(MediaError::Empty));
        assert_eq!(
            unrecognised(probe_image(b"GIF89a\x01\0\x01\0\0\0\0")),
            "the file is a GIF image, not a JPEG or PNG image"
        );
        assert_eq!(
            unrecognised(probe_image(TONE_16)),
            "the file is a FLAC file, not a JPEG or PNG image"
        );
        assert_eq!(
            unrecognised(probe_image(EXT_WAV)),
            "the file is a WAV file, not a JPEG or PNG image"
        );
        assert_eq!(
            unrecognised(probe_image(b"RIFF\x20\0\0\0WEBPVP8 ")),
            "the file is a WebP image, not a JPEG or PNG image"
        );
        assert_eq!(
            unrecognised(probe_image(b"MM\0*\0\0\0\x08")),
            "the file is a TIFF image, not a JPEG or PNG image"
        );
    }

    // --- robustness ----------------------------------------------------------------------------

    /// xorshift64*: deterministic, dependency-free randomness for the fuzz loops.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn run_all(bytes: &[u8]) {
        let _ = probe_audio(bytes);
        let _ = probe_image(bytes);
        let _ = sniff(bytes);
        let _ = md5_hex(bytes);
        for r in [probe_audio(bytes).err(), probe_image(bytes).err()]
            .into_iter()
            .flatten()
        {
            assert_style(&r.to_string());
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let prefixes: [&[u8]; 9] = [
            b"",
            b"fLaC",
            b"RIFF\0\0\0\0WAVE",
            b"\xFF\xD8",
            PNG_SIGNATURE,
            b"ID3\x04\0\0",
            b"fLaC\0\0\0\x22",
            b"RIFF\0\0\0\0WAVEfmt ",
            b"\xFF\xD8\xFF\xC0",
        ];
        for _ in 0..20_000 {
            let mut v = prefixes[rng.below(prefixes.len())].to_vec();
            let n = rng.below(200);
            v.extend((0..n).map(|_| rng.next() as u8));
            run_all(&v);
        }
    }

    #[test]
    fn mutated_and_truncated_valid_files_never_panic() {
        let wav = build_wav(2, 44_100, 16, 200);
        let flac_var = build_flac(44_100, 2, 16, 5000, 1152, true);
        let files: [&[u8]; 14] = [
            TONE_16,
            TONE_24,
            EXT_WAV,
            &wav,
            &flac_var,
            JPEG_BASELINE,
            JPEG_PROGRESSIVE,
            JPEG_GRAY,
            JPEG_CMYK,
            PNG_RGB,
            PNG_RGBA,
            PNG_GRAY,
            PNG_INDEXED_TRNS,
            PNG_INTERLACED,
        ];
        let mut rng = Rng(42);
        for _ in 0..3_000 {
            let file = files[rng.below(files.len())];
            let mut v = file.to_vec();
            // Flip a few bytes (biased to the headers), then maybe cut.
            for _ in 0..1 + rng.below(4) {
                let at = if rng.below(2) == 0 {
                    rng.below(64)
                } else {
                    rng.below(v.len())
                };
                if let Some(x) = v.get_mut(at) {
                    *x = match rng.below(4) {
                        0 => 0xFF,
                        1 => 0,
                        _ => rng.next() as u8,
                    };
                }
            }
            if rng.below(2) == 0 {
                v.truncate(rng.below(v.len() + 1));
            }
            run_all(&v);
        }
        // Every valid file cut anywhere is an error, never a panic.
        for file in files {
            for _ in 0..50 {
                let cut = rng.below(file.len());
                let part = file.get(..cut).unwrap();
                assert!(
                    probe_audio(part).is_err() && probe_image(part).is_err(),
                    "cut at {cut}"
                );
            }
        }
    }

    // --- the example catalogue -----------------------------------------------------------------

    #[allow(
        clippy::disallowed_methods,
        reason = "test reads the example catalogue's files"
    )]
    fn catalogue_file(relative: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog-example");
        std::fs::read(root.join(relative)).unwrap()
    }

    /// "PT6M10S", "3:45" or "1:02:03" → seconds.
    fn seconds(duration: &str) -> u64 {
        if let Some(iso) = duration.strip_prefix("PT") {
            let (mut total, mut n) = (0, 0);
            for c in iso.chars() {
                match c {
                    '0'..='9' => n = n * 10 + u64::from(c.to_digit(10).unwrap()),
                    'H' => (total, n) = (total + n * 3600, 0),
                    'M' => (total, n) = (total + n * 60, 0),
                    'S' => (total, n) = (total + n, 0),
                    _ => panic!("{duration}"),
                }
            }
            total
        } else {
            duration
                .split(':')
                .fold(0, |acc, part| acc * 60 + part.parse::<u64>().unwrap())
        }
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "test reads the example catalogue's files"
    )]
    fn example_catalogue_audio_matches_recording_durations() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog-example/recordings");
        let mut checked = 0;
        let mut codecs = std::collections::BTreeSet::new();
        let mut depths = std::collections::BTreeSet::new();
        let mut dirs = vec![dir];
        let mut entries = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "toml") {
                    entries.push(path);
                }
            }
        }
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(&path).unwrap();
            let field = |key: &str| {
                text.lines().find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
                })
            };
            let (Some(audio), Some(duration)) = (field("audio"), field("duration")) else {
                continue;
            };
            let file = path.parent().unwrap().join(&audio);
            let relative = file.display().to_string();
            let bytes = std::fs::read(&file).unwrap();
            let info = probe_audio(&bytes).unwrap_or_else(|e| panic!("{relative}: {e}"));
            assert_eq!(info.duration_ms, seconds(&duration) * 1000, "{relative}");
            assert_eq!(info.sample_rate, 44_100, "{relative}");
            assert_eq!(info.channels, 2, "{relative}");
            assert_eq!(
                Some(info.codec),
                match sniff(&bytes) {
                    Some("flac") => Some(AudioCodec::Flac),
                    Some("wav") => Some(AudioCodec::Wav),
                    _ => None,
                }
            );
            codecs.insert(info.codec);
            depths.insert(info.bits_per_sample);
            checked += 1;
            // Cut in half, every one of them is truncated.
            let half = bytes.get(..bytes.len() / 2).unwrap();
            assert!(matches!(probe_audio(half), Err(Truncated(_))), "{relative}");
        }
        assert!(checked >= 30, "only {checked} recordings with audio");
        assert_eq!(
            codecs.into_iter().collect::<Vec<_>>(),
            [AudioCodec::Flac, AudioCodec::Wav]
        );
        assert_eq!(depths.into_iter().collect::<Vec<_>>(), [16, 24]);

        // Known values.
        let brackish = probe_audio(&catalogue_file("assets/audio/brackish.flac")).unwrap();
        assert_eq!(
            (
                brackish.bits_per_sample,
                brackish.total_samples,
                brackish.duration_ms
            ),
            (24, 13_891_500, 315_000)
        );
        let intro =
            probe_audio(&catalogue_file("assets/audio/low-tide-sessions-intro.wav")).unwrap();
        assert_eq!(
            (
                intro.codec,
                intro.bits_per_sample,
                intro.total_samples,
                intro.duration_ms
            ),
            (AudioCodec::Wav, 16, 220_500, 5_000)
        );
    }

    #[test]
    #[allow(
        clippy::disallowed_methods,
        reason = "test reads the example catalogue's files"
    )]
    fn example_catalogue_artwork_is_3000_square_rgb_jpeg() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../catalog-example/assets/artwork");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let info = probe_image(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                (
                    info.codec,
                    info.width,
                    info.height,
                    info.color,
                    info.bit_depth
                ),
                (ImageCodec::Jpeg, 3000, 3000, ColorModel::Rgb, 8),
                "{}",
                path.display()
            );
            assert_eq!(sniff(&bytes), Some("jpeg"));
            assert!(matches!(
                probe_image(bytes.get(..bytes.len() - 2).unwrap()),
                Err(Truncated(_))
            ));
            checked += 1;
        }
        assert!(checked >= 10);
    }

    // --- reading by ranges ---------------------------------------------------------------------

    /// A large file made up on the fly: `head`, then `fill` bytes, then `tail`; the bytes read
    /// counted.
    struct Virtual {
        head: Vec<u8>,
        fill: u8,
        tail: Vec<u8>,
        len: u64,
        read: std::cell::Cell<u64>,
    }

    impl Virtual {
        fn new(head: Vec<u8>, fill: u8, tail: Vec<u8>, len: u64) -> Self {
            let read = std::cell::Cell::new(0);
            Virtual {
                head,
                fill,
                tail,
                len,
                read,
            }
        }
    }

    impl MediaSource for Virtual {
        fn len(&self) -> u64 {
            self.len
        }

        fn read_at(&self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.len.saturating_sub(at) as usize);
            let tail_at = self.len - self.tail.len() as u64;
            for (i, x) in buf[..n].iter_mut().enumerate() {
                let p = at + i as u64;
                *x = if p < self.head.len() as u64 {
                    self.head[p as usize]
                } else if p >= tail_at {
                    self.tail[(p - tail_at) as usize]
                } else {
                    self.fill
                };
            }
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn probes_read_only_what_they_need() {
        // A 4 GB WAV: its header only.
        let data = 0xF000_0000u32;
        let mut head = b"RIFF".to_vec();
        head.extend((data + 36).to_le_bytes());
        head.extend(b"WAVE");
        head.extend(chunk(b"fmt ", &wav_fmt(1, 2, 96_000, 24)));
        head.extend(b"data");
        head.extend(data.to_le_bytes());
        let wav = Virtual::new(head, 0, Vec::new(), 44 + u64::from(data));
        let info = probe_audio_in(&wav).unwrap().unwrap();
        assert_eq!((info.codec, info.duration_ms), (AudioCodec::Wav, 6_990_506));
        assert!(
            wav.read.get() <= BLOCK as u64,
            "{} bytes read",
            wav.read.get()
        );

        // A FLAC of 10 hours: its metadata and first frame, then its last two frames.
        let frames = 10 * 3600 * 44_100 / 4096;
        let total = frames * 4096;
        let mut head = b"fLaC".to_vec();
        head.extend(metadata_block(
            true,
            0,
            &streaminfo(44_100, 2, 16, total, 4096),
        ));
        head.extend(flac_frame(false, 0, 4096, 2, 16));
        let mut tail = flac_frame(false, frames - 3, 4096, 2, 16);
        tail.extend(flac_frame(false, frames - 2, 4096, 2, 16));
        let whole = [tail.clone(), flac_frame(false, frames - 1, 4096, 2, 16)].concat();
        let flac = Virtual::new(head, 0, whole, 3_000_000_000);
        let info = probe_audio_in(&flac).unwrap().unwrap();
        assert_eq!(info.total_samples, total);
        assert!(
            flac.read.get() <= 2 * BLOCK as u64,
            "{} bytes read",
            flac.read.get()
        );
        // Cut inside its last frame's header: found by reading the end only.
        tail.extend(&flac_frame(false, frames - 1, 4096, 2, 16)[..10]);
        let flac = Virtual::new(flac.head, 0, tail, 3_000_000_000);
        assert!(matches!(probe_audio_in(&flac).unwrap(), Err(Truncated(_))));
        assert!(
            flac.read.get() <= 2 * BLOCK as u64,
            "{} bytes read",
            flac.read.get()
        );

        // A PNG with 1 GB of image data: its chunk headers.
        let mut head = PNG_SIGNATURE.to_vec();
        head.extend(ihdr(3000, 3000, 8, 2, 0));
        head.extend(1_000_000_000u32.to_be_bytes());
        head.extend(b"IDAT");
        let tail = png_chunk(b"IEND", &[]);
        let len = head.len() as u64 + 1_000_000_004 + tail.len() as u64;
        let png = Virtual::new(head, 0, tail, len);
        assert_eq!(probe_image_in(&png).unwrap().unwrap().width, 3000);
        assert!(
            png.read.get() <= 2 * BLOCK as u64,
            "{} bytes read",
            png.read.get()
        );
    }

    #[test]
    fn md5_streams_in_chunks() {
        let mut rng = Rng(7);
        let bytes: Vec<u8> = (0..HASH_CHUNK * 2 + 12_345)
            .map(|_| rng.next() as u8)
            .collect();
        let want = super::md5_hex(&bytes);
        for step in [4096, 300_000, usize::MAX] {
            let disk = Disk::new(&bytes, step);
            assert_eq!(md5_hex_in(&disk).unwrap().unwrap(), want);
            assert_eq!(disk.read.get(), bytes.len() as u64);
        }
        assert_eq!(
            md5_hex_in(&Vec::<u8>::new()).unwrap().unwrap(),
            super::md5_hex(b"")
        );
        assert_eq!(
            md5_hex_in(&Disk::new(b"", 1)).unwrap().unwrap(),
            super::md5_hex(b"")
        );
    }

    #[test]
    fn a_file_that_shrinks_while_it_is_read_is_truncated() {
        let wav = build_wav(2, 44_100, 16, 300);
        let flac = build_flac(44_100, 2, 16, 5000, 1152, true);
        let files: [&[u8]; 8] = [
            TONE_16,
            TONE_24,
            EXT_WAV,
            &wav,
            &flac,
            JPEG_PROGRESSIVE,
            PNG_RGB,
            PNG_INTERLACED,
        ];
        for file in files {
            let (audio, image) = (super::probe_audio(file), super::probe_image(file));
            for now in 0..file.len() {
                let shrank = Truncated(format!(
                    "the file shrank below its {} bytes while it was read (truncated)",
                    thousands(file.len() as u64)
                ));
                // A probe that needs bytes past the new end says the file shrank; one that does
                // not (the end of a WAV's audio data) gives what it gave; the MD5 always tells.
                for block in [7, BLOCK] {
                    let disk = Disk::shrunk(file, now);
                    let got = Bytes::with_block(&disk, block).run(super::audio).unwrap();
                    assert!(
                        got == audio || got.as_ref() == Err(&shrank),
                        "{now}: {got:?}"
                    );
                    let got = Bytes::with_block(&disk, block).run(super::image).unwrap();
                    assert!(
                        got == image || got.as_ref() == Err(&shrank),
                        "{now}: {got:?}"
                    );
                }
                let got = md5_hex_in(&Disk::shrunk(file, now)).unwrap();
                assert_eq!(got, Err(shrank), "{now}");
            }
        }
        // Cut inside the audio data: the WAV probe reads its header only (in blocks of 16
        // bytes), the MD5 tells.
        let disk = Disk::shrunk(&wav, 100);
        assert_eq!(
            Bytes::with_block(&disk, 16).run(super::audio).unwrap(),
            super::probe_audio(&wav)
        );
        assert_eq!(
            md5_hex_in(&disk).unwrap(),
            Err(Truncated(
                "the file shrank below its 1,244 bytes while it was read (truncated)".to_owned()
            ))
        );
        let disk = Disk::shrunk(TONE_16, 7000);
        let m = truncated(probe_audio_in(&disk).unwrap());
        assert_eq!(
            m,
            "the file shrank below its 7,566 bytes while it was read (truncated)"
        );
        assert_style(&m);
    }

    #[test]
    fn a_source_that_cannot_be_read_is_an_io_error() {
        for fail_at in [0, 100, 1000, TONE_16.len() - 1] {
            let disk = Disk {
                fail_at,
                ..Disk::new(TONE_16, usize::MAX)
            };
            for block in [7, BLOCK] {
                let r = Bytes::with_block(&disk, block).run(super::audio);
                assert_eq!(r.unwrap_err().to_string(), "disk on fire", "{fail_at}");
            }
            assert!(md5_hex_in(&disk).is_err());
        }
        // What the probe never reads does not matter.
        let wav = build_wav(2, 44_100, 16, 300);
        let disk = Disk {
            fail_at: 200,
            ..Disk::new(&wav, usize::MAX)
        };
        assert_eq!(
            Bytes::with_block(&disk, 16).run(super::audio).unwrap(),
            super::probe_audio(&wav)
        );
    }

    #[test]
    fn the_block_cache_keeps_a_few_blocks() {
        let bytes: Vec<u8> = (0..100u8).collect();
        let disk = Disk::new(&bytes, usize::MAX);
        let mut b = Bytes::with_block(&disk, 10);
        // Five blocks, then the first again: it was the least recently used, so it is read
        // again; the last four are still there.
        for at in [5, 15, 25, 35, 45, 5] {
            assert_eq!(b.u8_at(at), Some(at as u8));
        }
        assert_eq!(disk.read.get(), 60);
        for at in [25, 35, 45, 5] {
            assert_eq!(b.u8_at(at), Some(at as u8));
        }
        assert_eq!(disk.read.get(), 60);
        assert_eq!(b.be32(8), Some(u32::from_be_bytes([8, 9, 10, 11])));
        assert_eq!(b.find(12, 57), Some(57));
        assert_eq!(b.find(58, 57), None);
        assert_eq!(b.rfind(3, 95, 42), Some(42));
        assert_eq!(b.rfind(43, 95, 42), None);
        assert_eq!(b.rfind(0, 1000, 99), Some(99));
        assert_eq!(b.head_at(95, 10), vec![95, 96, 97, 98, 99]);
        assert!(b.has_at(97, &[97, 98, 99]) && !b.has_at(98, &[98, 99, 100]));
        assert_eq!(b.u8_at(100), None);
        assert!(b.failure.is_none());
    }
}

//! Placeholder media for `sleeve init`: a silent FLAC and a 3000×3000 gradient PNG, written
//! from scratch so a new catalogue passes the DSP quality rules before the label has a master
//! or a cover to put in. No binary asset is embedded in the program and no codec crate is
//! needed: silence is a FLAC `CONSTANT` subframe, and a gradient compresses to runs that a
//! few lines of fixed-Huffman deflate can write.
//!
//! Pure functions on bytes, like [`crate::media`], which reads what these write (a test
//! checks that it does).

use crate::media::{crc8, crc16_step};

/// Sample rate of the placeholder audio: CD quality, what DSPs take at least.
const RATE: u32 = 44_100;
/// Samples per FLAC frame (the reference encoder's default).
const BLOCK: u64 = 4096;

/// A FLAC file of `seconds` of silence: 44,100 Hz, 16-bit, stereo, with a correct MD5 of
/// the samples and CRCs, about 15 bytes per 4096-sample frame (29 KB for three minutes).
pub fn silent_flac(seconds: u32) -> Vec<u8> {
    let total = u64::from(seconds) * u64::from(RATE);
    let (channels, bits) = (2u64, 16u64);
    let mut out = b"fLaC".to_vec();
    // STREAMINFO, the last metadata block: 34 bytes.
    out.extend([0x80, 0, 0, 34]);
    out.extend((BLOCK as u16).to_be_bytes()); // minimum block size
    out.extend((BLOCK as u16).to_be_bytes()); // maximum block size
    out.extend([0; 6]); // minimum and maximum frame size: unknown
    let packed = (u64::from(RATE) << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total;
    out.extend(packed.to_be_bytes());
    out.extend(silence_md5(total * channels * bits / 8));

    let mut number = 0u32;
    let mut done = 0u64;
    while done < total {
        let n = (total - done).min(BLOCK);
        let start = out.len();
        out.extend([0xFF, 0xF8]); // sync code, fixed block size
        // Block size: 4096 (code 12) or, for a shorter last frame, 16 bits at the end of the
        // header (code 7). Sample rate code 9: 44.1 kHz.
        out.push(if n == BLOCK { 0xC9 } else { 0x79 });
        out.push(0x18); // two independent channels, 16 bits per sample
        utf8_number(number, &mut out);
        if n != BLOCK {
            out.extend(((n - 1) as u16).to_be_bytes());
        }
        let header_crc = crc8(out.get(start..).unwrap_or_default());
        out.push(header_crc);
        for _ in 0..channels {
            // A CONSTANT subframe (type 0, no wasted bits) holding the 16-bit value 0.
            out.extend([0x00, 0x00, 0x00]);
        }
        let crc = out
            .get(start..)
            .unwrap_or_default()
            .iter()
            .fold(0u16, |c, &b| crc16_step(c, b));
        out.extend(crc.to_be_bytes());
        number += 1;
        done += n;
    }
    out
}

/// A frame number in FLAC's UTF-8-like coding.
fn utf8_number(n: u32, out: &mut Vec<u8>) {
    match n {
        0..=0x7F => out.push(n as u8),
        0x80..=0x7FF => out.extend([0xC0 | (n >> 6) as u8, 0x80 | (n & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend([
            0xE0 | (n >> 12) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]),
        _ => out.extend([
            0xF0 | (n >> 18) as u8,
            0x80 | ((n >> 12) & 0x3F) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]),
    }
}

/// MD5 of `len` zero bytes: the decoded samples of silence.
fn silence_md5(len: u64) -> [u8; 16] {
    use md5::Digest as _;
    let zeros = [0u8; 1 << 16];
    let mut h = md5::Md5::new();
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        h.update(zeros.get(..n).unwrap_or_default());
        left -= n as u64;
    }
    h.finalize().into()
}

/// A square RGB PNG of `size`×`size` pixels, a vertical gradient from `top` to `bottom`,
/// without alpha. Each row is one colour, so the deflate stream is a few literals and
/// 258-byte back-references per row (about 60 bytes a row).
pub fn gradient_png(size: u32, top: [u8; 3], bottom: [u8; 3]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend(size.to_be_bytes());
    ihdr.extend(size.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);

    let row_len = 1 + 3 * u64::from(size); // filter byte + pixels
    let mut bits = BitWriter::default();
    let mut adler = Adler32::default();
    bits.push(0b011, 3); // final block, fixed Huffman codes
    for y in 0..size {
        let mix = |a: u8, b: u8| {
            let (a, b, y, last) = (
                u64::from(a),
                u64::from(b),
                u64::from(y),
                u64::from(size.max(2) - 1),
            );
            ((a * (last - y) + b * y) / last) as u8
        };
        let rgb = [
            mix(top[0], bottom[0]),
            mix(top[1], bottom[1]),
            mix(top[2], bottom[2]),
        ];
        bits.literal(0); // filter type 0: none
        adler.update(&[0]);
        for c in rgb {
            bits.literal(c);
        }
        adler.update(&rgb);
        adler.repeat(&rgb, row_len.saturating_sub(4));
        // The rest of the row repeats the pixel 3 bytes back.
        let mut left = row_len.saturating_sub(4);
        while left > 0 {
            if left < 3 {
                // Too short for a match (only in images narrower than 3 pixels).
                for i in 0..left {
                    bits.literal(rgb.get(i as usize % 3).copied().unwrap_or(0));
                }
                break;
            }
            // Matches are 3 to 258 bytes: don't leave a remainder of 1 or 2.
            let n = match left {
                0..=258 => left,
                259..=260 => 255,
                _ => 258,
            } as u16;
            bits.length(n);
            bits.code(2, 5); // distance code 2: distance 3
            left -= u64::from(n);
        }
    }
    bits.push(0, 7); // end of block (symbol 256: seven zero bits)
    let mut zlib = vec![0x78, 0x01];
    zlib.extend(bits.finish());
    zlib.extend(adler.value().to_be_bytes());
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(out.get(start..).unwrap_or_default());
    out.extend(crc.to_be_bytes());
}

/// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) of PNG chunks.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// zlib's Adler-32 of the uncompressed bytes.
struct Adler32 {
    a: u32,
    b: u32,
}

impl Default for Adler32 {
    fn default() -> Self {
        Adler32 { a: 1, b: 0 }
    }
}

impl Adler32 {
    const MOD: u32 = 65_521;

    fn update(&mut self, data: &[u8]) {
        for &x in data {
            self.a = (self.a + u32::from(x)) % Self::MOD;
            self.b = (self.b + self.a) % Self::MOD;
        }
    }

    /// Continue the 3-byte `pattern` (already written once) for `len` more bytes.
    fn repeat(&mut self, pattern: &[u8; 3], len: u64) {
        let mut left = len;
        let mut i = 0usize;
        while left > 0 {
            let x = pattern.get(i % 3).copied().unwrap_or(0);
            self.a += u32::from(x);
            if self.a >= Self::MOD {
                self.a -= Self::MOD;
            }
            self.b += self.a;
            if self.b >= Self::MOD {
                self.b -= Self::MOD;
            }
            i += 1;
            left -= 1;
        }
    }

    fn value(&self) -> u32 {
        (self.b << 16) | self.a
    }
}

/// Deflate's bit order: values LSB first, Huffman codes MSB first.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// Append the low `n` bits of `v`, least significant first.
    fn push(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += n;
        while self.n >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code of `len` bits, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.push(code.reverse_bits() >> (32 - len), len);
    }

    /// A literal byte in the fixed code.
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u32::from(b), 8);
        } else {
            self.code(0x190 + u32::from(b - 144), 9);
        }
    }

    /// A match length (3..=258) in the fixed code: its symbol, then its extra bits.
    fn length(&mut self, len: u16) {
        const BASE: [u16; 29] = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        const EXTRA: [u32; 29] = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ];
        let i = BASE.iter().rposition(|&b| b <= len).unwrap_or(0);
        let symbol = 257 + i as u32;
        if symbol < 280 {
            self.code(symbol - 256, 7);
        } else {
            self.code(0xC0 + symbol - 280, 8);
        }
        let (base, extra) = (
            BASE.get(i).copied().unwrap_or(3),
            EXTRA.get(i).copied().unwrap_or(0),
        );
        self.push(u32::from(len - base), extra);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::media::{AudioCodec, ColorModel, ImageCodec, probe_audio, probe_image};

    #[test]
    fn silent_flac_probes_as_cd_quality_with_its_length() {
        let flac = silent_flac(181);
        let info = probe_audio(&flac).unwrap();
        assert_eq!(info.codec, AudioCodec::Flac);
        assert_eq!(
            (info.sample_rate, info.bits_per_sample, info.channels),
            (44_100, 16, 2)
        );
        assert_eq!(info.duration_ms, 181_000);
        // 1949 frames of 4096 samples and a shorter last one, a few bytes each.
        assert!(flac.len() < 40_000, "{}", flac.len());
        // Cut short, the probe sees where the audio stops.
        let cut = flac.get(..flac.len() / 2).unwrap();
        assert!(probe_audio(cut).is_err());
    }

    #[test]
    fn gradient_png_probes_as_square_rgb() {
        let png = gradient_png(3000, [10, 20, 40], [200, 160, 90]);
        let info = probe_image(&png).unwrap();
        assert_eq!(info.codec, ImageCodec::Png);
        assert_eq!((info.width, info.height), (3000, 3000));
        assert_eq!(info.color, ColorModel::Rgb);
        assert!(!info.has_alpha && !info.progressive);
        assert!(png.len() < 300_000, "{}", png.len());
    }

    #[test]
    fn crc32_and_adler32_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let mut a = Adler32::default();
        a.update(b"Wikipedia");
        assert_eq!(a.value(), 0x11E6_0398);
        let (mut whole, mut runs) = (Adler32::default(), Adler32::default());
        whole.update(&[1, 2, 3].repeat(100));
        runs.update(&[1, 2, 3]);
        runs.repeat(&[1, 2, 3], 297);
        assert_eq!(whole.value(), runs.value());
    }
}

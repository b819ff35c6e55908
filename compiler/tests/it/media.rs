//! Media files are read by ranges, never whole: `sleeve check` of a catalogue whose audio is
//! a 406 MB WAV peaks far below the file's size (GNU time measures the child's peak resident
//! memory).

use crate::cli::tempdir::Dir;
use crate::support::repo_root;
use std::process::Command;

/// Peak resident memory allowed to `check` of catalog-example with one large WAV.
const LIMIT_KB: u64 = 150 * 1024;

#[test]
fn check_reads_a_large_wav_in_bounded_memory() {
    let dir = Dir::new("large-wav");
    let cat = dir.path().join("cat");
    crate::deliver::copy_dir(&repo_root().join("catalog-example"), &cat);

    // 38:20 of 16-bit stereo silence at 44.1 kHz: a 44-byte header, then 405,720,000 bytes of
    // data that `set_len` leaves sparse (no disk space, written in no time).
    let data: u32 = 2300 * 44_100 * 4;
    let mut wav = b"RIFF".to_vec();
    wav.extend((36 + data).to_le_bytes());
    wav.extend(b"WAVEfmt ");
    wav.extend(16u32.to_le_bytes());
    wav.extend(1u16.to_le_bytes()); // integer PCM
    wav.extend(2u16.to_le_bytes()); // channels
    wav.extend(44_100u32.to_le_bytes());
    wav.extend((44_100u32 * 4).to_le_bytes()); // bytes per second
    wav.extend(4u16.to_le_bytes()); // block align
    wav.extend(16u16.to_le_bytes()); // bits per sample
    wav.extend(b"data");
    wav.extend(data.to_le_bytes());
    let audio = "assets/audio/low-tide-sessions-intro.wav";
    let size = 44 + u64::from(data);
    {
        use std::io::Write as _;
        let mut f = std::fs::File::create(cat.join(audio)).expect("create");
        f.write_all(&wav).expect("write");
        f.set_len(size).expect("set_len");
    }
    let recording = cat.join("recordings/low-tide-sessions-intro.toml");
    let text = std::fs::read_to_string(&recording).expect("recording");
    assert!(text.contains("duration = \"0:05\""), "{text}");
    std::fs::write(&recording, text.replace("\"0:05\"", "\"38:20\"")).expect("write");

    let peak = dir.path().join("peak");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&peak)
        .arg(env!("CARGO_BIN_EXE_sleeve"))
        .arg("check")
        .arg(&cat)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .output()
        .expect("GNU time must be installed at /usr/bin/time (package time; .ci/run installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("E0402") && !stderr.contains("W0407"),
        "{stderr}"
    );

    // The file was read: its size and duration are what the media store kept.
    let store = std::fs::read_to_string(cat.join(".sleeve-cache/media.json")).expect("store");
    let json: serde_json::Value = serde_json::from_str(&store).expect("JSON");
    let facts = &json["files"][audio]["known"]["audio"];
    assert_eq!(facts["size"], size, "{facts}");
    assert_eq!(facts["info"]["duration_ms"], 2_300_000, "{facts}");
    assert_eq!(facts["md5"].as_str().map(str::len), Some(32), "{facts}");

    let peak = std::fs::read_to_string(&peak).expect("GNU time's output");
    let kb: u64 = peak
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("GNU time's output: {peak}"));
    assert!(
        kb < LIMIT_KB,
        "check of a {size}-byte WAV peaked at {kb} KB of resident memory (limit {LIMIT_KB} KB)"
    );
}

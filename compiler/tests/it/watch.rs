//! `sleeve watch` on a temporary catalogue: saves, broken and fixed files, atomic saves by
//! rename, deletions, renames and new folders each give a fresh check on standard output.

use crate::cli::tempdir::Dir;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long one step may take before the test fails (never hangs).
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

const LABEL: &str = "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\ncopyright-owner = \"L Ltd\"\n";
const PARTY: &str = "name = \"A\"\nkind = \"person\"\n[payee]\ncurrency = \"GBP\"\n";
const CONTRACT: &str = "payee = \"a\"\nstart = 2024-01-01\n[rates.default]\nstream = \"50%\"\n";

fn recording(share: &str) -> String {
    format!(
        "isrc = \"ZZSLV2500001\"\ntitle = \"Night Bus\"\nartist = \"a\"\nduration = \"3:00\"\nexplicit = false\np-line = \"2025 L Ltd\"\n[splits]\ndefault = {{ a = \"{share}\" }}\n"
    )
}

fn catalogue() -> Dir {
    let dir = Dir::new("watch");
    dir.write("sleeve.toml", LABEL);
    dir.write("parties/a.toml", PARTY);
    dir.write("contracts/a.toml", CONTRACT);
    dir.write("recordings/night-bus.toml", recording("100%"));
    dir
}

/// A running `sleeve watch`, killed on drop; its output split into checks (each ends with
/// its summary line).
struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    fn start(dir: &Path, extra: &[&str]) -> Watch {
        Watch::start_at(dir, extra, Some("1735689600"))
    }

    /// With the clock at `epoch` (`SOURCE_DATE_EPOCH`), or the system's.
    fn start_at(dir: &Path, extra: &[&str], epoch: Option<&str>) -> Watch {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sleeve"));
        command.env_remove("SOURCE_DATE_EPOCH");
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        let mut child = command
            .args(["watch", "."])
            .args(extra)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sleeve watch");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines }
    }

    /// The next check's whole output (up to and including its summary line).
    fn next_check(&self, deadline: Instant) -> Result<String, String> {
        let mut block = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    block.push_str(&line);
                    block.push('\n');
                    if line.starts_with("checked ") {
                        return Ok(block);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("timed out; so far:\n{block}"));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!("sleeve watch exited; so far:\n{block}"));
                }
            }
        }
    }

    /// The next line, which must come within the step timeout (`--build`'s line after a
    /// check).
    fn next_build(&self) -> String {
        self.lines
            .recv_timeout(STEP_TIMEOUT)
            .unwrap_or_else(|e| panic!("no line after the check: {e}"))
    }

    /// Wait for a check whose output satisfies `want`; earlier checks (an editor's save can
    /// take two) are skipped. Returns that check's output.
    fn expect(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + STEP_TIMEOUT;
        let mut seen = Vec::new();
        loop {
            match self.next_check(deadline) {
                Ok(block) if want(&block) => return block,
                Ok(block) => seen.push(block),
                Err(e) => panic!("{what}: {e}\nchecks before:\n{}", seen.join("")),
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Save `file` with `from` replaced by `to` (which must be there).
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} has no `{from}`", file.display());
    std::fs::write(file, text.replace(from, to)).expect("write");
}

fn clean(block: &str) -> bool {
    block.contains("checked 4 files: no problems (") && !block.contains('×')
}

#[test]
fn watch_rechecks_on_every_kind_of_change() {
    let dir = catalogue();
    let w = Watch::start(dir.path(), &[]);
    let first = w.expect("first check", clean);
    assert!(first.starts_with("watching `.` for changes"), "{first}");
    assert!(first.contains("parsed"), "{first}");

    // A save in place that breaks a share: only that file is parsed again.
    dir.write("recordings/night-bus.toml", recording("90%"));
    let broken = w.expect("broken split", |b| b.contains("E0302 split-shares-not-100"));
    assert!(
        broken.contains("──── `recordings/night-bus.toml` changed ────"),
        "{broken}"
    );
    assert!(broken.contains("recordings/night-bus.toml:8:"), "{broken}");
    assert!(
        broken.contains("checked 4 files: 1 error (")
            && broken.contains("; 1 parsed, 3 unchanged)"),
        "{broken}"
    );

    // Half-written: invalid TOML is a diagnostic, and the next save clears it.
    dir.write("recordings/night-bus.toml", "isrc = \"ZZSLV25");
    w.expect("invalid TOML", |b| b.contains("E0101 toml-syntax"));
    dir.write("recordings/night-bus.toml", recording("100%"));
    w.expect("fixed", clean);

    // An editor's atomic save: write a hidden temporary file, rename it over the original.
    let tmp = dir.path().join("recordings/.night-bus.toml.tmp");
    std::fs::write(&tmp, recording("95%")).expect("write");
    std::fs::rename(&tmp, dir.path().join("recordings/night-bus.toml")).expect("rename");
    w.expect("atomic save", |b| {
        b.contains("E0302 split-shares-not-100") && b.contains("95%")
    });
    std::fs::write(&tmp, recording("100%")).expect("write");
    std::fs::rename(&tmp, dir.path().join("recordings/night-bus.toml")).expect("rename");
    w.expect("atomic save fixed", clean);

    // A deleted file: references to it fail.
    std::fs::remove_file(dir.path().join("parties/a.toml")).expect("rm");
    w.expect("deleted party", |b| {
        b.contains("E0202 unknown-party") && b.contains("checked 3 files")
    });

    // A new folder appears, with the file moved into it: found, and watched from then on.
    std::fs::create_dir_all(dir.path().join("parties/2025")).expect("mkdir");
    std::fs::write(dir.path().join("parties/2025/a.toml"), PARTY).expect("write");
    w.expect("file in a new folder", clean);
    std::fs::write(
        dir.path().join("parties/2025/a.toml"),
        format!("{PARTY}shar = 1\n"),
    )
    .expect("write");
    w.expect("edit in the new folder", |b| {
        b.contains("E0102 unknown-key")
    });

    // A rename: the id follows the file name.
    std::fs::rename(
        dir.path().join("parties/2025/a.toml"),
        dir.path().join("parties/2025/b.toml"),
    )
    .expect("rename");
    w.expect("renamed party", |b| {
        b.contains("E0202 unknown-party") && b.contains("E0102 unknown-key")
    });
    // A whole new top-level folder, and the party back under its old id.
    std::fs::rename(dir.path().join("parties"), dir.path().join("people")).expect("rename");
    std::fs::create_dir_all(dir.path().join("parties")).expect("mkdir");
    std::fs::write(dir.path().join("parties/a.toml"), PARTY).expect("write");
    w.expect("moved folder", |b| {
        b.contains("W0109 unrecognised-file") && !b.contains("E0202")
    });
}

#[test]
fn watch_exits_after_n_rechecks_with_the_last_status_and_ignores_output_folders() {
    let dir = catalogue();
    let mut w = Watch::start(dir.path(), &["--exit-after", "1"]);
    w.expect("first check", clean);
    assert!(w.next_build().starts_with("answering `sleeve check` on"));
    // Build output and hidden files never trigger a check.
    std::fs::create_dir_all(dir.path().join("out/deliveries")).expect("mkdir");
    std::fs::write(dir.path().join("out/deliveries/x.toml"), "junk").expect("write");
    std::fs::write(dir.path().join(".hidden.toml"), "junk").expect("write");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        w.lines.try_recv().is_err(),
        "no check for changes in out/ or hidden files"
    );
    dir.write("recordings/night-bus.toml", "not = [toml");
    w.expect("broken", |b| b.contains("E0101 toml-syntax"));
    // That re-check was the last: exit 1, for its error.
    let deadline = Instant::now() + STEP_TIMEOUT;
    let status = loop {
        if let Some(s) = w.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "sleeve watch did not exit after one re-check"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn watch_of_a_missing_folder_is_a_diagnostic() {
    let dir = Dir::new("watch-missing");
    let out = crate::support::sleeve(dir.path(), &["watch", "nope"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("error[E0100] unreadable-file: `nope` is not a folder")
            && out.stderr.contains("help:"),
        "{}",
        out.stderr
    );
}

/// With `--timings`, each summary says which way the check went: an edit of a recording is
/// checked incrementally (and gives what a full check gives), an edit of a party in full.
#[test]
fn watch_checks_recording_edits_incrementally_and_party_edits_in_full() {
    let dir = catalogue();
    dir.write(
        "releases/night-bus.toml",
        "upc = \"5060987600018\"\ntitle = \"Night Bus\"\ntype = \"single\"\nartist = \"a\"\ngenre = \"Pop\"\nrelease-date = 2025-03-07\ntracks = [\"night-bus\"]\n[[deal]]\ndsps = \"all\"\nterritories = [\"GB\"]\nmodels = \"subscription\"\n",
    );
    let w = Watch::start(dir.path(), &["--timings"]);
    w.expect("first check", |b| {
        b.contains("checked 5 files: no problems (")
    });

    // The recording's splits stop covering GB, where its release offers it: the recording,
    // the release listing it and its payee's contract are judged again.
    let edited = recording("100%").replace("[splits]\ndefault", "[splits]\nUS");
    dir.write("recordings/night-bus.toml", &edited);
    let b = w.expect("incremental", |b| b.contains("E0326"));
    assert!(
        b.contains("; 1 parsed, 4 unchanged; incremental, rules on 3 files;"),
        "{b}"
    );
    let full = crate::support::sleeve(dir.path(), &["check", "."]);
    assert!(full.stderr.contains("E0326"), "{}", full.stderr);

    dir.write("parties/a.toml", format!("{PARTY}shar = 1\n"));
    let b = w.expect("full", |b| b.contains("E0102 unknown-key"));
    assert!(
        b.contains("full: `parties/a.toml` is a party file, which other files depend on"),
        "{b}"
    );
}

/// `watch --build` keeps the packages up to date: a release edited rebuilds only its
/// packages, and the output equals a fresh build of the edited catalogue.
#[test]
fn watch_build_rebuilds_what_an_edit_changes() {
    let (dir, cat, out) = crate::support::example("watch-build");
    let out_arg = out.to_string_lossy().into_owned();
    let w = Watch::start(&cat, &["--build", "--out", &out_arg]);
    let first = w.expect("first build", |b| {
        b.contains("checked 77 files: no problems")
    });
    assert!(first.contains("watching"), "{first}");
    let built = w.next_build();
    assert!(built.starts_with("built 52 of 52 packages"), "{built}");

    let single = cat.join("releases/night-bus.toml");
    edit(
        &single,
        "title = \"Night Bus\"",
        "title = \"Night Bus (Remaster)\"",
    );
    w.expect("edit", |b| b.contains("1 parsed, 76 unchanged"));
    let built = w.next_build();
    assert!(built.starts_with("built 3 of 52 packages"), "{built}");

    // Edits saved while the catalogue has errors are built once it has none.
    let brackish = cat.join("recordings/brackish.toml");
    let good = std::fs::read_to_string(&brackish).expect("read");
    std::fs::write(&brackish, format!("{good}\n[splits.US]\nsilt = \"10%\"\n")).expect("write");
    w.expect("error", |b| b.contains("E0302"));
    assert!(
        w.next_build()
            .starts_with("not built: the catalogue has errors")
    );
    edit(&single, "(Remaster)", "(2025 Remaster)");
    w.expect("edit with errors", |b| b.contains("E0302"));
    assert!(w.next_build().starts_with("not built"));
    std::fs::write(&brackish, good).expect("write");
    w.expect("fixed", |b| b.contains("no problems"));
    let built = w.next_build();
    assert!(built.starts_with("built 3 of 52 packages"), "{built}");

    let fresh = dir.path().join("fresh");
    let o = crate::build::build_at(dir.path(), &cat, &fresh, "1735689600");
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The manifests differ only in `sources`: watch --build leaves the tables (and what they
    // were compiled from) to the next `sleeve build`.
    let without_manifest = |t: String| -> String {
        t.lines()
            .filter(|l| !l.starts_with(".sleeve-build.json "))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    assert_eq!(
        without_manifest(crate::build::tree(&out)),
        without_manifest(crate::build::tree(&fresh)),
        "watch --build differs from a fresh build"
    );
    let manifest = |dir: &std::path::Path| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(".sleeve-build.json")).expect("manifest");
        let mut m: serde_json::Value = serde_json::from_str(&text).expect("manifest JSON");
        m.as_object_mut().expect("object").remove("sources");
        m
    };
    assert_eq!(manifest(&out), manifest(&fresh));
}

#[test]
fn one_shot_check_and_build_ask_a_running_watch() {
    let (dir, cat, out) = crate::support::example("watch-serve");
    let (cat_arg, out_arg) = (cat.to_string_lossy(), out.to_string_lossy());
    // The watch waits 5 s of quiet before it checks on its own: what the answers below
    // show, they show because the question made it catch up at once.
    let w = Watch::start(
        &cat,
        &["--build", "--out", &out_arg, "--debounce-ms", "5000"],
    );
    w.expect("first check", |b| {
        b.contains("checked 77 files: no problems")
    });
    assert!(w.next_build().starts_with("built 52 of 52 packages"));
    let answering = w.next_build();
    assert!(
        answering.starts_with("answering `sleeve check` and `sleeve build` on"),
        "{answering}"
    );
    let run = |args: &[&str]| crate::support::sleeve_at(dir.path(), args, "1735689600");
    let same = |asked: &crate::support::Output, alone: &crate::support::Output| {
        assert_eq!(asked.code, alone.code, "{}\n{}", asked.stderr, alone.stderr);
        assert_eq!(asked.stdout, alone.stdout);
        assert_eq!(asked.stderr, alone.stderr);
    };

    // An edit saved just before asking is in the answer.
    let single = cat.join("releases/night-bus.toml");
    edit(&single, "title = \"Night Bus\"", "title = \"NIGHT BUS\"");
    let asked = run(&["check", &cat_arg]);
    w.expect("check after the edit", |b| {
        b.contains("1 parsed, 76 unchanged")
    });
    assert!(w.next_build().starts_with("built 3 of 52 packages"));
    assert!(w.next_build().starts_with("answered `sleeve check` ("));
    assert!(asked.stderr.contains("W0409"), "{}", asked.stderr);
    same(&asked, &run(&["check", &cat_arg, "--no-watch"]));
    for extra in [
        &["--format", "json"][..],
        &["--format", "github"],
        &["--deny", "warnings"],
    ] {
        let asked = run(&[&["check", &cat_arg][..], extra].concat());
        assert!(w.next_build().starts_with("answered `sleeve check`"));
        same(
            &asked,
            &run(&[&["check", &cat_arg, "--no-watch"][..], extra].concat()),
        );
    }

    // `build` answers with the output up to date. A title is not in the rate table, so the
    // tables are as compiled, and the output is the one a fresh build writes, byte for byte.
    let asked = run(&["build", &cat_arg, "--out", &out_arg]);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    assert!(w.next_build().starts_with("answered `sleeve build`"));
    assert!(
        asked.stderr.ends_with(&format!(
            "built 52 packages for 4 DSPs (0 takedowns) in `{out_arg}`: 0 written, 52 unchanged\n"
        )),
        "{}",
        asked.stderr
    );
    let fresh = |name: &str| {
        let fresh = dir.path().join(name);
        // Another output folder: the watch does not answer, the command builds itself.
        let o = crate::build::build_at(dir.path(), &cat, &fresh, "1735689600");
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert_eq!(
            crate::build::tree(&out),
            crate::build::tree(&fresh),
            "{name}"
        );
    };
    fresh("fresh-1");

    // The output folder is not watched: a package deleted by hand is built again, as
    // `sleeve build` by itself would.
    std::fs::remove_dir_all(out.join("spotify/5060987600049")).expect("rm");
    let asked = run(&["build", &cat_arg, "--out", &out_arg]);
    assert!(w.next_build().starts_with("answered `sleeve build`"));
    assert!(
        asked.stderr.contains(": 1 written, 51 unchanged"),
        "{}",
        asked.stderr
    );
    fresh("fresh-1b");

    // A split is in the rate table: the answer compiles it again.
    let brackish = cat.join("recordings/brackish.toml");
    let good = std::fs::read_to_string(&brackish).expect("read");
    std::fs::write(&brackish, format!("{good}\n[splits.US]\nsilt = \"100%\"\n")).expect("write");
    let asked = run(&["build", &cat_arg, "--out", &out_arg, "--format", "json"]);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    // JSON Lines: the diagnostics (the capitals warning), then the summary.
    let last = asked.stdout.lines().last().unwrap_or_default();
    let summary: serde_json::Value = serde_json::from_str(last).expect("JSON");
    assert!(
        summary["written"].as_u64().is_some_and(|n| n > 0),
        "{summary}"
    );
    w.expect("split edit", |b| b.contains("1 parsed, 76 unchanged"));
    assert!(w.next_build().starts_with("built "));
    assert!(w.next_build().starts_with("answered `sleeve build`"));
    fresh("fresh-2");

    // Errors: the same diagnostics and failure as the command's own.
    std::fs::write(&brackish, format!("{good}\n[splits.US]\nsilt = \"10%\"\n")).expect("write");
    let asked = run(&["build", &cat_arg, "--out", &out_arg]);
    assert!(asked.stderr.contains("E0302"), "{}", asked.stderr);
    w.expect("error", |b| b.contains("E0302"));
    assert!(w.next_build().starts_with("not built"));
    assert!(w.next_build().starts_with("answered `sleeve build`"));
    let alone = run(&["build", &cat_arg, "--out", &out_arg, "--no-watch"]);
    same(&asked, &alone);

    // A watch that is gone leaves its socket; the commands run by themselves.
    drop(w);
    assert!(cat.join(".sleeve-cache/watch.sock").exists());
    same(&run(&["check", &cat_arg]), &alone_check(&run, &cat_arg));
}

fn alone_check(
    run: &impl Fn(&[&str]) -> crate::support::Output,
    cat: &str,
) -> crate::support::Output {
    run(&["check", cat, "--no-watch"])
}

/// Batch deliveries go into a folder named by the build's time: on the real clock each build
/// moves every package of a batch DSP into the new batch, with its marker, and a watch's build
/// does the same.
#[test]
fn watch_build_keeps_a_batch_whole_on_the_real_clock() {
    let (_dir, cat, out) = crate::support::example("watch-batch");
    let out_arg = out.to_string_lossy();
    let w = Watch::start_at(&cat, &["--build", "--out", &out_arg], None);
    w.expect("first check", |b| b.contains("checked 77 files"));
    assert!(w.next_build().starts_with("built 52 of 52 packages"));
    // The next second is another batch.
    std::thread::sleep(Duration::from_millis(1100));
    let single = cat.join("releases/night-bus.toml");
    edit(
        &single,
        "title = \"Night Bus\"",
        "title = \"Night Bus (Live)\"",
    );
    w.expect("edit", |b| b.contains("checked 77 files"));
    let built = w.next_build();
    assert!(built.starts_with("built "), "{built}");
    let batches: Vec<_> = std::fs::read_dir(out.join("deezer"))
        .expect("deezer")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(batches.len(), 1, "{batches:?}");
    let batch = &batches[0];
    let name = batch
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        batch.join(format!("BatchComplete_{name}.xml")).is_file(),
        "{name}: no marker"
    );
    let packages = std::fs::read_dir(batch)
        .expect("batch")
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(packages, 13, "{name}");
}

/// A watch that is stopped (Ctrl-Z) does not acknowledge: commands run by themselves after
/// two seconds, and a new watch of the catalogue takes over its socket.
#[test]
fn a_stopped_watch_is_passed_over() {
    let dir = catalogue();
    let first = Watch::start(dir.path(), &[]);
    first.expect("first check", clean);
    assert!(
        first
            .next_build()
            .starts_with("answering `sleeve check` on")
    );
    let signal = |sig: &str, pid: u32| {
        let s = Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .expect("kill");
        assert!(s.success());
    };
    signal("-STOP", first.child.id());
    let start = Instant::now();
    let o = crate::support::sleeve(dir.path(), &["check", "."]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("checked 4 files: no problems"),
        "{}",
        o.stderr
    );
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    let second = Watch::start(dir.path(), &[]);
    second.expect("second watch", clean);
    assert!(
        second
            .next_build()
            .starts_with("answering `sleeve check` on")
    );
    let o = crate::support::sleeve(dir.path(), &["check", "."]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(second.next_build().starts_with("answered `sleeve check`"));
    // And a third watch leaves the socket to the second.
    let third = Watch::start(dir.path(), &[]);
    third.expect("third watch", clean);
    let line = third.next_build();
    assert!(
        line.starts_with("not answering `sleeve check`: another `sleeve watch` answers"),
        "{line}"
    );
    signal("-CONT", first.child.id());
    // Resumed, it does not run the question whose command gave up on it.
    std::thread::sleep(Duration::from_millis(1000));
    while let Ok(line) = first.lines.try_recv() {
        assert!(!line.starts_with("answered"), "{line}");
    }
}

/// Media no file-system event can name (here in a hidden folder) keep what was read of them
/// across unrelated edits, and are looked at again before a question is answered.
#[test]
fn unwatched_media_are_looked_at_before_an_answer() {
    let (dir, cat, out) = crate::support::example("watch-hidden-media");
    std::fs::create_dir_all(cat.join(".masters")).expect("mkdir");
    let hidden = cat.join(".masters/vinterljus.flac");
    std::fs::rename(cat.join("assets/audio/vinterljus.flac"), &hidden).expect("move");
    edit(
        &cat.join("recordings/vinterljus.toml"),
        "../assets/audio/vinterljus.flac",
        "../.masters/vinterljus.flac",
    );
    let (cat_arg, out_arg) = (cat.to_string_lossy(), out.to_string_lossy());
    let w = Watch::start(&cat, &["--build", "--out", &out_arg]);
    w.expect("first check", |b| {
        b.contains("checked 77 files: no problems")
    });
    assert!(w.next_build().starts_with("built 52 of 52 packages"));
    let run = |args: &[&str]| crate::support::sleeve_at(dir.path(), args, "1735689600");
    // An unrelated edit, checked and built.
    edit(
        &cat.join("releases/night-bus.toml"),
        "title = \"Night Bus\"",
        "title = \"Night Bus (Live)\"",
    );
    w.expect("edit", |b| b.contains("1 parsed, 76 unchanged"));
    assert!(w.next_build().starts_with("built 3 of 52 packages"));
    // The answered build still knows the hidden file: a package of its release deleted by
    // hand is built again whole.
    std::fs::remove_dir_all(out.join("spotify/5060987600094")).expect("rm");
    let asked = run(&["build", &cat_arg, "--out", &out_arg]);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    let fresh = dir.path().join("fresh");
    let o = crate::build::build_at(dir.path(), &cat, &fresh, "1735689600");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(crate::build::tree(&out), crate::build::tree(&fresh));
    // The hidden file broken: the answer says so, as the command by itself does.
    std::fs::write(&hidden, b"not a flac at all").expect("write");
    let asked = run(&["check", &cat_arg]);
    let alone = run(&["check", &cat_arg, "--no-watch"]);
    assert_eq!(asked.code, 1, "{}", asked.stderr);
    assert_eq!((asked.code, &asked.stderr), (alone.code, &alone.stderr));
}

/// `sleeve` with `args` in `cwd` on the fixed clock, as at a terminal: a build that finds no
/// watch starts one in the background (`SLEEVE_BACKGROUND_WATCH=1` stands for the terminal).
fn at_terminal(cwd: &Path, args: &[&str]) -> crate::support::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sleeve"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .env("SLEEVE_BACKGROUND_WATCH", "1")
        .env_remove("SLEEVE_NO_WATCH")
        .output()
        .expect("run sleeve");
    crate::support::Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Stops the background watch of a catalogue when the test ends, passed or failed.
struct StopWatch<'a>(&'a Path);

impl Drop for StopWatch<'_> {
    fn drop(&mut self) {
        let _ = at_terminal(self.0, &["watch", "--stop", "."]);
    }
}

/// Wait until `done` holds, or fail saying `what`.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + STEP_TIMEOUT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn build_at_a_terminal_starts_a_background_watch_that_answers_the_next_builds() {
    let (dir, cat, out) = crate::support::example("watch-background");
    let _stop = StopWatch(&cat);
    let socket = cat.join(".sleeve-cache/watch.sock");
    let log = cat.join(".sleeve-cache/watch.log");
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let saves = |n: usize| {
        wait_until(&format!("{n} builds after saves"), || {
            read_log().matches("built 3 of 52 packages").count() >= n
        });
    };
    let build = ["build", ".", "--out", "../out"];
    let single = cat.join("releases/night-bus.toml");

    // Off a terminal (CI, scripts, the other tests), a build starts nothing.
    let alone = crate::support::sleeve(&cat, &build);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    assert!(!socket.exists() && !log.exists(), "{}", alone.stderr);
    std::fs::remove_dir_all(&out).expect("rm out");

    // A log grown past 1 MB by earlier watches is set aside as `watch.log.1`.
    let old_log = "earlier watch\n".repeat(80_000);
    std::fs::create_dir_all(cat.join(".sleeve-cache")).expect("mkdir");
    std::fs::write(&log, &old_log).expect("write log");

    // At a terminal: built here, then a watch is started, which finds the output up to date.
    let first = at_terminal(&cat, &build);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains(
            "built 52 packages for 4 DSPs (0 takedowns) in `../out`: 52 written, 0 unchanged\n\
             started a background `sleeve watch --build` (process "
        ),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("`sleeve watch --stop .`"));
    wait_until("the watch answers", || {
        read_log().contains("answering `sleeve")
    });
    assert!(
        read_log().contains("built 0 of 52 packages"),
        "{}",
        read_log()
    );
    assert!(!read_log().contains("earlier watch"));
    let set_aside = std::fs::read_to_string(cat.join(".sleeve-cache/watch.log.1"));
    assert_eq!(set_aside.ok().as_deref(), Some(old_log.as_str()));

    // An edit, rebuilt by the watch on save; the next build reports those packages as
    // written, as the one-shot build it stands for would have, and leaves the same output.
    edit(&single, "title = \"Night Bus\"", "title = \"NIGHT BUS\"");
    saves(1);
    let asked = at_terminal(&cat, &build);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    assert!(
        asked
            .stderr
            .ends_with("in `../out`: 3 written, 49 unchanged\n"),
        "{}",
        asked.stderr
    );
    assert!(!asked.stderr.contains("started"), "{}", asked.stderr);
    // Logged right after the answer is sent: the command may end first.
    wait_until("the watch logs its answer", || {
        read_log().contains("answered `sleeve build`")
    });
    let fresh = dir.path().join("fresh");
    let o = crate::build::build_at(dir.path(), &cat, &fresh, "1735689600");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(crate::build::tree(&out), crate::build::tree(&fresh));
    // The log holds summaries, not diagnostics (the answers show those).
    assert!(asked.stderr.contains("W0409"), "{}", asked.stderr);
    assert!(!read_log().contains("W0409"), "{}", read_log());

    // Edited and edited back, saved twice: nothing a one-shot build would write.
    edit(&single, "title = \"NIGHT BUS\"", "title = \"Night Bus\"");
    saves(2);
    edit(&single, "title = \"Night Bus\"", "title = \"NIGHT BUS\"");
    saves(3);
    let asked = at_terminal(&cat, &build);
    assert!(
        asked.stderr.ends_with(": 0 written, 52 unchanged\n"),
        "{}",
        asked.stderr
    );
    // A package deleted by hand is built again, and counted.
    std::fs::remove_dir_all(out.join("spotify/5060987600049")).expect("rm");
    let asked = at_terminal(&cat, &build);
    assert!(
        asked.stderr.ends_with(": 1 written, 51 unchanged\n"),
        "{}",
        asked.stderr
    );
    assert_eq!(crate::build::tree(&out), crate::build::tree(&fresh));

    // `sleeve check` is answered too.
    let check = at_terminal(&cat, &["check", "."]);
    let alone = crate::support::sleeve(&cat, &["check", ".", "--no-watch"]);
    assert_eq!(check.stderr, alone.stderr);
    // Logged right after the answer is sent: the command may end first.
    wait_until("the watch logs its answer", || {
        read_log().contains("answered `sleeve check`")
    });

    // A watch started by hand takes over: the background one stops, removing its socket,
    // and never builds into the same folder beside it.
    let w = Watch::start(&cat, &["--build", "--out", "../out"]);
    w.expect("first check", |b| b.contains("checked 77 files"));
    assert!(w.next_build().starts_with("built 0 of 52 packages"));
    let answering = w.next_build();
    assert!(
        answering.starts_with("answering `sleeve check` and"),
        "{answering}"
    );
    assert!(
        read_log().ends_with("stopping: asked to (`sleeve watch --stop`)\n"),
        "{}",
        read_log()
    );
    // `--stop` stops it in turn (a watch in a terminal too); it removes its socket.
    let stopped = at_terminal(&cat, &["watch", "--stop", "."]);
    assert_eq!(
        (stopped.code, stopped.stderr.as_str()),
        (0, "stopped the watch of `.`\n")
    );
    wait_until("the socket is removed", || !socket.exists());
    let again = at_terminal(&cat, &["watch", "--stop", "."]);
    assert_eq!(again.stderr, "no watch runs for `.`\n");
}

/// `sleeve watch . --background` in `cwd` with `extra` arguments, on the fixed clock, its
/// log on a pipe.
fn background_watch(cwd: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sleeve"))
        .args(["watch", ".", "--background"])
        .args(extra)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sleeve watch")
}

/// Wait until `child` (a [`background_watch`]) stops by itself, calling `meanwhile` now and
/// then; its log. A watch that does not stop within the step timeout fails the test.
fn log_when_stopped(mut child: Child, meanwhile: &dyn Fn()) -> String {
    let deadline = Instant::now() + STEP_TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the watch did not stop");
        }
        meanwhile();
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut log)
        .expect("read");
    log
}

#[test]
fn a_background_watch_stops_when_unused_or_asked_by_a_newer_sleeve() {
    let dir = catalogue();
    let socket = dir.path().join(".sleeve-cache/watch.sock");
    let start = |extra: &[&str]| background_watch(dir.path(), extra);

    // Unused for its idle time (3 hours; 2 s here): it stops, and removes its socket. Files
    // read meanwhile (an editor opening them) change nothing, and do not keep it going.
    let started = Instant::now();
    let recording = dir.path().join("recordings/night-bus.toml");
    let log = log_when_stopped(start(&["--idle-secs", "2"]), &|| {
        let _ = std::fs::read(&recording);
    });
    assert!(
        log.ends_with("stopping: no change and no question for 2 s\n"),
        "{log}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(!socket.exists());

    // Asked by a newer Sleeve binary (an upgrade): it says it cannot answer (the command
    // runs by itself), and stops, so that the next build starts a watch of the new one. An
    // older binary is refused the same way, and the watch goes on.
    let child = start(&[]);
    wait_until("the watch listens", || socket.exists());
    let ask = |binary: &str| {
        let mut stream = std::os::unix::net::UnixStream::connect(&socket).expect("connect");
        let question = format!(
            r#"{{"binary":"{binary}","command":{{"check":{{"deny_warnings":false}}}},"root":".","format":"human","color":false,"epoch":null}}"#
        );
        std::io::Write::write_all(&mut stream, format!("{question}\n").as_bytes()).expect("ask");
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).expect("answer");
        assert!(answer.starts_with("{\"ack\":true}\n"), "{answer}");
        assert!(answer.contains("another Sleeve binary"), "{answer}");
    };
    ask("0.0.0/serve-2/1-1");
    ask(&format!("9.9.9/serve-2/1-{}", u128::MAX));
    let log = log_when_stopped(child, &|| {});
    assert!(log.contains("checked 4 files: no problems"), "{log}");
    assert!(
        log.ends_with("stopping: a newer Sleeve binary asked\n"),
        "{log}"
    );
    assert!(!socket.exists());
}

/// A background watch does not build unasked over an output another build wrote, nor go on
/// once it can no longer be asked (its socket deleted with `.sleeve-cache/`): it stops at
/// the next save, before it builds anything.
#[test]
fn a_background_watch_stops_rather_than_build_over_another_build() {
    let (dir, cat, out) = crate::support::example("watch-background-stops");
    let single = cat.join("releases/night-bus.toml");
    let start = || background_watch(&cat, &["--build", "--out", "../out"]);
    let socket = cat.join(".sleeve-cache/watch.sock");
    let stopped = |child: Child| log_when_stopped(child, &|| {});

    // Another build (`--copy`) writes the output: after the next save the watch stops, and
    // the output is that build's, not rebuilt with links.
    let child = start();
    wait_until("the watch listens", || socket.exists());
    // Answered once its first check and build are done.
    let check = crate::support::sleeve(&cat, &["check", "."]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let copy = crate::support::sleeve(&cat, &["build", ".", "--out", "../out", "--copy"]);
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    let copied = crate::build::tree(&out);
    edit(
        &single,
        "title = \"Night Bus\"",
        "title = \"Night Bus (Live)\"",
    );
    let log = stopped(child);
    assert!(log.contains("answered `sleeve check`"), "{log}");
    assert!(
        log.ends_with("stopping: the output changed on disk (another build wrote it)\n"),
        "{log}"
    );
    assert_eq!(crate::build::tree(&out), copied);
    assert!(!socket.exists());

    // `.sleeve-cache/` deleted: the watch can no longer be asked or stopped, so it stops.
    let child = start();
    wait_until("the watch listens", || socket.exists());
    std::fs::remove_dir_all(cat.join(".sleeve-cache")).expect("rm cache");
    edit(
        &single,
        "title = \"Night Bus (Live)\"",
        "title = \"Night Bus\"",
    );
    let log = stopped(child);
    assert!(log.ends_with("stopping: its socket is gone\n"), "{log}");
    assert!(dir.path().join("out").exists());
}

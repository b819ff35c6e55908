//! `plan` / `apply` / `log` / `force-unlock` on a copy of catalog-example in a real, fresh git
//! repository, with the folder transport.

use crate::cli::tempdir::Dir;
use crate::support::{Output, repo_root, sleeve_at};
use std::path::Path;
use std::process::Command;

const EPOCH: &str = "1764028800";

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let p = e.path();
        let name = e.file_name();
        // Build output, and the media store other tests may be writing right now.
        if name == "out" || name == ".sleeve-cache" {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).expect("copy");
        }
    }
}

pub fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git must be installed");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// catalog-example in a fresh repository, committed; the catalogue is the repository root.
pub fn repo_with_catalogue(tag: &str) -> Dir {
    let dir = Dir::new(tag);
    copy_dir(&repo_root().join("catalog-example"), dir.path());
    std::fs::write(dir.path().join(".gitignore"), "out/\nstatements/\n").expect("write");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "catalogue"]);
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    sleeve_at(dir, args, EPOCH)
}

fn delivered_xml(dir: &Path) -> Vec<String> {
    crate::support::files_under(&dir.join("out/deliveries"))
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|x| x == "xml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("BatchComplete"))
        })
        .map(|p| p.display().to_string())
        .collect()
}

/// The JSON plan, checked against the published contract `schemas/plan.schema.json`.
fn plan_json(dir: &Path) -> serde_json::Value {
    let o = run(dir, &["plan", ".", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let plan: serde_json::Value = serde_json::from_str(&o.stdout).expect("plan json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/plan.schema.json")).expect("schema"),
    )
    .expect("schema json");
    let validator = jsonschema::draft7::new(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "plan does not match its schema: {errors:?}"
    );
    plan
}

#[test]
fn plan_apply_plan_is_empty_and_edits_plan_exactly() {
    let dir = repo_with_catalogue("deliver");
    let d = dir.path();

    let o = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("52 to deliver"), "{}", o.stdout);
    // First deliveries of releases dated in the past (without an original release date).
    assert!(o.stderr.contains("W0412 release-date-past"), "{}", o.stderr);
    assert!(
        !o.stderr.contains("`harbour-lights-deluxe` is delivered"),
        "{}",
        o.stderr
    );

    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(delivered_xml(d).len(), 52);

    let o = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("no changes"), "{}", o.stdout);
    assert!(!o.stderr.contains("W0412"), "{}", o.stderr);

    // Applying again without changes is a no-op.
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0);
    assert_eq!(delivered_xml(d).len(), 52);

    // One title edit: one update per DSP that carries the release, with the field diff.
    let rel = d.join("releases/harbour-lights.toml");
    let text = std::fs::read_to_string(&rel).expect("read");
    std::fs::write(
        &rel,
        text.replacen(
            "title = \"Harbour Lights\"",
            "title = \"Harbour Lights (Remastered)\"",
            1,
        ),
    )
    .expect("write");
    let plan = plan_json(d);
    let changes = plan["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 4, "{plan:#}");
    for c in changes {
        assert_eq!(c["action"], "update");
        assert_eq!(c["release"], "harbour-lights");
        assert_eq!(c["fields"][0]["field"], "title");
        assert_eq!(c["fields"][0]["before"], "Harbour Lights");
        assert_eq!(c["fields"][0]["after"], "Harbour Lights (Remastered)");
    }
    let o = run(d, &["plan", ".", "--format", "markdown"]);
    assert!(
        o.stdout.contains("| `~` | spotify | harbour-lights |"),
        "{}",
        o.stdout
    );

    // Saved plan: applied once, then a no-op; stale once the catalogue changes.
    let o = run(d, &["plan", ".", "--out", "plan.json"]);
    assert_eq!(o.code, 0);
    let o = run(d, &["apply", ".", "plan.json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(d, &["apply", ".", "plan.json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("already applied"), "{}", o.stderr);
    let o = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(o.code, 0, "{}", o.stdout);

    // Ending a deal takes the release down at that DSP.
    let rel = d.join("releases/night-bus.toml");
    let text = std::fs::read_to_string(&rel).expect("read");
    assert!(text.contains("[[deal]]"));
    let ended = text.replacen("[[deal]]\n", "[[deal]]\nend = 2025-10-31\n", 1);
    std::fs::write(&rel, ended).expect("write");
    let o = run(d, &["plan", ".", "--out", "plan2.json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let plan = plan_json(d);
    let changes = plan["changes"].as_array().expect("changes");
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| c["action"] == "takedown" && c["release"] == "night-bus"),
        "{plan:#}"
    );

    // A stale saved plan is refused.
    std::fs::write(&rel, text).expect("write");
    let o = run(d, &["apply", ".", "plan2.json"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("E0503] stale-plan"), "{}", o.stderr);

    // The log lists the deliveries, newest first (batch completions among them).
    let o = run(d, &["log", "."]);
    assert!(o.stdout.lines().count() >= 56, "{}", o.stdout);
    assert!(!o.stdout.contains("in flight"), "{}", o.stdout);
    let first_delivery = o
        .stdout
        .lines()
        .find(|l| !l.contains(" batch "))
        .unwrap_or_default();
    assert!(first_delivery.contains("harbour-lights"), "{}", o.stdout);
}

#[test]
fn removed_dsp_is_taken_down_and_removed_release_is_purged() {
    let dir = repo_with_catalogue("deliver-remove");
    let d = dir.path();
    assert_eq!(run(d, &["apply", ".", "--yes"]).code, 0);
    // Drop JOOX from monsoon-letters' deals and delete estuary from the catalogue.
    let rel = d.join("releases/harbour-sound/monsoon-letters.toml");
    let text = std::fs::read_to_string(&rel).expect("read");
    assert!(text.contains("[\"spotify\", \"joox\"]"), "{text}");
    std::fs::write(
        &rel,
        text.replace("[\"spotify\", \"joox\"]", "[\"spotify\"]"),
    )
    .expect("write");
    std::fs::remove_file(d.join("releases/estuary.toml")).expect("remove");
    let plan = plan_json(d);
    let changes = plan["changes"].as_array().expect("changes");
    let find = |dsp: &str, rel: &str| {
        changes
            .iter()
            .find(|c| c["dsp"] == dsp && c["release"] == rel)
    };
    assert_eq!(
        find("joox", "monsoon-letters").expect("takedown")["action"],
        "takedown"
    );
    assert!(find("spotify", "monsoon-letters").is_none(), "{plan:#}");
    assert_eq!(find("deezer", "estuary").expect("purge")["action"], "purge");
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let purge = delivered_xml(d)
        .into_iter()
        .filter(|p| p.contains("5060987600087"))
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .find(|t| t.contains("PurgeReleaseMessage"))
        .expect("a purge message was delivered");
    assert!(purge.contains("<ICPN>5060987600087</ICPN>"));
    assert_eq!(run(d, &["plan", ".", "--detailed-exitcode"]).code, 0);
}

#[test]
fn lock_outside_git_and_corrupt_state_are_diagnostics() {
    let dir = repo_with_catalogue("deliver-lock");
    let d = dir.path();
    // A held lock refuses apply, naming the holder; force-unlock clears it.
    let blob = Command::new("git")
        .args(["hash-object", "-w", "--stdin"])
        .current_dir(d)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(br#"{"holder":"ci@runner (pid 42)","since":"2025-11-25T00:00:00Z"}"#)?;
            c.wait_with_output()
        })
        .expect("git hash-object");
    let oid = String::from_utf8_lossy(&blob.stdout).trim().to_string();
    git(d, &["update-ref", "refs/sleeve/lock/root", &oid]);
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("E0507] state-locked") && o.stderr.contains("ci@runner"),
        "{}",
        o.stderr
    );
    let o = run(d, &["force-unlock", "."]);
    assert_eq!(o.code, 0);
    assert!(o.stderr.contains("warning"), "{}", o.stderr);
    assert_eq!(run(d, &["apply", ".", "--yes"]).code, 0);

    // A process killed while git wrote the state ref leaves git's lock file: apply says so,
    // and force-unlock removes it.
    let git_lock = d.join(".git/refs/sleeve/state/root.lock");
    std::fs::write(&git_lock, "").expect("write");
    let rel = d.join("releases/night-bus.toml");
    let text = std::fs::read_to_string(&rel).expect("read");
    std::fs::write(&rel, text.replacen("title = \"", "title = \"The ", 1)).expect("write");
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("lock file") && o.stderr.contains("force-unlock"),
        "{}",
        o.stderr
    );
    assert_eq!(run(d, &["force-unlock", "."]).code, 0);
    assert!(!git_lock.exists());
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // A hand-edited state ref is reported, not trusted.
    git(d, &["update-ref", "refs/sleeve/state/root", &oid]);
    let o = run(d, &["plan", "."]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("E0502] state-corrupt"), "{}", o.stderr);

    // Outside any repository.
    let plain = Dir::new("deliver-nogit");
    copy_dir(&repo_root().join("catalog-example"), plain.path());
    let o = run(plain.path(), &["plan", "."]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("E0501] not-a-repository") && o.stderr.contains("git init"),
        "{}",
        o.stderr
    );
}

/// A DSP's rejection (a DDEX acknowledgement in its inbox) shows in `plan` as an update with
/// the DSP's reason; `apply` records it and redelivers; an acceptance changes nothing.
#[test]
fn acknowledgements_reject_and_accept() {
    let dir = repo_with_catalogue("deliver-ack");
    let d = dir.path();
    assert_eq!(run(d, &["apply", ".", "--yes"]).code, 0);
    let sent = |dsp: &str, upc: &str| -> String {
        let xml = delivered_xml(d)
            .into_iter()
            .rfind(|p| p.contains(&format!("/{dsp}/")) && p.ends_with(&format!("{upc}.xml")))
            .expect("delivered");
        let text = std::fs::read_to_string(xml).expect("read");
        let start = text.find("<MessageId>").expect("id") + "<MessageId>".len();
        let end = text[start..].find('<').expect("end") + start;
        text[start..end].to_string()
    };
    let rejected = sent("spotify", "0840000000019");
    let accepted = sent("apple-music", "0840000000019");
    // A no-op plan relies on the apply's fingerprint until an input changes: an
    // acknowledgement arriving in an inbox is such an input.
    for _ in 0..2 {
        let o = run(d, &["plan", ".", "--detailed-exitcode"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let inbox = d.join("out/deliveries/spotify/acknowledgements");
    std::fs::create_dir_all(&inbox).expect("mkdir");
    std::fs::write(
        inbox.join(format!("ACK_{rejected}_20251125.xml")),
        format!(
            "<echo:AcknowledgementMessage xmlns:echo=\"http://ddex.net/xml/echo/17\">\
             <Acknowledgement><MessageId>{rejected}</MessageId>\
             <MessageStatus>ResourceMissing</MessageStatus>\
             <ErrorText>cover art was not delivered</ErrorText></Acknowledgement>\
             </echo:AcknowledgementMessage>"
        ),
    )
    .expect("write");
    let apple = d.join("out/deliveries/apple-music/acknowledgements");
    std::fs::create_dir_all(&apple).expect("mkdir");
    std::fs::write(
        apple.join("status.json"),
        format!("{{\"message_id\": \"{accepted}\", \"status\": \"accepted\"}}"),
    )
    .expect("write");

    let plan = plan_json(d);
    let changes = plan["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{plan:#}");
    assert_eq!(changes[0]["dsp"], "spotify");
    assert_eq!(changes[0]["action"], "update");
    assert!(
        changes[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("ResourceMissing") && r.contains("cover art")),
        "{plan:#}"
    );
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(run(d, &["plan", ".", "--detailed-exitcode"]).code, 0);
    let o = run(d, &["log", "."]);
    assert!(
        o.stdout.contains("acknowledgements: 2 deliveries"),
        "{}",
        o.stdout
    );
}

/// A no-op plan is replayed from a cache in the git directory while nothing it depends on
/// changed; an edit, a touched asset, another day or a new delivery makes it plan again.
#[test]
fn no_op_plan_is_replayed_until_an_input_changes() {
    let dir = repo_with_catalogue("plan-cache");
    let d = dir.path();
    assert_eq!(run(d, &["apply", ".", "--yes"]).code, 0);
    // Uncommitted work that changes no message: the plan cannot rely on the apply's
    // fingerprint (`fingerprint.rs`), and the cache is what helps.
    let label = d.join("sleeve.toml");
    let text = std::fs::read_to_string(&label).expect("read");
    std::fs::write(&label, text + "\n# draft\n").expect("write");
    let cache = d.join(".git/sleeve/plan-refs_sleeve_state_root.json");
    let first = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("no changes"), "{}", first.stdout);
    let written = std::fs::metadata(&cache)
        .and_then(|m| m.modified())
        .expect("cache written");
    let again = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(
        (again.code, &again.stdout, &again.stderr),
        (0, &first.stdout, &first.stderr)
    );
    assert_eq!(
        std::fs::metadata(&cache)
            .and_then(|m| m.modified())
            .expect("cache"),
        written,
        "a replay does not rewrite the cache"
    );
    // An edit: planned again, with the change.
    let release = d.join("releases/night-bus.toml");
    let text = std::fs::read_to_string(&release).expect("read");
    std::fs::write(
        &release,
        text.replace("title = \"Night Bus\"", "title = \"Night Bus (Live)\""),
    )
    .expect("write");
    let edited = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(edited.code, 2, "{}{}", edited.stdout, edited.stderr);
    assert!(
        edited.stdout.contains("Night Bus (Live)"),
        "{}",
        edited.stdout
    );
    std::fs::write(&release, &text).expect("restore");
    assert_eq!(run(d, &["plan", ".", "--detailed-exitcode"]).code, 0);
    // An audio file replaced (new modification time): planned again, still no changes.
    let audio = crate::support::files_under(&d.join("assets/audio"))
        .into_iter()
        .next()
        .expect("an audio file");
    let bytes = std::fs::read(&audio).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&audio, &bytes).expect("rewrite");
    let before = std::fs::metadata(&cache)
        .and_then(|m| m.modified())
        .expect("cache");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(run(d, &["plan", ".", "--detailed-exitcode"]).code, 0);
    assert_ne!(
        std::fs::metadata(&cache)
            .and_then(|m| m.modified())
            .expect("cache"),
        before
    );
    // Another day: the plan is made again (deal and release dates are days): either it finds
    // changes, or it writes a new cache entry.
    let before = std::fs::metadata(&cache)
        .and_then(|m| m.modified())
        .expect("cache");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let later = crate::support::sleeve_at(d, &["plan", ".", "--detailed-exitcode"], "1795000000");
    assert_ne!(later.code, 1, "{}", later.stderr);
    let rewritten = std::fs::metadata(&cache)
        .and_then(|m| m.modified())
        .expect("cache")
        != before;
    assert!(later.code == 2 || rewritten, "{}", later.stdout);
}

/// `apply` before any `build`, then `build` twice: the folder transport's drops under
/// `out/deliveries` survive every build, and the plan stays empty.
#[test]
fn build_keeps_what_apply_delivered_under_out() {
    let dir = repo_with_catalogue("build-keeps");
    let d = dir.path();
    assert_eq!(run(d, &["apply", ".", "--yes"]).code, 0);
    let delivered = delivered_xml(d).len();
    assert!(delivered >= 40, "{delivered}");
    for _ in 0..2 {
        let o = run(d, &["build", "."]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert_eq!(delivered_xml(d).len(), delivered);
        assert!(d.join("out/rates/rates.csv").exists());
    }
    let o = run(d, &["plan", ".", "--detailed-exitcode"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // What a build wrote is still replaced: a stray package folder of a removed DSP goes.
    std::fs::create_dir_all(d.join("out/old-dsp")).expect("mkdir");
    let marker = std::fs::read_to_string(d.join("out/.sleeve-build")).expect("marker");
    std::fs::write(d.join("out/.sleeve-build"), marker + "wrote: old-dsp\n").expect("write");
    assert_eq!(run(d, &["build", "."]).code, 0);
    assert!(!d.join("out/old-dsp").exists());
    assert_eq!(delivered_xml(d).len(), delivered);
}

/// A full disk: the folder transport's target is a 256 KiB tmpfs (mounted for the test; the
/// tests run as root, as CI does). Apply fails with a clear message, leaves no partial file
/// under its final name, the state stays readable, and the next apply resumes.
#[test]
fn full_disk_is_a_clear_error_and_resumable() {
    let dir = repo_with_catalogue("deliver-full");
    let d = dir.path();
    let target = d.join("tiny");
    std::fs::create_dir_all(&target).expect("mkdir");
    let mount = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&target)
        .output()
        .expect("mount must be available (tests run as root in CI)");
    assert!(
        mount.status.success(),
        "mount tmpfs: {}",
        String::from_utf8_lossy(&mount.stderr)
    );
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).output();
        }
    }
    let guard = Unmount(target.clone());
    let profile = d.join("dsps/spotify.toml");
    let text = std::fs::read_to_string(&profile).expect("read");
    let start = text.find("path = ").expect("path");
    let end = text[start..].find('\n').expect("eol") + start;
    let moved = format!(
        "{}path = \"{}\"{}",
        &text[..start],
        target.display(),
        &text[end..]
    );
    std::fs::write(&profile, moved).expect("write");
    git(d, &["commit", "-qam", "spotify on a small disk"]);

    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("E0512] delivery-failed") && o.stderr.contains("No space left on device"),
        "{}",
        o.stderr
    );
    // Nothing half-written under a final name: only `.part` files may be left.
    let files = crate::support::files_under(&target);
    for f in &files {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        if name.ends_with(".xml") && !name.starts_with('.') {
            let text = std::fs::read_to_string(f).expect("read");
            assert!(
                text.trim_end().ends_with("</ern:NewReleaseMessage>"),
                "a message under its final name is incomplete: {}",
                f.display()
            );
        }
    }
    // The state is consistent: plan works and still proposes the Spotify deliveries.
    let plan = plan_json(d);
    assert!(
        plan["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["dsp"] == "spotify"),
        "{plan:#}"
    );
    // With room again, apply resumes and finishes.
    drop(guard);
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(run(d, &["plan", ".", "--detailed-exitcode"]).code, 0);
}

/// A DSP on ERN 3.8.2 gets 3.8.2 through `apply`: first deliveries as `OriginalMessage`,
/// then an update and a takedown (a `TakeDown` deal) as `UpdateMessage`, every message valid
/// against the official 3.8.2 XSD.
#[test]
fn ern_382_dsp_gets_original_update_and_takedown_messages() {
    let dir = repo_with_catalogue("deliver-382");
    let d = dir.path();
    let profile = d.join("dsps/joox.toml");
    let text = std::fs::read_to_string(&profile).expect("read");
    std::fs::write(&profile, text.replace("ern = \"4.3\"", "ern = \"3.8.2\"")).expect("write");
    git(d, &["commit", "-qam", "joox takes ERN 3.8.2"]);
    let joox = |d: &Path| -> Vec<(String, String)> {
        delivered_xml(d)
            .into_iter()
            .filter(|p| p.contains("/joox/"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("read");
                (p, text)
            })
            .collect()
    };
    let lint = |files: &[(String, String)]| {
        let xsd = repo_root().join("../shared/ddex/xsd/ern-3.8.2/release-notification.xsd");
        let o = Command::new("xmllint")
            .args(["--nonet", "--noout", "--schema"])
            .arg(&xsd)
            .args(files.iter().map(|(p, _)| p))
            .output()
            .expect("xmllint must be installed");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = joox(d);
    assert!(first.len() >= 5, "{first:?}");
    lint(&first);
    for (p, text) in &first {
        assert!(
            text.contains("xmlns:ern=\"http://ddex.net/xml/ern/382\""),
            "{p}"
        );
        assert!(
            text.contains("<UpdateIndicator>OriginalMessage</UpdateIndicator>"),
            "{p}"
        );
    }

    // JOOX dropped from monsoon-letters' deals: a takedown, sent as an update.
    let rel = d.join("releases/harbour-sound/monsoon-letters.toml");
    let text = std::fs::read_to_string(&rel).expect("read");
    std::fs::write(
        &rel,
        text.replace("[\"spotify\", \"joox\"]", "[\"spotify\"]"),
    )
    .expect("write");
    let o = run(d, &["apply", ".", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let all = joox(d);
    lint(&all);
    let takedowns: Vec<&(String, String)> = all
        .iter()
        .filter(|(_, t)| t.contains("<TakeDown>true</TakeDown>"))
        .collect();
    assert_eq!(takedowns.len(), 1, "{all:?}");
    assert!(
        takedowns[0]
            .1
            .contains("<UpdateIndicator>UpdateMessage</UpdateIndicator>")
    );
    assert!(
        !takedowns[0].1.contains("<Usage>"),
        "a takedown has no live deal"
    );
}

//! The plan fingerprint: a plan in a fresh clone, made as CI makes it (`git clone`, fetch
//! `refs/sleeve/*`, `sleeve plan`), relies on what the last `apply` recorded in the delivered
//! state, and plans in full as soon as anything a plan reads may differ.
//!
//! Which way a plan went is read from the hidden `--timings` line; every plan that relied on
//! the fingerprint is also compared with what the full plan says.

use crate::cli::tempdir::Dir;
use crate::deliver::{git, repo_with_catalogue};
use crate::support::{Output, sleeve_at};
use std::path::Path;
use std::process::Command;

/// 2025-11-25, the day every apply here runs.
const EPOCH: &str = "1764028800";
const DAY: i64 = 86_400;
const STATE: &str = "refs/sleeve/state/root";
const USED: &str = "fingerprint used: no changes since the last apply";

fn epoch(days_later: i64) -> String {
    (EPOCH.parse::<i64>().expect("epoch") + days_later * DAY).to_string()
}

fn plan_at(dir: &Path, epoch: &str, extra: &[&str]) -> Output {
    let mut args = vec!["plan", ".", "--detailed-exitcode", "--timings"];
    args.extend_from_slice(extra);
    sleeve_at(dir, &args, epoch)
}

fn plan(dir: &Path) -> Output {
    plan_at(dir, EPOCH, &[])
}

/// The plan relied on the fingerprint and found no changes.
fn assert_used(o: &Output) {
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(USED), "{}", o.stderr);
}

/// The plan did not rely on the fingerprint, for the reason `why` (it checked the catalogue,
/// or replayed the local cache of a plan that did).
fn assert_not_used(o: &Output, why: &str) {
    assert!(
        o.stderr.contains(&format!("fingerprint not used: {why}")),
        "expected `{why}`:\n{}",
        o.stderr
    );
}

/// catalog-example committed in a fresh repository and applied.
fn applied(tag: &str) -> Dir {
    let origin = repo_with_catalogue(tag);
    let o = sleeve_at(origin.path(), &["apply", ".", "--yes"], EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("no plan fingerprint"), "{}", o.stderr);
    origin
}

/// A clone of `origin` as CI makes it: `git clone`, then the delivered state.
fn ci_clone(origin: &Path, tag: &str) -> Dir {
    let dir = Dir::new(tag);
    let from = origin.to_string_lossy().into_owned();
    git(dir.path(), &["clone", "-q", &from, "."]);
    git(
        dir.path(),
        &["fetch", "-q", "origin", "+refs/sleeve/*:refs/sleeve/*"],
    );
    dir
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git must be installed");
    assert!(o.status.success(), "git {args:?}");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The state file `name` at the tip of the state ref.
fn state_file(dir: &Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&git_out(dir, &["show", &format!("{STATE}:{name}")])).expect("json")
}

/// One more commit on the state ref whose tree has `files` written over the tip's.
fn restate(dir: &Path, files: &[(&str, Vec<u8>)]) {
    let repo = git2::Repository::open(dir).expect("repository");
    let tip = repo
        .find_reference(STATE)
        .and_then(|r| r.peel_to_commit())
        .expect("state");
    let mut update = git2::build::TreeUpdateBuilder::new();
    for (name, bytes) in files {
        update.upsert(*name, repo.blob(bytes).expect("blob"), git2::FileMode::Blob);
    }
    let tree = update
        .create_updated(&repo, &tip.tree().expect("tree"))
        .and_then(|t| repo.find_tree(t))
        .expect("tree");
    let sig = git2::Signature::now("t", "t@example.org").expect("signature");
    repo.commit(Some(STATE), &sig, &sig, "edited", &tree, &[&tip])
        .expect("commit");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{}: {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// In a fresh clone the first plan relies on the fingerprint and prints exactly what the full
/// plan prints; files the plan never reads do not matter; a `.toml` file that is untracked or
/// ignored, an edit (uncommitted, staged or committed) make it plan in full.
#[test]
fn plan_in_a_fresh_clone_relies_on_the_fingerprint_until_the_catalogue_differs() {
    let origin = applied("fp-origin");
    let clone = ci_clone(origin.path(), "fp-clone");
    let c = clone.path();

    let o = plan(c);
    assert_used(&o);
    assert_eq!(
        o.stdout,
        "no changes: every DSP has what the catalogue says\n"
    );
    // The check did not run: a full plan without changes leaves its cache in `.git/sleeve`.
    assert!(!c.join(".git/sleeve").exists());
    // Each format prints what the full plan prints. On the day before the apply the
    // fingerprint is not valid yet, and nothing else a plan shows depends on the day.
    for format in ["human", "json", "markdown"] {
        let short = plan_at(c, EPOCH, &["--format", format]);
        assert_used(&short);
        let full = plan_at(c, &epoch(-1), &["--format", format]);
        assert_not_used(
            &full,
            "valid from 2025-11-25 until 2026-12-11, today is 2025-11-24",
        );
        assert_eq!((short.code, &short.stdout), (full.code, &full.stdout));
    }
    let json: serde_json::Value =
        serde_json::from_str(&plan_at(c, EPOCH, &["--format", "json"]).stdout).expect("json");
    assert_eq!(json["serial"], state_file(c, "meta.json")["serial"]);
    assert_eq!(json["changes"], serde_json::json!([]));

    // Files a plan never reads: an untracked note, a committed README, a hidden file.
    std::fs::write(c.join("notes.txt"), "call the distributor").expect("write");
    std::fs::write(c.join("releases/.DS_Store"), "junk").expect("write");
    std::fs::write(c.join("README.md"), "# The catalogue\n").expect("write");
    git(c, &["add", "README.md"]);
    git(c, &["commit", "-qm", "readme"]);
    assert_used(&plan(c));

    // A new `.toml` file, untracked: the check reads it (an unused party is a warning).
    let party = c.join("parties/new-artist.toml");
    std::fs::write(&party, "name = \"New Artist\"\nkind = \"person\"\n").expect("write");
    let o = plan(c);
    assert_not_used(&o, "`parties/new-artist.toml` differs from HEAD");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("W0213"), "{}", o.stderr);
    // Ignored, it is read all the same.
    std::fs::write(c.join(".git/info/exclude"), "new-artist.toml\n").expect("write");
    assert_eq!(
        git_out(c, &["status", "--porcelain", "--", "parties"]),
        "",
        "the party is ignored"
    );
    let o = plan(c);
    assert_not_used(&o, "`parties/new-artist.toml` differs from HEAD");
    assert!(o.stderr.contains("W0213"), "{}", o.stderr);
    std::fs::remove_file(&party).expect("remove");
    assert_used(&plan(c));

    // A title edited, not committed: the update is planned.
    let release = c.join("releases/harbour-lights.toml");
    edit(
        &release,
        "title = \"Harbour Lights\"",
        "title = \"Harbour Lights (Remastered)\"",
    );
    let o = plan(c);
    assert_not_used(&o, "`releases/harbour-lights.toml` differs from HEAD");
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("Harbour Lights (Remastered)"),
        "{}",
        o.stdout
    );
    // Staged.
    git(c, &["add", "releases/harbour-lights.toml"]);
    let o = plan(c);
    assert_not_used(&o, "`releases/harbour-lights.toml` differs from HEAD");
    assert_eq!(o.code, 2, "{}", o.stdout);
    // Committed: the work tree is clean, HEAD is not what was delivered.
    git(c, &["commit", "-qm", "remaster"]);
    let o = plan(c);
    assert_not_used(&o, "the catalogue in HEAD differs from the one delivered");
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stdout.contains("~ update harbour-lights")
            && o.stdout
                .contains("title: \"Harbour Lights\" → \"Harbour Lights (Remastered)\""),
        "{}",
        o.stdout
    );
    // Back to what was delivered.
    git(c, &["reset", "-q", "--hard", "HEAD~1"]);
    assert_used(&plan(c));
    // An asset replaced, uncommitted: its content is the plan's input.
    let art = c.join("assets/artwork/night-bus.jpg");
    let mut bytes = std::fs::read(&art).expect("read");
    bytes.push(0);
    std::fs::write(&art, bytes).expect("write");
    assert_not_used(&plan(c), "`assets/artwork/night-bus.jpg` differs from HEAD");
}

/// The fingerprint holds until the first day a deal as delivered ends (here the pre-order
/// window of `winter-office`, released 2026-12-11), and while the DSPs' inboxes hold what
/// they held when the apply read them.
#[test]
fn plan_fingerprint_ends_with_its_validity_and_with_new_acknowledgements() {
    let origin = applied("fp-days-origin");
    let clone = ci_clone(origin.path(), "fp-days-clone");
    let c = clone.path();
    let fingerprint = state_file(c, "fingerprint.json");
    assert_eq!(fingerprint["day"], "2025-11-25");
    assert_eq!(fingerprint["valid_until"], "2026-12-11");

    let eve = 1_796_860_800; // 2026-12-10
    assert_used(&plan_at(c, &eve.to_string(), &[]));
    let o = plan_at(c, &(eve + DAY).to_string(), &[]);
    assert_not_used(
        &o,
        "valid from 2025-11-25 until 2026-12-11, today is 2026-12-11",
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);

    // An empty inbox is no acknowledgement.
    let inbox = c.join("out/deliveries/spotify/acknowledgements");
    std::fs::create_dir_all(&inbox).expect("mkdir");
    assert_used(&plan(c));
    // A rejection arrives: planned in full, the release is proposed again with the reason.
    let snapshot = state_file(c, "snapshot.json");
    let sent = snapshot
        .as_array()
        .expect("deliveries")
        .iter()
        .find(|d| d["dsp"] == "spotify")
        .expect("a spotify delivery");
    let id = sent["message_id"].as_str().expect("message id");
    std::fs::write(
        inbox.join(format!("ACK_{id}_20251126.xml")),
        format!(
            "<echo:AcknowledgementMessage xmlns:echo=\"http://ddex.net/xml/echo/17\">\
             <Acknowledgement><MessageId>{id}</MessageId>\
             <MessageStatus>ResourceMissing</MessageStatus>\
             <ErrorText>cover art was not delivered</ErrorText></Acknowledgement>\
             </echo:AcknowledgementMessage>"
        ),
    )
    .expect("write");
    let o = plan(c);
    assert_not_used(
        &o,
        "the acknowledgements in `out/deliveries/spotify/acknowledgements` changed",
    );
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("~ update")
            && o.stdout.contains("rejected by the DSP")
            && o.stdout.contains("ResourceMissing"),
        "{}",
        o.stdout
    );
}

/// A state written after the fingerprint, or a fingerprint edited by hand, is not relied on.
#[test]
fn plan_fingerprint_is_not_trusted_once_the_state_moved_or_it_was_edited() {
    let origin = applied("fp-edit-origin");
    let clone = ci_clone(origin.path(), "fp-edit-clone");
    let c = clone.path();
    let tip = git_out(c, &["rev-parse", STATE]);
    let fingerprint = git_out(c, &["show", &format!("{STATE}:fingerprint.json")]);
    assert_used(&plan(c));

    // A later write of the state (a higher serial) that did not record a fingerprint.
    let mut meta = state_file(c, "meta.json");
    let serial = meta["serial"].as_u64().expect("serial");
    meta["serial"] = (serial + 1).into();
    restate(c, &[("meta.json", meta.to_string().into_bytes())]);
    let o = plan(c);
    assert_not_used(
        &o,
        &format!(
            "recorded at state serial {serial}, the state is at {}",
            serial + 1
        ),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);

    // Edited by hand: a longer validity, a different catalogue, or not JSON at all.
    let edits = [
        fingerprint.replace("\"valid_until\": \"2026-12-11\"", "\"valid_until\": null"),
        fingerprint.replace("\"path\": \"\"", "\"path\": \"\", \"extra\": 1"),
        fingerprint.replacen("\"inputs\": \"", "\"inputs\": \"0", 1),
        fingerprint[..fingerprint.len() / 2].to_string(),
    ];
    for edited in edits {
        assert_ne!(edited, fingerprint);
        git(c, &["update-ref", STATE, &tip]);
        restate(c, &[("fingerprint.json", edited.into_bytes())]);
        let o = plan(c);
        assert_not_used(&o, "the fingerprint is unreadable or was edited");
        assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    }
    git(c, &["update-ref", STATE, &tip]);
    assert_used(&plan(c));
}

/// An apply with nothing to deliver records the fingerprint when the state has none for the
/// catalogue (one bookkeeping commit, not in `sleeve log`), and writes nothing when it has;
/// an apply whose catalogue is not HEAD's, or whose check warns, records none and says why.
#[test]
fn apply_without_changes_records_the_fingerprint_once() {
    let origin = applied("fp-noop");
    let d = origin.path();
    // A comment committed: the catalogue differs from the one delivered, no message does.
    edit(
        &d.join("releases/night-bus.toml"),
        "title = ",
        "# Reissued in 2026.\ntitle = ",
    );
    git(d, &["commit", "-qam", "comment"]);
    let o = plan(d);
    assert_not_used(&o, "the catalogue in HEAD differs from the one delivered");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);

    let log = sleeve_at(d, &["log", "."], EPOCH).stdout;
    let before = git_out(d, &["rev-parse", STATE]);
    let o = sleeve_at(d, &["apply", ".", "--yes"], EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("no plan fingerprint"), "{}", o.stderr);
    let after = git_out(d, &["rev-parse", STATE]);
    assert_eq!(
        git_out(d, &["rev-parse", &format!("{after}~1")]),
        before,
        "one commit"
    );
    assert_eq!(sleeve_at(d, &["log", "."], EPOCH).stdout, log);
    let clone = ci_clone(d, "fp-noop-clone");
    assert_used(&plan(clone.path()));
    // Again: the fingerprint stands, nothing is written.
    assert_eq!(sleeve_at(d, &["apply", ".", "--yes"], EPOCH).code, 0);
    assert_eq!(git_out(d, &["rev-parse", STATE]), after);

    // Uncommitted work: nothing recorded, and the apply says why.
    std::fs::write(d.join("notes.toml"), "").expect("write");
    let o = sleeve_at(d, &["apply", ".", "--yes"], epoch(1).as_str());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("no plan fingerprint recorded (the check reported warnings"),
        "{}",
        o.stderr
    );
    std::fs::remove_file(d.join("notes.toml")).expect("remove");
    edit(
        &d.join("releases/night-bus.toml"),
        "# Reissued in 2026.",
        "# Reissued in 2027.",
    );
    let o = sleeve_at(d, &["apply", ".", "--yes"], epoch(1).as_str());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("no plan fingerprint recorded (`releases/night-bus.toml` differs from HEAD)"),
        "{}",
        o.stderr
    );
    assert_eq!(git_out(d, &["rev-parse", STATE]), after);
}

/// A catalogue in a folder of a larger repository: what lies outside that folder is not the
/// catalogue's, even a `.toml` file; inside, an untracked one is.
#[test]
fn plan_fingerprint_of_a_catalogue_in_a_subfolder() {
    let origin = Dir::new("fp-sub-origin");
    let o = origin.path();
    crate::deliver::copy_dir(
        &crate::support::repo_root().join("catalog-example"),
        &o.join("label"),
    );
    std::fs::write(o.join(".gitignore"), "out/\n").expect("write");
    std::fs::create_dir_all(o.join("tools")).expect("mkdir");
    std::fs::write(o.join("tools/config.toml"), "x = 1\n").expect("write");
    git(o, &["init", "-q", "-b", "main"]);
    git(o, &["add", "-A"]);
    git(o, &["commit", "-qm", "label"]);
    let a = sleeve_at(o, &["apply", "label", "--yes"], EPOCH);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let clone = ci_clone(o, "fp-sub-clone");
    let c = clone.path();
    let plan = |c: &Path| {
        sleeve_at(
            c,
            &["plan", "label", "--detailed-exitcode", "--timings"],
            EPOCH,
        )
    };
    assert_used(&plan(c));
    std::fs::write(c.join("tools/local.toml"), "y = 2\n").expect("write");
    std::fs::write(c.join("labels.toml"), "z = 3\n").expect("write");
    assert_used(&plan(c));
    std::fs::write(
        c.join("label/parties/new-artist.toml"),
        "name = \"New\"\nkind = \"person\"\n",
    )
    .expect("write");
    assert_not_used(&plan(c), "`parties/new-artist.toml` differs from HEAD");
}

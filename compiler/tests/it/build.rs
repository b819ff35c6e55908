//! `sleeve build` on catalog-example: every message XSD-valid (one real `xmllint` call),
//! byte-identical across runs, and the chosen messages equal to `golden/build/`.

use crate::cli::tempdir::Dir;
use crate::support::{compare_file, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixed clock: 2025-11-25T00:00:00Z.
const EPOCH: &str = "1764028800";

fn build(out: &Path) -> crate::support::Output {
    build_at(&repo_root(), Path::new("catalog-example"), out, EPOCH)
}

/// `sleeve build CAT --out OUT` run in `cwd` with the clock at `epoch`.
pub fn build_at(cwd: &Path, cat: &Path, out: &Path, epoch: &str) -> crate::support::Output {
    let args = [
        std::ffi::OsStr::new("build"),
        cat.as_os_str(),
        std::ffi::OsStr::new("--out"),
        out.as_os_str(),
    ];
    crate::support::sleeve_at(cwd, &args, epoch)
}

/// `path size md5` of every file, one per line.
pub fn tree(dir: &Path) -> String {
    crate::support::files_under(dir)
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("read");
            format!(
                "{} {} {}\n",
                p.strip_prefix(dir).expect("under").display(),
                bytes.len(),
                sleeve::media::md5_hex(&bytes)
            )
        })
        .collect()
}

/// Validate every message under `out` (not the batch markers) with one `xmllint` call
/// against the official XSD in `../shared/ddex/xsd/<version>/`.
fn lint_messages(out: &Path, version: &str) {
    let all = crate::support::files_under(out);
    let xml: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("BatchComplete_"))
        })
        .collect();
    assert!(xml.len() >= 40, "only {} messages", xml.len());
    let xsd = repo_root().join(format!(
        "../shared/ddex/xsd/{version}/release-notification.xsd"
    ));
    let lint = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(&xsd)
        .args(&xml)
        .output()
        .expect("xmllint must be installed (libxml2-utils); .ci/run installs it");
    let report = String::from_utf8_lossy(&lint.stderr);
    assert!(
        lint.status.success(),
        "{version} validation failed:\n{report}"
    );
    assert_eq!(report.matches(" validates").count(), xml.len(), "{report}");
}

#[test]
fn builds_valid_deterministic_packages() {
    let a = Dir::new("build-a");
    let b = Dir::new("build-b");
    let out_a = a.path().join("out");
    let out_b = b.path().join("out");
    let ra = build(&out_a);
    assert_eq!(ra.code, 0, "{}", ra.stderr);
    let rb = build(&out_b);
    assert_eq!(rb.code, 0, "{}", rb.stderr);
    let tree_a = tree(&out_a);
    assert_eq!(tree_a, tree(&out_b), "two builds of one catalogue differ");

    // Every DSP gets packages; the batch DSP gets its completion marker.
    for dsp in ["apple-music", "deezer", "joox", "spotify"] {
        assert!(out_a.join(dsp).is_dir(), "no packages for {dsp}");
    }
    assert!(
        tree_a.contains("BatchComplete_20251125000000000.xml"),
        "{tree_a}"
    );

    // One xmllint call over every message.
    lint_messages(&out_a, "ern-4.3");

    // The tree listing and the chosen messages are golden.
    let golden = repo_root().join("golden/build/catalog-example");
    let mut failures = Vec::new();
    if let Some(d) = compare_file(&golden.join("tree.txt"), &tree_a) {
        failures.push(d);
    }
    for (case, file) in [
        ("album", "spotify/0840000000019/0840000000019.xml"),
        (
            "multi-disc-reissue",
            "spotify/5060987600025/5060987600025.xml",
        ),
        ("single", "spotify/5060987600049/5060987600049.xml"),
        (
            "various-artists-compilation",
            "spotify/5060987600100/5060987600100.xml",
        ),
        (
            "territory-limited-south-east-asia",
            "joox/5061234500020/5061234500020.xml",
        ),
        (
            "takedown-ended-deal",
            "deezer/20251125000000000/5060987600087/5060987600087.xml",
        ),
        (
            "white-label-client",
            "spotify/5061234500013/5061234500013.xml",
        ),
        (
            "worldwide-except-group",
            "spotify/5060987600094/5060987600094.xml",
        ),
    ] {
        let actual = std::fs::read_to_string(out_a.join(file)).expect("built message");
        if let Some(d) = compare_file(&golden.join(format!("{case}.xml")), &actual) {
            failures.push(d);
        }
    }
    // The compiled rate table and statement configurations royalties will apply.
    for file in [
        "rates/rates.csv",
        "statements/the-lantern-choir.json",
        "statements/juno-okafor.json",
        "statements/harbour-sound-collective.json",
    ] {
        let actual = std::fs::read_to_string(out_a.join(file)).expect("rate table");
        if let Some(d) = compare_file(&golden.join(file), &actual) {
            failures.push(d);
        }
    }
    // One format of the rate table: the CSV (golden above).
    assert!(!out_a.join("rates/rates.json").exists());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn build_refuses_a_catalogue_with_errors_and_leaves_no_output() {
    let dir = Dir::new("build-bad");
    dir.write(
        "sleeve.toml",
        "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"XXX\"\n",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_sleeve"))
        .args(["build", "."])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("E0310"));
    assert!(!dir.path().join("out").exists());
}

/// The writers for what `plan` will send: a takedown (the release restated without deals)
/// and a `PurgeReleaseMessage`; both must validate against the XSD.
#[test]
fn takedown_and_purge_messages_validate() {
    let root = repo_root().join("catalog-example");
    let world = sleeve::cli::system_world::SystemWorld::new(root);
    let checked = sleeve::check_catalogue(&world);
    assert!(!checked.diagnostics.has_errors());
    let label = checked.catalogue.label.as_ref().expect("label");
    let lowering = sleeve::lower::Lowering {
        cat: &checked.catalogue,
        label,
        media: &checked.media,
        now: 1_764_028_800,
        sequence: 0,
    };
    let rel = checked
        .catalogue
        .releases
        .get("harbour-lights")
        .expect("release");
    let dsp = checked.catalogue.dsps.get("spotify").expect("dsp");
    let mut takedown = lowering.takedown(rel, dsp);
    assert!(takedown.body.deals.is_empty());
    takedown.header.update = true;
    let mut purge = lowering.message(rel, dsp).expect("message");
    purge.kind = sleeve::message::Kind::Purge;
    let dir = Dir::new("purge");
    let a = dir.path().join("takedown.xml");
    let b = dir.path().join("purge.xml");
    // In every ERN version Sleeve writes, each against its official XSD.
    use sleeve::syntax::dsp::ErnVersion;
    for (version, xsd) in [
        (ErnVersion::Ern43, "ern-4.3"),
        (ErnVersion::Ern432, "ern-4.3.2"),
        (ErnVersion::Ern382, "ern-3.8.2"),
    ] {
        let takedown_xml =
            String::from_utf8(sleeve::ddex::write(&takedown, version)).expect("utf-8");
        if version == ErnVersion::Ern382 {
            // ERN 3: a `TakeDown` deal for every release of the message, as an update.
            assert!(takedown_xml.contains("<UpdateIndicator>UpdateMessage</UpdateIndicator>"));
            let releases = takedown_xml.matches("<ReleaseReference>").count();
            assert_eq!(
                takedown_xml.matches("<TakeDown>true</TakeDown>").count(),
                releases
            );
        } else {
            assert!(!takedown_xml.contains("<DealList>"));
        }
        std::fs::write(&a, takedown_xml).expect("write");
        std::fs::write(&b, sleeve::ddex::write(&purge, version)).expect("write");
        let xsd = repo_root().join(format!("../shared/ddex/xsd/{xsd}/release-notification.xsd"));
        let lint = Command::new("xmllint")
            .args(["--nonet", "--noout", "--schema"])
            .arg(&xsd)
            .args([&a, &b])
            .output()
            .expect("xmllint must be installed");
        assert!(
            lint.status.success(),
            "{xsd:?}: {}",
            String::from_utf8_lossy(&lint.stderr)
        );
    }
    let purge_text = std::fs::read_to_string(&b).expect("read");
    assert!(purge_text.contains("<ern:PurgeReleaseMessage"));
    assert!(purge_text.contains("<ICPN>0840000000019</ICPN>"));
}

/// `--out` never destroys the catalogue or a folder Sleeve did not write.
#[test]
fn build_refuses_dangerous_output_folders() {
    let dir = Dir::new("build-out");
    dir.write(
        "cat/sleeve.toml",
        "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n",
    );
    dir.write("precious/notes.txt", "keep me");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sleeve"))
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run")
    };
    for out in ["cat", ".", "precious"] {
        let o = run(&["build", "cat", "--out", out]);
        assert_eq!(o.status.code(), Some(1), "--out {out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("choose another `--out`"));
    }
    assert!(dir.path().join("cat/sleeve.toml").exists());
    assert!(dir.path().join("precious/notes.txt").exists());
    // Its own output may be replaced, again and again.
    assert_eq!(
        run(&["build", "cat", "--out", "built"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["build", "cat", "--out", "built"]).status.code(),
        Some(0)
    );
    assert!(dir.path().join("built/.sleeve-build").exists());
}

/// The inode of a file: unchanged when a rebuild kept it.
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).expect("metadata").ino()
}

/// A rebuild keeps the packages whose inputs did not change, rewrites the others, removes
/// what is no longer built, and ends with the output a fresh build gives, byte for byte.
#[test]
fn rebuild_rewrites_only_what_changed_and_equals_a_fresh_build() {
    let dir = Dir::new("rebuild");
    let cat = dir.path().join("cat");
    crate::deliver::copy_dir(&repo_root().join("catalog-example"), &cat);
    let out = dir.path().join("out");
    let build = |cat: &Path, out: &Path| {
        let o = build_at(dir.path(), cat, out, EPOCH);
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stderr
    };
    let first = build(&cat, &out);
    assert!(first.contains(": 52 written, 0 unchanged"), "{first}");
    let kept = out.join("spotify/0840000000019/0840000000019.xml");
    let edited = out.join("spotify/5060987600049/5060987600049.xml");
    let rates = out.join("rates/rates.csv");
    let (kept_ino, edited_ino, rates_ino) = (inode(&kept), inode(&edited), inode(&rates));

    // One release retitled: its packages are rebuilt, nothing else is written.
    let single = cat.join("releases/night-bus.toml");
    let text = std::fs::read_to_string(&single).expect("read");
    let retitled = text.replace("title = \"Night Bus\"", "title = \"Night Bus (Remaster)\"");
    std::fs::write(&single, retitled).expect("write");
    let second = build(&cat, &out);
    assert!(second.contains(": 3 written, 49 unchanged"), "{second}");
    assert_eq!(inode(&kept), kept_ino, "an unchanged package was rewritten");
    assert_ne!(
        inode(&edited),
        edited_ino,
        "the edited release was not rebuilt"
    );
    assert!(
        std::fs::read_to_string(&edited)
            .expect("read")
            .contains("Night Bus (Remaster)"),
        "the rebuilt package has the new title"
    );
    assert_eq!(
        inode(&rates),
        rates_ino,
        "the unchanged rate table was rewritten"
    );
    // Nor is it compiled again: a title is not among what it is compiled from, which the
    // manifest records.
    let compiled_from = || -> String {
        let text = std::fs::read_to_string(out.join(".sleeve-build.json")).expect("manifest");
        let m: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        m["tables_from"].as_str().expect("tables_from").to_string()
    };
    let from = compiled_from();
    let text = std::fs::read_to_string(&single).expect("read");
    std::fs::write(&single, text.replace("(Remaster)", "(2025 Remaster)")).expect("write");
    build(&cat, &out);
    assert_eq!(
        compiled_from(),
        from,
        "a title changed what the tables are compiled from"
    );
    let brackish = cat.join("recordings/brackish.toml");
    let text = std::fs::read_to_string(&brackish).expect("read");
    std::fs::write(&brackish, format!("{text}\n[splits.US]\nsilt = \"100%\"\n")).expect("write");
    build(&cat, &out);
    assert!(
        std::fs::read_to_string(&rates)
            .expect("read")
            .contains("GBNJR2400006,brackish,US,"),
        "a new split did not reach the rate table"
    );
    assert_ne!(compiled_from(), from);

    // A release deleted: its packages and resources go, and the rate table is rewritten.
    std::fs::remove_file(cat.join("releases/winter-office.toml")).expect("rm");
    build(&cat, &out);
    assert!(!out.join("spotify/5060987600070").exists());
    assert!(!out.join(".resources/5060987600070").exists());

    // Nothing changed: nothing is written. Tables deleted by hand are written again.
    let rates_ino = inode(&rates);
    let again = build(&cat, &out);
    assert!(again.contains(": 0 written, 48 unchanged"), "{again}");
    assert_eq!(inode(&rates), rates_ino, "the rate table was rewritten");
    std::fs::remove_dir_all(out.join("rates")).expect("rm rates");
    std::fs::remove_dir_all(out.join("statements")).expect("rm statements");
    build(&cat, &out);
    assert!(rates.is_file(), "deleted tables were not written again");

    let fresh = dir.path().join("fresh");
    build(&cat, &fresh);
    assert_eq!(
        tree(&out),
        tree(&fresh),
        "a rebuild differs from a fresh build"
    );
    assert!(!tree(&out).contains(".sleeve-stage"), "staging left behind");
}

/// Profiles asking for ERN 4.3.2 get it: every message of catalog-example validates against
/// the official 4.3.2 XSD (one xmllint call), and the album is golden.
#[test]
fn ern_432_profiles_get_valid_432_messages() {
    profiles_get_valid_messages("4.3.2", "http://ddex.net/xml/ern/432", |_| {});
}

/// Profiles asking for ERN 3.8.2 get it: every message of catalog-example validates against
/// the official 3.8.2 XSD (one xmllint call), and the album is golden. Two recordings get
/// language tags the 2016 list lacks as such (`pt-BR`, `yue`): still valid.
#[test]
fn ern_382_profiles_get_valid_382_messages() {
    profiles_get_valid_messages("3.8.2", "http://ddex.net/xml/ern/382", |cat| {
        for (file, tag) in [("glasshouse", "pt-BR"), ("night-bus", "yue")] {
            let p = cat.join(format!("recordings/{file}.toml"));
            let text = std::fs::read_to_string(&p).expect("read");
            assert!(text.contains("language = \"en\""), "{file}");
            let text = text.replace("language = \"en\"", &format!("language = \"{tag}\""));
            std::fs::write(&p, text).expect("write");
        }
    });
}

/// catalog-example with every DSP profile set to `ern = "<version>"` (and `edit` applied),
/// built: every message validates against that version's XSD, and the album equals
/// `golden/build/ern-<version>/album.xml`.
fn profiles_get_valid_messages(version: &str, namespace: &str, edit: impl Fn(&Path)) {
    let dir = Dir::new(&format!("ern{version}"));
    let cat = dir.path().join("cat");
    crate::deliver::copy_dir(&repo_root().join("catalog-example"), &cat);
    let _ = std::fs::remove_dir_all(cat.join("out"));
    for e in std::fs::read_dir(cat.join("dsps")).expect("dsps") {
        let p = e.expect("entry").path();
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains("ern = \"4.3\"\n"), "{}", p.display());
        let asked = format!("ern = \"{version}\"\n");
        std::fs::write(&p, text.replace("ern = \"4.3\"\n", &asked)).expect("write");
    }
    edit(&cat);
    let out = dir.path().join("out");
    let o = build_at(dir.path(), &cat, &out, EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    lint_messages(&out, &format!("ern-{version}"));
    let album = std::fs::read_to_string(out.join("spotify/0840000000019/0840000000019.xml"))
        .expect("album");
    assert!(album.contains(&format!("xmlns:ern=\"{namespace}\"")));
    let golden = repo_root().join(format!("golden/build/ern-{version}/album.xml"));
    if let Some(d) = compare_file(&golden, &album) {
        panic!("{d}");
    }
}

/// Resources that cannot be hard-linked from the catalogue (the output on another file
/// system, here tmpfs) are copied once per source file; the other releases using that file
/// link to the copy, so each source's bytes are on disk once, not once per release.
#[test]
fn resources_on_another_file_system_are_copied_once() {
    use std::os::unix::fs::MetadataExt;
    /// A folder on `/dev/shm`, removed at the end.
    struct Shm(PathBuf);
    impl Drop for Shm {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let shm = Path::new("/dev/shm");
    assert!(shm.is_dir(), "the test needs a tmpfs at /dev/shm");
    let dir = Shm(shm.join(format!("sleeve-test-links-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let out = dir.0.join("out");
    let catalogue_dev = std::fs::metadata(repo_root().join("catalog-example"))
        .expect("catalog-example")
        .dev();
    assert_ne!(
        std::fs::metadata(shm).expect("/dev/shm").dev(),
        catalogue_dev,
        "the output must be on another file system than the catalogue"
    );
    let r = build(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Files with equal content are one file (one inode), and none is the catalogue's.
    let mut by_content: std::collections::BTreeMap<String, std::collections::BTreeSet<u64>> =
        Default::default();
    let mut files = 0;
    for p in crate::support::files_under(&out.join(".resources")) {
        let meta = std::fs::metadata(&p).expect("metadata");
        assert_ne!(meta.dev(), catalogue_dev);
        let md5 = sleeve::media::md5_hex(&std::fs::read(&p).expect("read"));
        by_content.entry(md5).or_default().insert(meta.ino());
        files += 1;
    }
    assert!(
        files > by_content.len(),
        "catalog-example shares audio between releases: some sources must be used twice"
    );
    for (md5, inodes) in &by_content {
        assert_eq!(inodes.len(), 1, "{md5} is on disk {} times", inodes.len());
    }
    assert_eq!(tree(&out), tree_of_fresh_build());
}

/// The tree of catalog-example's build into a temporary folder beside the catalogue.
fn tree_of_fresh_build() -> String {
    let d = Dir::new("build-tree");
    let out = d.path().join("out");
    let r = build(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    tree(&out)
}

/// Media files are read once: `check` keeps what it learnt from each (MD5, size, format) in
/// `.sleeve-cache/media.json`, which git ignores, and a later run takes it from there while
/// the file's stamp (size, times, inode) is unchanged, also after `build` hard-linked it.
/// Shown by editing the kept MD5: the next build writes it; editing the file in place with its
/// modification time set back, or rewriting it, brings the real MD5 back.
#[test]
fn media_facts_are_kept_between_runs_until_a_file_changes() {
    let (dir, cat, out) = crate::support::example("media-cache");
    let o = build_at(dir.path(), &cat, &out, EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let store = cat.join(".sleeve-cache/media.json");
    let ignore = std::fs::read_to_string(cat.join(".sleeve-cache/.gitignore")).expect("ignore");
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    let real = "30e5fad936035596850cb12541562df7";
    let audio = "assets/audio/harbour-lights.flac";
    let text = std::fs::read_to_string(&store).expect("the media store is written");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let entry = &mut json["files"][audio];
    assert_eq!(entry["known"]["audio"]["md5"], real, "{text}");
    let fake = "0123456789abcdef0123456789abcdef";
    entry["known"]["audio"]["md5"] = fake.into();
    std::fs::write(&store, serde_json::to_vec(&json).expect("json")).expect("write");
    let message = out.join("spotify/0840000000019/0840000000019.xml");

    let again = dir.path().join("again");
    let o = build_at(dir.path(), &cat, &again, EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let xml = std::fs::read_to_string(again.join("spotify/0840000000019/0840000000019.xml"))
        .expect("message");
    assert!(xml.contains(fake), "the file was read again");
    assert!(
        std::fs::read_to_string(&message)
            .expect("first")
            .contains(real)
    );

    // Edited in place, same size, modification time set back (as tag editors may): the
    // change time still tells, so the file is read again.
    let wav = cat.join("assets/audio/low-tide-sessions-intro.wav");
    let before = std::fs::metadata(&wav)
        .expect("wav")
        .modified()
        .expect("mtime");
    let mut bytes = std::fs::read(&wav).expect("wav");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01; // one sample of PCM data
    {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&wav)
            .expect("open");
        f.write_all(&bytes).expect("write in place");
        f.set_modified(before).expect("set mtime back");
    }
    assert_eq!(
        std::fs::metadata(&wav)
            .expect("wav")
            .modified()
            .expect("mtime"),
        before
    );
    let edited = dir.path().join("edited");
    let o = build_at(dir.path(), &cat, &edited, EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let xml = std::fs::read_to_string(edited.join("spotify/5060987600100/5060987600100.xml"))
        .expect("message");
    let md5 = sleeve::media::md5_hex(&bytes);
    assert!(
        xml.contains(&md5),
        "the edited file's MD5 {md5} is not in the message"
    );

    // Same bytes, written anew: a new stamp, so the file is read again.
    let path = cat.join(audio);
    let bytes = std::fs::read(&path).expect("audio");
    std::fs::remove_file(&path).expect("rm");
    std::fs::write(&path, bytes).expect("write");
    let third = dir.path().join("third");
    let o = build_at(dir.path(), &cat, &third, EPOCH);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let xml = std::fs::read_to_string(third.join("spotify/0840000000019/0840000000019.xml"))
        .expect("message");
    assert!(xml.contains(real) && !xml.contains(fake));
}

/// The media store keeps only files the catalogue names: after a check of the whole
/// catalogue, what is kept of files no longer named is forgotten.
#[test]
fn media_store_forgets_files_the_catalogue_no_longer_names() {
    let (dir, cat, _out) = crate::support::example("media-prune");
    let check = || {
        let o = crate::support::sleeve_at(
            dir.path(),
            &[std::ffi::OsStr::new("check"), cat.as_os_str()],
            EPOCH,
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    check();
    // What killed saves left: removed once an hour old, a fresh one (a save under way) kept.
    let left = cat.join(".sleeve-cache/.media.json.tmp-4194999");
    let fresh = cat.join(".sleeve-cache/.media.json.tmp-4195000");
    for f in [&left, &fresh] {
        std::fs::write(f, "{").expect("write");
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&left)
        .and_then(|f| f.set_modified(two_hours_ago))
        .expect("set mtime");
    let store = cat.join(".sleeve-cache/media.json");
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&store).expect("store")).expect("JSON")
    };
    let mut json = read();
    let kept = json["files"].as_object().expect("files").len();
    let real = json["files"]["assets/audio/harbour-lights.flac"].clone();
    assert!(real.is_object(), "{json}");
    json["files"]["assets/audio/gone.flac"] = real;
    std::fs::write(&store, serde_json::to_vec(&json).expect("json")).expect("write");
    check();
    let json = read();
    let files = json["files"].as_object().expect("files");
    assert!(!files.contains_key("assets/audio/gone.flac"), "{json}");
    assert_eq!(files.len(), kept);
    assert!(
        !left.exists(),
        "a killed save's file an hour old is removed"
    );
    assert!(fresh.exists(), "a recent one may be a save under way");
}

//! The `sftp` transport against a real OpenSSH server on 127.0.0.1, started here: its own
//! host key, a chroot with a writable `incoming/`, and an sftp-only system user. The tests run
//! as root (CI and the dev container) to create that user and the root-owned chroot.

use crate::cli::tempdir::Dir;
use crate::support::repo_root;
use sleeve::deliver::sftp::Sftp;
use sleeve::deliver::{Content, OutFile, Transport};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const USER: &str = "sleeve-sftp";
const SSHD: &str = "/usr/sbin/sshd";
/// Fixed clocks: each apply gets its own, so a re-delivery lands in a new folder and shows.
const EPOCH_1: &str = "1735689600";
const EPOCH_2: &str = "1735693200";
const EPOCH_3: &str = "1735696800";

/// The tests share the system user (and its password): one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn require_openssh() {
    let has = |p: &str| {
        Command::new(p)
            .arg("-?")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    let missing: Vec<&str> = [SSHD, "sftp", "ssh", "ssh-keygen"]
        .into_iter()
        .filter(|p| !has(p))
        .collect();
    assert!(
        missing.is_empty(),
        "the sftp tests need OpenSSH ({} not found): `.ci/run` installs `openssh-server` and \
         `openssh-client` (or `apt-get install openssh-server openssh-client`)",
        missing.join(", ")
    );
}

fn ensure_user(password: &str) {
    let exists = Command::new("id")
        .args(["-u", USER])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !exists {
        run(Command::new("useradd").args([
            "--system",
            "--no-create-home",
            "--home-dir",
            "/",
            "--shell",
            "/usr/sbin/nologin",
            USER,
        ]));
    }
    // Also unlocks the account: with `UsePAM no`, sshd refuses a locked (`!`) one.
    let mut chpasswd = Command::new("chpasswd")
        .stdin(Stdio::piped())
        .spawn()
        .expect("run chpasswd");
    std::io::Write::write_all(
        chpasswd.stdin.as_mut().expect("stdin"),
        format!("{USER}:{password}\n").as_bytes(),
    )
    .expect("write to chpasswd");
    drop(chpasswd.stdin.take());
    assert!(
        chpasswd.wait().expect("chpasswd").success(),
        "chpasswd failed"
    );
}

fn keygen(path: &Path) {
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "sleeve-test", "-f"])
        .arg(path));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Every live descendant of `pid` (sshd forks a process or two per connection).
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(p) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces, so read after the last `)`.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|x| x.parse::<u32>().ok());
        if let Some(pp) = ppid {
            parent_of.push((p, pp));
        }
    }
    let mut out = vec![];
    let mut frontier = vec![pid];
    while let Some(x) = frontier.pop() {
        for (c, _) in parent_of.iter().filter(|(_, pp)| *pp == x) {
            out.push(*c);
            frontier.push(*c);
        }
    }
    out
}

fn sigkill(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// A running sshd. Dropping it kills it (and its sessions) and removes its chroot.
struct Server {
    dir: Dir,
    /// The chroot: root-owned, 755, every ancestor too (sshd insists), so not under /tmp.
    root: PathBuf,
    port: u16,
    child: Option<Child>,
    /// The client key sshd accepts.
    key: PathBuf,
    /// `[127.0.0.1]:port <host key>`.
    known_hosts: PathBuf,
    password: String,
}

impl Server {
    fn start(auth: &str) -> Server {
        require_openssh();
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let password = format!("pw-{}-{n}-Sl33ve", std::process::id());
        ensure_user(&password);
        let dir = Dir::new("sftp");
        let base = Path::new("/var/lib/sleeve-test-sftp");
        let root = base.join(format!("{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("incoming")).expect("mkdir chroot");
        for d in [base, &root] {
            run(Command::new("chmod").arg("755").arg(d));
        }
        run(Command::new("chown")
            .arg(format!("{USER}:"))
            .arg(root.join("incoming")));
        // sshd's privilege separation folder (absent when sshd never ran here).
        std::fs::create_dir_all("/run/sshd").expect("mkdir /run/sshd");
        let host_key = dir.path().join("host_ed25519");
        keygen(&host_key);
        let key = dir.path().join("client_ed25519");
        keygen(&key);
        std::fs::copy(
            key.with_extension("pub"),
            dir.path().join("authorized_keys"),
        )
        .expect("authorized_keys");
        let config = format!(
            "ListenAddress 127.0.0.1\n\
             HostKey {hk}\n\
             PidFile {d}/sshd.pid\n\
             UsePAM no\n\
             StrictModes no\n\
             PermitRootLogin no\n\
             AllowUsers {USER}\n\
             PubkeyAuthentication yes\n\
             PasswordAuthentication {pw}\n\
             KbdInteractiveAuthentication no\n\
             AuthorizedKeysFile {d}/authorized_keys\n\
             Subsystem sftp internal-sftp\n\
             MaxStartups 100\n\
             LogLevel VERBOSE\n\
             Match User {USER}\n\
             \tForceCommand internal-sftp\n\
             \tChrootDirectory {root}\n\
             \tAuthenticationMethods {auth}\n\
             \tAllowTcpForwarding no\n\
             \tX11Forwarding no\n",
            hk = host_key.display(),
            d = dir.path().display(),
            pw = if auth == "password" { "yes" } else { "no" },
            root = root.display(),
        );
        std::fs::write(dir.path().join("sshd_config"), config).expect("sshd_config");
        let mut server = Server {
            known_hosts: dir.path().join("known_hosts"),
            dir,
            root,
            port: 0,
            child: None,
            key,
            password,
        };
        for _ in 0..5 {
            server.port = free_port();
            if server.launch() {
                let host_pub =
                    std::fs::read_to_string(host_key.with_extension("pub")).expect("host key");
                let mut fields = host_pub.split_whitespace();
                let line = format!(
                    "[127.0.0.1]:{} {} {}\n",
                    server.port,
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default()
                );
                std::fs::write(&server.known_hosts, line).expect("known_hosts");
                return server;
            }
        }
        panic!("sshd did not start:\n{}", server.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// Start sshd on `self.port`; false when it exited (the port was taken meanwhile).
    fn launch(&mut self) -> bool {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("sshd.log"))
            .expect("sshd.log");
        let mut child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(self.dir.path().join("sshd_config"))
            .arg("-p")
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if child.try_wait().ok().flatten().is_some() {
                return false;
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                self.child = Some(child);
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }

    /// Kill sshd and every session it serves (a crash or a pulled plug, not a clean stop).
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            for pid in descendants(child.id()) {
                sigkill(pid);
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start again on the same port, with the same host key.
    fn restart(&mut self) {
        self.stop();
        assert!(self.launch(), "sshd did not restart:\n{}", self.log());
    }

    /// The transport for this server, as `sleeve apply` builds it.
    fn sftp(&self, key: Option<PathBuf>, password: Option<String>, known_hosts: &Path) -> Sftp {
        Sftp::new(
            "127.0.0.1".into(),
            self.port,
            USER.into(),
            "incoming/dsp".into(),
            key,
            password,
            Some(known_hosts.to_path_buf()),
        )
    }

    fn incoming(&self) -> PathBuf {
        self.root.join("incoming")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn package() -> (Dir, Vec<OutFile>) {
    let local = Dir::new("sftp-local");
    local.write("cover art.jpg", b"\xff\xd8 not really a jpeg");
    let files = vec![
        OutFile {
            path: "123_20250101/resources/cover art.jpg".into(),
            content: Content::File(local.path().join("cover art.jpg")),
        },
        OutFile {
            path: "123_20250101/123.xml".into(),
            content: Content::Bytes(b"<ern/>\n".to_vec()),
        },
    ];
    (local, files)
}

#[test]
fn key_auth_uploads_a_package_in_place() {
    let _g = serial();
    let server = Server::start("publickey");
    let (_local, files) = package();
    let mut t = server.sftp(Some(server.key.clone()), None, &server.known_hosts);
    t.upload_all(&files)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    // Also the one-file path (a batch marker), into a folder that exists already.
    t.upload(&OutFile {
        path: "123_20250101/BatchComplete.xml".into(),
        content: Content::Bytes(Vec::new()),
    })
    .expect("single upload");
    let dsp = server.incoming().join("dsp");
    assert_eq!(
        files_under(&dsp),
        [
            "123_20250101/123.xml",
            "123_20250101/BatchComplete.xml",
            "123_20250101/resources/cover art.jpg",
        ],
        "no `.part` file may be left"
    );
    assert_eq!(
        std::fs::read(dsp.join("123_20250101/resources/cover art.jpg")).expect("art"),
        b"\xff\xd8 not really a jpeg"
    );
    assert_eq!(
        std::fs::read_to_string(dsp.join("123_20250101/123.xml")).expect("xml"),
        "<ern/>\n"
    );
    assert!(t.describe().contains("sftp sleeve-sftp@127.0.0.1:"));
}

#[test]
fn password_auth_from_the_environment() {
    let _g = serial();
    let server = Server::start("password");
    let (_local, files) = package();
    let mut t = server.sftp(None, Some(server.password.clone()), &server.known_hosts);
    t.upload_all(&files)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    assert!(server.incoming().join("dsp/123_20250101/123.xml").is_file());
    // A wrong password is wrong credentials, not a hang at a prompt.
    let mut bad = server.sftp(None, Some("not-the-password".into()), &server.known_hosts);
    let e = bad.upload_all(&files).expect_err("wrong password");
    eprintln!("wrong password: {e}");
    assert!(e.starts_with("wrong credentials"), "{e}");
    // No askpass helper or content copy is left behind.
    let leftovers: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("sleeve-sftp-{}-", std::process::id())))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn wrong_key_is_wrong_credentials() {
    let _g = serial();
    let server = Server::start("publickey");
    let other = server.dir.path().join("other_ed25519");
    keygen(&other);
    let (_local, files) = package();
    let e = server
        .sftp(Some(other.clone()), None, &server.known_hosts)
        .upload_all(&files)
        .expect_err("a key the server does not know");
    eprintln!("wrong key: {e}");
    assert!(e.starts_with("wrong credentials:"), "{e}");
    assert!(e.contains(&other.display().to_string()), "{e}");
    assert!(!server.incoming().join("dsp").exists());
}

#[test]
fn unknown_host_key_is_refused() {
    let _g = serial();
    let server = Server::start("publickey");
    let empty = server.dir.path().join("empty_known_hosts");
    std::fs::write(&empty, "").expect("write");
    let (_local, files) = package();
    let e = server
        .sftp(Some(server.key.clone()), None, &empty)
        .upload_all(&files)
        .expect_err("unknown host");
    eprintln!("unknown host: {e}");
    assert!(e.starts_with("host key mismatch or unknown host"), "{e}");
    assert!(
        e.contains("unknown host") && e.contains(&empty.display().to_string()),
        "{e}"
    );
    // A different key recorded for the host: a mismatch.
    let other = server.dir.path().join("other_host");
    keygen(&other);
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).expect("pub");
    let mut f = other_pub.split_whitespace();
    let wrong = server.dir.path().join("wrong_known_hosts");
    std::fs::write(
        &wrong,
        format!(
            "[127.0.0.1]:{} {} {}\n",
            server.port,
            f.next().unwrap_or_default(),
            f.next().unwrap_or_default()
        ),
    )
    .expect("write");
    let e = server
        .sftp(Some(server.key.clone()), None, &wrong)
        .upload_all(&files)
        .expect_err("changed host key");
    eprintln!("changed host key: {e}");
    assert!(
        e.contains("does not match") && e.contains(&wrong.display().to_string()),
        "{e}"
    );
    assert!(!server.incoming().join("dsp").exists());
}

#[test]
fn unreachable_port_is_unreachable() {
    let _g = serial();
    require_openssh();
    let dir = Dir::new("sftp-unreachable");
    let kh = dir.path().join("known_hosts");
    std::fs::write(&kh, "").expect("write");
    let (_local, files) = package();
    let port = free_port();
    let e = Sftp::new(
        "127.0.0.1".into(),
        port,
        USER.into(),
        "incoming".into(),
        None,
        None,
        Some(kh),
    )
    .upload_all(&files)
    .expect_err("nothing listens");
    eprintln!("unreachable: {e}");
    assert!(e.starts_with("host unreachable"), "{e}");
    assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
}

#[test]
fn remote_permission_denied_names_the_file() {
    let _g = serial();
    let server = Server::start("publickey");
    let (_local, files) = package();
    // The chroot's root is not writable by the user: `path = "."` cannot take a package.
    let mut t = Sftp::new(
        "127.0.0.1".into(),
        server.port,
        USER.into(),
        "/".into(),
        Some(server.key.clone()),
        None,
        Some(server.known_hosts.clone()),
    );
    let e = t
        .upload_all(&files[1..])
        .map(|()| "uploaded".to_string())
        .unwrap_or_else(|e| e);
    eprintln!("permission denied: {e}");
    // mkdir of `/123_20250101` fails quietly (`-mkdir`), then the put says why.
    assert!(
        e.contains("`123_20250101/123.xml`") && e.contains("permission denied"),
        "{e}"
    );
}

#[test]
fn server_gone_mid_upload_names_the_file() {
    let _g = serial();
    let mut server = Server::start("publickey");
    let local = Dir::new("sftp-big");
    let big = local.path().join("big.wav");
    // Sparse: large enough to be mid-transfer when the server goes, without filling a disk.
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(1 << 30))
        .expect("big file");
    let files = vec![
        OutFile {
            path: "777_20250101/resources/big.wav".into(),
            content: Content::File(big),
        },
        OutFile {
            path: "777_20250101/777.xml".into(),
            content: Content::Bytes(b"<ern/>".to_vec()),
        },
    ];
    let mut t = server.sftp(Some(server.key.clone()), None, &server.known_hosts);
    let upload = std::thread::spawn(move || t.upload_all(&files));
    let part = server
        .incoming()
        .join("dsp/777_20250101/resources/.big.wav.part");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::metadata(&part).is_ok_and(|m| m.len() > 0) {
        assert!(
            !upload.is_finished(),
            "the upload ended before the server could go away"
        );
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the upload to start"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    server.stop();
    let e = upload
        .join()
        .expect("upload thread")
        .expect_err("the server went away");
    eprintln!("server gone: {e}");
    assert!(
        e.contains("cannot upload `777_20250101/resources/big.wav`") && e.contains("lost"),
        "{e}"
    );
    let left = files_under(&server.incoming().join("dsp"));
    assert!(
        !left
            .iter()
            .any(|f| f.ends_with("big.wav") || f.ends_with("777.xml")),
        "nothing may appear under its final name: {left:?}"
    );
}

// ---- end to end: `sleeve apply` to the server ----

/// catalog-example in a fresh git repository, with Spotify delivered over sftp to `server`.
fn catalogue(server: &Server) -> Dir {
    let dir = Dir::new("sftp-cat");
    run(Command::new("cp")
        .arg("-R")
        .arg(repo_root().join("catalog-example/."))
        .arg(dir.path()));
    let profile = dir.path().join("dsps/spotify.toml");
    let text = std::fs::read_to_string(&profile).expect("spotify.toml");
    let head = text.split("[transport]").next().expect("profile");
    std::fs::write(
        &profile,
        format!(
            "{head}[transport]\ntype = \"sftp\"\nhost = \"127.0.0.1\"\nport = {}\n\
             user = \"{USER}\"\npath = \"incoming/spotify\"\nkey-env = \"SLEEVE_TEST_KEY\"\n\
             known-hosts = \"known_hosts\"\n",
            server.port
        ),
    )
    .expect("write profile");
    std::fs::copy(&server.known_hosts, dir.path().join("known_hosts")).expect("known_hosts");
    let git = |args: &[&str]| {
        run(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path()));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "catalogue"]);
    dir
}

fn sleeve(cat: &Path, server: &Server, args: &[&str], epoch: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sleeve"));
    c.args(args)
        .current_dir(cat)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        .env("SLEEVE_TEST_KEY", &server.key)
        .stdin(Stdio::null());
    c
}

fn output(mut c: Command) -> (i32, String) {
    let out = c.output().expect("run sleeve");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The UPCs the plan sends to Spotify.
fn spotify_upcs(cat: &Path, server: &Server) -> Vec<String> {
    let (code, out) = output(sleeve(
        cat,
        server,
        &["plan", ".", "--format", "json"],
        EPOCH_1,
    ));
    assert_eq!(code, 0, "{out}");
    let json = &out[out.find('{').expect("plan json")..];
    let plan: serde_json::Value = serde_json::from_str(json).expect("plan json");
    let upcs: Vec<String> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["dsp"] == "spotify")
        .map(|c| c["upc"].as_str().expect("upc").to_string())
        .collect();
    assert!(
        upcs.len() >= 3,
        "the example should send several releases to Spotify: {upcs:?}"
    );
    upcs
}

/// Complete messages per UPC on the server (`<UPC>_<timestamp>/<UPC>.xml`).
fn arrived(server: &Server) -> BTreeMap<String, usize> {
    let mut count = BTreeMap::new();
    for f in files_under(&server.incoming().join("spotify")) {
        let name = f.rsplit('/').next().unwrap_or_default();
        if let Some(upc) = name.strip_suffix(".xml")
            && !name.starts_with('.')
        {
            *count.entry(upc.to_string()).or_insert(0) += 1;
        }
    }
    count
}

fn exactly_once(server: &Server, upcs: &[String]) {
    let got = arrived(server);
    let want: BTreeMap<String, usize> = upcs.iter().map(|u| (u.clone(), 1)).collect();
    assert_eq!(
        got,
        want,
        "every Spotify release must arrive exactly once; on the server:\n{}",
        files_under(&server.incoming().join("spotify")).join("\n")
    );
}

fn plan_is_clean(cat: &Path, server: &Server) {
    let (code, out) = output(sleeve(
        cat,
        server,
        &["plan", ".", "--detailed-exitcode"],
        EPOCH_3,
    ));
    assert_eq!(
        code, 0,
        "after resuming, nothing is left to deliver:\n{out}"
    );
}

#[test]
fn apply_delivers_over_sftp() {
    let _g = serial();
    let server = Server::start("publickey");
    let cat = catalogue(&server);
    let upcs = spotify_upcs(cat.path(), &server);
    // A missing key variable is a clear error, not an attempt without the key.
    let mut c = sleeve(cat.path(), &server, &["apply", ".", "--yes"], EPOCH_1);
    c.env_remove("SLEEVE_TEST_KEY");
    let (code, out) = output(c);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error[E0511]")
            && out.contains("environment variable `SLEEVE_TEST_KEY` is not set"),
        "{out}"
    );
    assert!(arrived(&server).is_empty());
    // With it, the rest of the plan (Spotify) goes over sftp.
    let (code, out) = output(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_1,
    ));
    assert_eq!(code, 0, "{out}\n{}", server.log());
    assert!(out.contains("→ sftp sleeve-sftp@127.0.0.1:"), "{out}");
    exactly_once(&server, &upcs);
    let all = files_under(&server.incoming().join("spotify"));
    assert!(!all.iter().any(|f| f.ends_with(".part")), "{all:?}");
    // The resources came along, in the package folders.
    assert!(all.iter().any(|f| !f.ends_with(".xml")), "{all:?}");
    // An SFTP inbox cannot be read without connecting: no plan fingerprint, so every plan
    // checks the catalogue and reads the acknowledgements.
    assert!(
        out.contains("no plan fingerprint recorded (`spotify` is delivered by SFTP"),
        "{out}"
    );
    plan_is_clean(cat.path(), &server);
}

/// Wait until `cond` holds, or panic after a minute with `what`.
fn wait_for(what: &str, child: &mut Child, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "apply ended before {what}: the test could not interrupt it midway"
        );
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().expect("wait for apply");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A SIGKILLed apply cannot remove its local copies of in-memory files
/// (`$TMPDIR/sleeve-sftp-<pid>-…`); the test does, so runs leave nothing behind.
fn remove_leftovers(pid: u32) {
    let prefix = format!("sleeve-sftp-{pid}-");
    for e in std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .flatten()
    {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apply")
}

#[test]
fn server_killed_mid_apply_resumes_exactly_once() {
    let _g = serial();
    let mut server = Server::start("publickey");
    let cat = catalogue(&server);
    let upcs = spotify_upcs(cat.path(), &server);
    let mut apply = spawn(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_1,
    ));
    wait_for("the first Spotify package", &mut apply, || {
        !arrived(&server).is_empty()
    });
    server.stop();
    let (code, out) = finish(apply);
    assert_ne!(code, 0, "apply must fail when the server goes away:\n{out}");
    assert!(out.contains("error[E0512] delivery-failed"), "{out}");
    assert!(
        out.contains("host unreachable") || out.contains("connection to 127.0.0.1"),
        "the message says the server went away:\n{out}"
    );
    let first = arrived(&server).values().sum::<usize>();
    eprintln!(
        "server killed after {first} of {} packages:\n{out}",
        upcs.len()
    );
    assert!(
        first < upcs.len(),
        "the kill came too late to test a resume"
    );
    server.restart();
    let (code, out) = output(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_2,
    ));
    assert_eq!(code, 0, "{out}\n{}", server.log());
    exactly_once(&server, &upcs);
    plan_is_clean(cat.path(), &server);
}

/// The state ref's current target (a loose ref: git2 writes them).
fn state_tip(cat: &Path) -> String {
    std::fs::read_to_string(cat.join(".git/refs/sleeve/state/root")).unwrap_or_default()
}

#[test]
fn apply_killed_mid_delivery_resumes_exactly_once() {
    let _g = serial();
    let server = Server::start("publickey");
    let cat = catalogue(&server);
    let upcs = spotify_upcs(cat.path(), &server);
    let mut apply = spawn(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_1,
    ));
    wait_for("the first Spotify package", &mut apply, || {
        !arrived(&server).is_empty()
    });
    // Kill once that package is recorded: then the next one is in flight, in the sftp
    // session that outlives sleeve unless the transport stops it.
    let tip = state_tip(cat.path());
    wait_for("the state to record it", &mut apply, || {
        state_tip(cat.path()) != tip
    });
    let pid = apply.id();
    let _ = apply.kill();
    let (code, _) = finish(apply);
    assert_ne!(code, 0);
    remove_leftovers(pid);
    // Let an orphaned sftp (if any) finish what it would.
    std::thread::sleep(Duration::from_millis(500));
    let first = arrived(&server).values().sum::<usize>();
    eprintln!("apply killed after {first} of {} packages", upcs.len());
    assert!(
        first < upcs.len(),
        "the kill came too late to test a resume"
    );
    let (code, out) = output(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_2,
    ));
    assert_ne!(code, 0, "the dead apply's lock holds:\n{out}");
    assert!(out.contains("E0507"), "{out}");
    let (code, out) = output(sleeve(cat.path(), &server, &["force-unlock", "."], EPOCH_2));
    assert_eq!(code, 0, "{out}");
    let (code, out) = output(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_2,
    ));
    assert_eq!(code, 0, "{out}\n{}", server.log());
    exactly_once(&server, &upcs);
    plan_is_clean(cat.path(), &server);
}

/// Kill `sleeve apply` the moment a message lands, before the state records it: the window
/// between the final rename and the state commit. The upload was recorded as in flight
/// first, so the resumed apply sends it to the same folder: still exactly once.
#[test]
fn apply_killed_between_delivery_and_record() {
    let _g = serial();
    let server = Server::start("publickey");
    let cat = catalogue(&server);
    let upcs = spotify_upcs(cat.path(), &server);
    let mut apply = spawn(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_1,
    ));
    wait_for("the first Spotify package", &mut apply, || {
        !arrived(&server).is_empty()
    });
    let pid = apply.id();
    let _ = apply.kill();
    let _ = finish(apply);
    remove_leftovers(pid);
    let (code, out) = output(sleeve(cat.path(), &server, &["force-unlock", "."], EPOCH_2));
    assert_eq!(code, 0, "{out}");
    let (code, out) = output(sleeve(
        cat.path(),
        &server,
        &["apply", ".", "--yes"],
        EPOCH_2,
    ));
    assert_eq!(code, 0, "{out}\n{}", server.log());
    exactly_once(&server, &upcs);
}

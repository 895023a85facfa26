//! `--peer` against a real OpenSSH server: a third network namespace plays the far
//! host, with an sshd listening only on its veth address and a host key and an
//! authorized key generated into a temporary directory. Every test creates and
//! removes its own namespace, link, sshd and keys, and checks nothing is left.

mod common;

use common::{root_or_skip, serial, HostState, BIN};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";

/// True when the test can run: root, and Debian's openssh-server (`.ci/run` installs it).
fn can_run(test: &str) -> bool {
    if !root_or_skip(test) {
        return false;
    }
    if !Path::new(SSHD).exists() || Command::new("ssh").arg("-V").output().is_err() {
        eprintln!(
            "skipped {test}: needs OpenSSH (ssh and {SSHD}); .ci/run installs openssh-server"
        );
        return false;
    }
    true
}

/// The far host: a namespace joined to this one by a veth pair, an sshd in it.
struct PeerHost {
    ns: String,
    link: String,
    addr: String,
    dir: PathBuf,
    sshd: Option<Child>,
    /// /tmp entries that existed before (a copied binary's directory must not stay).
    tmp_before: BTreeSet<String>,
}

fn sh(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {out:?}");
    out
}

fn tmp_entries() -> BTreeSet<String> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("netio-tui."))
        .collect()
}

impl PeerHost {
    fn start(tag: &str) -> PeerHost {
        let id = std::process::id() % 100_000;
        let ns = format!("netio-peer-{tag}-{id}");
        let link = format!("npr{id}");
        let net = 200 + (id % 50);
        let (here, addr) = (format!("10.231.{net}.1"), format!("10.231.{net}.2"));
        let dir = std::env::temp_dir().join(format!("netio-peer-test-{tag}-{id}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let mut host = PeerHost {
            ns: ns.clone(),
            link: link.clone(),
            addr: addr.clone(),
            dir: dir.clone(),
            sshd: None,
            tmp_before: tmp_entries(),
        };
        sh(Command::new("ip").args(["netns", "add", &ns]));
        sh(Command::new("ip").args([
            "link", "add", &link, "type", "veth", "peer", "name", "nprfar",
        ]));
        sh(Command::new("ip").args(["link", "set", "nprfar", "netns", &ns]));
        sh(Command::new("ip").args(["addr", "add", &format!("{here}/30"), "dev", &link]));
        sh(Command::new("ip").args(["link", "set", &link, "up"]));
        let inside = |args: &[&str]| {
            sh(Command::new("ip").args(["-n", &ns]).args(args));
        };
        inside(&["addr", "add", &format!("{addr}/30"), "dev", "nprfar"]);
        inside(&["link", "set", "nprfar", "up"]);
        inside(&["link", "set", "lo", "up"]);
        for key in ["host_key", "id", "other_id", "other_host_key"] {
            sh(Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", ""])
                .arg("-f")
                .arg(dir.join(key)));
        }
        std::fs::copy(dir.join("id.pub"), dir.join("authorized_keys")).unwrap();
        let known = |key: &str| {
            let pubkey = std::fs::read_to_string(dir.join(format!("{key}.pub"))).unwrap();
            let mut f = pubkey.split_whitespace();
            format!("{addr} {} {}\n", f.next().unwrap(), f.next().unwrap())
        };
        std::fs::write(dir.join("known_hosts"), known("host_key")).unwrap();
        std::fs::write(dir.join("wrong_known_hosts"), known("other_host_key")).unwrap();
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "ListenAddress {addr}:22\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
                 PidFile none\nStrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nAcceptEnv NETIO_TUI_TEST_*\n",
                d = dir.display()
            ),
        )
        .unwrap();
        std::fs::create_dir_all("/run/sshd").unwrap();
        let sshd = Command::new("ip")
            .args(["netns", "exec", &ns, SSHD, "-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("sshd.log")).unwrap())
            .spawn()
            .unwrap();
        host.sshd = Some(sshd);
        // Up when it accepts a connection.
        let t0 = Instant::now();
        let to = format!("{addr}:22").parse().unwrap();
        while std::net::TcpStream::connect_timeout(&to, Duration::from_millis(200)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "sshd did not start: {}",
                host.sshd_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        host
    }

    fn sshd_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }

    /// The test's ssh options: no user config, its own key and known_hosts.
    fn ssh_options(&self, key: &str, known_hosts: &str) -> Vec<String> {
        [
            "-F/dev/null".to_string(),
            format!(
                "-oUserKnownHostsFile={}",
                self.dir.join(known_hosts).display()
            ),
            "-oGlobalKnownHostsFile=/dev/null".into(),
            "-oStrictHostKeyChecking=yes".into(),
            format!("-i{}", self.dir.join(key).display()),
            "-oIdentitiesOnly=yes".into(),
            "-oConnectTimeout=5".into(),
        ]
        .into_iter()
        .map(|o| format!("--peer-ssh-option={o}"))
        .collect()
    }

    fn peer_args(&self) -> Vec<String> {
        let mut a = vec!["--peer".to_string(), format!("root@{}", self.addr)];
        a.extend(self.ssh_options("id", "known_hosts"));
        a
    }

    /// Processes in the far namespace besides the listening sshd.
    fn far_processes(&self) -> Vec<String> {
        let ours = self.sshd.as_ref().map(Child::id);
        let ns_inode = std::fs::read_link(format!("/run/netns/{}", self.ns)).ok();
        let want = std::fs::metadata(format!("/run/netns/{}", self.ns)).map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.ino()
        });
        let _ = ns_inode;
        let Ok(want) = want else { return Vec::new() };
        let mut found = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(link) = std::fs::read_link(format!("/proc/{pid}/ns/net")) else {
                continue;
            };
            if link.to_string_lossy() != format!("net:[{want}]") {
                continue;
            }
            let cmd = std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .unwrap_or_default()
                .replace('\0', " ");
            // The listening sshd (and `ip netns exec` as it execs it).
            if Some(pid) == ours
                || cmd.trim_end().ends_with("sshd_config")
                    && !cmd.contains('@')
                    && cmd.contains("-D")
            {
                continue;
            }
            found.push(format!("{pid}: {cmd}"));
        }
        found
    }

    /// TCP sockets in the far namespace besides sshd's listener.
    fn far_sockets(&self) -> Vec<String> {
        let out = sh(Command::new("ip").args(["netns", "exec", &self.ns, "ss", "-Htan"]));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !(l.starts_with("LISTEN") && l.contains(":22 ")))
            .filter(|l| !l.starts_with("TIME-WAIT"))
            .map(str::to_string)
            .collect()
    }

    /// Copied binaries' directories that appeared since the start.
    fn new_tmp(&self) -> Vec<String> {
        tmp_entries()
            .difference(&self.tmp_before)
            .cloned()
            .collect()
    }

    /// Nothing of a session is left on the far host within `within`.
    fn assert_clean(&self, within: Duration) {
        let t0 = Instant::now();
        loop {
            let (p, s, t) = (self.far_processes(), self.far_sockets(), self.new_tmp());
            if p.is_empty() && s.is_empty() && t.is_empty() {
                return;
            }
            assert!(
                t0.elapsed() < within,
                "left on the far host after {within:?}: processes {p:?}, sockets {s:?}, temporary files {t:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PeerHost {
    fn drop(&mut self) {
        if let Some(mut c) = self.sshd.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.link])
            .output();
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn netio(args: &[String]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn json_of(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON: {out:?}"));
    serde_json::from_str(line).unwrap()
}

#[test]
fn run_measures_both_sides_across_hosts_and_leaves_nothing_behind() {
    if !can_run("run_measures_both_sides_across_hosts_and_leaves_nothing_behind") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("run");
        for reverse in [false, true] {
            let mut a = args(&[
                "run",
                "--strategy",
                "zero-copy",
                "--size",
                "64K",
                "--duration",
                "0.5",
                "--json",
                "--verify",
                "--peer-copy",
                "-v",
            ]);
            a.extend(host.peer_args());
            if reverse {
                a.push("--reverse".into());
            }
            let out = netio(&a);
            assert!(
                out.status.success(),
                "reverse {reverse}: {out:?}\nsshd: {}",
                host.sshd_log()
            );
            let j = json_of(&out);
            assert!(j["bytes"].as_f64().unwrap() > 0.0, "{j}");
            for side in ["tx_cpu_ns", "rx_cpu_ns"] {
                assert!(j[side].as_f64().is_some_and(|v| v > 0.0), "{side}: {j}");
            }
            // Zero-copy's own figures come from whichever host sent.
            assert!(j["zc_completions"].as_f64().is_some_and(|v| v > 0.0), "{j}");
            assert_eq!(j["peer"], format!("root@{}", host.addr), "{j}");
            assert!(
                j["peer_kernel"].as_str().is_some_and(|k| !k.is_empty()),
                "{j}"
            );
            // The path, named from the kernel: the veth end the route uses, its driver,
            // and why zero-copy sends are copied on it.
            let err = String::from_utf8_lossy(&out.stderr);
            let path = format!("via {} (veth, ", host.link);
            assert!(
                err.contains(&path) && err.contains("scatter-gather on"),
                "{err}"
            );
            assert!(err.contains("zero-copy sends are copied anyway"), "{err}");
        }
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

#[test]
fn every_strategy_moves_verified_data_to_the_peer_and_back() {
    if !can_run("every_strategy_moves_verified_data_to_the_peer_and_back") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("sweep");
        let strategies = "two-copy,serialize,one-copy,zero-copy,uring,uring-zc,sendfile,splice";
        for reverse in [false, true] {
            let csv = host.dir.join(format!("sweep-{reverse}.csv"));
            let mut a = args(&[
                "sweep",
                "--strategies",
                strategies,
                "--sizes",
                "10000",
                "--threads",
                "2",
                "--duration",
                "0.2",
                "--repeat",
                "1",
                "--verify",
                "--peer-copy",
                "--out",
            ]);
            a.push(csv.display().to_string());
            a.extend(host.peer_args());
            if reverse {
                a.push("--reverse".into());
            }
            let out = netio(&a);
            assert!(out.status.success(), "reverse {reverse}: {out:?}");
            let rows = common::CsvRows::read(&csv);
            assert_eq!(rows.rows.len(), 8, "one row per strategy");
            for r in &rows.rows {
                let (s, err) = (rows.cell(r, "strategy"), rows.cell(r, "error"));
                // A strategy this kernel refuses is said, never measured.
                if err.contains("unavailable") {
                    eprintln!("{s}: {err}");
                    continue;
                }
                assert_eq!(err, "", "{s} reverse {reverse}");
                assert!(rows.cell(r, "bytes").parse::<f64>().unwrap() > 0.0, "{s}");
                assert!(
                    !rows.cell(r, "tx_cpu_ns").is_empty() && !rows.cell(r, "rx_cpu_ns").is_empty(),
                    "{s}"
                );
            }
        }
        // The other axes across hosts: receive modes, Nagle, placement, pinning.
        let csv = host.dir.join("axes.csv");
        let mut a = args(&[
            "sweep",
            "--strategies",
            "one-copy",
            "--sizes",
            "64K",
            "--threads",
            "1",
            "--recv",
            "message,stream,zerocopy",
            "--nodelay",
            "off,on",
            "--buf-offset",
            "heap,0",
            "--pin",
            "split",
            "--duration",
            "0.2",
            "--repeat",
            "1",
            "--verify",
            "--peer-copy",
            "--out",
        ]);
        a.push(csv.display().to_string());
        a.extend(host.peer_args());
        let out = netio(&a);
        assert!(out.status.success(), "{out:?}");
        let rows = common::CsvRows::read(&csv);
        assert_eq!(rows.rows.len(), 12);
        for r in &rows.rows {
            assert_eq!(rows.cell(r, "error"), "", "{r:?}");
        }
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

#[test]
fn kill_9_of_the_local_side_leaves_no_agent_socket_or_binary_on_the_peer() {
    if !can_run("kill_9_of_the_local_side_leaves_no_agent_socket_or_binary_on_the_peer") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("kill");
        let mut a = args(&[
            "run",
            "--strategy",
            "one-copy",
            "--size",
            "64K",
            "--duration",
            "60",
            "--peer-copy",
        ]);
        a.extend(host.peer_args());
        let mut child = Command::new(BIN)
            .args(&a)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Measuring: the agent runs there and the data connection is up.
        let t0 = Instant::now();
        while !(host
            .far_sockets()
            .iter()
            .any(|s| s.starts_with("ESTAB") && !s.contains(":22 "))
            && host
                .far_processes()
                .iter()
                .any(|p| p.contains("agent --stdio")))
        {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "the run never started measuring: {:?}",
                host.far_processes()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            !host.new_tmp().is_empty(),
            "the copied binary's directory exists while it runs"
        );
        std::thread::sleep(Duration::from_millis(500));
        child.kill().unwrap();
        child.wait().unwrap();
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

#[test]
fn each_failure_to_reach_the_peer_is_one_line_with_its_exit_code() {
    if !can_run("each_failure_to_reach_the_peer_is_one_line_with_its_exit_code") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("fail");
        let run = |peer: &str, opts: Vec<String>, extra: &[&str]| {
            let mut a = args(&["run", "--duration", "0.2", "--peer", peer]);
            a.extend(opts);
            a.extend(args(extra));
            netio(&a)
        };
        let target = format!("root@{}", host.addr);
        let cases: Vec<(&str, Output, i32, &str)> = vec![
            (
                "unknown host",
                run(
                    "root@no-such-host.invalid",
                    host.ssh_options("id", "known_hosts"),
                    &[],
                ),
                2,
                "unknown host",
            ),
            (
                "refused key",
                run(&target, host.ssh_options("other_id", "known_hosts"), &[]),
                1,
                "Permission denied",
            ),
            (
                "host-key mismatch",
                run(&target, host.ssh_options("id", "wrong_known_hosts"), &[]),
                1,
                "Host key verification failed",
            ),
            (
                "no binary there",
                run(&target, host.ssh_options("id", "known_hosts"), &[]),
                1,
                "add --peer-copy",
            ),
            (
                "another version",
                run(
                    &target,
                    host.ssh_options("id", "known_hosts"),
                    &[
                        "--peer-copy",
                        "--peer-ssh-option=-oSetEnv=NETIO_TUI_TEST_AGENT_VERSION=9.9.9",
                    ],
                ),
                1,
                "runs netio-tui 9.9.9",
            ),
        ];
        for (what, out, code, says) in cases {
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{what}: {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{what}: one line: {err}");
            assert!(err.contains(says), "{what}: {err}");
            host.assert_clean(Duration::from_secs(5));
        }
    }
    before.assert_restored();
}

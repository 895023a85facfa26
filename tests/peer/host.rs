//! The far host the `--peer` tests measure against: a third network namespace joined
//! to this one by a veth pair, with an sshd listening only on its address and a host
//! key and an authorized key generated into a temporary directory.

// Each test binary uses part of it.
#![allow(dead_code)]

use crate::common::{root_or_skip, BIN};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";

/// True when the test can run: root, and Debian's openssh-server (`.ci/run` installs it).
pub fn can_run(test: &str) -> bool {
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
pub struct PeerHost {
    pub ns: String,
    pub link: String,
    pub addr: String,
    pub dir: PathBuf,
    sshd: Option<Child>,
    /// /tmp entries that existed before (a copied binary's directory must not stay).
    tmp_before: BTreeSet<String>,
}

pub fn sh(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {out:?}");
    out
}

pub fn tmp_entries() -> BTreeSet<String> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("netio-tui."))
        .collect()
}

impl PeerHost {
    pub fn start(tag: &str) -> PeerHost {
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

    pub fn sshd_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }

    /// The test's ssh options: no user config, its own key and known_hosts.
    pub fn ssh_options(&self, key: &str, known_hosts: &str) -> Vec<String> {
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

    pub fn peer_args(&self) -> Vec<String> {
        let mut a = vec!["--peer".to_string(), format!("root@{}", self.addr)];
        a.extend(self.ssh_options("id", "known_hosts"));
        a
    }

    /// Processes in the far namespace besides the listening sshd.
    pub fn far_processes(&self) -> Vec<String> {
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
    pub fn far_sockets(&self) -> Vec<String> {
        let out = sh(Command::new("ip").args(["netns", "exec", &self.ns, "ss", "-Htan"]));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !(l.starts_with("LISTEN") && l.contains(":22 ")))
            .filter(|l| !l.starts_with("TIME-WAIT"))
            .map(str::to_string)
            .collect()
    }

    /// The data listener's port in the far namespace (any TCP listener but sshd's).
    pub fn data_port(&self) -> Option<u16> {
        let out = sh(Command::new("ip").args(["netns", "exec", &self.ns, "ss", "-Hltn"]));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().nth(3))
            .filter_map(|a| a.rsplit_once(':'))
            .filter(|(ip, _)| *ip == self.addr)
            .filter_map(|(_, p)| p.parse::<u16>().ok())
            .find(|&p| p != 22)
    }

    /// Copied binaries' directories that appeared since the start.
    pub fn new_tmp(&self) -> Vec<String> {
        tmp_entries()
            .difference(&self.tmp_before)
            .cloned()
            .collect()
    }

    /// Nothing of a session is left on the far host within `within`.
    pub fn assert_clean(&self, within: Duration) {
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

pub fn netio(args: &[String]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub fn json_of(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON: {out:?}"));
    serde_json::from_str(line).unwrap()
}

//! `--peer`'s edges against a real OpenSSH server in a namespace (tests/peer/host.rs):
//! a connection to the data port without the run's token, a far host of another
//! architecture, a local side without root, a far side without permission.

mod common;
#[path = "peer/host.rs"]
mod host;

use common::{serial, HostState, BIN};
use host::{args, can_run, json_of, PeerHost};
use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_connection_without_the_token_is_refused_counted_and_the_run_goes_on() {
    if !can_run("a_connection_without_the_token_is_refused_counted_and_the_run_goes_on") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("token");
        let mut a = args(&[
            "run",
            "--strategy",
            "one-copy",
            "--size",
            "64K",
            "--duration",
            "0.5",
            "--json",
            "--verify",
            "--peer-copy",
        ]);
        a.extend(host.peer_args());
        // The local side holds off dialling for 4 s once the far listener is up.
        let child = Command::new(BIN)
            .args(&a)
            .env("NETIO_TUI_TEST_PEER_HOLD_MS", "4000")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        let port = loop {
            if let Some(p) = host.data_port() {
                break p;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "the agent never listened"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let to = format!("{}:{port}", host.addr).parse().unwrap();
        // A wrong token with a valid index, then a connection that says nothing.
        let mut rogue = TcpStream::connect_timeout(&to, Duration::from_secs(2)).unwrap();
        rogue.write_all(&[0u8; 20]).unwrap();
        drop(TcpStream::connect_timeout(&to, Duration::from_secs(2)).unwrap());
        let out = child.wait_with_output().unwrap();
        drop(rogue);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{out:?}");
        let j = json_of(&out);
        assert!(j["bytes"].as_f64().is_some_and(|b| b > 0.0), "{j}");
        assert!(j["error"].is_null(), "{j}");
        assert!(
            err.contains("2 connections without the run's token were refused"),
            "{err}"
        );
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

/// A wrapper around the real ssh that makes the far host's `uname -m` answer `arch`.
fn ssh_answering_arch(dir: &std::path::Path, arch: &str) -> std::path::PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let ssh = bin.join("ssh");
    std::fs::write(
        &ssh,
        format!(
            "#!/bin/bash\nargs=(\"$@\")\nlast=${{args[-1]}}\nargs[-1]=${{last//'$(uname -m)'/{arch}}}\nexec /usr/bin/ssh \"${{args[@]}}\"\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn peer_copy_refuses_a_far_host_of_another_architecture_in_one_line() {
    if !can_run("peer_copy_refuses_a_far_host_of_another_architecture_in_one_line") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("arch");
        let bin = ssh_answering_arch(&host.dir, "sparc64");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut a = args(&["run", "--duration", "0.2", "--peer-copy"]);
        a.extend(host.peer_args());
        let out = Command::new(BIN)
            .args(&a)
            .env("PATH", path)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(
            err.contains("is sparc64")
                && err.contains(&format!("built for {}", std::env::consts::ARCH))
                && err.contains("--peer-copy cannot run it there"),
            "{err}"
        );
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

/// The test key, as a file `uid` owns and alone may read (ssh refuses others).
fn key_for(host: &PeerHost, uid: u32) -> String {
    let key = host.dir.join(format!("id-{uid}"));
    std::fs::copy(host.dir.join("id"), &key).unwrap();
    std::os::unix::fs::chown(&key, Some(uid), Some(uid)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    format!("id-{uid}")
}

const NOBODY: u32 = 65534;

fn perf_paranoid_2() -> bool {
    std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid").is_ok_and(|v| v.trim() == "2")
}

#[test]
fn a_local_side_without_root_measures_with_what_needs_permission_n_a() {
    if !can_run("a_local_side_without_root_measures_with_what_needs_permission_n_a") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("nonroot");
        let key = key_for(&host, NOBODY);
        let mut a = args(&[
            "run",
            "--strategy",
            "one-copy",
            "--size",
            "64K",
            "--duration",
            "0.5",
            "--json",
            "--verify",
            "--peer-copy",
            "-v",
            "--peer",
        ]);
        a.push(format!("root@{}", host.addr));
        a.extend(host.ssh_options(&key, "known_hosts"));
        use std::os::unix::process::CommandExt;
        let out = Command::new(BIN)
            .args(&a)
            .uid(NOBODY)
            .gid(NOBODY)
            .env("HOME", "/nonexistent")
            .current_dir("/")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{out:?}");
        let j = json_of(&out);
        assert!(j["bytes"].as_f64().is_some_and(|b| b > 0.0), "{j}");
        assert!(j["error"].is_null(), "{j}");
        // No root here: perf is refused, so the counters are n/a with that reason; the
        // CPU time of each side is measured all the same.
        assert!(j["cycles"].is_null() && j["tx_cycles"].is_null(), "{j}");
        assert!(j["tx_cpu_ns"].as_f64().is_some_and(|v| v > 0.0), "{j}");
        assert!(j["rx_cpu_ns"].as_f64().is_some_and(|v| v > 0.0), "{j}");
        assert!(
            err.contains(
                "hardware counters unavailable: perf_event_open refused (Permission denied"
            ),
            "{err}"
        );
        assert!(
            err.contains("perf_event_paranoid is 2") || !perf_paranoid_2(),
            "{err}"
        );
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

/// A user of this machine for the far side's agent, removed when dropped.
struct TestUser(String);

impl TestUser {
    fn add() -> TestUser {
        let name = format!("nprt{}", std::process::id() % 100_000);
        // '*': no password, but not a locked account (sshd refuses those).
        let out = Command::new("useradd")
            .args([
                "-M",
                "-N",
                "-g",
                "nogroup",
                "-s",
                "/bin/sh",
                "-d",
                "/nonexistent",
            ])
            .args(["-p", "*", &name])
            .output()
            .unwrap();
        assert!(out.status.success(), "useradd: {out:?}");
        TestUser(name)
    }
}

impl Drop for TestUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.0).output();
    }
}

#[test]
fn figures_the_far_side_may_not_count_are_n_a_with_its_reason() {
    if !can_run("figures_the_far_side_may_not_count_are_n_a_with_its_reason") {
        return;
    }
    if Command::new("useradd").arg("--help").output().is_err() {
        eprintln!("skipped: needs useradd to make a user without root for the far side");
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("farperm");
        let user = TestUser::add();
        let target = format!("{}@{}", user.0, host.addr);
        let csv = host.dir.join("far.csv");
        let mut run = args(&[
            "run",
            "--strategy",
            "one-copy",
            "--size",
            "64K",
            "--duration",
            "0.5",
            "--json",
            "--verify",
            "--peer-copy",
            "-v",
            "--peer",
            &target,
        ]);
        run.extend(host.ssh_options("id", "known_hosts"));
        let out = host::netio(&run);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{out:?}\nsshd: {}", host.sshd_log());
        let j = json_of(&out);
        assert!(j["bytes"].as_f64().is_some_and(|b| b > 0.0), "{j}");
        // The far host receives without root: its copies are not counted, so the
        // figure is n/a (null), never 0, with the far host's reason beside it.
        assert!(j["rx_copies_per_msg"].is_null(), "{j}");
        let why = j["peer_na"]["rx_copies_per_msg"]
            .as_str()
            .unwrap_or_default();
        assert!(
            why.starts_with(&format!("on the peer {target}: "))
                && why.contains("perf_event_open refused"),
            "{j}"
        );
        // What needs no permission there is measured there.
        assert!(j["rx_cpu_ns"].as_f64().is_some_and(|v| v > 0.0), "{j}");
        assert!(
            err.contains(&format!(
                "on the peer {target}: hardware counters unavailable"
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("the peer {target}'s counters:")),
            "{err}"
        );
        // The CSV leaves the cell empty (docs/csv.md: empty means not measured).
        let mut sweep = args(&[
            "sweep",
            "--strategies",
            "one-copy",
            "--sizes",
            "64K",
            "--duration",
            "0.3",
            "--repeat",
            "1",
            "--peer-copy",
            "--peer",
            &target,
            "--out",
        ]);
        sweep.push(csv.display().to_string());
        sweep.extend(host.ssh_options("id", "known_hosts"));
        let out = host::netio(&sweep);
        assert!(out.status.success(), "{out:?}");
        let rows = common::CsvRows::read(&csv);
        let r = &rows.rows[0];
        assert_eq!(rows.cell(r, "error"), "");
        assert_eq!(rows.cell(r, "rx_copies_per_msg"), "");
        assert!(!rows.cell(r, "rx_cpu_ns").is_empty());
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

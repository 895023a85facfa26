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

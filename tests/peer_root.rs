//! `--peer` against a real OpenSSH server: a third network namespace plays the far
//! host, with an sshd listening only on its veth address and a host key and an
//! authorized key generated into a temporary directory. Every test creates and
//! removes its own namespace, link, sshd and keys, and checks nothing is left.

mod common;
#[path = "peer/host.rs"]
mod host;

use common::{serial, HostState, BIN};
use host::{args, can_run, json_of, netio, PeerHost};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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
            // Both hosts count the receive copies (root on both): the figure is there.
            assert!(j["rx_copies_per_msg"].as_f64().is_some(), "{j}");
            assert!(j["peer_na"].is_null(), "{j}");
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

#[test]
fn request_response_runs_across_hosts_with_the_requesters_round_trips() {
    if !can_run("request_response_runs_across_hosts_with_the_requesters_round_trips") {
        return;
    }
    let _g = serial();
    let before = HostState::capture();
    {
        let host = PeerHost::start("rr");
        for strategy in ["one-copy", "zero-copy"] {
            for reverse in [false, true] {
                let mut a = args(&[
                    "run",
                    "--workload",
                    "rr",
                    "--strategy",
                    strategy,
                    "--size",
                    "4K",
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
                let what = format!("{strategy} reverse {reverse}");
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(err.contains("every payload byte verified"), "{what}: {err}");
                assert!(out.status.success(), "{what}: {out:?}");
                let j = json_of(&out);
                assert!(j["error"].is_null(), "{what}: {j}");
                let n = |k: &str| {
                    j[k].as_f64()
                        .unwrap_or_else(|| panic!("{what}: {k} missing: {j}"))
                };
                assert!(n("rr_transactions") > 0.0, "{what}: {j}");
                assert!(n("rr_tps") > 0.0, "{what}: {j}");
                assert!(
                    n("rr_p50_us") > 0.0
                        && n("rr_p50_us") <= n("rr_p99_us")
                        && n("rr_p99_us") <= n("rr_max_us"),
                    "{what}: {j}"
                );
                // Both hosts' CPU time, each side from the host that ran it.
                assert!(n("tx_cpu_ns") > 0.0 && n("rx_cpu_ns") > 0.0, "{what}: {j}");
            }
        }
        host.assert_clean(Duration::from_secs(5));
    }
    before.assert_restored();
}

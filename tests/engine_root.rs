//! The engine for real: namespaces, every strategy, byte accounting, payload
//! verification, and the host as it was before each test afterwards — even after
//! SIGKILL. Needs root (skips with a reason otherwise); CI runs as root.

mod common;

use assert_cmd::Command;
use common::{all_netns, netns_of, own_netns, root_or_skip, serial, HostState};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::{Engine, EngineOptions};
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn every_strategy_moves_verified_data_over_veth() {
    let _serial = serial();
    if !root_or_skip("every_strategy_moves_verified_data_over_veth") {
        return;
    }
    let before = HostState::capture();
    for strategy in Strategy::ALL {
        for (size, threads) in [("1000", "1"), ("64K", "2")] {
            let out = Command::cargo_bin("netio-tui")
                .unwrap()
                .args([
                    "run",
                    "--json",
                    "--verify",
                    "--duration",
                    "0.3",
                    "--strategy",
                    strategy.name(),
                ])
                .args(["--size", size, "--threads", threads])
                .timeout(Duration::from_secs(60))
                .assert()
                .success();
            let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
            assert_eq!(v["strategy"], strategy.name());
            assert!(v["bytes"].as_u64().unwrap() > 0, "{strategy}: {v}");
            assert!(v["messages"].as_u64().unwrap() > 0, "{strategy}: {v}");
            assert!(v["throughput_gbps"].as_f64().unwrap() > 0.0);
            for col in netio_tui::model::csv::COLUMNS {
                assert!(v.get(col).is_some(), "JSON lacks {col}");
            }
            if strategy.uses_zerocopy() {
                let completions = v["zc_completions"]
                    .as_u64()
                    .expect("zero-copy completions counted");
                assert!(completions > 0);
                // Over veth the kernel copies: the share is reported, whatever it is.
                assert!(v["zc_copied_pct"].as_f64().is_some());
            } else {
                assert!(
                    v["zc_completions"].is_null() && v["enobufs"].is_null(),
                    "{v}"
                );
            }
        }
    }
    before.assert_restored();
}

#[test]
fn engine_accounts_for_every_byte_and_reuses_its_network() {
    let _serial = serial();
    if !root_or_skip("engine_accounts_for_every_byte_and_reuses_its_network") {
        return;
    }
    let before = HostState::capture();
    let engine = Engine::new(EngineOptions {
        verify: true,
        ..Default::default()
    })
    .unwrap();
    assert!(engine.setup_time.unwrap() < Duration::from_secs(1));
    let mine = netns_of("self");
    assert_eq!(mine.len(), 3, "own namespace + server + client: {mine:?}");
    let (tx, rx) = crossbeam_channel::bounded(4096);
    for config in [
        Config::new(Strategy::TwoCopy, 100, 3),
        Config::new(Strategy::ZeroCopy, 4096, 2),
        Config::new(Strategy::Serialize, 7, 1),
    ] {
        let m = engine.start(config, &tx).unwrap();
        // Named threads: one sender and one receiver per connection.
        let names: Vec<String> = std::fs::read_dir("/proc/self/task")
            .unwrap()
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
            .map(|s| s.trim().to_string())
            .collect();
        for i in 0..config.threads {
            assert!(names.contains(&format!("netio-tx-{i}")), "{names:?}");
            assert!(names.contains(&format!("netio-rx-{i}")), "{names:?}");
        }
        std::thread::sleep(Duration::from_millis(700));
        let r = m.finish().unwrap_or_else(|f| panic!("{config}: {f}"));
        assert!(r.bytes_sent > 0);
        assert_eq!(r.bytes_sent, r.bytes_received, "{config}");
        assert!(r.verified);
        assert!(
            r.total.seconds > 0.4 && r.total.seconds < 3.0,
            "{}",
            r.total.seconds
        );
        assert!(r.total.bytes > 0 && r.total.bytes <= r.bytes_received);
        assert_eq!(r.total.zc.is_some(), config.strategy.uses_zerocopy());
    }
    let mut samples = 0;
    let mut finished = 0;
    while let Ok(ev) = rx.try_recv() {
        match ev {
            netio_tui::engine::sample::EngineEvent::Sample(s) => {
                samples += 1;
                assert!(s.interval.seconds > 0.0);
            }
            netio_tui::engine::sample::EngineEvent::Finished(_) => finished += 1,
            _ => {}
        }
    }
    assert_eq!(finished, 3);
    assert!(
        samples >= 3,
        "one sample per 250 ms interval, got {samples}"
    );
    drop(engine);
    // Worker threads are joined; the namespaces die with their last descriptor.
    let t0 = Instant::now();
    while netns_of("self").len() > 1 && t0.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(netns_of("self"), BTreeSet::from([own_netns()]));
    before.assert_restored();
}

fn spawn_run(args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("netio-tui"))
        .args([
            "run",
            "--strategy",
            "one-copy",
            "--size",
            "4K",
            "--threads",
            "2",
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the child holds its two private namespaces; returns them.
fn wait_for_namespaces(child: &std::process::Child) -> BTreeSet<String> {
    let pid = child.id().to_string();
    let own = own_netns();
    let t0 = Instant::now();
    loop {
        let ns: BTreeSet<String> = netns_of(&pid).into_iter().filter(|n| *n != own).collect();
        if ns.len() == 2 {
            return ns;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "child never built its namespaces"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// No process on the host holds any of `held` any more.
fn assert_released(held: &BTreeSet<String>) {
    let t0 = Instant::now();
    loop {
        let still: Vec<String> = all_netns().intersection(held).cloned().collect();
        if still.is_empty() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "namespaces still held: {still:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigkill_leaves_no_namespace_or_link() {
    let _serial = serial();
    if !root_or_skip("sigkill_leaves_no_namespace_or_link") {
        return;
    }
    let before = HostState::capture();
    let mut child = spawn_run(&["--duration", "30"]);
    let held = wait_for_namespaces(&child);
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_released(&held);
    before.assert_restored();
}

#[test]
fn sigterm_and_sigint_end_the_run_cleanly() {
    let _serial = serial();
    if !root_or_skip("sigterm_and_sigint_end_the_run_cleanly") {
        return;
    }
    let before = HostState::capture();
    for sig in [
        nix::sys::signal::Signal::SIGTERM,
        nix::sys::signal::Signal::SIGINT,
    ] {
        let child = spawn_run(&["--duration", "30"]);
        let held = wait_for_namespaces(&child);
        std::thread::sleep(Duration::from_millis(300));
        let t0 = Instant::now();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "{sig:?} took {:?}",
            t0.elapsed()
        );
        // An interrupted window is no result: said so, exit 130, no figures.
        assert_eq!(out.status.code(), Some(130), "{sig:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{sig:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("interrupted"),
            "{sig:?}: {out:?}"
        );
        assert_released(&held);
        before.assert_restored();
    }
}

#[test]
fn sweep_writes_the_csv_contract() {
    let _serial = serial();
    if !root_or_skip("sweep_writes_the_csv_contract") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    let t0 = Instant::now();
    Command::cargo_bin("netio-tui")
        .unwrap()
        .args([
            "sweep",
            "--strategies",
            "two-copy,zero-copy",
            "--sizes",
            "64,4K",
            "--threads",
            "1,2",
        ])
        .args(["--duration", "0.2", "--out", out.to_str().unwrap()])
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stdout(predicates::str::contains("wrote 8 configurations"));
    let elapsed = t0.elapsed();
    let reg = netio_tui::engine::metric::METRICS;
    let rows = netio_tui::model::csv::read_csv(reg, &out).unwrap();
    assert_eq!(rows.len(), 8);
    let get = |r: &netio_tui::engine::metric::Figures, name| r.get(reg, name);
    let text = std::fs::read_to_string(&out).unwrap();
    // The contract's columns first, in order; appended ones after.
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with(&(netio_tui::model::csv::COLUMNS.join(",") + ",")),
        "{header}"
    );
    assert!(
        rows.iter().all(|r| get(r, "cpu_ns").is_some()),
        "task-clock is always available"
    );
    assert!(rows.iter().all(|r| r.error.is_none()
        && get(r, "bytes") > Some(0.0)
        && get(r, "throughput_gbps") > Some(0.0)));
    assert!(rows
        .iter()
        .filter(|r| r.config.strategy == Strategy::ZeroCopy)
        .all(|r| get(r, "zc_completions").is_some()));
    assert!(rows
        .iter()
        .filter(|r| r.config.strategy == Strategy::TwoCopy)
        .all(|r| get(r, "zc_completions").is_none()));
    // Loose bound only (the machine is shared): 8 × 0.2 s plus generous overhead.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left"
    );
    before.assert_restored();
}

#[test]
fn loopback_mode_needs_no_namespaces() {
    let _serial = serial();
    // Runs with or without root.
    let before = HostState::capture();
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args([
            "run",
            "--no-netns",
            "--strategy",
            "serialize",
            "--size",
            "1K",
            "--duration",
            "0.2",
            "--verify",
        ])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let line = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        line.starts_with("serialize 1K ×1 (Nagle on, recv message"),
        "{line}"
    );
    assert!(line.contains("Gb/s"));
    before.assert_restored();
}

#[test]
fn hundreds_of_threads_keep_the_window_they_were_given() {
    let _serial = serial();
    if !root_or_skip("hundreds_of_threads_keep_the_window_they_were_given") {
        return;
    }
    let before = HostState::capture();
    // 512 connections = 1024 busy threads on this machine's cores: the sampler (real-time
    // priority) still ends the window on time, and every byte is accounted for.
    let out = Command::cargo_bin("netio-tui")
        .unwrap()
        .args([
            "run",
            "--json",
            "--verify",
            "--strategy",
            "two-copy",
            "--size",
            "64",
            "--threads",
            "512",
        ])
        .args(["--duration", "0.3"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let secs = v["duration_s"].as_f64().unwrap();
    assert!(
        (0.29..1.0).contains(&secs),
        "window {secs} s for --duration 0.3"
    );
    assert!(v["bytes"].as_u64().unwrap() > 0);
    before.assert_restored();
}

/// A named namespace and a veth pair this test creates, deleted on drop, pass or fail.
struct HostProbe {
    netns: String,
    link: String,
    peer: String,
}

impl HostProbe {
    fn create() -> HostProbe {
        let id = std::process::id();
        let probe = HostProbe {
            netns: format!("nio-probe-{id}"),
            link: format!("niop{id}a"),
            peer: format!("niop{id}b"),
        };
        run_ip(&["netns", "add", &probe.netns]);
        run_ip(&[
            "link",
            "add",
            &probe.link,
            "type",
            "veth",
            "peer",
            "name",
            &probe.peer,
        ]);
        probe
    }
}

impl Drop for HostProbe {
    fn drop(&mut self) {
        // Deleting one end of a veth pair deletes both.
        let _ = std::process::Command::new("ip")
            .args(["link", "del", &self.link])
            .output();
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &self.netns])
            .output();
    }
}

fn run_ip(args: &[&str]) {
    let out = std::process::Command::new("ip")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_host_snapshot_sees_leftovers_and_losses_but_not_what_was_there() {
    let _serial = serial();
    if !root_or_skip("the_host_snapshot_sees_leftovers_and_losses_but_not_what_was_there") {
        return;
    }
    let before = HostState::capture();
    let probe = HostProbe::create();
    let left = before.changes().join("\n");
    for name in [&probe.netns, &probe.link, &probe.peer] {
        assert!(left.contains(name.as_str()), "{name} not seen:\n{left}");
    }
    // What a host already has is not a leftover…
    let with_probe = HostState::capture();
    assert_eq!(with_probe.changes(), Vec::<String>::new());
    drop(probe);
    // …and losing it is reported.
    let lost = with_probe.changes().join("\n");
    assert!(
        lost.contains("existed before are gone") && lost.contains("nio-probe-"),
        "{lost}"
    );
    // A process of the binary still running, and what it holds, are leftovers too.
    let mut child = spawn_run(&["--duration", "30"]);
    let held = wait_for_namespaces(&child);
    let running = before.changes().join("\n");
    assert!(
        running.contains(&format!(
            "netio-tui processes left behind: [\"{}\"]",
            child.id()
        )) && held.iter().all(|n| running.contains(n.as_str())),
        "{running}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    before.assert_restored();
}

//! `--workload rr` for real over veth: every strategy makes verified round trips
//! (requests and responses checked), the percentiles are ordered, and the closed
//! loop obeys Little's law (transactions/s × mean round trip ≈ connections). A sweep
//! writes the workload column and the rr figures; stream rows leave them empty.
//! Needs root (skips with a reason otherwise).

mod common;

use assert_cmd::Command;
use common::{root_or_skip, run_json, serial, CsvRows, HostState};
use netio_tui::engine::config::Strategy;
use std::time::Duration;

#[test]
fn every_strategy_makes_verified_round_trips_that_obey_littles_law() {
    let _serial = serial();
    if !root_or_skip("every_strategy_makes_verified_round_trips_that_obey_littles_law") {
        return;
    }
    let before = HostState::capture();
    for s in Strategy::ALL {
        for (size, response) in [("64", "64"), ("5000", "same")] {
            let j = run_json(&[
                "--workload",
                "rr",
                "--strategy",
                s.name(),
                "--size",
                size,
                "--response-size",
                response,
                "--threads",
                "2",
                "--duration",
                "0.5",
                "--verify",
            ]);
            let what = format!("{s} {size} response {response}: {j}");
            assert_eq!(j["workload"], "rr", "{what}");
            let f = |k: &str| j[k].as_f64().unwrap_or_else(|| panic!("{k}: {what}"));
            assert!(f("rr_transactions") > 0.0, "{what}");
            assert!(f("rr_p50_us") <= f("rr_p90_us"), "{what}");
            assert!(f("rr_p90_us") <= f("rr_p99_us"), "{what}");
            assert!(f("rr_p99_us") <= f("rr_p999_us"), "{what}");
            assert!(f("rr_p999_us") <= f("rr_max_us"), "{what}");
            // Little's law, closed loop: each connection always has one in flight.
            let in_flight = f("rr_tps") * f("rr_mean_us") / 1e6;
            assert!(
                (in_flight - 2.0).abs() <= 0.2,
                "{in_flight:.3} in flight for 2 connections: {what}"
            );
            // Every request arrived: the messages received are the transactions
            // (one per connection may be in flight at each edge of the window; the
            // sampler reads the two a few µs apart).
            let slack = (f("rr_transactions") * 0.002).max(4.0);
            assert!(
                (f("messages") - f("rr_transactions")).abs() <= slack,
                "{what}"
            );
        }
    }
    before.assert_restored();
}

#[test]
fn a_sweep_writes_the_workload_and_rr_figures_only_where_they_apply() {
    let _serial = serial();
    if !root_or_skip("a_sweep_writes_the_workload_and_rr_figures_only_where_they_apply") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rr.csv");
    Command::cargo_bin("netio-tui")
        .unwrap()
        .timeout(Duration::from_secs(120))
        .args(["sweep", "--strategies", "one-copy", "--sizes", "64"])
        .args(["--threads", "1", "--duration", "0.3", "--repeat", "1"])
        .args(["--workload", "stream,rr", "--out"])
        .arg(&csv)
        .assert()
        .success();
    let t = CsvRows::read(&csv);
    assert_eq!(t.rows.len(), 2);
    for row in &t.rows {
        let rr = t.cell(row, "workload") == "rr";
        for col in ["rr_tps", "rr_p50_us", "rr_p99_us", "rr_transactions"] {
            assert_eq!(t.cell(row, col).is_empty(), !rr, "{col}: {row:?}");
        }
        assert_eq!(t.cell(row, "response_size"), "64");
        assert_eq!(t.cell(row, "rate"), "closed");
    }
    // Refused before anything is built: rr reads whole messages.
    Command::cargo_bin("netio-tui")
        .unwrap()
        .args([
            "run",
            "--workload",
            "rr",
            "--recv",
            "trunc",
            "--duration",
            "0.1",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--workload rr reads each request",
        ));
    before.assert_restored();
}

/// `--messages N`: each connection makes exactly N transactions (rr) or N messages
/// (stream), all of them inside the window (no warm-up; the baseline comes before the
/// workers start), and the file says N. Per connection: a requester or sender never
/// makes more than N, and the totals are N × connections, so each made N; `--verify`
/// checks that every connection's bytes sent arrived.
#[test]
fn a_fixed_amount_is_exactly_n_per_connection() {
    let _serial = serial();
    if !root_or_skip("a_fixed_amount_is_exactly_n_per_connection") {
        return;
    }
    let before = HostState::capture();
    for s in [Strategy::OneCopy, Strategy::ZeroCopy, Strategy::Uring] {
        let rr = run_json(&[
            "--workload",
            "rr",
            "--strategy",
            s.name(),
            "--messages",
            "1000",
            "--threads",
            "2",
            "--verify",
        ]);
        let what = format!("{s} rr: {rr}");
        assert_eq!(rr["rr_transactions"], 2000, "{what}");
        assert_eq!(rr["fixed_messages"], 1000, "{what}");
        // Every request arrived, and the round trips are all of them.
        assert_eq!(rr["messages"], 2000, "{what}");
        assert!(rr["duration_s"].as_f64().unwrap() > 0.0, "{what}");
        let stream = run_json(&[
            "--strategy",
            s.name(),
            "--size",
            "1000",
            "--messages",
            "3000",
            "--threads",
            "2",
            "--verify",
        ]);
        let what = format!("{s} stream: {stream}");
        assert_eq!(stream["bytes"], 2 * 3000 * 1000, "{what}");
        assert_eq!(stream["messages"], 2 * 3000, "{what}");
        assert_eq!(stream["fixed_messages"], 3000, "{what}");
    }
    // A timed window says no amount.
    let timed = run_json(&["--duration", "0.2"]);
    assert!(timed["fixed_messages"].is_null(), "{timed}");
    // Bad values and combinations: exit 2, one line.
    for args in [
        vec!["--messages", "0"],
        vec!["--messages", "ten"],
        vec!["--messages", "10", "--duration", "1"],
        vec!["--messages", "10", "--warmup", "0.1"],
    ] {
        let out = Command::cargo_bin("netio-tui")
            .unwrap()
            .arg("run")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("--messages"), "{args:?}: {err}");
    }
    before.assert_restored();
}

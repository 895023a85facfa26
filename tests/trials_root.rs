//! `--repeat` for real over veth: a sweep's trials, interleaved, become one row per
//! configuration whose figures are medians inside their intervals, and `--trials-out`
//! keeps every trial in the order it was measured; `run --repeat` says the same in
//! JSON. Needs root (skips with a reason otherwise); CI runs as root.

mod common;

use assert_cmd::Command;
use common::{root_or_skip, run_json, serial, CsvRows, HostState};
use netio_tui::engine::metric::id::THROUGHPUT_GBPS;
use netio_tui::engine::metric::METRICS;
use std::time::Duration;

#[test]
fn a_repeated_sweep_writes_medians_with_intervals_and_every_trial() {
    let _serial = serial();
    if !root_or_skip("a_repeated_sweep_writes_medians_with_intervals_and_every_trial") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let (out, each) = (dir.path().join("s.csv"), dir.path().join("each.csv"));
    let o = Command::cargo_bin("netio-tui")
        .unwrap()
        .args([
            "sweep",
            "--strategies",
            "two-copy,one-copy",
            "--sizes",
            "4K",
        ])
        .args(["--threads", "1", "--repeat", "3", "--duration", "0.2"])
        .arg("--out")
        .arg(&out)
        .arg("--trials-out")
        .arg(&each)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&o.get_output().stdout).to_string();
    assert!(stdout.contains("wrote 2 configurations"), "{stdout}");
    assert!(stdout.contains("wrote 6 trials"), "{stdout}");
    let stderr = String::from_utf8_lossy(&o.get_output().stderr).to_string();
    assert_eq!(stderr.matches("trial 3/3:").count(), 2, "{stderr}");

    let rows = netio_tui::model::csv::read_csv(METRICS, &out).unwrap();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert!(r.error.is_none(), "{r:?}");
        assert_eq!(r.trials, 3);
        let median = r.get(METRICS, THROUGHPUT_GBPS).unwrap();
        let iv = r.interval(METRICS, THROUGHPUT_GBPS).unwrap();
        assert!(
            iv.lo <= median && median <= iv.hi && iv.lo > 0.0,
            "{median} outside {iv:?}"
        );
    }

    // Every trial, in measuring order: pass 1 over both configurations, then pass 2, 3.
    let table = CsvRows::read(&each);
    let order: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| (table.cell(r, "strategy"), table.cell(r, "trial")))
        .collect();
    let expect: Vec<(String, String)> = ["1", "2", "3"]
        .iter()
        .flat_map(|t| ["two-copy", "one-copy"].map(|s| (s.to_string(), t.to_string())))
        .collect();
    assert_eq!(order, expect);
    assert!(table.rows.iter().all(|r| table.cell(r, "trials") == "1"));
    // The row's median is the median of its trials as they were written.
    let singles = netio_tui::model::csv::read_csv(METRICS, &each).unwrap();
    for r in &rows {
        let mut tp: Vec<f64> = singles
            .iter()
            .filter(|s| s.config == r.config)
            .map(|s| s.get(METRICS, THROUGHPUT_GBPS).unwrap())
            .collect();
        tp.sort_by(f64::total_cmp);
        let median = r.get(METRICS, THROUGHPUT_GBPS).unwrap();
        assert!(
            (tp[1] - median).abs() <= 1e-4 * median,
            "{tp:?} vs {median}"
        );
        let iv = r.interval(METRICS, THROUGHPUT_GBPS).unwrap();
        assert_eq!((iv.lo, iv.hi), (tp[0], tp[2]), "3 trials: min to max");
    }
    before.assert_restored();
}

#[test]
fn run_repeat_prints_the_median_and_interval_in_json() {
    let _serial = serial();
    if !root_or_skip("run_repeat_prints_the_median_and_interval_in_json") {
        return;
    }
    let json = run_json(&[
        "--strategy",
        "one-copy",
        "--size",
        "16K",
        "--duration",
        "0.2",
        "--repeat",
        "5",
    ]);
    assert_eq!(json["trials"], 5, "{json}");
    let median = json["throughput_gbps"].as_f64().unwrap();
    let (lo, hi) = (
        json["throughput_gbps_lo"].as_f64().unwrap(),
        json["throughput_gbps_hi"].as_f64().unwrap(),
    );
    assert!(lo <= median && median <= hi, "{json}");
    assert!(json["cpu_ns_per_byte_lo"].is_number(), "{json}");
}

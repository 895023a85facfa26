//! The held-out check on two fixture CSVs (tests/fixtures/trials-run-{a,b}.csv):
//! the same 30 configurations, five trials each, written twice with medians that move
//! within each other's intervals. A naive comparison of medians flips between the two;
//! the answers must not: no "A beats B" in one and "B beats A" in the other, and every
//! "beats" claim's intervals are disjoint in its own CSV.

use assert_cmd::Command;
use netio_tui::engine::config::Config;
use netio_tui::engine::metric::{Figures, Interval, HEADLINE, METRICS};
use netio_tui::model::insight::{answers, Beat};
use std::collections::HashMap;
use std::path::Path;

const RUNS: [&str; 2] = [
    "tests/fixtures/trials-run-a.csv",
    "tests/fixtures/trials-run-b.csv",
];

/// (strategy, size, threads) → column → cell, straight from the file.
type Raw = HashMap<(String, usize, usize), HashMap<String, String>>;

fn raw(path: &str) -> Raw {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let m: HashMap<String, String> = head
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect();
            let k = (
                m["strategy"].clone(),
                m["msg_size"].parse().unwrap(),
                m["threads"].parse().unwrap(),
            );
            (k, m)
        })
        .collect()
}

fn key(c: &Config) -> (String, usize, usize) {
    (c.strategy.name().to_string(), c.msg_size, c.threads)
}

/// The file's interval of a figure in a cell, from its `<name>_lo`/`<name>_hi` columns.
fn file_interval(raw: &Raw, c: &Config, name: &str) -> Option<Interval> {
    let cells = &raw[&key(c)];
    let end = |s: &str| cells.get(&format!("{name}_{s}"))?.parse::<f64>().ok();
    Some(Interval {
        lo: end("lo")?,
        hi: end("hi")?,
        coverage: 0.9375,
    })
}

/// The rows as `read_csv` gives them; where the reader does not yet carry the trial
/// columns, the intervals and trial count are taken from the file as the contract
/// (docs/csv.md) writes them, and where it does, they must agree with the file.
fn rows(path: &str) -> (Vec<Figures>, Raw) {
    let raw = raw(path);
    let mut rows = netio_tui::model::csv::read_csv(METRICS, Path::new(path)).unwrap();
    for r in &mut rows {
        let cells = &raw[&key(&r.config)];
        for (i, m) in METRICS.iter().enumerate() {
            if !HEADLINE.iter().any(|h| h.name() == m.name) {
                continue;
            }
            let want = file_interval(&raw, &r.config, m.name);
            match r.intervals[i] {
                Some(got) => {
                    let w = want.unwrap();
                    assert!((got.lo - w.lo).abs() < 1e-9 && (got.hi - w.hi).abs() < 1e-9);
                }
                None => r.intervals[i] = want,
            }
        }
        r.trials = cells["trials"].parse().unwrap();
    }
    (rows, raw)
}

#[test]
fn two_runs_of_the_same_sweep_never_contradict_each_other() {
    let runs: Vec<(Vec<Figures>, Raw)> = RUNS.iter().map(|p| rows(p)).collect();
    // The fixtures are fair: a naive comparison of medians flips somewhere.
    let gbps = |raw: &Raw, c: &Config| -> f64 { raw[&key(c)]["throughput_gbps"].parse().unwrap() };
    let configs: Vec<Config> = runs[0].0.iter().map(|r| r.config).collect();
    let flips = configs
        .iter()
        .flat_map(|a| configs.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b)
        .filter(|(a, b)| {
            (gbps(&runs[0].1, a) > gbps(&runs[0].1, b))
                != (gbps(&runs[1].1, a) > gbps(&runs[1].1, b))
        })
        .count();
    assert!(
        flips >= 5,
        "only {flips} naive flips: the fixtures prove nothing"
    );

    let beats: Vec<Vec<Beat>> = runs
        .iter()
        .map(|(rows, _)| {
            answers(METRICS, rows, None)
                .into_iter()
                .flat_map(|a| a.beats)
                .collect()
        })
        .collect();
    assert!(beats.iter().all(|b| !b.is_empty()), "no claims: {beats:?}");
    for b in &beats[0] {
        assert!(
            !beats[1]
                .iter()
                .any(|o| o.winner == b.loser && o.loser == b.winner && o.metric == b.metric),
            "{} beats {} in run a, the opposite in run b",
            b.winner,
            b.loser
        );
    }
    // Every claim's intervals, as its CSV writes them, are disjoint, the winner's above.
    for ((_, raw), bs) in runs.iter().zip(&beats) {
        for b in bs {
            let w = file_interval(raw, &b.winner, b.metric.name()).unwrap();
            let l = file_interval(raw, &b.loser, b.metric.name()).unwrap();
            assert!(w.lo > l.hi, "{b:?}: {w:?} against {l:?}");
        }
    }
    // And `report` reads both files.
    for p in RUNS {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.md");
        Command::cargo_bin("netio-tui")
            .unwrap()
            .args(["report", p, "--out", out.to_str().unwrap()])
            .assert()
            .success();
    }
}

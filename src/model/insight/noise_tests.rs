//! The answers on figures with intervals: "beats" only where the intervals are apart,
//! "indistinguishable" with both intervals where they overlap, and the issue's
//! held-out check — two data sets of the same configurations whose medians flip
//! within overlapping intervals never give opposite verdicts.

use super::noise::{apart, Apart};
use super::*;
use crate::engine::config::Strategy;
use crate::engine::metric::{id, Figures, Interval, MetricId, METRICS};

const GBPS: MetricId = id::THROUGHPUT_GBPS;

/// A figure: metric, median, and its interval (lo, hi) where it has one.
type Fig = (MetricId, f64, Option<(f64, f64)>);

/// A cell of `trials` trials: each figure its median, and an interval (lo, hi) where
/// given.
fn cell(c: Config, trials: usize, figures: &[Fig]) -> Figures {
    let pick = |m: &crate::engine::metric::MetricDef| figures.iter().find(|f| f.0 == m.id());
    Figures {
        config: c,
        values: METRICS.iter().map(|m| pick(m).map(|f| f.1)).collect(),
        trials,
        intervals: METRICS
            .iter()
            .map(|m| {
                let (lo, hi) = pick(m)?.2?;
                Some(Interval {
                    lo,
                    hi,
                    coverage: 0.9375,
                })
            })
            .collect(),
        kernel: None,
        peer: None,
        error: None,
    }
}

/// Five trials' throughput: median `m`, interval m·(1 − w) … m·(1 + w).
fn gbps(c: Config, m: f64, w: f64) -> Figures {
    cell(c, 5, &[(GBPS, m, Some((m * (1.0 - w), m * (1.0 + w))))])
}

fn text(a: &Answer) -> &str {
    a.answer.as_deref().unwrap_or_default()
}

#[test]
fn overlapping_intervals_are_indistinguishable_and_quote_both() {
    // One-copy 3 % ahead of two-copy at every size, each ±10 %: no crossover.
    let mut rows = Vec::new();
    for z in [64, 1024, 4096] {
        rows.push(gbps(Config::new(Strategy::TwoCopy, z, 1), 10.0, 0.1));
        rows.push(gbps(Config::new(Strategy::OneCopy, z, 1), 10.3, 0.1));
        rows.push(gbps(Config::new(Strategy::ZeroCopy, z, 1), 9.7, 0.1));
    }
    let a = answers(METRICS, &rows, None);
    let one = text(&a[3]);
    assert!(
        one.contains("no crossover distinguishable up to 4K (there not distinguishable: one-copy 10 Gb/s [9–11] against two-copy 10 Gb/s [9–11])"),
        "{one}"
    );
    assert!(!one.contains("beats"), "{one}");
    let zc = text(&a[0]);
    assert!(zc.contains("indistinguishable on this machine"), "{zc}");
    assert!(
        zc.contains("9.7 Gb/s [8.7–10.7] against one-copy 10 Gb/s [9–11]"),
        "{zc}"
    );
    assert!(a.iter().all(|x| x.beats.is_empty()), "{a:?}");
    // Five trials each: no one-trial caveat.
    assert!(a.iter().all(|x| !text(x).contains("one trial")), "{a:?}");
}

#[test]
fn disjoint_intervals_beat_and_the_crossover_is_where_they_part() {
    // One-copy behind at 64 B, level at 1K, ahead with apart intervals from 4K on.
    let mut rows = Vec::new();
    for (z, two, one) in [
        (64, 10.0, 7.0),
        (1024, 10.0, 10.5),
        (4096, 10.0, 13.0),
        (16384, 10.0, 16.0),
    ] {
        rows.push(gbps(Config::new(Strategy::TwoCopy, z, 1), two, 0.05));
        rows.push(gbps(Config::new(Strategy::OneCopy, z, 1), one, 0.05));
    }
    let a = answers(METRICS, &rows, None);
    let t = text(&a[3]);
    assert!(
        t.contains("one-copy beats two-copy from the size given on"),
        "{t}"
    );
    assert!(
        t.contains("from 4K on (one-copy 13.0 Gb/s [12.3–13.7] against two-copy 10.0 Gb/s [9.5–10.5]; intervals apart at every larger size measured), at 1K not distinguishable"),
        "{t}"
    );
    let beats: Vec<(usize, Strategy)> = a[3]
        .beats
        .iter()
        .map(|b| (b.winner.msg_size, b.winner.strategy))
        .collect();
    assert_eq!(
        beats,
        [(4096, Strategy::OneCopy), (16384, Strategy::OneCopy)],
        "{t}"
    );
    assert!(a[3].cited.iter().any(|c| c.config.msg_size == 1024));
}

#[test]
fn the_unexpected_result_is_a_cell_outside_its_neighbours_band_or_none() {
    // Throughput proportional to size, ±5 %; one-copy 1K at 0.7 of its line.
    let rows = |dip: f64, w: f64| -> Vec<Figures> {
        [64usize, 256, 1024, 4096]
            .into_iter()
            .map(|z| {
                let c = Config::new(Strategy::OneCopy, z, 1);
                let f = if z == 1024 { dip } else { 1.0 };
                let m = z as f64 / 100.0 * f;
                let segs = if z == 1024 { 3.0 * f.recip() } else { 1.0 };
                let cpu = 10.0 / f;
                cell(
                    c,
                    5,
                    &[
                        (GBPS, m, Some((m * (1.0 - w), m * (1.0 + w)))),
                        (id::CPU_NS_PER_BYTE, cpu, Some((cpu * 0.95, cpu * 1.05))),
                        (id::SEGS_PER_MSG, segs, None),
                        (id::CONTEXT_SWITCHES, 100.0, None),
                    ],
                )
            })
            .collect()
    };
    // 0.7 with ±5 % intervals: outside the band; CPU time per byte moved beyond its
    // interval, segments per message beyond 2×, context switches not at all.
    let a = answers(METRICS, &rows(0.7, 0.05), None);
    let t = text(&a[5]);
    assert!(t.contains("one-copy 1K ×1 at 7.2 Gb/s"), "{t}");
    assert!(t.contains("1.43× below"), "{t}");
    assert!(t.contains("cpu_ns_per_byte = 14.3 ns/B [13.6–15.0]"), "{t}");
    assert!(t.contains("segs_per_msg = 4.29"), "{t}");
    assert!(!t.contains("context_switches ="), "{t}");
    // The same dip with ±30 % intervals lies within the band: nothing is claimed.
    let a = answers(METRICS, &rows(0.7, 0.3), None);
    let t = text(&a[5]);
    assert!(t.starts_with("No unexpected result is claimed"), "{t}");
    assert!(t.contains("within the noise"), "{t}");
}

/// The held-out check, in memory: the same configurations measured twice,
/// medians moving within each other's intervals (so a naive comparison of medians
/// flips), must give no opposite verdicts, and every "beats" rests on disjoint
/// intervals in its own data set.
#[test]
fn two_runs_whose_medians_flip_within_the_noise_never_contradict_each_other() {
    // A small deterministic generator for the second run's drift.
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut uniform = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let sizes = [64usize, 256, 1024, 4096, 16384];
    let truth = |st: Strategy, z: usize, t: usize| -> f64 {
        let base = (z as f64).ln() * t as f64;
        match st {
            Strategy::TwoCopy => base,
            Strategy::OneCopy => base * if z >= 4096 { 1.6 } else { 1.02 },
            _ => base * if z >= 16384 { 1.3 } else { 0.98 },
        }
    };
    let run = |drift: &mut dyn FnMut() -> f64| -> Vec<Figures> {
        let mut rows = Vec::new();
        for st in Strategy::COURSE {
            for &z in &sizes {
                for t in [1, 2, 4] {
                    let c = Config::new(st, z, t);
                    // The median wanders ±8 % run to run; the interval is ±12 % around it.
                    let m = truth(st, z, t) * (1.0 + 0.16 * (drift() - 0.5));
                    let cpu = 100.0 / m;
                    rows.push(cell(
                        c,
                        5,
                        &[
                            (GBPS, m, Some((m * 0.88, m * 1.12))),
                            (id::CPU_NS_PER_BYTE, cpu, Some((cpu * 0.88, cpu * 1.12))),
                            (id::CONTEXT_SWITCHES, 50.0 + 40.0 * drift(), None),
                            (id::DURATION_S, 1.0, None),
                            (id::BYTES, 1e9, None),
                        ],
                    ));
                }
            }
        }
        rows
    };
    let first = run(&mut uniform);
    let second = run(&mut uniform);
    // The fixtures are fair: some pairs' medians do flip between the runs.
    let naive = |rows: &[Figures], a: Config, b: Config| {
        let g = |c: Config| {
            rows.iter()
                .find(|r| r.config == c)
                .unwrap()
                .get(METRICS, GBPS)
        };
        g(a) > g(b)
    };
    let flips = first
        .iter()
        .flat_map(|r| first.iter().map(move |o| (r.config, o.config)))
        .filter(|(a, b)| a < b && naive(&first, *a, *b) != naive(&second, *a, *b))
        .count();
    assert!(
        flips > 5,
        "only {flips} naive flips: the test proves nothing"
    );

    let beats = |rows: &[Figures]| -> Vec<Beat> {
        answers(METRICS, rows, Some(4))
            .into_iter()
            .flat_map(|a| a.beats)
            .collect()
    };
    let (b1, b2) = (beats(&first), beats(&second));
    assert!(!b1.is_empty() && !b2.is_empty(), "no claims at all: {b1:?}");
    for b in &b1 {
        assert!(
            !b2.iter()
                .any(|o| o.winner == b.loser && o.loser == b.winner && o.metric == b.metric),
            "{} beats {} in one run, the opposite in the other",
            b.winner,
            b.loser
        );
    }
    for (rows, bs) in [(&first, &b1), (&second, &b2)] {
        let iv = |c: &Config, m: MetricId| {
            rows.iter()
                .find(|r| r.config == *c)
                .unwrap()
                .interval(METRICS, m)
                .unwrap()
        };
        for b in bs.iter() {
            let (w, l) = (iv(&b.winner, b.metric), iv(&b.loser, b.metric));
            assert!(!w.overlaps(&l) && w.lo > l.hi, "{b:?}: {w:?} against {l:?}");
        }
    }
}

/// One-trial figures: differences inside the 0.69–1.80 run-to-run spread the issue
/// measured never become a verdict, so two such runs cannot contradict each other
/// (opposite verdicts would need the ratio to move more than 4×).
#[test]
fn one_trial_runs_within_the_measured_spread_never_contradict_each_other() {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut uniform = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let run = |spread: &mut dyn FnMut() -> f64| -> Vec<Figures> {
        let mut rows = Vec::new();
        for st in Strategy::COURSE {
            for z in [64usize, 256, 1024, 4096] {
                for t in [1, 2] {
                    let base = z as f64 / 64.0 * if st == Strategy::OneCopy { 1.5 } else { 1.0 };
                    let m = base * (0.69 + 1.11 * spread());
                    rows.push(cell(Config::new(st, z, t), 1, &[(GBPS, m, None)]));
                }
            }
        }
        rows
    };
    let (first, second) = (run(&mut uniform), run(&mut uniform));
    let (a1, a2) = (
        answers(METRICS, &first, None),
        answers(METRICS, &second, None),
    );
    for (x, y) in a1.iter().zip(&a2) {
        for b in &x.beats {
            assert!(
                !y.beats
                    .iter()
                    .any(|o| o.winner == b.loser && o.loser == b.winner),
                "{b:?}"
            );
        }
    }
    for a in a1.iter().chain(&a2).filter(|a| a.answer.is_some()) {
        assert!(text(a).contains("rest on one trial each") && text(a).contains("--repeat 5"));
        for b in &a.beats {
            let rows = if a1.contains(a) { &first } else { &second };
            let g = |c: &Config| {
                rows.iter()
                    .find(|r| r.config == *c)
                    .unwrap()
                    .get(METRICS, b.metric)
                    .unwrap()
            };
            assert_eq!(
                apart(g(&b.winner), None, g(&b.loser), None),
                Apart::Above,
                "{b:?}"
            );
        }
    }
}

use super::breakdown::side_columns;
use super::cache::{CACHE_LEVELS, EVIDENCE};
use super::cells::GBPS;
use super::surprise::SURPRISE_EVIDENCE;
use super::*;
use crate::engine::config::Strategy;
use crate::engine::metric::{find, id, Figures, MetricId, METRICS};
use crate::engine::profile::Bucket;

fn row(c: Config, figures: &[(MetricId, f64)]) -> Figures {
    Figures {
        config: c,
        values: METRICS
            .iter()
            .map(|m| figures.iter().find(|(n, _)| *n == m.id()).map(|x| x.1))
            .collect(),
        trials: 1,
        intervals: vec![None; METRICS.len()],
        kernel: None,
        peer: None,
        error: None,
    }
}

fn sweep(
    gbps: impl Fn(Strategy, usize) -> f64,
    segs: impl Fn(Strategy, usize) -> f64,
) -> Vec<Figures> {
    let mut rows = Vec::new();
    for s in Strategy::COURSE {
        for z in [64, 256, 1024, 4096] {
            rows.push(row(
                Config::new(s, z, 1),
                &[
                    (GBPS, gbps(s, z)),
                    (id::SEGS_PER_MSG, segs(s, z)),
                    (id::ZC_COPIED_PCT, 100.0),
                    (id::BYTES, 1e9),
                ],
            ));
        }
    }
    rows
}

#[test]
fn every_metric_the_answers_quote_is_in_the_registry() {
    let quoted = CACHE_LEVELS
        .iter()
        .map(|(m, _)| m)
        .chain(&EVIDENCE)
        .chain(&SURPRISE_EVIDENCE)
        .chain([&GBPS, &id::BYTES, &id::DURATION_S, &id::CONTEXT_SWITCHES])
        .chain(&[id::ZC_COPIED_PCT, id::TX_SYSCALLS_PER_MSG]);
    for m in quoted {
        assert!(find(METRICS, m).is_some(), "{m}");
    }
    for sender in [true, false] {
        let (total, buckets) = side_columns(&Cells::new(METRICS, &[]), sender).unwrap();
        assert_eq!(buckets.len(), Bucket::ALL.len());
        assert!(find(METRICS, total).is_some());
    }
}

#[test]
fn a_strategy_that_never_wins_says_what_to_measure_and_cites_the_largest_size() {
    let rows = sweep(
        |s, z| z as f64 * if s == Strategy::ZeroCopy { 0.4 } else { 1.0 },
        |_, _| 1.0,
    );
    let a = answers(METRICS, &rows, Some(2));
    let zc = &a[4];
    assert!(
        zc.answer
            .as_deref()
            .unwrap()
            .contains("no crossover distinguishable up to 4K (there two-copy ahead"),
        "{zc:?}"
    );
    assert!(zc.measure.as_deref().unwrap().contains("16K"), "{zc:?}");
    assert_eq!(zc.cited[0].config, Config::new(Strategy::ZeroCopy, 4096, 1));
    // Zero-copy slower everywhere, and the kernel copied all of it.
    let why = a[0].answer.as_deref().unwrap();
    assert!(
        why.contains("in 4 of 4 cells") && why.contains("100%"),
        "{why}"
    );
    // No cache counters: the cache question says what to measure.
    assert!(a[1].measure.as_deref().unwrap().contains("PMU"));
    // One thread count only: the threads question cannot be answered.
    assert!(a[2].answer.is_none() && a[2].measure.as_deref().unwrap().contains("--threads"));
}

#[test]
fn the_surprise_is_the_outlier_and_names_the_counter_that_moved_with_it() {
    let rows = sweep(
        |s, z| {
            let dip = s == Strategy::OneCopy && z == 1024;
            z as f64 * if dip { 0.2 } else { 1.0 }
        },
        |s, z| {
            if s == Strategy::OneCopy && z == 1024 {
                6.0
            } else {
                1.0
            }
        },
    );
    let a = answers(METRICS, &rows, None);
    let t = a[5].answer.as_deref().unwrap();
    assert!(t.contains("one-copy 1K ×1") && t.contains("below"), "{t}");
    assert!(t.contains("segs_per_msg = 6.00"), "{t}");
    assert!(a[5].measure.is_none());
}

//! What the source reports: history, the live cell, the matrix, failures.

use super::*;
use crate::app::history;
use crate::engine::sample::ZcStats;

#[test]
fn events_fill_history_live_cell_and_matrix() {
    let mut a = app();
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    assert_eq!(a.phase, Phase::WarmingUp);
    a.update(Action::Engine(sample(START, 0, 8.0)));
    a.update(Action::Engine(sample(START, 1, 4.0)));
    assert_eq!(a.phase, Phase::Measuring);
    assert_eq!(a.history.len(), 2);
    let l = a.live.clone().unwrap();
    assert_eq!(l.samples, 2);
    assert!((gbps(&l.total) - 6.0).abs() < 0.01);
    // Half a second is under the minimum window: no row yet.
    assert!(a.matrix_rows().is_empty());
    a.update(Action::Engine(sample(START, 2, 8.0)));
    a.update(Action::Engine(sample(START, 3, 4.0)));
    // The live row shows in the matrix view once steady, before Finished arrives.
    let rows = a
        .matrix
        .rows_with_live(a.metrics, a.live.as_ref(), a.min_window);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].live);

    a.update(Action::Engine(finished(START, 1.0, 6.0)));
    assert!(a.live.is_none());
    assert_eq!(a.matrix.len(), 1);
    assert_eq!(a.unexported, 1);
    // Measured again: the new window is a second trial of the row, whose figure is
    // the median of its trials (not the two windows summed, which says 3.6).
    a.update(Action::Engine(finished(START, 1.5, 2.0)));
    assert_eq!(a.matrix.trials(&START).unwrap().len(), 2);
    let row_gbps = |a: &App| {
        let rows = a.matrix_rows();
        assert_eq!(rows.len(), 1);
        a.columns()[0].value(&rows[0]).unwrap()
    };
    assert!((row_gbps(&a) - 4.0).abs() < 0.01, "{}", row_gbps(&a));
    // A window passed through while pressing keys is no row, and adds nothing.
    a.update(Action::Engine(finished(START, 0.4, 50.0)));
    assert_eq!(a.matrix.trials(&START).unwrap().len(), 2);
    assert!((row_gbps(&a) - 4.0).abs() < 0.01);
    // A third trial: the row has an interval, and the export says so.
    a.update(Action::Engine(finished(START, 1.0, 3.0)));
    assert!((row_gbps(&a) - 3.0).abs() < 0.01);
    let i = a.columns()[0].interval(&a.matrix_rows()[0]).unwrap();
    assert!(
        (i.lo - 2.0).abs() < 0.01 && (i.hi - 6.0).abs() < 0.01,
        "{i:?}"
    );
    let export = a.export_rows();
    assert_eq!(export[0].trials, 3);
    assert_eq!(export[0].interval(a.metrics, id::THROUGHPUT_GBPS), Some(i));
    // An empty window (switched away during warm-up) is not a result.
    let other = Config::new(Strategy::TwoCopy, 64, 1);
    a.update(Action::Engine(finished(other, 0.0, 0.0)));
    assert_eq!(a.matrix.len(), 1);

    a.update(Action::Engine(EngineEvent::Notice {
        message: "hello".into(),
    }));
    assert_eq!(a.status.as_ref().unwrap().text, "hello");
}

#[test]
fn history_is_pruned_to_its_window() {
    let mut a = app();
    for i in 0..(history::WINDOW as u64 + 50) {
        a.update(Action::Engine(sample(START, i, 1.0)));
    }
    assert_eq!(a.history.len(), history::WINDOW);
}

#[test]
fn zero_copy_figures_merge() {
    let a = Measured {
        zc: Some(ZcStats {
            sends: 1,
            completions: 1,
            copied: 1,
            enobufs: 0,
        }),
        ..Default::default()
    };
    let b = Measured {
        zc: Some(ZcStats {
            sends: 3,
            completions: 3,
            copied: 1,
            enobufs: 2,
        }),
        ..Default::default()
    };
    let s = a.then(&b).zc.unwrap();
    assert_eq!((s.completions, s.copied, s.enobufs), (4, 2, 2));
    assert_eq!(a.then(&Measured::default()).zc, a.zc);
}

#[test]
fn a_failure_pauses_so_space_retries() {
    let mut a = app();
    let fx = a.update(Action::Engine(EngineEvent::Failed {
        config: START,
        failure: crate::engine::sample::Failure::NoData,
    }));
    assert_eq!(fx, vec![Effect::Control(Control::Pause)]);
    assert!(a.paused);
    assert_eq!(a.phase, Phase::Paused);
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Resume)]
    );
}

//! The matrix as shown: best values, scrolling, sorting, filtering.

use super::*;
use crate::app::keys::action_for_key;
use crate::app::matrix::{self, best, Column};
use crate::engine::metric::{id, MetricId};

fn column(name: MetricId) -> Column {
    let metric = name.def();
    Column {
        metric,
        index: crate::engine::metric::METRICS
            .iter()
            .position(|m| m.name == metric.name)
            .unwrap(),
        view: crate::view::of(crate::view::VIEWS, metric)
            .matrix
            .unwrap()
            .1,
    }
}

#[test]
fn best_values_per_column() {
    let mut a = app();
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    let slow = Config::new(Strategy::TwoCopy, 4096, 1);
    a.update(Action::Engine(finished(slow, 1.0, 2.0)));
    let rows = a.matrix.rows_with_live(a.metrics, None, a.min_window);
    assert_eq!(
        best(&column(id::THROUGHPUT_GBPS), &rows),
        Some(
            rows.iter()
                .map(|r| gbps(&r.trials[0].total))
                .fold(0.0, f64::max)
        )
    );
    // cycles/byte are equal here (cycles = bytes per side): both are 2.0.
    assert!((best(&column(id::CYCLES_PER_BYTE), &rows).unwrap() - 2.0).abs() < 1e-9);
}

fn matrix_of_48() -> App {
    let mut a = app();
    for c in crate::model::plan::course_plan() {
        a.update(Action::Engine(finished(
            c,
            2.0,
            c.msg_size as f64 / 1000.0 + c.threads as f64,
        )));
    }
    a
}

#[test]
fn the_matrix_scrolls_sorts_and_filters() {
    let mut a = matrix_of_48();
    assert_eq!(a.matrix_rows().len(), 48);
    assert_eq!(a.view.start(48, 10, a.current_row(&a.matrix_rows())), {
        let i = a.current_row(&a.matrix_rows()).unwrap();
        (i + 1).saturating_sub(6).min(38)
    });
    a.update(action_for_key(key(KeyCode::Home)).unwrap());
    assert_eq!(a.view.start(48, 10, None), 0);
    a.update(action_for_key(key(KeyCode::PageDown)).unwrap());
    assert_eq!(a.view.start(48, 10, None), PAGE);
    a.update(action_for_key(key(KeyCode::End)).unwrap());
    assert_eq!(a.view.start(48, 10, None), 38);
    a.update(action_for_key(key(KeyCode::PageUp)).unwrap());
    assert_eq!(a.view.start(48, 10, None), 28);
    // A configuration change brings the current row back into view.
    a.update(Action::NextStrategy);
    assert_eq!(a.view.scroll, None);

    // Sort by the first column (Gbps): best first.
    a.update(action_for_key(key(KeyCode::Char('o'))).unwrap());
    assert_eq!(a.view.sort, Some(0));
    let col = a.columns()[0];
    let vals: Vec<f64> = a
        .matrix_rows()
        .iter()
        .map(|r| col.value(r).unwrap())
        .collect();
    assert!(vals.windows(2).all(|w| w[0] >= w[1]), "{vals:?}");

    // Filter: all → 1 thread → … ; every row kept has 1 thread.
    a.update(action_for_key(key(KeyCode::Char('f'))).unwrap());
    let rows = a.matrix_rows();
    assert!(!rows.is_empty() && rows.len() < 48);
    assert!(rows.iter().all(|r| r.config.threads == 1));
    let mut seen = 1;
    while a.view.filter != matrix::Filter::All {
        a.update(Action::NextFilter);
        seen += 1;
        assert!(seen < 20, "the filters cycle back to all");
    }
    assert_eq!(a.matrix_rows().len(), 48);
}

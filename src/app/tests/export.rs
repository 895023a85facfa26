//! Export, reset and quit: what the user keeps of the matrix.

use super::*;
use crate::engine::metric::METRICS;
use std::path::PathBuf;

#[test]
fn export_needs_a_matrix_and_reports_where_and_failures() {
    let mut a = app();
    assert_eq!(a.update(Action::Export), vec![]);
    assert!(a.status.as_ref().unwrap().error);
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    let fx = a.update(Action::Export);
    let [Effect::Export(rows)] = fx.as_slice() else {
        panic!("{fx:?}");
    };

    let dir = tempfile::tempdir().unwrap();
    let export =
        |dir: &std::path::Path, stamp| crate::model::csv::export(METRICS, rows, dir, stamp);
    let p1 = export(dir.path(), "20250101-000000").unwrap();
    let p2 = export(dir.path(), "20250101-000000").unwrap();
    assert_ne!(
        p1, p2,
        "a second export in the same second does not overwrite"
    );
    let back = crate::model::csv::read_csv(METRICS, &p1).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].config, START);
    a.update(Action::Exported(Ok(p1.clone())));
    assert!(a
        .status
        .as_ref()
        .unwrap()
        .text
        .contains(&p1.display().to_string()));

    let err = export(&dir.path().join("missing"), "x").unwrap_err();
    a.update(Action::Exported(Err(err)));
    let s = a.status.clone().unwrap();
    assert!(s.error && s.text.contains("missing"), "{s:?}");
    assert_eq!(a.matrix.len(), 1, "matrix kept after a failed export");
}

#[test]
fn export_includes_the_configuration_being_measured() {
    let mut a = app();
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    for seq in 0..4 {
        a.update(Action::Engine(sample(START, seq, 4.0)));
    }
    assert!(matches!(a.update(Action::Export).as_slice(), [Effect::Export(r)] if r.len() == 1));
    let rows = a.export_rows();
    assert_eq!(rows.len(), 1);
    assert!((rows[0].get(METRICS, "throughput_gbps").unwrap() - 4.0).abs() < 0.01);
}

#[test]
fn reset_clears_the_matrix() {
    let mut a = app();
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    assert_eq!(a.matrix.len(), 1);
    assert_eq!(a.update(Action::ResetMatrix), vec![]);
    assert!(a.matrix.is_empty());
}

#[test]
fn reset_restarts_the_current_window_and_drops_its_old_time() {
    let mut a = app();
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    for seq in 0..8 {
        a.update(Action::Engine(sample(START, seq, 4.0)));
    }
    assert_eq!(
        a.update(Action::ResetMatrix),
        vec![Effect::Control(Control::SetConfig(START))]
    );
    assert!(a.live.is_none());
    // The engine ends the old window (2 s before the reset): not a row.
    a.update(Action::Engine(finished(START, 2.0, 4.0)));
    assert!(a.matrix.is_empty());
    // The new window counts.
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    a.update(Action::Engine(finished(START, 1.25, 4.0)));
    let trials = a.matrix.trials(&START).unwrap();
    assert_eq!(trials.len(), 1);
    assert!((trials[0].total.seconds - 1.25).abs() < 1e-9);
}

#[test]
fn quit_asks_the_loop_to_end() {
    let mut a = app();
    assert_eq!(a.update(Action::Quit), vec![Effect::Quit]);
    assert!(a.quit);
}

#[test]
fn quit_with_unexported_rows_asks_first() {
    let mut a = app();
    // Two trials of one configuration: two windows, one row.
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    assert_eq!(a.update(Action::Quit), vec![]);
    let s = a.status.clone().unwrap();
    // Counted as the matrix shows them: one row, with its windows said beside it.
    assert!(
        s.text
            .contains("1 configuration (2 measured windows) not exported"),
        "{s:?}"
    );
    let mut a = app();
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    assert_eq!(a.update(Action::Quit), vec![]);
    assert!(!a.quit);
    let s = a.status.clone().unwrap();
    assert!(
        s.error && s.text.contains("1 configuration not exported"),
        "{s:?}"
    );
    // Any other key disarms: q must then be asked again.
    a.update(Action::ToggleHelp);
    assert_eq!(a.update(Action::Quit), vec![]);
    assert_eq!(a.update(Action::Quit), vec![Effect::Quit]);
    assert!(a.quit);

    // Exported: q quits at once, and the path is kept for the exit message.
    let mut b = app();
    b.update(Action::Engine(finished(START, 1.0, 5.0)));
    b.update(Action::Exported(Ok("/tmp/x.csv".into())));
    assert_eq!(b.unexported, 0);
    assert_eq!(b.exports, vec![PathBuf::from("/tmp/x.csv")]);
    assert_eq!(b.update(Action::Quit), vec![Effect::Quit]);
}

/// Issue 22 item 1: the window being measured is a row an export or a signal would
/// write, so `q` asks for it as for any other row.
#[test]
fn quit_asks_for_the_window_being_measured() {
    let mut a = app();
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    // 0.5 s: still under the minimum window, nothing to lose.
    for seq in 0..2 {
        a.update(Action::Engine(sample(START, seq, 5.0)));
    }
    assert_eq!(a.unsaved(), (0, 0));
    // 5 s measured, nothing in the matrix, nothing exported: q asks.
    for seq in 2..20 {
        a.update(Action::Engine(sample(START, seq, 5.0)));
    }
    assert!(a.matrix.is_empty());
    assert_eq!(a.unsaved(), (1, 1));
    assert_eq!(a.update(Action::Quit), vec![]);
    assert!(!a.quit);
    let s = a.status.clone().unwrap();
    assert!(
        s.error && s.text.contains("1 configuration not exported"),
        "{s:?}"
    );
    assert_eq!(a.update(Action::Quit), vec![Effect::Quit]);

    // Exported while measuring: q quits at once.
    let mut b = app();
    b.update(Action::Engine(EngineEvent::Started { config: START }));
    for seq in 0..20 {
        b.update(Action::Engine(sample(START, seq, 5.0)));
    }
    assert!(matches!(b.update(Action::Export).as_slice(), [Effect::Export(r)] if r.len() == 1));
    b.update(Action::Exported(Ok("/tmp/x.csv".into())));
    assert_eq!(b.unsaved(), (0, 0));
    assert_eq!(b.update(Action::Quit), vec![Effect::Quit]);
}

/// Issue 22 item 7: the question counts configurations (rows), not windows, so a
/// 48-row matrix whose first row holds two trials reads 48, with the windows beside.
#[test]
fn quit_counts_rows_as_the_matrix_shows_them() {
    let mut a = app();
    let other = Config::new(Strategy::TwoCopy, 64, 2);
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    a.update(Action::Engine(finished(other, 1.0, 5.0)));
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    assert_eq!(a.matrix.len(), 2);
    assert_eq!(a.unsaved(), (2, 3));
    a.update(Action::Quit);
    let s = a.status.clone().unwrap();
    assert!(
        s.text
            .contains("2 configurations (3 measured windows) not exported"),
        "{s:?}"
    );
}

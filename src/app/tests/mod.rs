use super::keys::action_for_key;
use super::matrix::{best, Column};
use super::*;
use crate::engine::axis::{self, AXES};
use crate::engine::config::Config;
use crate::engine::config::Strategy;
use crate::engine::metric::METRICS;
use crate::engine::metric::{id, MetricId};
use crate::engine::sample::{ConfigResult, CounterStatus, Counts, ZcStats};
use crate::engine::sample::{EngineEvent, MachineInfo, Measured, Sample};
use crate::source::{Control, SourceKind};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;

fn machine() -> MachineInfo {
    MachineInfo {
        roofline: None,
        tool_version: "0.1.0".into(),
        kernel: "6.8.0".into(),
        cpu_model: "Test CPU".into(),
        cores: 2,
        network: "veth between two private namespaces".into(),
        counters: vec![CounterStatus {
            metric: "llc_misses".into(),
            event: "LLC-load-misses".into(),
            available: false,
            note: Some("not supported by this CPU".into()),
        }],
        perf_error: None,
        zerocopy_error: None,
        unavailable: Default::default(),
        started: "2025-01-01T00:00:00Z".into(),
        ..Default::default()
    }
}

fn live() -> SourceKind {
    SourceKind::Live {
        network: "veth between two private namespaces".into(),
    }
}

fn replay() -> SourceKind {
    SourceKind::Replay {
        file: "demo.jsonl".into(),
        speed: 1.0,
    }
}

const START: Config = Config::new(Strategy::OneCopy, 4096, 1);

fn app() -> App {
    App::new(machine(), live(), START, 2.0)
}

fn measured(seconds: f64, gbps: f64, size: usize) -> Measured {
    let bytes = (gbps * 1e9 / 8.0 * seconds) as u64;
    let side = Counts {
        cycles: Some(bytes),
        instructions: Some(bytes * 2),
        l1d_misses: Some(bytes / 100),
        llc_misses: None,
        cache_misses: Some(bytes / 1000),
        context_switches: Some(10),
        scaled: false,
        ..Default::default()
    };
    Measured {
        memcpy_ns_per_byte: None,
        seconds,
        bytes,
        messages: bytes / size as u64,
        tx: side,
        rx: side,
        both: None,
        zc: None,
        rx_zc: None,
        profile: None,
    }
}

fn sample(config: Config, seq: u64, gbps: f64) -> EngineEvent {
    EngineEvent::Sample(Sample {
        config,
        seq,
        elapsed_s: (seq + 1) as f64 * 0.25,
        interval: measured(0.25, gbps, config.msg_size),
        top: None,
    })
}

fn finished(config: Config, seconds: f64, gbps: f64) -> EngineEvent {
    EngineEvent::Finished(ConfigResult {
        config,
        total: measured(seconds, gbps, config.msg_size),
        bytes_sent: 1,
        bytes_received: 1,
        verified: false,
    })
}

fn gbps(m: &Measured) -> f64 {
    id::THROUGHPUT_GBPS.def().of(&START, m).unwrap()
}

fn column(name: MetricId) -> Column {
    let metric = name.def();
    Column {
        metric,
        view: crate::view::of(crate::view::VIEWS, metric)
            .matrix
            .unwrap()
            .1,
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn every_key_maps_to_its_action() {
    let cases = [
        (KeyCode::Right, Action::NextStrategy),
        (KeyCode::Left, Action::PrevStrategy),
        (KeyCode::Up, Action::LargerSize),
        (KeyCode::Down, Action::SmallerSize),
        (KeyCode::Char('+'), Action::MoreThreads),
        (KeyCode::Char('='), Action::MoreThreads),
        (KeyCode::Char('-'), Action::FewerThreads),
        (KeyCode::Char(' '), Action::TogglePause),
        (KeyCode::Char('s'), Action::ToggleSweep),
        (KeyCode::Char('n'), Action::NextAxis(&axis::NODELAY)),
        (KeyCode::Char('m'), Action::NextAxis(&axis::RECV)),
        (KeyCode::Char('c'), Action::NextAxis(&axis::PIN)),
        (KeyCode::Char('a'), Action::NextAxis(&axis::COUNT)),
        (KeyCode::Char('b'), Action::NextAxis(&axis::BUF_OFFSET)),
        (KeyCode::Char('e'), Action::Export),
        (KeyCode::Char('r'), Action::ResetMatrix),
        (KeyCode::Char('?'), Action::ToggleHelp),
        (KeyCode::Char('i'), Action::ToggleInsight),
        (KeyCode::Char('t'), Action::ToggleTop),
        (KeyCode::Esc, Action::Dismiss),
        (KeyCode::Char('q'), Action::Quit),
        (KeyCode::Char('>'), Action::Faster),
        (KeyCode::Char('<'), Action::Slower),
    ];
    for (code, want) in cases {
        assert_eq!(action_for_key(key(code)), Some(want), "{code:?}");
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for_key(ctrl_c), Some(Action::Quit));
    assert_eq!(action_for_key(key(KeyCode::Char('x'))), None);
    let mut release = key(KeyCode::Char('q'));
    release.kind = KeyEventKind::Release;
    assert_eq!(action_for_key(release), None);
}

#[test]
fn strategy_keys_cycle_and_ask_for_the_new_config() {
    let mut a = app();
    let fx = a.update(Action::NextStrategy);
    let want = Config::new(Strategy::ZeroCopy, 4096, 1);
    assert_eq!(fx, vec![Effect::Control(Control::SetConfig(want))]);
    assert_eq!(a.selected, want);
    assert_eq!(a.phase, Phase::Switching);
    a.update(Action::NextStrategy);
    assert_eq!(a.selected.strategy, Strategy::Uring);
    a.update(Action::PrevStrategy);
    let fx = a.update(Action::PrevStrategy);
    assert_eq!(
        fx,
        vec![Effect::Control(Control::SetConfig(Config::new(
            Strategy::OneCopy,
            4096,
            1
        )))]
    );
}

#[test]
fn size_keys_step_through_presets_and_stop_at_the_ends() {
    let mut a = app();
    a.update(Action::LargerSize);
    assert_eq!(a.selected.msg_size, 8192);
    a.update(Action::SmallerSize);
    a.update(Action::SmallerSize);
    assert_eq!(a.selected.msg_size, 2048);
    a.selected.msg_size = 1500;
    a.update(Action::LargerSize);
    assert_eq!(a.selected.msg_size, 2048);
    a.selected.msg_size = 1500;
    a.update(Action::SmallerSize);
    assert_eq!(a.selected.msg_size, 1024);
    a.selected.msg_size = 64;
    assert_eq!(a.update(Action::SmallerSize), vec![]);
    assert_eq!(a.selected.msg_size, 64);
    assert!(a.status.as_ref().unwrap().text.contains("limit"));
    a.selected.msg_size = 1 << 20;
    assert_eq!(a.update(Action::LargerSize), vec![]);
    assert_eq!(a.selected.msg_size, 1 << 20);
}

#[test]
fn thread_keys_stay_within_one_and_the_core_based_max() {
    let mut a = app();
    assert_eq!(a.max_threads, 8, "max(8, 4 × 2 cores)");
    assert_eq!(a.update(Action::FewerThreads), vec![]);
    assert_eq!(a.selected.threads, 1);
    for _ in 0..20 {
        a.update(Action::MoreThreads);
    }
    assert_eq!(a.selected.threads, 8);
    let fx = a.update(Action::FewerThreads);
    assert_eq!(
        fx,
        vec![Effect::Control(Control::SetConfig(Config::new(
            Strategy::OneCopy,
            4096,
            7
        )))]
    );
    let big = App::new(
        MachineInfo {
            cores: 16,
            ..machine()
        },
        live(),
        START,
        2.0,
    );
    assert_eq!(big.max_threads, 64);
}

#[test]
fn space_pauses_and_resumes() {
    let mut a = app();
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Pause)]
    );
    assert!(a.paused);
    assert_eq!(a.phase, Phase::Paused);
    // Samples that were in flight do not unpause the display.
    a.update(Action::Engine(sample(START, 0, 10.0)));
    assert_eq!(a.phase, Phase::Paused);
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Resume)]
    );
    assert!(!a.paused);
    assert_ne!(a.phase, Phase::Paused);
}

#[test]
fn sweep_runs_the_plan_on_the_engines_clock_and_can_be_cancelled() {
    let mut a = app();
    a.sweep_plan = crate::model::plan::plan(&[Strategy::TwoCopy, Strategy::ZeroCopy], &[64], &[1]);
    a.sweep_duration = 0.5;
    let first = Config::new(Strategy::TwoCopy, 64, 1);
    let second = Config::new(Strategy::ZeroCopy, 64, 1);
    let measure = |config| {
        Effect::Control(Control::Measure {
            config,
            seconds: 0.5,
        })
    };
    let fx = a.update(Action::ToggleSweep);
    assert_eq!(fx, vec![measure(first)]);
    assert!(a.sweep.is_some());
    a.update(Action::Engine(EngineEvent::Started { config: first }));
    // Samples do not move the sweep: the engine times each window.
    assert_eq!(a.update(Action::Engine(sample(first, 0, 1.0))), vec![]);
    assert_eq!(a.update(Action::Engine(sample(first, 1, 1.0))), vec![]);
    assert_eq!(
        a.update(Action::Engine(finished(first, 0.5, 1.0))),
        vec![measure(second)]
    );
    a.update(Action::Engine(EngineEvent::Started { config: second }));
    a.update(Action::Engine(sample(second, 0, 2.0)));
    assert_eq!(a.update(Action::Engine(finished(second, 0.5, 2.0))), vec![]);
    assert!(a.sweep.is_none(), "plan done");
    assert!(a.status.as_ref().unwrap().text.contains("sweep finished"));
    assert_eq!(a.matrix.len(), 2);

    // s again cancels.
    a.update(Action::ToggleSweep);
    assert!(a.sweep.is_some());
    assert_eq!(a.update(Action::ToggleSweep), vec![]);
    assert!(a.sweep.is_none());
    assert!(a.status.as_ref().unwrap().text.contains("cancelled"));
}

#[test]
fn sweep_moves_on_when_a_config_fails_and_stops_on_a_manual_change() {
    let mut a = app();
    a.sweep_plan = crate::model::plan::plan(&[Strategy::TwoCopy], &[64, 128], &[1]);
    a.update(Action::ToggleSweep);
    let fx = a.update(Action::Engine(EngineEvent::Failed {
        config: Config::new(Strategy::TwoCopy, 64, 1),
        failure: crate::engine::sample::Failure::NoData,
    }));
    assert_eq!(
        fx,
        vec![Effect::Control(Control::Measure {
            config: Config::new(Strategy::TwoCopy, 128, 1),
            seconds: 2.0
        })]
    );
    assert!(!a.paused);
    assert!(a.status.as_ref().unwrap().error);
    assert!(a.matrix.is_empty(), "a failed window is never a matrix row");
    a.update(Action::NextStrategy);
    assert!(a.sweep.is_none());
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

#[test]
fn sweep_resumes_a_paused_source() {
    let mut a = app();
    a.update(Action::TogglePause);
    let fx = a.update(Action::ToggleSweep);
    assert_eq!(fx[0], Effect::Control(Control::Resume));
    assert!(matches!(fx[1], Effect::Control(Control::Measure { .. })));
    assert!(!a.paused);
}

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
fn help_toggles_and_escape_closes_it() {
    let mut a = app();
    a.update(Action::ToggleHelp);
    assert_eq!(a.overlay, Some(Overlay::Help));
    a.update(Action::ToggleHelp);
    assert_eq!(a.overlay, None);
    a.update(Action::ToggleHelp);
    a.update(Action::Dismiss);
    assert_eq!(a.overlay, None);
}

#[test]
fn quit_asks_the_loop_to_end() {
    let mut a = app();
    assert_eq!(a.update(Action::Quit), vec![Effect::Quit]);
    assert!(a.quit);
}

#[test]
fn speed_keys_only_act_on_a_replay() {
    let mut a = app();
    assert_eq!(a.update(Action::Faster), vec![]);
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert_eq!(
        r.update(Action::Faster),
        vec![Effect::Control(Control::Faster)]
    );
    assert_eq!(
        r.update(Action::Slower),
        vec![Effect::Control(Control::Slower)]
    );
    r.update(Action::SourceChanged(SourceKind::Replay {
        file: "demo.jsonl".into(),
        speed: 2.0,
    }));
    assert!(matches!(r.kind, SourceKind::Replay { speed, .. } if speed == 2.0));
}

#[test]
fn replay_ignores_configuration_keys_with_a_note() {
    let mut r = App::new(machine(), replay(), START, 2.0);
    for act in [
        Action::NextStrategy,
        Action::PrevStrategy,
        Action::LargerSize,
        Action::SmallerSize,
        Action::MoreThreads,
        Action::FewerThreads,
        Action::ToggleSweep,
    ] {
        r.status = None;
        assert_eq!(r.update(act.clone()), vec![], "{act:?}");
        assert!(r.status.is_some(), "{act:?} leaves a note");
        assert_eq!(r.selected, START);
    }
    // The recording decides what is current.
    let c = Config::new(Strategy::ZeroCopy, 64, 2);
    r.update(Action::Engine(EngineEvent::Started { config: c }));
    assert_eq!(r.selected, c);
    assert_eq!(
        r.update(Action::TogglePause),
        vec![Effect::Control(Control::Pause)]
    );
}

#[test]
fn events_fill_history_live_cell_and_matrix() {
    let mut a = app();
    a.update(Action::Engine(EngineEvent::Started { config: START }));
    assert_eq!(a.phase, Phase::WarmingUp);
    a.update(Action::Engine(sample(START, 0, 8.0)));
    a.update(Action::Engine(sample(START, 1, 4.0)));
    assert_eq!(a.phase, Phase::Measuring);
    assert_eq!(a.history.len(), 2);
    let l = a.live.unwrap();
    assert_eq!(l.samples, 2);
    assert!((gbps(&l.total) - 6.0).abs() < 0.01);
    // Half a second is under the minimum window: no row yet.
    assert!(a.matrix_rows().is_empty());
    a.update(Action::Engine(sample(START, 2, 8.0)));
    a.update(Action::Engine(sample(START, 3, 4.0)));
    // The live row shows in the matrix view once steady, before Finished arrives.
    let rows = a.matrix.rows_with_live(a.live.as_ref(), a.min_window);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].live);

    a.update(Action::Engine(finished(START, 1.0, 6.0)));
    assert!(a.live.is_none());
    assert_eq!(a.matrix.len(), 1);
    assert_eq!(a.unexported, 1);
    // Measured again: the new window adds to the cell.
    a.update(Action::Engine(finished(START, 1.5, 2.0)));
    let cell = a.matrix.get(&START).unwrap();
    assert!((cell.total.seconds - 2.5).abs() < 1e-9);
    assert!((gbps(&cell.total) - 3.6).abs() < 0.01);
    // A window passed through while pressing keys is no row, and adds nothing.
    a.update(Action::Engine(finished(START, 0.4, 50.0)));
    assert!((a.matrix.get(&START).unwrap().total.seconds - 2.5).abs() < 1e-9);
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
fn best_values_per_column() {
    let mut a = app();
    a.update(Action::Engine(finished(START, 1.0, 5.0)));
    let slow = Config::new(Strategy::TwoCopy, 4096, 1);
    a.update(Action::Engine(finished(slow, 1.0, 2.0)));
    let rows = a.matrix.rows_with_live(None, a.min_window);
    assert_eq!(
        best(&column(id::THROUGHPUT_GBPS), &rows),
        Some(
            rows.iter()
                .map(|r| gbps(&r.result.total))
                .fold(0.0, f64::max)
        )
    );
    // cycles/byte are equal here (cycles = bytes per side): both are 2.0.
    assert!((best(&column(id::CYCLES_PER_BYTE), &rows).unwrap() - 2.0).abs() < 1e-9);
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
fn quit_with_unexported_rows_asks_first() {
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
    assert!((a.matrix.get(&START).unwrap().total.seconds - 1.25).abs() < 1e-9);
}

#[test]
fn min_window_is_configurable_and_sweep_steps_use_their_own_length() {
    let mut a = app();
    a.min_window = 3.0;
    a.update(Action::Engine(finished(START, 2.0, 5.0)));
    assert!(a.matrix.is_empty());
    assert!(a.status.unwrap().text.contains("under the 3s minimum"));
    let mut b = app();
    b.min_window = 3.0;
    b.update(Action::ToggleSweep);
    let first = b.sweep.as_ref().unwrap().current();
    b.update(Action::Engine(finished(first, 2.0, 5.0)));
    assert_eq!(b.matrix.len(), 1, "a 2 s sweep step is a whole window");
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
        .map(|r| col.value(&r.result).unwrap())
        .collect();
    assert!(vals.windows(2).all(|w| w[0] >= w[1]), "{vals:?}");

    // Filter: all → 1 thread → … ; every row kept has 1 thread.
    a.update(action_for_key(key(KeyCode::Char('f'))).unwrap());
    let rows = a.matrix_rows();
    assert!(!rows.is_empty() && rows.len() < 48);
    assert!(rows.iter().all(|r| r.result.config.threads == 1));
    let mut seen = 1;
    while a.view.filter != matrix::Filter::All {
        a.update(Action::NextFilter);
        seen += 1;
        assert!(seen < 20, "the filters cycle back to all");
    }
    assert_eq!(a.matrix_rows().len(), 48);
}

#[test]
fn the_end_of_a_replay_says_ended() {
    let mut r = App::new(machine(), replay(), START, 2.0);
    r.update(Action::Engine(EngineEvent::Started { config: START }));
    r.update(Action::Engine(sample(START, 0, 4.0)));
    assert_eq!(r.phase, Phase::Measuring);
    // A notice that reads like the end is only a notice.
    r.update(Action::Engine(EngineEvent::Notice {
        message: "end of recording: 3 events over 1.0 s; q quits".into(),
    }));
    assert_eq!(r.phase, Phase::Measuring);
    r.recording_ended(&crate::source::EndOfRecording {
        events: 3,
        seconds: 1.0,
    });
    assert_eq!(r.phase, Phase::Ended);
}

#[test]
fn a_cycles_counting_and_never_leaves_count_cpu_unpinned() {
    use crate::engine::config::{Count, Pin};
    let mut a = app();
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Off, Count::Thread)
    );
    // From pin off, count cpu pins split (each side its own CPUs) and says so.
    let fx = a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Split, Count::Cpu));
    assert!(matches!(&fx[..], [Effect::Control(Control::SetConfig(c))] if c.count == Count::Cpu));
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("pin was off, now split"), "{said}");
    // Pinning kept when already pinned.
    a.update(Action::NextAxis(&axis::PIN));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Pair, Count::Cpu));
    // Pinning off takes counting back to threads, and says so.
    a.update(Action::NextAxis(&axis::PIN));
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Off, Count::Thread)
    );
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("count back to thread"), "{said}");
    a.update(Action::NextAxis(&axis::PIN));
    a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Split, Count::Cpu));
    assert!(!a.status.clone().unwrap().text.contains("now split"));
    a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Split, Count::Thread)
    );
    // The key is on screen.
    assert!(on_key_line("a", "count"));
    // Replay: the recording decides.
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert!(r.update(Action::NextAxis(&axis::COUNT)).is_empty());
    assert_eq!(r.selected.count, Count::Thread);
}

#[test]
fn buffers_key_steps_through_the_placements_and_says_what_each_means() {
    use crate::engine::config::BufOffset;
    let mut a = App::new(machine(), live(), START, 2.0);
    assert_eq!(a.selected.buf_offset, BufOffset::DEFAULT);
    let fx = a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Heap);
    assert!(
        matches!(&fx[..], [Effect::Control(Control::SetConfig(c))] if c.buf_offset == BufOffset::Heap)
    );
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("where malloc puts them"), "{said}");
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Page(0));
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Page(16));
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("starts 16 bytes into a page"), "{said}");
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::DEFAULT);
    assert!(on_key_line("b", "buffers"));
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert!(r.update(Action::NextAxis(&axis::BUF_OFFSET)).is_empty());
}

fn on_key_line(caps: &str, word: &str) -> bool {
    super::keys::key_line(false)
        .iter()
        .any(|l| l.caps == caps && l.word == word)
}

/// Every action a user asks for; the match below has no wildcard, so a new
/// variant does not compile until it is sorted into keys or events here.
fn user_actions() -> Vec<Action> {
    let all = vec![
        Action::NextStrategy,
        Action::PrevStrategy,
        Action::LargerSize,
        Action::SmallerSize,
        Action::MoreThreads,
        Action::FewerThreads,
        Action::TogglePause,
        Action::ToggleSweep,
        Action::Export,
        Action::ResetMatrix,
        Action::ToggleHelp,
        Action::ToggleInsight,
        Action::ToggleTop,
        Action::ScrollUp,
        Action::ScrollDown,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::NextSort,
        Action::NextFilter,
        Action::Dismiss,
        Action::Quit,
        Action::Faster,
        Action::Slower,
    ];
    let mut all = all;
    all.extend(AXES.map(Action::NextAxis));
    for a in &all {
        match a {
            Action::NextStrategy
            | Action::PrevStrategy
            | Action::LargerSize
            | Action::SmallerSize
            | Action::MoreThreads
            | Action::FewerThreads
            | Action::NextAxis(_)
            | Action::TogglePause
            | Action::ToggleSweep
            | Action::Export
            | Action::ResetMatrix
            | Action::ToggleHelp
            | Action::ToggleInsight
            | Action::ToggleTop
            | Action::ScrollUp
            | Action::ScrollDown
            | Action::ScrollTop
            | Action::ScrollBottom
            | Action::NextSort
            | Action::NextFilter
            | Action::Dismiss
            | Action::Quit
            | Action::Faster
            | Action::Slower => {}
            Action::Engine(_)
            | Action::MatrixPage(_)
            | Action::Exported(_)
            | Action::SourceChanged(_)
            | Action::Window { .. } => unreachable!("not a key: {a:?}"),
        }
    }
    all
}

#[test]
fn every_action_has_a_key_a_help_line_and_a_place_on_the_key_line() {
    use super::keys::{action_for_key, bindings, Key};
    let press = |k: Key| {
        let mods = if k.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        action_for_key(KeyEvent::new(k.code, mods))
    };
    for a in user_actions() {
        let b = bindings()
            .into_iter()
            .find(|b| b.keys.iter().any(|(_, x)| *x == a))
            .unwrap_or_else(|| panic!("{a:?} has no key"));
        assert!(!b.help.is_empty(), "{a:?} has no help line");
        assert!(!b.key_line.is_empty(), "{a:?} is not on the key line");
    }
    for b in bindings() {
        // A key bound twice would silently lose its second action.
        for (k, a) in &b.keys {
            assert_eq!(press(*k).as_ref(), Some(a), "{k:?}");
        }
        // Each help line explains the key caps it shows on the key line.
        for l in &b.key_line {
            let help = b.help.join(" ");
            // "PgUp" of "PgUp/Dn Home", "←" of "←→".
            let word = l.caps.split(['/', ' ']).next().unwrap_or_default();
            let probe = match word {
                "spc" => "space".to_string(),
                w if w.chars().count() > 2 => w.to_string(),
                w => w.chars().take(1).collect(),
            };
            let explained = help.contains(&format!("{probe} "));
            assert!(explained, "{} is not explained by {help}", l.caps);
        }
    }
    let caps: Vec<&str> = bindings()
        .iter()
        .flat_map(|b| b.key_line.iter().map(|l| l.caps))
        .collect();
    let mut unique = caps.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), caps.len(), "two key-line entries share caps");
}

#[test]
fn help_fills_in_the_explorer_figures() {
    use super::keys::{help_lines, HelpFacts};
    let lines = help_lines(&HelpFacts {
        max_threads: 8,
        sweep_configs: 48,
        sweep_secs: "2".into(),
    });
    assert!(lines.iter().all(|l| !l.contains('{')), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("(1 … 8)")));
    assert!(lines.iter().any(|l| l.contains("48 configurations × 2s")));
}

#[test]
fn key_line_shows_replay_speed_only_in_a_replay() {
    let live: Vec<&str> = super::keys::key_line(false)
        .iter()
        .map(|l| l.caps)
        .collect();
    let replay: Vec<&str> = super::keys::key_line(true).iter().map(|l| l.caps).collect();
    assert_eq!(
        live,
        [
            "←→",
            "↑↓",
            "+-",
            "spc",
            "s",
            "e",
            "r",
            "?",
            "q",
            "i",
            "t",
            "n",
            "m",
            "c",
            "a",
            "b",
            "PgUp/Dn Home",
            "o",
            "f"
        ]
    );
    assert_eq!(
        replay,
        [
            "<>",
            "spc",
            "e",
            "r",
            "?",
            "q",
            "i",
            "t",
            "PgUp/Dn Home",
            "o",
            "f"
        ]
    );
}

//! Frames of the explorer, rendered with TestBackend from synthetic events.
//! Deterministic: every figure comes from the events below, nothing from a clock.

use netio_tui::app::keys::action_for_key;
use netio_tui::app::Theme;
use netio_tui::app::{Action, App};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::sample::{
    ConfigResult, CounterStatus, Counts, EngineEvent, MachineInfo, Measured, Sample, ZcStats,
};
use netio_tui::source::SourceKind;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use ratatui::Terminal;

fn machine() -> MachineInfo {
    let c = |metric: &str, event: &str, available: bool, note: Option<&str>| CounterStatus {
        metric: metric.into(),
        event: event.into(),
        available,
        note: note.map(Into::into),
    };
    MachineInfo {
        roofline: None,
        tool_version: "0.1.0".into(),
        kernel: "6.8.0-test".into(),
        cpu_model: "AMD EPYC Test".into(),
        cores: 2,
        network: "veth between two private namespaces".into(),
        counters: vec![
            c("cycles", "cycles", true, None),
            c("instructions", "instructions", true, None),
            c("l1d_misses", "L1-dcache-load-misses", true, None),
            c(
                "llc_misses",
                "LLC-load-misses",
                false,
                Some("LLC-load-misses not supported by this CPU"),
            ),
            c(
                "cache_misses",
                "cache-misses",
                true,
                Some("on AMD Zen: L2 misses"),
            ),
            c("context_switches", "context-switches", true, None),
            c("cpu_ns", "task-clock", true, None),
        ],
        perf_error: None,
        zerocopy_error: None,
        unavailable: Default::default(),
        started: "2025-01-01T12:00:00Z".into(),
        ..Default::default()
    }
}

/// A measured window whose figures follow the strategy and size in a plausible way.
fn measured(c: Config, seconds: f64, wobble: f64) -> Measured {
    let base = match c.strategy {
        Strategy::TwoCopy => 0.4,
        Strategy::Serialize => 0.7,
        Strategy::OneCopy => 1.0,
        Strategy::ZeroCopy => 0.8,
        Strategy::Uring => 0.9,
        Strategy::UringZc => 0.85,
        Strategy::Sendfile => 1.1,
        Strategy::Splice => 1.05,
    };
    let gbps = base * (c.msg_size as f64).log2() * (1.0 + 0.3 * (c.threads as f64 - 1.0)) * wobble;
    let bytes = (gbps * 1e9 / 8.0 * seconds) as u64;
    let cyc_per_byte = 3.0 / base / (c.msg_size as f64).log2() * 4.0;
    let side = |share: f64| Counts {
        cycles: Some((bytes as f64 * cyc_per_byte * share) as u64),
        instructions: Some((bytes as f64 * cyc_per_byte * share * 1.3) as u64),
        l1d_misses: Some(bytes / 40),
        llc_misses: None,
        cache_misses: Some(bytes / 900),
        context_switches: Some((seconds * 120.0) as u64),
        cpu_ns: Some((bytes as f64 * cyc_per_byte / 2.5 * share) as u64),
        scaled: false,
        ..Default::default()
    };
    let messages = bytes / c.msg_size as u64;
    Measured {
        memcpy_ns_per_byte: None,
        rtt: None,
        noise: None,
        seconds,
        bytes,
        messages,
        tx: side(0.6),
        rx: side(0.4),
        both: None,
        zc: c.strategy.uses_zerocopy().then_some(ZcStats {
            sends: messages,
            completions: messages,
            copied: messages,
            enobufs: 3,
        }),
        rx_zc: None,
        profile: None,
        fixed_messages: None,
    }
}

fn result(c: Config) -> EngineEvent {
    EngineEvent::Finished(ConfigResult {
        config: c,
        total: measured(c, 2.0, 1.0),
        bytes_sent: 0,
        bytes_received: 0,
        verified: false,
    })
}

/// The `trial`-th window of `c`: the first as [`result`], later ones a few per cent
/// off, as repeated windows on a real machine are.
fn trial_result(c: Config, trial: usize) -> EngineEvent {
    let wobble = [1.0, 0.94, 1.05, 0.98, 1.02][trial % 5];
    EngineEvent::Finished(ConfigResult {
        config: c,
        total: measured(c, 2.0, wobble),
        bytes_sent: 0,
        bytes_received: 0,
        verified: false,
    })
}

/// A session: a few finished configurations, then the current one live.
fn session(kind: SourceKind, current: Config) -> App {
    session_of_trials(kind, current, 1)
}

/// A session whose configurations were measured in `trials` passes (the current one
/// once less: its last trial is the one measured now).
fn session_of_trials(kind: SourceKind, current: Config, trials: usize) -> App {
    let mut app = App::new(machine(), kind, current, 2.0);
    for trial in 0..trials {
        for s in Strategy::COURSE {
            for size in [64, 256, 1024, 4096] {
                for t in [1, 2] {
                    let c = Config::new(s, size, t);
                    if c == current && trial + 1 == trials {
                        continue;
                    }
                    app.update(Action::Engine(EngineEvent::Started { config: c }));
                    for seq in 0..6 {
                        app.update(Action::Engine(EngineEvent::Sample(Sample {
                            config: c,
                            seq,
                            elapsed_s: (seq + 1) as f64 * 0.25,
                            interval: measured(c, 0.25, 1.0 + 0.05 * (seq % 3) as f64),
                            top: None,
                        })));
                    }
                    app.update(Action::Engine(trial_result(c, trial)));
                }
            }
        }
    }
    app.update(Action::Engine(EngineEvent::Started { config: current }));
    for seq in 0..40 {
        app.update(Action::Engine(EngineEvent::Sample(Sample {
            config: current,
            seq,
            elapsed_s: (seq + 1) as f64 * 0.25,
            interval: measured(current, 0.25, 1.0 + 0.1 * ((seq * 7) % 5) as f64),
            top: None,
        })));
    }
    app
}

fn live() -> SourceKind {
    SourceKind::Live {
        network: "veth between two private namespaces".into(),
    }
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| netio_tui::ui::draw(f, app)).unwrap();
    t.backend().to_string()
}

const CURRENT: Config = Config::new(Strategy::ZeroCopy, 4096, 1);

#[test]
fn main_screen_80x24() {
    let app = session(live(), CURRENT);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn main_screen_120x40() {
    let app = session(live(), CURRENT);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn help_overlay_80x24() {
    let mut app = session(live(), CURRENT);
    app.update(Action::ToggleHelp);
    insta::assert_snapshot!(render(&app, 80, 24));
}

/// Defect: `b` was on the key line but had no line in `?` help.
#[test]
fn help_explains_every_key_on_the_key_line() {
    let mut app = session(live(), CURRENT);
    app.update(Action::ToggleHelp);
    let help = render(&app, 100, 80);
    for key in [
        "n        Nagle",
        "m        receive",
        "c        pinning",
        "a        counting",
        "b        buffers",
    ] {
        assert!(help.contains(key), "no help line for {key}:\n{help}");
    }
}

#[test]
fn replay_80x24() {
    let app = session(
        SourceKind::Replay {
            file: "recordings/demo.jsonl".into(),
            speed: 2.0,
        },
        Config::new(Strategy::OneCopy, 1024, 2),
    );
    insta::assert_snapshot!(render(&app, 80, 24));
}

/// Issue 22 item 7: a replay's empty matrix names the keys that work in a replay,
/// not the configuration and sweep keys that do nothing there.
#[test]
fn an_empty_replay_matrix_names_only_keys_that_work_in_replay() {
    let replay = App::new(
        machine(),
        SourceKind::Replay {
            file: "recordings/demo.jsonl".into(),
            speed: 1.0,
        },
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    );
    let s = render(&replay, 120, 40);
    assert!(s.contains("no configuration in the matrix yet"), "{s}");
    assert!(
        s.contains("space pauses") && s.contains("change the speed"),
        "{s}"
    );
    assert!(
        !s.contains("press s") && !s.contains("change a control"),
        "{s}"
    );
    let live = App::new(
        machine(),
        live(),
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    );
    assert!(render(&live, 120, 40).contains("press s"));
}

#[test]
fn loopback_start_before_any_sample_80x24() {
    let app = App::new(
        machine(),
        SourceKind::Live {
            network: "loopback (--no-netns)".into(),
        },
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    );
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn every_size_from_tiny_to_huge_renders() {
    let app = session(live(), CURRENT);
    for (w, h) in [
        (10, 5),
        (60, 16),
        (80, 24),
        (100, 30),
        (200, 60),
        (80, 60),
        (300, 20),
    ] {
        let s = render(&app, w, h);
        assert_eq!(s.lines().count(), h as usize);
    }
}

#[test]
fn the_80x24_screen_shows_keys_figures_and_the_llc_fallback() {
    let app = session(live(), CURRENT);
    let s = render(&app, 80, 24);
    for needle in [
        // Every key's caps (issue 22 item 5: the words that do not fit are in ?).
        "←→ ", // its word too where four axis keys leave room (w y x L took it at 80 columns)
        "↑↓",
        "+-",
        " spc ",
        " s ",
        " e ",
        " r ",
        "? help",
        "q quit",
        " i ",
        " t ",
        " n ",
        " m ",
        " c ",
        " a ",
        " b ",
        " o ",
        " f ",
        "PgUp/Dn",
        "(see ?)",
        "Throughput",
        "Cycles/byte",
        "L1D misses",
        "cache-miss†",
        "zero-copy",
        "copied anyway",
        "ENOBUFS",
        "matrix",
    ] {
        assert!(s.contains(needle), "{needle:?} missing from\n{s}");
    }
}

/// A VM without a PMU: counters n/a with the reason, counter columns left out.
fn no_pmu_session() -> App {
    let mut app = session(live(), CURRENT);
    app.machine.perf_error = Some(
        "no hardware performance counters on this machine (no PMU driver, as in many VMs)".into(),
    );
    for c in &mut app.machine.counters {
        if c.metric != "context_switches" && c.metric != "cpu_ns" {
            c.available = false;
            // What the kernel says of each hardware event without a PMU (ENOENT).
            c.note = Some(
                "event not supported by this CPU or kernel (No such file or directory (os error 2))"
                    .into(),
            );
        }
    }
    app
}

/// Issue 22 item 6: the counter rows say the clear sentence, not the errno text.
#[test]
fn no_counters_rows_say_the_clear_sentence() {
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let s = render(&no_pmu_session(), w, h);
        assert!(!s.contains("No such f"), "{w}x{h}: raw errno text\n{s}");
        assert!(
            s.contains("no hardware counters here (no PMU, as in many VMs)"),
            "{w}x{h}:\n{s}"
        );
    }
}

#[test]
fn no_counters_100x30() {
    insta::assert_snapshot!(render(&no_pmu_session(), 100, 30));
}

#[test]
fn no_counters_shows_the_reason_and_drops_counter_columns() {
    let s = render(&no_pmu_session(), 100, 30);
    // CPU time per byte (a software event) stands in for cycles per byte.
    assert!(s.contains("CPU time‡") && s.contains("ns/B"), "{s}");
    // The reason is a whole sentence in the help; the screen points there.
    assert!(s.contains("notes in ? help"), "{s}");
    let mut app = no_pmu_session();
    app.update(Action::ToggleHelp);
    let help = render(&app, 100, 30);
    assert!(help.contains("no hardware performance counters"), "{help}");
    assert!(!s.contains("cyc/B"), "{s}");
    assert!(s.contains("Gbps") && s.contains("µs/msg"), "{s}");
}

/// A window whose every matrix figure is about `m` (0.0001 … 99999): Gbps, µs/msg,
/// per-byte, per-KB, per-second, percentages and ratios alike.
fn measured_at(c: Config, m: f64) -> Measured {
    let seconds = 2.0;
    let bytes = ((m * 1e9 / 8.0 * seconds) as u64).max(1);
    let messages = ((seconds * 1e6 * c.threads as f64 / m) as u64).max(1);
    let side = Counts {
        cycles: Some((bytes as f64 * m / 2.0).max(1.0) as u64),
        instructions: Some((bytes as f64 * m * m / 2.0).max(1.0) as u64),
        l1d_misses: Some((bytes as f64 / 1024.0 * m / 2.0).max(1.0) as u64),
        llc_misses: None,
        cache_misses: Some((bytes as f64 / 1024.0 * m / 2.0).max(1.0) as u64),
        context_switches: Some((m * seconds / 2.0).max(1.0) as u64),
        cpu_ns: Some((bytes as f64 * m / 2.0).max(1.0) as u64),
        scaled: false,
        ..Default::default()
    };
    Measured {
        memcpy_ns_per_byte: None,
        rtt: None,
        noise: None,
        seconds,
        bytes,
        messages,
        tx: side,
        rx: side,
        both: None,
        zc: c.strategy.uses_zerocopy().then_some(ZcStats {
            sends: messages,
            completions: messages,
            copied: (messages as f64 * (m / 1e5).min(1.0)) as u64,
            enobufs: 0,
        }),
        rx_zc: None,
        profile: None,
        fixed_messages: None,
    }
}

/// The 48 configurations of the course sweep, their figures spread over every
/// magnitude from 0.0001 to 99999.
fn magnitudes_session() -> App {
    let plan = netio_tui::model::plan::course_plan();
    let mut app = App::new(machine(), live(), plan[0], 2.0);
    let mags = [
        0.0001, 0.00123, 0.0456, 0.789, 1.0, 9.995, 12.34, 99.95, 322.19, 790.9135, 999.5, 1234.5,
        54321.0, 99999.0,
    ];
    for (i, c) in plan.iter().enumerate() {
        app.update(Action::Engine(EngineEvent::Finished(ConfigResult {
            config: *c,
            total: measured_at(*c, mags[i % mags.len()]),
            bytes_sent: 0,
            bytes_received: 0,
            verified: false,
        })));
    }
    app
}

fn press(app: &mut App, code: KeyCode) {
    let a = action_for_key(KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
    app.update(a);
}

/// Every matrix line on screen shows every visible cell whole: its tokens are the
/// full 3-significant-digit texts of its row, in column order.
fn assert_no_cell_cut(app: &App, screen: &str) -> usize {
    let rows = app.matrix_rows();
    // The columns on screen: those that mean something for one row shown at least.
    let cols: Vec<_> = app
        .columns()
        .into_iter()
        .filter(|c| rows.iter().any(|r| c.applies(r)))
        .collect();
    let mut checked = 0;
    for line in screen.lines() {
        let line = line.trim_matches('"');
        let toks: Vec<&str> = line.split_whitespace().collect();
        let toks: Vec<&str> = toks.iter().copied().skip_while(|t| *t == "▶").collect();
        if toks.len() < 4 {
            continue;
        }
        let Some(r) = rows.iter().find(|r| {
            let c = r.config;
            // Rows that differ in an axis only are told apart by its tag.
            let tag = c.tag();
            toks[0] == c.strategy.name()
                && toks[1] == netio_tui::engine::config::format_size(c.msg_size)
                && toks[2] == c.threads.to_string()
                && (toks.get(3) == Some(&tag.as_str())
                    || (tag.is_empty() && toks.get(3).is_some_and(|t| t.parse::<f64>().is_ok())))
        }) else {
            continue;
        };
        // A cell is its value, then its ± where the row has an interval.
        let mut cells: Vec<String> = Vec::new();
        // The axes column, where the row has a tag ("rr").
        let tag = r.config.tag();
        let first = if !tag.is_empty() && toks.get(3) == Some(&tag.as_str()) {
            4
        } else {
            3
        };
        for tok in &toks[first..] {
            match cells.last_mut() {
                Some(last) if tok.starts_with('±') => *last = format!("{last} {tok}"),
                _ => cells.push(tok.to_string()),
            }
        }
        assert!(cells.len() >= 3, "too few columns shown: {line}");
        for (cell, col) in cells.iter().zip(&cols) {
            let mut want = netio_tui::ui::matrix::cell_text(col, r);
            if let Some(pm) = netio_tui::ui::matrix::interval_text(col, r) {
                want = format!("{want} {pm}");
            }
            assert_eq!(
                cell.trim_end_matches('*'),
                want,
                "column {} cut in {line:?}",
                col.view.title
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn no_number_is_ever_cut_at_any_magnitude() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = magnitudes_session();
        press(&mut app, KeyCode::Home);
        let mut seen = 0;
        for _ in 0..10 {
            let screen = render(&app, w, h);
            seen += assert_no_cell_cut(&app, &screen);
            press(&mut app, KeyCode::PageDown);
        }
        assert!(seen >= 48, "{w}×{h}: only {seen} rows checked");
    }
}

#[test]
fn magnitudes_80x24() {
    let mut app = magnitudes_session();
    press(&mut app, KeyCode::Home);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn magnitudes_120x40() {
    let mut app = magnitudes_session();
    press(&mut app, KeyCode::Home);
    insta::assert_snapshot!(render(&app, 120, 40));
}

#[test]
fn a_48_row_matrix_scrolls_to_its_first_row_by_key() {
    let mut app = magnitudes_session();
    // Starts at the current (last-measured-into) row, the first one off screen.
    app.update(Action::NextStrategy);
    let before = render(&app, 80, 24);
    assert!(!before.contains("  two-copy     64   1 "), "{before}");
    // The page the screen really shows, as the main loop tells the app.
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut page = 0;
    t.draw(|f| page = netio_tui::ui::draw_paged(f, &app))
        .unwrap();
    app.update(Action::MatrixPage(page));
    press(&mut app, KeyCode::Home);
    let top = render(&app, 80, 24);
    assert!(top.contains(&format!("rows 1–{page} of 48")), "{top}");
    assert!(top.contains("  two-copy     64   1 "), "{top}");
    press(&mut app, KeyCode::PageDown);
    let next = render(&app, 80, 24);
    assert!(
        next.contains(&format!("rows {}–{} of 48", page + 1, 2 * page)),
        "{next}"
    );
    press(&mut app, KeyCode::End);
    assert!(render(&app, 80, 24).contains(&format!("rows {}–48 of 48", 49 - page)));
}

#[test]
fn sorted_and_filtered_80x24() {
    let mut app = session(live(), CURRENT);
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('f'));
    let s = render(&app, 80, 24);
    assert!(s.contains("only 1 thread") && s.contains("by Gbps"), "{s}");
    assert!(s.contains("▼Gbps"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn high_contrast_has_no_grey_and_marks_every_state_without_colour() {
    let mut app = session(live(), CURRENT);
    app.theme = Theme::HighContrast;
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| netio_tui::ui::draw(f, &app)).unwrap();
    let buf = t.backend().buffer().clone();
    for cell in buf.content() {
        assert_ne!(cell.fg, Color::DarkGray, "grey text at {cell:?}");
        assert_ne!(cell.fg, Color::Gray, "grey text at {cell:?}");
        assert_ne!(cell.bg, Color::DarkGray);
    }
    let s = t.backend().to_string();
    // Current row ▶, best cells *, without relying on colour.
    assert!(s.contains('▶') && s.contains('*'), "{s}");
    app.update(Action::TogglePause);
    let paused = render(&app, 80, 24);
    assert!(paused.contains("‖ PAUSED"), "{paused}");
    insta::assert_snapshot!(paused);
}

#[test]
fn rows_that_differ_only_in_an_axis_say_which() {
    let mut app = App::new(machine(), live(), CURRENT, 2.0);
    let plain = Config::new(Strategy::TwoCopy, 64, 1);
    let mut nodelay = plain;
    nodelay.nodelay = true;
    nodelay.pin = netio_tui::engine::config::Pin::Split;
    for c in [plain, nodelay] {
        app.update(Action::Engine(result(c)));
    }
    let s = render(&app, 120, 40);
    assert!(s.contains("axes"), "{s}");
    assert!(s.contains("nodelay split"), "{s}");
}

/// A cell that shows a figure unscaled says what the CSV says: never more decimals
/// than the file holds, and the file's value to the cell's last digit (a matrix once
/// showed usr% 6.08 where the CSV had 6.1).
#[test]
fn unscaled_cells_agree_with_the_csv() {
    let app = magnitudes_session();
    let mut checked = 0;
    for r in app.matrix_rows() {
        for col in app.columns() {
            let Some(d) = col.written_decimals() else {
                continue;
            };
            let Some(raw) = col.metric.of(&r.config, &r.trials[0].total) else {
                continue;
            };
            let csv: f64 = col.metric.csv_text(raw).parse().unwrap();
            let cell = netio_tui::ui::matrix::cell_text(&col, &r);
            let shown: f64 = cell.parse().unwrap();
            let decimals = cell.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(
                decimals <= d as usize,
                "{}: {cell} against CSV {csv}",
                col.view.title
            );
            let unit = 10f64.powi(-(decimals as i32));
            assert!(
                (shown - csv).abs() <= unit / 2.0 + 1e-9,
                "{}: {cell} against CSV {csv}",
                col.view.title
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} cells checked");
}

/// Three trials of every configuration: the headline cells show the interval of their
/// median, the live panel which trial of the current configuration it measures.
#[test]
fn trials_80x24() {
    let app = session_of_trials(live(), CURRENT, 3);
    let s = render(&app, 80, 24);
    assert!(s.contains('±'), "{s}");
    assert!(s.contains("trial 3 of this configuration"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn trials_120x40() {
    let app = session_of_trials(live(), CURRENT, 3);
    let s = render(&app, 120, 40);
    assert!(s.contains('±'), "{s}");
    assert!(s.contains("trial 3 of this configuration"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn cells_with_intervals_are_never_cut_and_keep_the_csv_median() {
    let app = session_of_trials(live(), CURRENT, 3);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let screen = render(&app, w, h);
        assert!(assert_no_cell_cut(&app, &screen) > 0, "{screen}");
    }
    // The cell's value is the export's median, as the CSV writes it; the ± covers the
    // export's interval.
    let export = app.export_rows();
    let rows = app.matrix_rows();
    let gbps = app.columns()[0];
    let mut checked = 0;
    for (r, f) in rows.iter().zip(&export) {
        assert_eq!(r.config, f.config);
        let reg = netio_tui::engine::metric::METRICS;
        let Some(i) = f.interval(reg, gbps.metric.name) else {
            continue;
        };
        let median = f.get(reg, gbps.metric.name).unwrap();
        let cell = netio_tui::ui::matrix::cell_text(&gbps, r);
        // To the cell's last digit, as every unscaled cell.
        let csv: f64 = gbps.metric.csv_text(median).parse().unwrap();
        let decimals = cell.split_once('.').map_or(0, |(_, f)| f.len());
        let unit = 10f64.powi(-(decimals as i32));
        assert!(
            (cell.parse::<f64>().unwrap() - csv).abs() <= unit / 2.0 + 1e-9,
            "{cell} against CSV {csv}"
        );
        let pm: f64 = netio_tui::ui::matrix::interval_text(&gbps, r)
            .unwrap()
            .trim_start_matches('±')
            .parse()
            .unwrap();
        let shown: f64 = cell.parse().unwrap();
        assert!(
            shown - pm <= i.lo + 1e-9 && i.hi <= shown + pm + 1e-9,
            "{cell} ±{pm} {i:?}"
        );
        checked += 1;
    }
    assert!(checked >= 24, "only {checked} rows with an interval");
}

/// An rr window: `tps` transactions/s over `seconds`, round trips around `p50_us` with
/// a tail to four times it (deterministic buckets, as the sampler merges them).
fn rr_measured(c: Config, seconds: f64, p50_us: f64) -> Measured {
    let tps = 1e6 / p50_us * c.threads as f64;
    let n = (tps * seconds) as u64;
    // 90 % at p50, 9 % at 1.5×, the rest (1 % and the rounding) at 4×.
    let ns = |f: f64| (p50_us * f * 1e3) as u64;
    let rtt = netio_tui::engine::sample::RoundTrips {
        buckets: vec![
            (ns(1.0), n * 90 / 100),
            (ns(1.5), n * 9 / 100),
            (ns(4.0), n - n * 90 / 100 - n * 9 / 100),
        ],
    };
    let bytes = n * c.msg_size as u64;
    Measured {
        rtt: Some(rtt),
        bytes,
        messages: n,
        ..measured(c, seconds, 1.0)
    }
}

fn rr(strategy: Strategy, size: usize) -> Config {
    Config {
        workload: netio_tui::engine::config::Workload::Rr,
        ..Config::new(strategy, size, 1)
    }
}

/// Issue 25: stream rows with their stream columns, rr rows with transactions/s, p50
/// and p99 (a dash where a figure does not apply, never a 0), and the p99 sparkline
/// while the configuration measured is rr.
fn rr_session() -> App {
    let current = rr(Strategy::OneCopy, 4096);
    let mut app = App::new(machine(), live(), current, 2.0);
    let p50 = |c: Config| 20.0 + c.msg_size as f64 / 512.0 + c.strategy as usize as f64;
    let mut configs: Vec<Config> = [64, 4096]
        .into_iter()
        .map(|z| Config::new(Strategy::OneCopy, z, 1))
        .collect();
    for s in [Strategy::TwoCopy, Strategy::OneCopy] {
        configs.extend([64, 4096].map(|z| rr(s, z)));
    }
    for c in configs.into_iter().filter(|c| *c != current) {
        let m = |secs| {
            if c.is_rr() {
                rr_measured(c, secs, p50(c))
            } else {
                measured(c, secs, 1.0)
            }
        };
        app.update(Action::Engine(EngineEvent::Started { config: c }));
        app.update(Action::Engine(EngineEvent::Sample(Sample {
            config: c,
            seq: 0,
            elapsed_s: 0.25,
            interval: m(0.25),
            top: None,
        })));
        app.update(Action::Engine(EngineEvent::Finished(ConfigResult {
            config: c,
            total: m(2.0),
            bytes_sent: 0,
            bytes_received: 0,
            verified: false,
        })));
    }
    app.update(Action::Engine(EngineEvent::Started { config: current }));
    for seq in 0..30 {
        app.update(Action::Engine(EngineEvent::Sample(Sample {
            config: current,
            seq,
            elapsed_s: (seq + 1) as f64 * 0.25,
            interval: rr_measured(
                current,
                0.25,
                p50(current) * (1.0 + 0.05 * (seq % 4) as f64),
            ),
            top: None,
        })));
    }
    app
}

#[test]
fn rr_rows_and_the_p99_sparkline_80x24() {
    let app = rr_session();
    let screen = render(&app, 80, 24);
    assert!(screen.contains("RTT p99"), "{screen}");
    for col in ["tx/s", "p50 µs", "p99 µs"] {
        assert!(screen.contains(col), "no {col} column\n{screen}");
    }
    assert_no_cell_cut(&app, &screen);
    insta::assert_snapshot!(screen);
}

#[test]
fn rr_rows_and_the_p99_sparkline_120x40() {
    let app = rr_session();
    let screen = render(&app, 120, 40);
    assert!(assert_no_cell_cut(&app, &screen) >= 5, "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_stream_session_has_no_round_trip_row_or_column() {
    let app = session(live(), CURRENT);
    let screen = render(&app, 200, 60);
    for t in ["RTT p99", " tx/s ", "p50 µs", "p99 µs"] {
        assert!(!screen.contains(t), "{t} on a stream screen\n{screen}");
    }
}

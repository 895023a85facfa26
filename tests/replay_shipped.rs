//! The recordings shipped in recordings/ are real sessions: each one validates, replays
//! every event in order, and each sweep's recording holds exactly the rows of the CSV
//! the same sweep wrote (so a replay fills the same matrix the sweep measured); the
//! profiled sweep's replay shows its top kernel functions on `t`.

use netio_tui::engine::metric::{Figures, METRICS};
use netio_tui::engine::sample::EngineEvent;
use netio_tui::model::csv::read_csv;
use netio_tui::model::recording::read_recording;
use netio_tui::replay::ReplayPlayer;
use netio_tui::source::SampleSource;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings")
}

fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(recordings())
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn every_shipped_recording_is_valid_and_documented() {
    let files = shipped();
    assert!(
        files.len() >= 2,
        "recordings/ should ship at least two recordings"
    );
    let readme = std::fs::read_to_string(recordings().join("README.md")).unwrap();
    for f in files {
        let rec = read_recording(&f).unwrap_or_else(|e| panic!("{e}"));
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            readme.contains(&name),
            "recordings/README.md does not describe {name}"
        );
        assert_eq!(rec.cut_off_line, None, "{name}");
        assert!(!rec.header.machine.kernel.is_empty(), "{name}: no kernel");
        assert!(!rec.header.machine.cpu_model.is_empty(), "{name}: no CPU");
        assert!(
            rec.events
                .iter()
                .any(|(_, e)| matches!(e, EngineEvent::Finished(_))),
            "{name}: no finished configuration"
        );
        let size = std::fs::metadata(&f).unwrap().len();
        assert!(
            size < 2_000_000,
            "{name} is {size} bytes; keep recordings small"
        );
    }
}

#[test]
fn course_sweep_recording_holds_the_rows_of_its_csv() {
    // The course matrix is 3 × 4 × 4; the profiled sweep 3 strategies × 2 sizes.
    for (name, rows) in [("course-sweep", 48), ("profile-sweep", 6)] {
        sweep_recording_holds_the_rows_of_its_csv(name, rows);
    }
}

fn sweep_recording_holds_the_rows_of_its_csv(name: &str, rows: usize) {
    let rec = read_recording(&recordings().join(format!("{name}.jsonl"))).unwrap();
    let recorded: Vec<Figures> = rec
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            EngineEvent::Finished(r) => Some(Figures::of(METRICS, r)),
            _ => None,
        })
        .collect();
    let csv = recordings().join(format!("{name}.csv"));
    let written = read_csv(METRICS, &csv).unwrap();
    assert_eq!(written.len(), rows, "{name}");
    assert_eq!(recorded.len(), written.len());
    let header = std::fs::read_to_string(&csv).unwrap();
    let columns: Vec<&str> = header.lines().next().unwrap().split(',').collect();
    for (r, w) in recorded.iter().zip(&written) {
        assert_eq!(r.config, w.config);
        for (i, m) in METRICS.iter().enumerate() {
            if !columns.contains(&m.name) {
                continue;
            }
            assert_eq!(
                r.values[i].map(|v| m.csv_text(v)),
                w.values[i].map(|v| m.csv_text(v)),
                "{} {}",
                r.config,
                m.name
            );
        }
    }
}

#[test]
fn a_shipped_recording_replays_every_event_in_order() {
    let path = recordings().join("strategy-tour.jsonl");
    let rec = read_recording(&path).unwrap();
    let want: Vec<EngineEvent> = rec.events.iter().map(|(_, e)| e.clone()).collect();
    let mut player = ReplayPlayer::start(rec, path, 64.0);
    for (i, e) in want.iter().enumerate() {
        let got = player
            .events()
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|_| panic!("replay stalled at event {i}"));
        assert_eq!(&got, e, "event {i}");
    }
    player.shutdown();
}

#[test]
fn the_profiled_sweep_replays_its_top_kernel_functions_on_t() {
    use netio_tui::app::{Action, App};
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    let path = recordings().join("profile-sweep.jsonl");
    let rec = read_recording(&path).unwrap();
    let machine = rec.header.machine.clone();
    let kind = netio_tui::source::SourceKind::Replay {
        file: path,
        speed: 1.0,
    };
    let one_copy_64k = |e: &EngineEvent| match e {
        EngineEvent::Sample(s) => {
            s.config.strategy == netio_tui::engine::config::Strategy::OneCopy
                && s.config.msg_size == 65536
        }
        _ => false,
    };
    let first = rec.events.iter().find(|(_, e)| one_copy_64k(e)).unwrap();
    let EngineEvent::Sample(s) = &first.1 else {
        unreachable!()
    };
    let mut app = App::new(machine, kind, s.config, 2.0);
    // Up to one-copy 64K's last sample, as the replay plays them.
    let last = rec
        .events
        .iter()
        .rposition(|(_, e)| one_copy_64k(e))
        .unwrap();
    for (_, e) in &rec.events[..=last] {
        app.update(Action::Engine(e.clone()));
    }
    let t = netio_tui::app::keys::action_for_key(KeyEvent::from(KeyCode::Char('t'))).unwrap();
    app.update(t);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    term.draw(|f| netio_tui::ui::draw(f, &app)).unwrap();
    let screen = term.backend().to_string();
    // The sender copies the message into the socket, the receiver out of it.
    assert!(screen.contains("one-copy 64K ×1, sender:"), "{screen}");
    assert!(
        screen.contains("copy     _copy_from_iter") && screen.contains("copy     _copy_to_iter"),
        "{screen}"
    );
}

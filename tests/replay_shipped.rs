//! The recordings shipped in recordings/ are real sessions: each one validates, replays
//! every event in order, and the course sweep's recording holds exactly the rows of the
//! CSV the same sweep wrote (so a replay fills the same matrix the sweep measured).

use netio_tui::engine::metric::{Figures, METRICS};
use netio_tui::engine::sample::EngineEvent;
use netio_tui::export::csv::read_csv;
use netio_tui::export::recording::read_recording;
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
    let rec = read_recording(&recordings().join("course-sweep.jsonl")).unwrap();
    let recorded: Vec<Figures> = rec
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            EngineEvent::Finished(r) => Some(Figures::of(METRICS, r)),
            _ => None,
        })
        .collect();
    let written = read_csv(METRICS, &recordings().join("course-sweep.csv")).unwrap();
    assert_eq!(written.len(), 48, "the course matrix is 3 × 4 × 4");
    assert_eq!(recorded.len(), written.len());
    let header = std::fs::read_to_string(recordings().join("course-sweep.csv")).unwrap();
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

//! Record → replay yields the same matrix: a real recording fed live into the explorer's
//! state and the same file played back by the replay source end in identical matrices
//! (and identical CSV exports).

use netio_tui::app::{Action, App};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::sample::EngineEvent;
use netio_tui::model::recording::{read_recording, Recorder};
use netio_tui::replay::ReplayPlayer;
use netio_tui::source::{SampleSource, SourceKind};
use std::path::Path;
use std::time::Duration;

fn app_for(machine: &netio_tui::engine::sample::MachineInfo, kind: SourceKind) -> App {
    App::new(
        machine.clone(),
        kind,
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    )
}

fn replayed_matrix(path: &Path) -> (App, usize) {
    let rec = read_recording(path).unwrap();
    let n = rec.events.len();
    let machine = rec.header.machine.clone();
    let mut player = ReplayPlayer::start(rec, path.to_path_buf(), 64.0);
    let mut app = app_for(&machine, player.kind());
    let mut got = 0;
    while got < n {
        let ev = player
            .events()
            .recv_timeout(Duration::from_secs(10))
            .expect("replay stalled");
        if !matches!(&ev, EngineEvent::Notice { .. }) {
            got += 1;
        }
        let (action, _) = netio_tui::explorer::action_for(&app, &mut player, ev);
        app.update(action);
    }
    let _ = player.shutdown();
    (app, n)
}

#[test]
fn the_shipped_sweep_replays_into_the_matrix_it_recorded() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/course-sweep.jsonl");
    let rec = read_recording(&path).unwrap();
    let mut live = app_for(
        &rec.header.machine,
        SourceKind::Live {
            network: "veth".into(),
        },
    );
    for (_, ev) in &rec.events {
        live.update(Action::Engine(ev.clone()));
    }
    let (replayed, _) = replayed_matrix(&path);
    assert_eq!(live.matrix.len(), 48, "the course matrix");
    assert_eq!(replayed.matrix.len(), live.matrix.len());
    let a: Vec<_> = live.matrix.results().cloned().collect();
    let b: Vec<_> = replayed.matrix.results().cloned().collect();
    assert_eq!(a, b);
    assert_eq!(live.export_rows(), replayed.export_rows());
    // And the matrix is the sweep's own CSV, row for row.
    let csv = netio_tui::model::csv::read_csv(
        netio_tui::engine::metric::METRICS,
        &path.with_extension("csv"),
    )
    .unwrap();
    assert_eq!(live.export_rows().len(), csv.len());
}

#[test]
fn a_fresh_recording_round_trips_through_the_matrix() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/course-sweep.jsonl");
    let rec = read_recording(&src).unwrap();
    // Re-record the first configurations with the current recorder.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.jsonl");
    let mut r = Recorder::create(&path, &rec.header.machine).unwrap();
    let mut live = app_for(
        &rec.header.machine,
        SourceKind::Live {
            network: "veth".into(),
        },
    );
    for (t, ev) in rec.events.iter().take(40) {
        r.record_at(*t, ev).unwrap();
        live.update(Action::Engine(ev.clone()));
    }
    drop(r);
    let (replayed, n) = replayed_matrix(&path);
    assert_eq!(n, 40);
    assert!(!live.matrix.is_empty());
    assert_eq!(
        live.matrix.results().cloned().collect::<Vec<_>>(),
        replayed.matrix.results().cloned().collect::<Vec<_>>()
    );
}

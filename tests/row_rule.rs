//! One row rule (defect 2): a window a sweep or run ended on purpose is a row however
//! short, live or replayed; a window cut short by a key is never one; `report` of a
//! recording has exactly the rows the explorer's own export has.

use netio_tui::app::App;
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::metric::METRICS;
use netio_tui::engine::sample::{ConfigResult, EngineEvent, MachineInfo, Measured};
use netio_tui::model::recording::{read_recording, Recorder, RecordingHeader};
use netio_tui::model::report::read_input;
use netio_tui::replay::ReplayPlayer;
use netio_tui::source::{SampleSource, SourceKind};
use std::path::Path;
use std::time::Duration;

fn window(config: Config, seconds: f64) -> ConfigResult {
    ConfigResult {
        config,
        total: Measured {
            seconds,
            bytes: 1 << 20,
            messages: 256,
            ..Default::default()
        },
        bytes_sent: 1 << 20,
        bytes_received: 1 << 20,
        verified: false,
    }
}

/// The sweep of the issue: 3 strategies × 4 sizes × 3 thread counts.
fn sweep_configs() -> Vec<Config> {
    netio_tui::model::plan::plan(
        &[Strategy::TwoCopy, Strategy::OneCopy, Strategy::ZeroCopy],
        &[64, 256, 1024, 4096],
        &[1, 2, 4],
    )
}

fn header(command: &[&str]) -> RecordingHeader {
    RecordingHeader {
        command: command.iter().map(|s| s.to_string()).collect(),
        ..RecordingHeader::new(&MachineInfo::default())
    }
}

/// Plays `path` into a fresh explorer state the way the explorer does.
fn replayed(path: &Path) -> App {
    let rec = read_recording(path).unwrap();
    let n = rec.events.len();
    let machine = rec.header.machine.clone();
    let mut player = ReplayPlayer::start(rec, path.to_path_buf(), 64.0);
    let mut app = App::new(
        machine,
        player.kind(),
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    );
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
    app
}

/// A `sweep --duration 0.3 --record`, as the sweep writes it now (each finished
/// window says it ran its length) or as files made before that said nothing.
fn short_sweep(path: &Path, say_how_it_ended: bool) {
    let h = header(&[
        "netio-tui",
        "sweep",
        "--duration",
        "0.3",
        "--record",
        "m.jsonl",
    ]);
    let mut r = Recorder::create_with_header(path, &h).unwrap();
    let mut t = 0.0;
    for c in sweep_configs() {
        r.record_at(t, &EngineEvent::Started { config: c }).unwrap();
        t += 0.35;
        let end = say_how_it_ended.then_some(netio_tui::model::rows::WindowEnd::Timed);
        r.record_at_window(t, &EngineEvent::Finished(window(c, 0.3)), end)
            .unwrap();
    }
}

#[test]
fn a_short_duration_sweep_replays_with_every_configuration() {
    let dir = tempfile::tempdir().unwrap();
    for say in [true, false] {
        let path = dir.path().join(format!("m-{say}.jsonl"));
        short_sweep(&path, say);
        let app = replayed(&path);
        assert_eq!(app.matrix.len(), 36, "matrix of {}", path.display());
        // And report reads the same rows.
        let input = read_input(METRICS, &path).unwrap();
        assert_eq!(input.rows.len(), 36);
    }
}

#[test]
fn report_of_an_explorer_recording_has_the_rows_the_explorer_exports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("explorer.jsonl");
    let machine = MachineInfo::default();
    let mut r = Recorder::create_with_header(&path, &header(&["netio-tui"])).unwrap();
    let mut app = App::new(
        machine,
        SourceKind::Live {
            network: "veth".into(),
        },
        Config::new(Strategy::OneCopy, 4096, 1),
        2.0,
    );
    // Passed through while pressing keys (0.3 s), then measured (2 s), then passed
    // through again.
    let a = Config::new(Strategy::OneCopy, 64, 1);
    let b = Config::new(Strategy::OneCopy, 256, 1);
    let c = Config::new(Strategy::OneCopy, 1024, 1);
    let mut t = 0.0;
    for (config, seconds) in [(a, 0.3), (b, 2.0), (c, 0.4)] {
        for ev in [
            EngineEvent::Started { config },
            EngineEvent::Finished(window(config, seconds)),
        ] {
            // What the explorer does with each event it takes: record it with how the
            // window ended, then update.
            let (action, end) = netio_tui::explorer::action_for(&app, &mut LiveSource, ev.clone());
            r.record_at_window(t, &ev, end).unwrap();
            app.update(action);
            t += seconds;
        }
    }
    drop(r);
    let exported: Vec<Config> = app.export_rows().iter().map(|f| f.config).collect();
    assert_eq!(exported, vec![b]);
    let reported: Vec<Config> = read_input(METRICS, &path)
        .unwrap()
        .rows
        .iter()
        .map(|f| f.config)
        .collect();
    assert_eq!(reported, exported);
    // The replay agrees too.
    let replay = replayed(&path);
    assert_eq!(
        replay
            .export_rows()
            .iter()
            .map(|f| f.config)
            .collect::<Vec<_>>(),
        exported
    );
}

/// A live source: it knows nothing of how windows ended (the explorer does).
struct LiveSource;

impl SampleSource for LiveSource {
    fn events(&self) -> &crossbeam_channel::Receiver<EngineEvent> {
        unreachable!("not read")
    }
    fn control(&mut self, _: netio_tui::source::Control) {}
    fn machine(&self) -> &MachineInfo {
        unreachable!("not read")
    }
    fn kind(&self) -> SourceKind {
        SourceKind::Live {
            network: "veth".into(),
        }
    }
    fn shutdown(&mut self) -> Vec<EngineEvent> {
        Vec::new()
    }
}

#[test]
fn replay_takes_the_theme() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.jsonl");
    short_sweep(&path, true);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_netio-tui"))
        .args(["replay", "--check", "--theme", "high-contrast"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

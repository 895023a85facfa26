//! The CPU-time breakdown bar in the live panel, at the smallest supported size.
//! Deterministic: the samples below are synthetic.

use netio_tui::app::{Action, App};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::profile::{Bucket, Clock, Profile, SideProfile};
use netio_tui::engine::sample::{
    CounterStatus, Counts, EngineEvent, MachineInfo, Measured, Sample,
};
use netio_tui::source::SourceKind;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn machine() -> MachineInfo {
    MachineInfo {
        tool_version: "0.1.0".into(),
        kernel: "6.8.0-test".into(),
        cpu_model: "Test CPU".into(),
        cores: 2,
        network: "veth between two private namespaces".into(),
        counters: vec![CounterStatus {
            metric: "cpu_ns".into(),
            event: "task-clock".into(),
            available: true,
            note: None,
        }],
        perf_error: Some("no PMU".into()),
        profile_note: Some("sampled on cpu-clock at 2000 Hz per thread".into()),
        started: "2025-01-01T12:00:00Z".into(),
        ..Default::default()
    }
}

/// One side's samples: `ms` milliseconds per bucket, at 2 kHz (500 µs a sample).
fn side(ms: &[(Bucket, u64)]) -> SideProfile {
    let mut p = SideProfile {
        threads: 1,
        ..Default::default()
    };
    for &(b, ms) in ms {
        p.samples[b.index()] = ms * 2;
        p.weight[b.index()] = ms * 1_000_000;
    }
    p
}

fn sample(c: Config, seq: u64) -> Sample {
    let tx = side(&[
        (Bucket::Copy, 60),
        (Bucket::Tcp, 30),
        (Bucket::Syscall, 10),
        (Bucket::IrqLate, 120),
        (Bucket::User, 20),
        (Bucket::Other, 10),
    ]);
    let rx = side(&[
        (Bucket::Copy, 70),
        (Bucket::Tcp, 25),
        (Bucket::Syscall, 5),
        (Bucket::Sched, 2),
        (Bucket::IrqLate, 130),
        (Bucket::User, 10),
        (Bucket::Other, 8),
    ]);
    let counts = |p: &SideProfile| Counts {
        cpu_ns: Some(p.total_weight()),
        counted: 1,
        threads: 1,
        ..Default::default()
    };
    Sample {
        config: c,
        seq,
        elapsed_s: (seq + 1) as f64 * 0.25,
        interval: Measured {
            seconds: 0.25,
            bytes: 400_000_000,
            messages: 6_103,
            tx: counts(&tx),
            rx: counts(&rx),
            both: None,
            zc: None,
            rx_zc: None,
            memcpy_ns_per_byte: None,
            profile: Some(Profile {
                clock: Clock::CpuClock,
                unresolved: false,
                tx,
                rx,
            }),
        },
    }
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| netio_tui::ui::draw(f, app)).unwrap();
    t.backend().to_string()
}

#[test]
fn breakdown_bar_at_80x24() {
    let c = Config::new(Strategy::OneCopy, 65536, 1);
    let mut app = App::new(
        machine(),
        SourceKind::Live {
            network: "veth between two private namespaces".into(),
        },
        c,
        2.0,
    );
    app.update(Action::Engine(EngineEvent::Started { config: c }));
    for seq in 0..8 {
        app.update(Action::Engine(EngineEvent::Sample(sample(c, seq))));
    }
    let screen = render(&app, 80, 24);
    // Both sides, total ns/B (250 ms of tx CPU over 400 MB), and labelled segments.
    assert!(
        screen.contains("CPU tx") && screen.contains("CPU rx"),
        "{screen}"
    );
    assert!(screen.contains("0.625 ns/B"), "{screen}");
    assert!(
        screen.contains("copy 24%") && screen.contains("irq-off 48%"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

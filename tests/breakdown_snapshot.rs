//! The CPU-time breakdown bar in the live panel and the top kernel functions (`t`), at
//! the smallest supported size. Deterministic: the samples below are synthetic.

use netio_tui::app::{Action, App};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::profile::{
    Bucket, Clock, FunctionSamples, Profile, SideProfile, SideTop, TopFunctions,
};
use netio_tui::engine::sample::{
    CounterStatus, Counts, EngineEvent, MachineInfo, Measured, Sample,
};
use netio_tui::source::SourceKind;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
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
            rtt: None,
            tx: counts(&tx),
            rx: counts(&rx),
            both: None,
            zc: None,
            rx_zc: None,
            memcpy_ns_per_byte: None,
            noise: None,
            profile: Some(Profile {
                clock: Clock::CpuClock,
                unresolved: false,
                tx,
                rx,
            }),
            fixed_messages: None,
        },
        top: Some(top(seq + 1)),
    }
}

/// The kernel functions of `intervals` intervals like the ones above (500 samples per
/// side each), as the engine counts them: most first, ties by name.
fn top(intervals: u64) -> TopFunctions {
    let side = |fs: &[(&str, Bucket, u64)]| SideTop {
        samples: 500 * intervals,
        functions: fs
            .iter()
            .map(|&(name, bucket, n)| FunctionSamples {
                name: name.into(),
                bucket,
                samples: n * intervals,
            })
            .collect(),
    };
    TopFunctions {
        tx: side(&[
            ("_raw_spin_unlock_irqrestore", Bucket::IrqLate, 150),
            ("_copy_from_iter", Bucket::Copy, 110),
            ("finish_task_switch.isra.0", Bucket::IrqLate, 60),
            ("__do_softirq", Bucket::IrqLate, 30),
            ("tcp_sendmsg_locked", Bucket::Tcp, 25),
            ("__dev_queue_xmit", Bucket::Tcp, 15),
            ("entry_SYSCALL_64", Bucket::Syscall, 12),
            ("kmem_cache_alloc_node_noprof", Bucket::Other, 12),
            ("__check_object_size", Bucket::Copy, 10),
            ("skb_release_data", Bucket::Tcp, 10),
        ]),
        rx: side(&[
            ("_raw_spin_unlock_irqrestore", Bucket::IrqLate, 160),
            ("_copy_to_iter", Bucket::Copy, 130),
            ("finish_task_switch.isra.0", Bucket::IrqLate, 100),
            ("tcp_recvmsg_locked", Bucket::Tcp, 20),
            ("tcp_rcv_established", Bucket::Tcp, 15),
            ("tcp_v4_rcv", Bucket::Tcp, 15),
            ("__slab_free", Bucket::Other, 10),
            ("skb_copy_datagram_iter", Bucket::Copy, 10),
            ("__x64_sys_recvfrom", Bucket::Syscall, 6),
            ("schedule", Bucket::Sched, 4),
        ]),
    }
}

fn live() -> SourceKind {
    SourceKind::Live {
        network: "veth between two private namespaces".into(),
    }
}

/// An explorer that has shown `samples` intervals of `c`.
fn explorer(machine: MachineInfo, kind: SourceKind, c: Config, samples: &[Sample]) -> App {
    let mut app = App::new(machine, kind, c, 2.0);
    app.update(Action::Engine(EngineEvent::Started { config: c }));
    for s in samples {
        app.update(Action::Engine(EngineEvent::Sample(s.clone())));
    }
    app
}

fn press(app: &mut App, c: char) {
    let a = netio_tui::app::keys::action_for_key(KeyEvent::from(KeyCode::Char(c))).unwrap();
    app.update(a);
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
    // Issue 22 item 6: every segment drawn by its letter alone is explained on
    // screen, in the live panel's title.
    let title = screen.lines().nth(2).unwrap_or("");
    for bar in screen
        .lines()
        .filter(|l| l.starts_with("\"CPU tx") || l.starts_with("\"CPU rx"))
    {
        for (letter, word) in [
            ('C', "copy"),
            ('Z', "zc"),
            ('T', "tcp"),
            ('S', "sys"),
            ('W', "sched"),
            ('I', "irq-off"),
            ('U', "user"),
            ('O', "other"),
            ('K', "kernel"),
        ] {
            let alone = bar[27..].split_whitespace().any(|seg| {
                seg.starts_with(letter)
                    && seg[letter.len_utf8()..]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '%' || c == '"')
            });
            if alone {
                assert!(
                    title.contains(&format!("{letter} {word}")),
                    "{letter} unexplained:\n{screen}"
                );
            }
        }
    }
    assert!(title.contains("bars: T tcp"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn top_kernel_functions_at_80x24() {
    let c = Config::new(Strategy::OneCopy, 65536, 1);
    let samples: Vec<Sample> = (0..8).map(|seq| sample(c, seq)).collect();
    let mut app = explorer(machine(), live(), c, &samples);
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    // Both sides, the configuration, each function's share of its side's samples and
    // its bucket; all 20 functions fit without scrolling.
    assert!(
        screen
            .contains("one-copy 64K ×1, sender: 4000 samples over 2.0s (share, bucket, function)"),
        "{screen}"
    );
    assert!(screen.contains("receiver: 4000 samples"), "{screen}");
    assert!(
        screen.contains("22.0%  copy     _copy_from_iter"),
        "{screen}"
    );
    assert!(screen.contains("26.0%  copy     _copy_to_iter"), "{screen}");
    assert!(
        screen.contains("irq-off") && screen.contains("schedule"),
        "{screen}"
    );
    assert!(!screen.contains("PgUp/PgDn scroll, t"), "{screen}");
    insta::assert_snapshot!(screen);
    // t again closes it; so does Esc.
    press(&mut app, 't');
    assert!(!render(&app, 80, 24).contains("_copy_to_iter"));
    press(&mut app, 't');
    app.update(Action::Dismiss);
    assert!(!render(&app, 80, 24).contains("_copy_to_iter"));
}

#[test]
fn top_says_how_to_get_it_when_profiling_is_off_or_kallsyms_hides_the_names() {
    let c = Config::new(Strategy::TwoCopy, 64, 1);
    // Off: no samples of kernel functions, and the flag that gives them.
    let off = MachineInfo {
        profile_note: None,
        profile_error: Some("not sampled (off by default; --profile samples it)".into()),
        ..machine()
    };
    let mut plain = sample(c, 0);
    (plain.interval.profile, plain.top) = (None, None);
    let mut app = explorer(off.clone(), live(), c, std::slice::from_ref(&plain));
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Start netio-tui with --profile") && screen.contains("off by default"),
        "{screen}"
    );
    // The same in a replay of a recording made without it.
    let replay = SourceKind::Replay {
        file: "old.jsonl".into(),
        speed: 1.0,
    };
    let mut app = explorer(off, replay.clone(), c, &[plain]);
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    assert!(screen.contains("made without --profile"), "{screen}");
    // kallsyms unreadable: said, not an empty list.
    let mut hidden = sample(c, 0);
    hidden.interval.profile.as_mut().unwrap().unresolved = true;
    hidden.top.as_mut().unwrap().tx.functions.clear();
    let mut app = explorer(machine(), live(), c, &[hidden]);
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("cannot be named") && screen.contains("kptr_restrict"),
        "{screen}"
    );
    // Warm-up of a new configuration: the previous one's list is not shown as its.
    let mut app = explorer(machine(), live(), c, &[sample(c, 0)]);
    let next = Config::new(Strategy::OneCopy, 64, 1);
    app.update(Action::Engine(EngineEvent::Started { config: next }));
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Waiting for the first samples of one-copy 64 ×1"),
        "{screen}"
    );
}

#[test]
fn a_replay_shows_the_top_functions_its_recording_holds() {
    let c = Config::new(Strategy::OneCopy, 65536, 1);
    // Through JSON, as a recording line holds it.
    let line = serde_json::to_string(&EngineEvent::Sample(sample(c, 3))).unwrap();
    let EngineEvent::Sample(back) = serde_json::from_str(&line).unwrap() else {
        panic!("{line}")
    };
    // A line from before the top list existed still loads, without one.
    let mut old: serde_json::Value = serde_json::from_str(&line).unwrap();
    old.as_object_mut().unwrap().remove("top");
    let old: EngineEvent = serde_json::from_value(old).unwrap();
    assert!(matches!(old, EngineEvent::Sample(Sample { top: None, .. })));
    let replay = SourceKind::Replay {
        file: "profiled.jsonl".into(),
        speed: 1.0,
    };
    let mut app = explorer(machine(), replay, c, &[back]);
    press(&mut app, 't');
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("22.0%  copy     _copy_from_iter"),
        "{screen}"
    );
}

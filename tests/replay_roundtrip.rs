//! Record → read back → replay: the same header and the same events, in order.

use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::sample::{
    ConfigResult, CounterStatus, Counts, EngineEvent, MachineInfo, Measured, Sample, ZcStats,
};
use netio_tui::model::recording::{read_recording, Recorder, FORMAT, VERSION};
use netio_tui::replay::ReplayPlayer;
use netio_tui::source::{Control, SampleSource, SourceKind};
use std::time::{Duration, Instant};

fn machine() -> MachineInfo {
    MachineInfo {
        roofline: None,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        kernel: "6.1.0-roundtrip".into(),
        cpu_model: "Round Trip CPU".into(),
        cores: 4,
        network: "veth between two private namespaces".into(),
        counters: vec![
            CounterStatus {
                metric: "l1d_misses".into(),
                event: "L1-dcache-load-misses".into(),
                available: true,
                note: None,
            },
            CounterStatus {
                metric: "llc_misses".into(),
                event: "LLC-load-misses".into(),
                available: false,
                note: Some("not supported by this CPU; see cache_misses".into()),
            },
        ],
        perf_error: None,
        zerocopy_error: None,
        unavailable: Default::default(),
        started: "2025-02-01T09:30:00Z".into(),
        ..Default::default()
    }
}

/// A session as the engine would publish it: two configurations, 3 samples each.
fn session() -> Vec<EngineEvent> {
    let mut out = Vec::new();
    for (i, strategy) in [Strategy::OneCopy, Strategy::ZeroCopy]
        .into_iter()
        .enumerate()
    {
        let config = Config::new(strategy, 1024 << i, 1 + i);
        out.push(EngineEvent::Started { config });
        let mut total = Measured::default();
        for seq in 0..3u64 {
            let interval = Measured {
                memcpy_ns_per_byte: None,
                rtt: None,
                fixed_messages: None,
                noise: None,
                seconds: 0.25,
                bytes: 1_000_000 + seq * 17,
                messages: 1000 + seq,
                tx: Counts {
                    cycles: Some(5_000_000 + seq),
                    instructions: Some(9_000_000),
                    l1d_misses: Some(12_345),
                    llc_misses: None,
                    cache_misses: Some(77),
                    context_switches: Some(3),
                    cpu_ns: Some(2_500_000 + seq),
                    scaled: seq == 2,
                    ..Default::default()
                },
                rx: Counts {
                    cycles: Some(4_000_000),
                    ..Default::default()
                },
                both: None,
                zc: strategy.uses_zerocopy().then_some(ZcStats {
                    sends: 1000,
                    completions: 990,
                    copied: 990,
                    enobufs: seq,
                }),
                rx_zc: None,
                profile: None,
            };
            total.seconds += interval.seconds;
            total.bytes += interval.bytes;
            out.push(EngineEvent::Sample(Sample {
                config,
                seq,
                elapsed_s: 0.25 * (seq + 1) as f64,
                interval,
                top: None,
            }));
        }
        out.push(EngineEvent::Finished(ConfigResult {
            config,
            bytes_sent: total.bytes,
            bytes_received: total.bytes,
            total,
            verified: false,
        }));
    }
    out.push(EngineEvent::Notice {
        message: "zero-copy on veth: the kernel copied 100% of sends".into(),
    });
    out
}

#[test]
fn recorded_events_read_back_identically_and_replay_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.jsonl");
    let events = session();
    let mut rec = Recorder::create(&path, &machine()).unwrap();
    for (i, e) in events.iter().enumerate() {
        rec.record_at(i as f64 * 0.25, e).unwrap();
    }
    drop(rec);

    let back = read_recording(&path).unwrap();
    assert_eq!(back.header.format, FORMAT);
    assert_eq!(back.header.version, VERSION);
    assert_eq!(back.header.tool_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(back.header.machine, machine());
    assert!(back.header.started.ends_with('Z'));
    assert_eq!(back.cut_off_line, None);
    let read: Vec<EngineEvent> = back.events.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(read, events);
    let times: Vec<f64> = back.events.iter().map(|(t, _)| *t).collect();
    assert_eq!(times[4], 1.0);

    // 2.5 s of recording at 64× plays in about 39 ms.
    let mut player = ReplayPlayer::start(back, path.clone(), 64.0);
    assert_eq!(player.machine(), &machine());
    assert_eq!(
        player.kind(),
        SourceKind::Replay {
            file: path.clone(),
            speed: 64.0
        }
    );
    let start = Instant::now();
    let mut played = Vec::new();
    while played.len() < events.len() {
        played.push(
            player
                .events()
                .recv_timeout(Duration::from_secs(5))
                .expect("replay stalled"),
        );
    }
    let took = start.elapsed();
    assert_eq!(played, events);
    assert!(
        took >= Duration::from_millis(35),
        "played too fast: {took:?}"
    );
    assert!(took < Duration::from_secs(2), "played too slowly: {took:?}");
    let end = player
        .end()
        .recv_timeout(Duration::from_secs(5))
        .expect("the end is told");
    assert_eq!(end.events, events.len());
    // Controls after the end are answered, the channel stays open until shutdown.
    player.control(Control::Pause);
    assert!(player
        .events()
        .recv_timeout(Duration::from_millis(50))
        .is_err());
    player.shutdown();
}

#[test]
fn a_recording_cut_off_mid_line_still_replays_up_to_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crashed.jsonl");
    let events = session();
    let mut rec = Recorder::create(&path, &machine()).unwrap();
    for e in &events {
        rec.record_at(0.0, e).unwrap();
    }
    drop(rec);
    // The process died while writing the last line.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();

    let back = read_recording(&path).unwrap();
    assert_eq!(back.cut_off_line, Some(events.len() + 1));
    assert_eq!(back.events.len(), events.len() - 1);

    let mut player = ReplayPlayer::start(back, path, 1.0);
    let first = player
        .events()
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    assert!(
        matches!(&first, EngineEvent::Notice { message } if message.contains("cut off")),
        "{first:?}"
    );
    for want in &events[..events.len() - 1] {
        assert_eq!(
            &player
                .events()
                .recv_timeout(Duration::from_secs(5))
                .unwrap(),
            want
        );
    }
    player.shutdown();
}

use super::*;
use crate::engine::config::{Config, Strategy};
use crate::engine::sample::{ConfigResult, CounterStatus, Counts, Measured, Sample, ZcStats};
use crate::Error;

pub(crate) fn machine() -> MachineInfo {
    MachineInfo {
        roofline: None,
        peer: None,
        tool_version: "0.1.0".into(),
        kernel: "6.1.0-test".into(),
        cpu_model: "Test CPU @ 3.0GHz".into(),
        cores: 8,
        network: "loopback (--no-netns)".into(),
        counters: vec![
            CounterStatus {
                metric: "cycles".into(),
                event: "cycles".into(),
                available: true,
                note: None,
            },
            CounterStatus {
                metric: "llc_misses".into(),
                event: "LLC-load-misses".into(),
                available: false,
                note: Some("not supported on this CPU".into()),
            },
        ],
        perf_error: None,
        zerocopy_error: None,
        unavailable: Default::default(),
        started: "2025-01-31T12:00:00Z".into(),
        ..Default::default()
    }
}

fn events() -> Vec<EngineEvent> {
    let config = Config::new(Strategy::ZeroCopy, 4096, 2);
    let interval = Measured {
        memcpy_ns_per_byte: None,
        rtt: None,
        fixed_messages: None,
        noise: None,
        seconds: 0.25,
        bytes: 1 << 30,
        messages: 1 << 18,
        tx: Counts {
            cycles: Some(123_456_789),
            llc_misses: None,
            scaled: true,
            ..Default::default()
        },
        rx: Counts::default(),
        both: None,
        zc: Some(ZcStats {
            sends: 10,
            completions: 9,
            copied: 9,
            enobufs: 1,
        }),
        rx_zc: Some(crate::engine::sample::RxZcStats {
            mapped: 1 << 29,
            copied: 1 << 29,
        }),
        profile: None,
    };
    vec![
        EngineEvent::Started { config },
        EngineEvent::Sample(Sample {
            config,
            seq: 0,
            elapsed_s: 0.25,
            interval: interval.clone(),
            // The top kernel functions travel with the sample (`t` in a replay).
            top: Some(crate::engine::profile::TopFunctions {
                tx: crate::engine::profile::SideTop {
                    samples: 500,
                    functions: vec![crate::engine::profile::FunctionSamples {
                        name: "_copy_from_iter".into(),
                        bucket: crate::engine::profile::Bucket::Copy,
                        samples: 40,
                    }],
                },
                rx: Default::default(),
            }),
        }),
        EngineEvent::Notice {
            message: "zero-copy: the kernel copied 100% \"anyway\"\nsecond line".into(),
        },
        EngineEvent::Finished(ConfigResult {
            config,
            total: interval,
            bytes_sent: 5,
            bytes_received: 5,
            verified: true,
        }),
        EngineEvent::Failed {
            config,
            failure: crate::engine::sample::Failure::NoData,
        },
    ]
}

fn usage_message(r: crate::Result<Recording>) -> String {
    let e = r.unwrap_err();
    assert!(matches!(e, Error::Usage(_)), "not a usage error: {e}");
    e.to_string()
}

#[test]
fn records_and_reads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let mut rec = Recorder::create(&path, &machine()).unwrap();
    for (i, e) in events().iter().enumerate() {
        rec.record_at(i as f64 * 0.25 + 0.0000004, e).unwrap();
    }
    rec.record(&EngineEvent::Notice {
        message: "live".into(),
    })
    .unwrap();
    assert_eq!(rec.lines(), 7);
    drop(rec);
    let back = read_recording(&path).unwrap();
    assert_eq!(back.header.format, FORMAT);
    assert_eq!(back.header.version, VERSION);
    assert_eq!(back.header.machine, machine());
    assert_eq!(back.cut_off_line, None);
    let mut want = events();
    want.push(EngineEvent::Notice {
        message: "live".into(),
    });
    let got: Vec<EngineEvent> = back.events.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(got, want);
    assert_eq!(back.events[1].0, 0.25);
    assert_eq!(back.events[5].0, 1.0);
    // One JSON object per line, header first.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(r#"{"format":"netio-tui-recording","version":1,"#));
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with(r#"{"t":0.0,"event":{"kind":"started""#));
}

#[test]
fn each_line_is_on_disk_as_soon_as_it_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let mut rec = Recorder::create(&path, &machine()).unwrap();
    rec.record(&events()[0]).unwrap();
    // Read while the recorder is still open: nothing buffered in memory.
    let back = read_recording(&path).unwrap();
    assert_eq!(back.events.len(), 1);
    drop(rec);
}

#[test]
fn unwritable_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for p in [
        dir.path().join("missing/dir/r.jsonl"),
        dir.path().to_path_buf(),
    ] {
        let e = Recorder::create(&p, &machine()).err().unwrap();
        assert!(matches!(e, Error::Usage(_)));
        assert!(e.to_string().contains(&p.display().to_string()), "{e}");
    }
}

fn text_of(events: &[EngineEvent]) -> String {
    let mut s = serde_json::to_string(&RecordingHeader::new(&machine())).unwrap();
    s.push('\n');
    for (i, e) in events.iter().enumerate() {
        s.push_str(
            &serde_json::to_string(&EventLine {
                t: i as f64,
                event: e.clone(),
                window: None,
            })
            .unwrap(),
        );
        s.push('\n');
    }
    s
}

#[test]
fn bad_line_in_the_middle_names_its_number() {
    let good = text_of(&events());
    let mut lines: Vec<&str> = good.lines().collect();
    lines[3] = r#"{"t":2.0,"event":{"kind":"sample","#;
    let msg = usage_message(parse_recording(lines.join("\n").as_bytes(), "x.jsonl"));
    assert!(
        msg.starts_with("x.jsonl line 4: expected an event"),
        "{msg}"
    );

    lines[3] = r#"{"t":2.0,"event":{"kind":"teleport"}}"#;
    let msg = usage_message(parse_recording(lines.join("\n").as_bytes(), "x.jsonl"));
    assert!(msg.contains("line 4") && msg.contains("teleport"), "{msg}");

    lines[3] = r#"{"t":0.5,"event":{"kind":"notice","message":"m"}}"#;
    let msg = usage_message(parse_recording(lines.join("\n").as_bytes(), "x.jsonl"));
    assert!(msg.contains("line 4") && msg.contains("earlier"), "{msg}");
}

#[test]
fn only_an_unfinished_final_line_is_forgiven() {
    let good = text_of(&events());
    // Cut in the middle of the last line: no trailing newline → ignored.
    let cut = &good[..good.len() - 20];
    let r = parse_recording(cut.as_bytes(), "x").unwrap();
    assert_eq!(r.events.len(), events().len() - 1);
    assert_eq!(r.cut_off_line, Some(events().len() + 1));
    // The same broken line with a newline after it was written whole: an error.
    let msg = usage_message(parse_recording(format!("{cut}\n").as_bytes(), "x"));
    assert!(
        msg.contains(&format!("line {}", events().len() + 1)),
        "{msg}"
    );
    // A complete last line that only lacks its newline is kept.
    let r = parse_recording(good.trim_end().as_bytes(), "x").unwrap();
    assert_eq!(r.events.len(), events().len());
    assert_eq!(r.cut_off_line, None);
    // Blank lines are skipped.
    let r = parse_recording(good.replace('\n', "\n\n").as_bytes(), "x").unwrap();
    assert_eq!(r.events.len(), events().len());
}

#[test]
fn cut_off_header_empty_foreign_and_newer_files_are_refused() {
    let good = text_of(&[]);
    let msg = usage_message(parse_recording(&good.as_bytes()[..30], "x"));
    assert!(msg.contains("line 1") && msg.contains("cut off"), "{msg}");

    let msg = usage_message(parse_recording(b"", "x"));
    assert!(
        msg.contains("not a netio-tui recording") && msg.contains("empty"),
        "{msg}"
    );

    let csv = "strategy,msg_size,threads\none-copy,64,1\n";
    let msg = usage_message(parse_recording(csv.as_bytes(), "x.csv"));
    assert!(
        msg.starts_with("x.csv is not a netio-tui recording"),
        "{msg}"
    );

    let msg = usage_message(parse_recording(b"{\"format\":\"other\"}\n", "x"));
    assert!(msg.contains("not a netio-tui recording"), "{msg}");

    let msg = usage_message(parse_recording(&[0xff, 0xfe, 0, 1, b'\n'], "x"));
    assert!(msg.contains("not a netio-tui recording"), "{msg}");

    let newer = good.replacen("\"version\":1", "\"version\":7", 1);
    let msg = usage_message(parse_recording(newer.as_bytes(), "x"));
    assert!(
        msg.contains("newer netio-tui (format version 7), this one reads version 1"),
        "{msg}"
    );

    let zero = good.replacen("\"version\":1", "\"version\":0", 1);
    let msg = usage_message(parse_recording(zero.as_bytes(), "x"));
    assert!(msg.contains("line 1") && msg.contains("version"), "{msg}");

    let no_machine = r#"{"format":"netio-tui-recording","version":1}"#;
    let msg = usage_message(parse_recording(no_machine.as_bytes(), "x"));
    assert!(msg.contains("line 1: the header is malformed"), "{msg}");
}

//! Tests of the explorer state, one file per concern; here the builders they share.

mod browse;
mod events;
mod export;
mod keys;
mod replay;
mod selection;
mod sweep;
mod update;

use super::*;
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::id;
use crate::engine::sample::{ConfigResult, CounterStatus, Counts};
use crate::engine::sample::{EngineEvent, MachineInfo, Measured, Sample};
use crate::source::{Control, SourceKind};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn machine() -> MachineInfo {
    MachineInfo {
        roofline: None,
        peer: None,
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
        rtt: None,
        noise: None,
        seconds,
        bytes,
        messages: bytes / size as u64,
        tx: side,
        rx: side,
        both: None,
        zc: None,
        rx_zc: None,
        profile: None,
        fixed_messages: None,
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

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn gbps(m: &Measured) -> f64 {
    id::THROUGHPUT_GBPS.def().of(&START, m).unwrap()
}

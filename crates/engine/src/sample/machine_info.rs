//! What this machine offers: its counters and why some are missing, the strategies
//! it refuses, its copy roofline.

use crate::config::Strategy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The copy roofline: what one memcpy of a byte costs on this machine, measured at
/// start, for a buffer that stays in cache and one that must come from DRAM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roofline {
    pub cache_bytes: u64,
    pub cache_ns_per_byte: f64,
    pub dram_bytes: u64,
    pub dram_ns_per_byte: f64,
}

/// Availability of one counter on this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterStatus {
    /// Column / metric name: cycles, instructions, l1d_misses, llc_misses, cache_misses, context_switches.
    pub metric: String,
    /// The perf event actually used, e.g. "L1-dcache-load-misses".
    pub event: String,
    pub available: bool,
    /// Why not available, or what the event really counts here.
    pub note: Option<String>,
}

/// How the reason of a figure `--count cpu` cannot have here begins.
pub const CPU_COUNT_NA: &str = "n/a with --count cpu: ";

/// What this machine offers, for the screen, recordings and the `n/a` reasons.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MachineInfo {
    pub tool_version: String,
    pub kernel: String,
    pub cpu_model: String,
    pub cores: usize,
    /// "veth … in two private namespaces" or "loopback 127.0.0.1 in the current namespace".
    pub network: String,
    pub counters: Vec<CounterStatus>,
    /// Set when perf_event_open was refused altogether.
    pub perf_error: Option<String>,
    /// What `--count cpu` counts here (every task on the pinned CPUs), with reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpu_counters: Vec<CounterStatus>,
    /// Set when this kernel refuses SO_ZEROCOPY (the zero-copy strategy cannot run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zerocopy_error: Option<String>,
    /// The sampling profiler: clock, rate and symbol source, when it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_note: Option<String>,
    /// Why there is no CPU-time breakdown (no `--profile`, perf refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_error: Option<String>,
    /// Strategies this kernel refuses here, each with the reason (io_uring disabled, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unavailable: BTreeMap<Strategy, String>,
    /// ISO-8601 start time.
    pub started: String,
    /// This machine's memcpy cost (in cache and from DRAM), measured at start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roofline: Option<Roofline>,
}

impl MachineInfo {
    pub fn counter(&self, metric: &str) -> Option<&CounterStatus> {
        self.counters.iter().find(|c| c.metric == metric)
    }

    /// `--count cpu`: the figures counting the pinned CPUs system-wide cannot have
    /// here though the machine offers their events (refused system-wide: permissions),
    /// with the reason; `None` when there are none.
    pub fn cpu_count_gaps(&self) -> Option<String> {
        let lost: Vec<&CounterStatus> = self
            .cpu_counters
            .iter()
            .filter(|c| {
                !c.available
                    && c.note
                        .as_deref()
                        .is_some_and(|n| n.starts_with(CPU_COUNT_NA))
            })
            .collect();
        let first = lost.first()?;
        Some(format!(
            "--count cpu: {} n/a: {}",
            lost.iter()
                .map(|c| c.metric.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            first
                .note
                .as_deref()
                .unwrap_or("not counted")
                .trim_start_matches(CPU_COUNT_NA)
        ))
    }

    /// Why `strategy` cannot run here, if it cannot.
    pub fn unavailable(&self, strategy: Strategy) -> Option<&str> {
        self.unavailable.get(&strategy).map(String::as_str)
    }
}

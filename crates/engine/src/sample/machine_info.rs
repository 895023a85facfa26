//! What this machine offers: its counters and why some are missing, the strategies
//! it refuses, its copy roofline.

use crate::config::Strategy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The copy roofline: what one memcpy of a byte costs on this machine, measured at
/// start, for a buffer that stays in cache and one that must come from DRAM.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roofline {
    pub cache_bytes: u64,
    pub cache_ns_per_byte: f64,
    pub dram_bytes: u64,
    pub dram_ns_per_byte: f64,
    /// The in-cache copy with its destination `slow_distance` bytes after its source
    /// modulo 4 KiB (the roofline itself places them half a span apart): 15–25 times
    /// the roofline on CPUs whose `rep movsb` has that slow case. Absent in recordings
    /// made before it was measured (their roofline used malloc's placement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_slow_ns_per_byte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_distance: Option<u32>,
    /// Why the DRAM copy was not measured (its buffers did not fit in memory or in
    /// `ulimit -v`); `dram_ns_per_byte` is then 0 and means nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dram_unmeasured: Option<String>,
}

impl Roofline {
    /// The DRAM copy's cost, or why it is n/a.
    pub fn dram(&self) -> Result<f64, &str> {
        match &self.dram_unmeasured {
            Some(why) => Err(why),
            None => Ok(self.dram_ns_per_byte),
        }
    }

    /// The slow case beside the roofline, said whole: "destination 16 B after its
    /// source modulo 4 KiB: 0.342 ns/B, 16.1× the roofline". None in recordings
    /// made before it was measured.
    pub fn slow_case(&self) -> Option<String> {
        let slow = self.cache_slow_ns_per_byte.filter(|v| *v > 0.0)?;
        let distance = self.slow_distance?;
        let times = slow / self.cache_ns_per_byte;
        Some(format!(
            "destination {distance} B after its source modulo 4 KiB: {} ns/B, {}× the roofline{}",
            crate::format::sig(slow, 3),
            crate::format::sig(times, 3),
            if times >= 2.0 {
                " (this CPU's copies are slow at that distance: see --buf-offset)"
            } else {
                " (no slow case on this CPU)"
            }
        ))
    }
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
    pub note: Option<Note>,
}

/// What a counter's status says beside it. Written in files as its text (as before
/// it was typed), and read back by that text's beginning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Note {
    /// What the event counts here, or why the machine does not offer it.
    Says(String),
    /// Why `--count cpu` cannot have this figure here though the machine offers its
    /// event (counting every task on a CPU refused, /proc/stat unreadable).
    CountCpuNa(String),
}

impl Note {
    /// How the text of a [`Note::CountCpuNa`] begins.
    const COUNT_CPU_NA: &'static str = "n/a with --count cpu: ";
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Says(text) => f.write_str(text),
            Note::CountCpuNa(why) => write!(f, "{}{why}", Note::COUNT_CPU_NA),
        }
    }
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        match text.strip_prefix(Note::COUNT_CPU_NA) {
            Some(why) => Note::CountCpuNa(why.to_string()),
            None => Note::Says(text),
        }
    }
}

impl From<&str> for Note {
    fn from(text: &str) -> Note {
        Note::from(text.to_string())
    }
}

impl From<Note> for String {
    fn from(note: Note) -> String {
        note.to_string()
    }
}

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
    /// `--peer`: the far host, as named, and its machine (it runs the other half).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Box<PeerMachine>>,
}

/// The far host of a `--peer` session.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PeerMachine {
    pub host: String,
    pub machine: MachineInfo,
}

impl MachineInfo {
    pub fn counter(&self, metric: &str) -> Option<&CounterStatus> {
        self.counters.iter().find(|c| c.metric == metric)
    }

    /// `--count cpu`: the figures counting the pinned CPUs system-wide cannot have
    /// here though the machine offers their events (refused system-wide: permissions),
    /// with the reason; `None` when there are none.
    pub fn cpu_count_gaps(&self) -> Option<String> {
        let lost: Vec<(&CounterStatus, &str)> = self
            .cpu_counters
            .iter()
            .filter(|c| !c.available)
            .filter_map(|c| match &c.note {
                Some(Note::CountCpuNa(why)) => Some((c, why.as_str())),
                _ => None,
            })
            .collect();
        let (_, why) = lost.first()?;
        Some(format!(
            "--count cpu: {} n/a: {why}",
            lost.iter()
                .map(|(c, _)| c.metric.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ))
    }

    /// Why `strategy` cannot run here, if it cannot.
    pub fn unavailable(&self, strategy: Strategy) -> Option<&str> {
        self.unavailable.get(&strategy).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_cpu_reason_is_typed_and_written_as_its_text() {
        let n = Note::CountCpuNa("reading /proc/stat failed (x)".into());
        let text = "n/a with --count cpu: reading /proc/stat failed (x)";
        assert_eq!(n.to_string(), text);
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<Note>(&json).unwrap(), n);
        assert_eq!(Note::from("cycles"), Note::Says("cycles".into()));
        let machine = MachineInfo {
            cpu_counters: vec![
                CounterStatus {
                    metric: "cycles".into(),
                    event: "cycles".into(),
                    available: false,
                    note: Some(n),
                },
                CounterStatus {
                    metric: "syscalls".into(),
                    event: "raw_syscalls:sys_enter".into(),
                    available: false,
                    note: Some("off by default".into()),
                },
            ],
            ..Default::default()
        };
        assert_eq!(
            machine.cpu_count_gaps().as_deref(),
            Some("--count cpu: cycles n/a: reading /proc/stat failed (x)")
        );
    }
}

//! The one data model every consumer reads: the explorer, `run`, `sweep`,
//! recordings and replay. Plain data, no behaviour beyond derived figures.

use super::config::Config;
use serde::{Deserialize, Serialize};

/// Hardware/software counter totals for one side (sender or receiver threads).
/// `None` means not measured (unsupported event or perf refused): never read it as 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub cycles: Option<u64>,
    pub instructions: Option<u64>,
    pub l1d_misses: Option<u64>,
    pub llc_misses: Option<u64>,
    pub cache_misses: Option<u64>,
    pub context_switches: Option<u64>,
    /// CPU time of the threads (software task-clock), ns: the cost figure that exists
    /// even where the CPU offers no hardware counters.
    #[serde(default)]
    pub cpu_ns: Option<u64>,
    /// True when the kernel multiplexed the counters and the values were scaled
    /// from the fraction of time they actually ran.
    #[serde(default)]
    pub scaled: bool,
}

fn add_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    Some(a?.saturating_add(b?))
}

fn sub_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    Some(a?.saturating_sub(b?))
}

impl Counts {
    /// Sum of two sides; a figure missing on either side stays missing.
    pub fn plus(&self, o: &Counts) -> Counts {
        Counts {
            cycles: add_opt(self.cycles, o.cycles),
            instructions: add_opt(self.instructions, o.instructions),
            l1d_misses: add_opt(self.l1d_misses, o.l1d_misses),
            llc_misses: add_opt(self.llc_misses, o.llc_misses),
            cache_misses: add_opt(self.cache_misses, o.cache_misses),
            context_switches: add_opt(self.context_switches, o.context_switches),
            cpu_ns: add_opt(self.cpu_ns, o.cpu_ns),
            scaled: self.scaled || o.scaled,
        }
    }

    /// Difference of two cumulative readings (`self` later than `earlier`).
    pub fn minus(&self, earlier: &Counts) -> Counts {
        Counts {
            cycles: sub_opt(self.cycles, earlier.cycles),
            instructions: sub_opt(self.instructions, earlier.instructions),
            l1d_misses: sub_opt(self.l1d_misses, earlier.l1d_misses),
            llc_misses: sub_opt(self.llc_misses, earlier.llc_misses),
            cache_misses: sub_opt(self.cache_misses, earlier.cache_misses),
            context_switches: sub_opt(self.context_switches, earlier.context_switches),
            cpu_ns: sub_opt(self.cpu_ns, earlier.cpu_ns),
            scaled: self.scaled || earlier.scaled,
        }
    }
}

/// Zero-copy bookkeeping of the sender threads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZcStats {
    /// sendmsg(MSG_ZEROCOPY) calls the kernel accepted.
    pub sends: u64,
    /// Sends whose completion notification arrived.
    pub completions: u64,
    /// Completed sends the kernel flagged SO_EE_CODE_ZEROCOPY_COPIED (it copied anyway).
    pub copied: u64,
    /// sendmsg calls refused with ENOBUFS and retried.
    pub enobufs: u64,
}

impl ZcStats {
    pub fn plus(&self, o: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends + o.sends,
            completions: self.completions + o.completions,
            copied: self.copied + o.copied,
            enobufs: self.enobufs + o.enobufs,
        }
    }

    pub fn minus(&self, earlier: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends.saturating_sub(earlier.sends),
            completions: self.completions.saturating_sub(earlier.completions),
            copied: self.copied.saturating_sub(earlier.copied),
            enobufs: self.enobufs.saturating_sub(earlier.enobufs),
        }
    }

    /// Share of completed sends the kernel copied anyway, in percent.
    pub fn copied_pct(&self) -> Option<f64> {
        (self.completions > 0).then(|| self.copied as f64 * 100.0 / self.completions as f64)
    }
}

/// What was measured over one interval (or one whole window: see [`ConfigResult`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Wall-clock seconds covered.
    pub seconds: f64,
    /// Payload bytes received by the client threads.
    pub bytes: u64,
    /// Whole messages received.
    pub messages: u64,
    /// Sender-side (server namespace) threads.
    pub tx: Counts,
    /// Receiver-side (client namespace) threads.
    pub rx: Counts,
    /// Present for zero-copy only.
    pub zc: Option<ZcStats>,
}

impl Measured {
    pub fn counts(&self) -> Counts {
        self.tx.plus(&self.rx)
    }

    pub fn gbps(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 * 8.0 / self.seconds / 1e9
        } else {
            0.0
        }
    }

    /// Time per message per connection, µs.
    pub fn latency_us(&self, threads: usize) -> Option<f64> {
        (self.messages > 0).then(|| self.seconds * threads as f64 / self.messages as f64 * 1e6)
    }

    /// (sender + receiver cycles) / payload byte.
    pub fn cycles_per_byte(&self) -> Option<f64> {
        let c = self.counts().cycles?;
        (self.bytes > 0).then(|| c as f64 / self.bytes as f64)
    }

    /// (sender + receiver) CPU nanoseconds / payload byte.
    pub fn cpu_ns_per_byte(&self) -> Option<f64> {
        let ns = self.counts().cpu_ns?;
        (self.bytes > 0).then(|| ns as f64 / self.bytes as f64)
    }
}

/// One interval's figures, published by the engine while a configuration runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub config: Config,
    /// 0, 1, 2… within this configuration's measured window.
    pub seq: u64,
    /// Seconds since the measured window of this configuration began (end of interval).
    pub elapsed_s: f64,
    pub interval: Measured,
}

/// A finished configuration: its measured window, warm-up excluded. One matrix cell, one CSV row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigResult {
    pub config: Config,
    pub total: Measured,
    /// Bytes written by the senders over the whole run (incl. warm-up) and bytes the
    /// receivers read; equal unless something was lost.
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// First payload mismatch seen with `--verify`.
    pub verify_error: Option<String>,
    /// Whether payload verification ran.
    pub verified: bool,
}

impl ConfigResult {
    pub fn intact(&self) -> bool {
        self.bytes_sent == self.bytes_received && self.verify_error.is_none()
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
    pub note: Option<String>,
}

/// What this machine offers, for the screen, recordings and the `n/a` reasons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineInfo {
    pub tool_version: String,
    pub kernel: String,
    pub cpu_model: String,
    pub cores: usize,
    /// "veth between two private namespaces" or "loopback (--no-netns)".
    pub network: String,
    pub counters: Vec<CounterStatus>,
    /// Set when perf_event_open was refused altogether.
    pub perf_error: Option<String>,
    /// Set when this kernel refuses SO_ZEROCOPY (the zero-copy strategy cannot run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zerocopy_error: Option<String>,
    /// ISO-8601 start time.
    pub started: String,
}

impl MachineInfo {
    pub fn counter(&self, metric: &str) -> Option<&CounterStatus> {
        self.counters.iter().find(|c| c.metric == metric)
    }
}

/// Everything the engine tells its consumers, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineEvent {
    /// Workers for this configuration are up; warm-up is running.
    Started {
        config: Config,
    },
    Sample(Sample),
    Finished(ConfigResult),
    /// Something the user should know that does not stop the measurement.
    Notice {
        message: String,
    },
    /// The configuration could not run.
    Failed {
        config: Config,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_counters_stay_missing_when_summed() {
        let a = Counts {
            cycles: Some(10),
            llc_misses: None,
            ..Default::default()
        };
        let b = Counts {
            cycles: Some(5),
            llc_misses: Some(3),
            ..Default::default()
        };
        let s = a.plus(&b);
        assert_eq!(s.cycles, Some(15));
        assert_eq!(s.llc_misses, None);
        assert_eq!(b.minus(&a).llc_misses, None);
    }

    #[test]
    fn derived_figures() {
        let m = Measured {
            seconds: 2.0,
            bytes: 1_000_000_000,
            messages: 1000,
            tx: Counts {
                cycles: Some(3_000_000_000),
                ..Default::default()
            },
            rx: Counts {
                cycles: Some(1_000_000_000),
                ..Default::default()
            },
            zc: None,
        };
        assert!((m.gbps() - 4.0).abs() < 1e-9);
        assert!((m.latency_us(2).unwrap() - 4000.0).abs() < 1e-9);
        assert!((m.cycles_per_byte().unwrap() - 4.0).abs() < 1e-9);
        assert_eq!(Measured::default().latency_us(1), None);
        let z = ZcStats {
            completions: 4,
            copied: 3,
            ..Default::default()
        };
        assert_eq!(z.copied_pct(), Some(75.0));
        assert_eq!(ZcStats::default().copied_pct(), None);
    }

    #[test]
    fn events_round_trip_as_json() {
        let e = EngineEvent::Notice {
            message: "x".into(),
        };
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<EngineEvent>(&s).unwrap(), e);
    }
}

//! The one data model every consumer reads: the explorer, `run`, `sweep`,
//! recordings and replay. Plain data, no behaviour beyond derived figures.

use super::config::{Config, Strategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

    /// This window followed by `later`, as one window.
    pub fn then(&self, later: &Measured) -> Measured {
        Measured {
            seconds: self.seconds + later.seconds,
            bytes: self.bytes + later.bytes,
            messages: self.messages + later.messages,
            tx: self.tx.plus(&later.tx),
            rx: self.rx.plus(&later.rx),
            zc: match (self.zc, later.zc) {
                (Some(x), Some(y)) => Some(x.plus(&y)),
                (x, y) => x.or(y),
            },
        }
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

/// A finished configuration: its measured window, warm-up excluded. One matrix cell,
/// one CSV row. Only a window that ended well is one: a failed window is a [`Failure`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigResult {
    pub config: Config,
    pub total: Measured,
    /// Bytes written by the senders over the whole run (incl. warm-up) and bytes the
    /// receivers read; equal, or the configuration failed.
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Whether every payload byte was verified (`--verify`).
    pub verified: bool,
}

impl ConfigResult {
    /// A new window of the same configuration added to this one.
    pub fn merge(&self, new: &ConfigResult) -> ConfigResult {
        ConfigResult {
            config: new.config,
            total: self.total.then(&new.total),
            bytes_sent: self.bytes_sent + new.bytes_sent,
            bytes_received: self.bytes_received + new.bytes_received,
            verified: self.verified && new.verified,
        }
    }
}

/// Which side of a connection a worker thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Sender,
    Receiver,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Sender => "sender",
            Side::Receiver => "receiver",
        })
    }
}

/// Why a configuration produced no measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// Its threads or connections could not be set up.
    #[error("could not start: {message}")]
    Start { message: String },
    /// A worker's socket call failed mid-window (e.g. the connection was reset).
    #[error("{side} {index} failed: {message}")]
    Worker {
        side: Side,
        index: usize,
        message: String,
        /// The OS error number, where there was one.
        errno: Option<i32>,
    },
    /// A receiver found a payload byte that was not what the sender wrote.
    #[error("payload check failed: {message}")]
    Corrupt { message: String },
    /// Connection `connection` lost bytes on the way.
    #[error("connection {connection}: {sent} bytes sent but {received} arrived")]
    Lost {
        connection: usize,
        sent: u64,
        received: u64,
    },
    /// The window ran but no payload moved.
    #[error("no data moved in the measured window")]
    NoData,
    /// The user stopped it (Ctrl-C, a signal) before the window was complete.
    #[error("interrupted before the measured window was complete")]
    Interrupted,
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
    /// "veth … in two private namespaces" or "loopback 127.0.0.1 in the current namespace".
    pub network: String,
    pub counters: Vec<CounterStatus>,
    /// Set when perf_event_open was refused altogether.
    pub perf_error: Option<String>,
    /// Set when this kernel refuses SO_ZEROCOPY (the zero-copy strategy cannot run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zerocopy_error: Option<String>,
    /// Strategies this kernel refuses here, each with the reason (io_uring disabled, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unavailable: BTreeMap<Strategy, String>,
    /// ISO-8601 start time.
    pub started: String,
}

impl MachineInfo {
    pub fn counter(&self, metric: &str) -> Option<&CounterStatus> {
        self.counters.iter().find(|c| c.metric == metric)
    }

    /// Why `strategy` cannot run here, if it cannot.
    pub fn unavailable(&self, strategy: Strategy) -> Option<&str> {
        self.unavailable.get(&strategy).map(String::as_str)
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
    /// The measured window ended well: one measurement.
    Finished(ConfigResult),
    /// Something the user should know that does not stop the measurement.
    Notice {
        message: String,
    },
    /// A consumer fell behind and this many samples of `config` were not delivered.
    SamplesDropped {
        config: Config,
        count: u64,
    },
    /// The configuration could not run, or its window failed: no measurement.
    Failed {
        config: Config,
        failure: Failure,
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
    fn windows_add_up_and_results_merge() {
        let a = Measured {
            seconds: 1.0,
            bytes: 10,
            messages: 1,
            tx: Counts {
                cycles: Some(5),
                ..Default::default()
            },
            ..Default::default()
        };
        let b = Measured {
            zc: Some(ZcStats {
                completions: 4,
                copied: 3,
                ..Default::default()
            }),
            ..a
        };
        let s = a.then(&b);
        assert_eq!((s.seconds, s.bytes, s.messages), (2.0, 20, 2));
        assert_eq!(s.tx.cycles, Some(10));
        assert_eq!(s.zc.unwrap().copied_pct(), Some(75.0));
        assert_eq!(ZcStats::default().copied_pct(), None);
        let r = ConfigResult {
            config: Config::new(crate::engine::config::Strategy::OneCopy, 64, 1),
            total: a,
            bytes_sent: 10,
            bytes_received: 10,
            verified: true,
        };
        let m = r.merge(&ConfigResult {
            verified: false,
            ..r.clone()
        });
        assert_eq!(
            (m.bytes_sent, m.total.seconds, m.verified),
            (20, 2.0, false)
        );
    }

    #[test]
    fn events_round_trip_as_json() {
        let config = Config::new(crate::engine::config::Strategy::TwoCopy, 64, 1);
        for e in [
            EngineEvent::Notice {
                message: "x".into(),
            },
            EngineEvent::Failed {
                config,
                failure: Failure::Worker {
                    side: Side::Receiver,
                    index: 0,
                    message: "Connection reset by peer".into(),
                    errno: Some(104),
                },
            },
        ] {
            let s = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<EngineEvent>(&s).unwrap(), e);
        }
    }
}

//! The one data model every consumer reads: the explorer, `run`, `sweep`,
//! recordings and replay. Plain data, no behaviour beyond derived figures.

mod counts;
mod machine_info;
mod measured;
mod noise;
mod round_trips;
mod zc;

pub use counts::{Counts, Gap, PmuShare};
pub use machine_info::{CounterStatus, MachineInfo, Note, PeerMachine, Roofline};
pub use measured::Measured;
pub use noise::{is_noisy, Noise, NOISY_CPUS};
pub use round_trips::{new_histogram, RoundTrips};
pub use zc::{RxZcStats, ZcStats};

use crate::config::Config;
use serde::{Deserialize, Serialize};

/// One interval's figures, published by the engine while a configuration runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub config: Config,
    /// 0, 1, 2… within this configuration's measured window.
    pub seq: u64,
    /// Seconds since the measured window of this configuration began (end of interval).
    pub elapsed_s: f64,
    pub interval: Measured,
    /// The kernel functions each side's samples fell in most, since the measured window
    /// began (a bounded list; none unless `--profile`, or in an older recording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<crate::profile::TopFunctions>,
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
    /// `--peer`: the far half was lost or failed (ssh dropped, agent died, token refused).
    #[error("{message}")]
    Peer { message: String },
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
    fn events_round_trip_as_json() {
        let config = Config::new(crate::config::Strategy::TwoCopy, 64, 1);
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

//! One configuration's figures: a CSV row, a JSON object, the input of the plots.

use super::interval::{median, median_interval, Interval};
use super::{id, MetricId, Registry};
use crate::config::Config;
use crate::sample::ConfigResult;

/// One configuration's figures, one per metric of a registry, in its order: a CSV row,
/// a JSON object, the input of the plots. `error` set: the configuration failed and
/// carries no figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub config: Config,
    pub values: Vec<Option<f64>>,
    /// How many trials (separate windows) the figures rest on: each value is their
    /// median. Files made before trials existed read as 1.
    pub trials: usize,
    /// Per metric, in registry order: the 95 % interval of the median, for the
    /// [`HEADLINE`] figures of two or more trials; `None` elsewhere.
    pub intervals: Vec<Option<Interval>>,
    /// The kernel it was measured on (`uname -r`), where known.
    pub kernel: Option<String>,
    /// `--peer`: the far host that ran the other half, and its kernel.
    pub peer: Option<Peer>,
    pub error: Option<String>,
}

/// The far host of a `--peer` measurement: the CSV's `peer` and `peer_kernel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub host: String,
    pub kernel: String,
}

impl Peer {
    /// The far host of `machine`'s session, if it has one.
    pub fn of(machine: &crate::sample::MachineInfo) -> Option<Peer> {
        machine.peer.as_ref().map(|p| Peer {
            host: p.host.clone(),
            kernel: p.machine.kernel.clone(),
        })
    }
}

impl Figures {
    pub fn of(reg: &Registry, r: &ConfigResult) -> Figures {
        Figures {
            config: r.config,
            values: reg.iter().map(|d| d.of(&r.config, &r.total)).collect(),
            trials: 1,
            intervals: vec![None; reg.len()],
            kernel: None,
            peer: None,
            error: None,
        }
    }

    /// The figures of several trials of one configuration: each metric's median over
    /// the trials that measured it, and for the [`HEADLINE`] figures the interval of
    /// that median. `trials` must be of one configuration and not empty.
    pub fn of_trials(reg: &Registry, trials: &[ConfigResult]) -> Figures {
        assert!(!trials.is_empty(), "figures of no trial");
        if trials.len() == 1 {
            return Figures::of(reg, &trials[0]);
        }
        let each: Vec<Figures> = trials.iter().map(|t| Figures::of(reg, t)).collect();
        let column = |i: usize| -> Vec<f64> { each.iter().filter_map(|f| f.values[i]).collect() };
        Figures {
            config: trials[0].config,
            values: (0..reg.len()).map(|i| median(&column(i))).collect(),
            trials: trials.len(),
            intervals: reg
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    HEADLINE
                        .iter()
                        .any(|h| h.name() == m.name)
                        .then(|| median_interval(&column(i)))
                        .flatten()
                })
                .collect(),
            kernel: None,
            peer: None,
            error: None,
        }
    }

    /// The interval of one metric's median, where it has one.
    pub fn interval(&self, reg: &Registry, name: impl AsRef<str>) -> Option<Interval> {
        let name = name.as_ref();
        let i = reg.iter().position(|m| m.name == name)?;
        self.intervals.get(i).copied().flatten()
    }

    /// The same figures, saying which kernel they were measured on.
    pub fn on_kernel(mut self, kernel: &str) -> Figures {
        self.kernel = Some(kernel.to_string()).filter(|k| !k.is_empty());
        self
    }

    /// The same figures, naming the far host of a `--peer` session (none: one host).
    pub fn on_peer(mut self, machine: &crate::sample::MachineInfo) -> Figures {
        self.peer = Peer::of(machine);
        self
    }

    pub fn failed(reg: &Registry, config: Config, error: String) -> Figures {
        Figures {
            config,
            values: vec![None; reg.len()],
            trials: 1,
            intervals: vec![None; reg.len()],
            kernel: None,
            peer: None,
            error: Some(error),
        }
    }

    /// The figure of one metric (a [`super::MetricId`], or a name read from a file).
    pub fn get(&self, reg: &Registry, name: impl AsRef<str>) -> Option<f64> {
        let name = name.as_ref();
        let i = reg.iter().position(|m| m.name == name)?;
        self.values.get(i).copied().flatten()
    }
}

/// The figures a configuration's trials are summarised by with an interval: what a
/// comparison between configurations rests on.
/// The request/response ones are empty (no interval) for streams.
pub const HEADLINE: [MetricId; 9] = [
    id::THROUGHPUT_GBPS,
    id::CPU_NS_PER_BYTE,
    id::CYCLES_PER_BYTE,
    id::LATENCY_US,
    id::RR_TPS,
    id::RR_P50_US,
    id::RR_P90_US,
    id::RR_P99_US,
    id::RR_P999_US,
];

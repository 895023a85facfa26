//! The metric registry: every figure netio-tui measures is defined here, once — its
//! CSV/JSON name, label, unit, which way is better, how it comes from a measured
//! window, what it needs to be measured, and how files write it. Where a figure is
//! shown (matrix, live panel, charts) is the UI's business, not the engine's.
//!
//! Adding a metric is one entry in [`METRICS`] (and its handle in [`id`]) plus its
//! measurement in [`Measured`].

mod figures;
pub mod id;
pub mod interval;
mod registry;
mod rr;
#[cfg(test)]
mod tests;
mod window;

pub use figures::{Figures, Peer, HEADLINE};
pub use id::MetricId;
pub use interval::Interval;
pub use registry::METRICS;
pub use window::bucket_ns;

use super::config::Config;
use super::sample::{MachineInfo, Measured};

/// Which way a figure improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Not a quality (a size, a share): never highlighted.
    Neither,
}

/// How a value is written to CSV and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A count: written as an integer.
    Int,
    /// Rounded to this many decimals.
    Fixed(u8),
}

/// What a metric needs to be measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Always measured.
    Nothing,
    /// These counters (by their [`MachineInfo::counters`] name) must be available.
    Counters(&'static [&'static str]),
    /// Only meaningful for strategies that use zero-copy sends (empty cell elsewhere).
    ZeroCopy,
    /// Only meaningful with `--recv zerocopy` (empty cell elsewhere).
    ZeroCopyReceive,
    /// The sampling profiler (CPU-time breakdown) must have run.
    Profile,
    /// The machine's copy roofline (memcpy cost measured at start).
    Roofline,
    /// Only meaningful with `--workload rr` (empty cell elsewhere).
    RoundTrips,
}

/// One figure, defined once.
#[derive(Clone, Copy, Debug)]
pub struct MetricDef {
    /// CSV column and JSON key (contract names never change).
    pub name: &'static str,
    /// A few words: `run`'s line, notes.
    pub short: &'static str,
    /// What it is, in a sentence (help, `-v`, plots).
    pub label: &'static str,
    /// Unit of the raw value ("" for a plain count).
    pub unit: &'static str,
    pub better: Better,
    pub format: Format,
    pub needs: Needs,
    /// The value over one window of one configuration; `None` = not measured.
    pub value: fn(&Config, &Measured) -> Option<f64>,
    /// Reads one side's counters (`m.tx` or `m.rx`): n/a where `--count cpu` pinned
    /// both sides on the same CPUs, whose counts belong to neither side alone.
    pub per_side: bool,
}

/// A registry: the built-in [`METRICS`], or another list (tests).
pub type Registry = [MetricDef];

impl MetricDef {
    /// Whether the figure means anything for this configuration (zero-copy figures
    /// are empty for the other strategies, like their CSV cells).
    pub fn applies(&self, c: &Config) -> bool {
        match self.needs {
            Needs::ZeroCopy => c.strategy.uses_zerocopy(),
            Needs::ZeroCopyReceive => c.recv == super::config::RecvMode::ZeroCopy,
            Needs::RoundTrips => c.is_rr(),
            Needs::Nothing | Needs::Counters(_) | Needs::Profile | Needs::Roofline => true,
        }
    }

    /// Why this machine (or the recording) cannot measure it; `None` when it can.
    /// With `--peer` a counted figure needs its counter on both hosts (a sum of one
    /// host's part would misstate it): the far host's reason is said as such.
    pub fn unavailable(&self, machine: &MachineInfo) -> Option<String> {
        self.unavailable_on(machine)
            .or_else(|| self.unavailable_far(machine))
    }

    /// `--peer`: why the far host cannot count it though this one can ("on the peer
    /// HOST: …"); `None` without a peer or where only this host's reason applies.
    pub fn unavailable_far(&self, machine: &MachineInfo) -> Option<String> {
        if !matches!(self.needs, Needs::Counters(_) | Needs::Profile)
            || self.unavailable_on(machine).is_some()
        {
            return None;
        }
        let peer = machine.peer.as_ref()?;
        self.unavailable_on(&peer.machine)
            .map(|why| format!("on the peer {}: {why}", peer.host))
    }

    fn unavailable_on(&self, machine: &MachineInfo) -> Option<String> {
        match self.needs {
            Needs::Nothing | Needs::ZeroCopyReceive | Needs::RoundTrips => None,
            Needs::ZeroCopy => machine.zerocopy_error.clone(),
            Needs::Profile => machine.profile_note.is_none().then(|| {
                machine
                    .profile_error
                    .clone()
                    .unwrap_or_else(|| "the CPU-time breakdown was not sampled".into())
            }),
            Needs::Roofline => machine.roofline.is_none().then(|| {
                "no copy roofline (memcpy cost) was measured with these figures".to_string()
            }),
            Needs::Counters(names) => names.iter().find_map(|n| match machine.counter(n) {
                Some(c) if c.available => None,
                Some(c) => Some(
                    c.note
                        .as_ref()
                        .map_or_else(|| format!("{} not supported", c.event), |n| n.to_string()),
                ),
                None => Some(format!("{n} was not measured")),
            }),
        }
    }

    pub fn available(&self, machine: &MachineInfo) -> bool {
        self.unavailable(machine).is_none()
    }

    /// The window's value, where it applies.
    pub fn of(&self, c: &Config, m: &Measured) -> Option<f64> {
        if !self.applies(c) || (self.per_side && !m.sides_apart()) {
            return None;
        }
        (self.value)(c, m).filter(|v| v.is_finite())
    }

    /// The value rounded as CSV and JSON write it.
    pub fn as_written(&self, v: f64) -> f64 {
        match self.format {
            Format::Int => v.round(),
            Format::Fixed(d) => round(v, d),
        }
    }

    /// The value as CSV writes it (rounded, integers without a point).
    pub fn csv_text(&self, v: f64) -> String {
        match self.format {
            Format::Int => format!("{}", self.as_written(v) as u64),
            Format::Fixed(_) => format!("{:?}", self.as_written(v)),
        }
    }

    /// The value as JSON writes it.
    pub fn json_value(&self, v: f64) -> serde_json::Value {
        match self.format {
            Format::Int => serde_json::Value::from(self.as_written(v) as u64),
            Format::Fixed(_) => serde_json::Value::from(self.as_written(v)),
        }
    }

    /// Its typed handle.
    pub const fn id(&self) -> MetricId {
        MetricId(self.name)
    }
}

fn round(v: f64, digits: u8) -> f64 {
    let p = 10f64.powi(digits as i32);
    (v * p).round() / p
}

/// Finds a metric by its name (a [`MetricId`], or a column read from a file).
pub fn find(reg: &Registry, name: impl AsRef<str>) -> Option<&MetricDef> {
    let name = name.as_ref();
    reg.iter().find(|m| m.name == name)
}

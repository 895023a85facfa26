//! The measured cells and the helpers every answer shares: looking a figure up, quoting
//! it to the digits its noise supports (and remembering it as cited), telling two
//! cells apart, the cells an answer compares, and how sizes and ratios are written.

use super::noise::{apart, figure_text, Apart};
use super::{Beat, Cited};
use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::{find, id, Figures, Interval, MetricId, Registry};
use std::collections::BTreeMap;

/// The measured cells, one per configuration (the last row of a configuration wins;
/// failed rows carry no figures and are left out).
pub struct Cells<'r> {
    pub(super) reg: &'r Registry,
    rows: BTreeMap<Config, &'r Figures>,
}

impl<'r> Cells<'r> {
    pub fn new(reg: &'r Registry, rows: &'r [Figures]) -> Cells<'r> {
        Cells {
            reg,
            rows: rows
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| (r.config, r))
                .collect(),
        }
    }

    pub fn get(&self, c: &Config, name: MetricId) -> Option<f64> {
        self.rows.get(c)?.get(self.reg, name)
    }

    /// The interval of a cell's median, where its trials give one.
    pub fn interval(&self, c: &Config, name: MetricId) -> Option<Interval> {
        self.rows.get(c)?.interval(self.reg, name)
    }

    /// How many trials a cell's figures rest on.
    pub fn trials(&self, c: &Config) -> usize {
        self.rows.get(c).map_or(0, |r| r.trials)
    }

    /// Cell `a`'s figure against `b`'s, as far as the noise tells them apart; `None`
    /// where either is not measured.
    pub fn apart(&self, a: &Config, b: &Config, name: MetricId) -> Option<Apart> {
        let (x, y) = (self.get(a, name)?, self.get(b, name)?);
        Some(apart(x, self.interval(a, name), y, self.interval(b, name)))
    }

    /// Whether both cells' figures have intervals (else the one-trial rule decides).
    pub fn both_intervals(&self, a: &Config, b: &Config, name: MetricId) -> bool {
        self.interval(a, name).is_some() && self.interval(b, name).is_some()
    }

    /// The value without its interval, to at most 3 significant digits, with its unit.
    pub fn text(&self, name: MetricId, v: f64) -> String {
        figure_text(v, None, find(self.reg, name).map_or("", |m| m.unit))
    }

    pub(super) fn configs(&self) -> impl Iterator<Item = &Config> {
        self.rows.keys()
    }
}

/// Collects the figures an answer quotes and writes them.
pub(super) struct Quote<'c, 'r> {
    pub(super) cells: &'c Cells<'r>,
    pub(super) cited: Vec<Cited>,
    pub(super) beats: Vec<Beat>,
}

impl<'c, 'r> Quote<'c, 'r> {
    pub(super) fn new(cells: &'c Cells<'r>) -> Quote<'c, 'r> {
        Quote {
            cells,
            cited: Vec::new(),
            beats: Vec::new(),
        }
    }

    /// Records "`winner` beats `loser` on `name`"; only where the noise tells them apart.
    pub(super) fn beats(&mut self, winner: &Config, loser: &Config, name: MetricId) {
        let b = Beat {
            winner: *winner,
            loser: *loser,
            metric: name,
        };
        if !self.beats.contains(&b) {
            self.beats.push(b);
        }
    }

    /// The figure as text (with its interval where it has one), remembered as cited;
    /// `None` where not measured.
    pub(super) fn q(&mut self, c: &Config, name: MetricId) -> Option<String> {
        let v = self.cells.get(c, name)?;
        match self.cited.iter_mut().find(|x| x.config == *c) {
            Some(x) if !x.figures.iter().any(|(n, _)| *n == name) => x.figures.push((name, v)),
            Some(_) => {}
            None => self.cited.push(Cited {
                config: *c,
                figures: vec![(name, v)],
            }),
        }
        let unit = find(self.cells.reg, name).map_or("", |m| m.unit);
        Some(figure_text(v, self.cells.interval(c, name), unit))
    }
}

/// The axes other than strategy, size and threads: cells are compared only within one.
pub(super) fn axes(c: &Config) -> Config {
    Config {
        strategy: Strategy::TwoCopy,
        msg_size: 0,
        threads: 0,
        ..*c
    }
}

pub(super) fn with(c: &Config, strategy: Strategy) -> Config {
    Config { strategy, ..*c }
}

/// A message size as people say it: 64 B, 4K.
pub fn size_text(z: usize) -> String {
    let s = format_size(z);
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{s} B")
    } else {
        s
    }
}

pub(super) fn ratio(a: f64, b: f64) -> String {
    crate::format::sig(a / b, 3)
}

pub(super) const GBPS: MetricId = id::THROUGHPUT_GBPS;

/// Cells of two strategies at the same size, threads and axes: (a's, b's).
pub(super) fn pairs(cells: &Cells, a: Strategy, b: Strategy) -> Vec<(Config, Config)> {
    cells
        .configs()
        .filter(|c| c.strategy == a)
        .map(|c| (*c, with(c, b)))
        .filter(|(_, o)| cells.rows.contains_key(o))
        .collect()
}

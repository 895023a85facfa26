//! The measured cells and the helpers every answer shares: looking a figure up, quoting
//! it as the CSV writes it (and remembering it as cited), the cells an answer compares,
//! and how sizes and ratios are written.

use super::Cited;
use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::{find, id, Figures, MetricId, Registry};
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

    /// The value as the CSV writes it, with its unit.
    pub fn text(&self, name: MetricId, v: f64) -> String {
        match find(self.reg, name) {
            Some(m) => {
                let u = m.unit;
                format!("{}{}{u}", m.csv_text(v), crate::view::unit_sep(u))
            }
            None => format!("{v}"),
        }
    }

    pub(super) fn configs(&self) -> impl Iterator<Item = &Config> {
        self.rows.keys()
    }
}

/// Collects the figures an answer quotes and writes them.
pub(super) struct Quote<'c, 'r> {
    pub(super) cells: &'c Cells<'r>,
    pub(super) cited: Vec<Cited>,
}

impl Quote<'_, '_> {
    /// The figure as text, remembered as cited; `None` where not measured.
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
        Some(self.cells.text(name, v))
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

//! The one row rule: which measured windows become rows of the matrix, of its CSV
//! export, of a replay and of `report`. A window the program ended on purpose (a
//! sweep step or a `run` that ran its length) always becomes a row; a window cut short
//! by a key press becomes one only when it lasted the minimum window, because a
//! configuration passed through while pressing keys is no result.
//!
//! Each admitted window of a configuration is one trial of its row: measuring a
//! configuration again adds a trial, and the row's figures are the medians of its
//! trials with their intervals ([`Figures::of_trials`]).

use crate::engine::config::Config;
use crate::engine::metric::{Figures, Registry};
use crate::engine::sample::ConfigResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Shortest cut-short window (seconds, warm-up excluded) that becomes a row, by default.
pub const DEFAULT_MIN_WINDOW: f64 = 1.0;

/// How a measured window ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowEnd {
    /// It ran the length it was given (a sweep step, a `run`).
    Timed,
    /// Something else ended it: a key that chose another configuration, a pause.
    Cut,
}

/// The rule, with the minimum a cut-short window must last.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowRule {
    pub min_window: f64,
}

impl Default for RowRule {
    fn default() -> Self {
        RowRule {
            min_window: DEFAULT_MIN_WINDOW,
        }
    }
}

impl RowRule {
    /// Whether a finished window becomes a row. A window with nothing in it (switched
    /// away during warm-up) never does.
    pub fn admits(&self, r: &ConfigResult, end: WindowEnd) -> bool {
        let s = r.total.seconds;
        if s <= 0.0 {
            return false;
        }
        match end {
            WindowEnd::Timed => true,
            WindowEnd::Cut => s >= self.min_window && !(r.total.bytes == 0 && s < 1.0),
        }
    }

    /// Whether the window being measured already counts as a row (it could still turn
    /// out to be a configuration passed through, and must not win "best" before).
    pub fn admits_live(&self, seconds: f64, samples: u64) -> bool {
        samples > 0 && seconds > 0.0 && seconds >= self.min_window
    }
}

/// Finished windows kept per configuration by the rule, each one a trial: what the
/// matrix holds.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    cells: BTreeMap<Config, Vec<ConfigResult>>,
}

impl Rows {
    /// Adds a finished window if the rule admits it, and says whether it did. Measuring
    /// a configuration again adds its new window to the row as one more trial.
    pub fn insert(&mut self, rule: &RowRule, r: ConfigResult, end: WindowEnd) -> bool {
        if !rule.admits(&r, end) {
            return false;
        }
        self.cells.entry(r.config).or_default().push(r);
        true
    }

    pub fn clear(&mut self) {
        self.cells.clear();
    }

    /// How many configurations (rows) there are.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The trials of one configuration, oldest first.
    pub fn trials(&self, c: &Config) -> Option<&[ConfigResult]> {
        self.cells.get(c).map(Vec::as_slice)
    }

    /// Each configuration's trials, in matrix order (strategy, size, threads, then
    /// the other axes).
    pub fn rows(&self) -> impl Iterator<Item = &[ConfigResult]> {
        self.cells.values().map(Vec::as_slice)
    }

    /// Every trial of every row, in matrix order.
    pub fn windows(&self) -> impl Iterator<Item = &ConfigResult> {
        self.cells.values().flatten()
    }

    /// Each row's figures (medians of its trials, with their intervals), in matrix order.
    pub fn figures(&self, reg: &Registry) -> Vec<Figures> {
        self.rows().map(|t| Figures::of_trials(reg, t)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Strategy;
    use crate::engine::sample::Measured;

    fn window(seconds: f64, bytes: u64) -> ConfigResult {
        ConfigResult {
            config: Config::new(Strategy::OneCopy, 64, 1),
            total: Measured {
                seconds,
                bytes,
                ..Default::default()
            },
            bytes_sent: bytes,
            bytes_received: bytes,
            verified: false,
        }
    }

    #[test]
    fn a_timed_window_is_a_row_and_a_short_cut_one_is_not() {
        let rule = RowRule::default();
        assert!(rule.admits(&window(0.3, 1000), WindowEnd::Timed));
        assert!(!rule.admits(&window(0.3, 1000), WindowEnd::Cut));
        assert!(rule.admits(&window(1.0, 1000), WindowEnd::Cut));
        assert!(!rule.admits(&window(0.0, 0), WindowEnd::Timed));
        assert!(!rule.admits(&window(0.5, 0), WindowEnd::Cut));
    }

    #[test]
    fn measuring_again_adds_a_trial_and_the_figures_are_their_medians() {
        let reg = crate::engine::metric::METRICS;
        let rule = RowRule::default();
        let mut rows = Rows::default();
        // 1, 2 and 9 MB in one second each: summed they would say 4 MB/s, the
        // median of the trials is 2 MB/s.
        for mb in [1, 9, 2] {
            assert!(rows.insert(&rule, window(1.0, mb << 20), WindowEnd::Timed));
        }
        // A cut-short window is no trial.
        assert!(!rows.insert(&rule, window(0.2, 50 << 20), WindowEnd::Cut));
        assert_eq!(rows.len(), 1);
        let c = Config::new(Strategy::OneCopy, 64, 1);
        assert_eq!(rows.trials(&c).unwrap().len(), 3);
        let f = &rows.figures(reg)[0];
        assert_eq!(f.trials, 3);
        let gbps = crate::engine::metric::id::THROUGHPUT_GBPS;
        let one = Figures::of(reg, &window(1.0, 2 << 20)).get(reg, gbps);
        assert_eq!(f.get(reg, gbps), one);
        let i = f.interval(reg, gbps).unwrap();
        assert!(i.lo < one.unwrap() && one.unwrap() < i.hi);
    }
}

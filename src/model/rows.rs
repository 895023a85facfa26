//! The one row rule: which measured windows become rows of the matrix, of its CSV
//! export, of a replay and of `report`. A window the program ended on purpose (a
//! sweep step or a `run` that ran its length) always becomes a row; a window cut short
//! by a key press becomes one only when it lasted the minimum window, because a
//! configuration passed through while pressing keys is no result.

use crate::engine::config::Config;
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

/// Finished windows merged per configuration by the rule: what the matrix holds.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    cells: BTreeMap<Config, ConfigResult>,
}

impl Rows {
    /// Adds a finished window if the rule admits it, and says whether it did. Measuring
    /// a configuration again adds its new window to the cell (figures over all windows).
    pub fn insert(&mut self, rule: &RowRule, r: ConfigResult, end: WindowEnd) -> bool {
        if !rule.admits(&r, end) {
            return false;
        }
        let merged = match self.cells.get(&r.config) {
            Some(old) => old.merge(&r),
            None => r,
        };
        self.cells.insert(merged.config, merged);
        true
    }

    pub fn clear(&mut self) {
        self.cells.clear();
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn get(&self, c: &Config) -> Option<&ConfigResult> {
        self.cells.get(c)
    }

    /// In matrix order (strategy, size, threads, then the other axes).
    pub fn results(&self) -> impl Iterator<Item = &ConfigResult> {
        self.cells.values()
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
}

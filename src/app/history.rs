//! Per-interval figures kept for the sparklines, pruned to a window.

use crate::engine::config::Config;
use crate::engine::sample::Sample;
use std::collections::VecDeque;

/// How many intervals are kept (at the default 0.25 s interval: 2.5 minutes);
/// wider than any sparkline a terminal can show.
pub const WINDOW: usize = 600;

/// One interval's figures, as rates so that intervals of any length compare.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub config: Config,
    pub gbps: f64,
    pub cycles_per_byte: Option<f64>,
    /// CPU time (task-clock) per byte: the cost figure where there are no cycle counters.
    pub cpu_ns_per_byte: Option<f64>,
    /// Misses per second.
    pub l1d_rate: Option<f64>,
    pub llc_rate: Option<f64>,
    pub cache_rate: Option<f64>,
}

/// Which figure of a [`Point`] a sparkline shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Gbps,
    CyclesPerByte,
    CpuNsPerByte,
    L1dRate,
    LlcRate,
    CacheRate,
}

impl Point {
    pub fn get(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::Gbps => Some(self.gbps),
            Metric::CyclesPerByte => self.cycles_per_byte,
            Metric::CpuNsPerByte => self.cpu_ns_per_byte,
            Metric::L1dRate => self.l1d_rate,
            Metric::LlcRate => self.llc_rate,
            Metric::CacheRate => self.cache_rate,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct History {
    points: VecDeque<Point>,
}

impl History {
    pub fn push(&mut self, s: &Sample) {
        let m = &s.interval;
        let c = m.counts();
        let rate = |v: Option<u64>| v.filter(|_| m.seconds > 0.0).map(|v| v as f64 / m.seconds);
        self.points.push_back(Point {
            config: s.config,
            gbps: m.gbps(),
            cycles_per_byte: m.cycles_per_byte(),
            cpu_ns_per_byte: m.cpu_ns_per_byte(),
            l1d_rate: rate(c.l1d_misses),
            llc_rate: rate(c.llc_misses),
            cache_rate: rate(c.cache_misses),
        });
        while self.points.len() > WINDOW {
            self.points.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The newest `n` points, oldest first.
    pub fn last(&self, n: usize) -> impl Iterator<Item = &Point> {
        self.points.iter().skip(self.points.len().saturating_sub(n))
    }

    /// Largest value of `m` among the newest `n` points.
    pub fn max(&self, m: Metric, n: usize) -> Option<f64> {
        self.last(n)
            .filter_map(|p| p.get(m))
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            })
    }

    pub fn newest(&self) -> Option<&Point> {
        self.points.back()
    }
}

//! Per-interval figures kept for the sparklines, pruned to a window.

use crate::engine::config::Config;
use crate::engine::metric::Registry;
use crate::engine::sample::Sample;
use crate::view::{Basis, Views};
use std::collections::VecDeque;

/// How many intervals are kept (at the default 0.25 s interval: 2.5 minutes);
/// wider than any sparkline a terminal can show.
pub const WINDOW: usize = 600;

/// One interval's figures: one per registry metric, scaled as the live panel shows
/// it (rates per second where its view says so), so intervals of any length compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub config: Config,
    pub values: Vec<Option<f64>>,
}

impl Point {
    /// The figure of the metric at `index` of the registry.
    pub fn get(&self, index: usize) -> Option<f64> {
        self.values.get(index).copied().flatten()
    }
}

#[derive(Clone, Debug, Default)]
pub struct History {
    points: VecDeque<Point>,
}

impl History {
    pub fn push(&mut self, reg: &Registry, views: &Views, s: &Sample) {
        let basis = Basis::of(&s.interval);
        self.points.push_back(Point {
            config: s.config,
            values: reg
                .iter()
                .map(|m| {
                    let v = m.of(&s.config, &s.interval)?;
                    crate::view::of(views, m).live_scale().apply(v, &basis)
                })
                .collect(),
        });
        while self.points.len() > WINDOW {
            self.points.pop_front();
        }
    }

    /// A failed window of `config`: its points go (they measured nothing that
    /// stands), and an empty point ends the run, so no figure shows until the next
    /// window's first interval.
    pub fn failed(&mut self, reg: &Registry, config: Config) {
        while self.points.back().is_some_and(|p| p.config == config) {
            self.points.pop_back();
        }
        self.points.push_back(Point {
            config,
            values: vec![None; reg.len()],
        });
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

    /// Largest value of the metric at `index` among the newest `n` points.
    pub fn max(&self, index: usize, n: usize) -> Option<f64> {
        self.last(n)
            .filter_map(|p| p.get(index))
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            })
    }

    /// Largest value of the metric at `index` among the newest `n` points that
    /// belong to the newest run (the points since the configuration last changed).
    pub fn max_of_newest_run(&self, index: usize, n: usize) -> Option<f64> {
        let config = self.newest()?.config;
        let run = self
            .points
            .iter()
            .rev()
            .take(n)
            .take_while(|p| p.config == config);
        run.filter_map(|p| p.get(index))
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            })
    }

    pub fn newest(&self) -> Option<&Point> {
        self.points.back()
    }
}

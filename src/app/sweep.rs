//! The automatic sweep: a plan of configurations measured one after another.
//! It advances on the samples' own clock (`elapsed_s` of the measured window), so a
//! pause pauses it and it needs no timer.

use crate::engine::config::{Config, Strategy};

/// The course matrix: two-copy, one-copy, zero-copy × 64, 256, 1K, 4K × 1, 2, 4, 8 threads.
pub fn course_plan() -> Vec<Config> {
    plan(&Strategy::COURSE, &[64, 256, 1024, 4096], &[1, 2, 4, 8])
}

pub fn plan(strategies: &[Strategy], sizes: &[usize], threads: &[usize]) -> Vec<Config> {
    let mut v = Vec::new();
    for &s in strategies {
        for &m in sizes {
            for &t in threads {
                v.push(Config::new(s, m, t));
            }
        }
    }
    v
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub plan: Vec<Config>,
    /// Index of the configuration being measured.
    pub position: usize,
    /// Measured seconds per configuration (warm-up not counted).
    pub duration: f64,
}

impl Sweep {
    pub fn new(plan: Vec<Config>, duration: f64) -> Sweep {
        assert!(!plan.is_empty());
        Sweep {
            plan,
            position: 0,
            duration,
        }
    }

    pub fn current(&self) -> Config {
        self.plan[self.position]
    }

    /// Moves on; `None` when the plan is done.
    pub fn advance(&mut self) -> Option<Config> {
        self.position += 1;
        self.plan.get(self.position).copied()
    }
}

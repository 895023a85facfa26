//! The automatic sweep: a plan of configurations measured one after another, in
//! `repeat` passes. Each window is timed by the engine's sampler (the one window
//! timer); the sweep moves on when that configuration's result (or failure) arrives.
//!
//! The trials of a configuration are interleaved: pass 1 measures every configuration
//! once, then pass 2 again, and so on, so a slow drift of the machine hits all
//! configurations alike instead of all trials of one.

use crate::engine::config::Config;

#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub plan: Vec<Config>,
    /// Index of the configuration being measured.
    pub position: usize,
    /// Measured seconds per configuration (warm-up not counted).
    pub duration: f64,
    /// How many passes over the plan (trials per configuration), at least 1.
    pub repeat: usize,
    /// The pass being measured, from 0.
    pub pass: usize,
}

impl Sweep {
    pub fn new(plan: Vec<Config>, duration: f64, repeat: usize) -> Sweep {
        assert!(!plan.is_empty());
        Sweep {
            plan,
            position: 0,
            duration,
            repeat: repeat.max(1),
            pass: 0,
        }
    }

    pub fn current(&self) -> Config {
        self.plan[self.position]
    }

    /// Moves on, to the next pass after the plan's last configuration; `None` when the
    /// last pass is done.
    pub fn advance(&mut self) -> Option<Config> {
        self.position += 1;
        if self.position == self.plan.len() && self.pass + 1 < self.repeat {
            self.pass += 1;
            self.position = 0;
        }
        self.plan.get(self.position).copied()
    }

    /// Windows measured before the current one, over all passes.
    pub fn done(&self) -> usize {
        self.pass * self.plan.len() + self.position.min(self.plan.len())
    }

    /// Windows the whole sweep measures.
    pub fn steps(&self) -> usize {
        self.plan.len() * self.repeat
    }

    /// "5/48", or "53/144 (pass 2 of 3)" when it measures several passes.
    pub fn progress(&self) -> String {
        let at = format!("{}/{}", self.done() + 1, self.steps());
        if self.repeat > 1 {
            format!("{at} (pass {} of {})", self.pass + 1, self.repeat)
        } else {
            at
        }
    }
}

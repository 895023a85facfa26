//! The automatic sweep: a plan of configurations measured one after another. Each
//! window is timed by the engine's sampler (the one window timer); the sweep moves on
//! when that configuration's result (or failure) arrives.

use crate::engine::config::Config;

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

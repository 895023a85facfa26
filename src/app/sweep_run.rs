//! The automatic sweep as the explorer drives it: `s` starts or cancels it, and each
//! step the engine timed out asks for the next.

use super::sweep::Sweep;
use super::{trim_float, App, Effect, Phase};
use crate::engine::config::Config;
use crate::model::rows::WindowEnd;
use crate::source::Control;

impl App {
    pub(super) fn toggle_sweep(&mut self) -> Vec<Effect> {
        if self.is_replay() {
            self.note("replay: the automatic sweep needs a live engine");
            return vec![];
        }
        if let Some(s) = self.sweep.take() {
            self.note(format!("sweep cancelled at {}", s.progress()));
            return vec![];
        }
        if self.sweep_plan.is_empty() {
            self.error("the sweep plan is empty");
            return vec![];
        }
        let s = Sweep::new(
            self.sweep_plan.clone(),
            self.sweep_duration,
            self.sweep_repeat,
        );
        let first = s.current();
        self.sweep = Some(s);
        self.note(format!(
            "sweep started: {} configurations × {}s{}; s cancels",
            self.sweep_plan.len(),
            trim_float(self.sweep_duration),
            passes(self.sweep_repeat)
        ));
        let mut effects = Vec::new();
        if self.paused {
            self.paused = false;
            effects.push(Effect::Control(Control::Resume));
        }
        effects.extend(self.set_config(first));
        effects
    }

    pub(super) fn next_sweep_step(&mut self) -> Vec<Effect> {
        let Some(sw) = &mut self.sweep else {
            return vec![];
        };
        match sw.advance() {
            Some(next) => {
                let progress = sw.progress();
                // The status line follows the sweep: a note is replaced at the next
                // step, an error (a failed step) one step later, so nothing said
                // stays for the rest of a two-minute sweep.
                let outlived = self.status.as_mut().is_none_or(|s| {
                    s.steps += 1;
                    !s.error || s.steps > 1
                });
                if outlived {
                    self.note(format!("sweep {progress}: {next}; s cancels"));
                }
                self.set_config(next)
            }
            None => {
                let n = sw.plan.len();
                let repeat = sw.repeat;
                let last = sw.plan[n - 1];
                self.sweep = None;
                // The engine waits after a timed window: say so, and make sure space
                // measures open-ended from here instead of one more timed window.
                self.paused = true;
                self.phase = Phase::Idle;
                self.note(format!(
                    "sweep done: {n} configurations measured{}; idle — space measures {last} again, e exports",
                    match repeat {
                        1 => String::new(),
                        r => format!(" {r} times each"),
                    }
                ));
                let mut effects = vec![Effect::Control(Control::Pause)];
                effects.extend(self.set_config(last));
                effects
            }
        }
    }

    /// How a window the live engine just finished ended: a sweep step that ran out its
    /// own clock was timed; anything else (a key, a pause) cut it.
    pub fn window_end(&self, config: &Config) -> WindowEnd {
        match &self.sweep {
            Some(s) if s.current() == *config && !self.paused && !self.is_replay() => {
                WindowEnd::Timed
            }
            _ => WindowEnd::Cut,
        }
    }
}

/// " × 3 trials (interleaved passes)" for a sweep of several passes, else nothing.
pub fn passes(repeat: usize) -> String {
    match repeat {
        0 | 1 => String::new(),
        r => format!(" × {r} trials (interleaved passes)"),
    }
}

//! The keys that choose the configuration: strategy, size, threads and the axes.
//! Live, a new choice is asked of the source at once; a replay only says why not.

use super::{App, Effect, Phase};
use crate::engine::axis::Axis;
use crate::engine::config::{format_size, Config};
use crate::source::Control;

/// Message sizes ↑/↓ step through.
pub const SIZE_PRESETS: [usize; 15] = [
    64,
    128,
    256,
    512,
    1 << 10,
    2 << 10,
    4 << 10,
    8 << 10,
    16 << 10,
    32 << 10,
    64 << 10,
    128 << 10,
    256 << 10,
    512 << 10,
    1 << 20,
];

impl App {
    /// A strategy/size/thread key: in replay only a note; live, the new configuration
    /// is asked for at once (a manual change ends a running sweep).
    pub(super) fn change(&mut self, f: impl FnOnce(&mut Config, usize)) -> Vec<Effect> {
        if self.is_replay() {
            self.note("replay: the recording decides strategy, size and threads; < > change speed, space pauses");
            return vec![];
        }
        let mut next = self.selected;
        f(&mut next, self.max_threads);
        if next == self.selected {
            self.note(format!(
                "limit reached: sizes {} to {}, threads 1 to {}",
                format_size(SIZE_PRESETS[0]),
                format_size(SIZE_PRESETS[SIZE_PRESETS.len() - 1]),
                self.max_threads
            ));
            return vec![];
        }
        self.view.scroll = None;
        if self.phase == Phase::Idle {
            // Idle after a sweep: a new choice is measured at once.
            self.paused = false;
            self.status = None;
            let mut effects = self.set_config(next);
            effects.push(Effect::Control(Control::Resume));
            return effects;
        }
        if let Some(s) = self.sweep.take() {
            self.note(format!(
                "sweep stopped at {} by a manual change",
                s.progress()
            ));
        } else {
            self.status = None;
        }
        self.set_config(next)
    }

    /// An axis key: the axis's next value (which may move another axis with it), and
    /// what that means on the status line.
    pub(super) fn next_axis(&mut self, axis: &'static Axis) -> Vec<Effect> {
        let before = self.selected;
        let effects = self.change(|c, _| (axis.key.next)(c));
        if self.is_replay() || effects.is_empty() {
            return effects;
        }
        if let Some(said) = (axis.key.said)(&before, &self.selected) {
            self.also_note(&said);
        }
        effects
    }

    /// Adds to what the last change said (e.g. that it stopped the sweep).
    fn also_note(&mut self, text: &str) {
        let text = match self.status.take() {
            Some(s) if !s.error => format!("{}; {text}", s.text),
            _ => text.to_string(),
        };
        self.note(text);
    }

    pub(super) fn set_config(&mut self, c: Config) -> Vec<Effect> {
        self.selected = c;
        if !self.paused {
            self.phase = Phase::Switching;
        }
        vec![Effect::Control(match &self.sweep {
            // A sweep step: the engine times the window and reports its end.
            Some(s) if s.current() == c => Control::Measure {
                config: c,
                seconds: s.duration,
            },
            _ => Control::SetConfig(c),
        })]
    }
}

pub fn larger_size(s: usize) -> usize {
    SIZE_PRESETS
        .into_iter()
        .find(|&p| p > s)
        .unwrap_or(s.max(SIZE_PRESETS[SIZE_PRESETS.len() - 1]))
}

pub fn smaller_size(s: usize) -> usize {
    SIZE_PRESETS
        .into_iter()
        .rev()
        .find(|&p| p < s)
        .unwrap_or(s.min(SIZE_PRESETS[0]))
}

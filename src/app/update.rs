//! [`App::update`]: every action in one place, sent where it is handled; the
//! overlays and pausing, which need nothing more, are handled here.

use super::{larger_size, smaller_size, Action, App, Effect, Overlay, Phase, PAGE};
use crate::source::Control;

impl App {
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if !matches!(
            action,
            Action::Quit
                | Action::Engine(_)
                | Action::Window { .. }
                | Action::MatrixPage(_)
                | Action::Exported(_)
        ) {
            self.quit_armed = false;
        }
        match action {
            Action::NextStrategy => self.change(|c, _| c.strategy = c.strategy.next()),
            Action::PrevStrategy => self.change(|c, _| c.strategy = c.strategy.prev()),
            Action::LargerSize => self.change(|c, _| c.msg_size = larger_size(c.msg_size)),
            Action::SmallerSize => self.change(|c, _| c.msg_size = smaller_size(c.msg_size)),
            Action::MoreThreads => self.change(|c, max| c.threads = (c.threads + 1).min(max)),
            Action::FewerThreads => {
                self.change(|c, _| c.threads = c.threads.saturating_sub(1).max(1))
            }
            Action::NextAxis(axis) => self.next_axis(axis),
            Action::TogglePause => self.toggle_pause(),
            Action::ToggleSweep => self.toggle_sweep(),
            Action::Export => self.export(),
            Action::ResetMatrix => self.reset(),
            Action::ToggleHelp => self.toggle_overlay(Overlay::Help),
            Action::ToggleInsight => self.toggle_overlay(Overlay::Insight),
            Action::ToggleTop => self.toggle_overlay(Overlay::Top),
            Action::Dismiss => {
                self.overlay = None;
                vec![]
            }
            Action::Quit => self.quit_or_ask(),
            Action::ScrollUp | Action::ScrollDown | Action::ScrollTop | Action::ScrollBottom
                if self.overlay.is_some() =>
            {
                self.overlay_scroll = match action {
                    Action::ScrollUp => self.overlay_scroll.saturating_sub(PAGE),
                    Action::ScrollDown => (self.overlay_scroll + PAGE).min(200),
                    Action::ScrollTop => 0,
                    _ => 200,
                };
                vec![]
            }
            Action::ScrollUp => self.scroll(|s, page| s.saturating_sub(page)),
            Action::ScrollDown => self.scroll(|s, page| s + page),
            Action::ScrollTop => self.scroll(|_, _| 0),
            Action::ScrollBottom => self.scroll(|_, _| usize::MAX / 2),
            Action::MatrixPage(n) => {
                self.page = n.max(1);
                vec![]
            }
            Action::NextSort => self.next_sort(),
            Action::NextFilter => self.next_filter(),
            Action::Faster | Action::Slower => {
                if self.is_replay() {
                    vec![Effect::Control(if action == Action::Faster {
                        Control::Faster
                    } else {
                        Control::Slower
                    })]
                } else {
                    self.note(
                        "< and > change the playback speed of a replay; live runs at real time",
                    );
                    vec![]
                }
            }
            Action::Engine(ev) => self.ingest(ev),
            Action::Window { result, end } => self.finished(result, end),
            Action::Exported(Ok(path)) => self.exported(path),
            Action::Exported(Err(e)) => self.export_failed(e),
            Action::SourceChanged(kind) => {
                self.kind = kind;
                vec![]
            }
        }
    }

    /// Opens `o` (closing any other), or closes it if it is open.
    fn toggle_overlay(&mut self, o: Overlay) -> Vec<Effect> {
        self.overlay = (self.overlay != Some(o)).then_some(o);
        self.overlay_scroll = 0;
        vec![]
    }

    fn toggle_pause(&mut self) -> Vec<Effect> {
        if self.phase == Phase::Ended {
            self.note("the replay has ended; nothing to pause");
            return vec![];
        }
        self.paused = !self.paused;
        if self.paused {
            self.phase = Phase::Paused;
            self.note(if self.is_replay() {
                "paused playback; space resumes"
            } else {
                "paused: workers stopped, no CPU used; space resumes"
            });
            vec![Effect::Control(Control::Pause)]
        } else {
            self.phase = Phase::Switching;
            self.note("resumed");
            vec![Effect::Control(Control::Resume)]
        }
    }
}

//! What the source reports: windows starting, samples, finished windows (a row if
//! the row rule admits them), notices, failures, and the end of the stream.

use super::{trim_float, App, Effect, LiveCell, Phase};
use crate::engine::sample::{ConfigResult, EngineEvent, Failure, Measured};
use crate::model::rows::{RowRule, WindowEnd};
use crate::source::Control;

impl App {
    pub(super) fn ingest(&mut self, ev: EngineEvent) -> Vec<Effect> {
        match ev {
            EngineEvent::Started { config } => {
                self.discard_finished = false;
                self.live_exported = false;
                self.running = Some(config);
                if self.is_replay() {
                    self.selected = config;
                }
                if !self.paused {
                    self.phase = Phase::WarmingUp;
                }
                self.live = Some(LiveCell {
                    config,
                    total: Measured::default(),
                    samples: 0,
                });
                vec![]
            }
            EngineEvent::Sample(s) => {
                self.history.push(self.metrics, self.views, &s);
                if self.running.is_none() || self.is_replay() {
                    self.running = Some(s.config);
                    if self.is_replay() {
                        self.selected = s.config;
                    }
                }
                if !self.paused && self.running == Some(s.config) {
                    self.phase = Phase::Measuring;
                }
                match &mut self.live {
                    Some(l) if l.config == s.config => {
                        // Counts start as n/a: the first sample is the window, not an addition.
                        l.total = if l.samples == 0 {
                            s.interval.clone()
                        } else {
                            l.total.then(&s.interval)
                        };
                        l.samples += 1;
                    }
                    _ => {
                        self.live_exported = false;
                        self.live = Some(LiveCell {
                            config: s.config,
                            total: s.interval.clone(),
                            samples: 1,
                        })
                    }
                }
                self.last = Some(s);
                vec![]
            }
            EngineEvent::Finished(r) => {
                let end = self.window_end(&r.config);
                self.finished(r, end)
            }
            EngineEvent::Notice { message } => {
                self.note(message.clone());
                self.push_notice(message);
                vec![]
            }
            EngineEvent::SamplesDropped { config, count } => {
                let text = format!("{config}: {count} samples not shown (the display fell behind)");
                self.note(text.clone());
                self.push_notice(text);
                vec![]
            }
            EngineEvent::Failed { config, failure } => {
                let text = format!("{config} failed: {failure}");
                self.error(text.clone());
                self.push_notice(text);
                if self.live.as_ref().is_some_and(|l| l.config == config) {
                    self.live = None;
                }
                // A failed window shows no figures: its last interval is no measurement.
                if self.last.as_ref().is_some_and(|s| s.config == config) {
                    self.last = None;
                    self.history.failed(self.metrics, config);
                }
                if self.is_replay() {
                    return vec![];
                }
                match &self.sweep {
                    // The sweep goes on past a failed configuration.
                    Some(s) if s.current() == config => self.next_sweep_step(),
                    // The engine waits after a failure: space retries, a key chooses another.
                    _ => {
                        self.paused = true;
                        self.phase = Phase::Paused;
                        // A lost peer is started again (a new ssh connection and agent)
                        // by the next window, whichever key starts it.
                        let retry = match failure {
                            Failure::Peer { .. } => "space reconnects",
                            _ => "space retries, or change a setting",
                        };
                        self.error(format!("{config} failed: {failure} — {retry}"));
                        vec![Effect::Control(Control::Pause)]
                    }
                }
            }
        }
    }

    fn push_notice(&mut self, m: String) {
        self.notices.push(m);
        if self.notices.len() > 20 {
            self.notices.remove(0);
        }
    }

    /// A finished window: a row if the row rule admits it; the next sweep step if it
    /// was one.
    pub(super) fn finished(&mut self, r: ConfigResult, end: WindowEnd) -> Vec<Effect> {
        if self.live.as_ref().is_some_and(|l| l.config == r.config) {
            self.live = None;
        }
        let config = r.config;
        if std::mem::take(&mut self.discard_finished) {
            return vec![];
        }
        let seconds = r.total.seconds;
        let rule = RowRule {
            min_window: self.min_window,
        };
        if self.matrix.insert(&rule, r, end) {
            self.unexported += 1;
            if !self.unexported_configs.contains(&config) {
                self.unexported_configs.push(config);
            }
        } else if seconds > 0.0 && !self.is_replay() {
            self.note(format!(
                "{config}: {seconds:.1}s measured, under the {}s minimum window: not in the matrix",
                trim_float(self.min_window)
            ));
        }
        if end == WindowEnd::Timed {
            self.next_sweep_step()
        } else {
            vec![]
        }
    }

    /// A replay played its last event (typed, so no notice text is parsed for it).
    pub fn recording_ended(&mut self, end: &crate::source::EndOfRecording) {
        self.phase = Phase::Ended;
        self.live = None;
        let message = end.to_string();
        self.note(message.clone());
        self.push_notice(message);
    }

    /// The source closed its stream (a replay reached its end, or the engine stopped).
    pub fn source_ended(&mut self) {
        self.phase = Phase::Ended;
        self.live = None;
        self.note(if self.is_replay() {
            "end of recording; e exports the matrix, q quits"
        } else {
            "the engine stopped; e exports the matrix, q quits"
        });
    }
}

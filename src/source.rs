//! Where the explorer's events come from: the live engine or a recording.
//! Both look the same to the explorer.

use crate::engine::config::Config;
use crate::engine::sample::{EngineEvent, MachineInfo};
use crate::model::rows::WindowEnd;
use crossbeam_channel::{never, Receiver};
use std::path::PathBuf;

/// What the explorer asks of its source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// Measure this configuration now (the current one is finished and kept).
    SetConfig(Config),
    /// Measure this configuration for `seconds` (warm-up excluded), then wait: the
    /// automatic sweep. The engine times the window; a replay ignores it.
    Measure {
        config: Config,
        seconds: f64,
    },
    /// Stop measuring (live: workers are stopped, no CPU used) / stop playback.
    Pause,
    Resume,
    /// Replay only: play faster / slower.
    Faster,
    Slower,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    /// Measuring now; `network` says over what (veth in namespaces, or loopback).
    Live { network: String },
    /// Playing back a recording at `speed` × real time.
    Replay { file: PathBuf, speed: f64 },
}

/// A replay played its last event: what it played.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EndOfRecording {
    pub events: usize,
    /// Recording time of the last event.
    pub seconds: f64,
}

impl std::fmt::Display for EndOfRecording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "end of recording: {} events over {:.1} s; q quits",
            self.events, self.seconds
        )
    }
}

pub trait SampleSource {
    /// The event stream. The explorer selects on it together with input and a tick.
    fn events(&self) -> &Receiver<EngineEvent>;
    /// Fires once when a replay has sent its last event (after it on [`Self::events`]).
    /// A live source never ends this way.
    fn end(&self) -> Receiver<EndOfRecording> {
        never()
    }
    /// How the next [`EngineEvent::Finished`] taken from [`Self::events`] ended, when the
    /// source knows (a replay reads it from the file); `None`: the explorer knows (live).
    /// Called once per finished window, in order.
    fn window_end(&mut self) -> Option<WindowEnd> {
        None
    }
    fn control(&mut self, c: Control);
    fn machine(&self) -> &MachineInfo;
    fn kind(&self) -> SourceKind;
    /// Stops and joins everything the source started. Idempotent. Returns the events
    /// that arrived while stopping (the last configuration's result), for the recorder.
    fn shutdown(&mut self) -> Vec<EngineEvent>;
    /// [`Self::shutdown`] waiting at most `limit`: what the source started and has not
    /// ended by then is left to the process's end.
    fn shutdown_within(&mut self, limit: std::time::Duration) -> Vec<EngineEvent> {
        let _ = limit;
        self.shutdown()
    }
}

impl SampleSource for crate::engine::LiveRunner {
    fn events(&self) -> &Receiver<EngineEvent> {
        crate::engine::LiveRunner::events(self)
    }

    fn control(&mut self, c: Control) {
        use crate::engine::live::LiveOrder;
        match c {
            Control::SetConfig(config) => self.order(LiveOrder::Set {
                config,
                length: None,
            }),
            Control::Measure { config, seconds } => self.order(LiveOrder::Set {
                config,
                length: Some(std::time::Duration::from_secs_f64(seconds)),
            }),
            Control::Pause => self.order(LiveOrder::Pause),
            Control::Resume => self.order(LiveOrder::Resume),
            // Live measurements run at the speed of the machine.
            Control::Faster | Control::Slower => {}
        }
    }

    fn machine(&self) -> &MachineInfo {
        crate::engine::LiveRunner::machine(self)
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Live {
            network: self.machine().network.clone(),
        }
    }

    fn shutdown(&mut self) -> Vec<EngineEvent> {
        crate::engine::LiveRunner::shutdown(self)
    }

    fn shutdown_within(&mut self, limit: std::time::Duration) -> Vec<EngineEvent> {
        crate::engine::LiveRunner::shutdown_within(self, Some(limit))
    }
}

//! Where the explorer's events come from: the live engine or a recording.
//! Both look the same to the explorer.

use crate::engine::config::Config;
use crate::engine::sample::{EngineEvent, MachineInfo};
use crossbeam_channel::Receiver;
use std::path::PathBuf;

/// What the explorer asks of its source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// Measure this configuration now (the current one is finished and kept).
    SetConfig(Config),
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

pub trait SampleSource {
    /// The event stream. The explorer selects on it together with input and a tick.
    fn events(&self) -> &Receiver<EngineEvent>;
    fn control(&mut self, c: Control);
    fn machine(&self) -> &MachineInfo;
    fn kind(&self) -> SourceKind;
    /// Stops and joins everything the source started. Idempotent.
    fn shutdown(&mut self);
}

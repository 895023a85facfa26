//! Recordings: JSON lines, a machine header then every engine event.
use crate::engine::sample::{EngineEvent, MachineInfo};
use std::path::Path;

/// Writes a recording as it goes (flushed per line).
pub struct Recorder {
    _private: (),
}

impl Recorder {
    pub fn create(_path: &Path, _machine: &MachineInfo) -> anyhow::Result<Recorder> {
        anyhow::bail!("recording is not built yet")
    }
    pub fn record(&mut self, _event: &EngineEvent) -> anyhow::Result<()> {
        Ok(())
    }
}

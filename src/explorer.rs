//! The interactive explorer: terminal setup/teardown and the main loop.
use crate::cli::{Common, ExplorerArgs};
use crate::source::SampleSource;

/// `sudo netio-tui`: checks privileges, builds the engine, runs the explorer on it.
pub fn run(_common: &Common, _args: &ExplorerArgs) -> anyhow::Result<()> {
    anyhow::bail!("the explorer is not built yet")
}

/// Runs the explorer on any source (live engine or a replay).
pub fn run_with_source(_source: Box<dyn SampleSource>, _args: &ExplorerArgs) -> anyhow::Result<()> {
    anyhow::bail!("the explorer is not built yet")
}

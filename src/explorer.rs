//! The interactive explorer: terminal setup/teardown and the main loop.
use crate::cli::{Common, ExplorerArgs};

pub fn run(_common: &Common, _args: &ExplorerArgs) -> anyhow::Result<()> {
    anyhow::bail!("the explorer is not built yet")
}

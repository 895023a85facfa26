//! `run` and `sweep`: the engine without a screen.
use crate::cli::{Common, RunArgs, SweepArgs};

pub fn run(_common: &Common, _args: &RunArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
pub fn sweep(_common: &Common, _args: &SweepArgs) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}

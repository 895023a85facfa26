//! `netio-tui replay FILE`: a recording played back as a SampleSource.
use crate::cli::{Common, ExplorerArgs, ReplayArgs};

pub fn run(_common: &Common, _explorer: &ExplorerArgs, _args: &ReplayArgs) -> anyhow::Result<()> {
    anyhow::bail!("replay is not built yet")
}

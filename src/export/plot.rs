//! `netio-tui plot`: SVG charts from a CSV.
use crate::cli::PlotArgs;

pub fn run(_args: &PlotArgs) -> anyhow::Result<()> {
    anyhow::bail!("plot is not built yet")
}

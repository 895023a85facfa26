//! `netio-tui plot FILE`: SVG charts from a CSV or a recording (no root).

use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct PlotArgs {
    /// A CSV written by `sweep` or by `e` in the explorer, or a recording of run, sweep or the explorer: a recording also gives the round-trip CDF of rr configurations
    pub file: PathBuf,
    /// Directory for the SVG files (created if missing)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out: PathBuf,
    /// Chart title prefix, e.g. the machine (default: the CSV file name; the CSV has no machine column)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// What `plot` draws from where into where.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotSettings {
    pub file: PathBuf,
    pub out: PathBuf,
    pub title: Option<String>,
}

impl PlotArgs {
    pub fn settings(&self) -> PlotSettings {
        PlotSettings {
            file: self.file.clone(),
            out: self.out.clone(),
            title: self.title.clone(),
        }
    }
}

pub fn run(s: &PlotSettings) -> Result<()> {
    let report = crate::plot::plot_file(&s.file, &s.out, s.title.as_deref())?;
    for n in &report.notes {
        crate::say!("note: {n}")?;
    }
    for p in &report.written {
        crate::say!("wrote {}", p.display())?;
    }
    for (file, why) in &report.skipped {
        crate::say!("skipped {file}: {why}")?;
    }
    Ok(())
}

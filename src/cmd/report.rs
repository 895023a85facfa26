//! `netio-tui report FILE`: the course's questions answered as Markdown with plots.

use crate::engine::metric::METRICS;
use crate::error::{fault, usage, Result};
use crate::model::csv;
use crate::model::report::{markdown, read_input, Input};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A CSV written by `sweep` or by `e` in the explorer, or a recording (--record FILE)
    pub file: PathBuf,
    /// The Markdown file to write; its plots go in a directory beside it (default: FILE's name with -report.md, in the current directory)
    #[arg(long, value_name = "FILE.md")]
    pub out: Option<PathBuf>,
}

/// What `report` reads and where it writes.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSettings {
    pub file: PathBuf,
    pub out: Option<PathBuf>,
}

impl ReportArgs {
    pub fn settings(&self) -> ReportSettings {
        ReportSettings {
            file: self.file.clone(),
            out: self.out.clone(),
        }
    }
}

fn default_out(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "netio".into());
    PathBuf::from(format!("{stem}-report.md"))
}

pub fn run(s: &ReportSettings) -> Result<()> {
    let out = s.out.clone().unwrap_or_else(|| default_out(&s.file));
    crate::model::files::check_output(&out, "--out", true)?;
    let input = read_input(METRICS, &s.file)?;
    // The plots go in a directory beside the report, drawn from the rows themselves.
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let dir_name = format!("{stem}-plots");
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from(&dir_name), |p| p.join(&dir_name));
    let created = crate::model::files::create_output_dir(&dir, "--out").map_err(usage)?;
    let written = write_report(s, &out, &dir, &dir_name, &input);
    if written.is_err() && created {
        // A full disk or a bad row: no half report, no empty directory left behind.
        let _ = std::fs::remove_dir_all(&dir);
    }
    let plots = written?;
    crate::say!(
        "wrote {} ({} plots in {})",
        out.display(),
        plots,
        dir.display()
    )?;
    Ok(())
}

/// Writes the rows, the plots and the Markdown; returns how many plots.
fn write_report(
    s: &ReportSettings,
    out: &Path,
    dir: &Path,
    dir_name: &str,
    input: &Input,
) -> Result<usize> {
    let rows_csv = dir.join("rows.csv");
    csv::write_rows(METRICS, &rows_csv, &input.rows)?;
    let title = input
        .machine
        .as_ref()
        .map(|m| format!("{} · Linux {}", m.cpu_model, m.kernel));
    let mut drawn = crate::plot::plot_file(&rows_csv, dir, title.as_deref())?;
    // From a recording: the round-trip distribution from its buckets.
    let prefix = title.clone().unwrap_or_else(|| "rows.csv".into());
    crate::plot::write_cdf(&input.windows, &prefix, dir, &mut drawn)?;
    let plots: Vec<String> = drawn
        .written
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| format!("{dir_name}/{}", n.to_string_lossy()))
        .collect();
    let md = markdown(METRICS, input, &s.file, &plots);
    crate::model::files::write_atomically(out, md.as_bytes()).map_err(fault)?;
    Ok(plots.len())
}

//! `netio-tui plot FILE [--out DIR]`: SVG charts drawn from a CSV written by
//! `sweep` or by `e` in the explorer, or from a recording (its rows, and the
//! round-trip CDF from its histogram buckets: [`cdf`]), so nobody types numbers into
//! a plot script.
//!
//! Every chart has one panel per thread count or message size and one line per
//! strategy, with one shared legend on top. Message sizes and thread counts are on a
//! log2 axis. A figure missing from the CSV (an empty cell: counter not available)
//! is simply not drawn; a chart with no data at all is skipped and said so.
//!
//! Text is written as SVG `<text>` elements and laid out with plotters' built-in
//! estimate, so no font file is needed on the machine that draws the charts.

pub mod cdf;
mod draw;
pub mod palette;
mod series;

use crate::engine::metric::{Registry, METRICS};
use crate::error::usage;
use crate::model::csv::read_csv;
use crate::view::{Views, VIEWS};
use series::{charts, Data};
use std::path::{Path, PathBuf};

/// What `plot` produced.
#[derive(Debug, Default, PartialEq)]
pub struct PlotReport {
    pub written: Vec<PathBuf>,
    /// (file name that was not written, why).
    pub skipped: Vec<(String, String)>,
    /// Things worth knowing about the input (duplicates, fallbacks).
    pub notes: Vec<String>,
    /// Some row was request/response (`--workload rr`).
    pub rr_rows: bool,
}

/// Reads `csv`, writes the charts into `out_dir` (created if missing).
pub fn plot_file(csv: &Path, out_dir: &Path, title: Option<&str>) -> crate::Result<PlotReport> {
    plot_with(METRICS, VIEWS, csv, out_dir, title)
}

/// [`plot_file`] with the charts of any registry and presentation.
pub fn plot_with(
    reg: &Registry,
    views: &Views,
    csv: &Path,
    out_dir: &Path,
    title: Option<&str>,
) -> crate::Result<PlotReport> {
    // A recording keeps each window's round-trip buckets: the CDF is drawn from them.
    // Only a regular file is opened to look (a FIFO would block): anything else goes to
    // the CSV reader, which refuses it.
    let regular = std::fs::metadata(csv).is_ok_and(|m| m.is_file());
    let (rows, windows) = if regular && crate::model::report::is_recording(csv) {
        let input = crate::model::report::read_input(reg, csv)?;
        (input.rows, input.windows)
    } else {
        let rows = read_csv(reg, csv).map_err(|e| {
            usage(format!(
                "{e:#}; give a CSV written by `netio-tui sweep` or by `e` in the explorer, or a recording"
            ))
        })?;
        (rows, Vec::new())
    };
    if rows.is_empty() {
        return Err(usage(format!(
            "{} has the netio-tui columns but no rows; nothing to plot",
            csv.display()
        )));
    }
    let created = crate::model::files::create_output_dir(out_dir, "--out").map_err(usage)?;
    // Whether it accepts files is the user's to fix (exit 2); a write failing after this
    // (a full disk) is a fault (exit 1), and takes away the directory made for it.
    crate::model::files::check_dir(out_dir, "--out")?;
    let drawn = draw_all(reg, views, rows, csv, out_dir, title).and_then(|mut report| {
        write_cdf(&windows, &report_prefix(csv, title), out_dir, &mut report)?;
        Ok(report)
    });
    if drawn.is_err() && created {
        let _ = std::fs::remove_dir_all(out_dir);
    }
    drawn
}

/// The charts' title prefix: `--title`, or the input's file name.
fn report_prefix(csv: &Path, title: Option<&str>) -> String {
    title.map(str::to_string).unwrap_or_else(|| {
        csv.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| csv.display().to_string())
    })
}

/// The round-trip CDF of the rr windows among `windows` (a recording's), written into
/// `out_dir`; said skipped where rows are rr but no buckets were read (a CSV).
pub fn write_cdf(
    windows: &[crate::engine::sample::ConfigResult],
    prefix: &str,
    out_dir: &Path,
    report: &mut PlotReport,
) -> crate::Result<()> {
    match cdf::CdfChart::of(windows, prefix) {
        Some(chart) => {
            let path = out_dir.join(cdf::FILE);
            let svg = chart.render()?;
            crate::model::files::write_atomically(&path, svg.as_bytes())
                .map_err(crate::error::fault)?;
            report.written.push(path);
        }
        None if report.rr_rows => report.skipped.push((
            cdf::FILE.to_string(),
            "the round-trip CDF needs the histogram buckets a recording keeps (--record FILE, then plot or report that file); a CSV holds the percentiles only".into(),
        )),
        None => {}
    }
    Ok(())
}

/// Draws every chart of `rows` into `out_dir`.
fn draw_all(
    reg: &Registry,
    views: &Views,
    rows: Vec<crate::engine::metric::Figures>,
    csv: &Path,
    out_dir: &Path,
    title: Option<&str>,
) -> crate::Result<PlotReport> {
    let name = csv
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| csv.display().to_string());
    let prefix = title.map(str::to_string).unwrap_or(name);
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    let rr_rows = rows.iter().any(|r| r.config.is_rr());
    let data = Data::new(
        reg,
        rows.into_iter().filter(|r| r.error.is_none()).collect(),
    );
    let mut report = PlotReport {
        rr_rows,
        ..PlotReport::default()
    };
    if failed > 0 {
        report.notes.push(format!(
            "{failed} failed configuration(s) in {} (non-empty error column) are not plotted",
            csv.display()
        ));
    }
    if let Some(n) = &data.left_out {
        report.notes.push(n.clone());
    }
    if data.duplicates > 0 {
        report.notes.push(format!(
            "{} configurations appear more than once in {}; the last row of each is plotted",
            data.duplicates,
            csv.display()
        ));
    }
    for chart in charts(reg, views, &data, &prefix, &mut report.notes) {
        if let Some(why) = chart.why_empty() {
            report.skipped.push((chart.file.to_string(), why));
            continue;
        }
        let path = out_dir.join(chart.file);
        let svg = chart.render()?;
        // A browser showing the chart never reads half a file; a link planted at the
        // name is replaced, never written through.
        crate::model::files::write_atomically(&path, svg.as_bytes())
            .map_err(crate::error::fault)?;
        report.written.push(path);
    }
    Ok(report)
}

#[cfg(test)]
mod tests;

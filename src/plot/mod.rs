//! `netio-tui plot FILE.csv [--out DIR]`: SVG charts drawn from a CSV written by
//! `sweep` or by `e` in the explorer, so nobody types numbers into a plot script.
//!
//! Every chart has one panel per thread count or message size and one line per
//! strategy, with one shared legend on top. Message sizes and thread counts are on a
//! log2 axis. A figure missing from the CSV (an empty cell: counter not available)
//! is simply not drawn; a chart with no data at all is skipped and said so.
//!
//! Text is written as SVG `<text>` elements and laid out with plotters' built-in
//! estimate, so no font file is needed on the machine that draws the charts.

use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::{find, Figures, MetricDef, Plot, PlotX, Registry, YScale, METRICS};
use crate::error::usage;
use crate::model::csv::read_csv;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FONT: &str = "sans-serif";
const PANEL_W: u32 = 560;
const PANEL_H: u32 = 400;
const HEADER_H: u32 = 90;
/// Room for the title and the legend of a one-panel chart.
const MIN_W: u32 = 800;

/// What `plot` produced.
#[derive(Debug, Default, PartialEq)]
pub struct PlotReport {
    pub written: Vec<PathBuf>,
    /// (file name that was not written, why).
    pub skipped: Vec<(String, String)>,
    /// Things worth knowing about the input (duplicates, fallbacks).
    pub notes: Vec<String>,
}

/// Reads `csv`, writes the charts into `out_dir` (created if missing).
pub fn plot_file(csv: &Path, out_dir: &Path, title: Option<&str>) -> crate::Result<PlotReport> {
    plot_with(METRICS, csv, out_dir, title)
}

/// [`plot_file`] with the charts of any registry.
pub fn plot_with(
    reg: &Registry,
    csv: &Path,
    out_dir: &Path,
    title: Option<&str>,
) -> crate::Result<PlotReport> {
    let rows = read_csv(reg, csv).map_err(|e| {
        usage(format!(
            "{e:#}; give a CSV written by `netio-tui sweep` or by `e` in the explorer"
        ))
    })?;
    if rows.is_empty() {
        return Err(usage(format!(
            "{} has the netio-tui columns but no rows; nothing to plot",
            csv.display()
        )));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| {
        usage(format!(
            "cannot create output directory {} ({e}); choose a writable --out DIR",
            out_dir.display()
        ))
    })?;
    let name = csv
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| csv.display().to_string());
    let prefix = title.map(str::to_string).unwrap_or(name);
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    let data = Data::new(
        reg,
        rows.into_iter().filter(|r| r.error.is_none()).collect(),
    );
    let mut report = PlotReport::default();
    if failed > 0 {
        report.notes.push(format!(
            "{failed} failed configuration(s) in {} (non-empty error column) are not plotted",
            csv.display()
        ));
    }
    if data.duplicates > 0 {
        report.notes.push(format!(
            "{} configurations appear more than once in {}; the last row of each is plotted",
            data.duplicates,
            csv.display()
        ));
    }
    for chart in charts(reg, &data, &prefix, &mut report.notes) {
        if let Some(why) = chart.why_empty() {
            report.skipped.push((chart.file.to_string(), why));
            continue;
        }
        let path = out_dir.join(chart.file);
        let svg = chart.render()?;
        // A browser showing the chart never reads half a file; a link planted at the
        // name is replaced, never written through.
        crate::model::files::write_atomically(&path, svg.as_bytes())
            .map_err(|e| usage(format!("{e}; choose a writable --out DIR")))?;
        report.written.push(path);
    }
    Ok(report)
}

/// The CSV rows, one per configuration, with the axes they span.
struct Data<'r> {
    reg: &'r Registry,
    rows: BTreeMap<Config, Figures>,
    /// One line per strategy and axes tag ("" for the default axes).
    strategies: Vec<(Strategy, String)>,
    sizes: Vec<usize>,
    threads: Vec<usize>,
    duplicates: usize,
}

impl<'r> Data<'r> {
    fn new(reg: &'r Registry, rows: Vec<Figures>) -> Data<'r> {
        let mut map = BTreeMap::new();
        let mut duplicates = 0;
        for r in rows {
            if map.insert(r.config, r).is_some() {
                duplicates += 1;
            }
        }
        let mut strategies: Vec<(Strategy, String)> =
            map.keys().map(|c| (c.strategy, c.tag())).collect();
        let mut sizes: Vec<usize> = map.keys().map(|c| c.msg_size).collect();
        let mut threads: Vec<usize> = map.keys().map(|c| c.threads).collect();
        for v in [&mut sizes, &mut threads] {
            v.sort_unstable();
            v.dedup();
        }
        strategies.sort_unstable();
        strategies.dedup();
        Data {
            reg,
            rows: map,
            strategies,
            sizes,
            threads,
            duplicates,
        }
    }

    /// The figure a chart draws for `row`: the metric's value in the plot's scale.
    fn value(&self, m: &MetricDef, plot: &Plot, row: &Figures) -> Option<f64> {
        let v = row.get(self.reg, m.name)?;
        plot.scale
            .apply(v, &row.basis(self.reg))
            .filter(|y| y.is_finite())
    }

    fn any(&self, m: &MetricDef, plot: &Plot) -> bool {
        self.rows.values().any(|r| self.value(m, plot, r).is_some())
    }
}

struct Series {
    /// Strategy and axes tag.
    line: (Strategy, String),
    points: Vec<(f64, f64)>,
}

struct Panel {
    caption: String,
    y_label: String,
    series: Vec<Series>,
}

struct Chart {
    file: &'static str,
    title: String,
    subtitle: String,
    x_axis: PlotX,
    y_scale: YScale,
    /// Panels in rows of `cols`.
    cols: usize,
    panels: Vec<Panel>,
    /// One line per strategy and axes tag ("" for the default axes).
    strategies: Vec<(Strategy, String)>,
    /// Said when the chart has no data.
    missing: String,
    /// Horizontal reference lines (label, y), e.g. the copy roofline.
    references: Vec<(String, f64)>,
}

fn plural_threads(n: usize) -> String {
    if n == 1 {
        "1 thread pair".into()
    } else {
        format!("{n} thread pairs")
    }
}

fn size_caption(s: usize) -> String {
    format!("{} B messages", format_size(s))
}

/// Panels over `fixed` values (a thread count or a size), x over the other axis.
fn panels_over(data: &Data, m: &MetricDef, plot: &Plot, caption_prefix: &str) -> Vec<Panel> {
    let (fixed, caption): (&[usize], fn(usize) -> String) = match plot.x {
        PlotX::MessageSize => (&data.threads, plural_threads),
        PlotX::Threads => (&data.sizes, size_caption),
    };
    let y_label = match plot.y {
        YScale::Log => format!("{} (log scale)", plot.y_label),
        YScale::Linear => plot.y_label.to_string(),
    };
    fixed
        .iter()
        .map(|&f| Panel {
            caption: format!("{caption_prefix}{}", caption(f)),
            y_label: y_label.clone(),
            series: data
                .strategies
                .iter()
                .map(|(s, tag)| Series {
                    line: (*s, tag.clone()),
                    points: data
                        .rows
                        .values()
                        .filter(|r| {
                            let c = r.config;
                            c.strategy == *s
                                && c.tag() == *tag
                                && match plot.x {
                                    PlotX::MessageSize => c.threads == f,
                                    PlotX::Threads => c.msg_size == f,
                                }
                        })
                        .filter_map(|r| {
                            let x = match plot.x {
                                PlotX::MessageSize => r.config.msg_size,
                                PlotX::Threads => r.config.threads,
                            } as f64;
                            data.value(m, plot, r).map(|y| (x, y))
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

fn grid_cols(panels: usize) -> usize {
    ((panels as f64).sqrt().ceil() as usize).max(1)
}

/// One chart per plot file of the registry; metrics sharing a file get a row of
/// panels each. A metric that stands in for another is drawn only where that one has
/// no data at all, and that is said.
fn charts(reg: &Registry, data: &Data, prefix: &str, notes: &mut Vec<String>) -> Vec<Chart> {
    let strategies = data.strategies.clone();
    let durations: Vec<f64> = data
        .rows
        .values()
        .filter_map(|r| r.get(reg, "duration_s"))
        .collect();
    let (dmin, dmax) = durations
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), d| (a.min(*d), b.max(*d)));
    let window = if durations.is_empty() {
        "?".to_string()
    } else if (dmax - dmin).abs() < 0.05 {
        format!("{dmin:.1} s")
    } else {
        format!("{dmin:.1}–{dmax:.1} s")
    };
    let n = data.rows.len();
    let subtitle = if durations.is_empty() {
        format!("{n} configuration{}", if n == 1 { "" } else { "s" })
    } else {
        format!(
            "{n} configuration{}, {window} measured{} (warm-up excluded)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { " each" },
        )
    };
    // Plot files in registry order, each with its metrics.
    let mut files: Vec<(&Plot, Vec<(&MetricDef, &Plot)>)> = Vec::new();
    for m in reg {
        for p in m.plots {
            match files.iter_mut().find(|(f, _)| f.file == p.file) {
                Some((_, ms)) => ms.push((m, p)),
                None => files.push((p, vec![(m, p)])),
            }
        }
    }
    let mut out = Vec::new();
    for (first, members) in files {
        let drawn: Vec<(&MetricDef, &Plot)> = members
            .iter()
            .copied()
            .filter(|(m, p)| match m.instead_of.and_then(|o| find(reg, o)) {
                None => true,
                Some(orig) => {
                    let has_orig = orig.plots.iter().any(|op| data.any(orig, op));
                    let stands_in = !has_orig && data.any(m, p);
                    if stands_in {
                        notes.push(format!(
                            "{} is empty in every row; {} shows {} instead",
                            orig.name, p.file, m.label
                        ));
                    }
                    stands_in
                }
            })
            .collect();
        let several = drawn.len() > 1;
        let mut panels = Vec::new();
        for (m, p) in &drawn {
            if several && !data.any(m, p) {
                continue;
            }
            let caption = if several {
                format!("{}, ", m.short)
            } else {
                String::new()
            };
            panels.extend(panels_over(data, m, p, &caption));
        }
        let names: Vec<&str> = members.iter().map(|(m, _)| m.name).collect();
        let cols = if several {
            match first.x {
                PlotX::MessageSize => data.threads.len().max(1),
                PlotX::Threads => data.sizes.len().max(1),
            }
        } else {
            grid_cols(panels.len())
        };
        // Reference lines: the median of each reference metric over the rows.
        let references = reg
            .iter()
            .filter(|m| m.reference == Some(first.file))
            .filter_map(|m| {
                let mut v: Vec<f64> = data
                    .rows
                    .values()
                    .filter_map(|r| r.get(reg, m.name))
                    .filter(|v| *v > 0.0)
                    .collect();
                v.sort_by(f64::total_cmp);
                let y = *v.get(v.len() / 2)?;
                Some((format!("{}: {} {}", m.short, m.csv_text(y), m.unit), y))
            })
            .collect();
        out.push(Chart {
            references,
            file: first.file,
            title: format!("{} — {prefix}", first.title),
            subtitle: subtitle.clone(),
            x_axis: first.x,
            y_scale: first.y,
            cols,
            panels,
            strategies: strategies.clone(),
            missing: format!(
                "{} {} empty in every row (not measured on that machine, or not asked for: --profile, --syscalls)",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" }
            ),
        });
    }
    out
}

fn strategy_color(s: Strategy) -> RGBColor {
    match s {
        Strategy::TwoCopy => RGBColor(214, 39, 40),
        Strategy::Serialize => RGBColor(255, 127, 14),
        Strategy::OneCopy => RGBColor(31, 119, 180),
        Strategy::ZeroCopy => RGBColor(44, 160, 44),
        Strategy::Uring => RGBColor(148, 103, 189),
        Strategy::UringZc => RGBColor(23, 190, 207),
        Strategy::Sendfile => RGBColor(140, 86, 75),
        Strategy::Splice => RGBColor(227, 119, 194),
    }
}

fn strategy_label(s: Strategy) -> String {
    match s.course_name() {
        Some(c) => format!("{} ({c})", s.name()),
        None => s.name().to_string(),
    }
}

/// Compact tick label: 3 significant digits, k/M/G above a thousand.
fn short_number(v: f64) -> String {
    let (scaled, unit) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let a = scaled.abs();
    let digits = if a == 0.0 || a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (-(a.log10().floor()) as usize + 2).min(9)
    };
    let s = format!("{scaled:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{unit}")
}

/// Largest magnitude an axis shows: far beyond any measured figure, and small enough
/// that margins and tick steps stay finite.
const AXIS_MAX: f64 = 1e100;
/// Most decades a log axis spans: more would be unreadable, and tiny (subnormal)
/// values would make the tick search crawl.
const LOG_DECADES: f64 = 12.0;

/// An axis range that is finite, ordered and not degenerate, whatever the CSV holds
/// (subnormal, huge, equal values): points outside it are not drawn.
fn sane_range((lo, hi): (f64, f64), log: bool) -> (f64, f64) {
    let fallback = if log { (0.1, 1.0) } else { (0.0, 1.0) };
    if !lo.is_finite() || !hi.is_finite() {
        let hi = if hi.is_finite() { hi } else { AXIS_MAX };
        return sane_range((if lo.is_finite() { lo } else { -AXIS_MAX }, hi), log);
    }
    let hi = hi.min(AXIS_MAX);
    if log {
        let lo = lo.max(hi / 10f64.powf(LOG_DECADES)).max(1.0 / AXIS_MAX);
        if lo.is_normal() && hi.is_normal() && hi > lo * (1.0 + 1e-9) {
            (lo, hi)
        } else {
            fallback
        }
    } else {
        let lo = lo.max(-AXIS_MAX);
        let span = hi - lo;
        if span.is_normal() && span > 1e-12 * hi.abs().max(lo.abs()) && span > 1.0 / AXIS_MAX {
            (lo, hi)
        } else if hi.abs() > 1.0 / AXIS_MAX {
            let m = hi.abs() * 0.5;
            (lo - m, hi + m)
        } else {
            fallback
        }
    }
}

fn in_range(v: f64, (lo, hi): (f64, f64)) -> bool {
    v >= lo && v <= hi
}

fn draw_err(file: &str) -> impl Fn(DrawingAreaErrorKind<std::io::Error>) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("cannot draw {file}: {e}")
}

impl Chart {
    fn points(&self) -> impl Iterator<Item = &(f64, f64)> {
        self.panels
            .iter()
            .flat_map(|p| p.series.iter().flat_map(|s| s.points.iter()))
    }

    fn why_empty(&self) -> Option<String> {
        let log = self.y_scale == YScale::Log;
        let any = self.points().any(|(_, y)| !log || *y > 0.0);
        (!any).then(|| self.missing.clone())
    }

    fn render(&self) -> anyhow::Result<String> {
        let rows = self.panels.len().div_ceil(self.cols);
        let size = (
            (PANEL_W * self.cols as u32).max(MIN_W),
            HEADER_H + PANEL_H * rows as u32,
        );
        let mut svg = String::new();
        {
            let err = draw_err(self.file);
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let (header, body) = root.split_vertically(HEADER_H);
            self.draw_header(&header).map_err(&err)?;
            let areas = body.split_evenly((rows, self.cols));
            let x_range = self.x_range();
            for (area, panel) in areas.iter().zip(&self.panels) {
                let y_range = self.y_range(panel);
                let log_y = self.y_scale == YScale::Log;
                let x = (x_range.0..x_range.1).log_scale().base(2.0);
                if log_y {
                    let y = (y_range.0..y_range.1).log_scale();
                    self.draw_panel(area, panel, x, y, (x_range, y_range))
                        .map_err(&err)?;
                } else {
                    let clip = (x_range, (0.0, y_range.1));
                    self.draw_panel(area, panel, x, 0.0..y_range.1, clip)
                        .map_err(&err)?;
                }
            }
            root.present().map_err(&err)?;
        }
        Ok(svg)
    }

    /// One x range for all panels: the same sizes / thread counts line up.
    fn x_range(&self) -> (f64, f64) {
        let (xmin, xmax) = self
            .points()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let r = if xmin < xmax {
            (xmin / 2f64.powf(0.3), xmax * 2f64.powf(0.3))
        } else {
            (xmin / 1.5, xmax * 1.5)
        };
        sane_range(r, true)
    }

    /// Each panel its own y range: strategies are compared within a panel, and a
    /// panel with small values (1 thread, LLC) would be flat on a shared axis.
    fn y_range(&self, panel: &Panel) -> (f64, f64) {
        let log_y = self.y_scale != YScale::Linear;
        let (ymin, ymax) = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(self.references.iter().map(|r| r.1))
            .filter(|y| !log_y || *y > 0.0)
            .fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let r = if ymax <= 0.0 || ymin > ymax {
            (0.1, 1.0)
        } else if log_y {
            if ymin < ymax {
                (ymin / 1.6, ymax * 1.6)
            } else {
                (ymin / 2.0, ymax * 2.0)
            }
        } else {
            (ymin.min(0.0), ymax * 1.1)
        };
        sane_range(r, log_y)
    }

    fn draw_header(
        &self,
        area: &DrawingArea<SVGBackend, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        area.draw(&Text::new(
            self.title.clone(),
            (20, 12),
            (FONT, 24).into_font().style(FontStyle::Bold),
        ))?;
        area.draw(&Text::new(
            self.subtitle.clone(),
            (20, 40),
            (FONT, 15).into_font().color(&RGBColor(90, 90, 90)),
        ))?;
        let y = 74;
        let mut x = 20;
        for (s, tag) in &self.strategies {
            let color = strategy_color(*s);
            area.draw(&PathElement::new(
                vec![(x, y), (x + 32, y)],
                color.stroke_width(3),
            ))?;
            self.marker(area, (x + 16, y), tag, color)?;
            let label = if tag.is_empty() {
                strategy_label(*s)
            } else {
                format!("{} {tag}", strategy_label(*s))
            };
            let width = (label.chars().count() as i32 * 9 + 60).max(190);
            area.draw(&Text::new(label, (x + 40, y - 9), (FONT, 16).into_font()))?;
            x += width;
        }
        Ok(())
    }

    /// A line's point marker: a dot for the default axes, another shape for each
    /// other axes tag, so lines of one strategy differ without relying on colour.
    fn marker<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        at: (i32, i32),
        tag: &str,
        color: RGBColor,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        match self.tag_index(tag) % 3 {
            0 => area.draw(&Circle::new(at, 4, color.filled())),
            1 => area.draw(&TriangleMarker::new(at, 6, color.filled())),
            _ => area.draw(&Cross::new(at, 5, color.stroke_width(2))),
        }
    }

    fn tag_index(&self, tag: &str) -> usize {
        let mut tags: Vec<&str> = self.strategies.iter().map(|(_, t)| t.as_str()).collect();
        tags.sort_unstable();
        tags.dedup();
        tags.iter().position(|t| *t == tag).unwrap_or(0)
    }

    fn draw_panel<Y>(
        &self,
        area: &DrawingArea<SVGBackend, Shift>,
        panel: &Panel,
        x: impl AsRangedCoord<Value = f64, CoordDescType: ValueFormatter<f64>>,
        y: Y,
        (x_range, y_range): ((f64, f64), (f64, f64)),
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(area)
            .caption(panel.caption.clone(), (FONT, 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(x, y)?;
        let x_desc = match self.x_axis {
            PlotX::MessageSize => "message size (bytes, log2 scale)",
            PlotX::Threads => "thread pairs (connections, log2 scale)",
        };
        // Ticks fall on powers of two; below 1 they mean nothing here.
        let x_fmt = |v: &f64| {
            if *v < 0.999 || (v - v.round()).abs() > 1e-6 {
                String::new()
            } else {
                match self.x_axis {
                    PlotX::MessageSize => format_size(v.round() as usize),
                    PlotX::Threads => format!("{}", v.round()),
                }
            }
        };
        // Two ticks that round to the same text would read as a broken axis: a
        // repeated label is left blank.
        let seen = std::cell::RefCell::new(std::collections::HashSet::new());
        let y_fmt = |v: &f64| {
            let t = short_number(*v);
            if seen.borrow_mut().insert(t.clone()) {
                t
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(panel.y_label.clone())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let log_y = self.y_scale != YScale::Linear;
        let mut drew = false;
        for s in &panel.series {
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|(_, y)| !log_y || *y > 0.0)
                // Whatever the CSV holds, only what the axes can show is drawn.
                .filter(|(x, y)| in_range(*x, x_range) && in_range(*y, y_range))
                .collect();
            if pts.is_empty() {
                continue;
            }
            drew = true;
            let color = strategy_color(s.line.0);
            chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?;
            let shape = self.tag_index(&s.line.1) % 3;
            chart.draw_series(pts.iter().map(|p| {
                let e: DynElement<'static, _, (f64, f64)> = match shape {
                    0 => Circle::new(*p, 4, color.filled()).into_dyn(),
                    1 => TriangleMarker::new(*p, 6, color.filled()).into_dyn(),
                    _ => Cross::new(*p, 5, color.stroke_width(2)).into_dyn(),
                };
                e
            }))?;
        }
        let (x0, x1) = self.x_range();
        for (label, y) in &self.references {
            let grey = RGBColor(110, 110, 110);
            chart.draw_series(DashedLineSeries::new(
                vec![(x0, *y), (x1, *y)],
                6,
                4,
                grey.stroke_width(2),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                label.clone(),
                (x0 * 1.05, *y),
                (FONT, 13).into_font().color(&grey),
            )))?;
        }
        if !drew {
            let (w, h) = area.dim_in_pixel();
            area.draw(&Text::new(
                "no data",
                (w as i32 / 2 - 30, h as i32 / 2),
                (FONT, 18).into_font().color(&RGBColor(150, 150, 150)),
            ))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(0.05), "0.05");
        assert_eq!(short_number(0.123456), "0.123");
        assert_eq!(short_number(1.5), "1.5");
        assert_eq!(short_number(12.34), "12.3");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(1500.0), "1.5k");
        assert_eq!(short_number(2_000_000.0), "2M");
        assert_eq!(short_number(3e9), "3G");
    }

    #[test]
    fn panels_make_a_near_square_grid() {
        assert_eq!(grid_cols(1), 1);
        assert_eq!(grid_cols(2), 2);
        assert_eq!(grid_cols(4), 2);
        assert_eq!(grid_cols(5), 3);
    }
}

//! Drawing a chart as SVG: panels in a grid, log or linear axes that stay finite
//! whatever the CSV holds, one shared legend.

use super::palette::strategy_color;
use super::series::{Chart, Panel};
use crate::engine::config::format_size;
use crate::view::{PlotX, YScale};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;

const FONT: &str = "sans-serif";
const PANEL_W: u32 = 560;
const PANEL_H: u32 = 400;
const HEADER_H: u32 = 90;
/// Room for the title and the legend of a one-panel chart.
const MIN_W: u32 = 800;

/// Compact tick label: 3 significant digits, k/M/G above a thousand.
pub(super) fn short_number(v: f64) -> String {
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

/// A log axis's range widened down to the power of ten at or below its start: plotters
/// labels a log axis from the first power of ten in range on, so values under it had no
/// label at all (round trips of 28 µs on an axis labelled from 100 up).
pub(super) fn from_decade((lo, hi): (f64, f64)) -> (f64, f64) {
    let floor = 10f64.powf(lo.log10().floor());
    if floor.is_normal() && floor < hi {
        (floor, hi)
    } else {
        (lo, hi)
    }
}

/// Whether a log axis labels the tick at `v`: 1, 2 and 5 times a power of ten only, so
/// the labels of its gridlines (every 1-9 times a power of ten) never crowd.
pub(super) fn log_labelled(v: f64) -> bool {
    if !(v.is_normal() && v > 0.0) {
        return false;
    }
    let m = v / 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|k| (m - k).abs() < 1e-6 * k)
}

fn in_range(v: f64, (lo, hi): (f64, f64)) -> bool {
    v >= lo && v <= hi
}

/// Half the width of an error bar's caps, as a factor on the log2 x axis.
const CAP: f64 = 1.07;

/// An error bar (x, low, high) as one path: the low cap, up the bar, the high cap.
/// Cut to what the axes show; `None` where none of it is on them.
pub(super) fn error_bar(
    (x, lo, hi): (f64, f64, f64),
    x_range: (f64, f64),
    (y0, y1): (f64, f64),
    log_y: bool,
) -> Option<Vec<(f64, f64)>> {
    let lo = if log_y && lo <= 0.0 { y0 } else { lo };
    let (lo, hi) = (lo.max(y0), hi.min(y1));
    if !in_range(x, x_range) || lo > hi {
        return None;
    }
    let (l, r) = (x / CAP, x * CAP);
    Some(vec![(l, lo), (r, lo), (x, lo), (x, hi), (l, hi), (r, hi)])
}

/// The width a legend entry takes: its line, marker and label.
pub(super) fn legend_width(label: &str) -> i32 {
    (label.chars().count() as i32 * 9 + 60).max(190)
}

/// The width the header needs, so its title, subtitle and legend are never cut off
/// (widths estimated from the fonts' average glyph: 24 px bold, 15 px, 16 px).
pub(super) fn header_width<'a>(
    title: &str,
    subtitle: &str,
    legend: impl Iterator<Item = &'a str>,
) -> u32 {
    let text = |s: &str, px: u32| s.chars().count() as u32 * px + 40;
    let legend = 40 + legend.map(|l| legend_width(l) as u32).sum::<u32>();
    text(title, 14).max(text(subtitle, 8)).max(legend)
}

/// A chart's title and, under it in grey, what it shows: the same on every chart.
pub(super) fn title_block(
    area: &DrawingArea<SVGBackend, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    area.draw(&Text::new(
        title.to_string(),
        (20, 12),
        (FONT, 24).into_font().style(FontStyle::Bold),
    ))?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (20, 40),
        (FONT, 15).into_font().color(&RGBColor(90, 90, 90)),
    ))
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

    pub(super) fn why_empty(&self) -> Option<String> {
        let log = self.y_scale == YScale::Log;
        let any = self.points().any(|(_, y)| !log || *y > 0.0);
        (!any).then(|| self.missing.clone())
    }

    pub(super) fn render(&self) -> anyhow::Result<String> {
        let rows = self.panels.len().div_ceil(self.cols);
        let labels = self.legend_labels();
        let size = (
            (PANEL_W * self.cols as u32).max(MIN_W).max(header_width(
                &self.title,
                &self.subtitle,
                labels.iter().map(String::as_str),
            )),
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
        // Error bars are part of the data: the axis shows them whole.
        let (ymin, ymax) = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(
                panel
                    .series
                    .iter()
                    .flat_map(|s| s.bars.iter().flat_map(|b| [b.1, b.2])),
            )
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
        let r = sane_range(r, log_y);
        if log_y {
            from_decade(r)
        } else {
            r
        }
    }

    /// The legend's labels: each strategy, with its axes tag where it has one.
    fn legend_labels(&self) -> Vec<String> {
        self.strategies
            .iter()
            .map(|(s, tag)| {
                if tag.is_empty() {
                    s.label()
                } else {
                    format!("{} {tag}", s.label())
                }
            })
            .collect()
    }

    fn draw_header(
        &self,
        area: &DrawingArea<SVGBackend, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        title_block(area, &self.title, &self.subtitle)?;
        let y = 74;
        let mut x = 20;
        for ((s, tag), label) in self.strategies.iter().zip(self.legend_labels()) {
            let color = strategy_color(*s);
            area.draw(&PathElement::new(
                vec![(x, y), (x + 32, y)],
                color.stroke_width(3),
            ))?;
            self.marker(area, (x + 16, y), tag, color)?;
            let width = legend_width(&label);
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
        let log_y = self.y_scale != YScale::Linear;
        let y_fmt = |v: &f64| {
            if log_y && !log_labelled(*v) {
                return String::new();
            }
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
            chart.draw_series(
                s.bars
                    .iter()
                    .filter_map(|b| error_bar(*b, x_range, y_range, log_y))
                    .map(|path| PathElement::new(path, color.stroke_width(2))),
            )?;
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

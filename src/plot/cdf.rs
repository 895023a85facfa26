//! The round-trip distribution of each request/response configuration, as a CDF:
//! x the round trip (µs, log scale), y the fraction of round trips at or below it,
//! one line per strategy, one panel per configuration less its strategy (request
//! size, connections, the other axes). Drawn from the histogram buckets the
//! recording keeps for every window (each trial's buckets merged, never averaged), so
//! it needs a recording: a CSV holds the percentiles only.

use super::palette::strategy_color;
use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::sample::{ConfigResult, RoundTrips};
use plotters::prelude::*;
use std::collections::BTreeMap;

/// The chart's file name, beside the percentiles-vs-size charts.
pub const FILE: &str = "rr-round-trip-cdf.svg";

const FONT: &str = "sans-serif";
const PANEL_W: u32 = 560;
const PANEL_H: u32 = 400;
const HEADER_H: u32 = 90;
const MIN_W: u32 = 800;
const MAX_COLS: usize = 3;
const SUBTITLE: &str = "fraction of round trips at or below each time; merged histograms of every trial (closed loop: unloaded round trip; --rate: from the scheduled send)";

/// The cumulative distribution of `rtt`: for each bucket, (its highest round trip in
/// µs, the fraction of round trips at or below it). Ascending in both, the last
/// fraction exactly 1; empty for no round trips.
pub fn cdf(rtt: &RoundTrips) -> Vec<(f64, f64)> {
    let n = rtt.count();
    if n == 0 {
        return Vec::new();
    }
    let mut seen = 0u64;
    rtt.buckets
        .iter()
        .filter(|b| b.1 > 0)
        .map(|&(ns, count)| {
            seen += count;
            (ns as f64 / 1e3, seen as f64 / n as f64)
        })
        .collect()
}

/// One panel: a configuration less its strategy, and each strategy's CDF.
struct Panel {
    caption: String,
    lines: Vec<(Strategy, Vec<(f64, f64)>)>,
}

/// The CDF chart of the rr windows among `windows`; `None` where none has round trips.
pub struct CdfChart {
    title: String,
    panels: Vec<Panel>,
}

/// The configuration that names a panel: everything but the strategy.
fn panel_key(c: &Config) -> Config {
    Config {
        strategy: Strategy::TwoCopy,
        ..*c
    }
}

impl CdfChart {
    pub fn of(windows: &[ConfigResult], prefix: &str) -> Option<CdfChart> {
        // Each configuration's trials merged (histograms add), per panel and strategy.
        let mut merged: BTreeMap<Config, BTreeMap<Strategy, RoundTrips>> = BTreeMap::new();
        for w in windows.iter().filter(|w| w.config.is_rr()) {
            let Some(rtt) = &w.total.rtt else {
                continue;
            };
            let line = merged
                .entry(panel_key(&w.config))
                .or_default()
                .entry(w.config.strategy)
                .or_default();
            *line = line.merge(rtt);
        }
        let panels: Vec<Panel> = merged
            .into_iter()
            .map(|(key, lines)| Panel {
                caption: caption(&key),
                lines: lines
                    .into_iter()
                    .map(|(s, r)| (s, cdf(&r)))
                    .filter(|(_, pts)| !pts.is_empty())
                    .collect(),
            })
            .filter(|p| !p.lines.is_empty())
            .collect();
        (!panels.is_empty()).then(|| CdfChart {
            title: format!("{prefix}: round-trip distribution (CDF) per configuration"),
            panels,
        })
    }

    /// The strategies drawn, in their order.
    fn strategies(&self) -> Vec<Strategy> {
        let mut s: Vec<Strategy> = self
            .panels
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.0))
            .collect();
        s.sort();
        s.dedup();
        s
    }

    /// One x range for every panel (round trips compare across panels), in µs.
    fn x_range(&self) -> (f64, f64) {
        let (lo, hi) = self
            .panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.1.iter().map(|q| q.0)))
            .filter(|x| *x > 0.0 && x.is_finite())
            .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        if lo <= hi {
            super::draw::from_decade((lo / 1.3, hi * 1.3))
        } else {
            (1.0, 10.0)
        }
    }

    pub fn render(&self) -> anyhow::Result<String> {
        let cols = self.panels.len().clamp(1, MAX_COLS);
        let rows = self.panels.len().div_ceil(cols);
        let labels: Vec<String> = self.strategies().iter().map(|s| s.label()).collect();
        let size = (
            (PANEL_W * cols as u32)
                .max(MIN_W)
                .max(super::draw::header_width(
                    &self.title,
                    SUBTITLE,
                    labels.iter().map(String::as_str),
                )),
            HEADER_H + PANEL_H * rows as u32,
        );
        let err =
            |e: DrawingAreaErrorKind<std::io::Error>| anyhow::anyhow!("cannot draw {FILE}: {e}");
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            let (header, body) = root.split_vertically(HEADER_H);
            self.draw_header(&header).map_err(err)?;
            let (x0, x1) = self.x_range();
            for (area, panel) in body.split_evenly((rows, cols)).iter().zip(&self.panels) {
                draw_panel(area, panel, (x0, x1)).map_err(err)?;
            }
            root.present().map_err(err)?;
        }
        Ok(svg)
    }

    fn draw_header(
        &self,
        area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        super::draw::title_block(area, &self.title, SUBTITLE)?;
        let (y, mut x) = (74, 20);
        for s in self.strategies() {
            let color = strategy_color(s);
            area.draw(&PathElement::new(
                vec![(x, y), (x + 32, y)],
                color.stroke_width(3),
            ))?;
            let label = s.label();
            let width = super::draw::legend_width(&label);
            area.draw(&Text::new(label, (x + 40, y - 9), (FONT, 16).into_font()))?;
            x += width;
        }
        Ok(())
    }
}

/// "64 B request · 1 connection · rr resp=same".
fn caption(c: &Config) -> String {
    let tag = c.tag();
    let size = format_size(c.msg_size);
    let unit = if size.ends_with(|ch: char| ch.is_ascii_digit()) {
        " B"
    } else {
        ""
    };
    format!(
        "{size}{unit} request · {} connection{}{}",
        c.threads,
        if c.threads == 1 { "" } else { "s" },
        if tag.is_empty() {
            String::new()
        } else {
            format!(" · {tag}")
        }
    )
}

fn draw_panel(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    panel: &Panel,
    (x0, x1): (f64, f64),
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let mut chart = ChartBuilder::on(area)
        .caption(panel.caption.clone(), (FONT, 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(60)
        .build_cartesian_2d((x0..x1).log_scale(), 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("round trip (µs, log scale)")
        .y_desc("fraction at or below")
        .x_label_formatter(&|v| {
            if super::draw::log_labelled(*v) {
                super::draw::short_number(*v)
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| format!("{v:.1}"))
        .axis_desc_style((FONT, 15))
        .label_style((FONT, 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    for (s, pts) in &panel.lines {
        let color = strategy_color(*s);
        // A staircase: the fraction holds until the next bucket's time.
        let mut steps: Vec<(f64, f64)> = Vec::with_capacity(pts.len() * 2 + 1);
        let mut last = 0.0;
        for &(x, y) in pts {
            steps.push((x, last));
            steps.push((x, y));
            last = y;
        }
        steps.push((x1, last));
        chart.draw_series(LineSeries::new(steps, color.stroke_width(2)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtt(buckets: &[(u64, u64)]) -> RoundTrips {
        RoundTrips {
            buckets: buckets.to_vec(),
        }
    }

    #[test]
    fn the_cdf_is_monotone_and_ends_at_one() {
        let r = rtt(&[(20_000, 5), (21_000, 90), (40_000, 4), (900_000, 1)]);
        let c = cdf(&r);
        assert_eq!(c.len(), 4);
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        assert_eq!(c.last().unwrap().1, 1.0);
        assert_eq!(c[0], (20.0, 0.05));
        assert_eq!(c[1], (21.0, 0.95));
        // Read where the percentiles are read: p50 is the first time at or past 0.5.
        let p50 = c.iter().find(|p| p.1 >= 0.5).unwrap().0 * 1e3;
        assert_eq!(Some(p50), r.quantile_ns(0.5));
        assert!(cdf(&RoundTrips::default()).is_empty());
    }

    #[test]
    fn trials_merge_into_one_line_and_streams_are_left_out() {
        let window = |s: Strategy, rr: bool, buckets: &[(u64, u64)]| ConfigResult {
            config: Config {
                workload: if rr {
                    crate::engine::config::Workload::Rr
                } else {
                    crate::engine::config::Workload::Stream
                },
                ..Config::new(s, 64, 1)
            },
            total: crate::engine::sample::Measured {
                rtt: rr.then(|| rtt(buckets)),
                ..Default::default()
            },
            bytes_sent: 0,
            bytes_received: 0,
            verified: false,
        };
        let windows = [
            window(Strategy::OneCopy, true, &[(10_000, 3)]),
            window(Strategy::OneCopy, true, &[(10_000, 1), (30_000, 4)]),
            window(Strategy::TwoCopy, true, &[(12_000, 2)]),
            window(Strategy::OneCopy, false, &[]),
        ];
        let chart = CdfChart::of(&windows, "t").unwrap();
        assert_eq!(chart.panels.len(), 1);
        let one = &chart.panels[0].lines[1];
        assert_eq!(one.0, Strategy::OneCopy);
        // 4 of 8 round trips at 10 µs, all by 30 µs: the trials' buckets added.
        assert_eq!(one.1, vec![(10.0, 0.5), (30.0, 1.0)]);
        let svg = chart.render().unwrap();
        assert!(svg.contains("round trip (µs, log scale)"), "{svg}");
        assert!(CdfChart::of(&windows[3..], "t").is_none());
    }
}

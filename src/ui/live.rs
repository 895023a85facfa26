//! The live panel: sparklines of the per-interval figures with the current value,
//! unit and scale, then the detail lines (latency, context switches, sender vs receiver
//! cycles, zero-copy bookkeeping, and why a counter is `n/a`).

use super::{clip, section, si, sig3, strategy_color};
use crate::app::history::live_scale;
use crate::app::App;
use crate::engine::metric::{find, Basis, Format, Live, MetricDef, Scale, View};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};
use ratatui::Frame;

const LABEL_W: u16 = 26;
const SCALE_W: u16 = 9;

/// Rows the panel wants: a rule, the sparklines, and up to three (four on tall
/// screens) detail lines, counted after wrapping to `width`.
pub fn height(app: &App, spark_rows: u16, body_h: u16, width: u16) -> u16 {
    let max_details = match body_h {
        0..20 => 2,
        20..30 => 3,
        _ => 4,
    };
    let w = width.max(1) as usize;
    let wrapped: usize = details(app)
        .iter()
        .map(|l| l.width().div_ceil(w).max(1))
        .sum();
    1 + rows(app).len() as u16 * spark_rows + (wrapped as u16).clamp(1, max_details)
}

/// One sparkline row: the metric at `index` of the registry shown in `view`, or the
/// reason it is not measured.
struct Row {
    index: Option<usize>,
    view: View,
    format: Format,
    unit: String,
    reason: Option<String>,
}

fn spark(m: &MetricDef) -> Option<View> {
    m.spark()
}

/// The sparkline rows, from the registry: each spark metric, or the metric that
/// stands in for it where it is not measured, or its reason.
fn rows(app: &App) -> Vec<Row> {
    let reg = app.metrics;
    let index = |m: &MetricDef| reg.iter().position(|x| x.name == m.name);
    let row = |m: &MetricDef, v: View| Row {
        index: index(m),
        view: v,
        format: m.format,
        unit: format!("{}{}", m.unit, v.scale.suffix()),
        reason: None,
    };
    reg.iter()
        .filter(|m| m.spark_stands_in_for().is_none())
        .filter_map(|m| spark(m).map(|v| (m, v)))
        .map(|(m, v)| {
            if m.available(&app.machine) {
                return row(m, v);
            }
            let stand_in = reg.iter().find(|alt| {
                alt.spark_stands_in_for() == Some(m.name) && alt.available(&app.machine)
            });
            match stand_in {
                Some(alt) => row(alt, spark(alt).unwrap_or(v)),
                None => Row {
                    index: None,
                    reason: m.unavailable(&app.machine),
                    ..row(m, v)
                },
            }
        })
        .collect()
}

fn human(format: Format, v: f64) -> String {
    match format {
        Format::Int => si(v),
        Format::Fixed(_) => sig3(v),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, spark_rows: u16) {
    if area.height == 0 {
        return;
    }
    let mut y = section(frame, area, "live, per sample interval").y;
    let bottom = area.y + area.height;
    for row in rows(app) {
        if y + spark_rows > bottom {
            return;
        }
        render_row(
            frame,
            Rect::new(area.x, y, area.width, spark_rows),
            app,
            &row,
        );
        y += spark_rows;
    }
    let lines: Vec<Line> = details(app)
        .into_iter()
        .take((bottom - y) as usize)
        .collect();
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        Rect::new(area.x, y, area.width, bottom - y),
    );
}

fn render_row(frame: &mut Frame, area: Rect, app: &App, row: &Row) {
    let [label, spark, scale] = Layout::horizontal([
        Constraint::Length(LABEL_W),
        Constraint::Min(0),
        Constraint::Length(SCALE_W),
    ])
    .areas(area);
    let newest = row
        .index
        .and_then(|i| app.history.newest().and_then(|p| p.get(i)));
    let sep = MetricDef::unit_sep(&row.unit);
    let value = match (row.index, newest) {
        (None, _) => "n/a".to_string(),
        (Some(_), Some(v)) => format!("{}{sep}{}", human(row.format, v), row.unit),
        (Some(_), None) if app.history.is_empty() => "—".to_string(),
        (Some(_), None) => "n/a".to_string(),
    };
    let text = format!("{:<12}{:>13}", row.view.title, value);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            text,
            Style::default().add_modifier(Modifier::BOLD),
        ))),
        label,
    );
    let Some(index) = row.index else {
        let reason = row.reason.clone().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Span::styled(
                clip(&format!(" {reason}"), (spark.width + scale.width) as usize),
                Style::default().fg(Color::DarkGray),
            )),
            Rect {
                width: spark.width + scale.width,
                ..spark
            },
        );
        return;
    };
    let n = spark.width as usize;
    let max = app.history.max(index, n).unwrap_or(0.0);
    // Bars are scaled to the largest value shown; the scale column says what that is.
    let bars: Vec<SparklineBar> = app
        .history
        .last(n)
        .map(|p| {
            let v = p.get(index).map(|v| {
                if max > 0.0 {
                    (v / max * 1000.0).round() as u64
                } else {
                    0
                }
            });
            SparklineBar::from(v)
                .style(Some(Style::default().fg(strategy_color(p.config.strategy))))
        })
        .collect();
    frame.render_widget(Sparkline::default().data(bars).max(1000), spark);
    if max > 0.0 {
        frame.render_widget(
            Paragraph::new(Span::styled(
                clip(
                    &format!(" ⌃{}", human(row.format, max)),
                    scale.width as usize,
                ),
                Style::default().fg(Color::DarkGray),
            )),
            scale,
        );
    }
}

/// The detail lines: the registry's detail figures of the current interval, then
/// why figures are missing or stand in for others.
fn details(app: &App) -> Vec<Line<'static>> {
    let dim = Style::default().fg(Color::DarkGray);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    if let Some(why) = app.machine.unavailable(app.selected.strategy) {
        out.push(Line::from(Span::styled(
            format!("{} unavailable here: {why}", app.selected.strategy),
            Style::default().fg(Color::Yellow),
        )));
        return out;
    }
    let Some(s) = app.current_sample() else {
        out.push(Line::from(Span::styled(
            "waiting for the first sample…",
            dim,
        )));
        return out;
    };
    let reg = app.metrics;
    let basis = Basis::of(&s.interval);
    let mut spans = Vec::new();
    for m in reg {
        let Some(Live::Detail(v)) = m.live else {
            continue;
        };
        if !m.applies(&s.config) || !crate::engine::metric::shown(reg, m, &app.machine) {
            continue;
        }
        let value = m
            .of(&s.config, &s.interval)
            .and_then(|x| live_scale(m.live).apply(x, &basis));
        let suffix = match v.scale {
            Scale::Raw if m.unit == "%" => "%",
            scale => scale.suffix(),
        };
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::raw(format!("{} ", v.title)));
        spans.push(Span::styled(
            value.map_or_else(
                || "n/a".into(),
                |x| format!("{}{suffix}", human(m.format, x)),
            ),
            bold,
        ));
    }
    out.push(Line::from(spans));

    let mut na: Vec<String> = Vec::new();
    if let Some(e) = &app.machine.perf_error {
        na.push(format!("counters n/a: {e}"));
    }
    // Say which figures stand in for others, and why.
    for alt in reg {
        let Some(orig) = alt.spark_stands_in_for().and_then(|o| find(reg, o)) else {
            continue;
        };
        let Some(title) = spark(alt).map(|v| v.title) else {
            continue;
        };
        if alt.available(&app.machine) && !orig.available(&app.machine) {
            // Without any counter the reason is already said once above.
            let why = match &app.machine.perf_error {
                Some(_) => String::new(),
                None => format!(" ({})", orig.unavailable(&app.machine).unwrap_or_default()),
            };
            na.push(format!(
                "{title}: {} shown, {} n/a{why}",
                alt.label, orig.short
            ));
        }
    }
    if let Some(e) = &app.machine.zerocopy_error {
        na.push(format!("zero-copy n/a: {e}"));
    }
    if s.config.strategy.uses_zerocopy() {
        if let Some(z) = s.interval.zc.and_then(|z| z.copied_pct()) {
            if z > 50.0 {
                na.push("zero-copy over veth/lo: the kernel copies anyway (local delivery)".into());
            }
        }
    }
    if s.interval.tx.scaled || s.interval.rx.scaled {
        na.push("counters multiplexed: values scaled".into());
    }
    if !na.is_empty() {
        out.push(Line::from(Span::styled(na.join("; "), dim)));
    }
    out
}

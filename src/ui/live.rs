//! The live panel: sparklines of the per-interval figures with the current value,
//! unit and scale, then the detail lines (latency, context switches, sender vs receiver
//! cycles, zero-copy bookkeeping, and why a counter is `n/a`).

use super::{clip, section, si, sig3, strategy_color};
use crate::app::history::Metric;
use crate::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};
use ratatui::Frame;

const LABEL_W: u16 = 26;
const SCALE_W: u16 = 9;

/// Rows the panel wants: a rule, four sparklines, and up to three (four on tall
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
    1 + 4 * spark_rows + (wrapped as u16).clamp(1, max_details)
}

/// Whether `metric` is measured on this machine, and the note that goes with it.
fn counter(app: &App, metric: &str) -> (bool, Option<String>) {
    // Software events (task-clock) work where hardware counters do not; recordings
    // from before the event existed do not list it.
    if metric == "cpu_ns" {
        return match app.machine.counter(metric) {
            Some(c) => (c.available, c.note.clone()),
            None => (false, None),
        };
    }
    if app.machine.perf_error.is_some() {
        return (false, Some("no counters: see the note below".into()));
    }
    match app.machine.counter(metric) {
        Some(c) => (c.available, c.note.clone()),
        None => (true, None),
    }
}

struct Row {
    label: String,
    metric: Option<Metric>,
    /// Formats a value of the metric (number only).
    fmt: fn(f64) -> String,
    unit: &'static str,
    /// Shown instead of a sparkline when the metric is not available.
    reason: Option<String>,
}

fn rows(app: &App) -> [Row; 4] {
    let (cyc_ok, cyc_note) = counter(app, "cycles");
    let (cpu_ok, _) = counter(app, "cpu_ns");
    let (l1_ok, l1_note) = counter(app, "l1d_misses");
    let (llc_ok, llc_note) = counter(app, "llc_misses");
    let (cm_ok, _) = counter(app, "cache_misses");
    let na = |ok: bool, note: Option<String>| {
        (!ok).then(|| note.unwrap_or_else(|| "not available on this machine".into()))
    };
    let llc = if llc_ok {
        Row {
            label: "LLC misses".into(),
            metric: Some(Metric::LlcRate),
            fmt: si,
            unit: "/s",
            reason: None,
        }
    } else if cm_ok {
        Row {
            label: "cache-miss†".into(),
            metric: Some(Metric::CacheRate),
            fmt: si,
            unit: "/s",
            reason: None,
        }
    } else {
        Row {
            label: "LLC misses".into(),
            metric: None,
            fmt: si,
            unit: "/s",
            reason: na(false, llc_note),
        }
    };
    [
        Row {
            label: "Throughput".into(),
            metric: Some(Metric::Gbps),
            fmt: sig3,
            unit: "Gb/s",
            reason: None,
        },
        if cyc_ok || !cpu_ok {
            Row {
                label: "Cycles/byte".into(),
                metric: cyc_ok.then_some(Metric::CyclesPerByte),
                fmt: sig3,
                unit: "cyc/B",
                reason: na(cyc_ok, cyc_note),
            }
        } else {
            // No cycle counter: CPU time per byte carries the same lesson.
            Row {
                label: "CPU time‡".into(),
                metric: Some(Metric::CpuNsPerByte),
                fmt: sig3,
                unit: "ns/B",
                reason: None,
            }
        },
        Row {
            label: "L1D misses".into(),
            metric: l1_ok.then_some(Metric::L1dRate),
            fmt: si,
            unit: "/s",
            reason: na(l1_ok, l1_note),
        },
        llc,
    ]
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
        .metric
        .and_then(|m| app.history.newest().and_then(|p| p.get(m)));
    let value = match (row.metric, newest) {
        (None, _) => "n/a".to_string(),
        (Some(_), Some(v)) => format!(
            "{}{}{}",
            (row.fmt)(v),
            if row.unit.starts_with('/') { "" } else { " " },
            row.unit
        ),
        (Some(_), None) if app.history.is_empty() => "—".to_string(),
        (Some(_), None) => "n/a".to_string(),
    };
    let text = format!("{:<12}{:>13}", row.label, value);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            text,
            Style::default().add_modifier(Modifier::BOLD),
        ))),
        label,
    );
    let Some(metric) = row.metric else {
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
    let max = app.history.max(metric, n).unwrap_or(0.0);
    // Bars are scaled to the largest value shown; the scale column says what that is.
    let bars: Vec<SparklineBar> = app
        .history
        .last(n)
        .map(|p| {
            let v = p.get(metric).map(|v| {
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
                clip(&format!(" ⌃{}", (row.fmt)(max)), scale.width as usize),
                Style::default().fg(Color::DarkGray),
            )),
            scale,
        );
    }
}

/// The detail lines, most important first.
fn details(app: &App) -> Vec<Line<'static>> {
    let dim = Style::default().fg(Color::DarkGray);
    let mut out = Vec::new();
    let Some(s) = app.current_sample() else {
        out.push(Line::from(Span::styled(
            "waiting for the first sample…",
            dim,
        )));
        return out;
    };
    let m = &s.interval;
    let c = m.counts();
    let per_s = |v: u64| {
        if m.seconds > 0.0 {
            si(v as f64 / m.seconds)
        } else {
            "—".into()
        }
    };
    let mut a = vec![
        Span::raw("µs/msg "),
        Span::styled(
            m.latency_us(s.config.threads)
                .map(sig3)
                .unwrap_or_else(|| "n/a".into()),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  ctx sw "),
        Span::styled(
            c.context_switches
                .map(|v| format!("{}/s", per_s(v)))
                .unwrap_or_else(|| "n/a".into()),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ];
    // Sender vs receiver cost: cycles where counted, else CPU time (task-clock).
    let cpu_time = m.tx.cycles.is_none() && m.tx.cpu_ns.is_some() && m.rx.cpu_ns.is_some();
    let (tx, rx) = if cpu_time {
        (m.tx.cpu_ns, m.rx.cpu_ns)
    } else {
        (m.tx.cycles, m.rx.cycles)
    };
    a.push(Span::raw(if cpu_time {
        "  CPU tx "
    } else {
        "  cycles tx "
    }));
    let cyc = |v: Option<u64>| {
        v.map(|v| format!("{}/s", per_s(v)))
            .unwrap_or_else(|| "n/a".into())
    };
    // CPU time as the share of one core the side's threads used.
    let core_pct = |v: Option<u64>| {
        v.map(|v| format!("{:.0}% core", v as f64 / 1e7 / m.seconds.max(1e-9)))
            .unwrap_or_else(|| "n/a".into())
    };
    let shown = |v| if cpu_time { core_pct(v) } else { cyc(v) };
    a.push(Span::styled(
        shown(tx),
        Style::default().add_modifier(Modifier::BOLD),
    ));
    a.push(Span::raw(" rx "));
    a.push(Span::styled(
        shown(rx),
        Style::default().add_modifier(Modifier::BOLD),
    ));
    if let (Some(t), Some(r)) = (tx, rx) {
        if t + r > 0 {
            a.push(Span::styled(
                format!(" (sender {:.0}%)", t as f64 * 100.0 / (t + r) as f64),
                dim,
            ));
        }
    }
    if let (Some(i), Some(cy)) = (c.instructions, c.cycles) {
        if cy > 0 {
            a.push(Span::raw(format!("  IPC {:.2}", i as f64 / cy as f64)));
        }
    }
    out.push(Line::from(a));

    if s.config.strategy.uses_zerocopy() {
        let line = match m.zc {
            Some(z) => {
                let bold = Style::default().add_modifier(Modifier::BOLD);
                Line::from(vec![
                    Span::styled(
                        "zero-copy ",
                        Style::default().fg(strategy_color(s.config.strategy)),
                    ),
                    Span::styled(per_s(z.completions), bold),
                    Span::raw(" compl/s, copied anyway "),
                    Span::styled(
                        z.copied_pct()
                            .map(|p| format!("{p:.0}%"))
                            .unwrap_or_else(|| "—".into()),
                        bold,
                    ),
                    Span::raw(", ENOBUFS "),
                    Span::styled(z.enobufs.to_string(), bold),
                    Span::styled(
                        if z.copied_pct().unwrap_or(0.0) > 50.0 {
                            " (veth/lo: kernel copies)"
                        } else {
                            ""
                        },
                        dim,
                    ),
                ])
            }
            None => Line::from(Span::styled("zero-copy: no completion figures", dim)),
        };
        out.push(line);
    }

    let mut na: Vec<String> = Vec::new();
    let cpu_fallback = !counter(app, "cycles").0 && counter(app, "cpu_ns").0;
    if let Some(e) = &app.machine.perf_error {
        na.push(format!("counters n/a: {e}"));
    } else {
        let mut missing: Vec<_> = app
            .machine
            .counters
            .iter()
            .filter(|c| !c.available)
            .collect();
        let fallback = app.machine.counter("cache_misses").filter(|c| c.available);
        if let (Some(pos), Some(cm)) = (
            missing.iter().position(|c| c.metric == "llc_misses"),
            fallback,
        ) {
            let llc = missing.remove(pos);
            na.push(format!(
                "† LLC n/a ({}); generic cache-misses shown{}",
                llc.note
                    .clone()
                    .unwrap_or_else(|| format!("{} not supported", llc.event)),
                cm.note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ));
        }
        for cs in missing {
            na.push(format!(
                "{} n/a: {}",
                cs.metric,
                cs.note
                    .clone()
                    .unwrap_or_else(|| format!("{} not supported", cs.event))
            ));
        }
    }
    if let Some(e) = &app.machine.zerocopy_error {
        na.push(format!("zero-copy n/a: {e}"));
    }
    if cpu_fallback {
        na.push("‡ CPU time (task-clock) per byte instead of cycles".into());
    }
    if m.tx.scaled || m.rx.scaled {
        na.push("counters multiplexed: values scaled".into());
    }
    if !na.is_empty() {
        out.push(Line::from(Span::styled(na.join("; "), dim)));
    }
    out
}

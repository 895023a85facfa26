//! The live panel: sparklines of the per-interval figures with the current value,
//! unit and scale, then the detail lines (latency, context switches, sender vs receiver
//! cycles, zero-copy bookkeeping, and why a counter is `n/a`).

pub use super::breakdown::bucket_label;
use super::breakdown::{breakdown_rows, render_breakdown};
use super::{clip, palette, section, si, sig3};
use crate::app::App;
use crate::engine::metric::{find, Format, MetricDef};
use crate::view::{unit_sep, Basis, Live, Scale, View};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};
use ratatui::Frame;

pub const LABEL_W: u16 = 26;
const SCALE_W: u16 = 9;

/// Rows the panel wants: a rule, the sparklines, and up to three (four on tall
/// screens) detail rows, counted after wrapping to `width`.
pub fn height(app: &App, spark_rows: u16, body_h: u16, width: u16) -> u16 {
    let max_details = match body_h {
        0..20 => 2,
        20..30 => 3,
        _ => 4,
    };
    let wanted = detail_rows(app, width as usize, usize::MAX).len();
    1 + rows(app).len() as u16 * spark_rows
        + breakdown_rows(app)
        + (wanted as u16).clamp(1, max_details)
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

fn spark(app: &App, m: &MetricDef) -> Option<View> {
    crate::view::of(app.views, m).spark()
}

fn stands_in_for(app: &App, m: &MetricDef) -> Option<crate::engine::metric::MetricId> {
    crate::view::of(app.views, m).spark_stands_in_for()
}

/// The sparkline rows, from the registry: each spark metric that means something for
/// the selected configuration (the round-trip row only for `--workload rr`), or the
/// metric that stands in for it where it is not measured, or its reason.
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
        .filter(|m| stands_in_for(app, m).is_none() && m.applies(&app.selected))
        .filter_map(|m| spark(app, m).map(|v| (m, v)))
        .map(|(m, v)| {
            if m.available(&app.machine) {
                return row(m, v);
            }
            let stand_in = reg
                .iter()
                .find(|alt| stands_in_for(app, alt) == Some(m.id()) && alt.available(&app.machine));
            match stand_in {
                Some(alt) => row(alt, spark(app, alt).unwrap_or(v)),
                None => Row {
                    index: None,
                    reason: m.unavailable(&app.machine).map(|r| clear_reason(app, r)),
                    ..row(m, v)
                },
            }
        })
        .collect()
}

/// Without a PMU every hardware event's own reason is the kernel's errno text ("event
/// not supported … (No such file or directory)"): the row says what it means instead,
/// the sentence stderr and help say, short enough for an 80-column row.
fn clear_reason(app: &App, reason: String) -> String {
    if app.machine.perf_error.is_some() && reason.starts_with("event not supported") {
        NO_PMU_SHORT.to_string()
    } else {
        reason
    }
}

/// The no-PMU sentence, in a counter row's room.
pub const NO_PMU_SHORT: &str = "no hardware counters here (no PMU, as in many VMs)";

fn human(format: Format, v: f64) -> String {
    match format {
        Format::Int => si(v),
        Format::Fixed(_) => sig3(v),
    }
}

/// "trial 3 of this configuration" while its third window is measured, "3 trials of
/// this configuration" while none is; nothing for a first trial (nothing to count yet).
pub fn trials_text(app: &App) -> Option<String> {
    match app.current_trials() {
        (done, true) if done >= 1 => Some(format!("trial {} of this configuration", done + 1)),
        (done, false) if done >= 2 => Some(format!("{done} trials of this configuration")),
        _ => None,
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, spark_rows: u16) {
    if area.height == 0 {
        return;
    }
    let mut title = match trials_text(app) {
        Some(t) => format!("live, per sample interval · {t}"),
        None => "live, per sample interval".to_string(),
    };
    // The bars' letters are explained where they are drawn (issue 22 item 6).
    if let Some(legend) = super::breakdown::letter_legend(app, area.width) {
        title = format!("{title} · {legend}");
    }
    let mut y = section(frame, area, &title, &palette(app)).y;
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
    let b = breakdown_rows(app).min(bottom - y);
    render_breakdown(frame, Rect::new(area.x, y, area.width, b), app);
    y += b;
    let lines = detail_rows(app, area.width as usize, (bottom - y) as usize);
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, y, area.width, bottom - y),
    );
}

/// The detail figures, then the notes, wrapped at word (figure) boundaries into
/// `width`, in at most `max_rows` rows. Nothing is cut mid-sentence: notes that do
/// not fit are left out and the last row points to the help, which lists them all.
fn detail_rows(app: &App, width: usize, max_rows: usize) -> Vec<Line<'static>> {
    let pal = palette(app);
    let width = width.max(1);
    let mut out: Vec<Line> = Vec::new();
    // Figures: "title value" pairs, never split.
    let mut row: Vec<Span> = Vec::new();
    let mut used = 0;
    for (title, value) in figures(app) {
        let n = title.chars().count() + 1 + value.chars().count();
        if used > 0 && used + 2 + n > width {
            out.push(Line::from(std::mem::take(&mut row)));
            used = 0;
        }
        if used > 0 {
            row.push(Span::raw("  "));
            used += 2;
        }
        row.push(Span::raw(format!("{title} ")));
        row.push(Span::styled(
            value,
            Style::default().add_modifier(Modifier::BOLD),
        ));
        used += n;
    }
    if !row.is_empty() {
        out.push(Line::from(row));
    }
    if out.is_empty() && app.current_sample().is_none() {
        out.push(Line::from(Span::styled(
            "waiting for the first sample…",
            pal.dim,
        )));
    }
    out.truncate(max_rows);
    let notes = notes(app);
    for (i, note) in notes.iter().enumerate() {
        let wrapped = wrap(note, width);
        let left = notes.len() - i;
        // Room for this note, and for the pointer if more notes follow.
        let need = wrapped.len() + usize::from(left > 1);
        if out.len() + need > max_rows {
            let pointer = format!("+{left} note{} in ? help", if left == 1 { "" } else { "s" });
            if out.len() < max_rows {
                out.push(Line::from(Span::styled(pointer, pal.note)));
            } else if let Some(last) = out.last_mut() {
                // No row left: the pointer replaces the last row's tail.
                let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                let keep = width.saturating_sub(pointer.chars().count() + 3);
                if text.chars().count() <= keep {
                    last.spans
                        .push(Span::styled(format!("  {pointer}"), pal.note));
                } else {
                    *last = Line::from(vec![
                        Span::styled(super::clip(&text, keep + 1), pal.dim),
                        Span::styled(format!("  {pointer}"), pal.note),
                    ]);
                }
            }
            break;
        }
        out.extend(
            wrapped
                .into_iter()
                .map(|l| Line::from(Span::styled(l, pal.dim))),
        );
    }
    out
}

/// `text` wrapped greedily at spaces into rows of at most `width` characters (a word
/// longer than a row is split).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let cur_n = cur.chars().count();
            let n = word.chars().count();
            if cur_n == 0 && n > width {
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                rows.push(head);
                continue;
            }
            if cur_n > 0 && cur_n + 1 + n > width {
                rows.push(std::mem::take(&mut cur));
                continue;
            }
            if cur_n > 0 {
                cur.push(' ');
            }
            cur.push_str(&word);
            break;
        }
    }
    if !cur.is_empty() || rows.is_empty() {
        rows.push(cur);
    }
    rows
}

fn render_row(frame: &mut Frame, area: Rect, app: &App, row: &Row) {
    let pal = palette(app);
    let [label, spark, scale] = Layout::horizontal([
        Constraint::Length(LABEL_W),
        Constraint::Min(0),
        Constraint::Length(SCALE_W),
    ])
    .areas(area);
    let newest = row
        .index
        .and_then(|i| app.history.newest().and_then(|p| p.get(i)));
    let sep = unit_sep(&row.unit);
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
                pal.dim,
            )),
            Rect {
                width: spark.width + scale.width,
                ..spark
            },
        );
        return;
    };
    let n = spark.width as usize;
    // Bars are scaled to the largest value of the configuration measured now (an
    // earlier configuration's peak would leave its trace flat); taller earlier bars
    // are drawn full. The scale column says what full is.
    let max = app.history.max_of_newest_run(index, n).unwrap_or(0.0);
    let bars: Vec<SparklineBar> = app
        .history
        .last(n)
        .map(|p| {
            let v = p.get(index).map(|v| {
                if max > 0.0 {
                    (v / max * 1000.0).round().min(1000.0) as u64
                } else {
                    0
                }
            });
            SparklineBar::from(v).style(Some(Style::default().fg(pal.strategy(p.config.strategy))))
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
                pal.dim,
            )),
            scale,
        );
    }
}

/// The registry's detail figures of the current interval, as (title, value).
fn figures(app: &App) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(s) = app.current_sample() else {
        return out;
    };
    let reg = app.metrics;
    let basis = Basis::of(&s.interval);
    for m in reg {
        let shows = crate::view::of(app.views, m);
        let Some(Live::Detail(v)) = shows.live else {
            continue;
        };
        if !m.applies(&s.config) || !crate::view::shown(reg, app.views, m, &app.machine) {
            continue;
        }
        let value = m
            .of(&s.config, &s.interval)
            .and_then(|x| shows.live_scale().apply(x, &basis));
        let suffix = match v.scale {
            Scale::Raw if m.unit == "%" => "%",
            Scale::Raw if m.unit == "×" => "×",
            scale => scale.suffix(),
        };
        out.push((
            v.title.to_string(),
            value.map_or_else(
                || "n/a".into(),
                |x| format!("{}{suffix}", human(m.format, x)),
            ),
        ));
    }
    out
}

/// Why figures are missing or stand in for others, and what the kernel did: one
/// sentence each (the help lists them all).
pub fn notes(app: &App) -> Vec<String> {
    let reg = app.metrics;
    let mut na: Vec<String> = Vec::new();
    if let Some(why) = app.machine.unavailable(app.selected.strategy) {
        na.push(format!("{} unavailable here: {why}", app.selected.strategy));
    }
    if let Some(e) = &app.machine.perf_error {
        na.push(format!("counters n/a: {e}"));
    }
    if let Some(p) = &app.machine.peer {
        if let Some(e) = &p.machine.perf_error {
            na.push(format!("counters n/a on the peer {}: {e}", p.host));
        }
    }
    // Say which figures stand in for others, and why.
    for alt in reg {
        let Some(orig) = stands_in_for(app, alt).and_then(|o| find(reg, o)) else {
            continue;
        };
        let Some(title) = spark(app, alt).map(|v| v.title) else {
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
    if app.selected.count == crate::engine::config::Count::Cpu {
        na.extend(app.machine.cpu_count_gaps());
    }
    if let Some(s) = app.current_sample() {
        na.extend(s.interval.count_note());
        if s.config.strategy.uses_zerocopy() {
            if let Some(z) = s.interval.zc.and_then(|z| z.copied_pct()) {
                if z > 50.0 {
                    na.push(
                        "zero-copy over veth/lo: the kernel copies anyway (local delivery)".into(),
                    );
                }
            }
        }
        if s.interval.counts().scaled {
            na.push("counters multiplexed: values scaled".into());
        }
        if let Some(n) = s.interval.counts().coverage_note() {
            na.push(format!("{n}; counter figures are partial sums"));
        }
    }
    na
}

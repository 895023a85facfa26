//! The live panel: sparklines of the per-interval figures with the current value,
//! unit and scale, then the detail lines (latency, context switches, sender vs receiver
//! cycles, zero-copy bookkeeping, and why a counter is `n/a`).

use super::{clip, palette, section, si, sig3};
use crate::app::App;
use crate::engine::metric::{bucket_ns, find, Format, MetricDef};
use crate::engine::profile::Bucket;
use crate::view::{unit_sep, Basis, Live, Scale, View};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};
use ratatui::Frame;

const LABEL_W: u16 = 26;
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
        .filter(|m| stands_in_for(app, m).is_none())
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
    let title = match trials_text(app) {
        Some(t) => format!("live, per sample interval · {t}"),
        None => "live, per sample interval".to_string(),
    };
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

/// Rows of the CPU-time breakdown: one per side, where the profiler runs.
fn breakdown_rows(app: &App) -> u16 {
    if app.machine.profile_note.is_none() {
        return 0;
    }
    let sink = app
        .current_sample()
        .and_then(|s| s.interval.profile)
        .is_some_and(|p| p.rx.threads == 0);
    if sink {
        1
    } else {
        2
    }
}

/// The bar's segments, in order, each with a letter so no bucket is told by colour alone.
const SEGMENTS: [(Bucket, char, &str, Color); 9] = [
    (Bucket::Copy, 'C', "copy", Color::LightRed),
    (Bucket::Zc, 'Z', "zc", Color::LightMagenta),
    (Bucket::Tcp, 'T', "tcp", Color::LightBlue),
    (Bucket::Syscall, 'S', "sys", Color::LightYellow),
    (Bucket::Sched, 'W', "sched", Color::LightCyan),
    (Bucket::IrqLate, 'I', "irq-off", Color::Gray),
    (Bucket::User, 'U', "user", Color::LightGreen),
    (Bucket::Other, 'O', "other", Color::DarkGray),
    (Bucket::Kernel, 'K', "kernel", Color::Gray),
];

/// A bucket's short name, as the bar's legend writes it.
pub fn bucket_label(b: Bucket) -> &'static str {
    SEGMENTS
        .iter()
        .find(|(x, ..)| *x == b)
        .map_or(b.name(), |(_, _, name, _)| name)
}

/// Widths of the segments of a `width`-column bar for these shares: largest
/// remainders, so they fill the bar exactly; a share below half a column gets none.
pub fn segment_widths(shares: &[f64], width: usize) -> Vec<usize> {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 || width == 0 {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares.iter().map(|s| s / total * width as f64).collect();
    let mut w: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let mut left = width - w.iter().sum::<usize>();
    for i in order {
        if left == 0 {
            break;
        }
        if exact[i] >= 0.5 || exact[i] - exact[i].floor() >= 0.5 {
            w[i] += 1;
            left -= 1;
        }
    }
    if left > 0 {
        // Rounding left columns over: the largest segment takes them.
        if let Some(i) = (0..w.len()).max_by(|&a, &b| exact[a].total_cmp(&exact[b])) {
            w[i] += left;
        }
    }
    w
}

/// A stacked bar per side of the current interval: where its CPU time went, as %
/// of its sampled time (in the bar) and ns per payload byte (before it).
fn render_breakdown(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    let pal = palette(app);
    let Some(s) = app.current_sample() else {
        return;
    };
    let m = &s.interval;
    let sides: &[(bool, &str)] = if area.height >= 2 {
        &[(true, "CPU tx"), (false, "CPU rx")]
    } else {
        &[(true, "CPU tx")]
    };
    for (row, &(sender, title)) in sides.iter().enumerate() {
        let line_area = Rect::new(area.x, area.y + row as u16, area.width, 1);
        let ns: Vec<Option<f64>> = SEGMENTS
            .iter()
            .map(|(b, ..)| bucket_ns(m, sender, *b))
            .collect();
        let total: f64 = ns.iter().flatten().sum();
        let threads = m
            .profile
            .map(|p| if sender { p.tx.threads } else { p.rx.threads });
        if m.profile.is_none() || threads == Some(0) || total <= 0.0 || m.bytes == 0 {
            let why = if m.profile.is_none() {
                "not sampled in this interval"
            } else if threads == Some(0) {
                "no receiver threads (sink)"
            } else {
                "no samples or no bytes in this interval"
            };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(
                        format!("{title:<12}"),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(why, pal.dim),
                ])),
                line_area,
            );
            continue;
        }
        let per_byte = total / m.bytes as f64;
        let head = format!("{title:<12}{:>13}", format!("{} ns/B", sig3(per_byte)));
        let bar_w = (area.width as usize).saturating_sub(LABEL_W as usize);
        let shares: Vec<f64> = ns.iter().map(|v| v.unwrap_or(0.0)).collect();
        let widths = segment_widths(&shares, bar_w);
        let mut spans = vec![Span::styled(
            format!("{head:<w$}", w = LABEL_W as usize),
            Style::default().add_modifier(Modifier::BOLD),
        )];
        for ((_, letter, name, color), (w, v)) in SEGMENTS.iter().zip(widths.iter().zip(&shares)) {
            if *w == 0 {
                continue;
            }
            let pct = v * 100.0 / total;
            // A label always leaves a blank before the next segment, so segments read
            // apart without colour; a one-column segment is a bare mark.
            let label = [
                format!("{name} {pct:.0}%"),
                format!("{letter}{pct:.0}%"),
                letter.to_string(),
            ]
            .into_iter()
            .find(|l| l.chars().count() < *w)
            .unwrap_or_else(|| "│".into());
            spans.push(Span::styled(
                format!("{label:<w$}", w = *w),
                Style::default().fg(Color::Black).bg(*color),
            ));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), line_area);
    }
}

#[cfg(test)]
mod tests {
    use super::segment_widths;

    #[test]
    fn segments_fill_the_bar_exactly_and_keep_their_order_of_size() {
        let w = segment_widths(&[23.0, 11.0, 2.0, 52.0, 8.0, 4.0], 54);
        assert_eq!(w.iter().sum::<usize>(), 54);
        assert!(w[3] > w[0] && w[0] > w[1] && w[1] > w[2], "{w:?}");
        assert_eq!(segment_widths(&[0.0, 0.0], 10), vec![0, 0]);
        assert_eq!(segment_widths(&[1.0, 1000.0], 10), vec![0, 10]);
    }
}

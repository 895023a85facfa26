//! The CPU-time breakdown bars of the live panel (with `--profile`): one row per
//! side, a segment per bucket, each labelled by its word or, where narrow, its letter
//! (the letters then explained in the live panel's title).

use super::live::LABEL_W;
use super::{palette, sig3};
use crate::app::App;
use crate::engine::metric::bucket_ns;
use crate::engine::profile::Bucket;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Rows of the CPU-time breakdown: one per side, where the profiler runs.
pub fn breakdown_rows(app: &App) -> u16 {
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
/// A segment's label in `w` columns: its word where it fits, else its letter. It
/// always leaves a blank before the next segment, so segments read apart without
/// colour; a one-column segment is a bare mark.
fn segment_label(name: &str, letter: char, pct: f64, w: usize) -> String {
    [
        format!("{name} {pct:.0}%"),
        format!("{letter}{pct:.0}%"),
        letter.to_string(),
    ]
    .into_iter()
    .find(|l| l.chars().count() < w)
    .unwrap_or_else(|| "│".into())
}

/// The letters the bars of the current interval draw without their word, as a
/// legend ("T tcp, U user"); None when every segment shows its word.
pub fn letter_legend(app: &App, width: u16) -> Option<String> {
    let m = &app.current_sample()?.interval;
    if m.profile.is_none() || breakdown_rows(app) == 0 {
        return None;
    }
    let bar_w = (width as usize).saturating_sub(LABEL_W as usize);
    let mut used = vec![false; SEGMENTS.len()];
    for sender in [true, false] {
        let shares: Vec<f64> = SEGMENTS
            .iter()
            .map(|(b, ..)| bucket_ns(m, sender, *b).unwrap_or(0.0))
            .collect();
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let widths = segment_widths(&shares, bar_w);
        for (i, (name, letter)) in SEGMENTS.iter().map(|s| (s.2, s.1)).enumerate() {
            let w = widths[i];
            if w > 0 && !segment_label(name, letter, shares[i] * 100.0 / total, w).starts_with(name)
            {
                used[i] = true;
            }
        }
    }
    let legend: Vec<String> = SEGMENTS
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|((_, letter, name, _), _)| format!("{letter} {name}"))
        .collect();
    (!legend.is_empty()).then(|| format!("bars: {}", legend.join(", ")))
}

pub fn render_breakdown(frame: &mut Frame, area: Rect, app: &App) {
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
            let label = segment_label(name, *letter, v * 100.0 / total, *w);
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

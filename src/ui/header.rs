//! Top two lines: what is being measured where (or replayed from what), and the
//! current configuration with its phase.

use super::theme::Palette;
use super::{clip, palette};
use crate::app::{trim_float, App, Phase};
use crate::engine::config::format_size;
use crate::source::SourceKind;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let w = area.width as usize;
    let m = &app.machine;
    let pal = palette(app);
    let banner = pal.banner;
    let mut first = vec![Span::styled(
        " netio-tui ",
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
    )];
    let machine = format!("{} · {} cores · Linux {}", m.cpu_model, m.cores, m.kernel);
    match &app.kind {
        SourceKind::Replay { file, speed } => {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let tag = format!(" REPLAY ×{} ", trim_float(*speed));
            let used = tag.chars().count() + 12;
            first.push(Span::raw(" "));
            first.push(Span::styled(tag, banner));
            first.push(Span::raw(clip(
                &format!(
                    " {name}, recorded {} on {machine} over {}",
                    m.started, m.network
                ),
                w.saturating_sub(used),
            )));
        }
        SourceKind::Live { network } => {
            first.push(Span::raw(" "));
            let loopback = network.contains("loopback");
            let net = if loopback {
                " loopback (--no-netns) ".to_string()
            } else {
                network.clone()
            };
            let used = net.chars().count() + 13;
            if loopback {
                first.push(Span::styled(net, banner));
            } else {
                first.push(Span::styled(net, pal.accent));
            }
            first.push(Span::raw(clip(
                &format!(" · {machine}"),
                w.saturating_sub(used),
            )));
        }
    }

    let c = app.selected;
    let mut second = vec![
        Span::raw("▶ "),
        Span::styled(
            c.strategy.label(),
            Style::default()
                .fg(pal.strategy(c.strategy))
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" · "),
        Span::styled(
            format_size(c.msg_size),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" · "),
        Span::styled(
            format!(
                "{} thread{}",
                c.threads,
                if c.threads == 1 { "" } else { "s" }
            ),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
    ];
    let (phase, style) = phase_label(app, &pal);
    second.push(Span::styled(phase.clone(), style));
    let mut used = second
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>();
    if let Some(s) = &app.sweep {
        let t = format!("  sweep {}", s.progress());
        used += t.chars().count();
        second.push(Span::styled(t, pal.accent.add_modifier(Modifier::BOLD)));
    }
    // The other axes, then what one message costs, as far as they fit.
    let axes = format!("  {}", c.axes());
    let axes = clip(&axes, w.saturating_sub(used));
    used += axes.chars().count();
    second.push(Span::raw(axes));
    second.push(Span::styled(
        clip(&format!("  {}", c.strategy.cost()), w.saturating_sub(used)),
        pal.dim,
    ));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn phase_label(app: &App, pal: &Palette) -> (String, Style) {
    let measured = app
        .live
        .as_ref()
        .filter(|l| l.config == app.selected)
        .map(|l| l.total.seconds);
    match app.phase {
        Phase::Paused => (" ‖ PAUSED ".into(), pal.banner),
        Phase::Idle => (" ■ sweep done · idle ".into(), pal.banner),
        Phase::Switching => ("starting…".into(), pal.note),
        Phase::WarmingUp => ("warm-up".into(), pal.note),
        Phase::Measuring => (
            match measured {
                Some(s) if s < app.min_window => format!(
                    "measuring {s:.1}s (a row at {}s)",
                    trim_float(app.min_window)
                ),
                Some(s) => format!("measuring {s:.1}s"),
                None => "measuring".into(),
            },
            pal.good,
        ),
        Phase::Ended => ("■ ended".into(), pal.dim),
    }
}

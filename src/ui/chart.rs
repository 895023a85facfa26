//! Gbps vs message size (log2 axis), one line per strategy, from the matrix, at the
//! thread count currently selected.

use super::{palette, section};
use crate::app::App;
use crate::engine::config::{format_size, Strategy};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    if area.height < 4 || area.width < 20 {
        return;
    }
    let threads = app.selected.threads;
    let title = format!(
        "Gbps vs size, {threads} thread{}",
        if threads == 1 { "" } else { "s" }
    );
    let pal = palette(app);
    let body = section(frame, area, &title, &pal);
    let rows = app
        .matrix
        .rows_with_live(app.metrics, app.live.as_ref(), app.min_window);
    let gbps = crate::engine::metric::id::THROUGHPUT_GBPS;
    if gbps.in_registry(app.metrics).is_none() {
        return;
    }
    let series: Vec<(Strategy, Vec<(f64, f64)>)> = Strategy::ALL
        .into_iter()
        .map(|s| {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.config.strategy == s && r.config.threads == threads)
                .filter_map(|r| {
                    let y = r.figures.get(app.metrics, gbps)?;
                    Some(((r.config.msg_size as f64).log2(), y))
                })
                .collect();
            (s, pts)
        })
        .filter(|(_, p)| !p.is_empty())
        .collect();
    if series.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" no results at {threads} thread(s) yet"),
                pal.dim,
            )),
            body,
        );
        return;
    }
    let xs = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let (mut x0, mut x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if x1 - x0 < 2.0 {
        x0 -= 1.0;
        x1 += 1.0;
    }
    let ymax = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .fold(0.0f64, f64::max)
        .max(0.001)
        * 1.1;
    let datasets: Vec<Dataset> = series
        .iter()
        .map(|(s, p)| {
            Dataset::default()
                .name(s.name())
                // A lone point as a braille dot is invisible: draw it as a block.
                .marker(if p.len() > 1 {
                    Marker::Braille
                } else {
                    Marker::Block
                })
                .graph_type(if p.len() > 1 {
                    GraphType::Line
                } else {
                    GraphType::Scatter
                })
                .style(Style::default().fg(pal.strategy(*s)))
                .data(p)
        })
        .collect();
    let size_label = |x: f64| format_size(2f64.powf(x.round()).max(1.0) as usize);
    let xmid = ((x0 + x1) / 2.0).round();
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([x0, x1])
                .labels(vec![size_label(x0), size_label(xmid), size_label(x1)])
                .style(pal.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, ymax])
                .labels(vec!["0".to_string(), crate::format::sig(ymax / 1.1, 3)])
                .style(pal.dim),
        )
        .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft))
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Percentage(60),
            ratatui::layout::Constraint::Percentage(60),
        ));
    // A blank column keeps the axis labels off whatever is drawn to the left.
    let inner = Rect {
        x: body.x + 1,
        width: body.width.saturating_sub(1),
        ..body
    };
    frame.render_widget(chart, inner);
}

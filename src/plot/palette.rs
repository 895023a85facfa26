//! How a strategy looks on a chart.

use crate::engine::config::Strategy;
use plotters::style::RGBColor;

pub(super) fn strategy_color(s: Strategy) -> RGBColor {
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

pub(super) fn strategy_label(s: Strategy) -> String {
    match s.course_name() {
        Some(c) => format!("{} ({c})", s.name()),
        None => s.name().to_string(),
    }
}

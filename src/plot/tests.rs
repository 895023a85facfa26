//! The plots' pieces: tick labels, panel grids, error bars.

use super::draw::short_number;
use super::series::{charts, grid_cols, Data};
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{id, Figures, Interval, METRICS};
use crate::view::VIEWS;

#[test]
fn tick_labels_are_short() {
    assert_eq!(short_number(0.0), "0");
    assert_eq!(short_number(0.05), "0.05");
    assert_eq!(short_number(0.123456), "0.123");
    assert_eq!(short_number(1.5), "1.5");
    assert_eq!(short_number(12.34), "12.3");
    assert_eq!(short_number(250.0), "250");
    assert_eq!(short_number(1500.0), "1.5k");
    assert_eq!(short_number(2_000_000.0), "2M");
    assert_eq!(short_number(3e9), "3G");
}

#[test]
fn panels_make_a_near_square_grid() {
    assert_eq!(grid_cols(1), 1);
    assert_eq!(grid_cols(2), 2);
    assert_eq!(grid_cols(4), 2);
    assert_eq!(grid_cols(5), 3);
}

/// A CSV row of `trials` trials of `c`: `gbps` its median, `interval` the interval
/// of that median where it has one.
fn row(c: Config, gbps: f64, trials: usize, interval: Option<(f64, f64)>) -> Figures {
    let reg = METRICS;
    let at = |name: &str| reg.iter().position(|m| m.name == name).unwrap();
    let mut f = Figures {
        config: c,
        values: vec![None; reg.len()],
        trials,
        intervals: vec![None; reg.len()],
        kernel: None,
        peer: None,
        error: None,
    };
    f.values[at(id::THROUGHPUT_GBPS.name())] = Some(gbps);
    f.values[at(id::DURATION_S.name())] = Some(2.0);
    f.intervals[at(id::THROUGHPUT_GBPS.name())] = interval.map(|(lo, hi)| Interval {
        lo,
        hi,
        coverage: 0.9375,
    });
    f
}

/// The throughput chart of `rows`, as SVG, with its subtitle.
fn throughput_svg(rows: Vec<Figures>) -> (String, String) {
    let data = Data::new(METRICS, rows);
    let mut notes = Vec::new();
    let chart = charts(METRICS, VIEWS, &data, "test", &mut notes)
        .into_iter()
        .find(|c| c.file == "throughput-vs-size.svg")
        .unwrap();
    (chart.render().unwrap(), chart.subtitle.clone())
}

#[test]
fn rows_with_intervals_get_error_bars_and_rows_without_none() {
    let sizes = [64, 1024, 16384];
    let rows = |with: bool| -> Vec<Figures> {
        sizes
            .iter()
            .enumerate()
            .flat_map(|(i, &s)| {
                let g = 2.0 + 3.0 * i as f64;
                let trials = if with { 5 } else { 1 };
                [
                    row(
                        Config::new(Strategy::OneCopy, s, 1),
                        g,
                        trials,
                        with.then_some((g * 0.9, g * 1.2)),
                    ),
                    // Measured once: no interval, no bar.
                    row(Config::new(Strategy::TwoCopy, s, 1), g / 2.0, 1, None),
                ]
            })
            .collect()
    };
    let (plain, plain_subtitle) = throughput_svg(rows(false));
    let (bars, subtitle) = throughput_svg(rows(true));
    // One path of six points per bar: low cap, the bar, high cap; in the colour of
    // the strategy measured in trials.
    let bars_in = |svg: &str| -> Vec<String> {
        svg.lines()
            .filter(|l| l.starts_with("<polyline"))
            .filter(|l| {
                let points = l.split("points=\"").nth(1).unwrap_or("");
                points
                    .split_whitespace()
                    .filter(|p| p.contains(','))
                    .count()
                    == 6
            })
            .map(str::to_string)
            .collect()
    };
    assert!(bars_in(&plain).is_empty(), "{plain}");
    let drawn = bars_in(&bars);
    assert_eq!(drawn.len(), sizes.len(), "{bars}");
    let one_copy = super::palette::strategy_color(Strategy::OneCopy);
    let stroke = format!(
        "stroke=\"#{:02X}{:02X}{:02X}\"",
        one_copy.0, one_copy.1, one_copy.2
    );
    assert!(drawn.iter().all(|l| l.contains(&stroke)), "{drawn:?}");
    assert!(!plain_subtitle.contains("trials"), "{plain_subtitle}");
    assert!(subtitle.contains("medians of 1–5 trials"), "{subtitle}");
    // Coverage as the trial counts give it: 2 trials 50 %, 5 trials 93 %.
    assert!(
        subtitle.contains("the median's interval (50–93 % by trial count)"),
        "{subtitle}"
    );
}

#[test]
fn an_error_bar_is_cut_to_the_axes_and_kept_off_a_log_axis_below_zero() {
    use super::draw::error_bar;
    let x = (32.0, 128.0);
    let y = (1.0, 10.0);
    // Inside: low cap, bar, high cap.
    let p = error_bar((64.0, 2.0, 4.0), x, y, true).unwrap();
    assert_eq!((p[0].1, p[3].1, p[5].1), (2.0, 4.0, 4.0));
    // Reaching past the axis: cut to it.
    let p = error_bar((64.0, -1.0, 40.0), x, y, true).unwrap();
    assert_eq!((p[0].1, p[5].1), (1.0, 10.0));
    // Off the axes: nothing.
    assert!(error_bar((512.0, 2.0, 4.0), x, y, true).is_none());
    assert!(error_bar((64.0, 20.0, 40.0), x, y, false).is_none());
}

/// A log axis starts at a power of ten, so every value on it has a labelled tick at or
/// below it (plotters labels a log axis from the first power of ten in range on), and
/// it labels 1, 2 and 5 times a power of ten only.
#[test]
fn log_axes_start_at_a_decade_and_label_one_two_five() {
    use super::draw::{from_decade, log_labelled};
    assert_eq!(from_decade((17.9, 306.0)), (10.0, 306.0));
    assert_eq!(from_decade((0.42, 3.0)), (0.1, 3.0));
    assert_eq!(from_decade((100.0, 400.0)), (100.0, 400.0));
    for v in [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 0.2, 5000.0] {
        assert!(log_labelled(v), "{v}");
    }
    for v in [3.0, 30.0, 70.0, 300.0, 0.0, -10.0, f64::NAN] {
        assert!(!log_labelled(v), "{v}");
    }
}

/// The header is as wide as its title and legend need: a long title and three long
/// legend entries made the chart 800 px wide and cut both off.
#[test]
fn the_header_is_never_cut_off() {
    use super::draw::{header_width, legend_width};
    let labels = ["two-copy (A1) nodelay rr resp=same"; 3];
    let title = "Round trip vs request size (merged histograms; closed loop: unloaded round trip)";
    let w = header_width(title, "", labels.iter().copied());
    assert!(w >= 40 + 3 * legend_width(labels[0]) as u32, "{w}");
    assert!(w >= title.chars().count() as u32 * 14, "{w}");
    assert!(header_width("t", "", std::iter::empty()) < 800);
}

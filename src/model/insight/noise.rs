//! What the machine's noise allows an answer to claim: whether two figures are told
//! apart, and how many digits of a figure mean anything.
//!
//! Two figures with intervals (medians of several trials) are told apart only where
//! their intervals do not overlap (95 % coverage each from 6 trials on; 93 % at 5). A figure without one (one trial, or a figure
//! trials give no interval for) carries no measure of its own noise, so it is told
//! apart only by a ratio beyond [`ONE_TRIAL_RATIO`]: the same 24-configuration sweep
//! run twice in a row on a quiet machine gave per-cell throughput ratios of 0.69–1.80
//! between the runs (issue 21), so a single-trial difference under 2× may be noise.

use crate::engine::metric::Interval;

/// The ratio two figures without intervals must differ by to be told apart: beyond
/// the largest run-to-run ratio (1.80) measured between two identical single-trial
/// sweeps, rounded up so one noisier machine does not flip a verdict.
pub const ONE_TRIAL_RATIO: f64 = 2.0;

/// What answers on one-trial data say about themselves, and how to measure properly.
pub const ONE_TRIAL_NOTE: &str = "These figures rest on one trial each: differences within 2× are not \
     distinguishable from one trial; for medians with intervals (93 % coverage at 5 trials, 95 % from 6), measure with netio-tui sweep --repeat 5";

/// How one figure stands against another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apart {
    /// Told apart, and higher.
    Above,
    /// Told apart, and lower.
    Below,
    /// Not told apart: the intervals overlap, or (without intervals) within 2×.
    Within,
}

/// `x` (interval `xi`) against `y` (interval `yi`).
pub fn apart(x: f64, xi: Option<Interval>, y: f64, yi: Option<Interval>) -> Apart {
    let side = || if x > y { Apart::Above } else { Apart::Below };
    match (xi, yi) {
        (Some(a), Some(b)) => {
            if a.overlaps(&b) || x == y {
                Apart::Within
            } else {
                side()
            }
        }
        _ => {
            let (lo, hi) = (x.min(y), x.max(y));
            if lo < 0.0 || hi <= 0.0 {
                Apart::Within
            } else if lo == 0.0 || hi / lo > ONE_TRIAL_RATIO {
                side()
            } else {
                Apart::Within
            }
        }
    }
}

/// How many significant digits `v` supports: 3, fewer where its interval is wide
/// (the last digit quoted is no finer than the interval's half-width).
fn digits(v: f64, iv: Option<Interval>) -> i32 {
    let Some(i) = iv else { return 3 };
    let half = (i.hi - i.lo) / 2.0;
    if half <= 0.0 || v == 0.0 || !half.is_finite() {
        return 3;
    }
    let d = v.abs().log10().floor() as i32 - half.log10().floor() as i32 + 1;
    d.clamp(1, 3)
}

/// The power of ten `v` is rounded to for `n` significant digits.
fn step(v: f64, n: i32) -> i32 {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    let e = v.abs().log10().floor() as i32;
    let p = e - n + 1;
    // Rounding may carry into a new digit (9.996 → 10.0): one digit fewer then.
    let r = (v / 10f64.powi(p)).round() * 10f64.powi(p);
    if r.abs() >= 10f64.powi(e + 1) {
        p + 1
    } else {
        p
    }
}

fn at(v: f64, p: i32) -> String {
    let r = (v / 10f64.powi(p)).round() * 10f64.powi(p);
    let decimals = (-p).max(0) as usize;
    let s = format!("{r:.decimals$}");
    if s.starts_with("-") && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// `v` to the digits its interval supports (never more than 3 significant), and the
/// interval's ends to the same place: ("12.3", Some(("12.1", "12.6"))).
pub fn rounded(v: f64, iv: Option<Interval>) -> (String, Option<(String, String)>) {
    if !v.is_finite() {
        return (v.to_string(), None);
    }
    let mut p = step(v, digits(v, iv));
    // The ends share the figure's last place, coarsened so neither shows more than 3
    // significant digits either (9.70 [8.73–10.67] would: 9.7 [8.7–10.7]).
    if let Some(i) = iv {
        p = p.max(step(i.lo, 3)).max(step(i.hi, 3));
    }
    (at(v, p), iv.map(|i| (at(i.lo, p), at(i.hi, p))))
}

/// A figure as an answer quotes it: "12.3 Gb/s", or "12.3 Gb/s [12.1–12.6]" with
/// the interval of its median.
pub fn figure_text(v: f64, iv: Option<Interval>, unit: &str) -> String {
    let (t, i) = rounded(v, iv);
    let sep = crate::view::unit_sep(unit);
    match i {
        Some((lo, hi)) => format!("{t}{sep}{unit} [{lo}–{hi}]"),
        None => format!("{t}{sep}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: f64, hi: f64) -> Option<Interval> {
        Some(Interval {
            lo,
            hi,
            coverage: 0.95,
        })
    }

    #[test]
    fn figures_are_quoted_to_three_digits_at_most_and_fewer_where_the_interval_is_wide() {
        assert_eq!(rounded(380.3675, None).0, "380");
        assert_eq!(rounded(2.1437, None).0, "2.14");
        assert_eq!(rounded(0.024_51, None).0, "0.0245");
        assert_eq!(rounded(24978.0, None).0, "25000");
        assert_eq!(rounded(9.996, None).0, "10.0");
        assert_eq!(rounded(100.0, None).0, "100");
        assert_eq!(rounded(0.0, None).0, "0");
        // ±0.25: tenths mean something; ±2: units; ±15: tens.
        assert_eq!(
            rounded(12.345, iv(12.1, 12.6)),
            ("12.3".into(), Some(("12.1".into(), "12.6".into())))
        );
        assert_eq!(rounded(12.345, iv(10.0, 14.0)).0, "12");
        assert_eq!(rounded(123.45, iv(100.0, 130.0)).0, "120");
        assert_eq!(
            rounded(9.7, iv(8.73, 10.67)),
            ("9.7".into(), Some(("8.7".into(), "10.7".into())))
        );
        assert_eq!(
            figure_text(12.345, iv(12.1, 12.6), "Gb/s"),
            "12.3 Gb/s [12.1–12.6]"
        );
        assert_eq!(figure_text(50.0, None, "%"), "50.0%");
    }

    #[test]
    fn intervals_decide_where_there_are_intervals_and_two_times_elsewhere() {
        assert_eq!(
            apart(10.0, iv(9.0, 11.0), 12.0, iv(10.5, 13.0)),
            Apart::Within
        );
        assert_eq!(
            apart(10.0, iv(9.0, 10.4), 12.0, iv(10.5, 13.0)),
            Apart::Below
        );
        assert_eq!(
            apart(12.0, iv(10.5, 13.0), 10.0, iv(9.0, 10.4)),
            Apart::Above
        );
        // One trial: 1.8× (the run-to-run spread measured) is not enough, 2.1× is.
        assert_eq!(apart(1.8, None, 1.0, None), Apart::Within);
        assert_eq!(apart(1.0, None, 1.8, None), Apart::Within);
        assert_eq!(apart(2.1, None, 1.0, None), Apart::Above);
        assert_eq!(apart(1.0, None, 2.1, None), Apart::Below);
        // One side with an interval, the other without: the one-trial rule.
        assert_eq!(apart(1.5, iv(1.4, 1.6), 1.0, None), Apart::Within);
    }
}

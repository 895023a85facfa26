//! What the charts show: the CSV rows by configuration, and the panels and lines
//! each plot file of the registry gets from them.

use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::counters::Metric as Counter;
use crate::engine::metric::{find, id, Figures, MetricDef, Needs, Registry};
use crate::view::{Basis, Plot, PlotX, Scale, Views, YScale};
use std::collections::BTreeMap;

/// The CSV rows, one per configuration, with the axes they span.
pub(super) struct Data<'r> {
    pub(super) reg: &'r Registry,
    pub(super) rows: BTreeMap<Config, Figures>,
    /// One line per strategy and axes tag ("" for the default axes).
    pub(super) strategies: Vec<(Strategy, String)>,
    pub(super) sizes: Vec<usize>,
    pub(super) threads: Vec<usize>,
    pub(super) duplicates: usize,
    /// What was left out to keep the charts readable and bounded, if anything.
    pub(super) left_out: Option<String>,
}

/// Most message sizes, thread counts and lines (strategy and axes) a chart draws: a
/// 20,000-row CSV of distinct configurations took 77 s and 328 MB of SVG unbounded.
pub(super) const MAX_SIZES: usize = 16;
pub(super) const MAX_THREADS: usize = 16;
pub(super) const MAX_LINES: usize = 24;

/// At most `max` of the sorted `v`, evenly spread, the first and last kept.
fn spread<T: Clone + PartialEq>(v: &[T], max: usize) -> Vec<T> {
    if v.len() <= max || max < 2 {
        return v.iter().take(max.max(1)).cloned().collect();
    }
    let mut out: Vec<T> = (0..max)
        .map(|i| v[(i * (v.len() - 1) + (max - 1) / 2) / (max - 1)].clone())
        .collect();
    out.dedup();
    out
}

impl<'r> Data<'r> {
    pub(super) fn new(reg: &'r Registry, rows: Vec<Figures>) -> Data<'r> {
        let mut map = BTreeMap::new();
        let mut duplicates = 0;
        for r in rows {
            if map.insert(r.config, r).is_some() {
                duplicates += 1;
            }
        }
        let mut strategies: Vec<(Strategy, String)> =
            map.keys().map(|c| (c.strategy, c.tag())).collect();
        let mut sizes: Vec<usize> = map.keys().map(|c| c.msg_size).collect();
        let mut threads: Vec<usize> = map.keys().map(|c| c.threads).collect();
        for v in [&mut sizes, &mut threads] {
            v.sort_unstable();
            v.dedup();
        }
        strategies.sort_unstable();
        strategies.dedup();
        let all = (map.len(), sizes.len(), threads.len(), strategies.len());
        let sizes = spread(&sizes, MAX_SIZES);
        let threads = spread(&threads, MAX_THREADS);
        strategies.truncate(MAX_LINES);
        map.retain(|c, _| {
            sizes.binary_search(&c.msg_size).is_ok()
                && threads.binary_search(&c.threads).is_ok()
                && strategies.binary_search(&(c.strategy, c.tag())).is_ok()
        });
        let left_out = (map.len() < all.0).then(|| {
            format!(
                "{} of {} configurations are not plotted: the charts draw at most {MAX_SIZES} \
                 message sizes and {MAX_THREADS} thread counts (evenly spread, first and last \
                 kept; here {} and {} of {} and {}) and {MAX_LINES} lines (here {} of {})",
                all.0 - map.len(),
                all.0,
                sizes.len(),
                threads.len(),
                all.1,
                all.2,
                strategies.len(),
                all.3
            )
        });
        Data {
            reg,
            rows: map,
            strategies,
            sizes,
            threads,
            duplicates,
            left_out,
        }
    }

    /// The figure a chart draws for `row`: the metric's value in the plot's scale.
    fn value(&self, m: &MetricDef, plot: &Plot, row: &Figures) -> Option<f64> {
        let v = row.get(self.reg, m.name)?;
        plot.scale
            .apply(v, &Basis::of_figures(self.reg, row))
            .filter(|y| y.is_finite())
    }

    /// The interval of the figure's median, where the row has one (a CSV of
    /// repeated trials) and the chart draws the figure unscaled: the interval is of the
    /// figure itself, not of a ratio to another median.
    fn interval(&self, m: &MetricDef, plot: &Plot, row: &Figures) -> Option<(f64, f64)> {
        if plot.scale != Scale::Raw {
            return None;
        }
        let i = row.interval(self.reg, m.name)?;
        (i.lo.is_finite() && i.hi.is_finite() && i.lo <= i.hi).then_some((i.lo, i.hi))
    }

    fn any(&self, m: &MetricDef, plot: &Plot) -> bool {
        self.rows.values().any(|r| self.value(m, plot, r).is_some())
    }
}

pub(super) struct Series {
    /// Strategy and axes tag.
    pub(super) line: (Strategy, String),
    pub(super) points: Vec<(f64, f64)>,
    /// Error bars (x, low, high): the interval of each point that has one.
    pub(super) bars: Vec<(f64, f64, f64)>,
}

pub(super) struct Panel {
    pub(super) caption: String,
    pub(super) y_label: String,
    pub(super) series: Vec<Series>,
}

pub(super) struct Chart {
    pub(super) file: &'static str,
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) x_axis: PlotX,
    pub(super) y_scale: YScale,
    /// Panels in rows of `cols`.
    pub(super) cols: usize,
    pub(super) panels: Vec<Panel>,
    /// One line per strategy and axes tag ("" for the default axes).
    pub(super) strategies: Vec<(Strategy, String)>,
    /// Said when the chart has no data.
    pub(super) missing: String,
    /// Horizontal reference lines (label, y), e.g. the copy roofline.
    pub(super) references: Vec<(String, f64)>,
}

fn plural_threads(n: usize) -> String {
    if n == 1 {
        "1 thread pair".into()
    } else {
        format!("{n} thread pairs")
    }
}

fn size_caption(s: usize) -> String {
    format!("{} B messages", format_size(s))
}

/// Panels over `fixed` values (a thread count or a size), x over the other axis.
fn panels_over(data: &Data, m: &MetricDef, plot: &Plot, caption_prefix: &str) -> Vec<Panel> {
    let (fixed, caption): (&[usize], fn(usize) -> String) = match plot.x {
        PlotX::MessageSize => (&data.threads, plural_threads),
        PlotX::Threads => (&data.sizes, size_caption),
    };
    let y_label = match plot.y {
        YScale::Log => format!("{} (log scale)", plot.y_label),
        YScale::Linear => plot.y_label.to_string(),
    };
    fixed
        .iter()
        .map(|&f| Panel {
            caption: format!("{caption_prefix}{}", caption(f)),
            y_label: y_label.clone(),
            series: data
                .strategies
                .iter()
                .map(|(s, tag)| {
                    let rows: Vec<(f64, &Figures)> = data
                        .rows
                        .values()
                        .filter(|r| {
                            let c = r.config;
                            c.strategy == *s
                                && c.tag() == *tag
                                && match plot.x {
                                    PlotX::MessageSize => c.threads == f,
                                    PlotX::Threads => c.msg_size == f,
                                }
                        })
                        .map(|r| {
                            let x = match plot.x {
                                PlotX::MessageSize => r.config.msg_size,
                                PlotX::Threads => r.config.threads,
                            } as f64;
                            (x, r)
                        })
                        .collect();
                    Series {
                        line: (*s, tag.clone()),
                        points: rows
                            .iter()
                            .filter_map(|(x, r)| data.value(m, plot, r).map(|y| (*x, y)))
                            .collect(),
                        bars: rows
                            .iter()
                            .filter(|(_, r)| data.value(m, plot, r).is_some())
                            .filter_map(|(x, r)| {
                                data.interval(m, plot, r).map(|(lo, hi)| (*x, lo, hi))
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// What the subtitle says of repeated trials: nothing for single windows (old files).
fn trials_note(data: &Data) -> String {
    let (lo, hi) = data
        .rows
        .values()
        .map(|r| r.trials)
        .fold((usize::MAX, 0), |(a, b), t| (a.min(t), b.max(t)));
    if hi <= 1 {
        return String::new();
    }
    use crate::engine::metric::interval::coverage_pct;
    let pct = |n: usize| coverage_pct(n.max(2)).unwrap_or(0);
    let (each, coverage) = if lo == hi {
        (format!("{hi}"), format!("{} %", pct(hi)))
    } else {
        (
            format!("{lo}–{hi}"),
            format!("{}–{} % by trial count", pct(lo), pct(hi)),
        )
    };
    format!("; medians of {each} trials, bars: the median's interval ({coverage})")
}

#[cfg(test)]
#[test]
fn spread_keeps_first_and_last() {
    let v: Vec<usize> = (1..=100).collect();
    let s = spread(&v, 16);
    assert_eq!(s.len(), 16);
    assert_eq!((s[0], s[15]), (1, 100));
    assert!(s.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(spread(&v[..5], 16), v[..5].to_vec());
}

pub(super) fn grid_cols(panels: usize) -> usize {
    ((panels as f64).sqrt().ceil() as usize).max(1)
}

/// One chart per plot file of the registry; metrics sharing a file get a row of
/// panels each. A metric that stands in for another is drawn only where that one has
/// no data at all, and that is said.
pub(super) fn charts(
    reg: &Registry,
    views: &Views,
    data: &Data,
    prefix: &str,
    notes: &mut Vec<String>,
) -> Vec<Chart> {
    let view = |m: &MetricDef| crate::view::of(views, m);
    let stands_in_for = |m: &MetricDef| view(m).instead_of.and_then(|o| find(reg, o));
    let strategies = data.strategies.clone();
    let durations: Vec<f64> = data
        .rows
        .values()
        .filter_map(|r| r.get(reg, id::DURATION_S))
        .collect();
    let (dmin, dmax) = durations
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), d| (a.min(*d), b.max(*d)));
    let window = if durations.is_empty() {
        "?".to_string()
    } else if (dmax - dmin).abs() < 0.05 {
        format!("{dmin:.1} s")
    } else {
        format!("{dmin:.1}–{dmax:.1} s")
    };
    let n = data.rows.len();
    let subtitle = if durations.is_empty() {
        format!("{n} configuration{}", if n == 1 { "" } else { "s" })
    } else {
        format!(
            "{n} configuration{}, {window} measured{} (warm-up excluded)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { " each" },
        )
    } + &trials_note(data);
    // Plot files in registry order, each with its metrics.
    let mut files: Vec<(&Plot, Vec<(&MetricDef, &Plot)>)> = Vec::new();
    for m in reg {
        for p in view(m).plots {
            match files.iter_mut().find(|(f, _)| f.file == p.file) {
                Some((_, ms)) => ms.push((m, p)),
                None => files.push((p, vec![(m, p)])),
            }
        }
    }
    let mut out = Vec::new();
    for (first, members) in files {
        // A chart of figures no row can have (request/response figures of a file of
        // streams) is not drawn, nor listed as skipped.
        if !members
            .iter()
            .any(|(m, _)| data.rows.keys().any(|c| m.applies(c)))
        {
            continue;
        }
        let drawn: Vec<(&MetricDef, &Plot)> = members
            .iter()
            .copied()
            .filter(|(m, p)| match stands_in_for(m) {
                None => true,
                Some(orig) => {
                    let has_orig = view(orig).plots.iter().any(|op| data.any(orig, op));
                    let stands_in = !has_orig && data.any(m, p);
                    if stands_in {
                        notes.push(format!(
                            "{} is empty in every row; {} shows {} instead",
                            orig.name, p.file, m.label
                        ));
                    }
                    stands_in
                }
            })
            .collect();
        let several = drawn.len() > 1;
        let mut panels = Vec::new();
        for (m, p) in &drawn {
            if several && !data.any(m, p) {
                continue;
            }
            let caption = if several {
                format!("{}, ", m.short)
            } else {
                String::new()
            };
            panels.extend(panels_over(data, m, p, &caption));
        }
        let names: Vec<&str> = members.iter().map(|(m, _)| m.name).collect();
        let cols = if several {
            match first.x {
                PlotX::MessageSize => data.threads.len().max(1),
                PlotX::Threads => data.sizes.len().max(1),
            }
        } else {
            grid_cols(panels.len())
        };
        // Reference lines: the median of each reference metric over the rows.
        let references = reg
            .iter()
            .filter(|m| view(m).reference == Some(first.file))
            .filter_map(|m| {
                let mut v: Vec<f64> = data
                    .rows
                    .values()
                    .filter_map(|r| r.get(reg, m.name))
                    .filter(|v| *v > 0.0)
                    .collect();
                v.sort_by(f64::total_cmp);
                let y = *v.get(v.len() / 2)?;
                Some((format!("{}: {} {}", m.short, m.csv_text(y), m.unit), y))
            })
            .collect();
        out.push(Chart {
            references,
            file: first.file,
            title: format!("{} — {prefix}", first.title),
            subtitle: subtitle.clone(),
            x_axis: first.x,
            y_scale: first.y,
            cols,
            panels,
            strategies: strategies.clone(),
            missing: format!(
                "{} {} empty in every row: {}",
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
                measured_with(members.iter().map(|(m, _)| m.needs))
            ),
        });
    }
    out
}

/// What the figures of a chart need, said to a reader whose file has none of them:
/// the option that asks for them, or what the machine lacked.
fn measured_with(needs: impl Iterator<Item = Needs>) -> String {
    let mut what: Vec<&str> = Vec::new();
    for n in needs {
        let w = match n {
            Needs::Counters(cs) => {
                let counters = cs
                    .iter()
                    .filter_map(|c| Counter::ALL.into_iter().find(|m| m.column() == *c));
                let mut hardware = false;
                let mut syscalls = false;
                for c in counters {
                    hardware |= !c.is_software();
                    syscalls |= c == Counter::Syscalls;
                }
                if hardware {
                    "hardware counters (a PMU), which that machine lacked or refused"
                } else if syscalls {
                    "--syscalls"
                } else {
                    "the kernel's counters (perf events, tracepoints, TCP_INFO), which the run that made the file did not count"
                }
            }
            Needs::Profile => "--profile",
            Needs::Roofline => "the copy roofline, measured at start",
            Needs::ZeroCopy => "a zero-copy strategy",
            Needs::ZeroCopyReceive => "--recv zerocopy",
            Needs::RoundTrips => "--workload rr",
            Needs::Nothing => continue,
        };
        if !what.contains(&w) {
            what.push(w);
        }
    }
    if what.is_empty() {
        "not measured on that machine".to_string()
    } else {
        format!("measured only with {}", what.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_chart_names_what_would_have_measured_it() {
        let hw = measured_with([Needs::Counters(&["cycles"])].into_iter());
        assert!(hw.contains("hardware counters (a PMU)"), "{hw}");
        assert_eq!(
            measured_with([Needs::Counters(&["syscalls"])].into_iter()),
            "measured only with --syscalls"
        );
        // Each need said once, in the order met.
        assert_eq!(
            measured_with([Needs::Profile, Needs::Profile, Needs::RoundTrips].into_iter()),
            "measured only with --profile or --workload rr"
        );
        assert_eq!(
            measured_with([Needs::Nothing].into_iter()),
            "not measured on that machine"
        );
    }
}

//! How the binary shows the engine's metrics: the matrix column, the live panel's
//! row, the charts, `run`'s line. The engine defines what a figure is
//! ([`crate::engine::metric`]); where it appears is declared here, once per metric,
//! in [`metrics::VIEWS`], or the metric is listed in [`metrics::FILE_ONLY`] (a test
//! fails until a new metric is in one of the two).

pub mod metrics;
mod rr;

use crate::engine::metric::{find, Figures, Format, MetricDef, MetricId, Registry};
use crate::engine::sample::{MachineInfo, Measured};

pub use metrics::VIEWS;

/// How a view turns the window's value into the figure it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Raw,
    PerSecond,
    /// Per KiB of payload.
    PerKiB,
    PerMessage,
    /// Nanoseconds of CPU time per second of wall time, as % of one core.
    CoreShare,
}

/// The window a view scales by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Basis {
    pub seconds: f64,
    pub bytes: f64,
    pub messages: f64,
}

impl Basis {
    pub fn of(m: &Measured) -> Basis {
        Basis {
            seconds: m.seconds,
            bytes: m.bytes as f64,
            messages: m.messages as f64,
        }
    }

    /// From the figures' own duration, bytes and messages (a row read from a file).
    pub fn of_figures(reg: &Registry, f: &Figures) -> Basis {
        use crate::engine::metric::id;
        Basis {
            seconds: f.get(reg, id::DURATION_S).unwrap_or(0.0),
            bytes: f.get(reg, id::BYTES).unwrap_or(0.0),
            messages: f.get(reg, id::MESSAGES).unwrap_or(0.0),
        }
    }
}

impl Scale {
    pub fn apply(self, v: f64, b: &Basis) -> Option<f64> {
        let per = |d: f64| (d > 0.0).then(|| v / d);
        match self {
            Scale::Raw => Some(v),
            Scale::PerSecond => per(b.seconds),
            Scale::PerKiB => per(b.bytes / 1024.0),
            Scale::PerMessage => per(b.messages),
            Scale::CoreShare => per(b.seconds * 1e7),
        }
    }

    /// What the scale adds to the unit.
    pub fn suffix(self) -> &'static str {
        match self {
            Scale::Raw => "",
            Scale::PerSecond => "/s",
            Scale::PerKiB => "/KiB",
            Scale::PerMessage => "/msg",
            Scale::CoreShare => "% core",
        }
    }
}

/// A metric as one output shows it: a short title and a scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Column title (matrix) or row label (live panel).
    pub title: &'static str,
    pub scale: Scale,
}

/// Where the live panel shows a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Live {
    /// A sparkline row.
    Spark(View),
    /// A sparkline row in place of that metric's, where that one is not measured.
    StandIn(View, MetricId),
    /// A figure on the detail lines below the sparklines.
    Detail(View),
}

/// The x axis of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotX {
    MessageSize,
    Threads,
}

/// How a chart's y axis is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YScale {
    /// From 0: differences read as ratios of heights.
    Linear,
    /// Logarithmic (said on the axis).
    Log,
}

/// One chart a metric appears in. Metrics naming the same file share the chart, one
/// row of panels each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    pub file: &'static str,
    pub title: &'static str,
    pub y_label: &'static str,
    pub x: PlotX,
    pub scale: Scale,
    pub y: YScale,
}

/// Where one metric is shown. A metric without an entry is only written to files.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricView {
    pub metric: MetricId,
    /// Part of `run`'s one human line.
    pub summary: bool,
    /// A matrix column, with its priority (lower: kept on narrower screens).
    pub matrix: Option<(u8, View)>,
    pub live: Option<Live>,
    pub plots: &'static [Plot],
    /// Drawn as a horizontal reference line (e.g. the copy roofline) on the charts of
    /// this plot file, beside the metrics plotted there.
    pub reference: Option<&'static str>,
    /// Shown in place of that metric where that one is not available (matrix, live
    /// panel, plots).
    pub instead_of: Option<MetricId>,
}

/// A presentation table: the built-in [`VIEWS`], or another (tests).
pub type Views = [MetricView];

impl MetricView {
    /// Shown nowhere but in files.
    pub const fn hidden(metric: MetricId) -> MetricView {
        MetricView {
            metric,
            summary: false,
            matrix: None,
            live: None,
            plots: &[],
            reference: None,
            instead_of: None,
        }
    }

    /// The sparkline view, if the live panel draws one for this metric.
    pub fn spark(&self) -> Option<View> {
        match self.live {
            Some(Live::Spark(v) | Live::StandIn(v, _)) => Some(v),
            _ => None,
        }
    }

    /// The metric whose sparkline row this one takes where that one is not measured.
    pub fn spark_stands_in_for(&self) -> Option<MetricId> {
        match self.live {
            Some(Live::StandIn(_, other)) => Some(other),
            Some(Live::Spark(_)) => self.instead_of,
            _ => None,
        }
    }

    /// The scale the live panel shows the metric at.
    pub fn live_scale(&self) -> Scale {
        match self.live {
            Some(Live::Spark(v) | Live::StandIn(v, _) | Live::Detail(v)) => v.scale,
            None => Scale::Raw,
        }
    }
}

/// Where `m` is shown ([`MetricView::hidden`] when `views` has no entry for it).
pub fn of(views: &Views, m: &MetricDef) -> MetricView {
    views
        .iter()
        .find(|v| v.metric.name() == m.name)
        .copied()
        .unwrap_or(MetricView::hidden(m.id()))
}

/// Whether `m` is shown on this machine: available, and not a stand-in for a metric
/// that is available itself.
pub fn shown(reg: &Registry, views: &Views, m: &MetricDef, machine: &MachineInfo) -> bool {
    m.available(machine)
        && of(views, m)
            .instead_of
            .and_then(|o| find(reg, o))
            .is_none_or(|o| !o.available(machine))
}

/// The value for a person: counts as 1.23M, figures with 4 significant digits.
pub fn human(m: &MetricDef, v: f64) -> String {
    match m.format {
        Format::Int => crate::format::si(v),
        Format::Fixed(_) => crate::format::sig(v, 4),
    }
}

/// What goes between a number and its unit ("3 µs" but "3%", "3/msg").
pub fn unit_sep(unit: &str) -> &'static str {
    if unit.is_empty() || unit.starts_with('/') || unit.starts_with('%') {
        ""
    } else {
        " "
    }
}

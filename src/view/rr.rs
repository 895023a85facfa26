//! Where the request/response figures (`--workload rr`) are shown: `run`'s line; the
//! live panel for rr configurations only (they do not apply to streams): a p99
//! sparkline and the detail line; three matrix columns (transactions/s, p50, p99),
//! "–" on stream rows and left off the screen while no row shown is rr (the matrix
//! leaves out every column that applies to none of its rows); and charts of
//! transactions/s and the percentiles against the request size, one line per
//! strategy.

use super::{Live, MetricView, Plot, PlotX, Scale, View, YScale};
use crate::engine::metric::{id, MetricId};

const fn view(title: &'static str) -> View {
    View {
        title,
        scale: Scale::Raw,
    }
}

const ROUND_TRIP_PLOT: &[Plot] = &[Plot {
    file: "rr-round-trip-vs-size.svg",
    title: "Round trip vs request size (merged histograms; closed loop: unloaded round trip)",
    y_label: "round trip (µs)",
    x: PlotX::MessageSize,
    scale: Scale::Raw,
    y: YScale::Log,
}];

const fn shown(
    metric: MetricId,
    matrix: Option<(u8, View)>,
    live: Option<Live>,
    plots: &'static [Plot],
) -> MetricView {
    MetricView {
        summary: true,
        matrix,
        live,
        plots,
        ..MetricView::hidden(metric)
    }
}

pub const TPS: MetricView = shown(
    id::RR_TPS,
    Some((1, view("tx/s"))),
    Some(Live::Detail(view("transactions/s"))),
    &[Plot {
        file: "rr-transactions-vs-size.svg",
        title: "Request/response transactions per second vs request size",
        y_label: "transactions/s (all connections)",
        x: PlotX::MessageSize,
        scale: Scale::Raw,
        y: YScale::Linear,
    }],
);
pub const P50: MetricView = shown(
    id::RR_P50_US,
    Some((1, view("p50 µs"))),
    Some(Live::Detail(view("round trip p50 µs"))),
    ROUND_TRIP_PLOT,
);
pub const P90: MetricView = shown(id::RR_P90_US, None, None, &[]);
pub const P99: MetricView = shown(
    id::RR_P99_US,
    Some((1, view("p99 µs"))),
    Some(Live::Spark(view("RTT p99"))),
    ROUND_TRIP_PLOT,
);
pub const P999: MetricView = shown(id::RR_P999_US, None, None, ROUND_TRIP_PLOT);
pub const MAX: MetricView = shown(id::RR_MAX_US, None, None, &[]);
pub const CPU_PER_TX: MetricView = shown(
    id::RR_CPU_NS_PER_TX,
    None,
    Some(Live::Detail(view("CPU ns/transaction"))),
    &[],
);
pub const SYSCALLS_PER_TX: MetricView = shown(id::RR_SYSCALLS_PER_TX, None, None, &[]);
/// Beside the receiver's "rx copies/msg" (the responder's copies per request), the
/// copies of both directions per transaction, so the two are not read as one figure.
pub const COPIES_PER_TX: MetricView = shown(
    id::RR_RX_COPIES_PER_TX,
    None,
    Some(Live::Detail(view("rx copies/transaction"))),
    &[],
);

/// Written to files only (the samples behind the percentiles, and the mean that
/// Little's law checks).
pub const FILE_ONLY: [MetricId; 3] = [id::RR_TRANSACTIONS, id::RR_MEAN_US, id::FIXED_MESSAGES];

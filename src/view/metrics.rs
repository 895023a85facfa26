//! Where each metric is shown, declared once, keyed by the engine's typed handle.
//! Order does not matter here: every output walks the registry and looks its
//! metric up, so the registry's order stays the order on screen and in charts.

use super::{rr, Live, MetricView, Plot, PlotX, Scale, View, YScale};
use crate::engine::metric::{id, MetricId};

/// The rest of an entry: shown nowhere else (each entry names its own `metric`).
const NONE: MetricView = MetricView::hidden(id::DURATION_S);

const fn view(title: &'static str, scale: Scale) -> View {
    View { title, scale }
}

/// A breakdown bucket: one row of panels of its side's chart.
const fn breakdown(metric: MetricId, plots: &'static [Plot]) -> MetricView {
    MetricView {
        plots,
        ..MetricView::hidden(metric)
    }
}

const SENDER_PLOT: &[Plot] = &[breakdown_plot(
    "cpu-breakdown-sender-vs-size.svg",
    "Where the sender's CPU time goes vs message size (one row per bucket)",
)];
const RECEIVER_PLOT: &[Plot] = &[breakdown_plot(
    "cpu-breakdown-receiver-vs-size.svg",
    "Where the receiver's CPU time goes vs message size (one row per bucket)",
)];

const fn breakdown_plot(file: &'static str, title: &'static str) -> Plot {
    Plot {
        file,
        title,
        y_label: "CPU ns / byte in this bucket (sampled)",
        x: PlotX::MessageSize,
        scale: Scale::Raw,
        y: YScale::Log,
    }
}

const PER_MSG_CACHE: &str = "cache-misses-vs-size.svg";
const CPU_TIME_PLOT: &str = "cpu-time-per-byte-vs-size.svg";
const SYSCALLS_PLOT: &str = "syscalls-per-message-vs-size.svg";
const SYSCALLS_TITLE: &str = "System calls per message vs message size";
const EVIDENCE_PLOT: &str = "segments-and-copies-per-message-vs-size.svg";
const EVIDENCE_TITLE: &str = "TCP segments and receive copies per message vs message size";
const CACHE_TITLE: &str = "Cache misses per message vs message size";

/// The built-in presentation: one entry per metric shown anywhere but in files.
pub static VIEWS: &[MetricView] = &[
    MetricView {
        metric: id::DURATION_S,
        summary: true,
        matrix: Some((99, view("secs", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::THROUGHPUT_GBPS,
        summary: true,
        matrix: Some((0, view("Gbps", Scale::Raw))),
        live: Some(Live::Spark(view("Throughput", Scale::Raw))),
        plots: &[
            Plot {
                file: "throughput-vs-size.svg",
                title: "Throughput vs message size",
                y_label: "throughput (Gbit/s)",
                x: PlotX::MessageSize,
                scale: Scale::Raw,
                y: YScale::Linear,
            },
            Plot {
                file: "throughput-vs-threads.svg",
                title: "Throughput vs thread pairs",
                y_label: "throughput (Gbit/s)",
                x: PlotX::Threads,
                scale: Scale::Raw,
                y: YScale::Linear,
            },
        ],
        ..NONE
    },
    MetricView {
        metric: id::LATENCY_US,
        summary: true,
        matrix: Some((1, view("µs/msg", Scale::Raw))),
        live: Some(Live::Detail(view("µs/msg", Scale::Raw))),
        plots: &[Plot {
            file: "latency-vs-threads.svg",
            title: "µs per message per connection vs thread pairs",
            y_label: "µs per message per connection",
            x: PlotX::Threads,
            scale: Scale::Raw,
            y: YScale::Linear,
        }],
        ..NONE
    },
    MetricView {
        metric: id::CYCLES_PER_BYTE,
        summary: true,
        matrix: Some((2, view("cyc/B", Scale::Raw))),
        live: Some(Live::Spark(view("Cycles/byte", Scale::Raw))),
        plots: &[Plot {
            file: "cycles-per-byte-vs-size.svg",
            title: "CPU cycles per byte vs message size",
            y_label: "cycles / byte (sender + receiver)",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::L1D_MISSES,
        summary: true,
        matrix: Some((4, view("L1D/KB", Scale::PerKiB))),
        live: Some(Live::Spark(view("L1D misses", Scale::PerSecond))),
        plots: &[Plot {
            file: PER_MSG_CACHE,
            title: CACHE_TITLE,
            y_label: "L1D load misses / message",
            x: PlotX::MessageSize,
            scale: Scale::PerMessage,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::LLC_MISSES,
        summary: true,
        matrix: Some((5, view("LLC/KB", Scale::PerKiB))),
        live: Some(Live::Spark(view("LLC misses", Scale::PerSecond))),
        plots: &[Plot {
            file: PER_MSG_CACHE,
            title: CACHE_TITLE,
            y_label: "LLC load misses / message",
            x: PlotX::MessageSize,
            scale: Scale::PerMessage,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::CACHE_MISSES,
        instead_of: Some(id::LLC_MISSES),
        summary: true,
        matrix: Some((5, view("cm/KB", Scale::PerKiB))),
        live: Some(Live::Spark(view("cache-miss†", Scale::PerSecond))),
        plots: &[Plot {
            file: PER_MSG_CACHE,
            title: CACHE_TITLE,
            y_label: "cache-misses (generic event, no LLC) / message",
            x: PlotX::MessageSize,
            scale: Scale::PerMessage,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::CONTEXT_SWITCHES,
        summary: true,
        matrix: Some((7, view("ctx/s", Scale::PerSecond))),
        live: Some(Live::Detail(view("ctx sw", Scale::PerSecond))),
        ..NONE
    },
    MetricView {
        metric: id::ZC_COMPLETIONS,
        summary: true,
        live: Some(Live::Detail(view("zc compl", Scale::PerSecond))),
        ..NONE
    },
    MetricView {
        metric: id::ZC_COPIED_PCT,
        summary: true,
        matrix: Some((6, view("cpy%", Scale::Raw))),
        live: Some(Live::Detail(view("copied anyway", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::ENOBUFS,
        summary: true,
        live: Some(Live::Detail(view("ENOBUFS", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::CPU_NS_PER_BYTE,
        summary: true,
        matrix: Some((3, view("ns/B", Scale::Raw))),
        // Beside cycles in the matrix; in the live panel only where cycles are not counted.
        live: Some(Live::StandIn(
            view("CPU time‡", Scale::Raw),
            id::CYCLES_PER_BYTE,
        )),
        plots: &[Plot {
            file: CPU_TIME_PLOT,
            title: "CPU time per byte vs message size",
            y_label: "CPU ns / byte (thread CPU clocks, sender + receiver)",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::TX_CPU_NS,
        live: Some(Live::Detail(view("CPU tx", Scale::CoreShare))),
        ..NONE
    },
    MetricView {
        metric: id::RX_CPU_NS,
        live: Some(Live::Detail(view("rx", Scale::CoreShare))),
        ..NONE
    },
    MetricView {
        metric: id::TX_CPU_PCT,
        matrix: Some((8, view("tx%", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::IPC,
        matrix: Some((9, view("IPC", Scale::Raw))),
        live: Some(Live::Detail(view("IPC", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::RX_MAPPED_PCT,
        summary: true,
        live: Some(Live::Detail(view("rx mapped", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::COPY_NS_PER_BYTE,
        summary: true,
        matrix: Some((3, view("copy ns/B", Scale::Raw))),
        ..NONE
    },
    breakdown(id::TX_COPY_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_COPY_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_ZC_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_ZC_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_TCP_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_TCP_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_SYSCALL_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_SYSCALL_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_SCHED_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_SCHED_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_IRQ_LATE_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_IRQ_LATE_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_USER_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_USER_NS_PER_BYTE, RECEIVER_PLOT),
    breakdown(id::TX_OTHER_NS_PER_BYTE, SENDER_PLOT),
    breakdown(id::RX_OTHER_NS_PER_BYTE, RECEIVER_PLOT),
    MetricView {
        metric: id::TX_SYSCALLS_PER_MSG,
        summary: true,
        matrix: Some((10, view("sys/m tx", Scale::Raw))),
        live: Some(Live::Detail(view("syscalls/msg tx", Scale::Raw))),
        plots: &[Plot {
            file: SYSCALLS_PLOT,
            title: SYSCALLS_TITLE,
            y_label: "sender system calls / message",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::RX_SYSCALLS_PER_MSG,
        summary: true,
        matrix: Some((12, view("sys/m rx", Scale::Raw))),
        live: Some(Live::Detail(view("rx", Scale::Raw))),
        plots: &[Plot {
            file: SYSCALLS_PLOT,
            title: SYSCALLS_TITLE,
            y_label: "receiver system calls / message",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::SEGS_PER_MSG,
        summary: true,
        matrix: Some((11, view("seg/msg", Scale::Raw))),
        live: Some(Live::Detail(view("segs/msg", Scale::Raw))),
        plots: &[Plot {
            file: EVIDENCE_PLOT,
            title: EVIDENCE_TITLE,
            y_label: "TCP segments / message (sender)",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::AVG_SEG_BYTES,
        summary: true,
        matrix: Some((14, view("B/seg", Scale::Raw))),
        live: Some(Live::Detail(view("B/seg", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::TX_LIMITED_PCT,
        summary: true,
        matrix: Some((16, view("held%", Scale::Raw))),
        live: Some(Live::Detail(view("held back", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::RX_COPIES_PER_MSG,
        summary: true,
        matrix: Some((13, view("rcpy/m", Scale::Raw))),
        live: Some(Live::Detail(view("rx copies/msg", Scale::Raw))),
        plots: &[Plot {
            file: EVIDENCE_PLOT,
            title: EVIDENCE_TITLE,
            y_label: "receive copies / message",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..NONE
    },
    MetricView {
        metric: id::TX_USER_PCT,
        summary: true,
        matrix: Some((15, view("usr% tx", Scale::Raw))),
        live: Some(Live::Detail(view("user% tx", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::RX_USER_PCT,
        summary: true,
        live: Some(Live::Detail(view("rx", Scale::Raw))),
        ..NONE
    },
    MetricView {
        metric: id::MEMCPY_NS_PER_BYTE,
        reference: Some(CPU_TIME_PLOT),
        ..NONE
    },
    MetricView {
        metric: id::COPIES_WORTH,
        summary: true,
        // A multiple of one memcpy, not a count of copies: at 64 B it reads in the
        // thousands (per-message costs), so the title says what it is multiplied by.
        matrix: Some((4, view("×memcpy", Scale::Raw))),
        live: Some(Live::Detail(view("CPU = memcpy", Scale::Raw))),
        ..NONE
    },
    // Request/response (--workload rr): see `super::rr`.
    rr::TPS,
    rr::P50,
    rr::P90,
    rr::P99,
    rr::P999,
    rr::MAX,
    rr::CPU_PER_TX,
    rr::SYSCALLS_PER_TX,
    rr::COPIES_PER_TX,
];

/// The metrics written to files (CSV, JSON, `run -v`) and shown nowhere else: with
/// [`VIEWS`], every metric of the registry, so a new one is placed on purpose.
pub const FILE_ONLY: &[MetricId] = &[
    id::BYTES,
    id::MESSAGES,
    id::CYCLES,
    id::TX_CYCLES,
    id::RX_CYCLES,
    id::INSTRUCTIONS,
    id::CPU_NS,
    id::COUNTERS_RAN_PCT,
    id::COUNTED_THREADS,
    id::COUNTED_CPUS,
    id::CPU_CORE_CYCLES,
    id::CPU_ATOM_CYCLES,
    id::RX_MAPPED_BYTES,
    id::RX_COPIED_BYTES,
    id::TX_KERNEL_NS_PER_BYTE,
    id::RX_KERNEL_NS_PER_BYTE,
    id::TX_SAMPLED_NS_PER_BYTE,
    id::RX_SAMPLED_NS_PER_BYTE,
    id::TX_PROFILED_PCT,
    id::RX_PROFILED_PCT,
    id::PROFILE_SAMPLES,
    id::PROFILE_LOST,
    id::TCP_RETRANS,
    // The noise sentinel: `run`/`sweep` lines and `report` say when it marked a window.
    id::OTHER_BUSY_PCT,
    id::STEAL_PCT,
    id::NOISE_CPUS,
    rr::FILE_ONLY[0],
    rr::FILE_ONLY[1],
    rr::FILE_ONLY[2],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::metric::{find, METRICS};
    use crate::view::{Basis, Scale};
    use std::collections::BTreeSet;

    #[test]
    fn every_metric_is_placed_once_and_every_entry_shows_something() {
        let mut placed = BTreeSet::new();
        for v in VIEWS {
            assert!(
                find(METRICS, v.metric).is_some(),
                "{} is no metric",
                v.metric
            );
            assert!(placed.insert(v.metric.name()), "{} placed twice", v.metric);
            let shows = v.summary
                || v.matrix.is_some()
                || v.live.is_some()
                || !v.plots.is_empty()
                || v.reference.is_some();
            assert!(shows, "{} has an entry that shows nothing", v.metric);
        }
        for m in FILE_ONLY {
            assert!(placed.insert(m.name()), "{m} is both shown and file-only");
        }
        let all: BTreeSet<&str> = METRICS.iter().map(|m| m.name).collect();
        assert_eq!(
            placed, all,
            "VIEWS and FILE_ONLY cover the registry exactly"
        );
    }

    #[test]
    fn stand_ins_and_references_name_what_is_shown() {
        let shown = |m: MetricId| VIEWS.iter().find(|v| v.metric == m);
        let files: BTreeSet<&str> = VIEWS.iter().flat_map(|v| v.plots).map(|p| p.file).collect();
        for v in VIEWS {
            if let Some(o) = v.instead_of {
                let orig = shown(o).unwrap_or_else(|| panic!("{} stands in for {o}", v.metric));
                assert_eq!(orig.matrix.is_some(), v.matrix.is_some(), "{}", v.metric);
            }
            if let Some(Live::StandIn(_, o)) = v.live {
                assert!(shown(o).and_then(|x| x.spark()).is_some(), "{}", v.metric);
            }
            if let Some(f) = v.reference {
                assert!(files.contains(f), "{} refers to no chart {f}", v.metric);
            }
        }
    }

    #[test]
    fn scales_divide_by_their_basis() {
        let b = Basis {
            seconds: 2.0,
            bytes: 2048.0,
            messages: 4.0,
        };
        assert_eq!(Scale::CoreShare.apply(1e9, &b), Some(50.0));
        assert_eq!(Scale::PerKiB.apply(6.0, &b), Some(3.0));
        assert_eq!(Scale::PerMessage.apply(6.0, &b), Some(1.5));
        let empty = Basis::of(&Default::default());
        assert_eq!(Scale::PerKiB.apply(1.0, &empty), None);
        assert_eq!(Scale::Raw.apply(1.0, &empty), Some(1.0));
    }
}

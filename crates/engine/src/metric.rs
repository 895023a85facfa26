//! The metric registry: every figure netio-tui reports is defined here, once — its
//! CSV/JSON name, label, unit, which way is better, how it comes from a measured
//! window, what it needs to be measured, and where it is shown. The CSV and JSON
//! writers, `run`'s line, the live panel, the matrix, the help overlay and the plots
//! all iterate [`METRICS`]; the UI decides only width and colour.
//!
//! Adding a metric is one entry here plus its measurement in [`Measured`].

use super::config::Config;
use super::profile::{Bucket, Clock};
use super::sample::{ConfigResult, MachineInfo, Measured};

/// Which way a figure improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Not a quality (a size, a share): never highlighted.
    Neither,
}

/// How a value is written to CSV and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A count: written as an integer.
    Int,
    /// Rounded to this many decimals.
    Fixed(u8),
}

/// What a metric needs to be measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Always measured.
    Nothing,
    /// These counters (by their [`MachineInfo::counters`] name) must be available.
    Counters(&'static [&'static str]),
    /// Only meaningful for strategies that use zero-copy sends (empty cell elsewhere).
    ZeroCopy,
    /// Only meaningful with `--recv zerocopy` (empty cell elsewhere).
    ZeroCopyReceive,
    /// The sampling profiler (CPU-time breakdown) must have run.
    Profile,
    /// The machine's copy roofline (memcpy cost measured at start).
    Roofline,
}

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
    /// A sparkline row in place of the named metric's, where that one is not measured.
    StandIn(View, &'static str),
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

/// One figure, defined once.
#[derive(Clone, Copy, Debug)]
pub struct MetricDef {
    /// CSV column and JSON key (contract names never change).
    pub name: &'static str,
    /// A few words: `run`'s line, notes.
    pub short: &'static str,
    /// What it is, in a sentence (help, `-v`, plots).
    pub label: &'static str,
    /// Unit of the raw value ("" for a plain count).
    pub unit: &'static str,
    pub better: Better,
    pub format: Format,
    pub needs: Needs,
    /// The value over one window of one configuration; `None` = not measured.
    pub value: fn(&Config, &Measured) -> Option<f64>,
    /// Shown in place of the named metric where that one is not available (matrix,
    /// live panel, plots).
    pub instead_of: Option<&'static str>,
    /// Part of `run`'s one human line.
    pub summary: bool,
    /// A matrix column, with its priority (lower: kept on narrower screens).
    pub matrix: Option<(u8, View)>,
    pub live: Option<Live>,
    pub plots: &'static [Plot],
    /// Drawn as a horizontal reference line (e.g. the copy roofline) on the charts of
    /// this plot file, beside the metrics plotted there.
    pub reference: Option<&'static str>,
    /// Reads one side's counters (`m.tx` or `m.rx`): n/a where `--count cpu` pinned
    /// both sides on the same CPUs, whose counts belong to neither side alone.
    pub per_side: bool,
}

/// A registry: the built-in [`METRICS`], or another list (tests).
pub type Registry = [MetricDef];

const BASE: MetricDef = MetricDef {
    name: "",
    short: "",
    label: "",
    unit: "",
    better: Better::Neither,
    format: Format::Int,
    needs: Nothing,
    value: |_, _| None,
    instead_of: None,
    summary: false,
    matrix: None,
    live: None,
    plots: &[],
    reference: None,
    per_side: false,
};

use Needs::Nothing;

fn count(v: Option<u64>) -> Option<f64> {
    v.map(|v| v as f64)
}

fn per_msg(v: Option<u64>, m: &Measured) -> Option<f64> {
    let v = v?;
    (m.messages > 0).then(|| v as f64 / m.messages as f64)
}

/// A side's user-mode share of its CPU time, in percent.
fn user_pct(c: &super::sample::Counts) -> Option<f64> {
    let (u, t) = (c.user_ns? as f64, c.cpu_ns? as f64);
    (t > 0.0).then(|| (u * 100.0 / t).min(100.0))
}

fn per_byte(v: Option<u64>, m: &Measured) -> Option<f64> {
    let v = v?;
    (m.bytes > 0).then(|| v as f64 / m.bytes as f64)
}

const fn view(title: &'static str, scale: Scale) -> View {
    View { title, scale }
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

/// CPU ns of one side in one bucket over the window; `None` where not sampled, or
/// where the bucket cannot be told (named kernel buckets without kallsyms, and the
/// unnamed kernel bucket with it).
pub fn bucket_ns(m: &Measured, sender: bool, b: Bucket) -> Option<f64> {
    let p = m.profile?;
    let told = match b {
        Bucket::User => true,
        Bucket::Kernel => p.unresolved,
        _ => !p.unresolved,
    };
    if !told {
        return None;
    }
    let (side, counts) = if sender {
        (&p.tx, &m.tx)
    } else {
        (&p.rx, &m.rx)
    };
    // On cycles the buckets are scaled to the threads' task-clock, which --count cpu
    // does not count (its CPU time is the CPUs', other tasks included).
    let cpu_ns = counts.cpu_ns.filter(|_| !m.per_cpu());
    side.ns(p.clock, b, cpu_ns)
}

fn bucket_per_byte(m: &Measured, sender: bool, b: Bucket) -> Option<f64> {
    let ns = bucket_ns(m, sender, b)?;
    (m.bytes > 0).then(|| ns / m.bytes as f64)
}

/// All of one side's sampled CPU time per payload byte: the sum of its buckets, what
/// a bucket's share is of.
fn sampled_per_byte(m: &Measured, sender: bool) -> Option<f64> {
    let ns: f64 = Bucket::ALL
        .iter()
        .filter_map(|b| bucket_ns(m, sender, *b))
        .sum();
    (m.profile.is_some() && m.bytes > 0).then(|| ns / m.bytes as f64)
}

fn profiled_pct(m: &Measured, sender: bool) -> Option<f64> {
    let p = m.profile?;
    let (side, counts) = if sender {
        (&p.tx, &m.tx)
    } else {
        (&p.rx, &m.rx)
    };
    // On cycles the buckets are scaled to task-clock: the check would be circular.
    // With --count cpu the CPU time is the CPUs', not the threads'.
    if p.clock != Clock::CpuClock || side.threads == 0 || m.per_cpu() {
        return None;
    }
    let cpu = counts.cpu_ns? as f64;
    (cpu > 0.0).then(|| side.total_weight() as f64 * 100.0 / cpu)
}

/// One bucket of one side, as ns per payload byte.
macro_rules! bucket_metric {
    ($name:literal, $sender:literal, $bucket:ident, $label:literal, $plots:expr) => {
        MetricDef {
            name: $name,
            short: $name,
            label: $label,
            unit: "ns/B",
            better: Better::Lower,
            format: Format::Fixed(4),
            needs: Needs::Profile,
            value: |_, m| bucket_per_byte(m, $sender, Bucket::$bucket),
            plots: $plots,
            ..BASE
        }
    };
}

const PER_MSG_CACHE: &str = "cache-misses-vs-size.svg";
const CPU_TIME_PLOT: &str = "cpu-time-per-byte-vs-size.svg";
const SYSCALLS_PLOT: &str = "syscalls-per-message-vs-size.svg";
const SYSCALLS_TITLE: &str = "System calls per message vs message size";
const EVIDENCE_PLOT: &str = "segments-and-copies-per-message-vs-size.svg";
const EVIDENCE_TITLE: &str = "TCP segments and receive copies per message vs message size";
const CACHE_TITLE: &str = "Cache misses per message vs message size";

/// The built-in registry, in CSV column order: the contract's 17 figure columns
/// (after strategy, msg_size, threads), then the appended ones.
pub static METRICS: &Registry = &[
    MetricDef {
        name: "duration_s",
        short: "measured",
        label: "measured seconds (warm-up excluded)",
        unit: "s",
        format: Format::Fixed(4),
        value: |_, m| Some(m.seconds),
        summary: true,
        matrix: Some((99, view("secs", Scale::Raw))),
        ..BASE
    },
    MetricDef {
        name: "bytes",
        short: "bytes",
        label: "payload bytes received",
        unit: "B",
        value: |_, m| Some(m.bytes as f64),
        ..BASE
    },
    MetricDef {
        name: "messages",
        short: "messages",
        label: "whole messages received",
        value: |_, m| Some(m.messages as f64),
        ..BASE
    },
    MetricDef {
        name: "throughput_gbps",
        short: "throughput",
        label: "throughput",
        unit: "Gb/s",
        better: Better::Higher,
        format: Format::Fixed(4),
        value: |_, m| (m.seconds > 0.0).then(|| m.bytes as f64 * 8.0 / m.seconds / 1e9),
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
        ..BASE
    },
    MetricDef {
        name: "latency_us",
        short: "µs per message per connection",
        label: "µs per message per connection (1 / message rate, not a latency)",
        unit: "µs",
        better: Better::Lower,
        format: Format::Fixed(4),
        value: |c, m| {
            (m.messages > 0).then(|| m.seconds * c.threads as f64 / m.messages as f64 * 1e6)
        },
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
        ..BASE
    },
    MetricDef {
        name: "cycles",
        short: "cycles",
        label: "CPU cycles, sender + receiver threads (--count cpu: their pinned CPUs, every task)",
        better: Better::Lower,
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| count(m.counts().cycles),
        ..BASE
    },
    MetricDef {
        name: "tx_cycles",
        short: "sender cycles",
        label: "CPU cycles of the sender threads",
        better: Better::Lower,
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| count(m.tx.cycles),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "rx_cycles",
        short: "receiver cycles",
        label: "CPU cycles of the receiver threads",
        better: Better::Lower,
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| count(m.rx.cycles),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "instructions",
        short: "instructions",
        label: "instructions retired, sender + receiver",
        needs: Needs::Counters(&["instructions"]),
        value: |_, m| count(m.counts().instructions),
        ..BASE
    },
    MetricDef {
        name: "cycles_per_byte",
        short: "cycles/byte",
        label: "CPU cycles per payload byte, sender + receiver",
        unit: "cyc/B",
        better: Better::Lower,
        format: Format::Fixed(4),
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| per_byte(m.counts().cycles, m),
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
        ..BASE
    },
    MetricDef {
        name: "l1d_misses",
        short: "L1D misses",
        label: "L1 data-cache load misses (L1-dcache-load-misses)",
        better: Better::Lower,
        needs: Needs::Counters(&["l1d_misses"]),
        value: |_, m| count(m.counts().l1d_misses),
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
        ..BASE
    },
    MetricDef {
        name: "llc_misses",
        short: "LLC misses",
        label: "last-level-cache load misses (LLC-load-misses)",
        better: Better::Lower,
        needs: Needs::Counters(&["llc_misses"]),
        value: |_, m| count(m.counts().llc_misses),
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
        ..BASE
    },
    MetricDef {
        name: "cache_misses",
        short: "cache-misses",
        label: "generic cache-misses event (LLC on Intel, L2 on AMD Zen)",
        better: Better::Lower,
        needs: Needs::Counters(&["cache_misses"]),
        value: |_, m| count(m.counts().cache_misses),
        instead_of: Some("llc_misses"),
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
        ..BASE
    },
    MetricDef {
        name: "context_switches",
        short: "context switches",
        label: "context switches of the worker threads (--count cpu: every switch on their pinned CPUs, idle included)",
        better: Better::Lower,
        needs: Needs::Counters(&["context_switches"]),
        value: |_, m| count(m.counts().context_switches),
        summary: true,
        matrix: Some((7, view("ctx/s", Scale::PerSecond))),
        live: Some(Live::Detail(view("ctx sw", Scale::PerSecond))),
        ..BASE
    },
    MetricDef {
        name: "zc_completions",
        short: "zero-copy completions",
        label: "zero-copy completions",
        needs: Needs::ZeroCopy,
        value: |_, m| m.zc.map(|z| z.completions as f64),
        summary: true,
        live: Some(Live::Detail(view("zc compl", Scale::PerSecond))),
        ..BASE
    },
    MetricDef {
        name: "zc_copied_pct",
        short: "copied by the kernel",
        label: "share of zero-copy sends the kernel copied anyway",
        unit: "%",
        format: Format::Fixed(2),
        needs: Needs::ZeroCopy,
        value: |_, m| m.zc.and_then(|z| z.copied_pct()),
        summary: true,
        matrix: Some((6, view("cpy%", Scale::Raw))),
        live: Some(Live::Detail(view("copied anyway", Scale::Raw))),
        ..BASE
    },
    MetricDef {
        name: "enobufs",
        short: "ENOBUFS retries",
        label: "zero-copy sends refused with ENOBUFS and retried",
        needs: Needs::ZeroCopy,
        value: |_, m| m.zc.map(|z| z.enobufs as f64),
        summary: true,
        live: Some(Live::Detail(view("ENOBUFS", Scale::Raw))),
        ..BASE
    },
    // Appended after the contract's columns.
    MetricDef {
        name: "cpu_ns",
        short: "CPU time",
        label: "CPU time of the worker threads (thread CPU clocks), sender + receiver (--count cpu: busy time of their pinned CPUs from /proc/stat)",
        unit: "ns",
        better: Better::Lower,
        needs: Needs::Counters(&["cpu_ns"]),
        value: |_, m| count(m.counts().cpu_ns),
        ..BASE
    },
    MetricDef {
        name: "cpu_ns_per_byte",
        short: "CPU time/byte",
        label: "CPU time per payload byte (thread CPU clocks), sender + receiver",
        unit: "ns/B",
        better: Better::Lower,
        format: Format::Fixed(4),
        needs: Needs::Counters(&["cpu_ns"]),
        value: |_, m| per_byte(m.counts().cpu_ns, m),
        summary: true,
        matrix: Some((3, view("ns/B", Scale::Raw))),
        // Beside cycles in the matrix; in the live panel only where cycles are not counted.
        live: Some(Live::StandIn(view("CPU time‡", Scale::Raw), "cycles_per_byte")),
        plots: &[Plot {
            file: CPU_TIME_PLOT,
            title: "CPU time per byte vs message size",
            y_label: "CPU ns / byte (thread CPU clocks, sender + receiver)",
            x: PlotX::MessageSize,
            scale: Scale::Raw,
            y: YScale::Log,
        }],
        ..BASE
    },
    MetricDef {
        name: "tx_cpu_ns",
        short: "sender CPU time",
        label: "CPU time of the sender threads (thread CPU clocks)",
        unit: "ns",
        better: Better::Lower,
        needs: Needs::Counters(&["cpu_ns"]),
        value: |_, m| count(m.tx.cpu_ns),
        live: Some(Live::Detail(view("CPU tx", Scale::CoreShare))),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "rx_cpu_ns",
        short: "receiver CPU time",
        label: "CPU time of the receiver threads (thread CPU clocks)",
        unit: "ns",
        better: Better::Lower,
        needs: Needs::Counters(&["cpu_ns"]),
        value: |_, m| count(m.rx.cpu_ns),
        live: Some(Live::Detail(view("rx", Scale::CoreShare))),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "tx_cpu_pct",
        short: "sender share of CPU",
        label: "sender share of the CPU time (over veth the sender's softirq also does receive-side TCP work)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["cpu_ns"]),
        value: |_, m| {
            let (t, r) = (m.tx.cpu_ns? as f64, m.rx.cpu_ns? as f64);
            (t + r > 0.0).then(|| t * 100.0 / (t + r))
        },
        matrix: Some((8, view("tx%", Scale::Raw))),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "ipc",
        short: "IPC",
        label: "instructions per cycle, sender + receiver",
        format: Format::Fixed(3),
        needs: Needs::Counters(&["cycles", "instructions"]),
        value: |_, m| {
            let c = m.counts();
            let (cyc, ins) = (c.cycles? as f64, c.instructions? as f64);
            (cyc > 0.0).then(|| ins / cyc)
        },
        matrix: Some((9, view("IPC", Scale::Raw))),
        live: Some(Live::Detail(view("IPC", Scale::Raw))),
        ..BASE
    },
    MetricDef {
        name: "counters_ran_pct",
        short: "counters ran",
        label: "share of the window the hardware counters ran (below 100: multiplexed, figures scaled by Δenabled/Δrunning)",
        unit: "%",
        format: Format::Fixed(2),
        value: |_, m| m.counts().ran_fraction().map(|f| f * 100.0),
        ..BASE
    },
    MetricDef {
        name: "counted_threads",
        short: "threads counted",
        label: "worker threads whose counters were read, of 2 × threads (fewer: counter figures are partial sums)",
        value: |_, m| {
            let c = m.counts();
            (c.threads > 0 && c.cpus.is_empty()).then_some(c.counted as f64)
        },
        ..BASE
    },
    MetricDef {
        name: "counted_cpus",
        short: "CPUs counted",
        label: "--count cpu: pinned CPUs whose system-wide counters were read (fewer than pinned: counter figures are partial sums)",
        value: |_, m| {
            let c = m.counts();
            (c.threads > 0 && !c.cpus.is_empty()).then_some(c.counted as f64)
        },
        ..BASE
    },
    MetricDef {
        name: "cpu_core_cycles",
        short: "cycles on P-cores",
        label: "hybrid CPUs: CPU cycles counted on the P-cores (cpu_core PMU), unscaled",
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| count(m.counts().split.and_then(|s| s[0].cycles)),
        ..BASE
    },
    MetricDef {
        name: "cpu_atom_cycles",
        short: "cycles on E-cores",
        label: "hybrid CPUs: CPU cycles counted on the E-cores (cpu_atom PMU), unscaled",
        needs: Needs::Counters(&["cycles"]),
        value: |_, m| count(m.counts().split.and_then(|s| s[1].cycles)),
        ..BASE
    },
    // --recv zerocopy only (empty elsewhere: no receive window was mapped).
    MetricDef {
        name: "rx_mapped_pct",
        short: "mapped on receive",
        label: "share of received bytes TCP_ZEROCOPY_RECEIVE mapped instead of copying (--recv zerocopy)",
        unit: "%",
        format: Format::Fixed(2),
        value: |_, m| m.rx_zc.and_then(|z| z.mapped_pct()),
        summary: true,
        live: Some(Live::Detail(view("rx mapped", Scale::Raw))),
        needs: Needs::ZeroCopyReceive,
        ..BASE
    },
    MetricDef {
        name: "rx_mapped_bytes",
        short: "bytes mapped on receive",
        label: "received bytes mapped into the receive window (--recv zerocopy)",
        unit: "B",
        value: |_, m| m.rx_zc.map(|z| z.mapped as f64),
        needs: Needs::ZeroCopyReceive,
        ..BASE
    },
    MetricDef {
        name: "rx_copied_bytes",
        short: "bytes copied on receive",
        label: "received bytes the kernel could not map and the receiver copied (recv_skip_hint, --recv zerocopy)",
        unit: "B",
        value: |_, m| m.rx_zc.map(|z| z.copied as f64),
        needs: Needs::ZeroCopyReceive,
        ..BASE
    },
    // The CPU-time breakdown (sampling profiler): per side, per bucket, ns per byte.
    MetricDef {
        name: "copy_ns_per_byte",
        short: "copy",
        label: "CPU time in the kernel's copy routines per payload byte, sender + receiver (sampled)",
        unit: "ns/B",
        better: Better::Lower,
        format: Format::Fixed(4),
        needs: Needs::Profile,
        value: |_, m| Some(bucket_ns(m, true, Bucket::Copy)? + bucket_ns(m, false, Bucket::Copy)?).map(|ns| ns / m.bytes as f64).filter(|_| m.bytes > 0),
        summary: true,
        matrix: Some((3, view("copy ns/B", Scale::Raw))),
        ..BASE
    },
    bucket_metric!("tx_copy_ns_per_byte", true, Copy, "sender: kernel copy routines (copy_user, _copy_from_iter, memcpy, skb_copy, csum-and-copy)", SENDER_PLOT),
    bucket_metric!("rx_copy_ns_per_byte", false, Copy, "receiver: kernel copy routines (copy_user, _copy_to_iter, memcpy, skb_copy, csum-and-copy)", RECEIVER_PLOT),
    bucket_metric!("tx_zc_ns_per_byte", true, Zc, "sender: zero-copy bookkeeping (page pinning, completions, error queue)", SENDER_PLOT),
    bucket_metric!("rx_zc_ns_per_byte", false, Zc, "receiver: zero-copy bookkeeping (page pinning, completions, error queue)", RECEIVER_PLOT),
    bucket_metric!("tx_tcp_ns_per_byte", true, Tcp, "sender: TCP/IP, skb alloc/free, veth, softirq net_rx", SENDER_PLOT),
    bucket_metric!("rx_tcp_ns_per_byte", false, Tcp, "receiver: TCP/IP, skb alloc/free, veth, softirq net_rx", RECEIVER_PLOT),
    bucket_metric!("tx_syscall_ns_per_byte", true, Syscall, "sender: system-call entry and exit", SENDER_PLOT),
    bucket_metric!("rx_syscall_ns_per_byte", false, Syscall, "receiver: system-call entry and exit", RECEIVER_PLOT),
    bucket_metric!("tx_sched_ns_per_byte", true, Sched, "sender: scheduler, wake-ups, idle", SENDER_PLOT),
    bucket_metric!("rx_sched_ns_per_byte", false, Sched, "receiver: scheduler, wake-ups, idle", RECEIVER_PLOT),
    bucket_metric!("tx_irq_late_ns_per_byte", true, IrqLate, "sender: irq-off time attributed late (cpu-clock cannot fire with interrupts off; lands where they come back on)", SENDER_PLOT),
    bucket_metric!("rx_irq_late_ns_per_byte", false, IrqLate, "receiver: irq-off time attributed late (cpu-clock cannot fire with interrupts off; lands where they come back on)", RECEIVER_PLOT),
    bucket_metric!("tx_user_ns_per_byte", true, User, "sender: user space (the strategy's own work)", SENDER_PLOT),
    bucket_metric!("rx_user_ns_per_byte", false, User, "receiver: user space", RECEIVER_PLOT),
    bucket_metric!("tx_other_ns_per_byte", true, Other, "sender: other kernel functions", SENDER_PLOT),
    bucket_metric!("rx_other_ns_per_byte", false, Other, "receiver: other kernel functions", RECEIVER_PLOT),
    bucket_metric!("tx_kernel_ns_per_byte", true, Kernel, "sender: kernel, not broken down (kallsyms unreadable)", &[]),
    bucket_metric!("rx_kernel_ns_per_byte", false, Kernel, "receiver: kernel, not broken down (kallsyms unreadable)", &[]),
    MetricDef {
        name: "tx_sampled_ns_per_byte",
        short: "tx_sampled_ns_per_byte",
        label: "sender: all its sampled CPU time per payload byte, the sum of its buckets (what a bucket's share is of)",
        unit: "ns/B",
        format: Format::Fixed(4),
        needs: Needs::Profile,
        value: |_, m| sampled_per_byte(m, true),
        ..BASE
    },
    MetricDef {
        name: "rx_sampled_ns_per_byte",
        short: "rx_sampled_ns_per_byte",
        label: "receiver: all its sampled CPU time per payload byte, the sum of its buckets (what a bucket's share is of)",
        unit: "ns/B",
        format: Format::Fixed(4),
        needs: Needs::Profile,
        value: |_, m| sampled_per_byte(m, false),
        ..BASE
    },
    MetricDef {
        name: "tx_profiled_pct",
        short: "sender time sampled",
        label: "sender: sampled CPU time as % of its CPU time (≈100 within sampling error: the buckets account for all of it)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Profile,
        value: |_, m| profiled_pct(m, true),
        ..BASE
    },
    MetricDef {
        name: "rx_profiled_pct",
        short: "receiver time sampled",
        label: "receiver: sampled CPU time as % of its CPU time (≈100 within sampling error: the buckets account for all of it)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Profile,
        value: |_, m| profiled_pct(m, false),
        ..BASE
    },
    MetricDef {
        name: "profile_samples",
        short: "profile samples",
        label: "samples the CPU-time breakdown rests on, sender + receiver",
        needs: Needs::Profile,
        value: |_, m| m.profile.map(|p| (p.tx.total_samples() + p.rx.total_samples()) as f64),
        ..BASE
    },
    MetricDef {
        name: "profile_lost",
        short: "profile samples lost",
        label: "samples the kernel dropped (ring buffer full): the breakdown misses that time",
        needs: Needs::Profile,
        value: |_, m| m.profile.map(|p| (p.tx.lost + p.rx.lost) as f64),
        ..BASE
    },
    // The evidence counters: why each cost is what it is, measured without a PMU.
    MetricDef {
        name: "tx_syscalls_per_msg",
        short: "sender syscalls",
        label: "system calls per message on the sender threads (raw_syscalls:sys_enter)",
        unit: "/msg",
        better: Better::Lower,
        format: Format::Fixed(3),
        needs: Needs::Counters(&["syscalls"]),
        value: |_, m| per_msg(m.tx.syscalls, m),
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
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "rx_syscalls_per_msg",
        short: "receiver syscalls",
        label: "system calls per message on the receiver threads (raw_syscalls:sys_enter)",
        unit: "/msg",
        better: Better::Lower,
        format: Format::Fixed(3),
        needs: Needs::Counters(&["syscalls"]),
        value: |_, m| per_msg(m.rx.syscalls, m),
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
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "segs_per_msg",
        short: "TCP segments",
        label: "TCP data segments per message, sender sockets (TCP_INFO tcpi_data_segs_out, in MSS units)",
        unit: "/msg",
        better: Better::Lower,
        format: Format::Fixed(3),
        needs: Needs::Counters(&["tcp_info"]),
        value: |_, m| per_msg(m.tx.tcp_segs, m),
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
        ..BASE
    },
    MetricDef {
        name: "avg_seg_bytes",
        short: "bytes/segment",
        label: "average TCP segment payload, sender sockets (TCP_INFO tcpi_bytes_sent / tcpi_data_segs_out)",
        unit: "B",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["tcp_info"]),
        value: |_, m| {
            let (b, s) = (m.tx.tcp_bytes? as f64, m.tx.tcp_segs? as f64);
            (s > 0.0).then(|| b / s)
        },
        summary: true,
        matrix: Some((14, view("B/seg", Scale::Raw))),
        live: Some(Live::Detail(view("B/seg", Scale::Raw))),
        ..BASE
    },
    MetricDef {
        name: "tcp_retrans",
        short: "TCP retransmits",
        label: "TCP segments retransmitted by the senders (TCP_INFO tcpi_total_retrans)",
        better: Better::Lower,
        needs: Needs::Counters(&["tcp_info"]),
        value: |_, m| count(m.tx.tcp_retrans),
        ..BASE
    },
    MetricDef {
        name: "tx_limited_pct",
        short: "sender held back",
        label: "share of the window the senders had data TCP could not send yet (receive window or send buffer full: later sends queue behind it and share segments, TCP_NODELAY or not)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["tcp_info"]),
        value: |c, m| {
            let us = m.tx.tcp_limited_us? as f64;
            (m.seconds > 0.0).then(|| (us / (m.seconds * 1e6 * c.threads as f64) * 100.0).min(100.0))
        },
        summary: true,
        matrix: Some((16, view("held%", Scale::Raw))),
        live: Some(Live::Detail(view("held back", Scale::Raw))),
        ..BASE
    },
    MetricDef {
        name: "rx_copies_per_msg",
        short: "receive copies",
        label: "kernel-to-user copies of received data per message (skb:skb_copy_datagram_iovec, receiver threads)",
        unit: "/msg",
        better: Better::Lower,
        format: Format::Fixed(3),
        needs: Needs::Counters(&["skb_copies"]),
        value: |_, m| per_msg(m.rx.skb_copies, m),
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
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "tx_user_pct",
        short: "sender user time",
        label: "user-mode share of the sender threads' CPU time (the rest is kernel)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["cpu_ns", "user_ns"]),
        value: |_, m| user_pct(&m.tx),
        summary: true,
        matrix: Some((15, view("usr% tx", Scale::Raw))),
        live: Some(Live::Detail(view("user% tx", Scale::Raw))),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "rx_user_pct",
        short: "receiver user time",
        label: "user-mode share of the receiver threads' CPU time (the rest is kernel)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["cpu_ns", "user_ns"]),
        value: |_, m| user_pct(&m.rx),
        summary: true,
        live: Some(Live::Detail(view("rx", Scale::Raw))),
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "memcpy_ns_per_byte",
        short: "memcpy cost",
        label: "this machine's memcpy cost per byte, buffer in cache (the copy roofline, measured at start)",
        unit: "ns/B",
        format: Format::Fixed(5),
        needs: Needs::Roofline,
        value: |_, m| m.memcpy_ns_per_byte.filter(|v| *v > 0.0),
        reference: Some(CPU_TIME_PLOT),
        ..BASE
    },
    MetricDef {
        name: "copies_worth",
        short: "copies' worth",
        label: "CPU time per byte as a multiple of one in-cache memcpy of it on this machine (≈ N copies' worth)",
        unit: "×",
        better: Better::Lower,
        format: Format::Fixed(2),
        needs: Needs::Roofline,
        value: |_, m| {
            let copy = m.memcpy_ns_per_byte.filter(|v| *v > 0.0)?;
            per_byte(m.counts().cpu_ns, m).map(|ns| ns / copy)
        },
        summary: true,
        matrix: Some((4, view("≈copies", Scale::Raw))),
        live: Some(Live::Detail(view("≈ copies", Scale::Raw))),
        ..BASE
    },
];

impl MetricDef {
    /// Whether the figure means anything for this configuration (zero-copy figures
    /// are empty for the other strategies, like their CSV cells).
    pub fn applies(&self, c: &Config) -> bool {
        match self.needs {
            Needs::ZeroCopy => c.strategy.uses_zerocopy(),
            Needs::ZeroCopyReceive => c.recv == super::config::RecvMode::ZeroCopy,
            Needs::Nothing | Needs::Counters(_) | Needs::Profile | Needs::Roofline => true,
        }
    }

    /// Why this machine (or the recording) cannot measure it; `None` when it can.
    pub fn unavailable(&self, machine: &MachineInfo) -> Option<String> {
        match self.needs {
            Needs::Nothing | Needs::ZeroCopyReceive => None,
            Needs::ZeroCopy => machine.zerocopy_error.clone(),
            Needs::Profile => machine.profile_note.is_none().then(|| {
                machine
                    .profile_error
                    .clone()
                    .unwrap_or_else(|| "the CPU-time breakdown was not sampled".into())
            }),
            Needs::Roofline => machine.roofline.is_none().then(|| {
                "no copy roofline (memcpy cost) was measured with these figures".to_string()
            }),
            Needs::Counters(names) => names.iter().find_map(|n| match machine.counter(n) {
                Some(c) if c.available => None,
                Some(c) => Some(
                    c.note
                        .as_ref()
                        .map_or_else(|| format!("{} not supported", c.event), |n| n.to_string()),
                ),
                None => Some(format!("{n} was not measured")),
            }),
        }
    }

    pub fn available(&self, machine: &MachineInfo) -> bool {
        self.unavailable(machine).is_none()
    }

    /// The window's value, where it applies.
    pub fn of(&self, c: &Config, m: &Measured) -> Option<f64> {
        if !self.applies(c) || (self.per_side && !m.sides_apart()) {
            return None;
        }
        (self.value)(c, m).filter(|v| v.is_finite())
    }

    /// The value rounded as CSV and JSON write it.
    pub fn as_written(&self, v: f64) -> f64 {
        match self.format {
            Format::Int => v.round(),
            Format::Fixed(d) => round(v, d),
        }
    }

    /// The value as CSV writes it (rounded, integers without a point).
    pub fn csv_text(&self, v: f64) -> String {
        match self.format {
            Format::Int => format!("{}", self.as_written(v) as u64),
            Format::Fixed(_) => format!("{:?}", self.as_written(v)),
        }
    }

    /// The value as JSON writes it.
    pub fn json_value(&self, v: f64) -> serde_json::Value {
        match self.format {
            Format::Int => serde_json::Value::from(self.as_written(v) as u64),
            Format::Fixed(_) => serde_json::Value::from(self.as_written(v)),
        }
    }

    /// The value for a person: counts as 1.23M, figures with 4 significant digits.
    pub fn human(&self, v: f64) -> String {
        match self.format {
            Format::Int => crate::format::si(v),
            Format::Fixed(_) => crate::format::sig(v, 4),
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
    pub fn spark_stands_in_for(&self) -> Option<&'static str> {
        match self.live {
            Some(Live::StandIn(_, other)) => Some(other),
            Some(Live::Spark(_)) => self.instead_of,
            _ => None,
        }
    }

    pub fn unit_sep(unit: &str) -> &'static str {
        if unit.is_empty() || unit.starts_with('/') || unit.starts_with('%') {
            ""
        } else {
            " "
        }
    }
}

fn round(v: f64, digits: u8) -> f64 {
    let p = 10f64.powi(digits as i32);
    (v * p).round() / p
}

/// Finds a metric by its name.
pub fn find<'r>(reg: &'r Registry, name: &str) -> Option<&'r MetricDef> {
    reg.iter().find(|m| m.name == name)
}

/// Whether `m` is shown on this machine: available, and not a stand-in for a metric
/// that is available itself.
pub fn shown(reg: &Registry, m: &MetricDef, machine: &MachineInfo) -> bool {
    m.available(machine)
        && m.instead_of
            .and_then(|o| find(reg, o))
            .is_none_or(|o| !o.available(machine))
}

/// One configuration's figures, one per metric of a registry, in its order: a CSV row,
/// a JSON object, the input of the plots. `error` set: the configuration failed and
/// carries no figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub config: Config,
    pub values: Vec<Option<f64>>,
    /// The kernel it was measured on (`uname -r`), where known.
    pub kernel: Option<String>,
    pub error: Option<String>,
}

impl Figures {
    pub fn of(reg: &Registry, r: &ConfigResult) -> Figures {
        Figures {
            config: r.config,
            values: reg.iter().map(|d| d.of(&r.config, &r.total)).collect(),
            kernel: None,
            error: None,
        }
    }

    /// The same figures, saying which kernel they were measured on.
    pub fn on_kernel(mut self, kernel: &str) -> Figures {
        self.kernel = Some(kernel.to_string()).filter(|k| !k.is_empty());
        self
    }

    pub fn failed(reg: &Registry, config: Config, error: String) -> Figures {
        Figures {
            config,
            values: vec![None; reg.len()],
            kernel: None,
            error: Some(error),
        }
    }

    pub fn get(&self, reg: &Registry, name: &str) -> Option<f64> {
        let i = reg.iter().position(|m| m.name == name)?;
        self.values.get(i).copied().flatten()
    }

    /// What a view scales by, from the figures' own duration, bytes and messages.
    pub fn basis(&self, reg: &Registry) -> Basis {
        Basis {
            seconds: self.get(reg, "duration_s").unwrap_or(0.0),
            bytes: self.get(reg, "bytes").unwrap_or(0.0),
            messages: self.get(reg, "messages").unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Strategy;
    use crate::sample::{Counts, ZcStats};

    #[test]
    fn names_are_unique_and_the_contract_comes_first() {
        let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate metric names");
        for m in METRICS {
            if let Some(o) = m.instead_of {
                assert!(find(METRICS, o).is_some(), "{} stands in for {o}", m.name);
            }
        }
    }

    #[test]
    fn values_from_a_window() {
        let m = Measured {
            memcpy_ns_per_byte: None,
            seconds: 2.0,
            bytes: 1_000_000_000,
            messages: 1000,
            tx: Counts {
                cycles: Some(3_000_000_000),
                cpu_ns: Some(1_500_000_000),
                ..Default::default()
            },
            rx: Counts {
                cycles: Some(1_000_000_000),
                cpu_ns: Some(500_000_000),
                ..Default::default()
            },
            both: None,
            zc: Some(ZcStats {
                completions: 4,
                copied: 3,
                ..Default::default()
            }),
            rx_zc: Some(crate::sample::RxZcStats {
                mapped: 3 << 20,
                copied: 1 << 20,
            }),
            profile: None,
        };
        let c = Config::new(Strategy::OneCopy, 1_000_000, 2);
        let v = |n: &str| find(METRICS, n).unwrap().of(&c, &m);
        assert_eq!(v("throughput_gbps"), Some(4.0));
        // Zero-copy receive figures apply to --recv zerocopy only.
        assert_eq!(v("rx_mapped_pct"), None);
        let zr = Config {
            recv: crate::config::RecvMode::ZeroCopy,
            ..c
        };
        let of = |n: &str| find(METRICS, n).unwrap().of(&zr, &m);
        assert_eq!(of("rx_mapped_pct"), Some(75.0));
        assert_eq!(of("rx_copied_bytes"), Some((1 << 20) as f64));
        assert_eq!(v("latency_us"), Some(4000.0));
        assert_eq!(v("cycles_per_byte"), Some(4.0));
        assert_eq!(v("cpu_ns_per_byte"), Some(2.0));
        assert_eq!(v("tx_cpu_pct"), Some(75.0));
        assert_eq!(v("llc_misses"), None);
        // Zero-copy figures apply to zero-copy only.
        assert_eq!(v("zc_copied_pct"), None);
        let z = Config::new(Strategy::ZeroCopy, 1_000_000, 2);
        assert_eq!(
            find(METRICS, "zc_copied_pct").unwrap().of(&z, &m),
            Some(75.0)
        );
        assert_eq!(Scale::CoreShare.apply(1e9, &Basis::of(&m)), Some(50.0));
        // --count cpu on CPUs both sides share: the sums hold them, per-side figures
        // are n/a rather than the other CPUs' part.
        let shared = Measured {
            both: Some(Counts {
                cycles: Some(4_000_000_000),
                cpu_ns: Some(2_000_000_000),
                syscalls: Some(5000),
                skb_copies: Some(1000),
                user_ns: Some(1_000_000_000),
                ..Default::default()
            }),
            ..m
        };
        let s = |n: &str| find(METRICS, n).unwrap().of(&c, &shared);
        assert_eq!(s("cycles_per_byte"), Some(8.0));
        assert_eq!(s("cpu_ns_per_byte"), Some(4.0));
        for per_side in METRICS.iter().filter(|d| d.per_side) {
            assert_eq!(per_side.of(&c, &shared), None, "{}", per_side.name);
        }
        for name in [
            "tx_cycles",
            "rx_cycles",
            "tx_cpu_ns",
            "rx_cpu_ns",
            "tx_cpu_pct",
            "tx_syscalls_per_msg",
            "rx_syscalls_per_msg",
            "rx_copies_per_msg",
            "tx_user_pct",
            "rx_user_pct",
        ] {
            assert!(find(METRICS, name).unwrap().per_side, "{name}");
        }
        // Every figure that reads one side's counters is marked: a window whose sides
        // differ but whose sum is the same must not change any unmarked figure
        // except through the sum.
        let side = |k: u64| Counts {
            cycles: Some(k * 3),
            instructions: Some(k * 5),
            l1d_misses: Some(k * 7),
            llc_misses: Some(k * 11),
            cache_misses: Some(k * 13),
            context_switches: Some(k * 17),
            cpu_ns: Some(k * 19),
            user_ns: Some(k * 2),
            syscalls: Some(k * 23),
            skb_copies: Some(k * 29),
            ..Default::default()
        };
        let rich = Measured {
            tx: side(1000),
            rx: side(7000),
            ..m
        };
        let moved = Measured {
            tx: rich.rx,
            rx: rich.tx,
            ..rich
        };
        for d in METRICS.iter().filter(|d| !d.per_side) {
            assert_eq!(
                d.of(&c, &moved),
                d.of(&c, &rich),
                "{} reads one side",
                d.name
            );
        }
        assert_eq!(
            Scale::PerKiB.apply(1.0, &Basis::of(&Measured::default())),
            None
        );
    }
}

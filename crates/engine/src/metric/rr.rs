//! The request/response figures (`--workload rr`): transactions and round-trip
//! percentiles from the window's merged histogram, and the costs per transaction.
//! Closed loop they are an unloaded round trip; with `--rate`, each round trip counts
//! from its scheduled send. All need `--workload rr` (empty cells for streams); the
//! per-transaction costs are n/a where their counter is (CPU time, system calls,
//! receive copies), as the per-message ones.

use super::{Better, Format, MetricDef, Needs};
use crate::sample::Measured;

const RR: MetricDef = MetricDef {
    name: "",
    short: "",
    label: "",
    unit: "µs",
    better: Better::Lower,
    format: Format::Fixed(3),
    needs: Needs::RoundTrips,
    value: |_, _| None,
    per_side: false,
};

fn transactions(m: &Measured) -> Option<f64> {
    m.rtt.as_ref().map(|r| r.count() as f64)
}

fn quantile_us(m: &Measured, q: f64) -> Option<f64> {
    m.rtt.as_ref()?.quantile_ns(q).map(|ns| ns / 1e3)
}

/// A counter summed over both sides, per transaction.
fn per_tx(v: Option<u64>, m: &Measured) -> Option<f64> {
    let (v, n) = (v? as f64, transactions(m)?);
    (n > 0.0).then(|| v / n)
}

pub(super) const RR_TRANSACTIONS: MetricDef = MetricDef {
    name: "rr_transactions",
    short: "transactions",
    label: "request/response transactions completed (round trips recorded)",
    unit: "",
    better: Better::Neither,
    format: Format::Int,
    value: |_, m| transactions(m),
    ..RR
};

pub(super) const RR_TPS: MetricDef = MetricDef {
    name: "rr_tps",
    short: "transactions/s",
    label: "request/response transactions per second, all connections",
    unit: "/s",
    better: Better::Higher,
    format: Format::Fixed(1),
    value: |_, m| (m.seconds > 0.0).then(|| transactions(m).map(|n| n / m.seconds))?,
    ..RR
};

pub(super) const RR_P50_US: MetricDef = MetricDef {
    name: "rr_p50_us",
    short: "round trip p50",
    label: "round trip, median (closed loop: unloaded round trip; --rate: from the scheduled send)",
    value: |_, m| quantile_us(m, 0.5),
    ..RR
};

pub(super) const RR_P90_US: MetricDef = MetricDef {
    name: "rr_p90_us",
    short: "round trip p90",
    label: "round trip, 90th percentile of the merged histogram (closed loop: unloaded round trip)",
    value: |_, m| quantile_us(m, 0.9),
    ..RR
};

pub(super) const RR_P99_US: MetricDef = MetricDef {
    name: "rr_p99_us",
    short: "round trip p99",
    label: "round trip, 99th percentile of the merged histogram (closed loop: unloaded round trip)",
    value: |_, m| quantile_us(m, 0.99),
    ..RR
};

pub(super) const RR_P999_US: MetricDef = MetricDef {
    name: "rr_p999_us",
    short: "round trip p99.9",
    label:
        "round trip, 99.9th percentile of the merged histogram (closed loop: unloaded round trip)",
    value: |_, m| quantile_us(m, 0.999),
    ..RR
};

pub(super) const RR_MAX_US: MetricDef = MetricDef {
    name: "rr_max_us",
    short: "round trip max",
    label: "longest round trip of the window (closed loop: unloaded round trip)",
    value: |_, m| m.rtt.as_ref()?.max_ns().map(|ns| ns / 1e3),
    ..RR
};

pub(super) const RR_MEAN_US: MetricDef = MetricDef {
    name: "rr_mean_us",
    short: "round trip mean",
    label: "mean round trip (closed loop: transactions/s × mean ≈ connections, Little's law)",
    value: |_, m| m.rtt.as_ref()?.mean_ns().map(|ns| ns / 1e3),
    ..RR
};

pub(super) const RR_CPU_NS_PER_TX: MetricDef = MetricDef {
    name: "rr_cpu_ns_per_tx",
    short: "CPU time/transaction",
    label: "CPU time per transaction, requester + responder threads",
    unit: "ns",
    format: Format::Fixed(1),
    value: |_, m| per_tx(m.counts().cpu_ns, m),
    ..RR
};

pub(super) const RR_SYSCALLS_PER_TX: MetricDef = MetricDef {
    name: "rr_syscalls_per_tx",
    short: "syscalls/transaction",
    label: "system calls per transaction, requester + responder (raw_syscalls:sys_enter)",
    unit: "/tx",
    value: |_, m| per_tx(m.counts().syscalls, m),
    ..RR
};

pub(super) const RR_RX_COPIES_PER_TX: MetricDef = MetricDef {
    name: "rr_rx_copies_per_tx",
    short: "receive copies/transaction",
    label: "kernel-to-user copies of received data per transaction, request and response (skb:skb_copy_datagram_iovec)",
    unit: "/tx",
    value: |_, m| per_tx(m.counts().skb_copies, m),
    ..RR
};

/// `--messages N` (not only rr: a stream's connections end after N messages): the
/// window's amount per connection, where it was an amount and not a duration.
pub(super) const FIXED_MESSAGES: MetricDef = MetricDef {
    name: "fixed_messages",
    short: "messages per connection",
    label: "--messages N: the messages (stream) or transactions (rr) each connection made; the window is the time they took (empty: a timed window, --duration)",
    unit: "",
    better: Better::Neither,
    format: Format::Int,
    needs: Needs::Nothing,
    value: |_, m| m.fixed_messages.map(|n| n as f64),
    per_side: false,
};

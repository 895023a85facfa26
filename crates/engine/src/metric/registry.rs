//! The built-in registry: every figure netio-tui measures, in CSV column order.

use super::window::{
    bucket_ns, bucket_per_byte, count, per_byte, per_msg, profiled_pct, sampled_per_byte, user_pct,
};
use super::{rr, Better, Format, MetricDef, Needs, Registry};
use crate::profile::Bucket;

const BASE: MetricDef = MetricDef {
    name: "",
    short: "",
    label: "",
    unit: "",
    better: Better::Neither,
    format: Format::Int,
    needs: Nothing,
    value: |_, _| None,
    per_side: false,
};

use Needs::Nothing;

/// One bucket of one side, as ns per payload byte.
macro_rules! bucket_metric {
    ($name:literal, $sender:literal, $bucket:ident, $label:literal) => {
        MetricDef {
            name: $name,
            short: $name,
            label: $label,
            unit: "ns/B",
            better: Better::Lower,
            format: Format::Fixed(4),
            needs: Needs::Profile,
            value: |_, m| bucket_per_byte(m, $sender, Bucket::$bucket),
            ..BASE
        }
    };
}

/// The built-in registry, in CSV column order: the contract's 17 figure columns
/// (after strategy, msg_size, threads), then the appended ones. Each entry has a
/// typed handle of the same name in [`super::id`].
pub static METRICS: &Registry = &[
    MetricDef {
        name: "duration_s",
        short: "measured",
        label: "measured seconds (warm-up excluded)",
        unit: "s",
        format: Format::Fixed(4),
        value: |_, m| Some(m.seconds),
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
        ..BASE
    },
    MetricDef {
        name: "l1d_misses",
        short: "L1D misses",
        label: "L1 data-cache load misses (L1-dcache-load-misses)",
        better: Better::Lower,
        needs: Needs::Counters(&["l1d_misses"]),
        value: |_, m| count(m.counts().l1d_misses),
        ..BASE
    },
    MetricDef {
        name: "llc_misses",
        short: "LLC misses",
        label: "last-level-cache load misses (LLC-load-misses)",
        better: Better::Lower,
        needs: Needs::Counters(&["llc_misses"]),
        value: |_, m| count(m.counts().llc_misses),
        ..BASE
    },
    MetricDef {
        name: "cache_misses",
        short: "cache-misses",
        label: "generic cache-misses event (LLC on Intel, L2 on AMD Zen)",
        better: Better::Lower,
        needs: Needs::Counters(&["cache_misses"]),
        value: |_, m| count(m.counts().cache_misses),
        ..BASE
    },
    MetricDef {
        name: "context_switches",
        short: "context switches",
        label: "context switches of the worker threads (--count cpu: every switch on their pinned CPUs, idle included)",
        better: Better::Lower,
        needs: Needs::Counters(&["context_switches"]),
        value: |_, m| count(m.counts().context_switches),
        ..BASE
    },
    MetricDef {
        name: "zc_completions",
        short: "zero-copy completions",
        label: "zero-copy completions",
        needs: Needs::ZeroCopy,
        value: |_, m| m.zc.map(|z| z.completions as f64),
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
        ..BASE
    },
    MetricDef {
        name: "enobufs",
        short: "ENOBUFS retries",
        label: "zero-copy sends refused with ENOBUFS and retried",
        needs: Needs::ZeroCopy,
        value: |_, m| m.zc.map(|z| z.enobufs as f64),
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
        ..BASE
    },
    bucket_metric!("tx_copy_ns_per_byte", true, Copy, "sender: kernel copy routines (copy_user, _copy_from_iter, memcpy, skb_copy, csum-and-copy)"),
    bucket_metric!("rx_copy_ns_per_byte", false, Copy, "receiver: kernel copy routines (copy_user, _copy_to_iter, memcpy, skb_copy, csum-and-copy)"),
    bucket_metric!("tx_zc_ns_per_byte", true, Zc, "sender: zero-copy bookkeeping (page pinning, completions, error queue)"),
    bucket_metric!("rx_zc_ns_per_byte", false, Zc, "receiver: zero-copy bookkeeping (page pinning, completions, error queue)"),
    bucket_metric!("tx_tcp_ns_per_byte", true, Tcp, "sender: TCP/IP, skb alloc/free, veth, softirq net_rx"),
    bucket_metric!("rx_tcp_ns_per_byte", false, Tcp, "receiver: TCP/IP, skb alloc/free, veth, softirq net_rx"),
    bucket_metric!("tx_syscall_ns_per_byte", true, Syscall, "sender: system-call entry and exit"),
    bucket_metric!("rx_syscall_ns_per_byte", false, Syscall, "receiver: system-call entry and exit"),
    bucket_metric!("tx_sched_ns_per_byte", true, Sched, "sender: scheduler, wake-ups, idle"),
    bucket_metric!("rx_sched_ns_per_byte", false, Sched, "receiver: scheduler, wake-ups, idle"),
    bucket_metric!("tx_irq_late_ns_per_byte", true, IrqLate, "sender: irq-off time attributed late (cpu-clock cannot fire with interrupts off; lands where they come back on)"),
    bucket_metric!("rx_irq_late_ns_per_byte", false, IrqLate, "receiver: irq-off time attributed late (cpu-clock cannot fire with interrupts off; lands where they come back on)"),
    bucket_metric!("tx_user_ns_per_byte", true, User, "sender: user space (the strategy's own work)"),
    bucket_metric!("rx_user_ns_per_byte", false, User, "receiver: user space"),
    bucket_metric!("tx_other_ns_per_byte", true, Other, "sender: other kernel functions"),
    bucket_metric!("rx_other_ns_per_byte", false, Other, "receiver: other kernel functions"),
    bucket_metric!("tx_kernel_ns_per_byte", true, Kernel, "sender: kernel, not broken down (kallsyms unreadable)"),
    bucket_metric!("rx_kernel_ns_per_byte", false, Kernel, "receiver: kernel, not broken down (kallsyms unreadable)"),
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
        per_side: true,
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
        per_side: true,
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
        per_side: true,
    },
    MetricDef {
        name: "tx_user_pct",
        short: "sender user time",
        label: "user-mode share of the sender threads' CPU time (the rest is kernel)",
        unit: "%",
        format: Format::Fixed(1),
        needs: Needs::Counters(&["cpu_ns", "user_ns"]),
        value: |_, m| user_pct(&m.tx),
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
        per_side: true,
        ..BASE
    },
    MetricDef {
        name: "memcpy_ns_per_byte",
        short: "memcpy cost",
        label: "this machine's memcpy cost per byte, buffer in cache, destination 2 KiB after its source in their 4 KiB pages (the copy roofline, measured at start)",
        unit: "ns/B",
        format: Format::Fixed(5),
        needs: Needs::Roofline,
        value: |_, m| m.memcpy_ns_per_byte.filter(|v| *v > 0.0),
        ..BASE
    },
    MetricDef {
        name: "copies_worth",
        short: "CPU per byte × memcpy",
        label: "CPU time per byte as a multiple of one in-cache memcpy of it on this machine (CPU = N × memcpy; not a count of copies: small messages read in the thousands, their per-message costs spread over few bytes)",
        unit: "×",
        better: Better::Lower,
        format: Format::Fixed(2),
        needs: Needs::Roofline,
        value: |_, m| {
            let copy = m.memcpy_ns_per_byte.filter(|v| *v > 0.0)?;
            per_byte(m.counts().cpu_ns, m).map(|ns| ns / copy)
        },
        ..BASE
    },
    // The noise sentinel: what else the machine ran during the window.
    MetricDef {
        name: "other_busy_pct",
        short: "other work",
        label: "other work on the machine: every CPU's busy time (/proc/stat) minus our worker and sampler threads' CPU clocks, as % of the machine's CPU capacity over the window",
        unit: "%",
        format: Format::Fixed(1),
        value: |_, m| m.noise.and_then(|n| n.other_pct()),
        ..BASE
    },
    MetricDef {
        name: "steal_pct",
        short: "stolen",
        label: "time the hypervisor ran something else on this machine's CPUs (/proc/stat steal), as % of its CPU capacity over the window",
        unit: "%",
        format: Format::Fixed(1),
        value: |_, m| m.noise.and_then(|n| n.steal_pct()),
        ..BASE
    },
    MetricDef {
        name: "noise_cpus",
        short: "other work, CPUs",
        label: "other work plus steal in CPUs' worth, averaged over the window: above 0.25 the window is marked as measured on a busy machine",
        unit: "CPUs",
        format: Format::Fixed(2),
        value: |_, m| m.noise.and_then(|n| n.cpus_worth()),
        ..BASE
    },
    // Request/response (--workload rr), defined in `rr`.
    rr::RR_TRANSACTIONS,
    rr::RR_TPS,
    rr::RR_P50_US,
    rr::RR_P90_US,
    rr::RR_P99_US,
    rr::RR_P999_US,
    rr::RR_MAX_US,
    rr::RR_MEAN_US,
    rr::RR_CPU_NS_PER_TX,
    rr::RR_SYSCALLS_PER_TX,
    rr::RR_RX_COPIES_PER_TX,
    rr::FIXED_MESSAGES,
];

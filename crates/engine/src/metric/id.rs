//! Typed handles of the built-in metrics: code that means one figure names it by
//! its constant here, so a misspelt name does not compile, and the test beside
//! [`ALL`] keeps this list and [`super::METRICS`] the same list.

use super::{find, MetricDef, Registry, METRICS};
use crate::profile::Bucket;

/// A metric, by its CSV/JSON name. Made only here (or from a definition, see
/// [`MetricDef::id`]), so every handle names a metric of a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MetricId(pub(super) &'static str);

impl MetricId {
    pub const fn name(self) -> &'static str {
        self.0
    }

    /// Its definition in the built-in registry.
    pub fn def(self) -> &'static MetricDef {
        find(METRICS, self.0).expect("every MetricId names a built-in metric")
    }

    /// Its definition in `reg`, which may lack it (a registry made for a test).
    pub fn in_registry(self, reg: &Registry) -> Option<&MetricDef> {
        find(reg, self.0)
    }
}

impl AsRef<str> for MetricId {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

macro_rules! ids {
    ($($id:ident = $name:literal,)*) => {
        $(pub const $id: MetricId = MetricId($name);)*
        /// Every built-in metric, in registry order.
        pub const ALL: &[MetricId] = &[$($id),*];
    };
}

ids! {
    DURATION_S = "duration_s",
    BYTES = "bytes",
    MESSAGES = "messages",
    THROUGHPUT_GBPS = "throughput_gbps",
    LATENCY_US = "latency_us",
    CYCLES = "cycles",
    TX_CYCLES = "tx_cycles",
    RX_CYCLES = "rx_cycles",
    INSTRUCTIONS = "instructions",
    CYCLES_PER_BYTE = "cycles_per_byte",
    L1D_MISSES = "l1d_misses",
    LLC_MISSES = "llc_misses",
    CACHE_MISSES = "cache_misses",
    CONTEXT_SWITCHES = "context_switches",
    ZC_COMPLETIONS = "zc_completions",
    ZC_COPIED_PCT = "zc_copied_pct",
    ENOBUFS = "enobufs",
    CPU_NS = "cpu_ns",
    CPU_NS_PER_BYTE = "cpu_ns_per_byte",
    TX_CPU_NS = "tx_cpu_ns",
    RX_CPU_NS = "rx_cpu_ns",
    TX_CPU_PCT = "tx_cpu_pct",
    IPC = "ipc",
    COUNTERS_RAN_PCT = "counters_ran_pct",
    COUNTED_THREADS = "counted_threads",
    COUNTED_CPUS = "counted_cpus",
    CPU_CORE_CYCLES = "cpu_core_cycles",
    CPU_ATOM_CYCLES = "cpu_atom_cycles",
    RX_MAPPED_PCT = "rx_mapped_pct",
    RX_MAPPED_BYTES = "rx_mapped_bytes",
    RX_COPIED_BYTES = "rx_copied_bytes",
    COPY_NS_PER_BYTE = "copy_ns_per_byte",
    TX_COPY_NS_PER_BYTE = "tx_copy_ns_per_byte",
    RX_COPY_NS_PER_BYTE = "rx_copy_ns_per_byte",
    TX_ZC_NS_PER_BYTE = "tx_zc_ns_per_byte",
    RX_ZC_NS_PER_BYTE = "rx_zc_ns_per_byte",
    TX_TCP_NS_PER_BYTE = "tx_tcp_ns_per_byte",
    RX_TCP_NS_PER_BYTE = "rx_tcp_ns_per_byte",
    TX_SYSCALL_NS_PER_BYTE = "tx_syscall_ns_per_byte",
    RX_SYSCALL_NS_PER_BYTE = "rx_syscall_ns_per_byte",
    TX_SCHED_NS_PER_BYTE = "tx_sched_ns_per_byte",
    RX_SCHED_NS_PER_BYTE = "rx_sched_ns_per_byte",
    TX_IRQ_LATE_NS_PER_BYTE = "tx_irq_late_ns_per_byte",
    RX_IRQ_LATE_NS_PER_BYTE = "rx_irq_late_ns_per_byte",
    TX_USER_NS_PER_BYTE = "tx_user_ns_per_byte",
    RX_USER_NS_PER_BYTE = "rx_user_ns_per_byte",
    TX_OTHER_NS_PER_BYTE = "tx_other_ns_per_byte",
    RX_OTHER_NS_PER_BYTE = "rx_other_ns_per_byte",
    TX_KERNEL_NS_PER_BYTE = "tx_kernel_ns_per_byte",
    RX_KERNEL_NS_PER_BYTE = "rx_kernel_ns_per_byte",
    TX_SAMPLED_NS_PER_BYTE = "tx_sampled_ns_per_byte",
    RX_SAMPLED_NS_PER_BYTE = "rx_sampled_ns_per_byte",
    TX_PROFILED_PCT = "tx_profiled_pct",
    RX_PROFILED_PCT = "rx_profiled_pct",
    PROFILE_SAMPLES = "profile_samples",
    PROFILE_LOST = "profile_lost",
    TX_SYSCALLS_PER_MSG = "tx_syscalls_per_msg",
    RX_SYSCALLS_PER_MSG = "rx_syscalls_per_msg",
    SEGS_PER_MSG = "segs_per_msg",
    AVG_SEG_BYTES = "avg_seg_bytes",
    TCP_RETRANS = "tcp_retrans",
    TX_LIMITED_PCT = "tx_limited_pct",
    RX_COPIES_PER_MSG = "rx_copies_per_msg",
    TX_USER_PCT = "tx_user_pct",
    RX_USER_PCT = "rx_user_pct",
    MEMCPY_NS_PER_BYTE = "memcpy_ns_per_byte",
    COPIES_WORTH = "copies_worth",
    OTHER_BUSY_PCT = "other_busy_pct",
    STEAL_PCT = "steal_pct",
    NOISE_CPUS = "noise_cpus",
    RR_TRANSACTIONS = "rr_transactions",
    RR_TPS = "rr_tps",
    RR_P50_US = "rr_p50_us",
    RR_P90_US = "rr_p90_us",
    RR_P99_US = "rr_p99_us",
    RR_P999_US = "rr_p999_us",
    RR_MAX_US = "rr_max_us",
    RR_MEAN_US = "rr_mean_us",
    RR_CPU_NS_PER_TX = "rr_cpu_ns_per_tx",
    RR_SYSCALLS_PER_TX = "rr_syscalls_per_tx",
    RR_RX_COPIES_PER_TX = "rr_rx_copies_per_tx",
    FIXED_MESSAGES = "fixed_messages",
}

/// One side's CPU-time breakdown bucket, as ns per payload byte.
pub const fn bucket(sender: bool, b: Bucket) -> MetricId {
    match (sender, b) {
        (true, Bucket::Copy) => TX_COPY_NS_PER_BYTE,
        (false, Bucket::Copy) => RX_COPY_NS_PER_BYTE,
        (true, Bucket::Zc) => TX_ZC_NS_PER_BYTE,
        (false, Bucket::Zc) => RX_ZC_NS_PER_BYTE,
        (true, Bucket::Tcp) => TX_TCP_NS_PER_BYTE,
        (false, Bucket::Tcp) => RX_TCP_NS_PER_BYTE,
        (true, Bucket::Syscall) => TX_SYSCALL_NS_PER_BYTE,
        (false, Bucket::Syscall) => RX_SYSCALL_NS_PER_BYTE,
        (true, Bucket::Sched) => TX_SCHED_NS_PER_BYTE,
        (false, Bucket::Sched) => RX_SCHED_NS_PER_BYTE,
        (true, Bucket::IrqLate) => TX_IRQ_LATE_NS_PER_BYTE,
        (false, Bucket::IrqLate) => RX_IRQ_LATE_NS_PER_BYTE,
        (true, Bucket::User) => TX_USER_NS_PER_BYTE,
        (false, Bucket::User) => RX_USER_NS_PER_BYTE,
        (true, Bucket::Other) => TX_OTHER_NS_PER_BYTE,
        (false, Bucket::Other) => RX_OTHER_NS_PER_BYTE,
        (true, Bucket::Kernel) => TX_KERNEL_NS_PER_BYTE,
        (false, Bucket::Kernel) => RX_KERNEL_NS_PER_BYTE,
    }
}

/// All of one side's sampled CPU time per payload byte (what a bucket's share is of).
pub const fn sampled(sender: bool) -> MetricId {
    if sender {
        TX_SAMPLED_NS_PER_BYTE
    } else {
        RX_SAMPLED_NS_PER_BYTE
    }
}

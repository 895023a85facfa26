//! What counters counted on one side over a window, and why some did not.

use crate::config::CpuSet;
use serde::{Deserialize, Serialize};

/// Hardware/software counter totals for one side (sender or receiver threads).
/// `None` means not measured (unsupported event or perf refused): never read it as 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub cycles: Option<u64>,
    pub instructions: Option<u64>,
    pub l1d_misses: Option<u64>,
    pub llc_misses: Option<u64>,
    pub cache_misses: Option<u64>,
    pub context_switches: Option<u64>,
    /// CPU time of the threads (their CPU clocks: the runtime task-clock counts), ns: the cost figure that exists
    /// even where the CPU offers no hardware counters.
    #[serde(default)]
    pub cpu_ns: Option<u64>,
    /// User-mode CPU time only (task-clock with the kernel excluded), ns: the rest of
    /// `cpu_ns` is kernel time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ns: Option<u64>,
    /// System calls entered (`raw_syscalls:sys_enter` tracepoint): no PMU needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<u64>,
    /// Kernel-to-user copies of received data (`skb:skb_copy_datagram_iovec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skb_copies: Option<u64>,
    /// Sender sockets' TCP_INFO: data segments sent (`tcpi_data_segs_out`, in MSS-sized
    /// units as TCP counts them), payload bytes sent (`tcpi_bytes_sent`, retransmits
    /// included) and segments retransmitted (`tcpi_total_retrans`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_segs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_retrans: Option<u64>,
    /// µs the sender sockets were held back by the receive window or send buffer
    /// (`tcpi_rwnd_limited` + `tcpi_sndbuf_limited`), summed over connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_limited_us: Option<u64>,
    /// True when the kernel multiplexed the hardware counters in this window and the
    /// values are estimates: Δcount × Δenabled / Δrunning.
    #[serde(default)]
    pub scaled: bool,
    /// Hardware groups: ns the counted threads were enabled (on a CPU) in the window,
    /// and ns a PMU actually counted them (summed over core PMUs on hybrid CPUs).
    /// `None`: no hardware group was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hw_enabled_ns: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hw_running_ns: Option<u64>,
    /// Worker threads whose counters were read, of `threads` (0 of 0: unknown, e.g.
    /// an old recording). Fewer: the figures are partial sums; `gap` says why.
    #[serde(default)]
    pub counted: u32,
    #[serde(default)]
    pub threads: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<Gap>,
    /// Hybrid Intel CPUs: what each core PMU counted, unscaled: `[cpu_core, cpu_atom]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<[PmuShare; 2]>,
    /// `--count cpu`: the CPUs counted, system-wide (every task on them, softirq and
    /// ksoftirqd included); `counted` and `threads` then count CPUs. Empty: the
    /// worker threads were counted.
    #[serde(default, skip_serializing_if = "CpuSet::is_empty")]
    pub cpus: CpuSet,
}

/// One core PMU's part of a hybrid window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PmuShare {
    pub running_ns: u64,
    pub cycles: Option<u64>,
    pub instructions: Option<u64>,
}

impl PmuShare {
    fn plus(&self, o: &PmuShare) -> PmuShare {
        PmuShare {
            running_ns: self.running_ns + o.running_ns,
            cycles: add_partial(self.cycles, o.cycles),
            instructions: add_partial(self.instructions, o.instructions),
        }
    }
}

/// Why some threads' counters are missing from a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// perf_event_open failed with this errno.
    Open { errno: i32 },
    /// Not opened: the file-descriptor limit leaves no room for them.
    NoDescriptors,
    /// The group was enabled while the thread ran but the PMU never counted it.
    NeverRan,
    /// Reading the group failed with this errno.
    Read { errno: i32 },
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errno_text = |e: i32| match e {
            libc::EMFILE | libc::ENFILE => "out of file descriptors (EMFILE)".to_string(),
            libc::EACCES | libc::EPERM => {
                format!(
                    "perf_event_open refused ({})",
                    std::io::Error::from_raw_os_error(e)
                )
            }
            libc::ENOENT | libc::EOPNOTSUPP | libc::EINVAL => format!(
                "event not supported by this CPU or kernel ({})",
                std::io::Error::from_raw_os_error(e)
            ),
            e => std::io::Error::from_raw_os_error(e).to_string(),
        };
        match self {
            Gap::Open { errno } => write!(f, "{}", errno_text(*errno)),
            Gap::NoDescriptors => f.write_str(
                "out of file descriptors (RLIMIT_NOFILE leaves none for their counters)",
            ),
            Gap::NeverRan => f.write_str("the PMU never scheduled their counter group"),
            Gap::Read { errno } => write!(f, "reading the counters failed: {}", errno_text(*errno)),
        }
    }
}

/// A sum over threads: what is missing on one thread (not counted) does not hide
/// what the others counted; [`Counts::coverage_note`] says the sum is partial.
fn add_partial(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    }
}

fn sub_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    Some(a?.saturating_sub(b?))
}

fn add_split(a: Option<[PmuShare; 2]>, b: Option<[PmuShare; 2]>) -> Option<[PmuShare; 2]> {
    match (a, b) {
        (Some(a), Some(b)) => Some([a[0].plus(&b[0]), a[1].plus(&b[1])]),
        (a, b) => a.or(b),
    }
}

impl Counts {
    /// Sum over threads or sides. A figure no thread counted stays missing; one that
    /// some threads did not count is their partial sum, and `counted` < `threads`.
    pub fn plus(&self, o: &Counts) -> Counts {
        Counts {
            cycles: add_partial(self.cycles, o.cycles),
            instructions: add_partial(self.instructions, o.instructions),
            l1d_misses: add_partial(self.l1d_misses, o.l1d_misses),
            llc_misses: add_partial(self.llc_misses, o.llc_misses),
            cache_misses: add_partial(self.cache_misses, o.cache_misses),
            context_switches: add_partial(self.context_switches, o.context_switches),
            cpu_ns: add_partial(self.cpu_ns, o.cpu_ns),
            user_ns: add_partial(self.user_ns, o.user_ns),
            syscalls: add_partial(self.syscalls, o.syscalls),
            skb_copies: add_partial(self.skb_copies, o.skb_copies),
            tcp_segs: add_partial(self.tcp_segs, o.tcp_segs),
            tcp_bytes: add_partial(self.tcp_bytes, o.tcp_bytes),
            tcp_retrans: add_partial(self.tcp_retrans, o.tcp_retrans),
            tcp_limited_us: add_partial(self.tcp_limited_us, o.tcp_limited_us),
            scaled: self.scaled || o.scaled,
            hw_enabled_ns: add_partial(self.hw_enabled_ns, o.hw_enabled_ns),
            hw_running_ns: add_partial(self.hw_running_ns, o.hw_running_ns),
            counted: self.counted + o.counted,
            threads: self.threads + o.threads,
            gap: self.gap.or(o.gap),
            split: add_split(self.split, o.split),
            cpus: self.cpus.union(&o.cpus),
        }
    }

    /// This window's counts followed by a later window's of the same threads.
    pub fn then(&self, later: &Counts) -> Counts {
        let mut c = self.plus(later);
        c.counted = self.counted.min(later.counted);
        c.threads = self.threads.max(later.threads);
        c
    }

    /// Difference of two cumulative readings (`self` later than `earlier`).
    pub fn minus(&self, earlier: &Counts) -> Counts {
        Counts {
            cycles: sub_opt(self.cycles, earlier.cycles),
            instructions: sub_opt(self.instructions, earlier.instructions),
            l1d_misses: sub_opt(self.l1d_misses, earlier.l1d_misses),
            llc_misses: sub_opt(self.llc_misses, earlier.llc_misses),
            cache_misses: sub_opt(self.cache_misses, earlier.cache_misses),
            context_switches: sub_opt(self.context_switches, earlier.context_switches),
            cpu_ns: sub_opt(self.cpu_ns, earlier.cpu_ns),
            user_ns: sub_opt(self.user_ns, earlier.user_ns),
            syscalls: sub_opt(self.syscalls, earlier.syscalls),
            skb_copies: sub_opt(self.skb_copies, earlier.skb_copies),
            tcp_segs: sub_opt(self.tcp_segs, earlier.tcp_segs),
            tcp_bytes: sub_opt(self.tcp_bytes, earlier.tcp_bytes),
            tcp_retrans: sub_opt(self.tcp_retrans, earlier.tcp_retrans),
            tcp_limited_us: sub_opt(self.tcp_limited_us, earlier.tcp_limited_us),
            ..*self
        }
    }

    /// Share of the window the hardware counters ran (1.0: never multiplexed).
    pub fn ran_fraction(&self) -> Option<f64> {
        let (e, r) = (self.hw_enabled_ns?, self.hw_running_ns?);
        (e > 0).then(|| (r.min(e)) as f64 / e as f64)
    }

    /// "counted on 6 of 16 threads: out of file descriptors" when the figures are
    /// partial sums; `None` when every thread was counted (or nothing is known).
    pub fn coverage_note(&self) -> Option<String> {
        (self.counted < self.threads).then(|| {
            let why = self.gap.map(|g| format!(": {g}")).unwrap_or_default();
            let of = if self.cpus.is_empty() {
                "threads"
            } else {
                "CPUs"
            };
            format!(
                "counters counted on {} of {} {of}{why}",
                self.counted, self.threads
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_no_thread_counted_stays_missing_and_a_partial_sum_says_so() {
        let a = Counts {
            cycles: Some(10),
            counted: 1,
            threads: 1,
            ..Default::default()
        };
        let b = Counts {
            threads: 1,
            gap: Some(Gap::Open {
                errno: libc::EMFILE,
            }),
            ..Default::default()
        };
        let s = a.plus(&b);
        assert_eq!(s.cycles, Some(10));
        assert_eq!(s.llc_misses, None);
        assert_eq!(
            s.coverage_note().as_deref(),
            Some("counters counted on 1 of 2 threads: out of file descriptors (EMFILE)")
        );
        assert_eq!(a.plus(&a).coverage_note(), None);
        // Two windows of the same threads: coverage is the worse one, not a sum.
        let t = s.then(&a.plus(&a));
        assert_eq!((t.counted, t.threads, t.cycles), (1, 2, Some(30)));
        assert_eq!(Counts::default().coverage_note(), None);
    }
}

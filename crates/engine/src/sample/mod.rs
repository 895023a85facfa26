//! The one data model every consumer reads: the explorer, `run`, `sweep`,
//! recordings and replay. Plain data, no behaviour beyond derived figures.

use super::config::{Config, CpuSet, Strategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// Zero-copy bookkeeping of the sender threads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZcStats {
    /// sendmsg(MSG_ZEROCOPY) calls the kernel accepted.
    pub sends: u64,
    /// Sends whose completion notification arrived.
    pub completions: u64,
    /// Completed sends the kernel flagged SO_EE_CODE_ZEROCOPY_COPIED (it copied anyway).
    pub copied: u64,
    /// sendmsg calls refused with ENOBUFS and retried.
    pub enobufs: u64,
}

impl ZcStats {
    pub fn plus(&self, o: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends + o.sends,
            completions: self.completions + o.completions,
            copied: self.copied + o.copied,
            enobufs: self.enobufs + o.enobufs,
        }
    }

    pub fn minus(&self, earlier: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends.saturating_sub(earlier.sends),
            completions: self.completions.saturating_sub(earlier.completions),
            copied: self.copied.saturating_sub(earlier.copied),
            enobufs: self.enobufs.saturating_sub(earlier.enobufs),
        }
    }

    /// Share of completed sends the kernel copied anyway, in percent.
    pub fn copied_pct(&self) -> Option<f64> {
        (self.completions > 0).then(|| self.copied as f64 * 100.0 / self.completions as f64)
    }
}

/// Zero-copy receive bookkeeping of the receiver threads (`--recv zerocopy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxZcStats {
    /// Payload bytes the kernel mapped into the receive window (no copy).
    pub mapped: u64,
    /// Payload bytes it could not map (`recv_skip_hint`), read with a copy.
    pub copied: u64,
}

impl RxZcStats {
    pub fn plus(&self, o: &RxZcStats) -> RxZcStats {
        RxZcStats {
            mapped: self.mapped + o.mapped,
            copied: self.copied + o.copied,
        }
    }

    pub fn minus(&self, earlier: &RxZcStats) -> RxZcStats {
        RxZcStats {
            mapped: self.mapped.saturating_sub(earlier.mapped),
            copied: self.copied.saturating_sub(earlier.copied),
        }
    }

    /// Share of received bytes the kernel mapped, in percent.
    pub fn mapped_pct(&self) -> Option<f64> {
        let all = self.mapped + self.copied;
        (all > 0).then(|| self.mapped as f64 * 100.0 / all as f64)
    }
}

/// What was measured over one interval (or one whole window: see [`ConfigResult`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Wall-clock seconds covered.
    pub seconds: f64,
    /// Payload bytes received by the client threads.
    pub bytes: u64,
    /// Whole messages received.
    pub messages: u64,
    /// Sender-side (server namespace) threads.
    pub tx: Counts,
    /// Receiver-side (client namespace) threads.
    pub rx: Counts,
    /// `--count cpu` where senders and receivers share pinned CPUs (`--pin pair`, an
    /// overlapping list): those CPUs' counts, which belong to neither side alone.
    /// `tx` and `rx` then hold the other CPUs only, and per-side figures are n/a.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub both: Option<Counts>,
    /// Present for zero-copy only.
    pub zc: Option<ZcStats>,
    /// Present for zero-copy receive (`--recv zerocopy`) only.
    #[serde(default)]
    pub rx_zc: Option<RxZcStats>,
    /// Where the CPU time went, from samples of the worker threads (none unless `--profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<super::profile::Profile>,
    /// This machine's in-cache memcpy cost, ns per byte (the copy roofline, see
    /// [`Roofline`]): carried with the window so its "copies' worth" needs nothing else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memcpy_ns_per_byte: Option<f64>,
}

impl Measured {
    /// The sentences that qualify this window's counter figures: what `--count cpu`
    /// counted, partial coverage (with the reason) and multiplexing.
    pub fn counter_sentences(&self) -> Vec<String> {
        let c = self.counts();
        let mut notes = Vec::new();
        notes.extend(self.count_note());
        if let Some(n) = c.coverage_note() {
            notes.push(format!("{n}; counter figures are partial sums"));
        }
        if c.scaled {
            if let Some(f) = c.ran_fraction() {
                notes.push(format!(
                    "hardware counters multiplexed: ran {:.1}% of the window, figures scaled",
                    f * 100.0
                ));
            }
        }
        notes
    }

    /// Everything counted: senders, receivers, and CPUs both share.
    pub fn counts(&self) -> Counts {
        let sum = self.tx.plus(&self.rx);
        match &self.both {
            Some(b) => sum.plus(b),
            None => sum,
        }
    }

    /// Counted per pinned CPU, system-wide (`--count cpu`), not per worker thread.
    pub fn per_cpu(&self) -> bool {
        !self.counts().cpus.is_empty()
    }

    /// Whether the counts can be told apart by side (not when pinned CPUs host both).
    pub fn sides_apart(&self) -> bool {
        self.both.is_none()
    }

    /// `--count cpu`: what the figures count and, where the sides share CPUs, why
    /// per-side figures are n/a; `None` for per-thread counts.
    pub fn count_note(&self) -> Option<String> {
        let all = self.counts().cpus;
        if all.is_empty() {
            return None;
        }
        let sides = match &self.both {
            Some(b) => format!(
                "; CPU{} {} run{} senders and receivers, so per-side figures are n/a (the sums hold them)",
                if b.cpus.len() == 1 { "" } else { "s" },
                b.cpus,
                if b.cpus.len() == 1 { "s" } else { "" }
            ),
            None if self.rx.cpus.is_empty() => format!(
                "; senders on CPU{} {} (no receivers)",
                if self.tx.cpus.len() == 1 { "" } else { "s" },
                self.tx.cpus
            ),
            None => format!(
                "; sender side = CPU{} {}, receiver side = CPU{} {}",
                if self.tx.cpus.len() == 1 { "" } else { "s" },
                self.tx.cpus,
                if self.rx.cpus.len() == 1 { "" } else { "s" },
                self.rx.cpus
            ),
        };
        Some(format!(
            "counted on CPU{} {all} system-wide: softirq, ksoftirqd and any other task on those CPUs included; CPU time from /proc/stat ticks{sides}",
            if all.len() == 1 { "" } else { "s" }
        ))
    }

    /// This window followed by `later`, as one window.
    pub fn then(&self, later: &Measured) -> Measured {
        Measured {
            seconds: self.seconds + later.seconds,
            bytes: self.bytes + later.bytes,
            messages: self.messages + later.messages,
            tx: self.tx.then(&later.tx),
            rx: self.rx.then(&later.rx),
            both: match (self.both, later.both) {
                (Some(x), Some(y)) => Some(x.then(&y)),
                (x, y) => x.or(y),
            },
            zc: match (self.zc, later.zc) {
                (Some(x), Some(y)) => Some(x.plus(&y)),
                (x, y) => x.or(y),
            },
            rx_zc: match (self.rx_zc, later.rx_zc) {
                (Some(x), Some(y)) => Some(x.plus(&y)),
                (x, y) => x.or(y),
            },
            profile: match (self.profile, later.profile) {
                (Some(x), Some(y)) => Some(x.then(&y)),
                (x, y) => x.or(y),
            },
            memcpy_ns_per_byte: self.memcpy_ns_per_byte.or(later.memcpy_ns_per_byte),
        }
    }
}

/// The copy roofline: what one memcpy of a byte costs on this machine, measured at
/// start, for a buffer that stays in cache and one that must come from DRAM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Roofline {
    pub cache_bytes: u64,
    pub cache_ns_per_byte: f64,
    pub dram_bytes: u64,
    pub dram_ns_per_byte: f64,
}

/// One interval's figures, published by the engine while a configuration runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub config: Config,
    /// 0, 1, 2… within this configuration's measured window.
    pub seq: u64,
    /// Seconds since the measured window of this configuration began (end of interval).
    pub elapsed_s: f64,
    pub interval: Measured,
    /// The kernel functions each side's samples fell in most, since the measured window
    /// began (a bounded list; none unless `--profile`, or in an older recording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<super::profile::TopFunctions>,
}

/// A finished configuration: its measured window, warm-up excluded. One matrix cell,
/// one CSV row. Only a window that ended well is one: a failed window is a [`Failure`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigResult {
    pub config: Config,
    pub total: Measured,
    /// Bytes written by the senders over the whole run (incl. warm-up) and bytes the
    /// receivers read; equal, or the configuration failed.
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Whether every payload byte was verified (`--verify`).
    pub verified: bool,
}

impl ConfigResult {
    /// A new window of the same configuration added to this one.
    pub fn merge(&self, new: &ConfigResult) -> ConfigResult {
        ConfigResult {
            config: new.config,
            total: self.total.then(&new.total),
            bytes_sent: self.bytes_sent + new.bytes_sent,
            bytes_received: self.bytes_received + new.bytes_received,
            verified: self.verified && new.verified,
        }
    }
}

/// Which side of a connection a worker thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Sender,
    Receiver,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Sender => "sender",
            Side::Receiver => "receiver",
        })
    }
}

/// Why a configuration produced no measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// Its threads or connections could not be set up.
    #[error("could not start: {message}")]
    Start { message: String },
    /// A worker's socket call failed mid-window (e.g. the connection was reset).
    #[error("{side} {index} failed: {message}")]
    Worker {
        side: Side,
        index: usize,
        message: String,
        /// The OS error number, where there was one.
        errno: Option<i32>,
    },
    /// A receiver found a payload byte that was not what the sender wrote.
    #[error("payload check failed: {message}")]
    Corrupt { message: String },
    /// Connection `connection` lost bytes on the way.
    #[error("connection {connection}: {sent} bytes sent but {received} arrived")]
    Lost {
        connection: usize,
        sent: u64,
        received: u64,
    },
    /// The window ran but no payload moved.
    #[error("no data moved in the measured window")]
    NoData,
    /// The user stopped it (Ctrl-C, a signal) before the window was complete.
    #[error("interrupted before the measured window was complete")]
    Interrupted,
}

/// Availability of one counter on this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterStatus {
    /// Column / metric name: cycles, instructions, l1d_misses, llc_misses, cache_misses, context_switches.
    pub metric: String,
    /// The perf event actually used, e.g. "L1-dcache-load-misses".
    pub event: String,
    pub available: bool,
    /// Why not available, or what the event really counts here.
    pub note: Option<String>,
}

/// How the reason of a figure `--count cpu` cannot have here begins.
pub const CPU_COUNT_NA: &str = "n/a with --count cpu: ";

/// What this machine offers, for the screen, recordings and the `n/a` reasons.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MachineInfo {
    pub tool_version: String,
    pub kernel: String,
    pub cpu_model: String,
    pub cores: usize,
    /// "veth … in two private namespaces" or "loopback 127.0.0.1 in the current namespace".
    pub network: String,
    pub counters: Vec<CounterStatus>,
    /// Set when perf_event_open was refused altogether.
    pub perf_error: Option<String>,
    /// What `--count cpu` counts here (every task on the pinned CPUs), with reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpu_counters: Vec<CounterStatus>,
    /// Set when this kernel refuses SO_ZEROCOPY (the zero-copy strategy cannot run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zerocopy_error: Option<String>,
    /// The sampling profiler: clock, rate and symbol source, when it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_note: Option<String>,
    /// Why there is no CPU-time breakdown (no `--profile`, perf refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_error: Option<String>,
    /// Strategies this kernel refuses here, each with the reason (io_uring disabled, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unavailable: BTreeMap<Strategy, String>,
    /// ISO-8601 start time.
    pub started: String,
    /// This machine's memcpy cost (in cache and from DRAM), measured at start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roofline: Option<Roofline>,
}

impl MachineInfo {
    pub fn counter(&self, metric: &str) -> Option<&CounterStatus> {
        self.counters.iter().find(|c| c.metric == metric)
    }

    /// `--count cpu`: the figures counting the pinned CPUs system-wide cannot have
    /// here though the machine offers their events (refused system-wide: permissions),
    /// with the reason; `None` when there are none.
    pub fn cpu_count_gaps(&self) -> Option<String> {
        let lost: Vec<&CounterStatus> = self
            .cpu_counters
            .iter()
            .filter(|c| {
                !c.available
                    && c.note
                        .as_deref()
                        .is_some_and(|n| n.starts_with(CPU_COUNT_NA))
            })
            .collect();
        let first = lost.first()?;
        Some(format!(
            "--count cpu: {} n/a: {}",
            lost.iter()
                .map(|c| c.metric.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            first
                .note
                .as_deref()
                .unwrap_or("not counted")
                .trim_start_matches(CPU_COUNT_NA)
        ))
    }

    /// Why `strategy` cannot run here, if it cannot.
    pub fn unavailable(&self, strategy: Strategy) -> Option<&str> {
        self.unavailable.get(&strategy).map(String::as_str)
    }
}

/// Everything the engine tells its consumers, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineEvent {
    /// Workers for this configuration are up; warm-up is running.
    Started {
        config: Config,
    },
    Sample(Sample),
    /// The measured window ended well: one measurement.
    Finished(ConfigResult),
    /// Something the user should know that does not stop the measurement.
    Notice {
        message: String,
    },
    /// A consumer fell behind and this many samples of `config` were not delivered.
    SamplesDropped {
        config: Config,
        count: u64,
    },
    /// The configuration could not run, or its window failed: no measurement.
    Failed {
        config: Config,
        failure: Failure,
    },
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

    #[test]
    fn windows_add_up_and_results_merge() {
        let a = Measured {
            seconds: 1.0,
            bytes: 10,
            messages: 1,
            tx: Counts {
                cycles: Some(5),
                ..Default::default()
            },
            ..Default::default()
        };
        let b = Measured {
            zc: Some(ZcStats {
                completions: 4,
                copied: 3,
                ..Default::default()
            }),
            ..a
        };
        let s = a.then(&b);
        assert_eq!((s.seconds, s.bytes, s.messages), (2.0, 20, 2));
        assert_eq!(s.tx.cycles, Some(10));
        assert_eq!(s.zc.unwrap().copied_pct(), Some(75.0));
        assert_eq!(ZcStats::default().copied_pct(), None);
        let r = ConfigResult {
            config: Config::new(crate::config::Strategy::OneCopy, 64, 1),
            total: a,
            bytes_sent: 10,
            bytes_received: 10,
            verified: true,
        };
        let m = r.merge(&ConfigResult {
            verified: false,
            ..r.clone()
        });
        assert_eq!(
            (m.bytes_sent, m.total.seconds, m.verified),
            (20, 2.0, false)
        );
    }

    #[test]
    fn shared_cpus_count_in_the_sums_and_are_said() {
        let cpu = |c: usize, ns: u64| Counts {
            cpu_ns: Some(ns),
            counted: 1,
            threads: 1,
            cpus: CpuSet::of([c]),
            ..Default::default()
        };
        let split = Measured {
            tx: cpu(0, 10),
            rx: cpu(1, 20),
            ..Default::default()
        };
        assert!(split.sides_apart());
        assert_eq!(split.counts().cpu_ns, Some(30));
        let note = split.count_note().unwrap();
        assert!(
            note.starts_with("counted on CPUs 0,1 system-wide: softirq, ksoftirqd and any other task on those CPUs included; CPU time from /proc/stat ticks"),
            "{note}"
        );
        assert!(
            note.ends_with("sender side = CPU 0, receiver side = CPU 1"),
            "{note}"
        );
        let pair = Measured {
            both: Some(cpu(0, 5).plus(&cpu(1, 7))),
            ..Default::default()
        };
        assert!(!pair.sides_apart());
        assert_eq!(pair.counts().cpu_ns, Some(12));
        assert_eq!(pair.counts().threads, 2);
        assert!(pair
            .count_note()
            .unwrap()
            .contains("CPUs 0,1 run senders and receivers"));
        assert_eq!(Measured::default().count_note(), None);
        // Two windows: the shared part adds up too.
        assert_eq!(pair.then(&pair).counts().cpu_ns, Some(24));
        // Coverage counts CPUs here.
        let refused = Counts {
            threads: 1,
            cpus: CpuSet::of([1]),
            gap: Some(Gap::Open {
                errno: libc::EACCES,
            }),
            ..Default::default()
        };
        assert_eq!(
            cpu(0, 1).plus(&refused).coverage_note().unwrap(),
            "counters counted on 1 of 2 CPUs: perf_event_open refused (Permission denied (os error 13))"
        );
        // Old recordings (no `both`, no `cpus`) still load; new ones round-trip.
        let old: Measured = serde_json::from_str(
            r#"{"seconds":1.0,"bytes":1,"messages":1,"tx":{"cycles":null,"instructions":null,"l1d_misses":null,"llc_misses":null,"cache_misses":null,"context_switches":null},"rx":{"cycles":null,"instructions":null,"l1d_misses":null,"llc_misses":null,"cache_misses":null,"context_switches":null},"zc":null}"#,
        )
        .unwrap();
        assert_eq!((old.both, old.tx.cpus), (None, CpuSet::default()));
        let text = serde_json::to_string(&Measured::default()).unwrap();
        assert!(!text.contains("both") && !text.contains("cpus"), "{text}");
        let text = serde_json::to_string(&pair).unwrap();
        assert_eq!(serde_json::from_str::<Measured>(&text).unwrap(), pair);
    }

    #[test]
    fn events_round_trip_as_json() {
        let config = Config::new(crate::config::Strategy::TwoCopy, 64, 1);
        for e in [
            EngineEvent::Notice {
                message: "x".into(),
            },
            EngineEvent::Failed {
                config,
                failure: Failure::Worker {
                    side: Side::Receiver,
                    index: 0,
                    message: "Connection reset by peer".into(),
                    errno: Some(104),
                },
            },
        ] {
            let s = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<EngineEvent>(&s).unwrap(), e);
        }
    }
}

//! Where the CPU time goes: a sampling perf event (software `cpu-clock`, or `cycles`
//! where a PMU offers it), IP and thread id, user + kernel; one system-wide sampler
//! per CPU whose samples go to a side by the worker threads' ids ([`Scope`]), or one
//! per worker thread where system-wide sampling is refused. The sampler thread
//! drains the ring buffers ([`ProfileProbe::drain`]); the hot path never touches them. Kernel IPs are named through /proc/kallsyms (loaded once,
//! binary search) and put in one [`Bucket`] each ([`buckets`]).

pub mod buckets;

pub use buckets::Bucket;

use perf_event::events::{Hardware, Software};
use perf_event::{Builder, SampleFlag, Sampler};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which clock the samples were taken on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Clock {
    /// Software hrtimer on the thread's CPU time: each sample stands for its period in
    /// ns; it cannot fire while interrupts are off (see [`Bucket::IrqLate`]).
    CpuClock,
    /// The PMU's cycle counter, NMI-based: no irq-off skid; shares scaled to task-clock.
    Cycles,
}

impl Clock {
    pub fn event_name(self) -> &'static str {
        match self {
            Clock::CpuClock => "cpu-clock",
            Clock::Cycles => "cycles",
        }
    }
}

/// One side's samples over a window, per bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideProfile {
    pub samples: [u64; 9],
    /// Sum of the samples' periods: ns on `cpu-clock`, cycles on `cycles`.
    pub weight: [u64; 9],
    /// Samples the kernel could not write (ring buffer full).
    pub lost: u64,
    /// Threads of this side that were sampled.
    pub threads: u32,
}

impl SideProfile {
    pub fn total_weight(&self) -> u64 {
        self.weight.iter().sum()
    }

    pub fn total_samples(&self) -> u64 {
        self.samples.iter().sum()
    }

    fn add(&mut self, b: Bucket, period: u64) {
        self.samples[b.index()] += 1;
        self.weight[b.index()] += period;
    }

    pub fn plus(&self, o: &SideProfile) -> SideProfile {
        let mut s = *self;
        for i in 0..9 {
            s.samples[i] += o.samples[i];
            s.weight[i] += o.weight[i];
        }
        s.lost += o.lost;
        s.threads = s.threads.max(o.threads);
        s
    }

    pub fn minus(&self, earlier: &SideProfile) -> SideProfile {
        let mut s = *self;
        for i in 0..9 {
            s.samples[i] = s.samples[i].saturating_sub(earlier.samples[i]);
            s.weight[i] = s.weight[i].saturating_sub(earlier.weight[i]);
        }
        s.lost = s.lost.saturating_sub(earlier.lost);
        s
    }

    /// CPU ns the bucket stands for: its sampled time on `cpu-clock`; on `cycles`, its
    /// share of the samples times the side's task-clock `cpu_ns`.
    pub fn ns(&self, clock: Clock, b: Bucket, cpu_ns: Option<u64>) -> Option<f64> {
        let w = self.weight[b.index()] as f64;
        match clock {
            Clock::CpuClock => Some(w),
            Clock::Cycles => {
                let total = self.total_weight() as f64;
                (total > 0.0).then_some(w / total * cpu_ns? as f64)
            }
        }
    }

    /// The bucket's share of the side's samples, in percent.
    pub fn pct(&self, b: Bucket) -> Option<f64> {
        let total = self.total_weight() as f64;
        (total > 0.0).then(|| self.weight[b.index()] as f64 * 100.0 / total)
    }
}

/// Both sides' samples over a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub clock: Clock,
    /// Kernel addresses could not be named: only user vs kernel is known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unresolved: bool,
    pub tx: SideProfile,
    pub rx: SideProfile,
}

impl Profile {
    fn side_mut(&mut self, side: Side) -> &mut SideProfile {
        match side {
            Side::Tx => &mut self.tx,
            Side::Rx => &mut self.rx,
        }
    }

    pub fn then(&self, later: &Profile) -> Profile {
        Profile {
            clock: later.clock,
            unresolved: self.unresolved || later.unresolved,
            tx: self.tx.plus(&later.tx),
            rx: self.rx.plus(&later.rx),
        }
    }

    pub fn minus(&self, earlier: &Profile) -> Profile {
        Profile {
            clock: self.clock,
            unresolved: self.unresolved,
            tx: self.tx.minus(&earlier.tx),
            rx: self.rx.minus(&earlier.rx),
        }
    }
}

/// The kernel's text symbols, sorted by address.
pub struct Kallsyms {
    addrs: Vec<u64>,
    names: Vec<String>,
}

impl Kallsyms {
    /// Parses /proc/kallsyms text; an error where it shows no addresses (not root,
    /// kptr_restrict).
    pub fn parse(text: &str) -> Result<Kallsyms, String> {
        let mut syms: Vec<(u64, &str)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let addr = u64::from_str_radix(f.next()?, 16).ok()?;
                let kind = f.next()?;
                let name = f.next()?;
                matches!(kind, "t" | "T" | "w" | "W").then_some((addr, name))
            })
            .collect();
        if syms.iter().all(|(a, _)| *a == 0) {
            return Err(
                "/proc/kallsyms shows no kernel addresses (kernel.kptr_restrict, or not root): kernel time is not broken down".into(),
            );
        }
        syms.retain(|(a, _)| *a != 0);
        syms.sort_by_key(|(a, _)| *a);
        Ok(Kallsyms {
            addrs: syms.iter().map(|(a, _)| *a).collect(),
            names: syms.iter().map(|(_, n)| n.to_string()).collect(),
        })
    }

    /// The symbol an address falls in: the nearest one at or below it.
    pub fn lookup(&self, addr: u64) -> Option<usize> {
        match self.addrs.binary_search(&addr) {
            Ok(i) => Some(i),
            Err(0) => None,
            Err(i) => Some(i - 1),
        }
    }

    pub fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    pub fn len(&self) -> usize {
        self.addrs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty()
    }
}

/// /proc/kallsyms, read once per process.
pub fn kallsyms() -> &'static Result<Kallsyms, String> {
    static SYMS: OnceLock<Result<Kallsyms, String>> = OnceLock::new();
    SYMS.get_or_init(|| {
        std::fs::read_to_string("/proc/kallsyms")
            .map_err(|e| format!("/proc/kallsyms unreadable ({e}): kernel time is not broken down"))
            .and_then(|t| Kallsyms::parse(&t))
    })
}

/// Kernel address → bucket, remembering each symbol's bucket.
pub struct Classifier {
    syms: Option<&'static Kallsyms>,
    cache: HashMap<usize, Bucket>,
}

impl Classifier {
    pub fn new(syms: Option<&'static Kallsyms>) -> Classifier {
        Classifier {
            syms,
            cache: HashMap::new(),
        }
    }

    /// The bucket of a kernel address, and the symbol it falls in where it is named.
    pub fn kernel(&mut self, ip: u64) -> (Bucket, Option<usize>) {
        let Some(syms) = self.syms else {
            return (Bucket::Kernel, None);
        };
        match syms.lookup(ip) {
            Some(i) => (self.bucket_of(i), Some(i)),
            None => (Bucket::Other, None),
        }
    }

    /// The bucket of a named symbol (`Other` where nothing is named).
    fn bucket_of(&mut self, symbol: usize) -> Bucket {
        let Some(syms) = self.syms else {
            return Bucket::Other;
        };
        *self
            .cache
            .entry(symbol)
            .or_insert_with(|| buckets::classify(syms.name(symbol)))
    }
}

/// How many kernel functions per side a [`TopFunctions`] lists.
pub const TOP_FUNCTIONS: usize = 10;

/// One kernel function's samples on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionSamples {
    pub name: String,
    pub bucket: Bucket,
    pub samples: u64,
}

/// The kernel functions one side's samples fell in most often.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideTop {
    /// Every sample of the side, user space and unnamed kernel addresses included: what
    /// a function's share is of.
    pub samples: u64,
    /// Most samples first, at most [`TOP_FUNCTIONS`].
    pub functions: Vec<FunctionSamples>,
}

impl SideTop {
    /// A function's share of the side's samples, in percent.
    pub fn pct(&self, f: &FunctionSamples) -> Option<f64> {
        (self.samples > 0).then(|| f.samples as f64 * 100.0 / self.samples as f64)
    }
}

/// The kernel functions of the configuration being measured, per side, counted since
/// its measured window began: a bounded list, published with each sample.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopFunctions {
    pub tx: SideTop,
    pub rx: SideTop,
}

/// Samples per kernel symbol, per side: kept by the sampler thread as it drains, so
/// the workers never pay for it.
#[derive(Default)]
struct FunctionTally {
    /// Symbol index (in [`Kallsyms`]) → samples, for the sender and the receiver.
    counts: [HashMap<usize, u64>; 2],
    /// Every sample per side, named or not.
    samples: [u64; 2],
}

impl FunctionTally {
    fn add(&mut self, side: Side, symbol: Option<usize>) {
        let i = side as usize;
        self.samples[i] += 1;
        if let Some(s) = symbol {
            *self.counts[i].entry(s).or_default() += 1;
        }
    }

    fn clear(&mut self) {
        *self = FunctionTally::default();
    }

    /// The `n` functions with most samples per side (ties by name, so the list is stable).
    fn top(&self, n: usize, classify: &mut Classifier) -> TopFunctions {
        let mut side = |i: usize| {
            let mut v: Vec<(usize, u64)> = self.counts[i].iter().map(|(s, c)| (*s, *c)).collect();
            let syms = classify.syms;
            let name = |s: usize| syms.map_or("", |k| k.name(s));
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
            v.truncate(n);
            SideTop {
                samples: self.samples[i],
                functions: v
                    .into_iter()
                    .map(|(s, c)| FunctionSamples {
                        name: name(s).to_string(),
                        bucket: classify.bucket_of(s),
                        samples: c,
                    })
                    .collect(),
            }
        };
        let tx = side(Side::Tx as usize);
        let rx = side(Side::Rx as usize);
        TopFunctions { tx, rx }
    }
}

/// Where the samplers sit, decided once ([`ProfilePlan::probe`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One system-wide sampler per CPU the workers may run on; each sample goes to a
    /// side by its thread id, samples of other threads are dropped. The per-CPU
    /// timers run continuously: a context switch never re-arms them.
    PerCpu(Vec<usize>),
    /// One sampler per worker thread, where system-wide sampling is refused: the
    /// kernel re-arms a thread's timer at each of its context switches (a VM exit
    /// each in a guest), which costs throughput at high switch rates.
    PerThread,
}

/// How the engine samples, decided once ([`ProfilePlan::probe`]).
#[derive(Clone, Debug)]
pub struct ProfilePlan {
    pub clock: Clock,
    pub scope: Scope,
    /// Samples per second of each thread's CPU time.
    pub rate_hz: u32,
    /// Said beside the breakdown: clock, rate, and what is not resolved.
    pub note: String,
}

/// Default sampling rate (per CPU, or per worker thread where sampled per thread).
/// Each sample is a timer interrupt on a measured CPU (a VM exit in a guest): on our
/// 2-vCPU VMs 2000 Hz cost one-copy 64K ×1 8–14 % throughput (median of 8 interleaved
/// pairs, three sessions); at 500 Hz no cost was measurable (0.97–1.01× throughput,
/// 1.00× CPU ns/B at 4K and 64K; README). 500 Hz still gives ~1000 samples per busy
/// side in a 2 s window: a bucket's share to about ±1.5 points.
pub const DEFAULT_RATE_HZ: u32 = 500;

/// Ring buffer per sampler: a CPU sampled at 4 kHz writes about 128 KiB a second of
/// 32-byte records, drained every [`DRAIN_PERIOD`].
const RING_BYTES: usize = 128 << 10;

/// How often the sampler thread empties the ring buffers between samples.
pub const DRAIN_PERIOD: std::time::Duration = std::time::Duration::from_millis(100);

const MISC_CPUMODE_MASK: u16 = 7;
const MISC_USER: u16 = 2;
const MISC_GUEST_USER: u16 = 5;

/// Who a sampler observes.
#[derive(Clone, Copy)]
enum Target {
    /// The calling thread (probing).
    Myself,
    Thread(i32),
    /// Every thread on this CPU.
    Cpu(usize),
}

impl ProfilePlan {
    /// Prefers `cycles` (NMI: no irq-off skid) where the PMU samples it, else
    /// `cpu-clock`; per CPU on `cpus` where system-wide sampling is allowed, else per
    /// thread. `Err` when neither clock can be opened here.
    pub fn probe(rate_hz: u32, cpus: &[usize]) -> Result<ProfilePlan, String> {
        let clock = if open(Clock::Cycles, rate_hz, Target::Myself).is_ok() {
            Clock::Cycles
        } else {
            open(Clock::CpuClock, rate_hz, Target::Myself).map_err(|e| {
                format!("sampling profiler unavailable: perf_event_open(cpu-clock) refused ({e})")
            })?;
            Clock::CpuClock
        };
        let (scope, scope_note) = match cpus
            .iter()
            .try_for_each(|&c| open(clock, rate_hz, Target::Cpu(c)).map(drop))
        {
            Ok(()) if !cpus.is_empty() => (
                Scope::PerCpu(cpus.to_vec()),
                format!(
                    "per CPU ({} CPUs), samples given to the worker threads by thread id",
                    cpus.len()
                ),
            ),
            r => (
                Scope::PerThread,
                format!(
                    "per worker thread (system-wide sampling refused: {}), which costs throughput at high context-switch rates",
                    r.err().map_or("no CPUs".to_string(), |e| e.to_string())
                ),
            ),
        };
        let syms = match kallsyms() {
            Ok(k) => format!("kernel symbols from /proc/kallsyms ({} functions)", k.len()),
            Err(e) => e.clone(),
        };
        let skid = match clock {
            Clock::CpuClock => {
                "no PMU: time with interrupts off is attributed late (irq-late bucket)"
            }
            Clock::Cycles => "PMU cycles, NMI-based: no irq-off skid",
        };
        Ok(ProfilePlan {
            clock,
            scope,
            rate_hz,
            note: format!(
                "sampled on {} at {rate_hz} Hz {scope_note}; {skid}; {syms}",
                clock.event_name()
            ),
        })
    }

    /// Opens and enables the samplers of one configuration's worker threads.
    pub fn open(&self, tx: &[i32], rx: &[i32]) -> std::io::Result<ProfileProbe> {
        let enabled = |target| -> std::io::Result<Sampler> {
            let mut s = open(self.clock, self.rate_hz, target)?;
            s.enable()?;
            Ok(s)
        };
        let sources = match &self.scope {
            Scope::PerCpu(cpus) => Sources::Cpus {
                samplers: cpus
                    .iter()
                    .map(|&c| enabled(Target::Cpu(c)))
                    .collect::<std::io::Result<_>>()?,
                sides: tx
                    .iter()
                    .map(|&t| (t as u32, Side::Tx))
                    .chain(rx.iter().map(|&t| (t as u32, Side::Rx)))
                    .collect(),
            },
            Scope::PerThread => {
                let open = |tids: &[i32]| {
                    tids.iter()
                        .map(|&t| enabled(Target::Thread(t)))
                        .collect::<std::io::Result<Vec<_>>>()
                };
                Sources::Threads {
                    tx: open(tx)?,
                    rx: open(rx)?,
                }
            }
        };
        Ok(ProfileProbe::new(self.clock, sources, tx.len(), rx.len()))
    }
}

fn open(clock: Clock, rate_hz: u32, target: Target) -> std::io::Result<Sampler> {
    let mut b = match clock {
        Clock::CpuClock => {
            let mut b = Builder::new(Software::CPU_CLOCK);
            // cpu-clock's period is in ns of CPU time.
            b.sample_period(1_000_000_000 / u64::from(rate_hz.max(1)));
            b
        }
        Clock::Cycles => {
            let mut b = Builder::new(Hardware::CPU_CYCLES);
            b.sample_frequency(u64::from(rate_hz.max(1)));
            b
        }
    };
    match target {
        Target::Myself => b.observe_self().any_cpu(),
        Target::Thread(t) => b.observe_pid(t).any_cpu(),
        // The idle task's samples would only be dropped: the kernel need not write them.
        Target::Cpu(c) => b.any_pid().one_cpu(c).exclude_idle(true),
    };
    b.include_kernel()
        .exclude_hv(true)
        .sample(SampleFlag::IP | SampleFlag::TID | SampleFlag::PERIOD);
    b.build()?.sampled(RING_BYTES)
}

/// One sample, or samples the kernel could not write.
enum Record {
    Sample {
        tid: u32,
        bucket: Bucket,
        /// The kernel symbol it fell in, where named.
        symbol: Option<usize>,
        period: u64,
    },
    Lost(u64),
}

/// Moves every record in a ring buffer to `each`.
fn drain_ring(sampler: &mut Sampler, classify: &mut Classifier, mut each: impl FnMut(Record)) {
    use perf_event::data::Record as R;
    while let Some(rec) = sampler.next_record() {
        let mode = rec.misc() & MISC_CPUMODE_MASK;
        match rec.parse_record() {
            Ok(R::Sample(s)) => {
                let (Some(ip), period) = (s.ip(), s.period().unwrap_or(0)) else {
                    continue;
                };
                let (bucket, symbol) = if mode == MISC_USER || mode == MISC_GUEST_USER {
                    (Bucket::User, None)
                } else {
                    classify.kernel(ip)
                };
                each(Record::Sample {
                    tid: s.tid().unwrap_or(0),
                    bucket,
                    symbol,
                    period,
                });
            }
            Ok(R::Lost(l)) => each(Record::Lost(l.lost)),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Tx = 0,
    Rx = 1,
}

/// The ring buffers of one configuration.
enum Sources {
    /// One per worker thread, by side.
    Threads { tx: Vec<Sampler>, rx: Vec<Sampler> },
    /// One per CPU, and which worker thread id is on which side.
    Cpus {
        samplers: Vec<Sampler>,
        sides: HashMap<u32, Side>,
    },
}

/// Samplers are opened by the engine and handed to the sampler thread.
const _: () = {
    const fn is_send<T: Send>() {}
    is_send::<ProfileProbe>()
};

/// All samplers of one configuration, and the running totals per side.
pub struct ProfileProbe {
    pub clock: Clock,
    sources: Sources,
    classify: Classifier,
    totals: Profile,
    functions: FunctionTally,
}

impl ProfileProbe {
    fn new(clock: Clock, sources: Sources, tx: usize, rx: usize) -> ProfileProbe {
        let mut totals = Profile {
            clock,
            unresolved: kallsyms().is_err(),
            tx: SideProfile::default(),
            rx: SideProfile::default(),
        };
        totals.tx.threads = tx as u32;
        totals.rx.threads = rx as u32;
        ProfileProbe {
            clock,
            sources,
            classify: Classifier::new(kallsyms().as_ref().ok()),
            totals,
            functions: FunctionTally::default(),
        }
    }

    /// Drains every ring buffer; returns the cumulative totals.
    pub fn drain(&mut self) -> Profile {
        let (classify, totals, functions) =
            (&mut self.classify, &mut self.totals, &mut self.functions);
        match &mut self.sources {
            Sources::Threads { tx, rx } => {
                for (rings, side) in [(tx, Side::Tx), (rx, Side::Rx)] {
                    for s in rings {
                        // Each ring is one thread's: its records are that side's.
                        drain_ring(s, classify, |r| match r {
                            Record::Sample {
                                bucket,
                                symbol,
                                period,
                                ..
                            } => count(side, totals, functions, bucket, symbol, period),
                            Record::Lost(n) => totals.side_mut(side).lost += n,
                        });
                    }
                }
            }
            Sources::Cpus { samplers, sides } => {
                for s in samplers {
                    drain_ring(s, classify, |r| attribute(sides, totals, functions, r));
                }
            }
        }
        self.totals
    }

    /// Starts counting samples per kernel function afresh (at the measured window's
    /// start: warm-up is not in the top list).
    pub fn restart_functions(&mut self) {
        self.functions.clear();
    }

    /// Each side's [`TOP_FUNCTIONS`] kernel functions since [`Self::restart_functions`].
    pub fn top_functions(&mut self) -> TopFunctions {
        self.functions.top(TOP_FUNCTIONS, &mut self.classify)
    }
}

/// A per-CPU record: a worker thread's sample to its side by its thread id, other
/// threads' dropped. Lost records name no thread: they are counted on the sending side.
fn attribute(
    sides: &HashMap<u32, Side>,
    totals: &mut Profile,
    functions: &mut FunctionTally,
    r: Record,
) {
    match r {
        Record::Sample {
            tid,
            bucket,
            symbol,
            period,
        } => {
            if let Some(&side) = sides.get(&tid) {
                count(side, totals, functions, bucket, symbol, period);
            }
        }
        Record::Lost(n) => totals.tx.lost += n,
    }
}

/// One sample of a worker thread: its bucket's time, and its kernel function.
fn count(
    side: Side,
    totals: &mut Profile,
    functions: &mut FunctionTally,
    bucket: Bucket,
    symbol: Option<usize>,
    period: u64,
) {
    totals.side_mut(side).add(bucket, period);
    functions.add(side, symbol);
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
0000000000000000 D __per_cpu_start
ffffffff81baee30 T _copy_to_iter
ffffffff81bae760 T _copy_from_iter
ffffffff81c00000 t tcp_sendmsg_locked
ffffffff81d00000 T __schedule
ffffffffc0001000 t veth_xmit\t[veth]
";

    #[test]
    fn kallsyms_names_addresses_by_the_nearest_symbol_below() {
        let k = Kallsyms::parse(TEXT).unwrap();
        assert_eq!(k.len(), 5);
        let name = |a| k.lookup(a).map(|i| k.name(i).to_string());
        assert_eq!(name(0xffffffff81baee30).as_deref(), Some("_copy_to_iter"));
        assert_eq!(name(0xffffffff81baee90).as_deref(), Some("_copy_to_iter"));
        assert_eq!(name(0xffffffff81bae800).as_deref(), Some("_copy_from_iter"));
        assert_eq!(name(0xffffffffc0001010).as_deref(), Some("veth_xmit"));
        assert_eq!(name(0x1000), None);
        let mut c = Classifier::new(None);
        assert_eq!(c.kernel(0xffffffff81baee90), (Bucket::Kernel, None));
    }

    /// A window with no samples yet, on the CPU clock.
    fn empty_profile() -> Profile {
        Profile {
            clock: Clock::CpuClock,
            unresolved: false,
            tx: SideProfile::default(),
            rx: SideProfile::default(),
        }
    }

    #[test]
    fn per_cpu_samples_go_to_their_threads_side_and_others_are_dropped() {
        let sides = HashMap::from([(10, Side::Tx), (11, Side::Rx)]);
        let mut p = empty_profile();
        let mut f = FunctionTally::default();
        let sample = |tid, bucket| Record::Sample {
            tid,
            bucket,
            symbol: None,
            period: 500,
        };
        attribute(&sides, &mut p, &mut f, sample(10, Bucket::Copy));
        attribute(&sides, &mut p, &mut f, sample(11, Bucket::Tcp));
        attribute(&sides, &mut p, &mut f, sample(11, Bucket::Tcp));
        // Another process's thread, the sampler thread, the idle task.
        attribute(&sides, &mut p, &mut f, sample(999, Bucket::Copy));
        attribute(&sides, &mut p, &mut f, sample(0, Bucket::Sched));
        attribute(&sides, &mut p, &mut f, Record::Lost(3));
        assert_eq!(p.tx.weight[Bucket::Copy.index()], 500);
        assert_eq!(p.tx.total_weight(), 500);
        assert_eq!(p.rx.weight[Bucket::Tcp.index()], 1000);
        assert_eq!(p.rx.total_weight(), 1000);
        assert_eq!((p.tx.lost, p.rx.lost), (3, 0));
        assert_eq!(f.samples, [1, 2]);
    }

    #[test]
    fn the_top_functions_are_counted_per_side_most_first_and_restart_with_the_window() {
        let syms: &'static Kallsyms = Box::leak(Box::new(Kallsyms::parse(TEXT).unwrap()));
        let mut classify = Classifier::new(Some(syms));
        let sides = HashMap::from([(10, Side::Tx), (11, Side::Rx)]);
        let mut p = empty_profile();
        let mut f = FunctionTally::default();
        let mut at = |tid: u32, ip: u64, user: bool, f: &mut FunctionTally| {
            let (bucket, symbol) = if user {
                (Bucket::User, None)
            } else {
                classify.kernel(ip)
            };
            let r = Record::Sample {
                tid,
                bucket,
                symbol,
                period: 500,
            };
            attribute(&sides, &mut p, f, r);
        };
        // Sender: 3 in _copy_from_iter, 1 in tcp_sendmsg_locked, 1 in user space.
        for _ in 0..3 {
            at(10, 0xffffffff81bae800, false, &mut f);
        }
        at(10, 0xffffffff81c00010, false, &mut f);
        at(10, 0x401000, true, &mut f);
        // Receiver: _copy_to_iter and veth_xmit once each; another thread's sample dropped.
        at(11, 0xffffffff81baee40, false, &mut f);
        at(11, 0xffffffffc0001010, false, &mut f);
        at(12, 0xffffffff81d00000, false, &mut f);
        let top = f.top(TOP_FUNCTIONS, &mut classify);
        assert_eq!(top.tx.samples, 5);
        let tx: Vec<(&str, Bucket, u64)> = top
            .tx
            .functions
            .iter()
            .map(|x| (x.name.as_str(), x.bucket, x.samples))
            .collect();
        assert_eq!(
            tx,
            [
                ("_copy_from_iter", Bucket::Copy, 3),
                ("tcp_sendmsg_locked", Bucket::Tcp, 1)
            ]
        );
        assert_eq!(top.tx.pct(&top.tx.functions[0]), Some(60.0));
        // Ties in name order.
        let rx: Vec<&str> = top.rx.functions.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(rx, ["_copy_to_iter", "veth_xmit"]);
        assert_eq!(f.top(1, &mut classify).tx.functions.len(), 1);
        f.clear();
        assert_eq!(f.top(TOP_FUNCTIONS, &mut classify), TopFunctions::default());
    }

    #[test]
    fn hidden_addresses_are_said_not_guessed() {
        let hidden = "0000000000000000 T _copy_to_iter\n0000000000000000 T tcp_ack\n";
        let e = Kallsyms::parse(hidden).err().unwrap();
        assert!(e.contains("kptr_restrict"), "{e}");
    }

    #[test]
    fn windows_subtract_and_add() {
        let mut a = SideProfile::default();
        a.add(Bucket::Copy, 500);
        a.add(Bucket::Tcp, 500);
        let mut b = a;
        b.add(Bucket::Copy, 500);
        b.add(Bucket::Copy, 500);
        let d = b.minus(&a);
        assert_eq!(d.samples[Bucket::Copy.index()], 2);
        assert_eq!(d.total_weight(), 1000);
        assert_eq!(d.pct(Bucket::Copy), Some(100.0));
        assert_eq!(a.plus(&d).total_weight(), b.total_weight());
        // On cycles the shares scale the side's task-clock.
        assert_eq!(a.ns(Clock::Cycles, Bucket::Copy, Some(4000)), Some(2000.0));
        assert_eq!(a.ns(Clock::CpuClock, Bucket::Copy, None), Some(500.0));
        assert_eq!(a.ns(Clock::Cycles, Bucket::Copy, None), None);
    }
}

//! Where and on which clock the engine samples, decided once; opening the samplers.

use super::probe::{ProfileProbe, Sources};
use super::{kallsyms, Clock, Side};
use perf_event::events::{Hardware, Software};
use perf_event::{Builder, SampleFlag, Sampler};

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
                format!(
                    "sampling profiler unavailable: perf_event_open(cpu-clock) refused ({e}){}",
                    crate::error::SEE_DOCTOR
                )
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

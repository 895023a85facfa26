//! Where the CPU time goes: a sampling perf event (software `cpu-clock`, or `cycles`
//! where a PMU offers it), IP and thread id, user + kernel; one system-wide sampler
//! per CPU whose samples go to a side by the worker threads' ids ([`Scope`]), or one
//! per worker thread where system-wide sampling is refused. The sampler thread
//! drains the ring buffers ([`ProfileProbe::drain`]); the hot path never touches them. Kernel IPs are named through /proc/kallsyms (loaded once,
//! binary search) and put in one [`Bucket`] each ([`buckets`]).

pub mod buckets;
mod kallsyms;
mod plan;
mod probe;
mod top;

pub use buckets::Bucket;
pub use kallsyms::{kallsyms, Classifier, Kallsyms};
pub use plan::{ProfilePlan, Scope, DEFAULT_RATE_HZ, DRAIN_PERIOD};
pub use probe::ProfileProbe;
pub use top::{FunctionSamples, SideTop, TopFunctions, TOP_FUNCTIONS};

use serde::{Deserialize, Serialize};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Tx = 0,
    Rx = 1,
}

#[cfg(test)]
mod tests;

//! The noise sentinel's window: how much of the machine other work took while we
//! measured, so a figure taken on a busy machine is said to be one.

use serde::{Deserialize, Serialize};

/// Other work (and steal) above this many CPUs' worth, averaged over a window, marks
/// the window as taken on a busy machine.
///
/// A quarter of one CPU. An idle machine's background (kernel threads, timers,
/// daemons) stays well below it: 0.00-0.04 CPU on this 2-CPU VM, read from /proc/stat
/// half a second at a time; so does the rounding of /proc/stat's summed line, which
/// the kernel rounds to a tick once (< 10 ms per window: 0.03 CPU over 0.3 s). Our
/// traffic's softirq work that ksoftirqd does counts as other work: 0.06 CPU at
/// one-copy 64K here. It is an absolute amount, not a share of the
/// machine, because other work disturbs our workers by what it runs (it takes their
/// CPU, evicts their cache lines, competes for memory bandwidth) wherever the machine
/// has more CPUs: on the 2 CPUs one thread pair already fills, a quarter CPU is an
/// eighth of the capacity the workers had, more than the run-to-run differences the
/// report is asked to tell apart.
pub const NOISY_CPUS: f64 = 0.25;

/// Whether a window with `cpus` CPUs' worth of other work and steal is marked.
pub fn is_noisy(cpus: f64) -> bool {
    cpus > NOISY_CPUS
}

/// The whole machine over one window, from /proc/stat and our threads' CPU clocks.
/// Plain sums, so two windows add up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Noise {
    /// The window's wall time, ns.
    pub wall_ns: u64,
    /// Wall time × the machine's CPUs: its CPU capacity over the window.
    pub capacity_ns: u64,
    /// What ran on all CPUs: capacity minus idle, iowait and steal.
    pub busy_ns: u64,
    /// Of that, our own threads' (the workers' and the sampler's CPU clocks).
    pub ours_ns: u64,
    /// Time the hypervisor ran something else on this machine's CPUs.
    pub steal_ns: u64,
}

impl Noise {
    /// What ran that was not ours. Our threads' softirq work done in ksoftirqd
    /// counts here too (it is not in their clocks).
    pub fn other_ns(&self) -> u64 {
        self.busy_ns.saturating_sub(self.ours_ns)
    }

    fn pct(&self, ns: u64) -> Option<f64> {
        (self.capacity_ns > 0).then(|| (ns as f64 * 100.0 / self.capacity_ns as f64).min(100.0))
    }

    /// Other work as a share of the machine's CPU capacity, %.
    pub fn other_pct(&self) -> Option<f64> {
        self.pct(self.other_ns())
    }

    /// Steal as a share of the machine's CPU capacity, %.
    pub fn steal_pct(&self) -> Option<f64> {
        self.pct(self.steal_ns)
    }

    /// Other work and steal, in CPUs' worth averaged over the window: what
    /// [`NOISY_CPUS`] is compared with.
    pub fn cpus_worth(&self) -> Option<f64> {
        (self.wall_ns > 0).then(|| (self.other_ns() + self.steal_ns) as f64 / self.wall_ns as f64)
    }

    /// The machine's CPUs (capacity over wall time).
    pub fn cpus(&self) -> Option<u64> {
        (self.wall_ns > 0).then(|| (self.capacity_ns as f64 / self.wall_ns as f64).round() as u64)
    }

    pub fn noisy(&self) -> bool {
        self.cpus_worth().is_some_and(is_noisy)
    }

    /// "the machine was 35 % busy with other work (…)" for a marked window.
    pub fn note(&self) -> Option<String> {
        if !self.noisy() {
            return None;
        }
        let (other, steal) = (self.other_pct()?, self.steal_pct()?);
        let cpus = self.cpus()?;
        let stolen = if steal >= 0.5 {
            format!(", {steal:.0} % stolen by the hypervisor")
        } else {
            String::new()
        };
        Some(format!(
            "the machine was {:.0} % busy with other work: {:.2} of its {cpus} CPU{}{stolen}; figures may be off",
            (other + steal).min(100.0),
            self.cpus_worth()?,
            if cpus == 1 { "" } else { "s" },
        ))
    }

    /// This window and another as one.
    pub fn plus(&self, o: &Noise) -> Noise {
        Noise {
            wall_ns: self.wall_ns + o.wall_ns,
            capacity_ns: self.capacity_ns + o.capacity_ns,
            busy_ns: self.busy_ns + o.busy_ns,
            ours_ns: self.ours_ns + o.ours_ns,
            steal_ns: self.steal_ns + o.steal_ns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_the_threshold_decision() {
        // 1 s on 2 CPUs: 1.5 s ran, 1.2 s of it ours, 0.1 s stolen.
        let n = Noise {
            wall_ns: 1_000_000_000,
            capacity_ns: 2_000_000_000,
            busy_ns: 1_500_000_000,
            ours_ns: 1_200_000_000,
            steal_ns: 100_000_000,
        };
        assert_eq!(n.other_ns(), 300_000_000);
        assert_eq!(n.other_pct(), Some(15.0));
        assert_eq!(n.steal_pct(), Some(5.0));
        assert_eq!(n.cpus_worth(), Some(0.4));
        assert_eq!(n.cpus(), Some(2));
        assert!(n.noisy());
        assert_eq!(
            n.note().unwrap(),
            "the machine was 20 % busy with other work: 0.40 of its 2 CPUs, 5 % stolen by the hypervisor; figures may be off"
        );
        // A quarter CPU exactly is not marked; just above it is.
        let quarter = Noise {
            busy_ns: 1_250_000_000,
            ours_ns: 1_000_000_000,
            steal_ns: 0,
            ..n
        };
        assert_eq!(quarter.cpus_worth(), Some(0.25));
        assert!(!quarter.noisy() && quarter.note().is_none());
        assert!(is_noisy(0.2501) && !is_noisy(0.25));
        // Our clocks may run ahead of /proc/stat's tick rounding: never negative.
        let ahead = Noise {
            ours_ns: 2_000_000_000,
            steal_ns: 0,
            ..n
        };
        assert_eq!((ahead.other_ns(), ahead.other_pct()), (0, Some(0.0)));
        // Nothing measured: no shares, never marked.
        assert_eq!(Noise::default().other_pct(), None);
        assert!(!Noise::default().noisy());
        // Two windows add up; the shares are of the whole.
        let quiet = Noise {
            busy_ns: 1_000_000_000,
            ours_ns: 1_000_000_000,
            steal_ns: 0,
            ..n
        };
        let both = n.plus(&quiet);
        assert_eq!(both.other_pct(), Some(7.5));
        assert_eq!(both.cpus_worth(), Some(0.2));
        assert!(!both.noisy());
    }
}

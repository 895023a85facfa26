//! What was measured over one interval or window, both sides together.

use super::{Counts, RxZcStats, ZcStats};
use serde::{Deserialize, Serialize};

/// What was measured over one interval (or one whole window: see [`ConfigResult`](super::ConfigResult)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    pub profile: Option<crate::profile::Profile>,
    /// This machine's in-cache memcpy cost, ns per byte (the copy roofline, see
    /// [`Roofline`](super::Roofline)): carried with the window so its multiple of memcpy needs nothing else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memcpy_ns_per_byte: Option<f64>,
    /// What the whole machine ran besides our threads (the noise sentinel); `None`
    /// where not measured (older recordings, /proc/stat unreadable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<super::Noise>,
    /// `--workload rr`: every round trip of the window, merged over connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt: Option<super::RoundTrips>,
    /// `--messages N`: the window was each connection's N messages (stream) or N
    /// transactions (rr), not a duration; set on a whole window only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_messages: Option<u64>,
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

    /// "the machine was 35 % busy with other work (…)" where the noise sentinel marked
    /// this window ([`super::NOISY_CPUS`]); `None` for a quiet or unmeasured one.
    pub fn noise_note(&self) -> Option<String> {
        self.noise.as_ref().and_then(super::Noise::note)
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
            // Both windows or none: a part would claim the whole was that quiet.
            noise: match (self.noise, later.noise) {
                (Some(x), Some(y)) => Some(x.plus(&y)),
                _ => None,
            },
            rtt: match (&self.rtt, &later.rtt) {
                (Some(x), Some(y)) => Some(x.merge(y)),
                (x, y) => x.clone().or_else(|| y.clone()),
            },
            // Two fixed amounts one after the other; a timed part makes the whole timed.
            fixed_messages: self
                .fixed_messages
                .zip(later.fixed_messages)
                .map(|(a, b)| a + b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, CpuSet};
    use crate::sample::{ConfigResult, Gap};

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
            ..a.clone()
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
        // The sentinel's window: absent from older recordings, kept by new ones, and
        // a merged window has it only where both parts had it.
        assert_eq!(old.noise, None);
        assert!(!serde_json::to_string(&Measured::default())
            .unwrap()
            .contains("noise"));
        let noisy = Measured {
            noise: Some(crate::sample::Noise {
                wall_ns: 1,
                capacity_ns: 2,
                busy_ns: 2,
                ours_ns: 1,
                steal_ns: 0,
            }),
            ..pair.clone()
        };
        let text = serde_json::to_string(&noisy).unwrap();
        assert_eq!(serde_json::from_str::<Measured>(&text).unwrap(), noisy);
        assert_eq!(noisy.then(&noisy).noise.unwrap().capacity_ns, 4);
        assert_eq!(noisy.then(&pair).noise, None);
    }
}

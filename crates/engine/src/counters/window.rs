//! Window maths: two readings of a thread's (or CPU's) groups into one window's counts.

use super::proc_stat::cpu_stat_window;
use super::{GroupSpec, Metric, Pmu, RawReading, ThreadReading};
use crate::config::CpuSet;
use crate::sample::{Counts, Gap, PmuShare};

impl Metric {
    fn set(self, c: &mut Counts, v: Option<u64>) {
        match self {
            Metric::Cycles => c.cycles = v,
            Metric::Instructions => c.instructions = v,
            Metric::L1dMisses => c.l1d_misses = v,
            Metric::LlcMisses => c.llc_misses = v,
            Metric::CacheMisses => c.cache_misses = v,
            Metric::ContextSwitches => c.context_switches = v,
            Metric::CpuTime => c.cpu_ns = v,
            Metric::UserCpuTime => c.user_ns = v,
            Metric::Syscalls => c.syscalls = v,
            Metric::SkbCopies => c.skb_copies = v,
        }
    }
}

/// Within this share of the window, counters that ran are taken to have covered it
/// (separate reads of a running thread's groups are a few µs apart).
const COVERED: f64 = 0.99;

/// Combines the deltas of groups counting the same events on different PMUs (or one
/// group): per event the sum, unscaled where together they ran the whole window, else
/// scaled by Δenabled / Δrunning. `None` when they were enabled but never ran.
fn combine(events: &[Metric], deltas: &[&RawReading]) -> Option<(Vec<u64>, u64, u64, bool)> {
    let enabled = deltas.iter().map(|d| d.enabled).max().unwrap_or(0);
    let running: u64 = deltas.iter().map(|d| d.running).sum();
    if enabled > 0 && running == 0 {
        return None;
    }
    let scaled = enabled > 0 && (running as f64) < enabled as f64 * COVERED;
    let values = (0..events.len())
        .map(|i| {
            let v: u64 = deltas
                .iter()
                .map(|d| d.values.get(i).copied().unwrap_or(0))
                .sum();
            if scaled {
                (u128::from(v) * u128::from(enabled) / u128::from(running)) as u64
            } else {
                v
            }
        })
        .collect();
    Some((values, enabled, running.min(enabled), scaled))
}

fn delta(a: &RawReading, b: &RawReading) -> RawReading {
    RawReading {
        enabled: b.enabled.saturating_sub(a.enabled),
        running: b.running.saturating_sub(a.running),
        values: b
            .values
            .iter()
            .zip(a.values.iter().chain(std::iter::repeat(&0)))
            .map(|(b, a)| b.saturating_sub(*a))
            .collect(),
    }
}

/// One thread's counts over the window between two readings of its `groups`: the
/// estimate `perf stat -I` makes, per window. Pure: the seam the tests script.
pub fn window(groups: &[GroupSpec], earlier: &ThreadReading, later: &ThreadReading) -> Counts {
    let mut c = Counts::default();
    if groups.is_empty() {
        return c;
    }
    c.threads = 1;
    let (a, b) = match (earlier, later) {
        (Err(g), _) | (_, Err(g)) => {
            c.gap = Some(*g);
            return c;
        }
        (Ok(a), Ok(b)) if a.len() == groups.len() && b.len() == groups.len() => (a, b),
        _ => {
            c.gap = Some(Gap::Read { errno: libc::EIO });
            return c;
        }
    };
    let deltas: Vec<RawReading> = a.iter().zip(b).map(|(a, b)| delta(a, b)).collect();
    let mut counted = true;
    // Software groups stand alone; hardware groups of all core PMUs count together.
    let mut sets: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.pmu.is_hardware())
        .map(|(i, _)| vec![i])
        .collect();
    let hw: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].pmu.is_hardware())
        .collect();
    if !hw.is_empty() {
        sets.push(hw.clone());
    }
    for set in sets {
        let events = &groups[set[0]].events;
        if groups[set[0]].pmu == Pmu::CpuStat {
            cpu_stat_window(&deltas[set[0]], events, &mut c);
            continue;
        }
        let ds: Vec<&RawReading> = set.iter().map(|&i| &deltas[i]).collect();
        let is_hw = groups[set[0]].pmu.is_hardware();
        match combine(events, &ds) {
            None => {
                counted = false;
                c.gap = Some(Gap::NeverRan);
                if is_hw {
                    c.hw_enabled_ns = ds.iter().map(|d| d.enabled).max();
                    c.hw_running_ns = Some(0);
                }
            }
            Some((values, enabled, running, scaled)) => {
                for (m, v) in events.iter().zip(values) {
                    m.set(&mut c, Some(v));
                }
                c.scaled |= scaled;
                if is_hw {
                    c.hw_enabled_ns = Some(enabled);
                    c.hw_running_ns = Some(running);
                }
            }
        }
    }
    // Hybrid: what each core PMU counted. A pinned CPU has one core type: the other
    // PMU counted nothing there.
    let mut split: [Option<PmuShare>; 2] = [None, None];
    for &i in &hw {
        let Pmu::Hybrid { name, .. } = &groups[i].pmu else {
            continue;
        };
        let d = &deltas[i];
        let of = |m: Metric| {
            let pos = groups[i].events.iter().position(|&e| e == m)?;
            d.values.get(pos).copied()
        };
        split[usize::from(name == "cpu_atom")] = Some(PmuShare {
            running_ns: d.running,
            cycles: of(Metric::Cycles),
            instructions: of(Metric::Instructions),
        });
    }
    let none_of = |s: &PmuShare| PmuShare {
        running_ns: 0,
        cycles: s.cycles.map(|_| 0),
        instructions: s.instructions.map(|_| 0),
    };
    c.split = match split {
        [Some(core), Some(atom)] => Some([core, atom]),
        [Some(core), None] => Some([core, none_of(&core)]),
        [None, Some(atom)] => Some([none_of(&atom), atom]),
        [None, None] => None,
    };
    c.counted = u32::from(counted);
    c
}

/// One pinned CPU's counts over a window (`--count cpu`): [`window`], said to be
/// of that CPU, every task on it.
pub fn cpu_window(
    groups: &[GroupSpec],
    cpu: usize,
    earlier: &ThreadReading,
    later: &ThreadReading,
) -> Counts {
    let mut c = window(groups, earlier, later);
    if groups.is_empty() {
        // Nothing opened (no plan): one CPU, not counted.
        c.threads = 1;
    }
    c.cpus = CpuSet::of([cpu]);
    c
}

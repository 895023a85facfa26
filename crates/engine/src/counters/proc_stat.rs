//! One CPU's busy and user time from /proc/stat (`--count cpu`).

use super::{ns_per_tick, GroupSpec, Metric, RawGroup, RawReading};
use crate::sample::Counts;
use std::io;

/// One CPU's times from its `cpuN` line of /proc/stat, in clock ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTicks {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
}

impl CpuTicks {
    /// What ran on the CPU: user + nice + system + irq + softirq (guest time is
    /// already inside user and nice). Not idle, iowait, or steal (the hypervisor ran
    /// something else on that CPU).
    pub fn busy(&self) -> u64 {
        self.user + self.nice + self.system + self.irq + self.softirq
    }

    /// User-mode time: user + nice.
    pub fn user_mode(&self) -> u64 {
        self.user + self.nice
    }
}

/// The times of CPU `cpu` from the text of /proc/stat: its `cpuN` line (not the
/// summed `cpu` line, nor `cpuN0`), at least the seven fields every kernel since
/// 2.6 writes.
pub fn cpu_ticks(stat: &str, cpu: usize) -> Option<CpuTicks> {
    let name = format!("cpu{cpu}");
    let line = stat
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name.as_str()))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if v.len() < 7 {
        return None;
    }
    Some(CpuTicks {
        user: v[0],
        nice: v[1],
        system: v[2],
        idle: v[3],
        iowait: v[4],
        irq: v[5],
        softirq: v[6],
        steal: v.get(7).copied().unwrap_or(0),
    })
}

/// The whole machine's times (the summed `cpu` line) and how many CPUs it sums
/// (the `cpuN` lines: the online CPUs).
pub fn machine_ticks(stat: &str) -> Option<(CpuTicks, usize)> {
    let cpus = stat
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .and_then(|w| w.strip_prefix("cpu"))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    let line = stat
        .lines()
        .find(|l| l.split_whitespace().next() == Some("cpu"))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if v.len() < 7 || cpus == 0 {
        return None;
    }
    Some((
        CpuTicks {
            user: v[0],
            nice: v[1],
            system: v[2],
            idle: v[3],
            iowait: v[4],
            irq: v[5],
            softirq: v[6],
            steal: v.get(7).copied().unwrap_or(0),
        },
        cpus,
    ))
}

impl CpuTicks {
    /// Time the CPU ran nothing: idle and iowait (both measured exactly by the kernel
    /// under NO_HZ), and steal (the hypervisor ran something else).
    pub fn not_busy(&self) -> u64 {
        self.idle + self.iowait + self.steal
    }
}

/// One CPU's busy time ([`Metric::CpuTime`]) and user time from /proc/stat.
///
/// Busy time is wall time minus [`CpuTicks::not_busy`], not the sum of the busy
/// fields: with tick-based accounting those are sampled at the tick, which NO_HZ
/// stops while the CPU idles, so the short busy bursts of a CPU that keeps waking up
/// are missed (a receiver's CPU here, over 200 ticks: busy fields 106, wall minus
/// idle 151). Its reading is [`CPU_STAT_VALUES`]; [`window`] derives the figures.
pub(super) struct CpuStat {
    cpu: usize,
    ns_per_tick: u64,
    opened: std::time::Instant,
    not_busy_at_open: u64,
}

/// What a /proc/stat group reads, whatever its events: busy ns since it was opened
/// (wall minus not-busy), and the tick-sampled user and busy ns (their ratio is the
/// user share).
pub const CPU_STAT_VALUES: usize = 3;

/// /proc/stat is read this far at most (its per-CPU lines come first).
const STAT_BYTES: u64 = 1 << 20;

/// The text of /proc/stat (its first [`STAT_BYTES`]).
pub(crate) fn read_stat() -> io::Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open("/proc/stat")?
        .take(STAT_BYTES)
        .read_to_string(&mut text)?;
    Ok(text)
}

impl CpuStat {
    pub(super) fn open(spec: &GroupSpec) -> io::Result<CpuStat> {
        let cpu = spec
            .cpu
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        let opened = std::time::Instant::now();
        let t = CpuStat::ticks(cpu)?;
        Ok(CpuStat {
            cpu,
            ns_per_tick: ns_per_tick()?,
            opened,
            not_busy_at_open: t.not_busy(),
        })
    }

    fn ticks(cpu: usize) -> io::Result<CpuTicks> {
        cpu_ticks(&read_stat()?, cpu)
            .ok_or_else(|| io::Error::other(format!("/proc/stat has no line for CPU {cpu}")))
    }
}

impl RawGroup for CpuStat {
    fn enable(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let t = CpuStat::ticks(self.cpu)?;
        let wall = self.opened.elapsed().as_nanos() as u64;
        let not_busy = t.not_busy().saturating_sub(self.not_busy_at_open) * self.ns_per_tick;
        // No enabled/running times: never scaled.
        Ok(RawReading {
            enabled: 0,
            running: 0,
            values: vec![
                wall.saturating_sub(not_busy),
                t.user_mode() * self.ns_per_tick,
                t.busy() * self.ns_per_tick,
            ],
        })
    }
}

/// A /proc/stat group's figures over a window, from its deltas ([`CPU_STAT_VALUES`]):
/// busy ns, and user ns as the tick-sampled user share of it (`None` where no tick
/// fell in busy time, so the share is unknown).
pub(super) fn cpu_stat_window(d: &RawReading, events: &[Metric], c: &mut Counts) {
    let v = |i: usize| d.values.get(i).copied().unwrap_or(0);
    let (busy, user_ticks, busy_ticks) = (v(0), v(1), v(2));
    for m in events {
        match m {
            Metric::CpuTime => c.cpu_ns = Some(busy),
            Metric::UserCpuTime => {
                c.user_ns = match (busy, busy_ticks) {
                    (0, _) => Some(0),
                    (_, 0) => None,
                    (b, t) => {
                        Some((u128::from(user_ticks.min(t)) * u128::from(b) / u128::from(t)) as u64)
                    }
                }
            }
            _ => {}
        }
    }
}

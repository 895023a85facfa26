//! How figures come from a measured window: the arithmetic the registry's entries
//! share.

use crate::profile::{Bucket, Clock};
use crate::sample::Measured;

pub(super) fn count(v: Option<u64>) -> Option<f64> {
    v.map(|v| v as f64)
}

pub(super) fn per_msg(v: Option<u64>, m: &Measured) -> Option<f64> {
    let v = v?;
    (m.messages > 0).then(|| v as f64 / m.messages as f64)
}

/// A side's user-mode share of its CPU time, in percent.
pub(super) fn user_pct(c: &crate::sample::Counts) -> Option<f64> {
    let (u, t) = (c.user_ns? as f64, c.cpu_ns? as f64);
    (t > 0.0).then(|| (u * 100.0 / t).min(100.0))
}

pub(super) fn per_byte(v: Option<u64>, m: &Measured) -> Option<f64> {
    let v = v?;
    (m.bytes > 0).then(|| v as f64 / m.bytes as f64)
}

/// CPU ns of one side in one bucket over the window; `None` where not sampled, or
/// where the bucket cannot be told (named kernel buckets without kallsyms, and the
/// unnamed kernel bucket with it).
pub fn bucket_ns(m: &Measured, sender: bool, b: Bucket) -> Option<f64> {
    let p = m.profile?;
    let told = match b {
        Bucket::User => true,
        Bucket::Kernel => p.unresolved,
        _ => !p.unresolved,
    };
    if !told {
        return None;
    }
    let (side, counts) = if sender {
        (&p.tx, &m.tx)
    } else {
        (&p.rx, &m.rx)
    };
    // On cycles the buckets are scaled to the threads' task-clock, which --count cpu
    // does not count (its CPU time is the CPUs', other tasks included).
    let cpu_ns = counts.cpu_ns.filter(|_| !m.per_cpu());
    side.ns(p.clock, b, cpu_ns)
}

pub(super) fn bucket_per_byte(m: &Measured, sender: bool, b: Bucket) -> Option<f64> {
    let ns = bucket_ns(m, sender, b)?;
    (m.bytes > 0).then(|| ns / m.bytes as f64)
}

/// All of one side's sampled CPU time per payload byte: the sum of its buckets, what
/// a bucket's share is of.
pub(super) fn sampled_per_byte(m: &Measured, sender: bool) -> Option<f64> {
    let ns: f64 = Bucket::ALL
        .iter()
        .filter_map(|b| bucket_ns(m, sender, *b))
        .sum();
    (m.profile.is_some() && m.bytes > 0).then(|| ns / m.bytes as f64)
}

pub(super) fn profiled_pct(m: &Measured, sender: bool) -> Option<f64> {
    let p = m.profile?;
    let (side, counts) = if sender {
        (&p.tx, &m.tx)
    } else {
        (&p.rx, &m.rx)
    };
    // On cycles the buckets are scaled to task-clock: the check would be circular.
    // With --count cpu the CPU time is the CPUs', not the threads'.
    if p.clock != Clock::CpuClock || side.threads == 0 || m.per_cpu() {
        return None;
    }
    let cpu = counts.cpu_ns? as f64;
    (cpu > 0.0).then(|| side.total_weight() as f64 * 100.0 / cpu)
}

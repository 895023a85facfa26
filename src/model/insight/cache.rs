//! Question 2: which cache level's misses fall most between strategies, and which
//! costs fall with them — a fall is claimed only where the noise tells the two apart.

use super::breakdown::{breakdown, profiled, PROFILE_HINT};
use super::cells::{pairs, Cells, Quote};
use super::noise::{apart, Apart};
use super::{cannot, Answer, QUESTIONS};
use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{find, id, MetricId};
use std::collections::BTreeSet;

pub(super) const CACHE_LEVELS: [(MetricId, &str); 3] = [
    (id::L1D_MISSES, "L1D"),
    (id::LLC_MISSES, "last-level cache"),
    (id::CACHE_MISSES, "generic cache-misses event"),
];

pub(super) const EVIDENCE: [MetricId; 5] = [
    id::TX_SYSCALLS_PER_MSG,
    id::SEGS_PER_MSG,
    id::RX_COPIES_PER_MSG,
    id::CPU_NS_PER_BYTE,
    id::COPIES_WORTH,
];

pub(super) fn cache_and_costs(cells: &Cells) -> Answer {
    let question = QUESTIONS[1];
    let from = Strategy::TwoCopy;
    let to = [Strategy::OneCopy, Strategy::ZeroCopy, Strategy::Serialize]
        .into_iter()
        .find(|s| !pairs(cells, from, *s).is_empty());
    let Some(to) = to else {
        return cannot(
            question,
            "measure two-copy beside one-copy or zero-copy at the same sizes and threads".into(),
        );
    };
    let ps = pairs(cells, from, to);
    let mut q = Quote::new(cells);
    // The median cell by the ratio of a figure, cited; whether the noise tells the two
    // apart there (intervals where both have them, else the one-trial 2× rule).
    let mut falls = |name: MetricId| -> Option<(f64, bool, String)> {
        let mut rs: Vec<(f64, Config, Config)> = ps
            .iter()
            .filter_map(|(a, b)| {
                let (x, y) = (cells.get(a, name)?, cells.get(b, name)?);
                let per = |c: &Config, v: f64| {
                    let kib = cells.get(c, id::BYTES)? / 1024.0;
                    (kib > 0.0).then(|| v / kib)
                };
                // Counts are compared per KiB moved; per-message and per-byte figures as they are.
                let (x, y) = if find(cells.reg, name)?.unit.is_empty() {
                    (per(a, x)?, per(b, y)?)
                } else {
                    (x, y)
                };
                (y > 0.0 && x > 0.0).then_some((x / y, *a, *b))
            })
            .collect();
        rs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (r, a, b) = *rs.get(rs.len().checked_sub(1)? / 2)?;
        let told = match (cells.interval(&a, name), cells.interval(&b, name)) {
            (Some(x), Some(y)) => !x.overlaps(&y),
            _ => apart(r, None, 1.0, None) != Apart::Within,
        };
        let (ta, tb) = (q.q(&a, name)?, q.q(&b, name)?);
        Some((
            r,
            told,
            format!(
                "{} {}×{} ({a}: {ta}, {to} {tb})",
                find(cells.reg, name).map_or(name.name(), |m| m.short),
                crate::format::sig(r, 3),
                if told {
                    ""
                } else {
                    ", not distinguishable from the noise"
                },
            ),
        ))
    };
    let cache: Vec<(f64, bool, &str, String)> = CACHE_LEVELS
        .iter()
        .filter_map(|(n, label)| falls(*n).map(|(r, d, t)| (r, d, *label, t)))
        .collect();
    let costs: Vec<(f64, bool, String)> = EVIDENCE.iter().filter_map(|n| falls(*n)).collect();
    let mut text = String::new();
    let mut measure = None;
    let told_fall = cache
        .iter()
        .filter(|c| c.1 && c.0 > 1.0)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let listed = cache
        .iter()
        .map(|c| c.3.clone())
        .collect::<Vec<_>>()
        .join("; ");
    match (cache.is_empty(), told_fall) {
        (false, Some((_, _, label, _))) => text.push_str(&format!(
            "From {from} to {to} (median cell, misses per KiB moved, ratio {from}/{to}), the {label} misses fall most: {listed}."
        )),
        (false, None) => text.push_str(&format!(
            "From {from} to {to} (median cell, misses per KiB moved, ratio {from}/{to}), no cache level's misses fall distinguishably from the noise: {listed}."
        )),
        (true, _) => {
            measure = Some(
                "cache misses need hardware counters, which these figures lack (l1d_misses, llc_misses \
                 and cache_misses are empty): measure on a machine with a PMU — bare metal or a VM \
                 with a virtual PMU, where `perf stat -e L1-dcache-load-misses true` counts"
                    .to_string(),
            );
        }
    }
    if !costs.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!(
            "The costs from {from} to {to} (ratio {from}/{to}, median cell): {}.",
            costs
                .iter()
                .map(|c| c.2.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // Where the sender's time goes, at the smallest and the largest size both were
    // profiled at (fewest threads): what falls, bucket by bucket.
    let profiled_pairs: Vec<&(Config, Config)> = ps
        .iter()
        .filter(|(a, b)| profiled(cells, a) && profiled(cells, b))
        .collect();
    let fewest = profiled_pairs.iter().map(|(a, _)| a.threads).min();
    let at: Vec<&(Config, Config)> = profiled_pairs
        .into_iter()
        .filter(|(a, _)| Some(a.threads) == fewest)
        .collect();
    let ends: BTreeSet<&(Config, Config)> = [
        at.iter().min_by_key(|(a, _)| (a.msg_size, *a)),
        at.iter().max_by_key(|(a, _)| (a.msg_size, *a)),
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect();
    let mut claims: Vec<String> = ends
        .iter()
        .flat_map(|(a, b)| [breakdown(&mut q, a, true), breakdown(&mut q, b, true)])
        .flatten()
        .collect();
    // And the receiver's, at the largest size: the copy every strategy leaves it.
    if let Some(r) = ends.last().and_then(|(_, b)| breakdown(&mut q, b, false)) {
        claims.push(r);
    }
    if !claims.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!(
            "Where the CPU time goes (sampled): {}.",
            claims.join("; ")
        ));
    } else if !ps
        .iter()
        .any(|(a, b)| profiled(cells, a) || profiled(cells, b))
    {
        measure = Some(match measure {
            Some(m) => format!("{m}; {PROFILE_HINT}"),
            None => PROFILE_HINT.to_string(),
        });
    }
    Answer {
        question,
        answer: (!text.is_empty()).then_some(text),
        measure,
        cited: q.cited,
        beats: q.beats,
    }
}

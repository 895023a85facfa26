//! Where a cell's CPU time goes, from the sampling profiler's per-bucket columns: the
//! sentence two answers quote, and what to run where the rows lack it.

use super::cells::{size_text, Cells, Quote};
use crate::engine::config::Config;
use crate::engine::metric::{id, MetricId};
use crate::engine::profile::Bucket;

/// What to run where the rows carry no CPU-time breakdown.
pub const PROFILE_HINT: &str = "where the CPU time goes (copy, syscall entry, TCP/IP, …) needs the sampling profiler, \
     which these figures lack (the tx_*/rx_*_ns_per_byte columns are empty): measure with --profile \
     (netio-tui --profile, or run/sweep --profile)";

/// A side's CPU-time breakdown in a cell: the column of each bucket and of the total.
pub(super) fn side_columns(
    cells: &Cells,
    sender: bool,
) -> Option<(MetricId, Vec<(Bucket, MetricId)>)> {
    let held = |m: MetricId| m.in_registry(cells.reg).map(|_| m);
    let total = held(id::sampled(sender))?;
    let buckets = Bucket::ALL
        .iter()
        .filter_map(|b| Some((*b, held(id::bucket(sender, *b))?)))
        .collect();
    Some((total, buckets))
}

/// Whether a cell carries the CPU-time breakdown.
pub(super) fn profiled(cells: &Cells, c: &Config) -> bool {
    cells
        .get(c, id::TX_SAMPLED_NS_PER_BYTE)
        .is_some_and(|v| v > 0.0)
}

/// "two-copy 64 B ×1: 41 % of sender time in syscall entry (2.1400 ns/B), 9 % in copy
/// (0.4700 ns/B), of 5.2100 ns/B sampled": the side's two largest buckets, and copy
/// (and zero-copy bookkeeping for a zero-copy strategy) whatever their size. Each share
/// is the bucket's cell over the side's sampled total, both quoted.
pub(super) fn breakdown(q: &mut Quote, c: &Config, sender: bool) -> Option<String> {
    let cells = q.cells;
    let (total_col, cols) = side_columns(cells, sender)?;
    let total = cells.get(c, total_col).filter(|t| *t > 0.0)?;
    let mut vals: Vec<(Bucket, MetricId, f64)> = cols
        .into_iter()
        .filter_map(|(b, n)| Some((b, n, cells.get(c, n)?)))
        .collect();
    vals.sort_by(|a, b| b.2.total_cmp(&a.2));
    let wanted = |b: Bucket| b == Bucket::Copy || (b == Bucket::Zc && c.strategy.uses_zerocopy());
    let chosen: Vec<_> = vals
        .iter()
        .enumerate()
        .filter(|(i, (b, _, _))| *i < 2 || wanted(*b))
        .map(|(_, v)| *v)
        .collect();
    if chosen.is_empty() {
        return None;
    }
    let who = if sender { "sender" } else { "receiver" };
    let parts: Vec<String> = chosen
        .iter()
        .enumerate()
        .filter_map(|(i, (b, n, v))| {
            let text = q.q(c, *n)?;
            let of = if i == 0 {
                format!(" of {who} time")
            } else {
                String::new()
            };
            Some(format!(
                "{} %{of} in {} ({text})",
                share_text(*v, total),
                b.phrase()
            ))
        })
        .collect();
    let total_text = q.q(c, total_col)?;
    Some(format!(
        "{} {} ×{}: {}, of {total_text} sampled",
        c.strategy,
        size_text(c.msg_size),
        c.threads,
        parts.join(", ")
    ))
}

/// A bucket's share of its side's sampled time, as the answers write it: whole percent.
pub fn share_text(bucket: f64, total: f64) -> String {
    format!("{:.0}", bucket * 100.0 / total)
}

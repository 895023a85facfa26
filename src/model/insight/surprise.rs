//! Question 6: one unexpected result, the cell furthest from its size neighbours, and
//! the evidence counter that moved with it.

use super::cells::{size_text, Cells, Quote, GBPS};
use super::{cannot, Answer, QUESTIONS};
use crate::engine::config::Config;
use crate::engine::metric::{find, id, MetricId};
use std::collections::BTreeSet;

pub(super) const SURPRISE_EVIDENCE: [MetricId; 11] = [
    id::CPU_NS_PER_BYTE,
    id::CONTEXT_SWITCHES,
    id::SEGS_PER_MSG,
    id::AVG_SEG_BYTES,
    id::TX_SYSCALLS_PER_MSG,
    id::RX_SYSCALLS_PER_MSG,
    id::RX_COPIES_PER_MSG,
    id::TX_LIMITED_PCT,
    id::COPIES_WORTH,
    id::ZC_COPIED_PCT,
    id::CACHE_MISSES,
];

pub(super) fn surprise(cells: &Cells) -> Answer {
    let question = QUESTIONS[5];
    // A cell against the line through its two size neighbours (log size, log value).
    let departure = |c: &Config, name: MetricId| -> Option<(f64, Config, Config)> {
        let sizes: BTreeSet<usize> = cells
            .configs()
            .filter(|o| Config { msg_size: 0, ..**o } == Config { msg_size: 0, ..*c })
            .filter(|o| cells.get(o, name).is_some())
            .map(|o| o.msg_size)
            .collect();
        let lo = *sizes.range(..c.msg_size).next_back()?;
        let hi = *sizes.range(c.msg_size + 1..).next()?;
        let (a, b) = (Config { msg_size: lo, ..*c }, Config { msg_size: hi, ..*c });
        let (va, vb, v) = (
            cells.get(&a, name)?,
            cells.get(&b, name)?,
            cells.get(c, name)?,
        );
        if va <= 0.0 || vb <= 0.0 || v <= 0.0 {
            return None;
        }
        let f =
            ((c.msg_size as f64).ln() - (lo as f64).ln()) / ((hi as f64).ln() - (lo as f64).ln());
        let expected = (va.ln() + f * (vb.ln() - va.ln())).exp();
        Some((v / expected, a, b))
    };
    let best = cells
        .configs()
        .filter_map(|c| departure(c, GBPS).map(|d| (*c, d)))
        .max_by(|x, y| x.1 .0.ln().abs().total_cmp(&y.1 .0.ln().abs()));
    let Some((c, (r, a, b))) = best else {
        return cannot(
            question,
            "measure at least three sizes of one strategy and thread count: --sizes 64,256,1K,4K"
                .into(),
        );
    };
    let mut q = Quote {
        cells,
        cited: Vec::new(),
    };
    let (v, va, vb) = (
        q.q(&c, GBPS).unwrap_or_default(),
        q.q(&a, GBPS).unwrap_or_default(),
        q.q(&b, GBPS).unwrap_or_default(),
    );
    let (how, factor) = if r < 1.0 {
        ("below", 1.0 / r)
    } else {
        ("above", r)
    };
    let mut t = format!(
        "The cell furthest from its neighbours: {c} at {v}, {}× {how} the line through {} ({va}) and {} ({vb}).",
        crate::format::sig(factor, 3),
        size_text(a.msg_size),
        size_text(b.msg_size),
    );
    // The evidence counter that departs most from its neighbours, the same way.
    let moved = SURPRISE_EVIDENCE
        .iter()
        .filter_map(|n| departure(&c, *n).map(|d| (*n, d.0)))
        .max_by(|x, y| x.1.ln().abs().total_cmp(&y.1.ln().abs()));
    match moved {
        Some((n, rn)) if (rn.ln()).abs() > 0.1 => {
            let (x, xa, xb) = (
                q.q(&c, n).unwrap_or_default(),
                q.q(&a, n).unwrap_or_default(),
                q.q(&b, n).unwrap_or_default(),
            );
            let label = find(cells.reg, n).map_or(n.name(), |m| m.label);
            t.push_str(&format!(
                " The evidence counter that departs most with it: {n} = {x} (neighbours {xa} and {xb}, {}× off their line) — {label}.",
                crate::format::sig(if rn < 1.0 { 1.0 / rn } else { rn }, 3)
            ));
        }
        Some(_) => {
            t.push_str(" No evidence counter departs from its neighbours with it (all within 10 %): the cause is outside what was counted — rerun the cell to see whether it is noise.");
        }
        None => {
            t.push_str(" None of the evidence counters was measured in these cells, so nothing here explains it.");
        }
    }
    Answer {
        question,
        answer: Some(t),
        measure: (factor < 1.3).then(|| {
            "no cell departs more than 1.3× from its neighbours; nothing here is far out of line".into()
        }),
        cited: q.cited,
    }
}

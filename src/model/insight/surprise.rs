//! Question 6: one unexpected result — a cell outside its size neighbours' intervals
//! (interpolated on a log-size axis), or none is claimed — and the mechanism figures
//! that moved beyond their own noise with it.

use super::cells::{size_text, Cells, Quote, GBPS};
use super::noise::{apart, Apart};
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

/// A cell's figure against the line through its two size neighbours (log size, log
/// value).
#[derive(Clone, Copy)]
struct Departure {
    /// The cell's value over the line's at its size.
    ratio: f64,
    /// Whether it lies beyond the noise: its interval clear of the band the
    /// neighbours' intervals draw, or (without intervals) beyond 2× off the line.
    beyond: bool,
    lo: Config,
    hi: Config,
}

fn departure(cells: &Cells, c: &Config, name: MetricId) -> Option<Departure> {
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
    let f = ((c.msg_size as f64).ln() - (lo as f64).ln()) / ((hi as f64).ln() - (lo as f64).ln());
    let line = |x: f64, y: f64| (x.ln() + f * (y.ln() - x.ln())).exp();
    let ratio = v / line(va, vb);
    let beyond = match (
        cells.interval(&a, name),
        cells.interval(&b, name),
        cells.interval(c, name),
    ) {
        (Some(ia), Some(ib), Some(ic)) if ia.lo > 0.0 && ib.lo > 0.0 => {
            let (band_lo, band_hi) = (line(ia.lo, ib.lo), line(ia.hi, ib.hi));
            ic.hi < band_lo || ic.lo > band_hi
        }
        _ => apart(ratio, None, 1.0, None) != Apart::Within,
    };
    Some(Departure {
        ratio,
        beyond,
        lo: a,
        hi: b,
    })
}

fn factor(r: f64) -> (&'static str, String) {
    if r < 1.0 {
        ("below", crate::format::sig(1.0 / r, 3))
    } else {
        ("above", crate::format::sig(r, 3))
    }
}

pub(super) fn surprise(cells: &Cells) -> Answer {
    let question = QUESTIONS[5];
    let departures: Vec<(Config, Departure)> = cells
        .configs()
        .filter_map(|c| departure(cells, c, GBPS).map(|d| (*c, d)))
        .collect();
    let furthest = |beyond_only: bool| {
        departures
            .iter()
            .filter(|(_, d)| d.beyond || !beyond_only)
            .max_by(|x, y| x.1.ratio.ln().abs().total_cmp(&y.1.ratio.ln().abs()))
            .copied()
    };
    let Some((far, far_d)) = furthest(false) else {
        return cannot(
            question,
            "measure at least three sizes of one strategy and thread count: --sizes 64,256,1K,4K"
                .into(),
        );
    };
    let mut q = Quote::new(cells);
    let Some((c, d)) = furthest(true) else {
        // Nothing beyond the noise: say so, with the furthest cell for the record.
        let (v, va, vb) = (
            q.q(&far, GBPS).unwrap_or_default(),
            q.q(&far_d.lo, GBPS).unwrap_or_default(),
            q.q(&far_d.hi, GBPS).unwrap_or_default(),
        );
        let (how, f) = factor(far_d.ratio);
        return Answer {
            question,
            answer: Some(format!(
                "No unexpected result is claimed: no cell lies outside its size neighbours' intervals \
                 (interpolated on a log-size axis; without intervals, more than 2× off their line). \
                 The furthest, {far} at {v}, is {f}× {how} the line through {} ({va}) and {} ({vb}), \
                 within the noise.",
                size_text(far_d.lo.msg_size),
                size_text(far_d.hi.msg_size),
            )),
            measure: None,
            cited: q.cited,
            beats: q.beats,
        };
    };
    let (v, va, vb) = (
        q.q(&c, GBPS).unwrap_or_default(),
        q.q(&d.lo, GBPS).unwrap_or_default(),
        q.q(&d.hi, GBPS).unwrap_or_default(),
    );
    let (how, f) = factor(d.ratio);
    let mut t = format!(
        "The cell furthest outside its neighbours, beyond the noise: {c} at {v}, {f}× {how} the line through {} ({va}) and {} ({vb}).",
        size_text(d.lo.msg_size),
        size_text(d.hi.msg_size),
    );
    // The mechanism figures that moved beyond their own noise with it, furthest first.
    let mut measured = false;
    let mut moved: Vec<(MetricId, Departure)> = SURPRISE_EVIDENCE
        .iter()
        .filter_map(|n| departure(cells, &c, *n).map(|x| (*n, x)))
        .inspect(|_| measured = true)
        .filter(|(_, x)| x.beyond)
        .collect();
    moved.sort_by(|x, y| y.1.ratio.ln().abs().total_cmp(&x.1.ratio.ln().abs()));
    if !moved.is_empty() {
        let parts: Vec<String> = moved
            .iter()
            .map(|(n, x)| {
                let (y, ya, yb) = (
                    q.q(&c, *n).unwrap_or_default(),
                    q.q(&x.lo, *n).unwrap_or_default(),
                    q.q(&x.hi, *n).unwrap_or_default(),
                );
                let (how, f) = factor(x.ratio);
                let label = find(cells.reg, n).map_or(n.name(), |m| m.label);
                format!("{n} = {y} (neighbours {ya} and {yb}, {f}× {how} their line) — {label}")
            })
            .collect();
        t.push_str(&format!(
            " The mechanism figures that moved beyond their own noise with it: {}.",
            parts.join("; ")
        ));
    } else if measured {
        t.push_str(" None of the mechanism figures moved beyond its own noise with it: the cause is outside what was counted — rerun the cell to see whether it is noise.");
    } else {
        t.push_str(" None of the mechanism figures was measured in these cells, so nothing here explains it.");
    }
    Answer {
        question,
        answer: Some(t),
        measure: None,
        cited: q.cited,
        beats: q.beats,
    }
}

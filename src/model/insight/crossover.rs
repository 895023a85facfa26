//! Questions 4 and 5: at what message size one-copy, and zero-copy, beat two-copy —
//! claimed only from a size on where the two are told apart at every larger size.

use super::cells::{axes, pairs, size_text, with, Cells, Quote, GBPS};
use super::noise::Apart;
use super::{cannot, Answer};
use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::id;
use std::collections::BTreeMap;

/// The smallest size from which `s` beats two-copy, told apart from it at every larger
/// measured size, per thread count (and axes).
pub(super) fn crossover(cells: &Cells, s: Strategy, question: &'static str) -> Answer {
    let mut by: BTreeMap<Config, BTreeMap<usize, Apart>> = BTreeMap::new();
    for (a, b) in pairs(cells, s, Strategy::TwoCopy) {
        if let Some(v) = cells.apart(&a, &b, GBPS) {
            by.entry(Config {
                threads: a.threads,
                ..axes(&a)
            })
            .or_default()
            .insert(a.msg_size, v);
        }
    }
    if by.is_empty() {
        return cannot(
            question,
            format!("measure {s} and two-copy at the same sizes and threads: netio-tui sweep --strategies two-copy,{s}"),
        );
    }
    let mut q = Quote::new(cells);
    let mut parts = Vec::new();
    let mut never = Vec::new();
    for (k, sizes) in &by {
        let ordered: Vec<(usize, Apart)> = sizes.iter().map(|(z, v)| (*z, *v)).collect();
        let cfg = |z: usize| Config {
            strategy: s,
            msg_size: z,
            ..*k
        };
        let two = |z: usize| with(&cfg(z), Strategy::TwoCopy);
        // From the end: the longest run of sizes where s is ahead, told apart.
        let from = ordered
            .iter()
            .rev()
            .take_while(|(_, v)| *v == Apart::Above)
            .last()
            .map(|(z, _)| *z);
        let pairs_text = |q: &mut Quote, z: usize| {
            (
                q.q(&cfg(z), GBPS).unwrap_or_default(),
                q.q(&two(z), GBPS).unwrap_or_default(),
            )
        };
        let who = format!(
            "At {} thread pair{}",
            k.threads,
            if k.threads == 1 { "" } else { "s" }
        );
        match from {
            Some(z) => {
                let (x, y) = pairs_text(&mut q, z);
                let larger: Vec<usize> = ordered
                    .iter()
                    .map(|(w, _)| *w)
                    .filter(|w| *w >= z)
                    .collect();
                for w in &larger {
                    q.beats(&cfg(*w), &two(*w), GBPS);
                }
                let by_intervals = larger
                    .iter()
                    .all(|w| cells.both_intervals(&cfg(*w), &two(*w), GBPS));
                let mut p = format!(
                    "{who}: from {} on{} ({s} {x} against two-copy {y}; {} at every larger size measured)",
                    size_text(z),
                    if ordered[0].0 == z {
                        ", the smallest size measured"
                    } else {
                        ""
                    },
                    if by_intervals {
                        "intervals apart"
                    } else {
                        "more than 2× apart"
                    }
                );
                if let Some((w, v)) = ordered.iter().rev().find(|(w, _)| *w < z) {
                    let (x, y) = pairs_text(&mut q, *w);
                    let how = if *v == Apart::Below {
                        q.beats(&two(*w), &cfg(*w), GBPS);
                        "two-copy still ahead"
                    } else {
                        "not distinguishable"
                    };
                    p.push_str(&format!(", at {} {how} ({x} against {y})", size_text(*w)));
                }
                if let (Some(x), Some(y)) = (
                    q.q(&cfg(z), id::TX_SYSCALLS_PER_MSG),
                    q.q(&two(z), id::TX_SYSCALLS_PER_MSG),
                ) {
                    p.push_str(&format!("; sender syscalls {x} against {y}"));
                }
                parts.push(p);
            }
            None => {
                let (z, v) = ordered.last().copied().unwrap();
                let (x, y) = pairs_text(&mut q, z);
                let how = if v == Apart::Below {
                    q.beats(&two(z), &cfg(z), GBPS);
                    "two-copy ahead"
                } else {
                    "not distinguishable"
                };
                never.push(format!(
                    "{who}: no crossover distinguishable up to {} (there {how}: {s} {x} against two-copy {y})",
                    size_text(z)
                ));
            }
        }
    }
    let largest = by
        .values()
        .flat_map(|m| m.keys())
        .max()
        .copied()
        .unwrap_or(0);
    let mut text = String::new();
    if !parts.is_empty() {
        text.push_str(&format!(
            "{s} beats two-copy from the size given on, told apart from it at every larger size measured. {}.",
            parts.join(". ")
        ));
    }
    if !never.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("{}.", never.join(". ")));
    }
    Answer {
        question,
        answer: Some(text),
        measure: (!never.is_empty()).then(|| {
            format!(
                "measure sizes above {}: --sizes {},{},{}",
                format_size(largest),
                format_size(largest * 4),
                format_size(largest * 16),
                format_size(largest * 64)
            )
        }),
        cited: q.cited,
        beats: q.beats,
    }
}

//! Questions 4 and 5: at what message size one-copy, and zero-copy, beat two-copy.

use super::cells::{axes, pairs, size_text, with, Cells, Quote, GBPS};
use super::{cannot, Answer};
use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::id;
use std::collections::BTreeMap;

/// The smallest size from which `s` beats two-copy at every larger measured size, per
/// thread count (and axes).
pub(super) fn crossover(cells: &Cells, s: Strategy, question: &'static str) -> Answer {
    let mut by: BTreeMap<Config, BTreeMap<usize, (f64, f64)>> = BTreeMap::new();
    for (a, b) in pairs(cells, s, Strategy::TwoCopy) {
        if let (Some(x), Some(y)) = (cells.get(&a, GBPS), cells.get(&b, GBPS)) {
            by.entry(Config {
                threads: a.threads,
                ..axes(&a)
            })
            .or_default()
            .insert(a.msg_size, (x, y));
        }
    }
    if by.is_empty() {
        return cannot(
            question,
            format!("measure {s} and two-copy at the same sizes and threads: netio-tui sweep --strategies two-copy,{s}"),
        );
    }
    let mut q = Quote {
        cells,
        cited: Vec::new(),
    };
    let mut parts = Vec::new();
    let mut never = Vec::new();
    for (k, sizes) in &by {
        let ordered: Vec<(usize, (f64, f64))> = sizes.iter().map(|(z, v)| (*z, *v)).collect();
        // From the end: the longest run of sizes where s is ahead.
        let from = ordered
            .iter()
            .rev()
            .take_while(|(_, (x, y))| x > y)
            .last()
            .map(|(z, _)| *z);
        let cfg = |z: usize| Config {
            strategy: s,
            msg_size: z,
            ..*k
        };
        match from {
            Some(z) => {
                let (a, b) = (cfg(z), with(&cfg(z), Strategy::TwoCopy));
                let (x, y) = (
                    q.q(&a, GBPS).unwrap_or_default(),
                    q.q(&b, GBPS).unwrap_or_default(),
                );
                let below = ordered.iter().rev().find(|(w, _)| *w < z).map(|(w, _)| *w);
                let smallest = ordered[0].0 == z;
                let mut p = format!(
                    "At {} thread pair{}: from {}{} ({s} {x} against two-copy {y})",
                    k.threads,
                    if k.threads == 1 { "" } else { "s" },
                    size_text(z),
                    if smallest {
                        ", the smallest size measured"
                    } else {
                        ""
                    }
                );
                if let Some(w) = below {
                    let (a, b) = (cfg(w), with(&cfg(w), Strategy::TwoCopy));
                    let (x, y) = (
                        q.q(&a, GBPS).unwrap_or_default(),
                        q.q(&b, GBPS).unwrap_or_default(),
                    );
                    p.push_str(&format!(", at {} not yet ({x} against {y})", size_text(w)));
                }
                let (a, b) = (cfg(z), with(&cfg(z), Strategy::TwoCopy));
                if let (Some(x), Some(y)) = (
                    q.q(&a, id::TX_SYSCALLS_PER_MSG),
                    q.q(&b, id::TX_SYSCALLS_PER_MSG),
                ) {
                    p.push_str(&format!("; sender syscalls {x} against {y}"));
                }
                parts.push(p);
            }
            None => {
                let (z, _) = ordered.last().copied().unwrap();
                let (a, b) = (cfg(z), with(&cfg(z), Strategy::TwoCopy));
                let (x, y) = (
                    q.q(&a, GBPS).unwrap_or_default(),
                    q.q(&b, GBPS).unwrap_or_default(),
                );
                never.push(format!(
                    "At {} thread pair{}: not up to {} ({s} {x} against two-copy {y})",
                    k.threads,
                    if k.threads == 1 { "" } else { "s" },
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
            "{s} beats two-copy at every measured size from the one given. {}.",
            parts.join(". ")
        ));
    }
    if !never.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("It never does: {}.", never.join(". ")));
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
    }
}

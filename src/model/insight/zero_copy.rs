//! Question 1: why zero-copy is not always fastest — counting only the cells where
//! the noise tells zero-copy and the best other strategy apart.

use super::breakdown::{breakdown, profiled};
use super::cells::{ratio, with, Cells, Quote, GBPS};
use super::noise::Apart;
use super::{cannot, Answer, QUESTIONS};
use crate::engine::config::Strategy;
use crate::engine::metric::id;

pub(super) fn zero_copy_not_fastest(cells: &Cells) -> Answer {
    let question = QUESTIONS[0];
    // Zero-copy cells with another strategy measured beside them.
    let mut compared = Vec::new();
    for c in cells.configs().filter(|c| c.strategy == Strategy::ZeroCopy) {
        let Some(zc) = cells.get(c, GBPS) else {
            continue;
        };
        let best = Strategy::ALL
            .into_iter()
            .filter(|s| *s != Strategy::ZeroCopy)
            .filter_map(|s| Some((s, cells.get(&with(c, s), GBPS)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((s, v)) = best {
            compared.push((*c, zc, s, v));
        }
    }
    if compared.is_empty() {
        return cannot(
            question,
            "measure zero-copy beside the copying strategies at the same sizes and threads: \
             netio-tui sweep --strategies two-copy,one-copy,zero-copy"
                .into(),
        );
    }
    let verdict = |x: &(crate::engine::config::Config, f64, Strategy, f64)| {
        cells
            .apart(&x.0, &with(&x.0, x.2), GBPS)
            .unwrap_or(Apart::Within)
    };
    let slower: Vec<_> = compared
        .iter()
        .filter(|x| verdict(x) == Apart::Below)
        .collect();
    let faster = compared
        .iter()
        .filter(|x| verdict(x) == Apart::Above)
        .count();
    let mut q = Quote::new(cells);
    let text = match slower
        .iter()
        .max_by(|a, b| (a.3 / a.1).total_cmp(&(b.3 / b.1)))
    {
        None => {
            // The cell where they are furthest apart, as the example.
            let &(c, _, s, _) = compared
                .iter()
                .max_by(|a, b| (a.1 / a.3).total_cmp(&(b.1 / b.3)))
                .unwrap();
            let o = with(&c, s);
            let zc = q.q(&c, GBPS).unwrap_or_default();
            let other = q.q(&o, GBPS).unwrap_or_default();
            let n = compared.len();
            if faster > 0 {
                for x in compared.iter().filter(|x| verdict(x) == Apart::Above) {
                    q.beats(&x.0, &with(&x.0, x.2), GBPS);
                }
                format!(
                    "In these figures zero-copy was not distinguishably slower in any of the {n} cells \
                     where another strategy was measured beside it: it beats the best other in {faster} \
                     of them, the rest are indistinguishable on this machine (e.g. {c}: {zc} against {s} {other})."
                )
            } else {
                format!(
                    "In none of the {n} cell{} where another strategy was measured beside it is zero-copy \
                     told apart from the best other: indistinguishable on this machine (e.g. {c}: {zc} \
                     against {s} {other}).",
                    if n == 1 { "" } else { "s" }
                )
            }
        }
        Some(&&(c, zc_v, s, other_v)) => {
            let o = with(&c, s);
            for x in &slower {
                q.beats(&with(&x.0, x.2), &x.0, GBPS);
            }
            let zc = q.q(&c, GBPS).unwrap_or_default();
            let other = q.q(&o, GBPS).unwrap_or_default();
            let mut t = format!(
                "Zero-copy was distinguishably slower than the best other strategy in {k} of {n} cells \
                 ({m} indistinguishable on this machine{ahead}). The widest gap: {c}, {s} {other} beats \
                 zero-copy {zc} ({r}× faster).",
                k = slower.len(),
                n = compared.len(),
                m = compared.len() - slower.len() - faster,
                ahead = if faster > 0 {
                    format!(", {faster} where zero-copy is distinguishably faster")
                } else {
                    String::new()
                },
                r = ratio(other_v, zc_v),
            );
            match cells.get(&c, id::ZC_COPIED_PCT) {
                Some(p) if p >= 50.0 => {
                    let p = q.q(&c, id::ZC_COPIED_PCT).unwrap_or_default();
                    t.push_str(&format!(
                        " There the kernel copied {p} of zero-copy's sends anyway \
                         (completions flagged SO_EE_CODE_ZEROCOPY_COPIED): over veth or loopback the \
                         data is delivered locally, no device reads the pinned pages, so it pays the copy \
                         and the pinning and completion work on top."
                    ));
                }
                Some(_) => {
                    let p = q.q(&c, id::ZC_COPIED_PCT).unwrap_or_default();
                    t.push_str(&format!(
                        " The kernel copied only {p} of its sends, so the copy is not the cost here: \
                         page pinning and completion handling are."
                    ));
                }
                None => t.push_str(
                    " The copied share of its sends was not measured (zc_copied_pct empty).",
                ),
            }
            if let (Some(a), Some(b)) = (
                q.q(&c, id::TX_SYSCALLS_PER_MSG),
                q.q(&o, id::TX_SYSCALLS_PER_MSG),
            ) {
                t.push_str(&format!(
                    " Sender system calls per message: {a} against {s}'s {b} (the extra are \
                     error-queue reads of completions)."
                ));
            }
            if let (Some(a), Some(b)) = (q.q(&c, id::CPU_NS_PER_BYTE), q.q(&o, id::CPU_NS_PER_BYTE))
            {
                t.push_str(&format!(" CPU time: {a} against {b}."));
            }
            if profiled(cells, &c) && profiled(cells, &o) {
                if let (Some(a), Some(b)) =
                    (breakdown(&mut q, &c, true), breakdown(&mut q, &o, true))
                {
                    t.push_str(&format!(
                        " Where the sender's time goes (sampled): {a}; {b}."
                    ));
                }
            }
            t
        }
    };
    Answer {
        question,
        answer: Some(text),
        measure: None,
        cited: q.cited,
        beats: q.beats,
    }
}

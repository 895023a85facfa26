//! Question 1: why zero-copy is not always fastest.

use super::breakdown::{breakdown, profiled};
use super::cells::{ratio, with, Cells, Quote, GBPS};
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
    let slower: Vec<_> = compared.iter().filter(|x| x.1 < x.3).collect();
    let mut q = Quote {
        cells,
        cited: Vec::new(),
    };
    let text = match slower
        .iter()
        .max_by(|a, b| (a.3 / a.1).total_cmp(&(b.3 / b.1)))
    {
        None => {
            let (c, _, s, _) = compared[0];
            let zc = q.q(&c, GBPS).unwrap_or_default();
            let other = q.q(&with(&c, s), GBPS).unwrap_or_default();
            format!(
                "In these figures zero-copy was not slower: it was the fastest in all {n} cells \
                 where another strategy was measured beside it (e.g. {c}: {zc} against {s} {other}).",
                n = compared.len()
            )
        }
        Some(&&(c, zc_v, s, other_v)) => {
            let o = with(&c, s);
            let zc = q.q(&c, GBPS).unwrap_or_default();
            let other = q.q(&o, GBPS).unwrap_or_default();
            let mut t = format!(
                "Zero-copy was slower than the best other strategy in {k} of {n} cells. \
                 The widest gap: {c}, zero-copy {zc} against {s} {other} ({r}× faster).",
                k = slower.len(),
                n = compared.len(),
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
    }
}

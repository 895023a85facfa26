//! Question 3: how threads interact, scaling and contention — more threads are said
//! to raise throughput only where the noise tells the peak from the fewest threads.

use super::cells::{ratio, size_text, Cells, Quote, GBPS};
use super::noise::{apart, Apart};
use super::{cannot, Answer, QUESTIONS};
use crate::engine::config::Config;
use crate::engine::metric::id;
use std::collections::BTreeMap;

pub(super) fn threads(cells: &Cells, cores: Option<usize>) -> Answer {
    let question = QUESTIONS[2];
    // Series: same strategy, size and axes over thread counts.
    let mut series: BTreeMap<Config, Vec<(usize, f64)>> = BTreeMap::new();
    for c in cells.configs() {
        if let Some(v) = cells.get(c, GBPS) {
            series
                .entry(Config { threads: 0, ..*c })
                .or_default()
                .push((c.threads, v));
        }
    }
    series.retain(|_, v| v.len() > 1);
    if series.is_empty() {
        return cannot(
            question,
            "measure more than one thread count of the same strategy and size: --threads 1,2,4,8"
                .into(),
        );
    }
    let mut peaks: Vec<(Config, usize, f64, usize, f64)> = series
        .iter()
        .map(|(k, v)| {
            let first = v.iter().min_by_key(|x| x.0).copied().unwrap();
            let peak = v
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .copied()
                .unwrap();
            (*k, first.0, first.1, peak.0, peak.1)
        })
        .collect();
    peaks.sort_by(|a, b| (a.4 / a.2).total_cmp(&(b.4 / b.2)));
    let mut q = Quote::new(cells);
    // The series whose peak the noise tells apart from its fewest threads.
    let raised: Vec<&(Config, usize, f64, usize, f64)> = peaks
        .iter()
        .filter(|(k, t1, _, tp, _)| {
            let (a, b) = (Config { threads: *t1, ..*k }, Config { threads: *tp, ..*k });
            cells.apart(&b, &a, GBPS) == Some(Apart::Above)
        })
        .collect();
    for (k, t1, _, tp, _) in &raised {
        q.beats(
            &Config { threads: *tp, ..*k },
            &Config { threads: *t1, ..*k },
            GBPS,
        );
    }
    let mut peak_at: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &raised {
        *peak_at.entry(p.3).or_default() += 1;
    }
    let (k, t1, _, tp, _) = peaks[peaks.len() / 2];
    let (a, b) = (Config { threads: t1, ..k }, Config { threads: tp, ..k });
    let cores_text = cores.map_or("On this machine".to_string(), |n| format!("On {n} cores"));
    let name = format!("{} {}", k.strategy, size_text(k.msg_size));
    let n = peaks.len();
    let scaling = match peak_at.iter().max_by_key(|x| *x.1) {
        Some((common, count)) => format!(
            "{cores_text}, more thread pairs raise throughput distinguishably from the noise in {} of {n} \
             strategy/size series; in {count} of them it peaks at {common} thread pair{}.",
            raised.len(),
            if *common == 1 { "" } else { "s" },
        ),
        None => format!(
            "{cores_text}, in none of the {n} strategy/size series is throughput at more thread pairs \
             told apart from the fewest: indistinguishable on this machine."
        ),
    };
    let told = match cells.apart(&b, &a, GBPS) {
        Some(Apart::Above) => "told apart",
        _ => "not distinguishable",
    };
    let mut t = format!(
        "{scaling} The median series, {name}: {} at {t1} against {} at {tp} ({}×, {told}).",
        q.q(&a, GBPS).unwrap_or_default(),
        q.q(&b, GBPS).unwrap_or_default(),
        ratio(
            cells.get(&b, GBPS).unwrap_or(0.0),
            cells.get(&a, GBPS).unwrap_or(1.0)
        ),
    );
    // Where more threads than cores run, they share cores: time per byte and switches say so.
    let last = series
        .get(&k)
        .and_then(|v| v.iter().map(|x| x.0).max())
        .unwrap_or(tp);
    let l = Config { threads: last, ..k };
    if let (Some(x), Some(y)) = (q.q(&a, id::CPU_NS_PER_BYTE), q.q(&l, id::CPU_NS_PER_BYTE)) {
        let told = match cells.apart(&a, &l, id::CPU_NS_PER_BYTE) {
            Some(Apart::Within) | None => ", not distinguishable from the noise",
            Some(_) => "",
        };
        t.push_str(&format!(
            " CPU time per byte at {t1} and {last} thread pairs: {x} and {y}{told}."
        ));
    }
    if let (Some(x), Some(y)) = (
        cells.get(&a, id::CONTEXT_SWITCHES),
        cells.get(&l, id::CONTEXT_SWITCHES),
    ) {
        let per_s = |c: &Config, v: f64| v / cells.get(c, id::DURATION_S).unwrap_or(1.0);
        let (_, _) = (q.q(&a, id::CONTEXT_SWITCHES), q.q(&l, id::CONTEXT_SWITCHES));
        let (ra, rl) = (per_s(&a, x), per_s(&l, y));
        // Switches have no interval: the one-trial 2× rule says whether they moved.
        let moved = if apart(rl, None, ra, None) == Apart::Within {
            ", not distinguishable from the noise"
        } else {
            ""
        };
        t.push_str(&format!(
            " Context switches: {} in its window at {t1}, {} at {last} ({}× per second{moved}).",
            cells.text(id::CONTEXT_SWITCHES, x),
            cells.text(id::CONTEXT_SWITCHES, y),
            ratio(rl, ra.max(1e-9)),
        ));
    }
    let cache = [id::L1D_MISSES, id::LLC_MISSES, id::CACHE_MISSES]
        .into_iter()
        .find(|n| cells.get(&a, *n).is_some() && cells.get(&l, *n).is_some());
    let measure = match cache {
        Some(n) => {
            let (x, y) = (q.q(&a, n).unwrap_or_default(), q.q(&l, n).unwrap_or_default());
            t.push_str(&format!(" Cache contention: {n} {x} at {t1} against {y} at {last}."));
            None
        }
        None => Some(
            "cache contention between threads needs cache-miss counters (a PMU); these figures show \
             only the sharing of cores"
                .to_string(),
        ),
    };
    Answer {
        question,
        answer: Some(t),
        measure,
        cited: q.cited,
        beats: q.beats,
    }
}

//! Answers to the course's six questions from measured figures, each resting on cells
//! it cites. One pure function, [`answers`], feeds both `netio-tui report` and the
//! explorer's insight panel. Every number an answer quotes is a cited cell's value,
//! written as the CSV writes it, or a ratio of two cited values (a bucket's share of a
//! side's sampled time is its `*_ns_per_byte` over the side's `*_sampled_ns_per_byte`);
//! where the figures cannot answer, the answer says what to measure instead.

use crate::engine::config::{format_size, Config, Strategy};
use crate::engine::metric::{find, id, Figures, MetricId, Registry};
use crate::engine::profile::Bucket;
use std::collections::{BTreeMap, BTreeSet};

/// One cell an answer rests on, with the figures it quotes (metric, value).
#[derive(Clone, Debug, PartialEq)]
pub struct Cited {
    pub config: Config,
    pub figures: Vec<(MetricId, f64)>,
}

/// One question, answered from the data, or what to measure to answer it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub question: &'static str,
    /// The answer the data supports, with its numbers; `None`: the data cannot answer.
    pub answer: Option<String>,
    /// What to measure to answer it (better).
    pub measure: Option<String>,
    pub cited: Vec<Cited>,
}

pub const QUESTIONS: [&str; 6] = [
    "Why is zero-copy not always fastest?",
    "Which cache level's misses fall most between strategies, and which costs fall?",
    "How do threads interact (scaling and contention)?",
    "At what message size does one-copy beat two-copy?",
    "At what message size does zero-copy beat two-copy?",
    "One unexpected result, explained",
];

/// The measured cells, one per configuration (the last row of a configuration wins;
/// failed rows carry no figures and are left out).
pub struct Cells<'r> {
    reg: &'r Registry,
    rows: BTreeMap<Config, &'r Figures>,
}

impl<'r> Cells<'r> {
    pub fn new(reg: &'r Registry, rows: &'r [Figures]) -> Cells<'r> {
        Cells {
            reg,
            rows: rows
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| (r.config, r))
                .collect(),
        }
    }

    pub fn get(&self, c: &Config, name: MetricId) -> Option<f64> {
        self.rows.get(c)?.get(self.reg, name)
    }

    /// The value as the CSV writes it, with its unit.
    pub fn text(&self, name: MetricId, v: f64) -> String {
        match find(self.reg, name) {
            Some(m) => {
                let u = m.unit;
                format!("{}{}{u}", m.csv_text(v), crate::view::unit_sep(u))
            }
            None => format!("{v}"),
        }
    }

    fn configs(&self) -> impl Iterator<Item = &Config> {
        self.rows.keys()
    }
}

/// Collects the figures an answer quotes and writes them.
struct Quote<'c, 'r> {
    cells: &'c Cells<'r>,
    cited: Vec<Cited>,
}

impl Quote<'_, '_> {
    /// The figure as text, remembered as cited; `None` where not measured.
    fn q(&mut self, c: &Config, name: MetricId) -> Option<String> {
        let v = self.cells.get(c, name)?;
        match self.cited.iter_mut().find(|x| x.config == *c) {
            Some(x) if !x.figures.iter().any(|(n, _)| *n == name) => x.figures.push((name, v)),
            Some(_) => {}
            None => self.cited.push(Cited {
                config: *c,
                figures: vec![(name, v)],
            }),
        }
        Some(self.cells.text(name, v))
    }
}

/// The axes other than strategy, size and threads: cells are compared only within one.
fn axes(c: &Config) -> Config {
    Config {
        strategy: Strategy::TwoCopy,
        msg_size: 0,
        threads: 0,
        ..*c
    }
}

fn with(c: &Config, strategy: Strategy) -> Config {
    Config { strategy, ..*c }
}

/// A message size as people say it: 64 B, 4K.
pub fn size_text(z: usize) -> String {
    let s = format_size(z);
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{s} B")
    } else {
        s
    }
}

fn ratio(a: f64, b: f64) -> String {
    crate::format::sig(a / b, 3)
}

/// Answers the six questions from `rows`; `cores` is the machine's, where known.
pub fn answers(reg: &Registry, rows: &[Figures], cores: Option<usize>) -> Vec<Answer> {
    let cells = Cells::new(reg, rows);
    vec![
        zero_copy_not_fastest(&cells),
        cache_and_costs(&cells),
        threads(&cells, cores),
        crossover(&cells, Strategy::OneCopy, QUESTIONS[3]),
        crossover(&cells, Strategy::ZeroCopy, QUESTIONS[4]),
        surprise(&cells),
    ]
}

fn cannot(question: &'static str, measure: String) -> Answer {
    Answer {
        question,
        answer: None,
        measure: Some(measure),
        cited: Vec::new(),
    }
}

const GBPS: MetricId = id::THROUGHPUT_GBPS;

fn zero_copy_not_fastest(cells: &Cells) -> Answer {
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

/// What to run where the rows carry no CPU-time breakdown.
pub const PROFILE_HINT: &str = "where the CPU time goes (copy, syscall entry, TCP/IP, …) needs the sampling profiler, \
     which these figures lack (the tx_*/rx_*_ns_per_byte columns are empty): measure with --profile \
     (netio-tui --profile, or run/sweep --profile)";

/// A side's CPU-time breakdown in a cell: the column of each bucket and of the total.
fn side_columns(cells: &Cells, sender: bool) -> Option<(MetricId, Vec<(Bucket, MetricId)>)> {
    let held = |m: MetricId| m.in_registry(cells.reg).map(|_| m);
    let total = held(id::sampled(sender))?;
    let buckets = Bucket::ALL
        .iter()
        .filter_map(|b| Some((*b, held(id::bucket(sender, *b))?)))
        .collect();
    Some((total, buckets))
}

/// Whether a cell carries the CPU-time breakdown.
fn profiled(cells: &Cells, c: &Config) -> bool {
    cells
        .get(c, id::TX_SAMPLED_NS_PER_BYTE)
        .is_some_and(|v| v > 0.0)
}

/// "two-copy 64 B ×1: 41 % of sender time in syscall entry (2.1400 ns/B), 9 % in copy
/// (0.4700 ns/B), of 5.2100 ns/B sampled": the side's two largest buckets, and copy
/// (and zero-copy bookkeeping for a zero-copy strategy) whatever their size. Each share
/// is the bucket's cell over the side's sampled total, both quoted.
fn breakdown(q: &mut Quote, c: &Config, sender: bool) -> Option<String> {
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

const CACHE_LEVELS: [(MetricId, &str); 3] = [
    (id::L1D_MISSES, "L1D"),
    (id::LLC_MISSES, "last-level cache"),
    (id::CACHE_MISSES, "generic cache-misses event"),
];

const EVIDENCE: [MetricId; 5] = [
    id::TX_SYSCALLS_PER_MSG,
    id::SEGS_PER_MSG,
    id::RX_COPIES_PER_MSG,
    id::CPU_NS_PER_BYTE,
    id::COPIES_WORTH,
];

/// Cells of two strategies at the same size, threads and axes: (a's, b's).
fn pairs(cells: &Cells, a: Strategy, b: Strategy) -> Vec<(Config, Config)> {
    cells
        .configs()
        .filter(|c| c.strategy == a)
        .map(|c| (*c, with(c, b)))
        .filter(|(_, o)| cells.rows.contains_key(o))
        .collect()
}

fn cache_and_costs(cells: &Cells) -> Answer {
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
    let mut q = Quote {
        cells,
        cited: Vec::new(),
    };
    // The median cell by the ratio of a figure, cited.
    let mut falls = |name: MetricId| -> Option<(f64, String)> {
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
        let (ta, tb) = (q.q(&a, name)?, q.q(&b, name)?);
        Some((
            r,
            format!(
                "{} {}× ({a}: {ta}, {to} {tb})",
                find(cells.reg, name).map_or(name.name(), |m| m.short),
                crate::format::sig(r, 3),
            ),
        ))
    };
    let cache: Vec<(f64, &str, String)> = CACHE_LEVELS
        .iter()
        .filter_map(|(n, label)| falls(*n).map(|(r, t)| (r, *label, t)))
        .collect();
    let costs: Vec<(f64, String)> = EVIDENCE.iter().filter_map(|n| falls(*n)).collect();
    let mut text = String::new();
    let mut measure = None;
    match cache.iter().max_by(|a, b| a.0.total_cmp(&b.0)) {
        Some((_, label, _)) => text.push_str(&format!(
            "From {from} to {to} (median cell, misses per KiB moved), the {label} misses fall most: {}.",
            cache.iter().map(|c| c.2.clone()).collect::<Vec<_>>().join("; ")
        )),
        None => {
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
            "The costs that fall from {from} to {to} (ratio {from}/{to}, median cell): {}.",
            costs
                .iter()
                .map(|c| c.1.clone())
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
    }
}

fn threads(cells: &Cells, cores: Option<usize>) -> Answer {
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
    let mut peak_at: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &peaks {
        *peak_at.entry(p.3).or_default() += 1;
    }
    let (common, count) = peak_at
        .iter()
        .max_by_key(|x| *x.1)
        .map(|(t, n)| (*t, *n))
        .unwrap();
    let (k, t1, _, tp, _) = peaks[peaks.len() / 2];
    let (a, b) = (Config { threads: t1, ..k }, Config { threads: tp, ..k });
    let mut q = Quote {
        cells,
        cited: Vec::new(),
    };
    let cores_text = cores.map_or("On this machine".to_string(), |n| format!("On {n} cores"));
    let name = format!("{} {}", k.strategy, size_text(k.msg_size));
    let mut t = format!(
        "{cores_text}, throughput peaks at {common} thread pair{} in {count} of {n} strategy/size series. \
         The median series, {name}: {} at {t1} against {} at {tp} ({}×).",
        if common == 1 { "" } else { "s" },
        q.q(&a, GBPS).unwrap_or_default(),
        q.q(&b, GBPS).unwrap_or_default(),
        ratio(cells.get(&b, GBPS).unwrap_or(0.0), cells.get(&a, GBPS).unwrap_or(1.0)),
        n = peaks.len(),
    );
    // Where more threads than cores run, they share cores: time per byte and switches say so.
    let last = series
        .get(&k)
        .and_then(|v| v.iter().map(|x| x.0).max())
        .unwrap_or(tp);
    let l = Config { threads: last, ..k };
    if let (Some(x), Some(y)) = (q.q(&a, id::CPU_NS_PER_BYTE), q.q(&l, id::CPU_NS_PER_BYTE)) {
        t.push_str(&format!(
            " CPU time per byte at {t1} and {last} thread pairs: {x} and {y}."
        ));
    }
    if let (Some(x), Some(y)) = (
        cells.get(&a, id::CONTEXT_SWITCHES),
        cells.get(&l, id::CONTEXT_SWITCHES),
    ) {
        let per_s = |c: &Config, v: f64| v / cells.get(c, id::DURATION_S).unwrap_or(1.0);
        let (_, _) = (q.q(&a, id::CONTEXT_SWITCHES), q.q(&l, id::CONTEXT_SWITCHES));
        t.push_str(&format!(
            " Context switches: {} in its window at {t1}, {} at {last} ({}× per second).",
            cells.text(id::CONTEXT_SWITCHES, x),
            cells.text(id::CONTEXT_SWITCHES, y),
            ratio(per_s(&l, y), per_s(&a, x).max(1e-9)),
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
    }
}

/// The smallest size from which `s` beats two-copy at every larger measured size, per
/// thread count (and axes).
fn crossover(cells: &Cells, s: Strategy, question: &'static str) -> Answer {
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

const SURPRISE_EVIDENCE: [MetricId; 11] = [
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

fn surprise(cells: &Cells) -> Answer {
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

/// Every cited figure, for checks: (config, metric, value).
pub fn cited_figures(answers: &[Answer]) -> Vec<(Config, &'static str, f64)> {
    answers
        .iter()
        .flat_map(|a| a.cited.iter())
        .flat_map(|c| c.figures.iter().map(move |(n, v)| (c.config, n.name(), *v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::metric::METRICS;

    fn row(c: Config, figures: &[(MetricId, f64)]) -> Figures {
        Figures {
            config: c,
            values: METRICS
                .iter()
                .map(|m| figures.iter().find(|(n, _)| *n == m.id()).map(|x| x.1))
                .collect(),
            kernel: None,
            error: None,
        }
    }

    fn sweep(
        gbps: impl Fn(Strategy, usize) -> f64,
        segs: impl Fn(Strategy, usize) -> f64,
    ) -> Vec<Figures> {
        let mut rows = Vec::new();
        for s in Strategy::COURSE {
            for z in [64, 256, 1024, 4096] {
                rows.push(row(
                    Config::new(s, z, 1),
                    &[
                        (GBPS, gbps(s, z)),
                        (id::SEGS_PER_MSG, segs(s, z)),
                        (id::ZC_COPIED_PCT, 100.0),
                        (id::BYTES, 1e9),
                    ],
                ));
            }
        }
        rows
    }

    #[test]
    fn every_metric_the_answers_quote_is_in_the_registry() {
        let quoted = CACHE_LEVELS
            .iter()
            .map(|(m, _)| m)
            .chain(&EVIDENCE)
            .chain(&SURPRISE_EVIDENCE)
            .chain([&GBPS, &id::BYTES, &id::DURATION_S, &id::CONTEXT_SWITCHES])
            .chain(&[id::ZC_COPIED_PCT, id::TX_SYSCALLS_PER_MSG]);
        for m in quoted {
            assert!(find(METRICS, m).is_some(), "{m}");
        }
        for sender in [true, false] {
            let (total, buckets) = side_columns(&Cells::new(METRICS, &[]), sender).unwrap();
            assert_eq!(buckets.len(), Bucket::ALL.len());
            assert!(find(METRICS, total).is_some());
        }
    }

    #[test]
    fn a_strategy_that_never_wins_says_what_to_measure_and_cites_the_largest_size() {
        let rows = sweep(
            |s, z| z as f64 * if s == Strategy::ZeroCopy { 0.5 } else { 1.0 },
            |_, _| 1.0,
        );
        let a = answers(METRICS, &rows, Some(2));
        let zc = &a[4];
        assert!(
            zc.answer.as_deref().unwrap().contains("not up to 4K"),
            "{zc:?}"
        );
        assert!(zc.measure.as_deref().unwrap().contains("16K"), "{zc:?}");
        assert_eq!(zc.cited[0].config, Config::new(Strategy::ZeroCopy, 4096, 1));
        // Zero-copy slower everywhere, and the kernel copied all of it.
        let why = a[0].answer.as_deref().unwrap();
        assert!(
            why.contains("in 4 of 4 cells") && why.contains("100.0%"),
            "{why}"
        );
        // No cache counters: the cache question says what to measure.
        assert!(a[1].measure.as_deref().unwrap().contains("PMU"));
        // One thread count only: the threads question cannot be answered.
        assert!(a[2].answer.is_none() && a[2].measure.as_deref().unwrap().contains("--threads"));
    }

    #[test]
    fn the_surprise_is_the_outlier_and_names_the_counter_that_moved_with_it() {
        let rows = sweep(
            |s, z| {
                let dip = s == Strategy::OneCopy && z == 1024;
                z as f64 * if dip { 0.2 } else { 1.0 }
            },
            |s, z| {
                if s == Strategy::OneCopy && z == 1024 {
                    6.0
                } else {
                    1.0
                }
            },
        );
        let a = answers(METRICS, &rows, None);
        let t = a[5].answer.as_deref().unwrap();
        assert!(t.contains("one-copy 1K ×1") && t.contains("below"), "{t}");
        assert!(t.contains("segs_per_msg = 6.0"), "{t}");
        assert!(a[5].measure.is_none());
    }
}

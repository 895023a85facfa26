//! Locked buffers (`--mlock`): where rows differ only in it, whether locking changed
//! any headline figure beyond the noise, and why the kernel says it should not.
//! Not one of the course's six questions: `report` and the insight panel add it
//! after them where the rows hold such pairs.

use super::cells::{Cells, Quote, GBPS};
use super::noise::Apart;
use super::Answer;
use crate::engine::config::{Config, Mlock};
use crate::engine::metric::{find, Figures, MetricId, Registry, HEADLINE};

pub const QUESTION: &str = "Did locking the buffers (--mlock on) change anything?";

/// Why locking should change nothing the figures measure.
pub const WHY: &str = "MSG_ZEROCOPY and io_uring's SEND_ZC pin the pages they send themselves \
    (the kernel takes a reference on each page until the transmit is done with it, and io_uring pins \
    its registered buffer when it is registered), so nothing depends on the user having locked them; \
    the copying strategies copy out of the fields and into the receive buffer inside the system call, \
    and on a machine not short of memory those pages stay resident once touched. Locking saves only \
    the first-touch page faults, which the warm-up has already paid, and adds locked memory (VmLck, \
    against RLIMIT_MEMLOCK)";

/// One figure of a pair: unlocked against locked.
struct Compared {
    off: Config,
    metric: MetricId,
    verdict: Apart,
}

/// Probability that two sets of `n` and `m` trials of one and the same configuration
/// give disjoint smallest-to-largest ranges: one set wholly below the other,
/// `2 · n! · m! / (n + m)!`. `None` where the interval is not that range (docs/trials.md:
/// 2–8 trials) or a cell has no interval.
fn chance_disjoint(n: usize, m: usize) -> Option<f64> {
    if !(2..=8).contains(&n) || !(2..=8).contains(&m) {
        return None;
    }
    // n! m! / (n+m)! = 1 / C(n+m, n)
    let choose = (1..=n).fold(1.0, |acc, i| acc * (m + i) as f64 / i as f64);
    Some(2.0 / choose)
}

fn short(cells: &Cells, metric: MetricId) -> String {
    find(cells.reg, metric).map_or(metric.name().to_string(), |m| m.short.to_string())
}

/// The answer where `rows` hold configurations measured with `--mlock` off and on,
/// alike in everything else; `None` where they hold no such pair.
pub fn locking(reg: &Registry, rows: &[Figures]) -> Option<Answer> {
    let cells = Cells::new(reg, rows);
    let pairs: Vec<(Config, Config)> = cells
        .configs()
        .filter(|c| c.mlock == Mlock::Off)
        .map(|c| {
            (
                *c,
                Config {
                    mlock: Mlock::On,
                    ..*c
                },
            )
        })
        .filter(|(_, on)| cells.trials(on) > 0)
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut compared = Vec::new();
    let mut chance = Some(0.0);
    for (off, on) in &pairs {
        for metric in HEADLINE {
            let Some(verdict) = cells.apart(on, off, metric) else {
                continue;
            };
            compared.push(Compared {
                off: *off,
                metric,
                verdict,
            });
            let p = cells
                .both_intervals(off, on, metric)
                .then(|| chance_disjoint(cells.trials(off), cells.trials(on)))
                .flatten();
            chance = chance.zip(p).map(|(sum, p)| sum + p);
        }
    }
    let mut q = Quote::new(&cells);
    let n = pairs.len();
    let pairs_text = format!(
        "{n} pair{} of rows that differ only in --mlock",
        if n == 1 { "" } else { "s" }
    );
    let changed: Vec<&Compared> = compared
        .iter()
        .filter(|c| c.verdict != Apart::Within)
        .collect();
    let on_of = |c: &Config| Config {
        mlock: Mlock::On,
        ..*c
    };
    let mut text = if compared.is_empty() {
        format!(
            "The {pairs_text} share no headline figure measured in both (throughput, CPU time per byte, cycles per byte, µs per message)."
        )
    } else if changed.is_empty() {
        // The pair whose throughput moved most, as the example.
        let example = pairs
            .iter()
            .filter_map(|(off, on)| {
                let (a, b) = (cells.get(off, GBPS)?, cells.get(on, GBPS)?);
                Some((*off, *on, (b / a).ln().abs()))
            })
            .max_by(|a, b| a.2.total_cmp(&b.2));
        let mut t = format!(
            "Locking the buffers changed no figure beyond the noise: in all {pairs_text}, every headline figure \
             measured in both ({} comparisons) is indistinguishable on this machine",
            compared.len()
        );
        if let Some((off, on, _)) = example {
            let (a, b) = (q.q(&off, GBPS), q.q(&on, GBPS));
            if let (Some(a), Some(b)) = (a, b) {
                t.push_str(&format!(
                    " (the largest throughput difference: {off}, {a} unlocked against {b} locked)"
                ));
            }
        }
        t.push('.');
        t
    } else {
        let listed: Vec<String> = changed
            .iter()
            .take(4)
            .map(|c| {
                let on = on_of(&c.off);
                let (a, b) = (q.q(&c.off, c.metric), q.q(&on, c.metric));
                if c.metric == GBPS {
                    match c.verdict {
                        Apart::Above => q.beats(&on, &c.off, GBPS),
                        _ => q.beats(&c.off, &on, GBPS),
                    }
                }
                format!(
                    "{}: {} {} locked against {} unlocked",
                    c.off,
                    short(&cells, c.metric),
                    b.unwrap_or_default(),
                    a.unwrap_or_default()
                )
            })
            .collect();
        let higher = changed.iter().filter(|c| c.verdict == Apart::Above).count();
        let mut t = format!(
            "Locking changed {k} of {total} figure comparisons beyond the noise, in {pairs_text}: {list}{more}. \
             {higher} of the {k} are higher locked, {lower} lower.",
            k = changed.len(),
            total = compared.len(),
            list = listed.join("; "),
            more = if changed.len() > listed.len() {
                format!("; and {} more", changed.len() - listed.len())
            } else {
                String::new()
            },
            lower = changed.len() - higher,
        );
        if let Some(expected) = chance {
            t.push_str(&format!(
                " Trials of one and the same configuration give disjoint ranges by chance alone in about {} of {} such comparisons.",
                crate::format::sig(expected, 2),
                compared.len()
            ));
        }
        t
    };
    text.push_str(&format!(
        " The kernel predicts no change: {WHY}{}.",
        if changed.is_empty() {
            ""
        } else {
            "; before reading a difference as locking's, measure it again with more trials (--repeat 9)"
        }
    ));
    // Cite the pairs compared when nothing was quoted yet (no figure in both).
    if q.cited.is_empty() {
        for (off, on) in pairs.iter().take(2) {
            let _ = q.q(off, GBPS);
            let _ = q.q(on, GBPS);
        }
    }
    Some(Answer {
        question: QUESTION,
        answer: Some(text),
        measure: None,
        cited: q.cited,
        beats: q.beats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Strategy;
    use crate::engine::metric::{id, Interval, METRICS};

    /// A cell of 5 trials: throughput `m` Gb/s ± `w` (share) and CPU time 1 ns/B ± 5 %.
    fn cell(c: Config, m: f64, w: f64) -> Figures {
        let iv = |v: f64, w: f64| Interval {
            lo: v * (1.0 - w),
            hi: v * (1.0 + w),
            coverage: 0.9375,
        };
        Figures {
            config: c,
            values: METRICS
                .iter()
                .map(|d| match d.id() {
                    x if x == GBPS => Some(m),
                    x if x == id::CPU_NS_PER_BYTE => Some(1.0),
                    _ => None,
                })
                .collect(),
            trials: 5,
            intervals: METRICS
                .iter()
                .map(|d| match d.id() {
                    x if x == GBPS => Some(iv(m, w)),
                    x if x == id::CPU_NS_PER_BYTE => Some(iv(1.0, 0.05)),
                    _ => None,
                })
                .collect(),
            kernel: None,
            peer: None,
            error: None,
        }
    }

    fn locked(c: Config) -> Config {
        Config {
            mlock: Mlock::On,
            ..c
        }
    }

    #[test]
    fn no_pair_no_answer() {
        let c = Config::new(Strategy::ZeroCopy, 65536, 1);
        assert_eq!(locking(METRICS, &[cell(c, 10.0, 0.1)]), None);
        assert_eq!(locking(METRICS, &[cell(locked(c), 10.0, 0.1)]), None);
        // Differing in another axis too is not a pair.
        let other = Config {
            nodelay: true,
            ..locked(c)
        };
        assert_eq!(
            locking(METRICS, &[cell(c, 10.0, 0.1), cell(other, 10.0, 0.1)]),
            None
        );
    }

    #[test]
    fn overlapping_intervals_say_nothing_changed_and_why() {
        let (a, b) = (
            Config::new(Strategy::ZeroCopy, 65536, 1),
            Config::new(Strategy::OneCopy, 4096, 1),
        );
        let rows = [
            cell(a, 10.0, 0.1),
            cell(locked(a), 10.8, 0.1),
            cell(b, 3.0, 0.1),
            cell(locked(b), 2.9, 0.1),
        ];
        let ans = locking(METRICS, &rows).unwrap();
        let t = ans.answer.unwrap();
        assert!(
            t.starts_with("Locking the buffers changed no figure beyond the noise: in all 2 pairs"),
            "{t}"
        );
        assert!(t.contains("(4 comparisons)"), "{t}");
        assert!(
            t.contains("zero-copy 64K ×1, 10 Gb/s [9–11] unlocked against 11 Gb/s [10–12] locked"),
            "{t}"
        );
        assert!(t.contains("pin the pages they send themselves"), "{t}");
        assert!(!t.contains("--repeat 9"), "{t}");
        assert!(ans.beats.is_empty());
        assert_eq!(ans.cited.len(), 2);
    }

    #[test]
    fn disjoint_intervals_are_named_with_their_direction_and_the_chance_of_it() {
        let (a, b) = (
            Config::new(Strategy::ZeroCopy, 65536, 1),
            Config::new(Strategy::OneCopy, 4096, 1),
        );
        let rows = [
            cell(a, 10.0, 0.05),
            cell(locked(a), 12.0, 0.05),
            cell(b, 3.0, 0.1),
            cell(locked(b), 2.9, 0.1),
        ];
        let ans = locking(METRICS, &rows).unwrap();
        let t = ans.answer.unwrap();
        assert!(
            t.starts_with("Locking changed 1 of 4 figure comparisons beyond the noise, in 2 pairs"),
            "{t}"
        );
        assert!(t.contains("zero-copy 64K ×1: throughput 12.0 Gb/s [11.4–12.6] locked against 10.0 Gb/s [9.5–10.5] unlocked"), "{t}");
        assert!(t.contains("1 of the 1 are higher locked, 0 lower"), "{t}");
        // 4 comparisons of 5 against 5 trials: 4 × 2/252.
        assert!(t.contains("by chance alone in about 0.032 of 4"), "{t}");
        assert!(t.contains("--repeat 9"), "{t}");
        assert_eq!(
            ans.beats,
            [super::super::Beat {
                winner: locked(a),
                loser: a,
                metric: GBPS
            }]
        );
    }

    #[test]
    fn the_report_adds_it_after_the_six_questions_only_where_there_are_pairs() {
        use crate::model::report::{markdown, Input};
        let a = Config::new(Strategy::ZeroCopy, 65536, 1);
        let md = |rows: Vec<Figures>| {
            let input = Input {
                rows,
                machine: None,
                windows: Vec::new(),
            };
            markdown(METRICS, &input, std::path::Path::new("x.csv"), &[])
        };
        let with = md(vec![cell(a, 10.0, 0.1), cell(locked(a), 10.0, 0.1)]);
        assert!(
            with.contains(&format!("## Beyond the six questions\n\n### 7. {QUESTION}\n\nLocking the buffers changed no figure")),
            "{with}"
        );
        assert!(
            with.contains("| zero-copy 64K ×1 mlock | `throughput_gbps` |"),
            "{with}"
        );
        assert!(with.contains("- mlock: off, on"), "{with}");
        let without = md(vec![cell(a, 10.0, 0.1)]);
        assert!(!without.contains("Beyond the six questions"), "{without}");
    }

    #[test]
    fn chance_of_disjoint_ranges() {
        assert!((chance_disjoint(5, 5).unwrap() - 2.0 / 252.0).abs() < 1e-12);
        assert!((chance_disjoint(2, 2).unwrap() - 2.0 / 6.0).abs() < 1e-12);
        assert!((chance_disjoint(3, 5).unwrap() - 2.0 / 56.0).abs() < 1e-12);
        assert_eq!(chance_disjoint(1, 5), None);
        assert_eq!(chance_disjoint(9, 9), None);
    }
}

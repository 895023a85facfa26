//! Request/response (`--workload rr`): which send path gives the lowest round trip at
//! each size, and what it costs per transaction. Not one of the course's six
//! questions: `report` and the insight panel add it after them where rows carry rr
//! figures. A path is said to give the lowest round trip only where the intervals of
//! the medians (`--repeat`, docs/trials.md) tell it apart from every other path
//! measured beside it; without repeats, or where they overlap, the difference is said
//! to be not established.

use super::cells::{axes, Cells, Quote};
use super::noise::Apart;
use super::{cannot, Answer};
use crate::engine::config::Config;
use crate::engine::metric::{id, Figures, MetricId, Registry};
use std::collections::BTreeMap;

pub const QUESTION: &str =
    "Which send path gives the lowest round trip at each size, and what does it cost per transaction?";

const P50: MetricId = id::RR_P50_US;
/// The costs quoted per transaction, where measured.
const COSTS: [(MetricId, &str); 3] = [
    (id::RR_CPU_NS_PER_TX, "CPU"),
    (id::RR_SYSCALLS_PER_TX, "system calls"),
    (id::RR_RX_COPIES_PER_TX, "receive copies"),
];

/// The cells compared with each other: the same size, connections and axes.
fn group(c: &Config) -> (Config, usize, usize) {
    (axes(c), c.threads, c.msg_size)
}

/// The answer where `rows` carry rr figures; `None` where no row is rr.
pub fn round_trip(reg: &Registry, rows: &[Figures]) -> Option<Answer> {
    let cells = Cells::new(reg, rows);
    let mut groups: BTreeMap<(Config, usize, usize), Vec<(Config, f64)>> = BTreeMap::new();
    for c in cells.configs().filter(|c| c.is_rr()) {
        if let Some(v) = cells.get(c, P50) {
            groups.entry(group(c)).or_default().push((*c, v));
        }
    }
    if groups.is_empty() {
        return None;
    }
    let compared: Vec<Vec<(Config, f64)>> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_by(|a, b| a.1.total_cmp(&b.1));
            g
        })
        .collect();
    if compared.is_empty() {
        return Some(cannot(
            QUESTION,
            "measure two send paths or more at the same sizes, with repeats for intervals: \
             netio-tui sweep --workload rr --strategies two-copy,one-copy,uring --sizes 64,4K \
             --threads 1 --repeat 5"
                .into(),
        ));
    }
    let mut q = Quote::new(&cells);
    let mut parts = Vec::new();
    // Why a size has no verdict: one trial (no interval), or intervals that overlap.
    let (mut one_trial, mut overlap) = (false, false);
    for g in &compared {
        let (best, _) = g[0];
        let others = &g[1..];
        // Beyond the noise only where both medians have intervals that do not overlap.
        let settled = others.iter().all(|(o, _)| {
            cells.both_intervals(&best, o, P50) && cells.apart(&best, o, P50) == Some(Apart::Below)
        });
        let without = others
            .iter()
            .any(|(o, _)| !cells.both_intervals(&best, o, P50));
        one_trial |= !settled && without;
        overlap |= !settled && !without;
        let where_ = where_text(&best);
        let b = q.q(&best, P50).unwrap_or_default();
        let (next, _) = others[0];
        let n = q.q(&next, P50).unwrap_or_default();
        let mut t = if settled {
            for (o, _) in others {
                q.beats(&best, o, P50);
            }
            format!(
                "{where_}: {} gives the lowest round trip, median {b}, beyond the noise of every other path measured (next {} {n})",
                best.strategy, next.strategy
            )
        } else {
            format!(
                "{where_}: {} has the lowest median round trip, {b}, but the difference from {} {n} is not established",
                best.strategy, next.strategy
            )
        };
        let costs = cost_text(&mut q, &best);
        if !costs.is_empty() {
            t.push_str(&format!(
                "; per transaction {} costs {costs}",
                best.strategy
            ));
            let theirs = cost_text(&mut q, &next);
            if !theirs.is_empty() {
                t.push_str(&format!(" ({} {theirs})", next.strategy));
            }
        }
        parts.push(t);
    }
    let mut text = format!("{}.", parts.join(". "));
    if one_trial {
        text.push_str(" Not established where a cell has one trial: no interval tells the paths apart; measure with --repeat 5 (docs/trials.md).");
    }
    if overlap {
        text.push_str(
            " Not established where the intervals of the medians overlap on this machine.",
        );
    }
    text.push_str(
        " Closed loop: an unloaded round trip; with --rate, measured from each scheduled send.",
    );
    Some(Answer {
        question: QUESTION,
        answer: Some(text),
        measure: None,
        cited: q.cited,
        beats: q.beats,
    })
}

/// "at 64 B, 1 connection" and the axes that are not the defaults.
fn where_text(c: &Config) -> String {
    let tag = c.tag();
    let extra = tag
        .split_whitespace()
        .filter(|t| *t != "rr")
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "At {}, {} connection{}{}",
        super::size_text(c.msg_size),
        c.threads,
        if c.threads == 1 { "" } else { "s" },
        if extra.is_empty() {
            String::new()
        } else {
            format!(" ({extra})")
        }
    )
}

/// "CPU 18.9k ns, 4 system calls, 2 receive copies" as far as measured.
fn cost_text(q: &mut Quote, c: &Config) -> String {
    COSTS
        .iter()
        .filter_map(|(m, what)| {
            let v = q.q(c, *m)?;
            Some(match *what {
                "CPU" => format!("CPU {v}"),
                w => format!("{} {w}", v.trim_end_matches("/tx").trim_end()),
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Strategy, Workload};
    use crate::engine::metric::{Interval, METRICS};

    fn rr(s: Strategy, size: usize) -> Config {
        Config {
            workload: Workload::Rr,
            ..Config::new(s, size, 1)
        }
    }

    /// A row of `trials` trials: p50 `p50` ± `half` (an interval from 2 trials on),
    /// and its costs per transaction.
    fn row(c: Config, p50: f64, half: f64, trials: usize, cpu: Option<f64>) -> Figures {
        let mut values = vec![None; METRICS.len()];
        let mut intervals = vec![None; METRICS.len()];
        let at = |m: MetricId| METRICS.iter().position(|x| x.name == m.name()).unwrap();
        values[at(P50)] = Some(p50);
        if trials >= 2 {
            intervals[at(P50)] = Some(Interval {
                lo: p50 - half,
                hi: p50 + half,
                coverage: 0.9375,
            });
        }
        values[at(id::RR_CPU_NS_PER_TX)] = cpu;
        values[at(id::RR_RX_COPIES_PER_TX)] = cpu.map(|_| 2.0);
        Figures {
            config: c,
            values,
            trials,
            intervals,
            kernel: None,
            peer: None,
            error: None,
        }
    }

    #[test]
    fn a_path_wins_a_size_only_beyond_the_noise_and_its_costs_are_cited() {
        let rows = [
            // 64 B: one-copy apart from both others.
            row(rr(Strategy::OneCopy, 64), 21.0, 0.5, 5, Some(18_000.0)),
            row(rr(Strategy::TwoCopy, 64), 30.0, 1.0, 5, Some(25_000.0)),
            row(rr(Strategy::Uring, 64), 24.0, 0.8, 5, None),
            // 4K: uring lowest, but its interval overlaps one-copy's.
            row(rr(Strategy::OneCopy, 4096), 28.0, 2.0, 5, Some(20_000.0)),
            row(rr(Strategy::Uring, 4096), 27.0, 2.0, 5, None),
            // A stream row is no part of it.
            row(Config::new(Strategy::ZeroCopy, 64, 1), 1.0, 0.1, 5, None),
        ];
        let a = round_trip(METRICS, &rows).unwrap();
        let t = a.answer.unwrap();
        assert!(
            t.contains("At 64 B, 1 connection: one-copy gives the lowest round trip, median 21.0 µs [20.5–21.5]"),
            "{t}"
        );
        assert!(t.contains("next uring 24.0 µs [23.2–24.8]"), "{t}");
        assert!(
            t.contains("per transaction one-copy costs CPU 18000 ns, 2.00 receive copies"),
            "{t}"
        );
        assert!(
            t.contains("At 4K, 1 connection: uring has the lowest median round trip, 27 µs [25–29], but the difference from one-copy 28 µs [26–30] is not established"),
            "{t}"
        );
        assert!(t.contains("intervals of the medians overlap"), "{t}");
        assert!(!t.contains("--repeat"), "{t}");
        // Beats only at 64 B, against both others; every quoted cell is cited.
        assert_eq!(a.beats.len(), 2);
        assert!(a
            .beats
            .iter()
            .all(|b| b.winner == rr(Strategy::OneCopy, 64) && b.metric == P50));
        let cited: Vec<Config> = a.cited.iter().map(|c| c.config).collect();
        for c in [rr(Strategy::OneCopy, 64), rr(Strategy::Uring, 64)] {
            assert!(cited.contains(&c), "{c} not cited");
        }
        assert!(!cited.contains(&Config::new(Strategy::ZeroCopy, 64, 1)));
    }

    #[test]
    fn without_repeats_no_path_wins_even_far_apart() {
        let rows = [
            row(rr(Strategy::OneCopy, 64), 20.0, 0.0, 1, None),
            row(rr(Strategy::TwoCopy, 64), 90.0, 0.0, 1, None),
        ];
        let t = round_trip(METRICS, &rows).unwrap().answer.unwrap();
        assert!(t.contains("the difference from two-copy 90"), "{t}");
        assert!(t.contains("measure with --repeat 5"), "{t}");
        assert!(round_trip(METRICS, &rows).unwrap().beats.is_empty());
    }

    #[test]
    fn no_rr_row_no_answer_and_one_path_says_what_to_measure() {
        let stream = [row(
            Config::new(Strategy::OneCopy, 64, 1),
            1.0,
            0.1,
            5,
            None,
        )];
        assert!(round_trip(METRICS, &stream).is_none());
        let one = [row(rr(Strategy::OneCopy, 64), 20.0, 1.0, 5, None)];
        let a = round_trip(METRICS, &one).unwrap();
        assert!(a.answer.is_none());
        assert!(a.measure.unwrap().contains("--workload rr"));
    }
}

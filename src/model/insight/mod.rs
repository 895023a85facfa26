//! Answers to the course's six questions from measured figures, each resting on cells
//! it cites. One pure function, [`answers`], feeds both `netio-tui report` and the
//! explorer's insight panel. Every number an answer quotes is a cited cell's value
//! (the median of its trials), to the digits its interval supports and never more
//! than 3 significant ([`noise::rounded`]), or a ratio of two cited values (a bucket's
//! share of a side's sampled time is its `*_ns_per_byte` over the side's
//! `*_sampled_ns_per_byte`). An answer says one cell beats another only where the
//! noise tells them apart ([`noise::apart`]: disjoint intervals, or beyond 2× for
//! one-trial figures), and records each such claim as a [`Beat`]; where the figures
//! cannot answer, the answer says what to measure instead.

mod breakdown;
mod cache;
mod cells;
mod crossover;
mod mlock;
pub mod noise;
mod round_trip;
mod surprise;
mod threads;
mod zero_copy;

pub use breakdown::{share_text, PROFILE_HINT};
pub use cells::{size_text, Cells};
pub use mlock::locking;
pub use round_trip::round_trip;

use crate::engine::config::{Config, Strategy};
use crate::engine::metric::{find, Figures, MetricId, Registry};

/// One cell an answer rests on, with the figures it quotes (metric, value).
#[derive(Clone, Debug, PartialEq)]
pub struct Cited {
    pub config: Config,
    pub figures: Vec<(MetricId, f64)>,
}

/// One claim "`winner` beats `loser`" an answer makes: their `metric` told apart by
/// the noise rule, the winner's the better (higher throughput).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    pub winner: Config,
    pub loser: Config,
    pub metric: MetricId,
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
    /// Every "beats" claim the answer makes.
    pub beats: Vec<Beat>,
}

pub const QUESTIONS: [&str; 6] = [
    "Why is zero-copy not always fastest?",
    "Which cache level's misses fall most between strategies, and which costs fall?",
    "How do threads interact (scaling and contention)?",
    "At what message size does one-copy beat two-copy?",
    "At what message size does zero-copy beat two-copy?",
    "One unexpected result, explained",
];

/// Answers the six questions from `rows`; `cores` is the machine's, where known.
pub fn answers(reg: &Registry, rows: &[Figures], cores: Option<usize>) -> Vec<Answer> {
    let cells = Cells::new(reg, rows);
    let mut all = vec![
        zero_copy::zero_copy_not_fastest(&cells),
        cache::cache_and_costs(&cells),
        threads::threads(&cells, cores),
        crossover::crossover(&cells, Strategy::OneCopy, QUESTIONS[3]),
        crossover::crossover(&cells, Strategy::ZeroCopy, QUESTIONS[4]),
        surprise::surprise(&cells),
    ];
    // Answers resting on one-trial cells say so, and how to measure properly.
    for a in &mut all {
        let one = a.cited.iter().any(|c| cells.trials(&c.config) == 1);
        if let (true, Some(t)) = (one, a.answer.as_mut()) {
            t.push(' ');
            t.push_str(noise::ONE_TRIAL_NOTE);
            t.push('.');
        }
    }
    all
}

/// A cited figure as the report's table and the panel write it: to the digits its
/// interval supports, with the interval where the cell has one.
pub fn cited_text(reg: &Registry, rows: &[Figures], c: &Config, name: MetricId, v: f64) -> String {
    let iv = rows
        .iter()
        .rev()
        .find(|r| r.config == *c && r.error.is_none())
        .and_then(|r| r.interval(reg, name));
    noise::figure_text(v, iv, find(reg, name).map_or("", |m| m.unit))
}

fn cannot(question: &'static str, measure: String) -> Answer {
    Answer {
        question,
        answer: None,
        measure: Some(measure),
        cited: Vec::new(),
        beats: Vec::new(),
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
mod tests;

#[cfg(test)]
mod noise_tests;

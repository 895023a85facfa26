//! Trials: each configuration measured `--repeat N` times, each trial its own window
//! with fresh connections, the trials of a sweep interleaved; what they add up to,
//! and the `--trials-out` file that keeps each of them.

use crate::engine::config::Config;
use crate::engine::metric::{Figures, Registry};
use crate::engine::sample::ConfigResult;
use crate::error::{usage, Result};
use crate::model::csv::write_trials;
use crate::model::files;
use std::path::Path;

/// The order a sweep measures in: pass 1 over every configuration, then pass 2, …,
/// as (pass, configuration index), both from 0. Round-robin, never all trials of one
/// configuration in a row, so a slow drift of the machine (a warming CPU, a backup
/// starting) lands on every configuration alike instead of on whichever ran last.
pub fn interleaved(configs: usize, repeat: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..repeat).flat_map(move |pass| (0..configs).map(move |c| (pass, c)))
}

/// What the trials of each configuration of a plan measured so far.
pub struct Trials {
    configs: Vec<Config>,
    /// Per configuration, its finished trials.
    results: Vec<Vec<ConfigResult>>,
    /// Per configuration, why a trial of it failed: then it is measured no more.
    failed: Vec<Option<String>>,
    /// Every trial in measuring order, numbered within its configuration (from 1).
    each: Vec<(usize, Figures)>,
    kernel: String,
    /// `--peer`: the far host, named in every row.
    peer: Option<crate::engine::metric::Peer>,
}

impl Trials {
    pub fn new(configs: &[Config], kernel: &str) -> Trials {
        Trials {
            configs: configs.to_vec(),
            results: vec![Vec::new(); configs.len()],
            failed: vec![None; configs.len()],
            each: Vec::new(),
            kernel: kernel.to_string(),
            peer: None,
        }
    }

    /// Rows name the far host of `machine`'s `--peer` session, if it has one.
    pub fn on_peer(mut self, machine: &crate::engine::sample::MachineInfo) -> Trials {
        self.peer = crate::engine::metric::Peer::of(machine);
        self
    }

    /// A row as written: with the kernel and the peer it was measured on.
    fn stamp(&self, f: Figures) -> Figures {
        Figures {
            peer: self.peer.clone(),
            ..f.on_kernel(&self.kernel)
        }
    }

    /// Adds a finished trial of configuration `i`; its own figures.
    pub fn add(&mut self, reg: &Registry, i: usize, r: ConfigResult) -> Figures {
        let f = self.stamp(Figures::of(reg, &r));
        self.results[i].push(r);
        self.each.push((self.results[i].len(), f.clone()));
        f
    }

    /// Configuration `i` failed in its next trial: its row becomes the failure.
    pub fn fail(&mut self, reg: &Registry, i: usize, why: String) {
        let n = self.results[i].len() + 1;
        let f = self.stamp(Figures::failed(reg, self.configs[i], why.clone()));
        self.each.push((n, f));
        self.failed[i] = Some(why);
    }

    pub fn has_failed(&self, i: usize) -> bool {
        self.failed[i].is_some()
    }

    /// Configuration `i`'s finished trials.
    pub fn of(&self, i: usize) -> &[ConfigResult] {
        &self.results[i]
    }

    /// One row per configuration measured so far, in plan order: the median of its
    /// trials with intervals ([`Figures::of_trials`]), or its failure.
    pub fn rows(&self, reg: &Registry) -> Vec<Figures> {
        (0..self.configs.len())
            .filter_map(|i| self.row(reg, i))
            .collect()
    }

    /// Configuration `i`'s row, if it has one yet.
    pub fn row(&self, reg: &Registry, i: usize) -> Option<Figures> {
        if let Some(why) = &self.failed[i] {
            return Some(self.stamp(Figures::failed(reg, self.configs[i], why.clone())));
        }
        let trials = &self.results[i];
        (!trials.is_empty()).then(|| self.stamp(Figures::of_trials(reg, trials)))
    }

    /// Every trial so far, numbered (what `--trials-out` writes).
    pub fn each(&self) -> &[(usize, Figures)] {
        &self.each
    }
}

/// `--trials-out`: checked as `--out` is (a file name whose directory exists and can be
/// written, no directory or special file; a link there is replaced, never written
/// through), and not the file `--out` or `--record` writes.
pub fn check_trials_out(path: &Path, out: Option<&Path>, record: Option<&Path>) -> Result<()> {
    files::check_output(path, "--trials-out", true)?;
    for (flag, other) in [("--out", out), ("--record", record)] {
        if let Some(other) = other {
            if files::same_file(path, other) {
                return Err(usage(format!(
                    "--trials-out {} and {flag} {} are the same file; one would overwrite the \
                     other. Give two different files",
                    path.display(),
                    other.display()
                )));
            }
        }
    }
    Ok(())
}

/// A file rewritten whole after each window, and whether the last write failed.
pub struct Saved<'a> {
    pub path: &'a Path,
    /// Rows in the file on disk.
    pub rows: usize,
    /// Why the last write failed (the rows stay in memory and the write is tried again).
    pub unsaved: Option<String>,
}

impl<'a> Saved<'a> {
    pub fn new(path: &'a Path) -> Saved<'a> {
        Saved {
            path,
            rows: 0,
            unsaved: None,
        }
    }

    /// Records how a write of `rows` rows went; says a first failure and a recovery
    /// once each.
    pub fn outcome(&mut self, rows: usize, written: anyhow::Result<()>, say: &dyn Fn(String)) {
        match written {
            Ok(()) => {
                if self.unsaved.take().is_some() {
                    say(format!(
                        "netio-tui: {} written again ({rows} rows)",
                        self.path.display()
                    ));
                }
                self.rows = rows;
            }
            Err(e) => {
                if self.unsaved.is_none() {
                    say(format!(
                        "netio-tui: {e:#}; the results are kept in memory and the write is \
                         tried again after each window"
                    ));
                }
                self.unsaved = Some(format!("{e:#}"));
            }
        }
    }

    /// Rewrites a `--trials-out` file with every trial so far.
    pub fn save_trials(&mut self, reg: &Registry, trials: &Trials, say: &dyn Fn(String)) {
        let written = write_trials(reg, self.path, trials.each());
        self.outcome(trials.each().len(), written, say);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trials_go_round_robin_through_the_configurations() {
        let order: Vec<(usize, usize)> = interleaved(3, 2).collect();
        assert_eq!(order, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
        // Never two trials of one configuration in a row (with more than one).
        let order: Vec<usize> = interleaved(4, 5).map(|(_, c)| c).collect();
        assert_eq!(order.len(), 20);
        assert!(order.windows(2).all(|w| w[0] != w[1]));
        for c in 0..4 {
            assert_eq!(order.iter().filter(|&&x| x == c).count(), 5);
        }
        assert_eq!(
            interleaved(1, 3).collect::<Vec<_>>(),
            [(0, 0), (1, 0), (2, 0)]
        );
        assert_eq!(interleaved(0, 3).count(), 0);
    }

    fn trial(config: Config, messages: u64) -> ConfigResult {
        ConfigResult {
            config,
            total: crate::engine::sample::Measured {
                seconds: 1.0,
                bytes: messages * config.msg_size as u64,
                messages,
                ..Default::default()
            },
            bytes_sent: 0,
            bytes_received: 0,
            verified: false,
        }
    }

    #[test]
    fn rows_are_medians_of_their_trials_and_a_failure_replaces_its_row() {
        use crate::engine::config::Strategy;
        use crate::engine::metric::{id::THROUGHPUT_GBPS, METRICS};
        let a = Config::new(Strategy::OneCopy, 4096, 1);
        let b = Config::new(Strategy::TwoCopy, 4096, 1);
        let mut t = Trials::new(&[a, b], "6.18.0");
        assert!(t.rows(METRICS).is_empty(), "no row before a trial");
        for (i, m) in [(0, 100), (1, 50), (0, 300), (1, 60), (0, 200)] {
            t.add(METRICS, i, trial([a, b][i], m));
        }
        t.fail(METRICS, 1, "trial 3 of 3: reset".into());
        let rows = t.rows(METRICS);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].trials, 3);
        assert_eq!(rows[0].kernel.as_deref(), Some("6.18.0"));
        let tp = |m: u64| (m * 4096 * 8) as f64 / 1e9;
        let got = rows[0].get(METRICS, THROUGHPUT_GBPS).unwrap();
        assert!((got - tp(200)).abs() < 1e-12, "{got}");
        let iv = rows[0].interval(METRICS, THROUGHPUT_GBPS).unwrap();
        assert!((iv.lo - tp(100)).abs() < 1e-12 && (iv.hi - tp(300)).abs() < 1e-12);
        assert_eq!(rows[1].error.as_deref(), Some("trial 3 of 3: reset"));
        assert!(t.has_failed(1) && !t.has_failed(0));
        // Every trial, numbered within its configuration, the failed one too.
        let numbers: Vec<(usize, bool)> = t
            .each()
            .iter()
            .map(|(n, f)| (*n, f.error.is_some()))
            .collect();
        assert_eq!(
            numbers,
            [
                (1, false),
                (1, false),
                (2, false),
                (2, false),
                (3, false),
                (3, true)
            ]
        );
    }
}

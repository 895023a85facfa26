//! When a silent connection is a failure: the no-data rule, and what a crowded run
//! (more pairs than the CPUs can give turns to in time) tells the user.

/// Pairs per CPU up to which a silent connection is not the scheduler's doing: 512 pairs
/// on 2 CPUs answered and measured in the hostile-conditions runs (scripts/hostile.sh);
/// 1,024 pairs failed with a silent connection (issue 23).
pub const CROWD_PAIRS_PER_CPU: usize = 256;

/// Where `pairs` thread pairs share more than [`CROWD_PAIRS_PER_CPU`] per CPU of the
/// `cpus` this process may run on, what a connection that timed out tells the user: the
/// scheduler may not have given it a turn in time, and how many pairs fit.
pub fn crowded_advice(pairs: usize, cpus: usize) -> Option<String> {
    let cpus = cpus.max(1);
    let fit = CROWD_PAIRS_PER_CPU * cpus;
    (pairs > fit).then(|| {
        format!(
            "{} threads share {cpus} CPU{} here, so a connection can wait past the timeout \
             for its turn; run at most {fit} pairs (--threads {fit}) on this machine",
            2 * pairs,
            if cpus == 1 { "" } else { "s" }
        )
    })
}

/// Bytes a receiver takes in between two bumps of [`RunShared::progress`](super::RunShared::progress): rare
/// enough to cost nothing (one shared write per 64 KiB), often enough to show a run
/// that moves however starved each connection is.
pub const PROGRESS_STEP_SHIFT: u32 = 16;

/// The no-data rule. A receiver whose read found nothing for [`IO_TIMEOUT`](super::IO_TIMEOUT) fails the
/// configuration only if the whole run made no progress meanwhile either (`seen`: the
/// run's progress at its previous read timeout or its start, updated here). At 1,024
/// pairs on 2 CPUs a connection can be silent for longer than the timeout while the
/// others move, in the window and while draining after it: that is the scheduler
/// sharing two CPUs among 2,048 threads, not a broken connection. A connection that is
/// really stuck still fails: [`IO_TIMEOUT`](super::IO_TIMEOUT) after the last other receiver finished.
pub fn silent_is_failure(progress_now: u64, seen: &mut u64) -> bool {
    let moved = progress_now != *seen;
    *seen = progress_now;
    !moved
}

#[cfg(test)]
mod tests {
    use super::{crowded_advice, silent_is_failure};

    #[test]
    fn a_crowded_run_says_how_many_pairs_fit() {
        assert_eq!(crowded_advice(512, 2), None);
        let said = crowded_advice(1024, 2).expect("1,024 pairs on 2 CPUs is crowded");
        assert!(said.contains("2048 threads share 2 CPUs"), "{said}");
        assert!(said.contains("--threads 512"), "{said}");
        assert!(crowded_advice(257, 1).unwrap().contains("1 CPU here"));
        assert_eq!(crowded_advice(4096, 64), None);
    }

    /// Issue 23 item 11: a silent connection fails the configuration only when the
    /// whole run stood still too (before: at its own first silence of 10 s).
    #[test]
    fn a_silent_connection_fails_only_when_the_run_stands_still() {
        let mut seen = 5;
        // Others received meanwhile: keep waiting, and remember where the run was.
        assert!(!silent_is_failure(9, &mut seen));
        assert_eq!(seen, 9);
        // Nothing anywhere for a whole timeout: a failure.
        assert!(silent_is_failure(9, &mut seen));
        // The run moves again: a later silence is judged afresh.
        assert!(!silent_is_failure(12, &mut seen));
    }
}

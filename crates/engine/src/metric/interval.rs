//! The median of a configuration's trials and a distribution-free 95 % confidence
//! interval of that median, from order statistics.
//!
//! Method (docs/trials.md): with n trials sorted, the number of trials below the
//! true median is Binomial(n, 1/2). The interval runs from the k-th smallest to the
//! k-th largest trial, k the largest rank whose two-sided coverage
//! 1 − 2·P(Bin(n, ½) < k) is still at least 95 %; where even the widest such
//! interval (min to max, k = 1) covers less (n ≤ 5: 93.75 % at n = 5), it is min to
//! max and says so through [`Interval::coverage`]. Assumes only that trials are
//! independent draws from one distribution (interleaving the trials of a sweep is
//! what makes that fair on a drifting machine).

use serde::{Deserialize, Serialize};

/// A confidence interval of a median.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
    /// The interval's exact coverage for continuous data (0.9375 for 5 trials).
    pub coverage: f64,
}

impl Interval {
    /// Whether two intervals share any value: then the medians are not told apart.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

/// The median of `xs` (mean of the two middle values for an even count); `None`
/// without values. NaNs are ignored.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// P(Bin(n, ½) ≤ j).
fn binom_half_cdf(n: usize, j: usize) -> f64 {
    // Summed in logs: exact enough for the trial counts a person runs (≤ 1000).
    let ln2n = n as f64 * std::f64::consts::LN_2;
    let mut ln_c = 0.0f64; // ln C(n, 0)
    let mut total = 0.0;
    for i in 0..=j.min(n) {
        if i > 0 {
            ln_c += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        total += (ln_c - ln2n).exp();
    }
    total.min(1.0)
}

/// The rank k of the interval of n ≥ 2 values and its coverage.
fn rank(n: usize) -> (usize, f64) {
    // Coverage of [x(k), x(n+1-k)] (1-based) is 1 - 2 P(Bin ≤ k-1).
    let coverage = |k: usize| 1.0 - 2.0 * binom_half_cdf(n, k - 1);
    let mut k = 1;
    while k < n / 2 && coverage(k + 1) >= 0.95 {
        k += 1;
    }
    (k, coverage(k))
}

/// The coverage of the interval of `n` trials (what a file that stores only the
/// interval's ends and the trial count reads back); `None` below 2 trials.
pub fn median_coverage(n: usize) -> Option<f64> {
    (n >= 2).then(|| rank(n).1)
}

/// The coverage of the interval of `n` trials in whole percent, rounded down as the
/// lines that quote it say it ("93 %" for 5 trials, "75 %" for 3); `None` below 2.
pub fn coverage_pct(n: usize) -> Option<u32> {
    median_coverage(n).map(|c| (c * 100.0 + 1e-9).floor() as u32)
}

/// The interval of the median of `xs` (95 % coverage where the count allows, see
/// [`rank`]); `None` with fewer than 2 values.
pub fn median_interval(xs: &[f64]) -> Option<Interval> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    let n = v.len();
    if n < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let (k, coverage) = rank(n);
    Some(Interval {
        lo: v[k - 1],
        hi: v[n - k],
        coverage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coverage_said_is_the_trial_counts_rounded_down() {
        assert_eq!(coverage_pct(1), None);
        assert_eq!(coverage_pct(2), Some(50));
        assert_eq!(coverage_pct(3), Some(75));
        assert_eq!(coverage_pct(5), Some(93));
        assert_eq!(coverage_pct(6), Some(96));
        assert_eq!(coverage_pct(9), Some(96));
    }

    #[test]
    fn medians_and_the_order_statistics_they_rest_on() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let i = median_interval(&[5.0, 1.0, 4.0, 2.0, 3.0]).unwrap();
        assert_eq!((i.lo, i.hi), (1.0, 5.0));
        assert!((i.coverage - 0.9375).abs() < 1e-12);
        // 10 trials: the 2nd smallest to the 2nd largest (97.9 %).
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        let i = median_interval(&xs).unwrap();
        assert_eq!((i.lo, i.hi), (2.0, 9.0));
        assert!(i.coverage >= 0.95);
        assert_eq!(median_interval(&[1.0]), None);
    }

    /// Coverage over many simulated samples from a known distribution: the interval
    /// holds the true median as often as it says (93–97 % for 5 trials' 93.75 %).
    #[test]
    fn the_interval_covers_the_true_median_as_often_as_it_claims() {
        // A small deterministic generator (xorshift), and a skewed distribution
        // (exponential, true median ln 2) so symmetry cannot help.
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut uniform = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let truth = std::f64::consts::LN_2;
        // 5, 9 and 12 trials: exact coverages 93.75 %, 96.1 %, 96.1 %.
        for n in [5usize, 9, 12] {
            let runs = 20_000;
            let mut hit = 0;
            for _ in 0..runs {
                let xs: Vec<f64> = (0..n).map(|_| -(1.0 - uniform()).ln()).collect();
                let i = median_interval(&xs).unwrap();
                if i.lo <= truth && truth <= i.hi {
                    hit += 1;
                }
            }
            let rate = hit as f64 / runs as f64;
            assert!((0.93..=0.97).contains(&rate), "{n} trials: covered {rate}");
        }
    }
}

//! Round-trip times of the request/response workload, as a histogram that merges.
//!
//! Each requester records its round trips (ns) into its own HdrHistogram (3
//! significant digits: every value within 0.1 % of its bucket's). The sampler merges
//! them per interval and per window, and carries the result here: the buckets that
//! hold a count, each named by the highest value it holds, as HdrHistogram reports
//! them. Percentiles are read from the merged buckets — never averaged across
//! connections or intervals, which gives a wrong answer (see the tests).

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Significant digits every round-trip histogram keeps.
pub const SIGFIG: u8 = 3;

/// An empty histogram of round trips in ns, growing as values need.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new(SIGFIG).expect("3 significant digits is a valid HdrHistogram precision")
}

/// Merged round trips of a window: `(highest value of the bucket in ns, count)`,
/// ascending by value, no empty bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundTrips {
    pub buckets: Vec<(u64, u64)>,
}

impl RoundTrips {
    /// The recorded buckets of one HdrHistogram.
    pub fn of(h: &Histogram<u64>) -> RoundTrips {
        RoundTrips {
            buckets: h
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect(),
        }
    }

    /// Both windows' round trips in one histogram (bucket counts add).
    pub fn merge(&self, other: &RoundTrips) -> RoundTrips {
        RoundTrips {
            buckets: join(&self.buckets, &other.buckets, |a, b| a + b),
        }
    }

    /// What was recorded after `earlier`, which this one includes.
    pub fn minus(&self, earlier: &RoundTrips) -> RoundTrips {
        RoundTrips {
            buckets: join(&self.buckets, &earlier.buckets, |a, b| a.saturating_sub(b)),
        }
    }

    /// Round trips recorded.
    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.1).sum()
    }

    /// The value at quantile `q` (0..=1) in ns, as HdrHistogram defines it: the
    /// smallest bucket value with at least ⌈q × count⌉ round trips at or below it.
    pub fn quantile_ns(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let want = ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        self.buckets.iter().find_map(|&(v, c)| {
            seen += c;
            (seen >= want).then_some(v as f64)
        })
    }

    pub fn max_ns(&self) -> Option<f64> {
        self.buckets.last().map(|b| b.0 as f64)
    }

    /// Mean round trip in ns (bucket values, so within 0.1 %).
    pub fn mean_ns(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            self.buckets
                .iter()
                .map(|&(v, c)| v as f64 * c as f64)
                .sum::<f64>()
                / n as f64
        })
    }
}

/// Sorted bucket lists joined by value, counts combined by `f`, empty buckets dropped.
fn join(a: &[(u64, u64)], b: &[(u64, u64)], f: impl Fn(u64, u64) -> u64) -> Vec<(u64, u64)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() || j < b.len() {
        let (v, x, y) = match (a.get(i), b.get(j)) {
            (Some(&(va, ca)), Some(&(vb, cb))) if va == vb => {
                (i, j) = (i + 1, j + 1);
                (va, ca, cb)
            }
            (Some(&(va, ca)), Some(&(vb, _))) if va < vb => {
                i += 1;
                (va, ca, 0)
            }
            (Some(&(va, ca)), None) => {
                i += 1;
                (va, ca, 0)
            }
            (_, Some(&(vb, cb))) => {
                j += 1;
                (vb, 0, cb)
            }
            (None, None) => unreachable!(),
        };
        let c = f(x, y);
        if c > 0 {
            out.push((v, c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact value at quantile `q` of a sorted list (the same definition).
    fn exact(sorted: &[u64], q: f64) -> f64 {
        let want = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[want - 1] as f64
    }

    /// A pseudo-random round trip of connection `t`: each its own spread.
    fn values(t: u64, n: u64) -> Vec<u64> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ t;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                10_000 + t * 7_000 + x % (5_000 + t * 40_000)
            })
            .collect()
    }

    #[test]
    fn merged_per_thread_histograms_give_the_percentiles_of_all_the_values() {
        let mut all = Vec::new();
        let mut merged = RoundTrips::default();
        for t in 0..4 {
            let mut h = new_histogram();
            for v in values(t, 10_000 + t * 3_000) {
                h.record(v).unwrap();
                all.push(v);
            }
            merged = merged.merge(&RoundTrips::of(&h));
        }
        all.sort_unstable();
        assert_eq!(merged.count(), all.len() as u64);
        for q in [0.5, 0.9, 0.99, 0.999, 1.0] {
            let (got, want) = (merged.quantile_ns(q).unwrap(), exact(&all, q));
            // 3 significant digits: within 0.1 % of the exact value.
            assert!(
                (got - want).abs() <= want * 0.001,
                "q {q}: merged {got}, sorted {want}"
            );
        }
        assert!(
            (merged.max_ns().unwrap() - *all.last().unwrap() as f64).abs()
                <= *all.last().unwrap() as f64 * 0.001
        );
        // The interval arithmetic: a later cumulative minus an earlier one.
        let first = RoundTrips::of(&{
            let mut h = new_histogram();
            values(0, 10_000)
                .into_iter()
                .for_each(|v| h.record(v).unwrap());
            h
        });
        assert_eq!(merged.minus(&first).count(), merged.count() - 10_000);
        assert_eq!(merged.minus(&merged), RoundTrips::default());
    }

    #[test]
    fn averaging_per_connection_p99s_is_wrong_where_merging_is_right() {
        // Three quick connections and one slow one, equally busy.
        let mut per_conn = Vec::new();
        let mut all = Vec::new();
        for t in 0..4u64 {
            let mut h = new_histogram();
            for i in 0..1000u64 {
                let v = if t == 3 { 1_000_000 + i } else { 10_000 + i };
                h.record(v).unwrap();
                all.push(v);
            }
            per_conn.push(RoundTrips::of(&h));
        }
        all.sort_unstable();
        let truth = exact(&all, 0.99);
        let merged = per_conn
            .iter()
            .fold(RoundTrips::default(), |m, c| m.merge(c));
        let averaged = per_conn
            .iter()
            .map(|c| c.quantile_ns(0.99).unwrap())
            .sum::<f64>()
            / 4.0;
        assert!((merged.quantile_ns(0.99).unwrap() - truth).abs() <= truth * 0.001);
        // The average of p99s lands between the two groups: a round trip nobody had.
        assert!(
            (averaged - truth).abs() > truth * 0.5,
            "averaged {averaged}, true p99 {truth}"
        );
    }

    #[test]
    fn round_trips_serialize_as_buckets() {
        let mut h = new_histogram();
        h.record(1000).unwrap();
        h.record_n(2000, 3).unwrap();
        let r = RoundTrips::of(&h);
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(text, r#"{"buckets":[[1000,1],[2000,3]]}"#);
        assert_eq!(serde_json::from_str::<RoundTrips>(&text).unwrap(), r);
        assert_eq!(r.mean_ns(), Some(1750.0));
        assert_eq!(RoundTrips::default().quantile_ns(0.5), None);
    }
}

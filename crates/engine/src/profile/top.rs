//! The kernel functions each side's samples fell in most.

use super::{Bucket, Classifier, Side};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many kernel functions per side a [`TopFunctions`] lists.
pub const TOP_FUNCTIONS: usize = 10;

/// One kernel function's samples on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionSamples {
    pub name: String,
    pub bucket: Bucket,
    pub samples: u64,
}

/// The kernel functions one side's samples fell in most often.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideTop {
    /// Every sample of the side, user space and unnamed kernel addresses included: what
    /// a function's share is of.
    pub samples: u64,
    /// Most samples first, at most [`TOP_FUNCTIONS`].
    pub functions: Vec<FunctionSamples>,
}

impl SideTop {
    /// A function's share of the side's samples, in percent.
    pub fn pct(&self, f: &FunctionSamples) -> Option<f64> {
        (self.samples > 0).then(|| f.samples as f64 * 100.0 / self.samples as f64)
    }
}

/// The kernel functions of the configuration being measured, per side, counted since
/// its measured window began: a bounded list, published with each sample.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopFunctions {
    pub tx: SideTop,
    pub rx: SideTop,
}

/// Samples per kernel symbol, per side: kept by the sampler thread as it drains, so
/// the workers never pay for it.
#[derive(Default)]
pub(super) struct FunctionTally {
    /// Symbol index (in [`Kallsyms`]) → samples, for the sender and the receiver.
    counts: [HashMap<usize, u64>; 2],
    /// Every sample per side, named or not.
    pub(super) samples: [u64; 2],
}

impl FunctionTally {
    pub(super) fn add(&mut self, side: Side, symbol: Option<usize>) {
        let i = side as usize;
        self.samples[i] += 1;
        if let Some(s) = symbol {
            *self.counts[i].entry(s).or_default() += 1;
        }
    }

    pub(super) fn clear(&mut self) {
        *self = FunctionTally::default();
    }

    /// The `n` functions with most samples per side (ties by name, so the list is stable).
    pub(super) fn top(&self, n: usize, classify: &mut Classifier) -> TopFunctions {
        let mut side = |i: usize| {
            let mut v: Vec<(usize, u64)> = self.counts[i].iter().map(|(s, c)| (*s, *c)).collect();
            let syms = classify.syms;
            let name = |s: usize| syms.map_or("", |k| k.name(s));
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
            v.truncate(n);
            SideTop {
                samples: self.samples[i],
                functions: v
                    .into_iter()
                    .map(|(s, c)| FunctionSamples {
                        name: name(s).to_string(),
                        bucket: classify.bucket_of(s),
                        samples: c,
                    })
                    .collect(),
            }
        };
        let tx = side(Side::Tx as usize);
        let rx = side(Side::Rx as usize);
        TopFunctions { tx, rx }
    }
}

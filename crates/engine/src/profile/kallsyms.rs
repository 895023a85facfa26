//! Kernel addresses named through /proc/kallsyms, and put in a bucket each.

use super::{buckets, Bucket};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The kernel's text symbols, sorted by address.
pub struct Kallsyms {
    addrs: Vec<u64>,
    names: Vec<String>,
}

impl Kallsyms {
    /// Parses /proc/kallsyms text; an error where it shows no addresses (not root,
    /// kptr_restrict).
    pub fn parse(text: &str) -> Result<Kallsyms, String> {
        let mut syms: Vec<(u64, &str)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let addr = u64::from_str_radix(f.next()?, 16).ok()?;
                let kind = f.next()?;
                let name = f.next()?;
                matches!(kind, "t" | "T" | "w" | "W").then_some((addr, name))
            })
            .collect();
        if syms.iter().all(|(a, _)| *a == 0) {
            return Err(format!(
                "/proc/kallsyms shows no kernel addresses (kernel.kptr_restrict, or not root): kernel time is not broken down{}",
                crate::error::SEE_DOCTOR
            ));
        }
        syms.retain(|(a, _)| *a != 0);
        syms.sort_by_key(|(a, _)| *a);
        Ok(Kallsyms {
            addrs: syms.iter().map(|(a, _)| *a).collect(),
            names: syms.iter().map(|(_, n)| n.to_string()).collect(),
        })
    }

    /// The symbol an address falls in: the nearest one at or below it.
    pub fn lookup(&self, addr: u64) -> Option<usize> {
        match self.addrs.binary_search(&addr) {
            Ok(i) => Some(i),
            Err(0) => None,
            Err(i) => Some(i - 1),
        }
    }

    pub fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    pub fn len(&self) -> usize {
        self.addrs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty()
    }
}

/// /proc/kallsyms, read once per process.
pub fn kallsyms() -> &'static Result<Kallsyms, String> {
    static SYMS: OnceLock<Result<Kallsyms, String>> = OnceLock::new();
    SYMS.get_or_init(|| {
        std::fs::read_to_string("/proc/kallsyms")
            .map_err(|e| {
                format!(
                    "/proc/kallsyms unreadable ({e}): kernel time is not broken down{}",
                    crate::error::SEE_DOCTOR
                )
            })
            .and_then(|t| Kallsyms::parse(&t))
    })
}

/// Kernel address → bucket, remembering each symbol's bucket.
pub struct Classifier {
    pub(super) syms: Option<&'static Kallsyms>,
    cache: HashMap<usize, Bucket>,
}

impl Classifier {
    pub fn new(syms: Option<&'static Kallsyms>) -> Classifier {
        Classifier {
            syms,
            cache: HashMap::new(),
        }
    }

    /// The bucket of a kernel address, and the symbol it falls in where it is named.
    pub fn kernel(&mut self, ip: u64) -> (Bucket, Option<usize>) {
        let Some(syms) = self.syms else {
            return (Bucket::Kernel, None);
        };
        match syms.lookup(ip) {
            Some(i) => (self.bucket_of(i), Some(i)),
            None => (Bucket::Other, None),
        }
    }

    /// The bucket of a named symbol (`Other` where nothing is named).
    pub(super) fn bucket_of(&mut self, symbol: usize) -> Bucket {
        let Some(syms) = self.syms else {
            return Bucket::Other;
        };
        *self
            .cache
            .entry(symbol)
            .or_insert_with(|| buckets::classify(syms.name(symbol)))
    }
}

//! What machine the figures come from: shown on screen and written into recordings.

use super::config::BufOffset;
use super::counters::CounterPlan;
use super::sample::{MachineInfo, Roofline};
use super::strategy::{PlacedBuf, PLACE_SPAN};
use std::time::{Duration, Instant, SystemTime};

fn cpuinfo_field(name: &str) -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

pub fn cpu_vendor() -> String {
    cpuinfo_field("vendor_id").unwrap_or_default()
}

pub fn describe(network: &str, plan: &CounterPlan) -> MachineInfo {
    MachineInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into()),
        cpu_model: cpuinfo_field("model name").unwrap_or_else(|| "unknown CPU".into()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        network: network.to_string(),
        counters: plan.statuses.clone(),
        perf_error: plan.perf_error.clone(),
        cpu_counters: plan.cpu_statuses.clone(),
        zerocopy_error: None,
        unavailable: Default::default(),
        started: crate::timefmt::iso8601(SystemTime::now()),
        roofline: None,
        ..Default::default()
    }
}

/// Where the roofline's destination starts after its source, modulo 4 KiB: half a
/// span apart, as far as can be from the 1–31 bytes at which `rep movsb` (FSRM) runs
/// 15–25 times slower on some CPUs (AMD Zen). Heap buffers land wherever malloc puts
/// them: two 64 KiB vectors back to back sit 16 bytes apart, the slow case, so the
/// roofline once moved 10× between starts with the heap's state.
pub const ROOFLINE_DISTANCE: usize = PLACE_SPAN / 2;
/// The slow distance measured beside it: a destination 16 bytes after its source
/// modulo 4 KiB, where glibc puts a large buffer's data after its chunk header.
pub const ROOFLINE_SLOW_DISTANCE: usize = 16;

/// A copy's source and destination, placed `distance` bytes apart modulo 4 KiB
/// wherever the allocator put their memory: the source at the start of a span, the
/// destination `distance` bytes into one.
pub struct CopyPair {
    pub src: PlacedBuf,
    pub dst: PlacedBuf,
}

impl CopyPair {
    pub fn new(len: usize, distance: usize) -> CopyPair {
        CopyPair::try_new(len, distance).unwrap_or_else(|e| panic!("{e}"))
    }

    /// As [`CopyPair::new`], or the error of an allocation that did not fit.
    pub fn try_new(len: usize, distance: usize) -> std::io::Result<CopyPair> {
        let distance = distance % PLACE_SPAN;
        Ok(CopyPair {
            src: PlacedBuf::try_new(len, 0x5a, BufOffset::Page(0))?,
            dst: PlacedBuf::try_new(len, 0, BufOffset::Page(distance as u16))?,
        })
    }

    /// How far the destination starts after the source, modulo 4 KiB.
    pub fn distance(&self) -> usize {
        copy_distance(&self.src, &self.dst)
    }

    /// The best ns per byte of copying the source to the destination, over `budget`
    /// (at least `min_rounds` copies): as little disturbed by other work as this
    /// moment allows.
    pub fn ns_per_byte(&mut self, budget: Duration, min_rounds: u32) -> f64 {
        copy_cost(&self.src, &mut self.dst, budget, min_rounds)
    }
}

/// How far `dst` starts after `src`, modulo 4 KiB.
pub fn copy_distance(src: &[u8], dst: &[u8]) -> usize {
    (dst.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize) % PLACE_SPAN
}

/// Copies `src` to `dst` until `budget` has passed (at least `min_rounds` times) and
/// returns the best ns per byte.
pub fn copy_cost(src: &[u8], dst: &mut [u8], budget: Duration, min_rounds: u32) -> f64 {
    let len = src.len().min(dst.len()).max(1);
    let (src, dst) = (&src[..len], &mut dst[..len]);
    // Touched once first: page faults are not copies.
    dst.copy_from_slice(src);
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut rounds = 0;
    while rounds < min_rounds || start.elapsed() < budget {
        let t = Instant::now();
        dst.copy_from_slice(std::hint::black_box(src));
        std::hint::black_box(&mut *dst);
        best = best.min(t.elapsed().as_nanos() as f64 / len as f64);
        rounds += 1;
    }
    best
}

/// In-cache buffer for the roofline: fits in any L2.
const ROOFLINE_CACHE_BYTES: usize = 64 << 10;
/// DRAM-sized buffer: larger than the last-level cache of most machines.
const ROOFLINE_DRAM_BYTES: usize = 64 << 20;

/// The copy roofline of this machine, in a few ms: the fast placement, and the slow
/// distance beside it so the effect (or its absence) is seen on this CPU. The DRAM
/// copy needs two buffers of [`ROOFLINE_DRAM_BYTES`]: where they do not fit (a small
/// `ulimit -v`), it is n/a with the reason and the rest goes on.
pub fn measure_roofline() -> Roofline {
    measure_roofline_of(ROOFLINE_DRAM_BYTES)
}

fn measure_roofline_of(dram_bytes: usize) -> Roofline {
    let cache = |distance| {
        CopyPair::new(ROOFLINE_CACHE_BYTES, distance).ns_per_byte(Duration::from_millis(5), 50)
    };
    let (dram_ns_per_byte, dram_unmeasured) = match CopyPair::try_new(dram_bytes, ROOFLINE_DISTANCE)
    {
        Ok(mut pair) => (pair.ns_per_byte(Duration::from_millis(20), 3), None),
        Err(e) => (0.0, Some(format!("not measured: {e}"))),
    };
    Roofline {
        cache_bytes: ROOFLINE_CACHE_BYTES as u64,
        cache_ns_per_byte: cache(ROOFLINE_DISTANCE),
        dram_bytes: dram_bytes as u64,
        dram_ns_per_byte,
        cache_slow_ns_per_byte: Some(cache(ROOFLINE_SLOW_DISTANCE)),
        slow_distance: Some(ROOFLINE_SLOW_DISTANCE as u32),
        dram_unmeasured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buffers carved out of one allocation `distance` bytes apart modulo 4 KiB, as
    /// malloc may hand out two vectors back to back.
    fn planted(len: usize, distance: usize) -> (Vec<u8>, usize, usize) {
        let arena = vec![0x5au8; 2 * len + 3 * PLACE_SPAN];
        let base = arena.as_ptr() as usize;
        let src = (PLACE_SPAN - base % PLACE_SPAN) % PLACE_SPAN;
        let dst = src + len.div_ceil(PLACE_SPAN) * PLACE_SPAN + distance;
        (arena, src, dst)
    }

    /// Issue 23 item 7: DRAM buffers that cannot be allocated leave the DRAM figure
    /// n/a with the reason (the limit) and the cache roofline measured.
    #[test]
    fn a_dram_buffer_that_does_not_fit_is_na_with_the_reason() {
        let r = measure_roofline_of(usize::MAX / 4);
        let why = r.dram().unwrap_err();
        assert!(why.contains("could not allocate"), "{why}");
        assert!(r.cache_ns_per_byte > 0.0 && r.cache_ns_per_byte.is_finite());
        let ok = measure_roofline_of(1 << 20);
        assert!(ok.dram().unwrap() > 0.0);
    }

    /// Issue 22 item 4: whatever the heap has got to (here: two 64 KiB vectors that
    /// sit 16 bytes apart, the slow case, and a heap moved by other allocations), the
    /// roofline's buffers sit at the fast distance and its slow case at 16 bytes.
    #[test]
    fn the_rooflines_buffers_are_placed_whatever_the_heap() {
        let len = ROOFLINE_CACHE_BYTES;
        let (arena, s, d) = planted(len, ROOFLINE_SLOW_DISTANCE);
        assert_eq!(
            copy_distance(&arena[s..s + len], &arena[d..d + len]),
            ROOFLINE_SLOW_DISTANCE
        );
        let mut keep = Vec::new();
        for shift in [0usize, 16, 48, 1000, 4080, 65_536 + 16, 200_000] {
            keep.push(vec![1u8; shift + 1]);
            for len in [ROOFLINE_CACHE_BYTES, 4096, 100, ROOFLINE_DRAM_BYTES >> 6] {
                let fast = CopyPair::new(len, ROOFLINE_DISTANCE);
                assert_eq!(
                    fast.distance(),
                    ROOFLINE_DISTANCE,
                    "len {len}, shift {shift}"
                );
                assert_eq!(fast.src.len(), len);
                assert_eq!(fast.dst.len(), len);
                let slow = CopyPair::new(len, ROOFLINE_SLOW_DISTANCE);
                assert_eq!(slow.distance(), ROOFLINE_SLOW_DISTANCE);
            }
        }
        // The distance never lies in the window where copies are slow.
        assert!(!(1..32).contains(&ROOFLINE_DISTANCE));
        assert!((1..32).contains(&ROOFLINE_SLOW_DISTANCE));
    }

    /// The same with the figures: the roofline measured with its own placement, while
    /// a pair of buffers planted at the slow distance is measured beside it, stays
    /// where the placed fast copy is, never where the planted slow copy is (on CPUs
    /// with the effect the slow copy costs 15–25×; without it, all three agree). A
    /// ratio of best-of-many copies in one process, with a 3× margin, not a speed.
    #[test]
    fn the_roofline_does_not_move_with_the_heaps_placement() {
        let len = ROOFLINE_CACHE_BYTES;
        let budget = Duration::from_millis(20);
        let (mut arena, s, d) = planted(len, ROOFLINE_SLOW_DISTANCE);
        let (head, tail) = arena.split_at_mut(d);
        let planted_slow = copy_cost(&head[s..s + len], &mut tail[..len], budget, 200);
        let placed = CopyPair::new(len, ROOFLINE_DISTANCE).ns_per_byte(budget, 200);
        let r = measure_roofline();
        let again = measure_roofline();
        eprintln!(
            "roofline {} and {} ns/B; placed fast {placed}; planted 16 B apart {planted_slow}; its slow case {:?}",
            r.cache_ns_per_byte, again.cache_ns_per_byte, r.cache_slow_ns_per_byte
        );
        for roof in [r.cache_ns_per_byte, again.cache_ns_per_byte] {
            assert!(roof > 0.0 && roof.is_finite());
            assert!(
                roof <= 3.0 * placed,
                "the roofline ({roof} ns/B) is not the placed fast copy ({placed} ns/B)"
            );
        }
        // Where the CPU has the effect, the roofline is far from the slow copy.
        if planted_slow > 5.0 * placed {
            assert!(r.cache_ns_per_byte * 3.0 < planted_slow);
            assert!(r.cache_slow_ns_per_byte.unwrap() > 3.0 * r.cache_ns_per_byte);
        }
    }
}

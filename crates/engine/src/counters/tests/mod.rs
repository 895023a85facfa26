//! The counter pipeline without a PMU: scripted openers and readings, through the
//! window estimate to the CSV cells, JSON values and reasons a user sees.

mod cpu_mode;
mod plan;
mod proc_stat;
mod sentinel;
mod thread_clock;
mod window;

use super::fault::failing_after;
use super::*;
use crate::config::{Config, Count, CpuSet, CpuSides, Pin, Strategy};
use crate::measurement::cpu_part_window;
use crate::metric::{Figures, METRICS};
use crate::sample::{ConfigResult, CounterStatus, Counts, Gap, Measured};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

fn reading(enabled: u64, running: u64, values: &[u64]) -> RawReading {
    RawReading {
        enabled,
        running,
        values: values.to_vec(),
    }
}

fn sw_group(events: &[Metric]) -> GroupSpec {
    GroupSpec {
        pmu: Pmu::Software,
        events: events.to_vec(),
        include_kernel: true,
        cpu: None,
        system_wide: false,
    }
}

fn hw_group(pmu: Pmu, events: &[Metric]) -> GroupSpec {
    GroupSpec {
        pmu,
        events: events.to_vec(),
        include_kernel: true,
        cpu: None,
        system_wide: false,
    }
}

fn core() -> Pmu {
    Pmu::Hybrid {
        name: "cpu_core".into(),
        type_id: 8,
    }
}

fn atom() -> Pmu {
    Pmu::Hybrid {
        name: "cpu_atom".into(),
        type_id: 10,
    }
}

/// A scripted group: counts `rate` per ns while running, runs `share` of the time.
struct FakeGroup {
    clock: Arc<AtomicU64>,
    share: f64,
    rate: u64,
    events: usize,
    enabled: bool,
}

impl RawGroup for FakeGroup {
    fn enable(&mut self) -> io::Result<()> {
        self.enabled = true;
        Ok(())
    }

    fn read(&mut self) -> io::Result<RawReading> {
        let t = self.clock.load(Ordering::Relaxed);
        let running = (t as f64 * self.share) as u64;
        Ok(RawReading {
            enabled: t,
            running,
            values: vec![running * self.rate; self.events],
        })
    }
}

/// An opener that answers each spec with `script` (errno) or a fake group.
fn fake_open(
    clock: &Arc<AtomicU64>,
    script: impl Fn(&GroupSpec) -> Result<f64, i32> + Send + Sync + 'static,
) -> OpenFn {
    let clock = clock.clone();
    Arc::new(move |spec: &GroupSpec| {
        let share = script(spec).map_err(io::Error::from_raw_os_error)?;
        Ok(Box::new(FakeGroup {
            clock: clock.clone(),
            share,
            rate: if matches!(spec.pmu, Pmu::Software | Pmu::ThreadClock) {
                1
            } else {
                3
            },
            events: if spec.pmu == Pmu::CpuStat {
                CPU_STAT_VALUES
            } else {
                spec.events.len()
            },
            enabled: false,
        }) as Box<dyn RawGroup>)
    })
}

fn status_of(plan: &CounterPlan, m: Metric) -> &CounterStatus {
    plan.statuses
        .iter()
        .find(|s| s.metric == m.column())
        .unwrap()
}

/// Runs `threads` scripted threads of `plan` over one window and returns the result.
fn measure(plan: &CounterPlan, clock: &Arc<AtomicU64>, threads: usize) -> ConfigResult {
    let mut tx: Vec<ThreadCounters> = (0..threads).map(|_| ThreadCounters::open(plan)).collect();
    let mut rx: Vec<ThreadCounters> = (0..threads).map(|_| ThreadCounters::open(plan)).collect();
    clock.store(1_000, Ordering::Relaxed);
    let a: (Vec<_>, Vec<_>) = (
        tx.iter_mut().map(|t| t.read()).collect(),
        rx.iter_mut().map(|t| t.read()).collect(),
    );
    clock.store(1_000_001_000, Ordering::Relaxed);
    let b: (Vec<_>, Vec<_>) = (
        tx.iter_mut().map(|t| t.read()).collect(),
        rx.iter_mut().map(|t| t.read()).collect(),
    );
    let side = |a: &[ThreadReading], b: &[ThreadReading]| {
        a.iter()
            .zip(b)
            .map(|(a, b)| window(&plan.groups, a, b))
            .fold(Counts::default(), |s, c| s.plus(&c))
    };
    ConfigResult {
        config: Config::new(Strategy::OneCopy, 1000, threads),
        total: Measured {
            rtt: None,
            memcpy_ns_per_byte: None,
            seconds: 1.0,
            bytes: 1_000_000,
            messages: 1000,
            tx: side(&a.0, &b.0),
            rx: side(&a.1, &b.1),
            both: None,
            zc: None,
            rx_zc: None,
            profile: None,
            noise: None,
            fixed_messages: None,
        },
        bytes_sent: 1_000_000,
        bytes_received: 1_000_000,
        verified: false,
    }
}

/// The figure cells of the row a CSV writer would make: name and text, empty where
/// the figure is missing (the writer itself is tested with the CSV contract).
fn csv_row(r: &ConfigResult) -> Vec<(String, String)> {
    let f = Figures::of(METRICS, r);
    METRICS
        .iter()
        .zip(&f.values)
        .map(|(m, v)| {
            (
                m.name.to_string(),
                v.map(|v| m.csv_text(v)).unwrap_or_default(),
            )
        })
        .collect()
}

fn cell(row: &[(String, String)], col: &str) -> String {
    row.iter().find(|(h, _)| h == col).unwrap().1.clone()
}

/// Every spec an opener was asked for, in order.
fn logging(inner: OpenFn) -> (OpenFn, Arc<Mutex<Vec<GroupSpec>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let open: OpenFn = Arc::new(move |spec: &GroupSpec| {
        seen.lock().unwrap().push(spec.clone());
        inner(spec)
    });
    (open, log)
}

/// One window of the pinned CPUs of `sides`, as the sampler reads them.
fn measure_cpus(
    plan: &CounterPlan,
    clock: &Arc<AtomicU64>,
    sides: &CpuSides,
    pin: Pin,
) -> ConfigResult {
    let mut cpus = plan.open_cpus(sides);
    clock.store(1_000, Ordering::Relaxed);
    let a: Vec<ThreadReading> = cpus.iter_mut().map(|c| c.read()).collect();
    clock.store(1_000_001_000, Ordering::Relaxed);
    let b: Vec<ThreadReading> = cpus.iter_mut().map(|c| c.read()).collect();
    let part = |p| cpu_part_window(&cpus, p, &a, &b);
    ConfigResult {
        config: Config {
            count: Count::Cpu,
            pin,
            ..Config::new(Strategy::OneCopy, 1000, 2)
        },
        total: Measured {
            seconds: 1.0,
            bytes: 1_000_000,
            messages: 1000,
            tx: part(CpuPart::Senders).unwrap_or_default(),
            rx: part(CpuPart::Receivers).unwrap_or_default(),
            both: part(CpuPart::Both),
            ..Default::default()
        },
        bytes_sent: 1_000_000,
        bytes_received: 1_000_000,
        verified: false,
    }
}

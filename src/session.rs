//! What the explorer and the headless `run`/`sweep` share before and around the
//! engine: one privilege check, one way to build the engine, one signal channel, one
//! sweep planner.

use crate::cli::Common;
use crate::engine::axis::{Axis, AXES};
use crate::engine::config::{Config, Count, Pin, RecvMode, Strategy};
use crate::engine::{Engine, EngineOptions};
use crossbeam_channel::{unbounded, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a user without the privileges gets: what needs root, and what works without.
pub const NEEDS_ROOT: &str = "this needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN): the explorer, \
run and sweep build a private network of two namespaces joined by a veth pair. Run it with sudo (sudo netio-tui …), \
or add --no-netns to measure over loopback in the current namespace. Without root you can also \
use: netio-tui replay FILE, netio-tui plot FILE.csv, netio-tui --help";

/// Refuses, before anything is built, a user who cannot create namespaces.
pub fn require_privilege(common: &Common) -> anyhow::Result<()> {
    if common.no_netns || may_create_namespaces() {
        Ok(())
    } else {
        Err(crate::usage(NEEDS_ROOT))
    }
}

/// Effective root, or both capabilities that creating namespaces and veth links needs.
fn may_create_namespaces() -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    const CAP_NET_ADMIN: u32 = 12;
    const CAP_SYS_ADMIN: u32 = 21;
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|h| u64::from_str_radix(h.trim(), 16).ok())
        .is_some_and(|caps| caps & (1 << CAP_NET_ADMIN) != 0 && caps & (1 << CAP_SYS_ADMIN) != 0)
}

pub fn engine_options(common: &Common, verify: bool) -> EngineOptions {
    EngineOptions {
        use_netns: !common.no_netns,
        sink: common.topology == crate::cli::Topology::Sink,
        interval: Duration::from_secs_f64(common.interval),
        warmup: Duration::from_secs_f64(common.warmup),
        verify,
        verbose: common.verbose > 0,
        profile_hz: common.profile_hz(),
        syscalls: common.syscalls,
    }
}

/// Checks privileges, then builds the network and probes the counters.
pub fn build_engine(common: &Common, verify: bool) -> anyhow::Result<Engine> {
    if common.no_netns && common.topology == crate::cli::Topology::Sink {
        return Err(crate::usage(
            "--topology sink builds its own namespaces; it cannot be combined with --no-netns",
        ));
    }
    require_privilege(common)?;
    Ok(Engine::new(engine_options(common, verify))?)
}

/// SIGTERM, SIGINT and SIGHUP as a channel, so a loop selecting on it wakes at once.
pub struct Signals {
    handle: signal_hook::iterator::Handle,
    thread: Option<JoinHandle<()>>,
    rx: Receiver<i32>,
}

impl Signals {
    pub fn spawn() -> anyhow::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
        let handle = signals.handle();
        let (tx, rx) = unbounded();
        let thread = std::thread::Builder::new()
            .name("netio-signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if tx.send(sig).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Signals {
            handle,
            thread: Some(thread),
            rx,
        })
    }

    pub fn receiver(&self) -> &Receiver<i32> {
        &self.rx
    }

    /// Whether a signal has arrived (and not been taken yet).
    pub fn pending(&self) -> bool {
        !self.rx.is_empty()
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Checks `--record` before anything is built: a path that can be created, no link,
/// no special file, and not the same file as the CSV `out` (the recording would be lost).
pub fn check_record(common: &Common, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(rec) = &common.record else {
        return Ok(());
    };
    crate::export::files::check_output(rec, "--record", false).map_err(crate::usage)?;
    if let Some(out) = out {
        if crate::export::files::same_file(rec, out) {
            return Err(crate::usage(format!(
                "--record {} and --out {} are the same file; one would overwrite the other. \
                 Give two different files",
                rec.display(),
                out.display()
            )));
        }
    }
    Ok(())
}

/// The list without repeats, in first-seen order; one warning naming the repeats.
pub fn dedup_warn<T: PartialEq + Copy + std::fmt::Display>(flag: &str, items: &[T]) -> Vec<T> {
    let mut seen: Vec<T> = Vec::new();
    let mut repeated: Vec<String> = Vec::new();
    for &x in items {
        if seen.contains(&x) {
            let name = x.to_string();
            if !repeated.contains(&name) {
                repeated.push(name);
            }
        } else {
            seen.push(x);
        }
    }
    if !repeated.is_empty() {
        eprintln!(
            "netio-tui: warning: {flag} lists {} more than once; each is measured once",
            repeated.join(", ")
        );
    }
    seen
}

/// Every combination, strategies outermost, thread counts innermost.
pub fn plan(strategies: &[Strategy], sizes: &[usize], threads: &[usize]) -> Vec<Config> {
    strategies
        .iter()
        .flat_map(|&s| {
            sizes
                .iter()
                .flat_map(move |&b| threads.iter().map(move |&t| Config::new(s, b, t)))
        })
        .collect()
}

/// The axes a sweep crosses beyond strategy, size and threads: each axis's values,
/// as CSV text, in table order.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisPlan {
    pub values: Vec<(&'static Axis, Vec<String>)>,
}

impl Default for AxisPlan {
    /// Every axis at its default.
    fn default() -> Self {
        AxisPlan {
            values: AXES
                .into_iter()
                .map(|a| (a, vec![a.option.default.to_string()]))
                .collect(),
        }
    }
}

impl AxisPlan {
    /// The lists a sweep was given, each without repeats (a warning names them).
    pub fn of_lists(lists: &[(&'static Axis, Vec<String>)]) -> AxisPlan {
        let values = lists
            .iter()
            .map(|(a, given)| {
                let given: Vec<&str> = given.iter().map(String::as_str).collect();
                let once = dedup_warn(&format!("--{}", a.option.long), &given);
                (*a, once.into_iter().map(String::from).collect())
            })
            .collect();
        AxisPlan { values }
    }

    /// Measures `axis` at these values (parsed as its option would).
    pub fn with(mut self, axis: &'static Axis, values: &[&str]) -> Result<AxisPlan, String> {
        let texts = values
            .iter()
            .map(|v| axis.parse(v))
            .collect::<Result<Vec<_>, _>>()?;
        match self.values.iter_mut().find(|(a, _)| *a == axis) {
            Some((_, v)) => *v = texts,
            None => self.values.push((axis, texts)),
        }
        Ok(self)
    }

    /// One axis's values as its value type.
    pub fn values<T: std::str::FromStr>(&self, axis: &Axis) -> Vec<T> {
        self.values
            .iter()
            .filter(|(a, _)| *a == axis)
            .flat_map(|(_, v)| v.iter().filter_map(|t| t.parse().ok()))
            .collect()
    }
}

/// Every combination of `base` with the axes, axes innermost.
pub fn cross(base: &[Config], axes: &AxisPlan) -> Vec<Config> {
    crate::engine::axis::cross(base, &axes.values)
        .unwrap_or_else(|e| unreachable!("the plan holds parsed values: {e}"))
}

/// Checks a configuration against this machine before anything is built: pinned
/// CPUs must exist and be allowed, a payload cannot be verified when the kernel
/// discards it, and `--count cpu` needs pinned CPUs to count.
pub fn check_config(c: &Config, verify: bool) -> Result<(), String> {
    let allowed = crate::engine::worker::allowed_cpus();
    if let Pin::List(l) = c.pin {
        if let Some(bad) = l.cpus().into_iter().find(|x| !allowed.contains(x)) {
            return Err(format!(
                "--pin names CPU {bad}, which this process may not use; allowed CPUs: {}",
                allowed
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
    }
    // Receivers or not (the sink), pinning decides whether there are CPUs to count.
    if c.count == Count::Cpu && c.pin.cpu_sides(c.threads, true, &allowed).is_none() {
        return Err(crate::engine::config::COUNT_CPU_NEEDS_PIN.into());
    }
    if verify && c.recv == RecvMode::Trunc {
        return Err(
            "--verify cannot check payloads with --recv trunc (the kernel discards them); use message, stream or zerocopy"
                .into(),
        );
    }
    Ok(())
}

/// The course matrix: two-copy, one-copy, zero-copy × 64, 256, 1K, 4K × 1, 2, 4, 8 threads.
pub fn course_plan() -> Vec<Config> {
    plan(&Strategy::COURSE, &COURSE_SIZES, &COURSE_THREADS)
}

pub const COURSE_SIZES: [usize; 4] = [64, 256, 1024, 4096];
pub const COURSE_THREADS: [usize; 4] = [1, 2, 4, 8];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_cpu_needs_pinned_cpus() {
        let mut c = Config::new(Strategy::OneCopy, 4096, 1);
        c.count = Count::Cpu;
        assert_eq!(
            check_config(&c, false),
            Err(crate::engine::config::COUNT_CPU_NEEDS_PIN.to_string())
        );
        c.pin = Pin::Split;
        assert_eq!(check_config(&c, false), Ok(()));
        let axes = AxisPlan::default()
            .with(&crate::engine::axis::PIN, &["off", "split"])
            .and_then(|p| p.with(&crate::engine::axis::COUNT, &["thread", "cpu"]))
            .unwrap();
        let all = cross(&[Config::new(Strategy::OneCopy, 64, 1)], &axes);
        assert_eq!(all.len(), 4);
        assert_eq!(
            all.iter()
                .filter(|c| check_config(c, false).is_err())
                .map(|c| (c.pin, c.count))
                .collect::<Vec<_>>(),
            vec![(Pin::Off, Count::Cpu)]
        );
    }

    #[test]
    fn the_course_plan_is_48_configurations_in_matrix_order() {
        let p = course_plan();
        assert_eq!(p.len(), 48);
        assert_eq!(p[0], Config::new(Strategy::TwoCopy, 64, 1));
        assert_eq!(p[1], Config::new(Strategy::TwoCopy, 64, 2));
        assert_eq!(p[47], Config::new(Strategy::ZeroCopy, 4096, 8));
    }
}

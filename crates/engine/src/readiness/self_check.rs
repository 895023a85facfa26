//! The self-check: netio-tui's counters for two of its own busy threads against
//! `perf stat -t` on the same threads over the same work. This is how a user with a
//! real PMU learns that the cycles and CPU time they see are right.

use super::{Check, Facts, Level};
use crate::counters::{window, Metric, ThreadCounters};
use crossbeam_channel::bounded;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Within this share the two agree (they count the same threads over the same work;
/// what differs is a wake-up or two at the window's edges).
const AGREE: f64 = 0.05;
/// Worker threads measured.
const THREADS: usize = 2;
/// How long perf may take to start, or to answer a command.
const PERF_ANSWER: Duration = Duration::from_secs(15);

/// What `perf stat -x,` counted, summed over core PMUs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerfCounts {
    pub task_clock_ns: Option<f64>,
    pub cycles: Option<f64>,
    /// Why perf did not count cycles (`<not supported>`, `<not counted>`), if it did not.
    pub cycles_note: Option<String>,
}

/// Reads `perf stat -x,` output (its stderr): task-clock in ms and cycles, the lines
/// of a hybrid CPU's PMUs (`cpu_core/cycles/`, `cpu_atom/cycles/`) summed.
pub fn parse_perf_stat(text: &str) -> PerfCounts {
    let mut out = PerfCounts::default();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() < 3 {
            continue;
        }
        let event = fields[2].split(':').next().unwrap_or("");
        let event = event.rsplit_once('/').map_or(event, |(a, _)| a);
        let event = event.rsplit('/').next().unwrap_or(event);
        let value: Option<f64> = fields[0].trim().parse().ok();
        match (event, value) {
            ("task-clock", Some(v)) => {
                let ns = if fields[1] == "msec" { v * 1e6 } else { v };
                *out.task_clock_ns.get_or_insert(0.0) += ns;
            }
            ("cycles", Some(v)) => *out.cycles.get_or_insert(0.0) += v,
            ("cycles", None) => out.cycles_note = Some(fields[0].trim().to_string()),
            _ => {}
        }
    }
    out
}

/// perf's figure over ours: 1.0 where they agree exactly.
pub fn agreement(ours: f64, perf: f64) -> f64 {
    perf / ours
}

/// Our figures and perf's, over the same work of the same threads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SelfCheck {
    pub cpu_ns: Option<u64>,
    pub cycles: Option<u64>,
    pub perf: PerfCounts,
}

impl SelfCheck {
    /// The check as the doctor shows it. `no_cycles`: why cycles could not be compared
    /// on our side, if they could not.
    pub fn verdict(&self, no_cycles: Option<&str>) -> Check {
        let mut said = Vec::new();
        let mut agree = true;
        let mut compare = |what: &str, ours: Option<u64>, perf: Option<f64>| match (ours, perf) {
            (Some(o), Some(p)) if o > 0 => {
                let r = agreement(o as f64, p);
                agree &= (r - 1.0).abs() <= AGREE;
                said.push(format!(
                    "{what}: netio-tui {o}, perf stat {p:.0} (perf/netio-tui {r:.3})"
                ));
                true
            }
            _ => false,
        };
        let clock = compare("task-clock ns", self.cpu_ns, self.perf.task_clock_ns);
        let cycles = compare("cycles", self.cycles, self.perf.cycles);
        if !clock && !cycles {
            return Check::new(
                "self-check",
                Level::Warn,
                format!(
                    "nothing to compare: perf stat counted {:?}, netio-tui {:?}",
                    self.perf, self
                ),
            );
        }
        if !cycles {
            let why = no_cycles
                .map(str::to_string)
                .or_else(|| {
                    self.perf
                        .cycles_note
                        .as_ref()
                        .map(|n| format!("perf stat says {n}"))
                })
                .unwrap_or_else(|| "perf stat counted none".into());
            said.push(format!("cycles not compared: {why}"));
        }
        let found = format!("2 threads, same work: {}", said.join("; "));
        if agree {
            Check::new("self-check", Level::Ok, found)
        } else {
            Check::new("self-check", Level::Warn, found).advice(format!(
                "netio-tui and perf stat differ by more than {:.0} %: run doctor again on an idle machine; if it stays, report it with doctor --json",
                AGREE * 100.0
            ))
        }
    }
}

/// Why cycles cannot be counted by netio-tui here, if they cannot.
fn no_cycles(f: &Facts) -> Option<String> {
    if f.plan.metrics.contains(&Metric::Cycles) {
        return None;
    }
    if f.pmus == super::CorePmus::Missing {
        return Some("no core PMU on this machine (see pmu)".into());
    }
    Some(
        f.plan
            .perf_error
            .clone()
            .unwrap_or_else(|| "netio-tui has no cycles counter here".into()),
    )
}

/// Busy work with some system calls in it: user and kernel time both.
fn work(until: Instant) {
    let src = vec![0x5au8; 64 << 10];
    let mut dst = vec![0u8; 64 << 10];
    while Instant::now() < until {
        for _ in 0..64 {
            dst.copy_from_slice(std::hint::black_box(&src));
        }
        std::hint::black_box(&mut dst);
        std::thread::yield_now();
    }
}

/// Runs the self-check for `seconds` where perf is installed; else says why it cannot.
pub fn run_self_check(f: &Facts, seconds: f64) -> Check {
    let Some(perf) = &f.perf_tool else {
        return Check::new(
            "self-check",
            Level::Warn,
            "perf is not installed: the counters cannot be compared with perf stat",
        )
        .advice("install perf (Debian: apt install linux-perf; Ubuntu: apt install linux-tools-$(uname -r)) and run doctor again");
    };
    if !f.plan.metrics.contains(&Metric::CpuTime) && no_cycles(f).is_some() {
        return Check::new(
            "self-check",
            Level::Warn,
            "netio-tui counts neither CPU time nor cycles here: nothing to compare with perf stat",
        );
    }
    match measure(f, perf, seconds) {
        Ok(s) => s.verdict(no_cycles(f).as_deref()),
        Err(e) => Check::new(
            "self-check",
            Level::Warn,
            format!("perf stat could not be compared: {e}"),
        )
        .advice("perf stat -t needs the same permission as netio-tui's counters: see perf_event_paranoid"),
    }
}

/// Two threads open their counters, perf attaches to them, they work `seconds`, and
/// both sides' counts come back.
fn measure(f: &Facts, perf: &Path, seconds: f64) -> Result<SelfCheck, String> {
    let plan = f.plan.clone();
    let (tid_tx, tid_rx) = bounded(THREADS);
    let (go_tx, go_rx) = bounded::<Instant>(THREADS);
    let (done_tx, done_rx) = bounded::<()>(0);
    let (count_tx, count_rx) = bounded(THREADS);
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (plan, tid_tx, go_rx, done_rx, count_tx) = (
                plan.clone(),
                tid_tx.clone(),
                go_rx.clone(),
                done_rx.clone(),
                count_tx.clone(),
            );
            std::thread::spawn(move || {
                let mut counters = ThreadCounters::open(&plan);
                let _ = tid_tx.send(nix::unistd::gettid().as_raw());
                let Ok(until) = go_rx.recv() else { return };
                let before = counters.read();
                work(until);
                let after = counters.read();
                let _ = count_tx.send(window(&plan.groups, &before, &after));
                // Alive (and idle) until perf has read us.
                let _ = done_rx.recv();
            })
        })
        .collect();
    drop(done_rx);
    let tids: Vec<String> = (0..THREADS)
        .filter_map(|_| tid_rx.recv().ok().map(|t| t.to_string()))
        .collect();
    let run = || -> Result<SelfCheck, String> {
        let mut perf = PerfStat::start(perf, &tids)?;
        // Counting from here: the threads start their work after perf's ack.
        perf.command("enable")?;
        let until = Instant::now() + Duration::from_secs_f64(seconds);
        for _ in 0..THREADS {
            let _ = go_tx.send(until);
        }
        let mut ours = SelfCheck::default();
        for _ in 0..THREADS {
            let c = count_rx.recv().map_err(|_| "a worker thread ended early")?;
            ours.cpu_ns = c.cpu_ns.map(|v| v + ours.cpu_ns.unwrap_or(0));
            ours.cycles = c.cycles.map(|v| v + ours.cycles.unwrap_or(0));
        }
        perf.command("disable")?;
        ours.perf = perf.finish()?;
        Ok(ours)
    };
    let result = run();
    drop(go_tx);
    drop(done_tx);
    for t in threads {
        let _ = t.join();
    }
    result
}

/// `perf stat -t` on the threads, started with its events disabled and switched by
/// commands on its control descriptor, each acknowledged: perf counts exactly while
/// the threads work, however long it takes to start on a loaded machine.
struct PerfStat {
    /// Until finished: dropped unfinished, perf is killed, never left running.
    child: Option<std::process::Child>,
    ctl: std::fs::File,
    ack: std::os::fd::OwnedFd,
}

impl PerfStat {
    fn start(perf: &Path, tids: &[String]) -> Result<PerfStat, String> {
        use nix::fcntl::{fcntl, FcntlArg, FdFlag};
        use std::os::fd::AsRawFd;
        let (ctl_r, ctl_w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
        let (ack_r, ack_w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
        // perf inherits its ends (pipe() leaves them open across exec); ours it must not.
        for ours in [&ctl_w, &ack_r] {
            fcntl(ours, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).map_err(|e| e.to_string())?;
        }
        let child = Command::new(perf)
            .args(["stat", "-x,", "-e", "task-clock,cycles", "-D", "-1"])
            .arg(format!(
                "--control=fd:{},{}",
                ctl_r.as_raw_fd(),
                ack_w.as_raw_fd()
            ))
            .args(["-t", &tids.join(",")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{} did not start: {e}", perf.display()))?;
        drop((ctl_r, ack_w));
        Ok(PerfStat {
            child: Some(child),
            ctl: std::fs::File::from(ctl_w),
            ack: ack_r,
        })
    }

    /// Sends `enable` or `disable` and waits for perf's `ack`.
    fn command(&mut self, what: &str) -> Result<(), String> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::io::{Read, Write};
        self.ctl
            .write_all(format!("{what}\n").as_bytes())
            .map_err(|e| format!("perf stat's control: {e}"))?;
        let mut fds = [PollFd::new(
            std::os::fd::AsFd::as_fd(&self.ack),
            PollFlags::POLLIN,
        )];
        let ms = PollTimeout::try_from(PERF_ANSWER).unwrap_or(PollTimeout::MAX);
        let ready = poll(&mut fds, ms).map_err(|e| e.to_string())?;
        let mut buf = [0u8; 16];
        let n = if ready > 0 {
            std::fs::File::from(self.ack.try_clone().map_err(|e| e.to_string())?)
                .read(&mut buf)
                .map_err(|e| e.to_string())?
        } else {
            0
        };
        if buf[..n].starts_with(b"ack") {
            Ok(())
        } else {
            Err(self.failed(&format!("no ack to {what}")))
        }
    }

    /// Stops perf (SIGINT, as Ctrl-C would) and reads what it counted.
    fn finish(mut self) -> Result<PerfCounts, String> {
        let child = self.child.take().ok_or("perf stat already ended")?;
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        Ok(parse_perf_stat(&String::from_utf8_lossy(&out.stderr)))
    }

    /// Ends perf and says why, from what it printed.
    fn failed(&mut self, what: &str) -> String {
        let mut err = String::new();
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            let _ = child.wait();
        }
        let last = err.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        format!("perf stat failed ({what}): {last}")
    }
}

impl Drop for PerfStat {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

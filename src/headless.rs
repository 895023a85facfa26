//! `run` and `sweep`: the engine without a screen. They drive the same live runner
//! and read the same event stream as the explorer.

use crate::cli::{Common, RunArgs, SweepArgs};
use crate::engine::config::{Config, Count};
use crate::engine::live::LiveOrder;
use crate::engine::metric::{Figures, Registry, METRICS};
use crate::engine::sample::{
    ConfigResult, CounterStatus, EngineEvent, Failure, MachineInfo, Measured,
};
use crate::engine::{Engine, LiveRunner};
use crate::export::csv::{to_csv_bytes, to_json, write_rows};
use crate::export::files::check_output;
use crate::export::recording::Recorder;
use crate::session::{self, Signals};
use crate::view::{Views, VIEWS};
use crate::Interrupted;
use crossbeam_channel::select;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn describe_status(c: &CounterStatus) {
    let state = if c.available { "ok " } else { "n/a" };
    let note = c
        .note
        .as_ref()
        .map(|n| format!(" — {n}"))
        .unwrap_or_default();
    eprintln!("netio-tui:   {state} {:<17} ({}){note}", c.metric, c.event);
}

fn describe_engine(engine: &Engine, counts: &[Count]) {
    let m = engine.machine();
    if let Some(t) = engine.setup_time {
        eprintln!(
            "netio-tui: namespaces + veth set up in {:.2} ms",
            t.as_secs_f64() * 1e3
        );
    }
    eprintln!(
        "netio-tui: {} | {} cores | kernel {} | {}",
        m.cpu_model, m.cores, m.kernel, m.network
    );
    match &m.zerocopy_error {
        None => eprintln!("netio-tui: MSG_ZEROCOPY supported"),
        Some(e) => eprintln!("netio-tui: zero-copy n/a: {e}"),
    }
    for (s, why) in &m.unavailable {
        eprintln!("netio-tui: {s} unavailable: {why}");
    }
    if counts.contains(&Count::Thread) {
        if counts.contains(&Count::Cpu) {
            eprintln!("netio-tui: --count thread: per worker thread");
        }
        m.counters.iter().for_each(describe_status);
    }
    if counts.contains(&Count::Cpu) {
        eprintln!(
            "netio-tui: --count cpu: every task on each pinned CPU (pid -1), no per-thread counter"
        );
        m.cpu_counters.iter().for_each(describe_status);
    }
}

/// The live runner with what every headless measurement needs around it: the
/// recorder and the signal channel.
struct Driver {
    runner: LiveRunner,
    /// Strategies the kernel refuses here, with the reason.
    unavailable: std::collections::BTreeMap<crate::engine::config::Strategy, String>,
    recorder: Option<Recorder>,
    signals: Signals,
    interrupted: bool,
    /// Why the recording stopped early, if it did.
    record_failed: Option<String>,
}

impl Driver {
    /// `counts`: the counting modes that will be measured (what `-v` lists).
    fn new(common: &Common, verify: bool, counts: &[Count]) -> anyhow::Result<Driver> {
        let signals = Signals::spawn()?;
        let engine = session::build_engine(common, verify)?;
        if common.verbose > 0 {
            describe_engine(&engine, counts);
        } else if counts.contains(&Count::Cpu) {
            if let Some(gaps) = engine.machine().cpu_count_gaps() {
                eprintln!("netio-tui: {gaps}");
            }
        }
        if let Some(why) = &engine.machine().perf_error {
            eprintln!("netio-tui: {why}; throughput is still measured, counters show n/a");
        }
        let recorder = match &common.record {
            // The recorder's error names the path and is already a usage error.
            Some(p) => Some(Recorder::create(p, engine.machine())?),
            None => None,
        };
        Ok(Driver {
            unavailable: engine.machine().unavailable.clone(),
            runner: LiveRunner::spawn(engine, None)?,
            recorder,
            signals,
            interrupted: false,
            record_failed: None,
        })
    }

    /// Measures one configuration for warm-up + `duration`: its result, or why there
    /// is none. A signal ends the window early, and then it is no measurement.
    fn measure(&mut self, config: Config, duration: f64) -> Result<ConfigResult, Failure> {
        self.runner.order(LiveOrder::Set {
            config,
            length: Some(Duration::from_secs_f64(duration)),
        });
        let events = self.runner.events().clone();
        let signals = self.signals.receiver().clone();
        loop {
            select! {
                recv(events) -> ev => {
                    let Ok(mut ev) = ev else {
                        return Err(Failure::Start { message: "the engine stopped".into() });
                    };
                    let mut outcome = None;
                    match &ev {
                        EngineEvent::Finished(r) if r.config == config => {
                            outcome = Some(if self.interrupted {
                                Err(Failure::Interrupted)
                            } else {
                                Ok(r.clone())
                            });
                        }
                        EngineEvent::Failed { config: c, failure } if *c == config => {
                            outcome = Some(Err(if self.interrupted {
                                Failure::Interrupted
                            } else {
                                failure.clone()
                            }));
                        }
                        EngineEvent::SamplesDropped { count, .. } => eprintln!(
                            "netio-tui: {config}: {count} samples were not recorded (the recorder fell behind)"
                        ),
                        EngineEvent::Notice { message } => eprintln!("netio-tui: {message}"),
                        _ => {}
                    }
                    // A recording never lists an interrupted window as finished.
                    if let Some(Err(Failure::Interrupted)) = &outcome {
                        ev = EngineEvent::Failed { config, failure: Failure::Interrupted };
                    }
                    self.record(&ev);
                    if let Some(o) = outcome {
                        return o;
                    }
                }
                recv(signals) -> _ => {
                    self.interrupted = true;
                    self.runner.order(LiveOrder::Pause);
                }
            }
        }
    }

    fn record(&mut self, ev: &EngineEvent) {
        if let Some(r) = &mut self.recorder {
            if let Err(e) = r.record(ev) {
                let why = format!(
                    "{e:#}; {} holds only the first {} lines",
                    r.path().display(),
                    r.lines()
                );
                eprintln!("netio-tui: recording stopped: {why}");
                self.record_failed = Some(why);
                self.recorder = None;
            }
        }
    }

    /// Whether a signal arrived that no measurement has taken yet.
    fn signalled(&mut self) -> bool {
        self.interrupted |= self.signals.pending();
        self.interrupted
    }

    /// Stops the engine, records its last events, and says whether the recording is whole.
    fn finish(mut self) -> anyhow::Result<()> {
        for ev in self.runner.shutdown() {
            self.record(&ev);
        }
        match self.record_failed.take() {
            Some(why) => anyhow::bail!("the recording is incomplete: {why}"),
            None => Ok(()),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        for ev in self.runner.shutdown() {
            self.record(&ev);
        }
    }
}

/// The one human line of `run`: every summary figure of the registry.
pub fn summary_line(reg: &Registry, views: &Views, f: &Figures, scaled: bool) -> String {
    use crate::view::{human, unit_sep};
    let figures: Vec<String> = reg
        .iter()
        .zip(&f.values)
        .filter(|(m, _)| crate::view::of(views, m).summary && m.applies(&f.config))
        .map(|(m, v)| match v {
            // A label that already names its unit ("µs per message…") is not repeated.
            Some(v) if m.short.starts_with(m.unit) => format!("{} {}", m.short, human(m, *v)),
            Some(v) => format!("{} {}{}{}", m.short, human(m, *v), unit_sep(m.unit), m.unit),
            None => format!("{} n/a", m.short),
        })
        .collect();
    let kernel = f
        .kernel
        .as_ref()
        .map(|k| format!(", kernel {k}"))
        .unwrap_or_default();
    let mut line = format!(
        "{} ({}{kernel}): {}",
        f.config.key(),
        f.config.axes(),
        figures.join(", ")
    );
    if scaled {
        line += " (counters multiplexed, scaled)";
    }
    line
}

/// What `run`'s and `sweep`'s lines add about the counters ([`Measured::counter_sentences`]).
/// Empty when every thread was counted whole.
pub fn counter_notes(m: &Measured) -> String {
    m.counter_sentences()
        .iter()
        .map(|n| format!(" ({n})"))
        .collect()
}

/// Where the tx/rx split of a counter is shown: what the split does not say.
pub const ATTRIBUTION_NOTE: &str = "per-thread counts: over veth the receiver's TCP work runs in the sender thread's softirq, and ksoftirqd is not counted; the tx + rx sum is the figure to compare";

/// The same, for `--count cpu` with senders and receivers on separate CPUs.
pub const CPU_ATTRIBUTION_NOTE: &str = "per-CPU counts: tx = the senders' CPUs, rx = the receivers' CPUs, each with everything that ran there (over veth the receive-side TCP work runs in softirq on the sender's CPU); the tx + rx sum is the figure to compare";

/// `-v`: the sender/receiver split and, on hybrid CPUs, each core PMU's part.
fn describe_counts(r: &ConfigResult) {
    let (tx, rx) = (&r.total.tx, &r.total.rx);
    let fmt = |v: Option<u64>| v.map_or("n/a".to_string(), |v| crate::format::si(v as f64));
    match &r.total.both {
        None => eprintln!(
            "netio-tui: cycles tx {} + rx {} = {}; CPU ns tx {} + rx {} = {}",
            fmt(tx.cycles),
            fmt(rx.cycles),
            fmt(r.total.counts().cycles),
            fmt(tx.cpu_ns),
            fmt(rx.cpu_ns),
            fmt(r.total.counts().cpu_ns),
        ),
        Some(both) => eprintln!(
            "netio-tui: cycles tx {} + rx {} + both {} = {}; CPU ns tx {} + rx {} + both {} = {}",
            fmt(tx.cycles),
            fmt(rx.cycles),
            fmt(both.cycles),
            fmt(r.total.counts().cycles),
            fmt(tx.cpu_ns),
            fmt(rx.cpu_ns),
            fmt(both.cpu_ns),
            fmt(r.total.counts().cpu_ns),
        ),
    }
    match r.total.count_note() {
        None => eprintln!("netio-tui:   {ATTRIBUTION_NOTE}"),
        Some(note) => {
            eprintln!("netio-tui:   {note}");
            if r.total.sides_apart() {
                eprintln!("netio-tui:   {CPU_ATTRIBUTION_NOTE}");
            }
        }
    }
    if let Some([core, atom]) = r.total.counts().split {
        eprintln!(
            "netio-tui: hybrid CPU: cpu_core ran {:.1} ms: cycles {}, instructions {}; cpu_atom ran {:.1} ms: cycles {}, instructions {}",
            core.running_ns as f64 / 1e6,
            fmt(core.cycles),
            fmt(core.instructions),
            atom.running_ns as f64 / 1e6,
            fmt(atom.cycles),
            fmt(atom.instructions),
        );
    }
}

/// `run --json`: what qualifies the counter figures (what `--count cpu` counted,
/// partial coverage, multiplexing) as one note and, on hybrid CPUs, the per-PMU split.
fn add_counter_json(o: &mut serde_json::Value, r: &ConfigResult, machine: &MachineInfo) {
    let c = r.total.counts();
    let mut notes = r.total.counter_sentences();
    if r.config.count == Count::Cpu {
        notes.extend(machine.cpu_count_gaps());
    }
    o["counters_note"] = if notes.is_empty() {
        serde_json::Value::Null
    } else {
        notes.join("; ").into()
    };
    if let Some(split) = c.split {
        o["pmu_split"] = serde_json::json!({ "cpu_core": split[0], "cpu_atom": split[1] });
    }
}

/// Checks before anything is built that every configuration can run here and fits
/// in memory (and, in the sink topology, in one datagram).
fn check_fits(common: &Common, configs: &[Config], verify: bool) -> anyhow::Result<()> {
    for &c in configs {
        session::check_config(&c, verify).map_err(crate::usage)?;
        if common.topology == crate::cli::Topology::Sink {
            if let Some(why) = crate::engine::sink_refuses(c) {
                return Err(crate::usage(why));
            }
        }
        crate::engine::check_memory(c).map_err(|e| crate::usage(format!("{e}")))?;
    }
    Ok(())
}

pub fn run(common: &Common, args: &RunArgs) -> anyhow::Result<()> {
    let mut config = Config::new(args.strategy, args.size, args.threads);
    args.axes.apply(&mut config);
    session::check_record(common, None)?;
    check_fits(common, &[config], args.verify)?;
    let mut driver = Driver::new(common, args.verify, &[config.count])?;
    if let Some(why) = driver.unavailable.get(&config.strategy) {
        anyhow::bail!(
            "{config}: {} unavailable on this machine: {why}; no result",
            config.strategy
        );
    }
    let outcome = driver.measure(config, args.duration);
    let kernel = driver.runner.machine().kernel.clone();
    let figures = match &outcome {
        Ok(r) => Figures::of(METRICS, r),
        Err(f) => Figures::failed(METRICS, config, f.to_string()),
    }
    .on_kernel(&kernel);
    if args.json {
        let mut json = to_json(METRICS, &figures);
        if let Ok(r) = &outcome {
            add_counter_json(&mut json, r, driver.runner.machine());
        }
        println!("{json}");
    }
    match outcome {
        Ok(r) => {
            if !args.json {
                println!(
                    "{}{}",
                    summary_line(METRICS, VIEWS, &figures, false),
                    counter_notes(&r.total)
                );
            }
            if common.verbose > 0 {
                describe_counts(&r);
                eprintln!(
                    "netio-tui: {} bytes sent, {} received{}",
                    r.bytes_sent,
                    r.bytes_received,
                    if r.verified {
                        ", every payload byte verified"
                    } else {
                        ""
                    }
                );
            }
            driver.finish()
        }
        Err(Failure::Interrupted) => Err(Interrupted(format!(
            "{config}: interrupted before the measured window was complete; no result"
        ))
        .into()),
        Err(f) => anyhow::bail!("{config}: {f}; no result"),
    }
}

pub fn sweep(common: &Common, args: &SweepArgs) -> anyhow::Result<()> {
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "netio-sweep-{}.csv",
            crate::timefmt::compact(SystemTime::now())
        ))
    });
    check_output(&out, "--out", true).map_err(crate::usage)?;
    session::check_record(common, Some(&out))?;
    let axes = session::AxisPlan::of_lists(args.axes.lists());
    let counts: Vec<Count> = axes.values(&crate::engine::axis::COUNT);
    if counts.contains(&Count::Cpu) {
        let allowed = crate::engine::worker::allowed_cpus();
        if let Some(p) = axes
            .values::<crate::engine::config::Pin>(&crate::engine::axis::PIN)
            .iter()
            .find(|p| p.cpu_sides(1, true, &allowed).is_none())
        {
            return Err(crate::usage(format!(
                "{}; this sweep crosses --count cpu with --pin {p}: leave {p} out of --pin, or sweep --count cpu on its own",
                crate::engine::config::COUNT_CPU_NEEDS_PIN
            )));
        }
    }
    let configs = session::cross(
        &session::plan(
            &session::dedup_warn("--strategies", &args.strategies.0),
            &session::dedup_warn("--sizes", &args.sizes.0),
            &session::dedup_warn("--threads", &args.threads.0),
        ),
        &axes,
    );
    check_fits(common, &configs, args.verify)?;
    let mut driver = Driver::new(common, args.verify, &counts)?;
    let bar = progress_bar(configs.len());
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    };
    let mut rows: Vec<Figures> = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = 0;
    // Rows in the file on disk, and why the last write failed (the rows stay in memory
    // and the write is tried again after each configuration).
    let mut saved = 0;
    let mut unsaved: Option<String> = None;
    for (i, &config) in configs.iter().enumerate() {
        if driver.signalled() {
            break;
        }
        if let Some(b) = &bar {
            b.set_message(config.to_string());
        }
        if let Some(why) = driver.unavailable.get(&config.strategy) {
            let line = format!(
                "[{}/{}] {config}: skipped: {} unavailable: {why}",
                i + 1,
                configs.len(),
                config.strategy
            );
            match &bar {
                Some(b) => {
                    b.println(line);
                    b.inc(1);
                }
                None => eprintln!("{line}"),
            }
            skipped += 1;
            continue;
        }
        let outcome = driver.measure(config, args.duration);
        if let Err(Failure::Interrupted) = outcome {
            break;
        }
        let figures = match &outcome {
            Ok(r) => Figures::of(METRICS, r),
            Err(f) => {
                failures.push(format!("{config}: {f}"));
                Figures::failed(METRICS, config, f.to_string())
            }
        }
        .on_kernel(&driver.runner.machine().kernel);
        say(format!(
            "[{}/{}] {}",
            i + 1,
            configs.len(),
            match &figures.error {
                Some(e) => format!("{config}: FAILED: {e}"),
                None => format!(
                    "{}{}",
                    summary_line(METRICS, VIEWS, &figures, false),
                    outcome
                        .as_ref()
                        .map_or(String::new(), |r| counter_notes(&r.total))
                ),
            }
        ));
        if let Some(b) = &bar {
            b.inc(1);
        }
        rows.push(figures);
        // Rewritten after every configuration: a late failure loses nothing measured.
        match write_rows(METRICS, &out, &rows) {
            Ok(()) => {
                if unsaved.take().is_some() {
                    say(format!(
                        "netio-tui: {} written again ({} configurations)",
                        out.display(),
                        rows.len()
                    ));
                }
                saved = rows.len();
            }
            Err(e) => {
                if unsaved.is_none() {
                    say(format!(
                        "netio-tui: {e:#}; the results are kept in memory and the write is \
                         tried again after each configuration"
                    ));
                }
                unsaved = Some(format!("{e:#}"));
            }
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let interrupted = driver.interrupted;
    let recording = driver.finish();
    if unsaved.is_some() {
        match write_rows(METRICS, &out, &rows) {
            Ok(()) => {
                unsaved = None;
                saved = rows.len();
            }
            Err(e) => unsaved = Some(format!("{e:#}")),
        }
    }
    let on_disk = if saved == 0 {
        format!("nothing was saved to {}", out.display())
    } else {
        format!(
            "{saved} of {} configurations saved to {}",
            configs.len(),
            out.display()
        )
    };
    if let Some(why) = unsaved {
        // Nothing measured is lost: the whole CSV goes to stdout.
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&to_csv_bytes(METRICS, &rows)?)?;
        stdout.flush()?;
        let msg = format!(
            "{why}; {on_disk}; all {} measured configurations were printed on stdout as CSV",
            rows.len()
        );
        if interrupted {
            return Err(Interrupted(format!("interrupted; {msg}")).into());
        }
        anyhow::bail!(msg);
    }
    if interrupted || rows.len() + skipped < configs.len() {
        return Err(Interrupted(format!("interrupted: {on_disk}")).into());
    }
    println!("wrote {} configurations to {}", rows.len(), out.display());
    if skipped > 0 {
        eprintln!(
            "netio-tui: {skipped} configurations skipped: their strategy is unavailable here"
        );
    }
    recording?;
    if !failures.is_empty() {
        anyhow::bail!(
            "{} of {} configurations failed (rows with an error in {}): {}",
            failures.len(),
            configs.len(),
            out.display(),
            failures.join("; ")
        );
    }
    Ok(())
}

fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} eta {eta} {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Strategy;

    #[test]
    fn the_line_has_every_summary_figure_and_says_n_a() {
        let f = Figures {
            kernel: Some("6.18.0".into()),
            config: Config::new(Strategy::OneCopy, 4096, 1),
            values: METRICS
                .iter()
                .map(|m| (m.id() == crate::engine::metric::id::THROUGHPUT_GBPS).then_some(12.345))
                .collect(),
            error: None,
        };
        let line = summary_line(METRICS, VIEWS, &f, false);
        assert!(
            line.starts_with(
                "one-copy 4K ×1 (Nagle on, recv message, pin off, count thread, buffers page+2048, kernel 6.18.0): "
            ),
            "{line}"
        );
        assert!(line.contains(", throughput 12.35 Gb/s, "), "{line}");
        assert!(line.contains("cycles/byte n/a"), "{line}");
        assert!(
            !line.contains("zero-copy"),
            "zero-copy figures only for zero-copy: {line}"
        );
    }
}

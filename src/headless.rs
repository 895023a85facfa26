//! `run` and `sweep`: the engine without a screen. Same event stream as the explorer.

use crate::cli::{Common, RunArgs, SweepArgs};
use crate::engine::config::{format_size, Config};
use crate::engine::sample::{ConfigResult, EngineEvent, MachineInfo};
use crate::engine::{Engine, EngineOptions, EVENT_CAPACITY};
use crate::export::csv::{check_writable, write_rows, CsvRow};
use crate::export::recording::Recorder;
use crossbeam_channel::Receiver;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The message a user without root gets, naming what needs root and what does not.
pub const NEEDS_ROOT: &str =
    "this needs root: it creates two private network namespaces and a veth pair. \
Run it with sudo, or add --no-netns to measure over loopback in the current namespace. \
Without root you can also use: netio-tui replay FILE, netio-tui plot FILE.csv, netio-tui --help";

pub fn engine_options(common: &Common, verify: bool) -> EngineOptions {
    EngineOptions {
        use_netns: !common.no_netns,
        interval: Duration::from_secs_f64(common.interval),
        warmup: Duration::from_secs_f64(common.warmup),
        verify,
        verbose: common.verbose > 0,
    }
}

/// Root check, engine, and the "what was measured where" lines of -v.
pub fn build_engine(common: &Common, verify: bool) -> anyhow::Result<Engine> {
    if !common.no_netns && !nix::unistd::geteuid().is_root() {
        return Err(crate::usage(NEEDS_ROOT));
    }
    let engine = Engine::new(engine_options(common, verify))?;
    if common.verbose > 0 {
        describe_engine(&engine);
    }
    if let Some(why) = &engine.machine().perf_error {
        eprintln!("netio-tui: {why}; throughput is still measured, counters show n/a");
    }
    Ok(engine)
}

fn describe_engine(engine: &Engine) {
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
    for c in &m.counters {
        let state = if c.available { "ok " } else { "n/a" };
        let note = c
            .note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        eprintln!("netio-tui:   {state} {:<17} ({}){note}", c.metric, c.event);
    }
}

fn open_recorder(common: &Common, machine: &MachineInfo) -> anyhow::Result<Option<Recorder>> {
    match &common.record {
        None => Ok(None),
        // The recorder's error names the path and is already a usage error.
        Some(p) => Recorder::create(p, machine).map(Some),
    }
}

/// Feeds events to the recorder until the measured window has ended (or Ctrl-C).
fn pump(
    events: &Receiver<EngineEvent>,
    window_done: &Receiver<()>,
    recorder: &mut Option<Recorder>,
    interrupted: &AtomicBool,
) {
    while !interrupted.load(Ordering::Relaxed) {
        crossbeam_channel::select! {
            recv(events) -> ev => match ev {
                Ok(ev) => record(recorder, &ev),
                Err(_) => break,
            },
            recv(window_done) -> _ => break,
            default(Duration::from_millis(100)) => {}
        }
    }
}

fn record(recorder: &mut Option<Recorder>, ev: &EngineEvent) {
    if let EngineEvent::Notice { message } = ev {
        eprintln!("netio-tui: {message}");
    }
    if let Some(r) = recorder {
        if let Err(e) = r.record(ev) {
            eprintln!("netio-tui: recording stopped: {e:#}");
            *recorder = None;
        }
    }
}

fn drain(events: &Receiver<EngineEvent>, recorder: &mut Option<Recorder>) {
    while let Ok(ev) = events.try_recv() {
        record(recorder, &ev);
    }
}

/// The engine with what every headless measurement needs around it: the event stream,
/// the recorder, and the Ctrl-C flag.
struct Bench {
    engine: Engine,
    events: (
        crossbeam_channel::Sender<EngineEvent>,
        Receiver<EngineEvent>,
    ),
    recorder: Option<Recorder>,
    interrupted: Arc<AtomicBool>,
}

impl Bench {
    fn new(common: &Common, verify: bool) -> anyhow::Result<Bench> {
        let engine = build_engine(common, verify)?;
        let recorder = open_recorder(common, engine.machine())?;
        Ok(Bench {
            engine,
            events: crossbeam_channel::bounded(EVENT_CAPACITY),
            recorder,
            interrupted: sigint_flag(),
        })
    }

    fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::Relaxed)
    }

    /// Measures one configuration for warm-up + `duration`.
    fn measure(&mut self, config: Config, duration: f64) -> anyhow::Result<ConfigResult> {
        let t0 = Instant::now();
        let m =
            self.engine
                .start_timed(config, &self.events.0, Duration::from_secs_f64(duration))?;
        let started = t0.elapsed();
        pump(
            &self.events.1,
            m.window_done(),
            &mut self.recorder,
            &self.interrupted,
        );
        let t1 = Instant::now();
        let result = m.finish();
        let opts = self.engine.options();
        if opts.verbose {
            eprintln!(
                "netio-tui: {config}: start {:.1} ms, warm-up {:.0} ms, stop+join {:.1} ms",
                started.as_secs_f64() * 1e3,
                opts.warmup.as_secs_f64() * 1e3,
                t1.elapsed().as_secs_f64() * 1e3
            );
        }
        drain(&self.events.1, &mut self.recorder);
        Ok(result)
    }
}

fn sigint_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(sig, flag.clone());
    }
    flag
}

fn fmt_opt(v: Option<u64>) -> String {
    v.map_or_else(|| "n/a".into(), human_count)
}

/// 1234567 → "1.23M".
pub fn human_count(v: u64) -> String {
    let f = v as f64;
    match v {
        0..=9_999 => v.to_string(),
        10_000..=999_999 => format!("{:.1}k", f / 1e3),
        1_000_000..=999_999_999 => format!("{:.2}M", f / 1e6),
        _ => format!("{:.2}G", f / 1e9),
    }
}

/// The one human line of `run`.
pub fn summary_line(r: &ConfigResult) -> String {
    let t = &r.total;
    let c = t.counts();
    let cpb = |cycles: Option<u64>| match (cycles, t.bytes) {
        (Some(cy), b) if b > 0 => format!("{:.2}", cy as f64 / b as f64),
        _ => "n/a".into(),
    };
    let mut line = format!(
        "{} {} x{}: {:.3} Gbps, {} us/msg, {} cycles/B (tx {} + rx {}), {} CPU ns/B, L1D misses {}, LLC misses {}, cache-misses {}, {} context switches, {:.2} s",
        r.config.strategy,
        format_size(r.config.msg_size),
        r.config.threads,
        t.gbps(),
        t.latency_us(r.config.threads).map_or("n/a".into(), |v| format!("{v:.2}")),
        cpb(c.cycles),
        cpb(t.tx.cycles),
        cpb(t.rx.cycles),
        t.cpu_ns_per_byte().map_or("n/a".into(), |v| format!("{v:.3}")),
        fmt_opt(c.l1d_misses),
        fmt_opt(c.llc_misses),
        fmt_opt(c.cache_misses),
        fmt_opt(c.context_switches),
        t.seconds
    );
    if let Some(z) = t.zc {
        line += &format!(
            ", zero-copy: {} completions, {} copied by the kernel, {} ENOBUFS retries",
            z.completions,
            z.copied_pct().map_or("n/a".into(), |p| format!("{p:.0}%")),
            z.enobufs
        );
    }
    if c.scaled {
        line += " (counters multiplexed, scaled)";
    }
    line
}

fn integrity(r: &ConfigResult) -> anyhow::Result<()> {
    if let Some(e) = &r.verify_error {
        anyhow::bail!("{}: {e}", r.config);
    }
    if r.bytes_sent != r.bytes_received {
        anyhow::bail!(
            "{}: {} bytes sent but {} received",
            r.config,
            r.bytes_sent,
            r.bytes_received
        );
    }
    if r.total.bytes == 0 {
        anyhow::bail!("{}: no data moved in the measured window", r.config);
    }
    Ok(())
}

/// Checks before anything is built that every configuration fits in memory.
fn check_fits(configs: &[Config]) -> anyhow::Result<()> {
    for &c in configs {
        crate::engine::check_memory(c).map_err(|e| crate::usage(format!("{e}")))?;
    }
    Ok(())
}

pub fn run(common: &Common, args: &RunArgs) -> anyhow::Result<()> {
    check_fits(&[Config::new(args.strategy, args.size, args.threads)])?;
    let mut bench = Bench::new(common, args.verify)?;
    let config = Config::new(args.strategy, args.size, args.threads);
    let result = bench.measure(config, args.duration)?;
    if args.json {
        println!("{}", serde_json::to_string(&CsvRow::from_result(&result))?);
    } else {
        println!("{}", summary_line(&result));
    }
    if common.verbose > 0 {
        eprintln!(
            "netio-tui: {} bytes sent, {} received{}",
            result.bytes_sent,
            result.bytes_received,
            if result.verified {
                ", every payload byte verified"
            } else {
                ""
            }
        );
    }
    integrity(&result)
}

pub fn sweep(common: &Common, args: &SweepArgs) -> anyhow::Result<()> {
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "netio-sweep-{}.csv",
            crate::timefmt::compact(SystemTime::now())
        ))
    });
    check_writable(&out).map_err(crate::usage)?;
    let configs: Vec<Config> = args
        .strategies
        .0
        .iter()
        .flat_map(|&s| {
            args.sizes
                .0
                .iter()
                .flat_map(move |&b| args.threads.0.iter().map(move |&t| Config::new(s, b, t)))
        })
        .collect();
    check_fits(&configs)?;
    let mut bench = Bench::new(common, args.verify)?;
    let bar = progress_bar(configs.len());
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let sweep_start = Instant::now();
    for (i, &config) in configs.iter().enumerate() {
        if let Some(b) = &bar {
            b.set_message(config.to_string());
        }
        let result = match bench.measure(config, args.duration) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{config}: {e:#}"));
                continue;
            }
        };
        if bench.interrupted() {
            break;
        }
        if let Err(e) = integrity(&result) {
            problems.push(format!("{e:#}"));
        }
        let row = CsvRow::from_result(&result);
        let line = format!(
            "[{}/{}] {config}: {:.3} Gbps, {} cycles/B, {} CPU ns/B",
            i + 1,
            configs.len(),
            row.throughput_gbps,
            row.cycles_per_byte
                .map_or("n/a".into(), |v| format!("{v:.2}")),
            row.cpu_ns_per_byte
                .map_or("n/a".into(), |v| format!("{v:.3}"))
        );
        match &bar {
            Some(b) => {
                b.println(line);
                b.inc(1);
            }
            None => eprintln!("{line}"),
        }
        rows.push(row);
        // Rewritten after every configuration: a late failure loses nothing measured.
        write_rows(&out, &rows)?;
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let elapsed = sweep_start.elapsed().as_secs_f64();
    if common.verbose > 0 && !rows.is_empty() {
        let per = elapsed / rows.len() as f64 - args.duration;
        eprintln!("netio-tui: {:.1} s for {} configurations: {:.0} ms per configuration beyond --duration (warm-up {:.0} ms included)", elapsed, rows.len(), per * 1e3, common.warmup * 1e3);
    }
    for p in &problems {
        eprintln!("netio-tui: problem: {p}");
    }
    if bench.interrupted() {
        println!(
            "interrupted: {} of {} configurations saved to {}",
            rows.len(),
            configs.len(),
            out.display()
        );
        std::process::exit(130);
    }
    if rows.is_empty() {
        anyhow::bail!(
            "no configuration could be measured; nothing written to {}",
            out.display()
        );
    }
    println!("wrote {} configurations to {}", rows.len(), out.display());
    if !problems.is_empty() {
        anyhow::bail!(
            "{} configuration(s) had problems (listed above)",
            problems.len()
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

    #[test]
    fn counts_are_humanised() {
        assert_eq!(human_count(999), "999");
        assert_eq!(human_count(12_345), "12.3k");
        assert_eq!(human_count(1_234_567), "1.23M");
        assert_eq!(human_count(5_000_000_000), "5.00G");
    }
}

//! What `run` and `sweep` print: the summary line, counter notes, `-v` detail, the
//! JSON additions and the progress bar.

use crate::engine::config::Count;
use crate::engine::metric::{Figures, Registry};
use crate::engine::sample::{ConfigResult, MachineInfo, Measured};
use crate::view::Views;
use std::io::IsTerminal;
use std::time::Duration;

/// The one human line of `run`: every summary figure of the registry; over several
/// trials their medians, each headline figure followed by its interval.
pub fn summary_line(reg: &Registry, views: &Views, f: &Figures, scaled: bool) -> String {
    use crate::view::{human, unit_sep};
    let figures: Vec<String> = reg
        .iter()
        .zip(f.values.iter().zip(&f.intervals))
        .filter(|(m, _)| crate::view::of(views, m).summary && m.applies(&f.config))
        .map(|(m, (v, iv))| {
            let range = iv.map_or(String::new(), |iv| {
                format!(" [{}–{}]", human(m, iv.lo), human(m, iv.hi))
            });
            match v {
                // A label that already names its unit ("µs per message…") is not repeated.
                Some(v) if m.short.starts_with(m.unit) => {
                    format!("{} {}{range}", m.short, human(m, *v))
                }
                Some(v) => format!(
                    "{} {}{}{}{range}",
                    m.short,
                    human(m, *v),
                    unit_sep(m.unit),
                    m.unit
                ),
                None => format!("{} n/a", m.short),
            }
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
    if f.trials > 1 {
        line += &format!(" (medians of {} trials", f.trials);
        // The coverage the trial count allows: below 5 trials well short of 95 %.
        if let Some(iv) = f.intervals.iter().flatten().next() {
            line += &format!(
                "; in brackets the median's {:.0} % confidence interval",
                (iv.coverage * 100.0).floor()
            );
        }
        line += ")";
    }
    line
}

/// What `run`'s and `sweep`'s lines add about the counters ([`Measured::counter_sentences`]).
/// Empty when every thread was counted whole.
pub fn counter_notes(m: &Measured) -> String {
    m.counter_sentences()
        .iter()
        .chain(m.noise_note().iter())
        .map(|n| format!(" ({n})"))
        .collect()
}

/// Where the tx/rx split of a counter is shown: what the split does not say.
pub const ATTRIBUTION_NOTE: &str = "per-thread counts: over veth the receiver's TCP work runs in the sender thread's softirq, and ksoftirqd is not counted; the tx + rx sum is the figure to compare";

/// The same, for `--count cpu` with senders and receivers on separate CPUs.
pub const CPU_ATTRIBUTION_NOTE: &str = "per-CPU counts: tx = the senders' CPUs, rx = the receivers' CPUs, each with everything that ran there (over veth the receive-side TCP work runs in softirq on the sender's CPU); the tx + rx sum is the figure to compare";

/// `-v`: the sender/receiver split and, on hybrid CPUs, each core PMU's part.
pub fn describe_counts(r: &ConfigResult) {
    let (tx, rx) = (&r.total.tx, &r.total.rx);
    let fmt = |v: Option<u64>| v.map_or("n/a".to_string(), |v| crate::format::si(v as f64));
    match &r.total.both {
        None => crate::note!(
            "netio-tui: cycles tx {} + rx {} = {}; CPU ns tx {} + rx {} = {}",
            fmt(tx.cycles),
            fmt(rx.cycles),
            fmt(r.total.counts().cycles),
            fmt(tx.cpu_ns),
            fmt(rx.cpu_ns),
            fmt(r.total.counts().cpu_ns),
        ),
        Some(both) => crate::note!(
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
        None => crate::note!("netio-tui:   {ATTRIBUTION_NOTE}"),
        Some(note) => {
            crate::note!("netio-tui:   {note}");
            if r.total.sides_apart() {
                crate::note!("netio-tui:   {CPU_ATTRIBUTION_NOTE}");
            }
        }
    }
    if let Some([core, atom]) = r.total.counts().split {
        crate::note!(
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

/// What the counter sentences say of any of several trials, each sentence once.
fn trial_sentences(trials: &[ConfigResult]) -> Vec<String> {
    let mut said: Vec<String> = Vec::new();
    for n in trials.iter().flat_map(|t| t.total.counter_sentences()) {
        if !said.contains(&n) {
            said.push(n);
        }
    }
    said
}

/// The noise sentinel's note of each marked trial, numbered where there are several
/// (JSON carries the figures themselves: other_busy_pct, noise_cpus).
fn trial_noise_notes(trials: &[ConfigResult]) -> Vec<String> {
    let mut said = Vec::new();
    for (i, t) in trials.iter().enumerate() {
        if let Some(n) = t.total.noise_note() {
            said.push(if trials.len() > 1 {
                format!("trial {}: {n}", i + 1)
            } else {
                n
            });
        }
    }
    said
}

/// [`counter_notes`] of several trials of one configuration.
pub fn trials_counter_notes(trials: &[ConfigResult]) -> String {
    trial_sentences(trials)
        .iter()
        .chain(trial_noise_notes(trials).iter())
        .map(|n| format!(" ({n})"))
        .collect()
}

/// `run --json`: what qualifies the counter figures (what `--count cpu` counted,
/// partial coverage, multiplexing) as one note and, on hybrid CPUs, the per-PMU split.
/// Over several trials: every trial's notes, each once, and the last trial's split.
pub fn add_counter_json(o: &mut serde_json::Value, trials: &[ConfigResult], machine: &MachineInfo) {
    let Some(r) = trials.last() else {
        return;
    };
    let c = r.total.counts();
    let mut notes = trial_sentences(trials);
    if r.config.count == Count::Cpu {
        notes.extend(machine.cpu_count_gaps());
    }
    o["counters_note"] = if notes.is_empty() {
        serde_json::Value::Null
    } else {
        notes.join("; ").into()
    };
    if machine.peer.is_some() {
        o["peer_na"] = peer_na(r.config, machine);
    }
    if let Some(split) = c.split {
        o["pmu_split"] = serde_json::json!({ "cpu_core": split[0], "cpu_atom": split[1] });
    }
}

/// `--peer`: each figure of `config` the far host could not count (n/a, never 0),
/// with its reason; `null` when there is none.
fn peer_na(config: crate::engine::config::Config, machine: &MachineInfo) -> serde_json::Value {
    let na: serde_json::Map<String, serde_json::Value> = crate::engine::metric::METRICS
        .iter()
        .filter(|m| m.applies(&config))
        .filter_map(|m| Some((m.name.to_string(), m.unavailable_far(machine)?.into())))
        .collect();
    if na.is_empty() {
        serde_json::Value::Null
    } else {
        na.into()
    }
}

pub fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
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
    use crate::engine::config::{Config, Strategy};
    use crate::engine::metric::METRICS;
    use crate::view::VIEWS;

    #[test]
    fn the_line_has_every_summary_figure_and_says_n_a() {
        let f = Figures {
            kernel: Some("6.18.0".into()),
            peer: None,
            config: Config::new(Strategy::OneCopy, 4096, 1),
            values: METRICS
                .iter()
                .map(|m| (m.id() == crate::engine::metric::id::THROUGHPUT_GBPS).then_some(12.345))
                .collect(),
            trials: 1,
            intervals: vec![None; METRICS.len()],
            error: None,
        };
        let line = summary_line(METRICS, VIEWS, &f, false);
        assert!(
            line.starts_with(
                "one-copy 4K ×1 (Nagle on, recv message, pin off, count thread, buffers page+2048, stream, mlock off, kernel 6.18.0): "
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

    #[test]
    fn several_trials_show_each_headline_interval_and_its_coverage() {
        use crate::engine::metric::id::THROUGHPUT_GBPS;
        use crate::engine::metric::Interval;
        let at = METRICS
            .iter()
            .position(|m| m.id() == THROUGHPUT_GBPS)
            .unwrap();
        let mut f = Figures::failed(
            METRICS,
            Config::new(Strategy::OneCopy, 4096, 1),
            String::new(),
        );
        f.error = None;
        f.values[at] = Some(12.345);
        f.trials = 5;
        f.intervals[at] = Some(Interval {
            lo: 11.0,
            hi: 13.5,
            coverage: 0.9375,
        });
        let line = summary_line(METRICS, VIEWS, &f, false);
        assert!(
            line.contains("throughput 12.35 Gb/s [11.00–13.50],"),
            "{line}"
        );
        assert!(
            line.ends_with(
                "(medians of 5 trials; in brackets the median's 93 % confidence interval)"
            ),
            "{line}"
        );
    }
}

//! `netio-tui report FILE`: the course's six questions answered from a sweep CSV or a
//! recording, as Markdown with the plots beside it. The answers are
//! [`super::insight::answers`], the same the explorer's insight panel shows.

use super::insight::noise::rounded;
use super::insight::{self, Answer};
use super::rows::{RowRule, Rows};
use super::{csv, recording};
use crate::engine::axis::AXES as TRAILING_AXES;
use crate::engine::metric::interval::coverage_pct;
use crate::engine::metric::{id, Figures, Registry};
use crate::engine::sample::{EngineEvent, MachineInfo};
use crate::error::usage;
use std::fmt::Write as _;
use std::path::Path;

/// The rows of a recording, as the explorer's matrix had them: each finished window
/// through the rule with how it ended.
pub fn rows_of_recording(
    reg: &Registry,
    rec: &recording::Recording,
    rule: &RowRule,
) -> Vec<Figures> {
    let mut rows = Rows::default();
    let finished = rec.events.iter().filter_map(|(_, e)| match e {
        EngineEvent::Finished(r) => Some(r),
        _ => None,
    });
    for (r, &end) in finished.zip(&rec.window_ends) {
        rows.insert(rule, r.clone(), end);
    }
    rows.figures(reg)
        .into_iter()
        .map(|f| {
            f.on_kernel(&rec.header.machine.kernel)
                .on_peer(&rec.header.machine)
        })
        .collect()
}

/// The windows of a recording that are rows (the rule every reader applies), in
/// matrix order: with their round-trip buckets, which the rows' figures no longer have.
pub fn windows_of_recording(
    rec: &recording::Recording,
    rule: &RowRule,
) -> Vec<crate::engine::sample::ConfigResult> {
    let mut rows = Rows::default();
    let finished = rec.events.iter().filter_map(|(_, e)| match e {
        EngineEvent::Finished(r) => Some(r),
        _ => None,
    });
    for (r, &end) in finished.zip(&rec.window_ends) {
        rows.insert(rule, r.clone(), end);
    }
    rows.windows().cloned().collect()
}

/// What was read: the rows, and the machine where the input says.
pub struct Input {
    pub rows: Vec<Figures>,
    pub machine: Option<MachineInfo>,
    /// A recording's windows that are rows, with their round-trip buckets (the
    /// round-trip CDF); none from a CSV.
    pub windows: Vec<crate::engine::sample::ConfigResult>,
}

/// Whether `path` is a recording (JSON lines) rather than a CSV.
pub fn is_recording(path: &Path) -> bool {
    use std::io::Read as _;
    let mut first = [0u8; 1];
    let starts_with_brace = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut first))
        .is_ok_and(|n| n == 1 && first[0] == b'{');
    starts_with_brace || path.extension().is_some_and(|e| e == "jsonl")
}

pub fn read_input(reg: &Registry, path: &Path) -> crate::Result<Input> {
    let meta = std::fs::metadata(path).map_err(|e| {
        usage(format!(
            "cannot read {} ({e}); give a sweep CSV or a recording (--record FILE)",
            path.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(usage(format!(
            "{} is not a regular file; give a sweep CSV or a recording (--record FILE)",
            path.display()
        )));
    }
    if is_recording(path) {
        let rec = recording::read_recording(path)?;
        let rows = rows_of_recording(reg, &rec, &RowRule::default());
        if rows.is_empty() {
            return Err(usage(format!(
                "{} holds no finished configuration; record a sweep (`s` in the explorer) or a run",
                path.display()
            )));
        }
        let windows = windows_of_recording(&rec, &RowRule::default());
        return Ok(Input {
            rows,
            machine: Some(rec.header.machine),
            windows,
        });
    }
    let rows = csv::read_csv(reg, path).map_err(|e| {
        usage(format!(
            "{e:#}; give a CSV written by `netio-tui sweep` or by `e` in the explorer, or a recording"
        ))
    })?;
    if rows.is_empty() {
        return Err(usage(format!(
            "{} has the netio-tui columns but no rows; nothing to report",
            path.display()
        )));
    }
    Ok(Input {
        rows,
        machine: None,
        windows: Vec::new(),
    })
}

fn distinct<T: Ord + Clone>(v: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = v.collect();
    v.sort();
    v.dedup();
    v
}

/// The machine, kernel, counters and every axis the figures were measured with.
fn setting(reg: &Registry, input: &Input, file: &Path) -> String {
    let rows = &input.rows;
    let mut s = String::new();
    let _ = writeln!(s, "## Where and how this was measured\n");
    let _ = writeln!(
        s,
        "- Input: `{}`, {} configurations ({} failed)",
        file.display(),
        rows.len(),
        rows.iter().filter(|r| r.error.is_some()).count()
    );
    let kernels = distinct(rows.iter().filter_map(|r| r.kernel.clone()));
    match &input.machine {
        Some(m) => {
            let _ = writeln!(
                s,
                "- Machine: {}, {} cores; kernel {}; netio-tui {}; started {}",
                m.cpu_model, m.cores, m.kernel, m.tool_version, m.started
            );
            let _ = writeln!(s, "- Network: {}", m.network);
            let on: Vec<String> = m
                .counters
                .iter()
                .filter(|c| c.available)
                .map(|c| format!("{} ({})", c.metric, c.event))
                .collect();
            let off: Vec<String> = m
                .counters
                .iter()
                .filter(|c| !c.available)
                .map(|c| {
                    format!(
                        "{}: {}",
                        c.metric,
                        c.note.as_ref().map(ToString::to_string).unwrap_or_default()
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "- Counters available: {}",
                if on.is_empty() {
                    "none".into()
                } else {
                    on.join(", ")
                }
            );
            if !off.is_empty() {
                let _ = writeln!(s, "- Counters not available: {}", off.join("; "));
            }
            if let Some(e) = &m.perf_error {
                let _ = writeln!(s, "- perf: {e}");
            }
            if let Some(r) = &m.roofline {
                let g = |v: f64| rounded(v, None).0;
                let dram = match r.dram() {
                    Ok(ns) => format!(
                        "{} ns/B from DRAM ({} MiB buffer, {} GB/s)",
                        g(ns),
                        r.dram_bytes >> 20,
                        g(1.0 / ns)
                    ),
                    Err(why) => format!("DRAM n/a ({why})"),
                };
                let _ = writeln!(
                    s,
                    "- Copy roofline (memcpy): {} ns/B in cache ({} KiB buffer, {} GB/s), {dram}",
                    g(r.cache_ns_per_byte),
                    r.cache_bytes >> 10,
                    g(1.0 / r.cache_ns_per_byte)
                );
                match r.slow_case() {
                    Some(slow) => {
                        let _ = writeln!(s, "- Copy roofline's buffers: destination 2 KiB after its source in their 4 KiB pages; the slow case, {slow}");
                    }
                    None => {
                        let _ = writeln!(s, "- Copy roofline's buffers: where malloc put them (recorded before they were placed: it may be the slow case, 15–25× the fast one on some CPUs)");
                    }
                }
            }
        }
        None => {
            let _ = writeln!(s, "- Machine: not recorded in a CSV (CPU and cores unknown; a recording says them); kernel {}", if kernels.is_empty() { "not recorded".into() } else { kernels.join(", ") });
            let measured: Vec<&str> = reg
                .iter()
                .filter(|m| rows.iter().any(|r| r.get(reg, m.name).is_some()))
                .map(|m| m.name)
                .collect();
            let empty: Vec<&str> = reg
                .iter()
                .filter(|m| !measured.contains(&m.name))
                .map(|m| m.name)
                .collect();
            let _ = writeln!(s, "- Figures measured: {}", measured.join(", "));
            let _ = writeln!(
                s,
                "- Figures empty in every row (not measured there): {}",
                if empty.is_empty() {
                    "none".into()
                } else {
                    empty.join(", ")
                }
            );
        }
    }
    let ok: Vec<&Figures> = rows.iter().filter(|r| r.error.is_none()).collect();
    let strategies = distinct(ok.iter().map(|r| r.config.strategy));
    let sizes = distinct(ok.iter().map(|r| r.config.msg_size));
    let threads = distinct(ok.iter().map(|r| r.config.threads));
    let _ = writeln!(
        s,
        "- Strategies: {}",
        strategies
            .iter()
            .map(|x| x.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "- Message sizes: {}",
        sizes
            .iter()
            .map(|z| insight::size_text(*z))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "- Thread pairs: {}",
        threads
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for a in &TRAILING_AXES {
        let v = distinct(ok.iter().map(|r| (a.get)(&r.config)));
        let _ = writeln!(s, "- {}: {}", a.name, v.join(", "));
    }
    let _ = writeln!(s, "- {}", trials_text(&ok));
    let d: Vec<f64> = ok
        .iter()
        .filter_map(|r| r.get(reg, id::DURATION_S))
        .collect();
    if let (Some(lo), Some(hi)) = (
        d.iter().copied().reduce(f64::min),
        d.iter().copied().reduce(f64::max),
    ) {
        let _ = writeln!(
            s,
            "- Measured window per configuration: {} s (warm-up excluded)",
            match (rounded(lo, None).0, rounded(hi, None).0) {
                (a, b) if a == b => a,
                (a, b) => format!("{a}–{b}"),
            }
        );
    }
    s.push_str(&super::noise::summary_line(reg, rows));
    s
}

/// How many trials the figures rest on, and what that allows the answers to claim.
fn trials_text(ok: &[&Figures]) -> String {
    let t = distinct(ok.iter().map(|r| r.trials));
    match (t.first(), t.last()) {
        (Some(1), Some(1)) => format!(
            "Trials per configuration: 1 (no intervals). {}",
            insight::noise::ONE_TRIAL_NOTE
        ),
        (Some(&lo), Some(&hi)) if lo == hi => {
            format!(
                "Trials per configuration: {lo} (each figure their median, with its {} % interval)",
                coverage_pct(lo).unwrap_or(0)
            )
        }
        (Some(&lo), Some(&hi)) => {
            let from = coverage_pct(lo.max(2)).unwrap_or(0);
            let to = coverage_pct(hi).unwrap_or(0);
            format!("Trials per configuration: {lo}–{hi} (each figure their median, with its interval where there are 2 or more: {from}–{to} % coverage by trial count)")
        }
        _ => "Trials per configuration: none finished".into(),
    }
}

fn answer_md(reg: &Registry, rows: &[Figures], i: usize, a: &Answer) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### {}. {}\n", i + 1, a.question);
    match &a.answer {
        Some(t) => {
            let _ = writeln!(s, "{t}\n");
        }
        None => {
            let _ = writeln!(s, "These figures cannot answer this.\n");
        }
    }
    if let Some(m) = &a.measure {
        let _ = writeln!(
            s,
            "*To answer {}:* {m}.\n",
            if a.answer.is_some() {
                "more fully"
            } else {
                "it"
            }
        );
    }
    if !a.cited.is_empty() {
        let _ = writeln!(s, "| cell | figure | value |\n|---|---|---|");
        for c in &a.cited {
            for (n, v) in &c.figures {
                let text = insight::cited_text(reg, rows, &c.config, *n, *v);
                let _ = writeln!(s, "| {} | `{n}` | {text} |", c.config);
            }
        }
        s.push('\n');
    }
    s
}

/// The whole Markdown report; `plots` are file names relative to the report.
pub fn markdown(reg: &Registry, input: &Input, file: &Path, plots: &[String]) -> String {
    let mut s = format!("# netio-tui report: {}\n\n", file.display());
    s.push_str("Each answer rests on the cells listed under it. Every value is the cell's (the median of its trials), \
        to the digits its interval supports and at most 3 significant; [lo–hi] is the interval of the median where \
        the cell has several trials (order statistics: 95 % coverage from 6 trials on, 93 % at 5, 75 % at 3; docs/trials.md). One cell is said to beat another only where their intervals do not overlap \
        (for figures of one trial: where they differ by more than 2×); elsewhere they are indistinguishable on this machine.\n\n");
    s.push_str(&setting(reg, input, file));
    s.push_str("\n## The six questions\n\n");
    let answers = insight::answers(reg, &input.rows, input.machine.as_ref().map(|m| m.cores));
    for (i, a) in answers.iter().enumerate() {
        s.push_str(&answer_md(reg, &input.rows, i, a));
    }
    let beyond: Vec<Answer> = insight::locking(reg, &input.rows)
        .into_iter()
        .chain(insight::round_trip(reg, &input.rows))
        .collect();
    if !beyond.is_empty() {
        s.push_str("## Beyond the six questions\n\n");
    }
    for (i, a) in beyond.iter().enumerate() {
        s.push_str(&answer_md(reg, &input.rows, answers.len() + i, a));
    }
    if !plots.is_empty() {
        s.push_str("## Plots\n\n");
        for p in plots {
            let _ = writeln!(s, "![{p}]({p})\n");
        }
    }
    s
}

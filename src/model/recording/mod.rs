//! Recordings: JSON lines, a header describing the machine and the run, then one
//! line per engine event with its time offset.
//!
//! ```text
//! {"format":"netio-tui-recording","version":1,"tool_version":"0.1.0","started":"2025-01-31T12:00:00Z","command":["netio-tui","sweep"],"machine":{...}}
//! {"t":0.0012,"event":{"kind":"started","config":{...}}}
//! {"t":0.3011,"event":{"kind":"sample",...}}
//! ```
//!
//! Every line is written whole with one `write_all` and flushed, so a crash loses at most
//! the line being written. The reader therefore forgives exactly one thing: a final line
//! with no trailing newline that does not parse (the recorder died mid-write). It is
//! ignored and reported in [`Recording::cut_off_line`]. Anything else that does not parse
//! — a bad line in the middle, a bad final line that *does* end in a newline, a header
//! that is cut off — is an error naming the line and what was expected. Blank lines are
//! skipped.

use super::rows::WindowEnd;
use crate::engine::sample::{EngineEvent, MachineInfo};
use crate::error::{fault, usage};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// The `format` value of the header line: what tells a recording from any other JSON.
pub const FORMAT: &str = "netio-tui-recording";
/// The format version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// Longest line a reader accepts: an event line is well under 4 KiB even with every
/// counter and a long notice.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The first line of a recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingHeader {
    pub format: String,
    pub version: u32,
    /// netio-tui version that wrote the file.
    pub tool_version: String,
    /// UTC start time of the recording, ISO-8601.
    pub started: String,
    /// The command line that made the recording.
    #[serde(default)]
    pub command: Vec<String>,
    /// Kernel, CPU, cores, network, counters available (and why not).
    pub machine: MachineInfo,
}

impl RecordingHeader {
    /// A header for a recording starting now.
    pub fn new(machine: &MachineInfo) -> RecordingHeader {
        RecordingHeader {
            format: FORMAT.to_string(),
            version: VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            started: crate::timefmt::iso8601(SystemTime::now()),
            // args_os: a path that is not UTF-8 is kept (lossily), never a panic.
            command: std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            machine: machine.clone(),
        }
    }
}

/// One event line: `t` seconds after the recording started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct EventLine {
    t: f64,
    event: EngineEvent,
    /// On finished windows: whether the window ran its given length or was cut short
    /// (what decides whether it is a row). Files made before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window: Option<WindowEnd>,
}

/// Writes a recording as it goes (one whole line per write, flushed per line).
pub struct Recorder {
    file: File,
    path: PathBuf,
    start: Instant,
    last_t: f64,
    lines: usize,
}

impl Recorder {
    /// Creates (or truncates) `path` and writes the header. Fails with a usage error
    /// (exit 2) naming the path when it cannot be written.
    pub fn create(path: &Path, machine: &MachineInfo) -> crate::Result<Recorder> {
        Self::create_with_header(path, &RecordingHeader::new(machine))
    }

    /// Like [`Recorder::create`] with a header made by the caller.
    pub fn create_with_header(path: &Path, header: &RecordingHeader) -> crate::Result<Recorder> {
        if path.is_dir() {
            return Err(usage(format!(
                "recording path {} is a directory; give a file name such as session.jsonl",
                path.display()
            )));
        }
        let file = super::files::create_recording_file(path).map_err(usage)?;
        let mut r = Recorder {
            file,
            path: path.to_path_buf(),
            start: Instant::now(),
            last_t: 0.0,
            lines: 0,
        };
        if let Err(e) = r.write_line(&serde_json::to_string(header)?) {
            // A full disk: leave no empty or half file behind.
            let _ = std::fs::remove_file(path);
            return Err(usage(format!(
                "{e:#}; nothing was recorded and {} was removed",
                path.display()
            )));
        }
        Ok(r)
    }

    /// Appends `event` with the seconds elapsed since the recording started.
    pub fn record(&mut self, event: &EngineEvent) -> crate::Result<()> {
        self.record_window(event, None)
    }

    /// [`Recorder::record`] of a finished window, saying how it ended.
    pub fn record_window(
        &mut self,
        event: &EngineEvent,
        window: Option<WindowEnd>,
    ) -> crate::Result<()> {
        let t = self.start.elapsed().as_secs_f64();
        self.record_at_window(t, event, window)
    }

    /// Appends `event` at an explicit offset (tests, converters). Offsets never go
    /// backwards in the file: an earlier `t` is written as the previous one.
    pub fn record_at(&mut self, t: f64, event: &EngineEvent) -> crate::Result<()> {
        self.record_at_window(t, event, None)
    }

    /// [`Recorder::record_at`] of a finished window, saying how it ended.
    pub fn record_at_window(
        &mut self,
        t: f64,
        event: &EngineEvent,
        window: Option<WindowEnd>,
    ) -> crate::Result<()> {
        // Microseconds are plenty for sample intervals and keep the lines short.
        let t = ((t * 1e6).round() / 1e6).max(self.last_t);
        self.last_t = t;
        let line = serde_json::to_string(&EventLine {
            t,
            event: event.clone(),
            window: window.filter(|_| matches!(event, EngineEvent::Finished(_))),
        })?;
        self.write_line(&line)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lines written so far, header included.
    pub fn lines(&self) -> usize {
        self.lines
    }

    fn write_line(&mut self, json: &str) -> crate::Result<()> {
        let mut buf = Vec::with_capacity(json.len() + 1);
        buf.extend_from_slice(json.as_bytes());
        buf.push(b'\n');
        self.file
            .write_all(&buf)
            .and_then(|()| self.file.flush())
            .map_err(|e| {
                fault(format!(
                    "cannot write recording {}: {e}",
                    self.path.display()
                ))
            })?;
        self.lines += 1;
        Ok(())
    }
}

/// A recording read back whole.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    pub header: RecordingHeader,
    /// Events with their offsets in seconds, in file order (offsets never decrease).
    pub events: Vec<(f64, EngineEvent)>,
    /// Line number of an incomplete final line that was ignored (the recorder was interrupted).
    pub cut_off_line: Option<usize>,
    /// How each finished window ended, in file order (one per `finished` event).
    pub window_ends: Vec<WindowEnd>,
}

impl Recording {
    /// Seconds from the start of the recording to its last event.
    pub fn duration(&self) -> f64 {
        self.events.last().map(|(t, _)| *t).unwrap_or(0.0)
    }
}

const HEADER_SHAPE: &str =
    r#"{"format":"netio-tui-recording","version":1,"tool_version":…,"started":…,"machine":{…}}"#;
const EVENT_SHAPE: &str =
    r#"{"t":SECONDS,"event":{"kind":"started|sample|finished|notice|failed",…}}"#;

/// Reads and validates a whole recording. Every error is a usage error (exit 2) that
/// names the file, the line and what was expected.
pub fn read_recording(path: &Path) -> crate::Result<Recording> {
    let bytes = super::files::read_bounded(path, super::files::MAX_RECORDING_BYTES, "recording")
        .map_err(|e| usage(format!("{e}; give a file written with --record")))?;
    parse_recording(&bytes, &path.display().to_string())
}

/// [`read_recording`] on bytes already in memory; `name` is used in messages.
pub fn parse_recording(bytes: &[u8], name: &str) -> crate::Result<Recording> {
    let not_ours = |why: &str| {
        usage(format!(
            "{name} is not a netio-tui recording ({why}); expected a first line like {HEADER_SHAPE}. \
             Make one with --record FILE"
        ))
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(not_ours("the file is empty"));
    }
    let ends_with_newline = bytes.last() == Some(&b'\n');
    let mut raw_lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if ends_with_newline {
        raw_lines.pop(); // the empty piece after the final newline
    }
    let last_index = raw_lines.len() - 1;
    if let Some(i) = raw_lines.iter().position(|l| l.len() > MAX_LINE_BYTES) {
        return Err(usage(format!(
            "{name} line {}: longer than {} KiB; no line netio-tui records is that long",
            i + 1,
            MAX_LINE_BYTES >> 10
        )));
    }

    // Line 1: the header.
    let first = std::str::from_utf8(raw_lines[0]).map_err(|_| not_ours("line 1 is not text"))?;
    let value: serde_json::Value = match serde_json::from_str(first) {
        Ok(v) => v,
        Err(e) if e.is_eof() && last_index == 0 && !ends_with_newline => {
            return Err(usage(format!(
                "{name} line 1: the header is cut off (the recording was interrupted before it \
                 began); nothing to replay"
            )))
        }
        Err(_) => return Err(not_ours("line 1 is not a JSON header")),
    };
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_ours(r#"line 1 has no "format":"netio-tui-recording""#));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(VERSION) => {
            return Err(usage(format!(
                "{name} was made by a newer netio-tui (format version {v}), this one reads \
                 version {VERSION}; update netio-tui to replay it"
            )))
        }
        Some(v) if v >= 1 => {}
        _ => {
            return Err(usage(format!(
                "{name} line 1: expected \"version\" to be a whole number from 1 to {VERSION} \
                 in the header {HEADER_SHAPE}"
            )))
        }
    }
    let header: RecordingHeader = serde_json::from_value(value).map_err(|e| {
        usage(format!(
            "{name} line 1: the header is malformed ({e}); expected {HEADER_SHAPE}"
        ))
    })?;

    // Lines 2..: events.
    let mut events = Vec::new();
    let mut window_ends = Vec::new();
    // Files made before windows said how they ended: `run` and `sweep` record only
    // windows that ran their length (an interrupted one is recorded as failed).
    let old_window_end = match header.command.get(1).map(String::as_str) {
        Some("run" | "sweep") => WindowEnd::Timed,
        _ => WindowEnd::Cut,
    };
    let mut cut_off_line = None;
    let mut previous_t = 0.0f64;
    for (i, raw) in raw_lines.iter().enumerate().skip(1) {
        let line_no = i + 1;
        let is_unfinished_tail = i == last_index && !ends_with_newline;
        let parsed = std::str::from_utf8(raw)
            .map_err(|_| "the line is not UTF-8 text".to_string())
            .and_then(|s| {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    serde_json::from_str::<serde_json::Value>(s)
                        .map_err(|e| e.to_string())
                        .and_then(|v| {
                            // Numbers out of physical range are the file's fault, told
                            // with the field (below, after the shape is known).
                            let ranges = crate::model::ranges::check_json_figures(&v, "");
                            serde_json::from_value::<EventLine>(v)
                                .map(|l| Some((l, ranges)))
                                .map_err(|e| e.to_string())
                        })
                }
            });
        let line = match parsed {
            Ok(Some((l, ranges))) => {
                let config = match &l.event {
                    EngineEvent::Started { config }
                    | EngineEvent::SamplesDropped { config, .. }
                    | EngineEvent::Failed { config, .. } => Some(config),
                    EngineEvent::Sample(s) => Some(&s.config),
                    EngineEvent::Finished(r) => Some(&r.config),
                    EngineEvent::Notice { .. } => None,
                };
                if let Err(e) =
                    ranges.and_then(|()| config.map_or(Ok(()), crate::model::ranges::check_config))
                {
                    return Err(usage(format!(
                        "{name} line {line_no}: {e}; this is no measurement netio-tui records"
                    )));
                }
                l
            }
            Ok(None) => continue,
            Err(_) if is_unfinished_tail => {
                cut_off_line = Some(line_no);
                break;
            }
            Err(e) => {
                return Err(usage(format!(
                    "{name} line {line_no}: expected an event {EVENT_SHAPE} ({e})"
                )))
            }
        };
        if !line.t.is_finite() || line.t < 0.0 {
            return Err(usage(format!(
                "{name} line {line_no}: expected \"t\" to be seconds since the start (0 or more), found {}",
                line.t
            )));
        }
        if line.t < previous_t {
            return Err(usage(format!(
                "{name} line {line_no}: time t={} is earlier than the line before (t={previous_t}); \
                 expected times that never decrease",
                line.t
            )));
        }
        previous_t = line.t;
        if matches!(line.event, EngineEvent::Finished(_)) {
            window_ends.push(line.window.unwrap_or(old_window_end));
        }
        events.push((line.t, line.event));
    }
    Ok(Recording {
        header,
        events,
        cut_off_line,
        window_ends,
    })
}

#[cfg(test)]
mod tests;

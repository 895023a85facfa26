//! The control protocol between the local side and its agent: one JSON object per
//! line, each carrying the protocol version `v`, over the agent's stdin and stdout.

use crate::config::Config;
use crate::sample::{Failure, MachineInfo, Measured};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, Read, Write};
use std::net::IpAddr;

/// The version every line carries; a line of another version is refused.
pub const PROTOCOL: u32 = 1;

/// The longest control line read (a machine description is a few KiB): every read
/// is bounded.
const MAX_LINE: u64 = 4 << 20;

/// How the agent measures: the local side's options that concern its half.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentOptions {
    pub interval_ms: u64,
    pub warmup_ms: u64,
    pub verify: bool,
    pub profile_hz: Option<u32>,
    pub syscalls: bool,
}

/// One configuration's far half.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Configure {
    pub config: Config,
    /// The agent runs the senders (`--reverse`); otherwise the receivers.
    pub agent_sends: bool,
    /// The address its listener binds (the one the local side reached the host at).
    pub bind: IpAddr,
    /// The run's token, hex: every data connection must present it first.
    pub token: String,
}

/// What the local side tells the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum ToAgent {
    /// Build the engine with these options; the agent answers with its machine.
    Open {
        options: AgentOptions,
    },
    Configure(Configure),
    /// Release the workers: the window (warm-up first) begins.
    Start,
    /// End the window (answered with `stopped`), stop the workers, report the total.
    Stop,
    Bye,
}

/// What the agent tells the local side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum FromAgent {
    Hello {
        protocol: u32,
        version: String,
        build: String,
    },
    Machine {
        machine: Box<MachineInfo>,
    },
    /// The data listener is up on this port of the configured address.
    Listening {
        port: u16,
    },
    /// Every connection presented the token and its worker is ready.
    Ready,
    /// One interval of its half, as its sampler measured it.
    Interval {
        seq: u64,
        interval: Box<Measured>,
    },
    /// Its window ended (the last snapshot is taken); its workers stop next.
    Stopped,
    /// The window's total; `bytes`: each connection's bytes on its side, by index.
    Finished {
        total: Box<Measured>,
        bytes: Vec<u64>,
        verified: bool,
        refused: u64,
    },
    Failed {
        failure: Failure,
        refused: u64,
    },
    /// A configuration it cannot measure (`usage`: the request's fault).
    Refused {
        message: String,
        usage: bool,
    },
    Notice {
        message: String,
    },
    Bye,
}

/// Writes one line: `{"v":1,"msg":…,…}`.
pub fn write_line<T: Serialize>(w: &mut dyn Write, body: &T) -> io::Result<()> {
    let mut value = serde_json::to_value(body).map_err(io::Error::other)?;
    if let Some(o) = value.as_object_mut() {
        o.insert("v".into(), PROTOCOL.into());
    }
    let mut line = serde_json::to_vec(&value).map_err(io::Error::other)?;
    line.push(b'\n');
    w.write_all(&line)?;
    w.flush()
}

/// Reads one line; `None` at the end of the stream. A line of another protocol
/// version, or not of this protocol at all, is an error that says so.
pub fn read_line<T: DeserializeOwned>(r: &mut dyn BufRead) -> io::Result<Option<T>> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n as u64 >= MAX_LINE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a control line longer than {MAX_LINE} bytes"),
        ));
    }
    let bad = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
    let value: serde_json::Value = serde_json::from_slice(&buf).map_err(|e| {
        bad(format!(
            "not a control line ({e}): {:?}",
            String::from_utf8_lossy(&buf[..buf.len().min(120)])
        ))
    })?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(PROTOCOL) => {}
        v => {
            return Err(bad(format!(
                "control protocol version {} where {PROTOCOL} was expected",
                v.map_or("missing".into(), |v| v.to_string())
            )))
        }
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| bad(format!("a control line this version does not know: {e}")))
}

/// Hex of `bytes` (tokens and build ids).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_the_version_and_round_trip() {
        let mut out = Vec::new();
        write_line(&mut out, &ToAgent::Start).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\"msg\":\"start\",\"v\":1}\n"
        );
        let msg = FromAgent::Listening { port: 4242 };
        write_line(&mut out, &msg).unwrap();
        let mut r = io::Cursor::new(out);
        assert_eq!(read_line::<ToAgent>(&mut r).unwrap(), Some(ToAgent::Start));
        assert_eq!(read_line::<FromAgent>(&mut r).unwrap(), Some(msg));
        assert_eq!(read_line::<FromAgent>(&mut r).unwrap(), None);
    }

    #[test]
    fn another_version_or_garbage_is_refused_with_the_reason() {
        let mut r = io::Cursor::new(b"{\"msg\":\"start\",\"v\":2}\n".to_vec());
        let e = read_line::<ToAgent>(&mut r).unwrap_err();
        assert!(e.to_string().contains("version 2 where 1"), "{e}");
        let mut r = io::Cursor::new(b"bash: netio-tui: command not found\n".to_vec());
        let e = read_line::<ToAgent>(&mut r).unwrap_err();
        assert!(e.to_string().starts_with("not a control line"), "{e}");
    }
}

//! `--peer [user@]host[:port]`: the far half of every connection runs as
//! `netio-tui agent --stdio` on that host, started with the user's own `ssh` (their
//! config, keys, agent, known_hosts and ProxyJump all apply; no ssh or crypto of
//! ours). This module spawns ssh and says in one line why it failed; the engine
//! speaks the control protocol over ssh's pipes.

use crate::engine::peer::protocol::AgentOptions;
use crate::engine::peer::{Channel, FarHalf, PeerSetup, Reconnect, Transport};
use crate::error::{fault, usage, Result};
use std::io::{BufReader, Read, Write};
use std::net::{IpAddr, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The exit status the `--peer-copy` script uses for a far host of another architecture.
const WRONG_ARCH: i32 = 86;
/// How much of ssh's stderr is kept (its last words say why it ended).
const STDERR_KEEP: usize = 8 << 10;

/// How to reach the far host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerSettings {
    /// `[user@]host[:port]` as the user gave it.
    pub target: PeerTarget,
    /// Passed to ssh in order, each as one argument (`--peer-ssh-option`).
    pub ssh_options: Vec<String>,
    /// Stream this binary there for the session (`--peer-copy`).
    pub copy: bool,
    /// The far host sends (`--reverse`).
    pub reverse: bool,
}

/// `[user@]host[:port]`, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl std::fmt::Display for PeerTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

/// Parses `[user@]host[:port]` (an IPv6 host in brackets: `[::1]:2222`).
pub fn parse_target(s: &str) -> std::result::Result<PeerTarget, String> {
    let allowed = "allowed: [user@]host[:port], e.g. root@10.0.0.2 or alice@lab-host:2222";
    let (user, rest) = match s.rsplit_once('@') {
        Some((u, r)) => (Some(u.to_string()), r),
        None => (None, s),
    };
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        let (h, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("--peer '{s}': an unclosed '['; {allowed}"))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').unwrap_or("x")),
        };
        (h, port)
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or_else(|| format!("--peer '{s}': port '{p}' is not 1 to 65535; {allowed}"))?,
        ),
    };
    let bad = |c: char| c.is_whitespace() || c.is_control() || "'\"`$;&|<>\\".contains(c);
    if host.is_empty() || host.starts_with('-') || host.chars().any(bad) {
        return Err(format!(
            "--peer '{s}': '{host}' is not a host name or address; {allowed}"
        ));
    }
    if user
        .as_deref()
        .is_some_and(|u| u.is_empty() || u.starts_with('-') || u.chars().any(bad))
    {
        return Err(format!(
            "--peer '{s}': not a user name before '@'; {allowed}"
        ));
    }
    Ok(PeerTarget {
        user,
        host: host.to_string(),
        port,
    })
}

impl PeerSettings {
    /// ssh's arguments up to (and including) the destination.
    fn ssh_args(&self) -> Vec<String> {
        let mut a = vec!["-o".to_string(), "BatchMode=yes".to_string()];
        a.extend(self.ssh_options.iter().cloned());
        if let Some(p) = self.target.port {
            a.push("-p".into());
            a.push(p.to_string());
        }
        a.push("--".into());
        a.push(match &self.target.user {
            Some(u) => format!("{u}@{}", self.target.host),
            None => self.target.host.clone(),
        });
        a
    }
}

/// The address the far host is reached at, as ssh's own configuration resolves the
/// name (`ssh -G`: aliases and HostName apply); data connections go there.
fn resolve(p: &PeerSettings) -> Result<IpAddr> {
    let out = Command::new("ssh")
        .arg("-G")
        .args(p.ssh_args())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            fault(format!(
                "--peer needs the ssh client: running ssh failed ({e}); install OpenSSH's client"
            ))
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("hostname "))
        .map(str::trim)
        .unwrap_or(&p.target.host)
        .to_string();
    let addrs: Vec<IpAddr> = (name.as_str(), 0)
        .to_socket_addrs()
        .map_err(|e| {
            usage(format!(
                "--peer {}: unknown host '{name}' ({e}); give a name this machine resolves, or its address",
                p.target
            ))
        })?
        .map(|a| a.ip())
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| usage(format!("--peer {}: host '{name}' has no address", p.target)))
}

/// The command the far host runs: the installed agent, or this binary streamed
/// through ssh's stdin into a private directory that goes when the agent ends.
fn remote_command(copy: Option<u64>) -> String {
    match copy {
        None => "exec netio-tui agent --stdio".into(),
        Some(len) => format!(
            "a=$(uname -m); if [ \"$a\" != '{arch}' ]; then echo \"netio-tui-arch:$a\" >&2; exit {WRONG_ARCH}; fi; \
             d=$(mktemp -d \"${{TMPDIR:-/tmp}}/netio-tui.XXXXXX\") || exit 1; \
             trap 'rm -rf \"$d\"' EXIT; trap 'exit 1' HUP INT TERM PIPE; \
             head -c {len} >\"$d/netio-tui\" && chmod 700 \"$d/netio-tui\" && \"$d/netio-tui\" agent --stdio",
            arch = std::env::consts::ARCH
        ),
    }
}

/// ssh, running: its exit and its last words say why the link ended.
struct Ssh {
    child: Mutex<Child>,
    stderr: Arc<Mutex<Vec<u8>>>,
    target: PeerTarget,
    copy: bool,
}

impl Ssh {
    /// ssh's exit status, waiting up to `wait` for it.
    fn exit(&self, wait: Duration) -> Option<std::process::ExitStatus> {
        let until = Instant::now() + wait;
        loop {
            let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
            if let Ok(Some(s)) = c.try_wait() {
                return Some(s);
            }
            drop(c);
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn last_words(&self) -> String {
        let e = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&e)
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("Warning: Permanently added"))
            .unwrap_or("")
            .to_string()
    }

    /// One line: what went wrong and what to do.
    fn explain(&self) -> Option<String> {
        let status = self.exit(Duration::from_secs(3))?;
        let said = self.last_words();
        let host = &self.target;
        Some(match status.code() {
            Some(255) => {
                let hint = if said.contains("Host key verification failed")
                    || said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
                {
                    " (the host's key is not the one known_hosts holds, or none is held: check it, then add it with ssh-keyscan or one interactive ssh login)"
                } else if said.contains("Permission denied") {
                    " (no key of yours was accepted: BatchMode allows no password; add your key to the host's authorized_keys or to ssh-agent)"
                } else if said.contains("Could not resolve hostname") {
                    " (unknown host)"
                } else {
                    ""
                };
                format!("ssh to {host} failed: {said}{hint}")
            }
            Some(127) => format!(
                "netio-tui is not installed on {host} (not found on the PATH of a non-interactive ssh session there): install netio-tui {} there, or add --peer-copy to run this very binary there for the session",
                env!("CARGO_PKG_VERSION")
            ),
            Some(WRONG_ARCH) if self.copy => format!(
                "{host} is {}; this binary is built for {}, so --peer-copy cannot run it there: install netio-tui {} built for that host",
                said.strip_prefix("netio-tui-arch:").unwrap_or("another architecture"),
                std::env::consts::ARCH,
                env!("CARGO_PKG_VERSION")
            ),
            // The far shell reports an agent ended by a signal as 128 + its number.
            Some(c @ 129..=159) => format!("the agent on {host} died (killed by signal {})", c - 128),
            Some(c) => format!("ssh to {host} ended with status {c}{}", if said.is_empty() { String::new() } else { format!(": {said}") }),
            None => format!("ssh to {host} was killed ({status})"),
        })
    }
}

/// The engine's view of ssh: why the link ended.
struct SshLink(Arc<Ssh>);

impl Transport for SshLink {
    fn why_lost(&self) -> Option<String> {
        self.0.explain()
    }
}

impl Drop for Ssh {
    /// The agent's stdin is closed by now: ssh ends with it; if not, it is ended.
    fn drop(&mut self) {
        if self.exit(Duration::from_secs(3)).is_none() {
            let mut c = self.child.lock().unwrap_or_else(|e| e.into_inner());
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts ssh and the agent on the far host, streams this binary first with
/// `--peer-copy`, and completes the handshake. Where the link is lost later, the next
/// configuration starts another agent the same way (the explorer reconnects).
pub fn connect(p: &PeerSettings, options: AgentOptions) -> Result<FarHalf> {
    let addr = resolve(p)?;
    let (channel, ssh) = open_channel(p)?;
    let setup = PeerSetup {
        host: p.target.to_string(),
        addr,
        local_sends: !p.reverse,
        version: env!("CARGO_PKG_VERSION").to_string(),
        build: String::new(),
        hold_before_dial: crate::test_seam::peer_hold(),
    };
    let again = p.clone();
    let reconnect: Reconnect = Box::new(move || {
        open_channel(&again)
            .map(|(c, _)| c)
            .map_err(|e| crate::engine::Error::Unavailable(e.to_string()))
    });
    let peer = |why: String| fault(format!("--peer {}: {why}", p.target));
    FarHalf::connect(channel, setup, options, Some(reconnect)).map_err(|e| {
        match ssh.exit(Duration::from_millis(200)) {
            // ssh itself failed: its reason is the one to give (a refusal of the agent's
            // own, e.g. another version, ends ssh well and keeps its words).
            Some(status) if !status.success() => {
                peer(ssh.explain().unwrap_or_else(|| e.to_string()))
            }
            _ => e.into(),
        }
    })
}

/// Spawns ssh with the agent's command and, with `--peer-copy`, streams this binary
/// first: the control channel to a new agent.
fn open_channel(p: &PeerSettings) -> Result<(Channel, Arc<Ssh>)> {
    let binary = if p.copy {
        Some(std::fs::read("/proc/self/exe").map_err(|e| {
            fault(format!(
                "--peer-copy: reading this binary (/proc/self/exe) failed: {e}"
            ))
        })?)
    } else {
        None
    };
    let mut child = Command::new("ssh")
        .args(p.ssh_args())
        .arg(remote_command(binary.as_ref().map(|b| b.len() as u64)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fault(format!(
                "--peer needs the ssh client: running ssh failed ({e}); install OpenSSH's client"
            ))
        })?;
    let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(fault("ssh started without its pipes"));
    };
    let kept = Arc::new(Mutex::new(Vec::new()));
    let sink = kept.clone();
    std::thread::Builder::new()
        .name("netio-ssh-err".into())
        .spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    return;
                }
                let mut k = sink.lock().unwrap_or_else(|e| e.into_inner());
                k.extend_from_slice(&buf[..n]);
                let over = k.len().saturating_sub(STDERR_KEEP);
                k.drain(..over);
            }
        })?;
    let ssh = Arc::new(Ssh {
        child: Mutex::new(child),
        stderr: kept,
        target: p.target.clone(),
        copy: p.copy,
    });
    if let Some(b) = &binary {
        // A far side that refuses the copy (another architecture) closes the pipe.
        if let Err(e) = stdin.write_all(b).and_then(|()| stdin.flush()) {
            return Err(fault(format!(
                "--peer {}: {}",
                p.target,
                ssh.explain()
                    .unwrap_or_else(|| { format!("streaming this binary over ssh failed ({e})") })
            )));
        }
    }
    let channel = Channel {
        reader: Box::new(BufReader::new(stdout)),
        writer: Box::new(stdin),
        transport: Box::new(SshLink(ssh.clone())),
    };
    Ok((channel, ssh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_bad_ones_say_what_is_allowed() {
        let t = parse_target("root@10.0.0.2:2222").unwrap();
        assert_eq!(
            (t.user.as_deref(), t.host.as_str(), t.port),
            (Some("root"), "10.0.0.2", Some(2222))
        );
        assert_eq!(t.to_string(), "root@10.0.0.2:2222");
        let t = parse_target("[fe80::1]:22").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("fe80::1", Some(22)));
        assert_eq!(parse_target("lab").unwrap().to_string(), "lab");
        for bad in [
            "",
            "-oProxyCommand=x",
            "a@",
            "h:0",
            "h:99999",
            "h;rm",
            "@h",
            "[::1",
        ] {
            let e = parse_target(bad).unwrap_err();
            assert!(e.contains("allowed: [user@]host[:port]"), "{bad}: {e}");
        }
    }

    #[test]
    fn ssh_gets_batch_mode_the_options_in_order_and_the_destination_last() {
        let p = PeerSettings {
            target: parse_target("me@h:2200").unwrap(),
            ssh_options: vec!["-oA=1".into(), "-F/dev/null".into()],
            copy: false,
            reverse: false,
        };
        assert_eq!(
            p.ssh_args(),
            [
                "-o",
                "BatchMode=yes",
                "-oA=1",
                "-F/dev/null",
                "-p",
                "2200",
                "--",
                "me@h"
            ]
        );
        assert!(remote_command(Some(5)).contains("head -c 5 "));
    }
}

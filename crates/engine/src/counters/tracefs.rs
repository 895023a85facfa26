//! Tracepoint ids from tracefs, mounted for a moment in a private mount namespace
//! where nothing has it mounted.

use std::io;

/// Ids of the tracepoints the evidence counters use, or why each is unknown.
#[derive(Clone, Debug)]
pub struct TracepointIds {
    pub syscalls: Result<u64, String>,
    pub skb_copies: Result<u64, String>,
}

const TRACEFS: [&str; 2] = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

fn read_id(root: &str, event: &str) -> io::Result<u64> {
    let text = std::fs::read_to_string(format!("{root}/events/{event}/id"))?;
    text.trim()
        .parse()
        .map_err(|_| io::Error::other(format!("{root}/events/{event}/id is not a number")))
}

/// The tracepoint ids, from a mounted tracefs, or from one mounted for a moment in a
/// private mount namespace of a helper thread (nothing is mounted for anyone else).
pub fn tracepoint_ids() -> &'static TracepointIds {
    static IDS: std::sync::OnceLock<TracepointIds> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        const EVENTS: [&str; 2] = ["raw_syscalls/sys_enter", "skb/skb_copy_datagram_iovec"];
        let events = EVENTS;
        let lookup = |root: &str| EVENTS.map(|e| read_id(root, e));
        let found = TRACEFS
            .iter()
            .map(|r| lookup(r))
            .find(|ids| ids.iter().any(|i| i.is_ok()))
            .map(Ok)
            .unwrap_or_else(|| {
                std::thread::Builder::new()
                    .name("netio-tracefs".into())
                    .spawn(move || -> Result<[io::Result<u64>; 2], String> {
                        mount_private_tracefs(TRACEFS[0])?;
                        Ok(lookup(TRACEFS[0]))
                    })
                    .map_err(|e| e.to_string())?
                    .join()
                    .map_err(|_| "tracefs helper panicked".to_string())?
            });
        let why = |e: String| {
            format!(
                "tracepoint id unknown: tracefs is not mounted and mounting it failed ({e}); mount -t tracefs nodev /sys/kernel/tracing{}",
                crate::error::SEE_DOCTOR
            )
        };
        match found {
            Ok([a, b]) => {
                let named = |r: io::Result<u64>, ev: &str| {
                    r.map_err(|e| format!("tracepoint {ev} not found in tracefs ({e})"))
                };
                TracepointIds {
                    syscalls: named(a, events[0]),
                    skb_copies: named(b, events[1]),
                }
            }
            Err(e) => TracepointIds {
                syscalls: Err(why(e.clone())),
                skb_copies: Err(why(e)),
            },
        }
    })
}

/// In the calling thread only: a private mount namespace with tracefs at `at`.
fn mount_private_tracefs(at: &str) -> Result<(), String> {
    use nix::mount::{mount, MsFlags};
    use nix::sched::{unshare, CloneFlags};
    unshare(CloneFlags::CLONE_NEWNS).map_err(|e| format!("unshare(CLONE_NEWNS): {e}"))?;
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(|e| format!("making mounts private: {e}"))?;
    mount(
        Some("nodev"),
        at,
        Some("tracefs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .map_err(|e| format!("mount tracefs: {e}"))
}

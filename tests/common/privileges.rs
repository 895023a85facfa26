//! Issue 23 item 9: what every task of a measuring process may hold. The main loop,
//! the runner, the workers and the sampler hold exactly the engine's kept set
//! (effective = permitted = bounding, nothing inheritable or ambient), the signal
//! thread CAP_SYS_NICE alone, and every one of them no_new_privs.

use netio_tui::engine::sys::{mask, ENGINE_KEEPS, SIGNAL_THREAD_KEEPS};

/// The capabilities this (test) process holds: what the program started from it has
/// to keep from (a container's root may lack some, e.g. CAP_SYS_RESOURCE).
fn had() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("CapPrm:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0)
}

/// Checks every task of `pid`; returns how many were checked, or what is wrong.
pub fn check_tasks(pid: u32) -> Result<usize, String> {
    let had = had();
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).map_err(|e| e.to_string())?;
    let mut checked = 0;
    for t in tasks.flatten() {
        let dir = t.path();
        let Ok(status) = std::fs::read_to_string(dir.join("status")) else {
            continue; // the thread ended meanwhile
        };
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let comm = comm.trim();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        };
        let want = had
            & match comm {
                "netio-signals" => mask(&SIGNAL_THREAD_KEEPS),
                // --peer: the reader of the agent's pipe keeps nothing.
                "netio-peer-rx" => 0,
                _ => mask(&ENGINE_KEEPS),
            };
        for (name, expect) in [
            ("CapEff:", want),
            ("CapPrm:", want),
            ("CapBnd:", want),
            ("CapInh:", 0),
            ("CapAmb:", 0),
            ("NoNewPrivs:", 1),
        ] {
            let got = field(name);
            if got != Some(expect) {
                return Err(format!(
                    "task {} ({comm}): {name} {got:x?}, expected {expect:x}",
                    dir.display()
                ));
            }
        }
        checked += 1;
    }
    Ok(checked)
}

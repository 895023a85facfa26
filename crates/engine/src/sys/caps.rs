//! Least privilege once the namespaces exist: the calling thread keeps only the
//! capabilities the engine still uses (see docs/measuring.md, "Privileges") in its
//! effective, permitted and bounding sets, with nothing inheritable or ambient and
//! no_new_privs set. Capabilities are per thread in Linux: threads started after the
//! drop inherit it, threads that already run must drop for themselves.
//!
//! Plain capget/capset/prctl through libc rather than a crate: four calls, and the
//! engine's FFI lives here already.

use std::io;

/// A capability: its number in the kernel and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap(pub u32, pub &'static str);

pub const CAP_DAC_OVERRIDE: Cap = Cap(1, "CAP_DAC_OVERRIDE");
pub const CAP_SETPCAP: Cap = Cap(8, "CAP_SETPCAP");
pub const CAP_NET_ADMIN: Cap = Cap(12, "CAP_NET_ADMIN");
pub const CAP_IPC_LOCK: Cap = Cap(14, "CAP_IPC_LOCK");
pub const CAP_SYS_ADMIN: Cap = Cap(21, "CAP_SYS_ADMIN");
pub const CAP_SYS_NICE: Cap = Cap(23, "CAP_SYS_NICE");
pub const CAP_SYS_RESOURCE: Cap = Cap(24, "CAP_SYS_RESOURCE");
pub const CAP_SYSLOG: Cap = Cap(34, "CAP_SYSLOG");
pub const CAP_PERFMON: Cap = Cap(38, "CAP_PERFMON");

/// What the engine still uses once its namespaces exist (docs/measuring.md,
/// "Privileges"); every other capability is dropped.
pub const ENGINE_KEEPS: [Cap; 7] = [
    // setns into the two namespaces: every worker of every configuration. It also
    // grants perf_event_open above kernel.perf_event_paranoid (per-thread and per-CPU
    // counters, the profiler), so CAP_PERFMON is not kept beside it.
    CAP_SYS_ADMIN,
    // The MTU axis: the veth's MTU set per configuration (netlink).
    CAP_NET_ADMIN,
    // /proc/kallsyms with addresses (the profiler names kernel time; read when first
    // profiling, after the drop), under kernel.kptr_restrict=1.
    CAP_SYSLOG,
    // --mlock, and the pages MSG_ZEROCOPY and io_uring's registered buffers pin,
    // beyond RLIMIT_MEMLOCK.
    CAP_IPC_LOCK,
    // Real-time priority: the sampler of each window, and raising the main loop or
    // the runner above the workers when a signal or stop arrives.
    CAP_SYS_NICE,
    // splice's pipes sized to the message beyond fs.pipe-max-size (F_SETPIPE_SZ).
    CAP_SYS_RESOURCE,
    // Exports, recordings and CSVs written into directories owned by the user who
    // ran sudo (root without it may not write there).
    CAP_DAC_OVERRIDE,
];

/// The signal thread only raises threads to real-time priority.
pub const SIGNAL_THREAD_KEEPS: [Cap; 1] = [CAP_SYS_NICE];

/// The bits of `caps`.
pub fn mask(caps: &[Cap]) -> u64 {
    caps.iter().fold(0, |m, c| m | 1u64 << c.0)
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const CAP_VERSION_3: u32 = 0x2008_0522;

fn capget() -> io::Result<[CapData; 2]> {
    let mut h = CapHeader {
        version: CAP_VERSION_3,
        pid: 0,
    };
    let mut d = [CapData::default(); 2];
    // SAFETY: version 3 takes a header and two data structs, both valid here.
    let rc = unsafe { libc::syscall(libc::SYS_capget, &mut h, d.as_mut_ptr()) };
    if rc == 0 {
        Ok(d)
    } else {
        Err(io::Error::last_os_error())
    }
}

fn capset(effective: u64, permitted: u64, inheritable: u64) -> io::Result<()> {
    let mut h = CapHeader {
        version: CAP_VERSION_3,
        pid: 0,
    };
    let half = |v: u64, i: u32| (v >> (32 * i)) as u32;
    let d = [0, 1].map(|i| CapData {
        effective: half(effective, i),
        permitted: half(permitted, i),
        inheritable: half(inheritable, i),
    });
    // SAFETY: as in capget; the kernel only reads the data.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &mut h, d.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The highest capability number this kernel knows.
fn last_cap() -> u32 {
    std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(40)
}

/// The calling thread keeps `kept` (those of them it has) and loses every other
/// capability from its effective, permitted, inheritable and bounding sets; ambient
/// ones are cleared and no_new_privs is set. Without CAP_SETPCAP (not root) the
/// bounding set cannot shrink and is left as it is; the rest still applies.
pub fn drop_capabilities(kept: &[Cap]) -> io::Result<()> {
    let keep = mask(kept);
    let now = capget()?;
    let permitted = u64::from(now[0].permitted) | u64::from(now[1].permitted) << 32;
    if permitted & (1 << CAP_SETPCAP.0) != 0 {
        for cap in 0..=last_cap() {
            if keep & (1 << cap) == 0 {
                // SAFETY: prctl with integer arguments only.
                let rc =
                    unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
                if rc != 0 {
                    let e = io::Error::last_os_error();
                    // A number this kernel does not have: nothing to drop.
                    if e.raw_os_error() != Some(libc::EINVAL) {
                        return Err(e);
                    }
                }
            }
        }
    }
    // SAFETY: prctl with integer arguments only.
    unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    let kept_now = keep & permitted;
    capset(kept_now, kept_now, 0)?;
    nix::sys::prctl::set_no_new_privs().map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_the_capability_bits() {
        assert_eq!(mask(&[CAP_DAC_OVERRIDE, CAP_SYS_ADMIN]), 0x20_0002);
        assert_eq!(mask(&[CAP_PERFMON, CAP_SYSLOG]), (1 << 38) | (1 << 34));
        assert_eq!(mask(&[]), 0);
    }

    /// In a thread of its own (capabilities are per thread): after the drop the
    /// thread has exactly what it kept of what it had, no_new_privs, and the kernel's
    /// view in /proc agrees.
    #[test]
    fn a_thread_keeps_exactly_what_it_asked_for() {
        std::thread::spawn(|| {
            let had = capget().unwrap();
            let had = u64::from(had[0].permitted) | u64::from(had[1].permitted) << 32;
            drop_capabilities(&[CAP_SYS_NICE, CAP_NET_ADMIN]).unwrap();
            let want = had & mask(&[CAP_SYS_NICE, CAP_NET_ADMIN]);
            let tid = unsafe { libc::gettid() };
            let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).unwrap();
            let field = |name: &str| {
                let v = status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap()
                    .trim();
                u64::from_str_radix(v, 16).unwrap()
            };
            assert_eq!(field("CapEff:"), want);
            assert_eq!(field("CapPrm:"), want);
            assert_eq!(field("CapInh:"), 0);
            assert_eq!(field("CapAmb:"), 0);
            if had & (1 << CAP_SETPCAP.0) != 0 {
                assert_eq!(field("CapBnd:"), mask(&[CAP_SYS_NICE, CAP_NET_ADMIN]));
            }
            assert_eq!(field("NoNewPrivs:"), 1);
        })
        .join()
        .unwrap();
    }
}

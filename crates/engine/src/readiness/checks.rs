//! Each check of [`Facts`]: what was found, ok / warn / fail, what to do, and what
//! root would add. Pure: the facts decide everything.

use super::{Check, CorePmus, Facts, Level};
use crate::counters::{GroupSpec, Metric, Pmu};
use crate::sample::Gap;

/// What to do where perf_event_open is refused, said once.
const PARANOID_ADVICE: &str = "run as root (sudo netio-tui), or let this user count: \
     sudo sysctl kernel.perf_event_paranoid=1 (until reboot), or give the binary CAP_PERFMON";

/// What to do where perf_event_open is refused even to root.
const ROOT_REFUSED_ADVICE: &str = "root was refused too: a container's seccomp filter, a security \
     module (SELinux, AppArmor) or kernel lockdown forbids perf_event_open; run outside it, or \
     allow perf_event_open";

fn refused_advice(f: &Facts) -> &'static str {
    if f.privilege.counts_anything() {
        ROOT_REFUSED_ADVICE
    } else {
        PARANOID_ADVICE
    }
}

pub(super) fn all(f: &Facts) -> Vec<Check> {
    let mut checks = vec![cpu(f), core_pmus(f)];
    checks.extend(events(f));
    checks.extend([
        paranoid(f),
        cpu_time(f),
        kernel(f),
        namespaces(f),
        zerocopy(f),
        io_uring(f),
        tracepoints(f),
        kallsyms(f),
        memlock(f),
        roofline(f),
    ]);
    checks
}

/// "0-7,16" from a CPU list.
fn cpu_ranges(cpus: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            cpus[i].to_string()
        } else {
            format!("{}-{}", cpus[i], cpus[j])
        });
        i = j + 1;
    }
    if parts.is_empty() {
        "no CPUs listed".into()
    } else {
        parts.join(",")
    }
}

fn pmu_name(p: &Pmu) -> &str {
    match p {
        Pmu::Hybrid { name, .. } => name,
        _ => "cpu",
    }
}

fn cpu(f: &Facts) -> Check {
    Check::new(
        "cpu",
        Level::Ok,
        format!("{}, {} cores ({})", f.cpu_model, f.cores, f.vendor),
    )
}

const HW_EVENTS: [Metric; 5] = [
    Metric::Cycles,
    Metric::Instructions,
    Metric::L1dMisses,
    Metric::LlcMisses,
    Metric::CacheMisses,
];

fn core_pmus(f: &Facts) -> Check {
    match &f.pmus {
        CorePmus::Missing => Check::new(
            "pmu",
            Level::Warn,
            "no core PMU (/sys/bus/event_source/devices/cpu is missing, as in most VMs): cycles, \
             instructions, L1D, LLC and cache misses show n/a; CPU time, system calls, copies and \
             the roofline multiple need no PMU and work",
        )
        .advice(
            "to count them, give the VM a virtual PMU (KVM/libvirt: <cpu mode='host-passthrough'> \
             with <pmu state='on'/>; VMware: \"virtualize CPU performance counters\") or run on \
             bare metal",
        ),
        CorePmus::One => Check::new("pmu", Level::Ok, "one core PMU (cpu)"),
        CorePmus::Hybrid(pmus) => Check::new(
            "pmu",
            Level::Ok,
            format!(
                "hybrid CPU: {}; one counter group on each, summed (as perf stat does)",
                pmus.iter()
                    .map(|(p, cpus)| format!("{} on CPUs {}", pmu_name(p), cpu_ranges(cpus)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

fn group(pmu: Pmu, m: Metric, include_kernel: bool) -> GroupSpec {
    GroupSpec {
        pmu,
        events: vec![m],
        include_kernel,
        cpu: None,
        system_wide: false,
    }
}

/// Which hardware events open on each core PMU (none tried where there is no PMU).
fn events(f: &Facts) -> Vec<Check> {
    let pmus: Vec<Pmu> = match &f.pmus {
        CorePmus::Missing => return Vec::new(),
        CorePmus::One => vec![Pmu::Core],
        CorePmus::Hybrid(p) => p.iter().map(|(p, _)| p.clone()).collect(),
    };
    pmus.into_iter()
        .map(|pmu| {
            let mut found = Vec::new();
            let (mut refused, mut user_only, mut missing) = (false, false, Vec::new());
            for m in HW_EVENTS {
                let said = match f.plan.try_open(&group(pmu.clone(), m, true)) {
                    Ok(()) => "ok".to_string(),
                    Err(e) => {
                        let errno = e.raw_os_error().unwrap_or(libc::EIO);
                        if matches!(errno, libc::EACCES | libc::EPERM) {
                            refused = true;
                            if f.plan.try_open(&group(pmu.clone(), m, false)).is_ok() {
                                user_only = true;
                                "user mode only".to_string()
                            } else {
                                "refused".to_string()
                            }
                        } else {
                            missing.push(m.event_name());
                            format!("n/a: {}", Gap::Open { errno })
                        }
                    }
                };
                found.push(format!("{} {said}", m.event_name()));
            }
            let name = format!("events:{}", pmu_name(&pmu));
            let found = found.join(", ");
            if refused {
                let why = if user_only {
                    "the kernel side, where the copies happen, is not counted for this user"
                } else {
                    "perf_event_open refused for this user"
                };
                Check::new(name, Level::Warn, format!("{found} ({why})"))
                    .advice(refused_advice(f))
                    .with_root((!f.privilege.root).then(|| {
                        "every hardware event, user + kernel (perf_event_paranoid does not apply to root)"
                            .to_string()
                    }))
            } else if !missing.is_empty() {
                let llc = missing.contains(&Metric::LlcMisses.event_name())
                    && !missing.contains(&Metric::CacheMisses.event_name());
                Check::new(name, Level::Warn, found).advice(format!(
                    "this CPU does not offer {}: those figures show n/a with the reason{}",
                    missing.join(", "),
                    if llc {
                        "; cache_misses (the generic event) stands in for LLC misses"
                    } else {
                        ""
                    }
                ))
            } else {
                Check::new(name, Level::Ok, format!("{found} (user + kernel)"))
            }
        })
        .collect()
}

fn paranoid(f: &Facts) -> Check {
    let p = &f.privilege;
    let level = f.paranoid;
    let shown = level.map_or("unreadable".to_string(), |l| l.to_string());
    let who = if p.root {
        "you are root"
    } else if p.perfmon || p.sys_admin {
        "this process has CAP_PERFMON or CAP_SYS_ADMIN"
    } else {
        "not root, no CAP_PERFMON"
    };
    let name = "perf_event_paranoid";
    if p.counts_anything() {
        return Check::new(
            name,
            Level::Ok,
            format!("{shown}; {who}: it does not apply (kernel side and --count cpu counted)"),
        );
    }
    let root_adds = Some(
        "kernel-side counts of the worker threads and --count cpu (root is not held by perf_event_paranoid)"
            .to_string(),
    );
    match level {
        Some(l) if l <= 0 => Check::new(
            name,
            Level::Ok,
            format!("{l}; {who}: user + kernel, and every task on a CPU (--count cpu)"),
        ),
        Some(1) => Check::new(
            name,
            Level::Ok,
            format!("1; {who}: user + kernel of the worker threads; --count cpu needs <= 0 or root"),
        )
        .with_root(root_adds),
        Some(2) => Check::new(
            name,
            Level::Warn,
            format!("2; {who}: user-mode events of the worker threads only, not the kernel side where copies happen"),
        )
        .advice(PARANOID_ADVICE)
        .with_root(root_adds),
        _ => Check::new(
            name,
            Level::Warn,
            format!("{shown}; {who}: perf_event_open is refused to every unprivileged user (a distribution's setting above 2)"),
        )
        .advice(PARANOID_ADVICE)
        .with_root(root_adds),
    }
}

fn status(f: &Facts, m: Metric) -> Option<&crate::sample::CounterStatus> {
    f.plan.statuses.iter().find(|s| s.metric == m.column())
}

fn cpu_time(f: &Facts) -> Check {
    match status(f, Metric::CpuTime) {
        Some(s) if s.available => Check::new(
            "cpu_time",
            Level::Ok,
            "each thread's CPU clock: CPU time per byte and the roofline multiple need no PMU",
        ),
        s => Check::new(
            "cpu_time",
            Level::Warn,
            format!(
                "the threads' CPU clock cannot be read: {}",
                s.and_then(|s| s.note.as_ref())
                    .map_or("no reason given".into(), |n| n.to_string())
            ),
        )
        .advice("CPU time per byte shows n/a; throughput is still measured"),
    }
}

fn kernel(f: &Facts) -> Check {
    let version: Vec<u32> = f
        .kernel
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .filter_map(|p| p.parse().ok())
        .collect();
    if version.len() == 2 && (version[0], version[1]) < (4, 19) {
        Check::new("kernel", Level::Warn, format!("Linux {}", f.kernel)).advice(
            "before 4.19 TCP_INFO has no tcpi_bytes_sent: segments per message show n/a; \
             a newer kernel gives every figure",
        )
    } else {
        Check::new("kernel", Level::Ok, format!("Linux {}", f.kernel))
    }
}

fn namespaces(f: &Facts) -> Check {
    let name = "namespaces";
    match &f.netns {
        Some(Ok(ms)) => Check::new(
            name,
            Level::Ok,
            format!("two network namespaces joined by veth built in {ms:.0} ms and removed again"),
        ),
        Some(Err(e)) => Check::new(
            name,
            Level::Fail,
            format!("building the private network failed: {e}"),
        )
        .advice(
            "the veth module must load (modprobe veth) and no security policy may forbid network \
                 namespaces; meanwhile netio-tui --no-netns measures over loopback",
        ),
        None => Check::new(
            name,
            Level::Fail,
            "not root: the explorer, run and sweep build two network namespaces joined by veth, \
             which needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN)",
        )
        .advice(
            "sudo netio-tui (no sudo: su -c netio-tui, or a root shell); netio-tui --no-netns \
             measures over loopback without root; replay, plot and report never need root",
        )
        .with_root(Some(
            "the private veth network the explorer measures over".into(),
        )),
    }
}

fn zerocopy(f: &Facts) -> Check {
    match &f.zerocopy {
        Ok(()) => Check::new(
            "so_zerocopy",
            Level::Ok,
            "MSG_ZEROCOPY available; over veth and loopback the kernel copies anyway (copied share \
             100 %), --topology sink shows it really zero-copy",
        ),
        Err(e) => Check::new(
            "so_zerocopy",
            Level::Warn,
            format!("SO_ZEROCOPY refused ({e}): zero-copy shows unavailable"),
        )
        .advice("MSG_ZEROCOPY needs Linux 4.14 or later; the other strategies run"),
    }
}

fn io_uring(f: &Facts) -> Check {
    let disabled = f
        .io_uring_disabled
        .map_or("not present".to_string(), |d| d.to_string());
    let said = |r: &Option<String>| r.clone().unwrap_or_else(|| "ok".into());
    let found = format!(
        "kernel.io_uring_disabled {disabled}; IORING_OP_SEND {}; IORING_OP_SEND_ZC {}",
        said(&f.uring_send),
        said(&f.uring_send_zc)
    );
    if f.uring_send.is_none() && f.uring_send_zc.is_none() {
        return Check::new("io_uring", Level::Ok, found);
    }
    let check = Check::new("io_uring", Level::Warn, found);
    match f.io_uring_disabled {
        Some(2) => check.advice(
            "io_uring is off for everyone, root too: sudo sysctl kernel.io_uring_disabled=0 to \
             measure uring and uring-zc; every other strategy runs",
        ),
        Some(1) if !f.privilege.root => check
            .advice("io_uring is for root and kernel.io_uring_group only: run as root, or sudo sysctl kernel.io_uring_disabled=0")
            .with_root(Some("the uring and uring-zc strategies (io_uring_disabled=1 allows root)".into())),
        _ if f.uring_send.is_none() => check.advice(
            "uring-zc needs IORING_OP_SEND_ZC (Linux 6.0 or later); uring and the other strategies run",
        ),
        _ => check.advice(
            "a seccomp filter (containers often have one) or the kernel refuses io_uring: run outside \
             the container or allow io_uring; the other strategies run",
        ),
    }
}

fn tracepoints(f: &Facts) -> Check {
    let ids = &f.tracepoints;
    let each = [
        (Metric::Syscalls, &ids.syscalls),
        (Metric::SkbCopies, &ids.skb_copies),
    ]
    .map(|(m, id)| {
        let status = status(f, m);
        let open = status.is_some_and(|s| s.available);
        let said = match (id, open) {
            (Ok(_), true) => "opens".to_string(),
            (Ok(_), false) => format!(
                "do not open: {}",
                status
                    .and_then(|s| s.note.as_ref())
                    .map_or("no reason given".into(), |n| n.to_string())
            ),
            (Err(e), _) => e.clone(),
        };
        (open, id.is_ok(), m.event_name(), said)
    });
    // One reason for both (tracefs unreadable, perf refused): said once.
    let found = if each[0].3 == each[1].3 {
        format!("{}, {}: {}", each[0].2, each[1].2, each[0].3)
    } else {
        each.iter()
            .map(|e| format!("{}: {}", e.2, e.3))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if each.iter().all(|e| e.0) {
        return Check::new("tracepoints", Level::Ok, found);
    }
    let root_adds = (!f.privilege.root).then(|| {
        "tracefs (mounted privately for a moment) and the evidence counters: system calls \
         (--syscalls) and receive copies per message"
            .to_string()
    });
    let advice = if each.iter().all(|e| e.1) {
        refused_advice(f).to_string()
    } else if f.privilege.root {
        "the kernel needs tracefs (CONFIG_FTRACE) with these events; without it those two \
         figures show n/a"
            .to_string()
    } else {
        "tracefs is root's here: run as root (sudo netio-tui)".to_string()
    };
    Check::new("tracepoints", Level::Warn, found)
        .advice(advice)
        .with_root(root_adds)
}

fn kallsyms(f: &Facts) -> Check {
    let restrict = f.kptr_restrict.unwrap_or(-1);
    match &f.kallsyms {
        Ok(n) => Check::new(
            "kallsyms",
            Level::Ok,
            format!("/proc/kallsyms names {n} kernel functions: --profile breaks kernel time down by function"),
        ),
        Err(e) => {
            let check = Check::new("kallsyms", Level::Warn, format!("{e} (kernel.kptr_restrict {restrict})"));
            if restrict >= 2 {
                check.advice(
                    "kptr_restrict 2 hides them from root too: sudo sysctl kernel.kptr_restrict=1 \
                     (only --profile's kernel breakdown needs them)",
                )
            } else if !f.privilege.root {
                check
                    .advice("run as root (only --profile's kernel breakdown needs them)")
                    .with_root(Some(format!(
                        "kernel function names in --profile's breakdown (kptr_restrict {restrict} shows them to root)"
                    )))
            } else {
                check.advice(
                    "the kernel hides them from root (lockdown=confidentiality?): --profile shows \
                     user vs kernel time only",
                )
            }
        }
    }
}

/// The largest message: io_uring registers a sender's whole message.
const MAX_MESSAGE: u64 = 64 << 20;

fn memlock(f: &Facts) -> Check {
    let p = &f.privilege;
    match f.memlock {
        _ if p.root || p.ipc_lock => Check::new(
            "memlock",
            Level::Ok,
            "not limited (CAP_IPC_LOCK): pinned zero-copy pages and io_uring buffers",
        ),
        None => Check::new("memlock", Level::Ok, "RLIMIT_MEMLOCK unlimited"),
        Some(b) if b >= MAX_MESSAGE => Check::new(
            "memlock",
            Level::Ok,
            format!("RLIMIT_MEMLOCK {} KiB", b >> 10),
        ),
        Some(b) => Check::new(
            "memlock",
            Level::Warn,
            format!(
                "RLIMIT_MEMLOCK {} KiB: MSG_ZEROCOPY's pinned pages and io_uring's registered \
                 message count against it; large messages or many threads retry (ENOBUFS) or fail to start",
                b >> 10
            ),
        )
        .advice("ulimit -l unlimited (or memlock in /etc/security/limits.conf), or run as root")
        .with_root(Some("no memory-lock limit (CAP_IPC_LOCK)".into())),
    }
}

fn roofline(f: &Facts) -> Check {
    let r = &f.roofline;
    let gbs = |ns: f64| if ns > 0.0 { 1.0 / ns } else { f64::NAN };
    let dram = match r.dram() {
        Ok(ns) => format!("{:.1} GB/s from DRAM ({} MiB)", gbs(ns), r.dram_bytes >> 20),
        Err(why) => format!("DRAM n/a ({why})"),
    };
    Check::new(
        "roofline",
        Level::Ok,
        format!(
            "memcpy {:.1} GB/s in cache ({} KiB), {dram}: CPU time per byte is shown as a \
             multiple of it",
            gbs(r.cache_ns_per_byte),
            r.cache_bytes >> 10,
        ),
    )
}

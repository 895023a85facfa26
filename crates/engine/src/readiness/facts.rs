//! What `doctor` learns about this machine, gathered once from the places the engine
//! itself looks (its counter plan, PMU discovery, io_uring and SO_ZEROCOPY probes,
//! tracefs, kallsyms, the roofline), so that what it says is what a run would find.
//! Tests build [`Facts`] by hand around a plan probed through a fake opener.

use crate::counters::{self, CounterPlan, Pmu, TracepointIds};
use crate::sample::Roofline;
use std::path::PathBuf;

/// The core PMUs the counters open their hardware groups on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorePmus {
    /// No core PMU driver in sysfs (`/sys/bus/event_source/devices/cpu`): most VMs.
    Missing,
    /// One core PMU (`cpu`): every core counts the same events.
    One,
    /// A hybrid CPU: each core PMU with the CPUs it covers.
    Hybrid(Vec<(Pmu, Vec<usize>)>),
}

/// The privileges that change what netio-tui may do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Privilege {
    pub root: bool,
    pub sys_admin: bool,
    pub net_admin: bool,
    pub perfmon: bool,
    pub ipc_lock: bool,
}

impl Privilege {
    /// May build the private network (what the explorer, run and sweep need).
    pub fn namespaces(&self) -> bool {
        self.root || (self.sys_admin && self.net_admin)
    }

    /// Not held back by perf_event_paranoid.
    pub fn counts_anything(&self) -> bool {
        self.root || self.perfmon || self.sys_admin
    }

    /// From the effective capability mask (`CapEff:` of /proc/self/status).
    pub fn from_caps(root: bool, cap_eff: u64) -> Privilege {
        const CAP_IPC_LOCK: u32 = 14;
        const CAP_NET_ADMIN: u32 = 12;
        const CAP_SYS_ADMIN: u32 = 21;
        const CAP_PERFMON: u32 = 38;
        let has = |c: u32| cap_eff & (1 << c) != 0;
        Privilege {
            root,
            sys_admin: has(CAP_SYS_ADMIN),
            net_admin: has(CAP_NET_ADMIN),
            perfmon: has(CAP_PERFMON),
            ipc_lock: has(CAP_IPC_LOCK),
        }
    }
}

/// Everything the checks read.
#[derive(Clone, Debug)]
pub struct Facts {
    pub cpu_model: String,
    pub vendor: String,
    pub cores: usize,
    pub pmus: CorePmus,
    /// Probed as the engine probes it, through the counter seam.
    pub plan: CounterPlan,
    /// `kernel.perf_event_paranoid`, where readable.
    pub paranoid: Option<i32>,
    pub privilege: Privilege,
    pub kernel: String,
    /// The private network built and dropped again (its setup time, ms), or why not;
    /// `None`: not tried (no privilege to try with).
    pub netns: Option<Result<f64, String>>,
    pub zerocopy: Result<(), String>,
    /// `kernel.io_uring_disabled`, where the kernel has it.
    pub io_uring_disabled: Option<i32>,
    /// Why `IORING_OP_SEND` / `IORING_OP_SEND_ZC` will not run here, if they will not.
    pub uring_send: Option<String>,
    pub uring_send_zc: Option<String>,
    pub tracepoints: TracepointIds,
    /// Kernel functions /proc/kallsyms names, or why none.
    pub kallsyms: Result<usize, String>,
    pub kptr_restrict: Option<i32>,
    /// `RLIMIT_MEMLOCK` soft limit in bytes; `None`: unlimited.
    pub memlock: Option<u64>,
    pub roofline: Roofline,
    /// Where the `perf` tool is, for the self-check.
    pub perf_tool: Option<PathBuf>,
}

fn sysctl(name: &str) -> Option<i32> {
    std::fs::read_to_string(format!("/proc/sys/kernel/{name}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn privilege() -> Privilege {
    let cap_eff = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|h| u64::from_str_radix(h.trim(), 16).ok())
        })
        .unwrap_or(0);
    Privilege::from_caps(nix::unistd::geteuid().is_root(), cap_eff)
}

/// The core PMUs in sysfs, as the counters find them.
fn core_pmus() -> CorePmus {
    let hybrid = counters::hybrid_pmus();
    if !hybrid.is_empty() {
        let cpus = counters::hybrid_pmu_cpus(&hybrid);
        return CorePmus::Hybrid(
            hybrid
                .into_iter()
                .map(|p| {
                    let on = match &p {
                        Pmu::Hybrid { name, .. } => cpus.get(name).cloned().unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    (p, on)
                })
                .collect(),
        );
    }
    if std::path::Path::new("/sys/bus/event_source/devices/cpu").exists() {
        CorePmus::One
    } else {
        CorePmus::Missing
    }
}

/// The first executable `perf` on `PATH`-like `dirs`.
fn find_perf() -> Option<PathBuf> {
    ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|d| PathBuf::from(d).join("perf"))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The memory-lock limit (soft), `None` when unlimited.
fn memlock() -> Option<u64> {
    use nix::sys::resource::{getrlimit, Resource, RLIM_INFINITY};
    match getrlimit(Resource::RLIMIT_MEMLOCK) {
        Ok((soft, _)) if soft == RLIM_INFINITY => None,
        Ok((soft, _)) => Some(soft),
        Err(_) => None,
    }
}

impl Facts {
    /// This machine, as this user sees it. Builds the private network for a moment
    /// where the privilege allows (anonymous namespaces: nothing is left behind).
    pub fn gather() -> Facts {
        let vendor = crate::machine::cpu_vendor();
        let plan = CounterPlan::probe(&vendor);
        let info = crate::machine::describe("", &plan);
        let privilege = privilege();
        let netns = privilege.namespaces().then(|| {
            crate::netns::NetnsPair::create()
                .map(|pair| pair.setup_time.as_secs_f64() * 1e3)
                .map_err(|e| e.to_string())
        });
        Facts {
            cpu_model: info.cpu_model,
            vendor,
            cores: info.cores,
            pmus: core_pmus(),
            plan,
            paranoid: sysctl("perf_event_paranoid"),
            privilege,
            kernel: info.kernel,
            netns,
            zerocopy: crate::engine::probe_zerocopy().map_err(|e| e.to_string()),
            io_uring_disabled: sysctl("io_uring_disabled"),
            uring_send: crate::sys::probe_uring(false),
            uring_send_zc: crate::sys::probe_uring(true),
            tracepoints: counters::tracepoint_ids().clone(),
            kallsyms: crate::profile::kallsyms()
                .as_ref()
                .map(|k| k.len())
                .map_err(Clone::clone),
            kptr_restrict: sysctl("kptr_restrict"),
            memlock: memlock(),
            roofline: crate::machine::measure_roofline(),
            perf_tool: find_perf(),
        }
    }
}

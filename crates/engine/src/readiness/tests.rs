//! Fake machines through the counter seam (a scripted perf_event_open): each gives
//! the right ok / warn / fail and advice.

use super::*;
use crate::counters::{CounterPlan, GroupSpec, OpenFn, Pmu, RawGroup, RawReading, TracepointIds};
use crate::sample::Roofline;
use std::io;
use std::sync::Arc;

struct FakeGroup(usize);

impl RawGroup for FakeGroup {
    fn enable(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn read(&mut self) -> io::Result<RawReading> {
        Ok(RawReading {
            enabled: 1000,
            running: 1000,
            values: vec![7; self.0],
        })
    }
}

/// An opener that answers each spec with `script`'s errno, or a group that counts.
fn opener(script: impl Fn(&GroupSpec) -> Option<i32> + Send + Sync + 'static) -> OpenFn {
    Arc::new(move |spec: &GroupSpec| match script(spec) {
        Some(errno) => Err(io::Error::from_raw_os_error(errno)),
        None => Ok(Box::new(FakeGroup(spec.events.len().max(8))) as Box<dyn RawGroup>),
    })
}

fn hybrid() -> Vec<Pmu> {
    vec![
        Pmu::Hybrid {
            name: "cpu_core".into(),
            type_id: 4,
        },
        Pmu::Hybrid {
            name: "cpu_atom".into(),
            type_id: 10,
        },
    ]
}

/// A healthy single-PMU machine, as root.
fn machine(pmus: CorePmus, open: OpenFn) -> Facts {
    let hybrid: Vec<Pmu> = match &pmus {
        CorePmus::Hybrid(p) => p.iter().map(|(p, _)| p.clone()).collect(),
        _ => Vec::new(),
    };
    Facts {
        cpu_model: "Test CPU".into(),
        vendor: "GenuineIntel".into(),
        cores: 16,
        pmus,
        plan: CounterPlan::probe_with("GenuineIntel", &hybrid, open),
        paranoid: Some(2),
        privilege: Privilege::from_caps(true, u64::MAX),
        kernel: "6.8.0-45-generic".into(),
        netns: Some(Ok(42.0)),
        zerocopy: Ok(()),
        io_uring_disabled: Some(0),
        uring_send: None,
        uring_send_zc: None,
        tracepoints: TracepointIds {
            syscalls: Ok(21),
            skb_copies: Ok(1450),
        },
        kallsyms: Ok(150_000),
        kptr_restrict: Some(0),
        memlock: Some(8 << 20),
        roofline: Roofline {
            cache_bytes: 64 << 10,
            cache_ns_per_byte: 0.05,
            dram_bytes: 64 << 20,
            dram_ns_per_byte: 0.1,
            cache_slow_ns_per_byte: Some(0.8),
            slow_distance: Some(16),
            dram_unmeasured: None,
        },
        perf_tool: None,
    }
}

fn nobody(f: &mut Facts) {
    f.privilege = Privilege::from_caps(false, 0);
    f.netns = None;
}

fn assess(f: &Facts) -> Readiness {
    Readiness::assess(f, run_self_check(f, 0.1))
}

fn level(r: &Readiness, name: &str) -> Level {
    r.check(name)
        .unwrap_or_else(|| panic!("no check {name}: {:?}", r.checks))
        .level
}

fn advice<'a>(r: &'a Readiness, name: &str) -> &'a str {
    r.check(name).unwrap().advice.as_deref().unwrap_or("")
}

#[test]
fn a_hybrid_cpu_shows_both_core_pmus_and_their_events() {
    let pmus = CorePmus::Hybrid(
        hybrid()
            .into_iter()
            .zip([(0..8).collect(), (8..16).collect()])
            .collect(),
    );
    // The E-cores have no LLC-load-misses event.
    let open = opener(|s| {
        (matches!(&s.pmu, Pmu::Hybrid { name, .. } if name == "cpu_atom")
            && s.events.contains(&crate::counters::Metric::LlcMisses))
        .then_some(libc::ENOENT)
    });
    let r = assess(&machine(pmus, open));
    let pmu = r.check("pmu").unwrap();
    assert_eq!(pmu.level, Level::Ok);
    assert!(
        pmu.found.contains("cpu_core on CPUs 0-7") && pmu.found.contains("cpu_atom on CPUs 8-15"),
        "{pmu:?}"
    );
    assert_eq!(level(&r, "events:cpu_core"), Level::Ok);
    assert_eq!(level(&r, "events:cpu_atom"), Level::Warn);
    let atom = r.check("events:cpu_atom").unwrap();
    assert!(atom.found.contains("LLC-load-misses n/a"), "{atom:?}");
    assert!(
        advice(&r, "events:cpu_atom").contains("cache_misses"),
        "{atom:?}"
    );
    assert!(r.explorer_can_run);
    assert!(r.root_would_add().is_empty(), "root already");
}

#[test]
fn a_pmu_less_vm_warns_once_and_still_runs() {
    // Hardware events: ENOENT, as this VM answers.
    let open = opener(|s| s.pmu.is_hardware().then_some(libc::ENOENT));
    let r = assess(&machine(CorePmus::Missing, open));
    assert_eq!(level(&r, "pmu"), Level::Warn);
    assert!(
        advice(&r, "pmu").contains("virtual PMU"),
        "{:?}",
        r.check("pmu")
    );
    assert!(r.checks.iter().all(|c| !c.name.starts_with("events:")));
    assert_eq!(level(&r, "cpu_time"), Level::Ok);
    assert_eq!(
        level(&r, "self-check"),
        Level::Warn,
        "perf is not installed here"
    );
    assert!(advice(&r, "self-check").contains("install perf"));
    assert!(r.explorer_can_run);
}

#[test]
fn paranoid_4_without_root_refuses_counters_and_says_what_root_adds() {
    let open = opener(|s| s.is_perf().then_some(libc::EACCES));
    let mut f = machine(CorePmus::One, open);
    f.paranoid = Some(4);
    nobody(&mut f);
    let r = assess(&f);
    let p = r.check("perf_event_paranoid").unwrap();
    assert_eq!(p.level, Level::Warn);
    assert!(
        p.found.starts_with("4;") && p.found.contains("refused"),
        "{p:?}"
    );
    assert!(advice(&r, "perf_event_paranoid").contains("sysctl kernel.perf_event_paranoid=1"));
    assert_eq!(level(&r, "events:cpu"), Level::Warn);
    assert!(r
        .check("events:cpu")
        .unwrap()
        .found
        .contains("cycles refused"));
    assert_eq!(level(&r, "tracepoints"), Level::Warn);
    // Not root: the explorer's network cannot be built; doctor says so and how.
    assert_eq!(level(&r, "namespaces"), Level::Fail);
    assert!(advice(&r, "namespaces").contains("sudo netio-tui"));
    assert!(advice(&r, "namespaces").contains("--no-netns"));
    assert!(!r.explorer_can_run);
    // The engine's messages point at the doctor; the doctor does not point at itself.
    assert!(
        r.checks
            .iter()
            .all(|c| !c.found.contains("netio-tui doctor")),
        "{:?}",
        r.checks
    );
    let adds: Vec<&str> = r.root_would_add().iter().map(|a| a.0).collect();
    for name in ["events:cpu", "perf_event_paranoid", "namespaces", "memlock"] {
        assert!(adds.contains(&name), "root adds {name}: {adds:?}");
    }
}

#[test]
fn paranoid_2_counts_user_mode_only_and_1_is_fine() {
    let open = opener(|s| (s.is_perf() && s.include_kernel).then_some(libc::EACCES));
    let mut f = machine(CorePmus::One, open);
    nobody(&mut f);
    let r = assess(&f);
    assert_eq!(level(&r, "perf_event_paranoid"), Level::Warn);
    assert!(r
        .check("events:cpu")
        .unwrap()
        .found
        .contains("cycles user mode only"));
    f.paranoid = Some(1);
    assert_eq!(
        level(&assess(&f), "perf_event_paranoid"),
        Level::Ok,
        "paranoid 1 counts the kernel side of our threads"
    );
}

#[test]
fn io_uring_disabled_is_a_warning_with_the_sysctl() {
    let mut f = machine(CorePmus::One, opener(|_| None));
    f.io_uring_disabled = Some(2);
    f.uring_send = Some("io_uring disabled (kernel.io_uring_disabled=2): EPERM".into());
    f.uring_send_zc = f.uring_send.clone();
    let r = assess(&f);
    assert_eq!(level(&r, "io_uring"), Level::Warn);
    assert!(advice(&r, "io_uring").contains("sysctl kernel.io_uring_disabled=0"));
    assert!(r.explorer_can_run, "the other strategies run");
    // 1: root may, so a user is told what root adds.
    f.io_uring_disabled = Some(1);
    nobody(&mut f);
    let r = assess(&f);
    assert!(r.check("io_uring").unwrap().with_root.is_some());
    // An old kernel without SEND_ZC: only uring-zc is missing.
    let mut f = machine(CorePmus::One, opener(|_| None));
    f.uring_send_zc = Some("this kernel's io_uring has no IORING_OP_SEND_ZC".into());
    assert!(advice(&assess(&f), "io_uring").contains("Linux 6.0"));
}

#[test]
fn kallsyms_hidden_says_how_to_show_them() {
    let mut f = machine(CorePmus::One, opener(|_| None));
    f.kallsyms = Err("/proc/kallsyms shows no kernel addresses".into());
    f.kptr_restrict = Some(2);
    let r = assess(&f);
    assert_eq!(level(&r, "kallsyms"), Level::Warn);
    assert!(advice(&r, "kallsyms").contains("kptr_restrict=1"));
    f.kptr_restrict = Some(1);
    nobody(&mut f);
    let r = assess(&f);
    assert!(advice(&r, "kallsyms").contains("run as root"));
    assert!(r.check("kallsyms").unwrap().with_root.is_some());
}

#[test]
fn a_healthy_root_machine_is_all_ok() {
    let r = assess(&machine(CorePmus::One, opener(|_| None)));
    let not_ok: Vec<&Check> = r
        .checks
        .iter()
        .filter(|c| c.level != Level::Ok && c.name != "self-check")
        .collect();
    assert!(not_ok.is_empty(), "{not_ok:?}");
    assert!(r.explorer_can_run);
    // A network that cannot be built fails even as root.
    let mut f = machine(CorePmus::One, opener(|_| None));
    f.netns = Some(Err("creating veth: Operation not supported".into()));
    assert!(!assess(&f).explorer_can_run);
}

#[test]
fn perf_stat_output_is_read_and_hybrid_pmus_summed() {
    let hybrid = "2001.50,msec,task-clock,2001500000,100.00,0.999,CPUs utilized\n\
                  3000000000,,cpu_core/cycles/,1500000000,100.00,,\n\
                  1000000000,,cpu_atom/cycles/,500000000,100.00,,\n";
    let p = parse_perf_stat(hybrid);
    assert_eq!(p.task_clock_ns, Some(2001.5e6));
    assert_eq!(p.cycles, Some(4e9));
    let vm = "1999.10,msec,task-clock:u,1999100000,100.00,1.0,CPUs utilized\n\
              <not supported>,,cycles:u,0,100.00,,\n";
    let p = parse_perf_stat(vm);
    assert_eq!(p.task_clock_ns, Some(1999.1e6));
    assert_eq!(p.cycles, None);
    assert_eq!(p.cycles_note.as_deref(), Some("<not supported>"));
    let s = SelfCheck {
        cpu_ns: Some(2_000_000_000),
        cycles: None,
        perf: p,
    };
    let c = s.verdict(Some("no hardware performance counters"));
    assert_eq!(c.level, Level::Ok, "{c:?}");
    assert!(
        c.found.contains("cycles not compared: no hardware"),
        "{c:?}"
    );
    // Far apart: a warning, with what to do.
    let s = SelfCheck {
        cpu_ns: Some(1_000_000_000),
        cycles: Some(4_000_000_000),
        perf: parse_perf_stat(hybrid),
    };
    let c = s.verdict(None);
    assert_eq!(c.level, Level::Warn, "{c:?}");
    assert!(c.advice.unwrap().contains("doctor --json"));
}

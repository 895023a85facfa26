use super::*;
use crate::config::{Config, Strategy};
use crate::sample::{Counts, ZcStats};

#[test]
fn names_are_unique_and_the_contract_comes_first() {
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate metric names");
}

#[test]
fn the_typed_handles_are_the_registry() {
    let ids: Vec<&str> = id::ALL.iter().map(|i| i.name()).collect();
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    assert_eq!(
        ids, names,
        "id::ALL and METRICS list the same metrics in order"
    );
    for i in id::ALL {
        assert_eq!(i.def().id(), *i);
    }
    for b in crate::profile::Bucket::ALL {
        for sender in [true, false] {
            let d = id::bucket(sender, b).def();
            let side = if sender { "tx" } else { "rx" };
            assert_eq!(d.name, format!("{side}_{}_ns_per_byte", b.name()));
        }
    }
    assert_eq!(id::sampled(true).name(), "tx_sampled_ns_per_byte");
    assert_eq!(id::sampled(false).name(), "rx_sampled_ns_per_byte");
}

#[test]
fn values_from_a_window() {
    let m = Measured {
        rtt: None,
        fixed_messages: None,
        memcpy_ns_per_byte: None,
        seconds: 2.0,
        bytes: 1_000_000_000,
        messages: 1000,
        tx: Counts {
            cycles: Some(3_000_000_000),
            cpu_ns: Some(1_500_000_000),
            ..Default::default()
        },
        rx: Counts {
            cycles: Some(1_000_000_000),
            cpu_ns: Some(500_000_000),
            ..Default::default()
        },
        both: None,
        zc: Some(ZcStats {
            completions: 4,
            copied: 3,
            ..Default::default()
        }),
        rx_zc: Some(crate::sample::RxZcStats {
            mapped: 3 << 20,
            copied: 1 << 20,
        }),
        profile: None,
        // 2 s on 4 CPUs: 5 s ran, 2 s of it ours (the workers' clocks), 0.4 s stolen.
        noise: Some(crate::sample::Noise {
            wall_ns: 2_000_000_000,
            capacity_ns: 8_000_000_000,
            busy_ns: 5_000_000_000,
            ours_ns: 2_000_000_000,
            steal_ns: 400_000_000,
        }),
    };
    let c = Config::new(Strategy::OneCopy, 1_000_000, 2);
    let v = |n: &str| find(METRICS, n).unwrap().of(&c, &m);
    assert_eq!(v("throughput_gbps"), Some(4.0));
    assert_eq!(v("other_busy_pct"), Some(37.5));
    assert_eq!(v("steal_pct"), Some(5.0));
    assert_eq!(v("noise_cpus"), Some(1.7));
    assert!(m.noise_note().unwrap().starts_with(
        "the machine was 42 % busy with other work: 1.70 of its 4 CPUs, 5 % stolen by the hypervisor;"
    ));
    let quiet = Measured {
        noise: None,
        ..m.clone()
    };
    assert_eq!(
        find(METRICS, "other_busy_pct").unwrap().of(&c, &quiet),
        None
    );
    // Zero-copy receive figures apply to --recv zerocopy only.
    assert_eq!(v("rx_mapped_pct"), None);
    let zr = Config {
        recv: crate::config::RecvMode::ZeroCopy,
        ..c
    };
    let of = |n: &str| find(METRICS, n).unwrap().of(&zr, &m);
    assert_eq!(of("rx_mapped_pct"), Some(75.0));
    assert_eq!(of("rx_copied_bytes"), Some((1 << 20) as f64));
    assert_eq!(v("latency_us"), Some(4000.0));
    assert_eq!(v("cycles_per_byte"), Some(4.0));
    assert_eq!(v("cpu_ns_per_byte"), Some(2.0));
    assert_eq!(v("tx_cpu_pct"), Some(75.0));
    assert_eq!(v("llc_misses"), None);
    // Zero-copy figures apply to zero-copy only.
    assert_eq!(v("zc_copied_pct"), None);
    let z = Config::new(Strategy::ZeroCopy, 1_000_000, 2);
    assert_eq!(
        find(METRICS, "zc_copied_pct").unwrap().of(&z, &m),
        Some(75.0)
    );
    // --count cpu on CPUs both sides share: the sums hold them, per-side figures
    // are n/a rather than the other CPUs' part.
    let shared = Measured {
        both: Some(Counts {
            cycles: Some(4_000_000_000),
            cpu_ns: Some(2_000_000_000),
            syscalls: Some(5000),
            skb_copies: Some(1000),
            user_ns: Some(1_000_000_000),
            ..Default::default()
        }),
        ..m.clone()
    };
    let s = |n: &str| find(METRICS, n).unwrap().of(&c, &shared);
    assert_eq!(s("cycles_per_byte"), Some(8.0));
    assert_eq!(s("cpu_ns_per_byte"), Some(4.0));
    for per_side in METRICS.iter().filter(|d| d.per_side) {
        assert_eq!(per_side.of(&c, &shared), None, "{}", per_side.name);
    }
    for name in [
        "tx_cycles",
        "rx_cycles",
        "tx_cpu_ns",
        "rx_cpu_ns",
        "tx_cpu_pct",
        "tx_syscalls_per_msg",
        "rx_syscalls_per_msg",
        "rx_copies_per_msg",
        "tx_user_pct",
        "rx_user_pct",
    ] {
        assert!(find(METRICS, name).unwrap().per_side, "{name}");
    }
    // Every figure that reads one side's counters is marked: a window whose sides
    // differ but whose sum is the same must not change any unmarked figure
    // except through the sum.
    let side = |k: u64| Counts {
        cycles: Some(k * 3),
        instructions: Some(k * 5),
        l1d_misses: Some(k * 7),
        llc_misses: Some(k * 11),
        cache_misses: Some(k * 13),
        context_switches: Some(k * 17),
        cpu_ns: Some(k * 19),
        user_ns: Some(k * 2),
        syscalls: Some(k * 23),
        skb_copies: Some(k * 29),
        ..Default::default()
    };
    let rich = Measured {
        tx: side(1000),
        rx: side(7000),
        ..m.clone()
    };
    let moved = Measured {
        tx: rich.rx,
        rx: rich.tx,
        ..rich.clone()
    };
    for d in METRICS.iter().filter(|d| !d.per_side) {
        assert_eq!(
            d.of(&c, &moved),
            d.of(&c, &rich),
            "{} reads one side",
            d.name
        );
    }
}

#[test]
fn with_a_peer_a_counted_figure_says_which_host_cannot_count_it() {
    use crate::sample::{CounterStatus, MachineInfo, PeerMachine};
    let cycles = |available: bool, note: &str| CounterStatus {
        metric: "cycles".into(),
        event: "cycles".into(),
        available,
        note: (!available).then(|| note.into()),
    };
    let far = MachineInfo {
        counters: vec![cycles(false, "perf_event_open refused (Permission denied)")],
        ..Default::default()
    };
    let mut here = MachineInfo {
        counters: vec![cycles(true, "")],
        peer: Some(Box::new(PeerMachine {
            host: "lab".into(),
            machine: far,
        })),
        ..Default::default()
    };
    let m = super::find(METRICS, "cycles").unwrap();
    assert_eq!(
        m.unavailable(&here).as_deref(),
        Some("on the peer lab: perf_event_open refused (Permission denied)")
    );
    // Each side's figure needs both hosts too (join leaves both sides' n/a).
    let tx = super::find(METRICS, "tx_cycles").unwrap();
    assert!(tx
        .unavailable(&here)
        .unwrap()
        .starts_with("on the peer lab: "));
    // A figure that needs no counter is not the far host's to refuse.
    assert!(super::find(METRICS, "throughput_gbps")
        .unwrap()
        .available(&here));
    // This host's own reason comes first.
    here.counters = vec![cycles(false, "no PMU")];
    assert_eq!(m.unavailable(&here).as_deref(), Some("no PMU"));
}

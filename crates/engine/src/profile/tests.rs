//! The profile without a PMU: symbols, attribution to sides, top functions, windows.

use super::probe::{attribute, Record};
use super::top::FunctionTally;
use super::*;
use std::collections::HashMap;

const TEXT: &str = "\
0000000000000000 D __per_cpu_start
ffffffff81baee30 T _copy_to_iter
ffffffff81bae760 T _copy_from_iter
ffffffff81c00000 t tcp_sendmsg_locked
ffffffff81d00000 T __schedule
ffffffffc0001000 t veth_xmit\t[veth]
";

#[test]
fn kallsyms_names_addresses_by_the_nearest_symbol_below() {
    let k = Kallsyms::parse(TEXT).unwrap();
    assert_eq!(k.len(), 5);
    let name = |a| k.lookup(a).map(|i| k.name(i).to_string());
    assert_eq!(name(0xffffffff81baee30).as_deref(), Some("_copy_to_iter"));
    assert_eq!(name(0xffffffff81baee90).as_deref(), Some("_copy_to_iter"));
    assert_eq!(name(0xffffffff81bae800).as_deref(), Some("_copy_from_iter"));
    assert_eq!(name(0xffffffffc0001010).as_deref(), Some("veth_xmit"));
    assert_eq!(name(0x1000), None);
    let mut c = Classifier::new(None);
    assert_eq!(c.kernel(0xffffffff81baee90), (Bucket::Kernel, None));
}

/// A window with no samples yet, on the CPU clock.
fn empty_profile() -> Profile {
    Profile {
        clock: Clock::CpuClock,
        unresolved: false,
        tx: SideProfile::default(),
        rx: SideProfile::default(),
    }
}

#[test]
fn per_cpu_samples_go_to_their_threads_side_and_others_are_dropped() {
    let sides = HashMap::from([(10, Side::Tx), (11, Side::Rx)]);
    let mut p = empty_profile();
    let mut f = FunctionTally::default();
    let sample = |tid, bucket| Record::Sample {
        tid,
        bucket,
        symbol: None,
        period: 500,
    };
    attribute(&sides, &mut p, &mut f, sample(10, Bucket::Copy));
    attribute(&sides, &mut p, &mut f, sample(11, Bucket::Tcp));
    attribute(&sides, &mut p, &mut f, sample(11, Bucket::Tcp));
    // Another process's thread, the sampler thread, the idle task.
    attribute(&sides, &mut p, &mut f, sample(999, Bucket::Copy));
    attribute(&sides, &mut p, &mut f, sample(0, Bucket::Sched));
    attribute(&sides, &mut p, &mut f, Record::Lost(3));
    assert_eq!(p.tx.weight[Bucket::Copy.index()], 500);
    assert_eq!(p.tx.total_weight(), 500);
    assert_eq!(p.rx.weight[Bucket::Tcp.index()], 1000);
    assert_eq!(p.rx.total_weight(), 1000);
    assert_eq!((p.tx.lost, p.rx.lost), (3, 0));
    assert_eq!(f.samples, [1, 2]);
}

#[test]
fn the_top_functions_are_counted_per_side_most_first_and_restart_with_the_window() {
    let syms: &'static Kallsyms = Box::leak(Box::new(Kallsyms::parse(TEXT).unwrap()));
    let mut classify = Classifier::new(Some(syms));
    let sides = HashMap::from([(10, Side::Tx), (11, Side::Rx)]);
    let mut p = empty_profile();
    let mut f = FunctionTally::default();
    let mut at = |tid: u32, ip: u64, user: bool, f: &mut FunctionTally| {
        let (bucket, symbol) = if user {
            (Bucket::User, None)
        } else {
            classify.kernel(ip)
        };
        let r = Record::Sample {
            tid,
            bucket,
            symbol,
            period: 500,
        };
        attribute(&sides, &mut p, f, r);
    };
    // Sender: 3 in _copy_from_iter, 1 in tcp_sendmsg_locked, 1 in user space.
    for _ in 0..3 {
        at(10, 0xffffffff81bae800, false, &mut f);
    }
    at(10, 0xffffffff81c00010, false, &mut f);
    at(10, 0x401000, true, &mut f);
    // Receiver: _copy_to_iter and veth_xmit once each; another thread's sample dropped.
    at(11, 0xffffffff81baee40, false, &mut f);
    at(11, 0xffffffffc0001010, false, &mut f);
    at(12, 0xffffffff81d00000, false, &mut f);
    let top = f.top(TOP_FUNCTIONS, &mut classify);
    assert_eq!(top.tx.samples, 5);
    let tx: Vec<(&str, Bucket, u64)> = top
        .tx
        .functions
        .iter()
        .map(|x| (x.name.as_str(), x.bucket, x.samples))
        .collect();
    assert_eq!(
        tx,
        [
            ("_copy_from_iter", Bucket::Copy, 3),
            ("tcp_sendmsg_locked", Bucket::Tcp, 1)
        ]
    );
    assert_eq!(top.tx.pct(&top.tx.functions[0]), Some(60.0));
    // Ties in name order.
    let rx: Vec<&str> = top.rx.functions.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(rx, ["_copy_to_iter", "veth_xmit"]);
    assert_eq!(f.top(1, &mut classify).tx.functions.len(), 1);
    f.clear();
    assert_eq!(f.top(TOP_FUNCTIONS, &mut classify), TopFunctions::default());
}

#[test]
fn hidden_addresses_are_said_not_guessed() {
    let hidden = "0000000000000000 T _copy_to_iter\n0000000000000000 T tcp_ack\n";
    let e = Kallsyms::parse(hidden).err().unwrap();
    assert!(e.contains("kptr_restrict"), "{e}");
    assert!(e.ends_with("netio-tui doctor says what to do"), "{e}");
}

#[test]
fn windows_subtract_and_add() {
    let mut a = SideProfile::default();
    a.add(Bucket::Copy, 500);
    a.add(Bucket::Tcp, 500);
    let mut b = a;
    b.add(Bucket::Copy, 500);
    b.add(Bucket::Copy, 500);
    let d = b.minus(&a);
    assert_eq!(d.samples[Bucket::Copy.index()], 2);
    assert_eq!(d.total_weight(), 1000);
    assert_eq!(d.pct(Bucket::Copy), Some(100.0));
    assert_eq!(a.plus(&d).total_weight(), b.total_weight());
    // On cycles the shares scale the side's task-clock.
    assert_eq!(a.ns(Clock::Cycles, Bucket::Copy, Some(4000)), Some(2000.0));
    assert_eq!(a.ns(Clock::CpuClock, Bucket::Copy, None), Some(500.0));
    assert_eq!(a.ns(Clock::Cycles, Bucket::Copy, None), None);
}

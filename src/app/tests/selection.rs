//! The keys that choose the configuration: strategy, size, threads and the axes.

use super::*;
use crate::engine::axis;

#[test]
fn strategy_keys_cycle_and_ask_for_the_new_config() {
    let mut a = app();
    let fx = a.update(Action::NextStrategy);
    let want = Config::new(Strategy::ZeroCopy, 4096, 1);
    assert_eq!(fx, vec![Effect::Control(Control::SetConfig(want))]);
    assert_eq!(a.selected, want);
    assert_eq!(a.phase, Phase::Switching);
    a.update(Action::NextStrategy);
    assert_eq!(a.selected.strategy, Strategy::Serialize);
    a.update(Action::PrevStrategy);
    let fx = a.update(Action::PrevStrategy);
    assert_eq!(
        fx,
        vec![Effect::Control(Control::SetConfig(Config::new(
            Strategy::OneCopy,
            4096,
            1
        )))]
    );
    // ← from one-copy is two-copy: the course's A1 → A2 → A3 first (issue 22 item 7).
    a.update(Action::PrevStrategy);
    assert_eq!(a.selected.strategy, Strategy::TwoCopy);
}

#[test]
fn size_keys_step_through_presets_and_stop_at_the_ends() {
    let mut a = app();
    a.update(Action::LargerSize);
    assert_eq!(a.selected.msg_size, 8192);
    a.update(Action::SmallerSize);
    a.update(Action::SmallerSize);
    assert_eq!(a.selected.msg_size, 2048);
    a.selected.msg_size = 1500;
    a.update(Action::LargerSize);
    assert_eq!(a.selected.msg_size, 2048);
    a.selected.msg_size = 1500;
    a.update(Action::SmallerSize);
    assert_eq!(a.selected.msg_size, 1024);
    a.selected.msg_size = 64;
    assert_eq!(a.update(Action::SmallerSize), vec![]);
    assert_eq!(a.selected.msg_size, 64);
    assert!(a.status.as_ref().unwrap().text.contains("limit"));
    a.selected.msg_size = 1 << 20;
    assert_eq!(a.update(Action::LargerSize), vec![]);
    assert_eq!(a.selected.msg_size, 1 << 20);
}

#[test]
fn thread_keys_stay_within_one_and_the_core_based_max() {
    let mut a = app();
    assert_eq!(a.max_threads, 8, "max(8, 4 × 2 cores)");
    assert_eq!(a.update(Action::FewerThreads), vec![]);
    assert_eq!(a.selected.threads, 1);
    for _ in 0..20 {
        a.update(Action::MoreThreads);
    }
    assert_eq!(a.selected.threads, 8);
    let fx = a.update(Action::FewerThreads);
    assert_eq!(
        fx,
        vec![Effect::Control(Control::SetConfig(Config::new(
            Strategy::OneCopy,
            4096,
            7
        )))]
    );
    let big = App::new(
        MachineInfo {
            cores: 16,
            ..machine()
        },
        live(),
        START,
        2.0,
    );
    assert_eq!(big.max_threads, 64);
}

#[test]
fn a_cycles_counting_and_never_leaves_count_cpu_unpinned() {
    use crate::engine::config::{Count, Pin};
    let mut a = app();
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Off, Count::Thread)
    );
    // From pin off, count cpu pins split (each side its own CPUs) and says so.
    let fx = a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Split, Count::Cpu));
    assert!(matches!(&fx[..], [Effect::Control(Control::SetConfig(c))] if c.count == Count::Cpu));
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("pin was off, now split"), "{said}");
    // Pinning kept when already pinned.
    a.update(Action::NextAxis(&axis::PIN));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Pair, Count::Cpu));
    // Pinning off takes counting back to threads, and says so.
    a.update(Action::NextAxis(&axis::PIN));
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Off, Count::Thread)
    );
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("count back to thread"), "{said}");
    a.update(Action::NextAxis(&axis::PIN));
    a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!((a.selected.pin, a.selected.count), (Pin::Split, Count::Cpu));
    assert!(!a.status.clone().unwrap().text.contains("now split"));
    a.update(Action::NextAxis(&axis::COUNT));
    assert_eq!(
        (a.selected.pin, a.selected.count),
        (Pin::Split, Count::Thread)
    );
    // The key is on screen.
    assert!(on_key_line("a", "count"));
    // Replay: the recording decides.
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert!(r.update(Action::NextAxis(&axis::COUNT)).is_empty());
    assert_eq!(r.selected.count, Count::Thread);
}

#[test]
fn buffers_key_steps_through_the_placements_and_says_what_each_means() {
    use crate::engine::config::BufOffset;
    let mut a = App::new(machine(), live(), START, 2.0);
    assert_eq!(a.selected.buf_offset, BufOffset::DEFAULT);
    let fx = a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Heap);
    assert!(
        matches!(&fx[..], [Effect::Control(Control::SetConfig(c))] if c.buf_offset == BufOffset::Heap)
    );
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("where malloc puts them"), "{said}");
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Page(0));
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::Page(16));
    let said = a.status.clone().unwrap().text;
    assert!(said.contains("starts 16 bytes into a page"), "{said}");
    a.update(Action::NextAxis(&axis::BUF_OFFSET));
    assert_eq!(a.selected.buf_offset, BufOffset::DEFAULT);
    assert!(on_key_line("b", "buffers"));
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert!(r.update(Action::NextAxis(&axis::BUF_OFFSET)).is_empty());
}

fn on_key_line(caps: &str, word: &str) -> bool {
    crate::app::keys::key_line(false)
        .iter()
        .any(|l| l.caps == caps && l.word == word)
}

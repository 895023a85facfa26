//! The noise sentinel through the binary: `run` measures the machine's other work
//! and steal as shares of its capacity, and a window taken while this test keeps
//! every CPU busy is marked on `run`'s line.

mod common;

use common::{root_or_skip, serial, BIN};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

/// Spinning threads of this process (other work to the binary's engine), stopped
/// and joined when dropped, so a failing assertion leaves no spinner behind.
struct Spinners {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Spinners {
    fn start(n: usize) -> Spinners {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..n)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        Spinners { stop, threads }
    }
}

impl Drop for Spinners {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn share(j: &serde_json::Value, name: &str) -> f64 {
    let v = j[name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name} is not measured: {j}"));
    assert!((0.0..=100.0).contains(&v), "{name} = {v}: {j}");
    v
}

#[test]
fn other_work_is_measured_and_a_busy_machine_is_said() {
    let _serial = serial();
    if !root_or_skip("other_work_is_measured_and_a_busy_machine_is_said") {
        return;
    }
    let j = common::run_json(&["--duration", "0.5"]);
    share(&j, "other_busy_pct");
    share(&j, "steal_pct");
    assert!(j["noise_cpus"].as_f64().is_some_and(|c| c >= 0.0), "{j}");

    // One spinner per CPU: with the sender and receiver they share the CPUs about
    // evenly, so other work takes about cpus × n / (n + 2) CPUs, 1 on 2 CPUs. The
    // machine's other load only adds to it.
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let spinners = Spinners::start(cpus);
    let busy = common::run_json(&["--duration", "0.5"]);
    let out = std::process::Command::new(BIN)
        .args(["run", "--duration", "0.5"])
        .output()
        .unwrap();
    drop(spinners);
    let other = share(&busy, "other_busy_pct");
    let worth = busy["noise_cpus"].as_f64().unwrap();
    assert!(
        worth >= 0.5 && other >= 50.0 / cpus as f64 * 0.5,
        "spinners on every CPU, yet other work {other} % = {worth} CPUs: {busy}"
    );
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("% busy with other work: "),
        "no noise note on run's line: {text}"
    );
}

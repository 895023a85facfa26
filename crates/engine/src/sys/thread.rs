//! The calling thread: its CPU clocks, and its scheduling priority.

use std::io;

/// The calling thread's CPU-time clock (what `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`
/// reads), as an id any thread of this process can read: the kernel's exact
/// runtime of the thread, user + kernel, with no perf event attached to it.
pub fn thread_cpu_clock() -> io::Result<libc::clockid_t> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: pthread_self() is the calling thread; `clock` is a valid out pointer.
    let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
    if rc == 0 {
        Ok(clock)
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// The user-time clock of the same thread as `cpu_clock` (from [`thread_cpu_clock`]):
/// its `utime`, the kernel's user/kernel split of the runtime (tick-sampled, as
/// /proc's utime is). The low two bits of a CPU clock id name the clock (the kernel's
/// CPUCLOCK_WHICH: 1 = CPUCLOCK_VIRT, user time), a stable ABI glibc relies on too.
pub fn user_clock_of(cpu_clock: libc::clockid_t) -> libc::clockid_t {
    (cpu_clock & !3) | 1
}

/// Reads `clock` in ns (for a thread's CPU clock: its runtime so far, brought up to
/// date by the kernel at the read, so a running thread is read exactly).
pub fn clock_ns(clock: libc::clockid_t) -> io::Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out pointer; an invalid clock id is an error, not UB.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// The calling thread's kernel id (what the scheduling calls below take).
pub fn current_tid() -> i32 {
    nix::unistd::gettid().as_raw()
}

/// Moves the calling thread to real-time priority (SCHED_FIFO 1), so that it wakes on
/// time even when hundreds of busy worker threads share two cores. Needs root or
/// CAP_SYS_NICE; the caller treats failure as "keep the normal priority".
pub fn make_thread_realtime() -> io::Result<()> {
    make_realtime(0)
}

/// Moves thread `tid` of this process (0: the calling thread) to real-time priority
/// (SCHED_FIFO 1): what a thread that must answer now (a signal, a closed terminal,
/// a key) gets over every worker. Needs root or CAP_SYS_NICE.
pub fn make_realtime(tid: i32) -> io::Result<()> {
    set_policy(tid, libc::SCHED_FIFO, 1)
}

fn set_policy(tid: i32, policy: libc::c_int, priority: libc::c_int) -> io::Result<()> {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: a plain syscall on a thread id; param is a valid sched_param.
    let rc = unsafe { libc::sched_setscheduler(tid, policy, &param) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Lowers the calling thread to the weakest normal priority (SCHED_OTHER, nice 19):
/// a thread that only watches (the explorer's screen and keyboard) then never
/// preempts a worker when it wakes. Threads it creates afterwards inherit the setting.
/// Undoes [`make_realtime`].
pub fn make_thread_background() -> io::Result<()> {
    // Back to the normal class first (a no-op unless made real-time).
    set_policy(0, libc::SCHED_OTHER, 0)?;
    let tid = nix::unistd::gettid().as_raw() as libc::id_t;
    // SAFETY: plain syscall on this thread's id; no memory is passed.
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, 19) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

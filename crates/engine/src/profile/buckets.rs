//! Where a sampled instruction pointer's CPU time goes: the one table of kernel
//! function-name patterns, and the bucket each sample lands in.
//!
//! Patterns are matched in table order against the symbol's name with any
//! compiler suffix (`.isra.0`, `.cold`, `.constprop.0`) removed; the first match wins.
//! `prefix*` matches a prefix, `*infix*` a substring, anything else the whole name.

use serde::{Deserialize, Serialize};

/// One slice of a side's CPU time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Kernel copy routines: user ⇄ kernel and skb copies, checksum-and-copy.
    Copy,
    /// Zero-copy bookkeeping: page pinning and unpinning, completion callbacks,
    /// the error queue the completions are read from.
    Zc,
    /// TCP/IP and the device path: tcp_*, ip_*, skb alloc/free, veth, softirq net_rx.
    Tcp,
    /// System-call entry and exit, argument import, descriptor lookup.
    Syscall,
    /// The scheduler: schedule, wake-ups, idle, wait queues.
    Sched,
    /// Samples taken where interrupts came back on. Without a PMU the sampling timer
    /// cannot fire while interrupts are off, so the time spent with them off is
    /// attributed late, to the function that re-enabled them: its own bucket, never
    /// folded into another.
    IrqLate,
    /// User-space instruction pointers: the strategy's own work (serialize's memcpy, …).
    User,
    /// A kernel function in none of the patterns.
    Other,
    /// A kernel address that could not be named (kallsyms unreadable): user vs kernel only.
    Kernel,
}

impl Bucket {
    pub const ALL: [Bucket; 9] = [
        Bucket::Copy,
        Bucket::Zc,
        Bucket::Tcp,
        Bucket::Syscall,
        Bucket::Sched,
        Bucket::IrqLate,
        Bucket::User,
        Bucket::Other,
        Bucket::Kernel,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Short name: CSV column part and the bar's legend.
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Copy => "copy",
            Bucket::Zc => "zc",
            Bucket::Tcp => "tcp",
            Bucket::Syscall => "syscall",
            Bucket::Sched => "sched",
            Bucket::IrqLate => "irq_late",
            Bucket::User => "user",
            Bucket::Other => "other",
            Bucket::Kernel => "kernel",
        }
    }

    /// What the time was spent in, as a sentence says it: "41 % of sender time in
    /// syscall entry".
    pub fn phrase(self) -> &'static str {
        match self {
            Bucket::Copy => "copy",
            Bucket::Zc => "zero-copy bookkeeping",
            Bucket::Tcp => "TCP/IP",
            Bucket::Syscall => "syscall entry",
            Bucket::Sched => "the scheduler",
            Bucket::IrqLate => "irq-off time attributed late",
            Bucket::User => "user space",
            Bucket::Other => "other kernel functions",
            Bucket::Kernel => "the kernel (not broken down)",
        }
    }
}

/// The table: bucket, patterns. Order matters: `skb_copy_*` is a copy before `skb_*`
/// is TCP/IP; the irq-late landing spots come before the scheduler's names.
const TABLE: &[(Bucket, &[&str])] = &[
    (
        Bucket::IrqLate,
        &[
            "_raw_spin_unlock_irqrestore",
            "_raw_spin_unlock_irq",
            "_raw_write_unlock_irqrestore",
            "_raw_write_unlock_irq",
            "_raw_read_unlock_irqrestore",
            "finish_task_switch*",
            "__do_softirq",
            "handle_softirqs",
            // local_irq_save … restore around the softirq run: its own time is irq-off.
            "do_softirq*",
            "irqentry_exit*",
            "arch_local_irq_enable",
            "local_irq_enable*",
        ],
    ),
    (
        Bucket::Copy,
        &[
            "copy_user*",
            "__copy_user*",
            "rep_movs*",
            "rep_stos*",
            "_copy_to_iter*",
            "_copy_from_iter*",
            "copy_to_iter*",
            "copy_from_iter*",
            "copy_page_to_iter*",
            "copy_page_from_iter*",
            "copyout*",
            "copyin*",
            "__copy_to_user*",
            "__copy_from_user*",
            "simple_copy_to_iter",
            "memcpy*",
            "__memcpy*",
            // arm64 and newer x86 kernels name the position-independent copy so.
            "__pi_memcpy*",
            "__pi_memmove*",
            "memmove*",
            "__memmove*",
            "skb_copy_*",
            "__skb_datagram_iter",
            "csum_and_copy*",
            "csum_partial_copy*",
            "*csum_and_copy*",
            // Hardened usercopy: the checks every copy to or from user space makes.
            "__check_object_size*",
            "check_heap_object",
            "__check_heap_object",
            "__virt_addr_valid",
        ],
    ),
    (
        Bucket::Zc,
        &[
            "get_user_pages*",
            "__get_user_pages*",
            "pin_user_pages*",
            "unpin_user_page*",
            "gup_*",
            "__gup_*",
            "follow_page*",
            "try_grab_*",
            "iov_iter_get_pages*",
            "iov_iter_extract_pages*",
            "__iov_iter_get_pages*",
            "zerocopy_sg_from_iter",
            "__zerocopy_sg_from_iter",
            "skb_zerocopy*",
            "msg_zerocopy*",
            "*zerocopy*",
            "mm_account_pinned_pages",
            "mm_unaccount_pinned_pages",
            "*ubuf*",
            "sock_recv_errqueue",
            "ip_recv_error",
            "io_notif*",
            "io_tx_ubuf*",
            "io_send_zc*",
            "io_sendmsg_zc*",
        ],
    ),
    (
        Bucket::Syscall,
        &[
            "entry_SYSCALL*",
            "entry_SYSRET*",
            "do_syscall*",
            "syscall_*",
            "__x64_sys_*",
            "__ia32_sys_*",
            "__arm64_sys_*",
            "__sys_*",
            // sendmsg's helpers: ___sys_sendmsg, ____sys_sendmsg, ___sys_recvmsg.
            "___sys_*",
            "____sys_*",
            "__se_sys_*",
            "__do_sys_*",
            "x64_sys_call",
            "el0_svc*",
            "invoke_syscall",
            "exit_to_user_mode*",
            "__fget*",
            "__fdget*",
            "fdget*",
            "fput*",
            "sockfd_lookup*",
            "import_iovec",
            "__import_iovec",
            "import_ubuf",
            "copy_msghdr_from_user",
            "__copy_msghdr*",
            "move_addr_to_*",
            "fpregs_*",
            "switch_fpu_return",
            "restore_fpregs_from_fpstate",
            "security_socket_*",
            "__audit_*",
            "io_submit_sqes",
            "io_uring_enter",
            "__io_uring_enter*",
            "__do_splice",
            "do_splice*",
            "do_sendfile",
            "vmsplice*",
        ],
    ),
    (
        Bucket::Sched,
        &[
            "schedule*",
            "__schedule",
            "__cond_resched",
            "preempt_schedule*",
            "try_to_wake_up",
            "*wake_up*",
            "ttwu_*",
            "enqueue_task*",
            "enqueue_entity*",
            "__enqueue_entity",
            "dequeue_task*",
            "dequeue_entit*",
            "__dequeue_entity",
            "pick_next_*",
            "pick_task*",
            "put_prev_*",
            "set_next_*",
            "update_curr*",
            "update_load_avg",
            "__update_load_avg*",
            "update_rq_clock*",
            "update_cfs_*",
            "reweight_entity",
            "select_task_rq*",
            "select_idle_*",
            "check_preempt*",
            "wakeup_preempt*",
            "resched_curr*",
            "sched_*",
            "__sched_*",
            "psi_*",
            "rcu_note_context_switch",
            "__switch_to*",
            "switch_mm*",
            "prepare_to_wait*",
            "finish_wait",
            "wait_woken",
            "woken_wake_function",
            "autoremove_wake_function",
            "raw_spin_rq_lock*",
            "newidle_balance",
            "sched_balance*",
            "load_balance",
            "do_idle",
            "cpu_startup_entry",
            "cpuidle_*",
            "default_idle*",
            "arch_cpu_idle*",
            "*safe_halt",
            "cpu_idle_poll*",
            "idle_cpu",
            "available_idle_cpu",
            "cpuacct_charge",
            "account_*",
            "__account_*",
            "hrtick_*",
            "task_tick_*",
            "tick_nohz_idle_*",
        ],
    ),
    (
        Bucket::Tcp,
        &[
            "tcp_*",
            "__tcp_*",
            "bbr_*",
            "cubic*",
            "bictcp_*",
            "*netmem*",
            "tcp4_*",
            "udp_*",
            "__udp*",
            "udpv4_*",
            "ip_*",
            "__ip_*",
            "ipv4_*",
            "ip4_*",
            "raw_local_deliver",
            "inet_*",
            "__inet_*",
            "sock_*",
            "__sock_*",
            "sk_*",
            "__sk_*",
            "sock_def_*",
            "lock_sock*",
            "release_sock",
            "__release_sock",
            "skb_*",
            "__skb_*",
            "kfree_skb*",
            "__kfree_skb*",
            "consume_skb",
            "alloc_skb*",
            "__alloc_skb",
            "__build_skb*",
            "build_skb*",
            "napi_*",
            "__napi_*",
            "netif_*",
            "__netif_*",
            "net_rx_action",
            "net_tx_action",
            "process_backlog",
            "veth_*",
            "enqueue_to_backlog",
            "__veth_*",
            "dev_*",
            "__dev_*",
            "validate_xmit_*",
            "eth_*",
            "nf_*",
            "__nf_*",
            "fib_*",
            "__fib_*",
            "neigh_*",
            "dst_*",
            "csum_partial",
            "do_csum",
            "page_frag_*",
            "kmalloc_reserve*",
            "sk_page_frag_refill",
            "skb_page_frag_refill",
            "sendfile*",
            "splice_*",
            "__splice_*",
            "pipe_*",
            "io_send",
            "io_sendmsg",
            "io_issue_sqe",
            "raise_softirq*",
            "__local_bh_enable_ip",
            "local_bh_enable",
        ],
    ),
];

fn matches(pattern: &str, name: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => name.contains(&rest[..rest.len() - 1]),
        (Some(suffix), _) => name.ends_with(suffix),
        (None, Some(prefix)) => name.starts_with(prefix),
        (None, None) => name == pattern,
    }
}

/// The bucket of a kernel function, by name.
pub fn classify(symbol: &str) -> Bucket {
    // `.isra.0`, `.cold`, `.constprop.0`: the same function as far as cost goes.
    let name = symbol.split('.').next().unwrap_or(symbol);
    TABLE
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|p| matches(p, name)))
        .map_or(Bucket::Other, |(b, _)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_in(bucket: Bucket, names: &[&str]) {
        for n in names {
            assert_eq!(classify(n), bucket, "{n}");
        }
    }

    #[test]
    fn copy_routines() {
        all_in(
            Bucket::Copy,
            &[
                "_copy_to_iter",
                "_copy_from_iter",
                "copy_user_generic_string",
                "rep_movs_alternative",
                "memcpy_orig",
                "__memcpy",
                "skb_copy_datagram_iter",
                "skb_copy_ubufs",
                "csum_and_copy_from_user",
                "copy_page_to_iter.isra.0",
                "__check_object_size",
                "__pi_memcpy",
            ],
        );
    }

    #[test]
    fn zero_copy_bookkeeping() {
        all_in(
            Bucket::Zc,
            &[
                "pin_user_pages_fast",
                "__get_user_pages",
                "iov_iter_get_pages2",
                "msg_zerocopy_callback",
                "msg_zerocopy_realloc",
                "__zerocopy_sg_from_iter",
                "mm_account_pinned_pages",
                "sock_recv_errqueue",
                "ip_recv_error",
                "io_tx_ubuf_complete",
            ],
        );
    }

    #[test]
    fn tcp_ip_and_the_device_path() {
        all_in(
            Bucket::Tcp,
            &[
                "tcp_sendmsg_locked",
                "tcp_ack",
                "__tcp_transmit_skb",
                "ip_finish_output2",
                "__dev_queue_xmit",
                "veth_xmit",
                "net_rx_action",
                "__netif_receive_skb_core.constprop.0",
                "kfree_skb_reason",
                "__alloc_skb",
                "skb_release_data",
                "release_sock",
                "udp_sendmsg",
                "bbr_main",
                "get_netmem",
            ],
        );
    }

    #[test]
    fn system_call_entry_and_exit() {
        all_in(
            Bucket::Syscall,
            &[
                "entry_SYSCALL_64_after_hwframe",
                "do_syscall_64",
                "syscall_exit_to_user_mode",
                "__x64_sys_sendmsg",
                "__sys_recvfrom",
                "___sys_sendmsg",
                "____sys_sendmsg",
                "__fget_light",
                "import_iovec",
                "exit_to_user_mode_prepare",
            ],
        );
    }

    #[test]
    fn scheduler_and_idle() {
        all_in(
            Bucket::Sched,
            &[
                "__schedule",
                "schedule_timeout",
                "try_to_wake_up",
                "__wake_up_common",
                "enqueue_task_fair",
                "update_curr",
                "pv_native_safe_halt",
                "wait_woken",
                "psi_group_change",
            ],
        );
    }

    #[test]
    fn where_interrupts_come_back_on() {
        all_in(
            Bucket::IrqLate,
            &[
                "_raw_spin_unlock_irqrestore",
                "finish_task_switch.isra.0",
                "_raw_spin_unlock_irq",
                "__do_softirq",
                "do_softirq.part.0",
            ],
        );
    }

    #[test]
    fn everything_else_is_other() {
        all_in(
            Bucket::Other,
            &[
                "kmem_cache_free",
                "__slab_free",
                "mod_timer",
                "srso_alias_return_thunk",
            ],
        );
        // Net code that merely sounds like the scheduler.
        assert_eq!(classify("enqueue_to_backlog"), Bucket::Tcp);
    }

    #[test]
    fn pattern_forms() {
        assert!(matches("tcp_*", "tcp_ack"));
        assert!(!matches("tcp_*", "__tcp_ack"));
        assert!(matches("*zerocopy*", "io_zerocopy_x"));
        assert!(matches("*safe_halt", "pv_native_safe_halt"));
        assert!(matches("do_idle", "do_idle"));
        assert!(!matches("do_idle", "do_idle2"));
    }
}

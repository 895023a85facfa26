//! The axes on the command line: one configuration's axes (`run`, the explorer) and a
//! sweep's lists of them, with their value parsers.

use super::values::{parse_list, parse_seconds, parse_size, parse_threads};
use crate::engine::config::{parse_on_off, BufOffset, Count, Pin, RecvMode, Strategy};
use clap::Args;
use std::path::PathBuf;

/// The axes of one configuration beyond strategy, size and threads (run, explorer).
#[derive(Debug, Clone, Args)]
pub struct AxisArgs {
    /// Set TCP_NODELAY on the sender (default: Nagle on, as the course's programs)
    #[arg(long)]
    pub nodelay: bool,
    /// How receivers read: message (to the end of the current message), stream (256 KiB reads, as iperf3), trunc (MSG_TRUNC: no receive copy), zerocopy (TCP_ZEROCOPY_RECEIVE: pages mapped into an mmap'ed window, the rest copied)
    #[arg(long, default_value = "message", value_parser = parse_recv, value_name = "MODE")]
    pub recv: RecvMode,
    /// Pin threads: off, split (senders and receivers on separate CPUs), pair (a connection's two threads on one CPU), or a CPU list such as 0,1
    #[arg(long, default_value = "off", value_parser = parse_pin, value_name = "P")]
    pub pin: Pin,
    /// What the counters count: thread (each worker thread, the default) or cpu (everything on the pinned CPUs, system-wide: softirq and ksoftirqd included, CPU time from /proc/stat; needs --pin)
    #[arg(long, default_value = "thread", value_parser = parse_count, value_name = "MODE")]
    pub count: Count,
    /// Where each field and the receive buffer start in their 4 KiB page: heap (wherever malloc puts them, as the course's programs; large buffers land 16 bytes in) or a byte offset 0 to 4095 (default 2048, mid-page): the receive buffer starts that far into a page, each field where it would in a contiguous message starting there. Copies whose destination sits a few bytes after their source modulo 4 KiB run several times slower on some CPUs (AMD Zen)
    #[arg(long, default_value = "2048", value_parser = parse_buf_offset, allow_negative_numbers = true, value_name = "heap|N")]
    pub buf_offset: BufOffset,
}

#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub common: super::common::Common,
    /// Comma-separated strategies (two-copy, serialize, one-copy, zero-copy, uring, uring-zc, sendfile, splice)
    #[arg(long, default_value = "two-copy,one-copy,zero-copy", value_parser = parse_strategies, value_name = "S,S..")]
    pub strategies: StrategyList,
    /// Comma-separated message sizes
    #[arg(long, default_value = "64,256,1K,4K", value_parser = parse_sizes, allow_negative_numbers = true, value_name = "B,B..")]
    pub sizes: SizeList,
    /// Comma-separated thread-pair counts
    #[arg(long, default_value = "1,2,4,8", value_parser = parse_thread_list, allow_negative_numbers = true, value_name = "N,N..")]
    pub threads: ThreadList,
    /// Measured seconds per configuration (fractions allowed)
    #[arg(short, long, default_value = "1", value_parser = parse_seconds, allow_negative_numbers = true, value_name = "SECS")]
    pub duration: f64,
    /// CSV file to write (default: netio-sweep-<timestamp>.csv in the current directory)
    #[arg(short, long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Receivers check every field's pattern
    #[arg(long)]
    pub verify: bool,
    /// Nagle settings to measure: on = TCP_NODELAY on the sender, e.g. off,on
    #[arg(long, default_value = "off", value_parser = parse_nodelay_list, value_name = "on,off")]
    pub nodelay: BoolList,
    /// Receive modes to measure: message, stream, trunc, zerocopy, e.g. message,zerocopy
    #[arg(long, default_value = "message", value_parser = parse_recv_list, value_name = "MODE,..")]
    pub recv: RecvList,
    /// Pinning to measure: off, split, pair (comma-separated), or one CPU list such as 0,1; repeat the option for several lists
    #[arg(long, default_value = "off", value_parser = parse_pin_list, value_name = "P,..", action = clap::ArgAction::Append)]
    pub pin: Vec<PinList>,
    /// Counting modes to measure: thread, cpu (system-wide on the pinned CPUs; needs --pin split, pair or a list), e.g. thread,cpu
    #[arg(long, default_value = "thread", value_parser = parse_count_list, value_name = "MODE,..")]
    pub count: CountList,
    /// Buffer placements to measure: heap or byte offsets 0 to 4095 into a page, e.g. heap,16,2048
    #[arg(long, default_value = "2048", value_parser = parse_buf_offset_list, allow_negative_numbers = true, value_name = "heap|N,..")]
    pub buf_offset: BufOffsetList,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrategyList(pub Vec<Strategy>);
#[derive(Debug, Clone, PartialEq)]
pub struct SizeList(pub Vec<usize>);
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadList(pub Vec<usize>);
#[derive(Debug, Clone, PartialEq)]
pub struct BoolList(pub Vec<bool>);
#[derive(Debug, Clone, PartialEq)]
pub struct RecvList(pub Vec<RecvMode>);
#[derive(Debug, Clone, PartialEq)]
pub struct PinList(pub Vec<Pin>);
#[derive(Debug, Clone, PartialEq)]
pub struct CountList(pub Vec<Count>);
#[derive(Debug, Clone, PartialEq)]
pub struct BufOffsetList(pub Vec<BufOffset>);

fn parse_recv(s: &str) -> Result<RecvMode, String> {
    s.parse()
}
fn parse_pin(s: &str) -> Result<Pin, String> {
    s.parse()
}
fn parse_count(s: &str) -> Result<Count, String> {
    s.parse()
}
fn parse_buf_offset(s: &str) -> Result<BufOffset, String> {
    s.parse()
}
fn parse_buf_offset_list(s: &str) -> Result<BufOffsetList, String> {
    parse_list(s, "buffer offset", |x| x.parse()).map(BufOffsetList)
}
fn parse_count_list(s: &str) -> Result<CountList, String> {
    parse_list(s, "counting mode", |x| x.parse()).map(CountList)
}
fn parse_nodelay_list(s: &str) -> Result<BoolList, String> {
    parse_list(s, "nodelay", |x| {
        parse_on_off(x).map_err(|e| format!("{e}; allowed: on, off, or both as on,off"))
    })
    .map(BoolList)
}
fn parse_recv_list(s: &str) -> Result<RecvList, String> {
    parse_list(s, "receive mode", |x| x.parse()).map(RecvList)
}
/// "off,split,pair" is a list of settings; anything with a digit is one CPU list.
fn parse_pin_list(s: &str) -> Result<PinList, String> {
    if s.chars().any(|c| c.is_ascii_digit()) {
        return s.parse().map(|p| PinList(vec![p]));
    }
    parse_list(s, "pin", |x| x.parse()).map(PinList)
}

fn parse_strategies(s: &str) -> Result<StrategyList, String> {
    parse_list(s, "strategy", |x| x.parse()).map(StrategyList)
}
fn parse_sizes(s: &str) -> Result<SizeList, String> {
    parse_list(s, "size", parse_size).map(SizeList)
}
fn parse_thread_list(s: &str) -> Result<ThreadList, String> {
    parse_list(s, "thread", parse_threads).map(ThreadList)
}

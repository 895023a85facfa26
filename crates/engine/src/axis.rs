//! The axes of a configuration beyond strategy, size and threads, declared once.
//!
//! Each [`Axis`] says everything the program does with one field of [`Config`]: its
//! CSV/JSON column and what files made before it existed measured, its run option
//! and sweep list, its words in a configuration's name, and its explorer key (what
//! the key steps through and what the status line then says). The options, the CSV
//! reader and writer, the sweep's cross product, `Config`'s names and the explorer's
//! keys are all written from [`AXES`]. Values travel as their CSV text.
//!
//! A new axis: its value type, its field in `Config` (with its default in
//! `Config::new`), and one entry here.

use crate::config::{parse_on_off, BufOffset, Config, Count, Mlock, Pin};
use std::fmt;

mod workload;
pub use workload::{RATE, RESPONSE_SIZE, WORKLOAD};

pub struct Axis {
    /// The `Config` field, CSV column and JSON key.
    pub name: &'static str,
    /// The field's value as the CSV writes it.
    pub get: fn(&Config) -> String,
    /// Sets the field from its CSV (or option) text.
    pub set: fn(&mut Config, &str) -> Result<(), String>,
    /// What a file without this column (or with the cell empty) measured, as CSV
    /// text, when that is not today's default.
    pub before_axis: Option<&'static str>,
    /// The value's words, when not at its default: in the table key
    /// ([`Config::tag`], "pair", "buf=heap") and in the configuration's name
    /// ([`Config`]'s `Display`, "pin=pair", "buf=heap").
    pub tag: fn(&Config) -> Option<String>,
    pub shown: fn(&Config) -> Option<String>,
    /// Always shown: "recv message", "buffers page+2048" ([`Config::axes`]).
    pub words: fn(&Config) -> String,
    pub option: AxisOption,
    pub key: AxisKey,
}

/// `--NAME VALUE` on run and the explorer, `--NAME V,V..` on sweep.
pub struct AxisOption {
    pub long: &'static str,
    /// A switch on run (`--nodelay`); its sweep list says on/off.
    pub switch: bool,
    /// Default, as CSV text: the value of [`Config::new`].
    pub default: &'static str,
    pub value_name: &'static str,
    pub help: &'static str,
    /// Values may look like negative numbers (so "-1" is refused as a value, not
    /// taken for an option).
    pub numeric: bool,
    pub list_value_name: &'static str,
    pub list_help: &'static str,
    /// "the receive mode list '…' has an empty item".
    pub list_what: &'static str,
    /// Added to an item's error in a list.
    pub list_hint: &'static str,
    /// A value with commas of its own (a CPU list): the whole text is one item,
    /// and the option may be repeated for more.
    pub one_item: Option<fn(&str) -> bool>,
}

/// The explorer's key for the axis.
pub struct AxisKey {
    pub key: &'static str,
    /// On the key line.
    pub word: &'static str,
    /// In `?` help, keys column first.
    pub help: &'static [&'static str],
    /// The configuration after one press (it may move another axis with it).
    pub next: fn(&mut Config),
    /// What the status line says after a press, from before and after.
    pub said: fn(&Config, &Config) -> Option<String>,
}

impl PartialEq for Axis {
    fn eq(&self, other: &Axis) -> bool {
        self.name == other.name
    }
}

impl fmt::Debug for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Axis({})", self.name)
    }
}

impl Axis {
    /// Sets what a file without this axis measured.
    pub fn set_before_axis(&self, c: &mut Config) {
        if let Some(v) = self.before_axis {
            (self.set)(c, v).unwrap_or_else(|e| unreachable!("{}: {e}", self.name));
        }
    }

    /// Parses one value of the axis to its CSV text.
    pub fn parse(&self, s: &str) -> Result<String, String> {
        let mut c = Config::new(crate::config::Strategy::OneCopy, 1, 1);
        (self.set)(&mut c, s)?;
        Ok((self.get)(&c))
    }

    /// Parses the sweep's list form to CSV texts.
    pub fn parse_list(&self, s: &str) -> Result<Vec<String>, String> {
        if self.option.one_item.is_some_and(|one| one(s)) {
            return Ok(vec![self.parse(s)?]);
        }
        s.split(',')
            .map(|part| {
                if part.trim().is_empty() {
                    Err(format!(
                        "the {} list '{s}' has an empty item; separate values with single commas",
                        self.option.list_what
                    ))
                } else {
                    self.parse(part)
                        .map_err(|e| format!("{e}{}", self.option.list_hint))
                }
            })
            .collect()
    }
}

pub const NODELAY: Axis = Axis {
    name: "nodelay",
    get: |c| if c.nodelay { "on" } else { "off" }.into(),
    set: |c, v| {
        c.nodelay = parse_on_off(v)?;
        Ok(())
    },
    before_axis: None,
    tag: |c| c.nodelay.then(|| "nodelay".into()),
    shown: |c| c.nodelay.then(|| "nodelay".into()),
    words: |c| if c.nodelay { "TCP_NODELAY" } else { "Nagle on" }.into(),
    option: AxisOption {
        long: "nodelay",
        switch: true,
        default: "off",
        value_name: "",
        help: "Set TCP_NODELAY on the sender (default: Nagle on, as the course's programs)",
        numeric: false,
        list_value_name: "on,off",
        list_help: "Nagle settings to measure: on = TCP_NODELAY on the sender, e.g. off,on",
        list_what: "nodelay",
        list_hint: "; allowed: on, off, or both as on,off",
        one_item: None,
    },
    key: AxisKey {
        key: "n",
        word: "nagle",
        help: &["n        Nagle on the sender / TCP_NODELAY"],
        next: |c| c.nodelay = !c.nodelay,
        said: |_, _| None,
    },
};

pub const RECV: Axis = Axis {
    name: "recv",
    get: |c| c.recv.name().into(),
    set: |c, v| {
        c.recv = v.parse()?;
        Ok(())
    },
    before_axis: None,
    tag: |c| (c.recv != Default::default()).then(|| c.recv.name().into()),
    shown: |c| (c.recv != Default::default()).then(|| format!("recv={}", c.recv.name())),
    words: |c| format!("recv {}", c.recv.name()),
    option: AxisOption {
        long: "recv",
        switch: false,
        default: "message",
        value_name: "MODE",
        help: "How receivers read: message (to the end of the current message), stream (256 KiB reads, as iperf3), trunc (MSG_TRUNC: no receive copy), zerocopy (TCP_ZEROCOPY_RECEIVE: pages mapped into an mmap'ed window, the rest copied)",
        numeric: false,
        list_value_name: "MODE,..",
        list_help: "Receive modes to measure: message, stream, trunc, zerocopy, e.g. message,zerocopy",
        list_what: "receive mode",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "m",
        word: "recv",
        help: &["m        receive mode: message → stream → trunc → zerocopy"],
        next: |c| c.recv = c.recv.next(),
        said: |_, _| None,
    },
};

pub const PIN: Axis = Axis {
    name: "pin",
    get: |c| c.pin.to_string(),
    set: |c, v| {
        c.pin = v.parse()?;
        Ok(())
    },
    before_axis: None,
    tag: |c| (c.pin != Pin::Off).then(|| c.pin.to_string()),
    shown: |c| (c.pin != Pin::Off).then(|| format!("pin={}", c.pin)),
    words: |c| format!("pin {}", c.pin),
    option: AxisOption {
        long: "pin",
        switch: false,
        default: "off",
        value_name: "P",
        help: "Pin threads: off, split (senders and receivers on separate CPUs), pair (a connection's two threads on one CPU), or a CPU list such as 0,1",
        numeric: false,
        list_value_name: "P,..",
        list_help: "Pinning to measure: off, split, pair (comma-separated), or one CPU list such as 0,1; repeat the option for several lists",
        list_what: "pin",
        list_hint: "",
        // "off,split,pair" is a list of settings; anything with a digit is one CPU list.
        one_item: Some(|s| s.chars().any(|c| c.is_ascii_digit())),
    },
    key: AxisKey {
        key: "c",
        word: "pin",
        help: &["c        pinning: off → split → pair (off: count back to thread)"],
        // Unpinned, count cpu has no CPUs to count: counting goes back to per thread.
        next: |c| {
            c.pin = c.pin.next();
            if c.count == Count::Cpu && c.pin == Pin::Off {
                c.count = Count::Thread;
            }
        },
        said: |before, after| {
            (before.count == Count::Cpu && after.count == Count::Thread).then(|| {
                "pin off: count back to thread (count cpu needs pinned CPUs; a pins split and counts per CPU)".into()
            })
        },
    },
};

pub const COUNT: Axis = Axis {
    name: "count",
    get: |c| c.count.name().into(),
    set: |c, v| {
        c.count = v.parse()?;
        Ok(())
    },
    before_axis: None,
    tag: |c| (c.count != Count::Thread).then(|| format!("count={}", c.count.name())),
    shown: |c| (c.count != Count::Thread).then(|| format!("count={}", c.count.name())),
    words: |c| format!("count {}", c.count.name()),
    option: AxisOption {
        long: "count",
        switch: false,
        default: "thread",
        value_name: "MODE",
        help: "What the counters count: thread (each worker thread, the default) or cpu (everything on the pinned CPUs, system-wide: softirq and ksoftirqd included, CPU time from /proc/stat; needs --pin)",
        numeric: false,
        list_value_name: "MODE,..",
        list_help: "Counting modes to measure: thread, cpu (system-wide on the pinned CPUs; needs --pin split, pair or a list), e.g. thread,cpu",
        list_what: "counting mode",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "a",
        word: "count",
        help: &[
            "a        counting: thread → cpu (everything on the pinned CPUs,",
            "         softirq and ksoftirqd included; pins split if pin is off)",
        ],
        // cpu counts the pinned CPUs: from pin off it pins split, each side its CPUs.
        next: |c| {
            c.count = c.count.next();
            if c.count == Count::Cpu && c.pin == Pin::Off {
                c.pin = Pin::Split;
            }
        },
        said: |before, after| {
            Some(match after.count {
                Count::Cpu if before.pin == Pin::Off => "count cpu: everything on the pinned CPUs, softirq and ksoftirqd included; pin was off, now split (c changes it)",
                Count::Cpu => "count cpu: everything on the pinned CPUs, softirq and ksoftirqd included; CPU time from /proc/stat",
                Count::Thread => "count thread: each worker thread's own counters",
            }.into())
        },
    },
};

pub const BUF_OFFSET: Axis = Axis {
    name: "buf_offset",
    get: |c| c.buf_offset.to_string(),
    set: |c, v| {
        c.buf_offset = v.parse()?;
        Ok(())
    },
    // Recordings made before this axis measured the allocator's placement.
    before_axis: Some("heap"),
    tag: |c| (c.buf_offset != BufOffset::DEFAULT).then(|| format!("buf={}", c.buf_offset.describe())),
    shown: |c| (c.buf_offset != BufOffset::DEFAULT).then(|| format!("buf={}", c.buf_offset.describe())),
    words: |c| format!("buffers {}", c.buf_offset.describe()),
    option: AxisOption {
        long: "buf-offset",
        switch: false,
        default: "2048",
        value_name: "heap|N",
        help: "Where each field and the receive buffer start in their 4 KiB page: heap (wherever malloc puts them, as the course's programs; large buffers land 16 bytes in) or a byte offset 0 to 4095 (default 2048, mid-page): the receive buffer starts that far into a page, each field where it would in a contiguous message starting there. Copies whose destination sits a few bytes after their source modulo 4 KiB run several times slower on some CPUs (AMD Zen)",
        numeric: true,
        list_value_name: "heap|N,..",
        list_help: "Buffer placements to measure: heap or byte offsets 0 to 4095 into a page, e.g. heap,16,2048",
        list_what: "buffer offset",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "b",
        word: "buffers",
        help: &[
            "b        buffers: page+2048 → heap → page+0 → page+16 (where the",
            "         user buffers start in their 4 KiB page)",
        ],
        next: |c| c.buf_offset = c.buf_offset.next(),
        said: |_, after| {
            Some(match after.buf_offset {
                BufOffset::Heap => "buffers heap: where malloc puts them, as the course's programs (128K and up: 16 bytes into a page)".to_string(),
                BufOffset::Page(n) => format!(
                    "buffers page+{n}: the receive buffer starts {n} bytes into a page, each field where it would in a contiguous message starting there (copies a few bytes behind their source modulo 4 KiB are slow on some CPUs)"
                ),
            })
        },
    },
};

pub const MLOCK: Axis = Axis {
    name: "mlock",
    get: |c| c.mlock.name().into(),
    set: |c, v| {
        c.mlock = v.parse()?;
        Ok(())
    },
    // Files made before this axis measured pageable buffers: off, today's default.
    before_axis: None,
    tag: |c| c.mlock.is_on().then(|| "mlock".into()),
    shown: |c| c.mlock.is_on().then(|| "mlock".into()),
    words: |c| format!("mlock {}", c.mlock),
    option: AxisOption {
        long: "mlock",
        switch: false,
        default: "off",
        value_name: "off|on",
        help: "Lock every send field and receive buffer in memory (mlock, whole pages) before the window and unlock them after: off (default) or on. Needs RLIMIT_MEMLOCK (ulimit -l) to hold threads × the buffers; the kernel pins the pages zero-copy sends by itself either way",
        numeric: false,
        list_value_name: "off,on",
        list_help: "Buffer locking to measure: off, on (mlock every send field and receive buffer), e.g. off,on",
        list_what: "mlock",
        list_hint: "; a sweep takes both as off,on",
        one_item: None,
    },
    key: AxisKey {
        key: "L",
        word: "mlock",
        help: &["L        lock the buffers in memory (mlock): off → on"],
        next: |c| c.mlock = c.mlock.next(),
        said: |_, after| {
            Some(match after.mlock {
                Mlock::On => format!(
                    "mlock on: every send field and receive buffer locked before the window ({} KiB here); the kernel pins zero-copy's pages itself either way",
                    crate::worker::locked_bytes(*after) >> 10
                ),
                Mlock::Off => "mlock off: ordinary pageable buffers (the default)".into(),
            })
        },
    },
};

/// Every axis, in CSV column order (after the figure columns; strategy, size and
/// threads lead every row), option order and key order.
pub const AXES: [&Axis; 9] = [
    &NODELAY,
    &RECV,
    &PIN,
    &COUNT,
    &BUF_OFFSET,
    &WORKLOAD,
    &RESPONSE_SIZE,
    &RATE,
    &MLOCK,
];

/// The axis of a CSV column, JSON key or `Config` field.
pub fn find(name: &str) -> Option<&'static Axis> {
    AXES.into_iter().find(|a| a.name == name)
}

/// Every combination of `base` with each axis's values (CSV texts; an axis not
/// named keeps the base's value), base outermost, the axes in table order, the last
/// innermost; each configuration once.
pub fn cross(base: &[Config], values: &[(&Axis, Vec<String>)]) -> Result<Vec<Config>, String> {
    let mut out: Vec<Config> = base.to_vec();
    for (axis, vals) in values {
        let mut next = Vec::with_capacity(out.len() * vals.len());
        for c in &out {
            for v in vals {
                let mut x = *c;
                (axis.set)(&mut x, v).map_err(|e| format!("{}: {e}", axis.name))?;
                next.push(x);
            }
        }
        out = next;
    }
    let mut unique = Vec::with_capacity(out.len());
    for c in out {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    Ok(unique)
}

impl Config {
    /// The axes not at their default, tersely, for a table key: "nodelay trunc pair".
    pub fn tag(&self) -> String {
        let words: Vec<String> = AXES.iter().filter_map(|a| (a.tag)(self)).collect();
        words.join(" ")
    }

    /// The axes beyond strategy, size and threads, in words: "Nagle on, recv message,
    /// pin off, count thread, buffers page+2048".
    pub fn axes(&self) -> String {
        // An axis that means nothing here (a stream's response size) says nothing.
        let words: Vec<String> = AXES
            .iter()
            .map(|a| (a.words)(self))
            .filter(|w| !w.is_empty())
            .collect();
        words.join(", ")
    }
}

impl fmt::Display for Config {
    /// "one-copy 4K ×1", plus every axis not at its default: "… nodelay pin=pair".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())?;
        for shown in AXES.iter().filter_map(|a| (a.shown)(self)) {
            write!(f, " {shown}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{RecvMode, Strategy};

    fn base() -> Config {
        Config::new(Strategy::OneCopy, 64, 1)
    }

    #[test]
    fn each_axis_reads_back_what_it_writes_and_defaults_as_config_new() {
        for a in AXES {
            let mut c = base();
            assert_eq!((a.get)(&c), a.option.default, "{}", a.name);
            assert_eq!((a.tag)(&c), None, "{}", a.name);
            assert_eq!((a.shown)(&c), None, "{}", a.name);
            let v = (a.get)(&c);
            (a.set)(&mut c, &v).unwrap();
            assert_eq!(c, base());
            // One press changes the axis's own field.
            (a.key.next)(&mut c);
            assert_ne!((a.get)(&c), a.option.default, "{}", a.name);
            assert!(
                (a.tag)(&c).is_some() && (a.shown)(&c).is_some(),
                "{}",
                a.name
            );
            assert!(a.option.help.len() > 10 && a.option.list_help.len() > 10);
            assert!(!a.key.help.is_empty());
        }
        let keys: Vec<&str> = AXES.iter().map(|a| a.key.key).collect();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(keys, unique);
    }

    /// The recordings' serde default and the CSV reader's agree on old files.
    #[test]
    fn files_before_an_axis_read_as_what_they_measured() {
        for a in AXES {
            let mut v = serde_json::to_value(base()).unwrap();
            v.as_object_mut().unwrap().remove(a.name).unwrap();
            let old: Config = serde_json::from_value(v).unwrap();
            let mut csv = base();
            a.set_before_axis(&mut csv);
            assert_eq!(old, csv, "{}", a.name);
        }
        assert_eq!(find("buf_offset").unwrap().before_axis, Some("heap"));
    }

    #[test]
    fn lists_parse_to_csv_texts() {
        assert_eq!(
            RECV.parse_list("message,STREAM").unwrap(),
            ["message", "stream"]
        );
        assert_eq!(PIN.parse_list("off,pair").unwrap(), ["off", "pair"]);
        assert_eq!(PIN.parse_list("0,1").unwrap(), ["0+1"]);
        assert_eq!(NODELAY.parse_list("off,on").unwrap(), ["off", "on"]);
        assert!(NODELAY
            .parse_list("maybe")
            .unwrap_err()
            .ends_with("allowed: on, off, or both as on,off"));
        assert!(BUF_OFFSET
            .parse_list("heap,,16")
            .unwrap_err()
            .contains("the buffer offset list 'heap,,16' has an empty item"));
    }

    #[test]
    fn configurations_are_named_from_the_table() {
        let mut c = base();
        c.nodelay = true;
        c.pin = Pin::Pair;
        assert_eq!(c.to_string(), "one-copy 64 ×1 nodelay pin=pair");
        c.buf_offset = BufOffset::Heap;
        assert_eq!(c.to_string(), "one-copy 64 ×1 nodelay pin=pair buf=heap");
        assert_eq!(c.tag(), "nodelay pair buf=heap");
        assert_eq!(
            c.axes(),
            "TCP_NODELAY, recv message, pin pair, count thread, buffers heap, stream, mlock off"
        );
        c.workload = crate::config::Workload::Rr;
        c.response_size = crate::config::Response::Same;
        assert_eq!(
            c.to_string(),
            "one-copy 64 ×1 nodelay pin=pair buf=heap rr resp=same"
        );
        assert!(c
            .axes()
            .ends_with("buffers heap, request/response, response same, closed loop, mlock off"));
        c.workload = crate::config::Workload::Stream;
        c.response_size = crate::config::Response::DEFAULT;
        c.mlock = Mlock::On;
        assert_eq!(
            c.to_string(),
            "one-copy 64 ×1 nodelay pin=pair buf=heap mlock"
        );
        assert_eq!(c.tag(), "nodelay pair buf=heap mlock");
        assert_eq!(MLOCK.parse_list("off,ON").unwrap(), ["off", "on"]);
        assert!(MLOCK.parse_list("off,maybe").unwrap_err().ends_with(
            "'maybe' is not on or off (allowed: off, on); a sweep takes both as off,on"
        ));
        // Files before the axis measured pageable buffers, today's default.
        assert_eq!(MLOCK.before_axis, None);
        let said = (MLOCK.key.said)(
            &base(),
            &Config {
                mlock: Mlock::On,
                ..base()
            },
        )
        .unwrap();
        assert!(said.starts_with("mlock on: every send field"), "{said}");
    }

    #[test]
    fn the_cross_product_puts_the_last_axis_innermost() {
        let all = cross(
            &[base()],
            &[
                (&RECV, vec!["message".into(), "trunc".into()]),
                (&PIN, vec!["off".into(), "pair".into()]),
            ],
        )
        .unwrap();
        let seen: Vec<(RecvMode, Pin)> = all.iter().map(|c| (c.recv, c.pin)).collect();
        assert_eq!(
            seen,
            [
                (RecvMode::Message, Pin::Off),
                (RecvMode::Message, Pin::Pair),
                (RecvMode::Trunc, Pin::Off),
                (RecvMode::Trunc, Pin::Pair),
            ]
        );
        let twice = cross(&[base(), base()], &[(&RECV, vec!["message".into()])]).unwrap();
        assert_eq!(twice.len(), 1);
    }
}

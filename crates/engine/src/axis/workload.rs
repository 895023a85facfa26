//! The request/response axes: `--workload`, `--response-size` and `--rate`.

use super::{Axis, AxisKey, AxisOption};
use crate::config::{Rate, Response, Workload};

pub const WORKLOAD: Axis = Axis {
    name: "workload",
    get: |c| c.workload.name().into(),
    set: |c, v| {
        c.workload = v.parse()?;
        Ok(())
    },
    // Files made before this axis streamed (the default, said for the reader).
    before_axis: None,
    tag: |c| c.is_rr().then(|| "rr".into()),
    shown: |c| c.is_rr().then(|| "rr".into()),
    words: |c| match c.workload {
        Workload::Stream => "stream".into(),
        Workload::Rr => "request/response".into(),
    },
    option: AxisOption {
        long: "workload",
        switch: false,
        default: "stream",
        value_name: "stream|rr",
        help: "What each connection does: stream (the sender sends messages continuously) or rr (request/response: a request of --size bytes sent with the strategy, the other side reads it whole and answers with --response-size bytes sent the same way; one transaction in flight, round-trip percentiles from merged HdrHistograms)",
        numeric: false,
        list_value_name: "stream|rr,..",
        list_help: "Workloads to measure: stream, rr (request/response round trips), e.g. stream,rr",
        list_what: "workload",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "w",
        word: "workload",
        help: &["w        workload: stream → rr (request/response round trips)"],
        next: |c| c.workload = c.workload.next(),
        said: |_, after| {
            after.is_rr().then(|| {
                "rr: one request in flight per connection; round-trip percentiles (closed loop: an unloaded round trip)".into()
            })
        },
    },
};

pub const RESPONSE_SIZE: Axis = Axis {
    name: "response_size",
    get: |c| c.response_size.to_string(),
    set: |c, v| {
        c.response_size = v.parse()?;
        Ok(())
    },
    before_axis: None,
    tag: |c| {
        (c.response_size != Response::DEFAULT)
            .then(|| format!("resp={}", c.response_size.describe()))
    },
    shown: |c| {
        (c.response_size != Response::DEFAULT)
            .then(|| format!("resp={}", c.response_size.describe()))
    },
    words: |c| match c.is_rr() {
        true => format!("response {}", c.response_size.describe()),
        false => String::new(),
    },
    option: AxisOption {
        long: "response-size",
        switch: false,
        default: "64",
        value_name: "BYTES|same",
        help:
            "--workload rr: bytes of each response (K/M suffixes), or same (echo the request back)",
        numeric: false,
        list_value_name: "BYTES|same,..",
        list_help: "Response sizes to measure with --workload rr: sizes or same, e.g. 64,same",
        list_what: "response size",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "y",
        word: "reply",
        help: &["y        rr response size: 64 → same as the request → 4K"],
        next: |c| c.response_size = c.response_size.next(),
        said: |_, _| None,
    },
};

pub const RATE: Axis = Axis {
    name: "rate",
    get: |c| c.rate.to_string(),
    set: |c, v| {
        c.rate = v.parse()?;
        Ok(())
    },
    before_axis: None,
    tag: |c| (c.rate != Rate::Closed).then(|| format!("{}/s", c.rate)),
    shown: |c| (c.rate != Rate::Closed).then(|| format!("rate={}/s", c.rate)),
    words: |c| match (c.is_rr(), c.rate) {
        (false, _) => String::new(),
        (true, Rate::Closed) => "closed loop".into(),
        (true, Rate::PerSecond(n)) => format!("open loop {n}/s"),
    },
    option: AxisOption {
        long: "rate",
        switch: false,
        default: "closed",
        value_name: "N|closed",
        help: "--workload rr: N transactions/s per connection on a fixed schedule (open loop; each round trip measured from its scheduled send, so a stall counts in full), or closed (the next request once the answer is in: an unloaded round trip)",
        numeric: false,
        list_value_name: "N|closed,..",
        list_help: "Rates to measure with --workload rr: closed or transactions/s per connection, e.g. closed,1000",
        list_what: "rate",
        list_hint: "",
        one_item: None,
    },
    key: AxisKey {
        key: "x",
        word: "rate",
        help: &["x        rr rate: closed loop → 1000/s → 10000/s per connection"],
        next: |c| c.rate = c.rate.next(),
        said: |_, after| {
            (after.rate != Rate::Closed && !after.is_rr())
                .then(|| "--rate applies to --workload rr (w)".into())
        },
    },
};

//! Zero-copy at its limits, for real: MSG_ZEROCOPY datagrams of the largest sizes
//! UDP allows through the sink topology (the fields page-aligned, so one datagram
//! fits the kernel's fragment limit), the cause of the failure that alignment fixes,
//! shown on the kernel itself, and zero-copy receive (TCP_ZEROCOPY_RECEIVE) over
//! veth. Needs root (skips with a reason otherwise).

mod common;

use assert_cmd::Command;
use common::{root_or_skip, serial, HostState};
use netio_tui::engine::strategy::Message;
use netio_tui::engine::sys;
use socket2::{Domain, Socket, Type};
use std::io::IoSlice;
use std::os::fd::AsFd;
use std::time::Duration;

fn netio() -> Command {
    let mut c = Command::cargo_bin("netio-tui").unwrap();
    c.timeout(Duration::from_secs(120));
    c
}

fn csv_rows(path: &std::path::Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

fn col(header: &csv::StringRecord, row: &csv::StringRecord, name: &str) -> String {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| {
        panic!("no column {name} in {header:?}");
    });
    row[i].to_string()
}

#[test]
fn largest_zero_copy_datagrams_go_through_the_sink_uncopied() {
    let _serial = serial();
    if !root_or_skip("largest_zero_copy_datagrams_go_through_the_sink_uncopied") {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sink-large.csv");
    netio()
        .args(["sweep", "--topology", "sink", "--duration", "0.3"])
        .args(["--strategies", "one-copy,zero-copy,uring-zc"])
        .args(["--sizes", "60000,65507", "--threads", "1", "--out"])
        .arg(&csv)
        .assert()
        .success();
    let (header, rows) = csv_rows(&csv);
    assert_eq!(rows.len(), 6);
    for row in &rows {
        assert_eq!(col(&header, row, "error"), "", "{row:?}");
        assert!(col(&header, row, "bytes").parse::<u64>().unwrap() > 0);
        if col(&header, row, "strategy") != "one-copy" {
            assert!(col(&header, row, "zc_completions").parse::<u64>().unwrap() > 0);
            let copied: f64 = col(&header, row, "zc_copied_pct").parse().unwrap();
            assert_eq!(copied, 0.0, "{row:?}");
        }
    }
    before.assert_restored();
}

/// One MSG_ZEROCOPY sendmsg of `msg`'s 8 fields as one datagram over loopback (MTU
/// 65536, scatter-gather and checksum offload: the zero-copy path). Returns the errno.
fn send_zerocopy_datagram(msg: &Message) -> Option<i32> {
    let rx = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    rx.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    let tx = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
    tx.connect(&rx.local_addr().unwrap()).unwrap();
    sys::set_zerocopy(tx.as_fd()).unwrap();
    let iov: Vec<IoSlice<'_>> = msg.fields().iter().map(|f| IoSlice::new(f)).collect();
    match tx.send_vectored_with_flags(&iov, libc::MSG_ZEROCOPY) {
        Ok(n) => {
            assert_eq!(n, msg.size());
            let mut got = vec![std::mem::MaybeUninit::uninit(); msg.size() + 1];
            assert_eq!(rx.recv(&mut got).unwrap(), msg.size());
            None
        }
        Err(e) => e.raw_os_error(),
    }
}

#[test]
fn a_datagram_whose_fields_touch_too_many_pages_is_refused_with_emsgsize() {
    let _serial = serial();
    if !root_or_skip("a_datagram_whose_fields_touch_too_many_pages_is_refused_with_emsgsize") {
        return;
    }
    for size in [60000, 65507] {
        // Page-aligned: 8 fields of about 2 pages each, 16 fragments, under the limit.
        let aligned = Message::page_aligned(size).unwrap();
        assert!(
            aligned.pages_touched() <= 16,
            "{} pages",
            aligned.pages_touched()
        );
        assert_eq!(send_zerocopy_datagram(&aligned), None, "aligned {size}");
        // Heap fields start mid-page: each touches a page more than it fills.
        let heap = Message::new(size);
        let pages = heap.pages_touched();
        match send_zerocopy_datagram(&heap) {
            Some(errno) => {
                eprintln!("heap fields of {size} B touch {pages} pages: errno {errno}");
                assert_eq!(errno, libc::EMSGSIZE, "heap {size}: {pages} pages");
                assert!(pages > 17, "refused with only {pages} pages");
            }
            // A kernel built with a larger CONFIG_MAX_SKB_FRAGS takes them.
            None => eprintln!("heap fields of {size} B ({pages} pages) accepted here"),
        }
    }
}

/// `--recv zerocopy` in a sweep beside `message`: verified data, mapped and copied
/// bytes in the CSV, and the reason the kernel copies said for each sender.
#[test]
fn zero_copy_receive_maps_what_zero_copy_senders_send_and_says_why_others_copy() {
    let _serial = serial();
    if !root_or_skip("zero_copy_receive_maps_what_zero_copy_senders_send_and_says_why_others_copy")
    {
        return;
    }
    let before = HostState::capture();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("recv-zc.csv");
    let out = netio()
        .args(["sweep", "--verify", "--duration", "0.3", "--threads", "1"])
        .args(["--strategies", "one-copy,zero-copy,sendfile"])
        .args(["--sizes", "64K", "--recv", "zerocopy,message", "--out"])
        .arg(&csv)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let (header, rows) = csv_rows(&csv);
    assert_eq!(rows.len(), 6, "{stderr}");
    for row in &rows {
        // With --verify a payload mismatch (mapped or copied bytes) fails the row.
        assert_eq!(col(&header, row, "error"), "", "{row:?}");
        let strategy = col(&header, row, "strategy");
        let bytes: u64 = col(&header, row, "bytes").parse().unwrap();
        assert!(bytes > 0, "{row:?}");
        if col(&header, row, "recv") != "zerocopy" {
            // Other receive modes have no mapped figures (and ran at MTU 1500).
            assert_eq!(col(&header, row, "rx_mapped_pct"), "", "{row:?}");
            continue;
        }
        let pct: f64 = col(&header, row, "rx_mapped_pct").parse().unwrap();
        let mapped: u64 = col(&header, row, "rx_mapped_bytes").parse().unwrap();
        let copied: u64 = col(&header, row, "rx_copied_bytes").parse().unwrap();
        // Every measured byte was either mapped or copied (the two are published a
        // read apart from the byte count, so a window edge may split one read).
        assert!((mapped + copied) as f64 >= bytes as f64 * 0.99, "{row:?}");
        if strategy == "zero-copy" {
            // Copied on local delivery into fresh single pages, one page per
            // segment at the raised MTU: nearly all of it is mapped.
            assert!(pct > 90.0, "{row:?}");
        } else {
            // Compound page fragments (one-copy), page-cache pages (sendfile).
            assert_eq!(pct, 0.0, "{row:?}");
        }
        assert!(
            stderr.contains(&format!(
                "{strategy} 64K ×1 recv=zerocopy: zero-copy receive maps only whole pages"
            )),
            "{stderr}"
        );
    }
    assert!(stderr.contains("compound pages"), "{stderr}");
    assert!(stderr.contains("belong to a file"), "{stderr}");
    before.assert_restored();
}

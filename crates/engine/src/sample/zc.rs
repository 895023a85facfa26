//! Zero-copy bookkeeping: the senders' completions, the receivers' mapped pages.

use serde::{Deserialize, Serialize};

/// Zero-copy bookkeeping of the sender threads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZcStats {
    /// sendmsg(MSG_ZEROCOPY) calls the kernel accepted.
    pub sends: u64,
    /// Sends whose completion notification arrived.
    pub completions: u64,
    /// Completed sends the kernel flagged SO_EE_CODE_ZEROCOPY_COPIED (it copied anyway).
    pub copied: u64,
    /// sendmsg calls refused with ENOBUFS and retried.
    pub enobufs: u64,
}

impl ZcStats {
    pub fn plus(&self, o: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends + o.sends,
            completions: self.completions + o.completions,
            copied: self.copied + o.copied,
            enobufs: self.enobufs + o.enobufs,
        }
    }

    pub fn minus(&self, earlier: &ZcStats) -> ZcStats {
        ZcStats {
            sends: self.sends.saturating_sub(earlier.sends),
            completions: self.completions.saturating_sub(earlier.completions),
            copied: self.copied.saturating_sub(earlier.copied),
            enobufs: self.enobufs.saturating_sub(earlier.enobufs),
        }
    }

    /// Share of completed sends the kernel copied anyway, in percent.
    pub fn copied_pct(&self) -> Option<f64> {
        (self.completions > 0).then(|| self.copied as f64 * 100.0 / self.completions as f64)
    }
}

/// Zero-copy receive bookkeeping of the receiver threads (`--recv zerocopy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxZcStats {
    /// Payload bytes the kernel mapped into the receive window (no copy).
    pub mapped: u64,
    /// Payload bytes it could not map (`recv_skip_hint`), read with a copy.
    pub copied: u64,
}

impl RxZcStats {
    pub fn plus(&self, o: &RxZcStats) -> RxZcStats {
        RxZcStats {
            mapped: self.mapped + o.mapped,
            copied: self.copied + o.copied,
        }
    }

    pub fn minus(&self, earlier: &RxZcStats) -> RxZcStats {
        RxZcStats {
            mapped: self.mapped.saturating_sub(earlier.mapped),
            copied: self.copied.saturating_sub(earlier.copied),
        }
    }

    /// Share of received bytes the kernel mapped, in percent.
    pub fn mapped_pct(&self) -> Option<f64> {
        let all = self.mapped + self.copied;
        (all > 0).then(|| self.mapped as f64 * 100.0 / all as f64)
    }
}

//! The message: 8 separately allocated fields, each filled with its own letter,
//! and the receiver's reassembly/verification of the byte stream.

use crate::config::{BufOffset, Strategy, FIELDS};
use crate::sys::PageBuf;
use std::io;

/// The span `--buf-offset` counts within: the 4 KiB over which the copy's source and
/// destination addresses are compared (whatever the system's page size).
pub const PLACE_SPAN: usize = 4096;

/// User bytes placed as `--buf-offset` asks, inside a heap allocation of their own:
/// starting `n` bytes into a 4 KiB span, or (heap) exactly where the allocator puts
/// an allocation of their length.
pub struct PlacedBuf {
    alloc: Vec<u8>,
    start: usize,
    len: usize,
}

impl PlacedBuf {
    /// `len` bytes of `fill`, placed as `place` says.
    /// Small buffers only: a failed allocation panics (see [`PlacedBuf::try_new`]).
    pub fn new(len: usize, fill: u8, place: BufOffset) -> PlacedBuf {
        PlacedBuf::try_new(len, fill, place).unwrap_or_else(|e| panic!("{e}"))
    }

    /// As [`PlacedBuf::new`], or an error when the memory (or `ulimit -v`) has no
    /// room for it: for buffers whose size the user chooses.
    pub fn try_new(len: usize, fill: u8, place: BufOffset) -> io::Result<PlacedBuf> {
        let n = match place {
            BufOffset::Heap => 0,
            BufOffset::Page(n) => n as usize,
        };
        let total = match place {
            BufOffset::Heap => len,
            BufOffset::Page(_) => len + PLACE_SPAN + n,
        };
        let mut alloc = crate::sys::try_zeroed(total)?;
        let start = match place {
            BufOffset::Heap => 0,
            BufOffset::Page(_) => {
                let addr = alloc.as_ptr() as usize;
                (PLACE_SPAN - addr % PLACE_SPAN) % PLACE_SPAN + n
            }
        };
        if fill != 0 {
            alloc[start..start + len].fill(fill);
        }
        Ok(PlacedBuf { alloc, start, len })
    }
}

impl std::ops::Deref for PlacedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.alloc[self.start..self.start + self.len]
    }
}

impl std::ops::DerefMut for PlacedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.alloc[self.start..self.start + self.len]
    }
}

/// One message as the sender holds it. Fields are never rewritten after creation,
/// which is what makes zero-copy sends safe without tracking buffer ownership.
pub struct Message {
    fields: Vec<Field>,
    size: usize,
}

/// One separately allocated field: on the heap, as the course's programs allocate
/// them (at the `--buf-offset` asked), or starting on a page boundary of its own
/// (see [`Message::page_aligned`]).
pub enum Field {
    Heap(PlacedBuf),
    Pages(PageBuf),
}

impl std::ops::Deref for Field {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Field::Heap(v) => v,
            Field::Pages(p) => p,
        }
    }
}

impl std::borrow::Borrow<[u8]> for Field {
    fn borrow(&self) -> &[u8] {
        self
    }
}

/// Pages that `len` bytes starting at address `addr` touch.
pub fn pages_spanned(addr: usize, len: usize, page: usize) -> usize {
    if len == 0 {
        0
    } else {
        (addr + len - 1) / page - addr / page + 1
    }
}

/// Length of field `i` of a `size`-byte message: even split, remainder to the last.
fn field_len(size: usize, i: usize) -> usize {
    let base = size / FIELDS;
    if i == FIELDS - 1 {
        size - base * (FIELDS - 1)
    } else {
        base
    }
}

/// Where each field of a `size`-byte message placed as `place` starts (see
/// [`Message::placed`]), and its length, in field order.
pub fn field_layout(size: usize, place: BufOffset) -> impl Iterator<Item = (BufOffset, usize)> {
    (0..FIELDS).map(move |i| {
        let at = match place {
            BufOffset::Heap => BufOffset::Heap,
            BufOffset::Page(n) => {
                let before = i * (size / FIELDS);
                BufOffset::Page(((n as usize + before) % PLACE_SPAN) as u16)
            }
        };
        (at, field_len(size, i))
    })
}

fn pattern(field: usize) -> u8 {
    b'A' + field as u8
}

impl Message {
    /// Fields on the heap, wherever the allocator puts them (the course's programs).
    pub fn new(size: usize) -> Message {
        Message::placed(size, BufOffset::Heap)
    }

    /// Fields on the heap, each its own allocation, placed as `place` says. With an
    /// offset, field i starts where it would in one contiguous message starting that
    /// far into a page: at the offset plus the bytes before it, modulo 4 KiB. Every
    /// byte then sits at the same distance from its stream position, and small fields
    /// spread over the cache's sets as a contiguous message does instead of all landing
    /// on the same ones.
    pub fn placed(size: usize, place: BufOffset) -> Message {
        Message::try_placed(size, place).unwrap_or_else(|e| panic!("{e}"))
    }

    /// As [`Message::placed`], or an error when the memory has no room for it.
    pub fn try_placed(size: usize, place: BufOffset) -> io::Result<Message> {
        let fields = field_layout(size, place)
            .enumerate()
            .map(|(i, (at, len))| PlacedBuf::try_new(len, pattern(i), at).map(Field::Heap))
            .collect::<io::Result<_>>()?;
        Ok(Message { fields, size })
    }

    /// Every field starting on a page of its own, so a field of n pages' worth of
    /// bytes touches no more than n pages. MSG_ZEROCOPY pins each page a field touches
    /// as one fragment of the packet, and a UDP datagram is one packet of at most
    /// MAX_SKB_FRAGS (17) fragments: 8 heap fields of 7500 bytes (a 60000-byte
    /// datagram) start mid-page and touch 2 or 3 pages each, 20 or more in all, and
    /// the kernel refuses the send with EMSGSIZE; page-aligned they touch 16.
    pub fn page_aligned(size: usize) -> io::Result<Message> {
        let fields = (0..FIELDS)
            .map(|i| {
                let len = field_len(size, i);
                let mut content = crate::sys::try_zeroed(len)?;
                content.fill(pattern(i));
                PageBuf::copy_of(&content)
                    .map(Field::Pages)
                    .map_err(|e| match e.raw_os_error() {
                        Some(libc::ENOMEM) => crate::sys::no_room(len),
                        _ => e,
                    })
            })
            .collect::<io::Result<_>>()?;
        Ok(Message { fields, size })
    }

    /// The message as `strategy` sends it: page-aligned fields where the kernel pins
    /// the fields' own pages (MSG_ZEROCOPY: `place` does not apply), heap fields
    /// placed as `place` says everywhere else.
    pub fn for_strategy(strategy: Strategy, size: usize, place: BufOffset) -> io::Result<Message> {
        if strategy.needs_so_zerocopy() {
            Message::page_aligned(size)
        } else {
            Message::try_placed(size, place)
        }
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Pages the fields touch in all: the fragments a zero-copy send of the message
    /// pins (fields never share a page, heap fields rarely do at these sizes).
    pub fn pages_touched(&self) -> usize {
        let page = crate::sys::page_size();
        self.fields
            .iter()
            .map(|f| pages_spanned(f.as_ptr() as usize, f.len(), page))
            .sum()
    }

    pub fn size(&self) -> usize {
        self.size
    }
}

/// Follows the received byte stream: where in a message we are, how many whole
/// messages arrived, and (when asked) whether every byte has its field's letter.
pub struct PayloadCheck {
    size: usize,
    base: usize,
    offset: usize,
    messages: u64,
    first_error: Option<String>,
}

impl PayloadCheck {
    pub fn new(size: usize) -> PayloadCheck {
        PayloadCheck {
            size,
            base: size / FIELDS,
            offset: 0,
            messages: 0,
            first_error: None,
        }
    }

    pub fn messages(&self) -> u64 {
        self.messages
    }

    /// Bytes still missing from the message being received.
    pub fn remaining_in_message(&self) -> usize {
        self.size - self.offset
    }

    /// Counts `n` more bytes without looking at them.
    #[inline]
    pub fn advance(&mut self, n: usize) {
        let end = self.offset + n;
        self.messages += (end / self.size) as u64;
        self.offset = end % self.size;
    }

    /// Checks and counts `data`; returns the first mismatch ever seen, if any.
    /// Bytes after a mismatch are still counted, not checked.
    pub fn feed(&mut self, mut data: &[u8]) -> Option<String> {
        while !data.is_empty() {
            if self.first_error.is_some() {
                self.advance(data.len());
                break;
            }
            let field = self.field_at(self.offset);
            let field_end = if field == FIELDS - 1 {
                self.size
            } else {
                (field + 1) * self.base
            };
            let take = data.len().min(field_end - self.offset);
            let want = pattern(field);
            if let Some(pos) = data[..take].iter().position(|&b| b != want) {
                self.first_error = Some(format!(
                    "payload mismatch in message {}, field {} at byte {}: expected {:?}, got 0x{:02x}",
                    self.messages,
                    field,
                    self.offset + pos,
                    want as char,
                    data[pos]
                ));
            }
            self.advance(take);
            data = &data[take..];
        }
        self.first_error.clone()
    }

    fn field_at(&self, offset: usize) -> usize {
        offset
            .checked_div(self.base)
            .map_or(FIELDS - 1, |f| f.min(FIELDS - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_evenly_with_remainder_last() {
        let m = Message::new(4099);
        let lens: Vec<usize> = m.fields().iter().map(|f| f.len()).collect();
        assert_eq!(lens, vec![512, 512, 512, 512, 512, 512, 512, 515]);
        assert_eq!(m.fields()[2][0], b'C');
        let tiny = Message::new(3);
        assert_eq!(tiny.fields().iter().map(|f| f.len()).sum::<usize>(), 3);
        assert_eq!(&*tiny.fields()[7], b"HHH");
    }

    #[test]
    fn page_aligned_fields_fit_one_datagram_of_any_size() {
        // The kernel's fragment limit for one UDP datagram (MAX_SKB_FRAGS).
        const MAX_SKB_FRAGS: usize = 17;
        assert_eq!(pages_spanned(0, 4096, 4096), 1);
        assert_eq!(pages_spanned(1, 4096, 4096), 2);
        assert_eq!(pages_spanned(4000, 7500, 4096), 3);
        assert_eq!(pages_spanned(5, 0, 4096), 0);
        let page = crate::sys::page_size();
        for size in [1, 4096, 8000, 32768, 60000, 65507] {
            let m = Message::page_aligned(size).unwrap();
            assert!(m.fields().iter().all(|f| f.as_ptr() as usize % page == 0));
            assert!(
                m.pages_touched() <= MAX_SKB_FRAGS,
                "size {size}: {} pages",
                m.pages_touched()
            );
            assert_eq!(m.fields().concat(), Message::new(size).fields().concat());
        }
        // The same 60000 bytes as 8 fields of 7500 starting mid-page: over the limit.
        let mid_page: usize = (0..FIELDS)
            .map(|i| pages_spanned(i * 4096 + 2048, 7500, 4096))
            .sum();
        assert!(mid_page > MAX_SKB_FRAGS, "{mid_page}");
    }

    #[test]
    fn placed_fields_start_where_asked_and_hold_the_same_bytes() {
        for size in [1, 64, 4099, 131072] {
            let heap = Message::new(size).fields().concat();
            for n in [0u16, 16, 2048, 4095] {
                let m = Message::placed(size, BufOffset::Page(n));
                // Each field where it would be in a contiguous message at page+n.
                let mut before = 0;
                for f in m.fields().iter() {
                    if !f.is_empty() {
                        let want = (n as usize + before) % PLACE_SPAN;
                        assert_eq!(f.as_ptr() as usize % PLACE_SPAN, want, "size {size}");
                    }
                    before += f.len();
                }
                assert_eq!(m.fields().concat(), heap, "size {size} offset {n}");
            }
        }
        let mut b = PlacedBuf::new(100, 0, BufOffset::Page(5));
        assert_eq!(b.as_ptr() as usize % PLACE_SPAN, 5);
        assert!(b.iter().all(|&x| x == 0));
        b[99] = 7;
        assert_eq!(b.len(), 100);
        assert_eq!(PlacedBuf::new(3, b'x', BufOffset::Heap)[..], *b"xxx");
        // Zero-copy keeps its page-aligned fields whatever the offset asked.
        let zc = Message::for_strategy(Strategy::ZeroCopy, 8192, BufOffset::Page(16)).unwrap();
        assert!(zc
            .fields()
            .iter()
            .all(|f| f.as_ptr() as usize % PLACE_SPAN == 0));
    }

    #[test]
    fn reassembles_across_arbitrary_chunks() {
        for size in [1, 5, 8, 64, 1001] {
            let one: Vec<u8> = Message::new(size).fields().concat();
            let stream = one.repeat(7);
            for chunk in [1, 3, 64, 4096] {
                let mut c = PayloadCheck::new(size);
                for piece in stream.chunks(chunk) {
                    assert_eq!(c.feed(piece), None);
                }
                assert_eq!(c.messages(), 7, "size {size} chunk {chunk}");
                let mut plain = PayloadCheck::new(size);
                stream.chunks(chunk).for_each(|p| plain.advance(p.len()));
                assert_eq!(plain.messages(), 7);
            }
        }
    }

    #[test]
    fn reports_the_first_mismatch() {
        let mut stream: Vec<u8> = Message::new(16).fields().concat().repeat(2);
        stream[16 + 5] = b'Z';
        let mut c = PayloadCheck::new(16);
        let err = c.feed(&stream).unwrap();
        assert!(err.contains("message 1, field 2 at byte 5"), "{err}");
        assert!(err.contains("0x5a"), "{err}");
        // Everything is still counted after the mismatch.
        assert_eq!(c.messages(), 2);
    }
}

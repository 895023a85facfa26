//! The message: 8 separately allocated fields, each filled with its own letter,
//! and the receiver's reassembly/verification of the byte stream.

use crate::engine::config::FIELDS;

/// One message as the sender holds it. Fields are never rewritten after creation,
/// which is what makes zero-copy sends safe without tracking buffer ownership.
pub struct Message {
    fields: Vec<Vec<u8>>,
    size: usize,
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

fn pattern(field: usize) -> u8 {
    b'A' + field as u8
}

impl Message {
    pub fn new(size: usize) -> Message {
        let fields = (0..FIELDS)
            .map(|i| vec![pattern(i); field_len(size, i)])
            .collect();
        Message { fields, size }
    }

    pub fn fields(&self) -> &[Vec<u8>] {
        &self.fields
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
        let lens: Vec<usize> = m.fields().iter().map(Vec::len).collect();
        assert_eq!(lens, vec![512, 512, 512, 512, 512, 512, 512, 515]);
        assert_eq!(m.fields()[2][0], b'C');
        let tiny = Message::new(3);
        assert_eq!(tiny.fields().iter().map(Vec::len).sum::<usize>(), 3);
        assert_eq!(tiny.fields()[7], b"HHH");
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

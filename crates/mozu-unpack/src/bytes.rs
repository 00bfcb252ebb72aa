//! Bounds-checked little-endian reads over attacker bytes: every read
//! returns `None` instead of panicking when it would leave the slice.

/// `len` bytes at `offset`, if all of them are inside `bytes`.
pub(crate) fn slice_at(bytes: &[u8], offset: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let len = usize::try_from(len).ok()?;
    bytes.get(start..start.checked_add(len)?)
}

/// The bytes from `offset` to the end (empty past the end).
pub(crate) fn tail_at(bytes: &[u8], offset: u64) -> &[u8] {
    usize::try_from(offset)
        .ok()
        .and_then(|start| bytes.get(start..))
        .unwrap_or(&[])
}

/// Up to `len` bytes at `offset`, clipped to the end of `bytes`.
pub(crate) fn clipped_at(bytes: &[u8], offset: u64, len: u64) -> &[u8] {
    let tail = tail_at(bytes, offset);
    let len = usize::try_from(len).unwrap_or(usize::MAX).min(tail.len());
    &tail[..len]
}

/// Byte at `offset`.
pub(crate) fn u8_at(bytes: &[u8], offset: u64) -> Option<u8> {
    slice_at(bytes, offset, 1).map(|b| b[0])
}

/// Little-endian `u16` at `offset`.
pub(crate) fn u16_at(bytes: &[u8], offset: u64) -> Option<u16> {
    slice_at(bytes, offset, 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// Little-endian `u32` at `offset`.
pub(crate) fn u32_at(bytes: &[u8], offset: u64) -> Option<u32> {
    slice_at(bytes, offset, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Little-endian `u64` at `offset`.
pub(crate) fn u64_at(bytes: &[u8], offset: u64) -> Option<u64> {
    let b = slice_at(bytes, offset, 8)?;
    let mut le = [0u8; 8];
    le.copy_from_slice(b);
    Some(u64::from_le_bytes(le))
}

/// A forward cursor over a byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor at `pos` in `bytes`.
    pub(crate) fn new(bytes: &'a [u8], pos: u64) -> Self {
        Self { bytes, pos }
    }

    /// The current offset.
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// Takes `len` bytes.
    pub(crate) fn take(&mut self, len: u64) -> Option<&'a [u8]> {
        let out = slice_at(self.bytes, self.pos, len)?;
        self.pos += len;
        Some(out)
    }

    /// Takes one byte.
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Takes a little-endian `u16`.
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    /// Takes a little-endian `u32`.
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Takes a little-endian `u64`.
    pub(crate) fn u64(&mut self) -> Option<u64> {
        let b = self.take(8)?;
        let mut le = [0u8; 8];
        le.copy_from_slice(b);
        Some(u64::from_le_bytes(le))
    }

    /// Takes a RAR5 variable-length integer (7 bits a byte, low first, at
    /// most 10 bytes).
    pub(crate) fn vint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let b = self.u8()?;
            value |= u64::from(b & 0x7f).checked_shl(7 * i).unwrap_or(0);
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stay_in_bounds() {
        let b = [1u8, 2, 3, 4, 5];
        assert_eq!(u16_at(&b, 0), Some(0x0201));
        assert_eq!(u32_at(&b, 2), None);
        assert_eq!(u64_at(&b, 0), None);
        assert_eq!(slice_at(&b, u64::MAX, 2), None);
        assert_eq!(clipped_at(&b, 3, 100), &[4, 5]);
        assert!(tail_at(&b, 99).is_empty());
        let mut c = Cursor::new(&[0x81, 0x01, 0x05], 0);
        assert_eq!(c.vint(), Some(129));
        assert_eq!(c.vint(), Some(5));
        assert_eq!(c.vint(), None);
    }
}

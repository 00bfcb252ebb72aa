//! MAPI properties of one storage (message, recipient or attachment):
//! fixed-size values from `__properties_version1.0` and variable-size
//! values from `__substg1.0_PPPPTTTT` streams, read lazily.

use std::collections::HashMap;

use super::{CfbReader, Child, Warnings};
use crate::codepage;

/// `PT_SHORT`.
const PT_SHORT: u16 = 0x0002;
/// `PT_LONG`.
const PT_LONG: u16 = 0x0003;
/// `PT_BOOLEAN`.
const PT_BOOLEAN: u16 = 0x000B;
/// `PT_SYSTIME` (FILETIME).
const PT_SYSTIME: u16 = 0x0040;
/// `PT_STRING8`: 8-bit string in the message code page.
pub(crate) const PT_STRING8: u16 = 0x001E;
/// `PT_UNICODE`: UTF-16LE string.
pub(crate) const PT_UNICODE: u16 = 0x001F;
/// `PT_BINARY`.
pub(crate) const PT_BINARY: u16 = 0x0102;
/// `PT_OBJECT` (a storage, e.g. an embedded message).
pub(crate) const PT_OBJECT: u16 = 0x000D;

/// Name of the fixed-size property stream.
pub(crate) const PROPERTIES_STREAM: &str = "__properties_version1.0";
/// Prefix of variable-size property streams and storages.
const SUBSTG_PREFIX: &str = "__substg1.0_";
/// Most fixed-size entries kept per storage.
const MAX_FIXED_ENTRIES: usize = 65_536;

/// Size of the `__properties_version1.0` header before the 16-byte entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PropsHeader {
    /// Top-level message: 32 bytes.
    TopMessage,
    /// Embedded message: 24 bytes.
    EmbeddedMessage,
    /// Recipient or attachment: 8 bytes.
    Child,
}

impl PropsHeader {
    fn len(self) -> usize {
        match self {
            Self::TopMessage => 32,
            Self::EmbeddedMessage => 24,
            Self::Child => 8,
        }
    }
}

/// The properties of one storage; stream values are read on demand.
#[derive(Debug, Default)]
pub(crate) struct PropertyBag {
    fixed: HashMap<u16, (u16, [u8; 8])>,
    streams: HashMap<(u16, u16), Child>,
    /// Sub-storages named `__substg1.0_PPPPTTTT` (e.g. `3701000D`).
    objects: HashMap<u16, Child>,
    /// Whether the storage holds any MAPI property at all.
    pub(crate) has_properties: bool,
}

/// Parses `__substg1.0_PPPPTTTT` into (id, type).
pub(crate) fn parse_substg_name(name: &str) -> Option<(u16, u16)> {
    let hex = name.strip_prefix(SUBSTG_PREFIX)?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = u16::from_str_radix(hex.get(..4)?, 16).ok()?;
    let prop_type = u16::from_str_radix(hex.get(4..)?, 16).ok()?;
    Some((id, prop_type))
}

impl PropertyBag {
    /// Indexes `children` of a storage and reads its fixed-size properties.
    pub(crate) fn load(
        reader: &mut CfbReader<'_>,
        children: &[Child],
        header: PropsHeader,
        warnings: &mut Warnings,
    ) -> Self {
        let mut bag = Self::default();
        for child in children {
            if let Some(key) = parse_substg_name(&child.name) {
                bag.has_properties = true;
                if child.is_stream {
                    bag.streams.insert(key, child.clone());
                } else if key.1 == PT_OBJECT {
                    bag.objects.insert(key.0, child.clone());
                }
            } else if child.name == PROPERTIES_STREAM && child.is_stream {
                bag.has_properties = true;
                if let Some(data) = reader.read_stream(child, PROPERTIES_STREAM, warnings) {
                    bag.parse_fixed(&data, header, warnings);
                }
            }
        }
        bag
    }

    fn parse_fixed(&mut self, data: &[u8], header: PropsHeader, warnings: &mut Warnings) {
        let mut header_len = header.len();
        // Some writers use the top-level header size in embedded messages
        // and vice versa; pick the one that leaves whole entries.
        if header != PropsHeader::Child && data.len() % 16 != header_len % 16 {
            let other = if header_len == 32 { 24 } else { 32 };
            if data.len() >= other && data.len() % 16 == other % 16 {
                warnings.push(format!(
                    "{PROPERTIES_STREAM}: header is {other} bytes, expected {header_len}"
                ));
                header_len = other;
            }
        }
        let Some(entries) = data.get(header_len..) else {
            warnings.push(format!(
                "{PROPERTIES_STREAM}: {} bytes, shorter than its {header_len}-byte header",
                data.len()
            ));
            return;
        };
        let chunks = entries.chunks_exact(16);
        if !chunks.remainder().is_empty() {
            warnings.push(format!(
                "{PROPERTIES_STREAM}: {} trailing bytes ignored (not a whole 16-byte entry)",
                chunks.remainder().len()
            ));
        }
        for entry in chunks {
            if self.fixed.len() >= MAX_FIXED_ENTRIES {
                warnings.push(format!(
                    "{PROPERTIES_STREAM}: more than {MAX_FIXED_ENTRIES} entries; rest ignored"
                ));
                break;
            }
            let prop_type = u16::from_le_bytes([entry[0], entry[1]]);
            let id = u16::from_le_bytes([entry[2], entry[3]]);
            let mut value = [0u8; 8];
            value.copy_from_slice(&entry[8..16]);
            self.fixed.entry(id).or_insert((prop_type, value));
        }
    }

    /// A `PT_LONG` (or `PT_SHORT` / `PT_BOOLEAN`) value.
    pub(crate) fn u32(&self, id: u16) -> Option<u32> {
        let (prop_type, value) = self.fixed.get(&id)?;
        match *prop_type {
            PT_LONG => Some(u32::from_le_bytes([value[0], value[1], value[2], value[3]])),
            PT_SHORT | PT_BOOLEAN => Some(u32::from(u16::from_le_bytes([value[0], value[1]]))),
            _ => None,
        }
    }

    /// A `PT_SYSTIME` value as Unix seconds; `None` for 0 (unset) and for
    /// values that do not fit.
    pub(crate) fn unix_time(&self, id: u16) -> Option<i64> {
        const FILETIME_TICKS_PER_SECOND: u64 = 10_000_000;
        const SECONDS_1601_TO_1970: i64 = 11_644_473_600;
        let (prop_type, value) = self.fixed.get(&id)?;
        if *prop_type != PT_SYSTIME {
            return None;
        }
        let ticks = u64::from_le_bytes(*value);
        if ticks == 0 {
            return None;
        }
        let seconds = i64::try_from(ticks / FILETIME_TICKS_PER_SECOND).ok()?;
        Some(seconds - SECONDS_1601_TO_1970)
    }

    /// The stream entry of a variable-size property, if present.
    pub(crate) fn stream(&self, id: u16, prop_type: u16) -> Option<&Child> {
        self.streams.get(&(id, prop_type))
    }

    /// The sub-storage of a `PT_OBJECT` property, if present.
    pub(crate) fn object(&self, id: u16) -> Option<&Child> {
        self.objects.get(&id)
    }
}

/// Reads values out of a [`PropertyBag`], decoding strings with the
/// message's code page and recording problems as warnings.
pub(crate) struct PropReader<'r, 'a> {
    pub(crate) reader: &'r mut CfbReader<'a>,
    pub(crate) bag: &'r PropertyBag,
    pub(crate) code_page: Option<u32>,
    pub(crate) warnings: &'r mut Warnings,
    /// Set once an 8-bit string had to be decoded without a code page.
    pub(crate) guessed_code_page: &'r mut bool,
}

impl PropReader<'_, '_> {
    /// Raw bytes of a variable-size property.
    pub(crate) fn raw(&mut self, id: u16, prop_type: u16) -> Option<Vec<u8>> {
        let child = self.bag.stream(id, prop_type)?.clone();
        let what = format!("property 0x{id:04X}{prop_type:04X}");
        self.reader.read_stream(&child, &what, self.warnings)
    }

    /// A `PT_BINARY` value.
    pub(crate) fn binary(&mut self, id: u16) -> Option<Vec<u8>> {
        self.raw(id, PT_BINARY)
    }

    /// A string property: `PT_UNICODE` preferred, else `PT_STRING8`
    /// decoded with the code page. Trailing NULs are stripped; empty
    /// strings are `None`.
    pub(crate) fn string(&mut self, id: u16) -> Option<String> {
        let decoded = if let Some(mut bytes) = self.raw(id, PT_UNICODE) {
            while bytes.len() >= 2 && bytes[bytes.len() - 2..] == [0, 0] {
                bytes.truncate(bytes.len() - 2);
            }
            codepage::decode_utf16le(&bytes)
        } else {
            let mut bytes = self.raw(id, PT_STRING8)?;
            while bytes.last() == Some(&0) {
                bytes.pop();
            }
            if self.code_page.is_none() && !bytes.is_ascii() {
                *self.guessed_code_page = true;
            }
            codepage::decode_8bit(&bytes, self.code_page)
        };
        if let Some(warning) = decoded.warning {
            self.warnings.push(format!("property 0x{id:04X} string: {warning}"));
        }
        Some(decoded.text).filter(|text| !text.is_empty())
    }

    /// The first present, non-empty string among `ids`.
    pub(crate) fn first_string(&mut self, ids: &[u16]) -> Option<String> {
        ids.iter().find_map(|&id| self.string(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substg_names_parse_only_exact_hex() {
        assert_eq!(parse_substg_name("__substg1.0_0037001F"), Some((0x0037, 0x001F)));
        assert_eq!(parse_substg_name("__substg1.0_3701000d"), Some((0x3701, 0x000D)));
        assert_eq!(parse_substg_name("__substg1.0_0037001F-00000000"), None);
        assert_eq!(parse_substg_name("__substg1.0_+037001F"), None);
        assert_eq!(parse_substg_name("__substg1.0_ä037001"), None);
    }

    #[test]
    fn fixed_entries_and_filetime() {
        let mut data = vec![0u8; 8];
        // PT_SYSTIME 0x0039 = 2024-01-02T03:04:05Z.
        let ticks: u64 = (1_704_164_645 + 11_644_473_600) * 10_000_000;
        data.extend_from_slice(&[0x40, 0x00, 0x39, 0x00, 6, 0, 0, 0]);
        data.extend_from_slice(&ticks.to_le_bytes());
        data.extend_from_slice(&[0x03, 0x00, 0x05, 0x37, 6, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
        data.extend_from_slice(&[1, 2, 3]);
        let mut bag = PropertyBag::default();
        let mut warnings = Warnings::default();
        bag.parse_fixed(&data, PropsHeader::Child, &mut warnings);
        assert_eq!(bag.unix_time(0x0039), Some(1_704_164_645));
        assert_eq!(bag.u32(0x3705), Some(5));
        assert_eq!(bag.u32(0x0039), None);
        assert_eq!(warnings.finish().len(), 1);
    }
}

//! Embedded OLE object structures shared by the CFB and RTF analysers:
//! the OLE1 object header of RTF `\objdata` (MS-OLEDS 2.2.4
//! ObjectHeader / EmbeddedObject), the `Package` (packager shell object)
//! native data that carries a dropped file, and the `\x01CompObj` stream
//! that names an embedded object's class.

use crate::codepage::{decode_ansi_guess, decode_latin1};
use crate::vba::dir::{read_u16, read_u32};

/// Longest class, topic or item name accepted in an OLE1 header.
const MAX_OLE1_NAME: usize = 1024;
/// Longest path string accepted in Package native data.
const MAX_PACKAGE_STRING: usize = 4096;

/// File extensions that make a dropped file dangerous on double-click.
const RISKY_EXTENSIONS: &[&str] = &[
    "exe", "scr", "com", "pif", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "ps1", "lnk", "dll",
    "cpl", "jar", "msi", "reg", "inf", "sct", "chm", "iso", "url", "xll", "wll", "docm", "xlsm", "one",
];

/// An OLE1 object as stored in RTF `\objdata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ole1Object<'a> {
    /// 1 = linked, 2 = embedded.
    pub(crate) format_id: u32,
    /// ClassName (`Package`, `Equation.3`, `Word.Document.8`, `OLE2Link` …).
    pub(crate) class: String,
    /// TopicName (for links: the linked file or URL).
    pub(crate) topic: String,
    /// NativeData of an embedded object.
    pub(crate) native: &'a [u8],
}

/// Parses an OLE1 object header and its native data. `None` when the bytes
/// are not an OLE1 object (RTF `\objdata` may also hold a bare CFB).
pub(crate) fn parse_ole1(data: &[u8]) -> Option<Ole1Object<'_>> {
    let _version = read_u32(data, 0)?;
    let format_id = read_u32(data, 4)?;
    if format_id != 1 && format_id != 2 {
        return None;
    }
    let (class, pos) = length_prefixed(data, 8, MAX_OLE1_NAME)?;
    let (topic, pos) = length_prefixed(data, pos, MAX_OLE1_NAME)?;
    let (_item, pos) = length_prefixed(data, pos, MAX_OLE1_NAME)?;
    let native = if format_id == 2 {
        let size = usize::try_from(read_u32(data, pos)?).ok()?;
        let start = pos + 4;
        // A short NativeData is kept as far as it goes: droppers lie.
        let end = start.saturating_add(size).min(data.len());
        data.get(start..end).unwrap_or_default()
    } else {
        &[]
    };
    Some(Ole1Object {
        format_id,
        class: trim_nul(&class),
        topic: trim_nul(&topic),
        native,
    })
}

/// A file carried by a `Package` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package<'a> {
    /// Label (usually the file name) the user sees.
    pub(crate) label: String,
    /// Path of the file when it was packaged.
    pub(crate) source_path: String,
    /// Path the file is dropped to when activated.
    pub(crate) temp_path: String,
    /// The file itself.
    pub(crate) data: &'a [u8],
}

impl Package<'_> {
    /// The best file name: the label, else the last component of a path.
    pub(crate) fn file_name(&self) -> &str {
        [&self.label, &self.temp_path, &self.source_path]
            .into_iter()
            .map(|name| name.rsplit(['\\', '/']).next().unwrap_or(name))
            .find(|name| !name.trim().is_empty())
            .unwrap_or("package.bin")
    }

    /// Whether the file's extension is one that runs code.
    pub(crate) fn is_risky(&self) -> bool {
        let name = self.file_name().trim_end_matches(['.', ' ']).to_ascii_lowercase();
        name.rsplit_once('.')
            .is_some_and(|(_, extension)| RISKY_EXTENSIONS.contains(&extension))
    }
}

/// Parses Package native data. With `size_prefixed` (the `\x01Ole10Native`
/// stream) a 4-byte total size comes first; RTF NativeData has none.
pub(crate) fn parse_package(data: &[u8], size_prefixed: bool) -> Option<Package<'_>> {
    let mut pos = if size_prefixed { 4 } else { 0 };
    if read_u16(data, pos)? != 2 {
        return None;
    }
    pos += 2;
    let (label, next) = c_string(data, pos)?;
    let (source_path, next) = c_string(data, next)?;
    // Two 16-bit fields (reserved, type 3 = embedded file), then the temp
    // path with a 32-bit length prefix that includes its NUL.
    let kind = read_u16(data, next + 2)?;
    if kind != 3 {
        return Some(Package {
            label,
            source_path,
            temp_path: String::new(),
            data: &[],
        });
    }
    let temp_len = usize::try_from(read_u32(data, next + 4)?).ok()?;
    if temp_len > MAX_PACKAGE_STRING {
        return None;
    }
    let temp_start = next + 8;
    let temp_path = trim_nul(&decode_ansi_guess(data.get(temp_start..temp_start + temp_len)?));
    let size_at = temp_start + temp_len;
    let size = usize::try_from(read_u32(data, size_at)?).ok()?;
    let start = size_at + 4;
    let end = start.saturating_add(size).min(data.len());
    Some(Package {
        label,
        source_path,
        temp_path,
        data: data.get(start..end).unwrap_or_default(),
    })
}

/// The class an `\x01CompObj` stream names: its ProgID (`Equation.3`) when
/// present, else the user type (`Microsoft Equation 3.0`).
pub(crate) fn compobj_class(data: &[u8]) -> Option<String> {
    // 28-byte header, AnsiUserType, AnsiClipboardFormat, then the ProgID.
    let (user_type, pos) = length_prefixed(data, 28, MAX_OLE1_NAME)?;
    let user_type = trim_nul(&user_type);
    let marker = read_u32(data, pos)?;
    let pos = match marker {
        0 => pos + 4,
        0xFFFF_FFFF | 0xFFFF_FFFE => pos + 8,
        length => pos + 4 + usize::try_from(length).ok()?,
    };
    let prog_id = length_prefixed(data, pos, MAX_OLE1_NAME)
        .map(|(text, _)| trim_nul(&text))
        .filter(|text| !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()));
    prog_id.or(Some(user_type)).filter(|class| !class.is_empty())
}

/// Whether objects of this class are the usual exploit or dropper carriers
/// (Equation Editor CVE-2017-11882 / CVE-2018-0802, Package droppers,
/// OLE2Link CVE-2017-0199 URL monikers).
pub(crate) fn is_risky_class(class: &str) -> bool {
    let lower = class.to_ascii_lowercase();
    lower.starts_with("equation") || lower == "package" || lower == "ole2link" || lower.starts_with("htmlfile")
}

/// A 32-bit length-prefixed 8-bit string at `pos`; returns it and the
/// position after it.
fn length_prefixed(data: &[u8], pos: usize, max: usize) -> Option<(String, usize)> {
    let length = usize::try_from(read_u32(data, pos)?).ok()?;
    if length > max {
        return None;
    }
    let start = pos + 4;
    let bytes = data.get(start..start.checked_add(length)?)?;
    Some((decode_latin1(bytes), start + length))
}

/// A NUL-terminated 8-bit string at `pos` (at most [`MAX_PACKAGE_STRING`]
/// bytes); returns it and the position after the NUL.
fn c_string(data: &[u8], pos: usize) -> Option<(String, usize)> {
    let rest = data.get(pos..)?;
    let length = rest.iter().take(MAX_PACKAGE_STRING).position(|&byte| byte == 0)?;
    Some((decode_ansi_guess(&rest[..length]), pos + length + 1))
}

fn trim_nul(text: &str) -> String {
    text.trim_end_matches('\0').to_owned()
}

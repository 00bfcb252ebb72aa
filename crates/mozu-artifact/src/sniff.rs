//! Type by content: magic numbers first, then structure, then (for text)
//! the name and content markers together.

/// A detected artifact type. `as_str` names are the `detected_type` values
/// of the record and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileType {
    /// ZIP archive (not an Office package).
    Zip,
    /// Office Open XML package (docx/xlsx/pptx and macro variants).
    Ooxml,
    /// 7-Zip archive.
    SevenZ,
    /// RAR archive.
    Rar,
    /// gzip stream.
    Gzip,
    /// bzip2 stream.
    Bzip2,
    /// xz stream.
    Xz,
    /// tar archive.
    Tar,
    /// Microsoft cabinet.
    Cab,
    /// ISO 9660 / UDF disk image.
    Iso,
    /// OLE compound file (doc, xls, ppt, vbaProject.bin).
    Ole,
    /// Outlook message (an OLE compound file with MAPI properties).
    Msg,
    /// RTF document.
    Rtf,
    /// PDF document.
    Pdf,
    /// Windows PE executable or DLL.
    Pe,
    /// ELF executable.
    Elf,
    /// Windows shortcut.
    Lnk,
    /// RFC 5322 mail message.
    Eml,
    /// Script (language from name and content markers).
    Script,
    /// Excel web query, SYLK or Internet shortcut text lure.
    TextLure,
    /// HTML document.
    Html,
    /// Image (PNG, JPEG, GIF, BMP, ICO).
    Image,
    /// Other text.
    Text,
    /// Anything else.
    Unknown,
}

impl FileType {
    /// The stable `detected_type` name.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Zip => "zip",
            FileType::Ooxml => "ooxml",
            FileType::SevenZ => "7z",
            FileType::Rar => "rar",
            FileType::Gzip => "gzip",
            FileType::Bzip2 => "bzip2",
            FileType::Xz => "xz",
            FileType::Tar => "tar",
            FileType::Cab => "cab",
            FileType::Iso => "iso",
            FileType::Ole => "ole",
            FileType::Msg => "msg",
            FileType::Rtf => "rtf",
            FileType::Pdf => "pdf",
            FileType::Pe => "pe",
            FileType::Elf => "elf",
            FileType::Lnk => "lnk",
            FileType::Eml => "eml",
            FileType::Script => "script",
            FileType::TextLure => "text-lure",
            FileType::Html => "html",
            FileType::Image => "image",
            FileType::Text => "text",
            FileType::Unknown => "unknown",
        }
    }

    /// True for types Windows executes directly.
    pub fn is_executable(self) -> bool {
        matches!(self, FileType::Pe | FileType::Elf | FileType::Lnk | FileType::Script)
    }

    /// True for containers whose entries are unpacked.
    pub fn is_archive(self) -> bool {
        matches!(
            self,
            FileType::Zip
                | FileType::SevenZ
                | FileType::Rar
                | FileType::Gzip
                | FileType::Bzip2
                | FileType::Xz
                | FileType::Tar
                | FileType::Cab
                | FileType::Iso
        )
    }

    /// The type a file extension promises, for mismatch findings.
    pub fn expected_for_extension(ext: &str) -> Option<FileType> {
        Some(match ext {
            "zip" => FileType::Zip,
            "docx" | "xlsx" | "pptx" | "docm" | "xlsm" | "pptm" | "dotm" | "xltm" => FileType::Ooxml,
            "7z" => FileType::SevenZ,
            "rar" => FileType::Rar,
            "gz" | "tgz" => FileType::Gzip,
            "bz2" => FileType::Bzip2,
            "xz" => FileType::Xz,
            "tar" => FileType::Tar,
            "cab" => FileType::Cab,
            "iso" | "img" => FileType::Iso,
            "doc" | "xls" | "ppt" | "dot" | "xlt" => FileType::Ole,
            "msg" => FileType::Msg,
            "rtf" => FileType::Rtf,
            "pdf" => FileType::Pdf,
            "exe" | "dll" | "scr" | "cpl" | "sys" => FileType::Pe,
            "lnk" => FileType::Lnk,
            "eml" => FileType::Eml,
            "jpg" | "jpeg" | "png" | "gif" | "bmp" | "ico" => FileType::Image,
            _ => return None,
        })
    }

    /// Whether content of this type satisfies a name promising `expected`
    /// (a .doc may be RTF, a .docx may be a plain zip, .img may be raw).
    pub fn compatible_with(self, expected: FileType) -> bool {
        self == expected
            || matches!(
                (expected, self),
                (FileType::Ole, FileType::Rtf)
                    | (FileType::Ole, FileType::Ooxml)
                    | (FileType::Ooxml, FileType::Zip)
                    | (FileType::Ooxml, FileType::Ole)
                    | (FileType::Zip, FileType::Ooxml)
                    | (FileType::Msg, FileType::Ole)
                    | (FileType::Eml, FileType::Text)
            )
    }
}

/// Script languages by extension.
pub const SCRIPT_EXTENSIONS: &[&str] = &[
    "vbs", "vbe", "js", "jse", "wsf", "wsc", "wsh", "hta", "ps1", "psm1", "bat", "cmd", "sct", "vba", "sh",
];
/// Text lures by extension.
pub const TEXT_LURE_EXTENSIONS: &[&str] = &["iqy", "slk", "url"];

/// Detects the type of `data`; `name` helps only for text.
pub fn detect(data: &[u8], name: Option<&str>) -> FileType {
    if let Some(t) = by_magic(data) {
        return t;
    }
    let ext = name.and_then(crate::names::extension);
    let head = &data[..data.len().min(4096)];
    let text = looks_text(head);
    if !text {
        return FileType::Unknown;
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(ext) = ext.as_deref() {
        if TEXT_LURE_EXTENSIONS.contains(&ext) {
            return FileType::TextLure;
        }
        if SCRIPT_EXTENSIONS.contains(&ext) {
            return FileType::Script;
        }
    }
    if lower.starts_with("web\r\n")
        || lower.starts_with("web\n")
        || lower.starts_with("id;p")
        || lower.contains("[internetshortcut]")
    {
        return FileType::TextLure;
    }
    if lower.contains("#@~^")
        || lower.contains("<job")
        || lower.contains("<hta:application")
        || lower.contains("wscript.")
    {
        return FileType::Script;
    }
    if lower.trim_start().starts_with("<!doctype html") || lower.contains("<html") {
        return FileType::Html;
    }
    if mozu_eml_like(head) {
        return FileType::Eml;
    }
    FileType::Text
}

fn by_magic(d: &[u8]) -> Option<FileType> {
    let t = match d {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] | [b'P', b'K', 7, 8, ..] => {
            return Some(if is_ooxml(d) { FileType::Ooxml } else { FileType::Zip });
        }
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => FileType::SevenZ,
        [b'R', b'a', b'r', b'!', 0x1a, 0x07, ..] => FileType::Rar,
        [0x1f, 0x8b, ..] => FileType::Gzip,
        [b'B', b'Z', b'h', ..] => FileType::Bzip2,
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => FileType::Xz,
        [b'M', b'S', b'C', b'F', 0, 0, 0, 0, ..] => FileType::Cab,
        [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ..] => {
            return Some(if memchr::memmem::find(d, &utf16("__substg1.0_")).is_some() {
                FileType::Msg
            } else {
                FileType::Ole
            });
        }
        [b'{', b'\\', b'r', b't', ..] => FileType::Rtf,
        [b'M', b'Z', ..] if is_pe(d) => FileType::Pe,
        [0x7f, b'E', b'L', b'F', ..] => FileType::Elf,
        [0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0, ..] => FileType::Lnk,
        [0x89, b'P', b'N', b'G', ..] | [0xff, 0xd8, 0xff, ..] | [b'G', b'I', b'F', b'8', ..] => FileType::Image,
        _ => return by_offset_magic(d),
    };
    Some(t)
}

fn by_offset_magic(d: &[u8]) -> Option<FileType> {
    // PDF readers accept `%PDF-` anywhere in the first KiB.
    if memchr::memmem::find(&d[..d.len().min(1024)], b"%PDF-").is_some() {
        return Some(FileType::Pdf);
    }
    if d.get(257..262) == Some(b"ustar") {
        return Some(FileType::Tar);
    }
    for off in [0x8001usize, 0x8801, 0x9001] {
        let id = d.get(off..off + 5);
        if matches!(id, Some(b"CD001") | Some(b"BEA01") | Some(b"NSR02") | Some(b"NSR03")) {
            return Some(FileType::Iso);
        }
    }
    None
}

fn is_pe(d: &[u8]) -> bool {
    let Some(off) = d
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return false;
    };
    d.get(off..off.saturating_add(4)) == Some(b"PE\0\0")
}

fn is_ooxml(d: &[u8]) -> bool {
    let head = &d[..d.len().min(64 << 10)];
    memchr::memmem::find(head, b"[Content_Types].xml").is_some()
        && (memchr::memmem::find(d, b"word/").is_some()
            || memchr::memmem::find(d, b"xl/").is_some()
            || memchr::memmem::find(d, b"ppt/").is_some())
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Printable text (UTF-8, Japanese legacy encodings or UTF-16 with BOM).
pub(crate) fn looks_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    !head.is_empty() && control * 100 <= head.len()
}

/// Mail is recognised exactly as `mozu mail scan` recognises it, so that a
/// file counts as mail in both places or in neither.
fn mozu_eml_like(head: &[u8]) -> bool {
    matches!(
        mozu_mail::sniff(head),
        mozu_mail::InputKind::Eml | mozu_mail::InputKind::Mbox
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic() {
        assert_eq!(detect(b"PK\x03\x04rest", None), FileType::Zip);
        assert_eq!(detect(b"%PDF-1.7\n", Some("a.exe")), FileType::Pdf);
        let mut pe = vec![0u8; 256];
        pe[0] = b'M';
        pe[1] = b'Z';
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(detect(&pe, Some("請求書.pdf")), FileType::Pe);
        assert_eq!(detect(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", None), FileType::Unknown);
        assert_eq!(
            detect(b"Set s = CreateObject(\"WScript.Shell\")", Some("a.vbs")),
            FileType::Script
        );
        assert_eq!(detect(b"WEB\r\n1\r\nhttp://x/\r\n", Some("q.iqy")), FileType::TextLure);
        assert_eq!(
            detect(b"[InternetShortcut]\r\nURL=file://x/a.exe", None),
            FileType::TextLure
        );
        assert_eq!(detect(b"hello", Some("a.txt")), FileType::Text);
        assert_eq!(
            detect(b"Received: x\r\nFrom: a@b\r\nSubject: s\r\n\r\nx", Some("fwd.eml")),
            FileType::Eml
        );
        assert_eq!(detect(b"", None), FileType::Unknown);
    }
}

//! A small PE header reader: machine, link time, sections, imports, DLL
//! flag. Headers and the import table only; every read is bounds-checked and
//! every table capped.

use mozu_model::{PeInfo, Severity};

use crate::findings::{evidence, finding};
use crate::lnk::{ansi_cstring, u16_at, u32_at};
use crate::{Analysis, Details, MAX_IMPORT_DLLS, MAX_IMPORT_FUNCTIONS, MAX_PE_SECTIONS, ScriptError};

const IMAGE_FILE_DLL: u16 = 0x2000;
const PE32: u16 = 0x10B;
const PE32_PLUS: u16 = 0x20B;
const SECTION_SIZE: usize = 40;
const IMPORT_DESCRIPTOR_SIZE: usize = 20;

/// What the headers say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeHeaders {
    /// COFF `Machine`.
    pub machine: u16,
    /// COFF `TimeDateStamp` (seconds since 1970, UTC).
    pub timestamp: u32,
    /// COFF `NumberOfSections`.
    pub sections: u16,
    /// COFF `Characteristics`.
    pub characteristics: u16,
    /// True for PE32+ (64-bit) optional headers.
    pub pe32_plus: bool,
    /// Imported functions, summed over the import descriptors.
    pub imports: usize,
    /// Imported DLL names.
    pub import_dlls: Vec<String>,
    /// What could not be read.
    pub warnings: Vec<String>,
}

impl PeHeaders {
    /// True when the DLL flag is set.
    pub fn is_dll(&self) -> bool {
        self.characteristics & IMAGE_FILE_DLL != 0
    }
}

/// Section table entry: virtual address, virtual size, raw size, raw offset.
#[derive(Debug, Clone, Copy)]
struct Section {
    virtual_address: u32,
    virtual_size: u32,
    raw_size: u32,
    raw_offset: u32,
}

fn usize_of(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

fn rva_to_offset(sections: &[Section], rva: u32, len: usize) -> Option<usize> {
    let mapped = sections.iter().find_map(|section| {
        let span = section.virtual_size.max(section.raw_size);
        let inside = rva >= section.virtual_address && rva - section.virtual_address < span;
        inside.then(|| usize_of(section.raw_offset).saturating_add(usize_of(rva - section.virtual_address)))
    });
    let headers = sections
        .iter()
        .map(|section| section.virtual_address)
        .min()
        .is_some_and(|first| rva < first);
    mapped.or(headers.then(|| usize_of(rva))).filter(|&offset| offset < len)
}

/// Reads the PE headers. Fails when the input is not a PE; damage past the
/// COFF header becomes warnings in [`PeHeaders::warnings`].
pub fn parse_pe(bytes: &[u8]) -> Result<PeHeaders, ScriptError> {
    let not_pe = |reason: &str| ScriptError::NotFormat {
        format: "PE",
        reason: reason.to_string(),
    };
    if !bytes.starts_with(b"MZ") {
        return Err(not_pe("no MZ signature"));
    }
    let pe_at = u32_at(bytes, 0x3C)
        .map(usize_of)
        .ok_or_else(|| not_pe("truncated DOS header"))?;
    if bytes.get(pe_at..pe_at.saturating_add(4)) != Some(b"PE\0\0".as_slice()) {
        return Err(not_pe("no PE signature at e_lfanew"));
    }
    let coff = pe_at + 4;
    let field = |at: usize| {
        u16_at(bytes, coff + at).ok_or(ScriptError::Truncated {
            what: "COFF header",
            offset: coff,
        })
    };
    let mut headers = PeHeaders {
        machine: field(0)?,
        sections: field(2)?,
        timestamp: u32_at(bytes, coff + 4).ok_or(ScriptError::Truncated {
            what: "COFF header",
            offset: coff,
        })?,
        characteristics: field(18)?,
        ..PeHeaders::default()
    };
    let optional_size = usize::from(field(16)?);
    let optional = coff + 20;
    let sections = read_sections(bytes, optional + optional_size, &mut headers);
    let import_directory = match u16_at(bytes, optional) {
        Some(magic @ (PE32 | PE32_PLUS)) => {
            headers.pe32_plus = magic == PE32_PLUS;
            let (count_at, directories) = if headers.pe32_plus { (108, 112) } else { (92, 96) };
            let count = u32_at(bytes, optional + count_at).unwrap_or(0);
            let import_at = optional + directories + 8;
            (count > 1 && import_at + 8 <= optional + optional_size)
                .then(|| u32_at(bytes, import_at))
                .flatten()
        }
        _ => {
            headers
                .warnings
                .push("unknown optional header magic: imports not read".to_string());
            None
        }
    };
    if let Some(rva) = import_directory.filter(|&rva| rva != 0) {
        read_imports(bytes, &sections, rva, &mut headers);
    }
    Ok(headers)
}

fn read_sections(bytes: &[u8], table: usize, headers: &mut PeHeaders) -> Vec<Section> {
    let declared = usize::from(headers.sections);
    if declared > MAX_PE_SECTIONS {
        let error = ScriptError::OverLimit {
            what: "sections",
            count: declared,
            limit: MAX_PE_SECTIONS,
        };
        headers.warnings.push(error.to_string());
    }
    let mut sections = Vec::new();
    for index in 0..declared.min(MAX_PE_SECTIONS) {
        let at = table + index * SECTION_SIZE;
        let read = |offset: usize| u32_at(bytes, at + offset);
        match (read(8), read(12), read(16), read(20)) {
            (Some(virtual_size), Some(virtual_address), Some(raw_size), Some(raw_offset)) => {
                sections.push(Section {
                    virtual_address,
                    virtual_size,
                    raw_size,
                    raw_offset,
                });
            }
            _ => {
                headers.warnings.push(
                    ScriptError::Truncated {
                        what: "section table",
                        offset: at,
                    }
                    .to_string(),
                );
                break;
            }
        }
    }
    sections
}

fn read_imports(bytes: &[u8], sections: &[Section], rva: u32, headers: &mut PeHeaders) {
    let Some(table) = rva_to_offset(sections, rva, bytes.len()) else {
        headers
            .warnings
            .push(format!("import directory RVA {rva:#x} maps outside the file"));
        return;
    };
    let thunk_size = if headers.pe32_plus { 8 } else { 4 };
    for index in 0..MAX_IMPORT_DLLS {
        let at = table + index * IMPORT_DESCRIPTOR_SIZE;
        let Some(descriptor) = bytes.get(at..at + IMPORT_DESCRIPTOR_SIZE) else {
            headers.warnings.push(
                ScriptError::Truncated {
                    what: "import descriptor",
                    offset: at,
                }
                .to_string(),
            );
            return;
        };
        if descriptor.iter().all(|&byte| byte == 0) {
            return;
        }
        let name = u32_at(descriptor, 12)
            .and_then(|name| rva_to_offset(sections, name, bytes.len()))
            .and_then(|offset| ansi_cstring(bytes, offset))
            .map(|name| name.chars().take(256).collect::<String>());
        headers.import_dlls.extend(name);
        let lookup = u32_at(descriptor, 0)
            .filter(|&rva| rva != 0)
            .or_else(|| u32_at(descriptor, 16));
        let Some(mut thunk) = lookup.and_then(|rva| rva_to_offset(sections, rva, bytes.len())) else {
            continue;
        };
        loop {
            if headers.imports >= MAX_IMPORT_FUNCTIONS {
                let error = ScriptError::OverLimit {
                    what: "imported functions",
                    count: MAX_IMPORT_FUNCTIONS + 1,
                    limit: MAX_IMPORT_FUNCTIONS,
                };
                headers.warnings.push(error.to_string());
                return;
            }
            match bytes.get(thunk..thunk + thunk_size) {
                Some(entry) if entry.iter().all(|&byte| byte == 0) => break,
                Some(_) => headers.imports += 1,
                None => {
                    headers.warnings.push(
                        ScriptError::Truncated {
                            what: "import thunks",
                            offset: thunk,
                        }
                        .to_string(),
                    );
                    break;
                }
            }
            thunk += thunk_size;
        }
    }
    let error = ScriptError::OverLimit {
        what: "import descriptors",
        count: MAX_IMPORT_DLLS + 1,
        limit: MAX_IMPORT_DLLS,
    };
    headers.warnings.push(error.to_string());
}

/// Name of a COFF machine type.
fn machine_name(machine: u16) -> String {
    match machine {
        0x014C => "x86".to_string(),
        0x8664 => "x86_64".to_string(),
        0xAA64 => "arm64".to_string(),
        0x01C0 | 0x01C4 => "arm".to_string(),
        0x0200 => "ia64".to_string(),
        0x0000 => "unknown".to_string(),
        other => format!("{other:#06x}"),
    }
}

/// Seconds since 1970 to RFC 3339 UTC (civil-from-days, proleptic Gregorian).
pub(crate) fn rfc3339_utc(seconds: u32) -> String {
    let days = i64::from(seconds / 86_400);
    let rest = seconds % 86_400;
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Analyses a PE executable. Emits `pe.executable` at medium severity; the
/// caller raises it when context (an archive, a mail attachment) warrants.
pub fn analyse_pe(bytes: &[u8]) -> Analysis {
    let mut analysis = Analysis::default();
    let headers = match parse_pe(bytes) {
        Ok(headers) => headers,
        Err(error) => {
            analysis.warnings.push(error.to_string());
            return analysis;
        }
    };
    analysis.warnings.extend(headers.warnings.iter().cloned());
    let info = PeInfo {
        machine: machine_name(headers.machine),
        timestamp: (headers.timestamp != 0).then(|| rfc3339_utc(headers.timestamp)),
        sections: u32::from(headers.sections),
        imports: u32::try_from(headers.imports).unwrap_or(u32::MAX),
        is_dll: headers.is_dll(),
    };
    let kind = if info.is_dll { "DLL" } else { "executable" };
    let mut found = vec![evidence("pe.machine", info.machine.clone()), evidence("pe.kind", kind)];
    found.extend(info.timestamp.iter().map(|time| evidence("pe.timestamp", time.clone())));
    found.extend(
        headers
            .import_dlls
            .iter()
            .take(20)
            .map(|dll| evidence("pe.import_dll", dll.clone())),
    );
    analysis.findings.push(finding(
        "pe.executable",
        Severity::Medium,
        25,
        "Windows executable (PE)",
        found,
    ));
    analysis.info = Some(Details::Pe(info));
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_477_820_535), "2016-10-30T09:42:15Z");
        assert_eq!(rfc3339_utc(u32::MAX), "2106-02-07T06:28:15Z");
    }

    #[test]
    fn not_pe() {
        assert!(parse_pe(b"").is_err());
        assert!(parse_pe(b"MZ").is_err());
        let mut dos = b"MZ".to_vec();
        dos.resize(0x40, 0);
        dos[0x3C] = 0x40;
        dos.extend_from_slice(b"PE\0\0\x4c\x01");
        assert!(matches!(parse_pe(&dos), Err(ScriptError::Truncated { .. })));
        assert!(analyse_pe(b"hello").findings.is_empty());
    }
}

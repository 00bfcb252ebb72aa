//! The VBA `dir` stream (MS-OVBA 2.3.4.2), decompressed: project
//! information, references and module records.
//!
//! Every record is `Id: u16, Size: u32, Data[Size]`, except PROJECTVERSION
//! (`0x0009`), whose Size field is a reserved 4 followed by 6 bytes of data.
//! Only the records needed to find module source are interpreted; the rest
//! are skipped by size, so unknown or reordered records do no harm.

use crate::MAX_RECORDS;
use crate::codepage;

const PROJECTCODEPAGE: u16 = 0x0003;
const PROJECTNAME: u16 = 0x0004;
const PROJECTVERSION: u16 = 0x0009;
const MODULENAME: u16 = 0x0019;
const MODULENAMEUNICODE: u16 = 0x0047;
const MODULESTREAMNAME: u16 = 0x001A;
const MODULESTREAMNAMEUNICODE: u16 = 0x0032;
const MODULEOFFSET: u16 = 0x0031;
const MODULETERMINATOR: u16 = 0x002B;
const DIRTERMINATOR: u16 = 0x0010;

/// One module as the `dir` stream describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ModuleRecord {
    /// Module name (the Unicode record when present, else the MBCS one).
    pub(crate) name: String,
    /// Stream name in the VBA storage, Unicode record first.
    pub(crate) stream_names: Vec<String>,
    /// Where the compressed source starts in the module stream.
    pub(crate) offset: u32,
}

/// What the `dir` stream says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DirInfo {
    /// PROJECTCODEPAGE.
    pub(crate) code_page: Option<u16>,
    /// PROJECTNAME.
    pub(crate) project_name: Option<String>,
    /// Module records, in order (at most `max_modules`).
    pub(crate) modules: Vec<ModuleRecord>,
    /// What was wrong with the stream.
    pub(crate) problems: Vec<String>,
    /// Modules beyond `max_modules`.
    pub(crate) skipped_modules: usize,
}

/// Parses a decompressed `dir` stream. Never fails: a damaged stream yields
/// the modules read before the damage and a problem description.
pub(crate) fn parse(dir: &[u8], max_modules: usize) -> DirInfo {
    let mut info = DirInfo::default();
    let mut current: Option<PendingModule> = None;
    let mut pos = 0;
    let mut records = 0;
    while pos < dir.len() {
        records += 1;
        if records > MAX_RECORDS {
            info.problems
                .push(format!("dir stream: stopped after {MAX_RECORDS} records"));
            break;
        }
        let (Some(id), Some(size)) = (read_u16(dir, pos), read_u32(dir, pos + 2)) else {
            info.problems
                .push(format!("dir stream: truncated record header at byte {pos}"));
            break;
        };
        let data_len = if id == PROJECTVERSION {
            6
        } else {
            usize::try_from(size).unwrap_or(usize::MAX)
        };
        let start = pos + 6;
        let Some(data) = start.checked_add(data_len).and_then(|end| dir.get(start..end)) else {
            info.problems.push(format!(
                "dir stream: record 0x{id:04X} at byte {pos} declares {size} bytes, only {} remain",
                dir.len().saturating_sub(start)
            ));
            break;
        };
        pos = start + data_len;
        match id {
            DIRTERMINATOR => break,
            PROJECTCODEPAGE => info.code_page = read_u16(data, 0),
            PROJECTNAME => info.project_name = Some(codepage::decode(data, info.code_page)),
            MODULENAME => {
                finish_module(&mut info, current.take(), max_modules);
                current = Some(PendingModule {
                    name: codepage::decode(data, info.code_page),
                    ..PendingModule::default()
                });
            }
            MODULENAMEUNICODE => pending(&mut current).unicode_name = Some(codepage::decode_utf16le(data)),
            MODULESTREAMNAME => pending(&mut current).stream_name = Some(codepage::decode(data, info.code_page)),
            MODULESTREAMNAMEUNICODE => {
                pending(&mut current).stream_name_unicode = Some(codepage::decode_utf16le(data));
            }
            MODULEOFFSET => pending(&mut current).offset = read_u32(data, 0),
            MODULETERMINATOR => finish_module(&mut info, current.take(), max_modules),
            _ => {}
        }
    }
    finish_module(&mut info, current.take(), max_modules);
    info
}

/// A module whose records are still being read.
#[derive(Debug, Default)]
struct PendingModule {
    name: String,
    unicode_name: Option<String>,
    stream_name: Option<String>,
    stream_name_unicode: Option<String>,
    offset: Option<u32>,
}

fn pending(current: &mut Option<PendingModule>) -> &mut PendingModule {
    current.get_or_insert_with(PendingModule::default)
}

fn finish_module(info: &mut DirInfo, module: Option<PendingModule>, max_modules: usize) {
    let Some(module) = module else {
        return;
    };
    let mut stream_names = Vec::new();
    for name in [module.stream_name_unicode, module.stream_name].into_iter().flatten() {
        if !name.is_empty() && !stream_names.contains(&name) {
            stream_names.push(name);
        }
    }
    let name = module
        .unicode_name
        .filter(|name| !name.is_empty())
        .unwrap_or(module.name);
    if stream_names.is_empty() && !name.is_empty() {
        stream_names.push(name.clone());
    }
    if stream_names.is_empty() {
        info.problems
            .push("dir stream: module record without a name".to_owned());
        return;
    }
    if module.offset.is_none() {
        info.problems
            .push(format!("dir stream: module {name} has no MODULEOFFSET record"));
    }
    if info.modules.len() >= max_modules {
        info.skipped_modules += 1;
        return;
    }
    info.modules.push(ModuleRecord {
        name,
        stream_names,
        offset: module.offset.unwrap_or(0),
    });
}

pub(crate) fn read_u16(data: &[u8], pos: usize) -> Option<u16> {
    let bytes = data.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

pub(crate) fn read_u32(data: &[u8], pos: usize) -> Option<u32> {
    let bytes = data.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

//! Windows shortcuts (MS-SHLLINK): where a `.lnk` points and with which
//! arguments. Every offset and length is checked against the input; lists
//! are walked with counters, not recursion.

use mozu_model::{LnkInfo, Severity};

use crate::decode::{ansi, utf16le};
use crate::findings::{encoded_payload_finding, evidence, finding};
use crate::normalize::{Family, normalize};
use crate::{Analysis, Budget, DEADLINE, Details, MAX_LNK_BYTES, MAX_LNK_EXTRA_BLOCKS, ScriptError, patterns, script};

mod idlist;

/// `ShellLinkHeader` size and `LinkCLSID` (00021401-0000-0000-C000-000000000046).
const HEADER_SIZE: usize = 0x4C;
const LINK_CLSID: [u8; 16] = [0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];

const HAS_TARGET_ID_LIST: u32 = 0x1;
const HAS_LINK_INFO: u32 = 0x2;
const IS_UNICODE: u32 = 0x80;
/// `HasName`, `HasRelativePath`, `HasWorkingDir`, `HasArguments`,
/// `HasIconLocation`, in the order their strings follow.
const STRING_FLAGS: [u32; 5] = [0x4, 0x8, 0x10, 0x20, 0x40];
/// `EnvironmentVariableDataBlock` signature and size.
const ENVIRONMENT_BLOCK: u32 = 0xA000_0001;
const ENVIRONMENT_BLOCK_SIZE: usize = 0x314;
/// Characters of a C string read from a link (paths are at most 32 Ki).
const MAX_CSTRING: usize = 32_768;

/// Programs whose shortcut is a command, not a document.
const COMMAND_HOSTS: &[&str] = &[
    "cmd.exe",
    "powershell.exe",
    "pwsh.exe",
    "mshta.exe",
    "wscript.exe",
    "cscript.exe",
    "rundll32.exe",
    "regsvr32.exe",
    "certutil.exe",
    "bitsadmin.exe",
    "msiexec.exe",
    "forfiles.exe",
    "conhost.exe",
];

/// What a shell link holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellLink {
    /// `LinkFlags`.
    pub flags: u32,
    /// Path rebuilt from the target ID list.
    pub id_list_path: Option<String>,
    /// `LocalBasePath` (+ `CommonPathSuffix`) of the link info.
    pub local_path: Option<String>,
    /// Network share (+ `CommonPathSuffix`) of the link info.
    pub network_path: Option<String>,
    /// `NAME_STRING` (the description).
    pub name: Option<String>,
    /// `RELATIVE_PATH`.
    pub relative_path: Option<String>,
    /// `WORKING_DIR`.
    pub working_dir: Option<String>,
    /// `COMMAND_LINE_ARGUMENTS`.
    pub arguments: Option<String>,
    /// `ICON_LOCATION`.
    pub icon_location: Option<String>,
    /// Target of the environment-variable block (`%windir%\…\cmd.exe`).
    pub environment_target: Option<String>,
    /// What could not be read.
    pub warnings: Vec<String>,
}

impl ShellLink {
    /// The best statement of the target: link info, then ID list, then the
    /// environment block, then the relative path.
    pub fn target(&self) -> Option<&str> {
        [
            &self.local_path,
            &self.network_path,
            &self.id_list_path,
            &self.environment_target,
            &self.relative_path,
        ]
        .into_iter()
        .find_map(|path| path.as_deref().filter(|path| !path.is_empty()))
    }
}

pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn usize_at(bytes: &[u8], at: usize) -> Option<usize> {
    u32_at(bytes, at).and_then(|value| usize::try_from(value).ok())
}

/// NUL-terminated ANSI string at `at`.
pub(crate) fn ansi_cstring(bytes: &[u8], at: usize) -> Option<String> {
    let tail = bytes.get(at..)?;
    let tail = &tail[..tail.len().min(MAX_CSTRING)];
    let end = memchr::memchr(0, tail).unwrap_or(tail.len());
    Some(ansi(&tail[..end]))
}

/// NUL-terminated UTF-16LE string at `at`.
pub(crate) fn utf16_cstring(bytes: &[u8], at: usize) -> Option<String> {
    let tail = bytes.get(at..)?;
    let tail = &tail[..tail.len().min(MAX_CSTRING * 2)];
    let end = tail
        .chunks_exact(2)
        .position(|unit| unit == [0, 0])
        .map_or(tail.len(), |units| units * 2);
    Some(utf16le(&tail[..end]))
}

fn truncated(what: &'static str, offset: usize) -> ScriptError {
    ScriptError::Truncated { what, offset }
}

/// Parses a shell link. Fails only when the header is not a shell link;
/// damage after it becomes warnings in [`ShellLink::warnings`].
pub fn parse_lnk(bytes: &[u8]) -> Result<ShellLink, ScriptError> {
    let not_link = |reason: &str| ScriptError::NotFormat {
        format: "shell link",
        reason: reason.to_string(),
    };
    if bytes.len() < HEADER_SIZE {
        return Err(not_link("shorter than the 76-byte header"));
    }
    if usize_at(bytes, 0) != Some(HEADER_SIZE) || bytes[4..20] != LINK_CLSID {
        return Err(not_link("header size or CLSID mismatch"));
    }
    let mut link = ShellLink {
        flags: u32_at(bytes, 0x14).unwrap_or(0),
        ..ShellLink::default()
    };
    let mut at = HEADER_SIZE;
    if link.flags & HAS_TARGET_ID_LIST != 0 {
        let size = usize::from(u16_at(bytes, at).unwrap_or(0));
        match bytes.get(at + 2..at + 2 + size) {
            Some(list) => link.id_list_path = idlist::path(list, &mut link.warnings),
            None => link.warnings.push(truncated("LinkTargetIDList", at).to_string()),
        }
        at += 2 + size;
    }
    if link.flags & HAS_LINK_INFO != 0 {
        let size = usize_at(bytes, at).unwrap_or(0);
        match at.checked_add(size).and_then(|end| bytes.get(at..end)) {
            Some(info) if size >= 0x1C => read_link_info(info, &mut link),
            _ => link.warnings.push(truncated("LinkInfo", at).to_string()),
        }
        at = at.saturating_add(size);
    }
    at = read_strings(bytes, at, &mut link);
    read_extra_data(bytes, at, &mut link);
    Ok(link)
}

fn read_link_info(info: &[u8], link: &mut ShellLink) {
    let header_size = usize_at(info, 4).unwrap_or(0);
    let flags = u32_at(info, 8).unwrap_or(0);
    let offset = |field: usize| usize_at(info, field).filter(|&value| value != 0);
    let unicode = |field: usize| if header_size >= 0x24 { offset(field) } else { None };
    let suffix = unicode(32)
        .and_then(|at| utf16_cstring(info, at))
        .or_else(|| offset(24).and_then(|at| ansi_cstring(info, at)))
        .unwrap_or_default();
    let join = |base: String| {
        if suffix.is_empty() || base.ends_with('\\') {
            format!("{base}{suffix}")
        } else {
            format!("{base}\\{suffix}")
        }
    };
    if flags & 1 != 0 {
        let base = unicode(28)
            .and_then(|at| utf16_cstring(info, at))
            .or_else(|| offset(16).and_then(|at| ansi_cstring(info, at)));
        link.local_path = base.map(|base| if suffix.is_empty() { base } else { join(base) });
    }
    if flags & 2 != 0
        && let Some(network) = offset(20).and_then(|at| info.get(at..))
    {
        let name_offset = usize_at(network, 8).unwrap_or(0);
        let name = if name_offset > 0x14 {
            usize_at(network, 20).and_then(|at| utf16_cstring(network, at))
        } else {
            None
        };
        link.network_path = name
            .or_else(|| ansi_cstring(network, name_offset))
            .filter(|name| !name.is_empty())
            .map(join);
    }
}

/// Reads the StringData section; returns where it ended.
fn read_strings(bytes: &[u8], mut at: usize, link: &mut ShellLink) -> usize {
    let unicode = link.flags & IS_UNICODE != 0;
    for (index, flag) in STRING_FLAGS.into_iter().enumerate() {
        if link.flags & flag == 0 {
            continue;
        }
        let Some(count) = u16_at(bytes, at) else {
            link.warnings.push(truncated("StringData", at).to_string());
            return bytes.len();
        };
        let size = usize::from(count) * if unicode { 2 } else { 1 };
        let Some(raw) = bytes.get(at + 2..at + 2 + size) else {
            link.warnings.push(truncated("StringData", at).to_string());
            return bytes.len();
        };
        let value = if unicode { utf16le(raw) } else { ansi(raw) };
        let slot = match index {
            0 => &mut link.name,
            1 => &mut link.relative_path,
            2 => &mut link.working_dir,
            3 => &mut link.arguments,
            _ => &mut link.icon_location,
        };
        *slot = Some(value);
        at += 2 + size;
    }
    at
}

fn read_extra_data(bytes: &[u8], mut at: usize, link: &mut ShellLink) {
    for _ in 0..MAX_LNK_EXTRA_BLOCKS {
        let Some(size) = usize_at(bytes, at).filter(|&size| size >= 8) else {
            return;
        };
        let Some(block) = at.checked_add(size).and_then(|end| bytes.get(at..end)) else {
            link.warnings.push(truncated("ExtraData block", at).to_string());
            return;
        };
        if u32_at(block, 4) == Some(ENVIRONMENT_BLOCK) && size >= ENVIRONMENT_BLOCK_SIZE {
            let wide = utf16_cstring(&block[..ENVIRONMENT_BLOCK_SIZE], 268).filter(|target| !target.is_empty());
            link.environment_target = wide
                .or_else(|| ansi_cstring(&block[..268], 8))
                .filter(|target| !target.is_empty());
        }
        at += size;
    }
    link.warnings.push(
        ScriptError::OverLimit {
            what: "extra data blocks",
            count: MAX_LNK_EXTRA_BLOCKS + 1,
            limit: MAX_LNK_EXTRA_BLOCKS,
        }
        .to_string(),
    );
}

fn basename(path: &str) -> String {
    path.rsplit(['\\', '/'])
        .next()
        .unwrap_or(path)
        .trim()
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// Analyses a Windows shortcut.
pub fn analyse_lnk(bytes: &[u8]) -> Analysis {
    let mut analysis = Analysis::default();
    let mut budget = Budget::new(DEADLINE);
    let bytes = if bytes.len() > MAX_LNK_BYTES {
        analysis.warnings.push(
            ScriptError::TooLarge {
                size: bytes.len(),
                limit: MAX_LNK_BYTES,
            }
            .to_string(),
        );
        &bytes[..MAX_LNK_BYTES]
    } else {
        bytes
    };
    let link = match parse_lnk(bytes) {
        Ok(link) => link,
        Err(error) => {
            analysis.warnings.push(error.to_string());
            return analysis;
        }
    };
    analysis.warnings.extend(link.warnings.iter().cloned());
    let target = link.target().map(str::to_string);
    let arguments = link.arguments.clone().unwrap_or_default();
    let command_line = format!("{} {arguments}", target.as_deref().unwrap_or_default());
    let normalized = normalize(&command_line, Family::Batch);
    let hits = patterns::find(&normalized.text);
    let runs = crate::powershell::blob_runs(&normalized.text);
    let decoded = script::payloads(&normalized.text, &runs, &mut budget, &mut analysis);
    let host = target
        .as_deref()
        .map(basename)
        .filter(|name| COMMAND_HOSTS.contains(&name.as_str()));
    if host.is_some() || !hits.is_empty() || !decoded.is_empty() {
        let mut found = vec![evidence("lnk.target", target.clone().unwrap_or_default())];
        if !arguments.is_empty() {
            found.push(evidence(
                "lnk.arguments",
                arguments.chars().take(300).collect::<String>(),
            ));
        }
        found.extend(
            hits.iter()
                .take(20)
                .map(|hit| evidence("lnk.pattern", format!("{}: {}", hit.name, hit.quote))),
        );
        analysis.findings.push(finding(
            "lnk.command",
            Severity::High,
            45,
            "shortcut runs a command",
            found,
        ));
    }
    analysis.findings.extend(encoded_payload_finding(&decoded));
    let strings = [
        &target,
        &link.arguments,
        &link.working_dir,
        &link.icon_location,
        &link.name,
    ];
    analysis
        .texts
        .extend(strings.into_iter().flatten().filter(|text| !text.is_empty()).cloned());
    analysis.info = Some(Details::Lnk(LnkInfo {
        target,
        arguments: link.arguments,
        working_dir: link.working_dir,
        icon_location: link.icon_location,
        description: link.name,
    }));
    analysis
}

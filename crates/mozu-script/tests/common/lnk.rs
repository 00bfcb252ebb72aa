//! An MS-SHLLINK writer for test shortcuts.

/// What goes into a test shortcut.
pub struct LnkSpec {
    pub id_list: bool,
    pub link_info: bool,
    pub environment_block: bool,
    pub unicode: bool,
    pub arguments: String,
    pub working_dir: String,
}

pub const POWERSHELL: &str = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

fn push_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn push_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// A file entry shell item with an 8.3 primary name and a version 9
/// 0xBEEF0004 extension block holding the long name.
fn file_entry(short: &str, long: &str, directory: bool) -> Vec<u8> {
    let mut body = vec![if directory { 0x31 } else { 0x32 }, 0];
    push_u32(&mut body, 0); // file size
    push_u32(&mut body, 0x4A5B_6C7D); // FAT date and time
    push_u16(&mut body, if directory { 0x10 } else { 0x20 });
    body.extend_from_slice(short.as_bytes());
    body.push(0);
    if body.len() % 2 == 1 {
        body.push(0);
    }
    let extension_at = body.len() + 2;
    let name = utf16z(long);
    let mut extension = Vec::new();
    push_u16(&mut extension, u16::try_from(46 + name.len() + 2).unwrap_or(0));
    push_u16(&mut extension, 9);
    push_u32(&mut extension, 0xBEEF_0004);
    push_u32(&mut extension, 0); // creation
    push_u32(&mut extension, 0); // access
    push_u16(&mut extension, 0x2E); // identifier
    extension.extend_from_slice(&[0; 2 + 8 + 8]); // unknown, file reference, unknown
    push_u16(&mut extension, 0); // long string size
    extension.extend_from_slice(&[0; 8]); // unknown (v9, v8)
    extension.extend_from_slice(&name);
    push_u16(&mut extension, u16::try_from(extension_at).unwrap_or(0));
    body.extend_from_slice(&extension);
    let mut item = Vec::new();
    push_u16(&mut item, u16::try_from(body.len() + 2).unwrap_or(0));
    item.extend_from_slice(&body);
    item
}

fn id_list() -> Vec<u8> {
    let mut items = Vec::new();
    // My Computer: {20D04FE0-3AEA-1069-A2D8-08002B30309D}.
    let mut root = vec![20, 0, 0x1F, 0x50];
    root.extend_from_slice(&[
        0xE0, 0x4F, 0xD0, 0x20, 0xEA, 0x3A, 0x69, 0x10, 0xA2, 0xD8, 0x08, 0x00, 0x2B, 0x30, 0x30, 0x9D,
    ]);
    items.extend_from_slice(&root);
    let mut volume = vec![25, 0, 0x2F];
    volume.extend_from_slice(b"C:\\");
    volume.resize(25, 0);
    items.extend_from_slice(&volume);
    for (short, long, directory) in [
        ("WINDOWS", "Windows", true),
        ("SYSTEM32", "System32", true),
        ("WINDOW~1", "WindowsPowerShell", true),
        ("V1.0", "v1.0", true),
        ("POWERS~1.EXE", "powershell.exe", false),
    ] {
        items.extend_from_slice(&file_entry(short, long, directory));
    }
    items.extend_from_slice(&[0, 0]);
    let mut list = Vec::new();
    push_u16(&mut list, u16::try_from(items.len()).unwrap_or(0));
    list.extend_from_slice(&items);
    list
}

fn link_info() -> Vec<u8> {
    let mut volume = Vec::new();
    push_u32(&mut volume, 0x11);
    push_u32(&mut volume, 3); // DRIVE_FIXED
    push_u32(&mut volume, 0x1234_5678);
    push_u32(&mut volume, 0x10);
    volume.push(0);
    let base_path_at = 0x1C + volume.len();
    let mut base = POWERSHELL.as_bytes().to_vec();
    base.push(0);
    let suffix_at = base_path_at + base.len();
    let mut info = Vec::new();
    push_u32(&mut info, u32::try_from(suffix_at + 1).unwrap_or(0));
    push_u32(&mut info, 0x1C);
    push_u32(&mut info, 1); // VolumeIDAndLocalBasePath
    push_u32(&mut info, 0x1C);
    push_u32(&mut info, u32::try_from(base_path_at).unwrap_or(0));
    push_u32(&mut info, 0);
    push_u32(&mut info, u32::try_from(suffix_at).unwrap_or(0));
    info.extend_from_slice(&volume);
    info.extend_from_slice(&base);
    info.push(0);
    info
}

fn environment_block() -> Vec<u8> {
    let target = "%windir%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    let mut block = Vec::new();
    push_u32(&mut block, 0x314);
    push_u32(&mut block, 0xA000_0001);
    let mut ansi = target.as_bytes().to_vec();
    ansi.resize(260, 0);
    block.extend_from_slice(&ansi);
    let mut wide = utf16z(target);
    wide.resize(520, 0);
    block.extend_from_slice(&wide);
    block
}

/// Builds a shortcut byte by byte per MS-SHLLINK.
pub fn build_lnk(spec: &LnkSpec) -> Vec<u8> {
    let mut flags = 0x10 | 0x20 | 0x40; // working dir, arguments, icon
    flags |= if spec.id_list { 0x1 } else { 0 } | if spec.link_info { 0x2 } else { 0 };
    flags |= if spec.unicode { 0x80 } else { 0 } | 0x4; // name
    let mut out = Vec::new();
    push_u32(&mut out, 0x4C);
    out.extend_from_slice(&[0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
    push_u32(&mut out, flags);
    push_u32(&mut out, 0x20); // FILE_ATTRIBUTE_ARCHIVE
    out.extend_from_slice(&[0; 24]); // creation, access, write times
    push_u32(&mut out, 0); // file size
    push_u32(&mut out, 0); // icon index
    push_u32(&mut out, 7); // SW_SHOWMINNOACTIVE
    out.extend_from_slice(&[0; 12]); // hot key, reserved
    if spec.id_list {
        out.extend_from_slice(&id_list());
    }
    if spec.link_info {
        out.extend_from_slice(&link_info());
    }
    let icon = "%SystemRoot%\\System32\\shell32.dll";
    for text in ["請求書", spec.working_dir.as_str(), spec.arguments.as_str(), icon] {
        if spec.unicode {
            push_u16(&mut out, u16::try_from(text.encode_utf16().count()).unwrap_or(0));
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        } else {
            let (ansi, _, _) = encoding_rs::SHIFT_JIS.encode(text);
            push_u16(&mut out, u16::try_from(ansi.len()).unwrap_or(0));
            out.extend_from_slice(&ansi);
        }
    }
    if spec.environment_block {
        out.extend_from_slice(&environment_block());
    }
    push_u32(&mut out, 0); // terminal block
    out
}

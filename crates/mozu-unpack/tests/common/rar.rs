//! Hand-assembled RAR 4 and RAR 5 headers (no RAR compressor involved).

pub fn vint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// A RAR 5 header block: CRC32, size, type, flags, [extra size], [data
/// size], body, extra.
fn block5(kind: u64, body: &[u8], extra: &[u8], data_size: Option<u64>) -> Vec<u8> {
    let mut flags = 0u64;
    if !extra.is_empty() {
        flags |= 1;
    }
    if data_size.is_some() {
        flags |= 2;
    }
    let mut inner = vint(kind);
    inner.extend(vint(flags));
    if !extra.is_empty() {
        inner.extend(vint(extra.len() as u64));
    }
    if let Some(size) = data_size {
        inner.extend(vint(size));
    }
    inner.extend_from_slice(body);
    inner.extend_from_slice(extra);
    let mut sized = vint(inner.len() as u64);
    sized.extend(inner);
    let mut out = crc32fast::hash(&sized).to_le_bytes().to_vec();
    out.extend(sized);
    out
}

/// A RAR 5 file to write.
pub struct Rar5File<'a> {
    pub name: &'a str,
    /// The bytes as stored in the archive.
    pub data: &'a [u8],
    pub unpacked_size: u64,
    /// 0 = stored, 1–5 = compressed.
    pub method: u64,
    pub encrypted: bool,
}

/// A RAR 5 archive: signature, main header, the files, end header. With
/// `encrypted_headers`, an archive encryption header follows the signature
/// and nothing else is readable.
pub fn rar5(files: &[Rar5File<'_>], encrypted_headers: bool) -> Vec<u8> {
    let mut out = b"Rar!\x1a\x07\x01\x00".to_vec();
    if encrypted_headers {
        let mut body = vint(0);
        body.extend(vint(1));
        body.push(15);
        body.extend_from_slice(&[0x11; 16]);
        body.extend_from_slice(&[0x22; 12]);
        out.extend(block5(4, &body, &[], None));
        out.extend_from_slice(&[0x5A; 96]);
        return out;
    }
    out.extend(block5(1, &vint(0), &[], None));
    for f in files {
        let mut body = vint(0);
        body.extend(vint(f.unpacked_size));
        body.extend(vint(0x20));
        body.extend(vint(f.method << 7));
        body.extend(vint(2));
        body.extend(vint(f.name.len() as u64));
        body.extend_from_slice(f.name.as_bytes());
        let extra = if f.encrypted {
            let mut record = vint(1);
            record.extend(vint(0));
            record.extend(vint(0));
            record.push(15);
            record.extend_from_slice(&[0x33; 32]);
            let mut e = vint(record.len() as u64);
            e.extend(record);
            e
        } else {
            Vec::new()
        };
        out.extend(block5(2, &body, &extra, Some(f.data.len() as u64)));
        out.extend_from_slice(f.data);
    }
    out.extend(block5(5, &vint(0), &[], None));
    out
}

/// A RAR 4 archive with one file; `unicode_name` adds the compact Unicode
/// form after the ASCII name.
pub fn rar4(ascii_name: &[u8], unicode_name: Option<&[u8]>, data: &[u8], method: u8) -> Vec<u8> {
    let mut out = b"Rar!\x1a\x07\x00".to_vec();
    // Main header: CRC, type 0x73, flags 0, size 13, 6 reserved bytes.
    out.extend_from_slice(&[0, 0, 0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0]);
    let mut name = ascii_name.to_vec();
    let mut flags: u16 = 0x8000;
    if let Some(encoded) = unicode_name {
        name.push(0);
        name.extend_from_slice(encoded);
        flags |= 0x0200;
    }
    let size = 32 + name.len();
    let mut h = vec![0u8, 0, 0x74];
    h.extend_from_slice(&flags.to_le_bytes());
    h.extend_from_slice(&(size as u16).to_le_bytes());
    h.extend_from_slice(&(data.len() as u32).to_le_bytes());
    h.extend_from_slice(&(data.len() as u32).to_le_bytes());
    h.push(2);
    h.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    h.extend_from_slice(&[0; 4]);
    h.push(29);
    h.push(method);
    h.extend_from_slice(&(name.len() as u16).to_le_bytes());
    h.extend_from_slice(&0x20u32.to_le_bytes());
    h.extend_from_slice(&name);
    out.extend(h);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0, 0, 0x7B, 0, 0x40, 7, 0]);
    out
}

//! Tiny ISO 9660 and UDF image writers for tests.

const SECTOR: usize = 2048;

/// A file to put in an image.
pub struct ImageFile<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub hidden: bool,
}

fn both_u32(v: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&v.to_le_bytes());
    out[4..].copy_from_slice(&v.to_be_bytes());
    out
}

/// One ISO 9660 directory record.
fn record(name: &[u8], extent: u32, size: u32, flags: u8) -> Vec<u8> {
    let mut len = 33 + name.len();
    if len % 2 == 1 {
        len += 1;
    }
    let mut r = vec![0u8; len];
    r[0] = len as u8;
    r[2..10].copy_from_slice(&both_u32(extent));
    r[10..18].copy_from_slice(&both_u32(size));
    r[25] = flags;
    r[28..32].copy_from_slice(&[1, 0, 0, 1]);
    r[32] = name.len() as u8;
    r[33..33 + name.len()].copy_from_slice(name);
    r
}

fn descriptor(kind: u8, root: &[u8], joliet: bool, sectors: u32) -> Vec<u8> {
    let mut d = vec![0u8; SECTOR];
    d[0] = kind;
    d[1..6].copy_from_slice(b"CD001");
    d[6] = 1;
    d[80..88].copy_from_slice(&both_u32(sectors));
    d[128..130].copy_from_slice(&(SECTOR as u16).to_le_bytes());
    d[130..132].copy_from_slice(&(SECTOR as u16).to_be_bytes());
    if joliet {
        d[88..91].copy_from_slice(b"%/E");
    }
    d[156..156 + root.len()].copy_from_slice(root);
    d
}

fn encode_name(name: &str, joliet: bool) -> Vec<u8> {
    if joliet {
        name.encode_utf16().flat_map(u16::to_be_bytes).collect()
    } else {
        format!("{};1", name.to_uppercase()).into_bytes()
    }
}

/// An ISO 9660 image: PVD (+ Joliet SVD), a root directory holding the
/// files and, when `looped`, a subdirectory whose extent is the root's own.
pub fn iso(files: &[ImageFile<'_>], joliet: bool, looped: bool) -> Vec<u8> {
    let descriptors = if joliet { 3 } else { 2 };
    let iso_root = 16 + descriptors as u32;
    let joliet_root = iso_root + 1;
    let first_data = joliet_root + 1;
    let mut data_sectors = Vec::new();
    let mut next = first_data;
    for f in files {
        data_sectors.push(next);
        next += (f.data.len().div_ceil(SECTOR)).max(1) as u32;
    }
    let total = next;
    let dir = |root_extent: u32, jol: bool| {
        let mut d = Vec::new();
        d.extend(record(&[0], root_extent, SECTOR as u32, 2));
        d.extend(record(&[1], root_extent, SECTOR as u32, 2));
        for (f, &sector) in files.iter().zip(&data_sectors) {
            let flags = if f.hidden { 1 } else { 0 };
            d.extend(record(&encode_name(f.name, jol), sector, f.data.len() as u32, flags));
        }
        if looped {
            d.extend(record(&encode_name("loop", jol), root_extent, SECTOR as u32, 2));
        }
        d.resize(SECTOR, 0);
        d
    };
    let mut image = vec![0u8; 16 * SECTOR];
    image.extend(descriptor(1, &record(&[0], iso_root, SECTOR as u32, 2), false, total));
    if joliet {
        image.extend(descriptor(2, &record(&[0], joliet_root, SECTOR as u32, 2), true, total));
    }
    let mut terminator = vec![0u8; SECTOR];
    terminator[0] = 255;
    terminator[1..6].copy_from_slice(b"CD001");
    image.extend(terminator);
    image.extend(dir(iso_root, false));
    image.extend(dir(joliet_root, true));
    for f in files {
        let mut sector = f.data.to_vec();
        sector.resize(f.data.len().div_ceil(SECTOR).max(1) * SECTOR, 0);
        image.extend(sector);
    }
    image
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn tagged(id: u16) -> Vec<u8> {
    let mut s = vec![0u8; SECTOR];
    put_u16(&mut s, 0, id);
    s
}

/// A file entry (tag 261) with short allocation descriptors, or with the
/// data embedded when `embedded` is given.
fn file_entry(file_type: u8, size: u64, extent: Option<(u32, u32)>, embedded: &[u8]) -> Vec<u8> {
    let mut s = tagged(261);
    s[27] = file_type;
    let alloc = if extent.is_some() { 0u16 } else { 3 };
    put_u16(&mut s, 34, alloc);
    s[56..64].copy_from_slice(&size.to_le_bytes());
    put_u32(&mut s, 168, 0);
    match extent {
        Some((len, lbn)) => {
            put_u32(&mut s, 172, 8);
            put_u32(&mut s, 176, len);
            put_u32(&mut s, 180, lbn);
        }
        None => {
            put_u32(&mut s, 172, embedded.len() as u32);
            s[176..176 + embedded.len()].copy_from_slice(embedded);
        }
    }
    s
}

fn file_id(name: &str, lbn: u32, characteristics: u8) -> Vec<u8> {
    let mut encoded = vec![8u8];
    encoded.extend_from_slice(name.as_bytes());
    let name_len = if name.is_empty() { 0 } else { encoded.len() };
    let total = (38 + name_len).div_ceil(4) * 4;
    let mut f = vec![0u8; total];
    put_u16(&mut f, 0, 257);
    f[18] = characteristics;
    f[19] = name_len as u8;
    put_u32(&mut f, 20, SECTOR as u32);
    put_u32(&mut f, 24, lbn);
    if name_len > 0 {
        f[38..38 + name_len].copy_from_slice(&encoded);
    }
    f
}

/// A pure UDF image (no ISO 9660 side): VRS, anchor at 256, a volume
/// descriptor sequence, a partition at sector 300 holding the file set,
/// the root directory (embedded identifiers) and one file entry per file.
pub fn udf(files: &[ImageFile<'_>]) -> Vec<u8> {
    let partition_start = 300usize;
    let mut sectors: Vec<Vec<u8>> = vec![vec![0u8; SECTOR]; partition_start];
    for (i, id) in [b"BEA01", b"NSR02", b"TEA01"].iter().enumerate() {
        sectors[16 + i][1..6].copy_from_slice(*id);
    }
    let mut anchor = tagged(2);
    put_u32(&mut anchor, 16, 3 * SECTOR as u32);
    put_u32(&mut anchor, 20, 32);
    sectors[256] = anchor;
    let mut pd = tagged(5);
    put_u16(&mut pd, 22, 0);
    put_u32(&mut pd, 188, partition_start as u32);
    sectors[32] = pd;
    let mut lvd = tagged(6);
    put_u32(&mut lvd, 212, SECTOR as u32);
    put_u32(&mut lvd, 248, SECTOR as u32);
    put_u32(&mut lvd, 252, 0);
    lvd[440] = 1;
    lvd[441] = 6;
    put_u16(&mut lvd, 444, 0);
    sectors[33] = lvd;
    sectors[34] = tagged(8);
    // Partition blocks: 0 = file set, 1 = root entry, 2.. = file entries,
    // then the data.
    let mut fsd = tagged(256);
    put_u32(&mut fsd, 400, SECTOR as u32);
    put_u32(&mut fsd, 404, 1);
    let mut fids = file_id("", 1, 0x08);
    let data_start = 2 + files.len();
    let mut data_blocks = Vec::new();
    let mut next = data_start;
    for (i, f) in files.iter().enumerate() {
        let characteristics = if f.hidden { 1 } else { 0 };
        fids.extend(file_id(f.name, 2 + i as u32, characteristics));
        data_blocks.push(next);
        next += f.data.len().div_ceil(SECTOR).max(1);
    }
    let mut partition = vec![fsd, file_entry(4, fids.len() as u64, None, &fids)];
    for (f, &block) in files.iter().zip(&data_blocks) {
        partition.push(file_entry(
            5,
            f.data.len() as u64,
            Some((f.data.len() as u32, block as u32)),
            &[],
        ));
    }
    for f in files {
        let mut d = f.data.to_vec();
        d.resize(f.data.len().div_ceil(SECTOR).max(1) * SECTOR, 0);
        partition.extend(d.chunks(SECTOR).map(<[u8]>::to_vec));
    }
    sectors.extend(partition);
    sectors.concat()
}

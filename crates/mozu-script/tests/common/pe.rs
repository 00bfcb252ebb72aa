//! A PE32 / PE32+ writer for test executables.

/// A minimal PE: DOS header, PE header, 3 sections, imports of 2 DLLs / 5
/// functions in .rdata. `characteristics` carries the DLL flag when wanted.
pub fn build_pe(pe32_plus: bool, timestamp: u32, characteristics: u16) -> Vec<u8> {
    let mut out = vec![0u8; 0x800];
    out[0..2].copy_from_slice(b"MZ");
    out[0x3C..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    out[0x80..0x84].copy_from_slice(b"PE\0\0");
    let optional_size: u16 = if pe32_plus { 240 } else { 224 };
    let machine: u16 = if pe32_plus { 0x8664 } else { 0x014C };
    let coff = 0x84;
    out[coff..coff + 2].copy_from_slice(&machine.to_le_bytes());
    out[coff + 2..coff + 4].copy_from_slice(&3u16.to_le_bytes());
    out[coff + 4..coff + 8].copy_from_slice(&timestamp.to_le_bytes());
    out[coff + 16..coff + 18].copy_from_slice(&optional_size.to_le_bytes());
    out[coff + 18..coff + 20].copy_from_slice(&characteristics.to_le_bytes());
    let optional = coff + 20;
    let magic: u16 = if pe32_plus { 0x20B } else { 0x10B };
    out[optional..optional + 2].copy_from_slice(&magic.to_le_bytes());
    out[optional + 32..optional + 36].copy_from_slice(&0x1000u32.to_le_bytes()); // SectionAlignment
    out[optional + 36..optional + 40].copy_from_slice(&0x200u32.to_le_bytes()); // FileAlignment
    let (count_at, directories) = if pe32_plus { (108, 112) } else { (92, 96) };
    out[optional + count_at..optional + count_at + 4].copy_from_slice(&16u32.to_le_bytes());
    let import = optional + directories + 8;
    out[import..import + 4].copy_from_slice(&0x2000u32.to_le_bytes());
    out[import + 4..import + 8].copy_from_slice(&60u32.to_le_bytes());
    let table = optional + usize::from(optional_size);
    for (index, name) in [&b".text\0\0\0"[..], b".rdata\0\0", b".data\0\0\0"].iter().enumerate() {
        let at = table + index * 40;
        let rva = 0x1000 * (index as u32 + 1);
        let raw = 0x200 * (index as u32 + 1);
        out[at..at + 8].copy_from_slice(name);
        out[at + 8..at + 12].copy_from_slice(&0x200u32.to_le_bytes());
        out[at + 12..at + 16].copy_from_slice(&rva.to_le_bytes());
        out[at + 16..at + 20].copy_from_slice(&0x200u32.to_le_bytes());
        out[at + 20..at + 24].copy_from_slice(&raw.to_le_bytes());
    }
    write_imports(&mut out, pe32_plus);
    out
}

fn write_imports(out: &mut [u8], pe32_plus: bool) {
    // .rdata: RVA 0x2000 at file offset 0x400.
    let file = |rva: usize| rva - 0x2000 + 0x400;
    let thunk = if pe32_plus { 8 } else { 4 };
    let dlls: [(&str, &[&str]); 2] = [
        ("KERNEL32.dll", &["CreateProcessA", "ExitProcess", "GetProcAddress"]),
        ("WININET.dll", &["InternetOpenA", "InternetReadFile"]),
    ];
    let mut names_at = 0x20C0;
    let mut dll_names_at = 0x2160;
    for (index, (dll, functions)) in dlls.iter().enumerate() {
        let lookup = 0x2040 + index * 0x20;
        let address = 0x2080 + index * 0x20;
        let descriptor = file(0x2000 + index * 20);
        out[descriptor..descriptor + 4].copy_from_slice(&(lookup as u32).to_le_bytes());
        out[descriptor + 12..descriptor + 16].copy_from_slice(&(dll_names_at as u32).to_le_bytes());
        out[descriptor + 16..descriptor + 20].copy_from_slice(&(address as u32).to_le_bytes());
        let dll_at = file(dll_names_at);
        out[dll_at..dll_at + dll.len()].copy_from_slice(dll.as_bytes());
        dll_names_at += dll.len() + 1;
        for (slot, function) in functions.iter().enumerate() {
            for table in [lookup, address] {
                let at = file(table + slot * thunk);
                out[at..at + 4].copy_from_slice(&(names_at as u32).to_le_bytes());
            }
            let at = file(names_at) + 2; // hint
            out[at..at + function.len()].copy_from_slice(function.as_bytes());
            names_at += (2 + function.len() + 1 + 1) & !1;
        }
    }
}

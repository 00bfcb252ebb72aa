//! Compressed RTF (MS-OXRTFCP) and RTF rendering (MS-OXRTFEX).

use super::*;
use crate::rtf::{RtfError, decompress_rtf, render_rtf, rtf_crc32};
use crate::writer::{compress_rtf, uncompressed_rtf};

const NO_LIMIT: usize = usize::MAX;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap_or_default())
        .collect()
}

/// `text` as RTF: ASCII kept (with `\`, `{`, `}` escaped), everything else
/// as cp932 `\'hh` escapes.
fn rtf_cp932(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() => out.push(c),
            c => {
                let mut buf = [0; 4];
                let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
                for byte in bytes.iter() {
                    out.push_str(&format!("\\'{byte:02x}"));
                }
            }
        }
    }
    out
}

#[test]
fn preload_dictionary_is_207_bytes() {
    assert_eq!(crate::rtf::PRELOAD.len(), 207);
}

#[test]
fn specification_examples_decompress() {
    let example1 = hex(
        "2d 00 00 00 2b 00 00 00 4c 5a 46 75 f1 c5 c7 a7 03 00 0a 00 72 63 70 67 31 32 35 42 32 0a f3 20 \
         68 65 6c 09 00 20 62 77 05 b0 6c 64 7d 0a 80 0f a0",
    );
    let out = decompress_rtf(&example1, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.data, b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
    assert!(out.compressed);
    assert_eq!(out.warnings, Vec::<String>::new());

    // Example 2 has a reference that overlaps the bytes it writes.
    let example2 = hex("1a 00 00 00 1c 00 00 00 4c 5a 46 75 e2 d4 4b 51 41 00 04 20 57 58 59 5a 0d 6e 7d 01 0e b0");
    let out = decompress_rtf(&example2, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.data, b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}");
    assert_eq!(out.warnings, Vec::<String>::new());
}

#[test]
fn independently_compressed_rtf_decompresses() {
    // Produced by another LZFu implementation (Python `compressed_rtf`),
    // with dictionary references into the preloaded dictionary and back
    // into its own output.
    let compressed = hex(
        "66 00 00 00 a2 00 00 00 4c 5a 46 75 92 4f 2d c0 03 00 0a 00 72 63 70 67 39 33 32 4f 00 f4 \
         01 f7 02 a7 02 00 63 68 0a c0 73 20 65 74 31 32 38 05 d2 50 47 d8 6f 74 68 0d e0 02 80 7d \
         0b a6 03 30 44 27 39 01 40 27 62 66 12 00 38 df 0c 30 12 90 00 50 12 90 12 71 39 00 50 0a \
         b3 b7 12 1f 13 29 01 a0 63 15 ad 0a a2 7d 17 10",
    );
    let rtf: &[u8] = b"{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil\\fcharset128 MS PGothic;}}\\f0\\fs20 \
        \\'90\\'bf\\'8b\\'81\\'8f\\'91\\par \\'90\\'bf\\'8b\\'81\\'8f\\'91\\par abcabcabcabcabcabc\\par}";
    let out = decompress_rtf(&compressed, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.data, rtf);
    assert_eq!(out.warnings, Vec::<String>::new());
    assert_eq!(
        render_rtf(&out.data, None, NO_LIMIT).text,
        "請求書\n請求書\nabcabcabcabcabcabc\n"
    );
}

#[test]
fn compressor_round_trips() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let noise: Vec<u8> = (0..3000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    let japanese = format!("{{\\rtf1\\ansi\\ansicpg932 {}\\par}}", rtf_cp932(BODY_TEXT));
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a".to_vec(),
        b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}".to_vec(),
        "WXYZ".repeat(2000).into_bytes(),
        japanese.into_bytes(),
        noise,
    ];
    for input in &inputs {
        let compressed = compress_rtf(input);
        let out = decompress_rtf(&compressed, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&out.data, input);
        assert_eq!(out.warnings, Vec::<String>::new());
        let plain = decompress_rtf(&uncompressed_rtf(input), NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&plain.data, input);
        assert!(!plain.compressed);
    }
    // Repetitive input really is compressed, so references were exercised.
    assert!(compress_rtf(&inputs[3]).len() < inputs[3].len() / 4);
}

#[test]
fn damaged_compressed_rtf_is_reported() {
    let input = b"{\\rtf1\\ansi hello hello hello hello}".to_vec();
    let mut compressed = compress_rtf(&input);
    let last = compressed.len() - 3;
    compressed[last] ^= 0x55;
    let out = decompress_rtf(&compressed, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.iter().any(|w| w.contains("CRC mismatch")));
    assert_eq!(rtf_crc32(&[]), 0);

    let truncated = &compress_rtf(&input)[..24];
    let out = decompress_rtf(truncated, NO_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.iter().any(|w| w.contains("truncated")));

    let capped = decompress_rtf(&compress_rtf(&input), 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(capped.data, &input[..10]);
    assert!(capped.warnings.iter().any(|w| w.contains("output limit")));

    assert_eq!(decompress_rtf(b"short", NO_LIMIT), Err(RtfError::TooShort(5)));
    let mut unknown = compress_rtf(&input);
    unknown[8..12].copy_from_slice(b"ABCD");
    assert!(matches!(
        decompress_rtf(&unknown, NO_LIMIT),
        Err(RtfError::UnknownType(_))
    ));
}

#[test]
fn japanese_rtf_with_ansicpg932() {
    let rtf = format!(
        "{{\\rtf1\\ansi\\ansicpg932\\deff0{{\\fonttbl{{\\f0\\fnil\\fcharset128 {};}}}}\
         {{\\colortbl;\\red255\\green0\\blue0;}}\\f0\\fs20 {}\\par\r\n{}\\tab{}}}",
        rtf_cp932("ＭＳ Ｐゴシック"),
        rtf_cp932(SUBJECT),
        rtf_cp932("①～⑩"),
        rtf_cp932("ﾊﾝｶｸ")
    );
    let rendered = render_rtf(rtf.as_bytes(), None, NO_LIMIT);
    assert_eq!(rendered.text, format!("{SUBJECT}\n①～⑩\tﾊﾝｶｸ"));
    assert_eq!(rendered.html, None);
    assert_eq!(rendered.warnings, Vec::<String>::new());

    // A DBCS trail byte may be written as a literal or an escaped symbol.
    let literal_trail = render_rtf(b"{\\rtf1\\ansi\\ansicpg932 \\'83\\\\\\'83A}", None, NO_LIMIT);
    assert_eq!(literal_trail.text, "ソア");
    // Without \ansicpg the caller's code page applies; a cp932 font in a
    // 1252 document still decodes as cp932.
    let default = render_rtf(b"{\\rtf1 \\'82\\'a0}", Some(932), NO_LIMIT);
    assert_eq!(default.text, "あ");
    let font = render_rtf(
        b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f1\\fcharset128 x;}}caf\\'e9 {\\f1 \\'82\\'a0}}",
        None,
        NO_LIMIT,
    );
    assert_eq!(font.text, "café あ");
}

#[test]
fn unicode_escapes_and_skip_counts() {
    let rtf = b"{\\rtf1\\ansi\\ansicpg1252\\uc1 caf\\u233? na\\u239?ve \\u-10179?\\u-8704? \
        {\\uc2\\u12354\\'82\\'a0}\\u8364?\\par \\u-10179?x\\emdash\\~\\ldblquote q\\rdblquote}";
    let rendered = render_rtf(rtf, None, NO_LIMIT);
    assert_eq!(rendered.text, "café naïve 😀 あ€\n\u{FFFD}x—\u{A0}“q”");
}

#[test]
fn hidden_destinations_and_binary_are_skipped() {
    let rtf = b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red255\\green0\\blue0;}\
        {\\*\\generator Riched20 10.0;}{\\info{\\author evil}}{\\stylesheet{\\s0 Normal;}}\
        {\\pict\\wmetafile8 0102abcd}{\\object{\\*\\objdata 0102}{\\result visible}}\\bin5 {}{}x text\\par}";
    let rendered = render_rtf(rtf, None, NO_LIMIT);
    assert_eq!(rendered.text, "visible text\n");
}

#[test]
fn hyperlink_fields_render_their_target() {
    let rtf = b"{\\rtf1 Click {\\field{\\*\\fldinst{HYPERLINK \"https://evil.example/login\" \\\\o \"tip\"}}\
        {\\fldrslt{\\ul here}}} now.}";
    let rendered = render_rtf(rtf, None, NO_LIMIT);
    assert_eq!(rendered.text, "Click here <https://evil.example/login> now.");
}

#[test]
fn deep_nesting_is_flattened_without_recursion() {
    let depth = 200_000;
    let mut rtf = b"{\\rtf1 ".to_vec();
    rtf.extend(std::iter::repeat_n(b'{', depth));
    rtf.extend_from_slice(b"deep");
    rtf.extend(std::iter::repeat_n(b'}', depth));
    rtf.extend_from_slice(b" end}");
    let rendered = render_rtf(&rtf, None, NO_LIMIT);
    assert_eq!(rendered.text, "deep end");
    assert_eq!(rendered.warnings.len(), 1);
}

/// An HTML mail as Outlook encapsulates it: markup in `\*\htmltag`
/// groups, RTF-only rendering between `\htmlrtf` and `\htmlrtf0`.
pub(super) fn encapsulated_html_rtf() -> String {
    let mut rtf = String::from(
        "{\\rtf1\\ansi\\ansicpg932\\fromhtml1 \\deff0{\\fonttbl\r\n{\\f0\\fswiss\\fcharset128 MS PGothic;}}\r\n\
         {\\colortbl\\red0\\green0\\blue0;}\r\n{\\*\\htmltag64}\\uc1\\pard\\plain\\f0\\fs24\r\n\
         {\\*\\htmltag19 <html><head><style>p \\{margin:0\\}</style></head><body>}\r\n\
         {\\*\\htmltag64 <p>}{\\htmlrtf0 ",
    );
    rtf.push_str(&rtf_cp932("請求書はこちら"));
    rtf.push_str(
        "{\\*\\htmltag84 <a href=\"https://evil.example/login\">}\\htmlrtf {\\field{\\*\\fldinst{HYPERLINK \
         \"https://evil.example/login\"}}{\\fldrslt\\ul \\htmlrtf0 ",
    );
    rtf.push_str(&rtf_cp932("ログイン"));
    rtf.push_str(
        "\\htmlrtf }}\\htmlrtf0 {\\*\\htmltag92 </a>}{\\*\\htmltag84 &nbsp;}\\htmlrtf \\~\\htmlrtf0 \
         \\u12354?\\htmlrtf\\par\\htmlrtf0}\r\n{\\*\\htmltag72 </p>}{\\*\\htmltag0 </body></html>}}",
    );
    rtf
}

pub(super) const ENCAPSULATED_HTML: &str = "<html><head><style>p {margin:0}</style></head><body>\
    <p>請求書はこちら<a href=\"https://evil.example/login\">ログイン</a>&nbsp;あ</p></body></html>";
pub(super) const ENCAPSULATED_TEXT: &str = "請求書はこちらログイン <https://evil.example/login>\u{A0}あ\n";

#[test]
fn fromhtml_is_de_encapsulated() {
    let rendered = render_rtf(encapsulated_html_rtf().as_bytes(), None, NO_LIMIT);
    assert_eq!(rendered.html.as_deref(), Some(ENCAPSULATED_HTML));
    assert_eq!(rendered.text, ENCAPSULATED_TEXT);
    assert_eq!(rendered.warnings, Vec::<String>::new());
}

#[test]
fn message_rtf_bodies_lzfu_mela_and_bad_crc() {
    let rtf = format!("{{\\rtf1\\ansi\\f0 {}\\par}}", rtf_cp932(SUBJECT));
    let base = || MsgBuilder::new().unicode(false).code_page(932).subject("rtf");
    for bytes in [
        base().rtf_body(&rtf).build(),
        base().rtf_body_uncompressed(&rtf).build(),
    ] {
        let message = parse(&bytes);
        assert_eq!(message.body_rtf.as_deref(), Some(rtf.as_bytes()));
        // No \ansicpg: the message code page decodes the \'hh bytes.
        assert_eq!(message.rtf_text, Some(format!("{SUBJECT}\n")));
        assert_eq!(message.rtf_html, None);
        assert_eq!(message.warnings, Vec::<String>::new());
    }
    let mut corrupt = compress_rtf(rtf.as_bytes());
    corrupt[12] ^= 0xFF;
    let message = parse(&base().rtf_compressed_raw(corrupt).build());
    assert_eq!(message.rtf_text, Some(format!("{SUBJECT}\n")));
    assert!(message.warnings.iter().any(|w| w.contains("CRC mismatch")));

    let html = parse(&base().rtf_body(encapsulated_html_rtf()).build());
    assert_eq!(html.rtf_html.as_deref(), Some(ENCAPSULATED_HTML));
    assert_eq!(html.rtf_text.as_deref(), Some(ENCAPSULATED_TEXT));

    let garbage = parse(&base().rtf_compressed_raw(b"garbage".to_vec()).build());
    assert_eq!(garbage.body_rtf, None);
    assert!(garbage.warnings.iter().any(|w| w.contains("RTF")));
}

#[test]
fn mutated_rtf_never_panics() {
    let rtf = encapsulated_html_rtf().into_bytes();
    let compressed = compress_rtf(&rtf);
    let mut state = 0xDEAD_BEEF_0BAD_F00Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state >> 33).unwrap_or(0)
    };
    let mut cases = 0;
    for _ in 0..2000 {
        let mut packed = compressed.clone();
        let mut plain = rtf.clone();
        for _ in 0..1 + next() % 4 {
            let at = next() % packed.len();
            packed[at] = u8::try_from(next() % 256).unwrap_or(0);
            let at = next() % plain.len();
            plain[at] = b"{}\\'u-0123456789abc *"[next() % 21];
        }
        if let Ok(out) = decompress_rtf(&packed, 1 << 16) {
            assert!(out.data.len() <= 1 << 16);
            let _ = render_rtf(&out.data, Some(932), 1 << 16);
        }
        let rendered = render_rtf(&plain, None, 1 << 16);
        assert!(rendered.text.len() <= 1 << 16);
        cases += 1;
    }
    assert_eq!(cases, 2000);
}

//! Message bodies: plain text, HTML (often stored as bytes in some
//! charset) and compressed RTF with its text and de-encapsulated HTML.

use encoding_rs::Encoding;

use crate::cfbread::props::{PT_BINARY, PropReader};
use crate::codepage::{self, Decoded};
use crate::{OutlookMessage, rtf};

/// How far into an HTML body a `<meta charset>` is looked for.
const META_SNIFF_BYTES: usize = 4096;

/// Fills `body_text`, `body_html`, `body_rtf`, `rtf_text` and `rtf_html`.
pub(crate) fn read_bodies(props: &mut PropReader<'_, '_>, message: &mut OutlookMessage) {
    message.body_text = props.string(0x1000);
    message.body_html = if let Some(bytes) = props.raw(0x1013, PT_BINARY) {
        let decoded = decode_html(&bytes, props.bag.u32(0x3FDE), props.code_page);
        if let Some(warning) = decoded.warning {
            props.warnings.push(format!("HTML body: {warning}"));
        }
        Some(decoded.text).filter(|text| !text.is_empty())
    } else {
        props.string(0x1013)
    };
    if let Some(compressed) = props.binary(0x1009) {
        read_rtf(props, message, &compressed);
    }
}

fn read_rtf(props: &mut PropReader<'_, '_>, message: &mut OutlookMessage, compressed: &[u8]) {
    let limits = props.reader.limits;
    let max_output = limits.max_rtf_output.min(props.reader.budget.remaining());
    let decompressed = match rtf::decompress_rtf(compressed, max_output) {
        Ok(decompressed) => decompressed,
        Err(err) => {
            props.warnings.push(format!("RTF body (PR_RTF_COMPRESSED): {err}"));
            return;
        }
    };
    props.reader.budget.spend(decompressed.data.len());
    for warning in &decompressed.warnings {
        props.warnings.push(format!("RTF body: {warning}"));
    }
    // RTF escapes bytes of a Windows code page; ISO-2022-JP mail is cp932.
    let default_code_page = props
        .code_page
        .map(|cp| if (50220..=50222).contains(&cp) { 932 } else { cp });
    let rendered = rtf::render_rtf(&decompressed.data, default_code_page, limits.max_rtf_output);
    for warning in &rendered.warnings {
        props.warnings.push(format!("RTF body: {warning}"));
    }
    message.rtf_text = Some(rendered.text).filter(|text| !text.trim().is_empty());
    message.rtf_html = rendered.html;
    message.body_rtf = Some(decompressed.data);
}

/// Decodes an HTML body stored as bytes: `PR_INTERNET_CPID` first, then a
/// byte-order mark or `<meta charset>`, then the message code page, then a
/// guess.
pub(crate) fn decode_html(bytes: &[u8], internet_cpid: Option<u32>, message_code_page: Option<u32>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        return codepage::decode_declared(body, encoding, "byte-order mark");
    }
    if let Some(cpid) = internet_cpid.filter(|&cp| codepage::encoding_for_code_page(cp).is_some()) {
        return codepage::decode_8bit(bytes, Some(cpid));
    }
    if let Some(encoding) = sniff_meta_charset(bytes) {
        return codepage::decode_declared(bytes, encoding, "<meta charset>");
    }
    codepage::decode_8bit(bytes, message_code_page)
}

/// Finds `charset=LABEL` near the start of an HTML document, as in
/// `<meta charset="shift_jis">` or `content="text/html; charset=iso-2022-jp"`.
pub(crate) fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SNIFF_BYTES)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = find(&lower[from..], b"charset") {
        let mut pos = from + found + b"charset".len();
        from = pos;
        while lower.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
            pos += 1;
        }
        if lower.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while lower
            .get(pos)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            pos += 1;
        }
        let end = lower[pos..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
            .map_or(lower.len(), |n| pos + n);
        if let Some(encoding) = Encoding::for_label(&lower[pos..end]) {
            // An HTML document that declares UTF-16 in a meta tag cannot be
            // UTF-16 (the tag would not be readable as ASCII): treat as UTF-8.
            return Some(
                if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    encoding
                },
            );
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_charset_order() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<p>請求書</p>");
        let mut with_meta =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\"></head>".to_vec();
        with_meta.extend_from_slice(&sjis);
        let decoded = decode_html(&with_meta, None, None);
        assert!(decoded.text.ends_with("<p>請求書</p>"));
        assert_eq!(decoded.encoding, encoding_rs::SHIFT_JIS);
        // PR_INTERNET_CPID wins over the meta tag.
        let (utf8, _, _) = encoding_rs::UTF_8.encode("<meta charset=\"shift_jis\">日本");
        let decoded = decode_html(&utf8, Some(65001), Some(932));
        assert_eq!(decoded.text, "<meta charset=\"shift_jis\">日本");
        // A byte-order mark wins over everything.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("日本".as_bytes());
        assert_eq!(decode_html(&bom, Some(932), None).text, "日本");
        assert_eq!(sniff_meta_charset(b"<meta charset='utf-16'>"), Some(encoding_rs::UTF_8));
        assert_eq!(sniff_meta_charset(b"charset charset=bogus"), None);
    }
}

//! Tables and small parsers for RTF control words: charsets, destinations
//! that are not visible text, and `HYPERLINK` field instructions.

/// Code page of an RTF `\fcharsetN`; `None` for ANSI, default and symbol
/// charsets, which follow `\ansicpg`.
pub(super) fn code_page_for_charset(charset: i32) -> Option<u32> {
    Some(match charset {
        77 => 10000,
        128 => 932,
        129 => 949,
        130 => 1361,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        254 => 437,
        255 => 850,
        _ => return None,
    })
}

/// A strictly positive parameter as `u32`.
pub(super) fn positive(param: Option<i32>) -> Option<u32> {
    param.and_then(|p| u32::try_from(p).ok()).filter(|&p| p > 0)
}

/// Destinations whose content is not visible text, sorted for binary
/// search.
const SKIPPED_DESTINATIONS: &[&[u8]] = &[
    b"aftncn",
    b"aftnsep",
    b"aftnsepc",
    b"annotation",
    b"atnauthor",
    b"atnid",
    b"author",
    b"bkmkend",
    b"bkmkstart",
    b"blipuid",
    b"colorschememapping",
    b"colortbl",
    b"comment",
    b"company",
    b"datastore",
    b"defchp",
    b"defpap",
    b"doccomm",
    b"docvar",
    b"falt",
    b"filetbl",
    b"fontemb",
    b"fontfile",
    b"footer",
    b"footerf",
    b"footerl",
    b"footerr",
    b"footnote",
    b"ftncn",
    b"ftnsep",
    b"ftnsepc",
    b"generator",
    b"header",
    b"headerf",
    b"headerl",
    b"headerr",
    b"info",
    b"keywords",
    b"latentstyles",
    b"levelnumbers",
    b"leveltext",
    b"listoverridetable",
    b"listtable",
    b"mhtmltag",
    b"mmathPr",
    b"nonshppict",
    b"objclass",
    b"objdata",
    b"operator",
    b"panose",
    b"passwordhash",
    b"pgdsctbl",
    b"pict",
    b"pntxta",
    b"pntxtb",
    b"private",
    b"protusertbl",
    b"revtbl",
    b"rsidtbl",
    b"shpinst",
    b"sn",
    b"sp",
    b"stylesheet",
    b"subject",
    b"sv",
    b"tc",
    b"template",
    b"themedata",
    b"title",
    b"userprops",
    b"xe",
    b"xmlnstbl",
];

/// Whether a control word starts a destination whose content is not
/// visible text.
pub(super) fn is_skipped_destination(name: &[u8]) -> bool {
    SKIPPED_DESTINATIONS.binary_search(&name).is_ok()
}

/// The target of a `HYPERLINK "url"` field instruction (not `\l` anchors).
pub(super) fn hyperlink_target(instruction: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(instruction);
    let rest = text.trim_start();
    let keyword = rest.get(..9)?;
    if !keyword.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    let rest = rest.get(9..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let url = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or_default(),
        None => rest.split_whitespace().next().unwrap_or_default(),
    };
    let url = url.trim();
    (!url.is_empty() && !url.starts_with('\\')).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_instructions() {
        assert_eq!(
            hyperlink_target(b" HYPERLINK \"https://a.example/x\" \\o \"t\""),
            Some("https://a.example/x".to_owned())
        );
        assert_eq!(
            hyperlink_target(b"hyperlink mailto:a@example.jp"),
            Some("mailto:a@example.jp".to_owned())
        );
        assert_eq!(hyperlink_target(b"HYPERLINK \\l \"_Toc1\""), None);
        assert_eq!(hyperlink_target(b"PAGE"), None);
        assert_eq!(hyperlink_target("HYPERLINKé".as_bytes()), None);
    }

    #[test]
    fn charsets() {
        assert_eq!(code_page_for_charset(128), Some(932));
        assert_eq!(code_page_for_charset(0), None);
        assert_eq!(positive(Some(-1)), None);
        assert!(!is_skipped_destination(b"fonttbl"));
        assert!(is_skipped_destination(b"pict"));
        assert!(is_skipped_destination(b"mmathPr"));
        assert!(SKIPPED_DESTINATIONS.windows(2).all(|w| w[0] < w[1]));
    }
}

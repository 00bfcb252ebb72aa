//! URL candidates: where they end in free text, their host, and the
//! normalised string reported to the analyst.

use std::borrow::Cow;

use crate::MAX_URL_LEN;
use crate::host::normalize_host;

/// A URL accepted as an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedUrl {
    /// Scheme and host lower-cased, everything else as written.
    pub url: String,
    /// Normalised host (see [`normalize_host`]).
    pub host: String,
}

/// Schemes reported as URLs.
pub(crate) fn known_scheme(word: &str) -> Option<&'static str> {
    ["http", "https", "ftp"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(word))
}

/// The scheme word that ends just before `sep` (the `:` of `://`) in `t`,
/// as `(start, scheme)`. Letters glued in front (`URLhttps://`) are skipped
/// for http(s); `ftp` must stand alone so that `sftp://` is not reported.
pub(crate) fn scheme_before(t: &[u8], sep: usize) -> Option<(usize, &'static str)> {
    let mut start = sep;
    while start > 0 && sep - start < 8 && t.get(start - 1).is_some_and(u8::is_ascii_alphabetic) {
        start -= 1;
    }
    let word = t.get(start..sep)?;
    let ends_with = |s: &[u8]| {
        let tail = word.len().checked_sub(s.len()).and_then(|from| word.get(from..));
        tail.is_some_and(|tail| tail.eq_ignore_ascii_case(s))
    };
    if ends_with(b"https") {
        Some((sep - 5, "https"))
    } else if ends_with(b"http") {
        Some((sep - 4, "http"))
    } else if word.eq_ignore_ascii_case(b"ftp") {
        Some((start, "ftp"))
    } else {
        None
    }
}

/// Longest authority (userinfo, host, port) accepted, in bytes.
const MAX_AUTHORITY_LEN: usize = 2048;

/// Length of the authority at the start of `rest`. The search stops after
/// [`MAX_AUTHORITY_LEN`] bytes (a longer authority is rejected anyway), so
/// that it costs little on hostile input.
pub(crate) fn authority_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let window = bytes.get(..=MAX_AUTHORITY_LEN).unwrap_or(bytes);
    window
        .iter()
        .position(|c| matches!(c, b'/' | b'?' | b'#' | b'\\'))
        .unwrap_or(window.len())
}

/// Cheap pre-check of a free-text candidate: the host of `rest` (the text
/// after `://`, untrimmed) once trailing sentence punctuation is dropped.
/// Lets the scanner reject non-URLs before the (linear) tail trimming.
pub(crate) fn quick_host(rest: &str) -> Option<String> {
    let auth = rest.get(..authority_len(rest))?;
    let auth = auth.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', ')', '}']);
    let auth = if auth.contains('[') {
        auth
    } else {
        auth.trim_end_matches(']')
    };
    split_authority(auth).map(|(_, host, _)| host)
}

/// Splits an authority into `(host as written, normalised host, port part)`.
/// The port part includes its colon; userinfo is skipped.
fn split_authority(auth: &str) -> Option<(&str, String, &str)> {
    if auth.is_empty() || auth.len() > MAX_AUTHORITY_LEN {
        return None;
    }
    let hostport = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let (host_raw, port) = if hostport.starts_with('[') {
        let close = hostport.find(']')? + 1;
        (hostport.get(..close)?, hostport.get(close..)?)
    } else {
        match hostport.rfind(':') {
            Some(colon) => (hostport.get(..colon)?, hostport.get(colon..)?),
            None => (hostport, ""),
        }
    };
    if !port.is_empty() {
        let digits = port.strip_prefix(':')?;
        if digits.len() > 5 || !digits.bytes().all(|c| c.is_ascii_digit()) || digits.parse::<u32>().unwrap_or(0) > 65535
        {
            return None;
        }
    }
    let host = normalize_host(&percent_decode(host_raw)?)?;
    Some((host_raw, host, port))
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8. Invalid
/// escapes are kept literally (and then rejected by host validation).
pub(crate) fn percent_decode(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('%') {
        return Some(Cow::Borrowed(s));
    }
    let hex = |c: &u8| (*c as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'%'
            && let (Some(high), Some(low)) = (bytes.get(i + 1).and_then(hex), bytes.get(i + 2).and_then(hex))
        {
            out.push(high << 4 | low);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// Builds the reported URL from a lower-case `scheme` and `rest`, the text
/// after `://`. Returns `None` when the authority is not a valid host.
pub(crate) fn build_url(scheme: &str, rest: &str) -> Option<ParsedUrl> {
    let auth_len = authority_len(rest);
    let auth = rest.get(..auth_len)?;
    let (host_raw, host, port) = split_authority(auth)?;
    let userinfo = auth.rsplit_once('@').map(|(u, _)| u);
    let tail = rest.get(auth_len..)?;
    let mut url = String::with_capacity(scheme.len() + 3 + rest.len());
    url.push_str(scheme);
    url.push_str("://");
    if let Some(userinfo) = userinfo {
        url.push_str(userinfo);
        url.push('@');
    }
    url.push_str(&host_raw.to_ascii_lowercase());
    url.push_str(port);
    url.push_str(tail);
    Some(ParsedUrl { url, host })
}

/// Where a URL that runs to the end of `s` really ends in prose. A closing
/// `)`, `]` or `}` without a matching opener inside the URL ends it (so
/// `(see http://x/a)` and `[t](http://x/a)[u]` stop before the bracket,
/// while `http://x/Foo_(bar)` is kept whole); then trailing `.,;:!?*` are
/// dropped.
pub(crate) fn trim_tail(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut depth = [0usize; 3];
    let mut end = bytes.len();
    for (i, &c) in bytes.iter().enumerate() {
        let (k, opens) = match c {
            b'(' => (0, true),
            b'[' => (1, true),
            b'{' => (2, true),
            b')' => (0, false),
            b']' => (1, false),
            b'}' => (2, false),
            _ => continue,
        };
        if opens {
            depth[k] += 1;
        } else if depth[k] == 0 {
            end = i;
            break;
        } else {
            depth[k] -= 1;
        }
    }
    let kept = s.get(..end).unwrap_or(s);
    kept.trim_end_matches(['.', ',', ';', ':', '!', '?', '*'])
}

/// Cuts `s` to at most `max` bytes on a char boundary; true if it was cut.
pub(crate) fn cap_len(s: &str, max: usize) -> (&str, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (s.get(..end).unwrap_or_default(), true)
}

/// What an `href`-like value points at.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Href<'a> {
    /// A web or FTP URL: scheme and the text after the slashes.
    Url(&'static str, &'a str),
    /// A `mailto:` link: the text after `mailto:`.
    Mailto(&'a str),
    /// Anything else: relative, fragment, `javascript:`, `cid:`, `data:` …
    Other,
}

/// Classifies an already trimmed and refanged attribute value. Like a
/// browser, any run of `/` and `\` after `http:` is accepted (`http:\\x`,
/// `http:x`); a leading `//` or `www.` is read as `http`.
pub(crate) fn classify_href(v: &str) -> Href<'_> {
    if let Some(rest) = v.strip_prefix("//") {
        return Href::Url("http", strip_slashes(rest));
    }
    if v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        return Href::Url("http", v);
    }
    let Some((scheme, rest)) = v.split_once(':') else {
        return Href::Other;
    };
    if scheme.eq_ignore_ascii_case("mailto") {
        return Href::Mailto(rest);
    }
    match known_scheme(scheme) {
        Some(scheme) => Href::Url(scheme, strip_slashes(rest)),
        None => Href::Other,
    }
}

fn strip_slashes(s: &str) -> &str {
    s.trim_start_matches(['/', '\\'])
}

/// Longest href looked at; longer values are cut (and reported truncated).
pub(crate) const MAX_HREF_LEN: usize = MAX_URL_LEN + 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_trimming_keeps_balanced_brackets() {
        let cases = [
            ("example.com/a.", "example.com/a"),
            ("example.com/a,;:!?", "example.com/a"),
            ("example.com/a)", "example.com/a"),
            ("en.wikipedia.org/wiki/Foo_(bar)", "en.wikipedia.org/wiki/Foo_(bar)"),
            ("en.wikipedia.org/wiki/Foo_(bar)).", "en.wikipedia.org/wiki/Foo_(bar)"),
            ("example.com/]", "example.com/"),
            ("example.com/?q={x}", "example.com/?q={x}"),
            ("example.com/*", "example.com/"),
            ("example.com/a.html)[Next](http", "example.com/a.html"),
            ("example.com/a)b", "example.com/a"),
            ("example.com/a_(b).", "example.com/a_(b)"),
            ("...", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(trim_tail(input), expected, "{input:?}");
        }
    }

    #[test]
    fn scheme_words() {
        let at = |s: &str| scheme_before(s.as_bytes(), s.find("://").unwrap_or(0));
        assert_eq!(at("https://x"), Some((0, "https")));
        assert_eq!(at("URL:https://x"), Some((4, "https")));
        assert_eq!(at("URLhttp://x"), Some((3, "http")));
        assert_eq!(at("HTTP://x"), Some((0, "http")));
        assert_eq!(at("ftp://x"), Some((0, "ftp")));
        assert_eq!(at("sftp://x"), None);
        assert_eq!(at("file://x"), None);
        assert_eq!(at("://x"), None);
    }

    #[test]
    fn builds_urls() {
        let b = |scheme, rest| build_url(scheme, rest).map(|p| (p.url, p.host));
        let pair = |u: &str, h: &str| Some((u.to_owned(), h.to_owned()));
        assert_eq!(b("http", "user@Evil.COM/x"), pair("http://user@evil.com/x", "evil.com"));
        assert_eq!(
            b("http", "paypal.com@evil.com"),
            pair("http://paypal.com@evil.com", "evil.com")
        );
        assert_eq!(
            b("http", "192.0.2.7:8080/a.exe"),
            pair("http://192.0.2.7:8080/a.exe", "192.0.2.7")
        );
        assert_eq!(
            b("http", "[2001:DB8::1]/"),
            pair("http://[2001:db8::1]/", "2001:db8::1")
        );
        assert_eq!(
            b("https", "[2001:db8::1]:443/x"),
            pair("https://[2001:db8::1]:443/x", "2001:db8::1")
        );
        assert_eq!(b("http", "%65vil.com/"), pair("http://%65vil.com/", "evil.com"));
        assert_eq!(b("http", "例え.jp/パス"), pair("http://例え.jp/パス", "xn--r8jz45g.jp"));
        assert_eq!(
            b("http", "example.com?q=1"),
            pair("http://example.com?q=1", "example.com")
        );
        assert_eq!(
            b("http", "example.com\\x"),
            pair("http://example.com\\x", "example.com")
        );
        for bad in [
            "",
            "/path",
            "evil.com:99999/",
            "evil.com:abc/",
            "[zz::1]/",
            "a b.com/",
            "%ff.com/",
            "@/",
        ] {
            assert_eq!(build_url("http", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn classifies_hrefs() {
        assert_eq!(classify_href("https://x.com/"), Href::Url("https", "x.com/"));
        assert_eq!(classify_href("HTTP:\\\\x.com/"), Href::Url("http", "x.com/"));
        assert_eq!(classify_href("http:x.com"), Href::Url("http", "x.com"));
        assert_eq!(classify_href("//cdn.x.com/a.js"), Href::Url("http", "cdn.x.com/a.js"));
        assert_eq!(classify_href("www.x.com/a"), Href::Url("http", "www.x.com/a"));
        assert_eq!(
            classify_href("mailto:a@b.com?subject=x"),
            Href::Mailto("a@b.com?subject=x")
        );
        for other in [
            "javascript:alert(1)",
            "cid:image001.png@01D",
            "#top",
            "/relative/path",
            "page.html",
            "data:,x",
            "tel:+81",
        ] {
            assert_eq!(classify_href(other), Href::Other, "{other:?}");
        }
    }

    #[test]
    fn caps_on_char_boundaries() {
        assert_eq!(cap_len("abc", 5), ("abc", false));
        assert_eq!(cap_len("aあ", 2), ("a", true));
        assert_eq!(percent_decode("%E4%BE%8B.jp").as_deref(), Some("例.jp"));
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
    }
}

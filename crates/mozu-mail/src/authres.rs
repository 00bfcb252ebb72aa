//! `Authentication-Results` (RFC 8601) parsing.

use std::collections::BTreeMap;

use mozu_model::{AuthResult, AuthSummary};

/// Clauses per header at most.
pub const MAX_CLAUSES: usize = 64;
/// Properties per clause at most.
pub const MAX_PROPERTIES: usize = 32;

/// Parses one header value; `header_index` is its position among the
/// message's `Authentication-Results` headers (0 = topmost).
pub fn parse(value: &str, header_index: u32) -> Vec<AuthResult> {
    let stripped = strip_comments(value);
    let mut clauses = split_outside_quotes(&stripped, ';');
    // Exchange Online omits the authserv-id: the first clause is a result.
    let first_is_result = clauses
        .first()
        .and_then(|c| c.split_whitespace().next())
        .is_some_and(|w| w.contains('='));
    let authserv_id = if first_is_result || clauses.is_empty() {
        None
    } else {
        clauses.remove(0).split_whitespace().next().map(str::to_owned)
    };
    let mut out = Vec::new();
    for clause in clauses.into_iter().take(MAX_CLAUSES) {
        let tokens = tokens(&clause);
        let mut it = tokens.into_iter();
        let Some((method, result)) = it.next() else { continue };
        let method = method.split('/').next().unwrap_or(&method).to_ascii_lowercase();
        if method.is_empty() || method.contains('.') {
            continue;
        }
        let mut res = AuthResult {
            authserv_id: authserv_id.clone(),
            method,
            result: result.to_ascii_lowercase(),
            reason: None,
            properties: BTreeMap::new(),
            header_index,
        };
        for (key, val) in it.take(MAX_PROPERTIES) {
            if key.eq_ignore_ascii_case("reason") {
                res.reason = Some(val);
            } else if key.contains('.') {
                res.properties.insert(key.to_ascii_lowercase(), val);
            }
        }
        out.push(res);
    }
    out
}

/// Builds the summary from every clause, topmost header first.
pub fn summarize(results: Vec<AuthResult>) -> AuthSummary {
    let mut summary = AuthSummary::default();
    let first_for = |method: &str| -> Option<String> {
        let top = results
            .iter()
            .filter(|r| r.method == method)
            .map(|r| r.header_index)
            .min()?;
        let mut in_top = results.iter().filter(|r| r.method == method && r.header_index == top);
        let all: Vec<&AuthResult> = in_top.by_ref().collect();
        all.iter()
            .find(|r| r.result == "pass")
            .or(all.first())
            .map(|r| r.result.clone())
    };
    summary.spf = first_for("spf");
    summary.dkim = first_for("dkim");
    summary.dmarc = first_for("dmarc");
    summary.arc = first_for("arc");
    summary.results = results;
    summary
}

fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            '\r' | '\n' | '\t' if depth == 0 => out.push(' '),
            '\r' | '\n' | '\t' => {}
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn split_outside_quotes(value: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in value.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == sep && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// `key=value` pairs of a clause, tolerating spaces around `=` and quoted
/// values.
fn tokens(clause: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let chars: Vec<char> = clause.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() || chars[i] != '=' {
            if !key.is_empty() && out.is_empty() {
                // `none` (no-result) or a bare word: not a clause.
                return Vec::new();
            }
            continue;
        }
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let value = if i < chars.len() && chars[i] == '"' {
            i += 1;
            let vs = i;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            let v: String = chars[vs..i].iter().collect();
            i += 1;
            v
        } else {
            let vs = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            chars[vs..i].iter().collect()
        };
        if !key.is_empty() {
            out.push((key, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc8601_example_with_comments() {
        let v = "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=abc;\r\n       spf=softfail (google.com: domain of transitioning x@example.com does not designate 192.0.2.1 as permitted sender) smtp.mailfrom=x@example.com;\r\n       dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.com";
        let r = parse(v, 0);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].authserv_id.as_deref(), Some("mx.google.com"));
        assert_eq!(r[0].method, "dkim");
        assert_eq!(r[0].properties["header.i"], "@example.com");
        assert_eq!(r[1].result, "softfail");
        assert_eq!(r[1].properties["smtp.mailfrom"], "x@example.com");
        let s = summarize(r);
        assert_eq!(s.spf.as_deref(), Some("softfail"));
        assert_eq!(s.dmarc.as_deref(), Some("fail"));
        assert_eq!(s.dkim.as_deref(), Some("pass"));
    }

    #[test]
    fn exchange_online_without_authserv_id() {
        let v = "spf=none (sender IP is 188.93.118.71)\r\n smtp.mailfrom=musdelatined.co.uk; dkim=none (message not signed)\r\n header.d=none;dmarc=none action=none header.from=yua1ekvi1o.com;compauth=fail\r\n reason=001";
        let r = parse(v, 0);
        assert_eq!(r[0].method, "spf");
        assert_eq!(r[0].authserv_id, None);
        assert_eq!(r[0].properties["smtp.mailfrom"], "musdelatined.co.uk");
        assert_eq!(r[2].properties["header.from"], "yua1ekvi1o.com");
        assert_eq!(r[3].method, "compauth");
        assert_eq!(r[3].reason.as_deref(), Some("001"));
    }

    #[test]
    fn none_and_reason_and_version() {
        assert!(parse("example.org 1; none", 0).is_empty());
        let r = parse("example.com; spf/1 = pass reason=\"good; ok\" smtp.mailfrom=a@b.c", 2);
        assert_eq!(r[0].method, "spf");
        assert_eq!(r[0].result, "pass");
        assert_eq!(r[0].reason.as_deref(), Some("good; ok"));
        assert_eq!(r[0].header_index, 2);
    }
}

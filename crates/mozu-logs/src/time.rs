//! Timestamp parsing for the formats mozu reads, to Unix milliseconds (UTC).

use mozu_model::civil::{civil_from_days, days_from_civil};

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses ISO 8601 / RFC 3339 (`2025-11-27T07:40:10.165Z`, `2025-11-27 07:40:10.132`,
/// `…+09:00`) and bare Unix seconds (`1286536309.586`). A time without a zone is UTC.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(ms) = parse_epoch(s) {
        return Some(ms);
    }
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let (y, mo, d) = (num(parts.next()?)?, num(parts.next()?)?, num(parts.next()?)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let rest = s.get(10..).unwrap_or("");
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    let (clock, offset_ms) = split_zone(rest)?;
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    if !clock.is_empty() {
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        let mut hp = hms.split(':');
        let h = num(hp.next()?)?;
        let mi = num(hp.next().unwrap_or("0"))?;
        let sec = num(hp.next().unwrap_or("0"))?;
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let frac_ms = frac_to_ms(frac)?;
        ms += ((h * 60 + mi) * 60 + sec) * 1000 + frac_ms;
    }
    Some(ms - offset_ms)
}

fn frac_to_ms(frac: &str) -> Option<i64> {
    if frac.is_empty() {
        return Some(0);
    }
    let digits: String = frac.chars().take(3).collect();
    let value = num(&digits)?;
    Some(match digits.len() {
        1 => value * 100,
        2 => value * 10,
        _ => value,
    })
}

/// Splits `07:40:10.1+09:00` into the clock and the zone offset in ms.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        return Some((clock, 0));
    }
    // A sign after the clock's first characters starts an offset.
    if let Some(pos) = rest.rfind(['+', '-']).filter(|&p| p >= 5) {
        let (clock, zone) = rest.split_at(pos);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let z = zone.get(1..)?.replace(':', "");
        let hh = num(z.get(..2)?)?;
        let mm = num(z.get(2..).unwrap_or("0")).unwrap_or(0);
        return Some((clock.trim_end(), sign * (hh * 60 + mm) * 60_000));
    }
    Some((rest.trim_end(), 0))
}

/// `1286536309.586` (Squid) → ms; requires 9–11 integer digits so years and ids are not mistaken.
pub fn parse_epoch(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !(9..=11).contains(&int.len()) {
        return None;
    }
    Some(num(int)? * 1000 + frac_to_ms(frac)?)
}

/// Apache/Squid combined `10/Oct/2000:13:55:36 -0700` → ms.
pub fn parse_clf(s: &str) -> Option<i64> {
    let (dt, zone) = s.trim().split_once(' ').unwrap_or((s.trim(), "+0000"));
    let mut p = dt.splitn(3, '/');
    let d = num(p.next()?)?;
    let mon = p.next()?;
    let rest = p.next()?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mo = months.iter().position(|m| m.eq_ignore_ascii_case(mon))? as i64 + 1;
    let (y, clock) = rest.split_once(':')?;
    let iso = format!("{:04}-{mo:02}-{d:02}T{clock}{}", num(y)?, zone_colon(zone));
    parse_timestamp(&iso)
}

fn zone_colon(zone: &str) -> String {
    match zone.len() {
        5 => format!("{}:{}", zone.get(..3).unwrap_or("+00"), zone.get(3..).unwrap_or("00")),
        _ => "Z".to_owned(),
    }
}

/// Unix ms → `2025-11-27T07:40:10.165Z`.
pub fn format_timestamp(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_round_trip() {
        let cases = [
            ("2025-11-27T07:40:10.165324Z", "2025-11-27T07:40:10.165Z"),
            ("2025-11-27 07:40:10.132", "2025-11-27T07:40:10.132Z"),
            ("2018-09-01T09:00:00+09:00", "2018-09-01T00:00:00.000Z"),
            ("1286536309.586", "2010-10-08T11:11:49.586Z"),
        ];
        for (input, want) in cases {
            let ms = parse_timestamp(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(format_timestamp(ms), want, "{input}");
        }
        assert_eq!(
            parse_clf("10/Oct/2000:13:55:36 -0700").map(format_timestamp).as_deref(),
            Some("2000-10-10T20:55:36.000Z")
        );
        assert!(parse_timestamp("not a date").is_none());
        assert!(parse_timestamp("2025-13-01").is_none());
    }
}

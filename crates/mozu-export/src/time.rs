//! RFC 3339 with any offset → STIX/MISP UTC time stamps.

use mozu_model::civil::{civil_from_days, days_from_civil};

fn num(s: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = s.get(range)?;
    part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
}

/// Seconds since the epoch of an RFC 3339 time stamp (`2020-02-11T09:30:00+09:00`).
pub fn epoch(ts: &str) -> Option<i64> {
    let (y, mo, d) = (num(ts, 0..4)?, num(ts, 5..7)?, num(ts, 8..10)?);
    let (h, mi, s) = (num(ts, 11..13)?, num(ts, 14..16)?, num(ts, 17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let rest = ts.get(19..)?;
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            sign * (num(rest, 1..3)? * 3600 + num(rest, 4..6)? * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// The UTC form STIX requires (`2020-02-11T00:30:00Z`), or `None` when `ts`
/// is not RFC 3339.
pub fn to_utc(ts: &str) -> Option<String> {
    Some(format_utc(epoch(ts)?))
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_utc() {
        assert_eq!(
            to_utc("2020-02-11T09:30:00+09:00").as_deref(),
            Some("2020-02-11T00:30:00Z")
        );
        assert_eq!(
            to_utc("2020-03-01T01:00:00+09:00").as_deref(),
            Some("2020-02-29T16:00:00Z")
        );
        assert_eq!(
            to_utc("2018-01-01T00:00:00.25-05:30").as_deref(),
            Some("2018-01-01T05:30:00Z")
        );
        assert_eq!(to_utc("yesterday"), None);
    }
}

//! Numbers and times as text, written straight into a value buffer: the
//! `fmt` machinery cost more than the digits on values rendered per event.

use mozu_model::civil::civil_from_days;

/// Decimal digits of `n`, at least `width` of them (zero-padded).
fn push_padded(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 || buf.len() - i < width.max(1) {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if i == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(buf.get(i..).unwrap_or(&[])).unwrap_or(""));
}

pub(super) fn push_dec(out: &mut String, n: u64) {
    push_padded(out, n, 1);
}

pub(super) fn push_signed(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_dec(out, n.unsigned_abs());
}

/// `0x` and the lower-case hex digits of `n`, as `format!("0x{n:x}")`.
pub(super) fn push_hex(out: &mut String, n: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push_str("0x");
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for k in (0..digits).rev() {
        out.push(char::from(DIGITS[((n >> (4 * k)) & 0xf) as usize]));
    }
}

/// `YYYY-MM-DDThh:mm:ss.fffffffZ` as evtx writes it.
fn datetime(year: i64, month: i64, day: i64, secs_of_day: u64, ticks: u64, out: &mut String) {
    let part = |out: &mut String, n: i64, width: usize| push_padded(out, n.unsigned_abs(), width);
    part(out, year.rem_euclid(10_000), 4);
    out.push('-');
    part(out, month, 2);
    out.push('-');
    part(out, day, 2);
    out.push('T');
    push_padded(out, secs_of_day / 3600, 2);
    out.push(':');
    push_padded(out, secs_of_day / 60 % 60, 2);
    out.push(':');
    push_padded(out, secs_of_day % 60, 2);
    out.push('.');
    push_padded(out, ticks, 7);
    out.push('Z');
}

/// FILETIME (100 ns since 1601-01-01) as evtx renders it.
pub(super) fn filetime(ft: u64, out: &mut String) {
    const TICKS_PER_SEC: u64 = 10_000_000;
    const TICKS_PER_DAY: u64 = TICKS_PER_SEC * 86_400;
    // Days from 1601-01-01 to 1970-01-01.
    const EPOCH_1601: i64 = 134_774;
    if ft > i64::MAX as u64 {
        out.push_str("0000-00-00T00:00:00.0000000Z");
        return;
    }
    let (days, ticks) = (ft / TICKS_PER_DAY, ft % TICKS_PER_DAY);
    let (y, m, d) = civil_from_days(days as i64 - EPOCH_1601);
    datetime(y, m, d, ticks / TICKS_PER_SEC, ticks % TICKS_PER_SEC, out);
}

pub(super) fn systemtime(b: &[u8; 16], out: &mut String) {
    let f = |i: usize| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
    let (year, month, day, hour, minute, second, ms) = (f(0), f(1), f(3), f(4), f(5), f(6), f(7));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let valid = (1601..=30827).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60
        && ms < 1000;
    if !valid {
        out.push_str("1601-01-01T00:00:00.0000000Z");
        return;
    }
    let secs = u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    datetime(
        i64::from(year),
        i64::from(month),
        i64::from(day),
        secs,
        u64::from(ms) * 10_000,
        out,
    );
}

//! Indicator extraction for mozu.
//!
//! Malspam points somewhere: a URL in the body, a host in a `Received`
//! header, an address to reply to. This crate pulls those indicators out of
//! decoded text so that an analyst can pivot on them. It is built for the
//! mail Japanese SOCs see: URLs glued to Japanese prose with no spaces
//! (`URL:https://example.jp/a。詳細は`), full-width punctuation, and the
//! defanged spellings of vendor advisories and incident write-ups
//! (`hxxp://example[.]com`), which are refanged and flagged.
//!
//! An [`IndicatorSet`] collects, per message, URLs ([`UrlIndicator`] with
//! host, registrable domain, location and a `defanged` flag), domains, IP
//! addresses and e-mail addresses. [`IndicatorSet::scan_text`] reads free
//! text, [`IndicatorSet::add_url`] takes attribute values such as `href`,
//! and the other `add_*` methods take values a parser already isolated.
//! [`normalize_host`], [`registrable_domain`] and [`refang`] are the building
//! blocks, public for other analysers.
//!
//! Input is hostile: nothing here panics, work is linear in the input, and
//! every output is capped (`MAX_*`), with [`IndicatorSet::truncated`]
//! recording that a cap was hit. Bare words in prose are only taken as
//! domains when their suffix is in the public suffix list and their TLD is
//! not a common file extension ([`FILE_EXTENSION_TLDS`]), so `invoice.pdf`,
//! `readme.md` and version numbers are not reported.
//!
//! [`UrlIndicator`]: mozu_model::UrlIndicator
#![warn(missing_docs)]

mod email;
mod host;
mod ip;
mod refang;
mod scan;
mod set;
mod url;

pub use host::{FILE_EXTENSION_TLDS, normalize_host, registrable_domain};
pub use refang::refang;
pub use set::IndicatorSet;

/// Most URL entries kept per [`IndicatorSet`]; further URLs set `truncated`
/// (their hosts are still recorded).
pub const MAX_URLS: usize = 2_000;
/// Bytes of text scanned per [`IndicatorSet::scan_text`] call; the rest is
/// skipped and `truncated` set.
pub const MAX_SCAN_BYTES: usize = 4 << 20;
/// Longest URL reported, in bytes; longer URLs are cut to this length (on a
/// character boundary) and `truncated` is set.
pub const MAX_URL_LEN: usize = 4096;
/// Most entries kept in [`IndicatorSet::domains`].
pub const MAX_DOMAINS: usize = 10_000;
/// Most entries kept in [`IndicatorSet::ips`].
pub const MAX_IPS: usize = 10_000;
/// Most entries kept in [`IndicatorSet::emails`].
pub const MAX_EMAILS: usize = 10_000;

#[cfg(test)]
mod set_tests;

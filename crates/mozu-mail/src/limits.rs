//! Limits on what one message may cost.

use std::time::{Duration, Instant};

/// Bytes of one message parsed at most; the rest is cut with a warning.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// MIME multipart nesting depth; deeper parts are ignored with a warning.
pub const MAX_MIME_DEPTH: usize = 32;
/// MIME parts per message; more are ignored with a warning.
pub const MAX_PARTS: usize = 2_000;
/// Header fields per message (top level); more are ignored with a warning.
pub const MAX_HEADERS: usize = 2_000;
/// Bytes of one header field value decoded; longer values are cut.
pub const MAX_HEADER_BYTES: usize = crate::rfc2047::MAX_HEADER_DECODE_BYTES;
/// Bytes of decoded body text kept per message (text and HTML each).
pub const MAX_BODY_TEXT_BYTES: usize = 8 << 20;
/// Attachments listed per message.
pub const MAX_ATTACHMENTS: usize = 1_000;
/// Wall-clock time one message may take before remaining work is skipped.
pub const MESSAGE_DEADLINE: Duration = Duration::from_secs(10);

/// Limits for one message, with their defaults from the `MAX_*` constants.
#[derive(Debug, Clone)]
pub struct Limits {
    /// See [`MAX_MESSAGE_BYTES`].
    pub max_message_bytes: usize,
    /// See [`MAX_MIME_DEPTH`].
    pub max_mime_depth: usize,
    /// See [`MAX_PARTS`].
    pub max_parts: usize,
    /// See [`MAX_HEADERS`].
    pub max_headers: usize,
    /// See [`MAX_BODY_TEXT_BYTES`].
    pub max_body_text_bytes: usize,
    /// See [`MAX_ATTACHMENTS`].
    pub max_attachments: usize,
    /// See [`MESSAGE_DEADLINE`].
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_mime_depth: MAX_MIME_DEPTH,
            max_parts: MAX_PARTS,
            max_headers: MAX_HEADERS,
            max_body_text_bytes: MAX_BODY_TEXT_BYTES,
            max_attachments: MAX_ATTACHMENTS,
            deadline: MESSAGE_DEADLINE,
        }
    }
}

/// What is left of the limits while one message is processed.
#[derive(Debug)]
pub struct Budget<'a> {
    /// The limits this budget started from.
    pub limits: &'a Limits,
    started: Instant,
}

impl<'a> Budget<'a> {
    /// Starts the clock.
    pub fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            started: Instant::now(),
        }
    }

    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        self.started.elapsed() > self.limits.deadline
    }
}

//! HTML and plain-text artifacts: their text (and HTML links) go to the
//! indicator scan.

use super::Outcome;
use crate::tree::Item;

/// Bytes of a text artifact scanned at most.
pub const MAX_TEXT_BYTES: usize = 8 << 20;

fn decoded(item: &Item) -> String {
    let data = &item.data[..item.data.len().min(MAX_TEXT_BYTES)];
    mozu_mail::charset::decode(data, None, None).text
}

/// HTML: rendered text plus every link and resource URL.
pub fn html(item: &Item) -> Outcome {
    let rendered = mozu_mail::html::render(&decoded(item));
    let mut texts = vec![rendered.text];
    texts.extend(rendered.links.into_iter().map(|l| l.href));
    texts.extend(rendered.resources);
    Outcome {
        texts,
        ..Outcome::default()
    }
}

/// Plain text.
pub fn plain(item: &Item) -> Outcome {
    Outcome {
        texts: vec![decoded(item)],
        ..Outcome::default()
    }
}

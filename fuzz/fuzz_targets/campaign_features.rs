//! Campaign features and clustering on hostile strings: templates, name
//! patterns, shapes, MinHash and the clusterer must not panic or blow up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mozu_campaign::{Clusterer, Config, Features, MessageDigest, mask};
use mozu_model::{Attachment, MessageRecord, ReceivedHop, SourceFormat, SourceRef};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let mut next = || parts.next().map(str::to_string);
    let mut rec = MessageRecord::new(SourceRef { path: "fuzz".into(), index: None, format: SourceFormat::Eml });
    rec.subject = next();
    rec.text = next();
    rec.message_id = next();
    rec.x_mailer = next();
    rec.date = next();
    rec.received = vec![ReceivedHop { from_host: next(), ip: next(), ..ReceivedHop::default() }];
    rec.attachments = vec![Attachment { name: next(), ..Attachment::default() }];
    let _ = mask::template(&text);
    let _ = mask::name_pattern(&text);
    let _ = mask::shape(&text);
    let f = Features::extract(&rec);
    let _ = MessageDigest::from_record(&rec).day();
    let mut c = Clusterer::new(Config::default());
    c.add(f.clone());
    c.add(f);
});

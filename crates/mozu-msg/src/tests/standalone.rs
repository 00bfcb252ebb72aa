//! Embedded messages re-written as standalone `.msg` files
//! ([`MsgAttachment::embedded_raw`](crate::MsgAttachment::embedded_raw)).

use std::io::{Cursor, Read};

use super::embedded::chain;
use super::*;
use crate::{Limits, MAX_EMBED_DEPTH, is_msg, parse_msg_unguarded};

const EMBEDDED_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/msg/embedded.msg");
const EMBEDDED_STORAGE: &str = "/__attach_version1.0_#00000000/__substg1.0_3701000D";

fn fixture() -> Vec<u8> {
    std::fs::read(EMBEDDED_FIXTURE).unwrap_or_else(|err| panic!("{EMBEDDED_FIXTURE}: {err}"))
}

/// The first attachment's standalone file.
fn first_raw(message: &OutlookMessage) -> &[u8] {
    let Some(raw) = message.attachments.first().and_then(|a| a.embedded_raw.as_deref()) else {
        panic!("no embedded_raw: {:?}", message.all_warnings());
    };
    raw
}

fn read_stream(bytes: &[u8], path: &str) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap_or_else(|err| panic!("{err}"));
    let mut data = Vec::new();
    let read = cfb
        .open_stream(path)
        .and_then(|mut stream| stream.read_to_end(&mut data));
    read.unwrap_or_else(|err| panic!("{path}: {err}"));
    data
}

#[test]
fn fixture_embedded_message_round_trips_through_its_standalone_file() {
    let message = parse(&fixture());
    let Some(inner) = message.attachments[0].embedded.as_deref() else {
        panic!("embedded message missing: {:?}", message.all_warnings());
    };
    let raw = first_raw(&message);
    assert!(is_msg(raw));
    let standalone = parse(raw);
    assert_eq!(standalone.subject.as_deref(), Some(SUBJECT));
    assert_eq!(standalone.subject, inner.subject);
    assert_eq!(standalone.sender_name, inner.sender_name);
    assert_eq!(standalone.sender_email, inner.sender_email);
    assert_eq!(standalone.recipients, inner.recipients);
    assert_eq!(standalone.recipients.len(), 3);
    assert_eq!(standalone.attachments, inner.attachments);
    assert_eq!(standalone.attachments.len(), 3);
    assert_eq!(standalone.body_text, inner.body_text);
    assert_eq!(standalone.body_html, inner.body_html);
    assert_eq!(standalone.body_rtf, inner.body_rtf);
    assert_eq!(standalone.transport_headers, inner.transport_headers);
    // Read as a top-level message: no header-size warning, nothing else.
    assert_eq!(standalone.warnings, Vec::<String>::new());
    assert_eq!(&standalone, inner);
    assert_eq!(message.all_warnings(), Vec::<String>::new());
}

#[test]
fn properties_header_grows_to_the_top_level_form() {
    let original = fixture();
    let raw = first_raw(&parse(&original)).to_vec();
    let embedded = read_stream(&original, &format!("{EMBEDDED_STORAGE}/__properties_version1.0"));
    let top = read_stream(&raw, "/__properties_version1.0");
    assert_eq!(embedded.len() % 16, 8);
    assert_eq!(top.len(), embedded.len() + 8);
    // Reserved 8, next recipient id, next attachment id, recipient count,
    // attachment count: unchanged; then the 8 reserved bytes of the
    // top-level header; then the same 16-byte entries.
    assert_eq!(top[..24], embedded[..24]);
    assert_eq!(u32::from_le_bytes([top[16], top[17], top[18], top[19]]), 3);
    assert_eq!(u32::from_le_bytes([top[20], top[21], top[22], top[23]]), 3);
    assert_eq!(top[24..32], [0; 8]);
    assert_eq!(top[32..], embedded[24..]);
    // Nested storages keep their own headers; the named-property mapping
    // of the top-level file comes along.
    let recipient = "__recip_version1.0_#00000000/__properties_version1.0";
    assert_eq!(
        read_stream(&raw, &format!("/{recipient}")),
        read_stream(&original, &format!("{EMBEDDED_STORAGE}/{recipient}"))
    );
    for stream in ["00020102", "00030102", "00040102"] {
        let path = format!("/__nameid_version1.0/__substg1.0_{stream}");
        assert_eq!(read_stream(&raw, &path), read_stream(&original, &path));
    }
}

#[test]
fn output_is_deterministic() {
    let bytes = forwarded_invoice().build();
    let first = first_raw(&parse(&bytes)).to_vec();
    // Storage timestamps come from the source, never from the clock.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = first_raw(&parse(&bytes)).to_vec();
    assert_eq!(first, second);
    assert_eq!(first_raw(&parse(&fixture())), first_raw(&parse(&fixture())));
}

/// Patches the directory entry named `name` (first match): CLSID, state
/// bits and modified time, as another writer (Outlook) would have set them.
fn patch_dir_entry(bytes: &mut [u8], name: &str, clsid: [u8; 16], state_bits: u32, modified: u64) -> bool {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let Some(at) = bytes.windows(utf16.len()).position(|w| w == utf16.as_slice()) else {
        return false;
    };
    bytes[at + 0x50..at + 0x60].copy_from_slice(&clsid);
    bytes[at + 0x60..at + 0x64].copy_from_slice(&state_bits.to_le_bytes());
    bytes[at + 0x6C..at + 0x74].copy_from_slice(&modified.to_le_bytes());
    true
}

#[test]
fn root_metadata_comes_from_the_embedded_storage() {
    // CLSID_MailMessage {00020D0B-0000-0000-C000-000000000046}.
    let clsid = [0x0B, 0x0D, 2, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
    let modified: u64 = 133_564_941_300_000_000;
    let mut bytes = forwarded_invoice().build();
    assert!(patch_dir_entry(&mut bytes, "__substg1.0_3701000D", clsid, 7, modified));
    let raw = first_raw(&parse(&bytes)).to_vec();
    let cfb = cfb::CompoundFile::open(Cursor::new(raw.as_slice())).unwrap_or_else(|err| panic!("{err}"));
    let root = cfb.root_entry();
    let source = cfb::CompoundFile::open(Cursor::new(bytes.as_slice())).unwrap_or_else(|err| panic!("{err}"));
    let embedded = source.entry(EMBEDDED_STORAGE).unwrap_or_else(|err| panic!("{err}"));
    assert!(!root.clsid().is_nil());
    assert_eq!(root.clsid(), embedded.clsid());
    assert_eq!(root.state_bits(), 7);
    assert_eq!(root.modified(), embedded.modified());
    assert_eq!(root.created(), embedded.created());
}

#[test]
fn nested_standalone_files_agree_at_every_level() {
    let message = parse(&chain(MAX_EMBED_DEPTH));
    assert_eq!(message.embed_depth(), MAX_EMBED_DEPTH);
    assert_eq!(message.all_warnings(), Vec::<String>::new());
    let mut current = &message;
    let mut levels = 0;
    while let Some(attachment) = current.attachments.first() {
        let (Some(inner), Some(raw)) = (attachment.embedded.as_deref(), attachment.embedded_raw.as_deref()) else {
            break;
        };
        levels += 1;
        // The standalone file parses to the very same message, whose own
        // embedded attachment re-writes to the same bytes as in the original.
        assert_eq!(&parse(raw), inner, "level {levels}");
        current = inner;
    }
    assert_eq!(levels, MAX_EMBED_DEPTH);
}

#[test]
fn budget_refuses_the_copy_with_a_warning_and_never_a_partial_file() {
    let bytes = forwarded_invoice().build();
    let full = parse(&bytes);
    let full_raw = first_raw(&full);
    let (mut refused, mut copied) = (0, 0);
    for max_total_bytes in (1_000..150_000).step_by(2_500) {
        let limits = Limits {
            max_total_bytes,
            ..Limits::default()
        };
        let message = parse_msg_unguarded(&bytes, &limits).unwrap_or_default();
        let Some(attachment) = message.attachments.first() else {
            continue;
        };
        match attachment.embedded_raw.as_deref() {
            Some(raw) => {
                assert!(raw == full_raw, "budget {max_total_bytes}: a different file");
                copied += 1;
            }
            None if attachment.embedded.is_some() => {
                let why = message.warnings.iter().find(|w| w.contains("standalone"));
                assert!(why.is_some_and(|w| w.contains("budget")), "{:?}", message.warnings);
                refused += 1;
            }
            None => {}
        }
    }
    // Some budgets parse everything but leave too little for the copy.
    assert!(refused > 0);
    assert!(copied > 0);
}

#[test]
fn hostile_entry_names_are_refused() {
    // The first stream of the embedded message (by CFB name order) renamed
    // `..`, which would otherwise resolve to its parent storage. Being
    // shorter it still sorts first, so the directory tree stays searchable.
    // The embedded message's entries are written before the outer
    // message's, so the first match is the embedded one.
    let mut bytes = forwarded_invoice().build();
    let name: Vec<u8> = "__substg1.0_001A001E"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let Some(at) = bytes.windows(name.len()).position(|w| w == name.as_slice()) else {
        panic!("no {name:?} entry");
    };
    bytes[at..at + name.len()].fill(0);
    bytes[at..at + 4].copy_from_slice(&[b'.', 0, b'.', 0]);
    bytes[at + 0x40..at + 0x42].copy_from_slice(&6u16.to_le_bytes());
    let message = parse_msg_unguarded(&bytes, &Limits::default()).unwrap_or_default();
    assert_eq!(message.subject.as_deref(), Some(format!("FW: {SUBJECT}").as_str()));
    assert!(message.attachments[0].embedded.is_some());
    assert!(message.attachments[0].embedded_raw.is_none());
    assert!(
        message.warnings.iter().any(|w| w.contains("\"..\" cannot be copied")),
        "{:?}",
        message.warnings
    );
}

#[test]
fn standalone_file_of_unicode_message_with_rtf() {
    let inner = invoice(true).rtf_body(super::rtf::encapsulated_html_rtf());
    let message = parse(&MsgBuilder::new().subject("FW").embed(inner).build());
    let standalone = parse(first_raw(&message));
    let Some(inner) = message.attachments[0].embedded.as_deref() else {
        panic!("embedded message missing");
    };
    assert!(standalone.rtf_html.is_some());
    assert_eq!(&standalone, inner);
}

/// `bytes` with every storage timestamp set to one fixed instant, so that
/// writer-built fixtures do not depend on when they were built.
fn with_fixed_storage_times(bytes: Vec<u8>) -> Vec<u8> {
    let fixed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_712_020_530);
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap_or_else(|err| panic!("{err}"));
    let storages: Vec<_> = cfb
        .walk()
        .filter(|e| !e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    for path in storages {
        let set = cfb
            .set_created_time(&path, fixed)
            .and_then(|()| cfb.set_modified_time(&path, fixed));
        set.unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    }
    cfb.flush().unwrap_or_else(|err| panic!("{err}"));
    cfb.into_inner().into_inner()
}

/// FNV-1a, 64-bit: enough to notice any change of the bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

#[test]
fn output_bytes_are_pinned() {
    // Analysts compare hashes of these files across runs and versions: a
    // change of layout (this crate's or the `cfb` crate's) must be noticed.
    let bytes = with_fixed_storage_times(forwarded_invoice().build());
    let message = parse(&bytes);
    let raw = first_raw(&message);
    assert_eq!(
        (raw.len(), fnv1a(raw)),
        (15_872, 0xE1C3_690D_3EAC_5F65),
        "update the pinned value only for an intended change"
    );
}

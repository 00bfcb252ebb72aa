//! Writes a [`MsgBuilder`] into a CFB container.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use super::{AddressSpec, AttachmentSpec, HtmlBody, MsgBuilder, RecipientSpec};
use crate::codepage::encoding_for_code_page;

type Cfb = cfb::CompoundFile<Cursor<Vec<u8>>>;

const PT_LONG: u16 = 0x0003;
const PT_BOOLEAN: u16 = 0x000B;
const PT_OBJECT: u16 = 0x000D;
const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_SYSTIME: u16 = 0x0040;
const PT_BINARY: u16 = 0x0102;
/// `PROPATTR_READABLE | PROPATTR_WRITABLE`.
const PROP_FLAGS: u32 = 0x0000_0006;
/// `STORE_UNICODE_OK` in `PR_STORE_SUPPORT_MASK`.
const STORE_UNICODE_OK: u32 = 0x0004_0000;

/// Which `__properties_version1.0` header a storage gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Embedded,
}

/// The properties of one storage, collected before writing.
struct PropSet {
    unicode: bool,
    encoding: &'static Encoding,
    fixed: Vec<(u16, u16, [u8; 8])>,
    streams: Vec<(u16, u16, Vec<u8>)>,
}

impl PropSet {
    fn new(unicode: bool, code_page: Option<u32>) -> Self {
        let encoding = match code_page.and_then(encoding_for_code_page) {
            // Outlook keeps 8-bit strings of ISO-2022-JP mail in cp932.
            Some(encoding) if encoding == encoding_rs::ISO_2022_JP => encoding_rs::SHIFT_JIS,
            Some(encoding) => encoding,
            None => encoding_rs::WINDOWS_1252,
        };
        Self {
            unicode,
            encoding,
            fixed: Vec::new(),
            streams: Vec::new(),
        }
    }

    fn string(&mut self, id: u16, value: &str) {
        if self.unicode {
            let bytes = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
            self.streams.push((id, PT_UNICODE, bytes));
        } else {
            let (bytes, _, _) = self.encoding.encode(value);
            self.streams.push((id, PT_STRING8, bytes.into_owned()));
        }
    }

    fn opt_string(&mut self, id: u16, value: Option<&String>) {
        if let Some(value) = value {
            self.string(id, value);
        }
    }

    fn binary(&mut self, id: u16, value: Vec<u8>) {
        self.streams.push((id, PT_BINARY, value));
    }

    fn long(&mut self, id: u16, value: u32) {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&value.to_le_bytes());
        self.fixed.push((PT_LONG, id, bytes));
    }

    fn boolean(&mut self, id: u16, value: bool) {
        let mut bytes = [0u8; 8];
        bytes[0] = u8::from(value);
        self.fixed.push((PT_BOOLEAN, id, bytes));
    }

    fn time(&mut self, id: u16, unix_seconds: i64) {
        let ticks = unix_seconds
            .saturating_add(11_644_473_600)
            .max(0)
            .unsigned_abs()
            .saturating_mul(10_000_000);
        self.fixed.push((PT_SYSTIME, id, ticks.to_le_bytes()));
    }

    fn object(&mut self, id: u16) {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        self.fixed.push((PT_OBJECT, id, bytes));
    }

    fn address(&mut self, spec: &AddressSpec, ids: [u16; 4]) {
        let [name, address_type, address, smtp] = ids;
        self.string(name, &spec.name);
        self.string(address_type, &spec.address_type);
        self.string(address, &spec.address);
        if let Some(value) = &spec.smtp {
            self.string(smtp, value);
        }
    }

    /// The `__properties_version1.0` stream after `header`.
    fn properties_stream(&self, header: &[u8]) -> Vec<u8> {
        let mut out = header.to_vec();
        for (prop_type, id, value) in &self.fixed {
            out.extend_from_slice(&prop_type.to_le_bytes());
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&PROP_FLAGS.to_le_bytes());
            out.extend_from_slice(value);
        }
        for (id, prop_type, data) in &self.streams {
            let terminator = match *prop_type {
                PT_UNICODE => 2,
                PT_STRING8 => 1,
                _ => 0,
            };
            let size = u32::try_from(data.len() + terminator).unwrap_or(u32::MAX);
            out.extend_from_slice(&prop_type.to_le_bytes());
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&PROP_FLAGS.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&[0; 4]);
        }
        out
    }

    /// Writes the property streams and `__properties_version1.0`.
    fn write(&self, cfb: &mut Cfb, storage: &Path, header: &[u8]) -> std::io::Result<()> {
        for (id, prop_type, data) in &self.streams {
            write_stream(cfb, &storage.join(format!("__substg1.0_{id:04X}{prop_type:04X}")), data)?;
        }
        write_stream(
            cfb,
            &storage.join("__properties_version1.0"),
            &self.properties_stream(header),
        )
    }
}

fn write_stream(cfb: &mut Cfb, path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut stream = cfb.create_stream(path)?;
    stream.write_all(data)?;
    stream.flush()
}

/// Builds the whole file.
pub(super) fn build(builder: &MsgBuilder) -> std::io::Result<Vec<u8>> {
    let mut cfb = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    let root = PathBuf::from("/");
    // Named-property mapping: present in every Outlook file, empty here.
    let nameid = root.join("__nameid_version1.0");
    cfb.create_storage(&nameid)?;
    for stream in ["__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"] {
        write_stream(&mut cfb, &nameid.join(stream), &[])?;
    }
    write_message(&mut cfb, builder, &root, Level::Top)?;
    cfb.flush()?;
    Ok(cfb.into_inner().into_inner())
}

/// Writes one message (recursing into embedded messages, whose nesting is
/// chosen by the test author, not by an attacker).
fn write_message(cfb: &mut Cfb, builder: &MsgBuilder, storage: &Path, level: Level) -> std::io::Result<()> {
    let mut props = PropSet::new(builder.unicode, builder.code_page);
    message_properties(&mut props, builder);
    for (index, recipient) in builder.recipients.iter().enumerate() {
        write_recipient(cfb, builder, storage, index, recipient)?;
    }
    for (index, attachment) in builder.attachments.iter().enumerate() {
        write_attachment(cfb, builder, storage, index, attachment)?;
    }
    let recipients = u32::try_from(builder.recipients.len()).unwrap_or(u32::MAX);
    let attachments = u32::try_from(builder.attachments.len()).unwrap_or(u32::MAX);
    let mut header = vec![0u8; 8];
    for value in [recipients, attachments, recipients, attachments] {
        header.extend_from_slice(&value.to_le_bytes());
    }
    if level == Level::Top {
        header.extend_from_slice(&[0; 8]);
    }
    props.write(cfb, storage, &header)?;
    for (name, data) in &builder.raw_streams {
        write_stream(cfb, &storage.join(name), data)?;
    }
    Ok(())
}

fn message_properties(props: &mut PropSet, builder: &MsgBuilder) {
    props.opt_string(0x001A, builder.message_class.as_ref());
    if let Some(subject) = &builder.subject {
        props.string(0x0037, subject);
        props.string(0x0E1D, subject);
    }
    if let Some(sender) = &builder.sender {
        props.address(sender, [0x0C1A, 0x0C1E, 0x0C1F, 0x5D01]);
    }
    if let Some(representing) = &builder.sent_representing {
        props.address(representing, [0x0042, 0x0064, 0x0065, 0x5D02]);
    }
    props.opt_string(0x007D, builder.transport_headers.as_ref());
    props.opt_string(0x1035, builder.message_id.as_ref());
    props.opt_string(0x1042, builder.in_reply_to.as_ref());
    props.opt_string(0x1039, builder.references.as_ref());
    props.opt_string(0x1000, builder.body_text.as_ref());
    if let Some(time) = builder.submit_time {
        props.time(0x0039, time);
    }
    if let Some(time) = builder.delivery_time {
        props.time(0x0E06, time);
    }
    if let Some(html) = &builder.body_html {
        props.binary(0x1013, html_bytes(builder, html));
    }
    if let Some(rtf) = &builder.rtf_compressed {
        props.binary(0x1009, rtf.clone());
        props.boolean(0x0E1F, true);
    }
    if let Some(code_page) = builder.code_page {
        props.long(0x3FFD, code_page);
    }
    if let Some(code_page) = builder.internet_code_page {
        props.long(0x3FDE, code_page);
    }
    if builder.unicode {
        props.long(0x340D, STORE_UNICODE_OK);
    }
    for &(id, value) in &builder.raw_longs {
        props.long(id, value);
    }
}

fn html_bytes(builder: &MsgBuilder, html: &HtmlBody) -> Vec<u8> {
    match html {
        HtmlBody::Bytes(bytes) => bytes.clone(),
        HtmlBody::Text(text) => {
            let encoding = builder
                .internet_code_page
                .or(builder.code_page)
                .and_then(encoding_for_code_page)
                .unwrap_or(encoding_rs::UTF_8);
            encoding.encode(text).0.into_owned()
        }
    }
}

fn write_recipient(
    cfb: &mut Cfb,
    builder: &MsgBuilder,
    storage: &Path,
    index: usize,
    recipient: &RecipientSpec,
) -> std::io::Result<()> {
    let path = storage.join(format!("__recip_version1.0_#{index:08X}"));
    cfb.create_storage(&path)?;
    let mut props = PropSet::new(builder.unicode, builder.code_page);
    props.long(0x0C15, recipient.kind);
    props.long(0x3000, u32::try_from(index).unwrap_or(u32::MAX));
    props.string(0x3001, &recipient.name);
    props.string(0x3002, "SMTP");
    props.string(0x3003, &recipient.email);
    props.string(0x39FE, &recipient.email);
    props.write(cfb, &path, &[0; 8])
}

fn write_attachment(
    cfb: &mut Cfb,
    builder: &MsgBuilder,
    storage: &Path,
    index: usize,
    attachment: &AttachmentSpec,
) -> std::io::Result<()> {
    let path = storage.join(format!("__attach_version1.0_#{index:08X}"));
    cfb.create_storage(&path)?;
    let mut props = PropSet::new(builder.unicode, builder.code_page);
    props.long(0x0E21, u32::try_from(index).unwrap_or(u32::MAX));
    props.long(0x370B, u32::MAX);
    match attachment {
        AttachmentSpec::ByValue {
            name,
            mime_type,
            content_id,
            data,
        } => {
            props.long(0x3705, 1);
            props.string(0x3001, name);
            props.string(0x3704, name);
            props.string(0x3707, name);
            if let Some(extension) = name.rfind('.').map(|dot| &name[dot..]) {
                props.string(0x3703, extension);
            }
            props.string(0x370E, mime_type);
            props.opt_string(0x3712, content_id.as_ref());
            props.long(0x0E20, u32::try_from(data.len()).unwrap_or(u32::MAX));
            props.binary(0x3701, data.clone());
        }
        AttachmentSpec::Embedded { name, message } => {
            props.long(0x3705, 5);
            props.string(0x3001, name);
            props.object(0x3701);
            let nested = path.join("__substg1.0_3701000D");
            cfb.create_storage(&nested)?;
            write_message(cfb, message, &nested, Level::Embedded)?;
        }
    }
    props.write(cfb, &path, &[0; 8])
}

//! Assembly of [`OutlookMessage`]s from CFB storages, walking embedded
//! messages with an explicit work list instead of recursion.

use std::path::PathBuf;

use crate::cfbread::props::{PropReader, PropertyBag, PropsHeader};
use crate::cfbread::{CfbReader, Child, Warnings};
use crate::codepage::encoding_for_code_page;
use crate::model::{ATTACH_BY_VALUE, ATTACH_EMBEDDED_MSG, ATTACH_OLE};
use crate::standalone::StandaloneWriter;
use crate::{Limits, MsgAttachment, MsgError, OutlookMessage, Recipient, RecipientKind, body};

const RECIP_PREFIX: &str = "__recip_version1.0_#";
const ATTACH_PREFIX: &str = "__attach_version1.0_#";

/// A message storage waiting to be read.
struct PendingMessage {
    storage: PathBuf,
    depth: usize,
    inherited_code_page: Option<u32>,
    /// (index of the parent in the arena, index of the attachment).
    parent: Option<(usize, usize)>,
}

/// Reads the top-level message and every embedded message within
/// [`Limits::max_embed_depth`].
pub(crate) fn read_message_tree(bytes: &[u8], limits: &Limits) -> Result<OutlookMessage, MsgError> {
    let mut reader = CfbReader::open(bytes, limits)?;
    if !reader.looks_like_message() {
        return Err(MsgError::NotMsg);
    }

    // Parents always enter the arena before their children, so folding the
    // arena from the back attaches every child after its own children.
    let mut arena: Vec<ReadMessage> = Vec::new();
    let mut work = vec![PendingMessage {
        storage: PathBuf::from("/"),
        depth: 0,
        inherited_code_page: None,
        parent: None,
    }];
    while let Some(pending) = work.pop() {
        let index = arena.len();
        let (message, warnings, embedded) = read_one_message(&mut reader, &pending);
        for (attachment_index, storage) in &embedded {
            work.push(PendingMessage {
                storage: storage.clone(),
                depth: pending.depth + 1,
                inherited_code_page: message.code_page,
                parent: Some((index, *attachment_index)),
            });
        }
        arena.push(ReadMessage {
            message,
            warnings,
            embedded,
            parent: pending.parent,
        });
    }
    // Copies come after parsing so that parsing has the first call on the
    // read budget.
    let mut standalone = StandaloneWriter::default();
    for read in &mut arena {
        for (attachment_index, storage) in &read.embedded {
            let Some(attachment) = read.message.attachments.get_mut(*attachment_index) else {
                continue;
            };
            match standalone.write(&mut reader, storage) {
                Ok(bytes) => attachment.embedded_raw = Some(bytes),
                Err(why) => read.warnings.push(format!(
                    "attachment {attachment_index}: embedded message not re-written as a standalone .msg: {why}"
                )),
            }
        }
    }
    let mut done: Vec<(OutlookMessage, Option<(usize, usize)>)> = arena
        .into_iter()
        .map(|mut read| {
            read.message.warnings = read.warnings.finish();
            (read.message, read.parent)
        })
        .collect();
    while done.len() > 1 {
        let Some((child, parent)) = done.pop() else {
            break;
        };
        if let Some((parent_index, attachment_index)) = parent
            && let Some((parent_message, _)) = done.get_mut(parent_index)
            && let Some(attachment) = parent_message.attachments.get_mut(attachment_index)
        {
            attachment.embedded = Some(Box::new(child));
        }
    }
    done.pop().map(|(message, _)| message).ok_or(MsgError::NotMsg)
}

/// One message read from the tree, before its warnings are finished.
struct ReadMessage {
    message: OutlookMessage,
    warnings: Warnings,
    /// (index of the attachment, embedded message storage) still to copy.
    embedded: Vec<(usize, PathBuf)>,
    /// (index of the parent in the arena, index of the attachment).
    parent: Option<(usize, usize)>,
}

/// Reads one message storage. Returns the message, its warnings so far and
/// the embedded-message storages still to read, with the index of the
/// attachment each belongs to.
fn read_one_message(
    reader: &mut CfbReader<'_>,
    pending: &PendingMessage,
) -> (OutlookMessage, Warnings, Vec<(usize, PathBuf)>) {
    let mut warnings = Warnings::default();
    let children = reader.children(&pending.storage, &mut warnings);
    let header = if pending.depth == 0 {
        PropsHeader::TopMessage
    } else {
        PropsHeader::EmbeddedMessage
    };
    let bag = PropertyBag::load(reader, &children, header, &mut warnings);
    let code_page = message_code_page(&bag, pending.inherited_code_page, &mut warnings);
    let mut message = OutlookMessage {
        code_page,
        ..OutlookMessage::default()
    };
    let mut guessed = false;
    let mut props = PropReader {
        reader,
        bag: &bag,
        code_page,
        warnings: &mut warnings,
        guessed_code_page: &mut guessed,
    };
    read_envelope(&mut props, &mut message);
    body::read_bodies(&mut props, &mut message);

    let recipients = numbered_storages(&children, RECIP_PREFIX);
    message.recipients = read_recipients(reader, &recipients, code_page, &mut warnings, &mut guessed);
    let attachments = numbered_storages(&children, ATTACH_PREFIX);
    let mut context = AttachContext {
        reader,
        code_page,
        depth: pending.depth,
        warnings: &mut warnings,
        guessed: &mut guessed,
    };
    let (attachments, embedded) = context.read_all(&attachments);
    message.attachments = attachments;
    if guessed {
        warnings.push("no usable code page; 8-bit strings decoded by guessing the encoding");
    }
    (message, warnings, embedded)
}

/// `PR_MESSAGE_CODEPAGE`, else `PR_INTERNET_CPID`, else the parent's;
/// declared code pages that cannot be decoded are reported and skipped.
fn message_code_page(bag: &PropertyBag, inherited: Option<u32>, warnings: &mut Warnings) -> Option<u32> {
    for id in [0x3FFD, 0x3FDE] {
        match bag.u32(id) {
            Some(code_page) if encoding_for_code_page(code_page).is_some() => return Some(code_page),
            Some(code_page) => warnings.push(format!("property 0x{id:04X}: unknown code page {code_page} ignored")),
            None => {}
        }
    }
    inherited
}

fn read_envelope(props: &mut PropReader<'_, '_>, message: &mut OutlookMessage) {
    message.message_class = props.string(0x001A);
    message.subject = props.string(0x0037);
    message.sender_name = props.string(0x0C1A);
    message.sender_email = props.string(0x5D01).or_else(|| {
        let address_type = props.string(0x0C1E);
        let address = props.string(0x0C1F)?;
        if address_type.is_some_and(|t| !t.eq_ignore_ascii_case("SMTP")) {
            props
                .warnings
                .push("sender has no SMTP address; sender_email is the raw (e.g. Exchange) address");
        }
        Some(address)
    });
    message.sent_representing_name = props.string(0x0042);
    message.sent_representing_email = props.first_string(&[0x5D02, 0x0065]);
    message.transport_headers = props.string(0x007D);
    message.internet_message_id = props.string(0x1035);
    message.in_reply_to = props.string(0x1042);
    message.references = props.string(0x1039);
    message.client_submit_time = props.bag.unix_time(0x0039);
    message.delivery_time = props.bag.unix_time(0x0E06);
}

/// Sub-storages whose names start with `prefix`, sorted by their 8-digit
/// hex number. Storages with a malformed number are still read (last), so
/// that nothing with the prefix is dropped.
fn numbered_storages(children: &[Child], prefix: &str) -> Vec<(u32, Child)> {
    let mut found: Vec<(u32, Child)> = children
        .iter()
        .filter(|child| !child.is_stream)
        .filter_map(|child| {
            let hex = child.name.strip_prefix(prefix)?;
            let number = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
            Some((number, child.clone()))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found
}

fn read_recipients(
    reader: &mut CfbReader<'_>,
    storages: &[(u32, Child)],
    code_page: Option<u32>,
    warnings: &mut Warnings,
    guessed: &mut bool,
) -> Vec<Recipient> {
    let max = reader.limits.max_recipients;
    if storages.len() > max {
        warnings.push(format!("{} recipients; only the first {max} were read", storages.len()));
    }
    let mut recipients = Vec::new();
    for (_, storage) in storages.iter().take(max) {
        let children = reader.children(&storage.path, warnings);
        let bag = PropertyBag::load(reader, &children, PropsHeader::Child, warnings);
        let mut props = PropReader {
            reader,
            bag: &bag,
            code_page,
            warnings,
            guessed_code_page: guessed,
        };
        recipients.push(Recipient {
            kind: RecipientKind::from_mapi(bag.u32(0x0C15).unwrap_or(0)),
            name: props.string(0x3001),
            email: props.first_string(&[0x39FE, 0x3003]),
        });
    }
    recipients
}

/// Shared state for reading the attachments of one message.
struct AttachContext<'r, 'a> {
    reader: &'r mut CfbReader<'a>,
    code_page: Option<u32>,
    depth: usize,
    warnings: &'r mut Warnings,
    guessed: &'r mut bool,
}

impl AttachContext<'_, '_> {
    fn read_all(&mut self, storages: &[(u32, Child)]) -> (Vec<MsgAttachment>, Vec<(usize, PathBuf)>) {
        let max = self.reader.limits.max_attachments;
        if storages.len() > max {
            self.warnings.push(format!(
                "{} attachments; only the first {max} were read",
                storages.len()
            ));
        }
        let mut attachments = Vec::new();
        let mut embedded = Vec::new();
        for (_, storage) in storages.iter().take(max) {
            let (attachment, nested) = self.read_one(storage);
            if let Some(nested) = nested {
                embedded.push((attachments.len(), nested));
            }
            attachments.push(attachment);
        }
        (attachments, embedded)
    }

    fn read_one(&mut self, storage: &Child) -> (MsgAttachment, Option<PathBuf>) {
        let children = self.reader.children(&storage.path, self.warnings);
        let bag = PropertyBag::load(self.reader, &children, PropsHeader::Child, self.warnings);
        let method = bag.u32(0x3705).unwrap_or(0);
        let mut props = PropReader {
            reader: self.reader,
            bag: &bag,
            code_page: self.code_page,
            warnings: self.warnings,
            guessed_code_page: self.guessed,
        };
        let name = props.first_string(&[0x3707, 0x3704, 0x3001]);
        let label = name.clone().unwrap_or_else(|| storage.name.clone());
        let attachment = MsgAttachment {
            mime_type: props.string(0x370E),
            content_id: props.string(0x3712),
            method,
            data: props.binary(0x3701).unwrap_or_default(),
            embedded: None,
            embedded_raw: None,
            name,
        };
        let nested = self.nested_message(&bag, method, &attachment, &label);
        (attachment, nested)
    }

    /// Decides whether the attachment's object storage is read as an
    /// embedded message; everything not read is reported.
    fn nested_message(
        &mut self,
        bag: &PropertyBag,
        method: u32,
        attachment: &MsgAttachment,
        label: &str,
    ) -> Option<PathBuf> {
        let Some(object) = bag.object(0x3701) else {
            if method == ATTACH_EMBEDDED_MSG {
                self.warnings.push(format!(
                    "attachment {label:?}: embedded message without its __substg1.0_3701000D storage"
                ));
            } else if method == ATTACH_BY_VALUE && attachment.data.is_empty() {
                self.warnings
                    .push(format!("attachment {label:?}: by-value attachment without data"));
            }
            return None;
        };
        if method == ATTACH_OLE {
            self.warnings
                .push(format!("attachment {label:?}: OLE object storage not extracted"));
            return None;
        }
        if method != ATTACH_EMBEDDED_MSG {
            self.warnings.push(format!(
                "attachment {label:?}: method {method} with an object storage; read as an embedded message"
            ));
        }
        let depth = self.depth + 1;
        if depth > self.reader.limits.max_embed_depth {
            self.warnings.push(format!(
                "attachment {label:?}: embedded message at depth {depth} exceeds the limit of {}; not parsed",
                self.reader.limits.max_embed_depth
            ));
            return None;
        }
        Some(object.path.clone())
    }
}

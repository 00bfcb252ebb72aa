//! Re-writes an embedded message storage (`__substg1.0_3701000D`) as a
//! standalone `.msg` file, the way "Save As" in Outlook turns an attached
//! message into a file of its own.
//!
//! The new container's root holds the embedded storage's streams and
//! sub-storages (recipients, attachments, nested embedded messages) with
//! their CLSIDs, state bits and timestamps; the top-level file's
//! `__nameid_version1.0` is added when the embedded storage has none, since
//! the named-property ids inside the message refer to it; and the root
//! `__properties_version1.0` gets the 32-byte top-level header in place of
//! the 24-byte embedded one ([MS-OXMSG] 2.4.1.1 and 2.4.1.2: both start with
//! 8 reserved bytes and the next-recipient-id, next-attachment-id,
//! recipient-count and attachment-count `u32`s; only the top-level header
//! ends with 8 more reserved bytes).
//!
//! The output depends only on the input: entries are copied in directory
//! order and every timestamp comes from the source, never from the clock.
//!
//! [MS-OXMSG]: https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxmsg

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use crate::cfbread::CfbReader;
use crate::cfbread::props::{PROPERTIES_STREAM, PT_OBJECT, parse_substg_name};

/// The named-property mapping storage of a `.msg` root.
const NAMEID_STORAGE: &str = "__nameid_version1.0";
/// Reserved bytes that end a top-level `__properties_version1.0` header.
const TOP_HEADER_EXTRA: usize = 8;
/// Size of the embedded-message `__properties_version1.0` header.
const EMBEDDED_HEADER_LEN: usize = 24;
/// Storage levels allowed inside an attachment object storage beyond the
/// message structure itself (OLE documents nest storages of their own).
const OBJECT_STORAGE_SLACK: usize = 8;

/// One entry of the tree to write, in creation order.
#[derive(Clone)]
struct Node {
    /// Path in the new file.
    path: PathBuf,
    /// Source metadata: CLSID, state bits, timestamps.
    entry: cfb::Entry,
    /// Stream contents; `None` for a storage.
    data: Option<Vec<u8>>,
}

/// A storage still to be listed.
struct PendingStorage {
    source: PathBuf,
    target: PathBuf,
    storage_depth: usize,
    embed_depth: usize,
}

/// Re-writes embedded messages of one file, reading the top-level named
/// property mapping once for all of them.
#[derive(Default)]
pub(crate) struct StandaloneWriter {
    /// The top-level `__nameid_version1.0` tree, once read: `Ok(None)` when
    /// the file has none.
    nameid: Option<Result<Option<Vec<Node>>, String>>,
}

impl StandaloneWriter {
    /// The `.msg` file for the embedded message storage at `storage`, or why
    /// it could not be written completely (no partial file is returned: its
    /// hash would be compared with the real one).
    pub(crate) fn write(&mut self, reader: &mut CfbReader<'_>, storage: &Path) -> Result<Vec<u8>, String> {
        let source_root = reader
            .entry(storage)
            .ok_or_else(|| format!("storage {} not found", storage.display()))?;
        let mut copy = TreeCopy {
            bytes_left: reader.limits.max_msg_bytes,
            nodes: Vec::new(),
        };
        let own_nameid = reader.entry(&storage.join(NAMEID_STORAGE)).is_some();
        if !own_nameid && let Some(nameid) = self.top_level_nameid(reader)? {
            for node in nameid {
                copy.take_bytes(node.data.as_ref().map_or(0, Vec::len))?;
                copy.nodes.push(node.clone());
            }
        }
        copy.gather_into(reader, storage, Path::new("/"), true)?;
        // The root CLSID marks the file as a mail message; keep the
        // top-level one when the embedded storage has none.
        let top_root = reader.entry(Path::new("/"));
        let clsid_from = match &top_root {
            Some(top) if source_root.clsid().is_nil() => top,
            _ => &source_root,
        };
        write_cfb(reader.version(), &copy.nodes, &source_root, clsid_from)
            .map_err(|err| format!("writing the new container failed: {err}"))
    }

    /// The top-level `__nameid_version1.0` tree, read on first use.
    fn top_level_nameid(&mut self, reader: &mut CfbReader<'_>) -> Result<Option<&Vec<Node>>, String> {
        let cached = self.nameid.get_or_insert_with(|| {
            let source = Path::new("/").join(NAMEID_STORAGE);
            let Some(entry) = reader.entry(&source) else {
                return Ok(None);
            };
            if entry.is_stream() {
                return Err(format!("{NAMEID_STORAGE} is a stream, not a storage"));
            }
            let mut copy = TreeCopy {
                bytes_left: reader.limits.max_msg_bytes,
                nodes: vec![Node {
                    path: source.clone(),
                    entry,
                    data: None,
                }],
            };
            copy.gather_into(reader, &source, &source, false)?;
            Ok(Some(copy.nodes))
        });
        match cached {
            Ok(nodes) => Ok(nodes.as_ref()),
            Err(why) => Err(format!("top-level {NAMEID_STORAGE}: {why}")),
        }
    }
}

/// The entries gathered for one new file, within its byte allowance.
struct TreeCopy {
    /// Stream bytes still allowed in the new file ([`crate::Limits::max_msg_bytes`]).
    bytes_left: usize,
    nodes: Vec<Node>,
}

impl TreeCopy {
    fn take_bytes(&mut self, len: usize) -> Result<(), String> {
        self.bytes_left = self
            .bytes_left
            .checked_sub(len)
            .ok_or_else(|| "the standalone file would exceed the .msg size limit".to_owned())?;
        Ok(())
    }

    /// Lists `source` and everything below it into `nodes`, targets under
    /// `target`, with an explicit stack. `convert_header` marks the embedded
    /// message root whose property stream gets the top-level header.
    fn gather_into(
        &mut self,
        reader: &mut CfbReader<'_>,
        source: &Path,
        target: &Path,
        convert_header: bool,
    ) -> Result<(), String> {
        let max_embed_depth = reader.limits.max_embed_depth;
        let max_storage_depth = 2 * (max_embed_depth + 1) + OBJECT_STORAGE_SLACK;
        let mut stack = vec![PendingStorage {
            source: source.to_path_buf(),
            target: target.to_path_buf(),
            storage_depth: 0,
            embed_depth: 0,
        }];
        while let Some(pending) = stack.pop() {
            let mut below = Vec::new();
            for entry in reader.all_entries(&pending.source)? {
                let name = entry.name().to_owned();
                if !is_plain_name(&name) {
                    return Err(format!("entry name {name:?} cannot be copied"));
                }
                let path = pending.target.join(&name);
                if entry.is_stream() {
                    let cap = self.bytes_left;
                    let mut data = reader.whole_stream(&entry, cap)?;
                    if convert_header && pending.storage_depth == 0 && name == PROPERTIES_STREAM {
                        data = top_level_properties(data)?;
                    }
                    self.take_bytes(data.len())?;
                    self.nodes.push(Node {
                        path,
                        entry,
                        data: Some(data),
                    });
                    continue;
                }
                let storage_depth = pending.storage_depth + 1;
                let embeds = parse_substg_name(&name).is_some_and(|(_, prop_type)| prop_type == PT_OBJECT);
                let embed_depth = pending.embed_depth + usize::from(embeds);
                if embed_depth > max_embed_depth {
                    return Err(format!(
                        "it nests embedded messages more than {max_embed_depth} levels deep"
                    ));
                }
                if storage_depth > max_storage_depth {
                    return Err(format!("it nests storages more than {max_storage_depth} levels deep"));
                }
                below.push(PendingStorage {
                    source: entry.path().to_path_buf(),
                    target: path.clone(),
                    storage_depth,
                    embed_depth,
                });
                self.nodes.push(Node {
                    path,
                    entry,
                    data: None,
                });
            }
            // Reversed so that sub-storages are visited in directory order.
            stack.extend(below.into_iter().rev());
        }
        Ok(())
    }
}

/// Whether `name` is one path component that means itself (hostile files
/// may name entries `..` or `a/b`).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// Converts an embedded message's `__properties_version1.0` (24-byte
/// header) to the top-level form (32-byte header). A stream that already
/// has the 32-byte header, as some writers produce, is kept as it is.
fn top_level_properties(mut data: Vec<u8>) -> Result<Vec<u8>, String> {
    match data.len() % 16 {
        8 if data.len() >= EMBEDDED_HEADER_LEN => {
            data.splice(EMBEDDED_HEADER_LEN..EMBEDDED_HEADER_LEN, [0; TOP_HEADER_EXTRA]);
            Ok(data)
        }
        0 if data.len() >= EMBEDDED_HEADER_LEN + TOP_HEADER_EXTRA => Ok(data),
        _ => Err(format!(
            "{PROPERTIES_STREAM} of {} bytes has neither the embedded nor the top-level header",
            data.len()
        )),
    }
}

/// Creates the new container from `nodes`, then sets the metadata once
/// the tree is complete, so that building it cannot overwrite any. The root
/// gets the state bits and timestamps of `root` and the CLSID of
/// `clsid_from`.
fn write_cfb(
    version: cfb::Version,
    nodes: &[Node],
    root: &cfb::Entry,
    clsid_from: &cfb::Entry,
) -> std::io::Result<Vec<u8>> {
    let mut out = cfb::CompoundFile::create_with_version(version, Cursor::new(Vec::new()))?;
    for node in nodes {
        match &node.data {
            Some(data) => {
                let mut stream = out.create_new_stream(&node.path)?;
                stream.write_all(data)?;
                stream.flush()?;
            }
            None => out.create_storage(&node.path)?,
        }
    }
    let top = Path::new("/");
    let storages = nodes.iter().filter(|node| node.data.is_none());
    let metadata = storages.map(|node| (node.path.as_path(), &node.entry, &node.entry));
    for (path, times, clsid) in metadata.chain([(top, root, clsid_from)]) {
        out.set_storage_clsid(path, *clsid.clsid())?;
        out.set_created_time(path, times.created())?;
        out.set_modified_time(path, times.modified())?;
    }
    for node in nodes {
        out.set_state_bits(&node.path, node.entry.state_bits())?;
    }
    out.set_state_bits(top, root.state_bits())?;
    out.flush()?;
    Ok(out.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_header_conversion() {
        let mut embedded: Vec<u8> = vec![0; 8];
        for value in [2u32, 3, 2, 3] {
            embedded.extend_from_slice(&value.to_le_bytes());
        }
        let entry = [0x03, 0x00, 0xFD, 0x3F, 6, 0, 0, 0, 0xA4, 0x03, 0, 0, 0, 0, 0, 0];
        embedded.extend_from_slice(&entry);
        let Ok(top) = top_level_properties(embedded.clone()) else {
            panic!("24-byte header not converted");
        };
        assert_eq!(top.len(), 32 + 16);
        assert_eq!(top[..24], embedded[..24]);
        assert_eq!(top[24..32], [0; 8]);
        assert_eq!(top[32..], entry);
        // Already top-level (some writers): kept; neither form: refused.
        assert_eq!(top_level_properties(top.clone()).ok(), Some(top));
        assert!(top_level_properties(vec![0; 21]).is_err());
        assert!(top_level_properties(vec![0; 16]).is_err());
        assert_eq!(top_level_properties(vec![0; 24]).map(|t| t.len()), Ok(32));
    }

    #[test]
    fn only_plain_names_are_copied() {
        assert!(is_plain_name("__substg1.0_0037001F"));
        for name in ["", ".", "..", "a/b", "a\\b", "/"] {
            assert!(!is_plain_name(name), "{name:?}");
        }
    }
}

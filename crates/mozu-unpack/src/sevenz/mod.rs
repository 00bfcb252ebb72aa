//! 7z through `sevenz-rust2`: listing, extraction block by block, AES-256
//! with candidate passwords, and encrypted headers (no listing without the
//! password; the candidates are still tried).

mod guard;

use std::collections::HashSet;
use std::io::Cursor;

use sevenz_rust2::{Archive, BlockDecoder, Error as SevenZError, Password as SevenZPassword};

use crate::capped::{CapError, read_capped_strict};
use crate::sink::{Sink, ordered};
use crate::{Budget, Entry, Format, Password, UnpackError, Unpacked};

pub use guard::MAX_7Z_HEADER_BYTES;

/// The 7z AES-256 + SHA-256 coder.
const AES_METHOD: &[u8] = &[0x06, 0xF1, 0x07, 0x01];
/// Highest AES key-derivation work factor tried (7-Zip writes 19; each
/// password attempt costs 2^N SHA-256 rounds and cannot be interrupted).
pub const MAX_7Z_KDF_POWER: u8 = 20;
/// Largest LZMA/LZMA2 dictionary accepted (the decoder allocates it).
pub const MAX_7Z_DICT_BYTES: u64 = 512 * 1024 * 1024;

/// Lists and extracts a 7z archive.
pub(crate) fn unpack(bytes: &[u8], budget: &Budget, candidates: &[Password]) -> Result<Unpacked, UnpackError> {
    let mut sink = Sink::new(budget);
    let facts = guard::check_header(bytes).map_err(|reason| UnpackError::malformed(Format::SevenZ, reason))?;
    if let Some(size) = facts.decoded_size.filter(|&s| s > MAX_7Z_HEADER_BYTES) {
        sink.warn(format!(
            "the 7z header declares {size} bytes once decoded, over the \
             {MAX_7Z_HEADER_BYTES}-byte limit: not listed"
        ));
        sink.hit(crate::BudgetExceeded::EntryBytes);
        return Ok(sink.finish(Format::SevenZ.name()));
    }
    if facts.kdf_power > MAX_7Z_KDF_POWER {
        sink.warn(format!(
            "the 7z headers are encrypted with a key-derivation cost of 2^{} rounds, over \
             the 2^{MAX_7Z_KDF_POWER} limit: not listed",
            facts.kdf_power
        ));
        return Ok(sink.finish(Format::SevenZ.name()));
    }
    let (archive, header_password) = match open(bytes, candidates, &mut sink)? {
        Some(opened) => opened,
        None => return Ok(sink.finish(Format::SevenZ.name())),
    };
    let mut entries = list(&archive, &mut sink);
    let mut state = PasswordState {
        last: header_password.map(|p| p.value.clone()),
        rejected: HashSet::new(),
    };
    for block_index in 0..archive.blocks.len() {
        let job = BlockJob {
            bytes,
            archive: &archive,
            block_index,
        };
        job.run(&mut entries, &mut sink, candidates, &mut state);
    }
    for entry in entries.into_iter().flatten() {
        sink.entries.push(entry);
    }
    Ok(sink.finish(Format::SevenZ.name()))
}

/// Reads the header, trying the candidates when it is encrypted.
fn open<'p>(
    bytes: &[u8],
    candidates: &'p [Password],
    sink: &mut Sink<'_>,
) -> Result<Option<(Archive, Option<&'p Password>)>, UnpackError> {
    match Archive::read(&mut Cursor::new(bytes), &SevenZPassword::empty()) {
        Ok(archive) => return Ok(Some((archive, None))),
        Err(SevenZError::PasswordRequired) => {}
        Err(error) => return Err(UnpackError::malformed(Format::SevenZ, error.to_string())),
    }
    let mut tried = 0;
    for password in candidates.iter().filter(|p| !p.value.is_empty()) {
        if sink.stopped().is_some() {
            break;
        }
        tried += 1;
        let key = SevenZPassword::new(&password.value);
        if let Ok(archive) = Archive::read(&mut Cursor::new(bytes), &key) {
            sink.warn(format!(
                "the 7z headers are encrypted; opened with the password from {}",
                password.source
            ));
            return Ok(Some((archive, Some(password))));
        }
    }
    sink.warn(format!(
        "the 7z headers are encrypted: entries cannot be listed without the password \
         ({tried} candidates tried)"
    ));
    Ok(None)
}

/// One entry per archive file (`None` once the entry budget is spent).
fn list(archive: &Archive, sink: &mut Sink<'_>) -> Vec<Option<Entry>> {
    let encrypted_blocks: Vec<bool> = archive
        .blocks
        .iter()
        .map(|b| b.coders.iter().any(|c| c.encoder_method_id() == AES_METHOD))
        .collect();
    let mut entries = Vec::with_capacity(archive.files.len().min(1024));
    for (index, file) in archive.files.iter().enumerate() {
        if !sink.admit() {
            break;
        }
        let block = archive.stream_map.file_block_index.get(index).copied().flatten();
        let encrypted = block.and_then(|b| encrypted_blocks.get(b).copied()).unwrap_or(false);
        let mut entry = Entry {
            name: file.name.clone(),
            declared_size: file.size,
            compressed_size: file.compressed_size,
            encrypted,
            encryption: encrypted.then(|| "7z-aes256".to_owned()),
            ..Entry::default()
        };
        if file.is_directory {
            entry.note = Some("directory".into());
        } else if block.is_none() {
            entry.data = Some(Vec::new());
        }
        entries.push(Some(entry));
    }
    entries
}

/// What the password attempts so far have shown. Every block of an archive
/// is normally encrypted with the same password, so a password a block
/// rejected is not tried again (each attempt costs a key derivation).
struct PasswordState {
    last: Option<String>,
    rejected: HashSet<String>,
}

/// Extraction of one block (all its files decode in one pass).
struct BlockJob<'a> {
    bytes: &'a [u8],
    archive: &'a Archive,
    block_index: usize,
}

/// How a pass over a block ended.
enum Pass {
    Done(Vec<(usize, Result<Vec<u8>, CapError>)>),
    WrongPassword,
    Failed(String),
}

impl BlockJob<'_> {
    fn file_range(&self) -> impl Iterator<Item = usize> + '_ {
        let map = &self.archive.stream_map;
        (0..self.archive.files.len())
            .filter(move |&i| map.file_block_index.get(i).copied().flatten() == Some(self.block_index))
    }

    fn note_all(&self, entries: &mut [Option<Entry>], note: &str) {
        for i in self.file_range() {
            if let Some(Some(entry)) = entries.get_mut(i)
                && entry.data.is_none()
                && entry.note.is_none()
            {
                entry.note = Some(note.to_owned());
            }
        }
    }

    fn run(
        &self,
        entries: &mut [Option<Entry>],
        sink: &mut Sink<'_>,
        candidates: &[Password],
        state: &mut PasswordState,
    ) {
        let block = &self.archive.blocks[self.block_index];
        if let Some(hit) = sink.stopped() {
            self.note_all(entries, &format!("not extracted: {hit}"));
            return;
        }
        if let Some(reason) = dictionary_too_large(block).or_else(|| kdf_too_costly(block)) {
            self.note_all(entries, &reason);
            return;
        }
        let encrypted = block.coders.iter().any(|c| c.encoder_method_id() == AES_METHOD);
        let empty = [Password::new("", "empty")];
        let tries: Vec<&Password> = if encrypted {
            ordered(candidates, state.last.as_deref())
                .into_iter()
                .filter(|p| !p.value.is_empty() && !state.rejected.contains(&p.value))
                .collect()
        } else {
            empty.iter().collect()
        };
        for password in &tries {
            if sink.stopped().is_some() {
                break;
            }
            match self.pass(&password.value, sink.budget) {
                Pass::Done(results) => {
                    for (index, result) in results {
                        if let Some(Some(entry)) = entries.get_mut(index) {
                            if encrypted {
                                entry.password = Some((*password).clone());
                            }
                            sink.fill(entry, result);
                        }
                    }
                    if encrypted {
                        state.last = Some(password.value.clone());
                    }
                    self.note_all(
                        entries,
                        "not extracted: an earlier entry of its solid block stopped the block",
                    );
                    return;
                }
                Pass::WrongPassword => {
                    state.rejected.insert(password.value.clone());
                }
                Pass::Failed(reason) => {
                    self.note_all(entries, &format!("block could not be decoded: {reason}"));
                    return;
                }
            }
        }
        let note = if encrypted {
            format!("encrypted; none of the {} candidate passwords opened it", tries.len())
        } else {
            "not extracted: over budget".to_owned()
        };
        self.note_all(entries, &note);
    }

    /// Decodes the block once with `password`.
    fn pass(&self, password: &str, budget: &Budget) -> Pass {
        let key = if password.is_empty() {
            SevenZPassword::empty()
        } else {
            SevenZPassword::new(password)
        };
        let mut source = Cursor::new(self.bytes);
        let decoder = BlockDecoder::new(1, self.block_index, self.archive, &key, &mut source);
        let packed: u64 = self
            .file_range()
            .map(|i| self.archive.files[i].compressed_size)
            .fold(0, u64::saturating_add);
        let first = self
            .archive
            .stream_map
            .block_first_file_index
            .get(self.block_index)
            .copied();
        let mut index = first.unwrap_or(0);
        let mut results = Vec::new();
        let mut bad_data = false;
        let outcome = decoder.for_each_entries(&mut |_entry, reader| {
            let result = read_capped_strict(reader, packed, budget);
            let stop = result.is_err();
            bad_data |= matches!(result, Err(CapError::Io { .. }));
            results.push((index, result));
            index += 1;
            // A solid block cannot skip an entry: stop the block instead.
            Ok(!stop)
        });
        let wrong_password = !password.is_empty()
            && (bad_data
                || matches!(
                    outcome,
                    Err(SevenZError::MaybeBadPassword(_) | SevenZError::ChecksumVerificationFailed)
                ));
        match outcome {
            _ if wrong_password => Pass::WrongPassword,
            Ok(_) => Pass::Done(results),
            Err(error) if results.is_empty() => Pass::Failed(error.to_string()),
            Err(_) => Pass::Done(results),
        }
    }
}

/// Why the block's AES key derivation is refused, if it is.
fn kdf_too_costly(block: &sevenz_rust2::Block) -> Option<String> {
    let power = block
        .coders
        .iter()
        .filter(|c| c.encoder_method_id() == AES_METHOD)
        .filter_map(|c| c.properties().first().map(|p| p & 0x3F))
        .max()?;
    (power > MAX_7Z_KDF_POWER && power != 0x3F)
        .then(|| format!("not extracted: AES key derivation of 2^{power} rounds is over the limit"))
}

/// Why the block's dictionary is refused, if it is.
fn dictionary_too_large(block: &sevenz_rust2::Block) -> Option<String> {
    let unpack = block.get_unpack_size();
    for coder in &block.coders {
        let props = coder.properties();
        let dict = match coder.encoder_method_id() {
            [0x21] => {
                let bits = u32::from(*props.first()?);
                if bits > 40 {
                    return Some("bad LZMA2 dictionary size".into());
                }
                (2u64 | u64::from(bits & 1)) << (bits / 2 + 11)
            }
            [0x03, 0x01, 0x01] => {
                let raw = props.get(1..5)?;
                u64::from(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])).min(unpack)
            }
            _ => continue,
        };
        if dict > MAX_7Z_DICT_BYTES {
            return Some(format!("not extracted: a {dict}-byte dictionary is over the limit"));
        }
    }
    None
}

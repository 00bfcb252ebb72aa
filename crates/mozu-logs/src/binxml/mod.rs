//! A direct EVTX reader: BinXML records flattened straight into Sigma's fields.
//!
//! Why not only the evtx crate: it renders each record to JSON or XML text
//! (its element tree is private), and rendering plus re-parsing that text cost
//! 75 µs per record on the SigmaHQ regression files — more than the whole
//! per-event budget of a hunt. This reader walks each record's BinXML tokens
//! once, resolving templates and substitutions in place, and fills a
//! [`FlatEvent`] directly.
//!
//! It is deliberately strict: anything it does not fully understand (entity
//! and character references, CDATA, processing instructions, EvtXml values,
//! chunks or records whose sizes do not add up) makes it give up on the file
//! with [`Unsupported`], and the caller reads that file with the evtx crate
//! instead. Coverage therefore never drops below the crate's, and a
//! differential test holds both paths to the same fields on every regression
//! file.

mod flat;
mod names;
mod text;
mod value;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use mozu_sigma::FlatEvent;

use self::flat::Builder;
pub use self::names::NameInterner;
use self::value::{Val, ty};

/// Size of the file header.
pub const FILE_HEADER_SIZE: usize = 4096;
/// Size of one chunk.
pub const CHUNK_SIZE: usize = 65_536;
/// Most BinXML tokens walked for one record (templates included).
pub const MAX_TOKENS_PER_RECORD: usize = 100_000;
/// Most nested token streams (template instances, embedded BinXML) open at once.
pub const MAX_FRAMES: usize = 32;
/// Deepest element nesting of one record.
pub const MAX_ELEMENT_DEPTH: usize = 64;
/// Most bytes of values rendered for one record (a template can repeat a large value).
pub const MAX_RENDERED_BYTES_PER_RECORD: usize = 8 << 20;
/// Most substitution values of one template instance.
pub const MAX_SUBSTITUTIONS: usize = 4096;

const RECORDS_START: usize = 0x200;
const RECORD_HEADER: usize = 24;

/// Why the direct reader gave the file back to the evtx crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported(pub &'static str);

/// One decoded record.
pub(crate) struct Decoded {
    pub fields: FlatEvent,
    pub ts_ms: Option<i64>,
}

/// The chunks of an EVTX file (empty, zeroed slots left out), or why the
/// file's layout is not one this reader takes.
pub(crate) fn chunks(bytes: &[u8]) -> Result<Vec<&[u8]>, Unsupported> {
    if bytes.get(..8) != Some(b"ElfFile\0") {
        return Err(Unsupported("file magic"));
    }
    let body = bytes.get(FILE_HEADER_SIZE..).ok_or(Unsupported("short file"))?;
    if body.len() % CHUNK_SIZE != 0 {
        return Err(Unsupported("partial chunk"));
    }
    let mut out = Vec::with_capacity(body.len() / CHUNK_SIZE);
    for chunk in body.chunks_exact(CHUNK_SIZE) {
        match chunk.get(..8) {
            Some(b"ElfChnk\0") => out.push(chunk),
            Some(m) if m.iter().all(|&b| b == 0) => {}
            _ => return Err(Unsupported("chunk magic")),
        }
    }
    Ok(out)
}

/// Decodes the records of one chunk into `out`; `keep_going` is asked before
/// each record (event cap, deadline) and `Ok(false)` means it said stop.
/// On `Err`, `out` may hold part of the chunk: the caller discards it.
pub(crate) fn decode_chunk(
    chunk: &[u8],
    interner: &mut NameInterner,
    keep_going: &mut dyn FnMut() -> bool,
    out: &mut Vec<Decoded>,
) -> Result<bool, Unsupported> {
    Chunk::new(chunk, interner).records(keep_going, out)
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, Unsupported> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(Unsupported("truncated u16"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, Unsupported> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(Unsupported("truncated u32"))
}

fn byte_at(b: &[u8], at: usize) -> Result<u8, Unsupported> {
    b.get(at).copied().ok_or(Unsupported("truncated u8"))
}

/// One token stream being walked: a record, a template definition or embedded BinXML.
struct Frame {
    pos: usize,
    end: usize,
    values: Rc<[Val]>,
    /// Template definitions carry a dependency id on element starts.
    template: bool,
}

/// Hasher for name offsets: SipHash was a tenth of the name cache's cost.
/// Offsets lie inside one 64 KiB chunk, so a hostile chunk can put at most a
/// few thousand names in one table; the multiply-fold spreads all bits of the
/// offset into both the bucket and the tag bits.
#[derive(Default)]
struct OffsetHasher(u64);

impl Hasher for OffsetHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0 << 8 | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }
}

struct Chunk<'c> {
    data: &'c [u8],
    interner: &'c mut NameInterner,
    /// Names decoded so far, by chunk offset.
    names: HashMap<u32, Rc<str>, BuildHasherDefault<OffsetHasher>>,
    /// Value bytes rendered for the current record.
    rendered: usize,
}

impl<'c> Chunk<'c> {
    fn new(data: &'c [u8], interner: &'c mut NameInterner) -> Self {
        Self {
            data,
            interner,
            names: HashMap::with_capacity_and_hasher(64, BuildHasherDefault::default()),
            rendered: 0,
        }
    }

    fn records(&mut self, keep_going: &mut dyn FnMut() -> bool, out: &mut Vec<Decoded>) -> Result<bool, Unsupported> {
        // One builder per interner: its element allocations serve every record of every chunk.
        let mut builder = self.interner.builder.take().unwrap_or_else(Builder::new);
        builder.reset();
        let result = self.records_with(&mut builder, keep_going, out);
        self.interner.builder = Some(builder);
        result
    }

    fn records_with(
        &mut self,
        builder: &mut Builder,
        keep_going: &mut dyn FnMut() -> bool,
        out: &mut Vec<Decoded>,
    ) -> Result<bool, Unsupported> {
        let free = u32_at(self.data, 0x30)? as usize;
        if !(RECORDS_START..=CHUNK_SIZE).contains(&free) {
            return Err(Unsupported("free space offset"));
        }
        let mut pos = RECORDS_START;
        while pos + RECORD_HEADER <= free {
            if self.data.get(pos..pos + 4) != Some(&[0x2a, 0x2a, 0, 0]) {
                return Err(Unsupported("record magic"));
            }
            let size = u32_at(self.data, pos + 4)? as usize;
            if size < RECORD_HEADER + 4 || pos + size > free || u32_at(self.data, pos + size - 4)? as usize != size {
                return Err(Unsupported("record size"));
            }
            if !keep_going() {
                return Ok(false);
            }
            self.rendered = 0;
            self.walk(pos + RECORD_HEADER, pos + size - 4, builder)?;
            if !builder.balanced() {
                return Err(Unsupported("unbalanced elements"));
            }
            let (fields, ts_ms) = builder.finish();
            out.push(Decoded { fields, ts_ms });
            pos += size;
        }
        Ok(true)
    }

    /// Counts rendered bytes against the record's budget.
    fn charge(&mut self, bytes: usize) -> Result<(), Unsupported> {
        self.rendered = self.rendered.saturating_add(bytes);
        if self.rendered > MAX_RENDERED_BYTES_PER_RECORD {
            return Err(Unsupported("rendered size"));
        }
        Ok(())
    }

    /// Element or attribute name at a chunk offset (cached per chunk).
    fn name(&mut self, offset: u32) -> Result<Rc<str>, Unsupported> {
        if let Some(n) = self.names.get(&offset) {
            return Ok(n.clone());
        }
        let at = offset as usize;
        let count = usize::from(u16_at(self.data, at + 6)?);
        let bytes = self.data.get(at + 8..at + 8 + 2 * count).ok_or(Unsupported("name"))?;
        let name = self.interner.get_or_decode(bytes);
        self.names.insert(offset, name.clone());
        Ok(name)
    }

    /// Reads a name reference at `pos`, skipping an inline name; returns the name and the new position.
    fn name_ref(&mut self, pos: usize) -> Result<(Rc<str>, usize), Unsupported> {
        let offset = u32_at(self.data, pos)?;
        let mut next = pos + 4;
        if offset as usize == next {
            let count = usize::from(u16_at(self.data, next + 6)?);
            next += 8 + 2 * count + 2;
        }
        Ok((self.name(offset)?, next))
    }

    /// Walks the token stream `[start, end)` of one record with an explicit frame stack.
    fn walk(&mut self, start: usize, end: usize, b: &mut Builder) -> Result<(), Unsupported> {
        let mut frames = vec![Frame {
            pos: start,
            end,
            values: Rc::from(Vec::new()),
            template: false,
        }];
        let mut tokens = 0usize;
        while let Some(top) = frames.len().checked_sub(1) {
            let Frame {
                pos,
                end,
                ref values,
                template,
            } = frames[top];
            if pos >= end {
                frames.pop();
                continue;
            }
            tokens += 1;
            if tokens > MAX_TOKENS_PER_RECORD {
                return Err(Unsupported("token budget"));
            }
            let values = values.clone();
            let token = byte_at(self.data, pos)?;
            let (next, push) = self.token(token, pos + 1, &values, template, b)?;
            if next > end {
                return Err(Unsupported("token past its stream"));
            }
            if let Some(f) = frames.get_mut(top) {
                f.pos = if token == 0x00 { end } else { next };
            }
            if let Some(frame) = push {
                if frames.len() >= MAX_FRAMES {
                    return Err(Unsupported("nesting"));
                }
                frames.push(frame);
            }
        }
        Ok(())
    }

    /// Handles one token whose body starts at `p`; returns the position after it and a stream to walk next.
    fn token(
        &mut self,
        token: u8,
        p: usize,
        values: &Rc<[Val]>,
        template: bool,
        b: &mut Builder,
    ) -> Result<(usize, Option<Frame>), Unsupported> {
        let d = self.data;
        Ok(match token {
            0x00 => (p, None),
            0x0f => (p + 3, None),
            0x0c => self.template_instance(p)?,
            0x01 | 0x41 => {
                let (dependency, p) = if template {
                    (Some(u16_at(d, p)?), p + 2)
                } else {
                    (None, p)
                };
                let (name, mut p) = self.name_ref(p + 4)?;
                if token & 0x40 != 0 {
                    p += 4;
                }
                let left_out = dependency
                    .filter(|&dep| dep != 0xffff)
                    .and_then(|dep| values.get(usize::from(dep)))
                    .is_some_and(|v| v.ty == ty::NULL);
                b.open(name, left_out)?;
                (p, None)
            }
            0x02 => {
                b.close_start();
                (p, None)
            }
            0x03 | 0x04 => {
                b.close();
                (p, None)
            }
            0x05 | 0x45 => {
                let t = byte_at(d, p)?;
                if t != ty::STRING {
                    return Err(Unsupported("literal value type"));
                }
                let count = usize::from(u16_at(d, p + 1)?);
                self.charge(3 * count + 64)?;
                let bytes = d.get(p + 3..p + 3 + 2 * count).ok_or(Unsupported("literal"))?;
                b.value_with(|out| value::push_utf16(bytes, out));
                (p + 3 + 2 * count, None)
            }
            0x06 | 0x46 => {
                let (name, p) = self.name_ref(p)?;
                b.attribute(name);
                (p, None)
            }
            0x0d | 0x0e => {
                let id = usize::from(u16_at(d, p)?);
                let _declared = byte_at(d, p + 2)?;
                let next = p + 3;
                let Some(v) = values.get(id) else {
                    return Ok((next, None));
                };
                let bytes = d.get(v.start..v.start + v.len).ok_or(Unsupported("value"))?;
                if token == 0x0e && value::is_empty(v, bytes) {
                    return Ok((next, None));
                }
                if v.ty == ty::BIN_XML {
                    let frame = Frame {
                        pos: v.start,
                        end: v.start + v.len,
                        values: Rc::from(Vec::new()),
                        template: false,
                    };
                    return Ok((next, Some(frame)));
                }
                // No value type renders to more than 5 bytes per input byte (`-128,` for i8 arrays).
                self.charge(5 * bytes.len() + 64)?;
                value::render(v, bytes, b)?;
                (next, None)
            }
            _ => return Err(Unsupported("token kind")),
        })
    }

    /// A template instance at `p`: its substitution values, and the definition to walk with them.
    fn template_instance(&mut self, p: usize) -> Result<(usize, Option<Frame>), Unsupported> {
        let d = self.data;
        let def = u32_at(d, p + 5)? as usize;
        let mut p = p + 9;
        if def == p {
            // Inline definition: next offset, GUID, data size, then the body, skipped here.
            p += 24 + u32_at(d, p + 20)? as usize;
        }
        let def_size = u32_at(d, def + 20)? as usize;
        let (body, body_end) = (def + 24, def + 24 + def_size);
        if body_end > d.len() {
            return Err(Unsupported("template definition"));
        }
        let count = u32_at(d, p)? as usize;
        if count > MAX_SUBSTITUTIONS {
            return Err(Unsupported("substitution count"));
        }
        let descriptors = p + 4;
        let mut at = descriptors + 4 * count;
        let mut values = Vec::with_capacity(count);
        for i in 0..count {
            let size = usize::from(u16_at(d, descriptors + 4 * i)?);
            let t = byte_at(d, descriptors + 4 * i + 2)?;
            if matches!(t, 0x20 | 0x23) || (t > 0x15 && t != ty::BIN_XML && t & ty::ARRAY == 0) {
                return Err(Unsupported("substitution type"));
            }
            if at + size > d.len() {
                return Err(Unsupported("substitution size"));
            }
            values.push(Val {
                ty: t,
                start: at,
                len: size,
            });
            at += size;
        }
        let frame = Frame {
            pos: body,
            end: body_end,
            values: Rc::from(values),
            template: true,
        };
        Ok((at, Some(frame)))
    }
}

#[cfg(test)]
mod tests;

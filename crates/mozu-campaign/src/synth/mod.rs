//! A generator of synthetic multi-campaign corpora with ground truth,
//! shaped like the groups of LAC's report (Aa, Ab, B–F: Cutwail, Necurs
//! and an unknown botnet delivering DreamBot, Ursnif, GlobeImposter,
//! Hancitor, LokiBot, Emotet, FlawedAmmyy) and NRI's kaomoji campaign
//! (Phorpiex/Nemty, attachment names changing from `PIC_` to `IMG` on
//! 11 February), plus unrelated benign mail.
//!
//! Each mail is a [`SynthMail`] spec rendered either straight into a
//! [`mozu_model::MessageRecord`] (fast: benchmarks, clustering tests) or
//! into raw RFC 5322 bytes (end-to-end tests through the real parser). The
//! fixtures are inert: attachments hold text that looks like a downloader
//! but is never executable by anything in mozu.

mod campaigns;
mod render;

pub use render::stored_zip;

/// One synthetic attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthAttachment {
    /// File name as the attacker wrote it.
    pub name: String,
    /// Declared MIME type.
    pub content_type: String,
    /// What it holds.
    pub kind: AttachmentKind,
}

/// The content of a synthetic attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentKind {
    /// A ZIP (or, in records, the named archive format) holding one script.
    Archive {
        /// Archive format reported in records (`zip`, `7z`).
        format: String,
        /// Inner file name.
        inner_name: String,
        /// Script language (`vbs`, `js`).
        language: String,
        /// Inner file content.
        content: String,
    },
    /// An Office document, with or without macros.
    Office {
        /// `doc`, `xls`, `pub`.
        format: String,
        /// Whether it carries VBA.
        macros: bool,
        /// Bytes standing in for the document.
        content: String,
    },
    /// A text lure (`.iqy`) or a PDF with a link.
    Lure {
        /// `iqy` or `pdf`.
        format: String,
        /// Content (holds the URL).
        content: String,
    },
}

/// One synthetic mail and its ground truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthMail {
    /// Position in the corpus.
    pub index: usize,
    /// Ground-truth group: a campaign name (`E-emotet`) or `benign-N`.
    pub truth: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// `From` display name.
    pub from_name: String,
    /// `From` address.
    pub from_addr: String,
    /// `To` display name.
    pub to_name: String,
    /// `To` address.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Text body.
    pub body: String,
    /// `Message-ID` without brackets.
    pub message_id: String,
    /// `X-Mailer`.
    pub x_mailer: Option<String>,
    /// HELO name and IP of the sending host.
    pub sender_host: (String, String),
    /// The attachment, if any.
    pub attachment: Option<SynthAttachment>,
    /// URLs in the body.
    pub body_urls: Vec<String>,
    /// Family tag a rule would set.
    pub family: Option<String>,
    /// Organisation the mail pretends to come from.
    pub spoofed_org: Option<String>,
}

/// A small deterministic PRNG (splitmix64): corpora are reproducible from
/// their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// One element of a non-empty slice (the empty string for an empty one).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or("")
    }

    /// `len` random decimal digits.
    pub fn digits(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b'0' + (self.below(10) as u8))).collect()
    }

    /// `len` random lower-case hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) % 16]))
            .collect()
    }

    /// `len` random lower-case letters.
    pub fn letters(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b'a' + (self.below(26) as u8))).collect()
    }
}

/// The corpus generator: an iterator of [`SynthMail`]s.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    index: usize,
    total: usize,
}

impl Generator {
    /// A corpus of `total` mails from `seed`.
    pub fn new(seed: u64, total: usize) -> Self {
        Generator {
            rng: Rng::new(seed),
            index: 0,
            total,
        }
    }

    /// Names of the campaigns the generator draws from (the ground-truth
    /// labels other than `benign-N`).
    pub fn campaign_names() -> Vec<&'static str> {
        campaigns::CAMPAIGNS.iter().map(|c| c.name).collect()
    }
}

impl Iterator for Generator {
    type Item = SynthMail;

    fn next(&mut self) -> Option<SynthMail> {
        if self.index >= self.total {
            return None;
        }
        let index = self.index;
        self.index += 1;
        Some(campaigns::generate(&mut self.rng, index))
    }
}

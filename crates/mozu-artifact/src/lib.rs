//! The artifact analyser of mozu.
//!
//! Every attachment of a scanned mail, and every loose file of
//! `mozu file scan`, becomes a tree of [`mozu_model::Artifact`]s: the file,
//! what is unpacked from it (archive entries, macros, embedded objects,
//! decoded payloads, nested mail), each typed by content, hashed (MD5,
//! SHA-1, SHA-256, ssdeep, TLSH), analysed by the analyser registered for
//! its type, with findings and indicators, all under one budget.
#![warn(missing_docs)]

pub mod hashes;
pub mod names;
pub mod passwords;
pub mod sniff;

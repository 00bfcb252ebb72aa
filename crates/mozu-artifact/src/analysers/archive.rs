//! Archives and disk images, through mozu-unpack's capped readers.

use mozu_model::{ArtifactDetails, Encryption, Finding, Severity};
use mozu_unpack::{Format, Unpacked};

use super::{Outcome, child};
use crate::sniff::FileType;
use crate::tree::{Item, Walk, budget_finding};

fn format_of(ftype: FileType) -> Option<Format> {
    Some(match ftype {
        FileType::Zip => Format::Zip,
        FileType::SevenZ => Format::SevenZ,
        FileType::Rar => Format::Rar,
        FileType::Gzip => Format::Gzip,
        FileType::Bzip2 => Format::Bzip2,
        FileType::Xz => Format::Xz,
        FileType::Tar => Format::Tar,
        FileType::Cab => Format::Cab,
        FileType::Iso => Format::Iso,
        _ => return None,
    })
}

/// Unpacks an archive: entries become children.
pub fn analyse(ftype: FileType, item: &Item, ctx: &Walk<'_>) -> Outcome {
    let mut out = Outcome::default();
    let Some(format) = format_of(ftype) else { return out };
    let unpacked = match mozu_unpack::unpack(&item.data, format, ctx.budget, ctx.passwords) {
        Ok(u) => u,
        Err(e) => {
            out.warnings.push(format!("{} could not be read: {e}", ftype.as_str()));
            return out;
        }
    };
    let Unpacked {
        info,
        entries,
        budget_hit,
        warnings,
    } = unpacked;
    out.warnings.extend(warnings);
    if let Some(hit) = budget_hit {
        out.findings.push(budget_finding(&hit.to_string()));
    }
    let encrypted = info.encrypted_entries > 0;
    let mut opened_with = None;
    for entry in entries {
        if entry.encrypted && opened_with.is_none() {
            opened_with = entry.password.clone().map(|p| (entry.encryption.clone(), p));
        }
        let name = entry.name.clone();
        match entry.data {
            Some(data) => out.children.push(child(data, name, None)),
            None if entry.encrypted || entry.note.is_some() => {
                // Listed but not opened: still worth a node, so that the
                // analyst sees `invoice.js` inside a locked zip.
                let mut c = child(Vec::new(), name, Some(FileType::Unknown));
                c.not_extracted = Some(entry.note.unwrap_or_else(|| "encrypted, no password worked".into()));
                out.children.push(c);
            }
            None => {}
        }
    }
    if encrypted {
        let method = opened_with
            .as_ref()
            .and_then(|(m, _)| m.clone())
            .unwrap_or_else(|| "encrypted".into());
        out.encryption = Some(Encryption {
            method,
            decrypted: opened_with.is_some(),
            password: opened_with.as_ref().map(|(_, p)| p.value.clone()),
            password_source: opened_with.as_ref().map(|(_, p)| p.source.clone()),
        });
        out.findings
            .push(encrypted_finding(opened_with.as_ref().map(|(_, p)| p)));
    }
    out.details = Some(ArtifactDetails::Archive(info));
    out
}

fn encrypted_finding(password: Option<&mozu_unpack::Password>) -> Finding {
    match password {
        Some(p) if p.source == "subject" || p.source == "body" || p.source == "other-message" => Finding::single(
            "archive.password_in_mail",
            Severity::High,
            35,
            "encrypted archive whose password is written in the mail",
            format!("password ({})", p.source),
            p.value.clone(),
        ),
        Some(p) => Finding::single(
            "archive.encrypted",
            Severity::Medium,
            15,
            "encrypted archive (opened with a common password)",
            format!("password ({})", p.source),
            p.value.clone(),
        ),
        None => Finding {
            id: "archive.encrypted".into(),
            severity: Severity::Medium,
            score: 20,
            title: "encrypted archive that could not be opened (gateway scanners cannot see inside)".into(),
            evidence: Vec::new(),
        },
    }
}

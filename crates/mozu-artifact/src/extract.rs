//! `--extract-dir`: artifacts written under their SHA-256, never under the
//! attacker's name, without execute permission, with an index that maps
//! each file back to its tree paths.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mozu_model::Artifact;

/// Name of the index file in the extraction directory (JSON Lines).
pub const INDEX_FILE: &str = "index.jsonl";

/// Writes artifacts into one directory the user chose.
#[derive(Debug)]
pub struct Extractor {
    dir: PathBuf,
    index: Mutex<File>,
}

impl Extractor {
    /// Creates `dir` if needed and opens its index for appending.
    pub fn new(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let index = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(INDEX_FILE))?;
        Ok(Extractor {
            dir: dir.to_path_buf(),
            index: Mutex::new(index),
        })
    }

    /// Writes `data` as `<sha256>.bin` (once per content) and records
    /// where it came from.
    pub fn write(&self, source: &str, artifact: &Artifact, data: &[u8]) -> io::Result<()> {
        if artifact.sha256.len() != 64 || !artifact.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(());
        }
        let file_name = format!("{}.bin", artifact.sha256);
        let target = self.dir.join(&file_name);
        if !target.exists() {
            let tmp = self.dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
            let mut f = create_private(&tmp)?;
            f.write_all(data)?;
            f.sync_all()?;
            fs::rename(&tmp, &target)?;
        }
        let line = serde_json_line(&file_name, source, artifact);
        let mut index = self.index.lock().map_err(|_| io::Error::other("index lock poisoned"))?;
        index.write_all(line.as_bytes())
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // 0600: never executable, not readable by others.
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn serde_json_line(file: &str, source: &str, a: &Artifact) -> String {
    format!(
        "{{\"file\":{},\"sha256\":{},\"source\":{},\"path\":{},\"detected_type\":{},\"size\":{}}}\n",
        json_string(file),
        json_string(&a.sha256),
        json_string(source),
        json_string(&a.path),
        json_string(&a.detected_type),
        a.size
    )
}

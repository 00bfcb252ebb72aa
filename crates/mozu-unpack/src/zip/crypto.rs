//! Zip decryption: traditional PKWARE encryption ("ZipCrypto") and WinZip
//! AES (AE-1/AE-2). Both work over the entry's raw bytes and yield a reader
//! of the still-compressed data; the caller decompresses and checks the CRC.

use std::io::{self, Read};

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// WinZip's PBKDF2 iteration count.
const AES_KDF_ROUNDS: u32 = 1000;
/// Length of the WinZip authentication code.
const AES_MAC_LEN: usize = 10;

/// The CRC-32 table ZipCrypto's key schedule uses.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

fn crc_byte(crc: u32, b: u8) -> u32 {
    CRC_TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
}

/// ZipCrypto key state.
#[derive(Clone)]
struct Keys([u32; 3]);

impl Keys {
    fn new(password: &[u8]) -> Self {
        let mut keys = Self([0x1234_5678, 0x2345_6789, 0x3456_7890]);
        for &b in password {
            keys.update(b);
        }
        keys
    }

    fn update(&mut self, plain: u8) {
        let k = &mut self.0;
        k[0] = crc_byte(k[0], plain);
        k[1] = k[1].wrapping_add(k[0] & 0xff).wrapping_mul(134_775_813).wrapping_add(1);
        k[2] = crc_byte(k[2], (k[1] >> 24) as u8);
    }

    fn decrypt(&mut self, cipher: u8) -> u8 {
        let temp = (self.0[2] | 2) & 0xffff;
        let plain = cipher ^ ((temp.wrapping_mul(temp ^ 1) >> 8) as u8);
        self.update(plain);
        plain
    }
}

/// Reader of ZipCrypto-decrypted bytes.
pub(crate) struct ZipCryptoReader<'a> {
    keys: Keys,
    data: &'a [u8],
}

impl<'a> ZipCryptoReader<'a> {
    /// Opens `raw` (12-byte header + data) with `password`; `None` when the
    /// header's check byte rules the password out.
    pub(crate) fn open(raw: &'a [u8], password: &[u8], check: u8) -> Option<Self> {
        let (header, data) = (raw.get(..12)?, raw.get(12..)?);
        let mut keys = Keys::new(password);
        let mut last = 0;
        for &b in header {
            last = keys.decrypt(b);
        }
        (last == check).then_some(Self { keys, data })
    }
}

impl Read for ZipCryptoReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.data.len());
        for (out, &cipher) in buf.iter_mut().zip(&self.data[..n]) {
            *out = self.keys.decrypt(cipher);
        }
        self.data = &self.data[n..];
        Ok(n)
    }
}

enum AesCipher {
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
}

impl AesCipher {
    fn encrypt(&self, block: &mut [u8; 16]) {
        let mut array = aes::Block::from(*block);
        match self {
            Self::Aes128(c) => c.encrypt_block(&mut array),
            Self::Aes192(c) => c.encrypt_block(&mut array),
            Self::Aes256(c) => c.encrypt_block(&mut array),
        }
        block.copy_from_slice(&array);
    }
}

/// Reader of WinZip-AES-decrypted bytes; fails at the end when the
/// authentication code does not match.
pub(crate) struct AesReader<'a> {
    cipher: AesCipher,
    mac: Hmac<Sha1>,
    expected_mac: &'a [u8],
    data: &'a [u8],
    counter: u128,
    keystream: [u8; 16],
    used: usize,
    verified: bool,
}

/// Key length in bytes for WinZip strength 1, 2, 3.
pub(crate) fn aes_key_len(strength: u8) -> Option<usize> {
    match strength {
        1 => Some(16),
        2 => Some(24),
        3 => Some(32),
        _ => None,
    }
}

impl<'a> AesReader<'a> {
    /// Opens `raw` (salt, verifier, data, MAC) with `password`; `None` when
    /// the layout is impossible or the verifier rules the password out.
    pub(crate) fn open(raw: &'a [u8], strength: u8, password: &[u8]) -> Option<Self> {
        let key_len = aes_key_len(strength)?;
        let salt_len = key_len / 2;
        let body_end = raw.len().checked_sub(AES_MAC_LEN)?;
        let salt = raw.get(..salt_len)?;
        let verifier = raw.get(salt_len..salt_len + 2)?;
        let data = raw.get(salt_len + 2..body_end)?;
        let mut derived = [0u8; 66];
        let derived = &mut derived[..2 * key_len + 2];
        pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, AES_KDF_ROUNDS, derived);
        if &derived[2 * key_len..] != verifier {
            return None;
        }
        let key = &derived[..key_len];
        let cipher = match key_len {
            16 => AesCipher::Aes128(aes::Aes128::new_from_slice(key).ok()?),
            24 => AesCipher::Aes192(aes::Aes192::new_from_slice(key).ok()?),
            _ => AesCipher::Aes256(aes::Aes256::new_from_slice(key).ok()?),
        };
        let mac = <Hmac<Sha1> as hmac::KeyInit>::new_from_slice(&derived[key_len..2 * key_len]).ok()?;
        Some(Self {
            cipher,
            mac,
            expected_mac: raw.get(body_end..)?,
            data,
            counter: 0,
            keystream: [0; 16],
            used: 16,
            verified: false,
        })
    }

    fn verify(&mut self) -> io::Result<()> {
        if self.verified {
            return Ok(());
        }
        self.verified = true;
        let code = self.mac.clone().finalize().into_bytes();
        if code.get(..AES_MAC_LEN) == Some(self.expected_mac) {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "WinZip AES authentication code mismatch (wrong password or damaged data)",
            ))
        }
    }
}

impl Read for AesReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.data.len());
        if n == 0 {
            self.verify()?;
            return Ok(0);
        }
        let (now, rest) = self.data.split_at(n);
        self.mac.update(now);
        for (out, &cipher) in buf.iter_mut().zip(now) {
            if self.used == 16 {
                // WinZip's CTR counter is little-endian and starts at 1.
                self.counter = self.counter.wrapping_add(1);
                self.keystream = self.counter.to_le_bytes();
                self.cipher.encrypt(&mut self.keystream);
                self.used = 0;
            }
            *out = cipher ^ self.keystream[self.used];
            self.used += 1;
        }
        self.data = rest;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_table_matches_crc32() {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in b"123456789" {
            crc = crc_byte(crc, b);
        }
        assert_eq!(!crc, 0xCBF4_3926);
    }

    #[test]
    fn short_inputs_are_refused() {
        assert!(ZipCryptoReader::open(&[0; 5], b"pw", 0).is_none());
        assert!(AesReader::open(&[0; 5], 3, b"pw").is_none());
        assert!(AesReader::open(&[0; 64], 9, b"pw").is_none());
    }
}

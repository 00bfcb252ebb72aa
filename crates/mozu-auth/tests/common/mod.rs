//! Shared by the tests and the benchmark: keys made at run time, messages
//! signed with them, DNS records seeded into the cache, and a resolver
//! that can only reach a closed port on 127.0.0.1 (no traffic leaves the
//! machine; anything not seeded fails fast as a DNS error).

#![allow(dead_code)]

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256, SigningKey};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{DkimSigner, Done};
use mozu_auth::{LiveAuth, LiveAuthConfig};
use mozu_mail::{Limits, source};
use mozu_model::{MessageRecord, SourceFormat};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer};

/// The Ed25519 test pair of mail-auth's signing example (RFC 8463 style
/// raw keys): fixed, so runs are reproducible.
const ED25519_SEED: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const ED25519_PUBLIC: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

/// The signing domain, its sending network and the receiver.
pub const SENDER: &str = "sender.example";
pub const SENDER_IP: &str = "45.33.10.20";
pub const OTHER_IP: &str = "81.2.69.160";

/// Test signers for [`SENDER`] (selectors `ed1` and `rsa1`) and their
/// DNS key records.
pub struct Keys {
    pub ed: DkimSigner<Ed25519Key, Done>,
    pub rsa: DkimSigner<RsaKey<Sha256>, Done>,
    ed_record: String,
    rsa_record: String,
}

fn signer<T: SigningKey>(key: T, selector: &str) -> DkimSigner<T, Done> {
    DkimSigner::from_key(key)
        .domain(SENDER)
        .selector(selector)
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
}

impl Keys {
    pub fn new() -> Keys {
        let seed = B64.decode(ED25519_SEED).expect("seed");
        let public = B64.decode(ED25519_PUBLIC).expect("public");
        let ed = Ed25519Key::from_seed_and_public_key(&seed, &public).expect("ed25519 key");
        let mut rng = rsa::rand_core::OsRng;
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("rsa key");
        let der = private.to_pkcs1_der().expect("pkcs1").as_bytes().to_vec();
        let rsa = RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der))).expect("rsa");
        let ed_record = format!("v=DKIM1; k=ed25519; p={}", B64.encode(ed.public_key()));
        let rsa_record = format!("v=DKIM1; k=rsa; p={}", B64.encode(rsa.public_key()));
        Keys {
            ed: signer(ed, "ed1"),
            rsa: signer(rsa, "rsa1"),
            ed_record,
            rsa_record,
        }
    }

    /// Seeds the keys (selectors `ed1`, `rsa1` at [`SENDER`]) and the
    /// policies every test uses.
    pub fn seed(&self, live: &LiveAuth) {
        let c = live.cache();
        c.seed_txt(&format!("ed1._domainkey.{SENDER}"), &self.ed_record)
            .expect("ed record");
        c.seed_txt(&format!("rsa1._domainkey.{SENDER}"), &self.rsa_record)
            .expect("rsa record");
        c.seed_txt(SENDER, "v=spf1 ip4:45.33.10.0/24 -all").expect("spf");
        c.seed_txt(&format!("_dmarc.{SENDER}"), "v=DMARC1; p=reject")
            .expect("dmarc");
        c.seed_txt("soft.example", "v=spf1 ip4:45.33.10.20 ~all")
            .expect("spf soft");
        c.seed_txt("bank.example", "v=spf1 -all").expect("spf bank");
        c.seed_txt("_dmarc.bank.example", "v=DMARC1; p=reject")
            .expect("dmarc bank");
        c.seed_no_txt("_dmarc.soft.example");
        c.seed_no_txt("_dmarc.example");
    }
}

/// A verifier whose only name server is a closed port on 127.0.0.1.
pub fn offline_live() -> LiveAuth {
    let config = LiveAuthConfig {
        nameservers: vec![closed_port()],
        lookup_timeout: Duration::from_millis(300),
        message_deadline: Duration::from_secs(3),
    };
    LiveAuth::new(&config).expect("live auth")
}

/// A UDP port on 127.0.0.1 nobody listens on (bound, then released).
pub fn closed_port() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("addr")
}

/// A message as the receiver stored it: its LMTP hop on loopback above
/// the edge hop that accepted it from `ip`.
pub fn message(from: &str, return_path: Option<&str>, ip: &str, body: &str) -> String {
    let rp = return_path
        .map(|r| format!("Return-Path: <{r}>\r\n"))
        .unwrap_or_default();
    format!(
        "{rp}Received: from mx.victim.example (localhost [127.0.0.1]) by imap.victim.example with LMTP id a1; \
         Sun, 22 Nov 2026 10:00:02 +0900\r\n\
         Received: from mail.{SENDER} (mail.{SENDER} [{ip}]) by mx.victim.example with ESMTPS id b2; \
         Sun, 22 Nov 2026 10:00:01 +0900\r\n\
         From: Sender <{from}>\r\nTo: bob@victim.example\r\nSubject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n\
         Date: Sun, 22 Nov 2026 10:00:00 +0900\r\nMessage-ID: <m1@{SENDER}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// `msg` with a DKIM signature of `signer` on top.
pub fn sign<T: SigningKey<Hasher = Sha256>>(signer: &DkimSigner<T, Done>, msg: &str) -> String {
    let sig = signer.sign(msg.as_bytes()).expect("sign");
    format!("{}{msg}", sig.to_header())
}

/// The parsed record of `raw`, as `mozu mail scan` has it.
pub fn record(raw: &str) -> MessageRecord {
    mozu_mail::parse_eml(
        raw.as_bytes(),
        source("test.eml", SourceFormat::Eml, None),
        &Limits::default(),
    )
}

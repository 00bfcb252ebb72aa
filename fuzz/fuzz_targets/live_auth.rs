#![no_main]
//! Live SPF/DKIM/DMARC verification of an arbitrary mail with a resolver
//! that cannot reach the network: its only name server is a closed port
//! on 127.0.0.1 with a very short timeout, and a few records are cached,
//! so signatures, SPF policies and DMARC records are really evaluated.
use std::sync::LazyLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;

static LIVE: LazyLock<Option<mozu_auth::LiveAuth>> = LazyLock::new(|| {
    let port = std::net::UdpSocket::bind("127.0.0.1:0").ok()?.local_addr().ok()?;
    let config = mozu_auth::LiveAuthConfig {
        nameservers: vec![port],
        lookup_timeout: Duration::from_millis(10),
        message_deadline: Duration::from_millis(200),
    };
    let live = mozu_auth::LiveAuth::new(&config).ok()?;
    let cache = live.cache();
    cache
        .seed_txt("example.com", "v=spf1 ip4:45.33.10.0/24 include:_spf.example.com ~all")
        .ok()?;
    cache
        .seed_txt("_spf.example.com", "v=spf1 a mx exists:%{i}.x.example.com -all")
        .ok()?;
    cache
        .seed_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=r")
        .ok()?;
    cache
        .seed_txt(
            "s._domainkey.example.com",
            "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        )
        .ok()?;
    cache.seed_no_txt("_dmarc.com");
    Some(live)
});

fuzz_target!(|data: &[u8]| {
    let Some(live) = LIVE.as_ref() else { return };
    let src = mozu_mail::source("fuzz", mozu_model::SourceFormat::Eml, None);
    let rec = mozu_mail::parse_eml(data, src, &mozu_mail::Limits::default());
    let report = live.verify(data, &rec);
    let _ = report.findings(&rec);
});

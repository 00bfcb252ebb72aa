//! Collects every text of a message that may hold indicators, then runs
//! mozu-indicators over them once the record is complete.

use mozu_indicators::IndicatorSet;
use mozu_model::{Location, MessageRecord, Warning, WarningCode};

/// Texts and values gathered while a message is parsed.
#[derive(Default)]
pub struct IndicatorInput {
    /// Decoded values of link-bearing headers (List-Unsubscribe …).
    pub header_texts: Vec<String>,
    /// IPs from transport headers.
    pub ips: Vec<String>,
    /// `href`, `src`, `action` values of HTML bodies.
    pub hrefs: Vec<String>,
    /// (attachment name, text) of text attachments.
    pub attachment_texts: Vec<(String, String)>,
    /// Indicators of nested messages, already extracted.
    nested: Vec<(String, MessageRecord)>,
}

impl IndicatorInput {
    /// Keeps the indicators of a nested message found in attachment `name`.
    pub fn absorb_nested(&mut self, name: &str, inner: &MessageRecord, inner_input: IndicatorInput) {
        let mut inner = inner.clone();
        inner_input.apply(&mut inner);
        self.nested.push((name.to_string(), inner));
    }

    /// Extracts indicators into `rec.urls`, `domains`, `ips` and `emails`.
    pub fn apply(self, rec: &mut MessageRecord) {
        let mut set = IndicatorSet::default();
        if let Some(subject) = &rec.subject {
            set.scan_text(subject, Location::Subject);
        }
        if let Some(text) = &rec.text {
            set.scan_text(text, Location::Text);
        }
        for href in &self.hrefs {
            set.add_url(href, Location::HtmlHref);
        }
        if let Some(text) = &rec.html_text {
            set.scan_text(text, Location::HtmlText);
        }
        for text in &self.header_texts {
            set.scan_text(text, Location::Header);
        }
        for (name, text) in &self.attachment_texts {
            set.scan_text_in(text, Location::Attachment, Some(name));
        }
        for ip in &self.ips {
            set.add_ip(ip);
        }
        let addresses = rec
            .from
            .iter()
            .chain(rec.sender.iter())
            .chain(rec.return_path.iter())
            .chain(&rec.reply_to)
            .chain(&rec.to)
            .chain(&rec.cc);
        for addr in addresses {
            if let Some(a) = &addr.address
                && a.contains('@')
            {
                set.add_email(a);
            }
        }
        for (name, inner) in self.nested {
            for mut url in inner.urls {
                url.location = Location::Attachment;
                url.artifact = Some(match url.artifact.take() {
                    Some(inner_name) => format!("{name}/{inner_name}"),
                    None => name.clone(),
                });
                set.add_url_indicator(url);
            }
            set.domains.extend(inner.domains);
            set.ips.extend(inner.ips);
            set.emails.extend(inner.emails);
        }
        if set.truncated {
            rec.warn(Warning::new(
                WarningCode::LimitIndicators,
                "indicator extraction stopped at its limit",
            ));
        }
        rec.urls = set.urls;
        rec.domains = set.domains.into_iter().collect();
        rec.ips = set.ips.into_iter().collect();
        rec.emails = set.emails.into_iter().collect();
    }
}

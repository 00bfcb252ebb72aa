//! Raw-markup tricks of the HTML body, read from the record's `html`
//! summary: text hidden from the reader by inline CSS (filler that feeds
//! filters something else than what the victim sees), text in the colour of
//! its background, forms (credential forms in the mail itself), scripts,
//! frames, `data:` URIs and `<meta refresh>` redirects. Mail clients run no
//! scripts and post no forms in ordinary mail, so honest senders have no use
//! for them.
//!
//! HTML attachments are summarised by the parser when their markup holds a
//! form, a script or a refresh redirect (`html_attachments`): opened from
//! disk, such a page is a local login form or a redirector.
//!
//! Weights stay moderate where honest newsletters come close: a hidden
//! preheader of a line or two is common practice, so hidden text counts only
//! from [`HIDDEN_CHARS_AT`] characters.

use mozu_model::{Finding, HtmlSummary, Severity};

use crate::{Context, finding};

/// Hidden characters from which hidden text is a finding (a preheader is
/// about 100).
pub const HIDDEN_CHARS_AT: u32 = 200;
/// Hidden characters from which hidden text weighs most.
pub const HIDDEN_CHARS_HEAVY: u32 = 1000;
/// Same-colour characters from which the trick is a finding.
pub const SAME_COLOUR_CHARS_AT: u32 = 30;

/// Runs the detector.
pub fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    attachments(ctx, out);
    let Some(h) = ctx.rec.html.as_ref() else { return };
    if ctx.rec.text.as_deref().is_none_or(|t| t.trim().is_empty()) && h.visible_chars > 0 {
        // Mail programs and honest bulk senders add a text/plain
        // alternative; a weak sign alone (SpamAssassin's MIME_HTML_ONLY).
        out.push(finding(
            "html.html_only",
            Severity::Info,
            5,
            "HTML body without a plain-text alternative",
            "text",
            "(none)",
        ));
    }
    hidden(h, out);
    forms(h, out);
    active_content(h, out);
}

fn hidden(h: &HtmlSummary, out: &mut Vec<Finding>) {
    if h.hidden_chars >= HIDDEN_CHARS_AT {
        let heavy = h.hidden_chars >= HIDDEN_CHARS_HEAVY || h.hidden_chars > h.visible_chars;
        out.push(finding(
            "html.hidden_text",
            if heavy { Severity::Medium } else { Severity::Low },
            if heavy { 25 } else { 15 },
            "text hidden from the reader by inline CSS (display:none, zero font size, zero height …)",
            "html.hidden_chars",
            &format!(
                "{} hidden characters in {} hidden elements, {} visible",
                h.hidden_chars, h.hidden_elements, h.visible_chars
            ),
        ));
    }
    if h.same_colour_chars >= SAME_COLOUR_CHARS_AT {
        out.push(finding(
            "html.same_colour_text",
            Severity::Medium,
            20,
            "text in the colour of its background",
            "html.same_colour_chars",
            &h.same_colour_chars.to_string(),
        ));
    }
    if h.invisible_in_words >= 3 {
        out.push(finding(
            "html.invisible_characters",
            Severity::Medium,
            20,
            "zero-width characters splitting words of the HTML text",
            "html.invisible_in_words",
            &h.invisible_in_words.to_string(),
        ));
    }
}

fn forms(h: &HtmlSummary, out: &mut Vec<Finding>) {
    if h.password_inputs > 0 {
        out.push(finding(
            "html.password_form",
            Severity::High,
            50,
            "password field in the mail itself (credential form)",
            "html.password_inputs",
            &format!(
                "{} password fields, form action {}",
                h.password_inputs,
                h.form_actions.first().map_or("(none)", String::as_str)
            ),
        ));
    } else if h.forms > 0 && h.inputs > 0 {
        let action = h.form_actions.iter().find(|a| !a.is_empty());
        out.push(finding(
            "html.form",
            Severity::Medium,
            20,
            "form with input fields in the mail (submits what the reader types)",
            "html.form_actions",
            &format!(
                "{} forms, {} inputs, action {}",
                h.forms,
                h.inputs,
                action.map_or("(none)", |a| a)
            ),
        ));
    }
}

fn active_content(h: &HtmlSummary, out: &mut Vec<Finding>) {
    if let Some(target) = &h.meta_refresh {
        out.push(finding(
            "html.meta_refresh",
            Severity::Medium,
            30,
            "<meta http-equiv=refresh> redirect in the HTML body",
            "html.meta_refresh",
            target,
        ));
    }
    if h.scripts > 0 {
        out.push(finding(
            "html.script",
            Severity::Medium,
            20,
            "script in the HTML body (mail clients do not run them; browsers do once saved or forwarded)",
            "html.scripts",
            &format!("{} scripts, {} external", h.scripts, h.external_scripts),
        ));
    }
    if h.frames > 0 {
        out.push(finding(
            "html.frame",
            Severity::Low,
            15,
            "iframe, frame, object or embed in the HTML body",
            "html.frames",
            &h.frames.to_string(),
        ));
    }
    // The links detector already reports data: URIs it found among the URLs.
    if h.data_uris > 0 && !out.iter().any(|f| f.id == "link.data_uri") {
        out.push(finding(
            "html.data_uri",
            Severity::Low,
            10,
            "data: URI in a link or resource (content that no URL filter sees)",
            "html.data_uris",
            &h.data_uris.to_string(),
        ));
    }
}

/// HTML attachments that are local login pages or redirectors: the page
/// opens from disk in a browser, where forms post and scripts run.
pub fn attachments(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let atts = &ctx.rec.html_attachments;
    if let Some(a) = atts.iter().find(|a| a.html.password_inputs > 0) {
        out.push(finding(
            "html.attachment_login_form",
            Severity::High,
            50,
            "HTML attachment with a password field (a local fake login page)",
            "html_attachments",
            &format!(
                "{}: form action {}",
                a.name,
                a.html.form_actions.first().map_or("(none)", String::as_str)
            ),
        ));
    } else if let Some(a) = atts.iter().find(|a| a.html.forms > 0) {
        out.push(finding(
            "html.attachment_form",
            Severity::Medium,
            30,
            "HTML attachment with a form",
            "html_attachments",
            &a.name,
        ));
    }
    if let Some(a) = atts
        .iter()
        .find(|a| a.html.scripts > 0 || a.html.meta_refresh.is_some())
    {
        out.push(finding(
            "html.attachment_script",
            Severity::Medium,
            30,
            "HTML attachment with a script or a refresh redirect",
            "html_attachments",
            &format!(
                "{}: {} scripts{}",
                a.name,
                a.html.scripts,
                a.html
                    .meta_refresh
                    .as_deref()
                    .map(|t| format!(", refresh to {t}"))
                    .unwrap_or_default()
            ),
        ));
    }
}

//! What the markup of an HTML body does that its rendered text does not
//! show: hidden and same-colour text, forms, scripts, data: URIs, refresh
//! redirects. Filled by the HTML renderer, read by detectors.

use serde::{Deserialize, Serialize};

/// Form actions kept per message at most.
pub const MAX_FORM_ACTIONS: usize = 8;

/// Counts over the HTML bodies of a message (summed when there are several).
/// Text is counted in characters that are not whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlSummary {
    /// Elements opened (start tags).
    #[serde(default)]
    pub elements: u32,
    /// Text characters a reader sees (outside hidden elements).
    #[serde(default)]
    pub visible_chars: u32,
    /// Elements hidden by inline CSS (`display:none`, `visibility:hidden`,
    /// `font-size:0`/`1px`, `opacity:0`, `max-height:0`, `mso-hide:all`) or
    /// the `hidden` attribute.
    #[serde(default)]
    pub hidden_elements: u32,
    /// Text characters inside hidden elements (rendered text still holds
    /// them, as filters read them).
    #[serde(default)]
    pub hidden_chars: u32,
    /// Text characters whose declared colour equals (or nearly equals) the
    /// declared background colour.
    #[serde(default)]
    pub same_colour_chars: u32,
    /// Zero-width and other invisible characters between letters of the
    /// text (words split to dodge keyword filters).
    #[serde(default)]
    pub invisible_in_words: u32,
    /// `<form>` elements.
    #[serde(default)]
    pub forms: u32,
    /// Where forms submit to (`action`), first [`MAX_FORM_ACTIONS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form_actions: Vec<String>,
    /// `<input>` elements.
    #[serde(default)]
    pub inputs: u32,
    /// `<input type=password>` elements.
    #[serde(default)]
    pub password_inputs: u32,
    /// `<script>` elements.
    #[serde(default)]
    pub scripts: u32,
    /// `<script src>` elements (code fetched from elsewhere).
    #[serde(default)]
    pub external_scripts: u32,
    /// `<link rel=stylesheet>` elements.
    #[serde(default)]
    pub external_stylesheets: u32,
    /// `<iframe>`, `<frame>`, `<object>` and `<embed>` elements.
    #[serde(default)]
    pub frames: u32,
    /// `<img>` elements.
    #[serde(default)]
    pub images: u32,
    /// `data:` URIs in `src`, `href`, `data`, `background` or `action`.
    #[serde(default)]
    pub data_uris: u32,
    /// Target of a `<meta http-equiv=refresh>` redirect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_refresh: Option<String>,
}

impl HtmlSummary {
    /// Adds the counts of `other` (a further HTML body of the same message).
    pub fn merge(&mut self, other: HtmlSummary) {
        self.elements = self.elements.saturating_add(other.elements);
        self.visible_chars = self.visible_chars.saturating_add(other.visible_chars);
        self.hidden_elements = self.hidden_elements.saturating_add(other.hidden_elements);
        self.hidden_chars = self.hidden_chars.saturating_add(other.hidden_chars);
        self.same_colour_chars = self.same_colour_chars.saturating_add(other.same_colour_chars);
        self.invisible_in_words = self.invisible_in_words.saturating_add(other.invisible_in_words);
        self.forms = self.forms.saturating_add(other.forms);
        self.inputs = self.inputs.saturating_add(other.inputs);
        self.password_inputs = self.password_inputs.saturating_add(other.password_inputs);
        self.scripts = self.scripts.saturating_add(other.scripts);
        self.external_scripts = self.external_scripts.saturating_add(other.external_scripts);
        self.external_stylesheets = self.external_stylesheets.saturating_add(other.external_stylesheets);
        self.frames = self.frames.saturating_add(other.frames);
        self.images = self.images.saturating_add(other.images);
        self.data_uris = self.data_uris.saturating_add(other.data_uris);
        for a in other.form_actions {
            if self.form_actions.len() < MAX_FORM_ACTIONS {
                self.form_actions.push(a);
            }
        }
        if self.meta_refresh.is_none() {
            self.meta_refresh = other.meta_refresh;
        }
    }
}

/// An HTML attachment whose markup does something: a form, a password
/// field, a script or a refresh redirect (the local login pages and
/// redirectors of credential phishing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlAttachment {
    /// The attachment's name (or `part-<path>`).
    pub name: String,
    /// Its markup summary.
    pub html: HtmlSummary,
}

impl HtmlSummary {
    /// True when the markup holds a form, a password field, a script or a
    /// refresh redirect.
    pub fn is_active(&self) -> bool {
        self.forms > 0 || self.password_inputs > 0 || self.scripts > 0 || self.meta_refresh.is_some()
    }
}

//! Outlook .msg reader.

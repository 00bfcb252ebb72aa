//! Script, shortcut and executable analysis for mozu: VBS/JS/WSF/HTA/PS1/BAT, .iqy/.slk/.url lures, encoded payloads, .lnk targets, PE headers.
#![warn(missing_docs)]

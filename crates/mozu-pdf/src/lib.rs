//! PDF analysis for mozu: document properties, URIs, JavaScript and actions, embedded files, and a raw keyword scan; lopdf isolated.
#![warn(missing_docs)]

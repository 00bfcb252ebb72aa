//! The detectors. Each is one module with a `run` function; registering a
//! detector is one line of [`REGISTRY`].

use mozu_model::Finding;

use crate::Context;

pub mod attach;
pub mod auth;
pub mod forward;
pub mod headers;
pub mod hijack;
pub mod html;
pub mod kaomoji;
pub mod links;
pub mod lookalike;
pub mod lure;
pub mod obfuscation;
pub mod spoof;

/// A detector: reads the context, appends findings.
pub type Run = fn(&Context<'_>, &mut Vec<Finding>);

/// Every detector, by name, in the order they run.
pub const REGISTRY: &[(&str, Run)] = &[
    ("spoof", spoof::run),
    ("lookalike", lookalike::run),
    ("auth", auth::run),
    ("headers", headers::run),
    ("hijack", hijack::run),
    ("forward", forward::run),
    ("kaomoji", kaomoji::run),
    ("lure", lure::run),
    ("attach", attach::run),
    ("links", links::run),
    ("html", html::run),
    ("obfuscation", obfuscation::run),
];

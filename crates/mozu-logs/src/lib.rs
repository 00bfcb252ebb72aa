//! Log readers: EVTX, JSON/JSON Lines events, Squid and W3C proxy logs, firewall CSV, all turned into flattened events with limits.
#![warn(missing_docs)]

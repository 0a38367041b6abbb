//! The integration tests of this crate as one test binary (one link step
//! instead of one per file); each former file is a module.

mod accounts;
mod ci;
mod cli;
mod diff;
mod inspect;
mod lifecycle;
mod push;
mod push_set;
mod redirects;
mod url_credentials;
mod validate_online;

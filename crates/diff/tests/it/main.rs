//! The integration tests of this crate as one test binary (one link step
//! instead of one per file); each former file is a module.

mod known_changes;
mod real_pair;

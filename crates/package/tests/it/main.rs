//! The integration tests of this crate as one test binary (one link step
//! instead of one per file); each former file is a module.

mod api_monodis;
mod fixtures;
mod hostile;
mod readme_bounds;
mod roundtrip;
mod zip_oracles;

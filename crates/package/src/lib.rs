//! `nupub-package`: a faithful, read-only model of a NuGet package.
//!
//! [`Package::open`] reads the zip central directory and the few entries the
//! model needs (nuspec, signature, readme, icon, licence file), never the
//! whole file, and never writes to it. [`Package::verify_integrity`] streams
//! every entry through its CRC-32 check as a separate step, so a window can
//! show the package before the (longer) check ends.
//!
//! The model keeps raw details (entry names as stored, nuspec bytes, element
//! casing, duplicates, raw boolean text) so the validation rules can be
//! checked without reading the zip again; interpretation lives in clearly
//! named methods.

pub mod api_surface;
mod archive;
pub mod assembly;
mod error;
pub mod files;
pub mod framework;
pub mod little_endian;
pub mod media;
pub mod names;
pub mod nuspec;
mod package;
pub mod pdb;
pub mod report;
pub mod request;
pub mod signature;
pub mod version;
pub mod zipread;

pub use api_surface::ApiSurface;
pub use archive::{escape_reason, DamagedEntry, Entry, IntegrityReport, Limits};
pub use assembly::{AssemblyInfo, AssemblyKind};
pub use error::{Damage, PackageError};
pub use media::{IconInfo, LicenseInfo, ReadmeInfo};
pub use nuspec::Nuspec;
pub use package::{OpenObserver, OpenPhase, Package};
pub use report::Inspection;
pub use request::{
    companion_path, symbols_beside, symbols_path_for, NotOpened, NotOpenedReason, OpenRequest,
};
pub use signature::{
    CertificateInfo, ImprintCheck, SignatureInfo, SignatureKind, SignerCertificates, TimestampInfo,
};
pub use version::{FloatBehavior, NuGetVersion, VersionParseError, VersionRange};
pub use zipread::Ambiguity;

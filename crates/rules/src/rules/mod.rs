//! The rule functions, grouped by what they look at. Each is pure:
//! `(&Package, &PackageFacts) -> Vec<Finding>`.

pub(crate) mod archive;
mod common;
mod dependencies;
pub(crate) mod health;
mod license;
mod media;
mod names;
mod nuspec;
mod pack;
mod signature;
mod symbols;

use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::{Damage, Package, PackageError};

type RuleFn = fn(&Package, &PackageFacts) -> Vec<Finding>;

/// Every offline rule, in the order nuget.org checks.
const RULES: &[RuleFn] = &[
    archive::check,
    names::check,
    nuspec::check,
    dependencies::check,
    license::check,
    media::check,
    signature::check,
    symbols::check,
    pack::check,
    health::check,
];

pub fn all(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    RULES.iter().flat_map(|rule| rule(package, facts)).collect()
}

/// A package that could not be opened, as findings.
pub fn open_error(error: &PackageError) -> Vec<Finding> {
    use PackageError as E;
    let text = error.to_string();
    let hint = nupub_error::Coded::hint(error);
    let finding = match error {
        E::UnsafeEntryName { entry, .. } => c::ZIP_UNSAFE_ENTRY
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::ZIP_UNSAFE_ENTRY.fill(&["this package", entry])),
        E::DuplicateEntry { entry } => c::ZIP_DUPLICATE_ENTRIES
            .finding(text.clone())
            .at(entry.clone()),
        E::ZipAmbiguous { kind, .. } if kind.dotnet_fails() => c::ZIP_AMBIGUOUS
            .finding(text.clone())
            .with_server(c::ZIP_UNREADABLE.fill(&[])),
        E::ZipAmbiguous { .. } => c::ZIP_AMBIGUOUS.finding(text.clone()),
        E::NoNuspec => c::NUSPEC_MISSING.finding(text.clone()),
        E::MultipleNuspecs { .. } => c::NUSPEC_MULTIPLE_ROOT.finding(text.clone()),
        E::NuspecEncoding { entry, .. } => c::NUSPEC_INVALID_UNICODE
            .finding(text.clone())
            .at(entry.clone()),
        E::NuspecXml { entry, .. }
        | E::NuspecDtd { entry }
        | E::NuspecTooDeep { entry, .. }
        | E::NuspecNoMetadata { entry }
        | E::NuspecTooLarge { entry, .. } => c::NUSPEC_INVALID_XML
            .finding(text.clone())
            .at(entry.clone())
            .with_hint(hint.clone().unwrap_or_default()),
        E::MissingField { entry, field } if *field == "id" => {
            c::ID_MISSING.finding(text.clone()).at(entry.clone())
        }
        E::MissingField { entry, .. } => c::VERSION_INVALID
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::VERSION_INVALID.fill(&[""])),
        E::InvalidVersion { entry, value, .. } => c::VERSION_INVALID
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::VERSION_INVALID.fill(&[value])),
        E::EntryCorrupt {
            entry,
            kind: Damage::LengthMismatch,
            ..
        } => c::ZIP_LENGTH_MISMATCH
            .finding(text.clone())
            .at(entry.clone()),
        E::EntryCorrupt { entry, .. } => {
            c::ZIP_ENTRY_CORRUPT.finding(text.clone()).at(entry.clone())
        }
        E::TooManyEntries { .. } => c::ZIP_TOO_MANY_ENTRIES.finding(text.clone()),
        // Not found, folder, empty, not a zip, too large, zip bomb, no such entry…
        _ => c::ZIP_UNREADABLE
            .finding(text.clone())
            .with_hint(hint.clone().unwrap_or_default()),
    };
    vec![finding]
}

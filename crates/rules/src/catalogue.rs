//! The flat catalogue of rules: one constant per rule, all listed in
//! [`CATALOGUE`] by the same macro (so a rule cannot exist without being
//! documented). `docs/rules.md` is generated from it by a test.
//!
//! Codes are the rule names of `shared/spec/nuget-org-validation-rules.md`
//! in lower snake case (`zip.future-timestamp` → `zip.future_timestamp`);
//! NuGet's own pack warnings keep NuGet's code (`pack.nu5104`).
//! Server messages are nuget.org's exact text; `{0}`, `{1}` are filled per finding.

use crate::types::{Finding, RuleTarget, Severity};
use serde::Serialize;

/// Which targets a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// The file is not a usable package at all: every target, local folders included.
    Integrity,
    /// NuGet's own grammar (ids, ranges): every feed.
    Protocol,
    /// A check only nuget.org makes: elsewhere it becomes `info`.
    NugetOrg,
    /// Advice from NuGet's pack rules and health checks: every feed but local folders.
    Advisory,
    /// GitHub Packages only.
    Github,
    /// From feed facts that matter on every feed (the version already exists).
    Feed,
    /// From feed facts that only nuget.org has (reserved prefixes, signing history).
    FeedNugetOrg,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// The rule number in `shared/spec/nuget-org-validation-rules.md`, when it has one.
    pub spec: Option<u16>,
    pub title: &'static str,
    /// The usual fix (a finding may give a more precise one).
    pub hint: &'static str,
    /// nuget.org's exact text, with `{0}`/`{1}` placeholders.
    pub server: Option<&'static str>,
    pub docs: &'static str,
}

impl Rule {
    /// A finding of this rule with the rule's hint, and its server text when that needs no values.
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding {
            code: self.code.to_string(),
            severity: self.severity,
            title: self.title.to_string(),
            message: message.into(),
            hint: (!self.hint.is_empty()).then(|| self.hint.to_string()),
            server_message: self
                .server
                .filter(|s| !s.contains("{0}"))
                .map(str::to_string),
            path: None,
            docs: (!self.docs.is_empty()).then(|| self.docs.to_string()),
        }
    }

    /// The server text with `{0}`, `{1}`… replaced.
    pub fn fill(&self, args: &[&str]) -> Option<String> {
        self.server.map(|template| {
            let mut text = template.to_string();
            for (i, arg) in args.iter().enumerate() {
                text = text.replace(&format!("{{{i}}}"), arg);
            }
            text
        })
    }
}

impl Finding {
    pub fn at(mut self, path: impl Into<String>) -> Finding {
        self.path = Some(path.into());
        self
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_server(mut self, text: Option<String>) -> Finding {
        self.server_message = text;
        self
    }
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}

/// The severity a finding of `scope` has for `target`; `None` drops it.
pub fn severity_for(scope: Scope, target: RuleTarget, severity: Severity) -> Option<Severity> {
    match (scope, target) {
        (Scope::Integrity, _) | (Scope::Feed, _) => Some(severity),
        (_, RuleTarget::Local) => None,
        (Scope::Protocol, _) | (Scope::Advisory, _) => Some(severity),
        (Scope::NugetOrg, RuleTarget::NugetOrg) => Some(severity),
        (Scope::NugetOrg, _) => Some(Severity::Info),
        (Scope::FeedNugetOrg, RuleTarget::NugetOrg) => Some(severity),
        (Scope::FeedNugetOrg, _) => None,
        (Scope::Github, RuleTarget::Github) => Some(severity),
        (Scope::Github, _) => None,
    }
}

/// The rule with this code.
pub fn lookup(code: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().copied().find(|r| r.code == code)
}

const D_NUSPEC: &str = "https://learn.microsoft.com/nuget/reference/nuspec";
const D_PUBLISH: &str = "https://learn.microsoft.com/nuget/nuget-org/publish-a-package";
const D_LICENSE: &str = "https://learn.microsoft.com/nuget/reference/nuspec#license";
const D_ICON: &str = "https://learn.microsoft.com/nuget/reference/nuspec#icon";
const D_README: &str = "https://learn.microsoft.com/nuget/reference/nuspec#readme";
const D_REPO: &str = "https://learn.microsoft.com/nuget/reference/nuspec#repository";
const D_VERSION: &str = "https://learn.microsoft.com/nuget/concepts/package-versioning";
const D_ID: &str =
    "https://learn.microsoft.com/nuget/create-packages/package-authoring-best-practices#package-id";
const D_DEPS: &str = "https://learn.microsoft.com/nuget/reference/nuspec#dependencies";
const D_TFM: &str = "https://learn.microsoft.com/nuget/reference/target-frameworks";
const D_SIGN: &str = "https://learn.microsoft.com/nuget/reference/signed-packages-reference";
const D_SYMBOLS: &str = "https://learn.microsoft.com/nuget/create-packages/symbol-packages-snupkg";
const D_PREFIX: &str = "https://learn.microsoft.com/nuget/nuget-org/id-prefix-reservation";
const D_GITHUB: &str = "https://docs.github.com/packages/working-with-a-github-packages-registry/working-with-the-nuget-registry";
const D_SOURCELINK: &str =
    "https://learn.microsoft.com/dotnet/standard/library-guidance/sourcelink";
const D_MSBUILD: &str = "https://learn.microsoft.com/dotnet/core/project-sdk/msbuild-props";
const D_MCP: &str = "https://learn.microsoft.com/nuget/concepts/nuget-mcp";

const LENGTH: &str = "A nuget package's {0} property may not be more than {1} characters long.";
const HINT_REBUILD: &str =
    "build the package again with dotnet pack (or nuget pack) and do not edit the .nupkg by hand";

macro_rules! catalogue {
    ($( $name:ident = { $code:literal, $sev:ident, $scope:ident, $spec:expr, $title:literal, $hint:expr, $server:expr, $docs:expr } )*) => {
        $( pub const $name: Rule = Rule {
            code: $code,
            severity: Severity::$sev,
            scope: Scope::$scope,
            spec: $spec,
            title: $title,
            hint: $hint,
            server: $server,
            docs: $docs,
        }; )*
        /// Every rule, in catalogue order.
        pub const CATALOGUE: &[&Rule] = &[ $( &$name ),* ];
    };
}

catalogue! {
    // ---- The file itself -------------------------------------------------
    ZIP_UNREADABLE = { "zip.unreadable", Error, Integrity, Some(8), "The file is not a readable package",
        HINT_REBUILD,
        Some("Failed to read the package file. Ensure it is a valid NuGet package with a valid manifest."), D_PUBLISH }
    ZIP_AMBIGUOUS = { "zip.ambiguous", Error, Integrity, None, "Zip readers would read different packages",
        "do not publish this file: pack the project again with dotnet pack or nuget pack and publish that output as it is (do not append or prepend data, or re-zip it with another tool)",
        None, D_PUBLISH }
    ZIP_ENTRY_CORRUPT = { "zip.entry_corrupt", Error, Integrity, None, "A file inside the package is damaged",
        "the package was damaged after it was built (copy or download cut short); build or download it again and do not publish this copy",
        None, D_PUBLISH }
    REQUEST_SIZE_LIMIT = { "request.size_limit", Error, NugetOrg, Some(2), "Package larger than 250 MB",
        "leave build outputs you do not ship out of the package (<None Pack=\"false\">), or split it into several packages",
        Some("The package file exceeds the size limit. Please try again."), D_PUBLISH }
    ZIP_FUTURE_TIMESTAMP = { "zip.future_timestamp", Error, NugetOrg, Some(5), "File dated in the future",
        "fix the build machine's clock and pack again",
        Some("The package is invalid and cannot be published. One or more files, such as '{0}' have a date in the future."), D_PUBLISH }
    ZIP_DOUBLE_SLASH_COLLISION = { "zip.double_slash_collision", Error, NugetOrg, Some(6), "Entry name with // collides with another",
        HINT_REBUILD,
        Some("The package is invalid and cannot be published. The package entry for '{0}' has a  double forward slashes in path, which is causing a file name collision during extraction."), D_PUBLISH }
    ZIP_DOUBLE_BACKSLASH = { "zip.double_backslash", Error, NugetOrg, Some(7), "Entry name with \\\\",
        HINT_REBUILD,
        Some("The package is invalid and cannot be published. The package entry for '{0}' has a  double back slashes in path."), D_PUBLISH }
    ZIP_UNSAFE_ENTRY = { "zip.unsafe_entry", Error, Integrity, Some(36), "Entry that escapes the install folder",
        "do not publish this file: entries like this can write outside the package folder; build the package again with dotnet pack",
        Some("The package '{0}' contains an entry '{1}' which is unsafe for extraction."), D_PUBLISH }
    NAME_DECEPTIVE = { "name.deceptive", Warning, Advisory, None, "Invisible or look-alike characters in a name",
        "rename it with plain characters: a direction control (U+202E), a zero-width character or a look-alike letter from another script makes a name look like another (gnp.exe shown as exe.png); Nupub shows such characters escaped",
        None, D_PUBLISH }
    ZIP_TOO_MANY_ENTRIES = { "zip.too_many_entries", Error, NugetOrg, Some(58), "Too many files",
        "ship fewer files: zip them into one content file, or split the package",
        Some("The package contains too many files and/or folders."), D_PUBLISH }
    ZIP_DUPLICATE_ENTRIES = { "zip.duplicate_entries", Error, Integrity, Some(59), "Two files with the same name",
        "two files differ only in letter case or slashes; rename one in the project (Linux builds allow it, Windows installs do not) and pack again",
        Some("The package contains one or more duplicated files in the same folder."), D_PUBLISH }
    ZIP_LENGTH_MISMATCH = { "zip.length_mismatch", Error, Integrity, Some(60), "File length differs from its zip header",
        HINT_REBUILD,
        Some("The package file is corrupt."), D_PUBLISH }
    ZIP_ZIP64 = { "zip.zip64", Error, NugetOrg, Some(107), "Zip64 archive",
        "pack with dotnet pack or nuget pack (they never write Zip64); do not re-zip the package with another tool",
        Some("Zip64 packages are not supported."), D_PUBLISH }

    // ---- The nuspec ------------------------------------------------------
    NUSPEC_MISSING = { "nuspec.missing", Error, Integrity, Some(9), "No .nuspec at the root",
        "a package needs one {id}.nuspec at its root; build it with dotnet pack or nuget pack",
        Some("The package is missing the required nuspec file. "), D_NUSPEC }
    NUSPEC_MULTIPLE_ROOT = { "nuspec.multiple_root", Error, Integrity, Some(10), "Several .nuspec files at the root",
        "keep exactly one .nuspec at the root; build the package again with dotnet pack",
        Some("Package contains multiple nuspec files."), D_NUSPEC }
    NUSPEC_MULTIPLE_ANYWHERE = { "nuspec.multiple_anywhere", Error, NugetOrg, Some(61), "More than one .nuspec file in the package",
        "remove the extra .nuspec from the packed files (<None Remove=\"**/*.nuspec\" Pack=\"false\">, or the <files> list of the nuspec)",
        Some("The package contains multiple nuspec files. Please make sure only one nuspec file is present in the package."), D_NUSPEC }
    NUSPEC_INVALID_XML = { "nuspec.invalid_xml", Error, Integrity, None, "The .nuspec cannot be read",
        "fix the .nuspec (or the project properties it comes from) and pack again", None, D_NUSPEC }
    NUSPEC_INVALID_UNICODE = { "nuspec.invalid_unicode", Error, Protocol, Some(63), "The .nuspec is not valid UTF-8",
        "save the .nuspec as UTF-8 and pack again",
        Some("The package nuspec file contains invalid unicode characters."), D_NUSPEC }
    NUSPEC_NOT_NFC = { "nuspec.not_nfc", Warning, NugetOrg, Some(62), "The .nuspec is not in Unicode NFC",
        "save the .nuspec (or the project file) with composed characters (NFC), e.g. type é as one character rather than e + accent",
        Some("The package nuspec file is not compliant with the normalization form C (NFC)."), D_NUSPEC }
    NUSPEC_DUPLICATE_METADATA = { "nuspec.duplicate_metadata", Error, NugetOrg, Some(11), "Metadata element given twice",
        "keep one of the two elements in the .nuspec",
        Some("The package manifest contains duplicate metadata elements: '{0}'"), D_NUSPEC }
    NUSPEC_INVALID_METADATA_ELEMENT = { "nuspec.invalid_metadata_element", Error, NugetOrg, Some(12), "Reserved or miscased metadata element",
        "remove the element, or write <tags> in lower case",
        Some("The package manifest contains invalid metadata elements: '{0}'"), D_NUSPEC }
    NUSPEC_INVALID_BOOLEAN = { "nuspec.invalid_boolean", Error, NugetOrg, Some(13), "Not true or false",
        "write true or false (PackageRequireLicenseAcceptance / DevelopmentDependency / Serviceable in the csproj)",
        Some("The package manifest contains an invalid boolean value for metadata element: '{0}'. The value should be 'true' or 'false'."), D_NUSPEC }
    NUSPEC_PACKAGE_TYPE_NAME = { "nuspec.package_type_name", Error, NugetOrg, Some(14), "Invalid package type name",
        "use letters, digits and _ separated by . or - (<PackageType> in the csproj, <packageType name=…> in the nuspec)",
        Some("The package manifest contains an invalid package type name: '{0}'"), D_NUSPEC }
    PACKAGE_SYMBOLS_TYPE = { "package.symbols_type_on_package_endpoint", Error, NugetOrg, Some(16), "Symbol package sent as a package",
        "push the .nupkg (not the .snupkg) as the package; push the .snupkg beside it with a NuGet client 4.9 or later",
        Some("Snupkg upload failed. Please use latest NuGet clients (v 4.9.0 or above) and a V3 endpoint to push Symbol packages. For details, refer https://docs.microsoft.com/nuget/create-packages/symbol-packages-snupkg"), D_SYMBOLS }
    META_DESCRIPTION_REQUIRED = { "meta.description_required", Error, NugetOrg, Some(17), "Description missing",
        "set <Description> in the csproj (nuspec <description>)",
        Some("A nuget package's Description property is required."), D_NUSPEC }
    META_LENGTH_ID = { "meta.length.id", Error, NugetOrg, Some(18), "Id too long", "shorten <PackageId>", Some(LENGTH), D_NUSPEC }
    META_LENGTH_AUTHORS = { "meta.length.authors", Error, NugetOrg, Some(19), "Authors too long", "shorten <Authors> (nuspec <authors>)", Some(LENGTH), D_NUSPEC }
    META_LENGTH_COPYRIGHT = { "meta.length.copyright", Error, NugetOrg, Some(20), "Copyright too long", "shorten <Copyright>", Some(LENGTH), D_NUSPEC }
    META_LENGTH_SUMMARY = { "meta.length.summary", Error, NugetOrg, Some(21), "Summary too long", "shorten <summary> in the nuspec", Some(LENGTH), D_NUSPEC }
    META_LENGTH_TAGS = { "meta.length.tags", Error, NugetOrg, Some(22), "Tags too long", "use fewer <PackageTags> (nuspec <tags>)", Some(LENGTH), D_NUSPEC }
    META_LENGTH_DESCRIPTION = { "meta.length.description", Error, NugetOrg, Some(23), "Description too long",
        "keep <Description> under 4000 characters and put the long text in a readme (<PackageReadmeFile> / <readme>)", Some(LENGTH), D_NUSPEC }
    META_LENGTH_URLS = { "meta.length.urls", Error, NugetOrg, Some(24), "URL too long", "shorten the URL", Some(LENGTH), D_NUSPEC }
    META_LENGTH_RELEASE_NOTES = { "meta.length.release_notes", Error, NugetOrg, Some(25), "Release notes too long",
        "shorten <PackageReleaseNotes> (nuspec <releaseNotes>) and link to the full notes", Some(LENGTH), D_NUSPEC }
    META_LENGTH_TITLE = { "meta.length.title", Error, NugetOrg, Some(26), "Title too long", "shorten <Title>", Some(LENGTH), D_NUSPEC }
    META_LENGTH_VERSION = { "meta.length.version", Error, NugetOrg, Some(27), "Version too long", "shorten the release label or build metadata of <Version>", Some(LENGTH), D_VERSION }
    META_LENGTH_LANGUAGE = { "meta.length.language", Error, NugetOrg, Some(28), "Language too long", "use a culture name such as en-US in <NeutralLanguage> (nuspec <language>)", Some(LENGTH), D_NUSPEC }
    META_LENGTH_ID_AND_VERSION = { "meta.length.id_and_version", Error, NugetOrg, Some(29), "Id and version too long together",
        "shorten <PackageId> or the version's label/metadata",
        Some("A nuget package's ID and version properties combined may not be more than {0} characters long."), D_NUSPEC }
    META_LENGTH_DEPENDENCY_ID = { "meta.length.dependency_id", Error, NugetOrg, Some(30), "Dependency id too long", "check the dependency's id", Some(LENGTH), D_DEPS }
    META_LENGTH_DEPENDENCY_RANGE = { "meta.length.dependency_range", Error, NugetOrg, Some(31), "Dependency range too long", "write the range in short form such as [1.0,2.0)", Some(LENGTH), D_DEPS }
    META_LENGTH_DEPENDENCIES = { "meta.length.dependencies", Error, NugetOrg, Some(32), "Too many dependencies", "remove dependencies the package does not need", Some(LENGTH), D_DEPS }
    META_LENGTH_REPOSITORY_TYPE = { "meta.length.repository_type", Error, NugetOrg, Some(33), "Repository type too long", "use git in <RepositoryType>", Some(LENGTH), D_REPO }

    // ---- Id and version --------------------------------------------------
    ID_MISSING = { "id.missing", Error, Integrity, Some(37), "No id",
        "set <PackageId> in the csproj (nuspec <id>)", Some("The package manifest is missing the Id field"), D_ID }
    ID_TOO_LONG = { "id.too_long", Error, NugetOrg, Some(38), "Id longer than 100 characters",
        "shorten <PackageId> (nuspec <id>) to 100 characters or fewer",
        Some("The package manifest contains an ID that is too long. Package IDs can be no longer than 100 characters."), D_ID }
    ID_FORMAT = { "id.format", Error, Protocol, Some(39), "Id with characters NuGet does not allow",
        "use ASCII letters, digits and _ separated by single . or - in <PackageId> (nuspec <id>)",
        Some("The package manifest contains an invalid ID: '{0}', because it must start with a letter, number or underscore ( _ ), can only contain letters, numbers, underscores ( _ ), dots ( . ), or dashes ( - ), and cannot contain consecutive dots ( . ) or dashes ( - )."), D_ID }
    URL_INVALID = { "url.invalid", Error, NugetOrg, Some(40), "URL that is not http or https",
        "give a full http:// or https:// address (<PackageProjectUrl>, <PackageIconUrl>, <PackageLicenseUrl>)",
        Some("The package manifest contains an invalid URL"), D_NUSPEC }
    VERSION_INVALID = { "version.invalid", Error, Integrity, Some(41), "Version is not valid",
        "use a version such as 1.2.3 or 1.2.3-beta.1 in <Version> (nuspec <version>)",
        Some("The package manifest contains an invalid Version: '{0}'"), D_VERSION }
    VERSION_LEGACY_SEMVER1_LABEL = { "version.legacy_semver1_label", Error, NugetOrg, Some(42), "Release label must start with a letter",
        "start the release label with a letter (1.0.0-beta1), or make it SemVer 2 with a dot (1.0.0-1.beta)", None, D_VERSION }
    CLIENT_MIN_CLIENT_VERSION = { "client.min_client_version", Error, NugetOrg, Some(49), "minClientVersion too high",
        "lower minClientVersion in the nuspec (or <MinClientVersion> in the csproj) to 7.3.1.1 or less, or remove it",
        Some("This package requires version '{0}' of NuGet, which this gallery does not currently support. Please contact us if you have questions."), D_NUSPEC }

    // ---- Frameworks and dependencies ------------------------------------
    TFM_UNSUPPORTED = { "tfm.unsupported", Error, NugetOrg, Some(43), "Unknown target framework",
        "use a target framework NuGet knows (net8.0, netstandard2.0, net472…) in <TargetFramework(s)> or the nuspec group",
        Some("The target framework {0} is not supported."), D_TFM }
    TFM_PORTABLE_PROFILE = { "tfm.portable_profile", Error, NugetOrg, Some(35), "Portable framework with a profile inside",
        "target netstandard instead of a portable profile",
        Some("The package framework '{0}' is not supported. Frameworks within the portable profile are not allowed to have profiles themselves."), D_TFM }
    DEPENDENCY_RANGE_PARSE = { "dependency.range_parse", Error, Protocol, Some(15), "Dependency version range does not parse",
        "write the range as 1.0, [1.0,2.0) or (,2.0] in the PackageReference Version / nuspec <dependency version>", None, D_DEPS }
    DEPENDENCY_DUPLICATE_TFM_GROUP = { "dependency.duplicate_tfm_group", Error, NugetOrg, Some(34), "Two dependency groups for one framework",
        "merge the two <group> elements for this framework",
        Some("A nuget package may not contain multiple dependency groups with the same target framework."), D_DEPS }
    DEPENDENCY_DUPLICATE_ID = { "dependency.duplicate_id", Error, NugetOrg, Some(44), "Same dependency twice",
        "keep one <dependency> (PackageReference) for this id in the group",
        Some("The package manifest contains a duplicate dependency: {0} {1}"), D_DEPS }
    DEPENDENCY_ID_FORMAT = { "dependency.id_format", Error, NugetOrg, Some(45), "Dependency id is not valid",
        "check the id of the dependency",
        Some("The package manifest contains an invalid Dependency: '{0} {1}'"), D_DEPS }
    DEPENDENCY_FLOATING_RANGE = { "dependency.floating_range", Error, NugetOrg, Some(46), "Floating dependency version",
        "depend on an exact lower bound (1.2.3) rather than 1.*; floating versions are for projects, not packages",
        Some("The package manifest contains an invalid Dependency Version Range: '{0}'"), D_DEPS }
    DEPENDENCY_BOUND_METADATA = { "dependency.bound_metadata", Error, NugetOrg, Some(47), "Build metadata in a dependency version",
        "remove the +metadata part from the dependency version",
        Some("The package manifest contains an invalid Dependency Version: '{0}'"), D_DEPS }
    DEPENDENCY_BOUND_LEGACY_SEMVER1 = { "dependency.bound_legacy_semver1", Error, NugetOrg, Some(48), "Dependency version label must start with a letter",
        "use a dependency version whose release label starts with a letter", None, D_DEPS }

    // ---- Licence ---------------------------------------------------------
    LICENSE_NODE_TOO_LONG = { "license.node_too_long", Error, NugetOrg, Some(69), "<license> longer than 500 characters",
        "shorten the licence expression or file path", Some("The license node value must be shorter than 500 characters."), D_LICENSE }
    LICENSE_CHILD_NODES = { "license.child_nodes", Error, NugetOrg, Some(70), "<license> contains elements",
        "put only the expression or the file path inside <license>", Some("The license node cannot contain child nodes."), D_LICENSE }
    LICENSE_TYPE_UNSUPPORTED = { "license.type_unsupported", Error, NugetOrg, Some(71), "Unknown licence type",
        "use <PackageLicenseExpression> (type=\"expression\") or <PackageLicenseFile> (type=\"file\")",
        Some("Unsupported license type '{0}'."), D_LICENSE }
    LICENSE_VERSION_UNSUPPORTED = { "license.version_unsupported", Error, NugetOrg, Some(72), "Unknown licence version",
        "remove the version attribute of <license> (or set it to 1.0.0)",
        Some("Unsupported license version '{0}'. The only supported license version is 1.0.0."), D_LICENSE }
    LICENSE_MISSING = { "license.missing", Warning, NugetOrg, Some(73), "No licence",
        "add <PackageLicenseExpression>MIT</PackageLicenseExpression> (or <PackageLicenseFile>) to the csproj; nuspec <license type=\"expression\">",
        Some("License missing. See how to include a license within the package: https://aka.ms/nuget/authoring-best-practices#licensing."), D_LICENSE }
    LICENSE_DEPRECATION_URL_ALONE = { "license.deprecation_url_alone", Error, NugetOrg, Some(74), "Deprecation licence URL without a licence",
        "add <PackageLicenseExpression> or <PackageLicenseFile>; pack sets licenseUrl for you",
        Some("The license deprecation URL must be used in conjunction with specifying the license in the package."), D_LICENSE }
    LICENSE_URL_ONLY = { "license.url_only", Warning, NugetOrg, Some(75), "Licence given only as a URL",
        "replace <PackageLicenseUrl> with <PackageLicenseExpression> (or <PackageLicenseFile>); nuspec <license>",
        Some("The <licenseUrl> element is deprecated. Consider using the <license> element instead. Learn more: https://aka.ms/deprecateLicenseUrl."), D_LICENSE }
    LICENSE_METADATA_INVALID = { "license.metadata_invalid", Error, NugetOrg, Some(76), "Licence expression is not valid SPDX",
        "use SPDX ids and operators, e.g. MIT or Apache-2.0 OR MIT, in <PackageLicenseExpression>; for another licence ship it as a file (<PackageLicenseFile>)",
        Some("Invalid license metadata: {0}"), D_LICENSE }
    LICENSE_URL_MISMATCH_FILE = { "license.url_mismatch_file", Error, NugetOrg, Some(77), "licenseUrl must be the deprecation URL",
        "pack with dotnet pack or nuget pack (they write it), or set <licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>",
        Some("To provide a better experience for older clients when a license file is packaged, <licenseUrl> must be set to 'https://aka.ms/deprecateLicenseUrl'. https://aka.ms/invalidNuGetLicenseUrl"), D_LICENSE }
    LICENSE_URL_MISMATCH_EXPRESSION = { "license.url_mismatch_expression", Error, NugetOrg, Some(78), "licenseUrl must point at licenses.nuget.org",
        "pack with dotnet pack or nuget pack (they write it), or set <licenseUrl> to the licenses.nuget.org address shown",
        Some("To provide a better experience for older clients when a license expression is specified, <licenseUrl> must be set to '{0}'. https://aka.ms/invalidNuGetLicenseUrl"), D_LICENSE }
    LICENSE_URL_MALFORMED = { "license.url_malformed", Error, NugetOrg, Some(79), "Malformed licenses.nuget.org URL",
        "use <PackageLicenseExpression> instead of writing the licenses.nuget.org URL by hand", None, D_LICENSE }
    LICENSE_FILE_MISSING = { "license.file_missing", Error, NugetOrg, Some(80), "Licence file not in the package",
        "pack the file: <None Include=\"LICENSE.txt\" Pack=\"true\" PackagePath=\"\" /> with <PackageLicenseFile>LICENSE.txt</PackageLicenseFile>; the name is case-sensitive",
        Some("The license file '{0}' does not exist in the package."), D_LICENSE }
    LICENSE_FILE_EXTENSION = { "license.file_extension", Error, NugetOrg, Some(81), "Licence file with the wrong extension",
        "name the licence file LICENSE, LICENSE.txt or LICENSE.md (<PackageLicenseFile>)",
        Some("The license file has an invalid extension '{0}'. Extension must be either empty or one of the following: '.txt', '.md'."), D_LICENSE }
    LICENSE_FILE_TOO_LARGE = { "license.file_too_large", Error, NugetOrg, Some(82), "Licence file larger than 1 MB",
        "ship the licence text alone (under 1 MB)", Some("The license file cannot be larger than 1 MB."), D_LICENSE }
    LICENSE_FILE_NOT_TEXT = { "license.file_not_text", Error, NugetOrg, Some(83), "Licence file is not UTF-8 text",
        "save the licence file as plain UTF-8 text (not UTF-16, no control characters)",
        Some("The license file must be plain text using UTF-8 encoding."), D_LICENSE }
    LICENSE_EXPRESSION_NOT_APPROVED = { "license.expression_not_approved", Error, NugetOrg, Some(84), "Licence not OSI or FSF approved",
        "use an OSI-approved or FSF-libre licence in <PackageLicenseExpression>, or ship your licence as a file (<PackageLicenseFile>)",
        Some("License expression must only contain licenses that are approved by Open Source Initiative or Free Software Foundation. Unsupported licenses: {0}."), D_LICENSE }

    // ---- Icon ------------------------------------------------------------
    ICON_URL_DEPRECATED = { "icon.url_deprecated", Warning, NugetOrg, Some(85), "Icon given only as a URL",
        "pack the icon: <PackageIcon>icon.png</PackageIcon> with <None Include=\"icon.png\" Pack=\"true\" PackagePath=\"\" />; nuspec <icon>",
        Some("The <iconUrl> element is deprecated. Consider using the <icon> element instead. https://aka.ms/deprecateIconUrl"), D_ICON }
    ICON_CHILD_NODES = { "icon.child_nodes", Error, NugetOrg, Some(86), "<icon> contains elements", "put only the file path inside <icon>", None, D_ICON }
    ICON_FILE_MISSING = { "icon.file_missing", Error, NugetOrg, Some(87), "Icon file not in the package",
        "pack the file: <None Include=\"icon.png\" Pack=\"true\" PackagePath=\"\" /> with <PackageIcon>icon.png</PackageIcon>; the name is case-sensitive",
        Some("The icon file '{0}' does not exist in the package."), D_ICON }
    ICON_FILE_EXTENSION = { "icon.file_extension", Error, NugetOrg, Some(88), "Icon that is not .png or .jpg",
        "use a PNG or JPEG icon named .png, .jpg or .jpeg (<PackageIcon>)",
        Some("The icon file has an invalid extension '{0}'. Extension must be one of the following: '.jpg', '.jpeg', '.png'."), D_ICON }
    ICON_FILE_TOO_LARGE = { "icon.file_too_large", Error, NugetOrg, Some(89), "Icon larger than 1 MB",
        "use a smaller icon (128×128 PNG is plenty)", Some("The icon file cannot be larger than 1 MB."), D_ICON }
    ICON_FORMAT = { "icon.format", Error, NugetOrg, Some(90), "Icon is not a PNG or JPEG image",
        "save the icon as a real PNG or JPEG (renaming another format is not enough)",
        Some("Unsupported icon image format. Only PNG and JPG images are supported."), D_ICON }

    // ---- Readme ----------------------------------------------------------
    README_MISSING = { "readme.missing", Warning, NugetOrg, Some(92), "No readme",
        "add <PackageReadmeFile>README.md</PackageReadmeFile> and <None Include=\"README.md\" Pack=\"true\" PackagePath=\"\" />; nuspec <readme>",
        Some("Readme missing. Go to https://aka.ms/nuget-include-readme learn How to include a readme file within the package."), D_README }
    README_CHILD_NODES = { "readme.child_nodes", Error, NugetOrg, Some(93), "<readme> contains elements", "put only the file path inside <readme>", None, D_README }
    README_FILE_MISSING = { "readme.file_missing", Error, NugetOrg, Some(94), "Readme file not in the package",
        "pack the file: <None Include=\"README.md\" Pack=\"true\" PackagePath=\"\" /> with <PackageReadmeFile>README.md</PackageReadmeFile>; the name is case-sensitive",
        Some("The readme file '{0}' does not exist in the package."), D_README }
    README_FILE_EXTENSION = { "readme.file_extension", Error, NugetOrg, Some(95), "Readme that is not Markdown",
        "use a Markdown file ending in .md (<PackageReadmeFile>)",
        Some("The readme file has an invalid extension '{0}'. The extension must be: ''.md''."), D_README }
    README_EMPTY = { "readme.empty", Error, NugetOrg, Some(96), "Readme is empty",
        "write something in the readme, or remove <PackageReadmeFile>", Some("The readme file '{0}' cannot be empty."), D_README }
    README_FILE_TOO_LARGE = { "readme.file_too_large", Error, NugetOrg, Some(97), "Readme larger than 1 MB",
        "shorten the readme and link to the full documentation", Some("The readme file cannot be larger than 1 MB."), D_README }
    README_FILE_NOT_TEXT = { "readme.file_not_text", Error, NugetOrg, Some(98), "Readme is not UTF-8 text",
        "save the readme as plain UTF-8 text (not UTF-16, no control characters)",
        Some("The readme file must be plain text using UTF-8 encoding."), D_README }

    // ---- Repository, MCP -------------------------------------------------
    REPOSITORY_URL_SCHEME_GIT = { "repository.url_scheme_git", Warning, NugetOrg, Some(67), "Git repository URL is not https or git",
        "use an https:// address in <RepositoryUrl> (nuspec <repository url>)",
        Some("Repository URL scheme should be 'https' or 'git'. The provided URL will not be displayed."), D_REPO }
    REPOSITORY_URL_SCHEME_HTTPS = { "repository.url_scheme_https", Warning, NugetOrg, Some(68), "Repository URL is not https",
        "use an https:// address in <RepositoryUrl> (nuspec <repository url>)",
        Some("Repository URL scheme should be 'https'. The provided URL will not be displayed."), D_REPO }
    GITHUB_REPOSITORY_URL = { "github.repository_url", Error, Github, None, "Repository URL must name the target GitHub repository",
        "set <RepositoryUrl>https://github.com/OWNER/REPO</RepositoryUrl> (nuspec <repository type=\"git\" url=…>) to the repository you publish to",
        None, D_GITHUB }
    MCP_SERVER_JSON_MISSING = { "mcp.server_json_missing", Warning, NugetOrg, Some(100), "MCP server without .mcp/server.json",
        "pack .mcp/server.json: <None Include=\".mcp/server.json\" Pack=\"true\" PackagePath=\"/.mcp/\" />", None, D_MCP }
    MCP_SERVER_JSON_INVALID = { "mcp.server_json_invalid", Error, NugetOrg, Some(101), ".mcp/server.json is not valid",
        "make .mcp/server.json one JSON object of at most 20000 characters", None, D_MCP }
    MCP_REQUIRES_DOTNETTOOL = { "mcp.requires_dotnettool", Error, NugetOrg, Some(102), "McpServer without DotnetTool",
        "add <PackAsTool>true</PackAsTool> (package type DotnetTool) next to McpServer",
        Some("A package cannot contain the 'McpServer' package type without the 'DotnetTool' package type."), D_MCP }

    // ---- Signature -------------------------------------------------------
    SIGN_AUTHOR_SIGNATURE_ONLY = { "sign.author_signature_only", Error, NugetOrg, Some(108), "Not an author signature",
        "publish the .nupkg your build produced (unsigned or signed with dotnet nuget sign), not a copy downloaded from a feed",
        Some("Signed packages must only have an author signature. Other signature types are not supported."), D_SIGN }
    SIGN_COUNTERSIGNATURES = { "sign.countersignatures", Error, NugetOrg, Some(109), "Repository countersignature",
        "publish the .nupkg your build produced, not a copy downloaded from a feed: a feed added its countersignature to this one",
        Some("Author countersignatures and repository countersignatures are not supported."), D_SIGN }
    SIGN_UNREADABLE = { "sign.unreadable", Error, NugetOrg, Some(112), "Signature cannot be read",
        "sign the package again with dotnet nuget sign, or publish it unsigned", None, D_SIGN }
    SIGN_CERTIFICATE_EXPIRED = { "sign.certificate_expired", Error, NugetOrg, Some(113), "Signing certificate expired, no timestamp",
        "sign again with a valid certificate and a timestamp: dotnet nuget sign --timestamper http://timestamp.digicert.com", None, D_SIGN }
    SIGN_KEY_SIZE = { "sign.key_size", Error, NugetOrg, Some(113), "Signing certificate key is not RSA 2048 bits or more",
        "get a code-signing certificate with an RSA key of at least 2048 bits and sign again with dotnet nuget sign", None, D_SIGN }
    SIGN_CODE_SIGNING_EKU = { "sign.code_signing_eku", Error, NugetOrg, Some(113), "Signing certificate is not for code signing",
        "sign with a certificate issued for code signing (extended key usage 1.3.6.1.5.5.7.3.3); a TLS or e-mail certificate is not accepted", None, D_SIGN }
    SIGN_SELF_ISSUED = { "sign.self_issued", Error, NugetOrg, Some(113), "Self-issued signing certificate",
        "buy a code-signing certificate from a certificate authority trusted by Windows (DigiCert, Sectigo, GlobalSign…), or publish unsigned", None, D_SIGN }
    SIGN_UNKNOWN_ROOT = { "sign.unknown_root", Warning, NugetOrg, Some(113), "Certificate root not confirmed as trusted by Windows",
        "check that your certificate comes from a certificate authority in Windows' trusted root program; nuget.org rejects other roots after the upload", None, D_SIGN }
    SIGN_TIMESTAMP_MISSING = { "sign.timestamp_missing", Error, NugetOrg, Some(113), "Signature has no timestamp",
        "sign again with a timestamp: dotnet nuget sign --timestamper http://timestamp.digicert.com", None, D_SIGN }
    SIGN_TIMESTAMP_COUNT = { "sign.timestamp_count", Error, NugetOrg, Some(113), "Signature has more than one timestamp",
        "sign the package built by dotnet pack once, with one --timestamper", None, D_SIGN }
    SIGN_TIMESTAMP_INVALID = { "sign.timestamp_invalid", Error, NugetOrg, Some(113), "Timestamp is not a valid RFC 3161 timestamp",
        "sign again with an RFC 3161 time-stamping service: dotnet nuget sign --timestamper http://timestamp.digicert.com", None, D_SIGN }
    SIGN_TIMESTAMP_KEY_SIZE = { "sign.timestamp_key_size", Error, NugetOrg, Some(113), "Timestamp certificate key is not RSA 2048 bits or more",
        "use another time-stamping service (for example http://timestamp.digicert.com) and sign again", None, D_SIGN }
    SIGN_TIMESTAMPING_EKU = { "sign.timestamping_eku", Error, NugetOrg, Some(113), "Timestamp certificate is not for time stamping",
        "use a real RFC 3161 time-stamping service (for example http://timestamp.digicert.com) and sign again", None, D_SIGN }
    SIGN_NOT_VALID_AT_TIMESTAMP = { "sign.not_valid_at_timestamp", Error, NugetOrg, Some(113), "Signing certificate not valid when the package was signed",
        "sign again while the certificate is valid (check the computer's clock and the certificate's dates)", None, D_SIGN }
    SIGN_CERTIFICATE_REGISTRATION = { "sign.certificate_registration", Info, NugetOrg, Some(111), "Register the signing certificate on nuget.org",
        "on nuget.org open Account settings → Certificates → Register new, and upload the certificate's .cer file (the public part only)",
        Some("The package was signed, but the signing certificate (SHA-256 thumbprint {0}) is not associated with your account. You must register this certificate to publish signed packages."), D_SIGN }

    // ---- Symbol packages -------------------------------------------------
    SYMBOLS_PACKAGE_TYPE = { "symbols.package_type", Error, NugetOrg, Some(120), "Symbol package without the SymbolsPackage type",
        "build the .snupkg with <IncludeSymbols>true</IncludeSymbols> and <SymbolPackageFormat>snupkg</SymbolPackageFormat>",
        Some("The uploaded package is not a valid symbols package. The required 'SymbolsPackage' package type is missing."), D_SYMBOLS }
    SYMBOLS_FORBIDDEN_METADATA = { "symbols.forbidden_metadata", Error, NugetOrg, Some(122), "Symbol package with authors or owners",
        "let dotnet pack make the .snupkg (it leaves authors and owners out)",
        Some("Invalid metadata items specified in nuspec. Please remove '{0}' from the nuspec."), D_SYMBOLS }
    SYMBOLS_FILE_TYPES = { "symbols.file_types", Error, NugetOrg, Some(123), "Symbol package with files other than PDBs",
        "let dotnet pack make the .snupkg; it holds only .pdb files",
        Some("Invalid file found in the uploaded package. Symbols packages should only contain '.pdb' files."), D_SYMBOLS }
    SYMBOLS_NO_PDB = { "symbols.no_pdb", Error, NugetOrg, Some(124), "Symbol package without PDBs",
        "set <DebugType>portable</DebugType> so the build writes PDBs, then pack with <IncludeSymbols>true</IncludeSymbols>",
        Some("The package does not contain any symbol (.pdb) files."), D_SYMBOLS }
    SYMBOLS_PDB_NOT_PORTABLE = { "symbols.pdb_not_portable", Error, NugetOrg, Some(128), "Windows PDB in a symbol package",
        "set <DebugType>portable</DebugType> (nuget.org takes only portable PDBs) and pack again",
        Some("The uploaded symbols package contains one or more pdbs that are not portable."), D_SYMBOLS }
    SYMBOLS_PDB_WITHOUT_DLL = { "symbols.pdb_without_dll", Error, NugetOrg, Some(127), "PDB without its assembly",
        "pack the .nupkg and the .snupkg from the same build (one dotnet pack with <IncludeSymbols>true</IncludeSymbols>)",
        Some("The uploaded symbols package contains pdb(s) for a corresponding dll(s) not found in the nuget package."), D_SYMBOLS }
    SYMBOLS_CHECKSUM_MISMATCH = { "symbols.checksum_mismatch", Error, NugetOrg, Some(126), "PDB does not match its assembly",
        "pack the .nupkg and the .snupkg from the same build (one dotnet pack with <IncludeSymbols>true</IncludeSymbols>)",
        Some("The checksum does not match for the dll(s) and corresponding pdb(s)."), D_SYMBOLS }
    SYMBOLS_NOT_PAIRED = { "symbols.not_paired", Info, NugetOrg, None, "Package beside the symbol package not found",
        "keep the .nupkg beside the .snupkg (same folder, same name) so Nupub can check that the PDBs match its assemblies", None, D_SYMBOLS }

    // ---- NuGet pack warnings (NuGet's own codes) -------------------------
    PACK_NU5100 = { "pack.nu5100", Warning, Advisory, Some(131), "NU5100: assembly outside lib/",
        "move the assembly under lib/{tfm}/ (or build/, tools/, runtimes/) so projects reference it", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5100" }
    PACK_NU5101 = { "pack.nu5101", Warning, Advisory, Some(132), "NU5101: assembly directly in lib/",
        "put it in a framework folder such as lib/netstandard2.0/", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5101" }
    PACK_NU5103 = { "pack.nu5103", Warning, Advisory, Some(134), "NU5103: folder under lib/ is not a framework",
        "rename the folder to a target framework (net8.0, netstandard2.0…)", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5103" }
    PACK_NU5104 = { "pack.nu5104", Warning, Advisory, Some(135), "NU5104: stable package depends on a prerelease",
        "depend on a stable version, or give this package a prerelease version (1.0.0-beta)", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5104" }
    PACK_NU5123 = { "pack.nu5123", Warning, Advisory, Some(145), "NU5123: installed path longer than 200 characters",
        "shorten the file or folder names; long paths break installs on Windows", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5123" }
    PACK_NU5125 = { "pack.nu5125", Info, Advisory, Some(147), "NU5125: licenseUrl is deprecated",
        "use <PackageLicenseExpression> or <PackageLicenseFile> instead of <PackageLicenseUrl>", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5125" }
    PACK_NU5127 = { "pack.nu5127", Warning, Advisory, Some(148), "NU5127: build files for a framework but no lib/ or ref/",
        "add an empty lib/{tfm}/_._ for each framework so the package is not compatible with every framework", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5127" }
    PACK_NU5128 = { "pack.nu5128", Warning, Advisory, Some(149), "NU5128: dependency groups and lib/ref folders differ",
        "add a dependency group (even empty) for each lib/ref framework, and a lib/ref folder for each group", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5128" }
    PACK_NU5130 = { "pack.nu5130", Warning, Advisory, Some(150), "NU5130: dependency group only for a compatible framework",
        "add a dependency group (even empty) for exactly each lib/ref framework: <group targetFramework=\"net472\"> for lib/net472", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5130" }
    PACK_NU5129 = { "pack.nu5129", Warning, Advisory, Some(151), "NU5129: build file not named after the package",
        "name the file {id}.props / {id}.targets so MSBuild imports it", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5129" }
    PACK_NU5048 = { "pack.nu5048", Info, Advisory, Some(154), "NU5048: iconUrl is deprecated",
        "use <PackageIcon> with a packed image instead of <PackageIconUrl>", None,
        "https://learn.microsoft.com/nuget/reference/errors-and-warnings/nu5048" }

    // ---- Health of the assemblies ---------------------------------------
    HEALTH_UNREADABLE_ASSEMBLY = { "health.unreadable_assembly", Warning, Advisory, None, "Assembly cannot be read",
        "build the assembly again; a damaged DLL fails when it is loaded", None, D_MSBUILD }
    HEALTH_DETERMINISTIC = { "health.deterministic", Warning, Advisory, Some(162), "Assembly not deterministic",
        "build with <Deterministic>true</Deterministic> and, on CI, <ContinuousIntegrationBuild>true</ContinuousIntegrationBuild>", None, D_MSBUILD }
    HEALTH_SYMBOLS_MISSING = { "health.symbols_missing", Warning, Advisory, Some(161), "No symbols for the assembly",
        "ship symbols: <IncludeSymbols>true</IncludeSymbols> + <SymbolPackageFormat>snupkg</SymbolPackageFormat>, or <DebugType>embedded</DebugType>", None, D_SOURCELINK }
    HEALTH_PDB_MISMATCH = { "health.pdb_mismatch", Warning, Advisory, Some(161), "PDB does not match the assembly",
        "pack the PDB from the same build as the assembly", None, D_SOURCELINK }
    HEALTH_PDB_NOT_PORTABLE = { "health.pdb_not_portable", Warning, Advisory, Some(161), "Windows PDB",
        "set <DebugType>portable</DebugType> (or embedded); debuggers on other systems and nuget.org's symbol server need portable PDBs", None, D_SOURCELINK }
    HEALTH_SOURCE_LINK = { "health.source_link", Warning, Advisory, Some(161), "No Source Link",
        "build with the .NET 8 SDK or later (Source Link is on by default) or add Microsoft.SourceLink.GitHub, with <PublishRepositoryUrl>true</PublishRepositoryUrl>", None, D_SOURCELINK }
    HEALTH_COMPILER_FLAGS = { "health.compiler_flags", Warning, Advisory, Some(163), "Compiler flags not recorded",
        "build with the .NET SDK 5.0.300 (MSBuild 16.10) or later, which records them in the PDB", None, D_SOURCELINK }
    HEALTH_UNTRACKED_SOURCES = { "health.untracked_sources", Warning, Advisory, Some(161), "Sources neither in Source Link nor embedded",
        "add <EmbedUntrackedSources>true</EmbedUntrackedSources> so generated files (obj/) are embedded in the PDB", None, D_SOURCELINK }

    // ---- Feed facts ------------------------------------------------------
    VERSION_EXISTS = { "version.exists", Error, Feed, Some(56), "This version already exists",
        "raise <Version> (nuspec <version>): a published version can never be replaced",
        Some("A package with ID '{0}' and version '{1}' already exists and cannot be modified."), D_VERSION }
    ID_OWNERS = { "id.owners", Info, Feed, None, "The id already has owners",
        "only its owners can publish new versions; sign in as one of them or choose another <PackageId>", None, D_ID }
    ID_RESERVED_PREFIX = { "id.reserved_prefix", Error, FeedNugetOrg, Some(54), "Id inside someone else's reserved prefix",
        "choose a <PackageId> outside the reserved prefix, or ask its owner to add you",
        Some("This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID. Go to https://docs.microsoft.com/nuget/reference/id-prefix-reservation learn more about Package ID prefix reservation."), D_PREFIX }
    VERSION_BUMP_TOO_SMALL = { "version.bump_too_small", Warning, Feed, None, "Version bump smaller than the changes need",
        "raise <Version> (nuspec <version>) to the suggested version: SemVer needs a major bump for breaking changes and a minor one for additions", None, D_VERSION }
    SIGN_SIGNED_TO_UNSIGNED = { "sign.signed_to_unsigned", Warning, Feed, Some(66), "Previous version was signed, this one is not",
        "sign this version too: dotnet nuget sign with your registered certificate",
        Some("The previous package version '{0}' is author signed but the uploaded package is unsigned. To avoid this warning, sign the package before uploading."), D_SIGN }
}

/// `docs/rules.md`: the table of codes, generated from the catalogue.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Nupub validation rules\n\n\
         Generated from `crates/rules/src/catalogue.rs` by `cargo test -p nupub-rules` \
         (run it with `NUPUB_BLESS=1` after changing the catalogue). Do not edit by hand.\n\n\
         Severity is the one for nuget.org. Scope says where else a rule applies: \
         `integrity` every target including local folders; `protocol` and `advisory` every feed but local folders; \
         `nugetOrg` only nuget.org (other feeds show it as info); `github` only GitHub Packages; \
         `feed`/`feedNugetOrg` need facts from the feed. \"Spec\" is the rule number in \
         `shared/spec/nuget-org-validation-rules.md`.\n\n\
         | Code | Severity | Scope | Spec | Title | nuget.org says |\n|---|---|---|---|---|---|\n",
    );
    for rule in CATALOGUE {
        let scope = serde_json::to_value(rule.scope)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            rule.code,
            rule.severity.as_str(),
            scope,
            rule.spec.map(|n| n.to_string()).unwrap_or_default(),
            rule.title.replace('|', "\\|"),
            rule.server
                .map(|s| format!("`{}`", s.replace('|', "\\|")))
                .unwrap_or_default(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in CATALOGUE {
            assert!(nupub_error::is_valid_code(rule.code), "{}", rule.code);
            assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
            assert!(
                !rule.title.is_empty() && !rule.hint.is_empty(),
                "{}",
                rule.code
            );
        }
        assert!(CATALOGUE.len() > 100, "{}", CATALOGUE.len());
    }

    #[test]
    fn server_templates_fill() {
        assert_eq!(
            LICENSE_FILE_MISSING.fill(&["LICENSE.txt"]).unwrap(),
            "The license file 'LICENSE.txt' does not exist in the package."
        );
        assert_eq!(
            META_LENGTH_TITLE.fill(&["Title", "256"]).unwrap(),
            "A nuget package's Title property may not be more than 256 characters long."
        );
        // A template with placeholders is not copied unfilled.
        assert_eq!(LICENSE_FILE_MISSING.finding("x").server_message, None);
    }

    /// `docs/rules.md` is the catalogue as a table. Set `NUPUB_BLESS=1` to rewrite it.
    #[test]
    fn docs_table_is_in_sync_with_the_catalogue() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let wanted = markdown();
        if std::env::var_os("NUPUB_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &wanted).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == wanted,
            "{} is stale: run NUPUB_BLESS=1 cargo test -p nupub-rules",
            path.display()
        );
        for rule in CATALOGUE {
            assert!(actual.contains(&format!("`{}`", rule.code)));
        }
    }
}

//! Target framework monikers, read exactly as NuGet.Frameworks reads them:
//! folder names (`net8.0-windows10.0.19041`, `portable-net45+win8`, `net40-client`,
//! `45`), full names (`.NETFramework,Version=v4.5,Profile=Client`) and the
//! legacy long forms NuGet writes into nuspecs (`.NETPortable0.0-Profile259`).
//! The grammar, tables and printing rules are in `shared/spec/frameworks.md`
//! (NuGet's `NuGetFrameworkFactory`, `FrameworkNameProvider`,
//! `DefaultFrameworkMappings`, `DefaultPortableFrameworkMappings`), and a test
//! compares this parser with NuGet.exe's own on every family
//! (`crates/package/tests/framework_oracle.rs`).
//!
//! Written here because no Rust crate models NuGet's framework names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A parsed framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Framework {
    /// The text it was parsed from.
    pub original: String,
    /// The identifier (`.NETFramework`, `.NETCoreApp`, `.NETPortable`, …),
    /// `Any`, `Agnostic` or `Unsupported`; an unknown identifier written as a
    /// full name (`Foo,Version=v1.0`) is kept as written, as NuGet keeps it.
    pub identifier: String,
    /// Dotted version as NuGet prints it in full names (`4.5`, `10.0.19041`); empty for Any/Agnostic/Unsupported.
    pub version: String,
    /// Profile (`Client`, `CompactFramework`, a PCL's `Profile259`); empty when none.
    pub profile: String,
    /// OS platform of net5.0+ TFMs (`windows`), empty when none.
    pub platform: String,
    pub platform_version: String,
    /// NuGet's short folder name (`net45`, `netstandard2.0`, `net8.0-windows10.0.19041`).
    pub short_name: String,
    /// A friendly name (`.NET Framework 4.5`, `.NET 8.0 (Windows 10.0.19041)`).
    pub display_name: String,
    /// NuGet reads it as `Unsupported`.
    pub is_unsupported: bool,
}

/// A .NET `System.Version` normalised to four parts (missing parts are 0).
type Ver = [u32; 4];

const ZERO: Ver = [0, 0, 0, 0];

struct Known {
    short: &'static str,
    long: &'static str,
    display: &'static str,
}

const fn k(short: &'static str, long: &'static str, display: &'static str) -> Known {
    Known {
        short,
        long,
        display,
    }
}

/// Identifiers and short names ([DFM] `IdentifierShortNames`).
const KNOWN: &[Known] = &[
    k("net", ".NETFramework", ".NET Framework"),
    k("netcoreapp", ".NETCoreApp", ".NET Core"),
    k("netstandard", ".NETStandard", ".NET Standard"),
    k("netstandardapp", ".NETStandardApp", ".NET Standard App"),
    k("dotnet", ".NETPlatform", ".NET Platform"),
    k("netcore", ".NETCore", ".NET Core (Windows Store)"),
    k("winrt", "WinRT", "Windows Runtime"),
    k("netmf", ".NETMicroFramework", ".NET Micro Framework"),
    k("portable", ".NETPortable", "Portable Class Library"),
    k("wp", "WindowsPhone", "Windows Phone"),
    k("win", "Windows", "Windows Store"),
    k("wpa", "WindowsPhoneApp", "Windows Phone App"),
    k("dnx", "DNX", "DNX"),
    k("dnxcore", "DNXCore", "DNX Core"),
    k("aspnet", "ASP.NET", "ASP.NET"),
    k("aspnetcore", "ASP.NETCore", "ASP.NET Core"),
    k("sl", "Silverlight", "Silverlight"),
    k("native", "native", "native (C++)"),
    k("monoandroid", "MonoAndroid", "Xamarin.Android"),
    k("monotouch", "MonoTouch", "Xamarin.iOS (classic)"),
    k("monomac", "MonoMac", "MonoMac"),
    k("xamarinios", "Xamarin.iOS", "Xamarin.iOS"),
    k("xamarinmac", "Xamarin.Mac", "Xamarin.Mac"),
    k(
        "xamarinpsthree",
        "Xamarin.PlayStation3",
        "Xamarin PlayStation 3",
    ),
    k(
        "xamarinpsfour",
        "Xamarin.PlayStation4",
        "Xamarin PlayStation 4",
    ),
    k(
        "xamarinpsvita",
        "Xamarin.PlayStationVita",
        "Xamarin PS Vita",
    ),
    k("xamarinwatchos", "Xamarin.WatchOS", "Xamarin.watchOS"),
    k("xamarintvos", "Xamarin.TVOS", "Xamarin.tvOS"),
    k(
        "xamarinxboxthreesixty",
        "Xamarin.Xbox360",
        "Xamarin Xbox 360",
    ),
    k("xamarinxboxone", "Xamarin.XboxOne", "Xamarin Xbox One"),
    k("uap", "UAP", "Universal Windows Platform"),
    k("tizen", "Tizen", "Tizen"),
    k("netnano", ".NETnanoFramework", ".NET nanoFramework"),
];

/// Extra spellings NuGet accepts for an identifier ([DFM] `IdentifierSynonyms`).
const SYNONYMS: &[(&str, &str)] = &[
    ("NETFramework", ".NETFramework"),
    (".NET", ".NETFramework"),
    ("NETCore", ".NETCore"),
    ("NETPortable", ".NETPortable"),
    ("asp.net", "ASP.NET"),
    ("asp.netcore", "ASP.NETCore"),
    ("Xamarin.PlayStationThree", "Xamarin.PlayStation3"),
    ("XamarinPlayStationThree", "Xamarin.PlayStation3"),
    ("Xamarin.PlayStationFour", "Xamarin.PlayStation4"),
    ("XamarinPlayStationFour", "Xamarin.PlayStation4"),
    ("XamarinPlayStationVita", "Xamarin.PlayStationVita"),
];

/// Profile short names and their long forms ([DFM] `ProfileShortNames`).
const PROFILES: &[(&str, &str)] = &[
    ("Client", "Client"),
    ("Full", ""),
    ("CF", "CompactFramework"),
    ("WP", "WindowsPhone"),
    ("WP71", "WindowsPhone71"),
];

const NET: &str = ".NETFramework";
const NETCOREAPP: &str = ".NETCoreApp";
const PORTABLE: &str = ".NETPortable";
const PLATFORM: &str = ".NETPlatform";

/// `TryGetIdentifier`: a short name, synonym or long name (any case) → the canonical identifier.
fn known_identifier(name: &str) -> Option<&'static Known> {
    if let Some(found) = KNOWN
        .iter()
        .find(|k| k.short.eq_ignore_ascii_case(name) || k.long.eq_ignore_ascii_case(name))
    {
        return Some(found);
    }
    let long = SYNONYMS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(name))
        .map(|(_, l)| *l)?;
    KNOWN.iter().find(|k| k.long == long)
}

fn known_by_long(identifier: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|k| k.long.eq_ignore_ascii_case(identifier))
}

/// `TryGetProfile`: a short (`cf`) or long (`CompactFramework`) profile name → the long form.
fn long_profile(profile: &str) -> Option<&'static str> {
    PROFILES
        .iter()
        .find(|(s, l)| s.eq_ignore_ascii_case(profile) || l.eq_ignore_ascii_case(profile))
        .map(|(_, l)| *l)
}

/// `TryGetShortProfile`: the short form of a long profile.
fn short_profile(profile: &str) -> Option<&'static str> {
    PROFILES
        .iter()
        .find(|(s, l)| l.eq_ignore_ascii_case(profile) || s.eq_ignore_ascii_case(profile))
        .map(|(s, _)| *s)
}

/// `System.Version.TryParse`: two to four dot-separated non-negative 32-bit numbers.
fn dotnet_version(text: &str) -> Option<Ver> {
    let parts: Vec<&str> = text.split('.').collect();
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let mut v = ZERO;
    for (slot, part) in v.iter_mut().zip(&parts) {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = part.parse().ok()?;
        if n > i32::MAX as u32 {
            return None;
        }
        *slot = n;
    }
    Some(v)
}

/// `TryGetVersion` of a folder name: dotted as .NET parses it; undotted
/// (`451`) one digit per part, at most four, padded to two (`5` → 5.0).
fn folder_version(text: &str) -> Option<Ver> {
    if text.contains('.') {
        return dotnet_version(text);
    }
    let mut digits: Vec<char> = text.chars().take(4).collect();
    if digits.len() < 2 {
        digits.push('0');
    }
    let dotted: Vec<String> = digits.iter().map(char::to_string).collect();
    dotnet_version(&dotted.join("."))
}

/// `TryGetPlatformVersion`: `10` → 10.0, `10.0.19041` as written.
fn platform_version(text: &str) -> Option<Ver> {
    if text.contains('.') {
        dotnet_version(text)
    } else {
        dotnet_version(&format!("{text}.0"))
    }
}

fn is_letter_or_dot(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '.'
}

/// NuGet's `GetDisplayVersion`: `major.minor[.build[.revision]]`.
fn display_version(v: &Ver) -> String {
    let mut s = format!("{}.{}", v[0], v[1]);
    if v[2] > 0 || v[3] > 0 {
        s.push_str(&format!(".{}", v[2]));
        if v[3] > 0 {
            s.push_str(&format!(".{}", v[3]));
        }
    }
    s
}

/// NuGet's `GetVersionString` for short folder names.
fn short_version(identifier: &str, v: &Ver) -> String {
    if *v == ZERO {
        return String::new();
    }
    let single = ["Windows", "WindowsPhone", "Silverlight"]
        .iter()
        .any(|i| i.eq_ignore_ascii_case(identifier));
    let min = if single { 1 } else { 2 };
    let mut parts: Vec<u32> = v.to_vec();
    while parts.len() > min && parts.last() == Some(&0) {
        parts.pop();
    }
    let always_dotted = [
        PLATFORM,
        ".NETStandard",
        ".NETStandardApp",
        NETCOREAPP,
        ".NETnanoFramework",
    ]
    .iter()
    .any(|i| i.eq_ignore_ascii_case(identifier));
    if always_dotted || parts.iter().any(|p| *p > 9) {
        if parts.len() < 2 {
            parts.push(0);
        }
        parts
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    } else {
        parts.iter().map(u32::to_string).collect()
    }
}

/// A member of a portable profile, for matching profile numbers.
#[derive(Clone, Copy)]
struct Member {
    id: &'static str,
    v: Ver,
    profile: &'static str,
}

const fn m(id: &'static str, major: u32, minor: u32, build: u32) -> Member {
    Member {
        id,
        v: [major, minor, build, 0],
        profile: "",
    }
}

const NET4: Member = m(NET, 4, 0, 0);
const NET403: Member = m(NET, 4, 0, 3);
const NET45: Member = m(NET, 4, 5, 0);
const NET451: Member = m(NET, 4, 5, 1);
const WIN8: Member = m("Windows", 8, 0, 0);
const WIN81: Member = m("Windows", 8, 1, 0);
const SL4: Member = m("Silverlight", 4, 0, 0);
const SL5: Member = m("Silverlight", 5, 0, 0);
const WP7: Member = m("WindowsPhone", 7, 0, 0);
const WP75: Member = m("WindowsPhone", 7, 5, 0);
const WP8: Member = m("WindowsPhone", 8, 0, 0);
const WP81: Member = m("WindowsPhone", 8, 1, 0);
const WPA81: Member = m("WindowsPhoneApp", 8, 1, 0);

/// [DPM] `ProfileFrameworks`, in NuGet's order (the first match wins).
const PCL_PROFILES: &[(u32, &[Member])] = &[
    (2, &[NET4, WIN8, SL4, WP7]),
    (3, &[NET4, SL4]),
    (4, &[NET45, SL4, WIN8, WP7]),
    (5, &[NET4, WIN8]),
    (6, &[NET403, WIN8]),
    (7, &[NET45, WIN8]),
    (14, &[NET4, SL5]),
    (18, &[NET403, SL4]),
    (19, &[NET403, SL5]),
    (23, &[NET45, SL4]),
    (24, &[NET45, SL5]),
    (31, &[WIN81, WP81]),
    (32, &[WIN81, WPA81]),
    (36, &[NET4, SL4, WIN8, WP8]),
    (37, &[NET4, SL5, WIN8]),
    (41, &[NET403, SL4, WIN8]),
    (42, &[NET403, SL5, WIN8]),
    (44, &[NET451, WIN81]),
    (46, &[NET45, SL4, WIN8]),
    (47, &[NET45, SL5, WIN8]),
    (49, &[NET45, WP8]),
    (78, &[NET45, WIN8, WP8]),
    (84, &[WP81, WPA81]),
    (88, &[NET4, SL4, WIN8, WP75]),
    (92, &[NET4, WIN8, WPA81]),
    (95, &[NET403, SL4, WIN8, WP7]),
    (96, &[NET403, SL4, WIN8, WP75]),
    (102, &[NET403, WIN8, WPA81]),
    (104, &[NET45, SL4, WIN8, WP75]),
    (111, &[NET45, WIN8, WPA81]),
    (136, &[NET4, SL5, WIN8, WP8]),
    (143, &[NET403, SL4, WIN8, WP8]),
    (147, &[NET403, SL5, WIN8, WP8]),
    (151, &[NET451, WIN81, WPA81]),
    (154, &[NET45, SL4, WIN8, WP8]),
    (157, &[WIN81, WP81, WPA81]),
    (158, &[NET45, SL5, WIN8, WP8]),
    (225, &[NET4, SL5, WIN8, WPA81]),
    (240, &[NET403, SL5, WIN8, WPA81]),
    (255, &[NET45, SL5, WIN8, WPA81]),
    (259, &[NET45, WIN8, WPA81, WP8]),
    (328, &[NET4, SL5, WIN8, WPA81, WP8]),
    (336, &[NET403, SL5, WIN8, WPA81, WP8]),
    (344, &[NET45, SL5, WIN8, WPA81, WP8]),
];

/// Profiles whose Xamarin members are optional ([DPM] `ProfilesWithOptionalFrameworks`).
const WITH_OPTIONAL: &[u32] = &[
    5, 6, 7, 14, 19, 24, 37, 42, 44, 47, 49, 78, 92, 102, 111, 136, 147, 151, 158, 225, 255, 259,
    328, 336, 344,
];
const OPTIONAL_IDS: &[&str] = &[
    "MonoAndroid",
    "MonoTouch",
    "Xamarin.iOS",
    "Xamarin.Mac",
    "Xamarin.WatchOS",
    "Xamarin.TVOS",
];

/// Equivalent frameworks ([DFM] `EquivalentFrameworks`), as classes.
const EQUIVALENT: &[&[Member]] = &[
    &[m("UAP", 0, 0, 0), m("UAP", 10, 0, 0)],
    &[
        m("Windows", 0, 0, 0),
        WIN8,
        m(".NETCore", 4, 5, 0),
        m("WinRT", 4, 5, 0),
        m(".NETCore", 0, 0, 0),
        m("WinRT", 0, 0, 0),
    ],
    &[WIN81, m(".NETCore", 4, 5, 1)],
    &[
        m("WindowsPhone", 0, 0, 0),
        WP7,
        Member {
            id: "Silverlight",
            v: [3, 0, 0, 0],
            profile: "WindowsPhone",
        },
    ],
    &[
        m("WindowsPhone", 7, 1, 0),
        Member {
            id: "Silverlight",
            v: [4, 0, 0, 0],
            profile: "WindowsPhone71",
        },
    ],
    &[
        WP8,
        Member {
            id: "Silverlight",
            v: [8, 0, 0, 0],
            profile: "WindowsPhone",
        },
    ],
    &[
        WP81,
        Member {
            id: "Silverlight",
            v: [8, 1, 0, 0],
            profile: "WindowsPhone",
        },
    ],
    &[m("WindowsPhoneApp", 0, 0, 0), WPA81],
    &[m("Tizen", 0, 0, 0), m("Tizen", 3, 0, 0)],
    &[
        m("DNX", 0, 0, 0),
        m("DNX", 4, 5, 0),
        m("ASP.NET", 5, 0, 0),
        m("ASP.NET", 0, 0, 0),
    ],
    &[
        m("DNXCore", 0, 0, 0),
        m("DNXCore", 5, 0, 0),
        m("ASP.NETCore", 5, 0, 0),
        m("ASP.NETCore", 0, 0, 0),
    ],
    &[m(PLATFORM, 0, 0, 0), m(PLATFORM, 5, 0, 0)],
];

/// A key under which equivalent frameworks compare equal.
fn class_key(id: &str, v: &Ver, profile: &str) -> String {
    for (i, class) in EQUIVALENT.iter().enumerate() {
        if class.iter().any(|m| {
            m.id.eq_ignore_ascii_case(id) && m.v == *v && m.profile.eq_ignore_ascii_case(profile)
        }) {
            return format!("#{i}");
        }
    }
    format!(
        "{}|{}|{}",
        id.to_ascii_lowercase(),
        display_version(v),
        profile.to_ascii_lowercase()
    )
}

/// `TryGetPortableProfile`: the profile number a list of frameworks makes, if any.
fn portable_profile_number(members: &[Framework]) -> Option<u32> {
    let mut keys: Vec<(String, &Framework)> = Vec::new();
    for f in members {
        let key = class_key(&f.identifier, &f.ver(), &f.profile);
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, f));
        }
    }
    for (number, required) in PCL_PROFILES {
        if required.len() > keys.len() {
            continue;
        }
        let optional = WITH_OPTIONAL.contains(number);
        let reduced: Vec<&String> = keys
            .iter()
            .filter(|(_, f)| {
                !(optional
                    && f.profile.is_empty()
                    && OPTIONAL_IDS
                        .iter()
                        .any(|o| o.eq_ignore_ascii_case(&f.identifier)))
            })
            .map(|(k, _)| k)
            .collect();
        let wanted: Vec<String> = required
            .iter()
            .map(|m| class_key(m.id, &m.v, m.profile))
            .collect();
        if reduced.len() == wanted.len() && wanted.iter().all(|w| reduced.contains(&w)) {
            return Some(*number);
        }
    }
    None
}

fn profile_members(number: u32) -> Option<&'static [Member]> {
    PCL_PROFILES
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, list)| *list)
}

/// `Uri.UnescapeDataString`: `%XX` sequences decoded (as UTF-8); anything else kept.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

impl Framework {
    /// Parses a folder name or a full name as `NuGetFramework.Parse` does
    /// (no trimming; a comma makes it a full name). Never fails: names NuGet
    /// would not recognise, or would refuse with an exception, come back with
    /// `is_unsupported`.
    pub fn parse(text: &str) -> Framework {
        let parsed = if text.contains(',') {
            parse_full_name(text)
        } else {
            parse_folder(text)
        };
        parsed.unwrap_or(Raw::unsupported()).finish(text)
    }

    /// A nuspec `targetFramework` attribute of a dependency or reference group:
    /// missing or empty is `Any`, anything else as [`Framework::parse`].
    pub fn parse_group_attribute(value: Option<&str>) -> Framework {
        match value {
            None | Some("") => Raw::special("Any").finish(value.unwrap_or("")),
            Some(text) => Framework::parse(text),
        }
    }

    /// A `frameworkAssembly/@targetFramework` attribute: split on commas, each
    /// part trimmed and parsed; empty is `Any` (NuGet's `GetFrameworkAssemblyGroups`).
    pub fn parse_framework_assembly_attribute(value: Option<&str>) -> Vec<Framework> {
        let parts: Vec<&str> = value
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return vec![Framework::parse_group_attribute(None)];
        }
        parts.into_iter().map(Framework::parse).collect()
    }

    /// A framework NuGet understands (not `Unsupported`).
    pub fn is_known(&self) -> bool {
        !self.is_unsupported
    }

    /// `Any` (what an empty or missing `targetFramework` means).
    pub fn is_any(&self) -> bool {
        self.identifier == "Any"
    }

    /// The identifier is one of NuGet's own (not kept verbatim from a full name).
    pub fn has_known_identifier(&self) -> bool {
        known_by_long(&self.identifier).is_some()
            || matches!(self.identifier.as_str(), "Any" | "Agnostic" | "Unsupported")
    }

    fn ver(&self) -> Ver {
        if self.version.is_empty() {
            return ZERO;
        }
        dotnet_version(&self.version).unwrap_or(ZERO)
    }

    fn is_specific(&self) -> bool {
        !matches!(self.identifier.as_str(), "Any" | "Agnostic" | "Unsupported")
    }

    /// NuGet's `DotNetFrameworkName` (`.NETFramework,Version=v4.5,Profile=Client`;
    /// `Any,Version=v0.0` for the special frameworks).
    pub fn dotnet_framework_name(&self) -> String {
        if !self.is_specific() {
            return format!("{},Version=v0.0", self.identifier);
        }
        let mut v = self.ver();
        // [DFM] FullNameReplacements: dotnet (0.0) prints as v5.0.
        if self.identifier == PLATFORM && v == ZERO {
            v = [5, 0, 0, 0];
        }
        let mut s = format!("{},Version=v{}", self.identifier, display_version(&v));
        if !self.profile.is_empty() {
            s.push_str(&format!(",Profile={}", self.profile));
        }
        s
    }

    /// NuGet's `GetFrameworkString`, what `nuget pack` writes into a nuspec's
    /// `targetFramework`: the short name for net5.0 and later, otherwise
    /// identifier + version (+ `-profile`), e.g. `.NETFramework4.0-Client`.
    pub fn framework_string(&self) -> String {
        if self.is_net5_era() {
            return self.short_name.clone();
        }
        let full = self.dotnet_framework_name();
        let mut parts = full.splitn(3, ',');
        let id = parts.next().unwrap_or("");
        let version = parts
            .next()
            .and_then(|p| p.strip_prefix("Version=v"))
            .unwrap_or("0.0");
        match parts.next().and_then(|p| p.strip_prefix("Profile=")) {
            Some(profile) => format!("{id}{version}-{profile}"),
            None => format!("{id}{version}"),
        }
    }

    /// `.NETCoreApp` 5.0 or later (printed `net5.0`…).
    pub fn is_net5_era(&self) -> bool {
        self.identifier.eq_ignore_ascii_case(NETCOREAPP) && self.ver()[0] >= 5
    }
}

/// A framework before its printed forms are computed.
struct Raw {
    identifier: String,
    version: Ver,
    profile: String,
    platform: String,
    platform_version: Ver,
}

impl Raw {
    fn special(identifier: &str) -> Raw {
        Raw {
            identifier: identifier.into(),
            version: ZERO,
            profile: String::new(),
            platform: String::new(),
            platform_version: ZERO,
        }
    }

    fn unsupported() -> Raw {
        Raw::special("Unsupported")
    }

    fn new(identifier: &str, version: Ver, profile: &str) -> Raw {
        Raw {
            identifier: identifier.into(),
            version,
            profile: profile.into(),
            platform: String::new(),
            platform_version: ZERO,
        }
    }

    fn finish(self, original: &str) -> Framework {
        let specific = !matches!(self.identifier.as_str(), "Any" | "Agnostic" | "Unsupported");
        if !specific {
            let (short, display) = match self.identifier.as_str() {
                "Any" => ("any", "any framework".to_string()),
                "Agnostic" => ("agnostic", "framework-agnostic".to_string()),
                _ => ("unsupported", format!("unsupported framework ({original})")),
            };
            return Framework {
                original: original.into(),
                identifier: self.identifier,
                version: String::new(),
                profile: String::new(),
                platform: String::new(),
                platform_version: String::new(),
                short_name: short.into(),
                display_name: display,
                is_unsupported: short == "unsupported",
            };
        }
        let net5 = self.identifier.eq_ignore_ascii_case(NETCOREAPP) && self.version[0] >= 5;
        let (profile, platform, platform_version) = if net5 {
            (String::new(), self.platform, self.platform_version)
        } else {
            (self.profile, String::new(), ZERO)
        };
        let known = known_by_long(&self.identifier);
        let short = short_name(
            known,
            &self.identifier,
            &self.version,
            &profile,
            &platform,
            &platform_version,
            net5,
        );
        let platform_version_text = if platform_version == ZERO {
            String::new()
        } else {
            display_version(&platform_version)
        };
        let version_text = display_version(&self.version);
        let base = if net5 {
            ".NET"
        } else {
            known.map_or(self.identifier.as_str(), |k| k.display)
        };
        let mut display = if self.version == ZERO {
            base.to_string()
        } else {
            format!("{base} {version_text}")
        };
        if self.identifier == PORTABLE {
            display = format!("Portable Class Library ({})", portable_display(&profile));
        } else if !profile.is_empty() {
            display.push_str(&format!(" ({profile} profile)"));
        }
        if !platform.is_empty() {
            let mut p = platform.clone();
            if let Some(first) = p.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            if platform_version_text.is_empty() {
                display.push_str(&format!(" ({p})"));
            } else {
                display.push_str(&format!(" ({p} {platform_version_text})"));
            }
        }
        Framework {
            original: original.into(),
            identifier: self.identifier,
            version: version_text,
            profile,
            platform,
            platform_version: platform_version_text,
            short_name: short,
            display_name: display,
            is_unsupported: false,
        }
    }
}

fn portable_display(profile: &str) -> String {
    let number = profile
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("profile"))
        .and_then(|_| profile.get(7..))
        .and_then(|n| n.parse::<u32>().ok());
    let members: Vec<String> = match number.and_then(profile_members) {
        Some(list) => list
            .iter()
            .map(|m| Raw::new(m.id, m.v, m.profile).finish("").display_name)
            .collect(),
        None if number.is_some() => return profile.to_string(),
        None => profile
            .split('+')
            .filter(|p| !p.is_empty())
            .map(|p| Framework::parse(p).display_name)
            .collect(),
    };
    match number {
        Some(n) => format!("Profile{n}: {}", members.join(", ")),
        None => members.join(", "),
    }
}

/// `GetShortFolderName`.
fn short_name(
    known: Option<&Known>,
    identifier: &str,
    version: &Ver,
    profile: &str,
    platform: &str,
    platform_version: &Ver,
    net5: bool,
) -> String {
    let mut s = if net5 {
        "net".to_string()
    } else {
        match known {
            Some(k) => k.short.to_string(),
            None => identifier.chars().filter(|c| c.is_alphanumeric()).collect(),
        }
    };
    // [DFM] ShortNameReplacements: dotnet5.0 prints as `dotnet`.
    let platform_dotnet50 = identifier == PLATFORM && *version == [5, 0, 0, 0];
    if !platform_dotnet50 {
        s.push_str(&short_version(identifier, version));
    }
    if net5 {
        if !platform.is_empty() {
            s.push('-');
            s.push_str(platform);
            if *platform_version != ZERO {
                s.push_str(&short_version(NETCOREAPP, platform_version));
            }
        }
    } else if identifier == PORTABLE && version[0] < 5 {
        s.push('-');
        s.push_str(&portable_short_list(profile));
    } else if !profile.is_empty() {
        s.push('-');
        s.push_str(short_profile(profile).unwrap_or(profile));
    }
    s.to_lowercase()
}

/// The `+`-joined, sorted short names of a PCL profile's required frameworks.
fn portable_short_list(profile: &str) -> String {
    let number = profile
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("profile"))
        .and_then(|_| profile.get(7..))
        .and_then(|n| n.parse::<u32>().ok());
    let mut names: Vec<String> = match number {
        Some(n) => match profile_members(n) {
            Some(list) => list
                .iter()
                .map(|m| Raw::new(m.id, m.v, m.profile).finish("").short_name)
                .collect(),
            // NuGet cannot print an unknown profile number; show it as written.
            None => return profile.to_string(),
        },
        None => profile
            .split('+')
            .filter(|p| !p.is_empty())
            .map(|p| Framework::parse(p).short_name)
            .collect(),
    };
    names.sort_by_key(|n| n.to_lowercase());
    names.join("+")
}

/// `ParseFrameworkName`: `Identifier,Version=vX[,Profile=P]`.
fn parse_full_name(text: &str) -> Option<Raw> {
    let parts: Vec<&str> = text
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::trim)
        .collect();
    let first = *parts.first()?;
    if let Some(special) = special(first) {
        return Some(special);
    }
    let identifier = known_identifier(first).map_or(first, |k| k.long);
    if identifier.is_empty() {
        return None;
    }
    let single = |prefix: &str| -> Option<&str> {
        let found: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| {
                p.get(..prefix.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
            })
            .collect();
        (found.len() == 1).then(|| found[0])
    };
    let mut version = ZERO;
    if let Some(part) = single("Version=").filter(|p| !p.is_empty()) {
        let value = part.split('=').nth(1).unwrap_or("");
        let mut value = value.trim_start_matches('v').to_string();
        if !value.contains('.') {
            value.push_str(".0");
        }
        // NuGet throws "Invalid framework version": the package cannot be read.
        version = dotnet_version(&value)?;
    }
    let profile = single("Profile=")
        .map(|p| p.split('=').nth(1).unwrap_or(""))
        .unwrap_or("");
    if identifier.eq_ignore_ascii_case(PORTABLE) && (profile.contains('-') || profile.is_empty()) {
        // NuGet throws: frameworks within a portable profile may not have profiles.
        // A portable library with no frameworks at all is `portable` alone: Unsupported
        // (found by the framework fuzz target: `portable,x` had the short name `portable-`).
        return None;
    }
    Some(Raw::new(identifier, version, profile))
}

fn special(text: &str) -> Option<Raw> {
    ["Any", "Agnostic", "Unsupported"]
        .iter()
        .find(|s| s.eq_ignore_ascii_case(text))
        .map(|s| Raw::special(s))
}

/// `ParseFolder`: `net45`, `net40-client`, `portable-net45+win8`, `net8.0-windows10.0`, `45`.
fn parse_folder(text: &str) -> Option<Raw> {
    let unescaped;
    let text = if text.contains('%') {
        unescaped = unescape(text);
        unescaped.as_str()
    } else {
        text
    };
    if let Some(special) = special(text) {
        return Some(special);
    }
    // The common-framework fast path differs from the grammar only for `dotnet` (5.0, not 0.0).
    if text.eq_ignore_ascii_case("dotnet") {
        return Some(Raw::new(PLATFORM, [5, 0, 0, 0], ""));
    }
    let Some((name, version_text, profile_short)) = raw_parse(text) else {
        return deprecated(text);
    };
    let known = known_identifier(name)?;
    let version = match version_text {
        None => ZERO,
        Some(v) => folder_version(v)?,
    };
    let mut identifier = known.long;
    if version[0] >= 5 && (identifier == NET || identifier == NETCOREAPP) {
        identifier = NETCOREAPP;
        let mut raw = Raw::new(identifier, version, "");
        if !profile_short.is_empty() {
            let split = profile_short
                .find(|c: char| !is_letter_or_dot(c))
                .unwrap_or(profile_short.len());
            if split == 0 {
                raw.platform = profile_short.to_string();
            } else {
                raw.platform = profile_short[..split].to_string();
                let pv = &profile_short[split..];
                if !pv.is_empty() {
                    raw.platform_version = platform_version(pv)?;
                }
            }
        }
        return Some(raw);
    }
    if identifier == PORTABLE {
        let members: Vec<Framework> = profile_short
            .split('+')
            .filter(|p| !p.is_empty())
            .map(Framework::parse)
            .collect();
        if members.is_empty() {
            return None;
        }
        // Frameworks inside a portable profile may not have profiles of their own
        // (NuGet throws; nuget.org refuses the package).
        if profile_short.contains('-') {
            return None;
        }
        return Some(match portable_profile_number(&members) {
            Some(n) => Raw::new(identifier, version, &format!("Profile{n}")),
            None => Raw::new(identifier, version, profile_short),
        });
    }
    let profile = long_profile(profile_short).unwrap_or(profile_short);
    Some(Raw::new(identifier, version, profile))
}

/// NuGet's `RawParse`: identifier (letters and dots), version (digits and
/// dots), then optionally `-profile` of `[A-Za-z0-9.+-]`.
fn raw_parse(s: &str) -> Option<(&str, Option<&str>, &str)> {
    let id_end = s.find(|c: char| !is_letter_or_dot(c)).unwrap_or(s.len());
    if id_end == 0 {
        return None;
    }
    let rest = &s[id_end..];
    let v_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let version = (v_len > 0).then(|| &rest[..v_len]);
    let tail = &rest[v_len..];
    if tail.is_empty() {
        return Some((&s[..id_end], version, ""));
    }
    let profile = tail.strip_prefix('-')?;
    if profile.is_empty()
        || !profile
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
    {
        return None;
    }
    Some((&s[..id_end], version, profile))
}

/// `TryParseDeprecatedFramework`: bare numbers NuGet still reads as .NET Framework.
fn deprecated(s: &str) -> Option<Raw> {
    let v = match s {
        "45" | "4.5" => [4, 5, 0, 0],
        "40" | "4.0" | "4" => [4, 0, 0, 0],
        "35" | "3.5" => [3, 5, 0, 0],
        "20" | "2" | "2.0" => [2, 0, 0, 0],
        _ => return None,
    };
    Some(Raw::new(NET, v, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(s: &str) -> String {
        Framework::parse(s).short_name
    }

    fn full(s: &str) -> String {
        Framework::parse(s).dotnet_framework_name()
    }

    #[test]
    fn short_names() {
        for (input, expected) in [
            ("net8.0", "net8.0"),
            ("NET8.0", "net8.0"),
            ("net8.0-windows10.0.19041", "net8.0-windows10.0.19041"),
            ("net8.0-windows", "net8.0-windows"),
            ("netstandard2.0", "netstandard2.0"),
            (".NETStandard2.0", "netstandard2.0"),
            (".NETStandard,Version=v2.0", "netstandard2.0"),
            ("net45", "net45"),
            ("net4.5", "net45"),
            ("net451", "net451"),
            (".NETFramework4.5", "net45"),
            (".NETFramework,Version=v4.0,Profile=Client", "net40-client"),
            ("net40-client", "net40-client"),
            ("netcoreapp3.1", "netcoreapp3.1"),
            (".NETCoreApp3.1", "netcoreapp3.1"),
            ("net5.0", "net5.0"),
            ("net50", "net5.0"),
            ("netcoreapp5.0-windows10.0", "net5.0-windows10.0"),
            ("net5.0-android10", "net5.0-android10.0"),
            ("netstandard1.0", "netstandard1.0"),
            ("net20", "net20"),
            ("net4", "net40"),
            ("win8", "win8"),
            ("win10.0", "win10.0"),
            ("uap10.0", "uap10.0"),
            ("monoandroid10", "monoandroid10"),
            ("portable-net45+win8", "portable-net45+win8"),
            (
                "portable-net45+win8+wp8+wpa81+monotouch+monoandroid",
                "portable-net45+win8+wp8+wpa81",
            ),
            (
                "portable-net40%2Bsl5%2Bwp80%2Bwin8%2Bwpa81",
                "portable-net40+sl5+win8+wp8+wpa81",
            ),
            ("any", "any"),
            ("native", "native"),
            ("dotnet", "dotnet"),
            ("net45-unknown", "net45-unknown"),
            ("45", "net45"),
            ("2", "net20"),
            ("net10", "net10"),
            ("netnano1.0", "netnano1.0"),
            ("sl4-wp71", "sl4-wp71"),
        ] {
            assert_eq!(short(input), expected, "{input}");
        }
    }

    #[test]
    fn full_names_from_nugets_tests() {
        for (input, expected) in [
            ("net10", ".NETFramework,Version=v1.0"),
            ("net10.0", ".NETCoreApp,Version=v10.0"),
            ("net40-client", ".NETFramework,Version=v4.0,Profile=Client"),
            ("net40-full", ".NETFramework,Version=v4.0"),
            ("net", ".NETFramework,Version=v0.0"),
            ("net45-custom", ".NETFramework,Version=v4.5,Profile=custom"),
            (
                "net45-cf",
                ".NETFramework,Version=v4.5,Profile=CompactFramework",
            ),
            (
                "net45-WP71",
                ".NETFramework,Version=v4.5,Profile=WindowsPhone71",
            ),
            (
                ".NETPortable40-Profile1",
                ".NETPortable,Version=v4.0,Profile=Profile1",
            ),
            (
                ".NETPortable-Profile1",
                ".NETPortable,Version=v0.0,Profile=Profile1",
            ),
            (
                ".NETPortable-net45+win8",
                ".NETPortable,Version=v0.0,Profile=Profile7",
            ),
            (
                "Portable-net45+win8",
                ".NETPortable,Version=v0.0,Profile=Profile7",
            ),
            (
                "portable-win%2Bnet45%2Bwp8",
                ".NETPortable,Version=v0.0,Profile=Profile78",
            ),
            (
                "portable-net450+net4.5+net45+wp8+wpa+win8+wpa81",
                ".NETPortable,Version=v0.0,Profile=Profile259",
            ),
            (
                "portable-net45+win10.0",
                ".NETPortable,Version=v0.0,Profile=net45+win10.0",
            ),
            (".NETPlatform50", ".NETPlatform,Version=v5.0"),
            ("windows8", "Windows,Version=v8.0"),
            ("windowsphone8", "WindowsPhone,Version=v8.0"),
            ("NETFramework,Version=v4.5", ".NETFramework,Version=v4.5"),
            (
                "Portable,Version=v0.0,Profile=Profile7",
                ".NETPortable,Version=v0.0,Profile=Profile7",
            ),
            ("uap,Version=v10.0.10030.1", "UAP,Version=v10.0.10030.1"),
            (".NETPlatform,Version=v0.0", ".NETPlatform,Version=v5.0"),
            ("dotnet10", ".NETPlatform,Version=v1.0"),
            ("netstandardapp1", ".NETStandardApp,Version=v1.0"),
            ("Foo,Version=v1.0", "Foo,Version=v1.0"),
            ("net45,net46", "net45,Version=v0.0"),
            ("Any", "Any,Version=v0.0"),
            ("", "Unsupported,Version=v0.0"),
        ] {
            assert_eq!(full(input), expected, "{input}");
        }
    }

    #[test]
    fn framework_strings_as_nuget_pack_writes_them() {
        for (input, expected) in [
            ("net45", ".NETFramework4.5"),
            ("net40-client", ".NETFramework4.0-Client"),
            (
                "portable-net45+win8+wp8+wpa81",
                ".NETPortable0.0-Profile259",
            ),
            ("net5.0-windows10.0.19041", "net5.0-windows10.0.19041"),
            ("dotnet", ".NETPlatform5.0"),
            ("Foo,Version=v1.0", "Foo1.0"),
            ("sl4-wp71", "Silverlight4.0-WindowsPhone71"),
            ("net10.1.2.3", "net10.1.2.3"),
            ("portable-net45+win10.0", ".NETPortable0.0-net45+win10.0"),
        ] {
            assert_eq!(
                Framework::parse(input).framework_string(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn nuspec_attributes() {
        assert!(Framework::parse_group_attribute(None).is_any());
        assert!(Framework::parse_group_attribute(Some("")).is_any());
        assert!(Framework::parse_group_attribute(Some(" net45")).is_unsupported);
        let list = Framework::parse_framework_assembly_attribute(Some(
            ".NETFramework4.0-Client, .NETFramework4.0",
        ));
        let shorts: Vec<&str> = list.iter().map(|f| f.short_name.as_str()).collect();
        assert_eq!(shorts, ["net40-client", "net40"]);
        let list =
            Framework::parse_framework_assembly_attribute(Some(".NETFramework,Version=v4.5"));
        let shorts: Vec<&str> = list.iter().map(|f| f.short_name.as_str()).collect();
        assert_eq!(shorts, ["net", "unsupported"]);
    }

    #[test]
    fn identifiers_and_display() {
        let f = Framework::parse("net8.0-windows10.0.19041");
        assert_eq!(f.identifier, ".NETCoreApp");
        assert_eq!(f.version, "8.0");
        assert_eq!(f.platform, "windows");
        assert_eq!(f.platform_version, "10.0.19041");
        assert_eq!(f.display_name, ".NET 8.0 (Windows 10.0.19041)");
        assert_eq!(Framework::parse("net45").display_name, ".NET Framework 4.5");
        assert_eq!(
            Framework::parse("netstandard2.0").display_name,
            ".NET Standard 2.0"
        );
        assert_eq!(
            Framework::parse("netcoreapp3.1").display_name,
            ".NET Core 3.1"
        );
        assert!(Framework::parse("portable-net45+win8")
            .display_name
            .contains(".NET Framework 4.5"));
    }

    #[test]
    fn unsupported_names() {
        for bad in [
            "foo",
            "foo45",
            "foo45-client",
            "foo.45",
            "foo4.5.1.2.3",
            "portable-net($3747!4",
            "portable",
            "portable-win+net-cf",
            ".NETPortable,Version=v0.0,Profile=win+net-cf",
            "netstandard2.0-",
            "net45-!",
            "11",
            "46",
            "30",
            "99",
            "net1.2.3.4.5",
            ".NETFramework,Version=v",
            "lib",
            "",
            " net45",
            "unsupported",
        ] {
            let f = Framework::parse(bad);
            assert!(f.is_unsupported, "{bad:?} should be unsupported, got {f:?}");
        }
    }
}

#[cfg(test)]
mod fuzz_found {
    use super::Framework;

    /// Found by `scripts/fuzz` (framework target): a portable full name with no
    /// profile had the short name `portable-`, which does not parse back.
    #[test]
    fn a_portable_full_name_without_frameworks_is_unsupported() {
        for text in [
            "portable,neta5n+wi8+wpa81",
            ".NETPortable,Version=v0.0",
            ".NETPortable",
        ] {
            let f = Framework::parse(text);
            assert!(f.is_unsupported, "{text}: {f:?}");
        }
        let f = Framework::parse(".NETPortable,Version=v0.0,Profile=Profile259");
        assert!(
            !f.is_unsupported && f.short_name == "portable-net45+win8+wp8+wpa81",
            "{f:?}"
        );
    }
}

//! Target framework monikers, from folder names (`net8.0`, `portable-net45+win8`)
//! and nuspec `targetFramework` values (`.NETStandard2.0`,
//! `.NETFramework,Version=v4.5`), following NuGet.Frameworks' naming.
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
    /// The long identifier (`.NETFramework`, `.NETCoreApp`, `.NETStandard`, …),
    /// `Any`, `Native`, `Unsupported`.
    pub identifier: String,
    /// Dotted version, e.g. `4.5`, `8.0`; empty when none.
    pub version: String,
    /// Profile (`Client`, a PCL's `Profile259`); empty when none.
    pub profile: String,
    /// OS platform of net5.0+ TFMs (`windows`), empty when none.
    pub platform: String,
    pub platform_version: String,
    /// NuGet's short folder name (`net45`, `netstandard2.0`, `net8.0-windows10.0.19041`).
    pub short_name: String,
    /// A friendly name (`.NET Framework 4.5`, `.NET 8.0 (Windows 10.0.19041)`).
    pub display_name: String,
    /// NuGet does not recognise it (`Unsupported` in NuGet's terms).
    pub is_unsupported: bool,
}

struct Known {
    short: &'static str,
    long: &'static str,
    display: &'static str,
}

// Longer short names first so `netcoreapp` wins over `netcore` and `net`.
const KNOWN: &[Known] = &[
    Known {
        short: "netcoreapp",
        long: ".NETCoreApp",
        display: ".NET Core",
    },
    Known {
        short: "netstandardapp",
        long: ".NETStandardApp",
        display: ".NET Standard App",
    },
    Known {
        short: "netstandard",
        long: ".NETStandard",
        display: ".NET Standard",
    },
    Known {
        short: "netcore",
        long: ".NETCore",
        display: ".NET Core (Windows Store)",
    },
    Known {
        short: "netmf",
        long: ".NETMicroFramework",
        display: ".NET Micro Framework",
    },
    Known {
        short: "netnano",
        long: ".NETnanoFramework",
        display: ".NET nanoFramework",
    },
    Known {
        short: "net",
        long: ".NETFramework",
        display: ".NET Framework",
    },
    Known {
        short: "dotnet",
        long: ".NETPlatform",
        display: ".NET Platform",
    },
    Known {
        short: "dnxcore",
        long: "DNXCore",
        display: "DNX Core",
    },
    Known {
        short: "dnx",
        long: "DNX",
        display: "DNX",
    },
    Known {
        short: "aspnetcore",
        long: "ASP.NETCore",
        display: "ASP.NET Core",
    },
    Known {
        short: "aspnet",
        long: "ASP.NET",
        display: "ASP.NET",
    },
    Known {
        short: "uap",
        long: "UAP",
        display: "Universal Windows Platform",
    },
    Known {
        short: "wpa",
        long: "WindowsPhoneApp",
        display: "Windows Phone App",
    },
    Known {
        short: "wp",
        long: "WindowsPhone",
        display: "Windows Phone",
    },
    Known {
        short: "win",
        long: "Windows",
        display: "Windows Store",
    },
    Known {
        short: "sl",
        long: "Silverlight",
        display: "Silverlight",
    },
    Known {
        short: "monoandroid",
        long: "MonoAndroid",
        display: "Xamarin.Android",
    },
    Known {
        short: "monotouch",
        long: "MonoTouch",
        display: "Xamarin.iOS (classic)",
    },
    Known {
        short: "monomac",
        long: "MonoMac",
        display: "MonoMac",
    },
    Known {
        short: "xamarinios",
        long: "Xamarin.iOS",
        display: "Xamarin.iOS",
    },
    Known {
        short: "xamarinmac",
        long: "Xamarin.Mac",
        display: "Xamarin.Mac",
    },
    Known {
        short: "xamarintvos",
        long: "Xamarin.TVOS",
        display: "Xamarin.tvOS",
    },
    Known {
        short: "xamarinwatchos",
        long: "Xamarin.WatchOS",
        display: "Xamarin.watchOS",
    },
    Known {
        short: "xamarinpsthree",
        long: "Xamarin.PlayStation3",
        display: "Xamarin PlayStation 3",
    },
    Known {
        short: "xamarinpsfour",
        long: "Xamarin.PlayStation4",
        display: "Xamarin PlayStation 4",
    },
    Known {
        short: "xamarinpsvita",
        long: "Xamarin.PlayStationVita",
        display: "Xamarin PS Vita",
    },
    Known {
        short: "xamarinxboxthreesixty",
        long: "Xamarin.Xbox360",
        display: "Xamarin Xbox 360",
    },
    Known {
        short: "xamarinxboxone",
        long: "Xamarin.XboxOne",
        display: "Xamarin Xbox One",
    },
    Known {
        short: "tizen",
        long: "Tizen",
        display: "Tizen",
    },
];

fn unsupported(original: &str) -> Framework {
    Framework {
        original: original.to_string(),
        identifier: "Unsupported".into(),
        version: String::new(),
        profile: String::new(),
        platform: String::new(),
        platform_version: String::new(),
        short_name: "unsupported".into(),
        display_name: format!("unsupported framework ({original})"),
        is_unsupported: true,
    }
}

fn special(original: &str, identifier: &str, short: &str, display: &str) -> Framework {
    Framework {
        original: original.to_string(),
        identifier: identifier.into(),
        version: String::new(),
        profile: String::new(),
        platform: String::new(),
        platform_version: String::new(),
        short_name: short.into(),
        display_name: display.into(),
        is_unsupported: false,
    }
}

/// Parses a version written `45`, `451`, `4.5`, `4.5.1`, `8.0` or `10.0.19041`
/// into its dotted parts (at most four).
fn parse_version(text: &str) -> Option<Vec<u32>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<u32> = if text.contains('.') {
        let mut out = Vec::new();
        for p in text.split('.') {
            if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push(p.parse().ok()?);
        }
        out
    } else {
        if !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 4 {
            return None;
        }
        text.bytes().map(|b| u32::from(b - b'0')).collect()
    };
    (parts.len() <= 4).then_some(parts)
}

fn trim_version(parts: &[u32], min_parts: usize) -> Vec<u32> {
    let mut v = parts.to_vec();
    while v.len() > min_parts && v.last() == Some(&0) {
        v.pop();
    }
    while v.len() < min_parts {
        v.push(0);
    }
    v
}

fn dotted(parts: &[u32]) -> String {
    parts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

impl Framework {
    /// Parses a folder name or a nuspec `targetFramework` value. Never fails:
    /// names NuGet would not recognise come back with `is_unsupported`.
    pub fn parse(text: &str) -> Framework {
        let original = text;
        let s = text.trim();
        if s.is_empty() {
            return special(original, "Any", "any", "any framework");
        }
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "any" => return special(original, "Any", "any", "any framework"),
            "native" => return special(original, "native", "native", "native (C++)"),
            "agnostic" => return special(original, "Agnostic", "agnostic", "framework-agnostic"),
            _ => {}
        }
        if lower.starts_with(".netportable") || lower.starts_with("portable") {
            return parse_portable(original, s);
        }
        if let Some(f) = parse_long(original, s) {
            return f;
        }
        parse_short(original, &lower).unwrap_or_else(|| unsupported(original))
    }

    /// A framework NuGet understands (not `Unsupported`).
    pub fn is_known(&self) -> bool {
        !self.is_unsupported
    }

    fn build(
        original: &str,
        known: &Known,
        version: &[u32],
        profile: &str,
        platform: &str,
        platform_version: &[u32],
    ) -> Framework {
        let v5plus = known.long == ".NETCoreApp" && version.first().is_some_and(|m| *m >= 5);
        let identifier = known.long.to_string();
        let version_text = dotted(&trim_version(version, 2));
        let short_version = if known.long == ".NETFramework"
            || matches!(
                known.short,
                "win"
                    | "wp"
                    | "wpa"
                    | "sl"
                    | "netcore"
                    | "netmf"
                    | "monoandroid"
                    | "monotouch"
                    | "xamarinios"
                    | "xamarinmac"
                    | "uap"
            ) {
            // NuGet writes Windows, Windows Phone and Silverlight with single
            // digits (`win8`, `wp8`, `sl5`), the others with at least two (`net40`).
            let min = if matches!(known.short, "win" | "wp" | "wpa" | "sl") {
                1
            } else {
                2
            };
            let v = trim_version(version, min);
            if v.iter().all(|p| *p < 10) && known.short != "uap" {
                v.iter().map(u32::to_string).collect::<String>()
            } else {
                dotted(&trim_version(version, 2))
            }
        } else if version.is_empty() {
            String::new()
        } else {
            dotted(&trim_version(version, 2))
        };
        let short_prefix = if v5plus { "net" } else { known.short };
        let mut short_name = format!("{short_prefix}{short_version}");
        if !profile.is_empty() {
            short_name.push('-');
            short_name.push_str(&profile.to_ascii_lowercase());
        }
        let platform_version_text = if platform_version.is_empty() {
            String::new()
        } else {
            dotted(&trim_version(platform_version, 2))
        };
        if !platform.is_empty() {
            short_name.push('-');
            short_name.push_str(&platform.to_ascii_lowercase());
            short_name.push_str(&platform_version_text);
        }
        let base_display = if v5plus { ".NET" } else { known.display };
        let mut display_name = if version.is_empty() {
            base_display.to_string()
        } else {
            format!("{base_display} {version_text}")
        };
        if !profile.is_empty() {
            display_name.push_str(&format!(" ({profile} profile)"));
        }
        if !platform.is_empty() {
            let mut p = platform.to_string();
            if let Some(first) = p.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            if platform_version_text.is_empty() {
                display_name.push_str(&format!(" ({p})"));
            } else {
                display_name.push_str(&format!(" ({p} {platform_version_text})"));
            }
        }
        Framework {
            original: original.to_string(),
            identifier,
            version: version_text,
            profile: profile.to_string(),
            platform: platform.to_string(),
            platform_version: platform_version_text,
            short_name,
            display_name,
            is_unsupported: false,
        }
    }

    /// NuGet's long form, e.g. `.NETFramework,Version=v4.5` (empty for specials).
    pub fn dotnet_framework_name(&self) -> String {
        if matches!(
            self.identifier.as_str(),
            "Any" | "native" | "Agnostic" | "Unsupported"
        ) {
            return self.identifier.clone();
        }
        let mut s = format!("{},Version=v{}", self.identifier, self.version);
        if !self.profile.is_empty() {
            s.push_str(&format!(",Profile={}", self.profile));
        }
        s
    }
}

fn split_identifier(s: &str) -> (&str, &str) {
    let at = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    (s.get(..at).unwrap_or(""), s.get(at..).unwrap_or(""))
}

/// `net45`, `net4.5`, `netstandard2.0`, `net8.0-windows10.0.19041`, `net40-client`, `uap10.0`.
fn parse_short(original: &str, lower: &str) -> Option<Framework> {
    let (main, suffix) = match lower.split_once('-') {
        Some((m, s)) => (m, Some(s)),
        None => (lower, None),
    };
    let (name, version_text) = split_identifier(main);
    let known = KNOWN.iter().find(|k| k.short == name)?;
    let version = parse_version(version_text)?;
    let v5plus = known.short == "net"
        && version_text.contains('.')
        && version.first().is_some_and(|m| *m >= 5);
    let known = if v5plus {
        KNOWN.iter().find(|k| k.short == "netcoreapp")?
    } else {
        known
    };
    let (mut profile, mut platform, mut platform_version) =
        (String::new(), String::new(), Vec::new());
    if let Some(suffix) = suffix {
        if suffix.is_empty() {
            return None;
        }
        if v5plus {
            let (p, pv) = split_identifier(suffix);
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphabetic()) {
                return None;
            }
            platform = p.to_string();
            platform_version = parse_version(pv)?;
        } else {
            if !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            profile = match suffix {
                "client" => "Client".into(),
                "full" => "Full".into(),
                "cf" => "CompactFramework".into(),
                other => other.to_string(),
            };
        }
    }
    Some(Framework::build(
        original,
        known,
        &version,
        &profile,
        &platform,
        &platform_version,
    ))
}

/// `.NETFramework4.5`, `.NETFramework,Version=v4.5,Profile=Client`, `.NETStandard2.0`.
fn parse_long(original: &str, s: &str) -> Option<Framework> {
    let mut pieces = s.split(',');
    let head = pieces.next()?.trim();
    let known_by_long = |name: &str| KNOWN.iter().find(|k| k.long.eq_ignore_ascii_case(name));
    let (known, mut version) = if let Some(k) = known_by_long(head) {
        (k, Vec::new())
    } else {
        let (name, v) = split_identifier(head);
        if !name.starts_with('.') && known_by_long(name).is_none() {
            return None;
        }
        (known_by_long(name)?, parse_version(v)?)
    };
    let mut profile = String::new();
    for piece in pieces {
        let (key, value) = piece.split_once('=')?;
        match key.trim().to_ascii_lowercase().as_str() {
            "version" => {
                let v = value.trim();
                let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
                if !v.contains('.') {
                    return None;
                }
                version = parse_version(v)?;
            }
            "profile" => profile = value.trim().to_string(),
            _ => return None,
        }
    }
    Some(Framework::build(
        original,
        known,
        &version,
        &profile,
        "",
        &[],
    ))
}

/// `portable-net45+win8+wpa81`, `.NETPortable,Version=v0.0,Profile=Profile259`.
fn parse_portable(original: &str, s: &str) -> Framework {
    let lower = s.to_ascii_lowercase();
    if let Some(list) = lower.strip_prefix("portable-") {
        if let Some(number) = list.strip_prefix("profile") {
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
                return Framework {
                    original: original.to_string(),
                    identifier: ".NETPortable".into(),
                    version: "0.0".into(),
                    profile: format!("Profile{number}"),
                    platform: String::new(),
                    platform_version: String::new(),
                    short_name: format!("portable-profile{number}"),
                    display_name: format!("Portable Class Library (Profile{number})"),
                    is_unsupported: false,
                };
            }
        }
        let members: Vec<Framework> = list.split('+').map(Framework::parse).collect();
        if members.is_empty() || members.iter().any(|m| m.is_unsupported) {
            return unsupported(original);
        }
        let short: Vec<String> = members.iter().map(|m| m.short_name.clone()).collect();
        let display: Vec<String> = members.iter().map(|m| m.display_name.clone()).collect();
        return Framework {
            original: original.to_string(),
            identifier: ".NETPortable".into(),
            version: "0.0".into(),
            profile: short.join("+"),
            platform: String::new(),
            platform_version: String::new(),
            short_name: format!("portable-{}", short.join("+")),
            display_name: format!("Portable Class Library ({})", display.join(", ")),
            is_unsupported: false,
        };
    }
    if lower.starts_with(".netportable") {
        if let Some(profile) = s.split(',').find_map(|p| {
            p.trim()
                .strip_prefix("Profile=")
                .or_else(|| p.trim().strip_prefix("profile="))
        }) {
            return Framework {
                original: original.to_string(),
                identifier: ".NETPortable".into(),
                version: "0.0".into(),
                profile: profile.to_string(),
                platform: String::new(),
                platform_version: String::new(),
                short_name: format!("portable-{}", profile.to_ascii_lowercase()),
                display_name: format!("Portable Class Library ({profile})"),
                is_unsupported: false,
            };
        }
    }
    unsupported(original)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(s: &str) -> String {
        Framework::parse(s).short_name
    }

    #[test]
    fn short_names() {
        assert_eq!(short("net8.0"), "net8.0");
        assert_eq!(short("NET8.0"), "net8.0");
        assert_eq!(
            short("net8.0-windows10.0.19041"),
            "net8.0-windows10.0.19041"
        );
        assert_eq!(short("net8.0-windows"), "net8.0-windows");
        assert_eq!(short("netstandard2.0"), "netstandard2.0");
        assert_eq!(short(".NETStandard2.0"), "netstandard2.0");
        assert_eq!(short(".NETStandard,Version=v2.0"), "netstandard2.0");
        assert_eq!(short("net45"), "net45");
        assert_eq!(short("net4.5"), "net45");
        assert_eq!(short("net451"), "net451");
        assert_eq!(short(".NETFramework4.5"), "net45");
        assert_eq!(
            short(".NETFramework,Version=v4.0,Profile=Client"),
            "net40-client"
        );
        assert_eq!(short("net40-client"), "net40-client");
        assert_eq!(short("netcoreapp3.1"), "netcoreapp3.1");
        assert_eq!(short(".NETCoreApp3.1"), "netcoreapp3.1");
        assert_eq!(short("net5.0"), "net5.0");
        assert_eq!(short("netstandard1.0"), "netstandard1.0");
        assert_eq!(short("net20"), "net20");
        assert_eq!(short("net4"), "net40");
        assert_eq!(short("win8"), "win8");
        assert_eq!(short("uap10.0"), "uap10.0");
        assert_eq!(short("monoandroid10"), "monoandroid10");
        assert_eq!(short("portable-net45+win8"), "portable-net45+win8");
        assert_eq!(short("any"), "any");
        assert_eq!(short("native"), "native");
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
            Framework::parse("net45").dotnet_framework_name(),
            ".NETFramework,Version=v4.5"
        );
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
            "netstandard2.0-",
            "net45-!",
            "portable-foo+net45",
            "net8.0-12",
            "99",
            "net1.2.3.4.5",
            ".NETFramework,Version=v",
            "lib",
        ] {
            let f = Framework::parse(bad);
            assert!(f.is_unsupported, "{bad:?} should be unsupported, got {f:?}");
        }
    }
}

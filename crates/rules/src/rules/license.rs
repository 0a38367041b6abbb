//! Licence rules (nuget.org's `CheckLicenseMetadataAsync`).

use super::common::{check_named_file, metadata_text, net_len, NamedFile};
use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::paths::extension;
use crate::types::Finding;
use nupub_package::media::parse_expression;
use nupub_package::Package;

pub const DEPRECATION_URL: &str = "https://aka.ms/deprecateLicenseUrl";

/// The licenseUrl nuget.org expects for an expression: `new Uri("https://licenses.nuget.org/" + e).AbsoluteUri`.
pub fn expression_url(expression: &str) -> String {
    let mut url = String::from("https://licenses.nuget.org/");
    for ch in expression.chars() {
        match ch {
            ' ' => url.push_str("%20"),
            '"' => url.push_str("%22"),
            '<' => url.push_str("%3C"),
            '>' => url.push_str("%3E"),
            c => url.push(c),
        }
    }
    url
}

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    if super::common::is_snupkg(package) {
        return Vec::new();
    }
    let nuspec = package.nuspec();
    let url = metadata_text(&nuspec.license_url);
    let mut out = Vec::new();
    let Some(license) = &nuspec.license else {
        match url {
            None => out.push(c::LICENSE_MISSING.finding("The package declares no licence: neither <license> nor <licenseUrl>.")),
            Some(u) if u == DEPRECATION_URL => out.push(
                c::LICENSE_DEPRECATION_URL_ALONE
                    .finding(format!("<licenseUrl> is {DEPRECATION_URL}, but there is no <license> element it stands in for."))
                    .at("<licenseUrl>"),
            ),
            Some(u) => out.push(
                c::LICENSE_URL_ONLY
                    .finding(format!("The licence is only a link ({u}); nuget.org wants the licence inside the package."))
                    .at("<licenseUrl>"),
            ),
        }
        return out;
    };
    let text = license.value.trim();
    if net_len(&license.value) > 500 {
        out.push(
            c::LICENSE_NODE_TOO_LONG
                .finding("The <license> value is longer than 500 characters.")
                .at("<license>"),
        );
    }
    if license.has_child_elements {
        out.push(
            c::LICENSE_CHILD_NODES
                .finding("<license> contains other elements; it may hold only text.")
                .at("<license>"),
        );
    }
    if let Some(version) = license.version.as_deref().filter(|v| v.trim() != "1.0.0") {
        out.push(
            c::LICENSE_VERSION_UNSUPPORTED
                .finding(format!("<license version=\"{version}\">: the only licence version NuGet knows is 1.0.0."))
                .at("<license>")
                .with_server(c::LICENSE_VERSION_UNSUPPORTED.fill(&[version])),
        );
    }
    let kind = license
        .kind
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match kind.as_str() {
        "file" => {
            if url != Some(DEPRECATION_URL) {
                out.push(
                    c::LICENSE_URL_MISMATCH_FILE
                        .finding(format!(
                            "With a licence file, <licenseUrl> must be {DEPRECATION_URL}; it is {}.",
                            url.map_or("missing".to_string(), |u| format!("{u:?}"))
                        ))
                        .at("<licenseUrl>"),
                );
            }
            out.extend(license_file(package, facts, text));
        }
        "expression" => {
            let expected = expression_url(text);
            if url != Some(expected.as_str()) {
                out.push(
                    c::LICENSE_URL_MISMATCH_EXPRESSION
                        .finding(format!(
                            "With the licence expression {text}, <licenseUrl> must be {expected}; it is {}.",
                            url.map_or("missing".to_string(), |u| format!("{u:?}"))
                        ))
                        .at("<licenseUrl>")
                        .with_server(c::LICENSE_URL_MISMATCH_EXPRESSION.fill(&[&expected])),
                );
            }
            out.extend(expression(text));
        }
        _ => out.push(
            c::LICENSE_TYPE_UNSUPPORTED
                .finding(format!(
                    "<license type=\"{}\">: the type must be expression or file.",
                    license.kind.as_deref().unwrap_or("")
                ))
                .at("<license>")
                .with_server(
                    c::LICENSE_TYPE_UNSUPPORTED.fill(&[license.kind.as_deref().unwrap_or("")]),
                ),
        ),
    }
    if let Some(u) = url {
        let upper = u.to_ascii_uppercase();
        if upper.contains("LICENSES.NUGET.ORG")
            && ["+OR+", "+AND+", "+WITH+"]
                .iter()
                .any(|op| upper.contains(op))
        {
            out.push(
                c::LICENSE_URL_MALFORMED
                    .finding(format!(
                        "<licenseUrl> {u} joins licences with +; licenses.nuget.org URLs use %20."
                    ))
                    .at("<licenseUrl>"),
            );
        }
    }
    out
}

fn expression(text: &str) -> Vec<Finding> {
    let (ids, _exceptions, error) = parse_expression(text);
    let mut out = Vec::new();
    if let Some(error) = error {
        out.push(
            c::LICENSE_METADATA_INVALID
                .finding(format!(
                    "The licence expression {text:?} is not valid SPDX: {error}."
                ))
                .at("<license>")
                .with_server(c::LICENSE_METADATA_INVALID.fill(&[&error])),
        );
        return out;
    }
    let unknown: Vec<&str> = ids
        .iter()
        .filter(|i| !i.known)
        .map(|i| i.id.as_str())
        .collect();
    if !unknown.is_empty() {
        let client = format!(
            "The license identifier(s) {} is(are) not recognized by the current toolset.",
            unknown.join(", ")
        );
        out.push(
            c::LICENSE_METADATA_INVALID
                .finding(format!(
                    "The licence expression uses ids SPDX does not know: {}.",
                    unknown.join(", ")
                ))
                .at("<license>")
                .with_server(c::LICENSE_METADATA_INVALID.fill(&[&client])),
        );
    }
    let unapproved: Vec<&str> = ids
        .iter()
        .filter(|i| i.known && !i.osi_approved && !i.fsf_libre)
        .map(|i| i.id.as_str())
        .collect();
    if !unapproved.is_empty() {
        let list = unapproved.join(", ");
        out.push(
            c::LICENSE_EXPRESSION_NOT_APPROVED
                .finding(format!("The licence {list} is neither OSI-approved nor FSF-libre, so nuget.org refuses it as an expression."))
                .at("<license>")
                .with_server(c::LICENSE_EXPRESSION_NOT_APPROVED.fill(&[&list])),
        );
    }
    out
}

fn license_file(package: &Package, facts: &PackageFacts, path: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let ext = extension(path);
    if !["", ".txt", ".md"].contains(&ext.to_ascii_lowercase().as_str()) {
        out.push(
            c::LICENSE_FILE_EXTENSION
                .finding(format!(
                    "The licence file {path} ends in {ext}; it must end in .txt, .md or nothing."
                ))
                .at(path.to_string())
                .with_server(c::LICENSE_FILE_EXTENSION.fill(&[&ext])),
        );
    }
    check_named_file(
        package,
        facts,
        path,
        &NamedFile {
            element: "<license type=\"file\">",
            noun: "licence file",
            missing: c::LICENSE_FILE_MISSING,
            too_large: c::LICENSE_FILE_TOO_LARGE,
            empty: None,
            not_text: Some(c::LICENSE_FILE_NOT_TEXT),
        },
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;

    fn file_license(b: Builder) -> Builder {
        b.set("license", "<license type=\"file\">LICENSE.txt</license>")
            .set(
                "licenseUrl",
                "<licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>",
            )
            .file("LICENSE.txt", b"MIT License\n")
    }

    #[test]
    fn valid_file_licence_passes() {
        let r = file_license(Builder::valid()).check();
        assert!(crate::testutil::errors(&r).is_empty(), "{:#?}", r.findings);
    }

    #[test]
    fn missing_and_url_only() {
        let r = Builder::valid()
            .remove("license")
            .remove("licenseUrl")
            .check();
        expect(&r, "license.missing", Warning, Some("License missing. See how to include a license within the package: https://aka.ms/nuget/authoring-best-practices#licensing."));
        let r = Builder::valid()
            .remove("license")
            .set(
                "licenseUrl",
                "<licenseUrl>https://example.com/LICENSE</licenseUrl>",
            )
            .check();
        expect(&r, "license.url_only", Warning, Some("The <licenseUrl> element is deprecated. Consider using the <license> element instead. Learn more: https://aka.ms/deprecateLicenseUrl."));
        let r = Builder::valid()
            .remove("license")
            .set(
                "licenseUrl",
                "<licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>",
            )
            .check();
        expect(&r, "license.deprecation_url_alone", Error, Some("The license deprecation URL must be used in conjunction with specifying the license in the package."));
    }

    #[test]
    fn node_shape() {
        let r = Builder::valid()
            .set(
                "license",
                &format!(
                    "<license type=\"expression\">MIT{}</license>",
                    " ".repeat(600)
                ),
            )
            .check();
        expect(
            &r,
            "license.node_too_long",
            Error,
            Some("The license node value must be shorter than 500 characters."),
        );
        let r = Builder::valid()
            .set("license", "<license type=\"expression\">MIT<b/></license>")
            .check();
        expect(
            &r,
            "license.child_nodes",
            Error,
            Some("The license node cannot contain child nodes."),
        );
        let r = Builder::valid()
            .set("license", "<license type=\"url\">MIT</license>")
            .check();
        expect(
            &r,
            "license.type_unsupported",
            Error,
            Some("Unsupported license type 'url'."),
        );
        let r = Builder::valid()
            .set(
                "license",
                "<license type=\"expression\" version=\"2.0.0\">MIT</license>",
            )
            .check();
        expect(
            &r,
            "license.version_unsupported",
            Error,
            Some(
                "Unsupported license version '2.0.0'. The only supported license version is 1.0.0.",
            ),
        );
    }

    #[test]
    fn expression_rules() {
        let r = Builder::valid()
            .set("license", "<license type=\"expression\">MIT OR</license>")
            .set(
                "licenseUrl",
                "<licenseUrl>https://licenses.nuget.org/MIT%20OR</licenseUrl>",
            )
            .check();
        let f = expect(&r, "license.metadata_invalid", Error, None);
        assert!(f
            .server_message
            .as_deref()
            .unwrap()
            .starts_with("Invalid license metadata: "));
        let r = Builder::valid()
            .set(
                "license",
                "<license type=\"expression\">CC-BY-NC-4.0</license>",
            )
            .set(
                "licenseUrl",
                "<licenseUrl>https://licenses.nuget.org/CC-BY-NC-4.0</licenseUrl>",
            )
            .check();
        expect(&r, "license.expression_not_approved", Error, Some("License expression must only contain licenses that are approved by Open Source Initiative or Free Software Foundation. Unsupported licenses: CC-BY-NC-4.0."));
        let r = Builder::valid()
            .set(
                "license",
                "<license type=\"expression\">MIT OR Apache-2.0</license>",
            )
            .check();
        expect(&r, "license.url_mismatch_expression", Error, Some("To provide a better experience for older clients when a license expression is specified, <licenseUrl> must be set to 'https://licenses.nuget.org/MIT%20OR%20Apache-2.0'. https://aka.ms/invalidNuGetLicenseUrl"));
        let r = Builder::valid().remove("licenseUrl").check();
        expect(&r, "license.url_mismatch_expression", Error, None);
        let r = Builder::valid()
            .set(
                "license",
                "<license type=\"expression\">MIT OR Apache-2.0</license>",
            )
            .set(
                "licenseUrl",
                "<licenseUrl>https://licenses.nuget.org/MIT+OR+Apache-2.0</licenseUrl>",
            )
            .check();
        expect(&r, "license.url_malformed", Error, None);
    }

    #[test]
    fn file_rules() {
        let r = file_license(Builder::valid()).remove("licenseUrl").check();
        expect(&r, "license.url_mismatch_file", Error, Some("To provide a better experience for older clients when a license file is packaged, <licenseUrl> must be set to 'https://aka.ms/deprecateLicenseUrl'. https://aka.ms/invalidNuGetLicenseUrl"));
        let r = file_license(Builder::valid())
            .without_file("LICENSE.txt")
            .file("license.txt", b"MIT")
            .check();
        let f = expect(
            &r,
            "license.file_missing",
            Error,
            Some("The license file 'LICENSE.txt' does not exist in the package."),
        );
        assert!(f.message.contains("case-sensitive"), "{}", f.message);
        let r = file_license(Builder::valid())
            .set("license", "<license type=\"file\">LICENSE.rtf</license>")
            .file("LICENSE.rtf", b"x")
            .check();
        expect(&r, "license.file_extension", Error, Some("The license file has an invalid extension '.rtf'. Extension must be either empty or one of the following: '.txt', '.md'."));
        let r = file_license(Builder::valid())
            .file("LICENSE.txt", &crate::testutil::noise(1024 * 1024 + 1))
            .check();
        expect(
            &r,
            "license.file_too_large",
            Error,
            Some("The license file cannot be larger than 1 MB."),
        );
        absent(
            &file_license(Builder::valid())
                .file("LICENSE.txt", &crate::testutil::noise(1024 * 1024))
                .check(),
            "license.file_too_large",
        );
        let r = file_license(Builder::valid())
            .file(
                "LICENSE.txt",
                "MIT"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>()
                    .as_slice(),
            )
            .check();
        expect(
            &r,
            "license.file_not_text",
            Error,
            Some("The license file must be plain text using UTF-8 encoding."),
        );
    }

    #[test]
    fn expression_urls() {
        assert_eq!(expression_url("MIT"), "https://licenses.nuget.org/MIT");
        assert_eq!(
            expression_url("(MIT OR Apache-2.0)"),
            "https://licenses.nuget.org/(MIT%20OR%20Apache-2.0)"
        );
    }
}

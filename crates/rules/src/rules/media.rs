//! Icon, readme, repository and MCP rules (nuget.org's `CheckIconMetadataAsync`,
//! `CheckReadmeMetadataAsync`, repository URL warnings and `McpHelper`), plus
//! GitHub Packages' "the repository URL names the target repository".

use super::common::{check_named_file, metadata_text, NamedFile};
use crate::catalogue as c;
use crate::facts::FileBytes;
use crate::facts::PackageFacts;
use crate::paths::extension;
use crate::types::Finding;
use nupub_package::Package;

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    if super::common::is_snupkg(package) {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.extend(icon(package, facts));
    out.extend(readme(package, facts));
    out.extend(repository(package));
    out.extend(github(package, facts));
    out.extend(mcp(package, facts));
    out
}

fn icon(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    let nuspec = package.nuspec();
    let mut out = Vec::new();
    let Some(icon) = &nuspec.icon else {
        if let Some(url) = metadata_text(&nuspec.icon_url) {
            out.push(
                c::ICON_URL_DEPRECATED
                    .finding(format!("The icon is only a link ({url}); nuget.org shows the default icon for packages without an embedded one."))
                    .at("<iconUrl>"),
            );
        }
        return out;
    };
    if icon.has_child_elements {
        out.push(
            c::ICON_CHILD_NODES
                .finding("<icon> contains other elements; it may hold only the file path.")
                .at("<icon>"),
        );
    }
    let path = icon.value.trim();
    let ext = extension(path);
    if ![".png", ".jpg", ".jpeg"].contains(&ext.to_ascii_lowercase().as_str()) {
        out.push(
            c::ICON_FILE_EXTENSION
                .finding(format!("The icon {path} is not named .png, .jpg or .jpeg."))
                .at(path.to_string())
                .with_server(c::ICON_FILE_EXTENSION.fill(&[&ext])),
        );
    }
    let rules = NamedFile {
        element: "<icon>",
        noun: "icon",
        missing: c::ICON_FILE_MISSING,
        too_large: c::ICON_FILE_TOO_LARGE,
        empty: None,
        not_text: None,
    };
    if let Some((entry_path, bytes)) = check_named_file(package, facts, path, &rules, &mut out) {
        let png = bytes.starts_with(&[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
        if !png && !jpeg {
            let actual = nupub_package::media::sniff_image(bytes)
                .map_or("not an image".to_string(), |f| format!("a {f} image"));
            out.push(
                c::ICON_FORMAT
                    .finding(format!(
                        "The icon {entry_path} is {actual}, not a PNG or JPEG."
                    ))
                    .at(entry_path),
            );
        }
    }
    out
}

fn readme(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    let nuspec = package.nuspec();
    let mut out = Vec::new();
    let Some(readme) = &nuspec.readme else {
        out.push(c::README_MISSING.finding(
            "The package has no readme, so its nuget.org page shows only the description.",
        ));
        return out;
    };
    if readme.has_child_elements {
        out.push(
            c::README_CHILD_NODES
                .finding("<readme> contains other elements; it may hold only the file path.")
                .at("<readme>"),
        );
    }
    let path = readme.value.trim();
    let ext = extension(path);
    if !ext.eq_ignore_ascii_case(".md") {
        out.push(
            c::README_FILE_EXTENSION
                .finding(format!(
                    "The readme {path} is not a Markdown file ending in .md."
                ))
                .at(path.to_string())
                .with_server(c::README_FILE_EXTENSION.fill(&[&ext])),
        );
    }
    check_named_file(
        package,
        facts,
        path,
        &NamedFile {
            element: "<readme>",
            noun: "readme",
            missing: c::README_FILE_MISSING,
            too_large: c::README_FILE_TOO_LARGE,
            empty: Some(c::README_EMPTY),
            not_text: Some(c::README_FILE_NOT_TEXT),
        },
        &mut out,
    );
    out
}

fn repository(package: &Package) -> Option<Finding> {
    let repo = package.nuspec().repository.as_ref()?;
    let url = metadata_text(&repo.url)?;
    let lower = url.to_ascii_lowercase();
    let is_git = repo
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("git"));
    if is_git {
        (!lower.starts_with("https://") && !lower.starts_with("git://")).then(|| {
            c::REPOSITORY_URL_SCHEME_GIT
                .finding(format!("The repository URL {url} is neither https:// nor git://, so nuget.org will not show it."))
                .at("<repository url>")
        })
    } else {
        (!lower.starts_with("https://")).then(|| {
            c::REPOSITORY_URL_SCHEME_HTTPS
                .finding(format!(
                    "The repository URL {url} is not https://, so nuget.org will not show it."
                ))
                .at("<repository url>")
        })
    }
}

/// `owner/name` from a GitHub repository URL (https, git or ssh form).
pub fn github_repo_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))
        .or_else(|| url.strip_prefix("git://github.com/"))
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))?;
    let mut parts = rest.split('/');
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let name = parts.next().filter(|s| !s.is_empty())?;
    let name = name.strip_suffix(".git").unwrap_or(name);
    Some(format!("{owner}/{name}").to_ascii_lowercase())
}

fn github(package: &Package, facts: &PackageFacts) -> Option<Finding> {
    let url = package
        .nuspec()
        .repository
        .as_ref()
        .and_then(|r| metadata_text(&r.url).map(str::to_string));
    let Some(url) = url else {
        return Some(c::GITHUB_REPOSITORY_URL.finding(
            "The package has no repository URL; GitHub Packages needs it to know which repository the package belongs to.",
        ));
    };
    let named = github_repo_of(&url);
    match (&facts.github_repository, named) {
        (_, None) => Some(
            c::GITHUB_REPOSITORY_URL
                .finding(format!(
                    "The repository URL {url} is not a github.com repository."
                ))
                .at("<repository url>"),
        ),
        (Some(target), Some(named))
            if !named.eq_ignore_ascii_case(target.trim().trim_end_matches(".git")) =>
        {
            Some(
                c::GITHUB_REPOSITORY_URL
                    .finding(format!(
                        "The repository URL names {named}, but you are publishing to {target}."
                    ))
                    .at("<repository url>"),
            )
        }
        _ => None,
    }
}

fn mcp(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    let types: Vec<String> = package
        .nuspec()
        .package_types
        .iter()
        .map(|t| t.name.trim().to_ascii_lowercase())
        .collect();
    let mcp = types.iter().any(|t| t == "mcpserver");
    let tool = types.iter().any(|t| t == "dotnettool");
    let mut out = Vec::new();
    if mcp && !tool {
        out.push(
            c::MCP_REQUIRES_DOTNETTOOL
                .finding("The package has the McpServer package type but not DotnetTool."),
        );
    }
    let server_json = facts
        .files
        .iter()
        .find(|(k, _)| crate::paths::normalize_path(k) == ".mcp/server.json");
    match server_json {
        None if mcp && tool => out.push(
            c::MCP_SERVER_JSON_MISSING.finding("The package is an MCP server tool but has no .mcp/server.json, so nuget.org cannot show how to configure it."),
        ),
        Some((path, FileBytes::Read(bytes))) => {
            let text = String::from_utf8_lossy(bytes);
            let is_object = matches!(serde_json::from_str::<serde_json::Value>(&text), Ok(serde_json::Value::Object(_)));
            if text.chars().count() > 20_000 || !is_object {
                out.push(
                    c::MCP_SERVER_JSON_INVALID
                        .finding(format!("{path} must be one JSON object of at most 20000 characters."))
                        .at(path.clone()),
                );
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{absent, expect, Builder, PNG};
    use crate::RuleTarget;
    use crate::Severity::*;

    #[test]
    fn icon_rules() {
        let r = Builder::valid()
            .remove("icon")
            .add("<iconUrl>https://example.com/i.png</iconUrl>")
            .check();
        expect(&r, "icon.url_deprecated", Warning, Some("The <iconUrl> element is deprecated. Consider using the <icon> element instead. https://aka.ms/deprecateIconUrl"));
        let r = Builder::valid()
            .set("icon", "<icon>icon.png<x/></icon>")
            .check();
        expect(&r, "icon.child_nodes", Error, None);
        let r = Builder::valid()
            .set("icon", "<icon>Icon.png</icon>")
            .check();
        let f = expect(
            &r,
            "icon.file_missing",
            Error,
            Some("The icon file 'Icon.png' does not exist in the package."),
        );
        assert!(f.message.contains("case-sensitive"));
        let r = Builder::valid()
            .set("icon", "<icon>icon.gif</icon>")
            .file("icon.gif", b"GIF89a....")
            .check();
        expect(&r, "icon.file_extension", Error, Some("The icon file has an invalid extension '.gif'. Extension must be one of the following: '.jpg', '.jpeg', '.png'."));
        let mut big = PNG.to_vec();
        big.extend(crate::testutil::noise(1024 * 1024 + 1 - big.len()));
        let r = Builder::valid().file("icon.png", &big).check();
        expect(
            &r,
            "icon.file_too_large",
            Error,
            Some("The icon file cannot be larger than 1 MB."),
        );
        let r = Builder::valid()
            .file("icon.png", b"GIF89a not a png")
            .check();
        let f = expect(
            &r,
            "icon.format",
            Error,
            Some("Unsupported icon image format. Only PNG and JPG images are supported."),
        );
        assert!(f.message.contains("gif"), "{}", f.message);
        absent(
            &Builder::valid()
                .set("icon", "<icon>.\\icon.png</icon>")
                .check(),
            "icon.file_missing",
        );
    }

    #[test]
    fn readme_rules() {
        let r = Builder::valid().remove("readme").check();
        expect(&r, "readme.missing", Warning, Some("Readme missing. Go to https://aka.ms/nuget-include-readme learn How to include a readme file within the package."));
        let r = Builder::valid()
            .set("readme", "<readme>README.md<x/></readme>")
            .check();
        expect(&r, "readme.child_nodes", Error, None);
        let r = Builder::valid()
            .set("readme", "<readme>readme.md</readme>")
            .check();
        expect(
            &r,
            "readme.file_missing",
            Error,
            Some("The readme file 'readme.md' does not exist in the package."),
        );
        let r = Builder::valid()
            .set("readme", "<readme>README.txt</readme>")
            .file("README.txt", b"hi")
            .check();
        expect(
            &r,
            "readme.file_extension",
            Error,
            Some(
                "The readme file has an invalid extension '.txt'. The extension must be: ''.md''.",
            ),
        );
        let r = Builder::valid().file("README.md", b"").check();
        expect(
            &r,
            "readme.empty",
            Error,
            Some("The readme file 'README.md' cannot be empty."),
        );
        let r = Builder::valid()
            .file("README.md", &crate::testutil::noise(1024 * 1024 + 1))
            .check();
        expect(
            &r,
            "readme.file_too_large",
            Error,
            Some("The readme file cannot be larger than 1 MB."),
        );
        let r = Builder::valid().file("README.md", b"# hi\0there").check();
        expect(
            &r,
            "readme.file_not_text",
            Error,
            Some("The readme file must be plain text using UTF-8 encoding."),
        );
    }

    #[test]
    fn repository_schemes() {
        let r = Builder::valid()
            .set(
                "repository",
                "<repository type=\"git\" url=\"http://github.com/nupub/sample\" />",
            )
            .check();
        expect(&r, "repository.url_scheme_git", Warning, Some("Repository URL scheme should be 'https' or 'git'. The provided URL will not be displayed."));
        absent(
            &Builder::valid()
                .set(
                    "repository",
                    "<repository type=\"git\" url=\"git://github.com/nupub/sample\" />",
                )
                .check(),
            "repository.url_scheme_git",
        );
        let r = Builder::valid()
            .set(
                "repository",
                "<repository type=\"svn\" url=\"svn://example.com/x\" />",
            )
            .check();
        expect(
            &r,
            "repository.url_scheme_https",
            Warning,
            Some(
                "Repository URL scheme should be 'https'. The provided URL will not be displayed.",
            ),
        );
    }

    #[test]
    fn github_target_needs_the_repository() {
        let b = Builder::valid();
        let path = b.write();
        let mut options = crate::Options::for_target(RuleTarget::Github);
        options.github_repository = Some("nupub/other".into());
        let r = crate::validate_file(&path, &options);
        let f = expect(&r, "github.repository_url", Error, None);
        assert!(f.message.contains("nupub/other"));
        options.github_repository = Some("Nupub/Sample".into());
        absent(
            &crate::validate_file(&path, &options),
            "github.repository_url",
        );
        let r = Builder::valid()
            .remove("repository")
            .check_for(RuleTarget::Github);
        expect(&r, "github.repository_url", Error, None);
        // Other targets do not care.
        absent(
            &Builder::valid()
                .remove("repository")
                .check_for(RuleTarget::NugetOrg),
            "github.repository_url",
        );
        assert_eq!(
            github_repo_of("git@github.com:Nupub/Sample.git").as_deref(),
            Some("nupub/sample")
        );
    }

    #[test]
    fn mcp_rules() {
        let types = |t: &str| format!("<packageTypes>{t}</packageTypes>");
        let r = Builder::valid()
            .add(&types("<packageType name=\"McpServer\" />"))
            .check();
        expect(&r, "mcp.requires_dotnettool", Error, Some("A package cannot contain the 'McpServer' package type without the 'DotnetTool' package type."));
        let both = types("<packageType name=\"DotnetTool\" /><packageType name=\"McpServer\" />");
        let r = Builder::valid().add(&both).check();
        expect(&r, "mcp.server_json_missing", Warning, None);
        let r = Builder::valid()
            .add(&both)
            .file(".mcp/server.json", b"[1, 2]")
            .check();
        expect(&r, "mcp.server_json_invalid", Error, None);
        let r = Builder::valid()
            .add(&both)
            .file(".mcp/server.json", b"{\"name\": \"x\"}")
            .check();
        absent(&r, "mcp.server_json_invalid");
        absent(&r, "mcp.server_json_missing");
    }
}

//! Rules over facts only a feed knows. The caller (the feeds crate) looks
//! them up and fills [`FeedFacts`]; these functions stay pure and offline.

use crate::catalogue as c;
use crate::types::Finding;
use nupub_package::Package;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the feed said about this id and version. `None` means "not looked up".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedFacts {
    /// The feed's display name, used in messages (`nuget.org`).
    pub feed: String,
    /// This id and normalized version already exist (any status that blocks a push).
    pub version_exists: Option<bool>,
    /// The id exists on the feed.
    pub id_exists: Option<bool>,
    /// The id's owners, when the feed lists them.
    pub owners: Vec<String>,
    /// The signed-in user is one of the owners.
    pub you_are_owner: Option<bool>,
    /// The id falls under a reserved prefix (`verified` in search results) that is not yours.
    pub reserved_by_others: Option<bool>,
    /// The nearest lower available version and whether it was author-signed.
    pub previous_version: Option<PreviousVersion>,
    /// A new id whose first part a verified id shares: its prefix may be reserved.
    #[serde(default)]
    pub prefix_hint: Option<PrefixHint>,
    /// What could not be looked up and why, in plain words.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Search cannot say whether a new id's prefix is reserved; a verified id
/// starting with the same first part is the best hint a feed gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrefixHint {
    /// The new id's first part, with its dot (`Contoso.`).
    pub prefix: String,
    /// The verified id that shares it.
    pub verified_id: String,
    /// That id's owners.
    pub owners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviousVersion {
    pub version: String,
    pub author_signed: bool,
}

pub fn check(package: &Package, facts: &FeedFacts) -> Vec<Finding> {
    let id = package.id();
    let version = package.version().normalized();
    let feed = if facts.feed.is_empty() {
        "the feed"
    } else {
        facts.feed.as_str()
    };
    let mut out = Vec::new();
    if facts.version_exists == Some(true) {
        out.push(
            c::VERSION_EXISTS
                .finding(format!("{id} {version} is already on {feed}; a published version can never be replaced."))
                .at("<version>")
                .with_server(c::VERSION_EXISTS.fill(&[id, &version])),
        );
    }
    if facts.id_exists == Some(true)
        && facts.you_are_owner != Some(true)
        && !facts.owners.is_empty()
    {
        out.push(
            c::ID_OWNERS
                .finding(format!(
                    "{id} already exists on {feed}; its owners are {}.",
                    facts.owners.join(", ")
                ))
                .at("<id>"),
        );
    }
    if facts.reserved_by_others == Some(true) && facts.you_are_owner != Some(true) {
        out.push(
            c::ID_RESERVED_PREFIX
                .finding(format!("{id} is inside a prefix reserved on {feed} by someone else, so the push will be refused."))
                .at("<id>"),
        );
    }
    if let Some(hint) = &facts.prefix_hint {
        if facts.reserved_by_others != Some(true) && facts.you_are_owner != Some(true) {
            let owners = if hint.owners.is_empty() {
                String::new()
            } else {
                format!(" (owners: {})", hint.owners.join(", "))
            };
            let mut finding = c::ID_RESERVED_PREFIX
                .finding(format!(
                    "{id} may be inside a prefix reserved on {feed}: {} is verified and also starts with \"{}\"{owners}. \
                     If \"{}\" is reserved, only its owners can publish {id}.",
                    hint.verified_id, hint.prefix, hint.prefix
                ))
                .at("<id>");
            // A hint, not the server's refusal: a warning, without nuget.org's text.
            finding.severity = crate::types::Severity::Warning;
            finding.server_message = None;
            out.push(finding);
        }
    }
    if let Some(previous) = &facts.previous_version {
        if previous.author_signed && !package.is_signed() {
            out.push(
                c::SIGN_SIGNED_TO_UNSIGNED
                    .finding(format!(
                        "{id} {} was author-signed, but this version is not signed.",
                        previous.version
                    ))
                    .with_server(c::SIGN_SIGNED_TO_UNSIGNED.fill(&[&previous.version])),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, RuleTarget};

    fn run(facts: FeedFacts, target: RuleTarget) -> crate::Report {
        let b = Builder::valid();
        let mut options = Options::for_target(target);
        options.feed = Some(facts);
        validate_file(&b.write(), &options)
    }

    #[test]
    fn version_exists_everywhere_even_local() {
        let facts = FeedFacts {
            feed: "nuget.org".into(),
            version_exists: Some(true),
            ..FeedFacts::default()
        };
        expect(&run(facts.clone(), RuleTarget::NugetOrg), "version.exists", Error, Some("A package with ID 'Nupub.Sample' and version '1.0.0' already exists and cannot be modified."));
        expect(
            &run(facts, RuleTarget::Local),
            "version.exists",
            Error,
            None,
        );
        absent(
            &run(
                FeedFacts {
                    version_exists: Some(false),
                    ..FeedFacts::default()
                },
                RuleTarget::NugetOrg,
            ),
            "version.exists",
        );
    }

    #[test]
    fn owners_and_reserved_prefix() {
        let facts = FeedFacts {
            feed: "nuget.org".into(),
            id_exists: Some(true),
            owners: vec!["someone".into()],
            you_are_owner: Some(false),
            reserved_by_others: Some(true),
            ..FeedFacts::default()
        };
        let r = run(facts.clone(), RuleTarget::NugetOrg);
        let f = expect(&r, "id.owners", Info, None);
        assert!(f.message.contains("someone"));
        expect(
            &r,
            "id.reserved_prefix",
            Error,
            Some(crate::catalogue::ID_RESERVED_PREFIX.server.unwrap()),
        );
        absent(&run(facts.clone(), RuleTarget::Myget), "id.reserved_prefix");
        absent(
            &run(
                FeedFacts {
                    you_are_owner: Some(true),
                    ..facts
                },
                RuleTarget::NugetOrg,
            ),
            "id.reserved_prefix",
        );
    }

    #[test]
    fn prefix_hint_is_a_warning_without_server_text() {
        let facts = FeedFacts {
            feed: "nuget.org".into(),
            id_exists: Some(false),
            prefix_hint: Some(PrefixHint {
                prefix: "Nupub.".into(),
                verified_id: "Nupub.Core".into(),
                owners: vec!["nupub".into()],
            }),
            ..FeedFacts::default()
        };
        let r = run(facts.clone(), RuleTarget::NugetOrg);
        let f = expect(&r, "id.reserved_prefix", Warning, None);
        assert!(f.server_message.is_none(), "{f:?}");
        assert!(
            f.message.contains("Nupub.Core") && f.message.contains("\"Nupub.\" (owners: nupub)"),
            "{}",
            f.message
        );
        absent(&run(facts.clone(), RuleTarget::Myget), "id.reserved_prefix");
        absent(
            &run(
                FeedFacts {
                    you_are_owner: Some(true),
                    ..facts
                },
                RuleTarget::NugetOrg,
            ),
            "id.reserved_prefix",
        );
    }

    #[test]
    fn signed_to_unsigned() {
        let facts = FeedFacts {
            previous_version: Some(PreviousVersion {
                version: "0.9.0".into(),
                author_signed: true,
            }),
            ..FeedFacts::default()
        };
        expect(&run(facts, RuleTarget::NugetOrg), "sign.signed_to_unsigned", Warning, Some("The previous package version '0.9.0' is author signed but the uploaded package is unsigned. To avoid this warning, sign the package before uploading."));
        let facts = FeedFacts {
            previous_version: Some(PreviousVersion {
                version: "0.9.0".into(),
                author_signed: false,
            }),
            ..FeedFacts::default()
        };
        absent(&run(facts, RuleTarget::NugetOrg), "sign.signed_to_unsigned");
    }

    #[test]
    fn signed_to_unsigned_matters_on_every_feed_but_a_folder() {
        // Consumers who require signed packages break on any feed, not only nuget.org.
        let facts = || FeedFacts {
            previous_version: Some(PreviousVersion {
                version: "0.9.0".into(),
                author_signed: true,
            }),
            ..FeedFacts::default()
        };
        for target in [
            RuleTarget::Generic,
            RuleTarget::Myget,
            RuleTarget::Github,
            RuleTarget::Azure,
        ] {
            let report = run(facts(), target);
            let found = report
                .findings
                .iter()
                .find(|f| f.code == "sign.signed_to_unsigned")
                .unwrap_or_else(|| panic!("missing on {target:?}"));
            assert_eq!(found.severity, Warning, "{target:?}");
        }
    }
}

//! Signature shape: what nuget.org's asynchronous signature validation would
//! fail (only author signatures are accepted on upload).

use crate::catalogue as c;
use crate::{Facts, Finding};
use nupub_package::signature::SignatureKind;
use nupub_package::Package;

/// RFC 3339 / ISO time (`2018-02-23T12:00:00Z`) as seconds since 1970.
fn parse_time(text: &str) -> Option<i64> {
    super::archive::parse_zip_time(text.get(..19)?)
}

pub fn check(package: &Package, facts: &Facts) -> Vec<Finding> {
    let Some(sig) = package.signature() else {
        return Vec::new();
    };
    let from = |url: &Option<String>, subject: &Option<String>| {
        url.clone()
            .or_else(|| subject.clone())
            .unwrap_or_else(|| "a package feed".to_string())
    };
    let finding = match sig.kind {
        SignatureKind::Author => {
            let expired = sig.not_after.as_deref().and_then(parse_time).is_some_and(|t| t < facts.now_unix);
            (expired && sig.timestamp_time.is_none()).then(|| {
                c::SIGN_CERTIFICATE_EXPIRED.finding(format!(
                    "The signing certificate expired on {} and the signature has no timestamp, so NuGet no longer trusts it.",
                    sig.not_after.as_deref().unwrap_or("?")
                ))
            })
        }
        SignatureKind::Repository => Some(c::SIGN_AUTHOR_SIGNATURE_ONLY.finding(format!(
            "This package carries a repository signature from {}: it was downloaded from a feed, not produced by your build. nuget.org accepts only author signatures.",
            from(&sig.service_index_url, &sig.subject)
        ))),
        SignatureKind::AuthorWithRepositoryCountersignature => {
            let counter = sig.repository_countersignature.as_ref();
            Some(c::SIGN_COUNTERSIGNATURES.finding(format!(
                "This package carries a repository countersignature from {}: it was downloaded from a feed, not produced by your build.",
                counter.map_or("a package feed".to_string(), |s| from(&s.service_index_url, &s.subject))
            )))
        }
        SignatureKind::Unknown => Some(c::SIGN_AUTHOR_SIGNATURE_ONLY.finding(
            "The package signature is neither an author nor a repository signature (no commitment type NuGet knows).",
        )),
        SignatureKind::Unreadable => Some(c::SIGN_UNREADABLE.finding(format!(
            "The package signature (.signature.p7s) cannot be read: {}.",
            sig.error.as_deref().unwrap_or("unknown reason")
        ))),
    };
    finding
        .map(|f| f.at(".signature.p7s"))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, Target};

    fn check(name: &str) -> crate::Report {
        validate_file(
            &nupub_testkit::fixture(name),
            &Options::for_target(Target::NugetOrg),
        )
    }

    #[test]
    fn repository_signature_means_downloaded() {
        let r = check("Test.Reposigned.1.0.0.nupkg");
        let f = expect(&r, "sign.author_signature_only", Error, Some("Signed packages must only have an author signature. Other signature types are not supported."));
        assert!(
            f.message.contains("downloaded from a feed"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("https://v3ServiceIndex.test/api/index"),
            "{}",
            f.message
        );
    }

    #[test]
    fn repository_countersignature() {
        let r = check("Serilog.2.12.0.nupkg");
        expect(&r, "sign.author_signature_only", Error, None);
        let r = check("Newtonsoft.Json.13.0.3.nupkg");
        let f = expect(
            &r,
            "sign.countersignatures",
            Error,
            Some("Author countersignatures and repository countersignatures are not supported."),
        );
        assert!(f.message.contains("api.nuget.org"), "{}", f.message);
    }

    #[test]
    fn expired_without_timestamp() {
        let r = check("SignedPackage.1.0.0.nupkg");
        expect(&r, "sign.certificate_expired", Error, None);
        // Timestamped author signatures do not get this finding.
        absent(
            &check("TestPackage.AuthorSigned.1.0.0.nupkg"),
            "sign.certificate_expired",
        );
    }

    #[test]
    fn unreadable_signature() {
        let r = Builder::valid()
            .file(".signature.p7s", b"not a CMS blob")
            .check();
        expect(&r, "sign.unreadable", Error, None);
        absent(&Builder::valid().check(), "sign.unreadable");
    }
}

//! Signature shape: what nuget.org's asynchronous signature validation would
//! fail (only author signatures are accepted on upload).

use crate::catalogue as c;
use crate::certificates::{
    is_well_known_ca, timestamp_problem, CertificateView, ChainEnd, Key, SigningFacts,
    EKU_CODE_SIGNING, EKU_TIME_STAMPING,
};
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::signature::{CertificateInfo, SignatureKind};
use nupub_package::Package;

/// RFC 3339 / ISO time (`2018-02-23T12:00:00Z`, its first 19 characters
/// read as UTC) as seconds since 1970.
fn parse_time(text: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(text.get(..19)?, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
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
    let mut out: Vec<Finding> = finding.into_iter().collect();
    if let Some(signing) = &facts.signing {
        out.extend(requirements(signing));
    }
    out.into_iter().map(|f| f.at(".signature.p7s")).collect()
}

/// `2024-05-01 12:00:00 UTC` for seconds since 1970.
fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || format!("{unix} s after 1970"),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

fn key_problem(key: &Key) -> Option<String> {
    match key {
        Key::Rsa { bits } if *bits >= 2048 => None,
        Key::Rsa { bits } => Some(format!("has a {bits}-bit RSA key")),
        Key::Other(oid) => Some(format!("has a key that is not RSA (algorithm {oid})")),
        Key::Unreadable => Some("has an RSA key whose size cannot be read".into()),
    }
}

fn eku_text(cert: &CertificateInfo) -> String {
    match &cert.ekus {
        None => "has no extended key usage at all".into(),
        Some(list) if list.is_empty() => "has an empty extended key usage list".into(),
        Some(list) => format!("is only for {}", list.join(", ")),
    }
}

/// nuget.org's documented requirements for author signatures (rule 113),
/// which it checks after the upload and then fails the version.
fn requirements(signing: &SigningFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(cert) = &signing.signer else {
        out.push(c::SIGN_UNREADABLE.finding(
            "The package signature does not carry its signing certificate, so nobody can check it.",
        ));
        return out;
    };
    let who = cert.name();
    if let Some(problem) = key_problem(&cert.key()) {
        out.push(c::SIGN_KEY_SIZE.finding(format!(
            "The signing certificate \"{who}\" {problem}; nuget.org requires an RSA key of at least 2048 bits."
        )));
    }
    if !cert.has_eku(EKU_CODE_SIGNING) {
        let finding = c::SIGN_CODE_SIGNING_EKU.finding(format!(
            "The signing certificate \"{who}\" {}, not for code signing (1.3.6.1.5.5.7.3.3), which nuget.org requires.",
            eku_text(cert)
        ));
        // Without any EKU extension, NuGet's client takes the certificate as
        // valid for every purpose; only nuget.org's documentation says no.
        out.push(if cert.ekus.is_none() {
            finding.with_severity(crate::types::Severity::Warning)
        } else {
            finding
        });
    }
    match &signing.chain_end {
        Some(ChainEnd::SelfIssued) => out.push(c::SIGN_SELF_ISSUED.finding(format!(
            "The signing certificate \"{who}\" is self-issued (it names itself as its issuer). nuget.org accepts only certificates that chain to a root Windows trusts, so it will fail this version after the upload."
        ))),
        Some(ChainEnd::Root(root) | ChainEnd::Issuer(root)) if !is_well_known_ca(root) => {
            out.push(c::SIGN_UNKNOWN_ROOT.finding(format!(
                "The signing certificate \"{who}\" chains to \"{root}\", which Nupub does not know as a certificate authority trusted by Windows. Nupub cannot read Windows' root store, so it could not confirm that nuget.org will accept it."
            )))
        }
        _ => {}
    }
    match signing.timestamps.len() {
        0 => out.push(c::SIGN_TIMESTAMP_MISSING.finding(format!(
            "The signature by \"{who}\" has no RFC 3161 timestamp; nuget.org requires exactly one."
        ))),
        1 => {}
        n => out.push(c::SIGN_TIMESTAMP_COUNT.finding(format!(
            "The signature by \"{who}\" has {n} timestamps; nuget.org requires exactly one."
        ))),
    }
    for ts in &signing.timestamps {
        if let Some(problem) = timestamp_problem(ts) {
            out.push(c::SIGN_TIMESTAMP_INVALID.finding(format!(
                "The timestamp on the signature by \"{who}\" is not a valid RFC 3161 timestamp: {problem}."
            )));
        }
        if let Some(tsa) = &ts.signer {
            if let Some(problem) = key_problem(&tsa.key()) {
                out.push(c::SIGN_TIMESTAMP_KEY_SIZE.finding(format!(
                    "The timestamp certificate \"{}\" {problem}; nuget.org requires an RSA key of at least 2048 bits.",
                    tsa.name()
                )));
            }
            if !tsa.has_eku(EKU_TIME_STAMPING) {
                out.push(c::SIGN_TIMESTAMPING_EKU.finding(format!(
                    "The timestamp certificate \"{}\" {}, not for time stamping (1.3.6.1.5.5.7.3.8), which nuget.org requires.",
                    tsa.name(),
                    eku_text(tsa)
                )));
            }
        }
        // A generation time counts only from a timestamp that could be read.
        if let Some(time) = ts.time_unix.filter(|_| ts.error.is_none()) {
            if time < cert.not_before || time > cert.not_after {
                out.push(c::SIGN_NOT_VALID_AT_TIMESTAMP.finding(format!(
                    "The package was signed on {}, but the signing certificate \"{who}\" is valid only from {} to {}.",
                    date(time),
                    date(cert.not_before),
                    date(cert.not_after)
                )));
            }
        }
    }
    out.push(
        c::SIGN_CERTIFICATE_REGISTRATION
            .finding(format!(
                "nuget.org accepts this signed package only if the certificate \"{who}\" (SHA-256 thumbprint {}) is registered to your nuget.org account (or the owner's).",
                cert.sha256
            ))
            .with_server(c::SIGN_CERTIFICATE_REGISTRATION.fill(&[&cert.sha256])),
    );
    out
}

#[cfg(test)]
mod tests {
    use crate::certificates::CertificateView;
    use crate::testsign::{signature, Spec, CODE_SIGNING, SERVER_AUTH};
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, RuleTarget};

    fn check(name: &str) -> crate::Report {
        validate_file(
            &nupub_fixtures::fixture(name),
            &Options::for_target(RuleTarget::NugetOrg),
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

    fn signed(spec: Spec) -> crate::Report {
        Builder::valid()
            .file(".signature.p7s", &signature(&spec))
            .check()
    }

    /// The codes of every finding about the signature, but the registration note.
    fn sign_codes(r: &crate::Report) -> Vec<&str> {
        r.findings
            .iter()
            .filter(|f| f.code.starts_with("sign.") && f.code != "sign.certificate_registration")
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn a_good_author_signature_only_asks_for_registration() {
        let r = signed(Spec {
            root_name: "CN=DigiCert Nupub Test Root,O=Nupub Tests",
            ..Spec::default()
        });
        assert_eq!(sign_codes(&r), Vec::<&str>::new(), "{:#?}", r.findings);
        let f = expect(&r, "sign.certificate_registration", Info, None);
        assert!(f.message.contains("\"Nupub Test Signer\""), "{}", f.message);
        let thumbprint = f
            .message
            .split("thumbprint ")
            .nth(1)
            .unwrap()
            .get(..64)
            .unwrap();
        assert!(
            thumbprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "{thumbprint}"
        );
        assert!(f.server_message.as_deref().unwrap().contains(thumbprint));
        assert_eq!(f.path.as_deref(), Some(".signature.p7s"));
        // Elsewhere than nuget.org the requirements are notes.
        let r = Builder::valid()
            .file(".signature.p7s", &signature(&Spec::default()))
            .check_for(RuleTarget::Generic);
        assert!(!r.has_errors(), "{:#?}", r.findings);
    }

    #[test]
    fn an_unknown_root_is_a_warning_not_an_error() {
        let r = signed(Spec::default());
        assert_eq!(sign_codes(&r), ["sign.unknown_root"], "{:#?}", r.findings);
        let f = expect(&r, "sign.unknown_root", Warning, None);
        assert!(f.message.contains("Nupub Test Root CA"), "{}", f.message);
        assert!(f.message.contains("Windows"), "{}", f.message);
    }

    #[test]
    fn a_1024_bit_signing_key() {
        let r = signed(Spec {
            signer_bits: 1024,
            ..Spec::default()
        });
        let f = expect(&r, "sign.key_size", Error, None);
        assert!(
            f.message
                .contains("\"Nupub Test Signer\" has a 1024-bit RSA key"),
            "{}",
            f.message
        );
        absent(&r, "sign.timestamp_key_size");
    }

    #[test]
    fn a_1024_bit_timestamp_key() {
        let r = signed(Spec {
            tsa_bits: 1024,
            ..Spec::default()
        });
        let f = expect(&r, "sign.timestamp_key_size", Error, None);
        assert!(
            f.message.contains("Nupub Test Time Stamping Authority"),
            "{}",
            f.message
        );
        absent(&r, "sign.key_size");
    }

    #[test]
    fn missing_code_signing_eku() {
        let r = signed(Spec {
            signer_eku: Some(SERVER_AUTH),
            ..Spec::default()
        });
        let f = expect(&r, "sign.code_signing_eku", Error, None);
        assert!(f.message.contains("1.3.6.1.5.5.7.3.1"), "{}", f.message);
        // No EKU extension at all: NuGet's client accepts it, nuget.org's documentation does not.
        let r = signed(Spec {
            signer_eku: None,
            ..Spec::default()
        });
        expect(&r, "sign.code_signing_eku", Warning, None);
    }

    #[test]
    fn missing_time_stamping_eku() {
        let r = signed(Spec {
            tsa_eku: Some(CODE_SIGNING),
            ..Spec::default()
        });
        expect(&r, "sign.timestamping_eku", Error, None);
        absent(&r, "sign.code_signing_eku");
    }

    #[test]
    fn self_issued() {
        let r = signed(Spec {
            self_issued: true,
            ..Spec::default()
        });
        let f = expect(&r, "sign.self_issued", Error, None);
        assert!(
            f.message.contains("\"Nupub Test Signer\" is self-issued"),
            "{}",
            f.message
        );
        absent(&r, "sign.unknown_root");
    }

    #[test]
    fn timestamps_none_two_or_not_for_this_signature() {
        let r = signed(Spec {
            timestamps: 0,
            ..Spec::default()
        });
        expect(&r, "sign.timestamp_missing", Error, None);
        let r = signed(Spec {
            timestamps: 2,
            ..Spec::default()
        });
        let f = expect(&r, "sign.timestamp_count", Error, None);
        assert!(f.message.contains("2 timestamps"), "{}", f.message);
        let r = signed(Spec {
            wrong_imprint: true,
            ..Spec::default()
        });
        let f = expect(&r, "sign.timestamp_invalid", Error, None);
        assert!(f.message.contains("message imprint"), "{}", f.message);
    }

    #[test]
    fn stamped_outside_the_certificate_validity() {
        let r = signed(Spec {
            stamped_days_from_now: 400,
            ..Spec::default()
        });
        let f = expect(&r, "sign.not_valid_at_timestamp", Error, None);
        assert!(f.message.contains("Nupub Test Signer"), "{}", f.message);
        // The real test asset whose timestamp is later than its certificate.
        let r = check("TimestampInvalidGenTimePackage.nupkg");
        expect(&r, "sign.not_valid_at_timestamp", Error, None);
    }

    #[test]
    fn a_signature_without_its_certificate() {
        let r = signed(Spec {
            omit_signer_certificate: true,
            ..Spec::default()
        });
        let f = expect(&r, "sign.unreadable", Error, None);
        assert!(f.message.contains("signing certificate"), "{}", f.message);
        absent(&r, "sign.certificate_registration");
    }

    /// What the requirements read from real author signatures (nuget.org
    /// accepted these packages, then countersigned them).
    #[test]
    fn real_author_signatures() {
        for (name, signer) in [
            ("Newtonsoft.Json.13.0.3.nupkg", "Json.NET (.NET Foundation)"),
            (
                "Microsoft.Extensions.Logging.Abstractions.8.0.1.nupkg",
                "Microsoft Corporation",
            ),
            ("nuget.versioning.5.0.0.nupkg", "Microsoft Corporation"),
        ] {
            let package = nupub_package::Package::open(&nupub_fixtures::fixture(name)).unwrap();
            let facts = crate::PackageFacts::gather(&package, false);
            let signing = facts.signing.unwrap();
            let cert = signing.signer.unwrap();
            assert_eq!(cert.name(), signer, "{name}");
            assert!(
                matches!(cert.key(), crate::certificates::Key::Rsa { bits } if bits >= 2048),
                "{name}: {:?}",
                cert.key()
            );
            assert!(
                cert.has_eku(crate::certificates::EKU_CODE_SIGNING),
                "{name}"
            );
            assert_eq!(cert.sha256.len(), 64, "{name}");
            assert_eq!(signing.timestamps.len(), 1, "{name}");
            let ts = &signing.timestamps[0];
            assert_eq!(crate::certificates::timestamp_problem(ts), None, "{name}");
            let tsa = ts.signer.as_ref().unwrap();
            assert!(
                tsa.has_eku(crate::certificates::EKU_TIME_STAMPING),
                "{name}"
            );
            let time = ts.time_unix.unwrap();
            assert!(cert.not_before <= time && time <= cert.not_after, "{name}");
            match signing.chain_end.unwrap() {
                crate::certificates::ChainEnd::Root(root)
                | crate::certificates::ChainEnd::Issuer(root) => {
                    assert!(
                        crate::certificates::is_well_known_ca(&root),
                        "{name}: {root}"
                    )
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // Repository-only signatures are not author signatures: nothing to read.
        let package =
            nupub_package::Package::open(&nupub_fixtures::fixture("Npgsql.8.0.3.nupkg")).unwrap();
        assert_eq!(crate::PackageFacts::gather(&package, false).signing, None);
    }

    #[test]
    fn hostile_signatures_do_not_panic() {
        let good = signature(&Spec::default());
        // Every truncation and a byte flipped at many offsets: findings, never a panic.
        for cut in (0..good.len()).step_by(97) {
            let _ = Builder::valid()
                .file(".signature.p7s", good.get(..cut).unwrap())
                .check();
        }
        for at in (0..good.len()).step_by(211) {
            let mut bad = good.clone();
            bad[at] ^= 0x55;
            let info = nupub_package::signature::parse(&bad);
            if let Some(f) = crate::certificates::SigningFacts::of(&info) {
                let _ = super::requirements(&f);
            }
        }
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

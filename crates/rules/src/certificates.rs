//! The author signature's certificates and timestamps, judged for nuget.org's
//! signing requirements (spec rule 113). The package model
//! (`nupub_package::signature`) reads them from `.signature.p7s` as plain
//! data ([`CertificateInfo`], [`TimestampInfo`]); this module only
//! interprets those facts: which key the requirements see, whether an
//! extended key usage allows a purpose, where the carried chain ends, why a
//! timestamp is not valid. Nothing here verifies the signed hash, trust or
//! revocation.

use nupub_package::signature::{
    CertificateInfo, ImprintCheck, SignatureInfo, TimestampInfo, KEY_RSA,
};

/// id-kp-codeSigning.
pub const EKU_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
/// id-kp-timeStamping.
pub const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
/// anyExtendedKeyUsage: valid for every purpose.
pub const EKU_ANY: &str = "2.5.29.37.0";

/// A certificate's public key, as far as the requirements care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Rsa {
        bits: u32,
    },
    /// Another algorithm (its OID); NuGet signs with RSA only.
    Other(String),
    /// An RSA key whose modulus cannot be read.
    Unreadable,
}

/// How the requirements look at one certificate of the package model.
pub trait CertificateView {
    /// The subject's common name, or the full subject when it has none.
    fn name(&self) -> &str;
    fn key(&self) -> Key;
    /// Does the certificate allow this purpose? (anyExtendedKeyUsage allows all.)
    fn has_eku(&self, oid: &str) -> bool;
}

impl CertificateView for CertificateInfo {
    fn name(&self) -> &str {
        self.common_name.as_deref().unwrap_or(&self.subject)
    }

    fn key(&self) -> Key {
        match self.rsa_bits {
            _ if self.key_algorithm != KEY_RSA => Key::Other(self.key_algorithm.clone()),
            Some(bits) => Key::Rsa { bits },
            None => Key::Unreadable,
        }
    }

    fn has_eku(&self, oid: &str) -> bool {
        self.ekus
            .as_ref()
            .is_some_and(|list| list.iter().any(|e| e == oid || e == EKU_ANY))
    }
}

/// Where the signing certificate's chain, as carried in the signature, ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainEnd {
    /// The signing certificate is its own issuer.
    SelfIssued,
    /// A root (self-issued CA certificate) in the signature.
    Root(String),
    /// The last certificate's issuer is not in the signature: its name.
    Issuer(String),
}

/// Where a chain (signing certificate first) ends; `None` for an empty chain.
pub fn chain_end(chain: &[CertificateInfo]) -> Option<ChainEnd> {
    let first = chain.first()?;
    let last = chain.last()?;
    Some(if first.self_issued {
        ChainEnd::SelfIssued
    } else if last.self_issued {
        ChainEnd::Root(last.subject.clone())
    } else {
        ChainEnd::Issuer(last.issuer.clone())
    })
}

/// Why a timestamp is not a valid RFC 3161 timestamp for the signature it
/// is on, or `None` when it is.
pub fn timestamp_problem(ts: &TimestampInfo) -> Option<String> {
    if let Some(error) = &ts.error {
        return Some(error.clone());
    }
    if ts.time_unix.is_none() {
        return Some("its generation time cannot be read".into());
    }
    let algorithm = ts.imprint_algorithm.as_deref().unwrap_or("?");
    match ts.imprint {
        ImprintCheck::Matches => {}
        ImprintCheck::DoesNotMatch => {
            return Some("its message imprint is not the hash of this signature".into())
        }
        // NuGet accepts SHA-256, SHA-384 and SHA-512 imprints only.
        ImprintCheck::UnsupportedAlgorithm => {
            return Some(format!(
            "its message imprint uses the hash algorithm {algorithm}, which NuGet does not accept"
        ))
        }
        ImprintCheck::Malformed | ImprintCheck::NotChecked => {
            return Some("its message imprint is malformed".into())
        }
    }
    if ts.signer.is_none() {
        return Some("it does not carry the time-stamping authority's certificate".into());
    }
    None
}

/// The author signature's facts the requirements judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningFacts {
    /// `None` when the signature does not carry its signing certificate.
    pub signer: Option<CertificateInfo>,
    pub chain_end: Option<ChainEnd>,
    pub timestamps: Vec<TimestampInfo>,
}

impl SigningFacts {
    /// The primary signer's facts from the package model; `None` when the
    /// signature could not be read.
    pub fn of(signature: &SignatureInfo) -> Option<SigningFacts> {
        let certificates = signature.certificates.as_ref()?;
        Some(SigningFacts {
            signer: certificates.signer().cloned(),
            chain_end: chain_end(&certificates.chain),
            timestamps: certificates.timestamps.clone(),
        })
    }
}

/// Root and issuing CA names of the certificate authorities whose code-signing
/// and time-stamping roots ship in Windows' trusted root program. A name match
/// cannot prove trust (only Windows' root store can); it only decides between
/// saying nothing and a warning that Nupub could not confirm the root.
const WELL_KNOWN_CAS: &[&str] = &[
    "digicert",
    "microsoft root certificate authority",
    "microsoft identity verification root",
    "microsoft time-stamp",
    "microsoft code signing pca",
    "sectigo",
    "usertrust",
    "comodo",
    "globalsign",
    "entrust",
    "ssl.com",
    "certum",
    "verisign",
    "symantec",
    "thawte",
    "geotrust",
    "go daddy",
    "godaddy",
    "starfield",
    "identrust",
    "quovadis",
    "baltimore cybertrust",
    "addtrust",
    "buypass",
    "swisssign",
    "harica",
    "actalis",
];

/// Does this root or issuer name belong to a well-known certificate authority?
pub fn is_well_known_ca(name: &str) -> bool {
    let lower = name.to_lowercase();
    WELL_KNOWN_CAS.iter().any(|ca| lower.contains(ca))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(subject: &str, issuer: &str) -> CertificateInfo {
        CertificateInfo {
            subject: subject.into(),
            common_name: None,
            issuer: issuer.into(),
            self_issued: subject == issuer,
            sha256: "00".repeat(32),
            key_algorithm: KEY_RSA.into(),
            rsa_bits: Some(2048),
            ekus: None,
            not_before: 0,
            not_after: 1,
        }
    }

    #[test]
    fn keys() {
        let mut c = cert("CN=a", "CN=b");
        assert_eq!(c.key(), Key::Rsa { bits: 2048 });
        c.rsa_bits = None;
        assert_eq!(c.key(), Key::Unreadable);
        c.key_algorithm = "1.2.840.10045.2.1".into();
        c.rsa_bits = Some(4096);
        assert_eq!(c.key(), Key::Other("1.2.840.10045.2.1".into()));
    }

    #[test]
    fn names_and_ekus() {
        let mut c = cert("CN=Signer,O=Org", "CN=CA");
        assert_eq!(c.name(), "CN=Signer,O=Org");
        c.common_name = Some("Signer".into());
        assert_eq!(c.name(), "Signer");
        assert!(!c.has_eku(EKU_CODE_SIGNING));
        c.ekus = Some(vec![EKU_TIME_STAMPING.into()]);
        assert!(!c.has_eku(EKU_CODE_SIGNING));
        assert!(c.has_eku(EKU_TIME_STAMPING));
        c.ekus = Some(vec![EKU_ANY.into()]);
        assert!(c.has_eku(EKU_CODE_SIGNING));
    }

    #[test]
    fn chain_ends() {
        assert_eq!(chain_end(&[]), None);
        assert_eq!(
            chain_end(&[cert("CN=me", "CN=me")]),
            Some(ChainEnd::SelfIssued)
        );
        assert_eq!(
            chain_end(&[cert("CN=me", "CN=ca"), cert("CN=ca", "CN=root")]),
            Some(ChainEnd::Issuer("CN=root".into()))
        );
        assert_eq!(
            chain_end(&[
                cert("CN=me", "CN=ca"),
                cert("CN=ca", "CN=root"),
                cert("CN=root", "CN=root")
            ]),
            Some(ChainEnd::Root("CN=root".into()))
        );
    }

    #[test]
    fn timestamp_problems_in_order() {
        let good = TimestampInfo {
            time: Some("2023-03-08T07:10:12Z".into()),
            time_unix: Some(1_678_259_412),
            imprint: ImprintCheck::Matches,
            imprint_algorithm: Some("2.16.840.1.101.3.4.2.1".into()),
            signer: Some(cert("CN=TSA", "CN=root")),
            error: None,
        };
        assert_eq!(timestamp_problem(&good), None);
        let with = |f: &dyn Fn(&mut TimestampInfo)| {
            let mut ts = good.clone();
            f(&mut ts);
            timestamp_problem(&ts).unwrap()
        };
        assert_eq!(
            with(&|t| t.error = Some("it has no TSTInfo".into())),
            "it has no TSTInfo"
        );
        assert!(with(&|t| t.time_unix = None).contains("generation time"));
        assert!(with(&|t| t.imprint = ImprintCheck::DoesNotMatch).contains("not the hash"));
        assert!(with(&|t| {
            t.imprint = ImprintCheck::UnsupportedAlgorithm;
            t.imprint_algorithm = Some("1.3.14.3.2.26".into());
        })
        .contains("1.3.14.3.2.26"));
        assert!(with(&|t| t.imprint = ImprintCheck::Malformed).contains("malformed"));
        assert!(with(&|t| t.signer = None).contains("time-stamping authority"));
    }

    #[test]
    fn well_known_names() {
        assert!(is_well_known_ca(
            "CN=DigiCert Trusted Root G4,OU=www.digicert.com,O=DigiCert Inc,C=US"
        ));
        assert!(is_well_known_ca(
            "CN=Microsoft Root Certificate Authority 2010,O=Microsoft Corporation"
        ));
        assert!(!is_well_known_ca(
            "CN=NuGet Test Root Certificate Authority"
        ));
    }
}

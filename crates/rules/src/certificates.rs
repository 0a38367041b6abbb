//! The certificates of an author signature, as nuget.org's signing
//! requirements need them (spec rule 113): the signing certificate's key,
//! extended key usages, validity and issuer chain, and every RFC 3161
//! timestamp with its own certificate. Read with the RustCrypto `cms`,
//! `x509-cert` and `der` crates.
//!
//! The package model (`nupub_package::signature`) tells what the signature
//! says; this reads what the requirements check and nothing else. Neither
//! verifies the signed hash, trust or revocation.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString, UintRef};
use der::{Any, Decode, Encode, Reader, SliceReader, Tag, Tagged};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;

const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_TIMESTAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

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
        bits: usize,
    },
    /// Another algorithm (its OID); NuGet signs with RSA only.
    Other(String),
    /// An RSA key whose modulus cannot be read.
    Unreadable,
}

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    /// The full subject (RFC 4514 text).
    pub subject: String,
    /// The subject's common name, or the full subject when it has none.
    pub name: String,
    pub issuer: String,
    /// Subject and issuer are the same name.
    pub self_issued: bool,
    pub key: Key,
    /// The extended key usages; `None` when the certificate has no EKU extension.
    pub ekus: Option<Vec<String>>,
    /// Validity, seconds since 1970 (UTC).
    pub not_before: i64,
    pub not_after: i64,
    /// SHA-256 of the DER certificate, upper-case hex (nuget.org's thumbprint).
    pub sha256: String,
}

impl CertFacts {
    pub fn has_eku(&self, oid: &str) -> bool {
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

/// One RFC 3161 timestamp on the author signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampFacts {
    /// The generation time, seconds since 1970.
    pub time: Option<i64>,
    /// The generation time as written (`2023-03-08T07:10:12Z`).
    pub time_text: Option<String>,
    /// The time-stamping authority's certificate.
    pub signer: Option<CertFacts>,
    /// Why the timestamp is not a valid RFC 3161 timestamp for this signature.
    pub problem: Option<String>,
}

/// The author signature's certificates and timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningFacts {
    /// `None` when the signature does not carry its signing certificate.
    pub signer: Option<CertFacts>,
    pub chain_end: Option<ChainEnd>,
    pub timestamps: Vec<TimestampFacts>,
}

/// Reads `.signature.p7s`. An error says why it cannot be read (the package
/// model reports unreadable signatures; this error is kept for completeness).
pub fn read(p7s: &[u8]) -> Result<SigningFacts, String> {
    let signed = signed_data(p7s)?;
    let certificates: Vec<&Certificate> = signed.certificates.iter().collect();
    let primary = signed
        .signer_infos
        .first()
        .ok_or_else(|| "the signature has no signer".to_string())?;
    let cert = find_certificate(primary, &certificates);
    let chain_end = cert.map(|c| chain_end(c, &certificates));
    let timestamps = primary
        .unsigned_attrs
        .as_ref()
        .map(|set| {
            set.iter()
                .filter(|a| a.oid == OID_TIMESTAMP_TOKEN)
                .flat_map(|a| a.values.iter())
                .map(|token| timestamp(token, primary.signature.as_bytes()))
                .collect()
        })
        .unwrap_or_default();
    Ok(SigningFacts {
        signer: cert.map(describe),
        chain_end,
        timestamps,
    })
}

/// The SignedData inside a ContentInfo, read leniently (see [`LenientSignedData`]).
fn signed_data(bytes: &[u8]) -> Result<LenientSignedData, String> {
    let content = ContentInfo::from_der(bytes).map_err(|e| format!("not a CMS structure: {e}"))?;
    if content.content_type != OID_SIGNED_DATA {
        return Err(format!(
            "the content type is {}, not SignedData",
            content.content_type
        ));
    }
    LenientSignedData::decode(&content.content)
        .map_err(|e| format!("the SignedData is malformed: {e}"))
}

/// SignedData read field by field: real signatures carry the same
/// certificate twice, which `cms`'s strict DER SET OF refuses and NuGet reads.
struct LenientSignedData {
    econtent_type: ObjectIdentifier,
    econtent: Option<Any>,
    certificates: Vec<Certificate>,
    signer_infos: Vec<SignerInfo>,
}

impl LenientSignedData {
    fn decode(any: &Any) -> der::Result<LenientSignedData> {
        let mut r = SliceReader::new(any.value())?;
        let _version: Any = r.decode()?;
        let _digest_algorithms: Any = r.decode()?;
        let encap: cms::signed_data::EncapsulatedContentInfo = r.decode()?;
        let mut certificates = Vec::new();
        let mut signer_infos = Vec::new();
        while !r.is_finished() {
            let item: Any = r.decode()?;
            let tag = item.tag();
            if tag.is_context_specific() && tag.octet() & 0x1F == 0 {
                let mut inner = SliceReader::new(item.value())?;
                while !inner.is_finished() {
                    let choice: Any = inner.decode()?;
                    if choice.tag() == Tag::Sequence {
                        if let Ok(cert) = choice.decode_as::<Certificate>() {
                            certificates.push(cert);
                        }
                    }
                }
            } else if tag == Tag::Set {
                let mut inner = SliceReader::new(item.value())?;
                while !inner.is_finished() {
                    let signer: Any = inner.decode()?;
                    signer_infos.push(signer.decode_as::<SignerInfo>()?);
                }
            }
        }
        Ok(LenientSignedData {
            econtent_type: encap.econtent_type,
            econtent: encap.econtent,
            certificates,
            signer_infos,
        })
    }
}

fn find_certificate<'a>(
    signer: &SignerInfo,
    certificates: &[&'a Certificate],
) -> Option<&'a Certificate> {
    match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certificates.iter().copied().find(|c| {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(ski) => certificates.iter().copied().find(|c| {
            c.tbs_certificate.extensions.as_ref().is_some_and(|exts| {
                exts.iter().any(|e| {
                    e.extn_id == OID_SKI
                        && OctetString::from_der(e.extn_value.as_bytes())
                            .is_ok_and(|v| v.as_bytes() == ski.0.as_bytes())
                })
            })
        }),
    }
}

/// Follows issuer names through the certificates in the signature (at most 10 links).
fn chain_end(cert: &Certificate, certificates: &[&Certificate]) -> ChainEnd {
    let tbs = &cert.tbs_certificate;
    if tbs.subject == tbs.issuer {
        return ChainEnd::SelfIssued;
    }
    let mut current = cert;
    for _ in 0..10 {
        let issuer = &current.tbs_certificate.issuer;
        let Some(next) = certificates
            .iter()
            .copied()
            .find(|c| &c.tbs_certificate.subject == issuer && *c != current)
        else {
            return ChainEnd::Issuer(issuer.to_string());
        };
        if next.tbs_certificate.subject == next.tbs_certificate.issuer {
            return ChainEnd::Root(next.tbs_certificate.subject.to_string());
        }
        current = next;
    }
    ChainEnd::Issuer(current.tbs_certificate.issuer.to_string())
}

fn common_name(name: &x509_cert::name::Name) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == OID_CN)
        .map(|atv| {
            // DirectoryString: UTF8String, PrintableString, BMPString…; read as text.
            match atv.value.tag() {
                Tag::BmpString => {
                    let units: Vec<u16> = atv
                        .value
                        .value()
                        .chunks(2)
                        .map(|c| {
                            u16::from_be_bytes([
                                c.first().copied().unwrap_or(0),
                                c.get(1).copied().unwrap_or(0),
                            ])
                        })
                        .collect();
                    String::from_utf16_lossy(&units)
                }
                _ => String::from_utf8_lossy(atv.value.value()).into_owned(),
            }
        })
}

fn unix(time: &x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

fn describe(cert: &Certificate) -> CertFacts {
    let tbs = &cert.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    let key = if spki.algorithm.oid == OID_RSA {
        spki.subject_public_key
            .as_bytes()
            .and_then(rsa_modulus_bits)
            .map_or(Key::Unreadable, |bits| Key::Rsa { bits })
    } else {
        Key::Other(spki.algorithm.oid.to_string())
    };
    let ekus = tbs.extensions.as_ref().and_then(|exts| {
        exts.iter().find(|e| e.extn_id == OID_EKU).map(|e| {
            x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .map(|eku| eku.0.iter().map(ToString::to_string).collect())
                .unwrap_or_default()
        })
    });
    let subject = tbs.subject.to_string();
    CertFacts {
        name: common_name(&tbs.subject).unwrap_or_else(|| subject.clone()),
        subject,
        issuer: tbs.issuer.to_string(),
        self_issued: tbs.subject == tbs.issuer,
        key,
        ekus,
        not_before: unix(&tbs.validity.not_before),
        not_after: unix(&tbs.validity.not_after),
        sha256: cert
            .to_der()
            .map(|der| {
                Sha256::digest(der)
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: the modulus size in bits.
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let mut reader = SliceReader::new(key).ok()?;
    let bits = reader
        .sequence(|r| {
            let modulus: UintRef<'_> = r.decode()?;
            let _exponent: UintRef<'_> = r.decode()?;
            let bytes = modulus.as_bytes();
            let lead = bytes.first().map_or(8, |b| b.leading_zeros() as usize);
            Ok((bytes.len() * 8).saturating_sub(lead))
        })
        .ok()?;
    Some(bits)
}

/// One timestamp token: its time, its certificate, and whether its message
/// imprint is the hash of the signature it stamps (RFC 3161 § 2.4.2, as
/// NuGet's `Rfc3161TimestampVerificationUtility` checks it).
fn timestamp(token: &Any, signature_value: &[u8]) -> TimestampFacts {
    let mut out = TimestampFacts {
        time: None,
        time_text: None,
        signer: None,
        problem: None,
    };
    let signed = match token
        .to_der()
        .map_err(|e| e.to_string())
        .and_then(|d| signed_data(&d))
    {
        Ok(s) => s,
        Err(e) => {
            out.problem = Some(format!("the timestamp cannot be read: {e}"));
            return out;
        }
    };
    let certificates: Vec<&Certificate> = signed.certificates.iter().collect();
    out.signer = signed
        .signer_infos
        .first()
        .and_then(|s| find_certificate(s, &certificates))
        .map(describe);
    if signed.econtent_type != OID_TST_INFO {
        out.problem = Some(format!(
            "its content type is {}, not an RFC 3161 TSTInfo",
            signed.econtent_type
        ));
        return out;
    }
    let Some(tst) = signed
        .econtent
        .as_ref()
        .and_then(|e| e.decode_as::<OctetString>().ok())
    else {
        out.problem = Some("it has no TSTInfo".into());
        return out;
    };
    let parsed = SliceReader::new(tst.as_bytes()).and_then(|mut r| {
        r.sequence(|r| {
            let _version: Any = r.decode()?;
            let _policy: Any = r.decode()?;
            let imprint: Any = r.decode()?;
            let _serial: Any = r.decode()?;
            let gen_time: Any = r.decode()?;
            let rest = r.remaining_len();
            r.read_slice(rest)?;
            Ok((imprint, gen_time))
        })
    });
    let Ok((imprint, gen_time)) = parsed else {
        out.problem = Some("its TSTInfo is malformed".into());
        return out;
    };
    let text = (gen_time.tag() == Tag::GeneralizedTime)
        .then(|| std::str::from_utf8(gen_time.value()).ok())
        .flatten();
    out.time_text = text.and_then(rfc3339);
    out.time = out
        .time_text
        .as_deref()
        .and_then(|t| crate::rules::archive::parse_zip_time(t.get(..19)?));
    if out.time.is_none() {
        out.problem = Some("its generation time cannot be read".into());
        return out;
    }
    let imprint = SliceReader::new(imprint.value()).and_then(|mut r| {
        let algorithm: x509_cert::spki::AlgorithmIdentifierOwned = r.decode()?;
        let hash: OctetString = r.decode()?;
        Ok((algorithm.oid, hash))
    });
    match imprint {
        Ok((oid, hash)) => {
            let expected: Option<Vec<u8>> = match oid {
                o if o == OID_SHA256 => Some(Sha256::digest(signature_value).to_vec()),
                o if o == OID_SHA384 => Some(Sha384::digest(signature_value).to_vec()),
                o if o == OID_SHA512 => Some(Sha512::digest(signature_value).to_vec()),
                _ => None,
            };
            match expected {
                Some(e) if e != hash.as_bytes() => {
                    out.problem =
                        Some("its message imprint is not the hash of this signature".into());
                }
                // NuGet accepts SHA-256, SHA-384 and SHA-512 imprints only.
                None => {
                    out.problem = Some(format!(
                        "its message imprint uses the hash algorithm {oid}, which NuGet does not accept"
                    ));
                }
                _ => {}
            }
        }
        Err(_) => out.problem = Some("its message imprint is malformed".into()),
    }
    if out.problem.is_none() && out.signer.is_none() {
        out.problem = Some("it does not carry the time-stamping authority's certificate".into());
    }
    out
}

/// `YYYYMMDDHHMMSS[.fff]Z` → `YYYY-MM-DDTHH:MM:SSZ` (fraction dropped).
fn rfc3339(s: &str) -> Option<String> {
    let body = s.strip_suffix('Z')?;
    let main = body.split('.').next()?;
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let text = format!(
        "{}-{}-{}T{}:{}:{}Z",
        main.get(0..4)?,
        main.get(4..6)?,
        main.get(6..8)?,
        main.get(8..10)?,
        main.get(10..12)?,
        main.get(12..14)?
    );
    let month: u32 = main.get(4..6)?.parse().ok()?;
    let day: u32 = main.get(6..8)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(text)
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

    #[test]
    fn hostile_bytes_are_errors_not_panics() {
        for bytes in [
            &b""[..],
            b"\x30\x80",
            b"garbage",
            b"\x30\x03\x06\x01\x00",
            b"\x30\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
        ] {
            assert!(read(bytes).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn rsa_modulus_sizes() {
        // SEQUENCE { INTEGER 0x00 0x80 0x00 (16 bits: leading 0 dropped), INTEGER 3 }
        assert_eq!(
            rsa_modulus_bits(&[0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x00, 0x02, 0x01, 0x03]),
            Some(16)
        );
        assert_eq!(
            rsa_modulus_bits(&[0x30, 0x06, 0x02, 0x02, 0x01, 0x00, 0x02, 0x00]),
            None
        );
        assert_eq!(rsa_modulus_bits(b""), None);
    }

    #[test]
    fn generation_times() {
        assert_eq!(
            rfc3339("20230308071012.123Z").as_deref(),
            Some("2023-03-08T07:10:12Z")
        );
        for bad in [
            "",
            "2023Z",
            "20231308071012Z",
            "20230308071012",
            "2023030807101xZ",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
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

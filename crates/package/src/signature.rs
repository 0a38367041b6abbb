//! The package signature (`.signature.p7s`): a CMS SignedData read with the
//! RustCrypto `cms` and `x509-cert` crates. This reports what the signature
//! says (kind, signer, validity, timestamp, nuget.org attributes); it does
//! not check trust, revocation or the signed hash.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Reader, SliceReader, Tag, Tagged};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_cert::Certificate;

const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_COMMITMENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.16");
const OID_PROOF_OF_ORIGIN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.1");
const OID_PROOF_OF_RECEIPT: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.2");
const OID_COUNTERSIGNATURE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.6");
const OID_TIMESTAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
const OID_SERVICE_INDEX: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.84.2.1.1.1");
const OID_OWNERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.84.2.1.1.2");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// What kind of signature a package carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignatureKind {
    /// Signed by its author (commitment type proof-of-origin).
    Author,
    /// Signed by a repository such as nuget.org (proof-of-receipt).
    Repository,
    /// Author-signed, with a repository countersignature.
    AuthorWithRepositoryCountersignature,
    /// A signature without a commitment type NuGet knows.
    Unknown,
    /// `.signature.p7s` is present but could not be read.
    Unreadable,
}

/// One signer: the certificate and the attributes it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Signer {
    pub subject: Option<String>,
    pub issuer: Option<String>,
    /// Certificate validity (UTC, RFC 3339).
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// SHA-256 fingerprint of the signing certificate, upper-case hex.
    pub sha256: Option<String>,
    /// Generation time of the RFC 3161 timestamp, when there is one.
    pub timestamp_time: Option<String>,
    /// The timestamp is present but its generation time could not be read.
    pub timestamp_unreadable: bool,
    /// nuget-v3-service-index-url (repository signatures).
    pub service_index_url: Option<String>,
    /// nuget-package-owners (repository signatures).
    pub owners: Vec<String>,
}

/// The signature as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignatureInfo {
    pub kind: SignatureKind,
    /// The primary signer's certificate subject.
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub sha256: Option<String>,
    pub timestamp_time: Option<String>,
    /// The nuget.org (or other repository) service index URL, from the repository signature.
    pub service_index_url: Option<String>,
    /// Package owners recorded by the repository signature.
    pub repository_owners: Vec<String>,
    /// The repository countersignature on an author signature.
    pub repository_countersignature: Option<Signer>,
    /// Why the signature could not be read (kind `unreadable`).
    pub error: Option<String>,
}

impl SignatureInfo {
    fn unreadable(error: String) -> SignatureInfo {
        SignatureInfo {
            kind: SignatureKind::Unreadable,
            subject: None,
            issuer: None,
            not_before: None,
            not_after: None,
            sha256: None,
            timestamp_time: None,
            service_index_url: None,
            repository_owners: Vec::new(),
            repository_countersignature: None,
            error: Some(error),
        }
    }
}

/// The signature file exists but its bytes could not be read from the archive.
pub fn parse_failed(error: String) -> SignatureInfo {
    SignatureInfo::unreadable(error)
}

/// Reads `.signature.p7s` bytes. Never fails: unreadable data gives kind `unreadable`.
pub fn parse(bytes: &[u8]) -> SignatureInfo {
    match parse_inner(bytes) {
        Ok(info) => info,
        Err(e) => SignatureInfo::unreadable(e),
    }
}

fn parse_inner(bytes: &[u8]) -> Result<SignatureInfo, String> {
    let content = ContentInfo::from_der(bytes).map_err(|e| format!("not a CMS structure: {e}"))?;
    if content.content_type != OID_SIGNED_DATA {
        return Err(format!(
            "the content type is {}, not SignedData",
            content.content_type
        ));
    }
    let signed = LenientSignedData::decode(&content.content)
        .map_err(|e| format!("the SignedData is malformed: {e}"))?;
    let certificates: Vec<&Certificate> = signed.certificates.iter().collect();
    let primary = signed
        .signer_infos
        .first()
        .ok_or_else(|| "the signature has no signer".to_string())?;
    let primary_signer = describe_signer(primary, &certificates);
    let commitment = commitment_type(primary);
    let countersigner = find_attribute(primary.unsigned_attrs.as_ref(), OID_COUNTERSIGNATURE)
        .into_iter()
        .filter_map(|any| any.decode_as::<SignerInfo>().ok())
        .find(|s| commitment_type(s) == Some(OID_PROOF_OF_RECEIPT));
    let kind = match commitment {
        Some(oid) if oid == OID_PROOF_OF_ORIGIN => {
            if countersigner.is_some() {
                SignatureKind::AuthorWithRepositoryCountersignature
            } else {
                SignatureKind::Author
            }
        }
        Some(oid) if oid == OID_PROOF_OF_RECEIPT => SignatureKind::Repository,
        _ => SignatureKind::Unknown,
    };
    let counter = countersigner
        .as_ref()
        .map(|c| describe_signer(c, &certificates));
    let repo = match kind {
        SignatureKind::Repository => Some(&primary_signer),
        _ => counter.as_ref(),
    };
    Ok(SignatureInfo {
        kind,
        subject: primary_signer.subject.clone(),
        issuer: primary_signer.issuer.clone(),
        not_before: primary_signer.not_before.clone(),
        not_after: primary_signer.not_after.clone(),
        sha256: primary_signer.sha256.clone(),
        timestamp_time: primary_signer.timestamp_time.clone(),
        service_index_url: repo.and_then(|r| r.service_index_url.clone()),
        repository_owners: repo.map(|r| r.owners.clone()).unwrap_or_default(),
        repository_countersignature: counter,
        error: None,
    })
}

/// SignedData read field by field. `cms::signed_data::SignedData` insists on
/// DER's strictly ordered, duplicate-free SET OF, but real signatures (nuget.org
/// packages from 2018, for instance) carry the same certificate twice; NuGet
/// reads them, so the set members are decoded one by one here.
struct LenientSignedData {
    encap_content_info: cms::signed_data::EncapsulatedContentInfo,
    certificates: Vec<Certificate>,
    signer_infos: Vec<SignerInfo>,
}

impl LenientSignedData {
    fn decode(any: &Any) -> der::Result<LenientSignedData> {
        let mut r = SliceReader::new(any.value())?;
        let _version: Any = r.decode()?;
        let _digest_algorithms: Any = r.decode()?;
        let encap_content_info: cms::signed_data::EncapsulatedContentInfo = r.decode()?;
        let mut certificates = Vec::new();
        let mut signer_infos = Vec::new();
        while !r.is_finished() {
            let item: Any = r.decode()?;
            let tag = item.tag();
            if tag.is_context_specific() && tag.octet() & 0x1F == 0 {
                let mut inner = SliceReader::new(item.value())?;
                while !inner.is_finished() {
                    let choice: Any = inner.decode()?;
                    // Only plain certificates (a SEQUENCE); other choices are tagged.
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
            encap_content_info,
            certificates,
            signer_infos,
        })
    }
}

fn find_attribute(attrs: Option<&x509_cert::attr::Attributes>, oid: ObjectIdentifier) -> Vec<Any> {
    attrs
        .map(|set| {
            set.iter()
                .filter(|a| a.oid == oid)
                .flat_map(|a| a.values.iter().cloned())
                .collect()
        })
        .unwrap_or_default()
}

fn commitment_type(signer: &SignerInfo) -> Option<ObjectIdentifier> {
    let value = find_attribute(signer.signed_attrs.as_ref(), OID_COMMITMENT_TYPE)
        .into_iter()
        .next()?;
    // CommitmentTypeIndication ::= SEQUENCE { commitmentTypeId OID, ... }
    let mut reader = SliceReader::new(value.value()).ok()?;
    reader.decode::<ObjectIdentifier>().ok()
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

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn describe_signer(signer: &SignerInfo, certificates: &[&Certificate]) -> Signer {
    let cert = find_certificate(signer, certificates);
    let (timestamp_time, timestamp_unreadable) =
        match find_attribute(signer.unsigned_attrs.as_ref(), OID_TIMESTAMP_TOKEN)
            .into_iter()
            .next()
        {
            Some(token) => match timestamp_gen_time(&token) {
                Some(t) => (Some(t), false),
                None => (None, true),
            },
            None => (None, false),
        };
    let service_index_url = find_attribute(signer.signed_attrs.as_ref(), OID_SERVICE_INDEX)
        .into_iter()
        .next()
        .map(|v| String::from_utf8_lossy(v.value()).into_owned());
    let owners = find_attribute(signer.signed_attrs.as_ref(), OID_OWNERS)
        .into_iter()
        .next()
        .map(|v| decode_string_sequence(v.value()))
        .unwrap_or_default();
    Signer {
        subject: cert.map(|c| c.tbs_certificate.subject.to_string()),
        issuer: cert.map(|c| c.tbs_certificate.issuer.to_string()),
        not_before: cert.map(|c| {
            c.tbs_certificate
                .validity
                .not_before
                .to_date_time()
                .to_string()
        }),
        not_after: cert.map(|c| {
            c.tbs_certificate
                .validity
                .not_after
                .to_date_time()
                .to_string()
        }),
        sha256: cert
            .and_then(|c| c.to_der().ok())
            .map(|der| hex_upper(&Sha256::digest(der))),
        timestamp_time,
        timestamp_unreadable,
        service_index_url,
        owners,
    }
}

/// `SEQUENCE OF UTF8String` contents → strings (other string types read as text too).
fn decode_string_sequence(body: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(mut reader) = SliceReader::new(body) else {
        return out;
    };
    while !reader.is_finished() {
        match reader.decode::<Any>() {
            Ok(item) => out.push(String::from_utf8_lossy(item.value()).into_owned()),
            Err(_) => break,
        }
    }
    out
}

/// The TSTInfo genTime of an RFC 3161 timestamp token (a ContentInfo with SignedData).
fn timestamp_gen_time(token: &Any) -> Option<String> {
    let content: ContentInfo = token.decode_as().ok()?;
    let signed = LenientSignedData::decode(&content.content).ok()?;
    let econtent = signed.encap_content_info.econtent?;
    let tst_der = econtent.decode_as::<OctetString>().ok()?;
    let mut reader = SliceReader::new(tst_der.as_bytes()).ok()?;
    let gen_time: Any = reader
        .sequence(|r| {
            let _version: Any = r.decode()?;
            let _policy: Any = r.decode()?;
            let _imprint: Any = r.decode()?;
            let _serial: Any = r.decode()?;
            let gen_time: Any = r.decode()?;
            let rest = r.remaining_len();
            r.read_slice(rest)?;
            Ok(gen_time)
        })
        .ok()?;
    if gen_time.tag() != Tag::GeneralizedTime {
        return None;
    }
    generalized_time_to_rfc3339(std::str::from_utf8(gen_time.value()).ok()?)
}

/// `YYYYMMDDHHMMSS[.fff]Z` → `YYYY-MM-DDTHH:MM:SS[.fff]Z`. Written by hand
/// because `der`'s GeneralizedTime refuses the fractional seconds RFC 3161 allows.
fn generalized_time_to_rfc3339(s: &str) -> Option<String> {
    let body = s.strip_suffix('Z')?;
    let (main, fraction) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |a: usize, b: usize| main.get(a..b).and_then(|x| x.parse::<u32>().ok());
    let (month, day, hour, minute, second) = (
        num(4, 6)?,
        num(6, 8)?,
        num(8, 10)?,
        num(10, 12)?,
        num(12, 14)?,
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut out = format!(
        "{}-{}-{}T{}:{}:{}",
        main.get(0..4)?,
        main.get(4..6)?,
        main.get(6..8)?,
        main.get(8..10)?,
        main.get(10..12)?,
        main.get(12..14)?
    );
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('.');
        out.push_str(f);
    }
    out.push('Z');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_time() {
        assert_eq!(
            generalized_time_to_rfc3339("20230308071012Z").as_deref(),
            Some("2023-03-08T07:10:12Z")
        );
        assert_eq!(
            generalized_time_to_rfc3339("20230308071012.123Z").as_deref(),
            Some("2023-03-08T07:10:12.123Z")
        );
        for bad in [
            "",
            "2023Z",
            "20231308071012Z",
            "20230308071012",
            "20230308071012.Z",
            "2023030807101xZ",
        ] {
            assert_eq!(generalized_time_to_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x30\x80",
            b"not der at all",
            b"\x30\x03\x06\x01\x00",
        ] {
            let info = parse(bytes);
            assert_eq!(info.kind, SignatureKind::Unreadable);
            assert!(info.error.is_some());
        }
    }
}

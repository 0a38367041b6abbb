//! The package signature (`.signature.p7s`): a CMS SignedData read with the
//! RustCrypto `cms` and `x509-cert` crates. This reports what the signature
//! says (kind, signer, validity, timestamp, nuget.org attributes) and, as
//! plain data, the facts nuget.org's signing requirements are judged on (the
//! signer's certificate chain as carried in the signature, and every RFC 3161
//! timestamp with its own certificate and message-imprint check). It does not
//! judge them, and does not check trust, revocation or the signed hash.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString, UintRef};
use der::{Any, Decode, Encode, Reader, SliceReader, Tag, Tagged};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha384, Sha512};
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
const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// The key algorithm OID of RSA keys (rsaEncryption), as in [`CertificateInfo::key_algorithm`].
pub const KEY_RSA: &str = "1.2.840.113549.1.1.1";
/// How far the issuer chain is followed through the signature's certificates.
const MAX_CHAIN_LINKS: usize = 10;

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
    /// The primary signer's certificate chain and timestamps (absent when
    /// the signature is unreadable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub certificates: Option<SignerCertificates>,
}

/// One X.509 certificate carried in a signature, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateInfo {
    /// The full subject (RFC 4514 text).
    pub subject: String,
    /// The subject's common name (CN), when it has one.
    pub common_name: Option<String>,
    pub issuer: String,
    /// Subject and issuer are the same name.
    pub self_issued: bool,
    /// SHA-256 of the DER certificate, upper-case hex (nuget.org's thumbprint).
    pub sha256: String,
    /// The public-key algorithm's OID ([`KEY_RSA`] for RSA).
    pub key_algorithm: String,
    /// The RSA modulus size in bits; `None` for other algorithms or when it cannot be read.
    pub rsa_bits: Option<u32>,
    /// The extended key usage OIDs; `None` when the certificate has no EKU extension.
    pub ekus: Option<Vec<String>>,
    /// Validity, seconds since 1970 (UTC).
    #[ts(type = "number")]
    pub not_before: i64,
    #[ts(type = "number")]
    pub not_after: i64,
}

/// The outcome of comparing a timestamp's message imprint with the hash of
/// the signature it stamps (RFC 3161 § 2.4.2, as NuGet's
/// `Rfc3161TimestampVerificationUtility` compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImprintCheck {
    /// The token could not be read far enough to compare.
    NotChecked,
    Matches,
    DoesNotMatch,
    /// A hash algorithm other than SHA-256, SHA-384 or SHA-512 (see `imprintAlgorithm`).
    UnsupportedAlgorithm,
    /// The message imprint is not an AlgorithmIdentifier and an OCTET STRING.
    Malformed,
}

/// One RFC 3161 timestamp token on a signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimestampInfo {
    /// The TSTInfo generation time, RFC 3339 (fraction kept); `None` when it cannot be read.
    pub time: Option<String>,
    /// The generation time in seconds since 1970 (UTC).
    #[ts(type = "number | null")]
    pub time_unix: Option<i64>,
    pub imprint: ImprintCheck,
    /// The message imprint's hash algorithm OID, when readable.
    pub imprint_algorithm: Option<String>,
    /// The time-stamping authority's certificate, when the token carries it.
    pub signer: Option<CertificateInfo>,
    /// Why the token or its TSTInfo cannot be read.
    pub error: Option<String>,
}

/// A signer's certificates and timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignerCertificates {
    /// The signing certificate first, then each issuer found among the
    /// signature's certificates, up to a self-issued root or the first issuer
    /// the signature does not carry (at most 10 links). Empty when the
    /// signature does not carry its signing certificate.
    pub chain: Vec<CertificateInfo>,
    /// Every RFC 3161 timestamp token among the signer's unsigned attributes, in order.
    pub timestamps: Vec<TimestampInfo>,
}

impl SignerCertificates {
    /// The signing certificate.
    pub fn signer(&self) -> Option<&CertificateInfo> {
        self.chain.first()
    }
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
            certificates: None,
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
    let primary_certificates = SignerCertificates {
        chain: find_certificate(primary, &certificates)
            .map(|c| chain(c, &certificates))
            .unwrap_or_default(),
        timestamps: timestamps(primary),
    };
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
        certificates: Some(primary_certificates),
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
    let (timestamp_time, timestamp_unreadable) = match timestamps(signer).into_iter().next() {
        Some(ts) => {
            let unreadable = ts.time.is_none();
            (ts.time, unreadable)
        }
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
        subject: cert.map(|c| readable_name(&c.tbs_certificate.subject)),
        issuer: cert.map(|c| readable_name(&c.tbs_certificate.issuer)),
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

/// Every RFC 3161 timestamp token among a signer's unsigned attributes.
fn timestamps(signer: &SignerInfo) -> Vec<TimestampInfo> {
    find_attribute(signer.unsigned_attrs.as_ref(), OID_TIMESTAMP_TOKEN)
        .iter()
        .map(|token| timestamp(token, signer.signature.as_bytes()))
        .collect()
}

/// One timestamp token (a ContentInfo with SignedData over a TSTInfo): its
/// generation time, its certificate, and whether its message imprint is the
/// hash of `signature_value`, the signature it stamps.
fn timestamp(token: &Any, signature_value: &[u8]) -> TimestampInfo {
    let mut out = TimestampInfo {
        time: None,
        time_unix: None,
        imprint: ImprintCheck::NotChecked,
        imprint_algorithm: None,
        signer: None,
        error: None,
    };
    let signed = match token
        .decode_as::<ContentInfo>()
        .map_err(|e| format!("not a CMS structure: {e}"))
        .and_then(|content| {
            if content.content_type != OID_SIGNED_DATA {
                return Err(format!(
                    "the content type is {}, not SignedData",
                    content.content_type
                ));
            }
            LenientSignedData::decode(&content.content)
                .map_err(|e| format!("the SignedData is malformed: {e}"))
        }) {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(format!("the timestamp cannot be read: {e}"));
            return out;
        }
    };
    let certificates: Vec<&Certificate> = signed.certificates.iter().collect();
    out.signer = signed
        .signer_infos
        .first()
        .and_then(|s| find_certificate(s, &certificates))
        .map(certificate_info);
    let econtent_type = signed.encap_content_info.econtent_type;
    if econtent_type != OID_TST_INFO {
        out.error = Some(format!(
            "its content type is {econtent_type}, not an RFC 3161 TSTInfo"
        ));
    }
    let Some(tst) = signed
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|e| e.decode_as::<OctetString>().ok())
    else {
        out.error.get_or_insert_with(|| "it has no TSTInfo".into());
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
        out.error
            .get_or_insert_with(|| "its TSTInfo is malformed".into());
        return out;
    };
    if gen_time.tag() == Tag::GeneralizedTime {
        if let Ok(text) = std::str::from_utf8(gen_time.value()) {
            out.time = generalized_time_to_rfc3339(text);
            out.time_unix = generalized_time_to_unix(text);
        }
    }
    let imprint = SliceReader::new(imprint.value()).and_then(|mut r| {
        let algorithm: x509_cert::spki::AlgorithmIdentifierOwned = r.decode()?;
        let hash: OctetString = r.decode()?;
        Ok((algorithm.oid, hash))
    });
    (out.imprint, out.imprint_algorithm) = match imprint {
        Ok((oid, hash)) => {
            // NuGet accepts SHA-256, SHA-384 and SHA-512 imprints only.
            let expected: Option<Vec<u8>> = match oid {
                o if o == OID_SHA256 => Some(Sha256::digest(signature_value).to_vec()),
                o if o == OID_SHA384 => Some(Sha384::digest(signature_value).to_vec()),
                o if o == OID_SHA512 => Some(Sha512::digest(signature_value).to_vec()),
                _ => None,
            };
            let check = match expected {
                None => ImprintCheck::UnsupportedAlgorithm,
                Some(e) if e == hash.as_bytes() => ImprintCheck::Matches,
                Some(_) => ImprintCheck::DoesNotMatch,
            };
            (check, Some(oid.to_string()))
        }
        Err(_) => (ImprintCheck::Malformed, None),
    };
    out
}

/// The signing certificate, then its issuers as found among `certificates`
/// by name, up to a self-issued one or an issuer the signature does not carry.
fn chain(cert: &Certificate, certificates: &[&Certificate]) -> Vec<CertificateInfo> {
    let mut out = vec![certificate_info(cert)];
    let mut current = cert;
    for _ in 0..MAX_CHAIN_LINKS {
        let tbs = &current.tbs_certificate;
        if tbs.subject == tbs.issuer {
            break;
        }
        let Some(next) = certificates
            .iter()
            .copied()
            .find(|c| c.tbs_certificate.subject == tbs.issuer && *c != current)
        else {
            break;
        };
        out.push(certificate_info(next));
        current = next;
    }
    out
}

fn common_name(name: &x509_cert::name::Name) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == OID_CN)
        .map(|atv| attribute_text(&atv.value))
}

/// A DirectoryString (UTF8String, PrintableString, BMPString…) as text.
fn attribute_text(value: &Any) -> String {
    match value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = value
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
        _ => String::from_utf8_lossy(value.value()).into_owned(),
    }
}

/// The short names Windows and .NET show for the attributes certificates
/// carry (RFC 4514's, plus the EV and e-mail ones that would otherwise show as
/// dotted numbers with hex values).
fn attribute_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "S",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.15" => "BusinessCategory",
        "2.5.4.17" => "PostalCode",
        "2.5.4.42" => "G",
        "2.5.4.43" => "I",
        "2.5.4.97" => "OrganizationIdentifier",
        "1.2.840.113549.1.9.1" => "E",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.3.6.1.4.1.311.60.2.1.1" => "JurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "JurisdictionS",
        "1.3.6.1.4.1.311.60.2.1.3" => "JurisdictionC",
        _ => return None,
    })
}

/// A distinguished name as people read it: most specific first (CN first, as
/// certificate viewers show it), attributes by name, values as text; an
/// attribute nobody names keeps its dotted number. Text values are never hex.
pub fn readable_name(name: &x509_cert::name::Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter().rev() {
        for atv in rdn.0.iter() {
            let key = attribute_name(&atv.oid)
                .map(str::to_string)
                .unwrap_or_else(|| atv.oid.to_string());
            let text = match atv.value.tag() {
                Tag::Utf8String
                | Tag::PrintableString
                | Tag::Ia5String
                | Tag::TeletexString
                | Tag::BmpString
                | Tag::VisibleString => attribute_text(&atv.value),
                _ => format!(
                    "#{}",
                    atv.value
                        .value()
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                ),
            };
            let quoted = if text.contains([',', '+', '"', ';', '<', '>', '=']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text
            };
            parts.push(format!("{key}={quoted}"));
        }
    }
    parts.join(", ")
}

fn unix(time: &x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// The facts of one certificate.
fn certificate_info(cert: &Certificate) -> CertificateInfo {
    let tbs = &cert.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    let rsa_bits = (spki.algorithm.oid == OID_RSA)
        .then(|| {
            spki.subject_public_key
                .as_bytes()
                .and_then(rsa_modulus_bits)
        })
        .flatten();
    let ekus = tbs.extensions.as_ref().and_then(|exts| {
        exts.iter().find(|e| e.extn_id == OID_EKU).map(|e| {
            x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .map(|eku| eku.0.iter().map(ToString::to_string).collect())
                .unwrap_or_default()
        })
    });
    CertificateInfo {
        subject: readable_name(&tbs.subject),
        common_name: common_name(&tbs.subject),
        issuer: readable_name(&tbs.issuer),
        self_issued: tbs.subject == tbs.issuer,
        sha256: cert
            .to_der()
            .map(|der| hex_upper(&Sha256::digest(der)))
            .unwrap_or_default(),
        key_algorithm: spki.algorithm.oid.to_string(),
        rsa_bits,
        ekus,
        not_before: unix(&tbs.validity.not_before),
        not_after: unix(&tbs.validity.not_after),
    }
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: the modulus size in bits.
fn rsa_modulus_bits(key: &[u8]) -> Option<u32> {
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
    u32::try_from(bits).ok()
}

/// `YYYYMMDDHHMMSS[.fff]Z` → seconds since 1970 (the fraction dropped), via
/// `der`'s calendar (which refuses the fraction itself).
fn generalized_time_to_unix(s: &str) -> Option<i64> {
    let main = s.strip_suffix('Z')?.split('.').next()?;
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |a: usize, b: usize| main.get(a..b).and_then(|x| x.parse::<u16>().ok());
    let small = |a: usize| num(a, a + 2).and_then(|v| u8::try_from(v).ok());
    let time = der::DateTime::new(
        num(0, 4)?,
        small(4)?,
        small(6)?,
        small(8)?,
        small(10)?,
        small(12)?,
    )
    .ok()?;
    i64::try_from(time.unix_duration().as_secs()).ok()
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
            // A ContentInfo naming SignedData with no content.
            b"\x30\x0b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
        ] {
            let info = parse(bytes);
            assert_eq!(info.kind, SignatureKind::Unreadable);
            assert!(info.error.is_some());
            assert_eq!(info.certificates, None);
        }
    }

    #[test]
    fn generalized_time_seconds() {
        assert_eq!(
            generalized_time_to_unix("20230308071012Z"),
            Some(1_678_259_412)
        );
        assert_eq!(
            generalized_time_to_unix("20230308071012.999Z"),
            Some(1_678_259_412)
        );
        assert_eq!(generalized_time_to_unix("19700101000000Z"), Some(0));
        for bad in [
            "",
            "2023Z",
            "20231308071012Z",
            "20230230071012Z",
            "20230308071012",
            "2023030807101xZ",
            "20230308256012Z",
        ] {
            assert_eq!(generalized_time_to_unix(bad), None, "{bad}");
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
    fn hostile_timestamp_tokens_are_reported_not_panics() {
        for bytes in [
            &b"\x05\x00"[..],
            b"\x30\x03\x06\x01\x00",
            // ContentInfo { data (1.2.840.113549.1.7.1), [0] OCTET STRING "x" }
            b"\x30\x10\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\xa0\x03\x04\x01x",
        ] {
            let token = Any::from_der(bytes).unwrap();
            let ts = timestamp(&token, b"sig");
            assert!(ts.error.is_some(), "{bytes:?}: {ts:?}");
            assert_eq!(ts.imprint, ImprintCheck::NotChecked);
            assert_eq!(ts.time, None);
        }
    }
}

//! Author signatures made in the test: RSA keys generated for the run (no
//! key files in the repository), certificates built with `x509-cert` and
//! really signed, and a CMS SignedData with NuGet's commitment type and
//! RFC 3161 timestamp tokens, signed with `cms`'s builder. The signed content
//! carries a placeholder package hash: the rules read certificates and
//! timestamps, not the package hash (no rule verifies it).
#![allow(clippy::unwrap_used)]

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfos};
use der::asn1::{GeneralizedTime, ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Tag};
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use x509_cert::attr::Attribute;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_COMMITMENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.16");
const OID_PROOF_OF_ORIGIN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.6.1");
const OID_TIMESTAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_TSA_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.4146.2.3");
pub const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
pub const TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
pub const SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");

/// One RSA key per size for the whole test run (key generation is slow in debug builds).
fn key(bits: usize) -> RsaPrivateKey {
    static K1024: OnceLock<RsaPrivateKey> = OnceLock::new();
    static K2048: OnceLock<RsaPrivateKey> = OnceLock::new();
    let cell = if bits == 1024 { &K1024 } else { &K2048 };
    cell.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap())
        .clone()
}

/// What to get wrong.
#[derive(Debug, Clone)]
pub struct Spec {
    pub root_name: &'static str,
    pub signer_bits: usize,
    /// `None`: no EKU extension.
    pub signer_eku: Option<ObjectIdentifier>,
    pub self_issued: bool,
    pub timestamps: usize,
    pub tsa_bits: usize,
    pub tsa_eku: Option<ObjectIdentifier>,
    /// Stamp a hash of something else than the signature.
    pub wrong_imprint: bool,
    /// The timestamp's time, relative to now (the signing certificate is valid from a day ago for a year).
    pub stamped_days_from_now: i64,
    /// Leave the signing certificate out of the signature.
    pub omit_signer_certificate: bool,
}

impl Default for Spec {
    /// A signature that meets every requirement (but its root is not a well-known CA).
    fn default() -> Spec {
        Spec {
            root_name: "CN=Nupub Test Root CA,O=Nupub Tests",
            signer_bits: 2048,
            signer_eku: Some(CODE_SIGNING),
            self_issued: false,
            timestamps: 1,
            tsa_bits: 2048,
            tsa_eku: Some(TIME_STAMPING),
            wrong_imprint: false,
            stamped_days_from_now: 0,
            omit_signer_certificate: false,
        }
    }
}

fn time(offset_days: i64) -> SystemTime {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    UNIX_EPOCH + Duration::from_secs((now + offset_days * 86_400) as u64)
}

fn certificate(
    profile: Profile,
    serial: u32,
    subject: &str,
    subject_key: &RsaPrivateKey,
    issuer_key: &RsaPrivateKey,
    eku: Option<ObjectIdentifier>,
) -> Certificate {
    let validity = Validity {
        not_before: Time::try_from(time(-1)).unwrap(),
        not_after: Time::try_from(time(365)).unwrap(),
    };
    let spki = SubjectPublicKeyInfoOwned::from_key(subject_key.to_public_key()).unwrap();
    let signer = SigningKey::<Sha256>::new(issuer_key.clone());
    let mut builder = CertificateBuilder::new(
        profile,
        SerialNumber::from(serial),
        validity,
        Name::from_str(subject).unwrap(),
        spki,
        &signer,
    )
    .unwrap();
    if let Some(eku) = eku {
        builder.add_extension(&ExtendedKeyUsage(vec![eku])).unwrap();
    }
    builder.build::<Signature>().unwrap()
}

fn leaf(issuer: &str) -> Profile {
    Profile::Leaf {
        issuer: Name::from_str(issuer).unwrap(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    }
}

fn sid(cert: &Certificate) -> SignerIdentifier {
    SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    })
}

fn sha256_id() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    }
}

fn sign(
    content: &EncapsulatedContentInfo,
    key: &RsaPrivateKey,
    certs: &[&Certificate],
    signed_attrs: Vec<Attribute>,
) -> ContentInfo {
    let signer = SigningKey::<Sha256>::new(key.clone());
    let mut info =
        SignerInfoBuilder::new(&signer, sid(certs[0]), sha256_id(), content, None).unwrap();
    for attr in signed_attrs {
        info.add_signed_attribute(attr).unwrap();
    }
    let mut data = SignedDataBuilder::new(content);
    data.add_digest_algorithm(sha256_id()).unwrap();
    for cert in certs {
        data.add_certificate(CertificateChoices::Certificate((*cert).clone()))
            .unwrap();
    }
    data.add_signer_info::<SigningKey<Sha256>, Signature>(info)
        .unwrap();
    data.build().unwrap()
}

/// An RFC 3161 timestamp token over `signature_value`.
fn timestamp_token(spec: &Spec, signature_value: &[u8], tsa: &Certificate, serial: u8) -> Any {
    let stamped = if spec.wrong_imprint {
        b"something else".as_slice()
    } else {
        signature_value
    };
    let mut imprint = sha256_id().to_der().unwrap();
    imprint.extend(
        OctetString::new(Sha256::digest(stamped).to_vec())
            .unwrap()
            .to_der()
            .unwrap(),
    );
    let gen_time = GeneralizedTime::from_system_time(time(spec.stamped_days_from_now)).unwrap();
    let mut tst = 1u8.to_der().unwrap();
    tst.extend(OID_TSA_POLICY.to_der().unwrap());
    tst.extend(Any::new(Tag::Sequence, imprint).unwrap().to_der().unwrap());
    tst.extend(serial.to_der().unwrap());
    tst.extend(gen_time.to_der().unwrap());
    let tst = Any::new(Tag::Sequence, tst).unwrap().to_der().unwrap();
    let content = EncapsulatedContentInfo {
        econtent_type: OID_TST_INFO,
        econtent: Some(Any::new(Tag::OctetString, tst).unwrap()),
    };
    let token = sign(&content, &key(spec.tsa_bits), &[tsa], Vec::new());
    Any::encode_from(&token).unwrap()
}

/// `.signature.p7s` bytes for this spec.
pub fn signature(spec: &Spec) -> Vec<u8> {
    let ca_key = key(2048);
    let signer_key = key(spec.signer_bits);
    let signer_name = "CN=Nupub Test Signer,O=Nupub Tests";
    let root = certificate(Profile::Root, 1, spec.root_name, &ca_key, &ca_key, None);
    let signer_cert = if spec.self_issued {
        certificate(
            leaf(signer_name),
            2,
            signer_name,
            &signer_key,
            &signer_key,
            spec.signer_eku,
        )
    } else {
        certificate(
            leaf(spec.root_name),
            2,
            signer_name,
            &signer_key,
            &ca_key,
            spec.signer_eku,
        )
    };
    let tsa_cert = certificate(
        leaf(spec.root_name),
        3,
        "CN=Nupub Test Time Stamping Authority,O=Nupub Tests",
        &key(spec.tsa_bits),
        &ca_key,
        spec.tsa_eku,
    );
    let content = EncapsulatedContentInfo {
        econtent_type: OID_DATA,
        econtent: Some(
            Any::new(
                Tag::OctetString,
                b"Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:AAAA\n\n".to_vec(),
            )
            .unwrap(),
        ),
    };
    let commitment = Attribute {
        oid: OID_COMMITMENT_TYPE,
        values: SetOfVec::try_from(vec![Any::new(
            Tag::Sequence,
            OID_PROOF_OF_ORIGIN.to_der().unwrap(),
        )
        .unwrap()])
        .unwrap(),
    };
    let mut certs = vec![&signer_cert];
    if !spec.self_issued {
        certs.push(&root);
    }
    let mut signed = sign(&content, &signer_key, &certs, vec![commitment]);
    if spec.omit_signer_certificate {
        let mut data: SignedData = signed.content.decode_as().unwrap();
        let kept: Vec<CertificateChoices> = certs
            .iter()
            .skip(1)
            .map(|c| CertificateChoices::Certificate((*c).clone()))
            .collect();
        data.certificates = Some(cms::signed_data::CertificateSet(
            SetOfVec::try_from(kept).unwrap(),
        ));
        signed.content = Any::encode_from(&data).unwrap();
    }
    let mut data: SignedData = signed.content.decode_as().unwrap();
    let mut infos = data.signer_infos.0.into_vec();
    let value = infos[0].signature.as_bytes().to_vec();
    if spec.timestamps > 0 {
        let attrs: Vec<Attribute> = (0..spec.timestamps)
            .map(|i| Attribute {
                oid: OID_TIMESTAMP_TOKEN,
                values: SetOfVec::try_from(vec![timestamp_token(
                    spec,
                    &value,
                    &tsa_cert,
                    i as u8 + 1,
                )])
                .unwrap(),
            })
            .collect();
        infos[0].unsigned_attrs = Some(SetOfVec::try_from(attrs).unwrap());
    }
    data.signer_infos = SignerInfos(SetOfVec::try_from(infos).unwrap());
    ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&data).unwrap(),
    }
    .to_der()
    .unwrap()
}

#[test]
fn made_signatures_read_back() {
    use crate::certificates::CertificateView;
    let info = nupub_package::signature::parse(&signature(&Spec::default()));
    let facts = crate::certificates::SigningFacts::of(&info).unwrap();
    let signer = facts.signer.unwrap();
    assert_eq!(signer.name(), "Nupub Test Signer");
    assert_eq!(signer.key(), crate::certificates::Key::Rsa { bits: 2048 });
    assert_eq!(facts.timestamps.len(), 1);
    assert_eq!(
        crate::certificates::timestamp_problem(&facts.timestamps[0]),
        None,
        "{:?}",
        facts.timestamps
    );
    let _ = ContentInfo::from_der(&signature(&Spec::default())).unwrap();
}
